"""Queues, the map and the indicators at city scale: 1,000,000 cases.

    python -m bench.queues [--cases 1000000] [--samples 200] [--repeat 5] [--jit default|off] [--custom-plans]
                           [--explain] [--keep | --reuse NAME] [--only queue,map,tiles,indicators,proposed]
                           [--env-file var/dev/env]

Setup. A scratch database (cityloop_bench_queues_<random>) is created on the server of DATABASE_ADMIN_URL
(var/dev/env; the current environment takes precedence), migrated with api.db.migrate, given the demo
category catalogue (its 10 departments), and dropped at the end whatever happens (--keep leaves it for
EXPLAIN by hand, or --reuse). Everything is generated set-based (INSERT ... SELECT generate_series), seed fixed:

- a city box of 0.6° x 0.4° (about 51 km x 44 km from 39.70 N, 116.10 E): 10 districts (5 x 2, about
  10 km x 22 km each), 800 responsibility grids (1.3 km x 2.2 km), one inspector on duty per grid, 50,000
  citizens;
- --cases cases created over the last 730 days: 60 % drawn around the centre (a normal of σ ≈ 7 km), the
  rest uniform over the box; district and grid follow from the place; departments skewed (sanitation 35 %,
  urban management 20 %, municipal 15 % ...); 70 % citizens, 25 % patrol, 5 % hotline;
- states by age: older than 30 days 86 % closed, 4 % rejected, 2 % voided, 2 % deferred, 1 % parked, 5 %
  stuck open (registered, dispatched, accepted, checking, checked: overdue); the last 30 days about half
  open in every state of the loop;
- one case_deadlines row per step a case went through (verify for citizens, register, dispatch, accept,
  handle, check, close), 85 % done on time, the rest late (1.05 to 3 times the limit); the handle limit is 24,
  72, 120 or 360 h; 3 % of fixes extended, 4 % of checks ended by rework, 2 % of closed cases deferred and
  resumed while handled; the open step of deferred and parked cases paused;
- one report per citizen or patrol case, 3 % more joining an existing case; case events: reported, and
  every deferral, parking, resumption and voiding (the events the indicators read).

The data has the volume and the spread of a large city's two years, not a faithful workflow (a rework does
not start a new round, for one). Then VACUUM ANALYZE.

Measurements (wall time around the awaited call in this process, asyncpg over TCP, same host; each list of
timings after one unmeasured warm-up call):

1. a department's overdue queue: cases.workflow.service.queue(...) for a department_handler scoped to one
   department, overdue=True, 50 a page: the first page, and pages 2-20 following next_cursor; for the
   three largest departments and a small one. Target p95 < 50 ms.
2. the public map: cases.reports.maps.map_reports(...) for boxes the size of a district (0.117° x 0.09°, about
   10 km x 10 km) at random places in the city (it clusters above 500 cases), and for street-sized boxes
   (about 1 km x 1 km); the timings of each size split into the boxes it clustered and those it listed.
   Target p95 < 50 ms (district boxes).
2b. the map's vector tiles: cases.reports.maps.map_tile(...) at zoom 10 (about 30 km x 30 km here: most of the
   city), 12 (7.5 km x 7.5 km, a district), 14 and 16 (470 m x 470 m, a street), at a random place of the city
   each time. Target p95 < 50 ms at zoom 12 and deeper.
3. the indicators: cases.stats.indicators.indicators(...) for the last complete month over one district (a
   district-scoped leader), for each grouping; and over the whole city for comparison: counted from the base
   tables, then read from the daily rollups (backfilled first when the database has none: timed, as is a refresh
   after 100 and 1,000 changed cases), with a check that both give the same figures. Target < 0.5 s (district,
   from the days).

Proposed (not the app's code): the statement this bench's report proposed for the overdue queue, on the
department's own open steps with a (due_at, case_id) cursor and the index it needs
(case_deadlines_open_department), created in the scratch database only. (The map's proposal, a capped count and
clusters on integer cells from an index-only scan of cases_map_xy, is the app's code since migration 0028.)

--jit off runs the session with SET jit = off, --custom-plans with SET plan_cache_mode = force_custom_plan (as a
pool with those server_settings would); by default the server's settings apply, as for the app today. --keep leaves the scratch database; --reuse NAME measures a
kept one again without generating (and keeps it), after applying the migrations it lacks (then ANALYZE); --only
runs some of the measurements.

With --explain (or when a target is missed) the slowest call of each measurement is shown with
EXPLAIN (ANALYZE, BUFFERS) of each of its statements.

Exit status: 0 when the figures were taken, 2 when the setup is missing (no DATABASE_ADMIN_URL, server down).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bench._harness import (
    DEFAULT_ENV_FILE,
    admin_connection,
    admin_url,
    environment,
    main_of,
    percentile,
    print_machine,
    print_server,
    scratch_database,
    scratch_name,
)
from bench.routing import DISTRICTS  # the same Beijing district codes
from cases.stats import indicators
from cases.workflow import service as casework
from cases.workflow import store as workflow_store

BOX = (116.10, 39.70, 116.70, 40.10)  # min lon, min lat, max lon, max lat
CENTRE = (116.40, 39.90)
GRID_CELL = (0.015, 0.02)  # degrees of longitude, latitude: 40 x 20 grids, 8 x 10 per district
DISTRICT_BOX = (0.117, 0.09)  # about 10 km x 10 km here
STREET_BOX = (0.0117, 0.009)  # about 1 km x 1 km
TARGETS_MS = {"queue": 50.0, "map": 50.0, "tiles": 50.0, "indicators": 500.0}
#: zoom levels of the tiles measured (the target applies from TILE_TARGET_ZOOM on)
TILE_ZOOMS = (10, 12, 14, 16)
TILE_TARGET_ZOOM = 12


# the synthetic city ---------------------------------------------------------------------------------------

_CITY_SQL = """
INSERT INTO responsibility_grids (code, name, geom)
SELECT d.code || lpad((gx % 8 + 8 * (gy % 10) + 1)::text, 3, '0'), '',
       ST_Multi(ST_MakeEnvelope({lon0} + gx * {cw}, {lat0} + gy * {ch}, {lon0} + (gx + 1) * {cw},
                                {lat0} + (gy + 1) * {ch}, 4326))
