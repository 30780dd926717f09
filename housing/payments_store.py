"""SQL of payments: orders and their lines, callbacks kept as evidence, refunds, receipt numbers, the worker's
picks, receipts and the daily reconciliation (housing/payments.py, payment_sweep.py and reconcile.py hold the
rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final
from uuid import UUID

import asyncpg

Record = asyncpg.Record

# making an order ----------------------------------------------------------------------------------------------------


async def lock_bills_to_pay(
    conn: asyncpg.Connection, bill_ids: Sequence[UUID], payer_id: UUID
) -> list[Record]:
    """The bills found, locked, oldest first, with what is outstanding and whether the payer is bound to the
    bill's home."""
    rows: list[Record] = await conn.fetch(
        """SELECT b.id, b.home_id, b.estate_id, b.state, b.amount_fen - b.paid_fen - b.waived_fen AS outstanding,
                  EXISTS (SELECT 1 FROM home_bindings hb WHERE hb.home_id = b.home_id AND hb.user_id = $2
                          AND hb.state = 'active') AS bound
           FROM bills b WHERE b.id = ANY($1::uuid[]) ORDER BY b.due_date, b.period_start, b.id FOR UPDATE OF b""",
        bill_ids,
        payer_id,
    )
    return rows


async def bound_home_estate(conn: asyncpg.Connection, home_id: UUID, payer_id: UUID) -> Record | None:
    """The home's estate_id, when the payer is bound to the home."""
    row: Record | None = await conn.fetchrow(
        """SELECT h.estate_id FROM homes h JOIN home_bindings hb ON hb.home_id = h.id
           WHERE h.id = $1 AND hb.user_id = $2 AND hb.state = 'active'""",
        home_id,
        payer_id,
    )
    return row


async def expired_holding_orders(
    conn: asyncpg.Connection, bill_ids: Sequence[UUID], now: datetime
) -> list[UUID]:
    """Pending orders past their expiry whose lines still hold one of these bills."""
    rows = await conn.fetch(
        """SELECT DISTINCT o.id FROM payment_order_lines l JOIN payment_orders o ON o.id = l.order_id
           WHERE l.bill_id = ANY($1::uuid[]) AND l.holds AND o.state = 'pending' AND o.expires_at < $2""",
        bill_ids,
        now,
    )
    return [r["id"] for r in rows]


async def expire_orders(conn: asyncpg.Connection, order_ids: Sequence[UUID], now: datetime) -> None:
    """The orders become expired (asked again from ``now``) and their lines stop holding bills."""
    await conn.execute(
        "UPDATE payment_orders SET state = 'expired', next_query_at = $2, updated_at = now() "
        "WHERE id = ANY($1::uuid[])",
        order_ids,
        now,
    )
    await conn.execute(
        "UPDATE payment_order_lines SET holds = false WHERE order_id = ANY($1::uuid[])", order_ids
    )


async def insert_order(
    conn: asyncpg.Connection,
    order_id: UUID,
    *,
    out_trade_no: str,
    estate_id: UUID,
    payer_id: UUID,
    channel: str,
    amount_fen: int,
    expires_at: datetime,
    next_query_at: datetime,
) -> None:
    await conn.execute(
        """INSERT INTO payment_orders (id, out_trade_no, estate_id, payer_id, channel, amount_fen, app_payment,
                                       expires_at, next_query_at)
           VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $8)""",
        order_id,
        out_trade_no,
        estate_id,
        payer_id,
        channel,
        amount_fen,
        expires_at,
        next_query_at,
    )


async def insert_order_lines(
    conn: asyncpg.Connection, order_id: UUID, lines: Sequence[tuple[UUID, UUID | None, int]]
) -> None:
    """Lines numbered from 1, each (home_id, bill_id or None for credit, amount_fen). UniqueViolationError: a bill
    is held by another open order."""
    await conn.executemany(
        """INSERT INTO payment_order_lines (order_id, line, home_id, bill_id, amount_fen)
           VALUES ($1, $2, $3, $4, $5)""",
        [(order_id, i, home_id, bill_id, fen) for i, (home_id, bill_id, fen) in enumerate(lines, 1)],
    )


async def estate_name(conn: asyncpg.Connection, estate_id: UUID) -> str | None:
    name: str | None = await conn.fetchval("SELECT name FROM estates WHERE id = $1", estate_id)
    return name


