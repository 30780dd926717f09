"""Test harness: real PostgreSQL + PostGIS and a real S3 endpoint, started by `scripts/services.sh`.

Every test gets a fresh database, a copy of a template migrated once per pytest worker, so tests never see each
other's rows (tests/databases.py: the copy always has the same name and is made ahead, off the test's path).
The app is built once per worker (and settings) and lent to each test in turn with the state it was built
with. The environment comes from `var/test/env` (sourced by `make test`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import asyncpg
import pytest
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.controllers.notifications import LiveChannelsBackend
from api.db import connect
from api.settings import Settings, load_settings
from tests import contract_conformance
from tests.databases import Databases


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run the tests with `make test`", returncode=2)
    return url


@pytest.fixture(scope="session")
def databases(base_url: str, worker_id: str) -> Iterator[Databases]:
    """This pytest worker's databases (named by process, so that two runs on one server do not trip over each
    other); dropped at the end."""
    dbs = Databases(base_url, f"cityloop_{os.getpid()}_{worker_id}")
    dbs.start()
    try:
        yield dbs
    finally:
        dbs.close()


@pytest.fixture(scope="session")
def template_db(databases: Databases) -> str:
    """The migrated template, for tests that make databases of their own from it."""
    return databases.template


@pytest.fixture
async def database_url(databases: Databases) -> str:
    """A fresh database for this test (always at the same URL within a worker)."""
    return await databases.fresh()


@pytest.fixture(scope="session")
def worker_settings(databases: Databases) -> Settings:
    return load_settings(database_url=databases.url, env="test", db_pool_min=1, db_pool_max=4)


@pytest.fixture
def settings(database_url: str, worker_settings: Settings) -> Settings:
    return worker_settings


class LentApps:
    """Apps built once per worker and lent to one test at a time: one for each settings value a test brings (the
    worker's, and those of modules with settings of their own, such as lower rate limits); the few used last are
    kept.

    A test may change an app's state (restored after it) but not its routes (an app whose routes a test changed
    is not lent again). The live channels' backend is new for each test: its LISTEN connection waits on asyncio
    primitives of the event loop it ran in, and each test runs in a loop of its own.
    """

    KEEP = 4

    def __init__(self) -> None:
        self._apps: dict[Settings, Litestar] = {}

    @contextmanager
    def lend(self, settings: Settings) -> Iterator[Litestar]:
        app = self._apps.pop(settings, None) or create_app(settings)
        state = dict(app.state)
        handlers = _handlers(app)
        channels = app.plugins.get(ChannelsPlugin)
        channels._backend = LiveChannelsBackend(settings.database_url)
        channels._channels = {}
        try:
            yield app
        finally:
            for key in list(app.state):
                del app.state[key]
            app.state.update(state)
            if _handlers(app) == handlers:
                self._apps[settings] = app  # the last used last
                while len(self._apps) > self.KEEP:
                    del self._apps[next(iter(self._apps))]


def _handlers(app: Litestar) -> list[int]:
    return [id(handler) for route in app.routes for handler in getattr(route, "route_handlers", ())]


@pytest.fixture(scope="session")
def lent_apps() -> LentApps:
    return LentApps()


@pytest.fixture
def app(settings: Settings, lent_apps: LentApps) -> Iterator[Litestar]:
    with lent_apps.lend(settings) as app:
        yield app


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app) as c:
        c.event_hooks["response"].append(contract_conformance.check)
        yield c


@pytest.fixture
async def db(database_url: str, settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to the test's database, for checking what was (not) written."""
    conn = await connect(settings)
    try:
        yield conn
    finally:
        await conn.close()
