"""The case workflow use cases: routing new cases, applying transitions, deadlines of each step.

Each function takes a connection inside the caller's transaction and never commits. Every transition is a
guarded UPDATE on (state, version) plus, in the same transaction, the case event, the deadline bookkeeping
and an outbox row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, cast
from uuid import UUID

import asyncpg
import msgspec

from cases import store, workflow_store
from cases.deadlines import WorkCalendar
from cases.errors import (
    ActionForbidden,
    CaseNotFound,
    InvalidCursor,
    MissingFields,
    NoInspectorOnDuty,
    PhotoUnavailable,
    RatingNotAllowed,
    TransitionNotAllowed,
    UnknownDepartment,
    VersionConflict,
)
from cases.geo import CRS, to_wgs84, validate_lat_lon
from cases.models import (
    CaseDetail,
    CasePage,
    CaseSummary,
    CurrentStep,
    HistoryEntry,
    Rating,
    RatingResult,
    Scope,
    StepRecord,
    SyncPage,
    Task,
    TaskPage,
    Tombstone,
)
from cases.routing import route
from cases.views import decode_cursor, encode_cursor, present, timeline
from cases.workflow import PAUSED, SYSTEM, TRANSITIONS, Action, Step, Transition
from media import service as media
from media.storage import Storage


class Actor(msgspec.Struct, frozen=True):
    """Who acts: a user with roles and scopes, or the system (user_id None)."""

    user_id: UUID | None
    roles: frozenset[str]
    districts: frozenset[str] | None = None  # None: every district
    departments: frozenset[str] | None = None  # None: every department

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, roles=frozenset({SYSTEM}))


class TransitionRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    action: Action
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=9)] = []
    department: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    new_deadline: datetime | None = None
    urgent: bool | None = None


def _allowed_roles(actor: Actor, case: asyncpg.Record, transition: Transition) -> set[str]:
    """The actor's roles that may take this transition on this case, scope included."""
    usable: set[str] = set()
    for role in actor.roles & transition.roles:
        if role == SYSTEM:
            usable.add(role)
        elif role == "inspector":
            if case["inspector_id"] is not None and case["inspector_id"] == actor.user_id:
                usable.add(role)
        elif role == "department_handler":
            if actor.departments is None or case["department_code"] in actor.departments:
                usable.add(role)
        elif (
            actor.districts is None
            or case["district_code"] is None
            or case["district_code"] in actor.districts
        ):
            usable.add(role)
    return usable


def allowed_actions(actor: Actor, case: asyncpg.Record) -> list[Action]:
    return sorted(
        cast(Action, action)
        for (state, action), t in TRANSITIONS.items()
        if state == case["state"] and _allowed_roles(actor, case, t)
    )


async def _limit_hours(conn: asyncpg.Connection, case: asyncpg.Record, step: Step) -> tuple[float, bool]:
    if step == "handle":
        category = await store.get_category(conn, case["category_code"])
        assert category is not None
        hours = category["limit_urgent_hours"] if case["urgent"] else category["limit_normal_hours"]
        return float(hours), True
    row = await workflow_store.step_limit(conn, step)
    assert row is not None, f"no limit configured for step {step}"
    return float(row["hours"]), bool(row["working"])


async def start_step(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    case: asyncpg.Record,
    step: Step,
    *,
    now: datetime,
    round_: int | None = None,
) -> None:
    hours, working = await _limit_hours(conn, case, step)
    assignee = case["inspector_id"] if step in ("verify", "check") else None
    department = case["department_code"] if step in ("accept", "handle") else None
    await workflow_store.start_deadline(
        conn,
        case["id"],
        round_=round_ or case["round"],
        step=step,
        assignee_id=assignee,
        department_code=department,
        started_at=now,
        due_soon_at=calendar.due(now, hours * 0.8, working=working),
        due_at=calendar.due(now, hours, working=working),
    )


async def _check_photos(conn: asyncpg.Connection, actor: Actor, photo_ids: list[UUID]) -> None:
    refs = await media.photo_refs(conn, photo_ids)
    for index, photo_id in enumerate(photo_ids):
        ref = refs.get(photo_id)
        if ref is None or ref.owner_id != actor.user_id:
            raise PhotoUnavailable(
                f"photo {photo_id} is not an uploaded photo of yours", fields=(f"photo_ids[{index}]",)
            )


