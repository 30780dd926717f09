"""Test harness: real PostgreSQL + PostGIS and a real S3 endpoint, started by `scripts/services.sh`.

Each pytest worker migrates one template database; every test gets a fresh database copied from it, so tests
never see each other's rows. The environment comes from `var/test/env` (sourced by `make test`).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.db import connect, migrate
from api.settings import Settings, load_settings
from tests import contract_conformance


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run the tests with `make test`", returncode=2)
    return url


@pytest.fixture(scope="session")
def template_db(base_url: str, worker_id: str) -> Iterator[str]:
    """A migrated template database for this pytest worker (named by process, so that two runs on one
    server do not trip over each other); dropped at the end."""
    name = f"cityloop_tpl_{os.getpid()}_{worker_id}"
    admin_url = _with_database(base_url, "postgres")

    async def build() -> None:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        conn = await connect(load_settings(database_url=_with_database(base_url, name), env="test"))
        try:
            await migrate(conn)
        finally:
            await conn.close()

    async def drop() -> None:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(build())
    yield name
    asyncio.run(drop())


@pytest.fixture
async def database_url(base_url: str, template_db: str) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(_with_database(base_url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        yield _with_database(base_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, env="test", db_pool_min=1, db_pool_max=4)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


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
