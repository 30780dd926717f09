"""The daily reconciliation (对账) of one payment channel against the provider's statement (DOMAIN.md §11).

A callback is evidence, not truth: once a day, what we count for a China Standard Time day is compared with
the provider's statement (对账单) of that day, and every difference is written down for a person to look at.

Our side, for ``channel`` and the CST day ``day``:

- payments: ``payment_orders`` of the channel in state ``paid`` whose ``paid_at`` falls in the day;
- refunds: ``payment_refunds`` of the channel's orders in state ``succeeded`` whose ``succeeded_at`` falls in it.

Their side: the statement's rows, payments matched by ``out_trade_no`` and refunds by ``refund_no``. Each entry
found on one side only, or on both with another amount or another provider id, is a difference:

- ``missing_ours``: the provider has it and we have no paid order / succeeded refund for the day (a lost
  callback, or one applied with a time on another day). ``estate_id`` and ``ours_state`` name our order (or
  refund) when we know its ``out_trade_no`` (``refund_no``) at all;
- ``missing_theirs``: we count it, the statement does not;
- ``amount_differs``: both have it, for different fen;
- ``transaction_differs``: both have it, under different provider ids (WeChat 微信订单号 / Alipay 支付宝交易号 for
  payments; WeChat 微信退款单号 for refunds, where both sides know one).

An entry whose amount and id both differ is reported twice, once for each. Amounts are integer fen; a
difference's ``ours_fen`` / ``theirs_fen`` is null on the side that lacks the entry.

Each run stores one ``payment_reconciliations`` row: ``ours_fen`` and ``theirs_fen`` are the day's net (payments
less refunds) on each side, ``matched`` the entries found alike on both, ``differences`` the list. Running a day
again stores a new row; the latest run of a day and channel is the answer (``latest``). The caller owns the
transaction; nothing here talks to the provider (the caller fetches the statement first, outside any
transaction, with ``PaymentProvider.statement(day)``). The SQL is housing/payments_store.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Final, Literal
from uuid import UUID

import asyncpg
import msgspec

from housing import payments_store as store
from housing.providers.base import CHINA_TZ
from housing.providers.models import Channel, ProviderStatement, ProviderStatementRow

DifferenceKind = Literal["missing_ours", "missing_theirs", "amount_differs", "transaction_differs"]
EntryKind = Literal["payment", "refund"]
CHANNELS: Final[tuple[Channel, ...]] = ("wechat", "alipay")


class ReconciliationDifference(msgspec.Struct, frozen=True, kw_only=True):
    """One difference between our payments and the provider's statement of a day."""

    kind: DifferenceKind
    entry: EntryKind
    out_trade_no: str
    refund_no: str | None  # None for payments
    ours_fen: int | None  # None: we do not count it on that day
    theirs_fen: int | None  # None: the statement does not have it
    ours_transaction_id: str | None  # payments: our provider_transaction_id; refunds: our provider_refund_id
    theirs_transaction_id: str | None
    estate_id: UUID | None  # the order's estate, when we know the out_trade_no (or refund_no) at all
    ours_state: str | None  # the state of our order (refund) when we know it: pending, expired, paid, ...


class Reconciliation(msgspec.Struct, frozen=True, kw_only=True):
    """One run of the daily reconciliation of a channel, as stored."""

    id: int
    channel: Channel
    day: date  # the China Standard Time day reconciled
    ours_fen: int  # our net of the day: payments less refunds, in fen
    theirs_fen: int  # the statement's net of the day: payments less refunds, in fen
    ours_count: int  # entries (payments and refunds) we count on the day
    theirs_count: int  # entries the statement has
    matched: int  # entries alike on both sides
    differences: list[ReconciliationDifference]
    run_at: datetime


class ReconciliationList(msgspec.Struct, frozen=True, kw_only=True):
    """The latest run of each channel reconciled for a day."""

    day: date
    items: list[Reconciliation]


