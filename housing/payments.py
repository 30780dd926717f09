"""Paying bills online: orders, the providers' callbacks applied exactly once, refunds, the worker's sweep.

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
- ``sweep``: the worker asks the provider about orders left pending (a callback late or lost), closes expired ones
  there, sends queued refunds and follows those in progress.

Receipts are numbered per estate per year when an order is paid (``receipt_counters``; the row lock keeps the
sequence gapless). Every function takes the caller's connection; the caller owns the transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final, Literal, cast
from uuid import UUID

import asyncpg
import msgspec

from housing import settlement
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
FIRST_QUERY_AFTER: Final = timedelta(seconds=60)
QUERY_BACKOFF_MAX: Final = timedelta(minutes=30)
SWEEP_BATCH: Final = 50

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
    bills = await conn.fetch(
        """SELECT b.id, b.home_id, b.estate_id, b.state, b.amount_fen - b.paid_fen - b.waived_fen AS outstanding,
                  EXISTS (SELECT 1 FROM home_bindings hb WHERE hb.home_id = b.home_id AND hb.user_id = $2
                          AND hb.state = 'active') AS bound
           FROM bills b WHERE b.id = ANY($1::uuid[]) ORDER BY b.due_date, b.period_start, b.id FOR UPDATE OF b""",
        data.bill_ids,
        payer_id,
    )
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
        home = await conn.fetchrow(
            """SELECT h.estate_id FROM homes h JOIN home_bindings hb ON hb.home_id = h.id
               WHERE h.id = $1 AND hb.user_id = $2 AND hb.state = 'active'""",
            data.prepay.home_id,
            payer_id,
        )
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
    order_id = await conn.fetchval("SELECT uuid_generate_v7()")
    out_trade_no = order_id.hex  # 32 of [0-9a-f]: inside both providers' alphabets
    expires_at = now + ttl
    await conn.execute(
        """INSERT INTO payment_orders (id, out_trade_no, estate_id, payer_id, channel, amount_fen, app_payment,
                                       expires_at, next_query_at)
           VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $8)""",
        order_id,
        out_trade_no,
        estate_id,
        payer_id,
        data.channel,
        amount,
        expires_at,
        now + FIRST_QUERY_AFTER,
    )
    try:
        await conn.executemany(
            """INSERT INTO payment_order_lines (order_id, line, home_id, bill_id, amount_fen)
               VALUES ($1, $2, $3, $4, $5)""",
            [(order_id, i, home_id, bill_id, fen) for i, (home_id, bill_id, fen) in enumerate(lines, 1)],
        )
    except asyncpg.UniqueViolationError as exc:
        raise BillPaymentPending(
            "a bill named is being paid in another order: finish or cancel that one first",
            fields=[_f("bill_ids")],
        ) from exc
    estate_name = await conn.fetchval("SELECT name FROM estates WHERE id = $1", estate_id)
    description = f"{estate_name} 物业缴费 {len(lines)} 项"[:127]
    try:
        app_payment = await provider.create_order(
            out_trade_no, amount, description, urls.payment[data.channel], expires_at=expires_at
        )
    except ProviderUnavailable as exc:
        raise PaymentChannelUnavailable(f"{data.channel} could not be reached: try again shortly") from exc
    except ProviderRefused as exc:
        raise PaymentProviderRefused(str(exc), provider_code=exc.provider_code) from exc
    await conn.execute(
        "UPDATE payment_orders SET app_payment = $2 WHERE id = $1",
        order_id,
        msgspec.json.encode(app_payment).decode(),
    )
    return PaymentCreated(payment=await get_payment(conn, order_id), app_payment=app_payment)


async def _release_expired_holds(conn: asyncpg.Connection, bill_ids: Sequence[UUID], now: datetime) -> None:
    """Orders of these bills past their expiry stop holding them (state expired): the worker still asks the
    provider about them, and applies them if they were paid after all (the surplus is then refunded)."""
    expired = await conn.fetch(
        """SELECT DISTINCT o.id FROM payment_order_lines l JOIN payment_orders o ON o.id = l.order_id
           WHERE l.bill_id = ANY($1::uuid[]) AND l.holds AND o.state = 'pending' AND o.expires_at < $2""",
        bill_ids,
        now,
    )
    if expired:
        ids = [r["id"] for r in expired]
        await conn.execute(
            "UPDATE payment_orders SET state = 'expired', next_query_at = $2, updated_at = now() "
            "WHERE id = ANY($1::uuid[])",
            ids,
            now,
        )
        await conn.execute(
            "UPDATE payment_order_lines SET holds = false WHERE order_id = ANY($1::uuid[])", ids
        )


def _f(name: str) -> dict[str, str]:
    return {"field": name, "code": "invalid"}


# reading --------------------------------------------------------------------------------------------------------------

_ORDER_COLUMNS: Final = """o.id, o.out_trade_no, o.estate_id, o.payer_id, o.channel, o.state, o.amount_fen,
    o.currency, o.receipt_no, o.paid_at, o.refunded_fen, o.expires_at, o.created_at, o.provider_transaction_id"""


async def _views(conn: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> list[Payment]:
    ids = [r["id"] for r in rows]
    lines: dict[UUID, list[PaymentLine]] = defaultdict(list)
    for line in await conn.fetch(
        "SELECT order_id, home_id, bill_id, amount_fen FROM payment_order_lines "
        "WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line",
        ids,
    ):
        lines[line["order_id"]].append(
            PaymentLine(home_id=line["home_id"], bill_id=line["bill_id"], amount_fen=line["amount_fen"])
        )
    refunds: dict[UUID, list[Refund]] = defaultdict(list)
    for r in await conn.fetch(
        "SELECT * FROM payment_refunds WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id", ids
    ):
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
    row = await conn.fetchrow(f"SELECT {_ORDER_COLUMNS} FROM payment_orders o WHERE o.id = $1", order_id)
    if row is None:
        raise PaymentNotFound(f"no payment {order_id}")
    (view,) = await _views(conn, [row])
    return view


async def order_access(conn: asyncpg.Connection, order_id: UUID) -> asyncpg.Record:
    """The order's payer, estate and district (PaymentNotFound when there is none)."""
    row = await conn.fetchrow(
        """SELECT o.payer_id, o.estate_id, e.district_code FROM payment_orders o JOIN estates e ON e.id = o.estate_id
           WHERE o.id = $1""",
        order_id,
    )
    if row is None:
        raise PaymentNotFound(f"no payment {order_id}")
    return row


