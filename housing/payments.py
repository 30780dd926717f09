"""Paying bills online: orders, the providers' callbacks applied exactly once, refunds, receipts.

- ``create_order``: a resident pays bills of their homes (and perhaps credit ahead) in one order. The amount is
  the bills' outstanding sum, computed here; the bills are held by the order (a unique index: a bill is in at most
  one open order) and the provider's order is made inside the same transaction, so a provider that is down or
  refuses leaves nothing behind.
- ``apply_paid``: the provider says an order is paid (a verified callback, or the worker's query). Applied once,
  keyed by the order and the provider's transaction id: a duplicate changes nothing; an amount or currency that
  differs from the order is recorded and flagged, never credited. Money for a bill someone paid meanwhile (two
  channels at once) becomes the home's credit, and an automatic refund of exactly that surplus is queued.
- ``request_refund``: a manager gives back (part of) what an order paid on a bill, with a reason, through the
  provider. The ledger moves once, when the provider says the refund succeeded (``apply_refund``).

The worker's sweep (orders left pending, expired ones, queued and running refunds) is housing/payment_sweep.py;
the SQL is housing/payments_store.py. Receipts are numbered per estate per year when an order is paid
(``receipt_counters``; the row lock keeps the sequence gapless). Every function takes the caller's connection;
the caller owns the transaction.

Every payment of an estate goes through two shared rows: its channel's clearing account (locked by the ledger
lines) and the estate's receipt counter of the year. ``apply_paid`` takes them last, the counter after the
clearing account, each in one statement held until the commit (a callback's transaction waits for the
counter while it holds the clearing account, never the other way: no cycle).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final, Literal
from uuid import UUID

import asyncpg
import msgspec

from housing import payments_store as store
from housing import settlement
from housing import store as housing_store
from housing.errors import (
    BillNotPayable,
    BillPaymentPending,
    HomeForbidden,
    InvalidPayment,
    PaymentChannelUnavailable,
    PaymentNotFound,
    PaymentProviderRefused,
    PaymentStateConflict,
    RefundTooLarge,
)
from housing.paging import decode_cursor, encode_cursor
from housing.providers import AppPayment, PaymentProvider
from housing.providers.base import CHINA_TZ
from housing.providers.errors import ProviderRefused, ProviderUnavailable
from housing.providers.models import CallbackEvent, PaymentCallback, RefundState
from housing.receipts import ReceiptDocument, ReceiptLine

log = logging.getLogger("cityloop.payments")

Channel = Literal["wechat", "alipay"]
OrderState = Literal["pending", "paid", "closed", "expired"]
RefundKind = Literal["manual", "duplicate"]
MAX_BILLS: Final = 50
MAX_PREPAY_FEN: Final = 10_000_000  # 100,000 yuan paid ahead at most in one order
DUPLICATE_REASON: Final = "账单已由另一笔支付付清，重复支付自动退款"
#: the worker asks the provider about a pending order this long after it was made, then backs off
#: (housing/payment_sweep.py)
FIRST_QUERY_AFTER: Final = timedelta(seconds=60)

Fen = Annotated[int, msgspec.Meta(ge=1, le=MAX_PREPAY_FEN)]


class Prepay(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Credit paid ahead (预存) for one of the caller's homes: held and used on its next bills, oldest first."""

    home_id: UUID
    amount_fen: Fen


class PaymentCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Bills to pay (their outstanding amounts, computed by the server) and/or credit ahead, through a channel."""

    channel: Channel
    bill_ids: Annotated[list[UUID], msgspec.Meta(max_length=MAX_BILLS)] = []
    prepay: Prepay | None = None


class PaymentLine(msgspec.Struct, frozen=True, kw_only=True):
    home_id: UUID
    bill_id: UUID | None  # None: credit paid ahead
    amount_fen: int


class Refund(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    refund_no: str
    kind: RefundKind
    bill_id: UUID | None
    amount_fen: int
    reason: str
    state: Literal["requested", "processing", "succeeded", "closed", "abnormal"]
    created_at: datetime
    succeeded_at: datetime | None


class Payment(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    out_trade_no: str
    estate_id: UUID
    channel: Channel
    state: OrderState
    amount_fen: int
    currency: str
    lines: list[PaymentLine]
    receipt_no: str | None
    paid_at: datetime | None
    refunded_fen: int
    refunds: list[Refund]
    expires_at: datetime
    created_at: datetime


class PaymentCreated(msgspec.Struct, frozen=True, kw_only=True):
    """The order, and what the app hands to the provider's SDK to pay it (调起支付)."""

    payment: Payment
    app_payment: AppPayment


class PaymentPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Payment]
    next_cursor: str | None


class RefundCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Give back (part of) what the order paid on one bill (全额或部分退款), with the reason the resident sees."""

    bill_id: UUID
    amount_fen: Annotated[int, msgspec.Meta(ge=1, le=10**12)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Urls(msgspec.Struct, frozen=True, kw_only=True):
    """Where each provider calls back: payments and refunds, per channel."""

    payment: dict[str, str]
    refund: dict[str, str]


# making an order ----------------------------------------------------------------------------------------------------


def _provider(providers: Mapping[str, PaymentProvider], channel: str) -> PaymentProvider:
    provider = providers.get(channel)
    if provider is None:
        raise PaymentChannelUnavailable(f"paying by {channel} is not set up here")
    return provider


async def create_order(
    conn: asyncpg.Connection,
    providers: Mapping[str, PaymentProvider],
    urls: Urls,
    payer_id: UUID,
    data: PaymentCreate,
    *,
    ttl: timedelta,
    now: datetime | None = None,
) -> PaymentCreated:
    """Make the order (see the module's docstring). Raises before writing anything the caller keeps: the
    caller's transaction rolls back on any error."""
    now = now or datetime.now(UTC)
    if not data.bill_ids and data.prepay is None:
        raise InvalidPayment("name the bills to pay, or credit to pay ahead", fields=[_f("bill_ids")])
    if len(set(data.bill_ids)) != len(data.bill_ids):
        raise InvalidPayment("a bill is named twice", fields=[_f("bill_ids")])
    bills = await store.lock_bills_to_pay(conn, data.bill_ids, payer_id)
    found = {b["id"] for b in bills}
    for bill_id in data.bill_ids:
        if bill_id not in found:
            raise HomeForbidden(f"bill {bill_id} is not a bill of one of your homes", fields=[_f("bill_ids")])
    for b in bills:
        if not b["bound"]:
            raise HomeForbidden(f"bill {b['id']} is not a bill of one of your homes", fields=[_f("bill_ids")])
        if b["state"] not in ("issued", "partly_paid"):
            raise BillNotPayable(
                f"bill {b['id']} is {b['state']}", bill_id=str(b["id"]), fields=[_f("bill_ids")]
            )
    lines = [(b["home_id"], b["id"], b["outstanding"]) for b in bills]
    estates = {b["estate_id"] for b in bills}
    if data.prepay is not None:
        home = await store.bound_home_estate(conn, data.prepay.home_id, payer_id)
        if home is None:
            raise HomeForbidden("credit can be paid ahead only for one of your homes", fields=[_f("prepay")])
        estates.add(home["estate_id"])
        lines.append((data.prepay.home_id, None, data.prepay.amount_fen))
    if len(estates) != 1:
        raise InvalidPayment("one order pays bills of one estate", fields=[_f("bill_ids")])
    (estate_id,) = estates
    provider = _provider(providers, data.channel)
    await _release_expired_holds(conn, data.bill_ids, now)
    amount = sum(line[2] for line in lines)
    order_id = await housing_store.new_id(conn)
    out_trade_no = order_id.hex  # 32 of [0-9a-f]: inside both providers' alphabets
    expires_at = now + ttl
    await store.insert_order(
        conn, order_id, out_trade_no=out_trade_no, estate_id=estate_id, payer_id=payer_id, channel=data.channel,
        amount_fen=amount, expires_at=expires_at, next_query_at=now + FIRST_QUERY_AFTER,
    )  # fmt: skip
    try:
        await store.insert_order_lines(conn, order_id, lines)
    except asyncpg.UniqueViolationError as exc:
        raise BillPaymentPending(
            "a bill named is being paid in another order: finish or cancel that one first",
            fields=[_f("bill_ids")],
        ) from exc
    estate_name = await store.estate_name(conn, estate_id)
    description = f"{estate_name} 物业缴费 {len(lines)} 项"[:127]
    try:
        app_payment = await provider.create_order(
            out_trade_no, amount, description, urls.payment[data.channel], expires_at=expires_at
        )
    except ProviderUnavailable as exc:
        raise PaymentChannelUnavailable(f"{data.channel} could not be reached: try again shortly") from exc
    except ProviderRefused as exc:
        raise PaymentProviderRefused(str(exc), provider_code=exc.provider_code) from exc
    await store.set_app_payment(conn, order_id, msgspec.json.encode(app_payment).decode())
    return PaymentCreated(payment=await get_payment(conn, order_id), app_payment=app_payment)


async def _release_expired_holds(conn: asyncpg.Connection, bill_ids: Sequence[UUID], now: datetime) -> None:
    """Orders of these bills past their expiry stop holding them (state expired): the worker still asks the
    provider about them, and applies them if they were paid after all (the surplus is then refunded)."""
    expired = await store.expired_holding_orders(conn, bill_ids, now)
    if expired:
        await store.expire_orders(conn, expired, now)


def _f(name: str) -> dict[str, str]:
    return {"field": name, "code": "invalid"}


# reading --------------------------------------------------------------------------------------------------------------


async def _views(conn: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> list[Payment]:
    ids = [r["id"] for r in rows]
    lines: dict[UUID, list[PaymentLine]] = defaultdict(list)
    for line in await store.lines_of_orders(conn, ids):
        lines[line["order_id"]].append(
            PaymentLine(home_id=line["home_id"], bill_id=line["bill_id"], amount_fen=line["amount_fen"])
        )
    refunds: dict[UUID, list[Refund]] = defaultdict(list)
    for r in await store.refunds_of_orders(conn, ids):
        refunds[r["order_id"]].append(
            Refund(
                id=r["id"],
                refund_no=r["refund_no"],
                kind=r["kind"],
                bill_id=r["bill_id"],
                amount_fen=r["amount_fen"],
                reason=r["reason"],
                state=r["state"],
                created_at=r["created_at"],
                succeeded_at=r["succeeded_at"],
            )
        )
    return [
        Payment(
            id=r["id"],
            out_trade_no=r["out_trade_no"],
            estate_id=r["estate_id"],
            channel=r["channel"],
            state=r["state"],
            amount_fen=r["amount_fen"],
            currency=r["currency"],
            lines=lines[r["id"]],
            receipt_no=r["receipt_no"],
            paid_at=r["paid_at"],
            refunded_fen=r["refunded_fen"],
            refunds=refunds[r["id"]],
            expires_at=r["expires_at"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def get_payment(conn: asyncpg.Connection, order_id: UUID) -> Payment:
    row = await store.order_view(conn, order_id)
    if row is None:
        raise PaymentNotFound(f"no payment {order_id}")
    (view,) = await _views(conn, [row])
    return view


async def order_access(conn: asyncpg.Connection, order_id: UUID) -> asyncpg.Record:
    """The order's payer, estate and district (PaymentNotFound when there is none)."""
    row = await store.order_access(conn, order_id)
    if row is None:
        raise PaymentNotFound(f"no payment {order_id}")
    return row


async def my_payments(
    conn: asyncpg.Connection, payer_id: UUID, cursor: str | None, limit: int
) -> PaymentPage:
    after = UUID(str(decode_cursor(cursor, (UUID,))[0])) if cursor else None
    rows = await store.payer_orders(conn, payer_id, after, limit)
    items = await _views(conn, rows)
    return PaymentPage(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


# applying what the provider says ------------------------------------------------------------------------------------

Outcome = Literal[
    "applied", "duplicate", "flagged", "unknown_order", "not_final", "refund_applied", "refund_failed"
]


async def _record(
    conn: asyncpg.Connection,
    event: CallbackEvent | None,
    outcome: Outcome,
    *,
    order_id: UUID | None,
    flag: str | None = None,
    source: str = "callback",
    channel: str = "",
    out_trade_no: str = "",
    raw: dict[str, Any] | None = None,
) -> None:
    """Keep a callback (or a query's answer) as evidence, with what was done with it."""
    refund_no = getattr(event, "refund_no", None)
    await store.insert_callback(
        conn,
        channel=event.channel if event else channel,
        kind="refund" if refund_no is not None else "payment",
        out_trade_no=event.out_trade_no if event else out_trade_no,
        provider_transaction_id=event.provider_transaction_id if event else "",
        refund_no=refund_no,
        order_id=order_id,
        outcome=outcome,
        flag=flag,
        amount_fen=getattr(event, "amount_fen", None),
        currency=getattr(event, "currency", None),
        raw=msgspec.json.encode({"source": source, "raw": event.raw if event else (raw or {})}).decode(),
    )


async def apply_paid(
    conn: asyncpg.Connection,
    *,
    channel: str,
    out_trade_no: str,
    transaction_id: str,
    amount_fen: int,
    currency: str,
    paid_at: datetime,
    event: PaymentCallback | None = None,
    source: str = "callback",
) -> Outcome:
    """The provider says this order is paid: apply it once (see the module's docstring)."""
    order = await store.lock_order_by_trade_no(conn, out_trade_no, channel)
    if order is None:
        await _record(conn, event, "unknown_order", order_id=None, source=source, channel=channel,
                      out_trade_no=out_trade_no)  # fmt: skip
        return "unknown_order"
    if order["state"] == "paid":
        same = order["provider_transaction_id"] == transaction_id
        outcome: Outcome = "duplicate" if same else "flagged"
        await _record(conn, event, outcome, order_id=order["id"], flag=None if same else "transaction_differs",
                      source=source)  # fmt: skip
        return outcome
    flag = None
    if currency != order["currency"]:
        flag = "currency_mismatch"
    elif amount_fen != order["amount_fen"]:
        flag = "amount_mismatch"
    if flag is not None:
        log.warning("payment flagged", extra={"order_id": str(order["id"]), "flag": flag, "channel": channel})
        await _record(conn, event, "flagged", order_id=order["id"], flag=flag, source=source)
        return "flagged"
    # The rows every callback of the estate needs (its channel's clearing account, the receipt counter) are
    # taken last, each by one statement held to the commit: first what is the order's own (its lines, the
    # evidence), then the home's accounts and bills and, by one statement, the ledger lines (the clearing
    # account); the receipt number and the order marked paid in the last one (the counter).
    by_home: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
    for line in sorted(await store.release_lines(conn, order["id"]), key=lambda line: line["line"]):
        by_home[line["home_id"]].append(line)
    await _record(conn, event, "applied", order_id=order["id"], source=source)
    homes = sorted(by_home)
    applied = await settlement.apply_payments(
        conn,
        [
            settlement.HomePayment(
                home_id,
                sum(line["amount_fen"] for line in by_home[home_id]),
                [line["bill_id"] for line in by_home[home_id] if line["bill_id"] is not None],
            )
            for home_id in homes
        ],
        provider=channel,
        ref=transaction_id,
        actor_id=order["payer_id"],
        memo=f"online payment {out_trade_no}",
    )
    for home_id, done in zip(homes, applied, strict=True):
        ahead = sum(line["amount_fen"] for line in by_home[home_id] if line["bill_id"] is None)
        surplus = done.credit_added_fen - ahead
        if surplus > 0:  # bills paid meanwhile by another order (rare): give this money back
            await _queue_refund(conn, order, home_id, None, "duplicate", surplus, DUPLICATE_REASON, None)
    year = paid_at.astimezone(CHINA_TZ).year
    await store.mark_paid_with_receipt(conn, order["id"], order["estate_id"], year, transaction_id, paid_at)
    return "applied"


async def _queue_refund(
    conn: asyncpg.Connection,
    order: asyncpg.Record,
    home_id: UUID,
    bill_id: UUID | None,
    kind: RefundKind,
    amount_fen: int,
    reason: str,
    requested_by: UUID | None,
) -> asyncpg.Record:
    count = await store.count_refunds(conn, order["id"])
    return await store.insert_refund(
        conn, refund_no=f"{order['out_trade_no']}R{count + 1}", order_id=order["id"], home_id=home_id,
        bill_id=bill_id, kind=kind, amount_fen=amount_fen, reason=reason, requested_by=requested_by,
    )  # fmt: skip


async def apply_refund(
    conn: asyncpg.Connection,
    refund_no: str,
    state: RefundState,
    *,
    provider_refund_id: str = "",
    refunded_at: datetime | None = None,
) -> Outcome:
    """The provider says where a refund stands: the ledger moves once, when it succeeded."""
    refund = await store.lock_refund(conn, refund_no)
    if refund is None:
        return "unknown_order"
    if refund["state"] in ("succeeded", "closed", "abnormal"):
        return "duplicate"
    if state == "processing":
        await store.mark_refund_processing(conn, refund["id"], provider_refund_id)
        return "not_final"
    if state != "succeeded":
        log.warning("refund failed at the provider", extra={"refund_no": refund_no, "state": state})
        await store.set_refund_state(conn, refund["id"], state)
        return "refund_failed"
    order = await store.get_order(conn, refund["order_id"], lock=True)
    assert order is not None  # a refund's order is never deleted
    if refund["bill_id"] is None:
        done = await settlement.refund_credit(
            conn, home_id=refund["home_id"], amount_fen=refund["amount_fen"], provider=order["channel"],
            ref=refund_no, reason=refund["reason"],
        )  # fmt: skip
    else:
        done = await settlement.refund_bill(
            conn, bill_id=refund["bill_id"], amount_fen=refund["amount_fen"], provider=order["channel"],
            ref=refund_no, reason=refund["reason"], actor_id=refund["requested_by"],
        )  # fmt: skip
    await store.mark_refund_succeeded(
        conn, refund["id"], done.entry_id, refunded_at or datetime.now(UTC), provider_refund_id
    )
    await store.add_refunded(conn, order["id"], refund["amount_fen"])
    return "refund_applied"


async def apply_callback(conn: asyncpg.Connection, event: CallbackEvent) -> Outcome:
    """A verified callback: a payment applied once, a refund's outcome, or kept as evidence."""
    if isinstance(event, PaymentCallback):
        if event.state != "paid" or event.paid_at is None:
            order_id = await store.order_id_by_trade_no(conn, event.out_trade_no, event.channel)
            outcome: Outcome = "not_final" if order_id else "unknown_order"
            await _record(conn, event, outcome, order_id=order_id)
            return outcome
        return await apply_paid(
            conn,
            channel=event.channel,
            out_trade_no=event.out_trade_no,
            transaction_id=event.provider_transaction_id,
            amount_fen=event.amount_fen,
            currency=event.currency,
            paid_at=event.paid_at,
            event=event,
        )
    order_id = await store.refund_order_id(conn, event.refund_no)
    outcome = await apply_refund(
        conn, event.refund_no, event.state, provider_refund_id=event.provider_refund_id,
        refunded_at=event.refunded_at,
    )  # fmt: skip
    await _record(conn, event, outcome, order_id=order_id)
    return outcome


# refunds asked by a manager -----------------------------------------------------------------------------------------


async def request_refund(
    conn: asyncpg.Connection,
    providers: Mapping[str, PaymentProvider],
    urls: Urls,
    order_id: UUID,
    data: RefundCreate,
    requested_by: UUID,
) -> Refund:
    """Ask the provider to give back ``amount_fen`` of what the order paid on the bill (see the module's
    docstring). At most what that line paid less what was refunded of it or is being refunded."""
    order = await store.get_order(conn, order_id, lock=True)
    if order is None:
        raise PaymentNotFound(f"no payment {order_id}")
    if order["state"] != "paid":
        raise PaymentStateConflict(f"the payment is {order['state']}: only a paid one can be refunded")
    provider = _provider(providers, order["channel"])
    line = await store.paid_on_bill(conn, order_id, data.bill_id)
    if line is None:
        raise InvalidPayment("the payment did not pay this bill", fields=[_f("bill_id")])
    taken = await store.refunds_taken_fen(conn, order_id, data.bill_id)
    if data.amount_fen > line["paid"] - taken:
        raise RefundTooLarge(
            f"at most {line['paid'] - taken} fen of this bill's payment can still be refunded",
            refundable_fen=line["paid"] - taken,
            fields=[{"field": "amount_fen", "code": "refund_too_large"}],
        )
    refund = await _queue_refund(
        conn, order, line["home_id"], data.bill_id, "manual", data.amount_fen, data.reason, requested_by
    )
    await send_refund(conn, provider, urls, order, refund)
    (view,) = [r for r in (await get_payment(conn, order_id)).refunds if r.id == refund["id"]]
    return view


async def send_refund(
    conn: asyncpg.Connection,
    provider: PaymentProvider,
    urls: Urls,
    order: asyncpg.Record,
    refund: asyncpg.Record,
) -> None:
    """Send a queued refund to the provider and apply its answer (a manager's request, or the worker's sweep)."""
    try:
        answer = await provider.refund(
            order["out_trade_no"],
            refund["refund_no"],
            refund["amount_fen"],
            order["amount_fen"],
            refund["reason"],
            notify_url=urls.refund[order["channel"]],
        )
    except ProviderUnavailable as exc:
        raise PaymentChannelUnavailable(
            f"{order['channel']} could not be reached: try again shortly"
        ) from exc
    except ProviderRefused as exc:
        raise PaymentProviderRefused(str(exc), provider_code=exc.provider_code) from exc
    await apply_refund(
        conn, refund["refund_no"], answer.state, provider_refund_id=answer.provider_refund_id,
        refunded_at=answer.refunded_at,
    )  # fmt: skip


# receipts -------------------------------------------------------------------------------------------------------------


async def receipt_document(conn: asyncpg.Connection, order_id: UUID) -> ReceiptDocument:
    """What the receipt of a paid order says: its bills by fee item and period, credit paid ahead, refunds."""
    order = await store.receipt_order(conn, order_id)
    if order is None:
        raise PaymentNotFound(f"no payment {order_id}")
    if order["state"] != "paid":
        raise PaymentStateConflict(f"the payment is {order['state']}: a receipt comes once it is paid")
    rows = await store.receipt_lines(conn, order_id)
    homes = list(dict.fromkeys(r["home"] for r in rows))
    return ReceiptDocument(
        receipt_no=order["receipt_no"],
        estate_name=order["estate_name"],
        company_name=order["property_company"] or order["estate_name"],
        home_label="、".join(homes),
        payer_name=order["display_name"] or "",
        paid_at=order["paid_at"],
        channel=order["channel"],
        provider_transaction_id=order["provider_transaction_id"],
        order_no=order["out_trade_no"],
        lines=tuple(
            ReceiptLine(item=r["item"], period=r["period"], amount_fen=r["amount_fen"])
            for r in rows
            if r["bill_id"] is not None
        ),
        credit_fen=sum(r["amount_fen"] for r in rows if r["bill_id"] is None),
        total_fen=order["amount_fen"],
        refunded_fen=order["refunded_fen"],
    )
