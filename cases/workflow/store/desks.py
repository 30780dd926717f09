"""The SQL of the command centre's desks (cases/workflow/desks.py): queues by deadline, the map of open cases, the
feed of state changes. Who sees a case is the workflow store's VISIBLE, as in every staff view."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from cases.workflow.store import CASE_COLUMNS, VISIBLE, Record, scope_args

#: the sort key of a deadline queue: the open step's due time, cases without an open step last
_DUE_KEY = "COALESCE(d.due_at, 'infinity'::timestamptz)"


async def deadline_queue(
    conn: asyncpg.Connection,
    scope: Any,
    *,
    states: list[str],
    department: str | None,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Record]:
    """The cases the scope sees in any of `states`, by the due time of their open step (none: last), then id;
    `after` the (due key, id) of the previous page's last row."""
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id,
                   {_DUE_KEY} AS due_key
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE {VISIBLE}
              AND c.state = ANY($5::text[]) AND ($6::text IS NULL OR c.department_code = $6)
              AND ($7::timestamptz IS NULL OR ({_DUE_KEY}, c.id) > ($7::timestamptz, $8::uuid))
            ORDER BY {_DUE_KEY}, c.id LIMIT $9""",
        *scope_args(scope),
        states,
        department,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )


_MAP_FILTER = f"""{VISIBLE}
              AND c.state <> ALL($5::text[]) AND c.hidden_at IS NULL
              AND ($6::text IS NULL OR c.category_code = $6) AND ($7::text IS NULL OR c.state = $7)
              AND ($8::text IS NULL OR c.department_code = $8)"""


async def count_open_cases(
    conn: asyncpg.Connection,
    scope: Any,
    finished: list[str],
    category: str | None,
    state: str | None,
    department: str | None,
    cap: int,
) -> int:
    """How many open cases the scope sees with these filters, counted up to cap + 1."""
    count: int = await conn.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM cases c WHERE {_MAP_FILTER} LIMIT $9) s",
        *scope_args(scope),
        finished,
        category,
        state,
        department,
        cap + 1,
    )
    return count


async def open_case_points(
    conn: asyncpg.Connection,
    scope: Any,
    finished: list[str],
    category: str | None,
    state: str | None,
    department: str | None,
    limit: int,
) -> list[Record]:
    """Open cases the scope sees, as points with their open step's deadline (at most `limit`)."""
    return await conn.fetch(
        f"""SELECT c.id, c.category_code, c.state, c.department_code, c.urgent,
                   ST_Y(c.location) AS lat, ST_X(c.location) AS lon, d.due_at, d.due_soon_at, d.paused_at
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE {_MAP_FILTER}
            ORDER BY c.id LIMIT $9""",
        *scope_args(scope),
        finished,
        category,
        state,
        department,
        limit,
    )


async def open_case_clusters(
    conn: asyncpg.Connection,
    scope: Any,
    finished: list[str],
    category: str | None,
    state: str | None,
    department: str | None,
    cell_deg: float,
) -> list[Record]:
    """Open cases the scope sees, counted per cell of a `cell_deg` grid: the cell's mean point and its count."""
    return await conn.fetch(
        f"""SELECT count(*) AS count, avg(ST_Y(c.location)) AS lat, avg(ST_X(c.location)) AS lon
            FROM cases c
            WHERE {_MAP_FILTER}
            GROUP BY ST_SnapToGrid(c.location, $9::float8)""",
        *scope_args(scope),
        finished,
        category,
        state,
        department,
        cell_deg,
    )


async def newest_case_event(conn: asyncpg.Connection) -> int:
    """The id of the newest case event (0 when there is none)."""
    newest: int = await conn.fetchval("SELECT coalesce(max(id), 0) FROM case_events")
    return newest


async def case_events_after(conn: asyncpg.Connection, scope: Any, after_id: int, limit: int) -> list[Record]:
    """Case events after `after_id` that changed the state of a case the scope sees, oldest first."""
    return await conn.fetch(
        f"""SELECT e.id, e.case_id, e.to_state FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.id > $5 AND e.to_state IS NOT NULL AND {VISIBLE}
            ORDER BY e.id LIMIT $6""",
        *scope_args(scope),
        after_id,
        limit,
    )
