"""From an outbox row to the people concerned: who is told what, by the roles and scopes around the case.

- a transition: the audiences its row of the workflow table names (cases/workflow/transitions.py `tells`), each with its
  message kind: the case's reporters and followers (`citizens`: registered, rejected, dispatched, closed,
  reopened), the case's inspector (`inspector`: a verification or check task is theirs), the handlers scoped to
  the case's department (`department`: every arrival in `dispatched`);
- a step due soon or overdue: the handlers scoped to the step's department, the shift leads scoped to the
  case's district, and the step's assignee. Overdue messages are urgent (they ignore quiet hours), as are
  all messages about an urgent case.

Only scoped role holders are told: an unscoped handler or shift lead sees the whole city and would hear of
every case. The person who acted is not told of their own action; disabled users are not told at all.
Everyone around the case (reporters, followers, the inspector, the department's handlers) also gets a live
`case` event on every transition; the people above get an inbox message, and through it a push to each of
their phones. Webhook subscribers of the topic get the event itself.

Housing notices (`housing.bill_reminder` from housing/arrears.py, `housing.fund_topup` from housing/fund.py)
are about a home, not a case: the people the payload names (or, when it names nobody, the home's people) who
are still bound to the home, by an active binding of the relation the notice is for (a reminder: owners,
family and tenants; a fund top-up: owners, who alone read the fund statement), get an inbox message and a
push, never urgent (quiet hours hold it). An urgent estate announcement (`housing.announcement` from
housing/announcements.py) goes to the people bound now to a home in its scope (the whole estate, or its
buildings; any relation), not to its publisher, as an urgent inbox message and push; none when it was withdrawn
before the row ran. An owners' assembly vote's notice and result (`housing.vote_notice` and `housing.vote_result`
from housing/votes.py) go to the people bound now as owners to a home on the matter's frozen roll, as an inbox
message and push, not urgent. A repair's or complaint's transition (`housing.repair_transitioned`, housing/repairs.py on
the case workflow's engine) goes to its reporter and to the property staff it is assigned to, as REPAIR_TELLS says
(the reporter: accepted, assigned, handled; the assignee: a new task, a rework, the confirmation and the rating),
never to the person who acted; urgent for an emergency. A repair's step due soon or overdue
(`housing.repair_due_soon`, `housing.repair_overdue`) goes to the person it is assigned to, or, for the company's
own steps (accept, assign), to the estate's property staff and manager scoped to it (the supervise step: the district's housing officers); overdue is urgent.
An escalation (督办) tells the estate's property staff and manager (repair.escalated) and the district's housing
officers (repair.supervised); the officer's conclusion tells the reporter (repair.concluded). They are
internal: not webhook events (`Event` is the published
webhook contract), and no live `case` event. A payload that does not have the shape of its topic raises
`MalformedPayload`: no retry can mend it, so the worker marks the row dead at once (an admin replays it).

All of one outbox row is written in the caller's transaction; every row written has a unique key (inbox:
outbox row + user; deliveries: outbox row + channel + recipient), so running a row twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Final, Literal
from uuid import UUID

import asyncpg
import msgspec

from cases.workflow.transitions import CASES, Audience, Tell, Workflow
from notifications import audience_store as audiences
from notifications import live, store
from notifications.models import EVENTS, NotificationsConfig

#: the workflows whose transitions are fanned out, by their outbox topic: who is told is read off their rows
WORKFLOWS: Final[dict[str, Workflow]] = {CASES.topic: CASES}
#: the order audiences are told in: one person in two audiences gets the first one's message
AUDIENCES: Final[tuple[Audience, ...]] = ("inspector", "department", "citizens")
DEADLINE_KINDS: Final[dict[str, str]] = {
    "case.due_soon": "deadline.due_soon",
    "case.overdue": "deadline.overdue",
}
#: housing notices: outbox topic (housing.arrears.REMINDER_TOPIC, housing.fund.TOPUP_TOPIC) -> inbox kind
HOUSING_KINDS: Final[dict[str, str]] = {
    "housing.bill_reminder": "bill.reminder",
    "housing.fund_topup": "fund.topup",
    "housing.announcement": "announcement.urgent",
    "housing.vote_notice": "vote.notice",
    "housing.vote_result": "vote.result",
}
#: the vote notices, fanned out by plan_vote
VOTE_TOPICS: Final[tuple[str, ...]] = ("housing.vote_notice", "housing.vote_result")
#: whose binding to the home a housing notice is for (the same people housing/ names in the payload)
HOUSING_RELATIONS: Final[dict[str, tuple[str, ...]]] = {
    "housing.bill_reminder": ("owner", "family", "tenant"),
    "housing.fund_topup": ("owner",),
}
#: a repair's transitions (housing/repairs_workflow.py), fanned out by plan_repair, and its steps due soon or
#: overdue, by plan_repair_deadline (topic -> inbox kind)
REPAIR_TOPICS: Final[tuple[str, ...]] = (
    "housing.repair_transitioned",
    "housing.repair_due_soon",
    "housing.repair_overdue",
)
REPAIR_DEADLINE_KINDS: Final[dict[str, str]] = {
    "housing.repair_due_soon": "repair.due_soon",
    "housing.repair_overdue": "repair.overdue",
}
#: who is told of a repair's action, and by which inbox kind: its reporter (the resident) and the person it is
#: assigned to; never the person who acted
#: ("staff": the estate's property staff and manager scoped to it; "officers": the housing officers of its district)
RepairAudience = Literal["reporter", "assignee", "staff", "officers"]
REPAIR_TELLS: Final[dict[str, tuple[tuple[RepairAudience, str], ...]]] = {
    "accept": (("reporter", "repair.accepted"),),
    "assign": (("reporter", "repair.assigned"), ("assignee", "repair.task")),
    "handle": (("reporter", "repair.handled"),),
    "rework": (("assignee", "repair.rework"),),
    "confirm": (("assignee", "repair.confirmed"),),
    "rate": (("assignee", "repair.rated"),),
    "escalate": (("staff", "repair.escalated"), ("officers", "repair.supervised")),
    "conclude": (("reporter", "repair.concluded"),),
}
#: the inbox kinds of repairs' messages
REPAIR_KINDS: Final[frozenset[str]] = frozenset(
    {*(kind for tells in REPAIR_TELLS.values() for _, kind in tells), *REPAIR_DEADLINE_KINDS.values()}
)
#: every outbox topic the worker fans out: the public webhook events and the internal housing notices
TOPICS: Final[tuple[str, ...]] = (*EVENTS, *HOUSING_KINDS, *REPAIR_TOPICS)


class MalformedPayload(ValueError):
    """An outbox row whose payload does not have its topic's shape: retrying cannot mend it."""


