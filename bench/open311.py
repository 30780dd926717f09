"""Open311 reads at city scale: GET /open311/v2/requests.json answering 1,000 requests over a city of 1,000,000 cases.

    python -m bench.open311 [--cases 1000000] [--duration 10] [--warmup 2] [--concurrency 4] [--keep-db]
                            [--reuse-db NAME] [--env-file var/dev/env]

Setup (timed, not measured). A scratch database (cityloop_bench_open311_<random>) is created on the server of
DATABASE_ADMIN_URL (var/dev/env; the current environment takes precedence), migrated and given the demo city
(api.demo.seed_demo: catalogue, service area, users), then --cases cases are made by one INSERT ... SELECT per table
from generate_series-like sets, each committed on its own and timed:

  - a seed table: one row per case at a point drawn uniformly inside the demo service area (ST_GeneratePoints),
    created_at uniform over the last 365 days, a citizen-reportable category drawn uniformly, and a state that
    depends on the age: older than 30 days 88 % closed, 5 % rejected, 2 % voided, 5 % still open; newer 35 % closed,
    5 % rejected, the rest spread over the open states. 1 % of the cases are hidden, 2 % more have their report
    hidden (neither is public). 60 % of the reports have one photo, 20 % are anonymous. Ids are UUIDv7 from
    created_at, as the server makes them; report numbers are the day (Asia/Shanghai) and its sequence.
  - cases (department from the category's default), one report per case (all filed by the demo citizen: the
    reporter is never read by this query), photos and report_photos, case_events (`reported` public without a note,
    `routed` private, a public note when dispatched, a public closing note when finished: the status_notes the
    query looks for), case_deadlines (the open step of every unfinished case, a completed one for the others).
  - as pg_restore does, the indexes of these tables that back no constraint are dropped before the inserts and made
    again after them (the same definitions, from pg_get_indexdef); then VACUUM (ANALYZE) and a CHECKPOINT, so that
    the writes do not land in the measurement.

Seeding a million cases took 8.4 and 8.9 minutes on a 2-core machine loaded by other work (the 3.8 million case
events are the largest part); --cases makes a smaller city.

--reuse-db NAME skips all of it and reads a database kept by an earlier run (--keep-db).

Plans. For each scenario below, the query the store runs (open311.store.public_requests, through
open311.service.list_requests, with its real parameters) is run 6 times on one connection with auto_explain
(log_analyze, log_buffers) sent to the client, and the last plan is printed: after 5 runs PostgreSQL may use a
generic plan for a prepared statement, as the API's pooled connections will.

Load. CityLoop runs as in bench/http_baseline.py: one uvicorn worker (uvloop + httptools, no access log,
LOG_LEVEL=WARNING) on a free loopback port. --concurrency aiohttp clients in this process (closed loop: each sends
its next request when the last is answered) read one scenario at a time, --warmup seconds unmeasured then
--duration seconds measured:

  default       GET /open311/v2/requests.json                      (the last 90 days, newest first)
  service_code  GET ...?service_code=<the commonest category>
  closed        GET ...?status=closed
  dates         GET ...?start_date=<now - 200 d>&end_date=<now - 170 d> (a month, half a year ago)

Each answer must be 200; the first of each scenario is parsed and its results counted (1,000 expected). Latency is
wall time from send to the end of the body. Target: p95 < 100 ms for every scenario.

Exit status: 0 when the figures were taken (met or not), 1 when the server fails to start or answers other than
200, 2 when the setup is missing (no DATABASE_ADMIN_URL, server down).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import asyncpg
import uvloop

from bench._harness import (
    DEFAULT_ENV_FILE,
    HOST,
    BenchError,
    Server,
    admin_connection,
    admin_url,
    entered,
    loadavg,
    main_of,
    percentile,
    print_line,
    print_machine,
    print_server,
    running,
    scratch_database,
    scratch_name,
)
from bench.http_baseline import cityloop_env

TARGET_P95_MS = 100.0
PATH = "/open311/v2/requests.json"
EXPLAIN_RUNS = 6  # PostgreSQL considers a generic plan from the 6th execution of a prepared statement

# --- the city ---------------------------------------------------------------------------------------------------

# One row per case, ordered by created_at. Ids are UUIDv7 (48 bits of milliseconds, version 7, random bits),
# the random part taken from gen_random_uuid() whose variant bits are already right.
_SEED = """
CREATE UNLOGGED TABLE bench_seed AS
WITH points AS (
    SELECT d.path[1] AS n, d.geom
      FROM (SELECT geom FROM service_areas WHERE active LIMIT 1) a, ST_Dump(ST_GeneratePoints(a.geom, $1, 311)) d
), drawn AS (
    SELECT p.n, p.geom, $2::timestamptz - random() * interval '365 days' AS created_at,
           random() AS r_category, random() AS r_state, random() AS r_open, random() AS r_hide,
           random() AS r_photo, random() AS r_anon, random() AS r_hours
      FROM points p
), cats AS (
    SELECT array_agg(code ORDER BY code) AS codes FROM categories WHERE active AND citizen_reportable
), shaped AS (
    SELECT d.*, cats.codes[1 + floor(d.r_category * cardinality(cats.codes))::int] AS category,
           CASE WHEN d.created_at < $2::timestamptz - interval '30 days' THEN
                    CASE WHEN d.r_state < 0.88 THEN 'closed' WHEN d.r_state < 0.93 THEN 'rejected'
                         WHEN d.r_state < 0.95 THEN 'voided' ELSE NULL END
                ELSE CASE WHEN d.r_state < 0.35 THEN 'closed' WHEN d.r_state < 0.40 THEN 'rejected' ELSE NULL END
           END AS finished_state,
           (ARRAY['reported', 'verifying', 'verified', 'registered', 'dispatched', 'accepted', 'handled',
                  'checking', 'checked', 'deferred'])[1 + floor(d.r_open * 10)::int] AS open_state
      FROM drawn d, cats
), timed AS (
    SELECT s.*, coalesce(s.finished_state, s.open_state) AS state,
           s.created_at + (1 + s.r_hours * 120) * interval '1 hour' AS finished_at,
           decode(lpad(to_hex(floor(extract(epoch FROM s.created_at) * 1000)::bigint), 12, '0'), 'hex') AS ms
      FROM shaped s
)
SELECT row_number() OVER (ORDER BY t.created_at) AS i, t.geom, t.created_at, t.category, t.state,
       t.finished_state IS NOT NULL AS finished,
       CASE WHEN t.finished_state IS NOT NULL AND t.finished_at < $2::timestamptz THEN t.finished_at
            WHEN t.finished_state IS NOT NULL THEN $2::timestamptz ELSE NULL END AS closed_at,
       t.r_hide < 0.01 AS case_hidden, t.r_hide >= 0.01 AND t.r_hide < 0.03 AS report_hidden,
       t.r_photo < 0.6 AS has_photo, t.r_anon < 0.2 AS anonymous,
       to_char(t.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
         || lpad((row_number() OVER (PARTITION BY (t.created_at AT TIME ZONE 'Asia/Shanghai')::date
                                     ORDER BY t.created_at))::text, 5, '0') AS number,
       encode(set_byte(t.ms || substring(uuid_send(gen_random_uuid()) FROM 7 FOR 10), 6,
                       (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid AS case_id,
       encode(set_byte(t.ms || substring(uuid_send(gen_random_uuid()) FROM 7 FOR 10), 6,
                       (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid AS report_id,
       encode(set_byte(t.ms || substring(uuid_send(gen_random_uuid()) FROM 7 FOR 10), 6,
                       (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid AS photo_id
  FROM timed t
 ORDER BY t.created_at
"""

_CASES = """
INSERT INTO cases (id, category_code, state, source, location, address, description, hidden_at, hidden_reason,
                   created_at, updated_at, closed_at, district_code, department_code, needs_verification,
                   registered_at)
SELECT s.case_id, s.category, s.state, 'citizen', s.geom, '东城区 示范街道 ' || (s.i % 997 + 1) || ' 号',
       '压测：' || c.name_zh, CASE WHEN s.case_hidden THEN s.created_at + interval '2 hours' END,
       CASE WHEN s.case_hidden THEN 'bench: hidden' END, s.created_at,
       coalesce(s.closed_at, least(s.created_at + interval '3 hours', $1::timestamptz)), s.closed_at, '110101',
       c.default_department, true,
       CASE WHEN s.state NOT IN ('reported', 'verifying', 'verified', 'rejected') THEN s.created_at + interval '1 hour'
       END
  FROM bench_seed s JOIN categories c ON c.code = s.category
 ORDER BY s.i
"""

_REPORTS = """
INSERT INTO reports (id, number, case_id, reporter_id, category_code, description, location, original_lat,
                     original_lon, original_crs, address, anonymous, hidden_at, hidden_reason, created_at)
SELECT s.report_id, s.number, s.case_id, $1, s.category, '压测：路面问题，请尽快处理（' || s.i || '）', s.geom,
       ST_Y(s.geom), ST_X(s.geom), 'wgs84', '东城区 示范街道 ' || (s.i % 997 + 1) || ' 号', s.anonymous,
       CASE WHEN s.report_hidden THEN s.created_at + interval '2 hours' END,
       CASE WHEN s.report_hidden THEN 'bench: hidden' END, s.created_at
  FROM bench_seed s
 ORDER BY s.i
"""

_PHOTOS = """
INSERT INTO photos (id, owner_id, original_sha256, content_type, width, height, display_key, display_width,
                    display_height, thumb_key, created_at)
SELECT s.photo_id, $1, encode(sha256(uuid_send(s.photo_id)), 'hex'), 'image/jpeg', 4000, 3000,
       'display/' || s.photo_id || '.jpg', 2048, 1536, 'thumb/' || s.photo_id || '.jpg', s.created_at
  FROM bench_seed s WHERE s.has_photo
 ORDER BY s.i
"""

_REPORT_PHOTOS = """
INSERT INTO report_photos (report_id, photo_id, position)
SELECT s.report_id, s.photo_id, 0 FROM bench_seed s WHERE s.has_photo ORDER BY s.i
"""

# every case: reported (public, no note), routed (private); then what its state implies, in order of time
_EVENTS = """
INSERT INTO case_events (case_id, at, actor_id, kind, from_state, to_state, note, public, data)
SELECT e.case_id, e.at, e.actor_id, e.kind, e.from_state, e.to_state, e.note, e.public, e.data
  FROM (
    SELECT s.i, 1 AS k, s.case_id, s.created_at AS at, $1::uuid AS actor_id, 'reported' AS kind,
           NULL::text AS from_state, 'reported' AS to_state, '' AS note, true AS public, '{}'::jsonb AS data
      FROM bench_seed s
    UNION ALL
    SELECT s.i, 2, s.case_id, s.created_at, $1, 'routed', NULL, NULL, '', false,
           jsonb_build_object('rule', 'bench', 'district', '110101')
      FROM bench_seed s
    UNION ALL
    SELECT s.i, 3, s.case_id, s.created_at + interval '90 minutes', NULL, 'dispatch', 'registered', 'dispatched',
           '已派遣至处置部门', true, '{}'
      FROM bench_seed s
     WHERE s.state IN ('dispatched', 'accepted', 'handled', 'checking', 'checked', 'deferred', 'closed')
    UNION ALL
    SELECT s.i, 4, s.case_id, s.closed_at, NULL,
           CASE s.state WHEN 'closed' THEN 'close' WHEN 'rejected' THEN 'reject' ELSE 'void' END, 'checked',
           s.state, CASE s.state WHEN 'closed' THEN '已处理完毕，感谢您的反馈' ELSE '不属于受理范围' END, true, '{}'
      FROM bench_seed s WHERE s.finished
  ) e
 ORDER BY e.at, e.i, e.k
"""

# the open step of every unfinished case; a completed step for every finished one
_DEADLINES = """
INSERT INTO case_deadlines (case_id, round, step, department_code, started_at, due_at, due_soon_at, completed_at,
                            outcome)
SELECT s.case_id, 1,
       CASE WHEN s.finished THEN 'close'
            WHEN s.state IN ('reported', 'verifying') THEN 'verify'
            WHEN s.state IN ('verified', 'registered', 'deferred') THEN 'dispatch'
            WHEN s.state = 'dispatched' THEN 'accept'
            WHEN s.state = 'accepted' THEN 'handle'
            ELSE 'check' END,
       c.default_department, s.created_at, s.created_at + interval '5 days', s.created_at + interval '4 days',
       s.closed_at, CASE WHEN s.finished THEN 'done' END
  FROM bench_seed s JOIN categories c ON c.code = s.category
 ORDER BY s.i
"""

TABLES = ("cases", "reports", "photos", "report_photos", "case_events", "case_deadlines")

_INDEXES = """
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
 WHERE t.relname = ANY($1::text[]) AND t.relnamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
 ORDER BY t.relname, 1
"""

_COUNTS = """
SELECT count(*) AS cases,
       count(*) FILTER (WHERE case_hidden) AS cases_hidden,
       count(*) FILTER (WHERE report_hidden) AS reports_hidden,
       count(*) FILTER (WHERE finished) AS finished,
       count(*) FILTER (WHERE has_photo) AS photos,
       count(*) FILTER (WHERE created_at > $1::timestamptz - interval '90 days') AS last_90_days,
       count(DISTINCT category) AS categories,
       (SELECT count(*) FROM bench_seed b, service_areas a WHERE a.active AND NOT ST_Covers(a.geom, b.geom))
         AS outside
  FROM bench_seed
"""

_COMMONEST = """
SELECT category_code FROM reports WHERE hidden_at IS NULL AND created_at > $1::timestamptz - interval '90 days'
 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
"""


async def _connect(url: str) -> asyncpg.Connection:
    from api.db import _init_connection

    conn = await asyncpg.connect(url, server_settings={"timezone": "UTC", "statement_timeout": "0"})
    await _init_connection(conn)
    return conn


async def _phase(conn: asyncpg.Connection, label: str, sql: str, *args: Any) -> None:
    started = time.perf_counter()
    async with conn.transaction():
        status = await conn.execute(sql, *args)
    rows = status.rsplit(" ", 1)[-1]
    rows = f"{int(rows):>10,} rows" if rows.isdigit() else f"{'':>15}"
    print(f"  {label:<28} {rows}  {time.perf_counter() - started:7.1f} s", flush=True)


async def build_city(url: str, env: dict[str, str], cases: int) -> None:
    """Migrate, seed the demo city, then make `cases` cases with their reports, photos, events and deadlines."""
    from api.config import auth_config
    from api.db import migrate
    from api.demo import seed_demo
    from api.settings import load_settings
    from identity import store as identity_store

    settings = load_settings({**env, "DATABASE_URL": url})
    conn = await _connect(url)
    try:
        started = time.perf_counter()
        await migrate(conn)
        async with conn.transaction():
            await seed_demo(conn, auth_config(settings))
        print(f"  {'migrated, demo city':<28} {'':>15}  {time.perf_counter() - started:7.1f} s", flush=True)
        citizen = await identity_store.get_user_by_phone(conn, "+8613800138001")
        if citizen is None:
            raise BenchError("the demo citizen is missing after seed_demo", 2)
        now = datetime.now(UTC)
        begun = time.perf_counter()
        await conn.execute("SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'")
        await conn.execute("SELECT setseed(0.311)")
        await _phase(conn, "seed table", _SEED, cases, now)
        counts = await conn.fetchrow(_COUNTS, now)
        assert counts is not None
        # as pg_restore does: the indexes that back no constraint are dropped, then made again once the rows are in
        indexes = await conn.fetch(_INDEXES, list(TABLES))
        await conn.execute("; ".join(f"DROP INDEX {r['name']}" for r in indexes))
        await _phase(conn, "cases", _CASES, now)
        await _phase(conn, "reports", _REPORTS, citizen["id"])
        await _phase(conn, "photos", _PHOTOS, citizen["id"])
        await _phase(conn, "report_photos", _REPORT_PHOTOS)
        await _phase(conn, "case_events", _EVENTS, citizen["id"])
        await _phase(conn, "case_deadlines", _DEADLINES)
        await conn.execute("DROP TABLE bench_seed")
        started = time.perf_counter()
        for r in indexes:
            await conn.execute(r["definition"])
        print(
            f"  {f'{len(indexes)} indexes made again':<28} {'':>15}  {time.perf_counter() - started:7.1f} s"
        )
        started = time.perf_counter()
        await conn.execute("VACUUM (ANALYZE)")
        await conn.execute("CHECKPOINT")
        print(f"  {'VACUUM (ANALYZE), CHECKPOINT':<28} {'':>15}  {time.perf_counter() - started:7.1f} s")
        print(f"  {'city made in':<28} {'':>15}  {time.perf_counter() - begun:7.1f} s\n")
        print_line(
            "city",
            f"{counts['cases']:,} cases over 365 days ({counts['last_90_days']:,} in the last 90), "
            f"{counts['categories']} categories, {counts['finished']:,} finished, {counts['cases_hidden']:,} "
            f"cases and {counts['reports_hidden']:,} more reports hidden, {counts['photos']:,} photos, "
            f"{counts['outside']} points outside the service area",
        )
    finally:
        await conn.close()


async def print_sizes(url: str) -> None:
    conn = await _connect(url)
    try:
        rows = await conn.fetch(
            """SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) AS size
                 FROM pg_stat_user_tables
                WHERE relname IN ('cases', 'reports', 'case_events', 'case_deadlines', 'photos', 'report_photos')
                ORDER BY pg_total_relation_size(relid) DESC"""
        )
        size = await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
        tables = ", ".join(f"{r['relname']} {r['n_live_tup']:,} rows {r['size']}" for r in rows)
        print_line("tables", f"{tables}; database {size}")
    finally:
        await conn.close()


# --- scenarios and plans ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    query: dict[str, str]

    @property
    def path(self) -> str:
        return PATH + (f"?{urlencode(self.query)}" if self.query else "")


def scenarios(commonest: str, now: datetime) -> list[Scenario]:
    def day(days_ago: int) -> str:
        return (now - timedelta(days=days_ago)).strftime("%Y-%m-%dT00:00:00+08:00")

    return [
        Scenario("default", {}),
        Scenario("service_code", {"service_code": commonest}),
        Scenario("closed", {"status": "closed"}),
        Scenario("dates", {"start_date": day(200), "end_date": day(170)}),
    ]


async def commonest_category(url: str) -> str:
    conn = await _connect(url)
    try:
        code = await conn.fetchval(_COMMONEST, datetime.now(UTC))
    finally:
        await conn.close()
    if code is None:
        raise BenchError(
            "the database holds no public report of the last 90 days (--reuse-db an empty one?)", 2
        )
    return str(code)


async def explain(url: str, env: dict[str, str], scenario: Scenario) -> tuple[str, int]:
    """The plan of the store's query for `scenario` at its EXPLAIN_RUNS-th execution on one connection, and the
    number of requests the service returned."""
    from api.config import open311_config
    from api.settings import load_settings
    from open311 import service

    config = open311_config(load_settings({**env, "DATABASE_URL": url}))
    plans: list[str] = []

    def listen(_conn: Any, message: Any) -> None:
        text = str(message)
        if "case_public_reports v" in text:
            plans.append(text)

    conn = await _connect(url)
    try:
        conn.add_log_listener(listen)
        await conn.execute("LOAD 'auto_explain'")
        await conn.execute(
            "SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; "
            "SET auto_explain.log_buffers = on; SET auto_explain.log_timing = on; SET client_min_messages = log"
        )
        query = service.RequestQuery(**scenario.query)
        found: list[Any] = []
        for _ in range(EXPLAIN_RUNS):
            async with conn.transaction():
                found = await service.list_requests(conn, config, query, "http://bench.invalid")
        await conn.execute("RESET client_min_messages")
    finally:
        await conn.close()
    if not plans:
        return "(auto_explain gave no plan)", len(found)
    plan = plans[-1]
    start = plan.find("Limit")
    return (plan[start:] if start >= 0 else plan), len(found)


# --- load --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    scenario: str
    results: int
    body_kb: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float


async def load(base: str, scenario: Scenario, concurrency: int, warmup: float, duration: float) -> Result:
    url = base + scenario.path
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        async with session.get(url) as response:
            first = await response.read()
            if response.status != 200:
                raise BenchError(f"{scenario.path}: {response.status} {first[:300]!r}", 1)
        results = len(json.loads(first))
        latencies: list[float] = []
        errors = 0
        measuring = False
        stop_at = time.perf_counter() + warmup + duration

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    status = response.status
                took = (time.perf_counter() - started) * 1e3
                if measuring:
                    latencies.append(took)
                    errors += status != 200

        tasks = [asyncio.create_task(client()) for _ in range(concurrency)]
        await asyncio.sleep(warmup)
        measuring = True
        measured_from = time.perf_counter()
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - measured_from
    return Result(
        scenario.name,
        results,
        len(first) / 1024,
        len(latencies),
        errors,
        len(latencies) / seconds,
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
        max(latencies, default=float("nan")),
        statistics.fmean(latencies) if latencies else float("nan"),
    )


def table(results: list[Result], paths: dict[str, str]) -> str:
    header = ("scenario", "query", "results", "KB", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
    rows = [header]
    for r in results:
        rows.append(
            (
                r.scenario,
                paths[r.scenario],
                f"{r.results:,}",
                f"{r.body_kb:,.0f}",
                f"{r.rps:,.1f}",
                f"{r.p50_ms:.1f}",
                f"{r.p95_ms:.1f}",
                f"{r.p99_ms:.1f}",
                f"{r.max_ms:.1f}",
                str(r.errors),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells))
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.open311",
        description="p50/p95/p99 of GET /open311/v2/requests.json (1,000 results) over a city of 1,000,000 cases",
    )
    p.add_argument("--cases", type=int, default=1_000_000, help="cases in the city (1,000,000)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds measured per scenario (10)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first (2)")
    p.add_argument("--concurrency", type=int, default=4, help="clients at once, closed loop (4)")
    p.add_argument("--keep-db", action="store_true", help="keep the scratch database (its name is printed)")
    p.add_argument("--reuse-db", metavar="NAME", help="read a database kept by an earlier run; make no city")
    p.add_argument("--no-explain", action="store_true", help="do not print the plans")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE, help="shell exports for CityLoop")
    p.add_argument("--db-pool-max", type=int, help="DB_POOL_MAX for the CityLoop server (app default)")
    p.add_argument("--startup-timeout", type=float, default=30.0)
    args = p.parse_args(argv)
    if args.cases < 1000 or args.duration < 1 or args.warmup < 0 or args.concurrency < 1:
        p.error("--cases >= 1000, --duration >= 1, --warmup >= 0 and --concurrency >= 1")
    return args


@contextlib.asynccontextmanager
async def city_database(env: dict[str, str], args: argparse.Namespace) -> AsyncIterator[str]:
    url = admin_url(env, args.env_file)
    async with admin_connection(url) as admin:
        await print_server(
            admin, url, ("shared_buffers", "work_mem", "effective_cache_size", "jit"), postgis=True
        )
        name = args.reuse_db or scratch_name("open311")
        keep = args.keep_db or args.reuse_db is not None
        async with scratch_database(
            admin, env["DATABASE_URL"], name, create=args.reuse_db is None, keep=keep
        ) as db:
            if args.reuse_db is None:
                await build_city(db, env, args.cases)
            yield db


def run(args: argparse.Namespace) -> int:
    from api.settings import SettingsError, load_settings

    env = cityloop_env(args)
    try:
        settings = load_settings(env)
    except SettingsError as exc:
        raise BenchError(f"the CityLoop environment is not usable: {exc}", 2) from exc
    print_machine(
        "Open311 reads: GET /open311/v2/requests.json, 1,000 results a page, loopback, one uvicorn worker",
        [
            ("loadgen", f"aiohttp + uvloop in this process, {args.concurrency} clients, closed loop"),
            ("load", f"{args.warmup:g} s warm-up (discarded) + {args.duration:g} s per scenario"),
            (
                "city",
                f"{args.cases:,} cases" if args.reuse_db is None else f"database {args.reuse_db} as kept",
            ),
        ],
        packages=("litestar", "uvicorn", "uvloop", "httptools", "asyncpg", "msgspec", "aiohttp"),
    )
    print_line("cityloop", f"DB_POOL_MAX={settings.db_pool_max}, LOG_LEVEL=WARNING")

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner, contextlib.ExitStack() as stack:
        env["DATABASE_URL"] = stack.enter_context(entered(runner, city_database(env, args)))
        runner.run(print_sizes(env["DATABASE_URL"]))
        commonest = runner.run(commonest_category(env["DATABASE_URL"]))
        chosen = scenarios(commonest, datetime.now(UTC))
        if not args.no_explain:
            print("\nplans (auto_explain, ANALYZE and BUFFERS, at the 6th execution on one connection)")
            for scenario in chosen:
                plan, found = runner.run(explain(env["DATABASE_URL"], env, scenario))
                print(
                    f"\n-- {scenario.name}: {scenario.path}  ({found:,} requests)\n{plan.rstrip()}",
                    flush=True,
                )

        logdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="cityloop-bench-"))
        server = stack.enter_context(
            running(Server("cityloop", "api.asgi:app", env, Path(logdir), factory=True), args.startup_timeout)
        )
        base = f"http://{HOST}:{server.port}"
        database = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        print(f"\nload ({database}, load avg {loadavg()} before)", flush=True)
        results: list[Result] = []
        for scenario in chosen:
            try:
                result = runner.run(load(base, scenario, args.concurrency, args.warmup, args.duration))
            except BenchError as exc:
                raise BenchError(f"{exc}\n  server log tail:\n{server.log_tail()}", exc.status) from exc
            results.append(result)
            print(
                f"  {scenario.name:<13} {result.requests:>6,} requests  p95 {result.p95_ms:7.1f} ms",
                flush=True,
            )
        print(f"  (load avg {loadavg()} after)\n")
        print(table(results, {s.name: s.path for s in chosen}))
        worst = max(r.p95_ms for r in results)
        short = [r.scenario for r in results if r.results != 1000]
        print(
            f"\nworst p95 {worst:.1f} ms: target p95 < {TARGET_P95_MS:.0f} ms "
            + ("met" if worst < TARGET_P95_MS else "MISSED")
            + (f"; fewer than 1,000 results in: {', '.join(short)}" if short else ""),
            flush=True,
        )
        failed = sum(r.errors for r in results)
        if failed:
            print(
                f"\n{failed:,} answers were not 200\nserver log tail:\n{server.log_tail()}", file=sys.stderr
            )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return main_of("open311", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
