"""Every SQL statement of the indicator rollups (migration 0030), and nothing else: the per-day counts the
indicators are made of, their upkeep from the dirty marks the triggers leave, and the indicators' counts read
from them.

A row of ``indicator_days`` counts (``n``) the base rows of one local day (``day``, in the zone of
``indicator_rollup``) that share every other column:

- ``step``: the counted steps due that day (a step due in the window counts, as in cases/stats/store/__init__.py: outcome
  open or one of the step's own, not paused, its case not deferred, parked or voided): ``step``, the case's
  ``district_code`` and ``grid_id``, the step's ``department_code`` and assignee (``person_id``), ``done_day``
  the local day it was completed (null: open), ``later_day`` the local day a dispatch was returned or a fix sent
  back (the next step's outcome, as the counting statement reads it), ``on_time`` (completed by its due time),
  ``extended``;
- ``report``: the reports filed that day on cases not deferred, parked or voided: the case's district and grid,
  the reporter (``person_id``), ``flag`` it opened its own case (not joined), ``done_day`` the local day its case
  was registered;
- ``registration``: the cases registered that day, not deferred or parked: district, grid, ``voided``, ``flag``
  found on patrol;
- ``duty``: per inspector on duty for the grid when the case was reported (``person_id``), the cases registered
  that day, not deferred, parked or voided: district, grid, ``flag`` found on patrol.

Since the window's cut-off of a window that has ended is a local midnight, "completed before the cut-off" is
"completed on or before the window's last day", and so on: the rollups answer windows that have ended; a window
still running is counted from the base tables.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Final

import asyncpg

from cases.stats.store import _FINISHED_OR_AWAY, _FOUND

#: the local day (in zone $tz) of an instant
_DAY = "(({at}) AT TIME ZONE {tz})::date"


def _rows_of_days(table: str, alias: str, column: str) -> str:
    """A FROM item: the local days of the date[] $1 in zone $2 (dd.day), each with the rows of `table` (as `alias`)
    whose `column` falls on it, read day by day from the column's index (OFFSET 0 keeps the planner from joining
    the whole table to the days)."""
    return (
        f"unnest($1::date[]) dd (day) CROSS JOIN LATERAL (SELECT * FROM {table} x "
        f"WHERE x.{column} >= (dd.day::timestamp AT TIME ZONE $2::text) "
        f"AND x.{column} < ((dd.day + 1)::timestamp AT TIME ZONE $2::text) OFFSET 0) {alias}"
    )


# The counts of the days $1 (date[]) in zone $2, steps $3 (text[]) ending with a done pair of $4 (text[]).
_COMPUTE_DAYS = f"""
INSERT INTO indicator_days (day, kind, step, district_code, grid_id, department_code, person_id, done_day,
                            later_day, on_time, extended, flag, voided, n)
SELECT dd.day, 'step', d.step, c.district_code, c.responsibility_grid_id, d.department_code, d.assignee_id,
       {_DAY.format(at="d.completed_at", tz="$2::text")},
       {_DAY.format(at="s.sent_back_at", tz="$2::text")},
       coalesce(d.completed_at <= d.due_at, false), d.extended, false, false, count(*)
FROM {_rows_of_days("case_deadlines", "d", "due_at")}
JOIN cases c ON c.id = d.case_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN d.completed_at IS NOT NULL AND d.step IN ('dispatch', 'handle') THEN (
               SELECT CASE d.step
                      WHEN 'dispatch' THEN CASE WHEN n.outcomes[1] = 'return' THEN n.completed[1] END
                      ELSE CASE WHEN n.outcomes[1] = 'rework' THEN n.completed[1]
                                WHEN n.outcomes[1] = 'check_pass' AND n.outcomes[2] = 'rework' THEN n.completed[2]
                           END
                      END
               FROM (SELECT array_agg(x.outcome ORDER BY x.id) AS outcomes,
                            array_agg(x.completed_at ORDER BY x.id) AS completed
                     FROM (SELECT x.id, x.outcome, x.completed_at FROM case_deadlines x
                           WHERE x.case_id = d.case_id AND x.id > d.id ORDER BY x.id LIMIT 2) x) n)
           END AS sent_back_at
) s
WHERE d.step = ANY($3::text[])
  AND (d.outcome IS NULL OR d.step || ':' || d.outcome = ANY($4::text[]))
  AND d.paused_at IS NULL
  AND c.state NOT IN {_FINISHED_OR_AWAY}
  AND NOT EXISTS (
      SELECT 1 FROM case_events e
      WHERE e.case_id = d.case_id AND e.kind IN ('defer', 'park')
        AND e.at >= d.started_at AND (d.completed_at IS NULL OR e.at <= d.completed_at))
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;

