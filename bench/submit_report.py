"""Submitting reports: an open-loop load of POST /v1/reports with photos, over loopback, from another process.

    python -m bench.submit_report [--rate 100] [--duration 20] [--warmup 2] [--spread DEG] [--db-waits]

Setup (not timed). CityLoop runs as in bench/http_baseline.py: one uvicorn worker (uvloop + httptools, no
access log) on a free port of 127.0.0.1, with the dev environment (var/dev/env; the current environment
takes precedence) and LOG_LEVEL=WARNING. Its database is a new one beside the dev database (created through
DATABASE_ADMIN_URL, migrated, given the demo city, dropped at the end), so that every run starts from the
same city and leaves no rows behind (the photos' objects, about 130 KB a photo, stay in the dev bucket);
--dev-db uses the dev database as it is instead (`cityloop db migrate && cityloop db seed-demo`). Fresh
citizens are created in this process through identity.service (a citizen may file REPORTS_PER_DAY=20
reports a day; each gets at most --reports-per-citizen, so the limit is never raised), and one distinct
640x480 JPEG per submission (smooth colour noise, about 50 KB) is uploaded by its citizen through the
presigned flow: POST /v1/uploads, PUT to the bucket, POST /v1/uploads/{id}/complete (a citizen's photos one
at a time).

Load. rate x (warmup + duration) submissions at fixed arrival times, whether or not earlier ones have been
answered (open loop; aiohttp with uvloop in this process, connections opened as needed). Each carries its
own Idempotency-Key, citizen (round robin) and photo, a random WGS-84 point inside the service area (or
within +-SPREAD degrees of the demo point 39.9087, 116.3975) and alternates categories C0102 (needs a photo)
and E0102. A report within 50 m and 24 h of an open case of its category joins that case (a row lock and an
UPDATE instead of a new case); the answers say how many did. Points are new every run (--seed repeats
them); with --dev-db, cases of earlier runs of the day stay open, so reports join more often.
Latency runs from the scheduled send time to the end of the answer, so time spent queued in the client
counts (no coordinated omission). Submissions of the first --warmup seconds are not counted. CPU time of
the API process, of its PostgreSQL connections (when the database is on this machine), of this process and
of everything else is read from /proc around the measured part: other work on the machine shows, and a
run it disturbed is flagged. With --db-waits, pg_stat_activity is sampled meanwhile to show what the API's
connections wait for (row locks, commits, the API's next statement).

Exit status: 0 when all measured submissions were answered 201 (whether or not the p99 target is met),
1 when the server fails to start (its log tail is printed), 2 when the setup is missing or fails, 3 when
submissions were not answered 201.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import json
import math
import os
import random
import resource
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import uvloop
from PIL import Image

from api.config import auth_config
from api.db import connect, migrate
from api.demo import seed_demo
from api.settings import Settings, SettingsError, load_settings
from bench._harness import (
    DEFAULT_ENV_FILE,
    HOST,
    BenchError,
    Server,
    admin_connection,
    entered,
    main_of,
    percentile,
    print_line,
    print_machine,
    running,
    scratch_database,
    scratch_name,
    with_database,
)
from bench.http_baseline import cityloop_env
from cases.catalogue import store as cases_store
from cases.reports import maps as cases_service
from cases.reports.models import ServiceArea
from identity import service as identity_service
from identity import store as identity_store
from identity.models import RequestContext, RoleGrant

INSIDE = (39.9087, 116.3975)  # (lat, lon) WGS-84 inside the demo service area (Dongcheng, Beijing)
CATEGORIES = ("C0102", "E0102")  # the first needs one photo; the second none, and gets one all the same
PHOTO_SIZE = (640, 480)
TARGET_RATE = 100.0  # the issue's target: p99 under 100 ms at 100 submissions/s
TARGET_P99_MS = 100.0
UPLOAD_ATTEMPTS = 3
DB_WAITS_INTERVAL = 0.02  # seconds between two looks at pg_stat_activity (--db-waits)
DB_WAITS_SHOWN = 8
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None}  # None: a Unix socket
OTHERS_NOTICEABLE = 0.15  # of a core: CPU of other processes above this disturbs the figures


@dataclass(frozen=True)
class Citizen:
    phone: str
    token: str


@dataclass(frozen=True)
class Submission:
    token: str
    key: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status: int  # 0 when no answer came (connection error, timeout)
    latency: float  # seconds from the scheduled send time to the end of the answer
    lag: float  # seconds the generator started the send after its scheduled time
    done: float  # perf_counter() at the end of the answer
    joined: bool
    error: str = ""


# --- CPU accounting from /proc ---------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Cpu:
    at: float
    server: float  # CPU seconds of the API process
    backends: dict[int, float]  # of each of the API's database connections (when the database is local)
    busy: float  # busy CPU seconds of the whole machine (all cores)
    bench: float  # CPU seconds of this process


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far; 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def read_cpu(server_pid: int, backend_pids: Iterable[int]) -> Cpu:
    busy = 0.0
    with contextlib.suppress(OSError, ValueError):
        jiffies = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        busy = (sum(jiffies) - jiffies[3] - jiffies[4]) / _TICK  # all but idle and iowait
    usage = resource.getrusage(resource.RUSAGE_SELF)
    backends = {pid: _proc_cpu(pid) for pid in backend_pids}
    return Cpu(time.perf_counter(), _proc_cpu(server_pid), backends, busy, usage.ru_utime + usage.ru_stime)


# the API's pool connects with application_name "cityloop" (api/db.py); the bench's own watchers do not
_API_BACKENDS = """
    SELECT pid FROM pg_stat_activity
    WHERE application_name = 'cityloop' AND datname = current_database() AND backend_type = 'client backend'
