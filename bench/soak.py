"""The API's memory under a mixed load over time (issue 13, "Memory"): RSS of the one uvicorn worker idle after
start, then every `--sample` seconds of `--minutes` of load, with the slope (MB per hour, least squares) over the
whole soak and over its second half. A leak shows as a slope that does not flatten; a bounded cache as a rise
that does.

The load, open loop at `--rate` requests a second from this process over loopback, a mix of what phones do:
GET /healthz, GET /v1/me, GET /v1/inbox, GET /v1/reports/mine, the public map of a box, and a report with a
photo new each time (announce, PUT to the bucket, complete, POST /v1/reports), which runs Pillow in the API.

    make services && .venv/bin/python -m bench.soak                 # --minutes 30 --rate 40 --sample 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import uvloop

from api.settings import SettingsError, load_settings
from bench._harness import (
    DEFAULT_ENV_FILE,
    HOST,
    BenchError,
    Server,
    entered,
    main_of,
    print_line,
    print_machine,
    running,
)
from bench.http_baseline import cityloop_env
from bench.submit_report import CATEGORIES, INSIDE, Citizen, city_database, jpeg, prepare_city, upload_photo

#: the mix: (weight, what)
MIX = (
    (20, "healthz"),
    (20, "me"),
    (15, "inbox"),
    (15, "my_reports"),
    (20, "map"),
    (10, "report"),
)
#: a box of about 2 km around the centre of the demo city
BOX = f"{INSIDE[1] - 0.012},{INSIDE[0] - 0.009},{INSIDE[1] + 0.012},{INSIDE[0] + 0.009}"


def rss_mb(pid: int) -> float:
    """The process's resident set (VmRSS), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for process {pid}", 1)


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per hour (nan with fewer than two)."""
    if len(points) < 2:
        return math.nan
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return math.nan
    return sum((t - mean_t) * (m - mean_m) for t, m in points) / var * 3600


@dataclass
class Tally:
    done: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)


async def one(session: aiohttp.ClientSession, base: str, what: str, citizen: Citizen, seed: int) -> int:
    auth = {"Authorization": f"Bearer {citizen.token}"}
    if what == "healthz":
        url, headers = f"{base}/healthz", {}
    elif what == "me":
        url, headers = f"{base}/v1/me", auth
    elif what == "inbox":
        url, headers = f"{base}/v1/inbox", auth
    elif what == "my_reports":
        url, headers = f"{base}/v1/reports/mine", auth
    elif what == "map":
        url, headers = f"{base}/v1/map/reports?bbox={BOX}", {}
    else:
        photo = await upload_photo(session, base, citizen.token, await asyncio.to_thread(jpeg, seed))
        body: dict[str, Any] = {
            "category": CATEGORIES[seed % len(CATEGORIES)],
            "description": "压测：长时间运行的内存观察",
            "location": {
                "lat": INSIDE[0] + random.uniform(-0.008, 0.008),
                "lon": INSIDE[1] + random.uniform(-0.01, 0.01),
                "crs": "wgs84",
            },
            "photo_ids": [photo],
        }
        async with session.post(
            f"{base}/v1/reports", json=body, headers={**auth, "Idempotency-Key": f"soak-{seed}"}
        ) as r:
            await r.read()
            return r.status
    async with session.get(url, headers=headers) as r:
        await r.read()
        return r.status


async def soak(base: str, pid: int, citizens: list[Citizen], args: argparse.Namespace) -> list[str]:
    weights = [w for w, _ in MIX]
    kinds = [k for _, k in MIX]
    tally = Tally()
    samples: list[tuple[float, float]] = []
    lines = [f"  {'minute':>6} {'RSS MB':>8} {'requests':>9} {'failed':>7}"]
    seed = secrets.randbelow(2**40)
    pending: set[asyncio.Task[None]] = set()
    gate = asyncio.Semaphore(args.concurrency)
    timeout = aiohttp.ClientTimeout(total=60)

    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def request(what: str, citizen: Citizen, n: int) -> None:
            async with gate:
                try:
                    status = await one(session, base, what, citizen, seed + n)
                except (TimeoutError, aiohttp.ClientError, BenchError):
                    tally.failed[what] += 1
                    return
                tally.statuses[status] += 1
                (tally.done if status < 400 else tally.failed)[what] += 1

        started = time.monotonic()
        end = started + args.minutes * 60
        next_sample = started + args.sample
        n = 0
        while (now := time.monotonic()) < end:
            if now >= next_sample:
                mb = rss_mb(pid)
                samples.append((now - started, mb))
                line = (
                    f"  {(now - started) / 60:6.1f} {mb:8.1f} {sum(tally.done.values()):9,} "
                    f"{sum(tally.failed.values()):7,}"
                )
                print(line, flush=True)
                lines.append(line)
                next_sample += args.sample
            what = random.choices(kinds, weights)[0]
            task = asyncio.create_task(request(what, citizens[n % len(citizens)], n))
            pending.add(task)
            task.add_done_callback(pending.discard)
            n += 1
            await asyncio.sleep(random.expovariate(args.rate))
        await asyncio.gather(*pending)
    mb = rss_mb(pid)
    samples.append((time.monotonic() - started, mb))
    half = [s for s in samples if s[0] >= args.minutes * 30]
    lines.append("")
    lines.append(f"  RSS at the end {mb:.1f} MB; peak sampled {max(m for _, m in samples):.1f} MB")
    lines.append(
        f"  slope: {slope_per_hour(samples):+.1f} MB/h over the whole soak, "
        f"{slope_per_hour(half):+.1f} MB/h over its second half"
    )
    lines.append(
        "  requests: "
        + ", ".join(
            f"{k} {tally.done[k]:,}" + (f" ({tally.failed[k]} failed)" if tally.failed[k] else "")
            for k in kinds
        )
    )
    lines.append("  statuses: " + ", ".join(f"{s}: {c:,}" for s, c in sorted(tally.statuses.items())))
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=30.0, help="minutes of load (30)")
    p.add_argument("--rate", type=float, default=40.0, help="requests a second, open loop (40)")
    p.add_argument("--sample", type=float, default=60.0, help="seconds between RSS samples (60)")
    p.add_argument("--concurrency", type=int, default=32, help="requests in flight at most (32)")
    p.add_argument("--citizens", type=int, default=50, help="citizens sending (50)")
    p.add_argument("--settle", type=float, default=10.0, help="seconds idle after start before the first RSS")
    p.add_argument("--keep-db", action="store_true", help="keep the new database (its name is printed)")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE, help="shell exports for CityLoop")
    p.add_argument("--db-pool-max", type=int, help="DB_POOL_MAX for the CityLoop server (app default)")
    p.add_argument("--startup-timeout", type=float, default=30.0)
    p.add_argument("--dev-db", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    env = cityloop_env(args)
    # the soak's citizens send more than a phone would: no daily or hourly limit stops them, and their access
    # tokens (15 minutes by default; a phone refreshes them) last the whole soak
    env.update(
        REPORTS_PER_DAY="100000",
        UPLOADS_PER_HOUR="100000",
        LOG_LEVEL="WARNING",
        ACCESS_TOKEN_TTL_S=str(round(args.minutes * 60 + 3600)),
    )
    try:
        load_settings(env)
    except SettingsError as exc:
        raise BenchError(f"the CityLoop environment is not usable: {exc}", 2) from exc
    print_machine(
        "Soak: the API's RSS under a mixed load, one uvicorn worker, loopback",
        [
            ("load", f"{args.minutes:g} min at {args.rate:g} req/s, open loop, {args.concurrency} in flight"),
            ("mix", ", ".join(f"{k} {w} %" for w, k in MIX)),
            ("samples", f"RSS (VmRSS) every {args.sample:g} s"),
        ],
    )
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner, contextlib.ExitStack() as stack:
        env["DATABASE_URL"] = stack.enter_context(entered(runner, city_database(env, args.keep_db)))
        settings = load_settings(env)
        logdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="cityloop-soak-"))
        server = stack.enter_context(
            running(Server("cityloop", "api.asgi:app", env, Path(logdir), factory=True), args.startup_timeout)
        )
        assert server.proc is not None
        base = f"http://{HOST}:{server.port}"
        city = runner.run(prepare_city(settings, args.citizens))
        time.sleep(args.settle)
        idle = rss_mb(server.proc.pid)
        print_line("idle", f"{idle:.1f} MB RSS after start and {args.settle:g} s idle")
        print()
        lines = runner.run(soak(base, server.proc.pid, city.citizens, args))
        print()
        print(f"  RSS idle after start {idle:.1f} MB")
        for line in lines[len(lines) - 5 :]:
            print(line)
        if server.proc.poll() is not None:
            raise BenchError(f"the server died:\n{server.log_tail()}", 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return main_of("soak", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