INSERT INTO indicator_days (day, kind, district_code, grid_id, person_id, done_day, flag, n)
SELECT dd.day, 'report', c.district_code, c.responsibility_grid_id, r.reporter_id,
       {_DAY.format(at="c.registered_at", tz="$2::text")}, NOT r.joined_existing, count(*)
FROM {_rows_of_days("reports", "r", "created_at")}
JOIN cases c ON c.id = r.case_id
WHERE c.state NOT IN {_FINISHED_OR_AWAY}
GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO indicator_days (day, kind, district_code, grid_id, voided, flag, n)
SELECT dd.day, 'registration', c.district_code, c.responsibility_grid_id, c.state = 'voided', f.found, count(*)
FROM {_rows_of_days("cases", "c", "registered_at")}
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.state <> 'voided' AND c.responsibility_grid_id IS NOT NULL THEN {_FOUND} ELSE false END
) f (found)
WHERE c.state NOT IN ('deferred', 'parked')
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO indicator_days (day, kind, district_code, grid_id, person_id, flag, n)
SELECT dd.day, 'duty', c.district_code, c.responsibility_grid_id, duty.user_id, f.found, count(DISTINCT c.id)
FROM {_rows_of_days("cases", "c", "registered_at")}
JOIN inspector_duties duty ON duty.responsibility_grid_id = c.responsibility_grid_id
     AND duty.starts_at <= c.created_at AND (duty.ends_at IS NULL OR duty.ends_at > c.created_at)
CROSS JOIN LATERAL (SELECT {_FOUND}) f (found)
WHERE c.state NOT IN {_FINISHED_OR_AWAY}
GROUP BY 1, 2, 3, 4, 5, 6
"""


async def rollup_timezone(conn: asyncpg.Connection) -> str | None:
    """The zone of the rollups' days; None before the first backfill."""
    zone: str | None = await conn.fetchval("SELECT timezone FROM indicator_rollup")
    return zone


async def share_rollup(conn: asyncpg.Connection) -> None:
    """Wait for a backfill in progress, and keep one from starting, until the transaction ends (refreshes share)."""
    await conn.execute("LOCK TABLE indicator_rollup IN SHARE MODE")


