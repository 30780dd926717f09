"""Payment callbacks: verified and applied exactly once at load, duplicates included (target 1,000 callbacks/s).

    python -m bench.payment_callbacks [--homes 5000] [--duplicates 0.2] [--alipay-share 0.5] [--concurrency 64]
                                      [--db-waits] [--breakdown] [--keep-db] [--env-file var/dev/env]

Setup (not timed). A scratch database (cityloop_bench_payments_<random>) beside the dev one (created through
DATABASE_ADMIN_URL of var/dev/env, the current environment taking precedence; migrated; dropped at the end unless
--keep-db) gets one estate of --homes homes, generated set-based as in bench/billing_run.py (the property fee
only), a resident bound to each home, and one bill per home from a real billing run (housing.billing: the bills'
ledger entries are posted as in production). Both fake providers (housing/providers/fakes: they sign and encrypt
exactly as WeChat Pay API v3 and Alipay do) run in an event loop of their own in a thread of this process. Each
home's resident pays its bill in one order, made through housing.payments.create_order over a pool (the
provider's order included: a WeChat prepay call to the fake, an Alipay order string the fake then opens), about
--alipay-share of them by Alipay; each order is paid at its fake with no callback sent (``mode="silent"``), and
its signed callback (``payment_notification``) is built. --duplicates of the orders get a second notification
(the provider's retry: same event id / notify_id, signed anew): half are sent right after their first copy (in
flight at the same time), half later in the run (at least two rounds of --concurrency further on), all in a
shuffled order (--seed repeats it).

Load. CityLoop runs as in bench/http_baseline.py (one uvicorn worker, uvloop + httptools, no access log,
LOG_LEVEL=WARNING, the dev environment) against the scratch database, with PAYMENTS_CONFIG_FILE naming the fakes
(``write_client_configs``) and PAYMENTS_NOTIFY_ORIGIN its own address. A few forged callbacks of each channel
first (answered "send again", writing nothing) warm up the connections and the WeChat SDK (it downloads the
platform certificates on first use). Then aiohttp (uvloop, in this process) posts every callback to
POST /v1/payments/callbacks/{wechat|alipay} over loopback, --concurrency at a time (closed loop): callbacks/s
overall and per channel, p50/p99 latency, the answers (every one must acknowledge: 204 with no body for WeChat,
"success" for Alipay), and the CPU of the API process, its PostgreSQL connections, this process and everything
else (from /proc). --db-waits samples pg_stat_activity meanwhile (what the API's connections wait for).

Counts afterwards (PASS/FAIL each): payment ledger entries == orders (none lost, none twice); every bill paid;
every order paid once, with its provider transaction id and a receipt number of its own, and the estate's receipt
counter at the number of orders (gapless); no refund queued (no surplus, so no double credit); the clearing
accounts hold what the orders were for; payment_callbacks outcomes: applied == orders, duplicate == duplicates
sent, nothing else; and ``cityloop ledger check`` (the CLI, in a child process) is OK.

--breakdown then times, in this process, what each callback costs before the database: the providers'
``verify_callback`` (the SDKs' RSA2 verify and WeChat's AES-GCM decrypt, inline on the event loop once no
download can be needed) one at a time, and the bare SDK calls alone.

The WeChat notifications are signed before the load and the API refuses one whose timestamp is more than 5
minutes old (DOMAIN.md §11): setup after the signing and the load must fit in that window (about 2 minutes for
the default 6,000 callbacks on this machine when it is busy).

Exit status: 0 when the figures were taken and every count passed (whether or not the target was met), 1 when the
server fails to start (its log tail is printed), 2 when the setup is missing or fails, 3 when a callback was not
acknowledged or a count failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import uvloop

from api.db import SERVER_SETTINGS, _init_connection, migrate
from api.payment_providers import build_providers, notify_url
from api.settings import Settings, SettingsError, load_settings
from bench._harness import DEFAULT_ENV_FILE, HOST, BenchError, Server, machine, read_env_file, running
from bench.billing_run import GENERATE
from bench.submit_report import (
    LOCAL_HOSTS,
    OTHERS_NOTICEABLE,
    Cpu,
    DbWaits,
    api_backends,
    read_cpu,
    sample_db_waits,
    watcher,
)
from housing import billing, payments
from housing.providers import AlipayOrderString, PaymentProvider
from housing.providers.fakes import FakeAlipay, FakeWeChatPay, Notification
from housing.providers.fakes.__main__ import write_client_configs

T = TypeVar("T")
TARGET_RATE = 1000.0  # callbacks/s on this 2-core machine
PERIOD = "2026-11"
ACK = {"wechat": (204, b""), "alipay": (200, b"success")}
WARMUP_FORGED = 16  # forged callbacks per channel before the load: answered "send again", nothing written
STALE_AFTER_S = 290  # the API refuses a WeChat notification whose timestamp is more than 300 s off


# --- the fakes, in an event loop of their own --------------------------------------------------------------------


class Background:
    """An event loop in a thread for the fake providers (as tests/housing/payment_fixtures.py does): the SDKs call
    them from worker threads while this process's own loop makes orders or sends the load."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="fakes")
        self.thread.start()

    async def __call__(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class Fakes:
    run: Background
    wechat: FakeWeChatPay
    alipay: FakeAlipay


@contextlib.asynccontextmanager
async def fakes_running() -> AsyncIterator[Fakes]:
    run = Background()
    wechat, alipay = FakeWeChatPay(), FakeAlipay()
    try:
        await run(wechat.start())
        await run(alipay.start())
        yield Fakes(run, wechat, alipay)
    finally:
        with contextlib.suppress(Exception):
            await run(wechat.stop())
        with contextlib.suppress(Exception):
            await run(alipay.stop())
        run.close()


# --- the scratch database ----------------------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def _admin(url: str, sql: str) -> None:
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise BenchError(
            f"cannot reach {urlsplit(url).netloc}: {exc} (scripts/services.sh start dev)", 2
        ) from exc
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


USERS = """
    INSERT INTO users (phone, display_name)
    SELECT '+86137' || lpad(n::text, 8, '0'), '压测住户 ' || n FROM generate_series(1, $1) n
"""
ROLES = "INSERT INTO user_roles (user_id, role) SELECT id, 'resident' FROM users WHERE phone LIKE '+86137%'"
BINDINGS = """
    INSERT INTO home_bindings (home_id, estate_id, user_id, relation, state, via, decided_at)
    SELECT h.id, h.estate_id, u.id, 'owner', 'active', 'register', now()
    FROM (SELECT id, estate_id, row_number() OVER (ORDER BY id) AS n FROM homes) h
    JOIN (SELECT id, row_number() OVER (ORDER BY phone) AS n FROM users WHERE phone LIKE '+86137%') u USING (n)
"""


async def generate(url: str, homes: int) -> None:
    """The estate, its homes and owners, a resident bound to each home, and one bill per home."""
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
        started = time.perf_counter()
        async with conn.transaction():
            for label, sql in GENERATE:
                if label in ("parking", "readings"):
                    continue
                await conn.execute(sql, homes) if "$1" in sql else await conn.execute(sql)
            await conn.execute("UPDATE fee_items SET active = false WHERE kind <> 'property'")
            await conn.execute(USERS, homes)
            await conn.execute(ROLES)
            await conn.execute(BINDINGS)
        await conn.execute("VACUUM ANALYZE")
        took = time.perf_counter() - started
        print(f"  {homes:,} homes, owners and bound residents generated in {took:.1f} s", flush=True)
    finally:
        await conn.close()
    pool = await _pool(url, 4)
    try:
        started = time.perf_counter()
        estate = await pool.fetchval("SELECT id FROM estates")
        async with pool.acquire() as proxy, proxy.transaction():
            run, _ = await billing.create_run(cast(asyncpg.Connection, proxy), estate, PERIOD, None)
        done = await billing.execute_run(pool, run.id)
        print(
            f"  billing run {PERIOD}: {done.bills_created:,} bills in {time.perf_counter() - started:.1f} s "
            "(housing.billing, as the worker runs it)",
            flush=True,
        )
    finally:
        await pool.close()


async def _pool(url: str, size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        url,
        min_size=1,
        max_size=size,
        init=_init_connection,
        server_settings=SERVER_SETTINGS,
        command_timeout=120,
    )
    assert pool is not None
    return pool


# --- orders, paid at the fakes, and their callbacks ----------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    out_trade_no: str
    channel: str
    amount_fen: int
    app_payment: Any


@dataclass(frozen=True)
class Send:
    """One callback to post: the first copy of an order's notification, or a duplicate of it."""

    index: int
    channel: str
    out_trade_no: str
    kind: str  # first | concurrent (duplicate right after its first copy) | later (duplicate further on)
    notification: Notification


async def make_orders(
    url: str, settings: Settings, channels: Sequence[str], concurrency: int
) -> tuple[list[Order], dict[str, PaymentProvider]]:
    """One order per open bill, through housing.payments.create_order, each in its own transaction."""
    providers = build_providers(settings)
    urls = payments.Urls(
        payment={c: notify_url(settings, c) for c in ("wechat", "alipay")},
        refund={c: notify_url(settings, c, refund=True) for c in ("wechat", "alipay")},
    )
    ttl = timedelta(seconds=settings.payment_order_ttl_s)
    pool = await _pool(url, concurrency)
    try:
        rows = await pool.fetch(
            """SELECT b.id AS bill_id, hb.user_id FROM bills b
               JOIN home_bindings hb ON hb.home_id = b.home_id AND hb.state = 'active'
               ORDER BY b.home_id"""
        )
        if len(rows) != len(channels):
            raise BenchError(f"{len(rows)} bills with a bound resident, {len(channels)} expected", 2)
        orders: list[Order | None] = [None] * len(rows)
        next_index = 0

        async def worker() -> None:
            nonlocal next_index
            while next_index < len(rows):
                i = next_index
                next_index += 1
                data = payments.PaymentCreate(channel=channels[i], bill_ids=[rows[i]["bill_id"]])  # type: ignore[arg-type]
                async with pool.acquire() as proxy, proxy.transaction():
                    made = await payments.create_order(
                        cast(asyncpg.Connection, proxy), providers, urls, rows[i]["user_id"], data, ttl=ttl
                    )
                p = made.payment
                orders[i] = Order(p.out_trade_no, p.channel, p.amount_fen, made.app_payment)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await pool.close()
    return [o for o in orders if o is not None], providers


async def pay_and_notify(fakes: Fakes, orders: Sequence[Order]) -> dict[str, Notification]:
    """Each order paid at its fake, silently; its signed callback (first copy) built."""

    async def at_the_fakes() -> dict[str, Notification]:
        out: dict[str, Notification] = {}
        for o in orders:
            if o.channel == "alipay":
                assert isinstance(o.app_payment, AlipayOrderString)
                fakes.alipay.open_order_string(o.app_payment.order_string)  # what the Alipay app does
                await fakes.alipay.pay(o.out_trade_no, mode="silent")
                out[o.out_trade_no] = fakes.alipay.payment_notification(o.out_trade_no)
            else:
                await fakes.wechat.pay(o.out_trade_no, mode="silent")
                out[o.out_trade_no] = fakes.wechat.payment_notification(o.out_trade_no)
        return out

    return await fakes.run(at_the_fakes())


async def duplicates_of(
    fakes: Fakes, firsts: dict[str, Notification], orders: Sequence[Order]
) -> dict[str, Notification]:
    """The provider's retry of each order's callback: the same event id (notify_id), signed anew."""

    async def at_the_fakes() -> dict[str, Notification]:
        out: dict[str, Notification] = {}
        for o in orders:
            label = firsts[o.out_trade_no].label
            if o.channel == "alipay":
                out[o.out_trade_no] = fakes.alipay.payment_notification(o.out_trade_no, notify_id=label)
            else:
                out[o.out_trade_no] = fakes.wechat.payment_notification(o.out_trade_no, event_id=label)
        return out

    return await fakes.run(at_the_fakes())


def plan(
    orders: Sequence[Order],
    firsts: dict[str, Notification],
    seconds: dict[str, Notification],
    concurrent: set[str],
    concurrency: int,
    rng: random.Random,
) -> list[Send]:
    """Firsts in a shuffled order; a concurrent duplicate right behind its first copy (both in flight at once), a
    later one at a random place at least two rounds of `concurrency` after it."""
    shuffled = list(orders)
    rng.shuffle(shuffled)
    total = len(shuffled) + len(seconds)
    placed: list[tuple[float, str, str, Notification]] = []
    for position, o in enumerate(shuffled):
        placed.append((float(position), "first", o.out_trade_no, firsts[o.out_trade_no]))
        if o.out_trade_no in seconds:
            if o.out_trade_no in concurrent:
                at = position + 0.5
            else:
                at = rng.uniform(min(position + 2 * concurrency, total - 1), total)
            placed.append((at, "concurrent" if o.out_trade_no in concurrent else "later", o.out_trade_no,
                           seconds[o.out_trade_no]))  # fmt: skip
    placed.sort(key=lambda p: p[0])
    channel = {o.out_trade_no: o.channel for o in orders}
    return [Send(i, channel[no], no, kind, n) for i, (_, kind, no, n) in enumerate(placed)]


# --- the load --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    send: Send
    status: int  # 0: no answer (connection error, timeout)
    body: bytes
    started: float
    ended: float

    @property
    def latency(self) -> float:
        return self.ended - self.started

    @property
    def acked(self) -> bool:
        return (self.status, self.body.strip()) == ACK[self.send.channel]


@dataclass(frozen=True)
class Measured:
    outcomes: list[Outcome]
    seconds: float
    before: Cpu
    after: Cpu
    waits: DbWaits | None
    loadavg_after: str  # /proc/loadavg's 1, 5 and 15 minute figures as the load ended


async def _post(session: aiohttp.ClientSession, base: str, send: Send) -> Outcome:
    started = time.perf_counter()
    n = send.notification
    try:
        async with session.post(f"{base}{urlsplit(n.url).path}", data=n.body, headers=n.headers) as response:
            status, body = response.status, await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        status, body = 0, repr(exc).encode()
    return Outcome(send, status, body, started, time.perf_counter())


async def warm_up(
    base: str, fakes: Fakes, orders: Sequence[Order], concurrency: int
) -> Counter[tuple[str, int]]:
    """Forged callbacks of real orders (signed by a stranger's key): every one must be refused ("send again") and
    write nothing; meanwhile the connections open and the WeChat SDK fetches its platform certificates."""

    async def forged() -> list[Send]:
        out: list[Send] = []
        for channel, fake in (("wechat", fakes.wechat), ("alipay", fakes.alipay)):
            mine = [o for o in orders if o.channel == channel][:WARMUP_FORGED]
            for o in mine:
                n = fake.payment_notification(o.out_trade_no, mode="forged")
                out.append(Send(len(out), channel, o.out_trade_no, "forged", n))
        return out

    sends = await fakes.run(forged())
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        outcomes = await asyncio.gather(*(_post(session, base, s) for s in sends))
    return Counter((o.send.channel, o.status) for o in outcomes if not o.acked)


async def load(
    base: str, sends: Sequence[Send], concurrency: int, server_pid: int, settings: Settings, db_waits: bool
) -> Measured:
    """`concurrency` clients, each posting the next callback of the plan as soon as its last one is answered."""
    local = urlsplit(settings.database_url).hostname in LOCAL_HOSTS
    monitor = await watcher(settings) if local else None
    stop = asyncio.Event()
    outcomes: list[Outcome] = []
    next_index = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    try:
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=60)
        ) as session:

            async def client() -> None:
                nonlocal next_index
                while next_index < len(sends):
                    send = sends[next_index]
                    next_index += 1
                    outcomes.append(await _post(session, base, send))

            sampler = asyncio.create_task(sample_db_waits(settings, stop)) if db_waits else None
            before = read_cpu(server_pid, await api_backends(monitor))
            started = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(concurrency)))
            seconds = time.perf_counter() - started
            after = read_cpu(server_pid, {*before.backends, *await api_backends(monitor)})
            stop.set()
            waits = await sampler if sampler is not None else None
    finally:
        if monitor is not None:
            await monitor.close()
    return Measured(outcomes, seconds, before, after, waits, _loadavg())


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# --- the report ------------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(measured: Measured, concurrency: int) -> list[str]:
    outcomes, seconds = measured.outcomes, measured.seconds
    lines = [f"load: {len(outcomes):,} callbacks, {concurrency} at once, in {seconds:.2f} s"]
    header = f"  {'channel':<8} {'callbacks':>9} {'of which dup.':>13} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    lines.append(header)
    for channel in ("wechat", "alipay", "all"):
        mine = [o for o in outcomes if channel in ("all", o.send.channel)]
        lat = [o.latency * 1e3 for o in mine]
        dups = sum(o.send.kind != "first" for o in mine)
        lines.append(
            f"  {channel:<8} {len(mine):>9,} {dups:>13,} {len(mine) / seconds:>8,.0f} {percentile(lat, 0.5):>8.1f} "
            f"{percentile(lat, 0.99):>8.1f} {max(lat, default=0):>8.1f}"
        )
    answers = Counter((o.send.channel, o.status, o.body[:40]) for o in outcomes)
    lines.append(
        "  answers  "
        + ", ".join(
            f"{ch} {st} {body.decode(errors='replace')!r} x {n:,}"
            for (ch, st, body), n in sorted(answers.items())
        )
    )
    by_kind = Counter(o.send.kind for o in outcomes)
    overlapped = _overlapping(outcomes)
    lines.append(
        f"  sent     {by_kind['first']:,} first copies, {by_kind['concurrent']:,} duplicates right behind their first "
        f"copy ({overlapped:,} of them in flight together with it), {by_kind['later']:,} duplicates later"
    )
    before, after = measured.before, measured.after
    n = len(outcomes) or 1
    server = after.server - before.server
    backends = sum(after.backends.get(pid, 0.0) - before.backends.get(pid, 0.0) for pid in after.backends)
    bench = after.bench - before.bench
    busy = after.busy - before.busy
    others = max(0.0, busy - server - backends - bench)
    cores = os.cpu_count() or 1

    def share(cpu: float) -> str:
        return f"{cpu / seconds:4.2f} core ({cpu / n * 1e3:5.2f} ms a callback)"

    lines.append(f"  CPU      API process {share(server)}")
    if after.backends:
        lines.append(f"           its PostgreSQL connections ({len(after.backends)}) {share(backends)}")
    else:
        lines.append(
            "           its PostgreSQL connections: not measured (the database is not on this machine)"
        )
    lines.append(f"           this process (the load, the fakes idle) {share(bench)}")
    lines.append(
        f"           everything else {share(others)}; machine busy {busy / seconds:4.2f} of {cores} cores; "
        f"load average {measured.loadavg_after} (1, 5, 15 min) as the load ended"
    )
    if others / seconds > OTHERS_NOTICEABLE:
        lines.append("           (other work took CPU meanwhile: the figures are pessimistic)")
    if after.backends and server + backends > 0:
        bound = cores * n / (server + backends)
        lines.append(
            f"  CPU bound: {cores} cores / (API + its PostgreSQL CPU per callback) = at most {bound:,.0f} "
            "callbacks/s with the machine to itself (lock waits not counted)"
        )
    if measured.waits is not None:
        waits = measured.waits
        lines.append(f"  database waits: what the API's connections were doing in {waits.samples:,} looks")
        for (doing, query), seen in waits.seen.most_common(12):
            lines.append(
                f"    {seen / max(1, waits.samples):6.2f} avg  {doing}" + (f": {query}" if query else "")
            )
    return lines