class _HomeNotice(msgspec.Struct, kw_only=True):
    estate_id: UUID
    home_id: UUID
    user_ids: list[UUID] = []


class BillReminder(_HomeNotice, kw_only=True):
    """The payload of `housing.bill_reminder` (housing.arrears.send_reminders)."""

    outstanding_fen: Annotated[int, msgspec.Meta(ge=1)]
    bills: Annotated[int, msgspec.Meta(ge=1)]
    as_of: date


class FundTopup(_HomeNotice, kw_only=True):
    """The payload of `housing.fund_topup` (housing.fund.check_topups)."""

    balance_fen: int
    first_deposit_fen: Annotated[int, msgspec.Meta(ge=1)]
    threshold_fen: Annotated[int, msgspec.Meta(ge=0)]


class AnnouncementNotice(msgspec.Struct, kw_only=True):
    """The payload of `housing.announcement` (housing.announcements.publish, urgent ones)."""

    estate_id: UUID
    announcement_id: UUID


class VoteNotice(msgspec.Struct, kw_only=True):
    """The payload of `housing.vote_notice` and `housing.vote_result` (housing.votes.give_notice and close)."""

    estate_id: UUID
    matter_id: UUID


class RepairTransition(msgspec.Struct, kw_only=True):
    """The payload of `housing.repair_transitioned` (the case workflow's engine, for housing/repairs.py)."""

    repair_id: UUID
    event_id: int
    action: str
    round: Annotated[int, msgspec.Meta(ge=1)]


