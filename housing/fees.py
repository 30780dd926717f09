"""Fee items and what one home owes for one of them in one billing period (pure: no database).

Kinds (DOMAIN.md §11):

- ``property`` (物业费): area × fen per m² per month × the months of the period, one line rounded once.
- ``parking`` (停车费): fen per space per month × spaces × months; only homes assigned spaces (a quantity).
- ``heating`` (采暖费): area × fen per m² per heating season. The season is data on the item (month-day of its
  start and end, e.g. 11-15 to 03-15 in Beijing, 10-20 to 04-20 in Harbin); a season is billed by the run whose
  period holds the season's first day, for the whole season.
- ``water`` (水费): the household's use since its previous reading (meter readings, hundredths of m³) priced by
  the tiers of the yearly use (bounds and prices as data; Beijing 0–180, 181–260, over 260 m³ at 5/7/9 yuan);
  one line per tier, each rounded once. The year's earlier use is the difference between the reading before this
  bill's and the last reading of the previous year (or the first of this year).
- ``flat``: fen per home (or per assigned unit) per month × months.
- ``late_fee`` (滞纳金): only where the contract sets one (no such item: no late fees, the default). Its price is
  the rate in 1/10,000 of the outstanding amount per day. The run of a period charges, for each bill of another
  item still outstanding when the run makes its bills, the days of the previous period (of the same length) that
  were more than ``grace_days`` past the bill's due date: one line per overdue bill, rounded once
  (``money.late_fee``). Late fees are never charged on late fees.

Proration (a home that changed owner in the period): the line's whole-period amount is computed (and rounded
once) as for one owner, then shared among the spans of the period with one set of owners by their days, with the
largest-remainder method (ties to the earlier span); the bill has one line per span, each naming its days and
dates and the register rows of its owners. The parts add up to the whole, so a sale never makes a home pay more
or less for the period. Water follows the meter, not the owner, and is not prorated; nor is a late fee.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from typing import Annotated, Final, Literal, NamedTuple, get_args
from uuid import UUID

import msgspec

from housing import money
from housing.errors import InvalidBillingPeriod, InvalidFeeItem

FeeKind = Literal["property", "parking", "heating", "water", "flat", "late_fee"]
FEE_KINDS: Final[tuple[FeeKind, ...]] = get_args(FeeKind)
#: what a bill is for: a fee item's kind, or a paid repair inside the home (housing/repair_bills.py)
BilledKind = Literal["property", "parking", "heating", "water", "flat", "late_fee", "repair"]
AppliesTo = Literal["all", "assigned"]
LineUnit = Literal["m2_hundredths", "space", "home", "m3_hundredths", "fen", "piece"]

_PERIOD: Final = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2]|Q[1-4])$")
MAX_TIERS: Final = 5


# periods --------------------------------------------------------------------------------------------------------------


class Period(NamedTuple):
    text: str  # 2026-11 or 2026-Q4
    start: date
    end: date  # the first day after the period
    months: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """'2026-11' (a month) or '2026-Q4' (a quarter), years 2000 to 2199."""
    match = _PERIOD.match(text)
    if not match or not 2000 <= int(match.group(1)) <= 2199:
        raise InvalidBillingPeriod(
            "a period is YYYY-MM or YYYY-Qn (2000 to 2199)",
            fields=[{"field": "period", "code": "invalid_billing_period"}],
        )
    year, part = int(match.group(1)), match.group(2)
    if part.startswith("Q"):
        start = date(year, 3 * (int(part[1]) - 1) + 1, 1)
        months = 3
    else:
        start = date(year, int(part), 1)
        months = 1
    return Period(text, start, _add_months(start, months), months)


def previous_period(period: Period) -> Period:
    start = _add_months(period.start, -period.months)
    if period.months == 3:
        text = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    else:
        text = f"{start.year}-{start.month:02d}"
    return Period(text, start, period.start, period.months)


# fee items ------------------------------------------------------------------------------------------------------------

MonthDay = Annotated[str, msgspec.Meta(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
FeeName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
PriceFen = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Days = Annotated[int, msgspec.Meta(ge=0, le=366)]


class Tier(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One tier of a water price: yearly use of a household up to ``up_to`` hundredths of m³ (null for the last
    tier: everything above), at ``price_fen`` fen per m³."""

    price_fen: PriceFen
    up_to: Annotated[int, msgspec.Meta(ge=1, le=100_000_000)] | None = None