async def set_app_payment(conn: asyncpg.Connection, order_id: UUID, app_payment: str) -> None:
    """``app_payment``: the JSON text the app hands to the provider's SDK."""
    await conn.execute("UPDATE payment_orders SET app_payment = $2 WHERE id = $1", order_id, app_payment)


# reading ------------------------------------------------------------------------------------------------------------

_ORDER_COLUMNS: Final = """o.id, o.out_trade_no, o.estate_id, o.payer_id, o.channel, o.state, o.amount_fen,
    o.currency, o.receipt_no, o.paid_at, o.refunded_fen, o.expires_at, o.created_at, o.provider_transaction_id"""


async def order_view(conn: asyncpg.Connection, order_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {_ORDER_COLUMNS} FROM payment_orders o WHERE o.id = $1", order_id
    )
    return row


async def payer_orders(
    conn: asyncpg.Connection, payer_id: UUID, after: UUID | None, limit: int
) -> list[Record]:
    """The payer's orders, newest first, after the order ``after`` (None: from the newest)."""
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_ORDER_COLUMNS} FROM payment_orders o
            WHERE o.payer_id = $1 AND ($2::uuid IS NULL OR o.id < $2) ORDER BY o.id DESC LIMIT $3""",
        payer_id,
        after,
        limit,
    )
    return rows


async def lines_of_orders(conn: asyncpg.Connection, order_ids: Sequence[UUID]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT order_id, home_id, bill_id, amount_fen FROM payment_order_lines "
        "WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line",
        order_ids,
    )
    return rows


async def refunds_of_orders(conn: asyncpg.Connection, order_ids: Sequence[UUID]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT * FROM payment_refunds WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id", order_ids
    )
    return rows


async def order_access(conn: asyncpg.Connection, order_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        """SELECT o.payer_id, o.estate_id, e.district_code FROM payment_orders o JOIN estates e ON e.id = o.estate_id
           WHERE o.id = $1""",
        order_id,
    )
    return row


# applying what the provider says ------------------------------------------------------------------------------------


async def insert_callback(
    conn: asyncpg.Connection,
    *,
    channel: str,
    kind: str,
    out_trade_no: str,
    provider_transaction_id: str,
    refund_no: str | None,
    order_id: UUID | None,
    outcome: str,
    flag: str | None,
    amount_fen: int | None,
    currency: str | None,
    raw: str,
) -> None:
    """``raw``: the JSON text kept as evidence."""
    await conn.execute(
        """INSERT INTO payment_callbacks (channel, kind, out_trade_no, provider_transaction_id, refund_no, order_id,
                                          outcome, flag, amount_fen, currency, raw)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
        channel,
        kind,
        out_trade_no,
        provider_transaction_id,
        refund_no,
        order_id,
        outcome,
        flag,
        amount_fen,
        currency,
        raw,
    )


async def order_id_by_trade_no(conn: asyncpg.Connection, out_trade_no: str, channel: str) -> UUID | None:
    order_id: UUID | None = await conn.fetchval(
        "SELECT id FROM payment_orders WHERE out_trade_no = $1 AND channel = $2", out_trade_no, channel
    )
    return order_id


async def lock_order_by_trade_no(conn: asyncpg.Connection, out_trade_no: str, channel: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT * FROM payment_orders WHERE out_trade_no = $1 AND channel = $2 FOR UPDATE",
        out_trade_no,
        channel,
    )
    return row


async def get_order(conn: asyncpg.Connection, order_id: UUID, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT * FROM payment_orders WHERE id = $1" + (" FOR UPDATE" if lock else ""), order_id
    )
    return row


async def release_lines(conn: asyncpg.Connection, order_id: UUID) -> list[Record]:
    """The order's lines (in no particular order), which stop holding their bills."""
    rows: list[Record] = await conn.fetch(
        "UPDATE payment_order_lines SET holds = false WHERE order_id = $1 RETURNING line, home_id, bill_id, amount_fen",
        order_id,
    )
    return rows


