"""The leaders' dashboard (领导驾驶舱): the indicators of the closed loop as charts, per department, inspector,
grid or district, over a period (a month by default); the trend by week; the departments ranked by overdue
fixes; and, behind every figure, the cases it counts.

Figures come from cases.stats.indicators, the service GET /v1/stats/indicators calls, with the same scope
(cases.workflow.access.indicator_districts: a district-scoped reader sees their districts only), so the page
and the API give the same numbers for the same period.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, Router, get
from litestar.datastructures import State
from litestar.params import Parameter, QueryParameter
from litestar.response import Template

from api.auth import DbConn
from cases.stats import indicators
from cases.stats.indicators import APPLIES, GROUPINGS, GroupBy, IndicatorReport, Ratio
from cases.workflow import access
from console.auth import CurrentUser
from console.errors import ConsoleError
from console.i18n import language
from console.render import page

#: the trend's lines: the city's (or the reader's districts') figures summed over the districts, week by week
TREND: tuple[str, ...] = ("handle_rate", "handle_on_time_rate", "close_on_time_rate", "overdue_open_rate")
#: at most this many weeks in the trend (the last ones of a long period)
MAX_WEEKS = 26
PARTS = ("numerator", "denominator")


#: text keys the templates pick by a value (`t(keys["leaders.state."][state])`), each written out whole
KEYS: dict[str, dict[str, str]] = {
    "leaders.group.": {
        "department": "leaders.group.department",
        "inspector": "leaders.group.inspector",
        "grid": "leaders.group.grid",
        "district": "leaders.group.district",
    },
    "leaders.showing.": {
        "numerator": "leaders.showing.numerator",
        "denominator": "leaders.showing.denominator",
    },
    "leaders.state.": {
        "reported": "leaders.state.reported",
        "verifying": "leaders.state.verifying",
        "verified": "leaders.state.verified",
        "registered": "leaders.state.registered",
        "rejected": "leaders.state.rejected",
        "dispatched": "leaders.state.dispatched",
        "accepted": "leaders.state.accepted",
        "extension_requested": "leaders.state.extension_requested",
        "handled": "leaders.state.handled",
        "checking": "leaders.state.checking",
        "checked": "leaders.state.checked",
        "closed": "leaders.state.closed",
        "deferred": "leaders.state.deferred",
        "parked": "leaders.state.parked",
        "voided": "leaders.state.voided",
    },
}


class BadFigure(ConsoleError):
    """A link to the cases behind a figure that names no figure (unknown grouping, indicator, group or part)."""

    status = 400
    text_key = "leaders.bad_figure"


@dataclass(frozen=True)
class Window:
    first: date
    last: date

    @property
    def query(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def _today(state: State) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(state.cases_config.timezone)).date()


def _month(text: str) -> Window | None:
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Window(first, following - timedelta(days=1))


def _window(state: State, month: str | None, first: str | None, last: str | None) -> tuple[str, str]:
    """The period asked for: from/to as typed (the service judges them), else a month (YYYY-MM), else this
    month."""
    if first or last:
        return first or "", last or ""
    chosen = _month(month) if month else None
    if chosen is None:
        today = _today(state)
        chosen = _month(f"{today.year}-{today.month}")
        assert chosen is not None
    return chosen.first.isoformat(), chosen.last.isoformat()


def _percent(value: Ratio) -> str:
    return "—" if value.ratio is None else f"{value.ratio * 100:.1f}%"


def _cases_url(report: IndicatorReport, key: str, indicator: str, part: str) -> str:
    query = {
        "from": report.from_.isoformat(),
        "to": report.to.isoformat(),
        "group_by": report.group_by,
        "key": key,
        "indicator": indicator,
        "part": part,
    }
    return "/console/leaders/cases?" + urlencode(query)


def _totals(report: IndicatorReport, names: tuple[str, ...]) -> dict[str, Ratio]:
    """The figures of all groups together (numerators and denominators summed; a district grouping covers
    every case of the reader's districts once)."""
    out = {}
    for name in names:
        numerator = sum(g.indicators[name].numerator for g in report.groups if name in g.indicators)
        denominator = sum(g.indicators[name].denominator for g in report.groups if name in g.indicators)
        out[name] = indicators.ratio(numerator, denominator)
    return out


def _weeks(first: date, last: date, today: date) -> list[Window]:
    """Monday-to-Sunday weeks of the period, clipped to it, up to today; the last MAX_WEEKS."""
    weeks = []
    start = first - timedelta(days=first.weekday())
    while start <= last and start <= today:
        weeks.append(Window(max(start, first), min(start + timedelta(days=6), last)))
        start += timedelta(days=7)
    return weeks[-MAX_WEEKS:]


@get("/", name="console.leaders")
async def index(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    group_by: Annotated[str, Parameter(max_length=16)] = "district",
    month: Annotated[str | None, Parameter(max_length=7)] = None,
    first: Annotated[str | None, QueryParameter(name="from", max_length=10)] = None,
    last: Annotated[str | None, QueryParameter(name="to", max_length=10)] = None,
) -> Template:
    grouping: GroupBy = indicators.weight_kind(group_by) if group_by in GROUPINGS else "district"
    lang = language(request)
    timezone = state.cases_config.timezone
    districts = access.indicator_districts(user.principal)
    start, end = _window(state, month, first, last)

    async def report(group: GroupBy, window_first: str, window_last: str) -> IndicatorReport:
        return await indicators.indicators(
            conn,
            first=window_first,
            last=window_last,
            group_by=group,
            timezone=timezone,
            districts=districts,
            locale=lang,
        )

    chosen = await report(grouping, start, end)
    departments = chosen if grouping == "department" else await report("department", start, end)
    by_district = chosen if grouping == "district" else await report("district", start, end)

    applies = APPLIES[grouping]
    groups: list[dict[str, Any]] = [
        {
            "key": g.key,
            "name": g.name,
            "score": g.score,
            "grade": g.grade,
            "cells": [
                {
                    "indicator": name,
                    "numerator": g.indicators[name].numerator,
                    "denominator": g.indicators[name].denominator,
                    "percent": _percent(g.indicators[name]),
                    "lower_is_better": indicators.INDICATORS[name].lower_is_better,
                    "numerator_url": _cases_url(chosen, g.key, name, "numerator"),
                    "denominator_url": _cases_url(chosen, g.key, name, "denominator"),
                }
                for name in applies
            ],
        }
        for g in chosen.groups
    ]
    overdue = sorted(
        (g for g in departments.groups if g.indicators["overdue_open_rate"].denominator),
        key=lambda g: (
            -g.indicators["overdue_open_rate"].numerator,
            -(g.indicators["overdue_open_rate"].ratio or 0),
            g.key,
        ),
    )
    ranking: list[dict[str, Any]] = [
        {
            "key": g.key,
            "name": g.name,
            "numerator": g.indicators["overdue_open_rate"].numerator,
            "denominator": g.indicators["overdue_open_rate"].denominator,
            "percent": _percent(g.indicators["overdue_open_rate"]),
            "numerator_url": _cases_url(departments, g.key, "overdue_open_rate", "numerator"),
            "denominator_url": _cases_url(departments, g.key, "overdue_open_rate", "denominator"),
        }
        for g in overdue
    ]
    weeks: list[dict[str, Any]] = []
    for week in _weeks(chosen.from_, chosen.to, _today(state)):
        weekly = await report("district", week.first.isoformat(), week.last.isoformat())
        totals = _totals(weekly, TREND)
        weeks.append(
            {
                "label": f"{week.first:%m-%d}–{week.last:%m-%d}",
                "url": "/console/leaders?" + urlencode({**week.query, "group_by": "district"}),
                "figures": totals,
            }
        )
    totals = _totals(by_district, tuple(by_district.names))
    summary = [
        {
            "indicator": name,
            "name": by_district.names[name],
            "numerator": totals[name].numerator,
            "denominator": totals[name].denominator,
            "percent": _percent(totals[name]),
            "lower_is_better": indicators.INDICATORS[name].lower_is_better,
        }
        for name in ("handle_rate", "handle_on_time_rate", "overdue_open_rate", "close_on_time_rate")
    ]
    chart: dict[str, Any] = {
        "group_by": grouping,
        "indicators": [{"key": name, "name": chosen.names[name]} for name in applies],
        "groups": [
            {
                "key": g["key"],
                "name": g["name"],
                "score": g["score"],
                "grade": g["grade"],
                "figures": {
                    c["indicator"]: {
                        "ratio": chosen.groups[i].indicators[c["indicator"]].ratio,
                        "numerator": c["numerator"],
                        "denominator": c["denominator"],
                        "url": c["numerator_url"],
                    }
                    for c in g["cells"]
                },
            }
            for i, g in enumerate(groups)
        ],
        "trend": {
            "weeks": [w["label"] for w in weeks],
            "urls": [w["url"] for w in weeks],
            "series": [
                {
                    "key": name,
                    "name": indicators.INDICATORS[name].name_en
                    if lang == "en"
                    else indicators.INDICATORS[name].name_zh,
                    "data": [w["figures"][name].ratio for w in weeks],
                    "numerators": [w["figures"][name].numerator for w in weeks],
                    "denominators": [w["figures"][name].denominator for w in weeks],
                }
                for name in TREND
            ],
        },
        "overdue": ranking,
    }
    return page(
        request,
        "leaders/index.html",
        keys=KEYS,
        report=chosen,
        group_by=grouping,
        groupings=GROUPINGS,
        month=f"{chosen.from_:%Y-%m}",
        groups=groups,
        names=[chosen.names[name] for name in applies],
        summary=summary,
        ranking=ranking,
        weeks=weeks,
        trend_names=[series["name"] for series in chart["trend"]["series"]],
        chart_json=json.dumps(chart, ensure_ascii=False),
        scoped=districts is not None,
        districts=sorted(districts) if districts is not None else [],
    )


def _figure(group_by: str, key: str, indicator: str, part: str) -> GroupBy:
    if group_by not in GROUPINGS or part not in PARTS:
        raise BadFigure(f"no grouping {group_by!r} or part {part!r}")
    grouping = indicators.weight_kind(group_by)
    if indicator not in APPLIES[grouping] or not key:
        raise BadFigure(f"{indicator!r} is not a figure of a {grouping}")
    if grouping in ("inspector", "grid"):
        try:
            UUID(key)
        except ValueError:
            raise BadFigure(f"{key!r} names no {grouping}") from None
    return grouping


@get("/cases", name="console.leaders.cases")
async def cases(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    first: Annotated[str, QueryParameter(name="from", max_length=10)],
    last: Annotated[str, QueryParameter(name="to", max_length=10)],
    group_by: Annotated[str, Parameter(max_length=16)],
    key: Annotated[str, Parameter(max_length=64)],
    indicator: Annotated[str, Parameter(max_length=40)],
    part: Annotated[str, Parameter(max_length=12)] = "denominator",
) -> Template:
    """The cases behind one figure: the denominator's rows, or only the numerator's."""
    grouping = _figure(group_by, key, indicator, part)
    behind = await indicators.cases_behind(
        conn,
        first=first,
        last=last,
        group_by=grouping,
        key=key,
        indicator=indicator,
        timezone=state.cases_config.timezone,
        districts=access.indicator_districts(user.principal),
        locale=language(request),
    )
    zone = ZoneInfo(state.cases_config.timezone)
    rows = [
        {
            "row": row,
            "at": row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "completed": row.completed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if row.completed_at
            else "",
            # a step not finished by the cut-off whose due time has passed: overdue; finished after it: late
            "overdue": row.completed_at is None and row.at < behind.as_of and indicator not in _NOT_STEPS,
            "late": row.completed_at is not None and row.completed_at > row.at,
        }
        for row in behind.rows
        if part == "denominator" or row.in_numerator
    ]
    back = "/console/leaders?" + urlencode(
        {"from": behind.from_.isoformat(), "to": behind.to.isoformat(), "group_by": grouping}
    )
    return page(
        request,
        "leaders/cases.html",
        keys=KEYS,
        behind=behind,
        part=part,
        rows=rows,
        percent=_percent(indicators.ratio(behind.numerator, behind.denominator)),
        back=back,
        other_url="/console/leaders/cases?"
        + urlencode(
            {
                "from": behind.from_.isoformat(),
                "to": behind.to.isoformat(),
                "group_by": grouping,
                "key": key,
                "indicator": indicator,
                "part": "denominator" if part == "numerator" else "numerator",
            }
        ),
    )


_NOT_STEPS = frozenset({"effective_report_rate", "missed_report_rate", "register_accuracy_rate"})


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [Router(path="/leaders", opt={"area": "leaders"}, route_handlers=[index, cases])]