"""


async def watcher(settings: Settings) -> asyncpg.Connection:
    """A connection of the bench's own, which the readings of the API's connections leave out."""
    return await asyncpg.connect(
        settings.database_url, server_settings={"application_name": "cityloop-bench"}
    )


async def api_backends(conn: asyncpg.Connection | None) -> list[int]:
    """Server pids of the API's database connections; none when the database is not on this machine."""
    return [row["pid"] for row in await conn.fetch(_API_BACKENDS)] if conn is not None else []


# --- setup: citizens and photos --------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    area: ServiceArea
    citizens: list[Citizen]


async def prepare_city(settings: Settings, count: int) -> City:
    """The service area, and `count` new citizens with an access token each, created in one transaction
    (audited like the CLI's)."""
    config = auth_config(settings)
    ctx = RequestContext(actor_label="bench:submit_report")
    conn = await connect(settings)
    try:
        missing = [c for c in CATEGORIES if await cases_store.get_category(conn, c) is None]
        area = await cases_service.service_area(conn)
        if missing or area is None:
            raise BenchError(
                f"the demo city is not loaded (categories missing: {', '.join(missing) or 'none'}; "
                f"service area: {'none' if area is None else 'set'}): "
                "run `cityloop db migrate && cityloop db seed-demo`",
                2,
            )
        citizens: list[Citizen] = []
        async with conn.transaction():
            while len(citizens) < count:
                phone = f"+86139{secrets.randbelow(10**8):08d}"
                if await identity_store.get_user_by_phone(conn, phone) is not None:
                    continue  # an existing user's reports of today would count against the daily limit
                grants = [RoleGrant(role="citizen")]
                name = f"压测市民 {len(citizens) + 1}"
                await identity_service.create_user(conn, config, phone, grants, ctx, name)
                tokens = await identity_service.issue_tokens_for(conn, config, phone, ctx)
                citizens.append(Citizen(phone, tokens.access_token))
    finally:
        await conn.close()
    return City(area, citizens)


# --- where reports are made ------------------------------------------------------------------------------

Ring = list[tuple[float, float]]  # (lon, lat) vertices, GeoJSON order


def polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each as its rings (the outer one first)."""
    coordinates = geometry["coordinates"]
    shapes = [coordinates] if geometry["type"] == "Polygon" else coordinates
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in shape] for shape in shapes]


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def in_area(lon: float, lat: float, shapes: list[list[Ring]]) -> bool:
    return any(
        _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
        for rings in shapes
    )


def random_points(
    area: ServiceArea, spread: float | None, count: int, seed: int
) -> list[tuple[float, float]]:
    """`count` random (lat, lon) inside the service area: anywhere in it, or within +-spread degrees of
    the demo point."""
    rng = random.Random(seed)
    shapes = polygons(area.geometry)
    min_lon, min_lat, max_lon, max_lat = area.bbox
    if spread is not None:
        min_lon, max_lon = max(min_lon, INSIDE[1] - spread), min(max_lon, INSIDE[1] + spread)
        min_lat, max_lat = max(min_lat, INSIDE[0] - spread), min(max_lat, INSIDE[0] + spread)
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < count:
        tries += 1
        if tries > 100 * count + 10_000:
            raise BenchError("could not find points inside the service area: is --spread too small?", 2)
        lat, lon = round(rng.uniform(min_lat, max_lat), 7), round(rng.uniform(min_lon, max_lon), 7)
        if in_area(lon, lat, shapes):
            points.append((lat, lon))
    return points


def jpeg(seed: int) -> bytes:
    """A 640x480 JPEG of about 50 KB: smooth colour noise, a different picture (and hash) for every seed."""
    rng = random.Random(seed)
    width, height = PHOTO_SIZE
    small = (width // 16, height // 16)
    noise = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3))
    out = io.BytesIO()
    noise.resize(PHOTO_SIZE, Image.Resampling.BICUBIC).save(out, "JPEG", quality=85)
    return out.getvalue()


class ServerFailed(BenchError):
    """An upload step answered 5xx."""


async def _json(response: aiohttp.ClientResponse, expected: int, what: str) -> Any:
    body = await response.read()
    if response.status != expected:
        error = ServerFailed if response.status >= 500 else BenchError
        raise error(f"{what} answered {response.status}, not {expected}: {body[:300]!r}", 2)
    return json.loads(body)


async def upload_photo(session: aiohttp.ClientSession, base: str, token: str, data: bytes) -> str:
    """The phone's presigned flow: announce, PUT the bytes to the bucket, complete. Returns the photo id."""
    auth = {"Authorization": f"Bearer {token}"}
    announce = {"content_type": "image/jpeg", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    async with session.post(f"{base}/v1/uploads", json=announce, headers=auth) as r:
        ticket = await _json(r, 201, "POST /v1/uploads")
    async with session.put(ticket["put_url"], data=data, headers=ticket["headers"]) as r:
        if r.status != 200:
            error = ServerFailed if r.status >= 500 else BenchError
            raise error(f"PUT to the bucket answered {r.status}: {(await r.read())[:300]!r}", 2)
    async with session.post(f"{base}/v1/uploads/{ticket['upload_id']}/complete", headers=auth) as r:
        photo = await _json(r, 200, "POST /v1/uploads/{id}/complete")
    return str(photo["photo_id"])


async def upload_photos(base: str, owners: Sequence[Citizen], concurrency: int) -> tuple[list[str], int]:
    """One new photo per entry of `owners`, uploaded by that citizen; the photo ids in the same order, and
    how many uploads were made again after a 5xx or a dropped connection.

    s3rver, the dev S3 stand-in, removes a directory once a DELETE empties it. A citizen's staged uploads
    share one (uploads/<user id>/), so a citizen's photos go one after the other: a PUT racing that removal
    fails with ENOENT, which s3rver does not catch (it exits). Races left between DELETEs (an S3
    InternalError, so `complete` answers 500) are retried, up to UPLOAD_ATTEMPTS times per photo.
    """
    photo_ids: list[str] = [""] * len(owners)
    redone = 0
    first_seed = secrets.randbelow(2**40)  # new bytes every run, so no upload is deduplicated
    gate = asyncio.Semaphore(concurrency)
    by_citizen: dict[str, list[int]] = {}
    for index, owner in enumerate(owners):
        by_citizen.setdefault(owner.phone, []).append(index)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(index: int) -> None:
            nonlocal redone
            data = await asyncio.to_thread(jpeg, first_seed + index)
            for attempt in range(1, UPLOAD_ATTEMPTS + 1):
                try:
                    photo_ids[index] = await upload_photo(session, base, owners[index].token, data)
                    return
                except (ServerFailed, aiohttp.ClientError) as exc:
                    if attempt == UPLOAD_ATTEMPTS:
                        raise BenchError(f"uploading a photo failed {attempt} times; last: {exc}", 2) from exc
                    redone += 1

        async def citizen(indexes: list[int]) -> None:
            for index in indexes:
                async with gate:
                    await one(index)

        await asyncio.gather(*(citizen(indexes) for indexes in by_citizen.values()))
    return photo_ids, redone


def plan(
    owners: Sequence[Citizen], photo_ids: Sequence[str], points: Sequence[tuple[float, float]]
) -> list[Submission]:
    submissions = []
    for index, (owner, photo_id, (lat, lon)) in enumerate(zip(owners, photo_ids, points, strict=True)):
        body = {
            "category": CATEGORIES[index % len(CATEGORIES)],
            "description": f"压测上报 {index}：路边垃圾堆积",
            "location": {"lat": lat, "lon": lon, "crs": "wgs84"},
            "photo_ids": [photo_id],
        }
        submissions.append(Submission(owner.token, uuid.uuid4().hex, json.dumps(body).encode()))
    return submissions


# --- the open-loop load ----------------------------------------------------------------------------------


async def submit(session: aiohttp.ClientSession, url: str, sub: Submission, scheduled: float) -> Outcome:
    lag = time.perf_counter() - scheduled
    headers = {
        "Authorization": f"Bearer {sub.token}",
        "Idempotency-Key": sub.key,
        "Content-Type": "application/json",
    }
    try:
        async with session.post(url, data=sub.body, headers=headers) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        done = time.perf_counter()
        return Outcome(0, done - scheduled, lag, done, False, f"{type(exc).__name__}: {exc}")
    done = time.perf_counter()
    if status != 201:
        return Outcome(status, done - scheduled, lag, done, False, body[:300].decode(errors="replace"))
    return Outcome(status, done - scheduled, lag, done, json.loads(body).get("joined_existing") is True)


@contextlib.asynccontextmanager
async def _closing(conn: asyncpg.Connection | None) -> AsyncIterator[None]:
    try:
        yield
    finally:
        if conn is not None:
            await conn.close()


@dataclass(frozen=True)
class DbWaits:
    samples: int
    seen: Counter[tuple[str, str]]  # (what the backend was doing, the statement) -> times seen


_ACTIVITY = """
    SELECT state, wait_event_type AS wait_type, wait_event AS wait,
           left(regexp_replace(query, '\\s+', ' ', 'g'), 72) AS query
    FROM pg_stat_activity
    WHERE application_name = 'cityloop' AND datname = current_database() AND backend_type = 'client backend'
      AND state <> 'idle'
"""


async def sample_db_waits(settings: Settings, stop: asyncio.Event) -> DbWaits:
    """What the API's database connections are doing, from pg_stat_activity every DB_WAITS_INTERVAL."""
    conn = await watcher(settings)
    samples, seen = 0, Counter[tuple[str, str]]()
    try:
        while not stop.is_set():
            for row in await conn.fetch(_ACTIVITY):
                if row["state"] == "active":
                    doing = (
                        f"running, {row['wait_type']}/{row['wait']}" if row["wait_type"] else "running on CPU"
                    )
                    seen[(doing, row["query"])] += 1
                else:
                    seen[(f"{row['state']} (waiting for the API's next statement)", "")] += 1
            samples += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), DB_WAITS_INTERVAL)
    finally:
        await conn.close()
    return DbWaits(samples, seen)


