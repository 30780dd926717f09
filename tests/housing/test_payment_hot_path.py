# ruff: noqa: F401, F811
"""The payment callback's hot path (bench/payment_callbacks.py): the SDKs verify without a thread hop when no
network call can happen, a home's first account is made without queueing behind a busy clearing account, the rows
every payment of an estate needs (its clearing account, the receipt counter) are taken last, and receipt numbers go
on past 999,999."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.db import connect
from api.settings import Settings
from housing import ledger, settlement
from housing.providers import AlipayOrderString, AlipayProvider, PaymentCallback, WeChatPayProvider
from housing.providers.base import CHINA_TZ
from housing.providers.errors import CallbackSignatureInvalid
from housing.providers.fakes import FakeAlipay, FakeWeChatPay
from tests.housing.money_fixtures import bind, check_ok, make_estate
from tests.housing.payment_fixtures import (  # fixtures too
    Background,
    Scene,
    alipay_fake,
    deliver,
    pay_order,
    pool,
    run,
    scene,
    settings,
    wechat_fake,
)

T = TypeVar("T")


def _count_hops(monkeypatch: pytest.MonkeyPatch, provider: Any, hops: list[str]) -> None:
    """Record each worker-thread hop of the provider (still made)."""
    original = provider._limit.run

    async def counted(fn: Callable[..., T], /, *args: object) -> T:
        hops.append(provider.channel)
        result: T = await original(fn, *args)
        return result

    monkeypatch.setattr(provider._limit, "run", counted)


async def test_alipay_callbacks_are_verified_by_the_sdk_inline(
    monkeypatch: pytest.MonkeyPatch, alipay_fake: FakeAlipay, run: Background
) -> None:
    """Alipay's check makes no call (the SDK verifies with the configured public key): never a thread hop."""
    alipay = AlipayProvider(alipay_fake.client_config())
    order = await alipay.create_order("HOT0000000000002", 100, "物业费", "http://127.0.0.1:9/n")
    assert isinstance(order, AlipayOrderString)
    alipay_fake.open_order_string(order.order_string)
    await run(alipay_fake.pay("HOT0000000000002", "silent"))
    hops: list[str] = []
    _count_hops(monkeypatch, alipay, hops)
    paid = alipay_fake.payment_notification("HOT0000000000002")
    event = await alipay.verify_callback(paid.headers, paid.body)
    assert isinstance(event, PaymentCallback) and event.amount_fen == 100
    for mode in ("forged", "tampered"):
        spoiled = alipay_fake.payment_notification("HOT0000000000002", mode=mode)
        with pytest.raises(CallbackSignatureInvalid):
            await alipay.verify_callback(spoiled.headers, spoiled.body)
    assert hops == []


async def test_wechat_callbacks_are_verified_inline_unless_a_download_may_be_needed(
    monkeypatch: pytest.MonkeyPatch, wechat_fake: FakeWeChatPay, run: Background
) -> None:
    ordering = WeChatPayProvider(wechat_fake.client_config())
    await ordering.create_order("HOT0000000000001", 100, "物业费", "http://127.0.0.1:9/n")
    await run(wechat_fake.pay("HOT0000000000001", "silent"))
    wechat = WeChatPayProvider(wechat_fake.client_config())  # its SDK not built yet
    hops: list[str] = []
    _count_hops(monkeypatch, wechat, hops)

    good = wechat_fake.payment_notification("HOT0000000000001")
    # the first: the SDK is built in a worker thread (it downloads the platform certificates)
    assert isinstance(await wechat.verify_callback(good.headers, good.body), PaymentCallback)
    assert hops == ["wechat"]
    # then the certificate that signs is known: checked inline, good or spoiled
    assert isinstance(await wechat.verify_callback(good.headers, good.body), PaymentCallback)
    for mode in ("forged", "tampered"):
        spoiled = wechat_fake.payment_notification("HOT0000000000001", mode=mode)
        with pytest.raises(CallbackSignatureInvalid):
            await wechat.verify_callback(spoiled.headers, spoiled.body)
    assert hops == ["wechat"]
    # a serial it does not know may need a download: in a worker thread
    unknown = wechat_fake.payment_notification("HOT0000000000001", mode="unknown_serial")
    with pytest.raises(CallbackSignatureInvalid):
        await wechat.verify_callback(unknown.headers, unknown.body)
    assert hops == ["wechat", "wechat"]

    # a refresh holding the certificates (a download, in a worker thread): the event loop does not wait for it,
    # and the callback is checked in a worker thread once the refresh is done
    assert wechat._sdk is not None
    lock = wechat._sdk._core._certificates_lock
    held, release = threading.Event(), threading.Event()

    def refresh() -> None:
        with lock:
            held.set()
            release.wait(10)

    holder = threading.Thread(target=refresh)
    holder.start()
    try:
        assert held.wait(10)
        verifying = asyncio.ensure_future(wechat.verify_callback(good.headers, good.body))
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        assert time.perf_counter() - started < 1.0 and not verifying.done()
    finally:
        release.set()
        holder.join(10)
    assert isinstance(await verifying, PaymentCallback)
    assert hops == ["wechat", "wechat", "wechat"]