class RepairDeadline(msgspec.Struct, kw_only=True):
    """The payload of `housing.repair_due_soon` and `housing.repair_overdue` (cases.workflow.service
    emit_step_events on the repairs' deadlines)."""

    repair_id: UUID
    deadline_id: int
    round: Annotated[int, msgspec.Meta(ge=1)]
    step: str
    due_at: str
    assignee_id: UUID | None = None


class Recipient(msgspec.Struct, frozen=True):
    user_id: UUID
    kind: str
    report_id: UUID | None = None
    number: str | None = None  # the recipient's own report number, when they reported


class FanoutCounts(msgspec.Struct):
    rows: int = 0
    inbox: int = 0
    push: int = 0
    webhook: int = 0
    live: int = 0


class Plan(msgspec.Struct):
    """What one outbox row turns into, before it is written."""

    case_id: UUID | None
    urgent: bool
    params: dict[str, Any]
    recipients: list[Recipient]
    watchers: list[UUID]  # told of the case change live, whether or not they get a message
    state: str | None = None
    event_id: int | None = None


def _add(recipients: dict[UUID, Recipient], recipient: Recipient, actor: UUID | None) -> None:
    if recipient.user_id != actor and recipient.user_id not in recipients:
        recipients[recipient.user_id] = recipient


def _base_params(case: asyncpg.Record) -> dict[str, Any]:
    params: dict[str, Any] = {
        "category_zh": case["category_zh"],
        "category_en": case["category_en"],
        "number": case["number"],
        "address": case["address"],
        "department_zh": case["department_zh"],
        "department_en": case["department_en"],
    }
    if case["due_at"] is not None:
        params["due_at"] = case["due_at"].isoformat()
    return params


def _tells(workflow: Workflow, payload: Mapping[str, Any]) -> dict[Audience, str]:
    """audience -> message kind, from the row of the transition the payload names (none for an unknown row)."""
    row = workflow.transitions.get((str(payload.get("from", "")), str(payload.get("action", ""))))
    tells: tuple[Tell, ...] = row.tells if row is not None else ()
    return {t.audience: t.kind for t in tells if t.arriving is None or t.arriving == payload.get("to")}


async def plan_transition(
    conn: asyncpg.Connection, payload: Mapping[str, Any], workflow: Workflow = CASES
) -> Plan | None:
    case_id = UUID(str(payload["case_id"]))
    case = await audiences.case_context(conn, case_id)
    if case is None:
        return None
    tells = _tells(workflow, payload)
    event_id = payload.get("event_id")
    actor = await audiences.event_actor(conn, int(event_id)) if event_id is not None else None
    reporters = await audiences.reporters(conn, case_id)
    followers = await audiences.followers(conn, case_id)
    handlers = (
        await audiences.scoped_users(conn, "department_handler", "department", case["department_code"])
        if case["department_code"]
        else []
    )
    recipients: dict[UUID, Recipient] = {}
    inspector = case["inspector_id"]
    for audience in AUDIENCES:
        kind = tells.get(audience)
        if kind is None:
            continue
        if audience == "inspector":
            if inspector is not None and await audiences.enabled_users(conn, [inspector]):
                _add(recipients, Recipient(inspector, kind), actor)
        elif audience == "department":
            for user_id in handlers:
                _add(recipients, Recipient(user_id, kind), actor)
        else:
            for r in reporters:
                _add(recipients, Recipient(r["user_id"], kind, r["report_id"], r["number"]), actor)
            for user_id in followers:
                _add(recipients, Recipient(user_id, kind), actor)
    watchers = {r["user_id"] for r in reporters} | set(followers) | set(handlers)
    if case["inspector_id"] is not None:
        watchers.add(case["inspector_id"])
    if actor is not None:
        watchers.discard(actor)
    return Plan(
        case_id=case_id,
        urgent=bool(case["urgent"]),
        params=_base_params(case),
        recipients=list(recipients.values()),
        watchers=sorted(watchers),
        state=str(payload.get("to") or case["state"]),
        event_id=int(event_id) if event_id is not None else None,
    )