@dataclass(frozen=True)
class Measured:
    outcomes: list[Outcome]  # of the submissions after the warm-up
    first_send: float  # the scheduled time of the first of them
    before: Cpu  # at that time
    after: Cpu  # after the last answer
    waits: DbWaits | None


async def open_loop(
    base: str,
    submissions: Sequence[Submission],
    args: argparse.Namespace,
    server_pid: int,
    settings: Settings,
) -> Measured:
    """Send submission i at start + i / rate, whatever became of the earlier ones."""
    local = urlsplit(settings.database_url).hostname in LOCAL_HOSTS
    monitor = await watcher(settings) if local else None
    url = f"{base}/v1/reports"
    warmup = round(args.rate * args.warmup)
    connector = aiohttp.TCPConnector(limit=0)  # open loop: never queue behind a busy connection
    client_timeout = aiohttp.ClientTimeout(total=args.timeout)
    tasks: list[asyncio.Task[Outcome]] = []
    stop = asyncio.Event()
    sampler: asyncio.Task[DbWaits] | None = None
    async with (
        aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session,
        _closing(monitor),
    ):
        start = time.perf_counter() + 0.1
        before: Cpu | None = None
        for index, sub in enumerate(submissions):
            scheduled = start + index / args.rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if index == warmup:
                before = read_cpu(server_pid, await api_backends(monitor))
                if args.db_waits:
                    sampler = asyncio.create_task(sample_db_waits(settings, stop))
            tasks.append(asyncio.create_task(submit(session, url, sub, scheduled)))
        outcomes = await asyncio.gather(*tasks)
        assert before is not None
        after = read_cpu(server_pid, {*before.backends, *await api_backends(monitor)})
        stop.set()
        waits = await sampler if sampler is not None else None
    return Measured(list(outcomes[warmup:]), start + warmup / args.rate, before, after, waits)


