"""The command centre (指挥中心): the role queues, a case with its actions, bulk dispatch, the map of open cases,
and the live feed that refreshes the queues.

Everything goes through the case workflow's services with the request's connection, under the same rules as the
API's /v1/cases: who sees a case is `access.scope` (the queue and map services apply it; one case is checked with
`casework.in_scope` before it is shown or acted on), who may take an action is the engine's (`allowed_actions`
for the buttons, `engine.apply` for the write, which checks roles, scope and the version again).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, BinaryIO, Final, cast, get_args
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec
from litestar import MediaType, Request, Response, Router, get, post
from litestar.channels import ChannelsPlugin
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from api.auth import DbConn
from api.db import acquire
from api.i18n import Locale, title
from api.problems import PROBLEMS
from api.settings import Settings
from cases.catalogue import service as catalogue
from cases.common import CasesError
from cases.grids import coverage
from cases.reports import maps
from cases.workflow import desks, engine
from cases.workflow import service as casework
from cases.workflow.deadlines import load_calendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.errors import CaseNotFound, VersionConflict
from cases.workflow.models import CaseSummary
from cases.workflow.transitions import STATES, TRANSITIONS, Action
from console import sessions
from console.areas import may_enter
from console.auth import CurrentUser, use_case
from console.errors import ConsoleForbidden, is_htmx
from console.i18n import language, text
from console.render import page
from console.security import SESSION_COOKIE
from console.texts import TEXTS
from identity.models import Principal, Role
from media import service as media
from media.errors import MediaError
from notifications import live

# --- the queues -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    key: str
    #: the states of the cases it holds
    states: tuple[str, ...]
    #: who works it (admins see every queue)
    roles: frozenset[Role]


#: one queue per desk, in the tabs' order: the states whose next action is that desk's (DOMAIN.md §1)
QUEUES: Final[tuple[Queue, ...]] = (
    Queue("intake", ("reported", "verifying", "verified"), frozenset({"intake_clerk", "shift_lead"})),
    Queue("dispatch", ("registered",), frozenset({"dispatcher", "shift_lead"})),
    Queue("extensions", ("extension_requested",), frozenset({"dispatcher", "shift_lead"})),
    Queue("department", ("dispatched", "accepted", "extension_requested"), frozenset({"department_handler"})),
    Queue("closing", ("handled", "checking", "checked"), frozenset({"intake_clerk", "shift_lead"})),
    Queue("paused", ("deferred", "parked"), frozenset({"shift_lead"})),
)
QUEUES_BY_KEY: Final = {q.key: q for q in QUEUES}
PAGE_SIZE: Final = 30
#: who may dispatch many cases at once (the API's bulk-transitions)
BULK_ROLES: Final[tuple[Role, ...]] = ("dispatcher", "shift_lead")
MAX_BULK: Final = 200
#: open cases on the map before it shows counts per cell
MAP_CAP: Final = 5000
#: grids drawn on the map at most
GRID_CAP: Final = 2000
MAX_NOTE: Final = 1000
MAX_PHOTOS: Final = 9
MAX_UPLOAD: Final = 9 * 15 * 1024 * 1024 + 64 * 1024

_CATEGORY = re.compile(r"^[CE][0-9]{4,5}$")
_DEPARTMENT = re.compile(r"^[a-z0-9_-]{2,32}$")
_ACTIONS: Final = frozenset(get_args(Action))

QueueKey = Annotated[str | None, QueryParameter(name="queue", max_length=32)]
CursorParam = Annotated[str | None, QueryParameter(max_length=300)]
FilterParam = Annotated[str | None, QueryParameter(max_length=32)]


def user_queues(principal: Principal) -> list[Queue]:
    if principal.has_role("admin"):
        return list(QUEUES)
    return [q for q in QUEUES if principal.has_role(*q.roles)]


def _queue_of(principal: Principal, key: str | None) -> Queue:
    queues = user_queues(principal)
    if not queues:
        raise ConsoleForbidden("no queue for these roles")
    if key is None:
        return queues[0]
    chosen = QUEUES_BY_KEY.get(key)
    if chosen is None or chosen not in queues:
        raise ConsoleForbidden(f"the {key} queue is not yours")
    return chosen


# --- presenting cases -------------------------------------------------------------------------------------------


def _tz(request: Request[Any, Any, Any]) -> ZoneInfo:
    settings: Settings = request.app.state.settings
    return ZoneInfo(settings.city_timezone)


def labeller(lang: Locale) -> Callable[..., str]:
    """`label(kind, key)` for the templates: the text of a state, step, action, queue ... by its key (the keys
    are data, so the templates cannot name them; tests/console/test_command.py checks every one has a text). An
    event of the history that is no action, or one without a text, shows its kind as it is."""

    def label(kind: str, key: str, **values: Any) -> str:
        for candidate in (f"command.{kind}.{key}", f"command.action.{key}" if kind == "event" else ""):
            if candidate in TEXTS:
                return text(lang, candidate, **values)
        return key

    return label


def _page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    return page(request, template, label=labeller(language(request)), **context)


def local_time(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


def _span(delta: timedelta, lang: str) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if lang == "zh-CN":
        return f"{days}天{hours}小时" if days else (f"{hours}小时{mins}分" if hours else f"{mins}分钟")
    return f"{days}d {hours}h" if days else (f"{hours}h {mins}m" if hours else f"{mins}m")


@dataclass(frozen=True)
class Due:
    """The deadline of a case's open step as a queue shows it."""

    status: str  # overdue, due_soon, on_time, paused, none
    at: str
    left: str