async def my_payments(
    conn: asyncpg.Connection, payer_id: UUID, cursor: str | None, limit: int
) -> PaymentPage:
    after = UUID(str(decode_cursor(cursor, (UUID,))[0])) if cursor else None
    rows = await conn.fetch(
        f"""SELECT {_ORDER_COLUMNS} FROM payment_orders o
            WHERE o.payer_id = $1 AND ($2::uuid IS NULL OR o.id < $2) ORDER BY o.id DESC LIMIT $3""",
        payer_id,
        after,
        limit,
    )
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
    await conn.execute(
        """INSERT INTO payment_callbacks (channel, kind, out_trade_no, provider_transaction_id, refund_no, order_id,
                                          outcome, flag, amount_fen, currency, raw)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
        event.channel if event else channel,
        "refund" if refund_no is not None else "payment",
        event.out_trade_no if event else out_trade_no,
        event.provider_transaction_id if event else "",
        refund_no,
        order_id,
        outcome,
        flag,
        getattr(event, "amount_fen", None),
        getattr(event, "currency", None),
        msgspec.json.encode({"source": source, "raw": event.raw if event else (raw or {})}).decode(),
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
    order = await conn.fetchrow(
        "SELECT * FROM payment_orders WHERE out_trade_no = $1 AND channel = $2 FOR UPDATE",
        out_trade_no,
        channel,
    )
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
    by_home: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
    for line in await conn.fetch(
        "SELECT * FROM payment_order_lines WHERE order_id = $1 ORDER BY line", order["id"]
    ):
        by_home[line["home_id"]].append(line)
    for home_id, lines in sorted(by_home.items()):
        applied = await settlement.apply_payment(
            conn,
            home_id=home_id,
            amount_fen=sum(line["amount_fen"] for line in lines),
            provider=channel,
            ref=transaction_id,
            bill_ids=[line["bill_id"] for line in lines if line["bill_id"] is not None],
            actor_id=order["payer_id"],
            memo=f"online payment {out_trade_no}",
        )
        surplus = applied.credit_added_fen - sum(
            line["amount_fen"] for line in lines if line["bill_id"] is None
        )
        if surplus > 0:  # bills paid meanwhile by another order: give this money back
            await _queue_refund(conn, order, home_id, None, "duplicate", surplus, DUPLICATE_REASON, None)
    receipt_no = await _next_receipt_no(conn, order["estate_id"], paid_at)
    await conn.execute(
        """UPDATE payment_orders SET state = 'paid', provider_transaction_id = $2, paid_at = $3, receipt_no = $4,
                  updated_at = now() WHERE id = $1""",
        order["id"],
        transaction_id,
        paid_at,
        receipt_no,
    )
    await conn.execute("UPDATE payment_order_lines SET holds = false WHERE order_id = $1", order["id"])
    await _record(conn, event, "applied", order_id=order["id"], source=source)
    return "applied"


async def _next_receipt_no(conn: asyncpg.Connection, estate_id: UUID, paid_at: datetime) -> str:
    year = paid_at.astimezone(CHINA_TZ).year
    number = await conn.fetchval(
        """INSERT INTO receipt_counters (estate_id, year, last) VALUES ($1, $2, 1)
           ON CONFLICT (estate_id, year) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last""",
        estate_id,
        year,
    )
    return f"{year}-{number:06d}"


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
    count = await conn.fetchval("SELECT count(*) FROM payment_refunds WHERE order_id = $1", order["id"])
    row: asyncpg.Record | None = await conn.fetchrow(
        """INSERT INTO payment_refunds (refund_no, order_id, home_id, bill_id, kind, amount_fen, reason,
                                        requested_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *""",
        f"{order['out_trade_no']}R{count + 1}",
        order["id"],
        home_id,
        bill_id,
        kind,
        amount_fen,
        reason,
        requested_by,
    )
    assert row is not None
    return row


async def apply_refund(
    conn: asyncpg.Connection,
    refund_no: str,
    state: RefundState,
    *,
    provider_refund_id: str = "",
    refunded_at: datetime | None = None,
) -> Outcome:
    """The provider says where a refund stands: the ledger moves once, when it succeeded."""
    refund = await conn.fetchrow("SELECT * FROM payment_refunds WHERE refund_no = $1 FOR UPDATE", refund_no)
    if refund is None:
        return "unknown_order"
    if refund["state"] in ("succeeded", "closed", "abnormal"):
        return "duplicate"
    if state == "processing":
        await conn.execute(
            "UPDATE payment_refunds SET state = 'processing', provider_refund_id = coalesce(nullif($2, ''), "
            "provider_refund_id), updated_at = now() WHERE id = $1",
            refund["id"],
            provider_refund_id,
        )
        return "not_final"
    if state != "succeeded":
        log.warning("refund failed at the provider", extra={"refund_no": refund_no, "state": state})
        await conn.execute(
            "UPDATE payment_refunds SET state = $2, updated_at = now() WHERE id = $1", refund["id"], state
        )
        return "refund_failed"
    order = await conn.fetchrow("SELECT * FROM payment_orders WHERE id = $1 FOR UPDATE", refund["order_id"])
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
    await conn.execute(
        """UPDATE payment_refunds SET state = 'succeeded', entry_id = $2, succeeded_at = $3,
                  provider_refund_id = coalesce(nullif($4, ''), provider_refund_id), updated_at = now()
           WHERE id = $1""",
        refund["id"],
        done.entry_id,
        refunded_at or datetime.now(UTC),
        provider_refund_id,
    )
    await conn.execute(
        "UPDATE payment_orders SET refunded_fen = refunded_fen + $2, updated_at = now() WHERE id = $1",
        order["id"],
        refund["amount_fen"],
    )
    return "refund_applied"


async def apply_callback(conn: asyncpg.Connection, event: CallbackEvent) -> Outcome:
    """A verified callback: a payment applied once, a refund's outcome, or kept as evidence."""
    if isinstance(event, PaymentCallback):
        if event.state != "paid" or event.paid_at is None:
            order_id = await conn.fetchval(
                "SELECT id FROM payment_orders WHERE out_trade_no = $1 AND channel = $2",
                event.out_trade_no,
                event.channel,
            )
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
    order_id = await conn.fetchval(
        "SELECT order_id FROM payment_refunds WHERE refund_no = $1", event.refund_no
    )
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
    order = await conn.fetchrow("SELECT * FROM payment_orders WHERE id = $1 FOR UPDATE", order_id)
    if order is None:
        raise PaymentNotFound(f"no payment {order_id}")
    if order["state"] != "paid":
        raise PaymentStateConflict(f"the payment is {order['state']}: only a paid one can be refunded")
    provider = _provider(providers, order["channel"])
    line = await conn.fetchrow(
        "SELECT home_id, sum(amount_fen) AS paid FROM payment_order_lines WHERE order_id = $1 AND bill_id = $2 "
        "GROUP BY home_id",
        order_id,
        data.bill_id,
    )
    if line is None:
        raise InvalidPayment("the payment did not pay this bill", fields=[_f("bill_id")])
    taken = await conn.fetchval(
        "SELECT coalesce(sum(amount_fen), 0) FROM payment_refunds WHERE order_id = $1 AND bill_id = $2 "
        "AND state NOT IN ('closed', 'abnormal')",
        order_id,
        data.bill_id,
    )
    if data.amount_fen > line["paid"] - taken:
        raise RefundTooLarge(
            f"at most {line['paid'] - taken} fen of this bill's payment can still be refunded",
            refundable_fen=line["paid"] - taken,
            fields=[{"field": "amount_fen", "code": "refund_too_large"}],
        )
    refund = await _queue_refund(
        conn, order, line["home_id"], data.bill_id, "manual", data.amount_fen, data.reason, requested_by
    )
    await _send_refund(conn, provider, urls, order, refund)
    (view,) = [r for r in (await get_payment(conn, order_id)).refunds if r.id == refund["id"]]
    return view


async def _send_refund(
    conn: asyncpg.Connection,
    provider: PaymentProvider,
    urls: Urls,
    order: asyncpg.Record,
    refund: asyncpg.Record,
) -> None:
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


# the worker's sweep ---------------------------------------------------------------------------------------------------


def _next_query(queries: int, now: datetime) -> datetime:
    wait: timedelta = min(QUERY_BACKOFF_MAX, FIRST_QUERY_AFTER * 2 ** min(queries, 10))
    return now + wait


async def sweep(pool: asyncpg.Pool, providers: Mapping[str, PaymentProvider], urls: Urls) -> dict[str, int]:
    """One pass: orders pending past their first wait or expired (asked of the provider; applied when paid,
    closed there when expired), refunds queued (sent) or in progress (asked). Each in its own transaction; a
    provider that is down leaves its rows for the next pass."""
    done: dict[str, int] = defaultdict(int)
    async with pool.acquire() as conn:
        orders = await conn.fetch(
            "SELECT id FROM payment_orders WHERE state IN ('pending', 'expired') AND next_query_at <= now() "
            "ORDER BY next_query_at LIMIT $1",
            SWEEP_BATCH,
        )
        refunds = await conn.fetch(
            "SELECT id FROM payment_refunds WHERE state IN ('requested', 'processing') AND next_query_at <= now() "
            "ORDER BY next_query_at LIMIT $1",
            SWEEP_BATCH,
        )
    for row in orders:
        async with pool.acquire() as proxy, proxy.transaction():
            done[await _sweep_order(cast(asyncpg.Connection, proxy), providers, row["id"])] += 1
    for row in refunds:
        async with pool.acquire() as proxy, proxy.transaction():
            done[await _sweep_refund(cast(asyncpg.Connection, proxy), providers, urls, row["id"])] += 1
    return dict(done)


async def _sweep_order(
    conn: asyncpg.Connection, providers: Mapping[str, PaymentProvider], order_id: UUID
) -> str:
    order = await conn.fetchrow(
        "SELECT * FROM payment_orders WHERE id = $1 AND state IN ('pending', 'expired') AND next_query_at <= now() "
        "FOR UPDATE SKIP LOCKED",
        order_id,
    )
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
            await conn.execute(
                "UPDATE payment_orders SET state = 'closed', updated_at = now() WHERE id = $1", order_id
            )
            await conn.execute("UPDATE payment_order_lines SET holds = false WHERE order_id = $1", order_id)
            return "closed"
    except (ProviderUnavailable, ProviderRefused) as exc:
        log.warning("payment query failed", extra={"order_id": str(order_id), "error": repr(exc)})
    await conn.execute(
        "UPDATE payment_orders SET queries = queries + 1, next_query_at = $2 WHERE id = $1",
        order_id,
        _next_query(order["queries"] + 1, now),
    )
    return "asked"


async def _sweep_refund(
    conn: asyncpg.Connection, providers: Mapping[str, PaymentProvider], urls: Urls, refund_id: UUID
) -> str:
    refund = await conn.fetchrow(
        "SELECT * FROM payment_refunds WHERE id = $1 AND state IN ('requested', 'processing') "
        "AND next_query_at <= now() FOR UPDATE SKIP LOCKED",
        refund_id,
    )
    order = (
        await conn.fetchrow("SELECT * FROM payment_orders WHERE id = $1", refund["order_id"])
        if refund
        else None
    )
    provider = providers.get(order["channel"]) if order else None
    if refund is None or order is None or provider is None:
        return "skipped"
    try:
        if refund["state"] == "requested":
            await _send_refund(conn, provider, urls, order, refund)
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
    await conn.execute(
        "UPDATE payment_refunds SET next_query_at = $2 WHERE id = $1",
        refund_id,
        datetime.now(UTC) + FIRST_QUERY_AFTER,
    )
    return "asked"


# receipts -------------------------------------------------------------------------------------------------------------


async def receipt_document(conn: asyncpg.Connection, order_id: UUID) -> ReceiptDocument:
    """What the receipt of a paid order says: its bills by fee item and period, credit paid ahead, refunds."""
    order = await conn.fetchrow(
        """SELECT o.*, e.name AS estate_name, e.property_company, u.display_name
           FROM payment_orders o JOIN estates e ON e.id = o.estate_id LEFT JOIN users u ON u.id = o.payer_id
           WHERE o.id = $1""",
        order_id,
    )
    if order is None:
        raise PaymentNotFound(f"no payment {order_id}")
    if order["state"] != "paid":
        raise PaymentStateConflict(f"the payment is {order['state']}: a receipt comes once it is paid")
    rows = await conn.fetch(
        """SELECT l.amount_fen, l.bill_id, f.name AS item, b.period,
                  concat_ws(' ', bd.name, nullif(h.entrance, ''), h.room) AS home
           FROM payment_order_lines l JOIN homes h ON h.id = l.home_id JOIN buildings bd ON bd.id = h.building_id
           LEFT JOIN bills b ON b.id = l.bill_id LEFT JOIN fee_items f ON f.id = b.fee_item_id
           WHERE l.order_id = $1 ORDER BY l.line""",
        order_id,
    )
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