def _overlapping(outcomes: Sequence[Outcome]) -> int:
    """Concurrent duplicates whose request was in flight while their first copy's was."""
    first = {o.send.out_trade_no: o for o in outcomes if o.send.kind == "first"}
    count = 0
    for o in outcomes:
        f = first.get(o.send.out_trade_no)
        if o.send.kind == "concurrent" and f is not None and o.started < f.ended and f.started < o.ended:
            count += 1
    return count


@dataclass(frozen=True)
class Check:
    what: str
    got: object
    expected: object

    @property
    def ok(self) -> bool:
        return self.got == self.expected


async def counts(url: str, orders: Sequence[Order], duplicates: int) -> list[Check]:
    n = len(orders)
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            """SELECT
                 (SELECT count(*) FROM ledger_entries WHERE kind = 'payment') AS payment_entries,
                 (SELECT count(*) FROM bills WHERE state = 'paid') AS bills_paid,
                 (SELECT count(*) FROM bills WHERE state <> 'paid') AS bills_not_paid,
                 (SELECT count(*) FROM payment_orders WHERE state = 'paid') AS orders_paid,
                 (SELECT count(DISTINCT receipt_no) FROM payment_orders WHERE state = 'paid') AS receipts,
                 (SELECT count(DISTINCT provider_transaction_id) FROM payment_orders) AS transactions,
                 (SELECT coalesce(sum(last), 0) FROM receipt_counters) AS counter,
                 (SELECT count(*) FROM payment_refunds) AS refunds,
                 (SELECT coalesce(sum(balance), 0) FROM ledger_accounts WHERE kind = 'clearing') AS clearing,
                 (SELECT coalesce(sum(amount_fen), 0) FROM payment_orders) AS ordered,
                 (SELECT count(*) FROM bill_events WHERE action LIKE 'pay%') AS pay_events"""
        )
        outcomes = {r["outcome"]: r["n"] for r in await conn.fetch(
            "SELECT outcome, count(*) AS n FROM payment_callbacks GROUP BY outcome"
        )}  # fmt: skip
    finally:
        await conn.close()
    assert row is not None
    return [
        Check("payment ledger entries (none lost, none twice)", row["payment_entries"], n),
        Check("bills paid", row["bills_paid"], n),
        Check("bills not paid", row["bills_not_paid"], 0),
        Check("bill payment events", row["pay_events"], n),
        Check("orders paid", row["orders_paid"], n),
        Check("distinct receipt numbers", row["receipts"], n),
        Check("distinct provider transaction ids", row["transactions"], n),
        Check("receipt counter (gapless)", row["counter"], n),
        Check("refunds queued (a surplus: credit twice)", row["refunds"], 0),
        Check("clearing balances == orders' amounts (fen)", row["clearing"], row["ordered"]),
        Check("callbacks applied", outcomes.pop("applied", 0), n),
        Check("callbacks duplicate", outcomes.pop("duplicate", 0), duplicates),
        Check("callbacks of any other outcome", sum(outcomes.values()), 0),
    ]