FROM generate_series(0, 39) gx CROSS JOIN generate_series(0, 19) gy
JOIN unnest($1::text[]) WITH ORDINALITY d (code, i) ON d.i = gx / 8 + 5 * (gy / 10) + 1;

INSERT INTO users (display_name) SELECT 'inspector ' || g.code FROM responsibility_grids g ORDER BY g.code;
CREATE TEMP TABLE bench_inspectors AS
    SELECT g.id AS grid_id, g.code, u.id AS user_id
    FROM (SELECT id, code, row_number() OVER (ORDER BY code) AS n FROM responsibility_grids) g
    JOIN (SELECT id, row_number() OVER (ORDER BY display_name) AS n FROM users WHERE display_name LIKE 'inspector %') u
      ON u.n = g.n;
INSERT INTO user_roles (user_id, role) SELECT user_id, 'inspector' FROM bench_inspectors;
INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at)
    SELECT user_id, grid_id, now() - interval '800 days' FROM bench_inspectors;
INSERT INTO users (display_name) SELECT 'citizen' FROM generate_series(1, 50000);
CREATE TEMP TABLE bench_citizens AS
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE display_name = 'citizen';
"""

# One row per case with every random draw, so that the inserts below agree with each other.
_DRAWS_SQL = """
CREATE TEMP TABLE bench_cases AS
WITH p AS (
    SELECT n, random() AS u1, random() AS u2, random() AS u3, random() AS r_state, random() AS r_open,
           random() AS r_source, random() AS r_dept, random() AS r_cat, random() AS r_hours, random() AS r_time
    FROM generate_series(1, $1) n
), placed AS (
    SELECT p.*,
           now() - interval '730 days' + (n::float8 / $1) * interval '730 days' + r_time * interval '1 hour'
               AS created_at,
           CASE WHEN u3 < 0.6
                THEN {clon} + 0.082 * sqrt(-2 * ln(greatest(u1, 1e-12))) * cos(2 * pi() * u2)
                ELSE {lon0} + u1 * ({lon1} - {lon0}) END AS lon_raw,
           CASE WHEN u3 < 0.6
                THEN {clat} + 0.063 * sqrt(-2 * ln(greatest(u1, 1e-12))) * sin(2 * pi() * u2)
                ELSE {lat0} + u2 * ({lat1} - {lat0}) END AS lat_raw
    FROM p
), located AS (
    SELECT placed.*,
           least(greatest(lon_raw, {lon0} + 1e-6), {lon1} - 1e-6) AS lon,
           least(greatest(lat_raw, {lat0} + 1e-6), {lat1} - 1e-6) AS lat
    FROM placed
), gridded AS (
    SELECT located.*,
           floor((lon - {lon0}) / {cw})::int AS gx, floor((lat - {lat0}) / {ch})::int AS gy,
           extract(epoch FROM now() - created_at) / 86400 AS age_days
    FROM located
)
SELECT uuid_generate_v7() AS id, n, created_at, lon, lat,
       ($2::text[])[gx / 8 + 5 * (gy / 10) + 1] AS district_code,
       ($2::text[])[gx / 8 + 5 * (gy / 10) + 1] || lpad((gx % 8 + 8 * (gy % 10) + 1)::text, 3, '0') AS grid_code,
       ($3::text[])[1 + floor(r_cat * cardinality($3::text[]))::int] AS category_code,
       CASE WHEN r_source < 0.70 THEN 'citizen' WHEN r_source < 0.95 THEN 'inspector' ELSE 'hotline' END AS source,
       CASE WHEN r_dept < 0.35 THEN 'sanitation' WHEN r_dept < 0.55 THEN 'urban_management'
            WHEN r_dept < 0.70 THEN 'municipal' WHEN r_dept < 0.80 THEN 'landscaping'
            WHEN r_dept < 0.88 THEN 'traffic' WHEN r_dept < 0.92 THEN 'water' WHEN r_dept < 0.95 THEN 'drainage'
            WHEN r_dept < 0.97 THEN 'gas' WHEN r_dept < 0.99 THEN 'power' ELSE 'housing' END AS department_code,
       CASE WHEN age_days > 30 THEN
                CASE WHEN r_state < 0.86 THEN 'closed' WHEN r_state < 0.90 THEN 'rejected'
                     WHEN r_state < 0.92 THEN 'voided' WHEN r_state < 0.94 THEN 'deferred'
                     WHEN r_state < 0.95 THEN 'parked'
                     ELSE (ARRAY['registered', 'dispatched', 'accepted', 'checking', 'checked'])
                          [1 + floor(r_open * 5)::int] END
            ELSE
                CASE WHEN r_state < 0.45 THEN 'closed' WHEN r_state < 0.50 THEN 'rejected'
                     WHEN r_state < 0.51 THEN 'voided' WHEN r_state < 0.53 THEN 'deferred'
                     WHEN r_state < 0.54 THEN 'parked'
                     ELSE (ARRAY['reported', 'verifying', 'registered', 'dispatched', 'accepted',
                                 'extension_requested', 'checking', 'checked'])[1 + floor(r_open * 8)::int] END
       END AS state,
       (ARRAY[24, 72, 120, 360])[1 + floor(r_hours * 4)::int] AS handle_hours,
       random() < 0.005 AS hidden