def due_of(case: CaseSummary, now: datetime, tz: ZoneInfo, lang: str) -> Due:
    step = case.current_step
    if step is None:
        return Due("none", "", "")
    at = local_time(step.due_at, tz)
    if step.paused:
        return Due("paused", at, "")
    if step.due_at < now:
        return Due("overdue", at, _span(now - step.due_at, lang))
    return Due("due_soon" if step.due_soon_at <= now else "on_time", at, _span(step.due_at - now, lang))


async def _names(conn: Any, lang: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """category code -> name, and the departments (code, name), in the user's language."""
    found, _ = await catalogue.catalogue(conn)
    zh = lang == "zh-CN"
    categories = {c.code: (c.name_zh if zh else c.name_en) for g in found.groups for c in g.categories}
    departments = [
        (code, name_zh if zh else name_en) for code, name_zh, name_en in await catalogue.departments(conn)
    ]
    return categories, departments


@dataclass(frozen=True)
class Row:
    case: CaseSummary
    due: Due
    category: str
    department: str


def _rows(
    items: Iterable[CaseSummary],
    request: Request[Any, Any, Any],
    categories: Mapping[str, str],
    departments: Mapping[str, str],
) -> list[Row]:
    now, tz, lang = datetime.now(UTC), _tz(request), language(request)
    return [
        Row(
            case=c,
            due=due_of(c, now, tz, lang),
            category=categories.get(c.category, c.category),
            department=departments.get(c.department or "", c.department or ""),
        )
        for c in items
    ]


async def _queue_context(
    request: Request[Any, Any, Any], conn: Any, principal: Principal, queue: Queue, cursor: str | None
) -> dict[str, Any]:
    found = await desks.deadline_queue(conn, principal, states=queue.states, cursor=cursor, limit=PAGE_SIZE)
    categories, departments = await _names(conn, language(request))
    return {
        "queue": queue,
        "rows": _rows(found.items, request, categories, dict(departments)),
        "next_cursor": found.next_cursor,
        "bulk": queue.key == "dispatch" and principal.has_role(*BULK_ROLES),
        "departments": departments,
    }


# --- the queue pages --------------------------------------------------------------------------------------------


@get("/", name="console.command")
async def index(
    request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn, queue_key: QueueKey = None
) -> Template:
    principal = user.principal
    queue = _queue_of(principal, queue_key)
    context = await _queue_context(request, conn, principal, queue, None)
    return _page(request, "command/index.html", queues=user_queues(principal), **context)


@get("/queue", name="console.command.queue")
async def queue_fragment(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    conn: DbConn,
    queue_key: QueueKey = None,
    cursor: CursorParam = None,
) -> Template:
    """The queue's table (no cursor: a refresh of the whole table) or the rows of a next page (a cursor)."""
    principal = user.principal
    queue = _queue_of(principal, queue_key)
    context = await _queue_context(request, conn, principal, queue, cursor)
    template = "command/partials/rows.html" if cursor else "command/partials/queue.html"
    return _page(request, template, **context)


# --- the live feed ----------------------------------------------------------------------------------------------

#: how often the feed looks for changes in the user's scope (events on the user's own channel come at once)
LIVE_POLL_S: Final = 5.0
#: a feed ends after this long (or the idle time of a session, if shorter); the page reconnects if its user is
#: still at it
LIVE_MAX_S: Final = 600.0


def _sse(event: str, data: Mapping[str, Any]) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=msgspec.json.encode(data).decode())


