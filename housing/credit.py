"""Credit evaluation of property companies (物业服务企业信用评价, issue 12 §4, DOMAIN.md §12): a monthly score and
grade per company per estate, and per company overall, from five figures that each show their numerator and
denominator, as the city's indicators do (cases/stats/indicators.py). Plain async functions that take a connection
inside the caller's transaction and never commit; the SQL is in housing/credit_store.py.

The month
    ``YYYY-MM`` in the city's time zone (Asia/Shanghai): [the 1st 00:00, the next 1st 00:00) local time. Figures
    are read as they stood at the cut-off = min(end of the month, now); a month that has not begun is refused
    (invalid_credit_month), and so is one before 2000-01.

The estate's company
    The company named by the latest service-contract filing accepted before the cut-off (accepted now, or
    superseded since) whose term meets the month; without one, the company on the estate's page
    (``estates.property_company``). Companies are told apart by that name.

The figures (numerator / denominator, per estate; a company's overall figures add up its estates' numerators and
denominators)
    complaints_per_100 (每百户投诉量)
        Complaints (``repairs`` of kind complaint) reported in the month / homes of the estate (made before the
        cut-off). value = complaints × 100 / homes, rounded to 2 places. Lower is better: it earns
        1 − value / complaints_cap of its points, never less than none (cap 5 by default: 0 complaints earn every
        point, 5 or more per 100 homes none, linearly in between).
    escalation_rate (投诉督办率)
        Complaints escalated to the housing officer (督办: repairs of kind complaint whose escalated_at falls in the
        month) / complaints reported in the month; a month without complaints has no ratio. Lower is better: it
        earns 1 − ratio, never less than none (complaints of earlier months escalated now can exceed the month's).
    on_time_rate (报修按时率)
        Steps of repairs and complaints (accept, assign, handle: the company's steps with limits, ``repair_deadlines``;
        not the housing officer's supervise step; a step ended by an escalation counts, late) due in
        the month (due_at in [start, cut-off)), that ended with their own job done or are still open / of those,
        done by their due time (completed_at <= due_at). A step counts in the month its due time falls in.
    satisfaction_rate (业主满意率)
        Ratings (1-5) given in the month (rated_at in the month) / of those, 4 or 5.
    filing_compliance (合同备案合规)
        1 / 1 when the terms of the estate's service-contract filings accepted before the cut-off cover every day
        of the month, 0 / 1 otherwise (a company: its estates covered / its estates).

    ``value`` is numerator / denominator rounded to 4 places (complaints_per_100: per 100 homes, 2 places); null
    when the denominator is 0. ``points`` is what the figure earns out of 100 before weighting, 2 places.

Score and grade
    score = Σ weight × earned / Σ weight × 100 over the figures with a denominator and a weight above 0, computed
    exactly (fractions) and rounded once, half up, to 2 places; ``score_weight`` says how many of the 100 points
    it rests on; no such figure: no score. Grades: A at grade_bands.A and above, then B, C, D; E below D's.
    The scheme (weights, complaints_cap, bands) is one row of ``credit_scheme`` (migration 0023) an admin
    replaces; defaults: complaints 20, escalations 15, on-time 25, satisfaction 25, filing 15; cap 5; bands
    90 / 75 / 60 / 40 as the city's.

Who reads what
    An estate's credit: every figure for admins, leaders and housing officers of its district (or of every
    district) and the estate's property staff; its residents (bound now to one of its homes) see their company
    and its grade only (view ``grade``); anyone else is credit_forbidden. The companies' list: admins, leaders
    and housing officers, over the districts their grants reach (a district outside them: credit_forbidden).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Annotated, Final, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from cases.workflow.transitions import done_outcomes
from housing import access
from housing import credit_store as store
from housing.errors import CreditForbidden, EstateNotFound, InvalidCreditMonth, InvalidCreditScheme
from housing.paging import decode_cursor, encode_cursor
from housing.repairs_workflow import REPAIRS
from identity.models import Principal

Grade = Literal["A", "B", "C", "D", "E"]
FigureName = Literal[
    "complaints_per_100", "escalation_rate", "on_time_rate", "satisfaction_rate", "filing_compliance"
]
View = Literal["full", "grade"]

#: (zh-CN, en) names, in the order listed
FIGURES: Final[dict[FigureName, tuple[str, str]]] = {
    "complaints_per_100": ("每百户投诉量", "complaints per 100 homes"),
    "escalation_rate": ("投诉督办率", "complaints escalated"),
    "on_time_rate": ("报修按时率", "repair steps on time"),
    "satisfaction_rate": ("业主满意率", "residents satisfied"),
    "filing_compliance": ("合同备案合规", "service contract filed"),
}

_DONE: Final = [f"{step}:{action}" for step, actions in done_outcomes(REPAIRS).items() for action in actions]
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_CENT = Decimal("0.01")


# schemas --------------------------------------------------------------------------------------------------------

Points = Annotated[float, msgspec.Meta(ge=0, le=100)]
Band = Annotated[float, msgspec.Meta(gt=0, le=100)]


class CreditWeights(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Points of each figure in the score, adding up to 100; 0 leaves a figure out of the score."""

    complaints_per_100: Points
    escalation_rate: Points
    on_time_rate: Points
    satisfaction_rate: Points
    filing_compliance: Points


