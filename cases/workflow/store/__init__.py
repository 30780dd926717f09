"""SQL of the case workflow: transitions, steps and their deadlines, queues, tasks, sync and ratings.

The engine's statements (a subject row read, the guarded UPDATE, events, deadlines, step limits) take the
workflow's `Subject` (cases/workflow/transitions.py): its tables are names from the fixed whitelist below, never
from input. The rest reads the city's cases. (Calendar overrides are in store/calendar.py; catalogue, reports,
grids and routing in their own parts' stores.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from cases.workflow.transitions import CITY, Subject

Record = asyncpg.Record


CASE_COLUMNS = """c.id, c.category_code, c.state, c.source, c.urgent, ST_Y(c.location) AS lat, ST_X(c.location) AS lon,
    c.address, c.description, c.reporter_count, c.version, c.hidden_at, c.created_at, c.updated_at, c.closed_at,
    c.unit_grid_id, c.responsibility_grid_id, c.district_code, c.department_code, c.inspector_id,
    c.needs_verification, c.resume_state, c.round, c.registered_at, c.suggested_department"""


#: per subject table: the columns the engine reads (aliased `c`); its events and deadlines tables and key column
_COLUMNS: dict[str, str] = {"cases": CASE_COLUMNS, "repairs": "c.*"}
_TABLES: dict[str, tuple[str, str, str]] = {
    "cases": ("case_events", "case_deadlines", "case_id"),
    "repairs": ("repair_events", "repair_deadlines", "repair_id"),
}


def _tables(subject: Subject) -> tuple[str, str, str, str]:
    """(subject table, events table, deadlines table, key column), checked against the whitelist."""
    events, deadlines, key = _TABLES[subject.table]
    assert (subject.events, subject.deadlines, subject.key) == (events, deadlines, key), subject
    return subject.table, events, deadlines, key


async def get_case(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(f"SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1", case_id)


async def get_subject(conn: asyncpg.Connection, subject: Subject, subject_id: UUID) -> Record | None:
    """A row of the subject's table, as the engine reads it."""
    table = _tables(subject)[0]
    return await conn.fetchrow(f"SELECT {_COLUMNS[table]} FROM {table} c WHERE c.id = $1", subject_id)


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
    reporter: UUID,
    routed_at: datetime,
    at: datetime | None = None,
) -> Record | None:
    """A new case in its first state, routed, and its first two events, in one statement. The routing decision is
    the grids' (route_case, migration 0034: grid, district, inspector on duty, suggested department, at `routed_at`);
    the events are `reported` (public, the reporter its actor) and `routed` (the decision and its reasons, staff
    only). Returns the case row, as the engine reads it; None when the category does not exist (nothing written).

    The decision's department is only a suggestion for the dispatcher (suggested_department): the case's
    department_code, which department views follow, is set when the case is dispatched. `at`: when it was
    reported (its created_at and its two events' time; default: the transaction's time)."""
    return await conn.fetchrow(
        f"""WITH d AS (SELECT route_case($3, $4, $1, $10) AS j),
            c AS (
                INSERT INTO cases AS c (category_code, source, location, address, description, needs_verification,
                                        unit_grid_id, responsibility_grid_id, district_code, suggested_department,
                                        inspector_id, state, created_at)
                SELECT $1, $2, ST_SetSRID(ST_MakePoint($4, $3), 4326), $5, $6, $7,
                       (j->>'unit_grid_id')::uuid, (j->>'responsibility_grid_id')::uuid, j->>'district_code',
                       j->>'department_code', (j->>'inspector_id')::uuid, $8, coalesce($11, now())
                FROM d WHERE j IS NOT NULL
                RETURNING {CASE_COLUMNS}
            ), events AS (
                INSERT INTO case_events (case_id, kind, actor_id, public, to_state, data, at)
                SELECT c.id, e.kind, $9, e.public, e.to_state, e.data, c.created_at
                FROM c, d, LATERAL (VALUES (1, 'reported', true, c.state, '{{}}'::jsonb),
                                           (2, 'routed', false, NULL, d.j)) AS e (n, kind, public, to_state, data)
                ORDER BY e.n
            )
            SELECT * FROM c""",
        category,
        source,
        lat,
        lon,
        address,
        description,
        needs_verification,
        state,
        reporter,
        routed_at,
        at,
    )