async def apply(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    actor: Actor,
    case_id: UUID,
    version: int | None,
    request: TransitionRequest,
    *,
    now: datetime | None = None,
    event_data: Mapping[str, Any] | None = None,
) -> asyncpg.Record:
    """Apply one action to a case. Returns the case as it is afterwards.

    `event_data` goes into the case event's data (staff history only, never the public timeline)."""
    now = now or datetime.now(UTC)
    case = await workflow_store.get_case(conn, case_id)
    if case is None:
        raise CaseNotFound("no such case")
    transition = TRANSITIONS.get((case["state"], request.action))
    if transition is None:
        raise TransitionNotAllowed(
            f"'{request.action}' is not possible while the case is {case['state']}",
            state=case["state"],
            version=case["version"],
            allowed_actions=allowed_actions(actor, case),
        )
    if not _allowed_roles(actor, case, transition):
        raise ActionForbidden(
            f"your roles or scope do not allow '{request.action}' on this case",
            allowed_actions=allowed_actions(actor, case),
        )
    if version is not None and version != case["version"]:
        raise VersionConflict(
            "the case changed since you read it", state=case["state"], version=case["version"]
        )
    missing = sorted(f for f in transition.required if not getattr(request, f))
    if missing:
        raise MissingFields(f"'{request.action}' needs: {', '.join(missing)}", fields=tuple(missing))
    if request.photo_ids:
        await _check_photos(conn, actor, request.photo_ids)

    changes: dict[str, Any] = {}
    data: dict[str, Any] = {**(event_data or {}), "action": request.action}
    to_state = transition.to
    if to_state == "resume":
        to_state = case["resume_state"]
        changes["resume_state"] = None
    if transition.to in PAUSED:
        changes["resume_state"] = case["state"]
    if request.action == "register" and case["state"] == "reported" and case["needs_verification"]:
        raise TransitionNotAllowed(
            "this case must be verified on site before it is registered",
            state=case["state"],
            version=case["version"],
            allowed_actions=[a for a in allowed_actions(actor, case) if a != "register"],
        )
    if request.action == "register":
        changes["registered_at"] = now
        if request.urgent is not None:
            changes["urgent"] = request.urgent
    if request.department is not None and "department" in transition.required:
        if not await store.department_exists(conn, request.department):
            raise UnknownDepartment(f"no department {request.department}", fields=("department",))
        data["from_department"] = case["department_code"]
        changes["department_code"] = request.department
    if request.action == "return":
        # the department gives the case back: it leaves the department's views until it is dispatched again
        data["from_department"] = case["department_code"]
        changes["department_code"] = None
    if transition.starts in ("verify", "check"):
        inspector = case["inspector_id"] or await _inspector_on_duty(conn, case, now)
        if inspector is None:
            raise NoInspectorOnDuty("no inspector is on duty for this case's grid")
        changes["inspector_id"] = inspector
    if request.action == "reopen":
        changes["round"] = case["round"] + 1
        changes["closed_at"] = None
    if request.action == "close":
        changes["closed_at"] = now
    if request.action == "request_extension":
        data["new_deadline"] = request.new_deadline.isoformat() if request.new_deadline else None

    updated = await workflow_store.transition_case(
        conn, case_id, case["state"], case["version"], to_state, changes
    )
    if updated is None:
        current = await workflow_store.get_case(conn, case_id)
        assert current is not None
        raise VersionConflict(
            "the case changed since you read it", state=current["state"], version=current["version"]
        )
    await _deadlines(conn, calendar, case, updated, transition, request, actor, now)
    event_id = await workflow_store.insert_event_returning(
        conn,
        case_id,
        kind=request.action,
        actor_id=actor.user_id,
        public=transition.public,
        from_state=case["state"],
        to_state=to_state,
        note=request.note,
        photo_ids=request.photo_ids,
        data=data,
    )
    await workflow_store.insert_outbox(
        conn,
        "case.transitioned",
        {
            "case_id": str(case_id),
            "event_id": event_id,
            "action": request.action,
            "from": case["state"],
            "to": to_state,
            "round": updated["round"],
        },
    )
    if request.action in ("handle",) and updated["state"] == "handled":
        # the fix goes to the grid's inspector for a check on site, when one is on duty
        inspector = updated["inspector_id"] or await _inspector_on_duty(conn, updated, now)
        if inspector is not None:
            updated = await apply(
                conn,
                calendar,
                Actor.system(),
                case_id,
                updated["version"],
                TransitionRequest(action="send_to_check"),
                now=now,
            )
    return updated


