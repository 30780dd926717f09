"""Repairs and complaints to the property company (报修/投诉, issue 12 section 3; DOMAIN.md §12): the use cases.

A resident bound now to a home of the estate reports a repair inside their home (home_repair, of that home), of
the common parts (common_repair, a building or the estate) or a complaint, with photos they uploaded (the media
pipeline, as city reports). The loop is housing/repairs_workflow.py's table (REPAIRS) run by the case workflow's
engine (cases/workflow/engine.py): `report` inserts the row (housing/repairs_store.py) and starts it with
`engine.start` (the `reported` event, the accept step opened with the estate's limit); every later action is
`engine.apply` with workflow=REPAIRS: the guarded UPDATE on (state, version), the event row, the step deadlines
and the outbox row, in the caller's transaction. Who may take an action is the table's (the engine's access,
rule "estate"); what the table cannot check is checked here first: the assignee is property staff of the
estate, a rating is 1-5, a charge is of a home repair's fix (housing/repair_bills.py, which bills the home when
the resident confirms it). Plain async functions that take a connection and never commit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, cast
from uuid import UUID

import asyncpg
import msgspec

from cases.workflow import engine
from cases.workflow import service as casework
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.transitions import Action
from housing import access, repair_bills
from housing import repairs_store as store
from housing import store as estates
from housing.announcements import check_photos
from housing.errors import EstateNotFound, InvalidRepair, RepairForbidden, RepairListForbidden, RepairNotFound
from housing.paging import decode_cursor, encode_cursor
from housing.repair_bills import MAX_CHARGE_FEN, ChargeLine
from housing.repairs_workflow import REPAIR_SUBJECT, REPAIRS, RepairAction, RepairState, RepairStep
from identity import service as identity
from identity.models import Principal
from notifications.topics import REPAIR_DUE_SOON, REPAIR_OVERDUE

RepairKind = Literal["home_repair", "common_repair", "complaint"]
Urgency = Literal["emergency", "ordinary"]


class RepairReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What a resident sends to report a repair or a complaint in an estate (the estate is the route's)."""

    kind: RepairKind
    urgency: Urgency = "ordinary"
    home_id: UUID | None = None
    building_id: UUID | None = None
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=9)] = []

    def for_estate(self, estate_id: UUID) -> RepairCreate:
        return RepairCreate(
            estate_id=estate_id,
            kind=self.kind,
            urgency=self.urgency,
            home_id=self.home_id,
            building_id=self.building_id,
            description=self.description,
            photo_ids=self.photo_ids,
        )


class RepairCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    estate_id: UUID
    kind: RepairKind
    urgency: Urgency = "ordinary"
    home_id: UUID | None = None  # a home repair: the reporter's home
    building_id: UUID | None = None  # a common-parts repair or a complaint: the building, if one
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=9)] = []


class RepairActionRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    action: RepairAction
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=9)] = []
    assignee_id: UUID | None = None  # assign: the estate's property staff
    rating: int | None = None  # rate: 1-5
    comment: Annotated[str, msgspec.Meta(max_length=500)] = ""  # rate
    charge: Annotated[list[ChargeLine], msgspec.Meta(min_length=1, max_length=20)] | None = None  # handle


