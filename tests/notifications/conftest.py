"""Fixtures of the notifications tests: the fake FCM and its service account, a webhook receiver, settings that
point at both, a worker (`Notifier`) over its own pool, and the people around a case.

No test here reaches beyond this machine: `no_network` fails a test that connects (or resolves a name)
anywhere but loopback, background threads included.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
import uvicorn
from aiohttp import web

from api.app import create_app
from api.config import notifications_config
from api.db import create_pool
from api.settings import Settings, load_settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store as cases_store
from notifications.models import NotificationsConfig
from notifications.runner import Notifier
from notifications.webhooks import signature_matches
from tests.cases.workflow_fixtures import DISTRICT, Staff, make_staff
from tests.identity.helpers import staff_token
from tests.notifications.fake_fcm import FakeFCM, write_service_account

WEBHOOK_SECRET = "s3cret-of-the-12345-hotline"


# no network beyond loopback ---------------------------------------------------------------------------------


def _local(host: object) -> bool:
    if not isinstance(host, str):
        return True
    return host in ("localhost", "::1", "") or host.startswith("127.") or host.startswith("/")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".invalid"):  # RFC 2606: never resolves; no need to ask
            raise socket.gaierror(socket.EAI_NONAME, f"{host} does not resolve")
        if not _local(host):
            attempts.append(f"resolve {host}")
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on this machine: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def guard(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _local(host):
            attempts.append(f"connect {address}")
            raise OSError(f"tests stay on this machine: {address}")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
    assert attempts == [], f"a test tried to leave the machine: {attempts}"


# the fake FCM and a webhook receiver ------------------------------------------------------------------------


@pytest.fixture
async def fake_fcm() -> AsyncIterator[FakeFCM]:
    fake = FakeFCM()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def fcm_credentials(tmp_path: Path, fake_fcm: FakeFCM) -> Path:
    return write_service_account(tmp_path / "service-account.json", fake_fcm.origin + "/token")


class Hook(msgspec.Struct):
    headers: dict[str, str]
    body: bytes
    signed: bool

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A local webhook endpoint that checks every signature; `status` is what it answers."""

    def __init__(self) -> None:
        self.received: list[Hook] = []
        self.status = 200
        self.delay_s = 0.0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        signed = signature_matches(
            WEBHOOK_SECRET,
            request.headers.get("X-CityLoop-Timestamp", ""),
            body,
            request.headers.get("X-CityLoop-Signature", ""),
        )
        self.received.append(Hook(dict(request.headers), body, signed))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return web.json_response({"ok": self.status < 300}, status=self.status)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hooks/cityloop", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hooks/cityloop"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


# settings, the worker ---------------------------------------------------------------------------------------

#: Fast retries and a short lease, so that retry paths run in a test's time.
TEST_DELIVERY: dict[str, Any] = {
    "notify_backoff_base_s": 0.05,
    "notify_backoff_max_s": 0.2,
    "notify_poll_s": 0.05,
    "notify_lease_s": 30.0,
    "notify_max_attempts": 4,
    "webhook_pause_after": 3,
    "webhook_timeout_s": 2.0,
    "webhook_allow_private_targets": True,  # the receiver listens on 127.0.0.1
}


@pytest.fixture
def settings(database_url: str, fcm_credentials: Path, fake_fcm: FakeFCM) -> Settings:
    return load_settings(
        database_url=database_url,
        env="test",
        db_pool_min=1,
        db_pool_max=6,
        fcm_credentials_file=str(fcm_credentials),
        fcm_url=fake_fcm.origin,
        fcm_project_id="demo-cityloop",
        **TEST_DELIVERY,
    )


@pytest.fixture
def config(settings: Settings) -> NotificationsConfig:
    return notifications_config(settings)


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(settings)
    yield p
    await p.close()


@pytest.fixture
async def notifier(pool: asyncpg.Pool, config: NotificationsConfig) -> AsyncIterator[Notifier]:
    async with Notifier(pool, config) as n:
        yield n


# the people around a case ----------------------------------------------------------------------------------


@pytest.fixture
async def demo_city(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await cases_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))


class Citizen(msgspec.Struct):
    id: uuid.UUID
    token: str


@pytest.fixture
async def staff(db: asyncpg.Connection, settings: Settings, demo_city: None) -> Staff:
    people = await make_staff(db, settings)
    # an admin, and a shift lead of another district who must hear nothing of this one
    people.tokens["admin"] = await staff_token(db, settings, "+8613700000199", "admin")
    people.tokens["other_lead"] = await staff_token(
        db, settings, "+8613700000198", "shift_lead", ("district", "110102")
    )
    people.ids["other_lead"] = await db.fetchval("SELECT id FROM users WHERE phone = '+8613700000198'")
    assert DISTRICT == "110101"
    return people


async def make_citizen(
    db: asyncpg.Connection, settings: Settings, phone: str, locale: str = "zh-CN"
) -> Citizen:
    token = await staff_token(db, settings, phone, "citizen")
    user_id: uuid.UUID = await db.fetchval(
        "UPDATE users SET locale = $2 WHERE phone = $1 RETURNING id", phone, locale
    )
    return Citizen(user_id, token)


@pytest.fixture
async def reporter(db: asyncpg.Connection, settings: Settings) -> Citizen:
    return await make_citizen(db, settings, "+8613900000001")


@pytest.fixture
async def follower(db: asyncpg.Connection, settings: Settings) -> Citizen:
    return await make_citizen(db, settings, "+8613900000002", locale="en")


# the API served for real (WebSockets) ------------------------------------------------------------------------


@pytest.fixture
async def live_server(settings: Settings) -> AsyncIterator[str]:
    """The API under uvicorn on a free loopback port, in this test's event loop; yields its origin."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), lifespan="on", log_level="warning", ws="websockets-sansio")
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await asyncio.wait_for(serving, 15)
