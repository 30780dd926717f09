"""The transition engine: a workflow's table in; a guarded UPDATE, the event row and the outbox row out.

`apply` takes a Workflow (cases/workflow/transitions.py; CASES unless told) and reads everything an action does from its
row: it names no action. In the caller's transaction it:

1. refuses what the row does not allow: an unknown (state, action) pair, a role or scope that may not take it
   (cases/workflow/access.py; the system acts as SYSTEM), a stale version, missing fields, photos that are not the actor's, the row's guard, a
   department that does not exist, an inspector's step with no inspector on duty;
2. updates the case with one guarded UPDATE on (state, version), with the row's effects (columns stamped or
   cleared, a new round, the department taken or released, the state paused in kept for a resumption);
3. keeps the steps' deadlines: pause, resume (the working time left is left again), extend, or end the open
   step and start the row's next one;
4. writes the case event (store.insert_event, the one writer of case events) and one outbox row of the
   workflow's topic (notifications.outbox.enqueue), which the notification fan-out reads the row's audiences
   from;
5. takes the row's follow-up, if any, as the system.

`intake` is the one way into the city's workflow: it creates a case, routes it, stores the routing decision and
its reason, and starts it by the workflow's arrivals (`start`, which a second loop calls on the row its own
store has just inserted).

Where the rows live is the workflow's `subject` (transitions.Subject: its tables, how a step's limit is found, how
a caller's scope is judged); the statements are cases/workflow/store/__init__.py's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast
from uuid import UUID

import asyncpg
import msgspec

from cases.catalogue import service as catalogue
from cases.catalogue.errors import UnknownCategory
from cases.common import PhotoUnavailable
from cases.grids.errors import NoInspectorOnDuty, UnknownDepartment
from cases.grids.routing import route
from cases.workflow import access, store
from cases.workflow.access import Case
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.errors import (
    ActionForbidden,
    CaseNotFound,
    MissingFields,
    TransitionNotAllowed,
    VersionConflict,
)
from cases.workflow.transitions import (
    CASES,
    RESUME,
    SYSTEM,
    Action,
    Condition,
    Follow,
    Guard,
    System,
    Transition,
    Workflow,
)
from identity.models import Principal
from media import service as media
from notifications import outbox


class TransitionRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    action: Action
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=9)] = []
    department: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    new_deadline: datetime | None = None
    urgent: bool | None = None


def _holds(condition: Condition | None, case: Case) -> bool:
    if condition is None:
        return True
    value = case[condition.column]
    if condition.op == "ge":
        return value is not None and value >= condition.value
    return bool(value == condition.value)


def refuses(guard: Guard, case: Case, open_step: Case | None, now: datetime) -> bool:
    """Whether the row's guard refuses the action now (transitions.Guard); `open_step`: the case's open step
    (its due_at and paused_at), None when none is open."""
    if guard.unless is not None and _holds(guard.unless, case):
        return True
    if guard.until_overdue:
        return open_step is None or open_step["paused_at"] is not None or open_step["due_at"] > now
    return False


async def _guarded(
    conn: asyncpg.Connection, guard: Guard, case: Case, workflow: Workflow, now: datetime
) -> bool:
    step = (
        await store.open_deadline(conn, case["id"], subject=workflow.subject) if guard.until_overdue else None
    )
    return refuses(guard, case, step, now)


#: who takes a transition: a signed-in caller (its grants read by cases/workflow/access.py) or the system
Actor = Principal | System


def _actor_id(actor: Actor) -> UUID | None:
    """The person an action is recorded under (its event, the step it ends); None for the system's own."""
    return actor.acting_for if isinstance(actor, System) else actor.user_id


def _acting_roles(actor: Actor, case: Case, roles: frozenset[str], workflow: Workflow) -> set[str]:
    if isinstance(actor, System):
        return {SYSTEM} & roles
    return access.acting_roles(actor, case, roles, workflow.subject.scope)


def allowed_actions(actor: Actor, case: Case, workflow: Workflow = CASES) -> list[Action]:
    """The actions the actor may take on the case in its state (guards are checked when one is taken)."""
    return sorted(
        cast(Action, action)
        for (state, action), t in workflow.transitions.items()
        if state == case["state"] and _acting_roles(actor, case, t.roles, workflow)
    )


def possible_actions(
    actor: Actor,
    case: Case,
    workflow: Workflow,
    open_step: Case | None,
    now: datetime,
) -> list[Action]:
    """The actions the actor may take on the case now: allowed_actions without those whose row's guard refuses
    (`open_step` as for `refuses`)."""
    return [
        action
        for action in allowed_actions(actor, case, workflow)
        if (guard := workflow.transitions[(case["state"], action)].guard) is None
        or not refuses(guard, case, open_step, now)
    ]


