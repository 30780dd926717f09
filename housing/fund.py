"""The maintenance fund (住宅专项维修资金) as a ledger (DOMAIN.md §9, §11, §12).

- Each home's share is an account of the ledger (``fund_share``); the fund's money is the estate's ``fund_bank``.
  Every movement is an entry; a balance is derived from entries, never edited; a correction is a reversal.
- The first deposit of a home is its area that counts (register, else surveyed, else contract; hundredths of m²)
  × the estate's rate (fen per m²), rounded once, half up: ``money.area_line`` (``open_homes``).
- A home whose balance falls below 30 % of its first deposit (``money.below_ratio``, in integers) gets a top-up
  notice: an outbox row ``housing.fund_topup`` written in the same transaction as the movement that took it below,
  once per fall (the notice is cleared when the balance is back at or above the threshold).
- Fund income (interest) is shared among the homes that hold a share by their area with the largest-remainder
  method (``money.share_largest_remainder``, ties to the smaller home id): the fen add up exactly. Once per
  estate and settlement date.
- Spending the fund on a repair project (housing/fund_projects.py): each home's part is a ``fund_spend`` line of
  its statement, and a settlement's return a ``fund_return`` one, both naming the project; a correction
  (``reverse``) that takes a home below the threshold sends the notice the same way.

Owners read their home's statement (分户账); the estate and each building get summaries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Final
from uuid import UUID

import asyncpg
import msgspec

from housing import access, ledger, money
from housing import fund_store as store
from housing import store as housing_store
from housing.errors import (
    BuildingNotFound,
    EstateNotFound,
    FundHasNoHomes,
    FundInterestExists,
    FundNotOpened,
    FundRateMissing,
    HomeForbidden,
    HomeNotFound,
    InvalidCursor,
)
from housing.paging import decode_cursor, encode_cursor
from identity.models import Principal
from notifications import outbox, topics

TOPUP_TOPIC: Final = topics.FUND_TOPUP
THRESHOLD_PERCENT: Final = money.TOPUP_THRESHOLD.numerator * 100 // money.TOPUP_THRESHOLD.denominator


class FundRate(msgspec.Struct, frozen=True):
    """The estate's first-deposit rate of the maintenance fund."""

    estate_id: UUID
    rate_fen_m2: int
    updated_at: datetime


class FundRateSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The first-deposit rate of the estate in fen per m² (for example 5 % of a local construction cost of
    2,000 yuan/m²: 100 yuan/m², 10000 fen)."""

    rate_fen_m2: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]


class FundOpened(msgspec.Struct, frozen=True):
    """First deposits made now: how many homes and how much (homes that had one are left alone)."""

    homes: int
    amount_fen: int


class InterestShare(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Interest the fund's bank paid on ``as_of`` (its settlement date), to share among the homes by area."""

    amount_fen: Annotated[int, msgspec.Meta(ge=1, le=10**12)]
    as_of: date
    memo: Annotated[str, msgspec.Meta(max_length=200)] = ""


class InterestShared(msgspec.Struct, frozen=True, kw_only=True):
    """Interest shared among the homes: how much, on which settlement date, among how many homes."""

    id: UUID
    estate_id: UUID
    as_of: date
    amount_fen: int
    homes: int
    created_at: datetime


class FundLine(msgspec.Struct, frozen=True, kw_only=True):
    """One movement of a home's share: ``amount_fen`` > 0 into the share (a deposit, interest), < 0 out of it
    (a repair's share, a reversal); ``balance_fen`` the share after it."""

    entry_id: int
    kind: str
    memo: str
    amount_fen: int
    balance_fen: int
    posted_at: datetime
    reverses_entry_id: int | None
    #: the repair project (housing/fund_projects.py) a fund_spend or fund_return line belongs to, else null
    project_id: UUID | None = None
    project_title: str | None = None


class FundStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A home's account in the fund (分户账). `next_cursor` pages the movements, oldest first."""

    home_id: UUID
    estate_id: UUID
    area: int  # hundredths of m² the first deposit was made on
    rate_fen_m2: int
    first_deposit_fen: int
    balance_fen: int
    topup_threshold_fen: int  # 30 % of the first deposit, rounded up to a whole fen
    below_threshold: bool
    topup_notice_at: datetime | None
    items: list[FundLine]
    next_cursor: str | None


class BuildingFund(msgspec.Struct, frozen=True, kw_only=True):
    """One building's part of the fund."""

    building_id: UUID
    building: str
    homes: int
    homes_opened: int
    first_deposits_fen: int
    balance_fen: int
    homes_below_threshold: int


class EstateFund(msgspec.Struct, frozen=True, kw_only=True):
    """The estate's fund at a glance, and each building's."""

    estate_id: UUID
    rate_fen_m2: int | None
    homes: int
    homes_opened: int
    first_deposits_fen: int
    balance_fen: int
    bank_fen: int  # the fund's money in the bank: the shares plus interest not shared yet
    interest_shared_fen: int
    homes_below_threshold: int
    buildings: list[BuildingFund]


class HomeFund(msgspec.Struct, frozen=True, kw_only=True):
    """One home's share of the fund, as a building's list shows it."""

    home_id: UUID
    entrance: str
    floor: int
    room: str
    area: int
    first_deposit_fen: int | None
    balance_fen: int
    below_threshold: bool


class BuildingFundPage(msgspec.Struct, frozen=True):
    """A building's homes and their shares, by entrance, floor and room; `next_cursor` (opaque) or null."""

    building_id: UUID
    building: str
    items: list[HomeFund]
    next_cursor: str | None


def threshold(first_deposit: int) -> int:
    """The smallest balance that is not below the top-up threshold (30 %, rounded up to a whole fen)."""
    limit = first_deposit * money.TOPUP_THRESHOLD
    return -((-limit.numerator) // limit.denominator)


# rate and first deposits ---------------------------------------------------------------------------------------------


async def _estate(conn: asyncpg.Connection, estate_id: UUID) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM estates WHERE id = $1)", estate_id):
        raise EstateNotFound(f"no estate {estate_id}")


async def set_rate(
    conn: asyncpg.Connection, estate_id: UUID, data: FundRateSet, actor_id: UUID | None
) -> FundRate:
    await _estate(conn, estate_id)
    row = await store.set_rate(conn, estate_id, data.rate_fen_m2, actor_id)
    return FundRate(row["estate_id"], row["rate_fen_m2"], row["updated_at"])


async def open_homes(conn: asyncpg.Connection, estate_id: UUID, actor_id: UUID | None) -> FundOpened:
    """Record the first deposit of every home of the estate that has none: area × rate, rounded once per home.
    One entry per home (the fund's bank debited, the home's share credited)."""
    await _estate(conn, estate_id)
    await conn.execute("SELECT pg_advisory_xact_lock(7340103, hashtext($1::text))", str(estate_id))
    rate_row = await store.get_rate(conn, estate_id)
    if rate_row is None:
        raise FundRateMissing("set the estate's first-deposit rate first")
    rate: int = rate_row["rate_fen_m2"]
    homes = await store.homes_without_fund(conn, estate_id)
    if not homes:
        return FundOpened(0, 0)
    deposits = [money.area_line(h["area_counted"], rate) for h in homes]
    keys = [ledger.home_account("fund_share", estate_id, h["id"]) for h in homes]
    bank_key = ledger.estate_account("fund_bank", estate_id)
    ids = await ledger.accounts(conn, [*keys, bank_key])
    entries = [
        ledger.Entry(
            estate_id=estate_id,
            kind="fund_deposit",
            lines=[ledger.Line(ids[bank_key], amount), ledger.Line(ids[key], -amount)],
            memo=f"first deposit: {h['area_counted'] / 100:.2f} m² × {rate / 100:.2f} yuan/m²",
            actor_id=actor_id,
        )
        for h, key, amount in zip(homes, keys, deposits, strict=True)
    ]
    entry_ids = await ledger.post_many(conn, entries)
    await store.insert_fund_homes(
        conn,
        estate_id,
        [h["id"] for h in homes],
        [h["area_counted"] for h in homes],
        rate,
        deposits,
        entry_ids,
    )
    return FundOpened(len(homes), sum(deposits))


