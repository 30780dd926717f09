"""Push fan-out: 10,000 phones against a fake FCM, through the real worker and firebase-admin.

    python -m bench.fanout [--devices 10000] [--idle 100] [--env-file var/dev/env]

Setup. A scratch database (cityloop_bench_fanout_<random>) is created on the server of DATABASE_ADMIN_URL
(var/dev/env; the current environment takes precedence), migrated, given the demo category catalogue, --devices
citizens with one phone each (alternately zh-CN and en), and dropped at the end whatever happens. The fake FCM
(tests/notifications/fake_fcm.py: the FCM HTTP v1 send and the OAuth token endpoint, answering success) runs
as a process of its own with a service account made for it; `cityloop worker` runs as another, pointed at both
(FCM_URL, FCM_CREDENTIALS_FILE), with the production defaults otherwise. Nothing leaves the machine.

Burst. Every citizen follows one case; a shift lead registers it (cases.workflow.engine.apply, committed): one outbox
row that the worker fans out into --devices inbox messages and push deliveries, sent with send_each in calls of
500. Reported: deliveries per second (from the commit to the last push received by the fake) and the latency
from commit to each push's arrival, p50 and p99. Target: 10,000 pushes in under 60 s.

Idle. Then --idle cases, one at a time, each followed by one citizen: commit a registration, wait until its
push arrives, pause 200 ms. The latency from commit to arrival, p50 and p99, is what a citizen waits when the
system is quiet (the worker wakes on the outbox's NOTIFY). Target: p99 under 2 s.

Times are wall clock (time.time()) of this host: the commit is stamped here right after COMMIT returns, the
arrival by the fake when the request reaches it.

Exit status: 0 when the figures were taken, 2 when the setup is missing (no DATABASE_ADMIN_URL, server down),
3 when pushes were lost or the worker failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench._harness import (
    DEFAULT_ENV_FILE,
    ROOT,
    BenchError,
    SetupError,
    admin_connection,
    admin_url,
    environment,
    main_of,
    percentile,
    print_machine,
    print_server,
    scratch_database,
    scratch_name,
    start_process,
    stop_process,
    tail,
)

TARGET_BURST_S = 60.0
TARGET_IDLE_P99_S = 2.0
DISTRICT = "110101"
DEPARTMENT = "sanitation"


class Lost(BenchError):
    """Pushes were lost or the worker failed: exit status 3."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 3)


# the world -----------------------------------------------------------------------------------------------------


