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
