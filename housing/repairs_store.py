"""SQL of repairs and complaints (housing/repairs.py) besides the engine's own statements (the guarded UPDATE, the
events and deadlines, the limits: cases/workflow/store/__init__.py, which the engine runs on the tables this module
inserts into)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg


async def lives_in_estate(conn: asyncpg.Connection, estate_id: UUID, user_id: UUID) -> bool:
    """The user is bound now (an active binding, any relation) to a home of the estate."""
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM home_bindings b JOIN homes h ON h.id = b.home_id
                          WHERE h.estate_id = $1 AND b.user_id = $2 AND b.state = 'active')""",
        estate_id,
        user_id,
    )
    return found


async def home_estate(conn: asyncpg.Connection, home_id: UUID) -> UUID | None:
    estate: UUID | None = await conn.fetchval("SELECT estate_id FROM homes WHERE id = $1", home_id)
    return estate


async def building_estate(conn: asyncpg.Connection, building_id: UUID) -> UUID | None:
    estate: UUID | None = await conn.fetchval("SELECT estate_id FROM buildings WHERE id = $1", building_id)
    return estate


async def insert_repair(
    conn: asyncpg.Connection,
    *,
    estate_id: UUID,
    home_id: UUID | None,
    building_id: UUID | None,
    kind: str,
    urgency: str,
    reporter_id: UUID,
    description: str,
    photo_ids: list[UUID],
) -> asyncpg.Record:
    """A new repair in its first state, as the engine reads it (every column)."""
    row = await conn.fetchrow(
        """INSERT INTO repairs (estate_id, home_id, building_id, kind, urgency, reporter_id, description, photo_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *""",
        estate_id,
        home_id,
        building_id,
        kind,
        urgency,
        reporter_id,
        description,
        photo_ids,
    )
    assert row is not None
    return row


#: the due time and pause of the repair's open step (null when none is open), for the guards of its actions; the
#: bill of a paid repair (null until it is confirmed)
_OPEN = """(SELECT d.due_at FROM repair_deadlines d WHERE d.repair_id = r.id AND d.completed_at IS NULL) AS open_due_at,
    (SELECT d.paused_at FROM repair_deadlines d WHERE d.repair_id = r.id AND d.completed_at IS NULL) AS open_paused_at,
    (SELECT b.id FROM bills b WHERE b.repair_id = r.id) AS bill_id"""


async def get_repair(conn: asyncpg.Connection, repair_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"""SELECT r.*, e.district_code, {_OPEN} FROM repairs r JOIN estates e ON e.id = r.estate_id WHERE r.id = $1""",
        repair_id,
    )
    return row


async def repair_events(conn: asyncpg.Connection, repair_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT id, at, kind, actor_id, from_state, to_state, note, photo_ids, public
           FROM repair_events WHERE repair_id = $1 ORDER BY id""",
        repair_id,
    )
    return rows


async def open_step(conn: asyncpg.Connection, repair_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        """SELECT step, assignee_id, started_at, due_at FROM repair_deadlines
           WHERE repair_id = $1 AND completed_at IS NULL""",
        repair_id,
    )
    return row


async def set_limit(
    conn: asyncpg.Connection, estate_id: UUID, kind: str, urgency: str, step: str, minutes: int, working: bool
) -> None:
    """The estate's own limit of one step of one kind and urgency (its service contract's promise)."""
    await conn.execute(
        """INSERT INTO repair_limits (estate_id, kind, urgency, step, minutes, working)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (estate_id, kind, urgency, step) DO UPDATE
               SET minutes = excluded.minutes, working = excluded.working""",
        estate_id,
        kind,
        urgency,
        step,
        minutes,
        working,
    )


async def list_by_reporter(
    conn: asyncpg.Connection, reporter_id: UUID, before: UUID | None, limit: int
) -> list[asyncpg.Record]:
    """The reporter's repairs, newest first (ids are UUIDv7: time-ordered), after the keyset `before`."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT r.*, e.district_code, {_OPEN} FROM repairs r JOIN estates e ON e.id = r.estate_id
           WHERE r.reporter_id = $1 AND ($2::uuid IS NULL OR r.id < $2)
           ORDER BY r.id DESC LIMIT $3""",
        reporter_id,
        before,
        limit,
    )
    return rows


async def list_by_estate(
    conn: asyncpg.Connection,
    estate_id: UUID,
    *,
    state: str | None,
    kind: str | None,
    before: UUID | None,
    limit: int,
) -> list[asyncpg.Record]:
    """The estate's repairs, newest first, of one state and kind when given, after the keyset `before`."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT r.*, e.district_code, {_OPEN} FROM repairs r JOIN estates e ON e.id = r.estate_id
           WHERE r.estate_id = $1 AND ($2::text IS NULL OR r.state = $2) AND ($3::text IS NULL OR r.kind = $3)
             AND ($4::uuid IS NULL OR r.id < $4)
           ORDER BY r.id DESC LIMIT $5""",
        estate_id,
        state,
        kind,
        before,
        limit,
    )
    return rows


async def repair_item(conn: asyncpg.Connection, estate_id: UUID) -> UUID:
    """The estate's fee item of kind 'repair' (migration 0025), made the first time a repair is billed."""
    item: UUID | None = await conn.fetchval(
        """WITH made AS (
               INSERT INTO fee_items (estate_id, kind, name, due_days)
               VALUES ($1, 'repair', '有偿维修（报修）', 15)
               ON CONFLICT (estate_id) WHERE kind = 'repair' DO NOTHING RETURNING id
           )
           SELECT id FROM made UNION ALL SELECT id FROM fee_items WHERE estate_id = $1 AND kind = 'repair'
           LIMIT 1""",
        estate_id,
    )
    assert item is not None
    return item


async def item_due_days(conn: asyncpg.Connection, item_id: UUID) -> int:
    days: int = await conn.fetchval("SELECT due_days FROM fee_items WHERE id = $1", item_id)
    return days


async def open_steps(conn: asyncpg.Connection, repair_ids: Sequence[UUID]) -> list[asyncpg.Record]:
    """The open step of each repair named (none for those waiting on no clock), with its due time and whether it
    is past it now. For the console's queues."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT repair_id, step, assignee_id, started_at, due_at, due_at < now() AS overdue
           FROM repair_deadlines WHERE repair_id = ANY($1::uuid[]) AND completed_at IS NULL""",
        repair_ids,
    )
    return rows
