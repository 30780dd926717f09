"""The command centre's role queues: one per desk, by deadline, paged by cursor (the area's page and its queue
fragment), and bulk dispatch from the dispatch queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final
from uuid import UUID

from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Template

from api.auth import DbConn
from api.i18n import title
from cases.common import CasesError
from cases.workflow import desks, engine
from cases.workflow import service as casework
from cases.workflow.deadlines import load_calendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.errors import CaseNotFound, VersionConflict
from console.auth import CurrentUser
from console.errors import ConsoleForbidden
from console.i18n import language, text
from console.pages.command.common import _DEPARTMENT, BadForm, _field, _names, _page, _rows, _visible_case
from identity.models import Principal, Role

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

QueueKey = Annotated[str | None, QueryParameter(name="queue", max_length=32)]
CursorParam = Annotated[str | None, QueryParameter(max_length=300)]


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