async def test_a_new_account_is_made_without_waiting_for_a_busy_clearing_account(
    db: asyncpg.Connection, settings: Settings
) -> None:
    estate = await make_estate(db, buildings=1, homes_per_building=2)
    first, second = estate.homes
    async with db.transaction():
        await settlement.apply_payment(db, home_id=first, amount_fen=100, provider="wechat", ref="wx-0")
    other = await connect(settings)
    try:
        async with other.transaction():  # a payment in flight: it holds the clearing account until its commit
            await settlement.apply_payment(
                other, home_id=first, amount_fen=100, provider="wechat", ref="wx-1"
            )
            async with db.transaction():
                await db.execute("SET LOCAL lock_timeout = '2s'")
                keys = [
                    ledger.clearing_account(estate.id, "wechat"),
                    ledger.home_account("receivable", estate.id, second),
                    ledger.home_account("prepayment", estate.id, second),
                ]
                ids = await ledger.accounts(db, keys)  # the second home's accounts are new
            assert sorted(ids) == sorted(keys)
    finally:
        await other.close()
    await check_ok(db)


class _InFlight:
    """Another payment of the estate in flight, on the fakes' event loop (the test client answers a request before
    the test's loop goes on): it holds a row, sees at which statement the callback waits for it, then gives up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def hold(self, write: Callable[[asyncpg.Connection], Awaitable[object]]) -> None:
        self.conn = await connect(self.settings)
        self.tx = self.conn.transaction()
        await self.tx.start()
        await write(self.conn)

    async def give_up_when_waited_for(self) -> tuple[str, set[str]]:
        """The statement of the connection that waits for this one (within 20 s), once it does, and the tables its
        transaction has written to by then."""
        watch = await connect(self.settings)  # no transaction: pg_stat_activity is read afresh each time
        try:
            for _ in range(400):
                waiting = await watch.fetchrow(
                    """SELECT pid, query FROM pg_stat_activity
                       WHERE wait_event_type = 'Lock' AND $1 = ANY (pg_blocking_pids(pid))""",
                    self.conn.get_server_pid(),
                )
                if waiting is not None:
                    written = await watch.fetch(
                        """SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                           WHERE l.pid = $1 AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'""",
                        waiting["pid"],
                    )
                    return waiting["query"], {r["relname"] for r in written}
                await asyncio.sleep(0.05)
            raise AssertionError("nothing waited for the payment in flight")
        finally:
            await watch.close()
            await self.tx.rollback()
            await self.conn.close()