async def _limit_hours(
    conn: asyncpg.Connection, case: Case, step: str, workflow: Workflow
) -> tuple[float, bool]:
    """(hours, counted in working time): the category's limit for its steps, else the step's configured one
    (by the subject's limit rule)."""
    if workflow.subject.limits == "city" and step in workflow.category_steps:
        category = await catalogue.find_category(conn, case["category_code"])
        assert category is not None
        hours = category.limit_urgent_hours if case["urgent"] else category.limit_normal_hours
        return float(hours), True
    row = await store.step_limit(conn, step, subject=workflow.subject, row=case)
    assert row is not None, f"no limit configured for step {step}"
    return float(row["hours"]), bool(row["working"])


async def start_step(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    case: Case,
    step: str,
    *,
    now: datetime,
    workflow: Workflow = CASES,
) -> None:
    hours, working = await _limit_hours(conn, case, step, workflow)
    assignee: UUID | None = None
    if step in workflow.inspector_steps:
        assignee = case["inspector_id"]
    elif step in workflow.assignee_steps:
        assignee = case["assignee_id"]
    await store.start_deadline(
        conn,
        case["id"],
        subject=workflow.subject,
        round_=case["round"],
        step=step,
        assignee_id=assignee,
        department_code=case["department_code"] if step in workflow.department_steps else None,
        started_at=now,
        due_soon_at=calendar.due(now, hours * 0.8, working=working),
        due_at=calendar.due(now, hours, working=working),
    )


async def _deadlines(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    workflow: Workflow,
    before: Case,
    after: Case,
    transition: Transition,
    action: str,
    actor: Actor,
    now: datetime,
) -> None:
    subject = workflow.subject
    current = await store.open_deadline(conn, before["id"], subject=subject)
    if transition.to in workflow.paused:
        if current is not None:
            await store.pause_deadline(conn, current["id"], now, subject=subject)
        return
    if transition.to == RESUME:
        if current is not None and current["paused_at"] is not None:
            await _shift(conn, calendar, workflow, current, now)
        return
    if transition.extends is not None:
        asked = await store.last_event_data(conn, before["id"], transition.extends, subject=subject)
        if current is not None and asked and asked.get("new_deadline"):
            due = datetime.fromisoformat(asked["new_deadline"])
            due_soon = current["started_at"] + (due - current["started_at"]) * 0.8
            await store.move_deadline(conn, current["id"], due_soon, due, extended=True, subject=subject)
        return
    if transition.completes and current is not None:
        await store.complete_deadline(conn, current["id"], _actor_id(actor), action, now, subject=subject)
    if transition.starts is not None:
        await start_step(conn, calendar, after, transition.starts, now=now, workflow=workflow)


async def _shift(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    workflow: Workflow,
    deadline: asyncpg.Record,
    now: datetime,
) -> None:
    """Resume a paused step: the working time that was left when it paused is left again now."""
    paused = deadline["paused_at"]
    left = calendar.between(paused, deadline["due_at"])
    left_soon = calendar.between(paused, deadline["due_soon_at"])
    await store.move_deadline(
        conn,
        deadline["id"],
        calendar.add(now, left_soon),
        calendar.add(now, left),
        extended=deadline["extended"],
        subject=workflow.subject,
    )


async def _inspector(
    conn: asyncpg.Connection, case: Case, now: datetime, *, route_again: bool = True
) -> UUID | None:
    """The case's inspector, else the one on duty for its grid now (routing asked again)."""
    if case["inspector_id"] is not None or not route_again:
        inspector: UUID | None = case["inspector_id"]
        return inspector
    decision = await route(conn, case["lat"], case["lon"], case["category_code"], now)
    return decision.inspector_id


