"""Indicators of the closed loop (综合评价, DOMAIN.md section 3): ratios over a window of local days, per
department, inspector, responsibility grid or district, and a weighted score with a grade.

The window
    ``from`` and ``to`` are local days in the city's time zone: the window is [from 00:00, to+1 00:00) local
    time, at most 366 days. Figures are read **as they stood at the end of the window** (the cut-off), or now
    for a window that has not ended: cut-off = min(to+1 00:00, now). A window that has ended therefore gives
    the same figures however late it is asked for (unless rows are changed afterwards: an extension or a
    resumption moves a step's due time, a case is voided, deferred or parked).

Steps (``case_deadlines``)
    One rule for every step-based indicator: **a step counts in the window its due time falls in**. A step is
    *due in the window* when its ``due_at`` (as it stands now, after extensions and resumptions) lies in
    [window start, cut-off). Among those, only the steps that end (or would end) with the step's own job
    count: those whose ``outcome`` is one of DONE[step] below, and those not finished yet (``outcome`` NULL).
    A step that ended otherwise did not have to be done: a register step ended by ``send_to_verify`` or
    ``reject``, a close step ended by ``rework``. Of a counted step:

    - *done*: ``completed_at`` < cut-off; a counted step not done by the cut-off was open and overdue then
      (its due time was before the cut-off);
    - *on time*: ``completed_at <= due_at`` (so also done).

    DONE (the rows of cases/workflow/transitions.py that say `done`): verify → verify, not_found (the inspector went and
    looked either way); register → register; dispatch → dispatch; handle → handle; check → check_pass,
    rework (a failed check is a check done); close → close.

Leaving the denominators (DOMAIN.md section 1)
    A case that is deferred, parked or voided *now* leaves every denominator: none of its steps, reports or
    registrations count. So does every step that was paused: ``paused_at`` is set, or a ``defer`` / ``park``
    event of its case happened while it was open (``started_at <= at <= completed_at``); its clock stopped
    and its due time was moved. 准确立案率 is the one exception: voided cases are what it measures, so they
    stay in its denominator (deferred and parked ones still leave).

The indicators (numerator / denominator)
    有效上报率 effective_report_rate
        Reports (``reports``) filed in the window by users holding the inspector role / of those, the ones
        that opened their own case (not ``joined_existing``: a duplicate is not an effective report) whose
        case was registered (``cases.registered_at``) before the cut-off. Citizens' reports are not counted.
    漏报率 missed_report_rate
        Cases registered in the window (``registered_at`` in [start, cut-off)) that lie in a responsibility
        grid / of those, the cases *not* found on patrol by an inspector on duty for that grid when the case
        was reported (``inspector_duties`` covering ``cases.created_at``): found = ``cases.source =
        'inspector'`` and the case's own report (not joined) was filed by such an inspector. Cases from
        citizens, the hotline, video, or from an inspector patrolling someone else's grid are missed. Per
        inspector: the cases of the grids they were on duty for at the case's report time (a teammate's
        find is not a miss).
    按时核实率 verify_on_time_rate
        Verify steps due in the window / of those, on time.
    按时核查率 check_on_time_rate
        Check steps due in the window / of those, on time.
    按时立案率 register_on_time_rate
        Register steps due in the window / of those, on time.
    准确立案率 register_accuracy_rate
        Cases registered in the window (deferred and parked ones left out, voided ones kept) / of those, the
        ones not voided: (registered − voided) / registered.
    按时派遣率 dispatch_on_time_rate
        Dispatch steps due in the window / of those, on time.
    准确派遣率 dispatch_accuracy_rate
        Dispatch steps due in the window and done / of those, the ones whose next step (the department's
        accept step) was not ended by ``return`` before the cut-off: (dispatched − returned) / dispatched. A
        dispatcher's own ``reassign`` is not a return.
    处置率 handle_rate
        Handle steps due in the window / of those, done.
    按期处置率 handle_on_time_rate
        Handle steps due in the window / of those, on time.
    超期待处置率 overdue_open_rate
        Handle steps due in the window / of those, not done by the cut-off (open and overdue then). With
        these definitions it is 1 − 处置率; both are listed because the Chengdu rule weighs both.
    延期率 extension_rate
        Handle steps due in the window / of those, ``extended`` (an approved extension moved the due time).
    返工率 rework_rate
        Handle steps due in the window and done (the fixes handed on to be checked and closed, "due to
        close") / of those, the fixes sent back before the cut-off: the check after it ended by ``rework``,
        or the check passed and the close step after it ended by ``rework``.
    结案率 close_rate
        Close steps due in the window / of those, done.
    按期结案率 close_on_time_rate (按时结案率)
        Close steps due in the window / of those, on time.

    Every rework round starts a new accept and handle step, and a reopened case a new round: each step is
    counted on its own. ``ratio`` is numerator / denominator, rounded to 4 places, null when the
    denominator is 0.

Groups
    district: ``cases.district_code`` (every indicator). grid: ``cases.responsibility_grid_id`` (有效上报率,
    漏报率, 按时核实率, 按时核查率). inspector: the reporter of a report, the assignee of a verify or check
    step, the inspectors on duty for 漏报率 (the same four). department: the department of the handle step
    (``case_deadlines.department_code``, the department that had the case then: 处置率, 按期处置率, 返工率,
    超期待处置率, 延期率). Rows with no group (a case outside every district) are in no group; a group is
    listed when one of its indicators has a denominator. A caller scoped to districts sees only the rows of
    cases in those districts, in every grouping.

Score and grade
    score = Σ weight × value / Σ weight × 100 over the indicators of the kind that have a ratio, where value
    is the ratio, or 1 − ratio for the indicators where lower is better (漏报率, 返工率, 超期待处置率, 延期率).
    With every indicator present this is the published formula; an indicator without a denominator (an
    inspector with no verification due) leaves the score and the weights are scaled to the rest
    (``score_weight`` says how many of the 100 points the score rests on). No indicator: no score. The score
    is rounded to 2 places, then graded: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below. Weights are rows of
    ``indicator_weights`` (migration 0007, seeded with the published weightings; kind = the grouping).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Final, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from cases.stats import rollups, store
from cases.stats.errors import InvalidPeriod, InvalidWeights, UnknownWeightKind
from cases.stats.store import rollups as rollup_store
from cases.workflow.transitions import CASES, done_outcomes

GroupBy = Literal["department", "inspector", "grid", "district"]


GROUPINGS: Final[tuple[GroupBy, ...]] = ("department", "inspector", "grid", "district")


Grade = Literal["A", "B", "C", "D", "E"]


GRADE_BANDS: Final[tuple[tuple[float, Grade], ...]] = ((90, "A"), (75, "B"), (60, "C"), (40, "D"))


MAX_DAYS: Final = 366


class IndicatorInfo(msgspec.Struct, frozen=True):
    name_zh: str
    name_en: str
    lower_is_better: bool = False


INDICATORS: Final[dict[str, IndicatorInfo]] = {
    "effective_report_rate": IndicatorInfo("有效上报率", "effective report rate"),
    "missed_report_rate": IndicatorInfo("漏报率", "missed report rate", lower_is_better=True),
    "verify_on_time_rate": IndicatorInfo("按时核实率", "verified on time"),
    "check_on_time_rate": IndicatorInfo("按时核查率", "checked on time"),
    "register_on_time_rate": IndicatorInfo("按时立案率", "registered on time"),
    "register_accuracy_rate": IndicatorInfo("准确立案率", "registration accuracy"),
    "dispatch_on_time_rate": IndicatorInfo("按时派遣率", "dispatched on time"),
    "dispatch_accuracy_rate": IndicatorInfo("准确派遣率", "dispatch accuracy"),
    "handle_rate": IndicatorInfo("处置率", "handled"),
    "handle_on_time_rate": IndicatorInfo("按期处置率", "handled on time"),
    "overdue_open_rate": IndicatorInfo("超期待处置率", "overdue and open", lower_is_better=True),
    "extension_rate": IndicatorInfo("延期率", "extended", lower_is_better=True),
    "rework_rate": IndicatorInfo("返工率", "rework", lower_is_better=True),
    "close_rate": IndicatorInfo("结案率", "closed"),
    "close_on_time_rate": IndicatorInfo("按期结案率", "closed on time"),
}


_PATROL: Final = ("effective_report_rate", "missed_report_rate", "verify_on_time_rate", "check_on_time_rate")


#: The indicators listed (and weighable) for each grouping, in INDICATORS order.
APPLIES: Final[dict[GroupBy, tuple[str, ...]]] = {
    "department": (
        "handle_rate",
        "handle_on_time_rate",
        "overdue_open_rate",
        "extension_rate",
        "rework_rate",
    ),
    "inspector": _PATROL,
    "grid": _PATROL,
    "district": tuple(INDICATORS),
}


#: The outcomes that end a step with its own job done (see the module docstring): the rows of the workflow
#: table that say so (`done`).
DONE: Final[dict[str, tuple[str, ...]]] = done_outcomes(CASES)
_DONE_PAIRS: Final = [f"{step}:{outcome}" for step, outcomes in DONE.items() for outcome in outcomes]


_STEPS_FOR: Final[dict[GroupBy, tuple[str, ...]]] = {
    "department": ("handle",),
    "inspector": ("verify", "check"),
    "grid": ("verify", "check"),
    "district": ("verify", "register", "dispatch", "handle", "check", "close"),
}


class Ratio(msgspec.Struct, frozen=True):
    numerator: int
    denominator: int
    ratio: float | None  # null when the denominator is 0


class GroupIndicators(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # department code, user id, responsibility grid id, or district code
    name: str  # department name, inspector's display name, grid code and name, district code
    indicators: dict[str, Ratio]
    score: float | None  # 0-100, null when no weighted indicator has a denominator
    grade: Grade | None
    score_weight: float  # the points of the 100 the score rests on (weights of the indicators with a ratio)


class IndicatorReport(msgspec.Struct, frozen=True, kw_only=True):
    from_: date = msgspec.field(name="from")
    to: date
    timezone: str
    group_by: GroupBy
    window_start: datetime
    window_end: datetime
    as_of: datetime  # the cut-off: the end of the window, or now for a window that has not ended
    names: dict[str, str]  # the indicators of the grouping, named in the caller's language (处置率 / handled)
    weights: dict[str, float]
    groups: list[GroupIndicators]


class IndicatorWeights(msgspec.Struct, frozen=True, kw_only=True):
    kind: GroupBy
    weights: dict[str, float]  # every indicator of the kind; 0 = not in the score
    updated_at: datetime | None = None
    updated_by: UUID | None = None


Weight = Annotated[float, msgspec.Meta(ge=0, le=100)]


class IndicatorWeightsSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """All weights of a kind, in points that add up to 100; an indicator left out weighs 0."""

    weights: Annotated[dict[str, Weight], msgspec.Meta(min_length=1, max_length=len(INDICATORS))]


class Period(msgspec.Struct, frozen=True):
    first: date
    last: date
    start: datetime  # UTC
    end: datetime  # UTC, exclusive


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _day(text: str, field: str) -> date:
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidPeriod(f"'{field}' must be a date written YYYY-MM-DD", fields=(field,)) from None


def parse_period(first: str, last: str, timezone: str) -> Period:
    """The window [first 00:00, last+1 00:00) in the city's time zone, as UTC instants."""
    start_day, end_day = _day(first, "from"), _day(last, "to")
    if end_day < start_day:
        raise InvalidPeriod("'to' is before 'from'", fields=("from", "to"))
    if (end_day - start_day).days + 1 > MAX_DAYS:
        raise InvalidPeriod(
            f"a period spans at most {MAX_DAYS} days", fields=("from", "to"), max_days=MAX_DAYS
        )
    zone = ZoneInfo(timezone)
    start = datetime.combine(start_day, time(0), zone).astimezone(UTC)
    end = datetime.combine(end_day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return Period(start_day, end_day, start, end)


def weight_kind(kind: str) -> GroupBy:
    for known in GROUPINGS:
        if kind == known:
            return known
    raise UnknownWeightKind(f"no weights of kind '{kind}'", kinds=list(GROUPINGS))


def ratio(numerator: int, denominator: int) -> Ratio:
    return Ratio(numerator, denominator, round(numerator / denominator, 4) if denominator else None)


def score(indicators: Mapping[str, Ratio], weights: Mapping[str, float]) -> tuple[float | None, float]:
    """(score 0-100 rounded to 2 places or None, the weight it rests on). Uses the unrounded ratios."""
    total = used = 0.0
    for key, weight in weights.items():
        value = indicators.get(key)
        if weight <= 0 or value is None or value.denominator == 0:
            continue
        fraction = value.numerator / value.denominator
        total += weight * (1 - fraction if INDICATORS[key].lower_is_better else fraction)
        used += weight
    if used == 0:
        return None, 0.0
    return round(total / used * 100, 2), round(used, 2)


def grade(points: float | None) -> Grade | None:
    if points is None:
        return None
    for threshold, letter in GRADE_BANDS:
        if points >= threshold:
            return letter
    return "E"


async def indicators(
    conn: asyncpg.Connection,
    *,
    first: str,
    last: str,
    group_by: GroupBy,
    timezone: str,
    districts: frozenset[str] | None,
    locale: str = "zh-CN",
    now: datetime | None = None,
    use_rollups: bool = True,
) -> IndicatorReport:
    """Every indicator of `group_by` for the window, per group, with the weighted score and grade.

    `districts`: the districts the caller may see (None: all). A window that has ended is read from the daily
    rollups (cases/stats/rollups.py) when they may answer it, with the same result; `use_rollups=False` always
    counts from the base tables.
    """
    period = parse_period(first, last, timezone)
    as_of = min(period.end, now or datetime.now(UTC))
    weights = (await get_weights(conn, group_by)).weights
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    if as_of > period.start and districts != frozenset():
        scope = sorted(districts) if districts is not None else None
        from_days = use_rollups and await rollups.readable(conn, timezone, period.start, period.end, as_of)
        if from_days:
            step_rows = await rollup_store.select_step_counts(
                conn, group_by, period.first, period.last, scope, _STEPS_FOR[group_by]
            )
        else:
            step_rows = await store.select_step_counts(
                conn, group_by, period.start, as_of, scope, _STEPS_FOR[group_by], _DONE_PAIRS
            )
        for row in step_rows:
            _add_steps(counts.setdefault(row["key"], {}), row)
        if group_by != "department":
            if from_days:
                report_rows = await rollup_store.select_report_counts(
                    conn, group_by, period.first, period.last, scope
                )
                registration_rows = await rollup_store.select_registration_counts(
                    conn, group_by, period.first, period.last, scope
                )
            else:
                report_rows = await store.select_report_counts(conn, group_by, period.start, as_of, scope)
                registration_rows = await store.select_registration_counts(
                    conn, group_by, period.start, as_of, scope
                )
            for row in report_rows:
                found = counts.setdefault(row["key"], {})
                found["effective_report_rate"] = (row["effective"], row["reports"])
            for row in registration_rows:
                found = counts.setdefault(row["key"], {})
                found["missed_report_rate"] = (row["missed"], row["in_grids"])
                if group_by == "district":
                    found["register_accuracy_rate"] = (row["registered"] - row["voided"], row["registered"])
    applies = APPLIES[group_by]
    groups: list[tuple[str, dict[str, Ratio]]] = []
    for key in sorted(counts):
        listed = {name: ratio(*counts[key].get(name, (0, 0))) for name in applies}
        if any(r.denominator for r in listed.values()):
            groups.append((key, listed))
    names = await store.select_group_names(conn, group_by, [key for key, _ in groups], locale)
    out = []
    for key, listed in groups:
        points, used = score(listed, weights)
        out.append(
            GroupIndicators(
                key=key,
                name=names.get(key) or key,
                indicators=listed,
                score=points,
                grade=grade(points),
                score_weight=used,
            )
        )
    return IndicatorReport(
        from_=period.first,
        to=period.last,
        timezone=timezone,
        group_by=group_by,
        window_start=period.start,
        window_end=period.end,
        as_of=as_of,
        names={
            name: INDICATORS[name].name_en if locale == "en" else INDICATORS[name].name_zh for name in applies
        },
        weights=weights,
        groups=out,
    )


def _add_steps(found: dict[str, tuple[int, int]], row: asyncpg.Record) -> None:
    step, due, done, on_time = row["step"], row["due"], row["done"], row["on_time"]
    if step == "verify":
        found["verify_on_time_rate"] = (on_time, due)
    elif step == "check":
        found["check_on_time_rate"] = (on_time, due)
    elif step == "register":
        found["register_on_time_rate"] = (on_time, due)
    elif step == "dispatch":
        found["dispatch_on_time_rate"] = (on_time, due)
        found["dispatch_accuracy_rate"] = (done - row["returned"], done)
    elif step == "handle":
        found["handle_rate"] = (done, due)
        found["handle_on_time_rate"] = (on_time, due)
        found["overdue_open_rate"] = (due - done, due)
        found["extension_rate"] = (row["extended"], due)
        found["rework_rate"] = (row["reworked"], done)
    elif step == "close":
        found["close_rate"] = (done, due)
        found["close_on_time_rate"] = (on_time, due)


async def get_weights(conn: asyncpg.Connection, kind: GroupBy) -> IndicatorWeights:
    rows = await store.select_weights(conn, kind)
    stored = {r["indicator"]: float(r["weight"]) for r in rows}
    latest = max(rows, key=lambda r: r["updated_at"], default=None)
    return IndicatorWeights(
        kind=kind,
        weights={name: stored.get(name, 0.0) for name in APPLIES[kind]},
        updated_at=latest["updated_at"] if latest else None,
        updated_by=latest["updated_by"] if latest else None,
    )


async def set_weights(
    conn: asyncpg.Connection, kind: GroupBy, update: IndicatorWeightsSet, actor_id: UUID | None
) -> tuple[IndicatorWeights, IndicatorWeights]:
    """Replace the weights of a kind (points adding up to 100). Returns (before, after)."""
    unknown = sorted(set(update.weights) - set(APPLIES[kind]))
    if unknown:
        raise InvalidWeights(
            f"not indicators of a {kind}: {', '.join(unknown)}",
            fields=tuple(f"weights.{name}" for name in unknown),
            indicators=list(APPLIES[kind]),
        )
    points = {name: round(update.weights.get(name, 0.0), 2) for name in APPLIES[kind]}
    total = round(sum(points.values()), 2)
    if total != 100:
        raise InvalidWeights(f"the weights add up to {total:g}, not 100", fields=("weights",), total=total)
    await store.lock_weights(conn, kind)
    before = await get_weights(conn, kind)
    await store.replace_weights(conn, kind, points, actor_id)
    return before, await get_weights(conn, kind)


# --- the cases behind a figure --------------------------------------------------------------------------------

#: step-based indicators: (step, what puts a counted step in the numerator, what puts it in the denominator)
_STEP_BEHIND: Final[dict[str, tuple[str, str, str]]] = {
    "verify_on_time_rate": ("verify", "on_time", "due"),
    "check_on_time_rate": ("check", "on_time", "due"),
    "register_on_time_rate": ("register", "on_time", "due"),
    "dispatch_on_time_rate": ("dispatch", "on_time", "due"),
    "dispatch_accuracy_rate": ("dispatch", "done_kept", "done"),
    "handle_rate": ("handle", "done", "due"),
    "handle_on_time_rate": ("handle", "on_time", "due"),
    "overdue_open_rate": ("handle", "open", "due"),
    "extension_rate": ("handle", "extended", "due"),
    "rework_rate": ("handle", "sent_back", "done"),
    "close_rate": ("close", "done", "due"),
    "close_on_time_rate": ("close", "on_time", "due"),
}


class CaseBehind(msgspec.Struct, frozen=True, kw_only=True):
    """One step, report or registration counted in a figure's denominator, and its case."""

    case_id: UUID
    number: str | None  # the case's first report's number
    state: str
    category: str
    district_code: str | None
    department: str | None
    urgent: bool
    address: str | None
    at: datetime  # when it counts: the step's due time, the report's or the registration's time
    completed_at: datetime | None  # the step's end (steps only)
    in_numerator: bool


class CasesBehind(msgspec.Struct, frozen=True, kw_only=True):
    from_: date = msgspec.field(name="from")
    to: date
    group_by: GroupBy
    key: str
    name: str
    indicator: str
    indicator_name: str
    as_of: datetime
    numerator: int  # counted from the rows (exact unless `truncated`)
    denominator: int
    rows: list[CaseBehind]
    truncated: bool  # more rows than store.BEHIND_LIMIT: the counts above are of the first ones


def _step_flag(row: asyncpg.Record, flag: str) -> bool:
    if flag == "due":
        return True
    if flag == "open":
        return not row["done"]
    if flag == "done_kept":
        return bool(row["done"] and not row["sent_back"])
    return bool(row[flag])


async def cases_behind(
    conn: asyncpg.Connection,
    *,
    first: str,
    last: str,
    group_by: GroupBy,
    key: str,
    indicator: str,
    timezone: str,
    districts: frozenset[str] | None,
    locale: str = "zh-CN",
    now: datetime | None = None,
) -> CasesBehind:
    """The steps, reports or registrations behind one group's figure of `indicators()` for the same window and
    scope (`districts` as there): the denominator's rows, each marked when it is in the numerator. Counted from
    the base tables with the same conditions as the figure. `indicator` must be one of APPLIES[group_by]
    (ValueError otherwise: the caller checks it)."""
    if indicator not in APPLIES[group_by]:
        raise ValueError(f"{indicator} is not an indicator of a {group_by}")
    period = parse_period(first, last, timezone)
    as_of = min(period.end, now or datetime.now(UTC))
    scope = sorted(districts) if districts is not None else None
    found: list[tuple[UUID, datetime, datetime | None, bool]] = []
    if as_of > period.start and districts != frozenset():
        if indicator in _STEP_BEHIND:
            step, numerator, denominator = _STEP_BEHIND[indicator]
            for row in await store.select_step_rows(
                conn, group_by, key, period.start, as_of, scope, step, _DONE_PAIRS
            ):
                if _step_flag(row, denominator):
                    found.append((row["case_id"], row["at"], row["completed_at"], _step_flag(row, numerator)))
        elif indicator == "effective_report_rate":
            for row in await store.select_report_rows(conn, group_by, key, period.start, as_of, scope):
                found.append((row["case_id"], row["at"], None, row["effective"]))
        else:
            for row in await store.select_registration_rows(conn, group_by, key, period.start, as_of, scope):
                if indicator == "missed_report_rate" and row["in_grids"]:
                    found.append((row["case_id"], row["at"], None, row["missed"]))
                elif indicator == "register_accuracy_rate":
                    found.append((row["case_id"], row["at"], None, not row["voided"]))
    summaries = {
        r["id"]: r for r in await store.select_case_summaries(conn, list({f[0] for f in found}), locale)
    }
    rows = [
        CaseBehind(
            case_id=case_id,
            number=summaries[case_id]["number"],
            state=summaries[case_id]["state"],
            category=summaries[case_id]["category"],
            district_code=summaries[case_id]["district_code"],
            department=summaries[case_id]["department"],
            urgent=summaries[case_id]["urgent"],
            address=summaries[case_id]["address"],
            at=at,
            completed_at=completed_at,
            in_numerator=in_numerator,
        )
        for case_id, at, completed_at, in_numerator in found
    ]
    names = await store.select_group_names(conn, group_by, [key], locale) if key else {}
    info = INDICATORS[indicator]
    return CasesBehind(
        from_=period.first,
        to=period.last,
        group_by=group_by,
        key=key,
        name=names.get(key) or key,
        indicator=indicator,
        indicator_name=info.name_en if locale == "en" else info.name_zh,
        as_of=as_of,
        numerator=sum(1 for r in rows if r.in_numerator),
        denominator=len(rows),
        rows=rows,
        truncated=len(found) >= store.BEHIND_LIMIT,
    )
