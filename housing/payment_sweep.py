"""The worker's sweep of payments: it asks the provider about orders left pending (a callback late or lost),
closes expired ones there, sends queued refunds and follows those in progress (housing/payments.py holds the rules
it applies; the SQL is housing/payments_store.py)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Final, cast
from uuid import UUID

import asyncpg

from housing import payments_store as store
from housing.errors import PaymentChannelUnavailable, PaymentProviderRefused
from housing.payments import FIRST_QUERY_AFTER, Urls, apply_paid, apply_refund, send_refund
from housing.providers import PaymentProvider
from housing.providers.errors import ProviderRefused, ProviderUnavailable

log = logging.getLogger("cityloop.payments")

QUERY_BACKOFF_MAX: Final = timedelta(minutes=30)
SWEEP_BATCH: Final = 50


def _next_query(queries: int, now: datetime) -> datetime:
    wait: timedelta = min(QUERY_BACKOFF_MAX, FIRST_QUERY_AFTER * 2 ** min(queries, 10))
    return now + wait


async def sweep(pool: asyncpg.Pool, providers: Mapping[str, PaymentProvider], urls: Urls) -> dict[str, int]:
    """One pass: orders pending past their first wait or expired (asked of the provider; applied when paid,
    closed there when expired), refunds queued (sent) or in progress (asked). Each in its own transaction; a
    provider that is down leaves its rows for the next pass."""
    done: dict[str, int] = defaultdict(int)
    async with pool.acquire() as conn:
        orders = await store.due_orders(cast(asyncpg.Connection, conn), SWEEP_BATCH)
        refunds = await store.due_refunds(cast(asyncpg.Connection, conn), SWEEP_BATCH)
    for order_id in orders:
        async with pool.acquire() as proxy, proxy.transaction():
            done[await _sweep_order(cast(asyncpg.Connection, proxy), providers, order_id)] += 1
    for refund_id in refunds:
        async with pool.acquire() as proxy, proxy.transaction():
            done[await _sweep_refund(cast(asyncpg.Connection, proxy), providers, urls, refund_id)] += 1
    return dict(done)


async def _sweep_order(
    conn: asyncpg.Connection, providers: Mapping[str, PaymentProvider], order_id: UUID
) -> str:
    order = await store.lock_due_order(conn, order_id)
    provider = providers.get(order["channel"]) if order else None
    if order is None or provider is None:
        return "skipped"
    now = datetime.now(UTC)
    try:
        answer = await provider.query_order(order["out_trade_no"])
        if answer.state == "paid" and answer.paid_at is not None:
            outcome = await apply_paid(
                conn, channel=order["channel"], out_trade_no=order["out_trade_no"],
                transaction_id=answer.provider_transaction_id, amount_fen=answer.amount_fen or 0,
                currency=answer.currency, paid_at=answer.paid_at, source="query",
            )  # fmt: skip
            if outcome == "applied":
                return "paid"
        elif answer.state in ("closed", "failed") or (
            answer.state in ("pending", "not_found") and order["expires_at"] < now
        ):
            if answer.state in ("pending", "not_found"):
                await provider.close_order(order["out_trade_no"])
            await store.close_order(conn, order_id)
            await store.release_holds(conn, order_id)
            return "closed"
    except (ProviderUnavailable, ProviderRefused) as exc:
        log.warning("payment query failed", extra={"order_id": str(order_id), "error": repr(exc)})
    await store.order_asked(conn, order_id, _next_query(order["queries"] + 1, now))
    return "asked"


async def _sweep_refund(
    conn: asyncpg.Connection, providers: Mapping[str, PaymentProvider], urls: Urls, refund_id: UUID
) -> str:
    refund = await store.lock_due_refund(conn, refund_id)
    order = await store.get_order(conn, refund["order_id"]) if refund else None
    provider = providers.get(order["channel"]) if order else None
    if refund is None or order is None or provider is None:
        return "skipped"
    try:
        if refund["state"] == "requested":
            await send_refund(conn, provider, urls, order, refund)
            return "refund_sent"
        answer = await provider.query_refund(order["out_trade_no"], refund["refund_no"])
        outcome = await apply_refund(
            conn, refund["refund_no"], answer.state, provider_refund_id=answer.provider_refund_id,
            refunded_at=answer.refunded_at,
        )  # fmt: skip
        if outcome != "not_final":
            return outcome
    except (PaymentChannelUnavailable, PaymentProviderRefused, ProviderUnavailable, ProviderRefused) as exc:
        log.warning("refund step failed", extra={"refund_no": refund["refund_no"], "error": repr(exc)})
    await store.refund_asked(conn, refund_id, datetime.now(UTC) + FIRST_QUERY_AFTER)
    return "asked"
