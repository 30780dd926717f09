"""The property office's repairs queue with its actions (api/controllers/housing_repairs*.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from api.auth import DbConn
from cases.workflow.deadlines import load_calendar
from console.auth import ConsoleUser, CurrentUser, use_case
from console.errors import is_htmx
from console.i18n import language, text
from console.pages.property.common import (
    DUE_SOON,
    PAGE,
    REFUSALS,
    Cursor,
    _convert,
    _estate,
    _form_text,
    _form_uuid,
    _form_version,
    _refusal,
    _render,
)
from housing import (
    office,
    repairs,
)
from housing.repairs import RepairActionRequest, RepairKind
from housing.repairs_workflow import REPAIR_STATES, RepairState
from identity import service as identity

# --- repairs ---------------------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/repairs", name="console.property.repairs")
async def repairs_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    repair_state: Annotated[RepairState | None, QueryParameter(name="state")] = None,
    kind: FromQuery[RepairKind | None] = None,
    cursor: Cursor = None,
) -> Template:
    queue = await office.repair_queue(
        conn, user.principal, estate_id, state=repair_state, kind=kind, cursor=cursor, limit=PAGE
    )  # listEstateRepairs' check
    now = datetime.now(UTC)
    return _render(
        request,
        "property/repairs.html",
        estate=await _estate(conn, user, estate_id),
        tab="repairs",
        queue=queue,
        states=REPAIR_STATES,
        filters={"state": repair_state or "", "kind": kind or ""},
        soon=now + DUE_SOON,
    )


async def _repair_context(
    request: Request[Any, Any, Any], conn: DbConn, user: ConsoleUser, repair_id: FromPath[UUID]
) -> dict[str, Any]:
    repair = await repairs.detail(conn, user.principal, repair_id)  # getRepair's check
    people: dict[UUID, str] = {}
    candidates: list[UUID] = [user.principal.user_id]
    if "assign" in repair.allowed_actions:
        # whom it may go to: the estate's property staff who have had its repairs, and the user
        queue = await office.repair_queue(
            conn, user.principal, repair.estate_id, state=None, kind=None, cursor=None, limit=200
        )
        candidates += [q.repair.assignee_id for q in queue.items if q.repair.assignee_id]
    for event in repair.timeline:
        if event.actor_id:
            candidates.append(event.actor_id)
    if repair.assignee_id:
        candidates.append(repair.assignee_id)
    for user_id in dict.fromkeys(candidates):
        found = await identity.find_user(conn, user_id)
        if found is not None:
            people[user_id] = found.display_name or (found.phone or "")[-4:]
    return {
        "repair": repair,
        "estate": await _estate(conn, user, repair.estate_id),
        "tab": "repairs",
        "people": people,
        "assignees": list(people.items()) if "assign" in repair.allowed_actions else [],
        "now": datetime.now(UTC),
        "soon": datetime.now(UTC) + DUE_SOON,
    }


@get("/repairs/{repair_id:uuid}", name="console.property.repair")
async def repair_page(
    request: Request[Any, Any, Any], repair_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    return _render(
        request,
        "property/repair.html",
        error=None,
        notice=None,
        **await _repair_context(request, conn, user, repair_id),
    )


@post("/repairs/{repair_id:uuid}/actions", name="console.property.repair.act", status_code=200)
async def repair_action(
    request: Request[Any, Any, Any], repair_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """transitionRepair: one action of the table on the version the page showed; a stale version (409) answers
    the repair as it is now, with the conflict said, to act again on it."""
    form = await request.form()
    status, error, notice = 200, None, None
    try:
        async with use_case(conn):
            version = _form_version(form)
            action = _form_text(form, "action", 32)
            fields: dict[str, Any] = {"action": action, "note": _form_text(form, "note", 1000)}
            if action == "assign":
                fields["assignee_id"] = _form_uuid(form, "assignee_id")
            data = _convert(fields, RepairActionRequest)
            calendar = await load_calendar(conn, request.app.state.calendar_config)
            done = await repairs.act(conn, calendar, user.principal, repair_id, version, data)
            notice = text(
                language(request),
                "property.repairs.done",
                state=text(language(request), f"property.repair_state.{done.state}"),
            )
    except REFUSALS as exc:
        status, error = _refusal(request, exc)
    context = await _repair_context(request, conn, user, repair_id)
    template = "property/partials/repair_panel.html" if is_htmx(request) else "property/repair.html"
    return _render(request, template, status_code=status, error=error, notice=notice, **context)