async def mark_paid_with_receipt(
    conn: asyncpg.Connection,
    order_id: UUID,
    estate_id: UUID,
    year: int,
    transaction_id: str,
    paid_at: datetime,
) -> str:
    """The order paid, with the estate's next receipt number of the year ("2026-000042"; at least six digits,
    more past 999,999): one statement, as the counter's row lock, which keeps the sequence gapless, is held from
    it to the commit by every payment of the estate."""
    receipt_no: str | None = await conn.fetchval(
        """WITH n AS (
               INSERT INTO receipt_counters (estate_id, year, last) VALUES ($2, $3, 1)
               ON CONFLICT (estate_id, year) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last
           )
           UPDATE payment_orders o SET state = 'paid', provider_transaction_id = $4, paid_at = $5,
                  receipt_no = $3::int::text || '-' || lpad(n.last::text, greatest(6, length(n.last::text)), '0'),
                  updated_at = now()
           FROM n WHERE o.id = $1 RETURNING o.receipt_no""",
        order_id,
        estate_id,
        year,
        transaction_id,
        paid_at,
    )
    assert receipt_no is not None  # the caller holds the order: it exists
    return receipt_no


async def release_holds(conn: asyncpg.Connection, order_id: UUID) -> None:
    """The order's lines stop holding their bills."""
    await conn.execute("UPDATE payment_order_lines SET holds = false WHERE order_id = $1", order_id)


# refunds ------------------------------------------------------------------------------------------------------------


async def count_refunds(conn: asyncpg.Connection, order_id: UUID) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM payment_refunds WHERE order_id = $1", order_id)
    return count


async def insert_refund(
    conn: asyncpg.Connection,
    *,
    refund_no: str,
    order_id: UUID,
    home_id: UUID,
    bill_id: UUID | None,
    kind: str,
    amount_fen: int,
    reason: str,
    requested_by: UUID | None,
) -> Record:
    row: Record | None = await conn.fetchrow(
        """INSERT INTO payment_refunds (refund_no, order_id, home_id, bill_id, kind, amount_fen, reason,
                                        requested_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *""",
        refund_no,
        order_id,
        home_id,
        bill_id,
        kind,
        amount_fen,
        reason,
        requested_by,
    )
    assert row is not None
    return row


async def lock_refund(conn: asyncpg.Connection, refund_no: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT * FROM payment_refunds WHERE refund_no = $1 FOR UPDATE", refund_no
    )
    return row


async def refund_order_id(conn: asyncpg.Connection, refund_no: str) -> UUID | None:
    order_id: UUID | None = await conn.fetchval(
        "SELECT order_id FROM payment_refunds WHERE refund_no = $1", refund_no
    )
    return order_id


async def mark_refund_processing(conn: asyncpg.Connection, refund_id: UUID, provider_refund_id: str) -> None:
    """State processing; the provider's refund id kept when it gives one (an empty one changes nothing)."""
    await conn.execute(
        "UPDATE payment_refunds SET state = 'processing', provider_refund_id = coalesce(nullif($2, ''), "
        "provider_refund_id), updated_at = now() WHERE id = $1",
        refund_id,
        provider_refund_id,
    )


async def set_refund_state(conn: asyncpg.Connection, refund_id: UUID, state: str) -> None:
    await conn.execute(
        "UPDATE payment_refunds SET state = $2, updated_at = now() WHERE id = $1", refund_id, state
    )


async def mark_refund_succeeded(
    conn: asyncpg.Connection, refund_id: UUID, entry_id: int, succeeded_at: datetime, provider_refund_id: str
) -> None:
    """State succeeded with its ledger entry; the provider's refund id kept when it gives one."""
    await conn.execute(
        """UPDATE payment_refunds SET state = 'succeeded', entry_id = $2, succeeded_at = $3,
                  provider_refund_id = coalesce(nullif($4, ''), provider_refund_id), updated_at = now()
           WHERE id = $1""",
        refund_id,
        entry_id,
        succeeded_at,
        provider_refund_id,
    )


async def add_refunded(conn: asyncpg.Connection, order_id: UUID, amount_fen: int) -> None:
    await conn.execute(
        "UPDATE payment_orders SET refunded_fen = refunded_fen + $2, updated_at = now() WHERE id = $1",
        order_id,
        amount_fen,
    )


async def paid_on_bill(conn: asyncpg.Connection, order_id: UUID, bill_id: UUID) -> Record | None:
    """The home and what the order paid on the bill (``paid``); None when it did not pay the bill."""
    row: Record | None = await conn.fetchrow(
        "SELECT home_id, sum(amount_fen) AS paid FROM payment_order_lines WHERE order_id = $1 AND bill_id = $2 "
        "GROUP BY home_id",
        order_id,
        bill_id,
    )
    return row