FROM gridded;

ALTER TABLE bench_cases ADD COLUMN first_step int, ADD COLUMN last_step int, ADD COLUMN limits float8[],
                        ADD COLUMN durations float8[], ADD COLUMN offsets float8[];
UPDATE bench_cases SET
    first_step = CASE WHEN source = 'citizen' AND state <> 'reported' THEN 1 ELSE 2 END,
    last_step = CASE state WHEN 'verifying' THEN 1 WHEN 'reported' THEN 2
                           WHEN 'rejected' THEN CASE WHEN source = 'citizen' THEN 1 ELSE 2 END
                           WHEN 'registered' THEN 3 WHEN 'voided' THEN 3 WHEN 'dispatched' THEN 4
                           WHEN 'checking' THEN 6 WHEN 'checked' THEN 7 WHEN 'closed' THEN 7 ELSE 5 END,
    limits = ARRAY[1, 0.5, 0.5, 1, handle_hours, 1, 2]::float8[];
UPDATE bench_cases SET durations = ARRAY(
    SELECT limits[k] * CASE WHEN random() < 0.85 THEN 0.2 + 0.75 * random() ELSE 1.05 + 2 * random() END
    FROM generate_series(1, 7) k ORDER BY k);
UPDATE bench_cases SET offsets = ARRAY[
    0,
    f * d[1],
    f * d[1] + d[2],
    f * d[1] + d[2] + d[3],
    f * d[1] + d[2] + d[3] + d[4],
    f * d[1] + d[2] + d[3] + d[4] + d[5],
    f * d[1] + d[2] + d[3] + d[4] + d[5] + d[6]]
FROM (SELECT n AS m, (first_step = 1)::int AS f, durations AS d FROM bench_cases) x WHERE x.m = n;
CREATE INDEX ON bench_cases (id);
ANALYZE bench_cases;
"""

_CASES_SQL = """
INSERT INTO cases (id, category_code, state, source, location, description, version, created_at, updated_at,
                   closed_at, hidden_at, unit_grid_id, responsibility_grid_id, district_code, department_code,
                   inspector_id, needs_verification, resume_state, registered_at)
SELECT b.id, b.category_code, b.state, b.source, ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326), 'bench', 3,
       b.created_at, b.created_at + b.offsets[b.last_step] * interval '1 hour',
       CASE WHEN b.state = 'closed' THEN b.created_at + (b.offsets[7] + b.durations[7]) * interval '1 hour' END,
       CASE WHEN b.hidden THEN b.created_at END,
       NULL, i.grid_id, b.district_code,
       CASE WHEN b.last_step >= 3 AND b.state NOT IN ('registered', 'voided') THEN b.department_code END,
       i.user_id, b.source = 'citizen',
       CASE WHEN b.state IN ('deferred', 'parked') THEN 'accepted' END,
       CASE WHEN b.last_step >= 3 THEN b.created_at + b.offsets[3] * interval '1 hour' END
FROM bench_cases b JOIN bench_inspectors i ON i.code = b.grid_code
ORDER BY b.n;
"""

_DEADLINES_SQL = """
INSERT INTO case_deadlines (case_id, round, step, assignee_id, department_code, started_at, due_soon_at, due_at,
                            completed_at, completed_by, outcome, paused_at, extended)