async def plan_deadline(conn: asyncpg.Connection, topic: str, payload: Mapping[str, Any]) -> Plan | None:
    case_id = UUID(str(payload["case_id"]))
    case = await audiences.case_context(conn, case_id)
    if case is None:
        return None
    kind = DEADLINE_KINDS[topic]
    recipients: dict[UUID, Recipient] = {}
    department = payload.get("department")
    if department:
        for user_id in await audiences.scoped_users(
            conn, "department_handler", "department", str(department)
        ):
            _add(recipients, Recipient(user_id, kind), None)
    if case["district_code"]:
        for user_id in await audiences.scoped_users(conn, "shift_lead", "district", case["district_code"]):
            _add(recipients, Recipient(user_id, kind), None)
    assignee = payload.get("assignee_id")
    if assignee:
        assignee_id = UUID(str(assignee))
        if await audiences.enabled_users(conn, [assignee_id]):
            _add(recipients, Recipient(assignee_id, kind), None)
    params = _base_params(case)
    params.update(step=payload.get("step"), due_at=payload.get("due_at"))
    if department and department != case["department_code"]:
        names = await audiences.department_names(conn, str(department))
        if names is not None:
            params.update(dict(names))
    return Plan(
        case_id=case_id,
        urgent=bool(case["urgent"]) or topic == "case.overdue",
        params=params,
        recipients=list(recipients.values()),
        watchers=[],
    )


async def plan_housing(conn: asyncpg.Connection, topic: str, payload: object) -> Plan | None:
    """A bill reminder or a fund top-up notice: the home's people it is for (module docstring)."""
    shape: type[BillReminder | FundTopup] = BillReminder if topic == "housing.bill_reminder" else FundTopup
    try:
        notice = msgspec.convert(payload, shape)
    except msgspec.ValidationError as exc:
        raise MalformedPayload(f"{topic}: {exc}") from exc
    home = await audiences.home_context(conn, notice.home_id)
    if home is None:
        return None
    if home["estate_id"] != notice.estate_id:
        raise MalformedPayload(f"{topic}: home {notice.home_id} is not a home of estate {notice.estate_id}")
    users = await audiences.home_residents(
        conn, notice.home_id, list(HOUSING_RELATIONS[topic]), notice.user_ids or None
    )
    params: dict[str, Any] = {
        "estate_id": str(notice.estate_id),
        "home_id": str(notice.home_id),
        "estate": home["estate"],
        "building": home["building"],
        "entrance": home["entrance"],
        "room": home["room"],
    }
    if isinstance(notice, BillReminder):
        params.update(
            outstanding_fen=notice.outstanding_fen, bills=notice.bills, as_of=notice.as_of.isoformat()
        )
    else:
        params.update(
            balance_fen=notice.balance_fen,
            first_deposit_fen=notice.first_deposit_fen,
            threshold_fen=notice.threshold_fen,
        )
    kind = HOUSING_KINDS[topic]
    return Plan(
        case_id=None,
        urgent=False,
        params=params,
        recipients=[Recipient(user_id, kind) for user_id in users],
        watchers=[],
    )


async def plan_announcement(conn: asyncpg.Connection, topic: str, payload: object) -> Plan | None:
    """An urgent announcement: the residents in its scope now, but its publisher (module docstring)."""
    try:
        notice = msgspec.convert(payload, AnnouncementNotice)
    except msgspec.ValidationError as exc:
        raise MalformedPayload(f"{topic}: {exc}") from exc
    row = await audiences.announcement_context(conn, notice.announcement_id)
    if row is None or row["state"] != "published":
        return None
    if row["estate_id"] != notice.estate_id:
        raise MalformedPayload(
            f"{topic}: announcement {notice.announcement_id} is not of estate {notice.estate_id}"
        )
    users = await audiences.estate_residents(conn, notice.estate_id, list(row["building_ids"]) or None)
    kind = HOUSING_KINDS[topic]
    return Plan(
        case_id=None,
        urgent=True,
        params={
            "estate_id": str(notice.estate_id),
            "announcement_id": str(notice.announcement_id),
            "estate": row["estate"],
            "title": row["title"],
        },
        recipients=[Recipient(user_id, kind) for user_id in users if user_id != row["publisher_id"]],
        watchers=[],
    )