async def refunds_taken_fen(conn: asyncpg.Connection, order_id: UUID, bill_id: UUID) -> int:
    """What the order's refunds of the bill took or are taking (all but the closed and abnormal ones)."""
    taken: int = await conn.fetchval(
        "SELECT coalesce(sum(amount_fen), 0) FROM payment_refunds WHERE order_id = $1 AND bill_id = $2 "
        "AND state NOT IN ('closed', 'abnormal')",
        order_id,
        bill_id,
    )
    return taken


# the worker's sweep -------------------------------------------------------------------------------------------------


async def due_orders(conn: asyncpg.Connection, limit: int) -> list[UUID]:
    """Pending or expired orders due to be asked about, longest waiting first."""
    rows = await conn.fetch(
        "SELECT id FROM payment_orders WHERE state IN ('pending', 'expired') AND next_query_at <= now() "
        "ORDER BY next_query_at LIMIT $1",
        limit,
    )
    return [r["id"] for r in rows]


async def due_refunds(conn: asyncpg.Connection, limit: int) -> list[UUID]:
    """Refunds requested or in progress due to be sent or asked about, longest waiting first."""
    rows = await conn.fetch(
        "SELECT id FROM payment_refunds WHERE state IN ('requested', 'processing') AND next_query_at <= now() "
        "ORDER BY next_query_at LIMIT $1",
        limit,
    )
    return [r["id"] for r in rows]


async def lock_due_order(conn: asyncpg.Connection, order_id: UUID) -> Record | None:
    """The order, locked, while it is still due; None when it is not, or another worker holds it."""
    row: Record | None = await conn.fetchrow(
        "SELECT * FROM payment_orders WHERE id = $1 AND state IN ('pending', 'expired') AND next_query_at <= now() "
        "FOR UPDATE SKIP LOCKED",
        order_id,
    )
    return row


async def lock_due_refund(conn: asyncpg.Connection, refund_id: UUID) -> Record | None:
    """The refund, locked, while it is still due; None when it is not, or another worker holds it."""
    row: Record | None = await conn.fetchrow(
        "SELECT * FROM payment_refunds WHERE id = $1 AND state IN ('requested', 'processing') "
        "AND next_query_at <= now() FOR UPDATE SKIP LOCKED",
        refund_id,
    )
    return row


async def close_order(conn: asyncpg.Connection, order_id: UUID) -> None:
    await conn.execute(
        "UPDATE payment_orders SET state = 'closed', updated_at = now() WHERE id = $1", order_id
    )


async def order_asked(conn: asyncpg.Connection, order_id: UUID, next_query_at: datetime) -> None:
    """One more query counted; the next one not before ``next_query_at``."""
    await conn.execute(
        "UPDATE payment_orders SET queries = queries + 1, next_query_at = $2 WHERE id = $1",
        order_id,
        next_query_at,
    )


async def refund_asked(conn: asyncpg.Connection, refund_id: UUID, next_query_at: datetime) -> None:
    await conn.execute(
        "UPDATE payment_refunds SET next_query_at = $2 WHERE id = $1", refund_id, next_query_at
    )


# receipts -----------------------------------------------------------------------------------------------------------


async def receipt_order(conn: asyncpg.Connection, order_id: UUID) -> Record | None:
    """The order with its estate's name and company and the payer's display name."""
    row: Record | None = await conn.fetchrow(
        """SELECT o.*, e.name AS estate_name, e.property_company, u.display_name
           FROM payment_orders o JOIN estates e ON e.id = o.estate_id LEFT JOIN users u ON u.id = o.payer_id
           WHERE o.id = $1""",
        order_id,
    )
    return row


async def receipt_lines(conn: asyncpg.Connection, order_id: UUID) -> list[Record]:
    """The order's lines in order: amount, bill (None for credit), fee item, period and the home's label."""
    rows: list[Record] = await conn.fetch(
        """SELECT l.amount_fen, l.bill_id, f.name AS item, b.period,
                  concat_ws(' ', bd.name, nullif(h.entrance, ''), h.room) AS home
           FROM payment_order_lines l JOIN homes h ON h.id = l.home_id JOIN buildings bd ON bd.id = h.building_id
           LEFT JOIN bills b ON b.id = l.bill_id LEFT JOIN fee_items f ON f.id = b.fee_item_id
           WHERE l.order_id = $1 ORDER BY l.line""",
        order_id,
    )
    return rows


# the daily reconciliation -------------------------------------------------------------------------------------------