class GradeBands(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The lowest score of each grade, strictly descending; below D's is E."""

    A: Band
    B: Band
    C: Band
    D: Band


class CreditSchemeSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    weights: CreditWeights
    complaints_cap: Annotated[float, msgspec.Meta(gt=0, le=1000)]
    grade_bands: GradeBands


class CreditScheme(msgspec.Struct, frozen=True):
    weights: CreditWeights
    complaints_cap: float
    grade_bands: GradeBands
    updated_at: datetime
    updated_by: UUID | None


class CreditFigure(msgspec.Struct, frozen=True):
    numerator: int
    denominator: int
    value: float | None  # null when the denominator is 0
    points: float | None  # earned out of 100 before weighting; null when the denominator is 0


class EstateCredit(msgspec.Struct, frozen=True, kw_only=True):
    estate_id: UUID
    estate_name: str
    month: str
    company: str
    view: View
    grade: Grade | None
    score: float | None  # null in the grade view
    score_weight: float | None
    figures: dict[str, CreditFigure] | None  # null in the grade view
    window_start: datetime
    window_end: datetime
    as_of: datetime
    names: dict[str, str]
    scheme: CreditScheme


class CompanyEstate(msgspec.Struct, frozen=True):
    estate_id: UUID
    estate_name: str
    district_code: str
    score: float | None
    grade: Grade | None


class CompanyCredit(msgspec.Struct, frozen=True, kw_only=True):
    company: str
    score: float | None
    grade: Grade | None
    score_weight: float
    figures: dict[str, CreditFigure]
    estates: list[CompanyEstate]


class CompanyCreditPage(msgspec.Struct, frozen=True, kw_only=True):
    month: str
    districts: list[str] | None  # the districts counted; null: every district
    window_start: datetime
    window_end: datetime
    as_of: datetime
    names: dict[str, str]
    scheme: CreditScheme
    items: list[CompanyCredit]
    next_cursor: str | None


# rules ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    text: str
    first: date
    last: date
    start: datetime  # UTC
    end: datetime  # UTC, exclusive


def parse_month(text: str, timezone: str, now: datetime) -> Month:
    found = _MONTH.fullmatch(text)
    fields = [{"field": "month", "code": "invalid"}]
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise InvalidCreditMonth("'month' is a month written YYYY-MM, 2000-01 or later", fields=fields)
    first = date(int(found.group(1)), int(found.group(2)), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    if start > now:
        raise InvalidCreditMonth(f"{text} has not begun", fields=fields)
    end = datetime.combine(following, time(0), zone).astimezone(UTC)
    return Month(text, first, following - timedelta(days=1), start, end)


@dataclass
class Counts:
    """The numerators and denominators of one estate, or added up over a company's estates."""

    complaints: int = 0
    homes: int = 0
    escalated: int = 0
    due: int = 0
    on_time: int = 0
    rated: int = 0
    good: int = 0
    filed: int = 0
    estates: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _round(value: Fraction, places: str) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def earned(
    counts: Counts, cap: Fraction
) -> dict[FigureName, tuple[int, int, Fraction | None, Fraction | None]]:
    """Per figure: (numerator, denominator, value, earned 0..1), value and earned None without a denominator."""

    def share(n: int, d: int) -> Fraction | None:
        return Fraction(n, d) if d else None

    per_100 = share(100 * counts.complaints, counts.homes)
    escalated = share(counts.escalated, counts.complaints)
    on_time = share(counts.on_time, counts.due)
    satisfied = share(counts.good, counts.rated)
    filed = share(counts.filed, counts.estates)
    return {
        "complaints_per_100": (
            counts.complaints,
            counts.homes,
            per_100,
            None if per_100 is None else max(Fraction(0), 1 - per_100 / cap),
        ),
        "escalation_rate": (
            counts.escalated,
            counts.complaints,
            escalated,
            None if escalated is None else max(Fraction(0), 1 - escalated),
        ),
        "on_time_rate": (counts.on_time, counts.due, on_time, on_time),
        "satisfaction_rate": (counts.good, counts.rated, satisfied, satisfied),
        "filing_compliance": (counts.filed, counts.estates, filed, filed),
    }


@dataclass(frozen=True)
class Scored:
    figures: dict[str, CreditFigure]
    score: float | None
    grade: Grade | None
    score_weight: float


def grade_of(score: float | None, bands: GradeBands) -> Grade | None:
    if score is None:
        return None
    for threshold, letter in ((bands.A, "A"), (bands.B, "B"), (bands.C, "C"), (bands.D, "D")):
        if score >= threshold:
            return letter  # type: ignore[return-value]
    return "E"


def score(counts: Counts, scheme: CreditScheme) -> Scored:
    weights = msgspec.structs.asdict(scheme.weights)
    cap = Fraction(Decimal(str(scheme.complaints_cap)))
    total = Fraction(0)
    used = Fraction(0)
    figures: dict[str, CreditFigure] = {}
    for name, (n, d, value, got) in earned(counts, cap).items():
        places = "0.01" if name == "complaints_per_100" else "0.0001"
        figures[name] = CreditFigure(
            n,
            d,
            None if value is None else _round(value, places),
            None if got is None else _round(got * 100, "0.01"),
        )
        weight = Fraction(Decimal(str(weights[name])))
        if got is not None and weight > 0:
            total += weight * got
            used += weight
    points = _round(total / used * 100, "0.01") if used else None
    return Scored(figures, points, grade_of(points, scheme.grade_bands), float(used))


def names(locale: str) -> dict[str, str]:
    return {name: en if locale == "en" else zh for name, (zh, en) in FIGURES.items()}


# use cases ------------------------------------------------------------------------------------------------------


async def _counts(
    conn: asyncpg.Connection, month: Month, cutoff: datetime, estates: list[asyncpg.Record]
) -> dict[UUID, Counts]:
    ids = [e["id"] for e in estates]
    complaints = await store.complaint_counts(conn, ids, month.start, cutoff)
    steps = await store.step_counts(conn, ids, month.start, cutoff, _DONE)
    ratings = await store.rating_counts(conn, ids, month.start, cutoff)
    escalations = await store.escalation_counts(conn, ids, month.start, cutoff)
    out: dict[UUID, Counts] = {}
    for e in estates:
        due, on_time = steps.get(e["id"], (0, 0))
        rated, good = ratings.get(e["id"], (0, 0))
        out[e["id"]] = Counts(
            complaints=complaints.get(e["id"], 0),
            homes=e["homes"],
            escalated=escalations.get(e["id"], 0),
            due=due,
            on_time=on_time,
            rated=rated,
            good=good,
            filed=1 if e["filed"] else 0,
            estates=1,
        )
    return out


async def estate_credit(
    conn: asyncpg.Connection,
    principal: Principal,
    estate_id: UUID,
    month_text: str,
    *,
    timezone: str,
    now: datetime | None = None,
) -> EstateCredit:
    """The estate's month: every figure for its readers, the company's grade only for its residents."""
    now = now or datetime.now(UTC)
    month = parse_month(month_text, timezone, now)
    cutoff = min(month.end, now)
    found = await store.estates_for_month(conn, month.first, month.last, cutoff, estate_id=estate_id)
    if not found:
        raise EstateNotFound(f"no estate {estate_id}")
    estate = found[0]
    if access.reads_credit(principal, str(estate_id), estate["district_code"]):
        view: View = "full"
    elif await store.lives_in(conn, estate_id, principal.user_id):
        view = "grade"
    else:
        raise CreditForbidden("only the estate's residents and staff, its district's officers and leaders")
    scheme = await get_scheme(conn)
    scored = score((await _counts(conn, month, cutoff, found))[estate_id], scheme)
    full = view == "full"
    return EstateCredit(
        estate_id=estate_id,
        estate_name=estate["name"],
        month=month.text,
        company=estate["company"],
        view=view,
        grade=scored.grade,
        score=scored.score if full else None,
        score_weight=scored.score_weight if full else None,
        figures=scored.figures if full else None,
        window_start=month.start,
        window_end=month.end,
        as_of=cutoff,
        names=names(principal.locale),
        scheme=scheme,
    )


async def company_credit(
    conn: asyncpg.Connection,
    principal: Principal,
    month_text: str,
    *,
    district: str | None,
    timezone: str,
    cursor: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> CompanyCreditPage:
    """Each company's overall month over its estates in the districts asked for (or every district the caller
    reaches), by company name, with each estate's score and grade."""
    now = now or datetime.now(UTC)
    month = parse_month(month_text, timezone, now)
    after = str(decode_cursor(cursor, (str,))[0]) if cursor is not None else None
    reach = access.credit_districts(principal)
    if district is not None:
        if reach is not None and district not in reach:
            raise CreditForbidden(f"district {district} is not one of yours")
        districts: list[str] | None = [district]
    else:
        districts = sorted(reach) if reach is not None else None
    cutoff = min(month.end, now)
    estates = await store.estates_for_month(conn, month.first, month.last, cutoff, districts=districts)
    scheme = await get_scheme(conn)
    counts = await _counts(conn, month, cutoff, estates) if estates else {}
    by_company: dict[str, list[asyncpg.Record]] = {}
    for e in estates:
        by_company.setdefault(e["company"], []).append(e)
    companies = sorted(c for c in by_company if after is None or c > after)
    page = companies[:limit]
    items = []
    for company in page:
        overall = Counts()
        listed = []
        for e in sorted(by_company[company], key=lambda e: (e["name"], e["id"])):
            overall.add(counts[e["id"]])
            one = score(counts[e["id"]], scheme)
            listed.append(CompanyEstate(e["id"], e["name"], e["district_code"], one.score, one.grade))
        scored = score(overall, scheme)
        items.append(
            CompanyCredit(
                company=company,
                score=scored.score,
                grade=scored.grade,
                score_weight=scored.score_weight,
                figures=scored.figures,
                estates=listed,
            )
        )
    return CompanyCreditPage(
        month=month.text,
        districts=districts,
        window_start=month.start,
        window_end=month.end,
        as_of=cutoff,
        names=names(principal.locale),
        scheme=scheme,
        items=items,
        next_cursor=encode_cursor(page[-1]) if len(companies) > limit else None,
    )


def _scheme(row: asyncpg.Record) -> CreditScheme:
    return CreditScheme(
        weights=CreditWeights(
            complaints_per_100=float(row["complaints_weight"]),
            escalation_rate=float(row["escalations_weight"]),
            on_time_rate=float(row["on_time_weight"]),
            satisfaction_rate=float(row["satisfaction_weight"]),
            filing_compliance=float(row["filing_weight"]),
        ),
        complaints_cap=float(row["complaints_cap"]),
        grade_bands=GradeBands(
            float(row["grade_a"]), float(row["grade_b"]), float(row["grade_c"]), float(row["grade_d"])
        ),
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


async def get_scheme(conn: asyncpg.Connection) -> CreditScheme:
    return _scheme(await store.scheme(conn))


def _cents(value: float) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _problems(update: CreditSchemeSet) -> Iterable[tuple[str, str]]:
    weights = [_cents(w) for w in msgspec.structs.astuple(update.weights)]
    if sum(weights) != 100:
        yield "weights", f"the weights add up to {sum(weights)}, not 100"
    bands = [_cents(b) for b in msgspec.structs.astuple(update.grade_bands)]
    if any(low >= high for high, low in pairwise(bands)) or bands[-1] <= 0:
        yield "grade_bands", "the bands are not strictly descending from A to D (and above 0)"
    if _cents(update.complaints_cap) <= 0:
        yield "complaints_cap", "the cap is at least 0.01"


async def set_scheme(
    conn: asyncpg.Connection, update: CreditSchemeSet, actor_id: UUID | None
) -> tuple[CreditScheme, CreditScheme]:
    """Replace the scheme (weights adding up to 100, the cap, descending bands). Returns (before, after)."""
    problems = list(_problems(update))
    if problems:
        raise InvalidCreditScheme(
            "; ".join(text for _, text in problems),
            fields=[{"field": field, "code": "invalid"} for field, _ in problems],
        )
    before = _scheme(await store.scheme(conn, lock=True))
    w, b = update.weights, update.grade_bands
    after = await store.update_scheme(
        conn,
        {
            "complaints_weight": _cents(w.complaints_per_100),
            "escalations_weight": _cents(w.escalation_rate),
            "on_time_weight": _cents(w.on_time_rate),
            "satisfaction_weight": _cents(w.satisfaction_rate),
            "filing_weight": _cents(w.filing_compliance),
            "complaints_cap": _cents(update.complaints_cap),
            "grade_a": _cents(b.A),
            "grade_b": _cents(b.B),
            "grade_c": _cents(b.C),
            "grade_d": _cents(b.D),
        },
        actor_id,
    )
    return before, _scheme(after)