async def plan_vote(conn: asyncpg.Connection, topic: str, payload: object) -> Plan | None:
    """A vote's notice or result: the owners of the homes on its roll now (module docstring)."""
    try:
        notice = msgspec.convert(payload, VoteNotice)
    except msgspec.ValidationError as exc:
        raise MalformedPayload(f"{topic}: {exc}") from exc
    row = await audiences.vote_context(conn, notice.matter_id)
    if row is None or (topic == "housing.vote_result" and row["passed"] is None):
        return None
    if row["estate_id"] != notice.estate_id:
        raise MalformedPayload(f"{topic}: matter {notice.matter_id} is not of estate {notice.estate_id}")
    kind = HOUSING_KINDS[topic]
    return Plan(
        case_id=None,
        urgent=False,
        params={
            "estate_id": str(notice.estate_id),
            "matter_id": str(notice.matter_id),
            "estate": row["estate"],
            "title": row["title"],
            "opens_at": row["opens_at"].isoformat(),
            "closes_at": row["closes_at"].isoformat(),
            "passed": row["passed"],
        },
        recipients=[
            Recipient(user_id, kind) for user_id in await audiences.vote_owners(conn, notice.matter_id)
        ],
        watchers=[],
    )


async def _repair_office(conn: asyncpg.Connection, row: asyncpg.Record, audience: str) -> list[UUID]:
    """The estate's property staff and manager scoped to it ("staff"), or its district's housing officers."""
    if audience == "officers":
        return await audiences.scoped_users(conn, "housing_officer", "district", row["district_code"])
    estate = str(row["estate_id"])
    return [
        *await audiences.scoped_users(conn, "property_staff", "estate", estate),
        *await audiences.scoped_users(conn, "property_manager", "estate", estate),
    ]


async def plan_repair(conn: asyncpg.Connection, topic: str, payload: object) -> Plan | None:
    """A repair's transition: its reporter and its assignee as REPAIR_TELLS says, not the person who acted;
    urgent for an emergency (module docstring)."""
    try:
        notice = msgspec.convert(payload, RepairTransition)
    except msgspec.ValidationError as exc:
        raise MalformedPayload(f"{topic}: {exc}") from exc
    row = await audiences.repair_context(conn, notice.repair_id, notice.round, notice.event_id)
    if row is None:
        return None
    actor: UUID | None = row["actor_id"]
    told: list[tuple[UUID | None, str]] = []
    for audience, kind in REPAIR_TELLS.get(notice.action, ()):
        if audience in ("reporter", "assignee"):
            told.append((row[f"{audience}_id"], kind))
        else:
            told.extend((user_id, kind) for user_id in await _repair_office(conn, row, audience))
    enabled = await audiences.enabled_users(conn, [u for u, _ in told if u is not None])
    recipients: dict[UUID, Recipient] = {}
    for user_id, kind in told:
        if user_id in enabled:
            _add(recipients, Recipient(user_id, kind), actor)
    params: dict[str, Any] = {
        "estate_id": str(row["estate_id"]),
        "repair_id": str(row["id"]),
        "estate": row["estate"],
        "building": row["building"],
        "entrance": row["entrance"],
        "room": row["room"],
        "repair_kind": row["kind"],
        "round": notice.round,
        "rating": row["rating"],
    }
    if row["handle_due_at"] is not None:
        params["due_at"] = row["handle_due_at"].isoformat()
    return Plan(
        case_id=None,
        urgent=row["urgency"] == "emergency",
        params=params,
        recipients=list(recipients.values()),
        watchers=[],
    )


