"""SQL of bills: a bill and its events, settling, a user's and a home's bills, arrears and reminders. (Fee items,
billing runs and meter readings: housing/billing_store.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import asyncpg

Record = asyncpg.Record


# bills --------------------------------------------------------------------------------------------------------------

BILL_COLUMNS = """b.id, b.estate_id, b.home_id, b.fee_item_id, f.name AS fee_item_name, f.kind AS fee_kind, b.run_id,
    b.period, b.period_start, b.period_end, b.due_date, b.amount_fen, b.paid_fen, b.waived_fen, b.refunded_fen,
    b.state, b.lines, b.reason, b.version, b.issued_at, b.updated_at"""
BILL_FROM = "bills b JOIN fee_items f ON f.id = b.fee_item_id"


async def get_bill(conn: asyncpg.Connection, bill_id: UUID, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {BILL_COLUMNS} FROM {BILL_FROM} WHERE b.id = $1" + (" FOR UPDATE OF b" if lock else ""),
        bill_id,
    )
    return row


async def bill_home(conn: asyncpg.Connection, bill_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        """SELECT b.home_id, b.estate_id, e.district_code FROM bills b JOIN estates e ON e.id = b.estate_id
           WHERE b.id = $1""",
        bill_id,
    )
    return row


async def open_bills(conn: asyncpg.Connection, homes: Sequence[UUID]) -> list[Record]:
    """The homes' open bills, oldest first (due date, period, id), locked."""
    rows: list[Record] = await conn.fetch(
        """SELECT id, home_id, estate_id, fee_item_id, amount_fen, paid_fen, waived_fen, state, version
           FROM bills WHERE home_id = ANY($1::uuid[]) AND state IN ('issued', 'partly_paid')
           ORDER BY home_id, due_date, period_start, id FOR UPDATE""",
        homes,
    )
    return rows


async def settle_bills(
    conn: asyncpg.Connection,
    ids: Sequence[UUID],
    from_states: Sequence[str],
    to_states: Sequence[str],
    versions: Sequence[int],
    paid: Sequence[int],
    waived: Sequence[int],
    refunded: Sequence[int],
    reasons: Sequence[str | None],
) -> list[Record]:
    """Guarded updates of many bills at once: each only from the state and version it was read in. Amounts are
    added; a reason, when given, is set. Returns the bills updated."""
    rows: list[Record] = await conn.fetch(
        """UPDATE bills b SET state = u.to_state, version = b.version + 1, paid_fen = b.paid_fen + u.paid,
                  waived_fen = b.waived_fen + u.waived, refunded_fen = b.refunded_fen + u.refunded,
                  reason = coalesce(u.reason, b.reason), updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[],
                       $8::text[]) AS u(id, from_state, to_state, version, paid, waived, refunded, reason)
           WHERE b.id = u.id AND b.state = u.from_state AND b.version = u.version
           RETURNING b.id, b.state, b.version""",
        ids,
        from_states,
        to_states,
        versions,
        paid,
        waived,
        refunded,
        reasons,
    )
    return rows


async def insert_events(
    conn: asyncpg.Connection,
    bills: Sequence[UUID],
    actions: Sequence[str],
    from_states: Sequence[str | None],
    to_states: Sequence[str],
    amounts: Sequence[int],
    reasons: Sequence[str | None],
    entries: Sequence[int | None],
    refs: Sequence[str | None],
    actors: Sequence[UUID | None],
) -> None:
    await conn.execute(
        """INSERT INTO bill_events (bill_id, action, from_state, to_state, amount_fen, reason, entry_id, ref, actor_id)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[],
                                $7::bigint[], $8::text[], $9::uuid[])""",
        bills,
        actions,
        from_states,
        to_states,
        amounts,
        reasons,
        entries,
        refs,
        actors,
    )


async def bill_events(conn: asyncpg.Connection, bill_id: UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT id, action, from_state, to_state, amount_fen, reason, entry_id, ref, at
           FROM bill_events WHERE bill_id = $1 ORDER BY id""",
        bill_id,
    )
    return rows


async def issue_entry(conn: asyncpg.Connection, bill_id: UUID) -> int | None:
    entry: int | None = await conn.fetchval(
        "SELECT id FROM ledger_entries WHERE bill_id = $1 AND kind = 'bill' ORDER BY id LIMIT 1", bill_id
    )
    return entry


async def user_bills(
    conn: asyncpg.Connection,
    user_id: UUID,
    state: str | None,
    home_id: UUID | None,
    after: UUID | None,
    limit: int,
) -> list[Record]:
    """Bills of the homes the user is bound to now (active bindings), newest first."""
    rows: list[Record] = await conn.fetch(
        f"""SELECT {BILL_COLUMNS} FROM {BILL_FROM}
            WHERE b.home_id IN (SELECT hb.home_id FROM home_bindings hb
                                WHERE hb.user_id = $1 AND hb.state = 'active')
              AND ($2::text IS NULL OR b.state = $2) AND ($3::uuid IS NULL OR b.home_id = $3)
              AND ($4::uuid IS NULL OR b.id < $4)
            ORDER BY b.id DESC LIMIT $5""",
        user_id,
        state,
        home_id,
        after,
        limit,
    )
    return rows


# arrears and reminders ----------------------------------------------------------------------------------------------


async def arrears_by_building(conn: asyncpg.Connection, estate_id: UUID, as_of: date) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT g.id AS building_id, g.name AS building,
                  count(DISTINCT b.home_id) AS homes, count(*) AS bills,
                  sum(b.amount_fen - b.paid_fen - b.waived_fen)::bigint AS outstanding_fen,
                  min(b.due_date) AS oldest_due
           FROM bills b JOIN homes h ON h.id = b.home_id JOIN buildings g ON g.id = h.building_id
           WHERE b.estate_id = $1 AND b.state IN ('issued', 'partly_paid') AND b.due_date < $2
           GROUP BY g.id, g.name ORDER BY g.name, g.id""",
        estate_id,
        as_of,
    )
    return rows


