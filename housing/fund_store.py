"""SQL of the maintenance fund: rates, homes' first deposits and notices, interest runs, statements, summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg

Record = asyncpg.Record


async def get_rate(conn: asyncpg.Connection, estate_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT estate_id, rate_fen_m2, updated_at FROM fund_rates WHERE estate_id = $1", estate_id
    )
    return row


async def set_rate(conn: asyncpg.Connection, estate_id: UUID, rate: int, actor_id: UUID | None) -> Record:
    row: Record | None = await conn.fetchrow(
        """INSERT INTO fund_rates (estate_id, rate_fen_m2, updated_by) VALUES ($1, $2, $3)
           ON CONFLICT (estate_id) DO UPDATE SET rate_fen_m2 = EXCLUDED.rate_fen_m2,
                  updated_by = EXCLUDED.updated_by, updated_at = now()
           RETURNING estate_id, rate_fen_m2, updated_at""",
        estate_id,
        rate,
        actor_id,
    )
    assert row is not None
    return row


async def homes_without_fund(conn: asyncpg.Connection, estate_id: UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT h.id, h.area_counted FROM homes h
           WHERE h.estate_id = $1 AND NOT EXISTS (SELECT 1 FROM fund_homes f WHERE f.home_id = h.id)
           ORDER BY h.id""",
        estate_id,
    )
    return rows


async def insert_fund_homes(
    conn: asyncpg.Connection,
    estate_id: UUID,
    homes: Sequence[UUID],
    areas: Sequence[int],
    rate: int,
    deposits: Sequence[int],
    entries: Sequence[int],
) -> None:
    await conn.execute(
        """INSERT INTO fund_homes (home_id, estate_id, area, rate_fen_m2, first_deposit_fen, first_entry_id)
           SELECT u.home_id, $1, u.area, $2, u.deposit, u.entry_id
           FROM unnest($3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(home_id, area, deposit, entry_id)""",
        estate_id,
        rate,
        homes,
        areas,
        deposits,
        entries,
    )


async def fund_home(conn: asyncpg.Connection, home_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        """SELECT f.home_id, f.estate_id, f.area, f.rate_fen_m2, f.first_deposit_fen, f.first_entry_id,
                  f.topup_notice_at, f.created_at, coalesce(-a.balance, 0) AS balance, a.id AS account_id
           FROM fund_homes f
           LEFT JOIN ledger_accounts a ON a.kind = 'fund_share' AND a.home_id = f.home_id
           WHERE f.home_id = $1""",
        home_id,
    )
    return row


async def fund_homes_state(conn: asyncpg.Connection, homes: Sequence[UUID]) -> list[Record]:
    """Balance (the home's money: minus the share account's balance), first deposit and notice of homes."""
    rows: list[Record] = await conn.fetch(
        """SELECT f.home_id, f.estate_id, f.first_deposit_fen, f.topup_notice_at,
                  coalesce(-a.balance, 0) AS balance
           FROM fund_homes f
           LEFT JOIN ledger_accounts a ON a.kind = 'fund_share' AND a.home_id = f.home_id
           WHERE f.home_id = ANY($1::uuid[]) ORDER BY f.home_id""",
        homes,
    )
    return rows


async def set_notices(
    conn: asyncpg.Connection, homes: Sequence[UUID], outbox_ids: Sequence[int | None], at: datetime | None
) -> None:
    await conn.execute(
        """UPDATE fund_homes f SET topup_notice_at = $3, topup_outbox_id = u.outbox_id
           FROM unnest($1::uuid[], $2::bigint[]) AS u(home_id, outbox_id) WHERE f.home_id = u.home_id""",
        homes,
        outbox_ids,
        at,
    )


async def fund_homes_with_area(conn: asyncpg.Connection, estate_id: UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT f.home_id, h.area_counted AS area FROM fund_homes f JOIN homes h ON h.id = f.home_id
           WHERE f.estate_id = $1 ORDER BY f.home_id""",
        estate_id,
    )
    return rows


async def homes_area(conn: asyncpg.Connection, estate_id: UUID, homes: Sequence[UUID]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT f.home_id, h.area_counted AS area FROM fund_homes f JOIN homes h ON h.id = f.home_id
           WHERE f.estate_id = $1 AND f.home_id = ANY($2::uuid[]) ORDER BY f.home_id""",
        estate_id,
        homes,
    )
    return rows


async def interest_run(conn: asyncpg.Connection, estate_id: UUID, as_of: date) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT id FROM fund_interest_runs WHERE estate_id = $1 AND as_of = $2", estate_id, as_of
    )
    return row


