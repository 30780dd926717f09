"""The admin area's settings: inspectors' duties, the working calendar, category settings (department and time
limits), through the services of api/controllers/grids.py, calendar.py and reports.py's CategoriesController, audited
with the same action names."""

from __future__ import annotations

import calendar as month_calendar
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from api.auth import DbConn
from cases.catalogue import service as catalogue_service
from cases.catalogue.models import CategoryUpdate
from cases.grids import routing
from cases.grids.routing import CategoryDepartmentLink, DutyAssign
from cases.workflow import deadlines
from cases.workflow.deadlines import CalendarConfig, CalendarOverrideSet
from console.auth import ConsoleUser, CurrentUser
from console.pages.admin.common import (
    KEYS,
    BadForm,
    _actor,
    _back,
    _convert,
    _field,
    _form,
    _local,
    _notice,
    _zone,
)
from console.render import page
from identity import service as identity

# --- duties -----------------------------------------------------------------------------------------------------


@get("/duties", name="console.admin.duties")
async def duties(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    grid: Annotated[str | None, Parameter(max_length=32)] = None,
    running: FromQuery[bool] = False,
    cursor: Annotated[str | None, Parameter(max_length=200)] = None,
) -> Template:
    grid = grid or None
    found = await routing.duty_page(
        conn, grid, datetime.now(UTC) if running else None, cursor=cursor, limit=100
    )
    zone = _zone(state)
    now = datetime.now(UTC)
    return page(
        request,
        "admin/duties.html",
        keys=KEYS,
        section="duties",
        notice=_notice(request),
        grid=grid or "",
        running=running,
        next_cursor=found.next_cursor,
        duties=[
            {
                "duty": d,
                "starts": _local(d.starts_at, zone),
                "ends": _local(d.ends_at, zone),
                "running": d.starts_at <= now and (d.ends_at is None or d.ends_at > now),
                "starts_iso": d.starts_at.isoformat(),
            }
            for d in found.items
        ],
        today=datetime.now(zone).strftime("%Y-%m-%dT%H:%M"),
        inspectors=await identity.role_holders(conn, "inspector"),
    )