async def _deadlines(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    before: asyncpg.Record,
    after: asyncpg.Record,
    transition: Transition,
    request: TransitionRequest,
    actor: Actor,
    now: datetime,
) -> None:
    current = await workflow_store.open_deadline(conn, before["id"])
    if transition.to in PAUSED:
        if current is not None:
            await workflow_store.pause_deadline(conn, current["id"], now)
        return
    if transition.to == "resume":
        if current is not None and current["paused_at"] is not None:
            await _shift(conn, calendar, current, now)
        return
    if request.action == "approve_extension":
        asked = await workflow_store.last_event_data(conn, before["id"], "request_extension")
        if current is not None and asked and asked.get("new_deadline"):
            due = datetime.fromisoformat(asked["new_deadline"])
            due_soon = current["started_at"] + (due - current["started_at"]) * 0.8
            await workflow_store.move_deadline(conn, current["id"], due_soon, due, extended=True)
        return
    if transition.completes and current is not None:
        await workflow_store.complete_deadline(conn, current["id"], actor.user_id, request.action, now)
    if transition.starts is not None:
        await start_step(conn, calendar, after, transition.starts, now=now)


async def _shift(
    conn: asyncpg.Connection, calendar: WorkCalendar, deadline: asyncpg.Record, now: datetime
) -> None:
    """Resume a paused step: the working time that was left when it paused is left again now."""
    paused = deadline["paused_at"]
    left = calendar.between(paused, deadline["due_at"])
    left_soon = calendar.between(paused, deadline["due_soon_at"])
    await workflow_store.move_deadline(
        conn,
        deadline["id"],
        calendar.add(now, left_soon),
        calendar.add(now, left),
        extended=deadline["extended"],
    )


async def _inspector_on_duty(conn: asyncpg.Connection, case: asyncpg.Record, now: datetime) -> UUID | None:
    decision = await route(conn, case["lat"], case["lon"], case["category_code"], now)
    return decision.inspector_id


# new cases ----------------------------------------------------------------------------------------------------


async def route_new_case(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    case_id: UUID,
    *,
    needs_verification: bool,
    actor_id: UUID | None,
    now: datetime | None = None,
) -> None:
    """Route a new case by place and category, store the decision with its reason, and start its first step.

    A citizen's report that needs verification goes to the grid's inspector on duty; without one it waits in
    the intake queue. A case that needs no verification waits for registration. The decision's department is
    stored as the case's suggested department, for the dispatcher: the department itself sees the case once it
    is dispatched there.
    """
    now = now or datetime.now(UTC)
    case = await workflow_store.get_case(conn, case_id)
    assert case is not None
    decision = await route(conn, case["lat"], case["lon"], case["category_code"], now)
    await workflow_store.set_routing(
        conn,
        case_id,
        unit_grid_id=decision.unit_grid_id,
        responsibility_grid_id=decision.responsibility_grid_id,
        district_code=decision.district_code,
        suggested_department=decision.department_code,
        inspector_id=decision.inspector_id,
        needs_verification=needs_verification,
    )
    await store.insert_case_event(
        conn, case_id, kind="routed", actor_id=actor_id, public=False, data=msgspec.to_builtins(decision)
    )
    case = await workflow_store.get_case(conn, case_id)
    assert case is not None
    if needs_verification and decision.inspector_id is not None:
        await apply(
            conn,
            calendar,
            Actor.system(),
            case_id,
            case["version"],
            TransitionRequest(action="send_to_verify"),
            now=now,
        )
    else:
        await start_step(conn, calendar, case, "register", now=now)