async def deposit(
    conn: asyncpg.Connection, home_id: UUID, amount_fen: int, *, memo: str, actor_id: UUID | None
) -> int:
    """A top-up (续筹) into a home's share; returns the entry id. Clears the home's notice once it is back."""
    amount = ledger.require_amount(amount_fen)
    home = await store.fund_home(conn, home_id)
    if home is None:
        raise FundNotOpened(f"home {home_id} has no first deposit yet")
    estate_id = home["estate_id"]
    share = await ledger.account_id(conn, ledger.home_account("fund_share", estate_id, home_id))
    await ledger.lock_accounts(conn, [share])
    bank = await ledger.account_id(conn, ledger.estate_account("fund_bank", estate_id))
    entry_id = await ledger.post(
        conn,
        ledger.Entry(
            estate_id=estate_id,
            kind="fund_deposit",
            lines=[ledger.Line(bank, amount), ledger.Line(share, -amount)],
            memo=memo or "top-up",
            actor_id=actor_id,
        ),
    )
    await check_topups(conn, [home_id])
    return entry_id


# top-up notices ----------------------------------------------------------------------------------------------------


async def check_topups(conn: asyncpg.Connection, home_ids: list[UUID]) -> list[UUID]:
    """After a movement of these homes' shares: a notice (outbox row) for each home that is now below 30 % of
    its first deposit and has no open notice; the notice is cleared for homes back above. Returns the homes
    notified now."""
    rows = await store.fund_homes_state(conn, home_ids)
    below = [r for r in rows if money.below_ratio(r["balance"], r["first_deposit_fen"])]
    below_ids = {r["home_id"] for r in below}
    back = [r["home_id"] for r in rows if r["topup_notice_at"] is not None and r["home_id"] not in below_ids]
    if back:
        await store.set_notices(conn, back, [None] * len(back), None)
    fresh = [r for r in below if r["topup_notice_at"] is None]
    if not fresh:
        return []
    owners: dict[UUID, list[str]] = {}
    for o in await store.owners_bound(conn, [r["home_id"] for r in fresh]):
        owners.setdefault(o["home_id"], []).append(str(o["user_id"]))
    outbox_ids: list[int | None] = []
    for r in fresh:
        outbox_ids.append(
            await outbox.enqueue(
                conn,
                TOPUP_TOPIC,
                {
                    "estate_id": str(r["estate_id"]),
                    "home_id": str(r["home_id"]),
                    "user_ids": owners.get(r["home_id"], []),
                    "balance_fen": r["balance"],
                    "first_deposit_fen": r["first_deposit_fen"],
                    "threshold_fen": threshold(r["first_deposit_fen"]),
                },
            )
        )
    await store.set_notices(conn, [r["home_id"] for r in fresh], outbox_ids, datetime.now(UTC))
    return [r["home_id"] for r in fresh]


# interest and apportioned costs ---------------------------------------------------------------------------------------


