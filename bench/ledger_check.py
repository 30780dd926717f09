"""`cityloop ledger check` over 10 million entry lines (target < 60 s).

    python -m bench.ledger_check [--lines 10000000] [--homes 100000] [--keep | --reuse NAME] [--env-file var/dev/env]

Setup. A scratch database (cityloop_bench_ledger_<random>) is created on the server of DATABASE_ADMIN_URL
(var/dev/env; the current environment takes precedence) and migrated with api.db.migrate. The ledger is
generated set-based (INSERT ... SELECT generate_series, in chunks of a million entries), not row by row:

- one estate, --homes homes (100 buildings), each with its receivable account; four fee items with their revenue
  accounts; one provider's clearing account;
- --lines / 2 entries of two lines each: alternately a bill (the home's receivable debited, an item's revenue
  credited) and its payment (the clearing account debited, the receivable credited), amounts from 100.00 to
  599.99 yuan, so that every home's receivable ends at zero, as its (absent) open bills say.

The rows are loaded with `session_replication_role = replica`, PostgreSQL's bulk-load switch that skips triggers
(the ledger's per-statement checks and balance upkeep, and foreign keys): the data is consistent by
construction, the stored balances are then set by one UPDATE from the lines, and VACUUM ANALYZE runs, as
autovacuum would have on a ledger this old. The check itself then proves the data, as in production.

Measured: the command line itself, `cityloop ledger check` in a child process (DATABASE_URL of the scratch
database; its progress lines on stderr): wall time, exit status, the report's counts, and the child's peak RSS.
Then one entry is made off by 1 fen and one stored balance off by 10 fen (again behind the triggers' back), and
the check runs again: it must exit 1 and name both.

Exit status: 0 when the figures were taken (whether or not the target was met), 2 when the setup is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench._harness import (
    DEFAULT_ENV_FILE,
    ROOT,
    admin_connection,
    admin_url,
    environment,
    main_of,
    print_machine,
    print_server,
    scratch_database,
    scratch_name,
)

TARGET_S = 60.0
ESTATE = "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01"
CHUNK_ENTRIES = 1_000_000
#: account ids: revenue 1..4, clearing 10, a home's receivable 1000 + its index
RECEIVABLE_BASE = 1000


SETUP = [
    f"""INSERT INTO estates (id, name, address, district_code, location, location_original, property_company,
                            service_grade)
        VALUES ('{ESTATE}', '基准小区', '东城区基准路 1 号', '110101', ST_SetSRID(ST_MakePoint(116.41, 39.91), 4326),
                '{{"lat": 39.91, "lon": 116.41, "crs": "wgs84"}}', '基准物业', 1)""",
    f"""INSERT INTO buildings (estate_id, name) SELECT '{ESTATE}', b || '号楼' FROM generate_series(1, 100) b""",
    f"""INSERT INTO homes (estate_id, building_id, entrance, floor, room, register_area)
        SELECT '{ESTATE}', g.id, (k / 250 + 1)::text, (k % 250) / 10 + 1, (((k % 250) / 10 + 1) * 100 + k % 10 + 1)::text,
               5000 + (n * 7919) % 13000
        FROM generate_series(0, $1 - 1) n
        JOIN LATERAL (SELECT n / (($1 + 99) / 100) AS b, n % (($1 + 99) / 100) AS k) x ON true
        JOIN buildings g ON g.name = (x.b + 1) || '号楼'""",
    f"""INSERT INTO fee_items (id, estate_id, kind, name, price_fen)
        SELECT ('01937b40-0000-7000-8000-00000000000' || i)::uuid, '{ESTATE}', 'flat', '收费项目' || i, 1000
        FROM generate_series(1, 4) i""",
    f"""INSERT INTO ledger_accounts (id, kind, estate_id, fee_item_id) OVERRIDING SYSTEM VALUE
        SELECT i, 'revenue', '{ESTATE}', ('01937b40-0000-7000-8000-00000000000' || i)::uuid FROM generate_series(1, 4) i""",
    f"""INSERT INTO ledger_accounts (id, kind, estate_id, provider) OVERRIDING SYSTEM VALUE
        VALUES (10, 'clearing', '{ESTATE}', 'wechat')""",
    f"""INSERT INTO ledger_accounts (id, kind, estate_id, home_id) OVERRIDING SYSTEM VALUE
        SELECT {RECEIVABLE_BASE} + row_number() OVER (ORDER BY id) - 1, 'receivable', '{ESTATE}', id FROM homes""",
]

ENTRIES = f"""INSERT INTO ledger_entries (id, estate_id, kind, memo) OVERRIDING SYSTEM VALUE
    SELECT e, '{ESTATE}', CASE WHEN e % 2 = 1 THEN 'bill' ELSE 'payment' END, 'bench'
    FROM generate_series($1::bigint, $2::bigint) e"""

# entry e belongs to pair p = (e + 1) / 2, of home p % homes and item p % 4; its first line is the debit
LINES = f"""INSERT INTO ledger_lines (id, entry_id, account_id, amount) OVERRIDING SYSTEM VALUE
    SELECT 2 * e - 1 + s, e,
           CASE WHEN e % 2 = 1 THEN CASE WHEN s = 0 THEN {RECEIVABLE_BASE} + ((e + 1) / 2) % $3 ELSE 1 + ((e + 1) / 2) % 4 END
                ELSE CASE WHEN s = 0 THEN 10 ELSE {RECEIVABLE_BASE} + ((e + 1) / 2) % $3 END END,
           (1 - 2 * s) * (10000 + (((e + 1) / 2) * 7919) % 50000)
    FROM generate_series($1::bigint, $2::bigint) e CROSS JOIN (VALUES (0), (1)) AS v(s)"""


async def generate(conn: asyncpg.Connection, lines: int, homes: int) -> None:
    entries = lines // 2
    print(f"generating {entries:,} entries, {entries * 2:,} lines over {homes:,} homes ...", flush=True)
    started = time.perf_counter()
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        for sql in SETUP:
            await conn.execute(sql, homes) if "$1" in sql else await conn.execute(sql)
    print(f"  estate, homes, accounts  {time.perf_counter() - started:7.1f} s", flush=True)
    for first in range(1, entries + 1, CHUNK_ENTRIES):
        last = min(first + CHUNK_ENTRIES - 1, entries)
        t = time.perf_counter()
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute(ENTRIES, first, last)
            await conn.execute(LINES, first, last, homes)
        print(f"  entries {first:>10,} .. {last:>10,}  {time.perf_counter() - t:7.1f} s", flush=True)
    t = time.perf_counter()
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(
            """UPDATE ledger_accounts a SET balance = s.total
               FROM (SELECT account_id, sum(amount) AS total FROM ledger_lines GROUP BY account_id) s
               WHERE a.id = s.account_id"""
        )
        for table in ("ledger_entries", "ledger_lines", "ledger_accounts"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    print(f"  stored balances          {time.perf_counter() - t:7.1f} s", flush=True)
    t = time.perf_counter()
    await conn.execute("VACUUM ANALYZE ledger_entries, ledger_lines, ledger_accounts")
    print(f"  VACUUM ANALYZE           {time.perf_counter() - t:7.1f} s", flush=True)
    size = await conn.fetchval("SELECT pg_size_pretty(pg_total_relation_size('ledger_lines'))")
    print(
        f"  generated in {time.perf_counter() - started:.1f} s; ledger_lines with its indexes: {size}\n",
        flush=True,
    )


def check(url: str) -> tuple[float, int, dict[str, Any], str, float]:
    """Run `cityloop ledger check --json` as a child: (seconds, exit status, report, stderr, child's peak RSS MB)."""
    env = {**os.environ, "DATABASE_URL": url, "CITYLOOP_ENV": os.environ.get("CITYLOOP_ENV", "test")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "ledger", "check", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {"raw": done.stdout[:2000]}
    return seconds, done.returncode, report, done.stderr, rss


def show(label: str, seconds: float, status: int, report: dict[str, Any], stderr: str, rss: float) -> None:
    print(label)
    print(
        f"  wall time        {seconds:8.2f} s   (target < {TARGET_S:.0f} s; the child process, start-up included)"
    )
    print(f"  exit status      {status:8}")
    for key in ("entries", "lines", "accounts", "unbalanced_total", "balance_differences_total",
                "receivable_differences_total", "seconds"):  # fmt: skip
        print(f"  {key:<16} {report.get(key)!s:>8}")
    for item in (report.get("unbalanced") or [])[:3]:
        print(f"    unbalanced: {item}")
    for item in (report.get("balance_differences") or [])[:3]:
        print(f"    balance difference: {item}")
    print(f"  peak RSS         {rss:8.1f} MB   (the child's high-water mark)")
    progress = [line for line in stderr.splitlines() if line.strip()]
    if progress:
        print("  progress (stderr, not a terminal: one line per phase): " + " | ".join(progress[-3:]))


async def tamper(conn: asyncpg.Connection) -> None:
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(
            "UPDATE ledger_lines SET amount = amount + 1 WHERE id = (SELECT max(id) / 2 * 2 FROM ledger_lines)"
        )
        await conn.execute(
            f"UPDATE ledger_accounts SET balance = balance + 10 WHERE id = {RECEIVABLE_BASE + 7}"
        )


async def run(args: argparse.Namespace) -> int:
    from api.db import migrate

    url = admin_url(environment(args.env_file), args.env_file)
    name = args.reuse or scratch_name("ledger")
    keep = args.keep or bool(args.reuse)
    print_machine(f"`cityloop ledger check` over {args.lines:,} entry lines")
    async with admin_connection(url) as admin:
        await print_server(admin, url, ("shared_buffers", "work_mem", "max_parallel_workers_per_gather"))
        async with scratch_database(admin, url, name, create=not args.reuse, keep=keep) as scratch:
            conn = await asyncpg.connect(scratch)
            try:
                if not args.reuse:
                    await migrate(conn)
                    await generate(conn, args.lines, args.homes)
                clean = check(scratch)
                show("cityloop ledger check (a consistent ledger)", *clean)
                met = clean[0] < TARGET_S and clean[1] == 0
                if not args.reuse:
                    await tamper(conn)
                    print()
                    found = check(scratch)
                    show(
                        "cityloop ledger check (one entry off by 1 fen, one stored balance off by 10 fen)",
                        *found,
                    )
                    met = met and found[1] == 1
            finally:
                await conn.close()
    print("\ntarget met" if met else "\ntarget missed")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ledger_check", description=__doc__.split("\n")[0])
    p.add_argument("--lines", type=int, default=10_000_000)
    p.add_argument("--homes", type=int, default=100_000)
    p.add_argument("--keep", action="store_true", help="keep the scratch database (drop it yourself)")
    p.add_argument("--reuse", metavar="NAME", help="check a database kept by --keep again (no generation)")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    args = p.parse_args(argv)
    if args.lines < 1000 or args.homes < 100:
        p.error("--lines >= 1000, --homes >= 100")
    return main_of("ledger_check", lambda: asyncio.run(run(args)))


if __name__ == "__main__":
    raise SystemExit(main())
