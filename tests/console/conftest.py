"""Fixtures of the console's tests: an HTTP client of the app in process (the test's own database), and for the
browser tests the real app served by uvicorn on a loopback port against a database of its own, with Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
import uvicorn
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.db import connect
from api.settings import Settings, load_settings
from tests.databases import Databases, with_database

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CITYLOOP_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
async def console(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A client of the console (no redirects followed). Unlike `client`, answers are not checked against the
    published document: the console's routes are not in it."""
    async with AsyncTestClient(app, base_url="http://testserver.local") as c:
        c.follow_redirects = False
        yield c


# --- the served app and the browser -------------------------------------------------------------------------


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a sync (browser) test, in a thread of its own: Playwright's sync API holds this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class LiveServer:
    """The app served by uvicorn in a thread, on a free loopback port, with a database of its own."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="console-server", daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the console's test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()

    async def query(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await connect(self.settings)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()


async def _create_database(admin_url: str, name: str, template: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for _ in range(50):
            try:
                await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except asyncpg.ObjectInUseError:  # the template is being copied for a spare right now
                await asyncio.sleep(0.1)
        raise RuntimeError(f"could not copy {template}")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def live_server(databases: Databases, base_url: str) -> Iterator[LiveServer]:
    """One served app per pytest worker (its database is dropped with the worker's others)."""
    name = databases.template.removesuffix("_tpl") + "_console"
    run_async(_create_database(with_database(base_url, "postgres"), name, databases.template))
    settings = load_settings(
        database_url=with_database(base_url, name), env="test", db_pool_min=1, db_pool_max=4
    )
    server = LiveServer(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium (scripts/bootstrap.sh installs it), one per test module and worker. Not longer: while
    Playwright's sync API is started it holds an event loop in the thread, and the async tests that follow in the
    same worker could not run theirs."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: scripts/bootstrap.sh installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (no cookies) in Chinese, at the served app; its CSP violations are collected in
    `page.csp_violations`."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    tab = context.new_page()
    tab.csp_violations = []
    tab.on(
        "console",
        lambda message: (
            tab.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
