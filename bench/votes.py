"""An owners' assembly vote of a 5,000-home estate: every head casts through the API (target: all in 10 minutes),
then the close tallies and publishes (target: tally < 1 s).

    python -m bench.votes [--homes 5000] [--concurrency 32] [--seed N] [--keep-db] [--env-file var/dev/env]

Setup (not timed). CityLoop runs as in bench/http_baseline.py: one uvicorn worker (uvloop + httptools, no access
log, LOG_LEVEL=WARNING) on a free port of 127.0.0.1, with the dev environment (var/dev/env; the current
environment takes precedence), on a scratch database beside the dev one (cityloop_bench_votes_<random>, created
through DATABASE_ADMIN_URL, migrated, dropped at the end unless --keep-db). The estate is generated set-based,
every value derived from the home's number n (0 .. homes-1): buildings of 200 homes (2 entrances, 20 floors,
5 rooms), register areas from 50.00 to 179.99 m²; 2 % of the homes unsold (the developer's: one head
together), 4 % the second home of the owner of the home before (one head with both areas), 10 % co-owned by
two (one head; the first registered votes), the others owned by one person. Each head's designated voter is
made a resident user (identity.service, as `cityloop users create` does), bound as owner to their first home,
with an access token; the estate's owners' committee likewise. The committee raises the matter and gives notice
through the API (the roll frozen from the register: timed and printed, as it is the other heavy step); the
window is then moved to begin now in the database, since notice must come 15 days ahead.

Load. Every head's voter casts one ballot (yes 60 %, no 25 %, abstain 15 %, --seed repeats them) with its
own Idempotency-Key: POST /v1/vote-matters/{id}/ballots from this process (aiohttp with uvloop), --concurrency
requests in flight (a closed loop: each worker sends its next ballot when the last is answered). Latency
runs from the send to the end of the answer. Printed: ballots/s, the wall time against 10 minutes, p50, p90,
p99 and the worst latency.

Close. The window is moved to end, then the committee closes through the API (POST .../close: the tally from
the roll and the ballots, the result and receipts list stored, the matter published, an outbox row); the close's
answer time is printed, and so is the tally alone, measured in this process over one connection as
housing.votes.compute runs it (the roll's heads and areas per building, the ballots, housing.assembly.tally):
the target is on that. Then the checks: one ballot per head, the published participation equals the heads,
and `housing.votes.recount` equals the published result.

Exit status: 0 when every ballot was answered 201 and the checks passed (whether or not the targets were met), 1
when the server fails to start or a check fails, 2 when the setup is missing, 3 when ballots were not answered
201.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import uvloop

from bench._harness import (
    DEFAULT_ENV_FILE,
    HOST,
    ROOT,
    BenchError,
    Server,
    admin_connection,
    admin_url,
    entered,
    environment,
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

ESTATE = "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a51"
DEVELOPER_PHONE = "+8613700000002"  # as GENERATE writes it
COMMITTEE_PHONE = "+8613700000001"
CAST_TARGET_S = 600.0
TALLY_TARGET_S = 1.0
CHOICES = (("yes", 60), ("no", 25), ("abstain", 15))

GENERATE = [
    (
        "estate",
        f"""INSERT INTO estates (id, name, address, district_code, location, location_original, property_company,
                                service_grade)
            VALUES ('{ESTATE}', '表决基准小区', '东城区基准路 5 号', '110101',
                    ST_SetSRID(ST_MakePoint(116.41, 39.91), 4326), '{{"lat": 39.91, "lon": 116.41, "crs": "wgs84"}}',
                    '基准物业', 1)""",
    ),
    (
        "buildings",
        f"""INSERT INTO buildings (estate_id, name)
            SELECT '{ESTATE}', b || '号楼' FROM generate_series(1, ($1 + 199) / 200) b""",
    ),
    (
        "numbers",
        "CREATE TEMP TABLE bench_homes AS SELECT n, uuid_generate_v7() AS id FROM generate_series(0, $1 - 1) n",
    ),
    (
        "homes",
        f"""INSERT INTO homes (id, estate_id, building_id, entrance, floor, room, register_area)
            SELECT h.id, '{ESTATE}', g.id, (x.k / 100 + 1)::text, (x.k % 100) / 5 + 1,
                   (((x.k % 100) / 5 + 1) * 100 + x.k % 5 + 1)::text, 5000 + (h.n * 7919) % 13000
            FROM bench_homes h
            JOIN LATERAL (SELECT h.n / 200 AS b, h.n % 200 AS k) x ON true
            JOIN buildings g ON g.estate_id = '{ESTATE}' AND g.name = (x.b + 1) || '号楼'""",
    ),
    # the first registered owner of each home: the developer (n % 50 = 49), the owner of the home before
    # (n % 25 = 7: a second home), or a person of their own
    (
        "owners",
        """INSERT INTO home_owners (home_id, kind, name, phone, owned_from)
           SELECT id,
                  CASE WHEN n % 50 = 49 THEN 'developer' ELSE 'person' END,
                  CASE WHEN n % 50 = 49 THEN '基准地产' WHEN n % 25 = 7 THEN '业主' || (n - 1) ELSE '业主' || n END,
                  CASE WHEN n % 50 = 49 THEN '+8613700000002'
                       WHEN n % 25 = 7 THEN '+86139' || lpad((n - 1)::text, 8, '0')
                       ELSE '+86139' || lpad(n::text, 8, '0') END,
                  DATE '2015-01-01'
           FROM bench_homes""",
    ),
    (
        "co-owners",
        """INSERT INTO home_owners (home_id, kind, name, phone, owned_from)
           SELECT id, 'person', '共有人' || n, '+86138' || lpad(n::text, 8, '0'), DATE '2015-01-01'
           FROM bench_homes WHERE n % 10 = 3""",
    ),
]


@dataclass(frozen=True)
class Voter:
    phone: str
    token: str


@dataclass(frozen=True)
class Outcome:
    status: int
    seconds: float
    code: str | None


def cityloop_env(args: argparse.Namespace) -> dict[str, str]:
    env = environment(args.env_file)
    env["LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


# --- setup ------------------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def vote_database(env: dict[str, str], env_file: Path, keep: bool) -> AsyncIterator[str]:
    url = admin_url(env, env_file)
    async with admin_connection(url) as admin:
        await print_server(admin, url, ("shared_buffers", "synchronous_commit", "max_connections"))
        async with scratch_database(admin, env["DATABASE_URL"], scratch_name("votes"), keep=keep) as scratch:
            yield scratch


async def generate(settings: Any, homes: int) -> tuple[int, list[Voter], Voter]:
    """The estate and its register; a user, binding and token for each head's voter and for the committee.
    Returns (the heads the roll will have, the voters, the committee)."""
    from api.config import auth_config
    from api.db import connect, migrate
    from identity import service as identity
    from identity.models import RequestContext, RoleGrant

    conn = await connect(settings)
    try:
        t = time.perf_counter()
        await migrate(conn)
        print_line("migrate", f"{time.perf_counter() - t:.1f} s")
        async with conn.transaction():
            for label, sql in GENERATE:
                t = time.perf_counter()
                await conn.execute(sql, homes) if "$1" in sql else await conn.execute(sql)
                print_line(label, f"{time.perf_counter() - t:.2f} s")
        # the voters: the first registered owner of each home but second homes, the developer once
        rows = await conn.fetch(
            """SELECT DISTINCT ON (o.phone) o.phone, b.id AS home_id FROM bench_homes b
               JOIN home_owners o ON o.home_id = b.id
               WHERE o.phone NOT LIKE '+86138%' ORDER BY o.phone, b.n"""
        )
        config = auth_config(settings)
        ctx = RequestContext(actor_label="bench:votes")
        t = time.perf_counter()
        voters: list[Voter] = []
        async with conn.transaction():
            for r in rows:
                user = await identity.create_user(conn, config, r["phone"], [RoleGrant(role="resident")], ctx)
                await conn.execute(
                    """INSERT INTO home_bindings (home_id, estate_id, user_id, relation, state, via)
                       VALUES ($1, $2, $3, 'owner', 'active', 'register')""",
                    r["home_id"],
                    uuid.UUID(ESTATE),
                    user.id,
                )
                tokens = await identity.issue_tokens_for(conn, config, r["phone"], ctx)
                voters.append(Voter(r["phone"], tokens.access_token))
            grant = RoleGrant(role="owners_committee", scope_kind="estate", scope_id=ESTATE)
            await identity.create_user(conn, config, COMMITTEE_PHONE, [grant], ctx, "业委会")
            committee = Voter(
                COMMITTEE_PHONE,
                (await identity.issue_tokens_for(conn, config, COMMITTEE_PHONE, ctx)).access_token,
            )
        print_line("voters", f"{len(voters):,} users, bindings and tokens in {time.perf_counter() - t:.1f} s")
        await conn.execute("VACUUM ANALYZE")
        return len(voters), voters, committee
    finally:
        await conn.close()


async def notice(base: str, committee: Voter) -> tuple[str, float]:
    """The committee raises the matter and gives notice through the API; (its id, the notice's seconds)."""
    opens = datetime.now(UTC) + timedelta(days=16)
    body = {
        "kind": "special",
        "title": "关于使用维修资金更换电梯的表决",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=14)).isoformat(),
    }
    headers = {"Authorization": f"Bearer {committee.token}"}
    async with aiohttp.ClientSession(base) as session:
        async with session.post(f"/v1/estates/{ESTATE}/vote-matters", json=body, headers=headers) as r:
            if r.status != 201:
                raise BenchError(f"raiseVoteMatter answered {r.status}: {await r.text()}")
            matter = (await r.json())["id"]
        t = time.perf_counter()
        async with session.post(f"/v1/vote-matters/{matter}/notice", headers=headers) as r:
            seconds = time.perf_counter() - t
            if r.status != 200:
                raise BenchError(f"noticeVoteMatter answered {r.status}: {await r.text()}")
    return str(matter), seconds


