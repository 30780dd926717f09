"""The database out of reach, without restarting any server: the test's own database stops taking connections,
or the pool has none to give. Requests answer 503 service_unavailable with Retry-After and write nothing; the
same app serves again once the database does. /readyz and the worker's heartbeat."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import asyncpg
import httpx
import pytest

from api.app import create_app
from api.config import storage_config
from api.db import beat, create_pool, database_unavailable
from api.settings import Settings, load_settings
from api.worker import BACKOFF_MAX_S, Worker, backoff_s
from media.storage import Storage
from notifications.runner import NotifierHealth
from tests.cases.helpers import report_body
from tests.faults.conftest import served
from tests.faults.pg import free_port
from tests.identity.helpers import bearer, staff_token


def _fields(settings: Settings) -> dict[str, Any]:
    return {f: getattr(settings, f) for f in settings.__struct_fields__}


def assert_unavailable(r: Any) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "service_unavailable", r.text
    assert r.headers["retry-after"] == "5"
    assert "Traceback" not in r.text


async def report(client: httpx.AsyncClient, token: str, description: str, key: str) -> httpx.Response:
    return await client.post(
        "/v1/reports",
        json=report_body(description=description),
        headers={**bearer(token), "Idempotency-Key": key},
    )


async def test_requests_answer_503_while_the_database_refuses_connections(
    db: asyncpg.Connection, settings: Settings, demo_city: None, database_url: str, base_url: str
) -> None:
    """The test's database stops taking connections (the shared server keeps serving other tests)."""
    token = await staff_token(db, settings, "+8613900000501", "citizen")
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(base_url.rsplit("/", 1)[0] + "/postgres")
    try:
        async with served(create_app(settings)) as client:
            assert (await client.get("/v1/inbox", headers=bearer(token))).status_code == 200
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            assert_unavailable(await client.get("/v1/inbox", headers=bearer(token)))
            assert_unavailable(await report(client, token, "数据库停了", "down-0001"))
            assert_unavailable(await client.post("/v1/auth/otp", json={"phone": "13900000502"}))

            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            # the same app, no restart: the pool opens new connections
            r = await report(client, token, "数据库回来了", "down-0001")
            assert r.status_code == 201, r.text
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
    check = await asyncpg.connect(database_url)
    try:
        # nothing of the refused requests was written: one report (the retry), one idempotency key, no SMS
        assert [r["description"] for r in await check.fetch("SELECT description FROM reports")] == [
            "数据库回来了"
        ]
        assert await check.fetchval("SELECT count(*) FROM idempotency_keys") == 1
        assert await check.fetchval("SELECT count(*) FROM sms_messages WHERE phone = '+8613900000502'") == 0
    finally:
        await check.close()


async def test_a_request_that_gets_no_connection_in_time_answers_503(
    db: asyncpg.Connection, settings: Settings, demo_city: None
) -> None:
    """One connection in the pool, held by a request that waits on a lock: the next request answers 503 after
    DB_ACQUIRE_TIMEOUT_S, and writes nothing; the first one finishes once the lock is gone."""
    token = await staff_token(db, settings, "+8613900000503", "citizen")
    tight = {**_fields(settings), "db_pool_min": 1, "db_pool_max": 1, "db_acquire_timeout_s": 0.3}
    async with served(create_app(load_settings(**tight))) as client:
        tx = db.transaction()
        await tx.start()
        try:
            await db.execute("LOCK TABLE reports IN ACCESS EXCLUSIVE MODE")
            first = asyncio.create_task(report(client, token, "先到的", "wait-0001"))
            await asyncio.sleep(0.5)  # it holds the pool's only connection, waiting for the lock
            assert not first.done()
            assert_unavailable(await report(client, token, "等不到连接", "wait-0002"))
        finally:
            await tx.rollback()
        r = await first
        assert r.status_code == 201, r.text
        again = await report(client, token, "等不到连接", "wait-0002")  # the refused one, retried
        assert again.status_code == 201, again.text
    assert sorted(r["description"] for r in await db.fetch("SELECT description FROM reports")) == sorted(
        ["先到的", "等不到连接"]
    )


@pytest.mark.parametrize(
    ("exc", "unavailable"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), True),
        (OSError("Multiple exceptions: [Errno 111] ..., [Errno 99] ..."), True),
        (TimeoutError(), True),
        (asyncpg.CannotConnectNowError("the database system is starting up"), True),
        (asyncpg.AdminShutdownError("terminating connection due to administrator command"), True),
        (asyncpg.TooManyConnectionsError("sorry, too many clients already"), True),
        (asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"), True),
        (asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"), True),
        (
            asyncpg.InterfaceError(
                "cannot call Connection.execute(): connection has been released back to the pool"
            ),
            True,
        ),
        (
            asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress"),
            True,
        ),
        (ExceptionGroup("cleanup", [ValueError(), asyncpg.CannotConnectNowError("x")]), True),
        # a wrong statement, a bug, a refusal: not the database being away
        (asyncpg.UniqueViolationError("duplicate key"), False),
        (asyncpg.UndefinedColumnError("column does not exist"), False),
        (asyncpg.InterfaceError("cannot perform operation: another operation is in progress"), False),
        (ValueError("bad"), False),
        (ExceptionGroup("cleanup", [ValueError(), KeyError()]), False),
    ],
)
def test_what_counts_as_the_database_being_away(exc: BaseException, unavailable: bool) -> None:
    assert database_unavailable(exc) is unavailable


