"""SQL of billing: fee items, billing runs and what a batch of homes needs, meter readings. (Bills, their events,
arrears and reminders: housing/bills_store.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record

# fee items ----------------------------------------------------------------------------------------------------------

_ITEM_COLUMNS = """id, estate_id, kind, name, price_fen, tier_bounds, tier_prices, season_start, season_end,
    applies_to, due_days, grace_days, active, version"""


async def insert_fee_item(conn: asyncpg.Connection, values: dict[str, Any]) -> Record | None:
    """The new item, or None when the estate has one of that name (or a second active late fee)."""
    row: Record | None = await conn.fetchrow(
        f"""INSERT INTO fee_items (estate_id, kind, name, price_fen, tier_bounds, tier_prices, season_start,
                                   season_end, applies_to, due_days, grace_days, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT DO NOTHING RETURNING {_ITEM_COLUMNS}""",
        values["estate_id"],
        values["kind"],
        values["name"],
        values["price_fen"],
        values["tier_bounds"],
        values["tier_prices"],
        values["season_start"],
        values["season_end"],
        values["applies_to"],
        values["due_days"],
        values["grace_days"],
        values["created_by"],
    )
    return row


async def get_fee_item(conn: asyncpg.Connection, item_id: UUID, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        # a repair item (migration 0025) is the repairs' own: no billing run prices it, no one edits it
        f"SELECT {_ITEM_COLUMNS} FROM fee_items WHERE id = $1 AND kind <> 'repair'"
        + (" FOR UPDATE" if lock else ""),
        item_id,
    )
    return row


async def list_fee_items(
    conn: asyncpg.Connection, estate_id: UUID, *, active_only: bool = False
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_ITEM_COLUMNS} FROM fee_items WHERE estate_id = $1 AND (NOT $2 OR active) AND kind <> 'repair'
            ORDER BY kind, name, id""",
        estate_id,
        active_only,
    )
    return rows


async def update_fee_item(
    conn: asyncpg.Connection, item_id: UUID, version: int, values: dict[str, Any]
) -> Record | None:
    """Guarded by version; None when the version moved (or a name clash made the update refuse)."""
    row: Record | None = await conn.fetchrow(
        f"""UPDATE fee_items SET name = $3, price_fen = $4, tier_bounds = $5, tier_prices = $6, season_start = $7,
                   season_end = $8, due_days = $9, grace_days = $10, active = $11, version = version + 1,
                   updated_at = now()
            WHERE id = $1 AND version = $2 RETURNING {_ITEM_COLUMNS}""",
        item_id,
        version,
        values["name"],
        values["price_fen"],
        values["tier_bounds"],
        values["tier_prices"],
        values["season_start"],
        values["season_end"],
        values["due_days"],
        values["grace_days"],
        values["active"],
    )
    return row


async def name_taken(conn: asyncpg.Connection, estate_id: UUID, name: str, except_id: UUID) -> bool:
    taken: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM fee_items WHERE estate_id = $1 AND name = $2 AND id <> $3)",
        estate_id,
        name,
        except_id,
    )
    return taken