# --- load -------------------------------------------------------------------------------------------------------


async def cast_all(
    base: str, matter: str, voters: Sequence[Voter], concurrency: int, seed: int
) -> tuple[list[Outcome], float]:
    rng = random.Random(seed)
    weights = [w for _, w in CHOICES]
    work = [(v, rng.choices([c for c, _ in CHOICES], weights)[0]) for v in voters]
    rng.shuffle(work)
    queue: asyncio.Queue[tuple[Voter, str]] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    outcomes: list[Outcome] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            while True:
                try:
                    voter, choice = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                headers = {"Authorization": f"Bearer {voter.token}", "Idempotency-Key": uuid.uuid4().hex}
                t = time.perf_counter()
                try:
                    async with session.post(
                        f"/v1/vote-matters/{matter}/ballots", json={"choice": choice}, headers=headers
                    ) as r:
                        body = await r.json(content_type=None)
                        status = r.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    outcomes.append(Outcome(0, time.perf_counter() - t, type(exc).__name__))
                    continue
                code = body.get("code") if isinstance(body, dict) and status != 201 else None
                outcomes.append(Outcome(status, time.perf_counter() - t, code))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return outcomes, wall


# --- close and checks ---------------------------------------------------------------------------------------------


async def close_and_check(
    settings: Any, base: str, matter: str, committee: Voter, heads: int
) -> tuple[list[str], bool]:
    from api.db import connect
    from housing import votes as housing_votes_mod
    from housing import votes_store as store

    lines: list[str] = []
    conn = await connect(settings)
    try:
        await conn.execute(
            "UPDATE vote_matters SET closes_at = now() - interval '1 second' WHERE id = $1", uuid.UUID(matter)
        )
        # the tally alone, as close runs it (read-only: nothing is published by this)
        timings = []
        for _ in range(5):
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                m = await store.get_matter(conn, uuid.UUID(matter))
                assert m is not None
                t = time.perf_counter()
                await housing_votes_mod.compute(conn, m)
                timings.append(time.perf_counter() - t)
        headers = {"Authorization": f"Bearer {committee.token}"}
        async with aiohttp.ClientSession(base) as session:
            t = time.perf_counter()
            async with session.post(f"/v1/vote-matters/{matter}/close", headers=headers) as r:
                body = await r.json()
                close_s = time.perf_counter() - t
                if r.status != 200:
                    raise BenchError(f"closeVoteMatter answered {r.status}: {body}")
        f = body["tally"]["outcome"]["figures"]
        lines.append(
            f"  tally (compute)      {min(timings) * 1000:8.1f} ms best, {percentile(timings, 0.5) * 1000:.1f} ms "
            f"median of 5   (target < {TALLY_TARGET_S * 1000:.0f} ms)"
        )
        lines.append(
            f"  close via the API    {close_s * 1000:8.1f} ms   (tally, result with {len(body['receipts']):,} "
            "receipts stored, published, outbox row; answered with the result)"
        )
        lines.append(
            f"  result               {'passed' if body['passed'] else 'not passed'} ({body['tally']['threshold']}): "
            f"yes {f['yes_heads']:,} heads / {f['yes_area'] / 100:,.2f} m², no {f['no_heads']:,}, abstain "
            f"{f['abstain_heads']:,}; {f['participating_heads']:,} of {f['total_heads']:,} heads, "
            f"{len(body['tally']['buildings'])} buildings"
        )
        ballots = await conn.fetchval(
            "SELECT count(*) FROM vote_ballots WHERE matter_id = $1", uuid.UUID(matter)
        )
        fresh, published = await housing_votes_mod.recount(conn, uuid.UUID(matter))
        # compared as `cityloop votes recount` compares them (as JSON)
        same = published is not None and json.loads(json.dumps(published, sort_keys=True)) == json.loads(
            json.dumps(fresh, sort_keys=True)
        )
        if not same and published is not None:
            diff = [k for k in fresh["tally"] if fresh["tally"][k] != published["tally"].get(k)]
            lines.append(f"  DIFFERS              in {diff or 'the receipts'}")
        ok = ballots == heads == f["participating_heads"] == f["total_heads"] and same
        lines.append(
            f"  checks               {ballots:,} ballots for {heads:,} heads, one each: {ballots == heads}; "
            f"all taking part: {f['participating_heads'] == heads}; recount equals the published result: {same}"
        )
        return lines, ok
    finally:
        await conn.close()


