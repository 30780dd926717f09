"""Every SQL statement of the indicators, and nothing else: the three long counting statements (one text
per grouping and scope, built once from the parts below), group names and the weights."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final
from uuid import UUID

import asyncpg

_FINISHED_OR_AWAY = "('deferred', 'parked', 'voided')"


_STEP_KEY: Final[dict[str, str]] = {
    "department": "d.department_code",
    "inspector": "d.assignee_id::text",
    "grid": "c.responsibility_grid_id::text",
    "district": "c.district_code",
}


# The steps due in the window, of cases in scope, are collected first (MATERIALIZED: the planner would otherwise
# test every step of the city for a pause before joining the cases of the scope). Then the pause test, and for
# a dispatch or a fix done by the cut-off, the next steps of its case: a return is the accept step after a
# dispatch ended by 'return'; a rework is the check after a fix ended by 'rework', or the check passed and the
# close step after it ended by 'rework' (CASE: only those rows look).
_STEP_COUNTS = """
WITH due AS MATERIALIZED (
    SELECT {key} AS key, d.id, d.case_id, d.step, d.started_at, d.due_at, d.completed_at, d.extended
    FROM case_deadlines d
    JOIN cases c ON c.id = d.case_id
    WHERE d.due_at >= $1 AND d.due_at < $2
      AND d.step = ANY($3::text[])
      AND (d.outcome IS NULL OR d.step || ':' || d.outcome = ANY($4::text[]))
      AND d.paused_at IS NULL
      AND c.state NOT IN {away}
      AND {key} IS NOT NULL{scope}
), counted AS (
    SELECT d.key, d.step, d.due_at, d.completed_at, d.extended,
           CASE WHEN d.completed_at < $2 AND d.step IN ('dispatch', 'handle') THEN (
               SELECT CASE d.step
                      WHEN 'dispatch' THEN n.outcomes[1] = 'return' AND n.completed[1] < $2
                      ELSE (n.outcomes[1] = 'rework' AND n.completed[1] < $2)
                           OR (n.outcomes[1] = 'check_pass' AND n.outcomes[2] = 'rework' AND n.completed[2] < $2)
                      END
               FROM (SELECT array_agg(x.outcome ORDER BY x.id) AS outcomes,
                            array_agg(x.completed_at ORDER BY x.id) AS completed
                     FROM (SELECT x.id, x.outcome, x.completed_at FROM case_deadlines x
                           WHERE x.case_id = d.case_id AND x.id > d.id ORDER BY x.id LIMIT 2) x) n)
           END AS sent_back
    FROM due d
    WHERE NOT EXISTS (
        SELECT 1 FROM case_events e
        WHERE e.case_id = d.case_id AND e.kind IN ('defer', 'park')
          AND e.at >= d.started_at AND (d.completed_at IS NULL OR e.at <= d.completed_at))
)
SELECT key, step,
       count(*) AS due,
       count(*) FILTER (WHERE completed_at < $2) AS done,
       count(*) FILTER (WHERE completed_at <= due_at) AS on_time,
       count(*) FILTER (WHERE extended) AS extended,
       count(*) FILTER (WHERE step = 'dispatch' AND sent_back) AS returned,
       count(*) FILTER (WHERE step = 'handle' AND sent_back) AS reworked
FROM counted
GROUP BY 1, 2
"""


_REPORT_KEY: Final[dict[str, str]] = {
    "inspector": "r.reporter_id::text",
    "grid": "c.responsibility_grid_id::text",
    "district": "c.district_code",
}


_REPORT_COUNTS = """
SELECT {key} AS key,
       count(*) AS reports,
       count(*) FILTER (WHERE NOT r.joined_existing AND c.registered_at < $2) AS effective
FROM reports r
JOIN cases c ON c.id = r.case_id
WHERE r.created_at >= $1 AND r.created_at < $2
  AND c.state NOT IN {away}
  AND {key} IS NOT NULL{scope}
  AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = r.reporter_id AND ur.role = 'inspector')
GROUP BY 1
"""


#: the case was found on patrol by an inspector on duty for its grid when it was reported
_FOUND = """(c.source = 'inspector' AND EXISTS (
        SELECT 1 FROM reports r
        JOIN inspector_duties od ON od.user_id = r.reporter_id
        WHERE r.case_id = c.id AND NOT r.joined_existing
          AND od.responsibility_grid_id = c.responsibility_grid_id
          AND od.starts_at <= c.created_at AND (od.ends_at IS NULL OR od.ends_at > c.created_at)))"""


_REGISTRATION_KEY: Final[dict[str, str]] = {
    "grid": "c.responsibility_grid_id::text",
    "district": "c.district_code",
}


_REGISTRATION_COUNTS = """
SELECT {key} AS key,
       count(*) AS registered,
       count(*) FILTER (WHERE c.state = 'voided') AS voided,
       count(*) FILTER (WHERE c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL) AS in_grids,
       count(*) FILTER (WHERE c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL AND NOT f.found) AS missed