async def transition_case(
    conn: asyncpg.Connection,
    case_id: UUID,
    from_state: str,
    version: int,
    to_state: str,
    changes: dict[str, Any],
    *,
    subject: Subject = CITY,
) -> Record | None:
    """The guarded UPDATE: it applies only while the row is still in `from_state` at `version`.

    `changes` keys are column names chosen by the workflow code (never by input), among the subject's settable.
    """
    table = _tables(subject)[0]
    assert set(changes) <= subject.settable, set(changes) - subject.settable
    sets = "".join(f", {column} = ${i}" for i, column in enumerate(changes, start=5))
    return await conn.fetchrow(
        f"""UPDATE {table} c SET state = $4, version = version + 1, updated_at = now(){sets}
            WHERE c.id = $1 AND c.state = $2 AND c.version = $3
            RETURNING {_COLUMNS[table]}""",
        case_id,
        from_state,
        version,
        to_state,
        *changes.values(),
    )


async def reuse_plans(conn: asyncpg.Connection) -> None:
    """Plan this transaction's statements once per connection: generic plans, reused. The connections otherwise plan
    every run afresh (api/db.py: the optional filters of the lists need custom plans). The intake and the transitions
    run fixed-shape statements only, whose generic plans use the same indexes (checked on 1,000,000 cases); under
    `auto` PostgreSQL kept replanning the widest of them, the submission's facts (0.8 ms of CPU a time, 0.1 ms
    generic; bench/README.md)."""
    await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")


async def step_limit(
    conn: asyncpg.Connection, step: str, *, subject: Subject = CITY, row: Any = None
) -> Record | None:
    """(hours, working) of a step, by the subject's limit rule (transitions.LimitRule)."""
    if subject.limits == "estate":
        return await conn.fetchrow(
            """SELECT minutes / 60.0 AS hours, working FROM repair_limits
               WHERE (estate_id = $1 OR estate_id IS NULL) AND kind = $2 AND urgency = $3 AND step = $4
               ORDER BY estate_id NULLS LAST LIMIT 1""",
            row["estate_id"],
            row["kind"],
            row["urgency"],
            step,
        )
    return await conn.fetchrow("SELECT hours, working FROM step_limits WHERE step = $1", step)


async def open_deadline(conn: asyncpg.Connection, case_id: UUID, *, subject: Subject = CITY) -> Record | None:
    _, _, deadlines, key = _tables(subject)
    return await conn.fetchrow(
        f"SELECT * FROM {deadlines} WHERE {key} = $1 AND completed_at IS NULL FOR UPDATE", case_id
    )


async def complete_deadline(
    conn: asyncpg.Connection,
    deadline_id: int,
    actor_id: UUID | None,
    outcome: str,
    at: datetime,
    *,
    subject: Subject = CITY,
) -> None:
    await conn.execute(
        f"UPDATE {_tables(subject)[2]} SET completed_at = $4, completed_by = $2, outcome = $3 WHERE id = $1",
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
    subject: Subject = CITY,
) -> None:
    """A step's deadline. Only the city's deadlines name a department."""
    _, _, deadlines, key = _tables(subject)
    department = ", department_code" if subject.table == "cases" else ""
    assert department or department_code is None
    await conn.execute(
        f"""INSERT INTO {deadlines} ({key}, round, step, assignee_id, started_at, due_soon_at, due_at{department})
            VALUES ($1, $2, $3, $4, $5, $6, $7{", $8" if department else ""})""",
        case_id,
        round_,
        step,
        assignee_id,
        started_at,
        due_soon_at,
        due_at,
        *((department_code,) if department else ()),
    )