async def insert_interest_run(
    conn: asyncpg.Connection,
    estate_id: UUID,
    as_of: date,
    amount: int,
    homes: int,
    received: int,
    shared: int,
    memo: str,
    actor_id: UUID | None,
) -> Record:
    row: Record | None = await conn.fetchrow(
        """INSERT INTO fund_interest_runs (estate_id, as_of, amount_fen, homes, received_entry_id, shared_entry_id,
                                           memo, actor_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING id, estate_id, as_of, amount_fen, homes, received_entry_id, shared_entry_id, memo, created_at""",
        estate_id,
        as_of,
        amount,
        homes,
        received,
        shared,
        memo,
        actor_id,
    )
    assert row is not None
    return row


async def owners_bound(conn: asyncpg.Connection, homes: Sequence[UUID]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT hb.home_id, hb.user_id FROM home_bindings hb JOIN users u ON u.id = hb.user_id
           WHERE hb.home_id = ANY($1::uuid[]) AND hb.state = 'active' AND hb.relation = 'owner'
             AND u.disabled_at IS NULL ORDER BY hb.home_id, hb.user_id""",
        homes,
    )
    return rows


async def estate_summary(conn: asyncpg.Connection, estate_id: UUID, threshold_percent: int) -> list[Record]:
    """Per building: homes, homes with a share, first deposits, balances, homes below the top-up threshold."""
    rows: list[Record] = await conn.fetch(
        """SELECT g.id AS building_id, g.name AS building, count(h.id) AS homes, count(f.home_id) AS homes_opened,
                  coalesce(sum(f.first_deposit_fen), 0)::bigint AS first_deposits_fen,
                  coalesce(sum(-a.balance), 0)::bigint AS balance_fen,
                  count(*) FILTER (WHERE f.home_id IS NOT NULL
                                   AND coalesce(-a.balance, 0) * 100 < f.first_deposit_fen * $2) AS homes_below
           FROM buildings g
           LEFT JOIN homes h ON h.building_id = g.id
           LEFT JOIN fund_homes f ON f.home_id = h.id
           LEFT JOIN ledger_accounts a ON a.kind = 'fund_share' AND a.home_id = h.id
           WHERE g.estate_id = $1
           GROUP BY g.id, g.name ORDER BY g.name, g.id""",
        estate_id,
        threshold_percent,
    )
    return rows


async def interest_total(conn: asyncpg.Connection, estate_id: UUID) -> int:
    total: int = await conn.fetchval(
        "SELECT coalesce(sum(amount_fen), 0)::bigint FROM fund_interest_runs WHERE estate_id = $1", estate_id
    )
    return total


async def building_homes(
    conn: asyncpg.Connection, building_id: UUID, after: tuple[str, int, str, UUID] | None, limit: int
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT h.id AS home_id, h.entrance, h.floor, h.room, h.area_counted AS area, f.first_deposit_fen,
                  coalesce(-a.balance, 0)::bigint AS balance_fen, f.topup_notice_at
           FROM homes h
           LEFT JOIN fund_homes f ON f.home_id = h.id
           LEFT JOIN ledger_accounts a ON a.kind = 'fund_share' AND a.home_id = h.id
           WHERE h.building_id = $1
             AND ($2::text IS NULL OR (h.entrance, h.floor, h.room, h.id) > ($2, $3, $4, $5::uuid))
           ORDER BY h.entrance, h.floor, h.room, h.id LIMIT $6""",
        building_id,
        *(after if after else (None, None, None, None)),
        limit,
    )
    return rows


async def building(conn: asyncpg.Connection, building_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        """SELECT g.id, g.name, g.estate_id, e.district_code FROM buildings g JOIN estates e ON e.id = g.estate_id
           WHERE g.id = $1""",
        building_id,
    )
    return row


async def projects_of_entries(
    conn: asyncpg.Connection, entry_ids: Sequence[int]
) -> dict[int, tuple[UUID, str]]:
    """The repair project (id, title) of each disbursement or settlement entry (housing/fund_projects.py)."""
    if not entry_ids:
        return {}
    rows = await conn.fetch(
        """SELECT id, title, spend_entry_id, return_entry_id FROM fund_projects
           WHERE spend_entry_id = ANY($1::bigint[]) OR return_entry_id = ANY($1::bigint[])""",
        list(entry_ids),
    )
    out: dict[int, tuple[UUID, str]] = {}
    for r in rows:
        for entry in (r["spend_entry_id"], r["return_entry_id"]):
            if entry is not None:
                out[entry] = (r["id"], r["title"])
    return out
