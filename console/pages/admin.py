"""The admin area (系统管理): grid imports with a progress bar and their report on a map, inspectors' duties, the
working calendar, category settings (department and time limits), and the outbox and deliveries with replay.

Every page calls the services the API's admin controllers call (api/controllers/grids.py, calendar.py,
reports.py's CategoriesController, notifications_admin.py) and audits the same actions with the same names.
Writes are forms posted with the CSRF token; a refused form answers the page again with the refusal and the
status the API would answer, and writes nothing (the request's transaction rolls back).
"""

from __future__ import annotations

import asyncio
import calendar as month_calendar
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, Router, get, post
from litestar.datastructures import State, UploadFile
from litestar.params import Parameter
from litestar.response import Redirect, Template

from api.auth import DbConn, request_context
from api.db import acquire
from cases.catalogue import service as catalogue_service
from cases.catalogue.models import CategoryUpdate
from cases.grids import imports as grids_imports
from cases.grids import routing
from cases.grids.errors import GridImportRefused
from cases.grids.geojson import ImportReport
from cases.grids.routing import CategoryDepartmentLink, DutyAssign
from cases.workflow import deadlines
from cases.workflow.deadlines import CalendarConfig, CalendarOverrideSet
from console.auth import ConsoleUser, CurrentUser
from console.errors import ConsoleError
from console.i18n import language, text
from console.render import page
from identity import service as identity
from identity.models import RequestContext
from notifications import service as notifications

log = logging.getLogger("cityloop.console")

MAX_GRID_FILE_BYTES = 50 * 1024 * 1024  # as POST /v1/admin/grids/import
#: an import job's state is kept this long after it ends (its page polls it)
JOB_KEPT_S = 3600
#: where each phase of an import starts and ends on the bar (percent)
PHASES: dict[str, tuple[int, int]] = {
    "upload": (0, 0),
    "parse": (0, 30),
    "load": (30, 55),
    "check": (55, 90),
    "write": (90, 100),
}
OUTBOX_STATUSES = ("dead", "pending", "done")
DELIVERY_STATUSES = ("dead", "pending", "done", "dropped")
CHANNELS = ("push", "webhook")


def _keys(*keys: str) -> dict[str, dict[str, str]]:
    """Text keys the templates pick by a value (`t(keys["admin.status."][status])`), each written out whole."""
    out: dict[str, dict[str, str]] = {}
    for key in keys:
        prefix, _, last = key.rpartition(".")
        out.setdefault(prefix + ".", {})[last] = key
    return out


KEYS = _keys(
    "admin.section.grids",
    "admin.section.duties",
    "admin.section.calendar",
    "admin.section.categories",
    "admin.section.outbox",
    "admin.intro.grids",
    "admin.intro.duties",
    "admin.intro.calendar",
    "admin.intro.categories",
    "admin.intro.outbox",
    "admin.grids.kind.unit",
    "admin.grids.kind.responsibility",
    "admin.grids.outcome.imported",
    "admin.grids.outcome.dry_run",
    "admin.grids.outcome.refused",
    "admin.grids.phase.parse",
    "admin.grids.phase.load",
    "admin.grids.phase.check",
    "admin.grids.phase.write",
    "admin.grids.phase.done",
    "admin.calendar.weekday.1",
    "admin.calendar.weekday.2",
    "admin.calendar.weekday.3",
    "admin.calendar.weekday.4",
    "admin.calendar.weekday.5",
    "admin.calendar.weekday.6",
    "admin.calendar.weekday.7",
    "admin.status.dead",
    "admin.status.pending",
    "admin.status.done",
    "admin.status.dropped",
    "admin.channel.push",
    "admin.channel.webhook",
)


class BadForm(ConsoleError):
    """A form whose fields are missing or of the wrong kind."""

    status = 422
    text_key = "admin.bad_form"


class NoSuchJob(ConsoleError):
    status = 404
    text_key = "admin.no_job"


def _actor(request: Request[Any, Any, Any]) -> RequestContext:
    return request_context(request, "console")


def _zone(state: State) -> ZoneInfo:
    return ZoneInfo(state.cases_config.timezone)


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    return {key: form.get(key) for key in form}


def _field(form: dict[str, Any], name: str, limit: int = 200) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        raise BadForm(f"{name} is missing")
    return value.strip()[:limit]


def _convert(data: dict[str, Any], kind: type[Any]) -> Any:
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise BadForm(str(exc)) from None


def _back(path: str) -> Redirect:
    """After a write: back to the page (POST, redirect, GET), `done=` naming what was done."""
    return Redirect(path=path, status_code=303)