async def _check_photos(conn: asyncpg.Connection, actor: Actor, photo_ids: list[UUID]) -> None:
    refs = await media.photo_refs(conn, photo_ids)
    for index, photo_id in enumerate(photo_ids):
        ref = refs.get(photo_id)
        if ref is None or ref.owner_id != _actor_id(actor):
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
    workflow: Workflow = CASES,
    case: Case | None = None,
    now: datetime | None = None,
    event_data: Mapping[str, Any] | None = None,
    sets: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> asyncpg.Record:
    """Apply one action to a case (a row of the workflow's subject). Returns the row as it is afterwards (after
    any follow-up).

    `case`: the row as the caller has just read or written it (the guarded UPDATE still checks it is current).
    `event_data` goes into the event's data (staff history only, never the public timeline). `sets`: columns of
    the row the caller's use case sets in the same guarded UPDATE once the action is allowed (a repair's
    assignee, its rating), among those the store allows for the subject's table. `at`: the time of its event (and
    of its follow-up's), for a history written after the fact (the demo's seed, with `now` the same moment);
    default: the transaction's time."""
    now = now or datetime.now(UTC)
    subject = workflow.subject
    await store.reuse_plans(conn)
    if case is None:
        case = await store.get_subject(conn, subject, case_id)
        if case is None:
            raise CaseNotFound("no such case")
    action = request.action
    transition = workflow.transitions.get((case["state"], action))
    if transition is None:
        raise TransitionNotAllowed(
            f"'{action}' is not possible while the case is {case['state']}",
            state=case["state"],
            version=case["version"],
            allowed_actions=allowed_actions(actor, case, workflow),
        )
    if not _acting_roles(actor, case, transition.roles, workflow):
        raise ActionForbidden(
            f"your roles or scope do not allow '{action}' on this case",
            allowed_actions=allowed_actions(actor, case, workflow),
        )
    if version is not None and version != case["version"]:
        raise VersionConflict(
            "the case changed since you read it", state=case["state"], version=case["version"]
        )
    missing = sorted(f for f in transition.required if not getattr(request, f))
    if missing:
        raise MissingFields(f"'{action}' needs: {', '.join(missing)}", fields=tuple(missing))
    if request.photo_ids:
        await _check_photos(conn, actor, request.photo_ids)
    if transition.guard is not None and await _guarded(conn, transition.guard, case, workflow, now):
        raise TransitionNotAllowed(
            transition.guard.refusal,
            state=case["state"],
            version=case["version"],
            allowed_actions=[a for a in allowed_actions(actor, case, workflow) if a != action],
        )

    changes: dict[str, Any] = dict(sets or {})
    data: dict[str, Any] = {**(event_data or {}), "action": action}
    to_state = transition.to
    if to_state == RESUME:
        to_state = case["resume_state"]
        changes["resume_state"] = None
    if transition.to in workflow.paused:
        changes["resume_state"] = case["state"]
    for column in sorted(transition.stamps):
        changes[column] = now
    for column in sorted(transition.clears):
        changes[column] = None
    if "urgent" in transition.takes and request.urgent is not None:
        changes["urgent"] = request.urgent
    if "department" in transition.required and request.department is not None:
        if not await catalogue.department_exists(conn, request.department):
            raise UnknownDepartment(f"no department {request.department}", fields=("department",))
        data["from_department"] = case["department_code"]
        changes["department_code"] = request.department
    if transition.releases_department:
        data["from_department"] = case["department_code"]
        changes["department_code"] = None
    if transition.starts in workflow.inspector_steps:
        inspector = await _inspector(conn, case, now)
        if inspector is None:
            raise NoInspectorOnDuty("no inspector is on duty for this case's grid")
        changes["inspector_id"] = inspector
    if transition.new_round:
        changes["round"] = case["round"] + 1
    for field in sorted(transition.records):
        value = getattr(request, field)
        data[field] = value.isoformat() if isinstance(value, datetime) else value

    updated = await store.transition_case(
        conn, case_id, case["state"], case["version"], to_state, changes, subject=subject
    )
    if updated is None:
        current = await store.get_subject(conn, subject, case_id)
        assert current is not None
        raise VersionConflict(
            "the case changed since you read it", state=current["state"], version=current["version"]
        )
    await _deadlines(conn, calendar, workflow, case, updated, transition, action, actor, now)
    event_id = await store.insert_event(
        conn,
        case_id,
        kind=action,
        actor_id=_actor_id(actor),
        public=transition.public,
        from_state=case["state"],
        to_state=to_state,
        note=request.note,
        photo_ids=request.photo_ids,
        data=data,
        subject=subject,
        at=at,
    )
    await outbox.enqueue(
        conn,
        workflow.topic,
        {
            subject.key: str(case_id),
            "event_id": event_id,
            "action": action,
            "from": case["state"],
            "to": to_state,
            "round": updated["round"],
        },
    )
    if transition.follows is not None:
        updated = (
            await _follow(conn, calendar, workflow, updated, transition.follows, None, now, at=at) or updated
        )
    return updated


async def _follow(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    workflow: Workflow,
    case: Case,
    follow: Follow,
    reporter: UUID | None,
    now: datetime,
    *,
    route_again: bool = True,
    at: datetime | None = None,
) -> asyncpg.Record | None:
    """Take a follow-up as the system when its condition holds and it can be taken; None when it is not."""
    transition = workflow.transitions.get((case["state"], follow.action))
    if transition is None or not _holds(follow.when, case):
        return None
    if (
        transition.starts in workflow.inspector_steps
        and await _inspector(conn, case, now, route_again=route_again) is None
    ):
        return None  # nobody on duty: the case waits for a person
    return await apply(
        conn,
        calendar,
        System(acting_for=reporter if follow.acting_for_reporter else None),
        case["id"],
        case["version"],
        TransitionRequest(action=cast(Action, follow.action), note=follow.note),
        workflow=workflow,
        case=case,
        now=now,
        at=at,
    )


