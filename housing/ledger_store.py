"""SQL of the ledger: accounts, entries, lines, balances and the check (housing/ledger.py explains the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

Record = asyncpg.Record


async def ensure_accounts(
    conn: asyncpg.Connection,
    kinds: Sequence[str],
    estates: Sequence[UUID],
    homes: Sequence[UUID | None],
    fee_items: Sequence[UUID | None],
    providers: Sequence[str | None],
) -> list[Record]:
    """The accounts of the keys given (in no particular order), made first when missing: looked up by index,
    and only the keys not found inserted (most postings find their accounts). Only those: ON CONFLICT on a key
    that exists waits for any transaction that holds the row (a clearing account is held by every posting to it
    until its commit), so naming the found ones would queue behind them for nothing."""
    found = await _find_accounts(conn, kinds, estates, homes, fee_items, providers)
    if len(found) == len(kinds):
        return found
    have = {(r["kind"], r["estate_id"], r["home_id"], r["fee_item_id"], r["provider"]) for r in found}
    keys = zip(kinds, estates, homes, fee_items, providers, strict=True)
    missing = [i for i, key in enumerate(keys) if key not in have]
    await conn.execute(
        """INSERT INTO ledger_accounts (kind, estate_id, home_id, fee_item_id, provider)
           SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[])
           ON CONFLICT DO NOTHING""",
        [kinds[i] for i in missing],
        [estates[i] for i in missing],
        [homes[i] for i in missing],
        [fee_items[i] for i in missing],
        [providers[i] for i in missing],
    )
    return await _find_accounts(conn, kinds, estates, homes, fee_items, providers)


async def _find_accounts(
    conn: asyncpg.Connection,
    kinds: Sequence[str],
    estates: Sequence[UUID],
    homes: Sequence[UUID | None],
    fee_items: Sequence[UUID | None],
    providers: Sequence[str | None],
) -> list[Record]:
    # each key looked up by index (a lateral subquery that cannot be flattened into a hash join over the whole
    # table; IS NOT DISTINCT FROM alone could use no index at all)
    return await conn.fetch(
        """SELECT a.id, a.kind, a.estate_id, a.home_id, a.fee_item_id, a.provider
           FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[])
                AS k(kind, estate_id, home_id, fee_item_id, provider)
           CROSS JOIN LATERAL (
               SELECT x.id, x.kind, x.estate_id, x.home_id, x.fee_item_id, x.provider FROM ledger_accounts x
               WHERE k.home_id IS NOT NULL AND x.home_id = k.home_id AND x.kind = k.kind
               UNION ALL
               SELECT x.id, x.kind, x.estate_id, x.home_id, x.fee_item_id, x.provider FROM ledger_accounts x
               WHERE k.home_id IS NULL AND x.kind = k.kind AND x.estate_id = k.estate_id AND x.home_id IS NULL
                 AND x.fee_item_id IS NOT DISTINCT FROM k.fee_item_id AND x.provider IS NOT DISTINCT FROM k.provider
               OFFSET 0
           ) a""",
        kinds,
        estates,
        homes,
        fee_items,
        providers,
    )


async def find_account(
    conn: asyncpg.Connection,
    kind: str,
    estate_id: UUID,
    home_id: UUID | None = None,
    fee_item_id: UUID | None = None,
    provider: str | None = None,
) -> Record | None:
    return await conn.fetchrow(
        """SELECT id, balance FROM ledger_accounts
           WHERE kind = $1 AND estate_id = $2 AND home_id IS NOT DISTINCT FROM $3
             AND fee_item_id IS NOT DISTINCT FROM $4 AND provider IS NOT DISTINCT FROM $5""",
        kind,
        estate_id,
        home_id,
        fee_item_id,
        provider,
    )


async def lock_accounts(conn: asyncpg.Connection, account_ids: Sequence[int]) -> dict[int, int]:
    """Lock accounts in id order (FOR NO KEY UPDATE: lines may still refer to them) and return their balances."""
    rows = await conn.fetch(
        "SELECT id, balance FROM ledger_accounts WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE",
        list(account_ids),
    )
    return {r["id"]: r["balance"] for r in rows}


async def balances(conn: asyncpg.Connection, account_ids: Sequence[int]) -> dict[int, int]:
    rows = await conn.fetch(
        "SELECT id, balance FROM ledger_accounts WHERE id = ANY($1::bigint[])", list(account_ids)
    )
    return {r["id"]: r["balance"] for r in rows}


async def allocate_entry_ids(conn: asyncpg.Connection, count: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT nextval(pg_get_serial_sequence('ledger_entries', 'id')) AS id FROM generate_series(1, $1)",
        count,
    )
    return [r["id"] for r in rows]


async def insert_entries(
    conn: asyncpg.Connection,
    ids: Sequence[int],
    estates: Sequence[UUID],
    kinds: Sequence[str],
    memos: Sequence[str],
    bills: Sequence[UUID | None],
    refs: Sequence[str | None],
    reverses: Sequence[int | None],
    actors: Sequence[UUID | None],
) -> None:
    await conn.execute(
        """INSERT INTO ledger_entries (id, estate_id, kind, memo, bill_id, ref, reverses_id, actor_id)
           OVERRIDING SYSTEM VALUE
           SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                                $7::bigint[], $8::uuid[])""",
        ids,
        estates,
        kinds,
        memos,
        bills,
        refs,
        reverses,
        actors,
    )


async def insert_entry(
    conn: asyncpg.Connection,
    estate_id: UUID,
    kind: str,
    memo: str,
    bill_id: UUID | None,
    ref: str | None,
    reverses_id: int | None,
    actor_id: UUID | None,
) -> int:
    """One entry; its id."""
    entry_id: int = await conn.fetchval(
        """INSERT INTO ledger_entries (estate_id, kind, memo, bill_id, ref, reverses_id, actor_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
        estate_id,
        kind,
        memo,
        bill_id,
        ref,
        reverses_id,
        actor_id,
    )
    return entry_id


async def insert_bill_entries(
    conn: asyncpg.Connection,
    estates: Sequence[UUID],
    kinds: Sequence[str],
    memos: Sequence[str],
    bills: Sequence[UUID | None],
    refs: Sequence[str | None],
    reverses: Sequence[int | None],
    actors: Sequence[UUID | None],
) -> dict[UUID, int]:
    """Insert entries that each name a different bill; returns the id each bill's entry got."""
    rows = await conn.fetch(
        """INSERT INTO ledger_entries (estate_id, kind, memo, bill_id, ref, reverses_id, actor_id)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::bigint[], $7::uuid[])
           RETURNING id, bill_id""",
        estates,
        kinds,
        memos,
        bills,
        refs,
        reverses,
        actors,
    )
    return {r["bill_id"]: r["id"] for r in rows}


async def insert_lines(
    conn: asyncpg.Connection, entries: Sequence[int], accounts: Sequence[int], amounts: Sequence[int]
) -> None:
    """One statement for all the lines: the trigger adds them to their accounts' balances in one go."""
    await conn.execute(
        """INSERT INTO ledger_lines (entry_id, account_id, amount)
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])""",
        entries,
        accounts,
        amounts,
    )


async def get_entry(conn: asyncpg.Connection, entry_id: int) -> Record | None:
    return await conn.fetchrow(
        """SELECT e.id, e.estate_id, e.kind, e.memo, e.bill_id, e.ref, e.reverses_id, e.actor_id, e.posted_at,
                  (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id) AS reversed_by
           FROM ledger_entries e WHERE e.id = $1""",
        entry_id,
    )