class Season(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A heating season by month-day: ``start`` 11-15, ``end`` 03-15 (inclusive; it may run into the next year)."""

    start: MonthDay
    end: MonthDay


class FeeItemCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new fee item of an estate: what kind, its name and price, and what its kind needs (water: tiers;
    heating: the season; parking and assigned flat items: applies_to assigned; a late fee: grace days)."""

    kind: FeeKind
    name: FeeName
    price_fen: PriceFen = 0
    tiers: Annotated[list[Tier], msgspec.Meta(max_length=MAX_TIERS)] = []
    season: Season | None = None
    applies_to: AppliesTo = "all"
    due_days: Days = 30
    grace_days: Days = 0


class FeeItemUpdate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Changes to a fee item (If-Match: its version). A new price applies to the runs made after it."""

    name: FeeName | msgspec.UnsetType = msgspec.UNSET
    price_fen: PriceFen | msgspec.UnsetType = msgspec.UNSET
    tiers: Annotated[list[Tier], msgspec.Meta(max_length=MAX_TIERS)] | msgspec.UnsetType = msgspec.UNSET
    season: Season | msgspec.UnsetType = msgspec.UNSET
    due_days: Days | msgspec.UnsetType = msgspec.UNSET
    grace_days: Days | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class FeeItem(msgspec.Struct, frozen=True, kw_only=True):
    """A fee item billing applies in an estate."""

    id: UUID
    estate_id: UUID
    kind: FeeKind
    name: str
    price_fen: int
    tiers: list[Tier]
    season: Season | None
    applies_to: AppliesTo
    due_days: int
    grace_days: int
    active: bool
    version: int

    @property
    def tier_bounds(self) -> list[int]:
        return [t.up_to for t in self.tiers if t.up_to is not None]

    @property
    def tier_prices(self) -> list[int]:
        return [t.price_fen for t in self.tiers]


class FeeItemHome(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A home an ``assigned`` item applies to, and how many (parking spaces)."""

    home_id: UUID
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1


class FeeItemHomes(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The homes an assigned fee item applies to (the whole list)."""

    #: at most 10,000 homes: the longest such list (about 72 bytes a home) fits the 1 MB body limit
    homes: Annotated[list[FeeItemHome], msgspec.Meta(max_length=10_000)]


def _bad(detail: str, field: str) -> InvalidFeeItem:
    return InvalidFeeItem(detail, fields=[{"field": field, "code": "invalid_fee_item"}])


def check_item(
    kind: FeeKind,
    price_fen: int,
    tiers: list[Tier],
    season: Season | None,
    applies_to: str,
    grace_days: int,
) -> None:
    """Refuse fields that do not fit the kind, naming the field."""
    if kind == "water":
        if len(tiers) < 1:
            raise _bad("a water item has tiers (the last without up_to)", "tiers")
        bounds = [t.up_to for t in tiers[:-1]]
        if tiers[-1].up_to is not None or any(b is None for b in bounds):
            raise _bad("every tier but the last has up_to; the last has none", "tiers")
        if [b for b in bounds if b is not None] != sorted({b for b in bounds if b is not None}):
            raise _bad("the tiers' up_to increase", "tiers")
        if price_fen != 0:
            raise _bad("a water item is priced by its tiers, not price_fen", "price_fen")
    elif tiers:
        raise _bad("only a water item has tiers", "tiers")
    if kind == "heating":
        if season is None:
            raise _bad("a heating item has its season (start and end, MM-DD)", "season")
        for field, value in (("season.start", season.start), ("season.end", season.end)):
            month, day = int(value[:2]), int(value[3:])
            try:
                date(2001, month, day)  # not a leap year: 02-29 would skip three years of four
            except ValueError as exc:
                raise _bad(f"{value} is not a day of every year", field) from exc
        if season.start == season.end:
            raise _bad("a season ends on another day than it starts", "season")
    elif season is not None:
        raise _bad("only a heating item has a season", "season")
    if kind in ("property", "parking", "heating", "late_fee") and price_fen <= 0:
        raise _bad("the price is positive", "price_fen")
    if kind == "late_fee" and price_fen > 100:
        raise _bad("a late fee is at most 100/10,000 (1 %) of the outstanding amount a day", "price_fen")
    if kind not in ("parking", "flat") and applies_to != "all":
        raise _bad("only parking and flat items apply to assigned homes", "applies_to")
    if kind == "parking" and applies_to != "assigned":
        raise _bad("parking applies to the homes assigned spaces (applies_to: assigned)", "applies_to")
    if kind != "late_fee" and grace_days:
        raise _bad("only a late fee item has grace days", "grace_days")


# what a home owes -----------------------------------------------------------------------------------------------------


class OwnerRow(NamedTuple):
    id: int
    owned_from: date
    owned_until: date | None


class WaterUse(NamedTuple):
    used_before: int  # hundredths of m³ earlier in the year
    used_now: int  # hundredths of m³ since the previous reading
    read_from: date
    read_on: date


class OverdueBill(NamedTuple):
    bill_id: UUID
    due_date: date
    outstanding: int


class HomeFacts(NamedTuple):
    home_id: UUID
    area: int  # hundredths of m², the area that counts
    owners: list[OwnerRow]
    quantities: dict[UUID, int]  # assigned items: how many
    water: dict[UUID, WaterUse]
    overdue: list[OverdueBill]


class BillLine(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One priced line of a bill, rounded once. ``quantity`` is in ``unit``; ``price_fen`` is per unit per month
    (property, parking, flat), per season (heating), per m³ (water), per 10,000 fen per day (late fee) or per
    piece (a repair's labour and parts, each with its label)."""

    item: BilledKind
    quantity: int
    unit: LineUnit
    price_fen: int
    amount_fen: int
    months: int | None = None
    tier: int | None = None
    days: int | None = None  # days of this line's span (prorated lines, late fees)
    of_days: int | None = None  # days of the whole span (prorated lines)
    start: date | None = None  # the span: first day
    end: date | None = None  # the span: last day (inclusive)
    owner_ids: list[int] | None = None  # the register rows of the owners of a prorated line
    bill_id: UUID | None = None  # a late fee's overdue bill
    label: str | None = None  # a repair's line: what it is (人工费, 水龙头)


class PricedBill(NamedTuple):
    amount: int
    lines: list[BillLine]
    due_date: date


def season_in(item: FeeItem, period: Period) -> tuple[date, date] | None:
    """The heating season [first day, day after the last) that starts in the period, if one does."""
    assert item.season is not None
    sm, sd = int(item.season.start[:2]), int(item.season.start[3:])
    em, ed = int(item.season.end[:2]), int(item.season.end[3:])
    for year in range(period.start.year, period.end.year + 1):
        start = date(year, sm, sd)
        if period.start <= start < period.end:
            end = date(year, em, ed)
            if end <= start:
                end = date(year + 1, em, ed)
            return start, end + timedelta(days=1)
    return None


def owner_spans(owners: list[OwnerRow], start: date, end: date) -> list[tuple[tuple[int, ...], date, date]]:
    """The spans of [start, end) with one set of owners: (owner row ids, first day, day after the last)."""
    points = {start, end}
    for row in owners:
        for day in (row.owned_from, row.owned_until):
            if day is not None and start < day < end:
                points.add(day)
    ordered = sorted(points)
    spans: list[tuple[tuple[int, ...], date, date]] = []
    for a, b in itertools.pairwise(ordered):
        ids = tuple(
            sorted(r.id for r in owners if r.owned_from <= a and (r.owned_until is None or r.owned_until > a))
        )
        if spans and spans[-1][0] == ids:
            spans[-1] = (ids, spans[-1][1], b)
        else:
            spans.append((ids, a, b))
    return spans


def _prorated(
    item: FeeKind,
    whole: int,
    quantity: int,
    unit: LineUnit,
    price: int,
    months: int | None,
    owners: list[OwnerRow],
    start: date,
    end: date,
) -> list[BillLine]:
    spans = owner_spans(owners, start, end)
    if len(spans) == 1:
        return [
            BillLine(
                item=item, quantity=quantity, unit=unit, price_fen=price, months=months, amount_fen=whole
            )
        ]
    total_days = (end - start).days
    shares = money.prorate_by_days(whole, [(i, (b - a).days) for i, (_, a, b) in enumerate(spans)])
    return [
        BillLine(
            item=item,
            quantity=quantity,
            unit=unit,
            price_fen=price,
            months=months,
            amount_fen=shares[i],
            days=(b - a).days,
            of_days=total_days,
            start=a,
            end=b - timedelta(days=1),
            owner_ids=list(ids),
        )
        for i, (ids, a, b) in enumerate(spans)
        if shares[i] > 0
    ]


def price(item: FeeItem, home: HomeFacts, period: Period) -> PricedBill | None:
    """What the home owes for the item in the period; None when nothing (not assigned, no use, no season)."""
    due = period.start + timedelta(days=item.due_days)
    lines: list[BillLine]
    if item.kind == "property":
        whole = money.area_line(home.area, item.price_fen, period.months)
        lines = _prorated(
            "property", whole, home.area, "m2_hundredths", item.price_fen, period.months, home.owners,
            period.start, period.end,
        )  # fmt: skip
    elif item.kind in ("parking", "flat"):
        quantity = home.quantities.get(item.id, 0) if item.applies_to == "assigned" else 1
        if quantity <= 0:
            return None
        whole = quantity * item.price_fen * period.months
        unit: LineUnit = "space" if item.kind == "parking" else "home"
        lines = _prorated(
            item.kind, whole, quantity, unit, item.price_fen, period.months, home.owners, period.start,
            period.end,
        )  # fmt: skip
    elif item.kind == "heating":
        season = season_in(item, period)
        if season is None:
            return None
        whole = money.area_line(home.area, item.price_fen)
        lines = _prorated(
            "heating",
            whole,
            home.area,
            "m2_hundredths",
            item.price_fen,
            None,
            home.owners,
            season[0],
            season[1],
        )
    elif item.kind == "water":
        use = home.water.get(item.id)
        if use is None or use.used_now <= 0:
            return None
        lines = [
            BillLine(
                item="water",
                quantity=t.quantity,
                unit="m3_hundredths",
                price_fen=t.price,
                amount_fen=t.amount,
                tier=t.tier,
                start=use.read_from,
                end=use.read_on,
            )
            for t in money.tiered_lines(use.used_before, use.used_now, item.tier_bounds, item.tier_prices)
        ]
    else:  # late_fee
        lines = late_fee_lines(item, home.overdue, period)
    lines = [line for line in lines if line.amount_fen > 0]
    if not lines:
        return None
    return PricedBill(sum(line.amount_fen for line in lines), lines, due)


def late_fee_lines(item: FeeItem, overdue: list[OverdueBill], period: Period) -> list[BillLine]:
    window = previous_period(period)
    lines = []
    for bill in sorted(overdue, key=lambda b: (b.due_date, str(b.bill_id))):
        first_late = bill.due_date + timedelta(days=item.grace_days + 1)
        start = max(first_late, window.start)
        days = (window.end - start).days
        if days <= 0 or bill.outstanding <= 0:
            continue
        lines.append(
            BillLine(
                item="late_fee",
                quantity=bill.outstanding,
                unit="fen",
                price_fen=item.price_fen,
                amount_fen=money.late_fee(bill.outstanding, item.price_fen, days),
                days=days,
                start=start,
                end=window.end - timedelta(days=1),
                bill_id=bill.bill_id,
            )
        )
    return lines