async def test_readyz_asks_for_a_working_worker_where_required(
    db: asyncpg.Connection, settings: Settings
) -> None:
    required = load_settings(
        **{**_fields(settings), "worker_heartbeat_required": True, "worker_heartbeat_max_age_s": 10.0}
    )
    async with served(create_app(required)) as client:
        r = await client.get("/readyz")  # no worker ever beat
        assert r.status_code == 503
        assert r.json()["code"] == "dependency_unavailable"
        assert r.json()["failing"] == ["worker"]
        assert r.json()["worker_last_beat_s"] is None
        assert r.headers["retry-after"] == "5"

        started = await db.fetchval("SELECT now()")
        await beat(db, "host:1:abc", "host", 1, started)
        r = await client.get("/readyz")
        assert r.status_code == 200, r.text
        assert r.json()["checks"] == {"database": "ok", "storage": "ok", "worker": "ok"}

        # the worker stopped beating a minute ago
        await db.execute("UPDATE worker_heartbeats SET beat_at = now() - interval '60 seconds'")
        r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["failing"] == ["worker"]
        assert 59 < r.json()["worker_last_beat_s"] < 120

        # a second beat of the same worker updates its row
        await beat(db, "host:1:abc", "host", 1, started)
        assert await db.fetchval("SELECT count(*) FROM worker_heartbeats") == 1
        assert (await client.get("/readyz")).status_code == 200

    # outside production nobody asks by default (tests and dev run no worker)
    assert not settings.worker_heartbeat_required
    async with served(create_app(settings)) as client:
        r = await client.get("/readyz")
        assert r.status_code == 200
        assert "worker" not in r.json()["checks"]


async def test_the_worker_backs_off_while_the_database_is_away_and_goes_on(settings: Settings) -> None:
    """A pass says False (back off) instead of raising when the database cannot be reached, whatever the job."""
    pool = await create_pool(settings)
    storage = Storage(storage_config(settings))
    try:
        worker = Worker(settings, pool, storage, NotifierHealth())
        async with aiohttp.ClientSession() as http:
            assert await worker.run_pass(http) is True  # deadlines, billing, housekeeping, the first beat
            # a pool on a port where nothing listens (it opens connections when asked for one)
            away = {**_fields(settings), "database_url": _refused(settings), "db_pool_min": 0}
            worker.pool = await create_pool(load_settings(**away))
            assert await worker.run_pass(http) is False
            await worker.pool.close()
    except OSError:
        pytest.fail("the worker let a connection error out")
    finally:
        storage.close()
        await pool.close()
    delays = [backoff_s(n) for n in range(1, 12)]
    assert 0.25 <= delays[0] <= 0.5
    assert all(d <= BACKOFF_MAX_S for d in delays) and delays[-1] >= BACKOFF_MAX_S / 2


def _refused(settings: Settings) -> str:
    """The same database URL on a port where nothing listens."""
    head, _, rest = settings.database_url.partition("@")
    database = rest.partition("/")[2]
    return f"{head}@127.0.0.1:{free_port()}/{database}"


async def test_no_500_while_connections_die_mid_request(
    db: asyncpg.Connection, settings: Settings, demo_city: None, database_url: str, base_url: str
) -> None:
    """Connections killed while requests run (pg_terminate_backend, as a restart does): 503s, never 500."""
    token = await staff_token(db, settings, "+8613900000504", "citizen")
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(base_url.rsplit("/", 1)[0] + "/postgres")
    statuses: list[int] = []
    try:
        async with served(create_app(settings)) as client:
            running = True

            async def load() -> None:
                while running:
                    r = await client.get("/v1/inbox", headers=bearer(token))
                    statuses.append(r.status_code)
                    if r.status_code == 503:
                        assert_unavailable(r)

            clients = [asyncio.create_task(load()) for _ in range(3)]
            for _ in range(15):
                await asyncio.sleep(0.05)
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = $1 AND application_name = 'cityloop' AND pid <> pg_backend_pid()",
                    name,
                )
            running = False
            await asyncio.gather(*clients)
            assert (await client.get("/v1/inbox", headers=bearer(token))).status_code == 200
    finally:
        await admin.close()
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses
