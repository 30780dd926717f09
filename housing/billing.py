"""Fee items of an estate, and billing runs: the bills of one estate for one period (DOMAIN.md §11).

A run is made once per estate and period (``create_run``; asking again returns the same run) and executed by the
worker (``execute_run``), homes in id order, a batch of homes per transaction. A batch:

1. reads what pricing needs: each home's area that counts, its owners over the period (and a heating season),
   assigned quantities, water use from meter readings, and overdue bills (when the estate has a late fee item);
2. prices every active fee item for every home (housing/fees.py; every rounding in housing/money.py);
3. locks the homes' receivable and prepayment accounts (housing/ledger.py), inserts the bills with
   ``ON CONFLICT (home, fee item, period) DO NOTHING`` and posts one entry per bill inserted (receivable debited,
   the item's revenue credited; the bill's ``issue`` event is that entry);
4. applies the credit the homes hold to their open bills, oldest first (housing/settlement.py);
5. adds its bills, amount and credit applied to the run's counts.

Batches run ``PARALLEL_BATCHES`` side by side, in rounds of consecutive homes; after a whole round the run
records the round's last home and the homes done, and after the last round it is completed. Everything of a
batch commits together or not at all: a run stopped half way (a crash, the database gone) leaves whole batches
and a run that is still ``running``; running it again goes on after the last whole round, and anything billed
already is skipped by the unique key, so no home is ever billed twice for an item and period.
A run of a period that overlaps another run's period of the same estate (2026-11 against 2026-Q4) is refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any, Final, Literal, cast
from uuid import UUID

import asyncpg
import msgspec

from housing import billing_store as store
from housing import fees, ledger, settlement
from housing.errors import (
    BillingPeriodOverlaps,
    BillingRunNotFound,
    EstateForbidden,
    EstateNotFound,
    FeeItemExists,
    FeeItemNotFound,
    HomeNotFound,
    InvalidCursor,
    InvalidFeeItem,
)
from housing.fees import FeeItem, FeeItemCreate, FeeItemHomes, FeeItemUpdate, Season, Tier
from housing.paging import decode_cursor, encode_cursor
from identity.models import Principal

log = logging.getLogger("cityloop.billing")

#: homes per batch transaction, and batches run side by side (on their own connections)
BATCH_HOMES: Final = 2_000
PARALLEL_BATCHES: Final = 2
RunState = Literal["pending", "running", "completed"]
#: progress(phase, done, total)
Progress = Callable[[str, int, int], None]
_ENCODE = msgspec.json.Encoder()


# fee items ----------------------------------------------------------------------------------------------------------


def item_view(row: asyncpg.Record) -> FeeItem:
    bounds: list[int] = list(row["tier_bounds"])
    prices: list[int] = list(row["tier_prices"])
    tiers = [Tier(price_fen=p, up_to=bounds[i] if i < len(bounds) else None) for i, p in enumerate(prices)]
    season = (
        Season(start=row["season_start"], end=row["season_end"]) if row["season_start"] is not None else None
    )
    return FeeItem(
        id=row["id"],
        estate_id=row["estate_id"],
        kind=row["kind"],
        name=row["name"],
        price_fen=row["price_fen"],
        tiers=tiers,
        season=season,
        applies_to=row["applies_to"],
        due_days=row["due_days"],
        grace_days=row["grace_days"],
        active=row["active"],
        version=row["version"],
    )


def _columns(
    price_fen: int, tiers: list[Tier], season: Season | None, due_days: int, grace_days: int
) -> dict[str, Any]:
    return {
        "price_fen": price_fen,
        "tier_bounds": [t.up_to for t in tiers if t.up_to is not None],
        "tier_prices": [t.price_fen for t in tiers],
        "season_start": season.start if season else None,
        "season_end": season.end if season else None,
        "due_days": due_days,
        "grace_days": grace_days,
    }


async def require_money_manager(conn: asyncpg.Connection, principal: Principal, estate_id: UUID) -> None:
    """EstateNotFound, or EstateForbidden unless the caller decides on the estate's money: its property manager
    (by the estate scope of the role; unscoped: every estate) or an admin. Property staff and housing officers
    do not (officers read money, never change it)."""
    await _estate_exists(conn, estate_id)
    if principal.has_role("admin"):
        return
    scopes = principal.scopes("property_manager", "estate")
    if principal.has_role("property_manager") and (scopes is None or str(estate_id) in scopes):
        return
    raise EstateForbidden("only the estate's property manager and admins decide on its fees and bills")


async def _estate_exists(conn: asyncpg.Connection, estate_id: UUID) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM estates WHERE id = $1)", estate_id):
        raise EstateNotFound(f"no estate {estate_id}")


async def create_fee_item(
    conn: asyncpg.Connection, estate_id: UUID, data: FeeItemCreate, actor_id: UUID | None
) -> FeeItem:
    await _estate_exists(conn, estate_id)
    fees.check_item(data.kind, data.price_fen, data.tiers, data.season, data.applies_to, data.grace_days)
    row = await store.insert_fee_item(
        conn,
        {
            "estate_id": estate_id,
            "kind": data.kind,
            "name": data.name,
            "applies_to": data.applies_to,
            "created_by": actor_id,
            **_columns(data.price_fen, data.tiers, data.season, data.due_days, data.grace_days),
        },
    )
    if row is None:
        raise FeeItemExists(
            f"the estate has a fee item named {data.name!r} already"
            + (", or an active late fee" if data.kind == "late_fee" else ""),
            fields=[{"field": "name" if data.kind != "late_fee" else "kind", "code": "fee_item_exists"}],
        )
    return item_view(row)


async def update_fee_item(
    conn: asyncpg.Connection, item_id: UUID, version: int, data: FeeItemUpdate
) -> FeeItem:
    from housing.errors import BillVersionConflict  # the same 409 shape as a bill's

    row = await store.get_fee_item(conn, item_id, lock=True)
    if row is None:
        raise FeeItemNotFound(f"no fee item {item_id}")
    if row["version"] != version:
        raise BillVersionConflict(
            f"the fee item is at version {row['version']}, not {version}", version=row["version"]
        )
    current = item_view(row)

    def pick(value: Any, default: Any) -> Any:
        return default if value is msgspec.UNSET else value

    name = pick(data.name, current.name)
    tiers = pick(data.tiers, current.tiers)
    season = pick(data.season, current.season)
    price_fen = pick(data.price_fen, current.price_fen)
    grace = pick(data.grace_days, current.grace_days)
    active = pick(data.active, current.active)
    fees.check_item(current.kind, price_fen, tiers, season, current.applies_to, grace)
    if name != current.name and await store.name_taken(conn, current.estate_id, name, item_id):
        raise FeeItemExists(
            f"the estate has a fee item named {name!r} already",
            fields=[{"field": "name", "code": "fee_item_exists"}],
        )
    if (
        current.kind == "late_fee"
        and active
        and await store.other_active_late_fee(conn, current.estate_id, item_id)
    ):
        raise FeeItemExists(
            "the estate has another active late fee", fields=[{"field": "active", "code": "fee_item_exists"}]
        )
    updated = await store.update_fee_item(
        conn,
        item_id,
        version,
        {
            "name": name,
            "active": active,
            **_columns(price_fen, tiers, season, pick(data.due_days, current.due_days), grace),
        },
    )
    assert updated is not None  # locked above
    return item_view(updated)


async def fee_item_estate(conn: asyncpg.Connection, item_id: UUID) -> UUID:
    row = await store.get_fee_item(conn, item_id)
    if row is None:
        raise FeeItemNotFound(f"no fee item {item_id}")
    estate_id: UUID = row["estate_id"]
    return estate_id


async def get_fee_item(conn: asyncpg.Connection, item_id: UUID) -> FeeItem:
    row = await store.get_fee_item(conn, item_id)
    if row is None:
        raise FeeItemNotFound(f"no fee item {item_id}")
    return item_view(row)


async def list_fee_items(conn: asyncpg.Connection, estate_id: UUID) -> list[FeeItem]:
    await _estate_exists(conn, estate_id)
    return [item_view(r) for r in await store.list_fee_items(conn, estate_id)]


async def set_item_homes(conn: asyncpg.Connection, item_id: UUID, data: FeeItemHomes) -> FeeItemHomes:
    """Replace the homes an ``assigned`` item applies to (parking spaces)."""
    row = await store.get_fee_item(conn, item_id, lock=True)
    if row is None:
        raise FeeItemNotFound(f"no fee item {item_id}")
    if row["applies_to"] != "assigned":
        raise InvalidFeeItem(
            "this item applies to every home; only an 'assigned' item has a list of homes",
            fields=[{"field": "applies_to", "code": "invalid_fee_item"}],
        )
    homes = [h.home_id for h in data.homes]
    if len(set(homes)) != len(homes):
        raise InvalidFeeItem(
            "a home is listed twice", fields=[{"field": "homes", "code": "invalid_fee_item"}]
        )
    outside = await store.homes_outside_estate(conn, row["estate_id"], homes)
    if outside:
        raise HomeNotFound(
            f"home {outside[0]} is not a home of the item's estate",
            fields=[{"field": "homes", "code": "home_not_found"}],
        )
    await store.replace_item_homes(conn, item_id, homes, [h.quantity for h in data.homes])
    return FeeItemHomes(
        homes=[
            fees.FeeItemHome(home_id=r["home_id"], quantity=r["quantity"])
            for r in await store.item_homes(conn, item_id)
        ]
    )


# billing runs -------------------------------------------------------------------------------------------------------


class BillingRunCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The period to bill: a month (2026-11) or a quarter (2026-Q4)."""

    period: str


