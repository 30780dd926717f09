"""The asyncpg pool, the per-request transaction, and forward-only SQL migrations."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

import asyncpg
from asyncpg.transaction import Transaction
from litestar.datastructures import State
from litestar.di import NamedDependency

from api.settings import Settings

log = logging.getLogger("cityloop.db")

# Beside the packages in a checkout; in the working directory of an installed image (see the Dockerfile).
_SOURCE_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
MIGRATIONS_DIR = _SOURCE_MIGRATIONS if _SOURCE_MIGRATIONS.is_dir() else Path.cwd() / "migrations"
_MIGRATION_LOCK = 7_340_001  # pg_advisory_lock key: one migrator at a time
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


# jit: its compile time costs more than it saves on our short queries. force_custom_plan: the optional filters
# (`$n IS NULL OR col = $n`) only simplify away in custom plans; a generic plan misjudges them (bench/queues.py).
SERVER_SETTINGS = {
    "application_name": "cityloop",
    "timezone": "UTC",
    "jit": "off",
    "plan_cache_mode": "force_custom_plan",
}


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def connect(settings: Settings) -> asyncpg.Connection:
    """A single connection with the same codecs as the pool (CLI, migrations)."""
    conn = await asyncpg.connect(settings.database_url, server_settings=SERVER_SETTINGS)
    await _init_connection(conn)
    return conn


#: seconds to open one connection; asyncpg's default of 60 would hold a worker pass (or a request's wait for a
#: connection) that long when the server's address swallows packets
CONNECT_TIMEOUT_S = 10.0


async def create_pool(settings: Settings, url: str | None = None) -> asyncpg.Pool:
    """The pool of the API or the worker (on `url`: the replica's; else the primary). It recovers by itself from a
    restart of the server: a connection that died is dropped, and the next acquire opens a new one."""
    return await asyncpg.create_pool(
        url or settings.database_url,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        init=_init_connection,
        command_timeout=30,
        timeout=CONNECT_TIMEOUT_S,
        # the replica's connections say so in pg_stat_activity
        server_settings={**SERVER_SETTINGS, "application_name": "cityloop-replica"}
        if url
        else SERVER_SETTINGS,
    )


@asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the Connection that domain services take (the proxy behaves as one).
    Raises DatabaseUnreachable when none can be had."""
    try:
        conn = await pool.acquire()
    except Exception as exc:
        raise DatabaseUnreachable(f"no database connection: {exc!r}") from exc
    try:
        yield cast(asyncpg.Connection, conn)
    finally:
        await pool.release(conn)


# the database is down, restarting or out of reach --------------------------------------------------------------


class DatabaseUnreachable(ConnectionError):
    """No connection could be had from the pool: opening one failed (refused, starting up, not accepting
    connections, too many clients ...) or none came free within DB_ACQUIRE_TIMEOUT_S."""


_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable, timed out; DatabaseUnreachable; asyncpg's "Multiple exceptions"
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.CannotConnectNowError,  # 57P03: starting up, shutting down, in recovery
    asyncpg.AdminShutdownError,  # 57P01: terminated by a shutdown or pg_terminate_backend
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300
    asyncpg.ConnectionDoesNotExistError,  # the connection was lost in the middle of an operation
)