async def share_interest(
    conn: asyncpg.Connection, estate_id: UUID, data: InterestShare, actor_id: UUID | None
) -> InterestShared:
    """Interest received on ``as_of``: the fund's bank debited against fund interest, then fund interest
    shared among the homes' shares by area (largest remainder; the parts add up to the amount)."""
    amount = ledger.require_amount(data.amount_fen)
    await _estate(conn, estate_id)
    await conn.execute("SELECT pg_advisory_xact_lock(7340103, hashtext($1::text))", str(estate_id))
    existing = await store.interest_run(conn, estate_id, data.as_of)
    if existing is not None:
        raise FundInterestExists(
            f"interest of {data.as_of} was shared already", run_id=str(existing["id"]),
            fields=[{"field": "as_of", "code": "fund_interest_exists"}],
        )  # fmt: skip
    homes = await store.fund_homes_with_area(conn, estate_id)
    if not homes:
        raise FundHasNoHomes("no home of the estate has a share of the fund yet")
    parts = money.share_largest_remainder(amount, [(h["home_id"], h["area"]) for h in homes])
    keys = {h["home_id"]: ledger.home_account("fund_share", estate_id, h["home_id"]) for h in homes}
    bank_key = ledger.estate_account("fund_bank", estate_id)
    interest_key = ledger.estate_account("fund_interest", estate_id)
    ids = await ledger.accounts(conn, [*keys.values(), bank_key, interest_key])
    await ledger.lock_accounts(conn, [ids[k] for k in keys.values()])
    memo = data.memo or f"interest settled {data.as_of}"
    received, shared = await ledger.post_many(
        conn,
        [
            ledger.Entry(
                estate_id=estate_id,
                kind="fund_interest",
                lines=[ledger.Line(ids[bank_key], amount), ledger.Line(ids[interest_key], -amount)],
                memo=memo,
                actor_id=actor_id,
            ),
            ledger.Entry(
                estate_id=estate_id,
                kind="fund_interest",
                lines=[
                    ledger.Line(ids[interest_key], amount),
                    *(ledger.Line(ids[keys[h]], -part) for h, part in parts.items() if part),
                ],
                memo=memo,
                actor_id=actor_id,
            ),
        ],
    )
    row = await store.insert_interest_run(
        conn, estate_id, data.as_of, amount, len(homes), received, shared, memo, actor_id
    )
    await check_topups(conn, list(parts))
    return InterestShared(
        id=row["id"],
        estate_id=estate_id,
        as_of=row["as_of"],
        amount_fen=row["amount_fen"],
        homes=row["homes"],
        created_at=row["created_at"],
    )


async def reverse(conn: asyncpg.Connection, entry_id: int, *, memo: str, actor_id: UUID | None) -> int:
    """Correct a fund movement by its reversing entry; the homes it touches are checked for the top-up rule."""
    homes = await conn.fetch(
        """SELECT DISTINCT a.home_id FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id
           WHERE l.entry_id = $1 AND a.kind = 'fund_share'""",
        entry_id,
    )
    reversal = await ledger.reverse(conn, entry_id, memo=memo, actor_id=actor_id)
    await check_topups(conn, [h["home_id"] for h in homes])
    return reversal


async def require_statement_reader(conn: asyncpg.Connection, principal: Principal, home_id: UUID) -> None:
    """HomeNotFound, or HomeForbidden unless the caller is an owner bound to the home now, or reads the estate's
    staff views (its staff, the district's housing officers, admins)."""
    row = await housing_store.get_home(conn, home_id)
    if row is None:
        raise HomeNotFound(f"no home {home_id}")
    if access.reads_estate(principal, str(row["estate_id"]), row["district_code"]):
        return
    if not await housing_store.is_bound(conn, home_id, principal.user_id, ("owner",)):
        raise HomeForbidden("only the home's owners read its fund statement")


async def building_estate(conn: asyncpg.Connection, building_id: UUID) -> UUID:
    found = await store.building(conn, building_id)
    if found is None:
        raise BuildingNotFound(f"no building {building_id}")
    estate_id: UUID = found["estate_id"]
    return estate_id


# what people read ------------------------------------------------------------------------------------------------------


def _line_cursor(cursor: str) -> int:
    (raw,) = decode_cursor(cursor, (str,))
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise InvalidCursor(
            "the cursor is not one this API gave out", fields=[{"field": "cursor", "code": "invalid_cursor"}]
        )
    return int(raw)