async def _setup(conn: asyncpg.Connection, devices: int, idle: int) -> tuple[uuid.UUID, list[uuid.UUID], Any]:
    """Citizens with one phone each, a case they all follow, and `idle` cases followed by one citizen each."""
    from api.db import migrate
    from cases.catalogue.service import DEMO_CATALOGUE, load_catalogue, parse_catalogue
    from identity import store as identity_store
    from identity.models import RoleGrant

    await migrate(conn)
    async with conn.transaction():
        await load_catalogue(conn, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        lead = await identity_store.insert_user(conn, "+8613800000088", "bench shift lead")
        await identity_store.add_role(conn, lead, RoleGrant(role="shift_lead"))
        await conn.execute(
            """INSERT INTO users (phone, display_name, locale)
               SELECT '+86150' || lpad(i::text, 8, '0'), 'citizen ' || i, CASE WHEN i % 2 = 0 THEN 'zh-CN' ELSE 'en' END
               FROM generate_series(1, $1) AS i""",
            devices,
        )
        await conn.execute(
            """INSERT INTO devices (token, user_id, platform, app_version, locale)
               SELECT 'bench-' || u.phone, u.id, CASE WHEN u.locale = 'en' THEN 'ios' ELSE 'android' END, '3.0.0',
                      u.locale
               FROM users u WHERE u.phone LIKE '+86150%'"""
        )
        cases = [await _case(conn) for _ in range(idle + 2)]
        burst, warmup, quiet = cases[0], cases[1], cases[2:]
        await conn.execute(
            "INSERT INTO case_followers (case_id, user_id) SELECT $1, id FROM users WHERE phone LIKE '+86150%'",
            burst,
        )
        await conn.execute(
            """INSERT INTO case_followers (case_id, user_id)
               SELECT c.case_id, u.id
               FROM unnest($1::uuid[]) WITH ORDINALITY AS c(case_id, n)
               JOIN users u ON u.phone = '+86150' || lpad(c.n::text, 8, '0')""",
            [warmup, *quiet],
        )
    await conn.execute("VACUUM ANALYZE")
    return burst, [warmup, *quiet], lead


async def _case(conn: asyncpg.Connection) -> uuid.UUID:
    """A verified case waiting for registration, with its open step, as the workflow leaves it."""
    case_id: uuid.UUID = await conn.fetchval(
        """INSERT INTO cases (category_code, source, location, description, state, district_code, department_code,
                              needs_verification)
           VALUES ('E0102', 'citizen', ST_SetSRID(ST_MakePoint(116.3975, 39.9087), 4326), 'bench', 'verified', $1,
                   $2, true)
           RETURNING id""",
        DISTRICT,
        DEPARTMENT,
    )
    await conn.execute(
        """INSERT INTO case_deadlines (case_id, round, step, due_soon_at, due_at)
           VALUES ($1, 1, 'register', now() + interval '1 hour', now() + interval '2 hours')""",
        case_id,
    )
    return case_id


async def _register(conn: asyncpg.Connection, calendar: Any, lead: uuid.UUID, case_id: uuid.UUID) -> float:
    """The shift lead registers the case; returns the wall-clock time right after COMMIT."""
    from cases.workflow import engine
    from cases.workflow.engine import TransitionRequest
    from identity.models import Principal, RoleGrant

    actor = Principal(
        user_id=lead, session_id=uuid.uuid4(), roles=(RoleGrant(role="shift_lead"),), locale="zh-CN"
    )
    async with conn.transaction():
        await engine.apply(conn, calendar, actor, case_id, None, TransitionRequest(action="register"))
    return time.time()


# the fake FCM and the worker -----------------------------------------------------------------------------------


class Fake:
    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.credentials = workdir / "service-account.json"
        self.log = workdir / "fake_fcm.log"
        fake = [sys.executable, "-m", "tests.notifications.fake_fcm", "--credentials", str(self.credentials)]
        self.proc = start_process(fake, env, self.log, pipe_stdout=True)
        assert self.proc.stdout is not None
        self.origin = self.proc.stdout.readline().decode().strip()
        if not self.origin.startswith("http://"):
            raise SetupError(f"the fake FCM did not start: {tail(self.log)}")
        self.seen = 0

    async def arrivals(self, http: aiohttp.ClientSession) -> list[dict[str, Any]]:
        """What reached the fake since the last call: [{at, token, answer, data}]."""
        async with http.get(f"{self.origin}/_received", params={"since": str(self.seen)}) as r:
            body = await r.json()
        self.seen += len(body["items"])
        items: list[dict[str, Any]] = body["items"]
        return items

    def stop(self) -> None:
        stop_process(self.proc, timeout=10)


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return start_process([sys.executable, "-m", "api.cli", "worker"], env, log)


async def _wait_arrivals(
    fake: Fake, http: aiohttp.ClientSession, want: int, within: float, worker: subprocess.Popen[bytes]
) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + within
    while len(got) < want:
        if time.monotonic() > deadline:
            raise Lost(f"{len(got):,} of {want:,} pushes arrived within {within:.0f} s")
        if worker.poll() is not None:
            raise Lost(f"the worker exited with status {worker.returncode}")
        got += [a for a in await fake.arrivals(http) if a["answer"] == "ok"]
        await asyncio.sleep(0.005 if want == 1 else 0.05)
    return got


# the run -------------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    import firebase_admin

    env = environment(args.env_file)
    url = admin_url(env, args.env_file)
    print_machine(
        f"Push fan-out: {args.devices:,} phones, then {args.idle} transitions one at a time",
        [("push", f"firebase-admin {firebase_admin.__version__} (send_each, <= 500 per call) -> fake FCM")],
    )
    async with admin_connection(url) as admin:
        await print_server(admin, url)
        async with scratch_database(admin, url, scratch_name("fanout")) as scratch:
            return await _measure(args, env, scratch)


async def _measure(args: argparse.Namespace, env: dict[str, str], url: str) -> int:
    from api.db import _init_connection
    from cases.workflow.deadlines import CalendarConfig, load_calendar

    conn = await asyncpg.connect(url, server_settings={"timezone": "UTC"})
    await _init_connection(conn)
    workdir = Path(tempfile.mkdtemp(prefix="cityloop-bench-fanout-"))
    started = time.perf_counter()
    burst, quiet, lead = await _setup(conn, args.devices, args.idle)
    calendar = await load_calendar(conn, CalendarConfig(timezone=env.get("CITY_TIMEZONE", "Asia/Shanghai")))
    print(f"setup: {args.devices:,} citizens and phones in {time.perf_counter() - started:.1f} s", flush=True)

    child_env = {
        **env,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
    }
    fake = Fake(workdir, child_env)
    worker = None
    try:
        child_env.update(
            FCM_CREDENTIALS_FILE=str(fake.credentials), FCM_URL=fake.origin, FCM_PROJECT_ID="demo-cityloop"
        )
        worker = _worker(child_env, workdir / "worker.log")
        async with aiohttp.ClientSession() as http:
            # warm-up: the worker connects, LISTENs, and firebase-admin fetches its OAuth token
            await _register(conn, calendar, lead, quiet[0])
            await _wait_arrivals(fake, http, 1, 60, worker)

            committed = await _register(conn, calendar, lead, burst)
            arrivals = await _wait_arrivals(fake, http, args.devices, 600, worker)
            latencies = [a["at"] - committed for a in arrivals]
            took = max(a["at"] for a in arrivals) - committed
            tokens = {a["token"] for a in arrivals}
            undone = await conn.fetchval("SELECT count(*) FROM deliveries WHERE status <> 'done'")
            if len(tokens) != args.devices or undone:
                raise Lost(f"{len(tokens):,} distinct phones reached, {undone} deliveries not done")
            print(
                f"\nburst: one registration, {args.devices:,} followers with one phone each\n"
                f"  {args.devices:,} pushes in {took:.2f} s from commit to the last arrival: "
                f"{args.devices / took:,.0f} deliveries/s\n"
                f"  commit -> send  p50 {percentile(latencies, 0.50):.2f} s   p99 {percentile(latencies, 0.99):.2f} s"
                f"   first {min(latencies):.3f} s",
                flush=True,
            )

            idle: list[float] = []
            for case_id in quiet[1:]:
                await asyncio.sleep(0.2)
                committed = await _register(conn, calendar, lead, case_id)
                [arrival] = await _wait_arrivals(fake, http, 1, 30, worker)
                idle.append(arrival["at"] - committed)
            p50, p99 = percentile(idle, 0.50), percentile(idle, 0.99)
            print(
                f"\nidle: {len(idle)} registrations one at a time, one phone each\n"
                f"  commit -> send  p50 {p50 * 1e3:.0f} ms   p99 {p99 * 1e3:.0f} ms   max {max(idle) * 1e3:.0f} ms"
            )
    finally:
        stop_process(worker, timeout=20)
        fake.stop()
        await conn.close()
    print(
        f"\ntargets: {args.devices:,} pushes in under {TARGET_BURST_S:g} s: "
        f"{'met' if took < TARGET_BURST_S else 'NOT met'} ({took:.1f} s); idle p99 under {TARGET_IDLE_P99_S:g} s: "
        f"{'met' if p99 < TARGET_IDLE_P99_S else 'NOT met'} ({p99 * 1e3:.0f} ms)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=10_000, help="phones in the burst (10,000)")
    p.add_argument("--idle", type=int, default=100, help="transitions timed one at a time (100)")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    args = p.parse_args(argv)
    if not (1 <= args.devices <= 100_000 and 1 <= args.idle <= 10_000):
        p.error("--devices in [1, 100000], --idle in [1, 10000]")
    return main_of("bench.fanout", lambda: asyncio.run(run(args)))


if __name__ == "__main__":
    sys.exit(main())
