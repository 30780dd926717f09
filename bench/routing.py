"""Routing at city scale: import 100,000 unit grids, then time route() for random points.

    python -m bench.routing [--grids 100000] [--lookups 20000] [--concurrency 4] [--env-file var/dev/env]

Setup. A scratch database (cityloop_bench_routing_<random>) is created on the server of DATABASE_ADMIN_URL
(var/dev/env; the current environment takes precedence), migrated, given the demo category catalogue and one
inspector, and dropped at the end whatever happens (also on Ctrl-C).

Import (timed). --grids unit grids of 100 m x 100 m (0.0009° x 0.00117°, about 10,000 m²) in a block of
400 columns (ten districts of 40 columns, 110101 ... 110113) from (39.70 N, 116.10 E), with valid 15-digit
codes, go through cases.grids.imports.import_grids exactly as `cityloop grids import` does: parse, copy into a
temporary table, ST_IsValid, union, overlap and gap checks, upsert, linking; committed. Then the same file
again (a no-op: every grid unchanged), then the responsibility grids (4 x 5 unit grids each), which links
every unit grid by containment. Each import prints its phases.

Lookups (timed). The inspector is put on duty on every responsibility grid and a few categories are linked
to departments per district. Random points are drawn uniformly over the block's bounding box grown by 2 %
on each side (so about 8 % fall outside every grid and go to intake); each goes through
cases.grids.routing.route() with the categories of the catalogue in turn and `at` = now: first sequentially on one
connection after 2,000 unmeasured calls (latency of one call, one round trip), then from --concurrency
connections at once (throughput). VACUUM ANALYZE and a CHECKPOINT run before, so the import's writes do not
land in the measurement. Latency is wall time around the awaited call, in this process (asyncpg over TCP to a
server on the same host). The target is p99 < 2 ms sequentially.

Exit status: 0 when the figures were taken, 2 when the setup is missing (no DATABASE_ADMIN_URL, server down).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

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

ORIGIN = (39.70, 116.10)  # south-west corner (lat, lon)
CELL = (0.0009, 0.00117)  # degrees of latitude, longitude: about 100 m x 100 m here
COLUMNS = 400
DISTRICTS = (
    "110101",
    "110102",
    "110105",
    "110106",
    "110107",
    "110108",
    "110109",
    "110111",
    "110112",
    "110113",
)
BLOCK = (4, 5)  # unit grids per responsibility grid: columns, rows
TARGET_P99_MS = 2.0


# the synthetic city ---------------------------------------------------------------------------------------


def _rectangle(column: int, row: int, width: int = 1, height: int = 1) -> dict[str, Any]:
    south, west = (round(ORIGIN[0] + row * CELL[0], 7), round(ORIGIN[1] + column * CELL[1], 7))
    north = round(ORIGIN[0] + (row + height) * CELL[0], 7)
    east = round(ORIGIN[1] + (column + width) * CELL[1], 7)
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def city(grids: int) -> tuple[bytes, bytes, int]:
    """(unit grid file, responsibility grid file, rows) for `grids` unit grids, 400 per row."""
    rows = -(-grids // COLUMNS)
    per_district = COLUMNS // len(DISTRICTS)
    blocks_across = per_district // BLOCK[0]
    units: list[dict[str, Any]] = []
    for n in range(grids):
        row, column = divmod(n, COLUMNS)
        district = DISTRICTS[column // per_district]
        block_column, block_row = (column % per_district) // BLOCK[0], row // BLOCK[1]
        street = block_row // 5 + 1
        community = (block_row % 5) * blocks_across + block_column + 1
        grid = (row % BLOCK[1]) * BLOCK[0] + column % BLOCK[0] + 1
        code = f"{district}{street:03d}{community:03d}{grid:03d}"
        units.append({"type": "Feature", "properties": {"code": code}, "geometry": _rectangle(column, row)})
    responsibility: list[dict[str, Any]] = []
    for block_row in range(-(-rows // BLOCK[1])):
        for column in range(0, COLUMNS, BLOCK[0]):
            district = DISTRICTS[column // per_district]
            sequence = block_row * blocks_across + (column % per_district) // BLOCK[0] + 1
            height = min(BLOCK[1], rows - block_row * BLOCK[1])
            responsibility.append(
                {
                    "type": "Feature",
                    "properties": {"code": f"{district}{sequence:03d}"},
                    "geometry": _rectangle(column, block_row * BLOCK[1], BLOCK[0], height),
                }
            )
    encode = msgspec.json.encode
    return (
        encode({"type": "FeatureCollection", "features": units}),
        encode({"type": "FeatureCollection", "features": responsibility}),
        rows,
    )


# database -------------------------------------------------------------------------------------------------


async def _connect(url: str) -> asyncpg.Connection:
    from api.db import _init_connection

    conn = await asyncpg.connect(url, server_settings={"timezone": "UTC", "statement_timeout": "300s"})
    await _init_connection(conn)
    return conn


async def _setup(conn: asyncpg.Connection) -> Any:
    from api.db import migrate
    from cases.catalogue.service import DEMO_CATALOGUE, load_catalogue, parse_catalogue
    from identity import store as identity_store
    from identity.models import RoleGrant

    await migrate(conn)
    async with conn.transaction():
        await load_catalogue(conn, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        user_id = await identity_store.insert_user(conn, "+8613800000099", "bench inspector")
        await identity_store.add_role(conn, user_id, RoleGrant(role="inspector"))
    return user_id


async def _import(conn: asyncpg.Connection, kind: Any, raw: bytes, label: str) -> float:
    from cases.grids.imports import import_grids

    started = time.perf_counter()
    async with conn.transaction():
        report = await import_grids(
            conn, kind, raw, file_name=f"{label}.geojson", actor_label="bench.routing"
        )
    took = time.perf_counter() - started
    phases = ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items() if k != "total")
    print(
        f"  {label:<26} {report.features:>7,} features  {took:6.2f} s   "
        f"created {report.created:,}, updated {report.updated:,}, unchanged {report.unchanged:,}, "
        f"links changed {report.links_changed:,}, gaps {report.gaps_total}  ({phases})",
        flush=True,
    )
    return took


# lookups --------------------------------------------------------------------------------------------------


def _points(n: int, rows: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    height, width = rows * CELL[0], COLUMNS * CELL[1]
    south, west = ORIGIN[0] - 0.02 * height, ORIGIN[1] - 0.02 * width
    return [(south + rng.random() * 1.04 * height, west + rng.random() * 1.04 * width) for _ in range(n)]


async def _timed(
    call: Callable[[float, float, str], Awaitable[Any]],
    points: list[tuple[float, float]],
    categories: list[str],
) -> tuple[list[float], list[Any]]:
    latencies: list[float] = []
    results: list[Any] = []
    for i, (lat, lon) in enumerate(points):
        started = time.perf_counter()
        result = await call(lat, lon, categories[i % len(categories)])
        latencies.append((time.perf_counter() - started) * 1e3)
        results.append(result)
    return latencies, results


def _line(label: str, latencies: list[float], seconds: float) -> str:
    return (
        f"  {label:<34} {len(latencies) / seconds:>9,.0f}/s   p50 {percentile(latencies, 0.5):6.3f} ms   "
        f"p99 {percentile(latencies, 0.99):6.3f} ms   max {max(latencies):7.3f} ms   "
        f"mean {statistics.fmean(latencies):6.3f} ms"
    )


async def _lookups(url: str, conn: asyncpg.Connection, rows: int, args: argparse.Namespace) -> float:
    from cases.grids import store as grid_store
    from cases.grids.routing import route

    categories = [r["code"] for r in await conn.fetch("SELECT code FROM categories ORDER BY code")]
    random.Random(args.seed).shuffle(categories)
    now = datetime.now(UTC)

    async def decide(lat: float, lon: float, category: str) -> Any:
        return await route(conn, lat, lon, category, now)

    async def sql_only(lat: float, lon: float, category: str) -> Any:
        return await grid_store.route(conn, lat, lon, category, now)

    await _timed(decide, _points(min(2000, args.lookups), rows, args.seed + 1), categories)  # warm-up
    points = _points(args.lookups, rows, args.seed)
    started = time.perf_counter()
    latencies, decisions = await _timed(decide, points, categories)
    sequential = time.perf_counter() - started
    intake = sum(d.queue == "intake" for d in decisions)
    outside = sum(d.unit_grid_id is None for d in decisions)
    on_border = sum("candidates" in d.reason["unit_grid"] for d in decisions)
    print(
        f"  {args.lookups:,} random points: {outside:,} outside every grid, {intake:,} to intake, "
        f"{on_border:,} on a shared border"
    )
    print(_line("route(), 1 connection, sequential", latencies, sequential))
    p99 = percentile(latencies, 0.99)

    started = time.perf_counter()
    sql_latencies, _ = await _timed(sql_only, points, categories)
    print(_line("its SQL alone, 1 connection", sql_latencies, time.perf_counter() - started))

    pool = await asyncpg.create_pool(
        url, min_size=args.concurrency, max_size=args.concurrency, server_settings={"timezone": "UTC"}
    )
    try:
        share = [points[i :: args.concurrency] for i in range(args.concurrency)]

        async def worker(mine: list[tuple[float, float]]) -> list[float]:
            async with pool.acquire() as pooled:

                async def call(lat: float, lon: float, category: str) -> Any:
                    return await route(pooled, lat, lon, category, now)  # type: ignore[arg-type]

                await _timed(call, mine[:100], categories)
                return (await _timed(call, mine, categories))[0]

        started = time.perf_counter()
        results = await asyncio.gather(*(worker(mine) for mine in share))
        elapsed = time.perf_counter() - started
        print(
            _line(
                f"route(), {args.concurrency} connections at once", [x for r in results for x in r], elapsed
            )
        )
    finally:
        await pool.close()
    return p99


# main -----------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    url = admin_url(environment(args.env_file), args.env_file)
    print_machine(f"Routing at city scale: {args.grids:,} unit grids, {args.lookups:,} lookups")
    async with admin_connection(url) as admin:
        await print_server(admin, url, postgis=True)
        async with scratch_database(admin, url, scratch_name("routing")) as scratch:
            conn = await _connect(scratch)
            try:
                user_id = await _setup(conn)
                started = time.perf_counter()
                units, responsibility, rows = city(args.grids)
                print(
                    f"generated {args.grids:,} unit grids ({len(units) / 1e6:.1f} MB of GeoJSON) in "
                    f"{time.perf_counter() - started:.2f} s\n\nimport (cases.grids.imports.import_grids, one transaction each):"
                )
                first = await _import(conn, "unit", units, "unit grids")
                await _import(conn, "unit", units, "the same again (no-op)")
                await _import(conn, "responsibility", responsibility, "responsibility grids")
                await _prepare_routing(conn, user_id)
                print("\nlookups (cases.grids.routing.route, at = now):")
                p99 = await _lookups(scratch, conn, rows, args)
            finally:
                await conn.close()
    print(
        f"\nimporting {args.grids:,} unit grids took {first:.1f} s; sequential route() p99 {p99:.3f} ms "
        f"(target < {TARGET_P99_MS:g} ms: {'met' if p99 < TARGET_P99_MS else 'NOT met'})"
    )
    return 0


async def _prepare_routing(conn: asyncpg.Connection, user_id: Any) -> None:
    from cases.grids import store as grid_store
    from cases.grids.routing import put_on_duty_everywhere

    async with conn.transaction():
        duties = await put_on_duty_everywhere(conn, user_id, datetime(2020, 1, 1, tzinfo=UTC))
        links: list[tuple[str, str | None, str]] = [
            ("C0117", DISTRICTS[0], "power"),
            ("E0301", DISTRICTS[1], "urban_management"),
            ("E0201", None, "sanitation"),
        ]
        for category, district, department in links:
            await grid_store.upsert_category_department(conn, category, district, department)
    await conn.execute("VACUUM ANALYZE")
    try:  # write the import's dirty pages out now rather than during the lookups
        await conn.execute("CHECKPOINT")
    except asyncpg.InsufficientPrivilegeError:
        pass
    print(f"\nthe inspector is on duty on {duties:,} responsibility grids; {len(links)} category links")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.routing", description=__doc__.split("\n")[0])
    p.add_argument("--grids", type=int, default=100_000, help="unit grids to import (100,000)")
    p.add_argument("--lookups", type=int, default=20_000, help="route() calls to time (20,000)")
    p.add_argument("--concurrency", type=int, default=4, help="connections for the throughput run (4)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    args = p.parse_args(argv)
    if not (
        COLUMNS <= args.grids <= 250_000 and 100 <= args.lookups <= 1_000_000 and 1 <= args.concurrency <= 64
    ):
        p.error(f"--grids in [{COLUMNS}, 250000], --lookups in [100, 1000000], --concurrency in [1, 64]")
    return main_of("bench.routing", lambda: asyncio.run(run(args)))


if __name__ == "__main__":
    raise SystemExit(main())