def ledger_check_cli(env: dict[str, str]) -> tuple[bool, str]:
    """`cityloop ledger check` on the scratch database, in a child process (exit 0: OK)."""
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "ledger", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    said = (proc.stdout.strip() or proc.stderr.strip() or f"exit {proc.returncode}").splitlines()
    return proc.returncode == 0, " / ".join(line.strip() for line in said[:2])


# --- where a callback's time goes before the database (--breakdown) ------------------------------------------------


async def breakdown(
    providers: dict[str, PaymentProvider], fakes: Fakes, orders: Sequence[Order], per_channel: int
) -> list[str]:
    """verify_callback one at a time (parsing and checks included), then the bare SDK call alone, on fresh
    notifications (WeChat's are refused once their timestamp is 5 minutes old)."""

    async def fresh() -> dict[str, list[Notification]]:
        out: dict[str, list[Notification]] = {"wechat": [], "alipay": []}
        for channel, fake in (("wechat", fakes.wechat), ("alipay", fakes.alipay)):
            mine = [o for o in orders if o.channel == channel][:per_channel]
            out[channel] = [fake.payment_notification(o.out_trade_no) for o in mine]
        return out

    notifications = await fakes.run(fresh())
    lines = [f"breakdown (this process, one at a time, {per_channel:,} notifications per channel):"]
    for channel in ("wechat", "alipay"):
        mine = notifications[channel]
        provider = providers[channel]
        if not mine:
            continue
        await provider.verify_callback(mine[0].headers, mine[0].body)  # the WeChat SDK is built on first use
        started = time.perf_counter()
        cpu = time.process_time()
        for n in mine:
            await provider.verify_callback(n.headers, n.body)
        wall = (time.perf_counter() - started) / len(mine) * 1e6
        cpu_us = (time.process_time() - cpu) / len(mine) * 1e6
        bare = _bare_sdk(provider, channel, mine)
        lines.append(
            f"  {channel:<7} verify_callback {wall:6.0f} us wall, {cpu_us:6.0f} us CPU "
            f"(parsing and checks included); the SDK's verify alone {bare:6.0f} us"
        )
    return lines


