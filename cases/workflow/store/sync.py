"""SQL of the phones' sync (cases/workflow/service.py sync_cases): the horizon, the visible cases changed after a
cursor, the tasks closed and the cases moved away between two cursors. Visibility is the workflow store's."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from cases.workflow.store import CASE_COLUMNS, VISIBLE, scope_args

Record = asyncpg.Record


_SYNC_HORIZON = """
SELECT coalesce(
           (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s.snap) AS x
            WHERE NOT EXISTS (
                SELECT 1 FROM pg_stat_activity a
                WHERE a.backend_xid = x::xid AND a.datid IS NOT NULL
                  AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))),
           pg_snapshot_xmax(s.snap)::text::bigint) AS horizon,
       pg_snapshot_xmax(s.snap)::text::bigint AS next_xid
FROM (SELECT pg_current_snapshot() AS snap) s"""


async def sync_horizon(conn: asyncpg.Connection) -> tuple[int, int]:
    """(horizon, next transaction id). Every transaction below the horizon that could write to this database
    has ended, so every row it committed is visible to any later statement, and no row with a smaller
    change_xid can ever appear. The horizon is the oldest transaction still running, leaving out only those
    seen running in another database of the cluster (they cannot write here); a transaction not seen at all
    (it ended meanwhile, or has just started) counts as running here, which only delays, never skips."""
    row = await conn.fetchrow(_SYNC_HORIZON)
    assert row is not None
    return int(row["horizon"]), int(row["next_xid"])


async def cases_changed_after(
    conn: asyncpg.Connection, scope: Any, after: tuple[int, UUID], horizon: int, limit: int
) -> list[Record]:
    """Visible cases whose (change_xid, id) is past `after` and whose change_xid is below `horizon`, in that
    order, with their open step (task_id and assignee_id tell whose task it is)."""
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, c.change_xid, d.id AS task_id, d.step, d.due_at, d.due_soon_at, d.paused_at,
                   d.assignee_id
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE {VISIBLE} AND (c.change_xid, c.id) > ($5::bigint, $6::uuid) AND c.change_xid < $7::bigint
            ORDER BY c.change_xid, c.id LIMIT $8""",
        *scope_args(scope),
        after[0],
        after[1],
        horizon,
        limit,
    )


async def first_change_since(conn: asyncpg.Connection, scope: Any, since: datetime) -> int | None:
    """The smallest change_xid of the visible cases changed after `since` (for a sync cursor of the old
    format, a time): every such case is at or after it."""
    found: int | None = await conn.fetchval(
        f"SELECT min(c.change_xid) FROM cases c WHERE {VISIBLE} AND c.updated_at > $5",
        *scope_args(scope),
        since,
    )
    return found


async def tasks_closed_between(
    conn: asyncpg.Connection, user_id: UUID, after: tuple[int, UUID], until: tuple[int, UUID]
) -> list[int]:
    """The user's finished steps whose last change, keyed (change_xid, case_id), is in (after, until]."""
    rows = await conn.fetch(
        """SELECT d.id FROM case_deadlines d
           WHERE d.assignee_id = $1 AND d.completed_at IS NOT NULL
             AND (d.change_xid, d.case_id) > ($2::bigint, $3::uuid)
             AND (d.change_xid, d.case_id) <= ($4::bigint, $5::uuid)
           ORDER BY d.id""",
        user_id,
        after[0],
        after[1],
        until[0],
        until[1],
    )
    return [r[0] for r in rows]


async def cases_moved_away_between(
    conn: asyncpg.Connection, scope: Any, after: tuple[int, UUID], until: tuple[int, UUID]
) -> list[UUID]:
    """Cases changed in (after, until] that the scope no longer sees and that were once sent away (reassigned
    or returned) from one of its departments."""
    rows = await conn.fetch(
        f"""SELECT c.id FROM cases c
            WHERE (c.change_xid, c.id) > ($5::bigint, $6::uuid) AND (c.change_xid, c.id) <= ($7::bigint, $8::uuid)
              AND NOT coalesce({VISIBLE}, false)
              AND EXISTS (SELECT 1 FROM case_events e
                          WHERE e.case_id = c.id AND e.kind IN ('reassign', 'return')
                            AND e.data->>'from_department' = ANY($3::text[]))
            ORDER BY c.change_xid, c.id""",
        *scope_args(scope),
        after[0],
        after[1],
        until[0],
        until[1],
    )
    return [r[0] for r in rows]