async def arrears_by_home(
    conn: asyncpg.Connection,
    estate_id: UUID,
    building_id: UUID | None,
    as_of: date,
    after: UUID | None,
    limit: int,
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT h.id AS home_id, h.building_id, g.name AS building, h.entrance, h.floor, h.room,
                  count(*) AS bills, sum(b.amount_fen - b.paid_fen - b.waived_fen)::bigint AS outstanding_fen,
                  min(b.due_date) AS oldest_due,
                  (SELECT max(r.sent_at) FROM bill_reminders r WHERE r.home_id = h.id) AS last_reminded_at
           FROM bills b JOIN homes h ON h.id = b.home_id JOIN buildings g ON g.id = h.building_id
           WHERE b.estate_id = $1 AND b.state IN ('issued', 'partly_paid') AND b.due_date < $3
             AND ($2::uuid IS NULL OR h.building_id = $2) AND ($4::uuid IS NULL OR h.id > $4)
           GROUP BY h.id, g.name ORDER BY h.id LIMIT $5""",
        estate_id,
        building_id,
        as_of,
        after,
        limit,
    )
    return rows


async def homes_in_arrears(
    conn: asyncpg.Connection,
    estate_id: UUID,
    home_ids: Sequence[UUID] | None,
    building_id: UUID | None,
    as_of: date,
    min_outstanding: int,
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT b.home_id, count(*) AS bills, sum(b.amount_fen - b.paid_fen - b.waived_fen)::bigint AS outstanding,
                  (SELECT max(r.sent_at) FROM bill_reminders r WHERE r.home_id = b.home_id) AS last_reminded_at
           FROM bills b JOIN homes h ON h.id = b.home_id
           WHERE b.estate_id = $1 AND b.state IN ('issued', 'partly_paid') AND b.due_date < $4
             AND ($2::uuid[] IS NULL OR b.home_id = ANY($2::uuid[])) AND ($3::uuid IS NULL OR h.building_id = $3)
           GROUP BY b.home_id HAVING sum(b.amount_fen - b.paid_fen - b.waived_fen) >= $5
           ORDER BY b.home_id""",
        estate_id,
        home_ids,
        building_id,
        as_of,
        min_outstanding,
    )
    return rows


async def home_residents(conn: asyncpg.Connection, homes: Sequence[UUID]) -> list[Record]:
    """The users bound to the homes now (owners, family, tenants), not disabled."""
    rows: list[Record] = await conn.fetch(
        """SELECT hb.home_id, hb.user_id, hb.relation FROM home_bindings hb JOIN users u ON u.id = hb.user_id
           WHERE hb.home_id = ANY($1::uuid[]) AND hb.state = 'active' AND u.disabled_at IS NULL
           ORDER BY hb.home_id, hb.user_id""",
        homes,
    )
    return rows


async def insert_reminder(
    conn: asyncpg.Connection,
    estate_id: UUID,
    home_id: UUID,
    outstanding: int,
    bills: int,
    recipients: int,
    outbox_id: int | None,
    sent_by: UUID | None,
) -> None:
    await conn.execute(
        """INSERT INTO bill_reminders (estate_id, home_id, outstanding_fen, bills, recipients, outbox_id, sent_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        estate_id,
        home_id,
        outstanding,
        bills,
        recipients,
        outbox_id,
        sent_by,
    )


async def home_bills(conn: asyncpg.Connection, home_id: UUID, open_only: bool, limit: int) -> list[Record]:
    """A home's bills (only the open ones when asked), oldest due first. For the console's arrears pages."""
    rows: list[Record] = await conn.fetch(
        f"""SELECT {BILL_COLUMNS} FROM {BILL_FROM}
            WHERE b.home_id = $1 AND (NOT $2 OR b.state IN ('issued', 'partly_paid'))
            ORDER BY b.due_date, b.period_start, b.id LIMIT $3""",
        home_id,
        open_only,
        limit,
    )
    return rows