class _Ours(msgspec.Struct, frozen=True, kw_only=True):
    out_trade_no: str
    refund_no: str | None
    amount_fen: int
    transaction_id: str | None
    estate_id: UUID
    state: str


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The China Standard Time day as [start, end) instants."""
    start = datetime.combine(day, time.min, CHINA_TZ)
    return start, start + timedelta(days=1)


async def reconcile(
    conn: asyncpg.Connection, channel: Channel, day: date, statement: ProviderStatement
) -> Reconciliation:
    """Compare our payments and refunds of ``channel`` on the CST ``day`` with the provider's statement of that
    day, store the run and return it."""
    if statement.channel != channel or statement.day != day:
        raise ValueError(f"the statement is {statement.channel} of {statement.day}, not {channel} of {day}")
    start, end = day_bounds(day)
    ours_payments = {o.out_trade_no: o for o in await _paid_orders(conn, channel, start, end)}
    ours_refunds = {o.refund_no or "": o for o in await _succeeded_refunds(conn, channel, start, end)}
    theirs_payments: dict[str, ProviderStatementRow] = {}
    theirs_refunds: dict[str, ProviderStatementRow] = {}
    extra: list[ProviderStatementRow] = []  # a second row of the same entry: the provider counts it twice
    for row in statement.rows:
        into = theirs_payments if row.kind == "payment" else theirs_refunds
        key = row.out_trade_no if row.kind == "payment" else row.refund_no
        if key in into:
            extra.append(row)
        else:
            into[key] = row

    differences: list[ReconciliationDifference] = []
    unknown: list[tuple[EntryKind, ProviderStatementRow]] = []
    matched = _pair("payment", ours_payments, theirs_payments, differences, unknown)
    matched += _pair("refund", ours_refunds, theirs_refunds, differences, unknown)
    unknown += [(row.kind, row) for row in extra]
    differences += await _missing_ours(conn, unknown)
    differences.sort(key=_order)

    ours_fen = sum(o.amount_fen for o in ours_payments.values()) - sum(
        o.amount_fen for o in ours_refunds.values()
    )
    theirs_fen = statement.payments_fen - statement.refunds_fen
    stored = await store.insert_reconciliation(
        conn, channel=channel, day=day, ours_fen=ours_fen, theirs_fen=theirs_fen, matched=matched,
        differences=msgspec.to_builtins(differences),  # the connection's jsonb codec encodes it
    )  # fmt: skip
    return _record(stored)


async def latest(conn: asyncpg.Connection, day: date, channel: Channel | None = None) -> ReconciliationList:
    """The latest run of each channel (or of ``channel``) for ``day``, wechat first; channels never reconciled
    that day are left out."""
    rows = await store.latest_reconciliations(conn, day, channel)
    return ReconciliationList(day=day, items=[_record(row) for row in rows])


def is_clean(result: Reconciliation) -> bool:
    return not result.differences


def yuan(fen: int) -> str:
    """1234567 -> '12,345.67', -45 -> '-0.45': for people, never parsed back."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def describe(result: Reconciliation, statement: ProviderStatement | None = None) -> str:
    """A readable report of a run: counts, sums in yuan, one line per difference."""
    status = "OK" if is_clean(result) else f"{len(result.differences)} DIFFERENCE(S)"
    lines = [
        f"payments reconcile {result.channel} {result.day.isoformat()} (CST): {status}",
        f"  ours:   {result.ours_count} entries, net {yuan(result.ours_fen)} yuan",
        f"  theirs: {result.theirs_count} entries, net {yuan(result.theirs_fen)} yuan",
    ]
    if statement is not None:
        payments = sum(1 for r in statement.rows if r.kind == "payment")
        lines.append(
            f"          statement: {payments} payments {yuan(statement.payments_fen)} yuan, "
            f"{len(statement.rows) - payments} refunds {yuan(statement.refunds_fen)} yuan"
        )
    lines.append(f"  matched: {result.matched}")
    lines += ["  " + describe_difference(d) for d in result.differences]
    return "\n".join(lines)


def describe_difference(d: ReconciliationDifference) -> str:
    what = f"{d.entry} {d.out_trade_no}" + (f" refund {d.refund_no}" if d.refund_no else "")
    fen = f"ours {_maybe_yuan(d.ours_fen)}, theirs {_maybe_yuan(d.theirs_fen)}"
    if d.kind == "transaction_differs":
        fen += f"; id ours {d.ours_transaction_id}, theirs {d.theirs_transaction_id}"
    where = f"; estate {d.estate_id}" if d.estate_id else "; no such order here"
    state = f" (ours is {d.ours_state})" if d.ours_state and d.kind == "missing_ours" else ""
    return f"{d.kind}: {what}: {fen}{where}{state}"


# comparing -----------------------------------------------------------------------------------------------------


def _pair(
    entry: EntryKind,
    ours: dict[str, _Ours],
    theirs: dict[str, ProviderStatementRow],
    differences: list[ReconciliationDifference],
    unknown: list[tuple[EntryKind, ProviderStatementRow]],
) -> int:
    """Pair our entries with the statement's by key; add the differences, collect the rows we do not count
    (``unknown``), and answer how many matched."""
    matched = 0
    for key in sorted(ours.keys() | theirs.keys()):
        our, their = ours.get(key), theirs.get(key)
        if our is None:
            if their is not None:
                unknown.append((entry, their))
        elif their is None:
            differences.append(_difference("missing_theirs", entry, our, None))
        else:
            found = _compare(entry, our, their)
            differences += found
            if not found:
                matched += 1
    return matched