async def register_patrol_case(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    case_id: UUID,
    inspector_id: UUID,
    now: datetime | None = None,
) -> None:
    """An inspector's own patrol report: routed, and registered directly (no verification)."""
    now = now or datetime.now(UTC)
    await route_new_case(conn, calendar, case_id, needs_verification=False, actor_id=inspector_id, now=now)
    case = await workflow_store.get_case(conn, case_id)
    assert case is not None
    current = await workflow_store.open_deadline(conn, case_id)
    if current is not None:
        await workflow_store.complete_deadline(conn, current["id"], inspector_id, "register", now)
    updated = await workflow_store.transition_case(
        conn, case_id, "reported", case["version"], "registered", {"registered_at": now}
    )
    assert updated is not None
    await store.insert_case_event(
        conn,
        case_id,
        kind="register",
        actor_id=inspector_id,
        public=True,
        from_state="reported",
        to_state="registered",
        note="patrol report",
    )
    await start_step(conn, calendar, updated, "dispatch", now=now)


# who sees what ------------------------------------------------------------------------------------------------

_DISTRICT_ROLES = frozenset({"intake_clerk", "shift_lead", "dispatcher", "leader"})


def scope_of(user_id: UUID, grants: list[tuple[str, str | None, str | None]]) -> Scope:
    """(role, scope_kind, scope_id) grants -> the cases visible: a department sees its cases, an inspector
    their grids and tasks, district staff their districts; admins and unscoped staff see everything."""
    everything = False
    districts: set[str] = set()
    departments: set[str] = set()
    inspector: UUID | None = None
    for role, kind, scope_id in grants:
        if role == "admin":
            everything = True
        elif role in _DISTRICT_ROLES:
            if kind == "district" and scope_id:
                districts.add(scope_id)
            else:
                everything = True
        elif role == "department_handler":
            if kind == "department" and scope_id:
                departments.add(scope_id)
            else:
                everything = True
        elif role == "inspector":
            inspector = user_id
    return Scope(everything, frozenset(districts), frozenset(departments), inspector)


_ACTING_DISTRICT_ROLES = frozenset({"intake_clerk", "shift_lead", "dispatcher"})


def acts_on(
    user_id: UUID,
    grants: Iterable[tuple[str, str | None, str | None]],
    case: asyncpg.Record | Mapping[str, Any],
) -> bool:
    """Whether the user acts on the case, and so may have the originals of its photos.

    An original keeps what the clean copies lose: the EXIF GPS position, the capture time, the camera. It goes
    only to the people who handle the case (DOMAIN.md §1):

    - admins;
    - the case's own inspector (监督员, `inspector_id`), who verifies (核实) and checks (核查) on site;
    - the handlers of the department the case is dispatched to (专业部门: `department_code`, set by dispatch;
      an unscoped handler acts for every department), who go and fix it;
    - intake clerks (受理员), shift leads (值班长) and dispatchers (派遣员) whose district is the case's (or who
      are unscoped; a case outside every grid, with no district, is every district's intake, as in queues).

    Not to leaders (they read indicators and change nothing), property managers, other inspectors, other
    departments, a department the case was only suggested to, nor citizens (the uploader has the file).
    """
    for role, kind, scope_id in grants:
        every_department = not (kind == "department" and scope_id)
        every_district = not (kind == "district" and scope_id)
        if (
            role == "admin"
            or (role == "inspector" and case["inspector_id"] is not None and case["inspector_id"] == user_id)
            or (
                role == "department_handler"
                and case["department_code"] is not None
                and (every_department or scope_id == case["department_code"])
            )
            or (
                role in _ACTING_DISTRICT_ROLES
                and (every_district or case["district_code"] is None or scope_id == case["district_code"])
            )
        ):
            return True
    return False


def actor_of(user_id: UUID, grants: list[tuple[str, str | None, str | None]]) -> Actor:
    districts: set[str] | None = set()
    departments: set[str] | None = set()
    for role, kind, scope_id in grants:
        if role in _DISTRICT_ROLES:
            if kind == "district" and scope_id and districts is not None:
                districts.add(scope_id)
            elif kind != "district":
                districts = None
        if role == "department_handler":
            if kind == "department" and scope_id and departments is not None:
                departments.add(scope_id)
            elif kind != "department":
                departments = None
    return Actor(
        user_id=user_id,
        roles=frozenset(role for role, _, _ in grants),
        districts=frozenset(districts) if districts is not None else None,
        departments=frozenset(departments) if departments is not None else None,
    )