FROM cases c
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL THEN {found} ELSE false END
) f (found)
WHERE c.registered_at >= $1 AND c.registered_at < $2
  AND c.state NOT IN ('deferred', 'parked')
  AND {key} IS NOT NULL{scope}
GROUP BY 1
"""


_MISSED_BY_INSPECTOR = """
SELECT d.user_id::text AS key,
       0 AS registered,
       0 AS voided,
       count(DISTINCT c.id) AS in_grids,
       count(DISTINCT c.id) FILTER (WHERE NOT f.found) AS missed
FROM cases c
JOIN inspector_duties d ON d.responsibility_grid_id = c.responsibility_grid_id
     AND d.starts_at <= c.created_at AND (d.ends_at IS NULL OR d.ends_at > c.created_at)
CROSS JOIN LATERAL (SELECT {found}) f (found)
WHERE c.registered_at >= $1 AND c.registered_at < $2
  AND c.state NOT IN {away}{scope}
GROUP BY 1
"""


def _scope(scoped: bool, index: int) -> str:
    return f"\n  AND c.district_code = ANY(${index}::text[])" if scoped else ""


@functools.cache
def step_counts_sql(group_by: str, scoped: bool) -> str:
    return _STEP_COUNTS.format(key=_STEP_KEY[group_by], scope=_scope(scoped, 5), away=_FINISHED_OR_AWAY)


@functools.cache
def report_counts_sql(group_by: str, scoped: bool) -> str:
    return _REPORT_COUNTS.format(key=_REPORT_KEY[group_by], scope=_scope(scoped, 3), away=_FINISHED_OR_AWAY)


@functools.cache
def registration_counts_sql(group_by: str, scoped: bool) -> str:
    if group_by == "inspector":
        return _MISSED_BY_INSPECTOR.format(found=_FOUND, scope=_scope(scoped, 3), away=_FINISHED_OR_AWAY)
    return _REGISTRATION_COUNTS.format(key=_REGISTRATION_KEY[group_by], found=_FOUND, scope=_scope(scoped, 3))


async def select_step_counts(
    conn: asyncpg.Connection,
    group_by: str,
    start: datetime,
    cutoff: datetime,
    districts: list[str] | None,
    steps: tuple[str, ...],
    done: list[str],
) -> list[asyncpg.Record]:
    """Per (group, step): steps due, done (the step:outcome pairs in `done`), on time, extended, returned after
    dispatch, reworked after a fix."""
    args: list[object] = [start, cutoff, list(steps), done]
    if districts is not None:
        args.append(districts)
    rows: list[asyncpg.Record] = await conn.fetch(step_counts_sql(group_by, districts is not None), *args)
    return rows


async def select_report_counts(
    conn: asyncpg.Connection,
    group_by: str,
    start: datetime,
    cutoff: datetime,
    districts: list[str] | None,
) -> list[asyncpg.Record]:
    """Per group: inspectors' reports filed in the window, and the effective ones."""
    args: list[object] = [start, cutoff] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(report_counts_sql(group_by, districts is not None), *args)
    return rows


async def select_registration_counts(
    conn: asyncpg.Connection,
    group_by: str,
    start: datetime,
    cutoff: datetime,
    districts: list[str] | None,
) -> list[asyncpg.Record]:
    """Per group: cases registered in the window, voided ones, those in grids, and those missed on patrol."""
    args: list[object] = [start, cutoff] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(
        registration_counts_sql(group_by, districts is not None), *args
    )
    return rows


_NAMES: Final[dict[str, str]] = {
    "department": "SELECT code AS key, CASE WHEN $2 = 'en' THEN name_en ELSE name_zh END AS name "
    "FROM departments WHERE code = ANY($1::text[])",
    "inspector": "SELECT id::text AS key, display_name AS name FROM users WHERE id = ANY($1::uuid[])",
    "grid": "SELECT id::text AS key, code || coalesce(' ' || nullif(name, ''), '') AS name "
    "FROM responsibility_grids WHERE id = ANY($1::uuid[])",
}