async def test_a_callback_takes_the_clearing_account_and_then_the_receipt_counter_last(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    """While other payments hold the estate's shared rows, a callback writes everything else (the home's first
    accounts included) and waits only at the statement that takes the row: the ledger lines for the clearing
    account, the receipt number for the counter."""
    orders = [
        await pay_order(client, scene.resident, f"pay-hot-{i:08d}", "wechat", scene.bills[i : i + 1])
        for i in range(2)
    ]
    for o in orders:
        await run(wechat_fake.pay(o["payment"]["out_trade_no"], mode="silent"))
    year = datetime.now(CHINA_TZ).year
    await ledger.account_id(
        db, ledger.clearing_account(scene.estate.id, "wechat")
    )  # made by an earlier payment

    # the clearing account held by a payment of another home
    other = _InFlight(settings)
    await run(
        other.hold(
            lambda conn: settlement.apply_payment(
                conn, home_id=scene.estate.homes[1], amount_fen=100, provider="wechat", ref="in-flight"
            )
        )
    )
    watching = asyncio.run_coroutine_threadsafe(other.give_up_when_waited_for(), run.loop)
    r = await deliver(
        client, "wechat", wechat_fake.payment_notification(orders[0]["payment"]["out_trade_no"])
    )
    assert r.status_code == 204
    waiting, written = await asyncio.wrap_future(watching)
    assert waiting.lstrip().startswith("INSERT INTO ledger_lines")
    # the evidence, the order's lines released, the home's new accounts, its bills and their events: all written
    assert {"payment_callbacks", "payment_order_lines", "ledger_accounts", "bills", "bill_events"} <= written
    assert "payment_orders" not in written and "receipt_counters" not in written

    # the receipt counter held by another payment
    other = _InFlight(settings)
    await run(
        other.hold(
            lambda conn: conn.execute(
                "UPDATE receipt_counters SET last = last WHERE estate_id = $1 AND year = $2",
                scene.estate.id,
                year,
            )
        )
    )
    watching = asyncio.run_coroutine_threadsafe(other.give_up_when_waited_for(), run.loop)
    r = await deliver(
        client, "wechat", wechat_fake.payment_notification(orders[1]["payment"]["out_trade_no"])
    )
    assert r.status_code == 204
    waiting, written = await asyncio.wrap_future(watching)
    assert "receipt_counters" in waiting and "UPDATE payment_orders" in waiting  # the last statement
    assert {"payment_callbacks", "payment_order_lines", "bills", "bill_events", "ledger_lines"} <= written

    receipts = sorted(r["receipt_no"] for r in await db.fetch("SELECT receipt_no FROM payment_orders"))
    assert receipts == [f"{year}-000001", f"{year}-000002"]
    await check_ok(db)


async def test_receipt_numbers_go_on_past_999999_without_a_gap(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    alipay_fake: FakeAlipay,
    run: Background,
) -> None:
    year = datetime.now(CHINA_TZ).year
    await db.execute(
        "INSERT INTO receipt_counters (estate_id, year, last) VALUES ($1, $2, 999998)", scene.estate.id, year
    )
    for i in range(2):
        order = await pay_order(client, scene.resident, f"pay-rcpt-{i:08d}", "alipay", scene.bills[i : i + 1])
        alipay_fake.open_order_string(order["app_payment"]["order_string"])
        no = order["payment"]["out_trade_no"]
        await run(alipay_fake.pay(no, mode="silent"))
        r = await deliver(client, "alipay", alipay_fake.payment_notification(no))
        assert r.content == b"success"
    receipts = [
        r["receipt_no"] for r in await db.fetch("SELECT receipt_no FROM payment_orders ORDER BY paid_at")
    ]
    assert receipts == [f"{year}-999999", f"{year}-1000000"]
    assert (
        await db.fetchval("SELECT last FROM receipt_counters WHERE estate_id = $1", scene.estate.id)
        == 1_000_000
    )


async def test_one_order_of_two_homes_is_applied_with_an_entry_per_home(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    second = scene.estate.homes[1]
    await bind(db, second, scene.resident_id)
    theirs = [
        r["id"] for r in await db.fetch("SELECT id FROM bills WHERE home_id = $1 ORDER BY due_date", second)
    ]
    bills = [*scene.bills, *theirs]
    order = await pay_order(client, scene.resident, "pay-two-homes-01", "wechat", bills)
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    r = await deliver(client, "wechat", wechat_fake.payment_notification(no))
    assert r.status_code == 204
    states = {r["state"] for r in await db.fetch("SELECT state FROM bills WHERE id = ANY($1::uuid[])", bills)}
    assert states == {"paid"}
    entries = await db.fetch(
        """SELECT a.home_id, -l.amount AS fen FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id
           JOIN ledger_accounts a ON a.id = l.account_id
           WHERE e.kind = 'payment' AND a.kind = 'receivable' ORDER BY a.home_id"""
    )
    owed = await db.fetch(
        "SELECT home_id, sum(amount_fen)::bigint AS fen FROM bills WHERE id = ANY($1::uuid[]) GROUP BY home_id "
        "ORDER BY home_id",
        bills,
    )
    assert [(e["home_id"], e["fen"]) for e in entries] == [(o["home_id"], o["fen"]) for o in owed]
    assert sum(o["fen"] for o in owed) == order["payment"]["amount_fen"]
    await check_ok(db)