async def other_active_late_fee(conn: asyncpg.Connection, estate_id: UUID, except_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM fee_items WHERE estate_id = $1 AND kind = 'late_fee' AND active
                          AND id <> $2)""",
        estate_id,
        except_id,
    )
    return found


async def replace_item_homes(
    conn: asyncpg.Connection, item_id: UUID, homes: Sequence[UUID], quantities: Sequence[int]
) -> None:
    await conn.execute("DELETE FROM fee_item_homes WHERE fee_item_id = $1", item_id)
    await conn.execute(
        """INSERT INTO fee_item_homes (fee_item_id, home_id, quantity)
           SELECT $1, * FROM unnest($2::uuid[], $3::int[])""",
        item_id,
        homes,
        quantities,
    )


async def homes_outside_estate(
    conn: asyncpg.Connection, estate_id: UUID, homes: Sequence[UUID]
) -> list[UUID]:
    rows = await conn.fetch(
        """SELECT h.id FROM unnest($2::uuid[]) AS h(id)
           WHERE NOT EXISTS (SELECT 1 FROM homes x WHERE x.id = h.id AND x.estate_id = $1)""",
        estate_id,
        homes,
    )
    return [r["id"] for r in rows]


async def item_homes(conn: asyncpg.Connection, item_id: UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT home_id, quantity FROM fee_item_homes WHERE fee_item_id = $1 ORDER BY home_id", item_id
    )
    return rows


# billing runs -------------------------------------------------------------------------------------------------------

_RUN_COLUMNS = """id, estate_id, period, period_start, period_end, state, homes_total, homes_done, bills_created,
    amount_fen, credit_applied_fen, attempts, last_error, last_home_id, requested_by, created_at, started_at,
    finished_at"""


async def overlapping_run(
    conn: asyncpg.Connection, estate_id: UUID, period: str, start: date, end: date
) -> str | None:
    found: str | None = await conn.fetchval(
        """SELECT period FROM billing_runs
           WHERE estate_id = $1 AND period <> $2 AND period_start < $4 AND period_end > $3 LIMIT 1""",
        estate_id,
        period,
        start,
        end,
    )
    return found


async def insert_run(
    conn: asyncpg.Connection, estate_id: UUID, period: str, start: date, end: date, requested_by: UUID | None
) -> tuple[Record, bool]:
    """(the run, made now) — the existing run of the period when there is one."""
    row: Record | None = await conn.fetchrow(
        f"""INSERT INTO billing_runs (estate_id, period, period_start, period_end, requested_by, homes_total)
            VALUES ($1, $2, $3, $4, $5, (SELECT count(*) FROM homes WHERE estate_id = $1))
            ON CONFLICT (estate_id, period) DO NOTHING RETURNING {_RUN_COLUMNS}""",
        estate_id,
        period,
        start,
        end,
        requested_by,
    )
    if row is not None:
        return row, True
    existing = await conn.fetchrow(
        f"SELECT {_RUN_COLUMNS} FROM billing_runs WHERE estate_id = $1 AND period = $2", estate_id, period
    )
    assert existing is not None
    return existing, False


async def get_run(conn: asyncpg.Connection, run_id: UUID, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {_RUN_COLUMNS} FROM billing_runs WHERE id = $1" + (" FOR UPDATE" if lock else ""), run_id
    )
    return row


async def list_runs(
    conn: asyncpg.Connection, estate_id: UUID, after: tuple[date, UUID] | None, limit: int
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_RUN_COLUMNS} FROM billing_runs
            WHERE estate_id = $1 AND ($2::date IS NULL OR (period_start, id) < ($2, $3::uuid))
            ORDER BY period_start DESC, id DESC LIMIT $4""",
        estate_id,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def runs_to_do(conn: asyncpg.Connection, limit: int) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT id FROM billing_runs WHERE state <> 'completed' ORDER BY created_at LIMIT $1", limit
    )
    return [r["id"] for r in rows]


async def start_run(conn: asyncpg.Connection, run_id: UUID) -> None:
    await conn.execute(
        """UPDATE billing_runs SET state = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()),
                  homes_total = (SELECT count(*) FROM homes h WHERE h.estate_id = billing_runs.estate_id)
           WHERE id = $1""",
        run_id,
    )


async def run_progress(conn: asyncpg.Connection, run_id: UUID, bills: int, amount: int, credit: int) -> None:
    """A batch's bills, amount and credit applied, added in the batch's transaction."""
    await conn.execute(
        """UPDATE billing_runs SET bills_created = bills_created + $2, amount_fen = amount_fen + $3,
                  credit_applied_fen = credit_applied_fen + $4
           WHERE id = $1""",
        run_id,
        bills,
        amount,
        credit,
    )


async def run_round(conn: asyncpg.Connection, run_id: UUID, homes: int, last_home: UUID) -> None:
    """A whole round of batches: the homes done and where a stopped run goes on."""
    await conn.execute(
        "UPDATE billing_runs SET homes_done = homes_done + $2, last_home_id = $3 WHERE id = $1",
        run_id,
        homes,
        last_home,
    )


async def finish_run(conn: asyncpg.Connection, run_id: UUID) -> None:
    await conn.execute(
        """UPDATE billing_runs SET state = 'completed', finished_at = now(), last_error = NULL,
                  homes_total = greatest(homes_total, homes_done)
           WHERE id = $1""",
        run_id,
    )


async def run_failed(conn: asyncpg.Connection, run_id: UUID, error: str) -> None:
    await conn.execute("UPDATE billing_runs SET last_error = $2 WHERE id = $1", run_id, error[:500])


# what a batch of homes needs ---------------------------------------------------------------------------------------


async def next_homes(conn: asyncpg.Connection, estate_id: UUID, after: UUID | None, limit: int) -> list[UUID]:
    rows = await conn.fetch(
        """SELECT id FROM homes WHERE estate_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3""",
        estate_id,
        after,
        limit,
    )
    return [r["id"] for r in rows]


async def batch_homes(conn: asyncpg.Connection, homes: Sequence[UUID]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT id, building_id, area_counted FROM homes WHERE id = ANY($1::uuid[]) ORDER BY id", homes
    )
    return rows


async def batch_owners(
    conn: asyncpg.Connection, homes: Sequence[UUID], start: date, end: date
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT home_id, id, owned_from, owned_until FROM home_owners
           WHERE home_id = ANY($1::uuid[]) AND owned_from < $3 AND (owned_until IS NULL OR owned_until > $2)""",
        homes,
        start,
        end,
    )
    return rows


async def batch_quantities(
    conn: asyncpg.Connection, homes: Sequence[UUID], items: Sequence[UUID]
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT fee_item_id, home_id, quantity FROM fee_item_homes
           WHERE home_id = ANY($1::uuid[]) AND fee_item_id = ANY($2::uuid[])""",
        homes,
        items,
    )
    return rows


async def batch_water(
    conn: asyncpg.Connection, homes: Sequence[UUID], items: Sequence[UUID], start: date, end: date
) -> list[Record]:
    """Per home and water item: the last reading in [start, end), the last before start, and the base of the
    reading year (the last reading of the previous year, else the year's first)."""
    rows: list[Record] = await conn.fetch(
        """SELECT h.home_id, i.fee_item_id, cur.read_on AS cur_on, cur.reading AS cur, prev.read_on AS prev_on,
                  prev.reading AS prev, coalesce(b0.reading, b1.reading) AS base
           FROM unnest($1::uuid[]) AS h(home_id) CROSS JOIN unnest($2::uuid[]) AS i(fee_item_id)
           JOIN LATERAL (SELECT read_on, reading FROM meter_readings m
                         WHERE m.home_id = h.home_id AND m.fee_item_id = i.fee_item_id AND m.read_on >= $3
                           AND m.read_on < $4 ORDER BY m.read_on DESC LIMIT 1) cur ON true
           JOIN LATERAL (SELECT read_on, reading FROM meter_readings m
                         WHERE m.home_id = h.home_id AND m.fee_item_id = i.fee_item_id AND m.read_on < $3
                         ORDER BY m.read_on DESC LIMIT 1) prev ON true
           LEFT JOIN LATERAL (SELECT reading FROM meter_readings m
                              WHERE m.home_id = h.home_id AND m.fee_item_id = i.fee_item_id
                                AND m.read_on < make_date(extract(year FROM cur.read_on)::int, 1, 1)
                              ORDER BY m.read_on DESC LIMIT 1) b0 ON true
           LEFT JOIN LATERAL (SELECT reading FROM meter_readings m
                              WHERE m.home_id = h.home_id AND m.fee_item_id = i.fee_item_id
                                AND m.read_on >= make_date(extract(year FROM cur.read_on)::int, 1, 1)
                              ORDER BY m.read_on LIMIT 1) b1 ON true""",
        homes,
        items,
        start,
        end,
    )
    return rows