# reading ------------------------------------------------------------------------------------------------------


async def case_summary(conn: asyncpg.Connection, case_id: UUID, crs: CRS = "wgs84") -> CaseSummary:
    row = await workflow_store.get_case_with_step(conn, case_id)
    if row is None:
        raise CaseNotFound("no such case")
    return summary(row, crs)


def summary(row: asyncpg.Record | Mapping[str, Any], crs: CRS = "wgs84") -> CaseSummary:
    step = None
    if row.get("step") is not None:
        step = CurrentStep(
            step=row["step"],
            due_at=row["due_at"],
            due_soon_at=row["due_soon_at"],
            paused=row["paused_at"] is not None,
            assignee_id=row["assignee_id"],
        )
    return CaseSummary(
        id=row["id"],
        state=row["state"],
        version=row["version"],
        round=row["round"],
        category=row["category_code"],
        urgent=row["urgent"],
        location=present(row["lat"], row["lon"], crs),
        address=row["address"],
        description=row["description"],
        reporter_count=row["reporter_count"],
        district_code=row["district_code"],
        department=row["department_code"],
        suggested_department=row["suggested_department"],
        responsibility_grid_id=row["responsibility_grid_id"],
        unit_grid_id=row["unit_grid_id"],
        inspector_id=row["inspector_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        current_step=step,
    )


async def queue(
    conn: asyncpg.Connection,
    scope: Scope,
    *,
    state: str | None = None,
    department: str | None = None,
    grid_id: UUID | None = None,
    overdue: bool = False,
    due_soon: bool = False,
    cursor: str | None = None,
    limit: int = 50,
    crs: CRS = "wgs84",
) -> CasePage:
    by_deadline = overdue or due_soon
    after: tuple[datetime | None, UUID] | None = None
    if cursor:
        try:
            if by_deadline:
                due, case_id = decode_cursor(cursor, 2)
                after = (datetime.fromisoformat(due), UUID(case_id))
            else:
                after = (None, UUID(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
    departments_only = scope.departments and not (scope.everything or scope.districts or scope.inspector_id)
    if by_deadline and departments_only and grid_id is None:
        # a department's deadline queue: only its own steps, straight from their index
        wanted = sorted(scope.departments & {department} if department else scope.departments)
        rows = await workflow_store.department_deadline_queue(
            conn, wanted, state=state, overdue=overdue, due_soon=due_soon, after=after, limit=limit
        )
    else:
        rows = await workflow_store.list_cases(
            conn,
            scope,
            state=state,
            department=department,
            grid_id=grid_id,
            overdue=overdue,
            due_soon=due_soon,
            after=after,
            limit=limit,
        )
    next_cursor = None
    if len(rows) == limit:
        last = rows[-1]
        next_cursor = (
            encode_cursor(last["due_at"].isoformat(), last["id"])
            if by_deadline
            else encode_cursor(last["id"])
        )
    return CasePage(items=[summary(r, crs) for r in rows], next_cursor=next_cursor)


#: the events a reporter causes by reporting: their actor is not shown when the report is anonymous
_REPORTER_EVENTS = frozenset({"reported", "report_joined", "routed"})


async def case_detail(
    conn: asyncpg.Connection,
    storage: Storage,
    case_id: UUID,
    *,
    scope: Scope | None,
    actor: Actor | None,
    crs: CRS = "wgs84",
) -> CaseDetail:
    """Staff who may see the case get its whole history; everyone else the public timeline of a visible case.

    An anonymous reporter stays anonymous in the history too: the events they caused as a reporter (reported,
    report_joined, routed) carry no actor, whoever reads them. Only an admin may learn who filed an anonymous
    report, one report at a time and audited (getReport).
    """
    row = await workflow_store.get_case(conn, case_id)
    if row is None:
        raise CaseNotFound("no such case")
    staff = scope is not None and await workflow_store.case_visible(conn, scope, case_id)
    if not staff:
        if row["hidden_at"] is not None:
            raise CaseNotFound("no such case")
        events = await store.public_timelines(conn, [case_id])
        return CaseDetail(
            id=row["id"],
            state=row["state"],
            category=row["category_code"],
            location=present(row["lat"], row["lon"], crs),
            created_at=row["created_at"],
            view="public",
            timeline=timeline(events),
        )
    open_step = await workflow_store.open_deadline_readonly(conn, case_id)
    full = dict(row)
    full.update(
        step=open_step["step"] if open_step else None,
        due_at=open_step["due_at"] if open_step else None,
        due_soon_at=open_step["due_soon_at"] if open_step else None,
        paused_at=open_step["paused_at"] if open_step else None,
        assignee_id=open_step["assignee_id"] if open_step else None,
    )
    events = await workflow_store.case_events(conn, case_id)
    reports = await workflow_store.case_reports(conn, case_id)
    anonymous = {r["reporter_id"] for r in reports if r["anonymous"]}
    return CaseDetail(
        id=row["id"],
        state=row["state"],
        category=row["category_code"],
        location=present(row["lat"], row["lon"], crs),
        created_at=row["created_at"],
        view="staff",
        timeline=timeline(e for e in events if e["public"]),
        summary=summary(full, crs),
        allowed_actions=allowed_actions(actor, row) if actor else [],
        history=[
            HistoryEntry(
                id=e["id"],
                at=e["at"],
                kind=e["kind"],
                actor_id=None
                if e["kind"] in _REPORTER_EVENTS and e["actor_id"] in anonymous
                else e["actor_id"],
                from_state=e["from_state"],
                to_state=e["to_state"],
                note=e["note"],
                photo_ids=list(e["photo_ids"]),
                public=e["public"],
                data=e["data"],
            )
            for e in events
        ],
        steps=[
            StepRecord(
                round=d["round"],
                step=d["step"],
                assignee_id=d["assignee_id"],
                department=d["department_code"],
                started_at=d["started_at"],
                due_at=d["due_at"],
                completed_at=d["completed_at"],
                outcome=d["outcome"],
                paused=d["paused_at"] is not None,
                extended=d["extended"],
            )
            for d in await workflow_store.case_deadlines(conn, case_id)
        ],
        report_numbers=[r["number"] for r in reports],
        photos=await media.photo_links(conn, storage, await workflow_store.case_photo_ids(conn, case_id)),
    )


async def inspector_task_page(
    conn: asyncpg.Connection,
    inspector_id: UUID,
    lat: float | None,
    lon: float | None,
    crs: CRS = "wgs84",
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> TaskPage:
    """An inspector's open verification and check tasks: by deadline, then by distance from (lat, lon) when
    both are given, then by task id.

    The cursor is a true keyset over that order, (due_at, distance, task id), so paging neither skips nor
    repeats a task. For the distance in it to mean anything, the cursor also carries the point the distances
    were measured from: a later page measures from that point, and a request whose lat/lon (after conversion
    to WGS-84) differ from it, or that sends a point when the first page had none or the reverse, is refused
    as invalid_cursor. An inspector who has moved starts again without a cursor, which re-sorts the list from
    the new position. limit None: every task (the deprecated v1 list and sync, which do not page).
    """
    point: tuple[float, float] | None = None
    if lat is not None and lon is not None:
        point = to_wgs84(*validate_lat_lon(lat, lon), crs)
    after = _task_after(cursor, point) if cursor else None
    rows = await workflow_store.inspector_tasks(conn, inspector_id, point, after, limit)
    items = [
        Task(
            task_id=r["task_id"],
            kind=r["step"],
            case=summary(r, crs),
            due_at=r["due_at"],
            distance_m=round(r["distance_m"], 1) if r["distance_m"] is not None else None,
        )
        for r in rows
    ]
    next_cursor = None
    if limit is not None and len(rows) == limit:
        last = rows[-1]
        distance = "" if last["distance_m"] is None else repr(last["distance_m"])
        at = ("", "") if point is None else (repr(point[0]), repr(point[1]))
        next_cursor = encode_cursor(last["due_at"].isoformat(), distance, last["task_id"], *at)
    return TaskPage(items=items, next_cursor=next_cursor)


_INT64_MAX = 2**63 - 1


def _task_after(cursor: str, point: tuple[float, float] | None) -> tuple[datetime, float, int]:
    """The keyset (due_at, distance or 0, task id) of a cursor inspector_task_page gave out for this point."""
    due, distance, task_id, lat, lon = decode_cursor(cursor, 5)
    try:
        key = (datetime.fromisoformat(due), float(distance) if distance else 0.0, int(task_id))
        measured_from = (float(lat), float(lon)) if lat or lon else None
    except ValueError as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
    consistent = (distance == "") == (measured_from is None)
    if not (consistent and math.isfinite(key[1]) and 0 < key[2] <= _INT64_MAX):
        raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",))
    if measured_from != point:
        raise InvalidCursor(
            "this cursor belongs to a list measured from another position (or from none): start again "
            "without a cursor",
            fields=("cursor", "lat", "lon"),
        )
    return key


async def inspector_tasks(
    conn: asyncpg.Connection, inspector_id: UUID, lat: float | None, lon: float | None, crs: CRS = "wgs84"
) -> list[Task]:
    """Every open task of the inspector, in the order of inspector_task_page."""
    return (await inspector_task_page(conn, inspector_id, lat, lon, crs)).items


# sync -----------------------------------------------------------------------------------------------------------

_NIL = UUID(int=0)
_XID_MAX = 2**63 - 1
SyncKey = tuple[int, UUID]  # (change_xid, case id): the order sync hands cases out in


def _sync_cursor(cursor: str, field: str) -> tuple[SyncKey, int] | datetime:
    """A sync cursor this API gave out: (position, floor), or the time in a cursor of the old format."""
    try:
        tag, xid, case_id, floor = decode_cursor(cursor, 4, field)
    except InvalidCursor:
        (old,) = decode_cursor(cursor, 1, field)  # before change_xid: the time of the previous sync
        try:
            since = datetime.fromisoformat(old)
        except ValueError as exc:
            raise InvalidCursor("the cursor is not one this API gave out", fields=(field,)) from exc
        if since.tzinfo is None:
            raise InvalidCursor("the cursor is not one this API gave out", fields=(field,)) from None
        return since
    try:
        key, low = (int(xid), UUID(case_id)), int(floor)
    except ValueError as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,)) from exc
    if tag != "x" or not (0 <= key[0] <= _XID_MAX and 0 <= low <= _XID_MAX):
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,))
    return key, low