@get("/live", name="console.command.live")
async def live_feed(
    request: Request[Any, Any, Any], user: CurrentUser, channels: NamedDependency[ChannelsPlugin]
) -> ServerSentEvent:
    """Server-sent events for the signed-in user's queues, from the session (the console has no bearer token
    for the API's /v1/live socket). Two sources, each a `case` event with the case and its new state:
    - the user's own live channel, as /v1/live forwards it (notifications/live.py: case changes of cases the
      user is around: a handler's department's, an inspector's; sent by the worker's fan-out);
    - every LIVE_POLL_S, the case events committed since in the user's scope (`casework.case_changes_after`),
      so that intake clerks, shift leads and dispatchers, whom the fan-out does not tell, see their queues move.
    `ready` first; `end` when the feed closes (after LIVE_MAX_S, or the session's idle time if shorter)."""
    principal = user.principal
    state = request.app.state
    settings: Settings = state.settings
    lifetime = min(LIVE_MAX_S, float(settings.console_idle_timeout_s))
    token = request.cookies.get(SESSION_COOKIE, "")

    async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
        heard: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)

        async def on_event(payload: bytes) -> None:
            with contextlib.suppress(asyncio.QueueFull):
                heard.put_nowait(payload)

        async with channels.start_subscription([live.user_channel(principal.user_id)]) as subscriber:
            async with acquire(state.pool) as conn:
                last = await desks.case_events_head(conn)
            yield _sse("ready", {"user_id": str(principal.user_id)})
            ends = asyncio.get_running_loop().time() + lifetime
            async with subscriber.run_in_background(on_event, join=False):
                while (left := ends - asyncio.get_running_loop().time()) > 0:
                    try:
                        payload = await asyncio.wait_for(heard.get(), min(LIVE_POLL_S, left))
                    except TimeoutError:
                        async with acquire(state.pool) as conn, conn.transaction(readonly=True):
                            if not await _still_allowed(conn, token, settings):
                                break  # signed out, idle, ended elsewhere, or the role taken away
                            changes, last = await desks.case_changes_after(conn, principal, last)
                        for case_id, to_state in changes:
                            yield _sse("case", {"case_id": str(case_id), "state": to_state})
                        continue
                    message = _channel_event(payload)
                    if message is not None:
                        yield message
            yield _sse("end", {})

    return ServerSentEvent(events(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _still_allowed(conn: asyncpg.Connection, token: str, settings: Settings) -> bool:
    """Is the feed's session still live (without restarting its idle clock) and its user still a command user?"""
    session = await sessions.load(conn, token, settings.console_idle_timeout_s, touch=False)
    return session is not None and may_enter(session.principal, "command")


def _channel_event(payload: bytes) -> ServerSentEventMessage | None:
    """A case event of the user's channel as an SSE `case`; a resync (the listener came back) as `resync`."""
    if payload == live.RESYNC:
        return _sse("resync", {})
    try:
        message = msgspec.json.decode(payload)
    except msgspec.DecodeError:
        return None
    if (
        isinstance(message, dict)
        and message.get("type") == "case"
        and isinstance(message.get("case_id"), str)
    ):
        return _sse("case", {"case_id": message["case_id"], "state": message.get("state")})
    return None


# --- one case ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionForm:
    """A button of the case page: an action the user may take, with the fields it needs."""

    action: str
    required: frozenset[str]
    takes_urgent: bool


def action_forms(state: str, actions: Iterable[str]) -> list[ActionForm]:
    """The forms of the actions the user may take on a case in `state` (engine.allowed_actions), each with the
    fields its row of the workflow requires (transitions.TRANSITIONS)."""
    forms = []
    for action in actions:
        t = TRANSITIONS[(state, action)]
        forms.append(ActionForm(action, frozenset(t.required), "urgent" in t.takes))
    return forms


async def _visible_case(conn: Any, principal: Principal, case_id: UUID) -> None:
    """Not found unless the case is in the user's scope (as the API's staff view: access.scope)."""
    if not await casework.in_scope(conn, principal, case_id):
        raise CaseNotFound("no such case")


async def _case_context(
    request: Request[Any, Any, Any], conn: Any, principal: Principal, case_id: UUID
) -> dict[str, Any]:
    await _visible_case(conn, principal, case_id)
    state = request.app.state
    detail = await casework.case_detail(conn, state.storage, case_id, principal)
    if detail.view != "staff" or detail.summary is None:
        raise CaseNotFound("no such case")
    lang = language(request)
    categories, departments = await _names(conn, lang)
    names = dict(departments)
    case = detail.summary
    tz = _tz(request)
    forms = action_forms(case.state, detail.allowed_actions or [])
    settings: Settings = state.settings
    return {
        "detail": detail,
        "case": case,
        "row": _rows([case], request, categories, names)[0],
        "category": categories.get(case.category, case.category),
        "departments": departments,
        "department_names": names,
        "forms": forms,
        "history": list(reversed(detail.history or [])),
        "steps": detail.steps or [],
        "photos": detail.photos or [],
        "local_time": lambda at: local_time(at, tz),
        "map_data": {
            "lat": case.location.lat,
            "lon": case.location.lon,
            "tile_url": settings.console_tile_url,
            "grids_url": "/console/command/map/grids.json",
        },
    }


@get("/cases/{case_id:uuid}", name="console.command.case")
async def case_page(
    request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn, case_id: FromPath[UUID]
) -> Template:
    context = await _case_context(request, conn, user.principal, case_id)
    return _page(request, "command/case.html", **context)


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


class BadForm(Exception):
    """A form the console's own pages never send (a missing or malformed field): 422, nothing written."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _parse_transition(form: Any, tz: ZoneInfo) -> tuple[int, TransitionRequest]:
    action = _field(form, "action")
    if action not in _ACTIONS:
        raise BadForm("command.bad_action")
    raw_version = _field(form, "version").strip()
    if not raw_version.isdigit() or len(raw_version) > 18:
        raise BadForm("command.bad_version")
    note = _field(form, "note").strip()
    if len(note) > MAX_NOTE:
        raise BadForm("command.note_too_long")
    department = _field(form, "department").strip() or None
    if department is not None and not _DEPARTMENT.fullmatch(department):
        raise BadForm("command.bad_department")
    raw_deadline = _field(form, "new_deadline").strip()
    new_deadline = None
    if raw_deadline:
        try:
            parsed = datetime.fromisoformat(raw_deadline)
        except ValueError:
            raise BadForm("command.bad_deadline") from None
        new_deadline = parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    urgent = _field(form, "urgent")
    if urgent not in ("", "on", "true", "false"):
        raise BadForm("command.bad_form")
    request = TransitionRequest(
        action=cast(Action, action),
        note=note,
        department=department,
        new_deadline=new_deadline,
        urgent=(urgent in ("on", "true")) if urgent else None,
    )
    return int(raw_version), request


def _photos_of(form: Any) -> list[UploadFile]:
    files = [f for f in form.getall("photos", []) if isinstance(f, UploadFile) and f.filename]
    if len(files) > MAX_PHOTOS:
        raise BadForm("command.too_many_photos")
    return files


def _problem_status(code: str) -> int:
    problem = PROBLEMS.get(code) or PROBLEMS["bad_request"]
    return problem.status


def _outcome(request: Request[Any, Any, Any], status: int, **context: Any) -> Template:
    return _page(request, "command/partials/outcome.html", status_code=status, **context)


@post("/cases/{case_id:uuid}/actions", name="console.command.act", request_max_body_size=MAX_UPLOAD)
async def act(
    request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn, case_id: FromPath[UUID]
) -> Response[Any]:
    """Take one action on a case: the form's action, its fields and the case's version (If-Match in the API).
    A changed case (409) answers its current state and a reload; a refusal its reason; both write nothing."""
    principal = user.principal
    lang = language(request)
    state = request.app.state
    await _visible_case(conn, principal, case_id)
    form = await request.form()
    try:
        version, wanted = _parse_transition(form, _tz(request))
        uploads = _photos_of(form)
    except BadForm as exc:
        return _outcome(request, 422, error=text(lang, exc.key), conflict=None, case_id=case_id)
    try:
        async with use_case(conn):
            photo_ids = []
            for upload in uploads:
                processed = await media.upload_direct(
                    conn,
                    state.storage,
                    state.image_workers,
                    state.media_config,
                    principal.user_id,
                    cast(BinaryIO, upload.file),
                    upload.content_type,
                )
                photo_ids.append(processed.photo_id)
            if photo_ids:
                wanted = msgspec.structs.replace(wanted, photo_ids=photo_ids)
            calendar = await load_calendar(conn, state.calendar_config)
            await engine.apply(conn, calendar, principal, case_id, version, wanted)
    except (CasesError, MediaError) as exc:
        code = str(getattr(exc, "code", "bad_request"))
        current = await casework.case_summary(conn, case_id)
        # a stale page: whatever the engine found first (another state: transition_not_allowed; the same state:
        # version_conflict), the user acted on a case that changed since. Its current state and a reload
        if isinstance(exc, VersionConflict) or current.version != version:
            return _outcome(
                request, 409, error=title("version_conflict", lang), conflict=current, case_id=case_id
            )
        return _outcome(
            request, _problem_status(code), error=title(code, lang), conflict=None, case_id=case_id
        )
    finally:
        for upload in uploads:
            await upload.close()
    target = f"/console/command/cases/{case_id}"
    if is_htmx(request):
        return Response(
            content="", status_code=200, headers={"HX-Redirect": target}, media_type=MediaType.HTML
        )
    return Response(content="", status_code=303, headers={"Location": target}, media_type=MediaType.HTML)


# --- bulk dispatch ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkLine:
    case_id: UUID
    outcome: str  # ok, conflict, refused
    message: str
    state: str | None


def _bulk_items(form: Any) -> list[tuple[UUID, int]]:
    items: list[tuple[UUID, int]] = []
    for raw in form.getall("case", []):
        if not isinstance(raw, str) or raw.count(":") != 1:
            raise BadForm("command.bad_form")
        case_id, version = raw.split(":")
        if not version.isdigit() or len(version) > 18:
            raise BadForm("command.bad_version")
        try:
            items.append((UUID(case_id), int(version)))
        except ValueError:
            raise BadForm("command.bad_form") from None
    if not items:
        raise BadForm("command.nothing_selected")
    if len(items) > MAX_BULK:
        raise BadForm("command.too_many_cases")
    return items


@post("/dispatch", name="console.command.bulk_dispatch")
async def bulk_dispatch(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Template:
    """Dispatch the selected cases of the dispatch queue to one department, each with the version it was shown
    at, each on its own (a savepoint apiece, as the API's bulk-transitions): ok, conflict or refused."""
    principal = user.principal
    if not principal.has_role(*BULK_ROLES):
        raise ConsoleForbidden("bulk dispatch needs a dispatcher or a shift lead")
    lang = language(request)
    form = await request.form()
    department = _field(form, "department").strip()
    try:
        if not _DEPARTMENT.fullmatch(department):
            raise BadForm("command.bad_department")
        items = _bulk_items(form)
    except BadForm as exc:
        return _page(
            request, "command/partials/bulk.html", status_code=422, error=text(lang, exc.key), lines=[]
        )
    calendar = await load_calendar(conn, request.app.state.calendar_config)
    lines: list[BulkLine] = []
    for case_id, version in items:
        try:
            async with conn.transaction():  # a savepoint: one bad item does not spoil the others
                await _visible_case(conn, principal, case_id)
                updated = await engine.apply(
                    conn,
                    calendar,
                    principal,
                    case_id,
                    version,
                    TransitionRequest(action="dispatch", department=department),
                )
            lines.append(BulkLine(case_id, "ok", "", updated["state"]))
        except CaseNotFound as exc:
            lines.append(BulkLine(case_id, "refused", title(exc.code, lang), None))
        except CasesError as exc:
            # as on the case page: a case that changed since the queue was read is a conflict
            current = await casework.case_summary(conn, case_id)
            if isinstance(exc, VersionConflict) or current.version != version:
                lines.append(BulkLine(case_id, "conflict", title("version_conflict", lang), None))
            else:
                lines.append(BulkLine(case_id, "refused", title(exc.code, lang), None))
    return _page(request, "command/partials/bulk.html", error="", lines=lines)


# --- the map ----------------------------------------------------------------------------------------------------


@get("/map", name="console.command.map")
async def map_page(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Template:
    lang = language(request)
    categories, departments = await _names(conn, lang)
    settings: Settings = request.app.state.settings
    area = await maps.service_area(conn)
    return _page(
        request,
        "command/map.html",
        categories=sorted(categories.items()),
        departments=departments,
        states=[s for s in STATES if s not in ("closed", "rejected", "voided")],
        map_data={
            "tile_url": settings.console_tile_url,
            "cases_url": "/console/command/map/cases.json",
            "grids_url": "/console/command/map/grids.json",
            "area": area.geometry if area else None,
            "categories": categories,
            "departments": dict(departments),
            "states": {s: labeller(lang)("state", s) for s in STATES},
            "case_url": "/console/command/cases/",
            "labels": {
                "cases": text(lang, "command.map_cases"),
                "clustered": text(lang, "command.map_clustered"),
                "overdue": text(lang, "command.due.overdue"),
                "due_soon": text(lang, "command.due.due_soon"),
                "open": text(lang, "command.open_case"),
            },
        },
    )


def _filter(value: str | None, pattern: re.Pattern[str] | frozenset[str], what: str) -> str | None:
    if not value:
        return None
    ok = pattern.fullmatch(value) if isinstance(pattern, re.Pattern) else value in pattern
    if not ok:
        raise BadFilter(what)
    return value


class BadFilter(Exception):
    pass


@get("/map/cases.json", name="console.command.map_cases")
async def map_cases(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    conn: DbConn,
    category: FilterParam = None,
    case_state: Annotated[str | None, QueryParameter(name="state", max_length=32)] = None,
    department: FilterParam = None,
) -> Response[Any]:
    """The open cases the user sees, filtered, as GeoJSON (points up to MAP_CAP, else counts per cell)."""
    try:
        found = await desks.open_cases_map(
            conn,
            user.principal,
            category=_filter(category, _CATEGORY, "category"),
            state=_filter(case_state, frozenset(STATES), "state"),
            department=_filter(department, _DEPARTMENT, "department"),
            cap=MAP_CAP,
        )
    except BadFilter as exc:
        return Response(
            {"error": text(language(request), "command.bad_filter"), "field": str(exc)},
            status_code=422,
            media_type=MediaType.JSON,
        )
    return Response(found, media_type=MediaType.JSON)


@get("/map/grids.json", name="console.command.map_grids")
async def map_grids(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Response[Any]:
    """The responsibility grids as GeoJSON (the map's grid layer), at most GRID_CAP of them."""
    return Response(await coverage.grids_geojson(conn, "responsibility", GRID_CAP), media_type=MediaType.JSON)


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [
    Router(
        path="/command",
        opt={"area": "command"},
        route_handlers=[
            index,
            queue_fragment,
            live_feed,
            case_page,
            act,
            bulk_dispatch,
            map_page,
            map_cases,
            map_grids,
        ],
    )
]