async def lock_days(conn: asyncpg.Connection, days: list[date]) -> None:
    """Serialise the recomputing of these days until the transaction ends (in day order: no deadlock)."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext('indicator_days'), (d - date '2000-01-01')) "
        "FROM unnest($1::date[]) d ORDER BY d",
        days,
    )


async def recompute_days(
    conn: asyncpg.Connection, days: list[date], timezone: str, steps: list[str], done: list[str]
) -> None:
    """Replace the rows of these days by counts from the base tables (as they are at this statement)."""
    await conn.execute("DELETE FROM indicator_days WHERE day = ANY($1::date[])", days)
    for i, statement in enumerate(_COMPUTE_DAYS.split(";\n\n")):
        # the steps' statement reads the steps and their done outcomes ($3, $4); the others the days and zone
        await conn.execute(statement, days, timezone, *((steps, done) if i == 0 else ()))


async def day_span(conn: asyncpg.Connection, timezone: str) -> tuple[date, date] | None:
    """The first and last local day any base row of the indicators falls on; None with no case."""
    row = await conn.fetchrow(
        """SELECT (least((SELECT min(due_at) FROM case_deadlines), (SELECT min(created_at) FROM reports),
                         (SELECT min(registered_at) FROM cases)) AT TIME ZONE $1)::date AS first,
                  (greatest((SELECT max(due_at) FROM case_deadlines), (SELECT max(created_at) FROM reports),
                            (SELECT max(registered_at) FROM cases)) AT TIME ZONE $1)::date AS last""",
        timezone,
    )
    if row is None or row["first"] is None:
        return None
    return row["first"], row["last"]


async def start_backfill(conn: asyncpg.Connection, timezone: str) -> None:
    """Forget every row, every dirty mark and the zone: the caller recomputes every day next."""
    await conn.execute("LOCK TABLE indicator_rollup IN EXCLUSIVE MODE")
    await conn.execute("DELETE FROM indicator_rollup")
    await conn.execute("DELETE FROM indicator_days")  # not TRUNCATE: readers keep the old days until commit
    await conn.execute("DELETE FROM indicator_dirty")
    await conn.execute("INSERT INTO indicator_rollup (timezone) VALUES ($1)", timezone)


async def take_dirty_days(conn: asyncpg.Connection, timezone: str, limit: int) -> list[date]:
    """Take (delete) up to `limit` dirty marks that no other transaction holds; the local days they touch: every
    day of a marked case (its steps' due times, its reports, its registration) and the marked instants."""
    rows = await conn.fetch(
        """WITH taken AS (
               DELETE FROM indicator_dirty WHERE id IN (
                   SELECT id FROM indicator_dirty ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
               RETURNING case_id, at
           ), marked AS (SELECT DISTINCT case_id FROM taken WHERE case_id IS NOT NULL)
           SELECT DISTINCT day FROM (
               SELECT (at AT TIME ZONE $1)::date AS day FROM taken WHERE at IS NOT NULL
               UNION ALL
               SELECT (d.due_at AT TIME ZONE $1)::date FROM case_deadlines d JOIN marked m ON m.case_id = d.case_id
               UNION ALL
               SELECT (r.created_at AT TIME ZONE $1)::date FROM reports r JOIN marked m ON m.case_id = r.case_id
               UNION ALL
               SELECT (c.registered_at AT TIME ZONE $1)::date FROM cases c JOIN marked m ON m.case_id = c.id
               WHERE c.registered_at IS NOT NULL
           ) days ORDER BY day""",
        timezone,
        limit,
    )
    return [r["day"] for r in rows]


async def dirty_within(conn: asyncpg.Connection, start: datetime, end: datetime) -> bool:
    """Is a day of [start, end) still to be recomputed (a dirty mark, held or not, touches it)?"""
    found: bool = await conn.fetchval(
        """WITH marked AS (SELECT DISTINCT case_id FROM indicator_dirty WHERE case_id IS NOT NULL)
           SELECT EXISTS (SELECT 1 FROM indicator_dirty WHERE at >= $1 AND at < $2)
               OR EXISTS (SELECT 1 FROM marked m JOIN case_deadlines d ON d.case_id = m.case_id
                          WHERE d.due_at >= $1 AND d.due_at < $2)
               OR EXISTS (SELECT 1 FROM marked m JOIN reports r ON r.case_id = m.case_id
                          WHERE r.created_at >= $1 AND r.created_at < $2)
               OR EXISTS (SELECT 1 FROM marked m JOIN cases c ON c.id = m.case_id
                          WHERE c.registered_at >= $1 AND c.registered_at < $2)""",
        start,
        end,
    )
    return found


async def dirty_count(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM indicator_dirty")
    return count


# reading: the same rows as cases/stats/store/__init__.py's counting statements, from the days [$1, $2] ----------------

_KEY: Final[dict[str, str]] = {
    "department": "department_code",
    "inspector": "person_id::text",
    "grid": "grid_id::text",
    "district": "district_code",
}


def _scope(scoped: bool, index: int) -> str:
    return f"\n  AND district_code = ANY(${index}::text[])" if scoped else ""


_STEP_COUNTS = """
SELECT {key} AS key, step,
       sum(n) AS due,
       coalesce(sum(n) FILTER (WHERE done_day <= $2), 0) AS done,
       coalesce(sum(n) FILTER (WHERE on_time), 0) AS on_time,
       coalesce(sum(n) FILTER (WHERE extended), 0) AS extended,
       coalesce(sum(n) FILTER (WHERE step = 'dispatch' AND done_day <= $2 AND later_day <= $2), 0) AS returned,
       coalesce(sum(n) FILTER (WHERE step = 'handle' AND done_day <= $2 AND later_day <= $2), 0) AS reworked
FROM indicator_days
WHERE kind = 'step' AND day >= $1 AND day <= $2 AND step = ANY($3::text[])
  AND {key} IS NOT NULL{scope}
GROUP BY 1, 2
"""

_REPORT_COUNTS = """
SELECT {key} AS key,
       sum(n) AS reports,
       coalesce(sum(n) FILTER (WHERE flag AND done_day <= $2), 0) AS effective
FROM indicator_days x
WHERE kind = 'report' AND day >= $1 AND day <= $2
  AND {key} IS NOT NULL{scope}
  AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = x.person_id AND ur.role = 'inspector')
GROUP BY 1
"""

_REGISTRATION_COUNTS = """
SELECT {key} AS key,
       sum(n) AS registered,
       coalesce(sum(n) FILTER (WHERE voided), 0) AS voided,
       coalesce(sum(n) FILTER (WHERE NOT voided AND grid_id IS NOT NULL), 0) AS in_grids,
       coalesce(sum(n) FILTER (WHERE NOT voided AND grid_id IS NOT NULL AND NOT flag), 0) AS missed
FROM indicator_days
WHERE kind = 'registration' AND day >= $1 AND day <= $2
  AND {key} IS NOT NULL{scope}
GROUP BY 1
"""

_MISSED_BY_INSPECTOR = """
SELECT person_id::text AS key, 0 AS registered, 0 AS voided,
       sum(n) AS in_grids,
       coalesce(sum(n) FILTER (WHERE NOT flag), 0) AS missed
FROM indicator_days
WHERE kind = 'duty' AND day >= $1 AND day <= $2{scope}
GROUP BY 1
"""


@functools.cache
def step_counts_sql(group_by: str, scoped: bool) -> str:
    return _STEP_COUNTS.format(key=_KEY[group_by], scope=_scope(scoped, 4))


@functools.cache
def report_counts_sql(group_by: str, scoped: bool) -> str:
    return _REPORT_COUNTS.format(key=_KEY[group_by], scope=_scope(scoped, 3))


@functools.cache
def registration_counts_sql(group_by: str, scoped: bool) -> str:
    if group_by == "inspector":
        return _MISSED_BY_INSPECTOR.format(scope=_scope(scoped, 3))
    return _REGISTRATION_COUNTS.format(key=_KEY[group_by], scope=_scope(scoped, 3))


async def select_step_counts(
    conn: asyncpg.Connection,
    group_by: str,
    first: date,
    last: date,
    districts: list[str] | None,
    steps: tuple[str, ...],
) -> list[asyncpg.Record]:
    args: list[object] = [first, last, list(steps)] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(step_counts_sql(group_by, districts is not None), *args)
    return rows


async def select_report_counts(
    conn: asyncpg.Connection, group_by: str, first: date, last: date, districts: list[str] | None
) -> list[asyncpg.Record]:
    args: list[object] = [first, last] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(report_counts_sql(group_by, districts is not None), *args)
    return rows


async def select_registration_counts(
    conn: asyncpg.Connection, group_by: str, first: date, last: date, districts: list[str] | None
) -> list[asyncpg.Record]:
    args: list[object] = [first, last] + ([districts] if districts is not None else [])
    rows: list[asyncpg.Record] = await conn.fetch(
        registration_counts_sql(group_by, districts is not None), *args
    )
    return rows