async def sync(
    conn: asyncpg.Connection,
    scope: Scope,
    actor: Actor,
    cursor: str | None,
    limit: int = 500,
    crs: CRS = "wgs84",
    *,
    field: str = "cursor",
) -> SyncPage:
    """What changed for the caller after the cursor: cases, the caller's open tasks on them, and tombstones for
    tasks that ended and cases that left the caller's departments.

    Cases come in the order of (change_xid, id): the id of the transaction that last changed the case, then
    the case's id. A bulk change is one transaction, so a page break inside it resumes at the next id: nothing
    skipped, nothing repeated. Only cases changed by transactions below the horizon (workflow_store.
    sync_horizon) are handed out: a transaction still running when the page is read may commit later with a
    smaller id than rows already visible, so those rows wait for the next request instead of being jumped.

    The cursor holds the position and a floor: tombstones are only for changes past the floor. A first sync
    (no cursor) sets the floor to the horizon, so the pages of a first sync carry no tombstones for what
    ended before it began (the client never had it), but do for what ends while it pages. `next_cursor` is
    never empty: with `more` it is the last case handed out, else the horizon, and the client keeps it for
    the next sync. A cursor of the old format (a time) restarts at the first visible case changed after that
    time; a cursor ahead of this database's transaction counter (a restore into another cluster) restarts from
    the beginning. Either way the client may see cases it already has (it applies them by id), never miss one.
    """
    horizon, next_xid = await workflow_store.sync_horizon(conn)
    after: SyncKey = (0, _NIL)
    floor = horizon
    if cursor:
        parsed = _sync_cursor(cursor, field)
        if isinstance(parsed, datetime):
            first = await workflow_store.first_change_since(conn, scope, parsed)
            after, floor = (horizon if first is None else min(first, horizon), _NIL), 0
        elif max(parsed[0][0], parsed[1]) > next_xid:
            after, floor = (0, _NIL), 0
        else:
            after, floor = parsed
    rows = await workflow_store.cases_changed_after(conn, scope, after, horizon, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    until: SyncKey = (rows[-1]["change_xid"], rows[-1]["id"]) if more else max(after, (horizon, _NIL))
    tasks = sorted(
        (
            Task(
                task_id=r["task_id"],
                kind=r["step"],
                case=summary(r, crs),
                due_at=r["due_at"],
                distance_m=None,
            )
            for r in rows
            if actor.user_id is not None
            and r["assignee_id"] == actor.user_id
            and r["step"] in ("verify", "check")
        ),
        key=lambda t: (t.due_at, t.task_id),
    )
    tombstones: list[Tombstone] = []
    since = max(after, (floor, _NIL))
    if since < until and actor.user_id is not None:
        tombstones += [
            Tombstone(type="task", id=str(task_id))
            for task_id in await workflow_store.tasks_closed_between(conn, actor.user_id, since, until)
        ]
    if since < until and scope.departments:
        tombstones += [
            Tombstone(type="case", id=str(case_id))
            for case_id in await workflow_store.cases_moved_away_between(conn, scope, since, until)
        ]
    return SyncPage(
        cases=[summary(r, crs) for r in rows],
        tasks=tasks,
        tombstones=tombstones,
        next_cursor=encode_cursor("x", until[0], until[1], floor),
        more=more,
    )


# ratings ------------------------------------------------------------------------------------------------------

REOPEN_WINDOW = timedelta(days=7)


def _rating_note(rating: Rating) -> str:
    """The public note of a reopening by rating: the verdict and the score, never the comment."""
    return "reporter: not fixed" + (f" (score {rating.score}/5)" if rating.score is not None else "")


async def rate(
    conn: asyncpg.Connection, calendar: WorkCalendar, case_id: UUID, reporter_id: UUID, rating: Rating
) -> RatingResult:
    """The reporter's verdict on a closed case; "not fixed" within 7 days of closure reopens it.

    The verdict (fixed or not, the score) is public: the reopening's note on the public timeline says it. The
    comment is the reporter's own words and is for staff only: it is kept with the rating and in the reopening
    event's data (the staff history), never in a public note.
    """
    case = await workflow_store.get_case(conn, case_id)
    if case is None:
        raise CaseNotFound("no such case")
    if case["state"] != "closed":
        raise RatingNotAllowed("a case can be rated once it is closed", state=case["state"])
    if not await workflow_store.insert_rating(
        conn, case_id, case["round"], reporter_id, rating.fixed, rating.score, rating.comment
    ):
        raise RatingNotAllowed("you have rated this round of the case already", state=case["state"])
    reopened = False
    closed_at = case["closed_at"]
    if not rating.fixed and closed_at is not None and datetime.now(UTC) - closed_at <= REOPEN_WINDOW:
        await apply(
            conn,
            calendar,
            Actor.system(),
            case_id,
            case["version"],
            TransitionRequest(action="reopen", note=_rating_note(rating)),
            event_data={"rating": {"fixed": rating.fixed, "score": rating.score, "comment": rating.comment}},
        )
        reopened = True
    return RatingResult(case_id=case_id, round=case["round"], reopened=reopened)


# deadline alerts (the worker) ---------------------------------------------------------------------------------


async def emit_deadline_events(conn: asyncpg.Connection, limit: int = 500) -> dict[str, int]:
    """Write one outbox row per step that became due soon (80 % of its time) or overdue.

    The rows are claimed with FOR UPDATE SKIP LOCKED and marked in the same transaction as the outbox rows,
    so each event is written exactly once however many workers run.
    """
    counts = {}
    for topic, claim in (
        ("case.due_soon", workflow_store.claim_due_soon),
        ("case.overdue", workflow_store.claim_overdue),
    ):
        rows = await claim(conn, limit)
        for r in rows:
            await workflow_store.insert_outbox(
                conn,
                topic,
                {
                    "case_id": str(r["case_id"]),
                    "deadline_id": r["id"],
                    "round": r["round"],
                    "step": r["step"],
                    "due_at": r["due_at"].isoformat(),
                    "assignee_id": str(r["assignee_id"]) if r["assignee_id"] else None,
                    "department": r["department_code"],
                },
            )
        counts[topic] = len(rows)
    return counts