async def entry_lines(conn: asyncpg.Connection, entry_id: int) -> list[Record]:
    return await conn.fetch(
        """SELECT l.id, l.account_id, l.amount, a.kind, a.home_id, a.fee_item_id, a.provider
           FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id
           WHERE l.entry_id = $1 ORDER BY l.id""",
        entry_id,
    )


async def account_lines(
    conn: asyncpg.Connection, account_id: int, after_line: int | None, limit: int
) -> list[Record]:
    """An account's lines oldest first, with the balance after each (a running sum in the database)."""
    return await conn.fetch(
        """SELECT l.id, l.amount, l.balance_after, e.id AS entry_id, e.kind, e.memo, e.posted_at, e.reverses_id
           FROM (SELECT id, entry_id, amount, sum(amount) OVER (ORDER BY id)::bigint AS balance_after
                 FROM ledger_lines WHERE account_id = $1) l
           JOIN ledger_entries e ON e.id = l.entry_id
           WHERE $2::bigint IS NULL OR l.id > $2
           ORDER BY l.id LIMIT $3""",
        account_id,
        after_line,
        limit,
    )


# the check ---------------------------------------------------------------------------------------------------------


async def check_bounds(conn: asyncpg.Connection) -> Record:
    row = await conn.fetchrow(
        """SELECT (SELECT coalesce(min(id), 0) FROM ledger_entries) AS first_entry,
                  (SELECT coalesce(max(id), 0) FROM ledger_entries) AS last_entry,
                  (SELECT count(*) FROM ledger_accounts) AS accounts"""
    )
    assert row is not None
    return row


async def check_entry_chunk(conn: asyncpg.Connection, first: int, last: int) -> list[Record]:
    """For entries first..last: every account's sum over their lines (entry_id NULL), and each entry whose
    lines do not sum to zero or that has fewer than two (account_id NULL). One scan of the lines."""
    return await conn.fetch(
        """SELECT entry_id, account_id, sum(amount)::bigint AS total, count(*) AS lines
           FROM ledger_lines WHERE entry_id BETWEEN $1 AND $2
           GROUP BY GROUPING SETS ((entry_id), (account_id))
           HAVING account_id IS NOT NULL OR sum(amount) <> 0 OR count(*) < 2""",
        first,
        last,
    )


async def check_lineless_entries(conn: asyncpg.Connection, first: int, last: int) -> list[Record]:
    return await conn.fetch(
        """SELECT e.id FROM ledger_entries e WHERE e.id BETWEEN $1 AND $2
           AND NOT EXISTS (SELECT 1 FROM ledger_lines l WHERE l.entry_id = e.id)""",
        first,
        last,
    )


async def check_count_lines(conn: asyncpg.Connection, first: int, last: int) -> int:
    value = await conn.fetchval(
        "SELECT count(*) FROM ledger_lines WHERE entry_id BETWEEN $1 AND $2", first, last
    )
    return int(value)


async def stored_balances(conn: asyncpg.Connection) -> list[Record]:
    return await conn.fetch("SELECT id, kind, estate_id, home_id, balance FROM ledger_accounts ORDER BY id")


async def receivables_against_bills(conn: asyncpg.Connection) -> list[Record]:
    """Homes whose receivable balance differs from what their bills say is outstanding."""
    return await conn.fetch(
        """WITH owed AS (
               SELECT home_id, sum(amount_fen - paid_fen - waived_fen)::bigint AS outstanding
               FROM bills WHERE state IN ('issued', 'partly_paid') GROUP BY home_id
           )
           SELECT a.id AS account_id, a.home_id, a.balance, coalesce(o.outstanding, 0) AS outstanding
           FROM ledger_accounts a LEFT JOIN owed o ON o.home_id = a.home_id
           WHERE a.kind = 'receivable' AND a.balance <> coalesce(o.outstanding, 0)
           UNION ALL
           SELECT NULL, o.home_id, 0, o.outstanding FROM owed o
           WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.kind = 'receivable' AND a.home_id = o.home_id)"""
    )
