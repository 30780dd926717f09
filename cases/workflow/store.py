"""SQL of the case workflow: transitions, steps and their deadlines, queues, tasks, sync and ratings.

(Catalogue, service area and reports are in cases/store.py; grids, duties and routing in cases/grids/store.py.)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record


CASE_COLUMNS = """c.id, c.category_code, c.state, c.source, c.urgent, ST_Y(c.location) AS lat, ST_X(c.location) AS lon,
    c.address, c.description, c.reporter_count, c.version, c.hidden_at, c.created_at, c.updated_at, c.closed_at,
    c.unit_grid_id, c.responsibility_grid_id, c.district_code, c.department_code, c.inspector_id,
    c.needs_verification, c.resume_state, c.round, c.registered_at, c.suggested_department"""


async def get_case(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(f"SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1", case_id)


async def insert_case(
    conn: asyncpg.Connection,
    *,
    state: str,
    category: str,
    source: str,
    lat: float,
    lon: float,
    address: str | None,
    description: str,
    needs_verification: bool,
    unit_grid_id: UUID | None,
    responsibility_grid_id: UUID | None,
    district_code: str | None,
    suggested_department: str | None,
    inspector_id: UUID | None,
) -> Record:
    """A new case in its first state, with its routing decision: the case row, as the engine reads it.

    The decision's department is only a suggestion for the dispatcher (suggested_department): the case's
    department_code, which department views follow, is set when the case is dispatched."""
    row = await conn.fetchrow(
        f"""INSERT INTO cases AS c (category_code, source, location, address, description, needs_verification,
                                    unit_grid_id, responsibility_grid_id, district_code, suggested_department,
                                    inspector_id, state)
            VALUES ($1, $2, ST_SetSRID(ST_MakePoint($4, $3), 4326), $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING {CASE_COLUMNS}""",
        category,
        source,
        lat,
        lon,
        address,
        description,
        needs_verification,
        unit_grid_id,
        responsibility_grid_id,
        district_code,
        suggested_department,
        inspector_id,
        state,
    )
    assert row is not None
    return row


async def transition_case(
    conn: asyncpg.Connection,
    case_id: UUID,
    from_state: str,
    version: int,
    to_state: str,
    changes: dict[str, Any],
) -> Record | None:
    """The guarded UPDATE: it applies only while the case is still in `from_state` at `version`.

    `changes` keys are column names chosen by the workflow code (never by input).
    """
    allowed = {
        "department_code",
        "inspector_id",
        "resume_state",
        "round",
        "registered_at",
        "closed_at",
        "urgent",
    }
    assert set(changes) <= allowed
    sets = "".join(f", {column} = ${i}" for i, column in enumerate(changes, start=5))
    return await conn.fetchrow(
        f"""UPDATE cases c SET state = $4, version = version + 1, updated_at = now(){sets}
            WHERE c.id = $1 AND c.state = $2 AND c.version = $3
            RETURNING {CASE_COLUMNS}""",
        case_id,
        from_state,
        version,
        to_state,
        *changes.values(),
    )


async def step_limit(conn: asyncpg.Connection, step: str) -> Record | None:
    return await conn.fetchrow("SELECT hours, working FROM step_limits WHERE step = $1", step)


async def open_deadline(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(
        "SELECT * FROM case_deadlines WHERE case_id = $1 AND completed_at IS NULL FOR UPDATE", case_id
    )


async def complete_deadline(
    conn: asyncpg.Connection, deadline_id: int, actor_id: UUID | None, outcome: str, at: datetime
) -> None:
    await conn.execute(
        "UPDATE case_deadlines SET completed_at = $4, completed_by = $2, outcome = $3 WHERE id = $1",
        deadline_id,
        actor_id,
        outcome,
        at,
    )


async def start_deadline(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    round_: int,
    step: str,
    assignee_id: UUID | None,
    department_code: str | None,
    started_at: datetime,
    due_soon_at: datetime,
    due_at: datetime,
) -> None:
    await conn.execute(
        """INSERT INTO case_deadlines (case_id, round, step, assignee_id, department_code, started_at, due_soon_at,
                                       due_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        case_id,
        round_,
        step,
        assignee_id,
        department_code,
        started_at,
        due_soon_at,
        due_at,
    )


async def pause_deadline(conn: asyncpg.Connection, deadline_id: int, at: datetime) -> None:
    await conn.execute("UPDATE case_deadlines SET paused_at = $2 WHERE id = $1", deadline_id, at)


async def move_deadline(
    conn: asyncpg.Connection, deadline_id: int, due_soon_at: datetime, due_at: datetime, *, extended: bool
) -> None:
    """Resume a paused step, or apply an approved extension: new due times; the warnings may fire again."""
    await conn.execute(
        """UPDATE case_deadlines SET paused_at = NULL, due_soon_at = $2, due_at = $3, extended = extended OR $4,
                  due_soon_emitted_at = CASE WHEN $2 > now() THEN NULL ELSE due_soon_emitted_at END,
                  overdue_emitted_at = CASE WHEN $3 > now() THEN NULL ELSE overdue_emitted_at END
           WHERE id = $1""",
        deadline_id,
        due_soon_at,
        due_at,
        extended,
    )


async def insert_event(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    kind: str,
    actor_id: UUID | None,
    public: bool,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str = "",
    photo_ids: list[UUID] | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """A case event: a transition, or what happened around one (reported, routed, a report joined or hidden,
    a recategorisation). The one writer of case events. Returns its id."""
    event_id: int = await conn.fetchval(
        """INSERT INTO case_events (case_id, kind, actor_id, public, from_state, to_state, note, photo_ids, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        case_id,
        kind,
        actor_id,
        public,
        from_state,
        to_state,
        note,
        photo_ids or [],
        data or {},
    )
    return event_id


async def last_event_data(conn: asyncpg.Connection, case_id: UUID, kind: str) -> dict[str, Any] | None:
    data: dict[str, Any] | None = await conn.fetchval(
        "SELECT data FROM case_events WHERE case_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
        case_id,
        kind,
    )
    return data


async def case_events(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        """SELECT id, at, kind, actor_id, from_state, to_state, note, photo_ids, public, data
           FROM case_events WHERE case_id = $1 ORDER BY id""",
        case_id,
    )


async def case_deadlines(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        """SELECT round, step, assignee_id, department_code, started_at, due_at, completed_at, outcome, paused_at,
                  extended
           FROM case_deadlines WHERE case_id = $1 ORDER BY id""",
        case_id,
    )


async def case_photo_ids(conn: asyncpg.Connection, case_id: UUID) -> list[UUID]:
    """Photos of a case: from its reports and from its events (verification, handling, checks)."""
    rows = await conn.fetch(
        """SELECT rp.photo_id FROM report_photos rp JOIN reports r ON r.id = rp.report_id WHERE r.case_id = $1
           UNION SELECT unnest(photo_ids) FROM case_events WHERE case_id = $1""",
        case_id,
    )
    return [r[0] for r in rows]


# Who sees a case (cases/workflow/access.py scope): everything, districts, departments (c.department_code is the
# department the case is dispatched to, NULL before dispatch and after a return: never the routing's suggestion),
# or an inspector's own cases and the grids they are on duty for.
_VISIBLE = """($1::boolean
    OR c.district_code = ANY($2::text[]) OR (cardinality($2::text[]) > 0 AND c.district_code IS NULL)
    OR c.department_code = ANY($3::text[])
    OR ($4::uuid IS NOT NULL AND (c.inspector_id = $4 OR c.responsibility_grid_id IN (
            SELECT d.responsibility_grid_id FROM inspector_duties d
            WHERE d.user_id = $4 AND d.starts_at <= now() AND (d.ends_at IS NULL OR d.ends_at > now())))))"""


def scope_args(scope: Any) -> tuple[bool, list[str], list[str], UUID | None]:
    return scope.everything, sorted(scope.districts), sorted(scope.departments), scope.inspector_id


async def list_cases(
    conn: asyncpg.Connection,
    scope: Any,
    *,
    state: str | None,
    department: str | None,
    grid_id: UUID | None,
    overdue: bool,
    due_soon: bool,
    after: tuple[datetime | None, UUID] | None,
    limit: int,
) -> list[Record]:
    """A staff queue. Ordered by deadline when asking for overdue or due-soon cases, else newest first."""
    by_deadline = overdue or due_soon
    order = "d.due_at ASC, c.id ASC" if by_deadline else "c.id DESC"
    if after is None:
        cursor_sql = "($11::timestamptz IS NULL AND $12::uuid IS NULL)"
    elif by_deadline:
        cursor_sql = "(d.due_at, c.id) > ($11::timestamptz, $12::uuid)"
    else:
        cursor_sql = "($11::timestamptz IS NULL AND c.id < $12::uuid)"
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE {_VISIBLE}
              AND ($5::text IS NULL OR c.state = $5) AND ($6::text IS NULL OR c.department_code = $6)
              AND ($7::uuid IS NULL OR c.responsibility_grid_id = $7 OR c.unit_grid_id = $7)
              AND (NOT $8 OR (d.due_at < now() AND d.paused_at IS NULL))
              AND (NOT $9 OR (d.due_soon_at <= now() AND d.due_at >= now() AND d.paused_at IS NULL))
              AND {cursor_sql}
            ORDER BY {order} LIMIT $10""",
        *scope_args(scope),
        state,
        department,
        grid_id,
        overdue,
        due_soon,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )


async def department_deadline_queue(
    conn: asyncpg.Connection,
    departments: list[str],
    *,
    state: str | None,
    overdue: bool,
    due_soon: bool,
    after: tuple[datetime | None, UUID] | None,
    limit: int,
) -> list[Record]:
    """A department's overdue or due-soon queue, read from its own open steps in deadline order
    (index case_deadlines_open_department): the same rows and cursor as list_cases, without scanning the city."""
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id
            WHERE d.completed_at IS NULL AND d.paused_at IS NULL
              AND d.department_code = ANY($1::text[]) AND c.department_code = d.department_code
              AND (NOT $2 OR d.due_at < now())
              AND (NOT $3 OR (d.due_soon_at <= now() AND d.due_at >= now()))
              AND ($4::text IS NULL OR c.state = $4)
              AND ($5::timestamptz IS NULL OR (d.due_at, d.case_id) > ($5, $6::uuid))
            ORDER BY d.due_at, d.case_id LIMIT $7""",
        departments,
        overdue,
        due_soon,
        state,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )


async def case_visible(conn: asyncpg.Connection, scope: Any, case_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        f"SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = $5 AND {_VISIBLE})", *scope_args(scope), case_id
    )
    return found


async def inspector_tasks(
    conn: asyncpg.Connection,
    inspector_id: UUID,
    point: tuple[float, float] | None,
    after: tuple[datetime, float, int] | None,
    limit: int | None,
) -> list[Record]:
    """Open verification and check tasks of an inspector: by deadline, then by distance from the WGS-84
    point (lat, lon) when given (else every distance is NULL), then by task id; after the key `after`
    (due_at, distance or 0, task id); limit None: all."""
    return await conn.fetch(
        f"""SELECT * FROM (
                SELECT {CASE_COLUMNS}, d.id AS task_id, d.step, d.due_at, d.due_soon_at, d.started_at,
                       d.paused_at, d.assignee_id,
                       CASE WHEN $2::float8 IS NULL OR $3::float8 IS NULL THEN NULL
                            ELSE ST_Distance(c.location::geography,
                                             ST_SetSRID(ST_MakePoint($3, $2), 4326)::geography)
                       END AS distance_m
                FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                WHERE d.assignee_id = $1 AND d.completed_at IS NULL AND d.step IN ('verify', 'check')
            ) t
            WHERE $4::timestamptz IS NULL
               OR (t.due_at, coalesce(t.distance_m, 0), t.task_id) > ($4, $5::float8, $6::bigint)
            ORDER BY t.due_at, coalesce(t.distance_m, 0), t.task_id LIMIT $7""",
        inspector_id,
        point[0] if point else None,
        point[1] if point else None,
        after[0] if after else None,
        after[1] if after else None,
        after[2] if after else None,
        limit,
    )


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
            WHERE {_VISIBLE} AND (c.change_xid, c.id) > ($5::bigint, $6::uuid) AND c.change_xid < $7::bigint
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
        f"SELECT min(c.change_xid) FROM cases c WHERE {_VISIBLE} AND c.updated_at > $5",
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
              AND NOT coalesce({_VISIBLE}, false)
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


async def case_reports(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        """SELECT id, number, reporter_id, anonymous, created_at, hidden_at FROM reports WHERE case_id = $1
           ORDER BY created_at""",
        case_id,
    )


async def insert_rating(
    conn: asyncpg.Connection,
    case_id: UUID,
    round_: int,
    user_id: UUID,
    fixed: bool,
    score: int | None,
    comment: str,
) -> bool:
    status = await conn.execute(
        """INSERT INTO case_ratings (case_id, round, user_id, fixed, score, comment) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING""",
        case_id,
        round_,
        user_id,
        fixed,
        score,
        comment,
    )
    return bool(status == "INSERT 0 1")


async def open_deadline_readonly(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(
        "SELECT * FROM case_deadlines WHERE case_id = $1 AND completed_at IS NULL", case_id
    )


async def claim_due_soon(conn: asyncpg.Connection, limit: int) -> list[Record]:
    """Open, running steps past 80 % of their time and not yet late, marked as warned, for this worker only."""
    return await conn.fetch(
        """WITH due AS (
               SELECT id FROM case_deadlines
               WHERE completed_at IS NULL AND paused_at IS NULL AND due_soon_emitted_at IS NULL
                 AND due_soon_at <= now() AND due_at > now()
               ORDER BY due_soon_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE case_deadlines d SET due_soon_emitted_at = now() FROM due WHERE d.id = due.id
           RETURNING d.id, d.case_id, d.round, d.step, d.due_at, d.assignee_id, d.department_code""",
        limit,
    )


async def claim_overdue(conn: asyncpg.Connection, limit: int) -> list[Record]:
    """Open, running steps past their deadline, marked as reported late (and as warned), for this worker only."""
    return await conn.fetch(
        """WITH due AS (
               SELECT id FROM case_deadlines
               WHERE completed_at IS NULL AND paused_at IS NULL AND overdue_emitted_at IS NULL AND due_at <= now()
               ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE case_deadlines d SET overdue_emitted_at = now(), due_soon_emitted_at = coalesce(due_soon_emitted_at, now())
           FROM due WHERE d.id = due.id
           RETURNING d.id, d.case_id, d.round, d.step, d.due_at, d.assignee_id, d.department_code""",
        limit,
    )


async def get_case_with_step(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    """A case with its open step (if any), as queues show it."""
    return await conn.fetchrow(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE c.id = $1""",
        case_id,
    )


async def public_timelines(conn: asyncpg.Connection, case_ids: list[UUID]) -> list[Record]:
    return await conn.fetch(
        """SELECT case_id, at, kind, to_state, note FROM case_events
           WHERE case_id = ANY($1::uuid[]) AND public ORDER BY case_id, id""",
        case_ids,
    )


async def full_timeline(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        "SELECT case_id, at, kind, to_state, note FROM case_events WHERE case_id = $1 ORDER BY id", case_id
    )


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