async def pause_deadline(
    conn: asyncpg.Connection, deadline_id: int, at: datetime, *, subject: Subject = CITY
) -> None:
    await conn.execute(f"UPDATE {_tables(subject)[2]} SET paused_at = $2 WHERE id = $1", deadline_id, at)


async def move_deadline(
    conn: asyncpg.Connection,
    deadline_id: int,
    due_soon_at: datetime,
    due_at: datetime,
    *,
    extended: bool,
    subject: Subject = CITY,
) -> None:
    """Resume a paused step, or apply an approved extension: new due times; the warnings may fire again."""
    await conn.execute(
        f"""UPDATE {_tables(subject)[2]} SET paused_at = NULL, due_soon_at = $2, due_at = $3,
                  extended = extended OR $4,
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
    subject: Subject = CITY,
    at: datetime | None = None,
) -> int:
    """An event of a workflow's row: a transition, or what happened around one (reported, routed, a report joined
    or hidden, a recategorisation). The one writer of workflow events. Returns its id. `at`: when it happened
    (default: the transaction's time)."""
    _, events, _, key = _tables(subject)
    event_id: int = await conn.fetchval(
        f"""INSERT INTO {events} ({key}, kind, actor_id, public, from_state, to_state, note, photo_ids, data, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, now())) RETURNING id""",
        case_id,
        kind,
        actor_id,
        public,
        from_state,
        to_state,
        note,
        photo_ids or [],
        data or {},
        at,
    )
    return event_id


async def last_event_data(
    conn: asyncpg.Connection, case_id: UUID, kind: str, *, subject: Subject = CITY
) -> dict[str, Any] | None:
    _, events, _, key = _tables(subject)
    data: dict[str, Any] | None = await conn.fetchval(
        f"SELECT data FROM {events} WHERE {key} = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
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
VISIBLE = """($1::boolean
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
            WHERE {VISIBLE}
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
        f"SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = $5 AND {VISIBLE})", *scope_args(scope), case_id
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


async def claim_due_soon(conn: asyncpg.Connection, limit: int, subject: Subject = CITY) -> list[Record]:
    """Open, running steps past 80 % of their time and not yet late, marked as warned, for this worker only. The
    subject's key comes back as `subject_id` (and as its own name); department_code only for the city's."""
    _, _, deadlines, key = _tables(subject)
    department = "d.department_code" if deadlines == "case_deadlines" else "NULL::text AS department_code"
    return await conn.fetch(
        f"""WITH due AS (
               SELECT id FROM {deadlines}
               WHERE completed_at IS NULL AND paused_at IS NULL AND due_soon_emitted_at IS NULL
                 AND due_soon_at <= now() AND due_at > now()
               ORDER BY due_soon_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE {deadlines} d SET due_soon_emitted_at = now() FROM due WHERE d.id = due.id
           RETURNING d.id, d.{key}, d.{key} AS subject_id, d.round, d.step, d.due_at, d.assignee_id, {department}""",
        limit,
    )


async def claim_overdue(conn: asyncpg.Connection, limit: int, subject: Subject = CITY) -> list[Record]:
    """Open, running steps past their deadline, marked as reported late (and as warned), for this worker only (the
    columns of claim_due_soon)."""
    _, _, deadlines, key = _tables(subject)
    department = "d.department_code" if deadlines == "case_deadlines" else "NULL::text AS department_code"
    return await conn.fetch(
        f"""WITH due AS (
               SELECT id FROM {deadlines}
               WHERE completed_at IS NULL AND paused_at IS NULL AND overdue_emitted_at IS NULL AND due_at <= now()
               ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE {deadlines} d
           SET overdue_emitted_at = now(), due_soon_emitted_at = coalesce(due_soon_emitted_at, now())
           FROM due WHERE d.id = due.id
           RETURNING d.id, d.{key}, d.{key} AS subject_id, d.round, d.step, d.due_at, d.assignee_id, {department}""",
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