SELECT b.id, 1, s.step,
       CASE WHEN s.step IN ('verify', 'check') THEN i.user_id END,
       CASE WHEN s.step IN ('accept', 'handle') THEN b.department_code END,
       t.started, t.started + b.limits[g.k] * 0.8 * interval '1 hour',
       t.started + (b.limits[g.k] + CASE WHEN x.extended THEN 72 ELSE 0 END) * interval '1 hour',
       CASE WHEN x.finished THEN t.started + b.durations[g.k] * interval '1 hour' END,
       CASE WHEN x.finished AND s.step IN ('verify', 'check') THEN i.user_id END,
       CASE WHEN NOT x.finished THEN NULL
            WHEN b.state = 'rejected' AND g.k = b.last_step THEN CASE g.k WHEN 1 THEN 'not_found' ELSE 'reject' END
            WHEN b.state = 'voided' AND g.k = b.last_step THEN 'void'
            WHEN s.step = 'check' AND random() < 0.04 THEN 'rework'
            ELSE s.outcome END,
       CASE WHEN b.state IN ('deferred', 'parked') AND g.k = b.last_step
            THEN t.started + b.limits[g.k] * 0.3 * interval '1 hour' END,
       x.extended
FROM bench_cases b
JOIN bench_inspectors i ON i.code = b.grid_code
CROSS JOIN LATERAL generate_series(b.first_step, b.last_step) g (k)
JOIN (VALUES (1, 'verify', 'verify'), (2, 'register', 'register'), (3, 'dispatch', 'dispatch'),
             (4, 'accept', 'accept'), (5, 'handle', 'handle'), (6, 'check', 'check_pass'), (7, 'close', 'close'))
     s (sk, step, outcome) ON s.sk = g.k
CROSS JOIN LATERAL (SELECT b.created_at + b.offsets[g.k] * interval '1 hour' AS started) t
CROSS JOIN LATERAL (
    SELECT g.k < b.last_step OR b.state IN ('closed', 'rejected', 'voided') AS finished,
           s.step = 'handle' AND random() < 0.03 AS extended
) x
ORDER BY b.n, g.k;
"""

_REPORTS_SQL = """
INSERT INTO reports (number, case_id, reporter_id, category_code, location, original_lat, original_lon, original_crs,
                     joined_existing, created_at)
SELECT 'B' || lpad(b.n::text, 9, '0'), b.id,
       CASE WHEN b.source = 'inspector' THEN i.user_id ELSE c.id END,
       b.category_code, ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326), b.lat, b.lon, 'wgs84', false, b.created_at
FROM bench_cases b
JOIN bench_inspectors i ON i.code = b.grid_code
JOIN bench_citizens c ON c.n = 1 + b.n % 50000
WHERE b.source <> 'hotline'
ORDER BY b.n;
INSERT INTO reports (number, case_id, reporter_id, category_code, location, original_lat, original_lon, original_crs,
                     joined_existing, created_at)
SELECT 'J' || lpad(b.n::text, 9, '0'), b.id, c.id, b.category_code, ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326),
       b.lat, b.lon, 'wgs84', true, b.created_at + interval '3 hours'
FROM bench_cases b JOIN bench_citizens c ON c.n = 1 + (b.n * 7) % 50000
WHERE b.n % 33 = 0
ORDER BY b.n;
"""

_EVENTS_SQL = """
INSERT INTO case_events (case_id, at, kind, to_state, public)
SELECT id, created_at, 'reported', 'reported', true FROM bench_cases ORDER BY n;
INSERT INTO case_events (case_id, at, kind, from_state, to_state, public)
SELECT d.case_id, d.paused_at, CASE c.state WHEN 'parked' THEN 'park' ELSE 'defer' END, 'accepted', c.state, true
FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.paused_at IS NOT NULL;
INSERT INTO case_events (case_id, at, kind, from_state, to_state, public)
SELECT b.id, b.created_at + (b.offsets[3] + b.durations[3]) * interval '1 hour', 'void', 'registered', 'voided', true
FROM bench_cases b WHERE b.state = 'voided';
-- 2 % of closed cases were deferred for a while during handling, then resumed
INSERT INTO case_events (case_id, at, kind, from_state, to_state, public)
SELECT b.id, b.created_at + (b.offsets[5] + b.durations[5] * e.f) * interval '1 hour', e.kind, e.from_state,
       e.to_state, true
