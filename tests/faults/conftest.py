"""Fixtures of the fault suite: a PostgreSQL cluster of the module's own (restarted by its tests, never the shared
one), the real `cityloop worker` as a process, and the notifications world (the fake FCM, a webhook receiver,
the people around a case) from tests/notifications.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn
from litestar import Litestar

from api.db import connect, migrate
from api.settings import load_settings
from tests import contract_conformance
from tests.cases.conftest import demo_city
from tests.faults.pg import ThrowawayPostgres, free_port
from tests.notifications.conftest import (
    fake_fcm,
    fcm_credentials,
    follower,
    receiver,
    reporter,
    settings,
    staff,
)

__all__ = [
    "demo_city",
    "fake_fcm",
    "fcm_credentials",
    "follower",
    "receiver",
    "reporter",
    "settings",
    "staff",
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[ThrowawayPostgres]:
    """A migrated PostgreSQL + PostGIS cluster on a free loopback port, database `cityloop`."""
    pg = ThrowawayPostgres()
    try:
        pg.init()
        pg.start()

        async def prepare() -> None:
            admin = await asyncpg.connect(pg.admin_url)
            try:
                await admin.execute("CREATE DATABASE cityloop")
            finally:
                await admin.close()
            conn = await connect(load_settings(database_url=pg.url("cityloop"), env="test"))
            try:
                await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                await migrate(conn)
            finally:
                await conn.close()

        asyncio.run(prepare())
        yield pg
    finally:
        pg.destroy()


def start_worker(log: Path, **env: str) -> subprocess.Popen[bytes]:
    """`cityloop worker` as its own process, output appended to `log`; `env` on top of the test's environment."""
    full = {**os.environ, "CITYLOOP_ENV": "test", "LOG_LEVEL": "INFO", **env}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            cwd=ROOT,
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def tail(log: Path, chars: int = 4000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


async def wait_for(
    condition: Callable[[], Awaitable[bool]], within: float, what: str, log: Path | None
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}" + (f"; log:\n{tail(log)}" if log else ""))


class PrivateS3:
    """An s3rver of the test's own (bucket `cityloop`), stopped and started again on the same port and data."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(ROOT / "node_modules/.bin/s3rver"),
                "--directory",
                str(self.directory),
                "--address",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--configure-bucket",
                "cityloop",
                "--silent",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("s3rver did not start") from None
                time.sleep(0.05)
        raise RuntimeError("s3rver did not listen within 15 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def private_s3(tmp_path: Path) -> Iterator[PrivateS3]:
    s3 = PrivateS3(tmp_path / "s3")
    s3.start()
    yield s3
    s3.stop()


@asynccontextmanager
async def served(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app under uvicorn on a free loopback port, in the test's event loop, and a client of it whose every
    answer is checked against the contract. Unlike litestar's test client (whose transport blocks the test's
    loop for the length of each request), requests really run side by side."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(1000):
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
            timeout=30,
            event_hooks={"response": [contract_conformance.check]},
        ) as client:
            yield client
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 15)