_LOST = ("connection is closed", "released back to the pool")


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached now (not that a statement was wrong): a request
    answers 503 and a worker backs off and retries. An exception group counts when any member does."""
    if isinstance(exc, BaseExceptionGroup):
        return any(database_unavailable(e) for e in exc.exceptions)
    if isinstance(exc, _UNAVAILABLE):
        return True
    # A connection whose server went away, used again: asyncpg says that it "is closed", or, for a pooled one
    # that the pool took back when it died, that it "has been released back to the pool". A server's goodbye
    # (FATAL: terminating connection) that arrives between two statements leaves the protocol consuming an
    # error, and the next statement finds it "cannot switch to state ...".
    if isinstance(exc, asyncpg.InterfaceError):
        return any(sign in str(exc) for sign in _LOST)
    return isinstance(exc, asyncpg.InternalClientError) and "cannot switch to state" in str(exc)


async def _begin(
    pool: asyncpg.Pool, acquire_timeout_s: float
) -> tuple[asyncpg.pool.PoolConnectionProxy, Transaction]:
    """A pooled connection in a new transaction. An idle connection the server has just dropped fails its
    BEGIN: it is thrown away and one more is tried (nothing was done yet), so that a restart costs fewer 503s."""
    for attempt in (1, 2):
        try:
            conn = await pool.acquire(timeout=acquire_timeout_s)
        except TimeoutError as exc:
            raise DatabaseUnreachable(f"no database connection within {acquire_timeout_s} s") from exc
        except Exception as exc:
            raise DatabaseUnreachable(f"no database connection: {exc!r}") from exc
        tx = conn.transaction()
        try:
            await tx.start()
        except Exception as exc:
            conn.terminate()
            await pool.release(conn)
            if attempt == 2 or not database_unavailable(exc):
                raise
            continue
        return conn, tx
    raise AssertionError("unreachable")


#: a handler's `read_conn`: provide_read_conn's connection
ReadConn = NamedDependency[asyncpg.Connection]


async def provide_read_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One connection in a read-only transaction, for the heavy public reads that may lag the primary by a moment
    (the map, indicators, Open311's lists): from the replica's pool when DATABASE_REPLICA_URL is set
    (deploy/SCALING.md step 3), else from the primary's. What a user reads back right after writing it stays on
    `conn`."""
    pool: asyncpg.Pool = state.read_pool
    conn = await pool.acquire(timeout=state.settings.db_acquire_timeout_s)
    try:
        async with conn.transaction(readonly=True):
            yield cast(asyncpg.Connection, conn)
    finally:
        await pool.release(conn)


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One connection and one transaction per request, owned by the API layer.

    The transaction commits when the handler returns and rolls back when it raises, except for domain errors
    marked `persist`: those record something that must survive the refusal (a wrong sign-in code counts as a
    try, a reused refresh token revokes its family).

    When the database is out of reach the request fails with a connection error that api/errors.py answers
    with 503 and Retry-After. Nothing is half-written: the server rolls back a transaction whose connection
    died; only a commit whose acknowledgement was lost may have happened (a retry with the same
    Idempotency-Key then gets the stored answer).
    """
    pool: asyncpg.Pool = state.pool
    conn, tx = await _begin(pool, state.settings.db_acquire_timeout_s)
    try:
        try:
            yield cast(asyncpg.Connection, conn)
        except BaseException as exc:
            if getattr(exc, "persist", False):
                await tx.commit()
            else:
                try:
                    await tx.rollback()
                except Exception as rollback_exc:
                    # the connection died: the server has rolled back already; report what the handler raised
                    if not database_unavailable(rollback_exc):
                        raise
            raise
        else:
            await tx.commit()
    finally:
        await pool.release(conn)


# the worker's heartbeat (migration 0012) ------------------------------------------------------------------------


async def beat(conn: asyncpg.Connection, worker_id: str, host: str, pid: int, started_at: datetime) -> None:
    await conn.execute(
        """INSERT INTO worker_heartbeats (worker_id, host, pid, started_at, beat_at)
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (worker_id) DO UPDATE SET beat_at = now()""",
        worker_id,
        host,
        pid,
        started_at,
    )


async def newest_beat_age_s(conn: asyncpg.Connection) -> float | None:
    """Seconds since the newest beat of any worker, by the database's clock; None when none ever beat."""
    age = await conn.fetchval("SELECT extract(epoch FROM now() - max(beat_at)) FROM worker_heartbeats")
    return None if age is None else float(age)


async def forget_old_beats(conn: asyncpg.Connection, older_than_s: float = 86_400.0) -> int:
    status = await conn.execute(
        "DELETE FROM worker_heartbeats WHERE beat_at < now() - make_interval(secs => $1)", older_than_s
    )
    return int(status.split()[-1])


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 0001_name.sql: {path.name}")
        migrations.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError("two migration files share a number")
    return migrations


class MigrationError(Exception):
    pass


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations in order, each in its own transaction, under an advisory lock.

    Returns the names applied (empty when the database is current). An applied file that was edited since is
    refused: migrations are forward-only.
    """
    migrations = load_migrations() if migrations is None else migrations
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        applied = {
            r["version"]: r for r in await conn.fetch("SELECT version, name, checksum FROM schema_migrations")
        }
        done: list[str] = []
        for migration in migrations:
            row = applied.get(migration.version)
            if row is not None:
                if row["checksum"] != migration.checksum:
                    raise MigrationError(f"{migration.name} was changed after it was applied")
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            log.info("migration applied", extra={"migration": migration.name})
            done.append(migration.name)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