def _compare(entry: EntryKind, our: _Ours, their: ProviderStatementRow) -> list[ReconciliationDifference]:
    found = []
    if our.amount_fen != their.amount_fen:
        found.append(_difference("amount_differs", entry, our, their))
    theirs_id = _their_id(entry, their)
    if our.transaction_id and theirs_id and our.transaction_id != theirs_id:
        found.append(_difference("transaction_differs", entry, our, their))
    return found


def _their_id(entry: EntryKind, row: ProviderStatementRow) -> str | None:
    value = row.provider_transaction_id if entry == "payment" else row.provider_refund_id
    return value or None


def _difference(
    kind: DifferenceKind, entry: EntryKind, our: _Ours, their: ProviderStatementRow | None
) -> ReconciliationDifference:
    return ReconciliationDifference(
        kind=kind,
        entry=entry,
        out_trade_no=our.out_trade_no,
        refund_no=our.refund_no,
        ours_fen=our.amount_fen,
        theirs_fen=their.amount_fen if their else None,
        ours_transaction_id=our.transaction_id,
        theirs_transaction_id=_their_id(entry, their) if their else None,
        estate_id=our.estate_id,
        ours_state=our.state,
    )


async def _missing_ours(
    conn: asyncpg.Connection, rows: list[tuple[EntryKind, ProviderStatementRow]]
) -> list[ReconciliationDifference]:
    """Statement rows we do not count that day: named with our order (refund) when we know it at all."""
    if not rows:
        return []
    orders = {
        r["out_trade_no"]: r
        for r in await store.orders_by_trade_no(conn, sorted({row.out_trade_no for _, row in rows}))
    }
    refunds = {
        r["refund_no"]: r
        for r in await store.refunds_by_no(
            conn, sorted({row.refund_no for kind, row in rows if kind == "refund"})
        )
    }
    out = []
    for entry, row in rows:
        order = orders.get(row.out_trade_no)
        known = refunds.get(row.refund_no) if entry == "refund" else order
        estate = known or order
        out.append(
            ReconciliationDifference(
                kind="missing_ours",
                entry=entry,
                out_trade_no=row.out_trade_no,
                refund_no=row.refund_no if entry == "refund" else None,
                ours_fen=None,
                theirs_fen=row.amount_fen,
                ours_transaction_id=None,
                theirs_transaction_id=_their_id(entry, row),
                estate_id=estate["estate_id"] if estate else None,
                ours_state=known["state"] if known else None,
            )
        )
    return out


def _maybe_yuan(fen: int | None) -> str:
    return "none" if fen is None else yuan(fen)


def _order(d: ReconciliationDifference) -> tuple[str, str, str, str]:
    return (d.entry, d.out_trade_no, d.refund_no or "", d.kind)


# our side and the stored run -----------------------------------------------------------------------------------


async def _paid_orders(
    conn: asyncpg.Connection, channel: Channel, start: datetime, end: datetime
) -> list[_Ours]:
    rows = await store.paid_orders_between(conn, channel, start, end)
    return [
        _Ours(
            out_trade_no=r["out_trade_no"],
            refund_no=None,
            amount_fen=r["amount_fen"],
            transaction_id=r["provider_transaction_id"],
            estate_id=r["estate_id"],
            state=r["state"],
        )
        for r in rows
    ]


async def _succeeded_refunds(
    conn: asyncpg.Connection, channel: Channel, start: datetime, end: datetime
) -> list[_Ours]:
    rows = await store.succeeded_refunds_between(conn, channel, start, end)
    return [
        _Ours(
            out_trade_no=r["out_trade_no"],
            refund_no=r["refund_no"],
            amount_fen=r["amount_fen"],
            transaction_id=r["provider_refund_id"] or None,
            estate_id=r["estate_id"],
            state=r["state"],
        )
        for r in rows
    ]


def _record(row: Any) -> Reconciliation:
    raw = row["differences"]  # decoded by the connection's jsonb codec (api/db.py)
    if isinstance(raw, str | bytes):
        raw = msgspec.json.decode(raw)
    differences = msgspec.convert(raw, list[ReconciliationDifference])
    # every entry on one side only, or on both but different, has at least one difference naming its side
    ours = {(d.entry, d.out_trade_no, d.refund_no) for d in differences if d.ours_fen is not None}
    theirs = {(d.entry, d.out_trade_no, d.refund_no) for d in differences if d.theirs_fen is not None}
    return Reconciliation(
        id=row["id"],
        channel=row["channel"],
        day=row["day"],
        ours_fen=row["ours_fen"],
        theirs_fen=row["theirs_fen"],
        ours_count=row["matched"] + len(ours),
        theirs_count=row["matched"] + len(theirs),
        matched=row["matched"],
        differences=differences,
        run_at=row["run_at"],
    )