FROM bench_cases b
CROSS JOIN (VALUES (0.2, 'defer', 'accepted', 'deferred'), (0.4, 'resume', 'deferred', 'accepted')) e (f, kind, from_state, to_state)
WHERE b.state = 'closed' AND b.n % 50 = 7;
"""


def _city_sql(template: str) -> str:
    lon0, lat0, lon1, lat1 = BOX
    return template.format(
        lon0=lon0,
        lat0=lat0,
        lon1=lon1,
        lat1=lat1,
        cw=GRID_CELL[0],
        ch=GRID_CELL[1],
        clon=CENTRE[0],
        clat=CENTRE[1],
    )


# database -------------------------------------------------------------------------------------------------


async def _connect(url: str) -> asyncpg.Connection:
    from api.db import _init_connection

    # temp_buffers: the random draws of a million cases live in a temporary table
    conn = await asyncpg.connect(
        url, server_settings={"timezone": "UTC", "temp_buffers": "1GB"}, command_timeout=None
    )
    await _init_connection(conn)
    return conn


async def _step(conn: asyncpg.Connection, label: str, sql: str, *args: Any) -> None:
    started = time.perf_counter()
    if args:
        await conn.execute(sql, *args)
    else:
        await conn.execute(sql)
    print(f"  {label:<44} {time.perf_counter() - started:7.1f} s", flush=True)


async def generate(conn: asyncpg.Connection, cases: int, seed: int) -> float:
    from api.db import migrate
    from cases.catalogue.service import DEMO_CATALOGUE, load_catalogue, parse_catalogue

    await migrate(conn)
    async with conn.transaction():
        await load_catalogue(conn, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
    categories = [r["code"] for r in await conn.fetch("SELECT code FROM categories ORDER BY code")]
    print(f"generating {cases:,} cases (set-based SQL, one transaction per table):", flush=True)
    started = time.perf_counter()
    await conn.execute("SELECT setseed($1)", (seed % 10_000) / 10_000)
    city_statements = _city_sql(_CITY_SQL).split(";\n")
    async with conn.transaction():
        await _step(conn, "responsibility grids (800)", city_statements[0], list(DISTRICTS))
        await _step(conn, "inspectors on duty, citizens", ";\n".join(city_statements[1:]))
    await _step(
        conn,
        "random draws (temp table)",
        _city_sql(_DRAWS_SQL).split(";\n")[0],
        cases,
        list(DISTRICTS),
        categories,
    )
    await _step(conn, "steps, limits, durations", ";\n".join(_city_sql(_DRAWS_SQL).split(";\n")[1:]))
    for label, sql in (
        ("cases", _CASES_SQL),
        ("case_deadlines", _DEADLINES_SQL),
        ("reports", _REPORTS_SQL),
        ("case_events", _EVENTS_SQL),
    ):
        async with conn.transaction():
            await _step(conn, label, sql)
    await _step(conn, "VACUUM ANALYZE", "VACUUM ANALYZE")
    took = time.perf_counter() - started
    counts: Any = await conn.fetchrow(
        """SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_deadlines) AS steps,
                  (SELECT count(*) FROM reports) AS reports, (SELECT count(*) FROM case_events) AS events,
                  (SELECT count(*) FROM case_deadlines WHERE completed_at IS NULL AND paused_at IS NULL
                     AND due_at < now()) AS overdue,
                  pg_size_pretty(pg_database_size(current_database())) AS size"""
    )
    print(
        f"  generated in {took:.0f} s: {counts['cases']:,} cases, {counts['steps']:,} steps "
        f"({counts['overdue']:,} open and overdue), {counts['reports']:,} reports, {counts['events']:,} events; "
        f"database {counts['size']}\n",
        flush=True,
    )
    return took


# measuring ------------------------------------------------------------------------------------------------


class Recorder:
    """Timings of one measurement, and the statements behind its slowest call (for EXPLAIN)."""

    def __init__(self, label: str, target_ms: float | None) -> None:
        self.label = label
        self.target_ms = target_ms
        self.ms: list[float] = []
        self.slowest: tuple[float, list[tuple[str, tuple[Any, ...]]]] = (0.0, [])

    async def time(self, conn: asyncpg.Connection, call: Callable[[], Awaitable[Any]]) -> Any:
        statements: list[tuple[str, tuple[Any, ...]]] = []

        def log(record: Any) -> None:
            statements.append((record.query, tuple(record.args or ())))

        conn.add_query_logger(log)
        try:
            started = time.perf_counter()
            result = await call()
            elapsed = (time.perf_counter() - started) * 1e3
        finally:
            conn.remove_query_logger(log)
        self.ms.append(elapsed)
        if elapsed >= self.slowest[0]:
            self.slowest = (elapsed, statements)
        return result

    def line(self) -> str:
        if not self.ms:
            return f"  {self.label:<46} n=0    (nothing to measure at this size)"
        verdict = ""
        if self.target_ms is not None:
            verdict = "  met" if self.p95 < self.target_ms else "  NOT met"
            verdict = f"  (target p95 < {self.target_ms:g} ms:{verdict})"
        return (
            f"  {self.label:<46} n={len(self.ms):<4} p50 {percentile(self.ms, 0.5):8.1f} ms   "
            f"p95 {self.p95:8.1f} ms   max {max(self.ms):8.1f} ms   mean {statistics.fmean(self.ms):8.1f} ms{verdict}"
        )

    @property
    def p95(self) -> float:
        return percentile(self.ms, 0.95)

    @property
    def missed(self) -> bool:
        return self.target_ms is not None and self.p95 >= self.target_ms


async def explain(conn: asyncpg.Connection, recorder: Recorder) -> None:
    elapsed, statements = recorder.slowest
    print(
        f"\n--- {recorder.label}: the slowest call ({elapsed:.1f} ms), EXPLAIN (ANALYZE, BUFFERS) of each statement"
    )
    for query, args in statements:
        if not query.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + query, *args)
        print("\n" + query.strip() + "\n")
        print("\n".join(r[0] for r in plan))


async def measure_queue(
    conn: asyncpg.Connection, samples: int, rng: random.Random
) -> tuple[list[Recorder], list[str]]:
    from identity.models import Principal, RoleGrant

    def handler_of(department: str) -> Principal:
        """A department handler scoped to one department (a made-up user: the queue reads only the scope)."""
        grant = RoleGrant(role="department_handler", scope_kind="department", scope_id=department)
        return Principal(user_id=uuid.uuid4(), session_id=uuid.uuid4(), roles=(grant,), locale="zh-CN")

    sizes = await conn.fetch(
        """SELECT c.department_code, count(*) AS n FROM cases c
           JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
           WHERE d.due_at < now() AND d.paused_at IS NULL AND c.department_code IS NOT NULL
           GROUP BY 1 ORDER BY 2 DESC"""
    )
    chosen = [r["department_code"] for r in sizes[:3]] + [sizes[-1]["department_code"]]
    print(
        "overdue queue, cases.workflow.service.queue(department scope, overdue=True, limit=50); overdue per department: "
        + ", ".join(f"{r['department_code']} {r['n']:,}" for r in sizes)
    )
    first = Recorder("first page", TARGETS_MS["queue"])
    deeper = Recorder("pages 2-20 (next_cursor)", TARGETS_MS["queue"])
    for department in chosen:
        scope = handler_of(department)
        await casework.queue(conn, scope, overdue=True)  # warm-up
    for i in range(samples):
        scope = handler_of(chosen[i % len(chosen)])
        await first.time(conn, functools.partial(casework.queue, conn, scope, overdue=True))
    walks = 0
    while len(deeper.ms) < samples and walks < 10 * samples:
        scope = handler_of(chosen[walks % len(chosen)])
        walks += 1
        page = await casework.queue(conn, scope, overdue=True)
        for _ in range(19):
            if page.next_cursor is None:
                break
            call = functools.partial(casework.queue, conn, scope, overdue=True, cursor=page.next_cursor)
            page = await deeper.time(conn, call)
    return [first, deeper], chosen


def _box(rng: random.Random, size: tuple[float, float]) -> str:
    lon = BOX[0] + rng.random() * (BOX[2] - BOX[0] - size[0])
    lat = BOX[1] + rng.random() * (BOX[3] - BOX[1] - size[1])
    return f"{lon:.5f},{lat:.5f},{lon + size[0]:.5f},{lat + size[1]:.5f}"


async def measure_map(conn: asyncpg.Connection, samples: int, rng: random.Random) -> list[Recorder]:
    from cases.reports.maps import map_reports
    from cases.reports.service import CasesConfig

    config = CasesConfig()
    recorders = []
    print(
        f"\nmap, cases.reports.maps.map_reports(bbox), clustered above {config.map_feature_cap} cases in the box"
    )
    for label, size, target in (
        ("district-sized boxes (10 km x 10 km)", DISTRICT_BOX, TARGETS_MS["map"]),
        ("street-sized boxes (1 km x 1 km)", STREET_BOX, None),
    ):
        every = Recorder(label, target)
        split = {
            True: Recorder(f"  {label}, clustered", target),
            False: Recorder(f"  {label}, listed", target),
        }
        totals = []
        await map_reports(conn, config, _box(rng, size), None, None, "wgs84")  # warm-up
        for _ in range(samples):
            bbox = _box(rng, size)
            call = functools.partial(map_reports, conn, config, bbox, None, None, "wgs84")
            before = len(every.ms)
            result = await every.time(conn, call)
            split[result["clustered"]].ms.append(every.ms[before])
            if every.slowest[0] == every.ms[before]:
                split[result["clustered"]].slowest = every.slowest
            totals.append(result["total"])
        totals.sort()
        print(
            f"  {label}: cases in the box p50 {percentile(totals, 0.5):,}, max {totals[-1]:,}; "
            f"clustered {len(split[True].ms)} of {len(totals)}"
        )
        recorders += [every, split[True], split[False]]
    return recorders


async def measure_tiles(conn: asyncpg.Connection, samples: int, rng: random.Random) -> list[Recorder]:
    import math

    from cases.reports.maps import map_tile
    from cases.reports.service import CasesConfig

    config = CasesConfig()
    print(
        f"\nvector tiles, cases.reports.maps.map_tile(z, x, y) at a random place of the city; clustered above "
        f"{config.map_feature_cap} cases in the tile"
    )

    def tile_at(z: int) -> tuple[int, int]:
        lon = BOX[0] + rng.random() * (BOX[2] - BOX[0])
        lat = BOX[1] + rng.random() * (BOX[3] - BOX[1])
        n = 1 << z
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return int((lon + 180) / 360 * n), int(y)

    recorders = []
    for z in TILE_ZOOMS:
        recorder = Recorder(f"zoom {z}", TARGETS_MS["tiles"] if z >= TILE_TARGET_ZOOM else None)
        sizes, clustered = [], 0
        await map_tile(conn, config, z, *tile_at(z), None, None)  # warm-up
        for _ in range(samples):
            call = functools.partial(map_tile, conn, config, z, *tile_at(z), None, None)
            tile = await recorder.time(conn, call)
            sizes.append(len(tile.body))
            clustered += tile.clustered
        sizes.sort()
        print(
            f"  zoom {z}: tile bytes p50 {percentile(sizes, 0.5):,}, max {sizes[-1]:,}; "
            f"clustered {clustered} of {len(sizes)}"
        )
        recorders.append(recorder)
    return recorders


async def measure_indicators(conn: asyncpg.Connection, repeat: int) -> list[Recorder]:
    from cases.stats import rollups

    today = datetime.now(UTC).date()
    last = date(today.year, today.month, 1) - timedelta(days=1)
    first = date(last.year, last.month, 1)
    district: str = await conn.fetchval(
        "SELECT district_code FROM cases WHERE district_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    month_cases = await conn.fetchval(
        "SELECT count(*) FROM cases WHERE district_code = $1 AND created_at >= $2 AND created_at < $3",
        district,
        datetime.combine(first, datetime.min.time(), UTC),
        datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC),
    )
    zone = "Asia/Shanghai"
    print("\nindicator rollups (cases/stats/rollups.py, migration 0030):")
    if await conn.fetchval("SELECT timezone FROM indicator_rollup") != zone:
        started = time.perf_counter()
        async with conn.transaction():
            days = await rollups.backfill(conn, zone)
        print(
            f"  backfill of {days:,} days                              {time.perf_counter() - started:7.1f} s"
        )
    rows = await conn.fetchval("SELECT count(*) FROM indicator_days")
    print(f"  {rows:,} rows in indicator_days")
    for changed in (100, 1000):
        # `changed` cases of the last month marked as the triggers mark them, then recomputed as the worker does
        await conn.execute(
            """INSERT INTO indicator_dirty (case_id)
               SELECT id FROM cases WHERE created_at >= now() - interval '40 days' ORDER BY id LIMIT $1""",
            changed,
        )
        started = time.perf_counter()
        async with conn.transaction():
            days = await rollups.refresh(conn, zone, limit=changed)
        print(
            f"  refresh after {changed:,} changed cases: {days} days recomputed in "
            f"{(time.perf_counter() - started) * 1e3:,.0f} ms"
        )
    print(
        f"\nindicators, cases.stats.indicators.indicators() for {first.isoformat()}..{last.isoformat()}; district {district} "
        f"(the busiest: {month_cases:,} cases created that month); counted from the base tables, then read from the days"
    )
    recorders = []
    for scope_label, districts in ((f"district {district}", frozenset({district})), ("whole city", None)):
        for group_by in indicators.GROUPINGS:
            reports = []
            for use_rollups in (False, True):
                how = "days" if use_rollups else "counted"
                target = TARGETS_MS["indicators"] if districts is not None and use_rollups else None
                recorder = Recorder(f"{scope_label}, group_by={group_by}, {how}", target)

                async def call(
                    group_by: Any = group_by, districts: Any = districts, days: bool = use_rollups
                ) -> Any:
                    return await indicators.indicators(
                        conn,
                        first=first.isoformat(),
                        last=last.isoformat(),
                        group_by=group_by,
                        timezone=zone,
                        districts=districts,
                        use_rollups=days,
                    )

                reports.append(await call())  # warm-up
                for _ in range(repeat):
                    await recorder.time(conn, call)
                recorders.append(recorder)
            same = "same figures" if reports[0].groups == reports[1].groups else "FIGURES DIFFER"
            print(f"  {scope_label}, group_by={group_by}: {same} ({len(reports[0].groups)} groups)")
            if districts is not None and group_by == "district" and reports[1].groups:
                g = reports[1].groups[0]
                print(
                    f"  ({g.key}: score {g.score}, grade {g.grade}; "
                    + ", ".join(
                        f"{k} {v.numerator:,}/{v.denominator:,}" for k, v in list(g.indicators.items())[:6]
                    )
                    + " ...)"
                )
    return recorders


# proposed changes (not the app's code: the statements as proposed for cases/store.py and cases/reports/service.py) ---

#: the index the proposed statement needs (created in the scratch database only)
PROPOSED_INDEXES = (
    """CREATE INDEX IF NOT EXISTS case_deadlines_open_department ON case_deadlines (department_code, due_at, case_id)
           WHERE completed_at IS NULL AND paused_at IS NULL""",
)

#: workflow_store.list_cases for a department's overdue queue: the department's own open steps (accept, handle) in
#: deadline order from case_deadlines_open_department, the cursor on (d.due_at, d.case_id); one department
#: as a scalar, so that a generic plan keeps the index order. (Not coalesce($2, '-infinity') in the cursor:
#: a generic plan then walks case_deadlines_due from -infinity through every finished step.)
PROPOSED_QUEUE_SQL = """
SELECT {columns}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
FROM case_deadlines d JOIN cases c ON c.id = d.case_id
WHERE d.completed_at IS NULL AND d.paused_at IS NULL AND d.department_code = $1 AND c.department_code = $1
  AND d.due_at < now()
  AND ($2::timestamptz IS NULL OR (d.due_at, d.case_id) > ($2, $3::uuid))