class Repair(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    estate_id: UUID
    home_id: UUID | None
    building_id: UUID | None
    kind: RepairKind
    urgency: Urgency
    reporter_id: UUID | None
    assignee_id: UUID | None
    description: str
    photo_ids: list[UUID]
    state: RepairState
    version: int
    round: int
    created_at: datetime
    rating: int | None
    rating_comment: str
    charge_fen: int | None  # a paid home repair's charge, recorded with the fix
    charge: list[ChargeLine] | None
    bill_id: UUID | None  # its bill, issued when the resident confirms the fix
    allowed_actions: list[RepairAction]


class RepairEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of a repair's timeline."""

    at: datetime
    kind: str
    actor_id: UUID | None
    from_state: RepairState | None
    to_state: RepairState | None
    note: str
    photo_ids: list[UUID]


class RepairOpenStep(msgspec.Struct, frozen=True, kw_only=True):
    """The step a repair waits on and its due time (the estate's limit)."""

    step: RepairStep
    assignee_id: UUID | None
    started_at: datetime
    due_at: datetime
    overdue: bool


class RepairDetail(Repair, frozen=True, kw_only=True):
    """A repair with its timeline and the step it waits on (null when none is open: handled and after)."""

    timeline: list[RepairEvent]
    open_step: RepairOpenStep | None


class RepairPage(msgspec.Struct, frozen=True):
    items: list[Repair]
    next_cursor: str | None


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


def _view(row: asyncpg.Record, principal: Principal, now: datetime | None = None) -> Repair:
    return Repair(
        id=row["id"],
        estate_id=row["estate_id"],
        home_id=row["home_id"],
        building_id=row["building_id"],
        kind=row["kind"],
        urgency=row["urgency"],
        reporter_id=row["reporter_id"],
        assignee_id=row["assignee_id"],
        description=row["description"],
        photo_ids=list(row["photo_ids"]),
        state=row["state"],
        version=row["version"],
        round=row["round"],
        created_at=row["created_at"],
        rating=row["rating"],
        rating_comment=row["rating_comment"],
        charge_fen=row["charge_fen"],
        charge=None
        if row["charge_lines"] is None
        else msgspec.convert(row["charge_lines"], list[ChargeLine]),
        bill_id=row["bill_id"],
        allowed_actions=cast(list[RepairAction], _possible(principal, row, now or datetime.now(UTC))),
    )


def _possible(principal: Principal, row: asyncpg.Record, now: datetime) -> list[str]:
    """The caller's actions on the repair now: those its guards refuse (an escalation on time) are not offered.
    The row is the store's, with its open step's due time (open_due_at, open_paused_at)."""
    step = (
        None
        if row["open_due_at"] is None
        else {"due_at": row["open_due_at"], "paused_at": row["open_paused_at"]}
    )
    return list(engine.possible_actions(principal, row, REPAIRS, step, now))


async def report(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    principal: Principal,
    data: RepairCreate,
    *,
    now: datetime | None = None,
) -> Repair:
    """A resident reports a repair or a complaint: the row, then the engine starts it (the accept step opens)."""
    if await estates.estate_district(conn, data.estate_id) is None:
        raise EstateNotFound("no such estate", fields=_field("estate_id"))
    if data.kind == "home_repair":
        if data.home_id is None:
            raise InvalidRepair("a home repair names its home", fields=_field("home_id"))
        if data.building_id is not None:
            raise InvalidRepair("a home repair names its home, not a building", fields=_field("building_id"))
        if await store.home_estate(conn, data.home_id) != data.estate_id:
            raise InvalidRepair("the home is not of this estate", fields=_field("home_id"))
        if not await estates.is_bound(conn, data.home_id, principal.user_id, ("owner", "family", "tenant")):
            raise RepairForbidden("you are not bound to this home")
    else:
        if data.home_id is not None:
            raise InvalidRepair("only a home repair names a home", fields=_field("home_id"))
        if (
            data.building_id is not None
            and await store.building_estate(conn, data.building_id) != data.estate_id
        ):
            raise InvalidRepair("the building is not of this estate", fields=_field("building_id"))
        if not await store.lives_in_estate(conn, data.estate_id, principal.user_id):
            raise RepairForbidden("you are not bound to a home of this estate")
    await check_photos(conn, principal, data.photo_ids, "photo_ids")
    row = await store.insert_repair(
        conn,
        estate_id=data.estate_id,
        home_id=data.home_id,
        building_id=data.building_id,
        kind=data.kind,
        urgency=data.urgency,
        reporter_id=principal.user_id,
        description=data.description,
        photo_ids=data.photo_ids,
    )
    started = await engine.start(conn, calendar, row, reporter=principal.user_id, workflow=REPAIRS, now=now)
    current = await store.get_repair(conn, started["id"])
    assert current is not None
    return _view(current, principal, now)


def _sees(principal: Principal, row: asyncpg.Record) -> bool:
    return (
        principal.user_id in (row["reporter_id"], row["assignee_id"])
        or principal.has_role("admin")
        or access.reads_estate(principal, str(row["estate_id"]), row["district_code"])
    )


async def _visible(conn: asyncpg.Connection, principal: Principal, repair_id: UUID) -> asyncpg.Record:
    row = await store.get_repair(conn, repair_id)
    if row is None or not _sees(principal, row):
        raise RepairNotFound("no such repair")
    return row


async def get(conn: asyncpg.Connection, principal: Principal, repair_id: UUID) -> Repair:
    return _view(await _visible(conn, principal, repair_id), principal)


async def detail(
    conn: asyncpg.Connection, principal: Principal, repair_id: UUID, *, now: datetime | None = None
) -> RepairDetail:
    """One repair as its reporter, its assignee, the estate's staff, the district's officers and admins see it:
    with every event of its timeline, oldest first, and the open step with its due time."""
    row = await _visible(conn, principal, repair_id)
    events = await store.repair_events(conn, repair_id)
    step = await store.open_step(conn, repair_id)
    now = now or datetime.now(UTC)
    view = _view(row, principal, now)
    return RepairDetail(
        **{f: getattr(view, f) for f in view.__struct_fields__},
        timeline=[
            RepairEvent(
                at=e["at"],
                kind=e["kind"],
                actor_id=e["actor_id"],
                from_state=e["from_state"],
                to_state=e["to_state"],
                note=e["note"],
                photo_ids=list(e["photo_ids"]),
            )
            for e in events
        ],
        open_step=None
        if step is None
        else RepairOpenStep(
            step=step["step"],
            assignee_id=step["assignee_id"],
            started_at=step["started_at"],
            due_at=step["due_at"],
            overdue=step["due_at"] <= now,
        ),
    )


def _page(rows: list[asyncpg.Record], principal: Principal, limit: int) -> RepairPage:
    """A page of at most `limit` rows from `limit + 1` fetched: a cursor only when there are more."""
    items = [_view(r, principal) for r in rows[:limit]]
    return RepairPage(items, encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None)


def _before(cursor: str | None) -> UUID | None:
    return cast(UUID, decode_cursor(cursor, (UUID,))[0]) if cursor else None


async def list_mine(
    conn: asyncpg.Connection, principal: Principal, cursor: str | None, limit: int
) -> RepairPage:
    """The caller's own reports, newest first."""
    rows = await store.list_by_reporter(conn, principal.user_id, _before(cursor), limit + 1)
    return _page(rows, principal, limit)


async def list_estate(
    conn: asyncpg.Connection,
    principal: Principal,
    estate_id: UUID,
    *,
    state: RepairState | None,
    kind: RepairKind | None,
    cursor: str | None,
    limit: int,
) -> RepairPage:
    """The estate's repairs and complaints, newest first, for its property staff, the district's housing officers
    and admins; of one state and kind when given."""
    district = await estates.estate_district(conn, estate_id)
    if district is None:
        raise EstateNotFound("no such estate")
    if not (principal.has_role("admin") or access.reads_estate(principal, str(estate_id), district)):
        raise RepairListForbidden("the estate's repairs are for its property staff and housing officers")
    before = _before(cursor)
    rows = await store.list_by_estate(conn, estate_id, state=state, kind=kind, before=before, limit=limit + 1)
    return _page(rows, principal, limit)


async def _assignee_ok(conn: asyncpg.Connection, estate_id: UUID, user_id: UUID) -> bool:
    """The user is active property staff of the estate (a grant scoped to it, or unscoped)."""
    user = await identity.find_user(conn, user_id)
    return (
        user is not None
        and not user.disabled
        and any(
            g.role == "property_staff"
            and (g.scope_kind is None or (g.scope_kind == "estate" and g.scope_id == str(estate_id)))
            for g in user.roles
        )
    )


async def act(
    conn: asyncpg.Connection,
    calendar: WorkCalendar,
    principal: Principal,
    repair_id: UUID,
    version: int | None,
    request: RepairActionRequest,
    *,
    now: datetime | None = None,
) -> Repair:
    """Take one action of the table on a repair (accept, assign, handle, rework, confirm, rate, escalate, conclude)
    through the engine:
    a stale version, a role or person the row does not allow, a state it does not start from are the engine's
    refusals (version_conflict, action_forbidden, transition_not_allowed), and nothing is written."""
    row = await _visible(conn, principal, repair_id)
    sets: dict[str, object] = {}
    if request.action == "assign":
        if request.assignee_id is None:
            raise InvalidRepair("assign names the property staff it goes to", fields=_field("assignee_id"))
        sets["assignee_id"] = request.assignee_id
    elif request.assignee_id is not None:
        raise InvalidRepair("only assign names an assignee", fields=_field("assignee_id"))
    if request.action == "rate":
        if request.rating is None or not 1 <= request.rating <= 5:
            raise InvalidRepair("a rating is from 1 to 5", fields=_field("rating"))
        sets["rating"] = request.rating
        sets["rating_comment"] = request.comment
    elif request.rating is not None or request.comment:
        raise InvalidRepair("only rate takes a rating and a comment", fields=_field("rating"))
    if request.charge is not None:
        if request.action != "handle" or row["kind"] != "home_repair":
            raise InvalidRepair("only the fix of a repair inside a home is charged", fields=_field("charge"))
        charge = repair_bills.total(request.charge)
        if charge > MAX_CHARGE_FEN:
            raise InvalidRepair("a repair's charge is at most 100,000 yuan", fields=_field("charge"))
        sets["charge_fen"] = charge
        sets["charge_lines"] = msgspec.to_builtins(request.charge)
    # the engine's own checks come first (state, role, version); the assignee is checked once they pass
    allowed: list[str] = list(engine.allowed_actions(principal, row, REPAIRS))
    if request.action == "assign" and request.action in allowed and version in (None, row["version"]):
        assert request.assignee_id is not None
        if not await _assignee_ok(conn, row["estate_id"], request.assignee_id):
            raise InvalidRepair(
                "the assignee is not property staff of this estate", fields=_field("assignee_id")
            )
    updated = await engine.apply(
        conn,
        calendar,
        principal,
        repair_id,
        version,
        # TransitionRequest's `action` is typed with the city's actions; the engine reads any workflow's
        TransitionRequest(
            action=cast(Action, request.action), note=request.note, photo_ids=request.photo_ids
        ),
        workflow=REPAIRS,
        case=row,
        now=now,
        sets=sets,
    )
    if request.action == "confirm" and updated["charge_fen"] is not None:
        await repair_bills.issue(conn, updated, calendar.tz, now or datetime.now(UTC))
    # read again with the estate's district, which the caller's allowed actions may depend on (conclude)
    current = await store.get_repair(conn, updated["id"])
    assert current is not None
    return _view(current, principal, now)


async def emit_deadline_events(conn: asyncpg.Connection, limit: int = 500) -> dict[str, int]:
    """The worker's deadline sweep over the repairs' steps: one outbox row per step that became due soon (80 % of
    its time) or overdue (housing.repair_due_soon, housing.repair_overdue), each exactly once."""
    return await casework.emit_step_events(conn, REPAIR_SUBJECT, REPAIR_DUE_SOON, REPAIR_OVERDUE, limit)