# --- report ----------------------------------------------------------------------------------------------


def report(measured: Measured, rate: float, duration: float) -> list[str]:
    outcomes, first_send = measured.outcomes, measured.first_send
    before, after = measured.before, measured.after
    latencies = sorted(o.latency * 1e3 for o in outcomes)
    p50, p95, p99 = (percentile(latencies, q) for q in (0.50, 0.95, 0.99))
    top = latencies[-1] if latencies else 0.0
    window = max((o.done for o in outcomes), default=first_send) - first_send
    statuses = Counter(o.status for o in outcomes)
    created = statuses[201]
    joined = sum(o.joined for o in outcomes)
    cpu_s = after.at - before.at
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def share(seconds: float) -> str:
        return f"{seconds / cpu_s * 100:.0f} %" if cpu_s else "-"

    def per_request(seconds: float) -> str:
        return f"{seconds / len(outcomes) * 1e3:.1f} ms" if outcomes else "-"

    server = after.server - before.server
    postgres = sum(seconds - before.backends.get(pid, 0.0) for pid, seconds in after.backends.items())
    bench, busy = after.bench - before.bench, after.busy - before.busy
    others = max(0.0, busy - server - postgres - bench)
    pg_share = share(postgres) if after.backends else "(not measured: the database is not on this machine)"
    lines = [
        f"  {'offered':<11} {rate:g} submissions/s for {duration:g} s ({len(outcomes):,} measured)",
        f"  {'achieved':<11} {len(outcomes) / window:.1f} answers/s ({len(outcomes):,} in {window:.2f} s), "
        f"{created / window:.1f} created/s",
        f"  {'latency':<11} p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   max {top:.1f} ms"
        "   (from the scheduled send)",
        f"  {'statuses':<11} "
        + ", ".join(f"{s or 'no answer'} x {n:,}" for s, n in sorted(statuses.items())),
        f"  {'cases':<11} {created - joined:,} new, {joined:,} joined an open case",
        f"  {'send lag':<11} max {max((o.lag for o in outcomes), default=0) * 1e3:.1f} ms "
        "(how late the generator started a send)",
        f"  {'cpu':<11} API process {share(server)} of a core, its PostgreSQL connections {pg_share}, "
        f"this load generator {share(bench)}, everything else {share(others)} "
        f"(the machine: {busy / cpu_s / cores * 100 if cpu_s else 0:.0f} % of {cores} cores busy)",
        f"  {'cpu/request':<11} API {per_request(server)}, PostgreSQL {per_request(postgres)}",
    ]
    if cpu_s and others / cpu_s > OTHERS_NOTICEABLE:
        lines.append(
            f"  {'NOTE':<11} other processes used {share(others)} of a core during the measurement: "
            "these figures are disturbed; run again on a quiet machine"
        )
    lines.append(f"  {'by second':<11} " + slow_seconds(outcomes, first_send))
    errors = Counter(f"{o.status or 'no answer'}: {o.error}" for o in outcomes if o.status != 201)
    for error, n in errors.most_common(5):
        lines.append(f"  {'error':<11} {n:,} x {error}")
    if measured.waits is not None and measured.waits.samples:
        waits = measured.waits
        busy_backends = sum(waits.seen.values()) / waits.samples
        lines.append(
            f"  {'db waits':<11} {busy_backends:.2f} of the API's connections in a transaction or statement "
            f"on average ({waits.samples:,} looks at pg_stat_activity); the largest shares:"
        )
        for (doing, query), n in waits.seen.most_common(DB_WAITS_SHOWN):
            lines.append(f"  {'':<11} {n / waits.samples:5.2f}  {doing}" + (f": {query}" if query else ""))
    return lines


def slow_seconds(outcomes: Sequence[Outcome], first_send: float) -> str:
    """Which seconds of the load (by scheduled send time) had a p99 over the target: steady or in bursts."""
    by_second: dict[int, list[float]] = {}
    for o in outcomes:
        second = int(o.done - o.latency - first_send)
        by_second.setdefault(second, []).append(o.latency * 1e3)
    p99s = {second: percentile(values, 0.99) for second, values in sorted(by_second.items())}
    slow = [(second, p99) for second, p99 in p99s.items() if p99 >= TARGET_P99_MS]
    if not slow:
        return f"p99 under {TARGET_P99_MS:g} ms in every one of the {len(p99s)} seconds"
    slowest = sorted(slow, key=lambda item: -item[1])[:4]
    worst = ", ".join(f"{p99:,.0f} ms in second {second}" for second, p99 in slowest)
    return f"p99 {TARGET_P99_MS:g} ms or more in {len(slow)} of {len(p99s)} seconds; worst {worst}"