def _local_input(value: str, zone: ZoneInfo, name: str) -> datetime:
    """A datetime-local field (YYYY-MM-DDTHH:MM, the city's time) as an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadForm(f"{name} is not a date and time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


async def _put_duty(request: Request[Any, Any, Any], conn: Any, user: ConsoleUser, data: DutyAssign) -> None:
    duty = await routing.assign_duty(conn, data)
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "duty.put",
        "inspector_duty",
        str(duty.id),
        inspector_id=str(duty.inspector_id),
        grid=duty.grid,
        starts_at=duty.starts_at.isoformat(),
        ends_at=duty.ends_at.isoformat() if duty.ends_at else None,
    )


@post("/duties", name="console.admin.duties.add")
async def add_duty(
    request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser
) -> Redirect:
    form = await _form(request)
    zone = _zone(state)
    ends = _field(form, "ends_at") if form.get("ends_at") else ""
    data = _convert(
        {
            "inspector_id": _field(form, "inspector_id", 64),
            "grid": _field(form, "grid", 32),
            "starts_at": _local_input(_field(form, "starts_at", 32), zone, "starts_at").isoformat(),
            "ends_at": _local_input(ends, zone, "ends_at").isoformat() if ends else None,
        },
        DutyAssign,
    )
    await _put_duty(request, conn, user, data)
    return _back("/console/admin/duties?done=duty_added")


@post("/duties/end", name="console.admin.duties.end")
async def end_duty(request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser) -> Redirect:
    """End a duty now: the same (inspector, grid, start) again with an end, as PUT /v1/admin/duties does."""
    form = await _form(request)
    data = _convert(
        {
            "inspector_id": _field(form, "inspector_id", 64),
            "grid": _field(form, "grid", 32),
            "starts_at": _field(form, "starts_at", 64),
            "ends_at": datetime.now(UTC).isoformat(),
        },
        DutyAssign,
    )
    await _put_duty(request, conn, user, data)
    return _back("/console/admin/duties?done=duty_ended")


# --- the working calendar -------------------------------------------------------------------------------------------


def _calendar_config(state: State) -> CalendarConfig:
    """The city's calendar (as api/controllers/calendar.py reads it from the app's state)."""
    config = state.get("calendar_config")
    return (
        config if isinstance(config, CalendarConfig) else CalendarConfig(timezone=state.cases_config.timezone)
    )


def _month_of(month: str | None, zone: ZoneInfo) -> date:
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            return date(year, number, 1)
        except ValueError:
            pass
    today = datetime.now(zone).date()
    return today.replace(day=1)


@get("/calendar", name="console.admin.calendar")
async def calendar_page(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    month: Annotated[str | None, Parameter(max_length=7)] = None,
) -> Template:
    config = _calendar_config(state)
    first = _month_of(month, ZoneInfo(config.timezone))
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    listed = await deadlines.calendar_days(conn, config, first, last)
    days = {d.day: d for d in listed.days}
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [{"day": day, "info": days.get(day), "in_month": day.month == first.month} for day in week]
        )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return page(
        request,
        "admin/calendar.html",
        keys=KEYS,
        section="calendar",
        notice=_notice(request),
        month=first,
        weeks=weeks,
        hours=listed.hours_per_day,
        previous=f"{previous:%Y-%m}",
        following=f"{following:%Y-%m}",
    )


def _day_dict(day: deadlines.CalendarDay) -> dict[str, Any]:
    return {"workday": day.workday, "source": day.source, "note": day.note}


@post("/calendar", name="console.admin.calendar.set")
async def set_day(request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser) -> Redirect:
    """Make a day a working day or a day off, as PUT /v1/admin/calendar/{day} does."""
    form = await _form(request)
    day = _field(form, "day", 10)
    workday = _field(form, "workday", 8)
    if workday not in ("true", "false"):
        raise BadForm("workday is true or false")
    update = _convert(
        {"workday": workday == "true", "note": _field(form, "note", 400) if form.get("note") else ""},
        CalendarOverrideSet,
    )
    before, after = await deadlines.set_override(
        conn, _calendar_config(state), deadlines.parse_day(day), update, user.principal.user_id
    )
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "calendar.override.set",
        "calendar_day",
        after.day.isoformat(),
        before=_day_dict(before),
        after=_day_dict(after),
    )
    return _back(f"/console/admin/calendar?month={after.day:%Y-%m}&done=day_set")


@post("/calendar/{day:str}/delete", name="console.admin.calendar.remove")
async def remove_day(
    request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser, day: FromPath[str]
) -> Redirect:
    before, after = await deadlines.remove_override(
        conn, _calendar_config(state), deadlines.parse_day(day[:10])
    )
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "calendar.override.delete",
        "calendar_day",
        after.day.isoformat(),
        before=_day_dict(before),
        after=_day_dict(after),
    )
    return _back(f"/console/admin/calendar?month={after.day:%Y-%m}&done=day_removed")


# --- category settings ------------------------------------------------------------------------------------------------


@get("/categories", name="console.admin.categories")
async def categories(request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser) -> Template:
    catalogue, _ = await catalogue_service.catalogue(conn)
    links = (await routing.category_departments(conn)).items
    by_category: dict[str, list[Any]] = {}
    for link in links:
        by_category.setdefault(link.category, []).append(link)
    return page(
        request,
        "admin/categories.html",
        keys=KEYS,
        section="categories",
        notice=_notice(request),
        groups=catalogue.groups,
        links=by_category,
    )


@post("/categories/{code:str}", name="console.admin.categories.save")
async def save_category(
    request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser, code: FromPath[str]
) -> Redirect:
    form = await _form(request)
    department = _field(form, "default_department", 32)
    update = _convert(
        {
            "default_department": department or None,
            "limit_urgent_hours": _field(form, "limit_urgent_hours", 16),
            "limit_normal_hours": _field(form, "limit_normal_hours", 16),
        },
        CategoryUpdate,
    )
    before, after = await catalogue_service.update_category(conn, code[:16], update)
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "category.update",
        "category",
        after.code,
        changes={
            k: [getattr(before, k), getattr(after, k)]
            for k in after.__struct_fields__
            if getattr(before, k) != getattr(after, k)
        },
    )
    return _back(f"/console/admin/categories?done=category_saved#category-{after.code}")


@post("/category-departments", name="console.admin.categories.link")
async def link_category(request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser) -> Redirect:
    form = await _form(request)
    district = _field(form, "district_code", 16) if form.get("district_code") else ""
    data = _convert(
        {
            "category": _field(form, "category", 16),
            "department": _field(form, "department", 32),
            "district_code": district or None,
        },
        CategoryDepartmentLink,
    )
    link = await routing.link_category_department(conn, data)
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "category_department.put",
        "category",
        link.category,
        district_code=link.district_code,
        department=link.department,
    )
    return _back(f"/console/admin/categories?done=link_saved#category-{link.category}")