async def select_group_names(
    conn: asyncpg.Connection, group_by: str, keys: list[str], locale: str
) -> dict[str, str]:
    """The names of the groups; a district is named by its code."""
    if group_by == "district" or not keys:
        return {}
    sql = _NAMES[group_by]
    if group_by == "department":
        rows = await conn.fetch(sql, keys, locale)
    else:
        rows = await conn.fetch(sql, [UUID(key) for key in keys])
    return {r["key"]: r["name"] for r in rows}


async def select_weights(conn: asyncpg.Connection, kind: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT indicator, weight, updated_by, updated_at FROM indicator_weights WHERE kind = $1 ORDER BY indicator",
        kind,
    )
    return rows


async def lock_weights(conn: asyncpg.Connection, kind: str) -> None:
    """Serialise changes to one kind's weights until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('indicator_weights'), hashtext($1))", kind)


async def replace_weights(
    conn: asyncpg.Connection, kind: str, weights: Mapping[str, float], actor_id: UUID | None
) -> None:
    await conn.execute("DELETE FROM indicator_weights WHERE kind = $1", kind)
    names = [name for name, weight in weights.items() if weight > 0]
    await conn.execute(
        """INSERT INTO indicator_weights (kind, indicator, weight, updated_by)
           SELECT $1, unnest($2::text[]), unnest($3::numeric[]), $4""",
        kind,
        names,
        [Decimal(str(weights[name])) for name in names],
        actor_id,
    )


# --- the rows behind a figure (the console's "cases behind it"): the same conditions as the counts above, one
# row per step, report or registration of one group, with what it counts for. At most BEHIND_LIMIT rows.

BEHIND_LIMIT: Final = 2_000


_STEP_ROWS = """
WITH due AS MATERIALIZED (
    SELECT d.id, d.case_id, d.step, d.started_at, d.due_at, d.completed_at, d.extended
    FROM case_deadlines d
    JOIN cases c ON c.id = d.case_id
    WHERE d.due_at >= $1 AND d.due_at < $2
      AND d.step = $3
      AND (d.outcome IS NULL OR d.step || ':' || d.outcome = ANY($4::text[]))
      AND d.paused_at IS NULL
      AND c.state NOT IN {away}
      AND {key} = $5{scope}
)
SELECT d.case_id, d.due_at AS at, d.completed_at,
       coalesce(d.completed_at < $2, false) AS done,
       coalesce(d.completed_at <= d.due_at, false) AS on_time,
       d.extended,
       coalesce(CASE WHEN d.completed_at < $2 AND d.step IN ('dispatch', 'handle') THEN (
           SELECT CASE d.step
                  WHEN 'dispatch' THEN n.outcomes[1] = 'return' AND n.completed[1] < $2
                  ELSE (n.outcomes[1] = 'rework' AND n.completed[1] < $2)
                       OR (n.outcomes[1] = 'check_pass' AND n.outcomes[2] = 'rework' AND n.completed[2] < $2)
                  END
           FROM (SELECT array_agg(x.outcome ORDER BY x.id) AS outcomes,
                        array_agg(x.completed_at ORDER BY x.id) AS completed
                 FROM (SELECT x.id, x.outcome, x.completed_at FROM case_deadlines x
                       WHERE x.case_id = d.case_id AND x.id > d.id ORDER BY x.id LIMIT 2) x) n)
       END, false) AS sent_back
FROM due d
WHERE NOT EXISTS (
    SELECT 1 FROM case_events e
    WHERE e.case_id = d.case_id AND e.kind IN ('defer', 'park')
      AND e.at >= d.started_at AND (d.completed_at IS NULL OR e.at <= d.completed_at))
ORDER BY d.due_at, d.id
LIMIT {limit}
"""


_REPORT_ROWS = """
SELECT r.case_id, r.created_at AS at,
       (NOT r.joined_existing AND coalesce(c.registered_at < $2, false)) AS effective
FROM reports r
JOIN cases c ON c.id = r.case_id
WHERE r.created_at >= $1 AND r.created_at < $2
  AND c.state NOT IN {away}
  AND {key} = $3{scope}
  AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = r.reporter_id AND ur.role = 'inspector')
ORDER BY r.created_at, r.id
LIMIT {limit}
"""


_REGISTRATION_ROWS = """
SELECT c.id AS case_id, c.registered_at AS at,
       c.state = 'voided' AS voided,
       (c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL) AS in_grids,
       (c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL AND NOT f.found) AS missed