def _bare_sdk(provider: Any, channel: str, notifications: Sequence[Notification]) -> float:
    from urllib.parse import parse_qsl

    started = time.perf_counter()
    if channel == "wechat":
        sdk = provider._sdk_now()
        for n in notifications:
            sdk.callback({k.lower(): v for k, v in n.headers.items()}, n.body.decode())
    else:
        for n in notifications:
            params = dict(parse_qsl(n.body.decode()))
            sign = params.pop("sign")
            provider._sdk.verify(params, sign)
    return (time.perf_counter() - started) / len(notifications) * 1e6


# --- main -------------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.payment_callbacks", description=__doc__.split("\n")[0])
    p.add_argument("--homes", type=int, default=5000, help="homes, bills and paid orders (5,000)")
    p.add_argument(
        "--duplicates", type=float, default=0.2, help="share of the orders whose callback comes twice"
    )
    p.add_argument("--alipay-share", type=float, default=0.5, help="share of the orders paid by Alipay (0.5)")
    p.add_argument("--concurrency", type=int, default=64, help="callbacks in flight at once (64)")
    p.add_argument("--setup-concurrency", type=int, default=8, help="orders made at once in the setup (8)")
    p.add_argument("--seed", type=int, help="the order of the callbacks (random by default)")
    p.add_argument("--db-pool-max", type=int, help="DB_POOL_MAX for the API (the app's default)")
    p.add_argument("--db-waits", action="store_true", help="sample what the API's connections wait for")
    p.add_argument("--breakdown", action="store_true", help="time the signature checks in this process after")
    p.add_argument("--keep-db", action="store_true", help="keep the scratch database (drop it yourself)")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    p.add_argument("--startup-timeout", type=float, default=30.0)
    p.add_argument(
        "--app",
        default="api.asgi:app",
        help="the ASGI app factory uvicorn serves (api.asgi:app); for trials, one that patches the app first",
    )
    args = p.parse_args(argv)
    if args.homes < 10 or not 0 <= args.duplicates <= 1 or not 0 <= args.alipay_share <= 1:
        p.error("--homes >= 10, 0 <= --duplicates <= 1, 0 <= --alipay-share <= 1")
    if args.concurrency < 1 or args.setup_concurrency < 1:
        p.error("--concurrency and --setup-concurrency are at least 1")
    return args


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = read_env_file(args.env_file) if args.env_file.is_file() else {}
    env.update(os.environ)
    env["LOG_LEVEL"] = "WARNING"
    if args.db_pool_max is not None:
        env["DB_POOL_MAX"] = str(args.db_pool_max)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return env


