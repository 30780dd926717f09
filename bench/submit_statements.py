"""What one report submission costs PostgreSQL, statement by statement: the use case alone, no HTTP.

    python -m bench.submit_statements [--n 300] [--custom-plans] [--env-file var/dev/env]

`cases.reports.service.submit_report` runs N times on one connection to the dev database (migrated, with the demo
city: `make services && cityloop db migrate && cityloop db seed-demo`), as the demo citizen, each in a transaction
that is rolled back, at a random point near the demo district's centre, in a category that needs no photo. It prints the
statements per submission, the backend's CPU per submission (user + system of its process, from /proc: the
database must be on this machine) and this process's, and each statement's wall time per submission, dearest
first. --custom-plans leaves out the use case's `SET LOCAL plan_cache_mode = force_generic_plan` (as before issue 13's
change).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import resource
import time
import uuid
from pathlib import Path

from bench._harness import DEFAULT_ENV_FILE, SetupError, environment, main_of, print_line, print_machine

CATEGORY = "E0102"  # needs no photo
CENTRE = (39.9087, 116.3975)  # lat, lon of the demo district's centre


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(n: int, custom_plans: bool) -> None:
    from api.config import cases_config
    from api.db import connect
    from api.settings import load_settings
    from cases.common import Location
    from cases.reports import service
    from cases.reports.models import ReportCreate
    from cases.workflow import store as workflow_store
    from cases.workflow.deadlines import load_calendar
    from identity.models import Principal, RoleGrant

    settings = load_settings()
    conn = await connect(settings)
    try:
        reporter = await conn.fetchval("SELECT id FROM users WHERE phone = '+8613800138001'")
        if reporter is None:
            raise SetupError("no demo citizen: run `cityloop db seed-demo` on this database")
        calendar = await load_calendar(conn)
        config = cases_config(settings)
        citizen = Principal(
            user_id=reporter, session_id=uuid.uuid4(), roles=(RoleGrant(role="citizen"),), locale="zh-CN"
        )
        backend = await conn.fetchval("SELECT pg_backend_pid()")
        try:
            _cpu_s(backend)
        except FileNotFoundError:
            raise SetupError("the database is not on this machine: its CPU cannot be read") from None
        if custom_plans:
            workflow_store.reuse_plans = _leave_plans  # both SET LOCALs (engine.reuse_plans, engine.apply)
        stats: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])

        def log(record: object) -> None:
            query = " ".join(record.query.split())[:100]  # type: ignore[attr-defined]
            stats[query][0] += 1
            stats[query][1] += record.elapsed  # type: ignore[attr-defined]

        async def one(i: int) -> None:
            lat, lon = CENTRE[0] + random.uniform(-0.01, 0.01), CENTRE[1] + random.uniform(-0.01, 0.01)
            data = ReportCreate(
                category=CATEGORY, location=Location(lat=lat, lon=lon, crs="wgs84"), description="bench"
            )
            tx = conn.transaction()
            await tx.start()
            try:
                await service.submit_report(conn, config, calendar, citizen, data)
            finally:
                await tx.rollback()

        for i in range(10):  # warm-up: connection caches, the first five custom plans
            await one(i)
        conn.add_query_logger(log)
        backend_before, own_before = _cpu_s(backend), _own_cpu_s()
        started = time.perf_counter()
        for i in range(n):
            await one(i)
        wall = time.perf_counter() - started
        backend_cpu, own_cpu = _cpu_s(backend) - backend_before, _own_cpu_s() - own_before
        conn.remove_query_logger(log)
    finally:
        await conn.close()

    transaction = {"BEGIN;", "ROLLBACK;"}
    statements = sum(count for query, (count, _) in stats.items() if query not in transaction) / n
    print_line("statements", f"{statements:.1f} per submission (BEGIN and ROLLBACK not counted)")
    print_line("PostgreSQL", f"{backend_cpu / n * 1000:.2f} ms CPU per submission (its backend, from /proc)")
    print_line("client", f"{own_cpu / n * 1000:.2f} ms CPU per submission (this process)")
    print_line("wall", f"{wall / n * 1000:.2f} ms per submission")
    print("\n  wall ms per submission, statement (first 100 characters), times per submission")
    for query, (count, elapsed) in sorted(stats.items(), key=lambda item: -item[1][1]):
        print(f"  {elapsed / n * 1000:7.3f}  x{count / n:4.1f}  {query}")


async def _leave_plans(conn: object) -> None:
    """--custom-plans: the connections' own setting (force_custom_plan) for every statement."""


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=300, help="measured submissions (300)")
    parser.add_argument("--custom-plans", action="store_true", help="plan every statement afresh, as before")
    parser.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    args = parser.parse_args(argv)

    def run() -> int:
        os.environ.update(environment(args.env_file))
        print_machine(
            "Report submission, statement by statement (the use case, one connection, rolled back)",
            [
                (
                    "plans",
                    "custom for every statement" if args.custom_plans else "reused (SET LOCAL, as the app)",
                )
            ],
        )
        asyncio.run(measure(args.n, args.custom_plans))
        return 0

    return main_of("submit_statements", run)


if __name__ == "__main__":
    raise SystemExit(main())
