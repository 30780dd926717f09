"""One case in the command centre: its page (summary, history, steps, photos, map) and its actions, a form each
with the case's version, photos uploaded with it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Final, cast, get_args
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Template

from api.auth import DbConn
from api.i18n import title
from api.problems import PROBLEMS
from api.settings import Settings
from cases.common import CasesError
from cases.workflow import engine
from cases.workflow import service as casework
from cases.workflow.deadlines import load_calendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.errors import CaseNotFound, VersionConflict
from cases.workflow.transitions import TRANSITIONS, Action
from console.auth import CurrentUser, use_case
from console.errors import is_htmx
from console.i18n import language, text
from console.pages.command.common import (
    _DEPARTMENT,
    BadForm,
    _field,
    _names,
    _page,
    _rows,
    _tz,
    _visible_case,
    local_time,
)
from identity.models import Principal
from media import service as media
from media.errors import MediaError

MAX_NOTE: Final = 1000
MAX_PHOTOS: Final = 9
MAX_UPLOAD: Final = 9 * 15 * 1024 * 1024 + 64 * 1024

_ACTIONS: Final = frozenset(get_args(Action))


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
