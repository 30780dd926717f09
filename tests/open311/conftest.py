"""Fixtures of the Open311 tests: the demo city, an application and its key, a local image server."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import asyncpg
import msgspec
import pytest
from aiohttp import web

from api.settings import Settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store as reports_store
from identity.models import RequestContext
from open311 import applications
from open311.models import ApplicationCreate
from tests.media.images import jpeg


@pytest.fixture
def settings(worker_settings: Settings, database_url: str) -> Settings:
    # the image server of these tests listens on 127.0.0.1
    return msgspec.structs.replace(worker_settings, open311_allow_private_media=True)


@pytest.fixture
async def demo_city(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await reports_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))


CTX = RequestContext(actor_label="tests")


async def issue_key(db: asyncpg.Connection, name: str = "市民通 App", **limits: Any) -> tuple[str, Any]:
    async with db.transaction():
        issued = await applications.issue(db, ApplicationCreate(name=name, **limits), CTX, None)
    return issued.api_key, issued.application


@pytest.fixture
async def api_key(db: asyncpg.Connection, demo_city: None) -> str:
    key, _ = await issue_key(db)
    return key


class ImageServer:
    def __init__(self) -> None:
        self.hits = 0
        self.base = ""


@pytest.fixture
def images() -> Iterator[ImageServer]:
    """A local web server in a thread of its own (the test client blocks the test's event loop while the app
    answers): /photo.jpg (a JPEG), /big (over the size limit), /text (not an image), /missing (404),
    /redirect (to /photo.jpg)."""
    server = ImageServer()
    photo = jpeg()

    async def photo_handler(request: web.Request) -> web.Response:
        server.hits += 1
        return web.Response(body=photo, content_type="image/jpeg")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(40):
            await response.write(b"\xff" * (1024 * 1024))
        return response

    async def text(request: web.Request) -> web.Response:
        return web.Response(text="not an image")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("/photo.jpg")

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_get("/photo.jpg", photo_handler)
    app.router.add_get("/big", big)
    app.router.add_get("/text", text)
    app.router.add_get("/redirect", redirect)
    runner = web.AppRunner(app, access_log=None)

    async def start() -> int:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return int(site._server.sockets[0].getsockname()[1])

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    server.base = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