FROM cases c
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL THEN {found} ELSE false END
) f (found)
WHERE c.registered_at >= $1 AND c.registered_at < $2
  AND c.state NOT IN ('deferred', 'parked')
  AND {key} = $3{scope}
ORDER BY c.registered_at, c.id
LIMIT {limit}
"""


_MISSED_ROWS_BY_INSPECTOR = """
SELECT DISTINCT ON (c.registered_at, c.id)
       c.id AS case_id, c.registered_at AS at, false AS voided, true AS in_grids, NOT f.found AS missed
FROM cases c
JOIN inspector_duties d ON d.responsibility_grid_id = c.responsibility_grid_id
     AND d.starts_at <= c.created_at AND (d.ends_at IS NULL OR d.ends_at > c.created_at)
CROSS JOIN LATERAL (SELECT {found}) f (found)
WHERE c.registered_at >= $1 AND c.registered_at < $2
  AND c.state NOT IN {away}
  AND d.user_id::text = $3{scope}
ORDER BY c.registered_at, c.id
LIMIT {limit}
"""


@functools.cache
def step_rows_sql(group_by: str, scoped: bool) -> str:
    return _STEP_ROWS.format(
        key=_STEP_KEY[group_by], scope=_scope(scoped, 6), away=_FINISHED_OR_AWAY, limit=BEHIND_LIMIT
    )


@functools.cache
def report_rows_sql(group_by: str, scoped: bool) -> str:
    return _REPORT_ROWS.format(
        key=_REPORT_KEY[group_by], scope=_scope(scoped, 4), away=_FINISHED_OR_AWAY, limit=BEHIND_LIMIT
    )


@functools.cache
def registration_rows_sql(group_by: str, scoped: bool) -> str:
    if group_by == "inspector":
        return _MISSED_ROWS_BY_INSPECTOR.format(
            found=_FOUND, scope=_scope(scoped, 4), away=_FINISHED_OR_AWAY, limit=BEHIND_LIMIT
        )
    return _REGISTRATION_ROWS.format(
        key=_REGISTRATION_KEY[group_by], found=_FOUND, scope=_scope(scoped, 4), limit=BEHIND_LIMIT
    )


async def select_step_rows(
    conn: asyncpg.Connection,
    group_by: str,
    key: str,
    start: datetime,
    cutoff: datetime,
    districts: list[str] | None,
    step: str,
    done: list[str],
) -> list[asyncpg.Record]:
    """The steps of one group that select_step_counts counts for `step`, each with done, on_time, extended and
    sent_back (returned after a dispatch, reworked after a fix); by due time."""
    args: list[object] = [start, cutoff, step, done, key] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(step_rows_sql(group_by, districts is not None), *args)
    return rows


async def select_report_rows(
    conn: asyncpg.Connection,
    group_by: str,
    key: str,
    start: datetime,
    cutoff: datetime,
    districts: list[str] | None,
) -> list[asyncpg.Record]:
    """The inspectors' reports of one group that select_report_counts counts, each with `effective`."""
    args: list[object] = [start, cutoff, key] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(report_rows_sql(group_by, districts is not None), *args)
    return rows


async def select_registration_rows(
    conn: asyncpg.Connection,
    group_by: str,
    key: str,
    start: datetime,
    cutoff: datetime,
    districts: list[str] | None,
) -> list[asyncpg.Record]:
    """The registered cases of one group that select_registration_counts counts, each with voided, in_grids
    and missed."""
    args: list[object] = [start, cutoff, key] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(
        registration_rows_sql(group_by, districts is not None), *args
    )
    return rows


async def select_case_summaries(
    conn: asyncpg.Connection, case_ids: list[UUID], locale: str
) -> list[asyncpg.Record]:
    """What a list of cases shows of each: its first report's number, state, category, district, department."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT c.id, c.state, c.urgent, c.address, c.district_code, c.created_at, c.closed_at,
                  (SELECT r.number FROM reports r WHERE r.case_id = c.id ORDER BY r.created_at, r.id LIMIT 1)
                      AS number,
                  CASE WHEN $2 = 'en' THEN cat.name_en ELSE cat.name_zh END AS category,
                  CASE WHEN $2 = 'en' THEN dep.name_en ELSE dep.name_zh END AS department
           FROM cases c
           JOIN categories cat ON cat.code = c.category_code
           LEFT JOIN departments dep ON dep.code = c.department_code
           WHERE c.id = ANY($1::uuid[])""",
        case_ids,
        locale,
    )
    return rows