class BillingRun(msgspec.Struct, frozen=True, kw_only=True):
    """The bills of one estate for one period, made by the worker in batches of homes: its progress."""

    id: UUID
    estate_id: UUID
    period: str
    period_start: date
    period_end: date  # the period's last day
    state: RunState
    homes_total: int
    homes_done: int
    bills_created: int
    amount_fen: int
    credit_applied_fen: int
    attempts: int
    last_error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class BillingRunPage(msgspec.Struct, frozen=True):
    """A page of billing runs, newest period first: `next_cursor` (opaque) is sent back as `cursor`."""

    items: list[BillingRun]
    next_cursor: str | None


def run_view(row: asyncpg.Record) -> BillingRun:
    return BillingRun(
        id=row["id"],
        estate_id=row["estate_id"],
        period=row["period"],
        period_start=row["period_start"],
        period_end=row["period_end"] - timedelta(days=1),
        state=row["state"],
        homes_total=row["homes_total"],
        homes_done=row["homes_done"],
        bills_created=row["bills_created"],
        amount_fen=row["amount_fen"],
        credit_applied_fen=row["credit_applied_fen"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


async def create_run(
    conn: asyncpg.Connection, estate_id: UUID, period_text: str, requested_by: UUID | None
) -> tuple[BillingRun, bool]:
    """The estate's run of the period, made now or earlier (second: True when made now). The worker executes it."""
    period = fees.parse_period(period_text)
    await _estate_exists(conn, estate_id)
    # one creator at a time per estate, so that two overlapping periods cannot both pass the check
    await conn.execute("SELECT pg_advisory_xact_lock(7340102, hashtext($1::text))", str(estate_id))
    other = await store.overlapping_run(conn, estate_id, period.text, period.start, period.end)
    if other is not None:
        raise BillingPeriodOverlaps(
            f"the estate was billed for {other}, which overlaps {period.text}",
            period=other,
            fields=[{"field": "period", "code": "billing_period_overlaps"}],
        )
    row, made = await store.insert_run(conn, estate_id, period.text, period.start, period.end, requested_by)
    return run_view(row), made


async def list_runs(
    conn: asyncpg.Connection, estate_id: UUID, cursor: str | None, limit: int
) -> BillingRunPage:
    await _estate_exists(conn, estate_id)
    after = None
    if cursor:
        start, run_id = decode_cursor(cursor, (str, UUID))
        try:
            after = (date.fromisoformat(str(start)), UUID(str(run_id)))
        except ValueError as exc:
            raise InvalidCursor(
                "the cursor is not one this API gave out",
                fields=[{"field": "cursor", "code": "invalid_cursor"}],
            ) from exc
    rows = await store.list_runs(conn, estate_id, after, limit)
    items = [run_view(r) for r in rows]
    last = rows[-1] if len(rows) == limit else None
    return BillingRunPage(
        items=items, next_cursor=encode_cursor(last["period_start"].isoformat(), last["id"]) if last else None
    )


async def get_run(conn: asyncpg.Connection, run_id: UUID) -> BillingRun:
    row = await store.get_run(conn, run_id)
    if row is None:
        raise BillingRunNotFound(f"no billing run {run_id}")
    return run_view(row)


@asynccontextmanager
async def _connection(pool: asyncpg.Pool, *, transaction: bool = True) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection typed as the Connection the store takes (the pool's proxy behaves as one)."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        if not transaction:
            yield conn
            return
        async with conn.transaction():
            yield conn


def _lock_key(run_id: UUID) -> int:
    return int.from_bytes(hashlib.sha256(b"billing-run:" + run_id.bytes).digest()[:8], "big", signed=True)


class RunInterrupted(Exception):
    """Raised by a test's ``stop_after`` hook: the run stops as a crash would."""


async def execute_run(
    pool: asyncpg.Pool,
    run_id: UUID,
    *,
    batch_homes: int = BATCH_HOMES,
    parallel: int = PARALLEL_BATCHES,
    progress: Progress | None = None,
    stop_after: int | None = None,
) -> BillingRun:
    """Execute (or go on with) a run: rounds of ``parallel`` batches of consecutive homes side by side, each batch
    one transaction on its own connection; after a whole round, the run records its last home. One executor per
    run at a time (a session advisory lock); another one finds the lock taken and returns the run as it is.
    ``stop_after`` rounds: stop there as if killed (tests of an interrupted run)."""
    async with _connection(pool, transaction=False) as holder:
        if not await holder.fetchval("SELECT pg_try_advisory_lock($1)", _lock_key(run_id)):
            return await get_run(holder, run_id)
        try:
            return await _execute(pool, run_id, batch_homes, max(1, parallel), progress, stop_after)
        finally:
            await holder.execute("SELECT pg_advisory_unlock($1)", _lock_key(run_id))


async def _execute(
    pool: asyncpg.Pool,
    run_id: UUID,
    batch_homes: int,
    parallel: int,
    progress: Progress | None,
    stop_after: int | None,
) -> BillingRun:
    async with _connection(pool) as conn:
        row = await store.get_run(conn, run_id, lock=True)
        if row is None:
            raise BillingRunNotFound(f"no billing run {run_id}")
        if row["state"] == "completed":
            return run_view(row)
        await store.start_run(conn, run_id)
        row = await store.get_run(conn, run_id)
        assert row is not None
    estate_id: UUID = row["estate_id"]
    period = fees.parse_period(row["period"])
    after: UUID | None = row["last_home_id"]
    total, done = row["homes_total"], row["homes_done"]
    rounds = 0
    started = time.perf_counter()
    while True:
        if stop_after is not None and rounds >= stop_after:
            raise RunInterrupted(f"stopped after {rounds} round(s)")
        async with _connection(pool, transaction=False) as conn:
            homes = await store.next_homes(conn, estate_id, after, batch_homes * parallel)
        if not homes:
            break
        chunks = [homes[i : i + batch_homes] for i in range(0, len(homes), batch_homes)]
        tasks = [asyncio.create_task(_one_batch(pool, run_id, estate_id, period, chunk)) for chunk in chunks]
        try:
            await asyncio.gather(*tasks)
        except BaseException:  # one batch failed: the others roll back too, then the run stops as it is
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        after = homes[-1]
        async with _connection(pool) as conn:  # the round is whole: a stopped run goes on after it
            await store.run_round(conn, run_id, len(homes), after)
        done += len(homes)
        rounds += 1
        if progress:
            progress("bill", done, max(total, done))
    async with _connection(pool) as conn:
        await store.finish_run(conn, run_id)
        final = await store.get_run(conn, run_id)
    assert final is not None
    log.info(
        "billing run completed",
        extra={"run_id": str(run_id), "homes": final["homes_done"], "seconds": time.perf_counter() - started},
    )
    return run_view(final)


async def _facts(
    conn: asyncpg.Connection,
    homes: list[asyncpg.Record],
    items: list[FeeItem],
    period: fees.Period,
) -> list[fees.HomeFacts]:
    ids = [h["id"] for h in homes]
    start, end = period.start, period.end
    for item in items:
        if item.kind == "heating":
            season = fees.season_in(item, period)
            if season is not None:
                start, end = min(start, season[0]), max(end, season[1])
    owners: dict[UUID, list[fees.OwnerRow]] = defaultdict(list)
    for r in await store.batch_owners(conn, ids, start, end):
        owners[r["home_id"]].append(fees.OwnerRow(r["id"], r["owned_from"], r["owned_until"]))
    quantities: dict[UUID, dict[UUID, int]] = defaultdict(dict)
    assigned = [i.id for i in items if i.applies_to == "assigned"]
    if assigned:
        for r in await store.batch_quantities(conn, ids, assigned):
            quantities[r["home_id"]][r["fee_item_id"]] = r["quantity"]
    water: dict[UUID, dict[UUID, fees.WaterUse]] = defaultdict(dict)
    water_items = [i.id for i in items if i.kind == "water"]
    if water_items:
        for r in await store.batch_water(conn, ids, water_items, period.start, period.end):
            water[r["home_id"]][r["fee_item_id"]] = fees.WaterUse(
                used_before=max(0, r["prev"] - r["base"]) if r["base"] is not None else 0,
                used_now=r["cur"] - r["prev"],
                read_from=r["prev_on"],
                read_on=r["cur_on"],
            )
    overdue: dict[UUID, list[fees.OverdueBill]] = defaultdict(list)
    if any(i.kind == "late_fee" for i in items):
        for r in await store.batch_overdue(conn, ids, period.start):
            overdue[r["home_id"]].append(fees.OverdueBill(r["id"], r["due_date"], r["outstanding"]))
    return [
        fees.HomeFacts(
            home_id=h["id"],
            area=h["area_counted"],
            owners=owners.get(h["id"], []),
            quantities=quantities.get(h["id"], {}),
            water=water.get(h["id"], {}),
            overdue=overdue.get(h["id"], []),
        )
        for h in homes
    ]


async def _one_batch(
    pool: asyncpg.Pool, run_id: UUID, estate_id: UUID, period: fees.Period, home_ids: list[UUID]
) -> None:
    async with _connection(pool) as conn:
        await _batch(conn, run_id, estate_id, period, home_ids)


async def _batch(
    conn: asyncpg.Connection,
    run_id: UUID,
    estate_id: UUID,
    period: fees.Period,
    home_ids: list[UUID],
) -> None:
    """Bill these homes (of one estate) for the period, in the caller's transaction."""
    homes = await store.batch_homes(conn, home_ids)
    items = [item_view(r) for r in await store.list_fee_items(conn, estate_id, active_only=True)]
    facts = await _facts(conn, homes, items, period)
    bill_homes: list[UUID] = []
    bill_items: list[UUID] = []
    bill_due: list[date] = []
    bill_amounts: list[int] = []
    bill_lines: list[str] = []
    for home in facts:
        for item in items:
            priced = fees.price(item, home, period)
            if priced is None:
                continue
            bill_homes.append(home.home_id)
            bill_items.append(item.id)
            bill_due.append(priced.due_date)
            bill_amounts.append(priced.amount)
            bill_lines.append(_ENCODE.encode(priced.lines).decode())
    ids = [h["id"] for h in homes]
    # the homes' own accounts first, in id order (housing/ledger.py): receivables and prepayments
    keys = [ledger.home_account("receivable", estate_id, h) for h in ids]
    receivables = await ledger.accounts(conn, keys)
    prepayments = await conn.fetch(
        "SELECT id FROM ledger_accounts WHERE kind = 'prepayment' AND home_id = ANY($1::uuid[])", ids
    )
    await ledger.lock_accounts(conn, [*receivables.values(), *(r["id"] for r in prepayments)])
    await ledger.accounts(conn, [ledger.revenue_account(estate_id, i.id) for i in items])
    # the bills and their entries (the bill's issue) in one statement (billing_store.insert_bills_posted)
    inserted = await store.insert_bills_posted(
        conn,
        estate_id,
        run_id,
        period.text,
        period.start,
        period.end,
        bill_homes,
        bill_items,
        bill_due,
        bill_amounts,
        bill_lines,
    )
    amount = sum(r["amount_fen"] for r in inserted)
    credit = await settlement.apply_credit(conn, ids, locked=True)
    await store.run_progress(conn, run_id, len(inserted), amount, credit.amount_fen)


async def run_pending(pool: asyncpg.Pool, *, limit: int = 5) -> int:
    """The worker's job: execute the runs not completed yet (oldest first); returns how many were completed."""
    async with _connection(pool, transaction=False) as conn:
        run_ids = await store.runs_to_do(conn, limit)
    completed = 0
    for run_id in run_ids:
        try:
            run = await execute_run(pool, run_id)
        except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
            raise  # the database is out of reach: the worker backs off and the run goes on later
        except Exception as exc:
            log.exception("billing run failed", extra={"run_id": str(run_id)})
            async with _connection(pool, transaction=False) as conn:
                await store.run_failed(conn, run_id, f"{type(exc).__name__}: {exc}")
            continue
        completed += run.state == "completed"
    return completed
