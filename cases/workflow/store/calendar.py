"""SQL of the working-time calendar: an admin's overrides of the official calendar (cases/workflow/deadlines.py)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg


async def select_overrides(
    conn: asyncpg.Connection, first: date | None = None, last: date | None = None
) -> list[asyncpg.Record]:
    """Overrides between two days (inclusive; None = unbounded), in day order."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT day, workday, note, updated_by, updated_at FROM calendar_overrides
           WHERE ($1::date IS NULL OR day >= $1) AND ($2::date IS NULL OR day <= $2)
           ORDER BY day""",
        first,
        last,
    )
    return rows


async def lock_override(conn: asyncpg.Connection, day: date) -> None:
    """Serialise changes to one day's override until the transaction ends (the row may not exist yet)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('calendar_overrides'), $1)", day.toordinal())


async def upsert_override(
    conn: asyncpg.Connection, day: date, workday: bool, note: str, actor_id: UUID | None
) -> None:
    await conn.execute(
        """INSERT INTO calendar_overrides (day, workday, note, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, note = excluded.note,
               updated_by = excluded.updated_by, updated_at = now()""",
        day,
        workday,
        note,
        actor_id,
    )


async def delete_override(conn: asyncpg.Connection, day: date) -> bool:
    """Remove one day's override; False when there was none."""
    status: str = await conn.execute("DELETE FROM calendar_overrides WHERE day = $1", day)
    return status != "DELETE 0"
