"""The asyncpg pool, the per-request transaction, and forward-only SQL migrations."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import asyncpg
from litestar.datastructures import State

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


async def create_pool(settings: Settings) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        settings.database_url,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        init=_init_connection,
        command_timeout=30,
        server_settings=SERVER_SETTINGS,
    )


@asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the Connection that domain services take (the proxy behaves as one)."""
    async with pool.acquire() as conn:
        yield cast(asyncpg.Connection, conn)


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One connection and one transaction per request, owned by the API layer.

    The transaction commits when the handler returns and rolls back when it raises, except for domain errors
    marked `persist`: those record something that must survive the refusal (a wrong sign-in code counts as a
    try, a reused refresh token revokes its family).
    """
    async with acquire(state.pool) as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield conn
        except BaseException as exc:
            if getattr(exc, "persist", False):
                await tx.commit()
            else:
                await tx.rollback()
            raise
        else:
            await tx.commit()


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
