"""Forward-only migrations: applying them twice is a no-op, and an applied file may not change."""

from __future__ import annotations

import asyncpg
import pytest

from api.db import Migration, MigrationError, load_migrations, migrate

SCHEMA_SNAPSHOT = """
    SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name
"""


async def test_migrating_twice_is_a_no_op(db: asyncpg.Connection) -> None:
    # the test database is a copy of the migrated template
    before = await db.fetch(SCHEMA_SNAPSHOT)
    recorded = await db.fetch("SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in recorded] == [m.version for m in load_migrations()]

    assert await migrate(db) == []
    assert await migrate(db) == []

    assert await db.fetch(SCHEMA_SNAPSHOT) == before
    assert (
        await db.fetch("SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version")
        == recorded
    )


async def test_an_edited_migration_is_refused(db: asyncpg.Connection) -> None:
    first = load_migrations()[0]
    edited = Migration(first.version, first.name, first.sql + "\n-- edited")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await migrate(db, [edited])


async def test_a_failing_migration_leaves_nothing_behind(db: asyncpg.Connection) -> None:
    broken = Migration(9999, "9999_broken", "CREATE TABLE half_done (id int); SELECT no_such_function();")
    with pytest.raises(asyncpg.UndefinedFunctionError):
        await migrate(db, [*load_migrations(), broken])
    assert await db.fetchval("SELECT to_regclass('half_done')") is None
    assert await db.fetchval("SELECT count(*) FROM schema_migrations WHERE version = 9999") == 0


async def test_uuid_v7_ids_are_time_ordered(db: asyncpg.Connection) -> None:
    ids = [await db.fetchval("SELECT uuid_generate_v7()") for _ in range(50)]
    assert all(i.version == 7 for i in ids)
    assert [str(i)[:13] for i in ids] == sorted(str(i)[:13] for i in ids)
