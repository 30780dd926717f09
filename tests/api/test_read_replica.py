"""The read/write split in the pool settings (deploy/SCALING.md step 3): DATABASE_REPLICA_URL gives the heavy
public reads (`read_conn`) a pool of their own, in read-only transactions; without it they share the primary's.

The replica here is the test's own database through the replica pool (a standby serves the same rows): the
backend that ran Open311's list is the replica pool's, and what the read connection may do is read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.datastructures import State
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.db import create_pool, provide_read_conn
from api.settings import Settings

#: what the replica pool's connections call themselves (api/db.py create_pool)
REPLICA_NAME = "cityloop-replica"


@pytest.fixture
async def replica_client(settings: Settings) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    app = create_app(msgspec.structs.replace(settings, database_replica_url=settings.database_url))
    async with AsyncTestClient(app) as client:
        yield app, client


class Spy:
    """The replica's pool, counting what is taken from it."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.taken = 0

    async def acquire(self, timeout: float | None = None) -> asyncpg.pool.PoolConnectionProxy:  # noqa: ASYNC109
        self.taken += 1
        return await self.pool.acquire(timeout=timeout)

    async def release(self, conn: asyncpg.pool.PoolConnectionProxy) -> None:
        await self.pool.release(conn)


async def test_the_public_list_reads_from_the_replica_pool(
    replica_client: tuple[Litestar, AsyncTestClient[Litestar]], db: asyncpg.Connection
) -> None:
    app, client = replica_client
    assert app.state.read_pool is not app.state.pool
    named = await db.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        REPLICA_NAME,
    )
    assert named >= 1  # the replica's connections, named as such
    spy = app.state.read_pool = Spy(app.state.read_pool)
    r = await client.get("/open311/v2/requests.json")
    assert r.status_code == 200, r.text
    assert spy.taken == 1
    # what a client reads back right after writing it stays on the primary: the request a token became
    r = await client.get("/open311/v2/tokens/no-such-token.json")
    assert r.status_code == 404 and spy.taken == 1
    app.state.read_pool = spy.pool


async def test_without_a_replica_the_reads_share_the_primary(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    assert app.state.read_pool is app.state.pool


async def test_a_read_connection_is_read_only(settings: Settings) -> None:
    pool = await create_pool(settings)
    try:
        state = State({"read_pool": pool, "settings": settings})
        provider = provide_read_conn(state)
        conn = await provider.__anext__()
        assert await conn.fetchval("SHOW transaction_read_only") == "on"
        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            await conn.execute("CREATE TEMPORARY TABLE nothing_written (x int)")
        with pytest.raises(StopAsyncIteration):
            await provider.__anext__()
    finally:
        await pool.close()