@contextlib.contextmanager
def scratch_database(runner: asyncio.Runner, env: dict[str, str], keep: bool) -> Iterator[str]:
    if "DATABASE_URL" not in env:
        raise BenchError(
            f"DATABASE_URL is not set (scripts/services.sh start dev writes {DEFAULT_ENV_FILE})", 2
        )
    admin_url = env.get("DATABASE_ADMIN_URL") or _with_database(env["DATABASE_URL"], "postgres")
    name = f"cityloop_bench_payments_{secrets.token_hex(4)}"
    runner.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(env["DATABASE_URL"], name)
    finally:
        if not keep:
            runner.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _database_settings(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        version = (await conn.fetchval("SELECT version()")).split(" on ")[0]
        knobs = await conn.fetch(
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers') "
            "ORDER BY name"
        )
    finally:
        await conn.close()
    return f"{version}, " + ", ".join(f"{k['name']}={k['setting']}" for k in knobs)


def run(args: argparse.Namespace) -> int:
    env = bench_env(args)
    seed = args.seed if args.seed is not None else secrets.randbelow(10**6)
    rng = random.Random(seed)
    n = args.homes
    # spread evenly over the homes: home i pays by Alipay when the running share steps up at i
    share = args.alipay_share
    channels = ["alipay" if int((i + 1) * share) > int(i * share) else "wechat" for i in range(n)]
    duplicates = round(n * args.duplicates)

    print("Payment callbacks: verified and applied once, duplicates included, loopback, one uvicorn worker\n")
    for key, value in machine():
        print(f"  {key:<9} {value}")
    print(
        f"  {'plan':<9} {n:,} paid orders ({channels.count('wechat'):,} WeChat Pay, {channels.count('alipay'):,} "
        f"Alipay), {duplicates:,} duplicates ({duplicates // 2:,} right behind their first copy, the rest later); "
        f"--seed {seed}"
    )
    print(
        f"  {'loadgen':<9} aiohttp + uvloop in this process, closed loop, {args.concurrency} at once",
        flush=True,
    )

    with (
        asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner,
        contextlib.ExitStack() as stack,
    ):
        url = stack.enter_context(scratch_database(runner, env, args.keep_db))
        env["DATABASE_URL"] = url
        logdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cityloop-bench-")))
        server = Server("cityloop", args.app, env, logdir, factory=True)
        config_file = logdir / "payment_providers.json"
        env["PAYMENTS_CONFIG_FILE"] = str(config_file)
        env["PAYMENTS_NOTIFY_ORIGIN"] = f"http://{HOST}:{server.port}"
        server.env.update(env)
        fakes = stack.enter_context(_sync(runner, fakes_running()))
        write_client_configs(config_file, fakes.wechat.client_config(), fakes.alipay.client_config())
        try:
            settings = load_settings(env)
        except SettingsError as exc:
            raise BenchError(f"the CityLoop environment is not usable: {exc}", 2) from exc
        print(f"  {'database':<9} {runner.run(_database_settings(url))}")
        print(
            f"  {'scratch':<9} {urlsplit(url).path.lstrip('/')} on {urlsplit(url).netloc} "
            f"({'kept' if args.keep_db else 'dropped at the end'}); API DB_POOL_MAX={settings.db_pool_max}"
            + ("" if args.app == "api.asgi:app" else f", app {args.app}"),
            flush=True,
        )

        print("\nsetup (not timed)", flush=True)
        runner.run(generate(url, n))
        started = time.perf_counter()
        orders, providers = runner.run(make_orders(url, settings, channels, args.setup_concurrency))
        took = time.perf_counter() - started
        print(
            f"  {len(orders):,} orders made through housing.payments.create_order in {took:.1f} s "
            f"({args.setup_concurrency} at once; WeChat prepay calls to the fake, Alipay order strings)",
            flush=True,
        )
        started = time.perf_counter()
        firsts = runner.run(pay_and_notify(fakes, orders))
        twice = rng.sample(orders, duplicates)
        concurrent = {o.out_trade_no for o in twice[: duplicates // 2]}
        seconds = runner.run(duplicates_of(fakes, firsts, twice))
        sends = plan(orders, firsts, seconds, concurrent, args.concurrency, rng)
        built_at = time.time()
        print(
            f"  paid at the fakes, {len(sends):,} signed notifications built in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

        with running(server, args.startup_timeout):
            assert server.proc is not None
            base = f"http://{HOST}:{server.port}"
            refused = runner.run(warm_up(base, fakes, orders, args.concurrency))
            print(
                f"  warm-up: {sum(refused.values())} forged callbacks refused ("
                + ", ".join(f"{ch} {st} x {k}" for (ch, st), k in sorted(refused.items()))
                + ")",
                flush=True,
            )
            written = runner.run(_callbacks_written(url))
            if written:
                raise BenchError(f"forged callbacks wrote {written} payment_callbacks rows", 3)
            print(f"\nload: {len(sends):,} callbacks, {args.concurrency} at once", flush=True)
            measured = runner.run(
                load(base, sends, args.concurrency, server.proc.pid, settings, args.db_waits)
            )
            log_tail = server.log_tail()

        print()
        for line in report(measured, args.concurrency):
            print(line)
        rate = len(measured.outcomes) / measured.seconds
        not_acked = [o for o in measured.outcomes if not o.acked]

        print("\ncounts afterwards")
        checks = runner.run(counts(url, orders, duplicates))
        ok_cli, said = ledger_check_cli(env)
        for c in checks:
            print(f"  {'PASS' if c.ok else 'FAIL'}  {c.what:<46} {c.got:>12,}   expected {c.expected:,}")
        print(f"  {'PASS' if ok_cli else 'FAIL'}  cityloop ledger check                          {said}")
        print(
            f"  {'PASS' if not not_acked else 'FAIL'}  every callback acknowledged                    "
            f"{len(measured.outcomes) - len(not_acked):>12,}   expected {len(measured.outcomes):,}"
        )
        passed = all(c.ok for c in checks) and ok_cli and not not_acked
        if any(o.send.channel == "wechat" for o in not_acked) and time.time() - built_at > STALE_AFTER_S:
            print(
                "  (the WeChat notifications were signed more than 5 minutes before the last was sent, and the "
                "API refuses stale ones: run fewer --homes on a machine this busy)"
            )

        if args.breakdown:
            print()
            for line in runner.run(breakdown(providers, fakes, orders, min(500, n // 2))):
                print(line)

        verdict = "met" if rate >= TARGET_RATE else "missed"
        print(f"\n{rate:,.0f} callbacks/s against a target of {TARGET_RATE:,.0f}/s: target {verdict}")
        print("counts: PASS" if passed else "counts: FAIL", flush=True)
        if not passed and (any(o.status >= 500 or o.status == 0 for o in not_acked)):
            print(f"\nserver log tail:\n{log_tail}", file=sys.stderr)
    return 0 if passed else 3


async def _callbacks_written(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM payment_callbacks"))
    finally:
        await conn.close()


@contextlib.contextmanager
def _sync(runner: asyncio.Runner, manager: Any) -> Iterator[Any]:
    """An async context manager entered and left on the runner's loop."""
    value = runner.run(manager.__aenter__())
    try:
        yield value
    except BaseException as exc:
        if not runner.run(manager.__aexit__(type(exc), exc, exc.__traceback__)):
            raise
    else:
        runner.run(manager.__aexit__(None, None, None))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        print(f"\npayment_callbacks: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