async def statement(conn: asyncpg.Connection, home_id: UUID, cursor: str | None, limit: int) -> FundStatement:
    home = await store.fund_home(conn, home_id)
    if home is None:
        raise FundNotOpened(f"home {home_id} has no first deposit in the fund yet")
    after = _line_cursor(cursor) if cursor else None
    items: list[FundLine] = []
    next_cursor = None
    if home["account_id"] is not None:
        rows = await ledger.account_lines(conn, home["account_id"], after, limit)
        projects = await store.projects_of_entries(
            conn, [r["entry_id"] for r in rows if r["kind"] in ("fund_spend", "fund_return")]
        )
        items = [
            FundLine(
                entry_id=r["entry_id"],
                kind=r["kind"],
                memo=r["memo"],
                amount_fen=-r["amount"],
                balance_fen=-r["balance_after"],
                posted_at=r["posted_at"],
                reverses_entry_id=r["reverses_id"],
                project_id=projects[r["entry_id"]][0] if r["entry_id"] in projects else None,
                project_title=projects[r["entry_id"]][1] if r["entry_id"] in projects else None,
            )
            for r in rows
        ]
        if len(rows) == limit:
            next_cursor = encode_cursor(str(rows[-1]["id"]))
    first = home["first_deposit_fen"]
    return FundStatement(
        home_id=home_id,
        estate_id=home["estate_id"],
        area=home["area"],
        rate_fen_m2=home["rate_fen_m2"],
        first_deposit_fen=first,
        balance_fen=home["balance"],
        topup_threshold_fen=threshold(first),
        below_threshold=money.below_ratio(home["balance"], first),
        topup_notice_at=home["topup_notice_at"],
        items=items,
        next_cursor=next_cursor,
    )


async def estate_fund(conn: asyncpg.Connection, estate_id: UUID) -> EstateFund:
    await _estate(conn, estate_id)
    rate = await store.get_rate(conn, estate_id)
    buildings = [
        BuildingFund(
            building_id=r["building_id"],
            building=r["building"],
            homes=r["homes"],
            homes_opened=r["homes_opened"],
            first_deposits_fen=r["first_deposits_fen"],
            balance_fen=r["balance_fen"],
            homes_below_threshold=r["homes_below"],
        )
        for r in await store.estate_summary(conn, estate_id, THRESHOLD_PERCENT)
    ]
    return EstateFund(
        estate_id=estate_id,
        rate_fen_m2=rate["rate_fen_m2"] if rate else None,
        homes=sum(b.homes for b in buildings),
        homes_opened=sum(b.homes_opened for b in buildings),
        first_deposits_fen=sum(b.first_deposits_fen for b in buildings),
        balance_fen=sum(b.balance_fen for b in buildings),
        bank_fen=await ledger.balance(conn, ledger.estate_account("fund_bank", estate_id)),
        interest_shared_fen=await store.interest_total(conn, estate_id),
        homes_below_threshold=sum(b.homes_below_threshold for b in buildings),
        buildings=buildings,
    )


async def building_fund(
    conn: asyncpg.Connection, building_id: UUID, cursor: str | None, limit: int
) -> BuildingFundPage:
    found = await store.building(conn, building_id)
    if found is None:
        raise BuildingNotFound(f"no building {building_id}")
    after = decode_cursor(cursor, (str, int, str, UUID)) if cursor else None
    rows = await store.building_homes(conn, building_id, after, limit)  # type: ignore[arg-type]
    items = [
        HomeFund(
            home_id=r["home_id"],
            entrance=r["entrance"],
            floor=r["floor"],
            room=r["room"],
            area=r["area"],
            first_deposit_fen=r["first_deposit_fen"],
            balance_fen=r["balance_fen"],
            below_threshold=r["first_deposit_fen"] is not None
            and money.below_ratio(r["balance_fen"], r["first_deposit_fen"]),
        )
        for r in rows
    ]
    last = rows[-1] if len(rows) == limit else None
    return BuildingFundPage(
        building_id=building_id,
        building=found["name"],
        items=items,
        next_cursor=encode_cursor(last["entrance"], last["floor"], last["room"], last["home_id"])
        if last
        else None,
    )