def verdict(outcomes: Sequence[Outcome], rate: float) -> str:
    p99 = percentile((o.latency * 1e3 for o in outcomes), 0.99)
    met = p99 < TARGET_P99_MS and all(o.status == 201 for o in outcomes)
    where = "" if rate == TARGET_RATE else f" (this run offered {rate:g}/s: the target is not tested)"
    return (
        f"target: p99 under {TARGET_P99_MS:g} ms at {TARGET_RATE:g} submissions/s, all answered 201: "
        f"{'met' if met else 'NOT met'} (p99 {p99:.1f} ms){where}"
    )


# --- main ------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.submit_report",
        description="latency of POST /v1/reports with a photo under an open-loop load, over loopback",
    )
    p.add_argument("--rate", type=float, default=100.0, help="submissions per second (100)")
    p.add_argument("--duration", type=float, default=20.0, help="seconds measured (20)")
    p.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of load at the rate first, discarded (2)"
    )
    p.add_argument(
        "--spread", type=float, help="only within +-SPREAD degrees of the demo point (the whole service area)"
    )
    p.add_argument("--reports-per-citizen", type=int, default=10, help="at most REPORTS_PER_DAY (10)")
    p.add_argument("--upload-concurrency", type=int, default=8, help="photo uploads at once in the setup")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds before a submission counts as lost")
    p.add_argument("--seed", type=int, help="seed of the report locations (a new one each run, printed)")
    p.add_argument(
        "--db-waits",
        action="store_true",
        help="sample pg_stat_activity every 20 ms while measuring: what the API's connections wait for "
        "(adds a little load, counted as everything else)",
    )
    p.add_argument(
        "--dev-db",
        action="store_true",
        help="use the dev database as it is (migrated and seeded; open cases of earlier runs stay joinable) "
        "instead of a new one",
    )
    p.add_argument("--keep-db", action="store_true", help="keep the new database (its name is printed)")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE, help="shell exports for CityLoop")
    p.add_argument("--db-pool-max", type=int, help="DB_POOL_MAX for the CityLoop server (app default)")
    p.add_argument("--startup-timeout", type=float, default=30.0)
    args = p.parse_args(argv)
    if args.rate <= 0 or args.duration < 1 or args.warmup < 0 or args.timeout <= 0:
        p.error("--rate > 0, --duration >= 1, --warmup >= 0 and --timeout > 0")
    if round(args.rate * args.duration) < 1:
        p.error("--rate x --duration must make at least one submission")
    if args.spread is not None and args.spread <= 0:
        p.error("--spread > 0")
    if args.reports_per_citizen < 1 or args.upload_concurrency < 1:
        p.error("--reports-per-citizen and --upload-concurrency are at least 1")
    return args


async def setup(
    settings: Settings, base: str, total: int, per_citizen: int, args: argparse.Namespace
) -> list[Submission]:
    started = time.perf_counter()
    city = await prepare_city(settings, math.ceil(total / per_citizen))
    took = time.perf_counter() - started
    print(f"  {len(city.citizens):,} new citizens with tokens in {took:.1f} s (in this process)", flush=True)
    points = random_points(city.area, args.spread, total, args.seed)
    citizens = city.citizens
    owners = [citizens[i % len(citizens)] for i in range(total)]  # round robin: no citizen sends in a burst
    started = time.perf_counter()
    photo_ids, redone = await upload_photos(base, owners, args.upload_concurrency)
    took = time.perf_counter() - started
    print(
        f"  {total:,} photos uploaded (POST /v1/uploads, PUT, complete; {args.upload_concurrency} at once) "
        f"in {took:.1f} s" + (f"; {redone} made again (see upload_photos)" if redone else ""),
        flush=True,
    )
    return plan(owners, photo_ids, points)


# --- the database ----------------------------------------------------------------------------------------