# --- main -------------------------------------------------------------------------------------------------------


def report(outcomes: Sequence[Outcome], wall: float) -> list[str]:
    ok = [o.seconds for o in outcomes if o.status == 201]
    statuses = Counter((o.status, o.code) for o in outcomes)
    ms = [s * 1000 for s in ok]
    lines = [
        f"  ballots              {len(outcomes):,} sent, {len(ok):,} answered 201"
        + "".join(
            f", {n:,} {s} {c or ''}".rstrip() for (s, c), n in sorted(statuses.items(), key=str) if s != 201
        ),
        f"  wall time            {wall:8.1f} s   (target: all in {CAST_TARGET_S / 60:.0f} minutes)",
        f"  throughput           {len(outcomes) / wall:8.1f} ballots/s",
        f"  latency p50          {percentile(ms, 0.5):8.1f} ms",
        f"  latency p90          {percentile(ms, 0.9):8.1f} ms",
        f"  latency p99          {percentile(ms, 0.99):8.1f} ms",
        f"  latency max          {max(ms, default=float('nan')):8.1f} ms",
    ]
    return lines


def run(args: argparse.Namespace) -> int:
    from api.settings import SettingsError, load_settings

    env = cityloop_env(args)
    try:
        settings = load_settings(env)
    except SettingsError as exc:
        raise BenchError(f"the CityLoop environment is not usable: {exc}", 2) from exc
    seed = args.seed if args.seed is not None else secrets.randbelow(10**6)
    print_machine(
        f"An owners' vote of a {args.homes:,}-home estate: every head casts through the API, then the close",
        [
            ("loadgen", f"aiohttp + uvloop in this process, closed loop, {args.concurrency} in flight"),
            ("choices", f"yes 60 %, no 25 %, abstain 15 % (--seed {seed})"),
        ],
    )
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner, contextlib.ExitStack() as stack:
        env["DATABASE_URL"] = stack.enter_context(
            entered(runner, vote_database(env, args.env_file, args.keep_db))
        )
        settings = load_settings(env)
        print_line(
            "cityloop",
            f"DB_POOL_MAX={settings.db_pool_max}, LOG_LEVEL=WARNING, database "
            f"{urlsplit(settings.database_url).path.lstrip('/')}",
        )
        print("\nsetup (not timed)", flush=True)
        heads, voters, committee = runner.run(generate(settings, args.homes))
        logdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="cityloop-bench-"))
        city = stack.enter_context(
            running(Server("cityloop", "api.asgi:app", env, Path(logdir), factory=True), args.startup_timeout)
        )
        base = f"http://{HOST}:{city.port}"
        try:
            matter, notice_s = runner.run(notice(base, committee))
        except BenchError as exc:
            raise BenchError(f"{exc}\n  server log tail:\n{city.log_tail()}", exc.status) from exc
        print_line(
            "notice",
            f"{notice_s * 1000:.0f} ms through the API: the roll of {heads:,} heads frozen from {args.homes:,} homes",
        )
        runner.run(_open_now(settings, matter))

        print(f"\ncasting: {heads:,} ballots, {args.concurrency} in flight", flush=True)
        outcomes, wall = runner.run(cast_all(base, matter, voters, args.concurrency, seed))
        for line in report(outcomes, wall):
            print(line)
        print(f"  load avg after       {loadavg()}")
        failed = sum(o.status != 201 for o in outcomes)
        if failed:
            print(
                f"\n{failed:,} ballots were not answered 201\nserver log tail:\n{city.log_tail()}",
                file=sys.stderr,
            )
            return 3

        print("\nclose", flush=True)
        lines, ok = runner.run(close_and_check(settings, base, matter, committee, heads))
        for line in lines:
            print(line)
    return 0 if ok else 1


async def _open_now(settings: Any, matter: str) -> None:
    """Time passes: notice was given 20 days ago and the window began a minute ago."""
    from api.db import connect

    conn = await connect(settings)
    try:
        await conn.execute(
            """UPDATE vote_matters SET notice_at = now() - interval '20 days', opens_at = now() - interval '1 minute',
                                       closes_at = now() + interval '7 days' WHERE id = $1""",
            uuid.UUID(matter),
        )
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.votes", description=__doc__.split("\n")[0])
    p.add_argument("--homes", type=int, default=5_000)
    p.add_argument("--concurrency", type=int, default=32, help="ballots in flight (32)")
    p.add_argument("--seed", type=int, help="the choices' seed (random, printed)")
    p.add_argument("--keep-db", action="store_true", help="keep the scratch database (drop it yourself)")
    p.add_argument("--startup-timeout", type=float, default=30.0)
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    args = p.parse_args(argv)
    if args.homes < 50 or args.concurrency < 1:
        p.error("--homes >= 50, --concurrency >= 1")
    return main_of("votes", lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())