def _notice(request: Request[Any, Any, Any]) -> str:
    done = request.query_params.get("done", "")
    key = f"admin.done.{done}"
    return text(language(request), key) if done in _NOTICES else ""


_NOTICES = frozenset(
    {"duty_added", "duty_ended", "day_set", "day_removed", "category_saved", "link_saved", "replayed"}
)


# --- the area's home ----------------------------------------------------------------------------------------------


@get("/", name="console.admin")
async def index(request: Request[Any, Any, Any], user: CurrentUser) -> Template:
    return page(request, "admin/index.html", keys=KEYS, section="")


# --- grids: import with progress, the report on a map, the log -----------------------------------------------------


@dataclass
class ImportJob:
    """One import running in the background for the admin who started it; its page polls it."""

    id: str
    owner: UUID
    kind: str
    file_name: str
    phase: str = "parse"
    done: int = 0
    total: int = 0
    report: ImportReport | None = None
    failed: bool = False
    finished_at: float | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def tick(self, phase: str, done: int, total: int) -> None:
        self.phase, self.done, self.total = phase, done, total

    @property
    def percent(self) -> int:
        if self.finished_at is not None:
            return 100
        low, high = PHASES.get(self.phase, (0, 100))
        share = self.done / self.total if self.total else 0
        return int(low + (high - low) * min(share, 1))


#: the jobs of this process, by id (an import lives in the process that runs it)
_JOBS: dict[str, ImportJob] = {}


def _forget_old_jobs() -> None:
    now = time.monotonic()
    for key in [k for k, job in _JOBS.items() if job.finished_at and now - job.finished_at > JOB_KEPT_S]:
        del _JOBS[key]


async def _run_import(
    state: State, job: ImportJob, raw: bytes, make_valid: bool, dry_run: bool, ctx: RequestContext
) -> None:
    """The import in its own transaction, as POST /v1/admin/grids/import does it (a refusal is logged and
    audited, and that commits)."""
    try:
        async with acquire(state.pool) as conn, conn.transaction():
            try:
                report = await grids_imports.import_grids(
                    conn,
                    job.kind,  # type: ignore[arg-type]
                    raw,
                    file_name=job.file_name,
                    make_valid=make_valid,
                    dry_run=dry_run,
                    actor_id=job.owner,
                    actor_label=ctx.actor_label,
                    progress=job.tick,
                )
            except GridImportRefused as exc:
                report = grids_imports.refused_report(exc)
            await identity.audit(
                conn,
                ctx,
                job.owner,
                "grids.import",
                "grid_import",
                str(report.id),
                **grids_imports.audit_details(report),
            )
        job.report = report
    except Exception:  # reported on the page; the transaction rolled back
        job.failed = True
        log.exception("grid import failed", extra={"job": job.id})
    finally:
        job.finished_at = time.monotonic()


@get("/grids", name="console.admin.grids")
async def grids(request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser) -> Template:
    log = await grids_imports.import_log(conn, limit=20)
    zone = _zone(state)
    return page(
        request,
        "admin/grids.html",
        keys=KEYS,
        section="grids",
        log=[{"entry": e, "at": _local(e.created_at, zone)} for e in log.items],
        max_mb=MAX_GRID_FILE_BYTES // (1024 * 1024),
        tile_url=state.settings.console_tile_url or "",
    )


@post(
    "/grids/import", name="console.admin.grids.import", request_max_body_size=MAX_GRID_FILE_BYTES + 64 * 1024
)
async def start_import(request: Request[Any, Any, Any], state: State, user: CurrentUser) -> Template:
    form = await request.form()
    upload = form.get("file")
    kind = form.get("kind")
    if kind not in ("unit", "responsibility") or not isinstance(upload, UploadFile):
        raise BadForm("a kind (unit or responsibility) and a file are needed")
    raw = await upload.read()
    if not raw:
        raise BadForm("the file is empty")
    _forget_old_jobs()
    job = ImportJob(
        id=uuid.uuid4().hex,
        owner=user.principal.user_id,
        kind=kind,
        file_name=(upload.filename or "upload.geojson")[:200],
    )
    _JOBS[job.id] = job
    job.task = asyncio.create_task(
        _run_import(
            state,
            job,
            raw,
            form.get("make_valid") == "on",
            form.get("dry_run") == "on",
            _actor(request),
        )
    )
    return _job_view(request, state, job)


def _owned_job(job_id: str, user: ConsoleUser) -> ImportJob:
    job = _JOBS.get(job_id)
    if job is None or job.owner != user.principal.user_id:
        raise NoSuchJob(f"no import {job_id} of this user")
    return job