async def batch_overdue(conn: asyncpg.Connection, homes: Sequence[UUID], before: date) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT b.home_id, b.id, b.due_date, b.amount_fen - b.paid_fen - b.waived_fen AS outstanding
           FROM bills b JOIN fee_items f ON f.id = b.fee_item_id
           WHERE b.home_id = ANY($1::uuid[]) AND b.state IN ('issued', 'partly_paid') AND f.kind <> 'late_fee'
             AND b.due_date < $2""",
        homes,
        before,
    )
    return rows


async def insert_bills_posted(
    conn: asyncpg.Connection,
    estate_id: UUID,
    run_id: UUID | None,
    period: str,
    start: date,
    end: date,
    homes: Sequence[UUID],
    items: Sequence[UUID],
    due: Sequence[date],
    amounts: Sequence[int],
    lines: Sequence[str],
    repairs: Sequence[UUID | None] | None = None,
) -> list[Record]:
    """Insert the bills that do not exist yet (unique per home, item and period; a repair's bill: per repair) and
    post each one's entry in the same statement: the home's receivable debited, the item's revenue credited (both
    accounts exist already: the caller made them). Returns the bills inserted. The database checks the entries as
    any others (0015, 0016)."""
    rows: list[Record] = await conn.fetch(
        """WITH b AS (
               INSERT INTO bills (estate_id, run_id, period, period_start, period_end, home_id, fee_item_id,
                                  due_date, amount_fen, lines, repair_id)
               SELECT $1, $2, $3, $4, $5, u.home_id, u.fee_item_id, u.due_date, u.amount, u.lines::jsonb, u.repair_id
               FROM unnest($6::uuid[], $7::uuid[], $8::date[], $9::bigint[], $10::text[], $11::uuid[])
                    AS u(home_id, fee_item_id, due_date, amount, lines, repair_id)
               ON CONFLICT (home_id, fee_item_id, period_start) WHERE repair_id IS NULL DO NOTHING
               RETURNING id, home_id, fee_item_id, amount_fen
           ), e AS (
               INSERT INTO ledger_entries (estate_id, kind, memo, bill_id)
               SELECT $1, 'bill', $3, b.id FROM b
               RETURNING id, bill_id
           ), l AS (
               INSERT INTO ledger_lines (entry_id, account_id, amount)
               SELECT e.id, x.account_id, x.amount
               FROM e JOIN b ON b.id = e.bill_id
               JOIN ledger_accounts r ON r.home_id = b.home_id AND r.kind = 'receivable'
               JOIN ledger_accounts v ON v.kind = 'revenue' AND v.estate_id = $1 AND v.fee_item_id = b.fee_item_id
               CROSS JOIN LATERAL (VALUES (r.id, b.amount_fen), (v.id, -b.amount_fen)) AS x(account_id, amount)
           )
           SELECT id, home_id, fee_item_id, amount_fen FROM b""",
        estate_id,
        run_id,
        period,
        start,
        end,
        homes,
        items,
        due,
        amounts,
        lines,
        list(repairs) if repairs is not None else [None] * len(homes),
    )
    return rows


# meter readings -----------------------------------------------------------------------------------------------------


async def home_keys(conn: asyncpg.Connection, estate_id: UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT h.id, g.name AS building, h.entrance, h.room FROM homes h JOIN buildings g ON g.id = h.building_id
           WHERE h.estate_id = $1""",
        estate_id,
    )
    return rows


async def readings_around(conn: asyncpg.Connection, item_id: UUID, homes: Sequence[UUID]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT home_id, read_on, reading FROM meter_readings
           WHERE fee_item_id = $1 AND home_id = ANY($2::uuid[]) ORDER BY home_id, read_on""",
        item_id,
        homes,
    )
    return rows


async def upsert_readings(
    conn: asyncpg.Connection,
    item_id: UUID,
    import_id: UUID,
    homes: Sequence[UUID],
    days: Sequence[date],
    readings: Sequence[int],
) -> int:
    status: str = await conn.execute(
        """INSERT INTO meter_readings (fee_item_id, home_id, read_on, reading, import_id)
           SELECT $1, u.home_id, u.read_on, u.reading, $2 FROM unnest($3::uuid[], $4::date[], $5::bigint[])
                AS u(home_id, read_on, reading)
           ON CONFLICT (home_id, fee_item_id, read_on) DO UPDATE SET reading = EXCLUDED.reading,
                  import_id = EXCLUDED.import_id
           WHERE meter_readings.reading <> EXCLUDED.reading""",
        item_id,
        import_id,
        homes,
        days,
        readings,
    )
    return int(status.split()[-1])


async def insert_reading_import(conn: asyncpg.Connection, values: dict[str, Any]) -> UUID:
    import_id: UUID = await conn.fetchval(
        """INSERT INTO reading_imports (id, estate_id, fee_item_id, file_name, sha256, encoding, outcome, counts,
                                        problems, problem_count, actor_label)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id""",
        values["id"],
        values["estate_id"],
        values["fee_item_id"],
        values["file_name"],
        values["sha256"],
        values["encoding"],
        values["outcome"],
        values["counts"],
        values["problems"],
        values["problem_count"],
        values["actor_label"],
    )
    return import_id