async def plan_repair_deadline(conn: asyncpg.Connection, topic: str, payload: object) -> Plan | None:
    """A repair's step due soon or overdue: the person it is assigned to (the handle step), else the estate's
    property staff and manager scoped to it; overdue ones are urgent, and every one of an emergency."""
    try:
        notice = msgspec.convert(payload, RepairDeadline)
    except msgspec.ValidationError as exc:
        raise MalformedPayload(f"{topic}: {exc}") from exc
    row = await audiences.repair_context(conn, notice.repair_id, notice.round, 0)
    if row is None:
        return None
    kind = REPAIR_DEADLINE_KINDS[topic]
    if notice.assignee_id is not None:
        users = sorted(await audiences.enabled_users(conn, [notice.assignee_id]))
    else:  # the supervised matter's step (督办) is the district's housing officers'
        users = await _repair_office(conn, row, "officers" if notice.step == "supervise" else "staff")
    recipients: dict[UUID, Recipient] = {}
    for user_id in users:
        _add(recipients, Recipient(user_id, kind), None)
    return Plan(
        case_id=None,
        urgent=topic == "housing.repair_overdue" or row["urgency"] == "emergency",
        params={
            "estate_id": str(row["estate_id"]),
            "repair_id": str(row["id"]),
            "estate": row["estate"],
            "building": row["building"],
            "entrance": row["entrance"],
            "room": row["room"],
            "repair_kind": row["kind"],
            "round": notice.round,
            "step": notice.step,
            "due_at": notice.due_at,
        },
        recipients=list(recipients.values()),
        watchers=[],
    )


async def fan_out(
    conn: asyncpg.Connection, config: NotificationsConfig, row: asyncpg.Record, counts: FanoutCounts
) -> None:
    """Write what one outbox row turns into: inbox messages, push and webhook deliveries, live events."""
    topic: str = row["topic"]
    payload: Mapping[str, Any] = row["payload"]
    outbox_id: int = row["id"]
    plan: Plan | None
    if topic in REPAIR_DEADLINE_KINDS:
        plan = await plan_repair_deadline(conn, topic, payload)
    elif topic in REPAIR_TOPICS:
        plan = await plan_repair(conn, topic, payload)
    elif topic == "housing.announcement":
        plan = await plan_announcement(conn, topic, payload)
    elif topic in VOTE_TOPICS:
        plan = await plan_vote(conn, topic, payload)
    elif topic in HOUSING_KINDS:
        plan = await plan_housing(conn, topic, payload)
    elif topic in WORKFLOWS:
        plan = await plan_transition(conn, payload, WORKFLOWS[topic])
    else:
        plan = await plan_deadline(conn, topic, payload)
    counts.rows += 1
    if topic in EVENTS:  # housing notices are internal: no webhook subscriber hears of them
        counts.webhook += await store.insert_webhook_deliveries(
            conn,
            outbox_id,
            topic,
            {
                "id": f"evt_{outbox_id}",
                "event": topic,
                "created_at": row["created_at"].isoformat(),
                "data": dict(payload),
            },
        )
    if plan is None:  # the case or the home is gone: nobody to tell in the app
        return
    channels: list[str] = []
    events: list[str] = []
    if plan.recipients:
        notes = await store.insert_notifications(
            conn,
            outbox_id,
            plan.case_id,
            [r.user_id for r in plan.recipients],
            [r.kind for r in plan.recipients],
            [r.report_id for r in plan.recipients],
            [{**plan.params, "number": r.number} if r.number else plan.params for r in plan.recipients],
            plan.urgent,
        )
        counts.inbox += len(notes)
        if config.push_enabled:
            counts.push += await store.insert_push_deliveries(
                conn, outbox_id, topic, [n["id"] for n in notes], [n["user_id"] for n in notes], plan.urgent
            )
        for n in notes:
            channels.append(live.user_channel(n["user_id"]))
            events.append(live.inbox_event(n["id"], n["kind"], n["case_id"]))
    if plan.case_id is not None:
        for user_id in plan.watchers:
            channels.append(live.user_channel(user_id))
            events.append(live.case_event(plan.case_id, plan.state, plan.event_id))
    await store.notify(conn, channels, events)
    counts.live += len(channels)
