"""The working-time calendar for admins: list the days deadlines count, override the official calendar."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, put
from litestar.datastructures import State
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.auth import Caller, DbConn, request_context, requires_role
from cases.workflow import deadlines
from cases.workflow.deadlines import CalendarConfig, CalendarDay, CalendarOverrideSet, CalendarPage
from identity import service as identity

DAY_PARAM = "A calendar day, YYYY-MM-DD (in the city's time zone)"


def calendar_config(state: State) -> CalendarConfig:
    """The city's calendar configuration: `state.calendar_config` when the app sets one, else the default
    working hours in the city's time zone."""
    config = state.get("calendar_config")
    if isinstance(config, CalendarConfig):
        return config
    return CalendarConfig(timezone=state.cases_config.timezone)


def _day_dict(day: CalendarDay) -> dict[str, Any]:
    return {"workday": day.workday, "source": day.source, "note": day.note}


class CalendarController(Controller):
    path = "/v1/admin/calendar"
    tags = ["admin"]
    dependencies = {"principal": requires_role("admin")}

    @get(
        operation_id="listCalendarDays",
        opt={
            "problems": (
                "invalid_calendar_range",
                "invalid_calendar_date",
            )
        },
        summary="Working days and days off, with the rule behind each (admins)",
    )
    async def list_days(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        first: Annotated[str, QueryParameter(name="from", description="First day, YYYY-MM-DD")],
        last: Annotated[str, QueryParameter(name="to", description="Last day (inclusive), YYYY-MM-DD")],
    ) -> CalendarPage:
        page = await deadlines.calendar_days(
            conn,
            calendar_config(state),
            deadlines.parse_day(first, "from"),
            deadlines.parse_day(last, "to"),
        )
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "calendar.list",
            "calendar",
            f"{page.from_.isoformat()}..{page.to.isoformat()}",
        )
        return page

    @put(
        "/{day:str}",
        operation_id="setCalendarOverride",
        opt={"problems": ("invalid_calendar_date",)},
        summary="Make a day a working day or a day off, whatever the official calendar says (admins; audited)",
    )
    async def set_override(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        day: Annotated[str, PathParameter(description=DAY_PARAM)],
        data: JSONBody[CalendarOverrideSet],
    ) -> CalendarDay:
        before, after = await deadlines.set_override(
            conn, calendar_config(state), deadlines.parse_day(day), data, principal.user_id
        )
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "calendar.override.set",
            "calendar_day",
            after.day.isoformat(),
            before=_day_dict(before),
            after=_day_dict(after),
        )
        return after

    @delete(
        "/{day:str}",
        operation_id="deleteCalendarOverride",
        opt={
            "problems": (
                "invalid_calendar_date",
                "calendar_override_not_found",
            )
        },
        summary="Give a day back to the official calendar (admins; audited)",
        status_code=200,
    )
    async def delete_override(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        day: Annotated[str, PathParameter(description=DAY_PARAM)],
    ) -> CalendarDay:
        before, after = await deadlines.remove_override(
            conn, calendar_config(state), deadlines.parse_day(day)
        )
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "calendar.override.delete",
            "calendar_day",
            after.day.isoformat(),
            before=_day_dict(before),
            after=_day_dict(after),
        )
        return after