_RECONCILIATION_COLUMNS: Final = "id, channel, day, ours_fen, theirs_fen, matched, differences, run_at"


async def paid_orders_between(
    conn: asyncpg.Connection, channel: str, start: datetime, end: datetime
) -> list[Record]:
    """The channel's orders in state paid whose paid_at falls in [start, end)."""
    rows: list[Record] = await conn.fetch(
        """SELECT out_trade_no, amount_fen, provider_transaction_id, estate_id, state
             FROM payment_orders
            WHERE channel = $1 AND state = 'paid' AND paid_at >= $2 AND paid_at < $3""",
        channel,
        start,
        end,
    )
    return rows


async def succeeded_refunds_between(
    conn: asyncpg.Connection, channel: str, start: datetime, end: datetime
) -> list[Record]:
    """The refunds of the channel's orders in state succeeded whose succeeded_at falls in [start, end)."""
    rows: list[Record] = await conn.fetch(
        """SELECT o.out_trade_no, r.refund_no, r.amount_fen, r.provider_refund_id, o.estate_id, r.state
             FROM payment_refunds r JOIN payment_orders o ON o.id = r.order_id
            WHERE o.channel = $1 AND r.state = 'succeeded' AND r.succeeded_at >= $2 AND r.succeeded_at < $3""",
        channel,
        start,
        end,
    )
    return rows


async def orders_by_trade_no(conn: asyncpg.Connection, out_trade_nos: Sequence[str]) -> list[Record]:
    """out_trade_no, estate_id and state of the orders known by these numbers."""
    rows: list[Record] = await conn.fetch(
        "SELECT out_trade_no, estate_id, state FROM payment_orders WHERE out_trade_no = ANY($1::text[])",
        out_trade_nos,
    )
    return rows


async def refunds_by_no(conn: asyncpg.Connection, refund_nos: Sequence[str]) -> list[Record]:
    """refund_no, state and the order's estate_id of the refunds known by these numbers."""
    rows: list[Record] = await conn.fetch(
        """SELECT r.refund_no, r.state, o.estate_id
             FROM payment_refunds r JOIN payment_orders o ON o.id = r.order_id
            WHERE r.refund_no = ANY($1::text[])""",
        refund_nos,
    )
    return rows


async def insert_reconciliation(
    conn: asyncpg.Connection,
    *,
    channel: str,
    day: date,
    ours_fen: int,
    theirs_fen: int,
    matched: int,
    differences: Any,
) -> Record:
    """``differences``: builtins (lists, dicts), encoded by the connection's jsonb codec (api/db.py)."""
    row: Record | None = await conn.fetchrow(
        f"""INSERT INTO payment_reconciliations (channel, day, ours_fen, theirs_fen, matched, differences)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING {_RECONCILIATION_COLUMNS}""",
        channel,
        day,
        ours_fen,
        theirs_fen,
        matched,
        differences,
    )
    assert row is not None
    return row


async def latest_reconciliations(conn: asyncpg.Connection, day: date, channel: str | None) -> list[Record]:
    """The latest run of each channel (or of ``channel``) for the day, wechat first."""
    rows: list[Record] = await conn.fetch(
        f"""SELECT DISTINCT ON (channel) {_RECONCILIATION_COLUMNS}
             FROM payment_reconciliations
            WHERE day = $1 AND ($2::text IS NULL OR channel = $2)
            ORDER BY channel DESC, id DESC""",
        day,
        channel,
    )
    return rows


async def estate_orders(
    conn: asyncpg.Connection,
    estate_id: UUID,
    state: str | None,
    channel: str | None,
    refunded: bool,
    after: UUID | None,
    limit: int,
) -> list[Record]:
    """An estate's orders, newest first, of one state and channel when given (refunded: only those with a
    refund), after the order ``after`` (None: from the newest). For the console's payments list."""
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_ORDER_COLUMNS} FROM payment_orders o
            WHERE o.estate_id = $1 AND ($2::text IS NULL OR o.state = $2)
              AND ($3::text IS NULL OR o.channel = $3)
              AND (NOT $4 OR EXISTS (SELECT 1 FROM payment_refunds r WHERE r.order_id = o.id))
              AND ($5::uuid IS NULL OR o.id < $5)
            ORDER BY o.id DESC LIMIT $6""",
        estate_id,
        state,
        channel,
        refunded,
        after,
        limit,
    )
    return rows