ORDER BY d.due_at, d.case_id LIMIT $4
"""


async def measure_proposed(
    conn: asyncpg.Connection, departments: list[str], samples: int, rng: random.Random
) -> list[Recorder]:
    print("\nproposed statements (bench copies, see the report), with their indexes:")
    for sql in PROPOSED_INDEXES:
        await _step(conn, sql.split(" ON ")[0].replace("CREATE INDEX IF NOT EXISTS ", "index "), sql)
    await conn.execute("ANALYZE case_deadlines; ANALYZE cases")
    queue_sql = PROPOSED_QUEUE_SQL.format(columns=workflow_store.CASE_COLUMNS)

    async def page(
        department: str, after: tuple[Any, Any] | None
    ) -> tuple[list[Any], tuple[Any, Any] | None]:
        rows = await conn.fetch(queue_sql, department, *(after or (None, None)), 50)
        items = [casework.summary(r) for r in rows]
        return items, ((rows[-1]["due_at"], rows[-1]["id"]) if len(rows) == 50 else None)

    first = Recorder("queue, first page (proposed)", TARGETS_MS["queue"])
    deeper = Recorder("queue, pages 2-20 (proposed)", TARGETS_MS["queue"])
    for i in range(samples):
        await first.time(conn, functools.partial(page, departments[i % len(departments)], None))
    walks = 0
    while len(deeper.ms) < samples and walks < 10 * samples:
        department = departments[walks % len(departments)]
        walks += 1
        _, after = await page(department, None)
        for _ in range(19):
            if after is None:
                break
            _, after = await deeper.time(conn, functools.partial(page, department, after))

    recorders = [first, deeper]
    for r in recorders:
        print(r.line())
    return recorders


# main -----------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    url = admin_url(environment(args.env_file), args.env_file)
    name = args.reuse or scratch_name("queues")
    keep = args.keep or bool(args.reuse)
    print_machine(f"Queues, map and indicators at city scale: {args.cases:,} cases")
    rng = random.Random(args.seed)
    recorders: list[Recorder] = []
    async with admin_connection(url) as admin:
        knobs = ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit")
        await print_server(admin, url, knobs, postgis=True)
        jit = "off (SET jit = off)" if args.jit == "off" else "as the server has it"
        print(f"  {'session':<9} jit {jit}")
        async with scratch_database(admin, url, name, create=not args.reuse, keep=keep) as scratch:
            conn = await _connect(scratch)
            try:
                if args.reuse:
                    from api.db import migrate

                    applied = await migrate(conn)
                    if applied:
                        await conn.execute("ANALYZE")
                    print(
                        f"reusing {name}: no data generated; migrations applied: {', '.join(applied) or 'none'}\n"
                    )
                else:
                    await generate(conn, args.cases, args.seed)
                if args.jit == "off":
                    await conn.execute("SET jit = off")
                if args.custom_plans:
                    await conn.execute("SET plan_cache_mode = force_custom_plan")
                departments: list[str] = []
                if "queue" in args.only or "proposed" in args.only:
                    found, departments = await measure_queue(
                        conn, args.samples if "queue" in args.only else 1, rng
                    )
                    if "queue" in args.only:
                        for r in found:
                            print(r.line())
                        recorders += found
                if "map" in args.only:
                    for r in (found := await measure_map(conn, args.samples, rng)):
                        print(r.line())
                    recorders += found
                if "tiles" in args.only:
                    for r in (found := await measure_tiles(conn, args.samples, rng)):
                        print(r.line())
                    recorders += found
                if "indicators" in args.only:
                    found = await measure_indicators(conn, args.repeat)
                    for r in found:
                        print(r.line())
                    recorders += found
                if "proposed" in args.only:
                    recorders += await measure_proposed(conn, departments, args.samples, rng)
                for recorder in recorders:
                    if args.explain or recorder.missed:
                        await explain(conn, recorder)
            finally:
                await conn.close()
    missed = [r.label for r in recorders if r.missed]
    print("\nall targets met" if not missed else "\ntargets missed: " + "; ".join(missed))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.queues", description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--samples", type=int, default=200, help="timed calls per queue and map measurement (200)")
    p.add_argument("--repeat", type=int, default=5, help="timed calls per indicator grouping (5)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest call of each measurement"
    )
    p.add_argument("--keep", action="store_true", help="keep the scratch database (drop it yourself)")
    p.add_argument(
        "--reuse", metavar="NAME", help="measure a scratch database kept by --keep (no generation)"
    )
    p.add_argument("--jit", choices=["default", "off"], default="default", help="SET jit = off for the run")
    p.add_argument(
        "--custom-plans", action="store_true", help="SET plan_cache_mode = force_custom_plan for the run"
    )
    p.add_argument(
        "--only",
        type=lambda v: set(v.split(",")),
        default={"queue", "map", "tiles", "indicators", "proposed"},
        help="comma-separated measurements to run: queue, map, tiles, indicators, proposed (all)",
    )
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    args = p.parse_args(argv)
    if args.cases < 1000 or args.samples < 1 or args.repeat < 1:
        p.error("--cases >= 1000, --samples >= 1, --repeat >= 1")
    return main_of("queues", lambda: asyncio.run(run(args)))


if __name__ == "__main__":
    raise SystemExit(main())