Source = Literal["citizen", "inspector"]


async def reuse_plans(conn: asyncpg.Connection) -> None:
    """Plans reused for the rest of the transaction: a use case that ends in `intake` calls it first (see
    store.reuse_plans); `apply` does it itself."""
    await store.reuse_plans(conn)


async def intake(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    *,
    reporter: UUID,
    source: Source,
    category: str,
    needs_verification: bool,
    lat: float,
    lon: float,
    address: str | None,
    description: str,
    workflow: Workflow = CASES,
    now: datetime | None = None,
) -> asyncpg.Record:
    """The one way into the workflow: create a case at the WGS-84 point, route it, store the routing decision
    with its reason, and start it. Returns the case row as it is afterwards (read once: as it is written).

    Citizens' reports and inspectors' patrol reports (cases/reports/service.py) enter here; Open311 submissions and
    property repairs will too. The routing decision (grid, district, inspector on duty, suggested department,
    and the reason for each: the grids' rules, cases/grids/routing.py) is made in the statement that writes the
    case, and stored on it and in its `routed` event; the reporter is the actor of the
    `reported` and `routed` events. An inspector's own report needs no verification (DOMAIN.md section 1),
    whatever its category says.

    What happens next is the workflow's data (`arrivals`): the first arrival whose condition holds and whose
    follow-up can be taken (routing has just named the inspector on duty, if any) opens its step and takes its
    follow-up. For the city's cases: a patrol report is registered at once in its inspector's name, a citizen's
    report that needs 核实 goes to the grid's inspector on duty, anything else waits for registration (立案).

    `now` given (a report filed after the fact: the demo's seed): the case, its events and its steps are dated then.
    """
    at = now
    now = now or datetime.now(UTC)
    case = await store.insert_case(
        conn,
        state=workflow.initial,
        category=category,
        source=source,
        lat=lat,
        lon=lon,
        address=address,
        description=description,
        needs_verification=needs_verification and source != "inspector",
        reporter=reporter,
        routed_at=now,
        at=at,
    )
    if case is None:
        raise UnknownCategory(f"no category {category}", fields=("category",))
    return await _arrive(conn, calendar, case, workflow, reporter, now, at=at)


async def start(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    row: asyncpg.Record,
    *,
    reporter: UUID,
    workflow: Workflow = CASES,
    now: datetime | None = None,
) -> asyncpg.Record:
    """Start a row its workflow's store has just inserted in the workflow's initial state (a property repair): the
    `reported` event (public, the reporter its actor), then its arrival (`_arrive`). Returns the row as it is
    afterwards. (A city case's intake writes its events with the row.)"""
    now = now or datetime.now(UTC)
    await store.insert_event(
        conn,
        row["id"],
        kind="reported",
        actor_id=reporter,
        public=True,
        to_state=row["state"],
        subject=workflow.subject,
    )
    return await _arrive(conn, calendar, row, workflow, reporter, now)


async def _arrive(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    row: asyncpg.Record,
    workflow: Workflow,
    reporter: UUID,
    now: datetime,
    *,
    at: datetime | None = None,
) -> asyncpg.Record:
    """A new row's arrival: the first arrival whose condition holds and whose follow-up can be taken opens its
    step and takes its follow-up. Returns the row as it is afterwards."""
    assert row["state"] == workflow.initial
    for arrival in workflow.arrivals:
        if not _holds(arrival.when, row):
            continue
        then = arrival.then
        if then is not None:
            transition = workflow.transitions[(row["state"], then.action)]
            if transition.starts in workflow.inspector_steps and row["inspector_id"] is None:
                continue
        if arrival.opens is not None:
            await start_step(conn, calendar, row, arrival.opens, now=now, workflow=workflow)
        if then is None:
            return row
        followed = await _follow(conn, calendar, workflow, row, then, reporter, now, route_again=False, at=at)
        assert followed is not None
        return followed
    return row


async def record_event(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    kind: str,
    actor_id: UUID | None,
    public: bool,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Record what happened around a case outside a transition (a report joined it, was hidden, moved to another
    category): an event row with no change of state."""
    return await store.insert_event(
        conn, case_id, kind=kind, actor_id=actor_id, public=public, note=note, data=data
    )