def _job_view(request: Request[Any, Any, Any], state: State, job: ImportJob) -> Template:
    report = job.report
    map_data = None
    if report is not None:
        map_data = json.dumps(
            {
                "outcome": report.outcome,
                "gaps": msgspec.to_builtins(report.gaps),
                "problems": msgspec.to_builtins(report.problems),
                "repaired": msgspec.to_builtins(report.repaired),
            },
            ensure_ascii=False,
        )
    return page(
        request,
        "admin/partials/import_job.html",
        keys=KEYS,
        job=job,
        report=report,
        map_data=map_data,
        problems=report.problems[:200] if report else [],
        at=_local(report.created_at, _zone(state)) if report else "",
    )


@get("/grids/import/{job_id:str}", name="console.admin.grids.job")
async def import_job(
    request: Request[Any, Any, Any], state: State, user: CurrentUser, job_id: str
) -> Template:
    return _job_view(request, state, _owned_job(job_id, user))


# --- duties -----------------------------------------------------------------------------------------------------


@get("/duties", name="console.admin.duties")
async def duties(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    grid: Annotated[str | None, Parameter(max_length=32)] = None,
    running: bool = False,
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
    request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser, day: str
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
    request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser, code: str
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


# --- the outbox and deliveries ----------------------------------------------------------------------------------------


@get("/outbox", name="console.admin.outbox")
async def outbox(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    status: Annotated[str, Parameter(max_length=16)] = "dead",
    delivery_status: Annotated[str, Parameter(max_length=16)] = "dead",
    channel: Annotated[str, Parameter(max_length=16)] = "",
) -> Template:
    status = status if status in OUTBOX_STATUSES else "dead"
    delivery_status = delivery_status if delivery_status in DELIVERY_STATUSES else ""
    chosen_channel: Literal["push", "webhook"] | None = channel if channel in CHANNELS else None  # type: ignore[assignment]
    entries = await notifications.list_outbox(conn, status=status, limit=100)
    found = await notifications.list_deliveries(
        conn,
        status=delivery_status or None,  # type: ignore[arg-type]
        channel=chosen_channel,
        limit=100,
    )
    zone = _zone(state)
    return page(
        request,
        "admin/outbox.html",
        keys=KEYS,
        section="outbox",
        notice=_notice(request),
        status=status,
        delivery_status=delivery_status,
        channel=chosen_channel or "",
        statuses=OUTBOX_STATUSES,
        delivery_statuses=DELIVERY_STATUSES,
        channels=CHANNELS,
        entries=[
            {
                "entry": e,
                "at": _local(e.created_at, zone),
                "payload": json.dumps(e.payload, ensure_ascii=False)[:300],
            }
            for e in entries.items
        ],
        deliveries=[
            {"delivery": d, "at": _local(d.created_at, zone), "updated": _local(d.updated_at, zone)}
            for d in found.items
        ],
    )


def _int_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadForm("not an id") from None
    if not 0 < number < 2**63:
        raise BadForm("not an id")
    return number


@post("/outbox/{outbox_id:str}/replay", name="console.admin.outbox.replay")
async def replay_outbox(
    request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser, outbox_id: str
) -> Redirect:
    number = _int_id(outbox_id)
    await notifications.replay_outbox(conn, number)
    await identity.audit(
        conn, _actor(request), user.principal.user_id, "outbox.replay", "outbox", str(number)
    )
    return _back("/console/admin/outbox?done=replayed")


@post("/deliveries/{delivery_id:str}/replay", name="console.admin.deliveries.replay")
async def replay_delivery(
    request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser, delivery_id: str
) -> Redirect:
    number = _int_id(delivery_id)
    await notifications.replay_delivery(conn, number)
    await identity.audit(
        conn, _actor(request), user.principal.user_id, "delivery.replay", "delivery", str(number)
    )
    return _back("/console/admin/outbox?done=replayed")


@post("/deliveries/replay-dead", name="console.admin.deliveries.replay_dead")
async def replay_dead(request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser) -> Redirect:
    form = await _form(request)
    channel = form.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise BadForm("channel is push or webhook")
    count = await notifications.replay_dead(conn, channel=channel)
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "delivery.replay_dead",
        "delivery",
        "*",
        channel=channel,
        webhook_id=None,
        replayed=count,
    )
    return _back("/console/admin/outbox?done=replayed")


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [
    Router(
        path="/admin",
        opt={"area": "admin"},
        route_handlers=[
            index,
            grids,
            start_import,
            import_job,
            duties,
            add_duty,
            end_duty,
            calendar_page,
            set_day,
            remove_day,
            categories,
            save_category,
            link_category,
            outbox,
            replay_outbox,
            replay_delivery,
            replay_dead,
        ],
    )
]