async def _migrate_and_seed(settings: Settings) -> None:
    conn = await connect(settings)
    try:
        await migrate(conn)
        async with conn.transaction():
            await seed_demo(conn, auth_config(settings))
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def city_database(env: dict[str, str], keep: bool) -> AsyncIterator[str]:
    """A new database beside the dev one, migrated and given the demo city; dropped at the end unless `keep`.

    Every run starts from the same city (no open cases of earlier runs for reports to join) and leaves no
    rows behind. The photos' objects stay in the bucket: s3rver scans the directory on every DELETE, which
    takes a second or more each once the dev bucket holds a few thousand photos. Its URL is yielded."""
    admin_url = env.get("DATABASE_ADMIN_URL") or with_database(env["DATABASE_URL"], "postgres")
    name = scratch_name("submit")
    async with (
        admin_connection(admin_url) as admin,
        scratch_database(admin, env["DATABASE_URL"], name, keep=keep) as url,
    ):
        await _migrate_and_seed(load_settings({**env, "DATABASE_URL": url}))
        yield url


# --- main ------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    env = cityloop_env(args)
    try:
        settings = load_settings(env)
    except SettingsError as exc:
        raise BenchError(f"the CityLoop environment is not usable: {exc}", 2) from exc
    warmup = round(args.rate * args.warmup)
    total = warmup + round(args.rate * args.duration)
    per_citizen = min(args.reports_per_citizen, settings.reports_per_day)
    if args.seed is None:
        args.seed = secrets.randbelow(10**6)
    where = (
        f"within +-{args.spread:g} deg of {INSIDE[0]}, {INSIDE[1]}"
        if args.spread
        else "the whole service area"
    )

    print_machine(
        "Submitting reports: open-loop POST /v1/reports with one photo each, loopback, one uvicorn worker",
        [
            ("loadgen", "aiohttp + uvloop in this process (the server is another), open loop"),
            (
                "load",
                f"{args.warmup:g} s warm-up (discarded) + {args.duration:g} s at {args.rate:g}/s; "
                f"{' / '.join(CATEGORIES)} alternately",
            ),
            ("points", f"random in {where} (--seed {args.seed})"),
        ],
    )
    host = settings.database_url.rsplit("@", 1)[-1].split("/", 1)[0]
    print(
        f"  {'cityloop':<9} DB_POOL_MAX={settings.db_pool_max}, LOG_LEVEL=WARNING, "
        f"REPORTS_PER_DAY={settings.reports_per_day} (not raised: {per_citizen} reports per citizen)",
        flush=True,
    )

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner, contextlib.ExitStack() as stack:
        started = time.perf_counter()
        if args.dev_db:
            what = f"{urlsplit(settings.database_url).path.lstrip('/')} as it is (--dev-db)"
        else:
            env["DATABASE_URL"] = stack.enter_context(entered(runner, city_database(env, args.keep_db)))
            settings = load_settings(env)
            name = urlsplit(settings.database_url).path.lstrip("/")
            what = (
                f"{name}, new: migrated and given the demo city in {time.perf_counter() - started:.1f} s, "
                f"{'kept' if args.keep_db else 'dropped at the end'}"
            )
        same_host = " (same host)" if urlsplit(settings.database_url).hostname in LOCAL_HOSTS else ""
        print_line("database", f"{what}, on {host}{same_host}")

        logdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="cityloop-bench-"))
        city = stack.enter_context(
            running(Server("cityloop", "api.asgi:app", env, Path(logdir), factory=True), args.startup_timeout)
        )
        assert city.proc is not None
        base = f"http://{HOST}:{city.port}"
        print("\nsetup (not timed)", flush=True)
        try:
            submissions = runner.run(setup(settings, base, total, per_citizen, args))
        except BenchError as exc:
            raise BenchError(f"{exc}\n  server log tail:\n{city.log_tail()}", exc.status) from exc
        print(f"\nload: {total:,} submissions, {args.warmup:g} s + {args.duration:g} s", flush=True)
        measured = runner.run(open_loop(base, submissions, args, city.proc.pid, settings))
        outcomes = measured.outcomes

        print()
        for line in report(measured, args.rate, args.duration):
            print(line)
        print()
        print(verdict(outcomes, args.rate), flush=True)
        if any(o.status >= 500 for o in outcomes):
            print(f"\nserver log tail:\n{city.log_tail()}", file=sys.stderr)
        failed = sum(o.status != 201 for o in outcomes)
        if failed:
            print(f"\n{failed:,} submissions were not answered 201", file=sys.stderr)
    return 3 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return main_of("submit_report", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
