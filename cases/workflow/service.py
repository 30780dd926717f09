"""The case workflow's use cases for staff and field apps: queues, one case, inspectors' tasks, sync, the
reporter's rating, deadline alerts.

Each function takes a connection inside the caller's transaction and never commits. New cases enter, and
transitions are applied, through the engine (cases/workflow/engine.py: intake, apply); who sees and does what is
cases/workflow/access.py.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from cases.common import (
    CRS,
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    present,
    to_wgs84,
    validate_lat_lon,
)
from cases.workflow import access, engine, store
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.errors import CaseNotFound, RatingNotAllowed
from cases.workflow.models import (
    CaseDetail,
    CasePage,
    CaseSummary,
    CurrentStep,
    HistoryEntry,
    Rating,
    RatingResult,
    StepRecord,
    SyncPage,
    Task,
    TaskPage,
    TimelineEntry,
    Tombstone,
)
from cases.workflow.store import sync as sync_store
from cases.workflow.transitions import CITY, Subject, System
from identity.models import Principal
from media import service as media
from media.storage import Storage
from notifications import outbox
from notifications.topics import CASE_DUE_SOON, CASE_OVERDUE, Topic


async def case_summary(conn: asyncpg.Connection, case_id: UUID, crs: CRS = "wgs84") -> CaseSummary:
    row = await store.get_case_with_step(conn, case_id)
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
    principal: Principal,
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
    """A staff queue: the cases the caller sees (access.scope), filtered, newest first or by deadline."""
    scope = access.scope(principal)
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
        rows = await store.department_deadline_queue(
            conn, wanted, state=state, overdue=overdue, due_soon=due_soon, after=after, limit=limit
        )
    else:
        rows = await store.list_cases(
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
    principal: Principal | None,
    *,
    crs: CRS = "wgs84",
) -> CaseDetail:
    """Staff who may see the case get its whole history; everyone else the public timeline of a visible case.

    An anonymous reporter stays anonymous in the history too: the events they caused as a reporter (reported,
    report_joined, routed) carry no actor, whoever reads them. Only an admin may learn who filed an anonymous
    report, one report at a time and audited (getReport).
    """
    row = await store.get_case(conn, case_id)
    if row is None:
        raise CaseNotFound("no such case")
    staff = (
        principal is not None
        and principal.is_staff
        and await store.case_visible(conn, access.scope(principal), case_id)
    )
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
    open_step = await store.open_deadline_readonly(conn, case_id)
    full = dict(row)
    full.update(
        step=open_step["step"] if open_step else None,
        due_at=open_step["due_at"] if open_step else None,
        due_soon_at=open_step["due_soon_at"] if open_step else None,
        paused_at=open_step["paused_at"] if open_step else None,
        assignee_id=open_step["assignee_id"] if open_step else None,
    )
    events = await store.case_events(conn, case_id)
    reports = await store.case_reports(conn, case_id)
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
        allowed_actions=engine.allowed_actions(principal, row) if principal else [],
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
            for d in await store.case_deadlines(conn, case_id)
        ],
        report_numbers=[r["number"] for r in reports],
        photos=await media.photo_links(conn, storage, await store.case_photo_ids(conn, case_id)),
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
    rows = await store.inspector_tasks(conn, inspector_id, point, after, limit)
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
    principal: Principal,
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
    scope = access.scope(principal)
    horizon, next_xid = await sync_store.sync_horizon(conn)
    after: SyncKey = (0, _NIL)
    floor = horizon
    if cursor:
        parsed = _sync_cursor(cursor, field)
        if isinstance(parsed, datetime):
            first = await sync_store.first_change_since(conn, scope, parsed)
            after, floor = (horizon if first is None else min(first, horizon), _NIL), 0
        elif max(parsed[0][0], parsed[1]) > next_xid:
            after, floor = (0, _NIL), 0
        else:
            after, floor = parsed
    rows = await sync_store.cases_changed_after(conn, scope, after, horizon, limit + 1)
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
            if r["assignee_id"] == principal.user_id and r["step"] in ("verify", "check")
        ),
        key=lambda t: (t.due_at, t.task_id),
    )
    tombstones: list[Tombstone] = []
    since = max(after, (floor, _NIL))
    if since < until:
        tombstones += [
            Tombstone(type="task", id=str(task_id))
            for task_id in await sync_store.tasks_closed_between(conn, principal.user_id, since, until)
        ]
    if since < until and scope.departments:
        tombstones += [
            Tombstone(type="case", id=str(case_id))
            for case_id in await sync_store.cases_moved_away_between(conn, scope, since, until)
        ]
    return SyncPage(
        cases=[summary(r, crs) for r in rows],
        tasks=tasks,
        tombstones=tombstones,
        next_cursor=encode_cursor("x", until[0], until[1], floor),
        more=more,
    )


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
    case = await store.get_case(conn, case_id)
    if case is None:
        raise CaseNotFound("no such case")
    if case["state"] != "closed":
        raise RatingNotAllowed("a case can be rated once it is closed", state=case["state"])
    if not await store.insert_rating(
        conn, case_id, case["round"], reporter_id, rating.fixed, rating.score, rating.comment
    ):
        raise RatingNotAllowed("you have rated this round of the case already", state=case["state"])
    reopened = False
    closed_at = case["closed_at"]
    if not rating.fixed and closed_at is not None and datetime.now(UTC) - closed_at <= REOPEN_WINDOW:
        await engine.apply(
            conn,
            calendar,
            System(),
            case_id,
            case["version"],
            TransitionRequest(action="reopen", note=_rating_note(rating)),
            case=case,
            event_data={"rating": {"fixed": rating.fixed, "score": rating.score, "comment": rating.comment}},
        )
        reopened = True
    return RatingResult(case_id=case_id, round=case["round"], reopened=reopened)


async def emit_deadline_events(conn: asyncpg.Connection, limit: int = 500) -> dict[str, int]:
    """Write one outbox row per step of a case that became due soon (80 % of its time) or overdue."""
    return await emit_step_events(conn, CITY, CASE_DUE_SOON, CASE_OVERDUE, limit)


async def emit_step_events(
    conn: asyncpg.Connection, subject: Subject, due_soon_topic: Topic, overdue_topic: Topic, limit: int = 500
) -> dict[str, int]:
    """Write one outbox row per step of the subject's rows (a workflow's deadlines table) that became due soon
    or overdue, of the topics given: payload the subject's key, the deadline, round, step, due time, assignee
    (and a case's department).

    The rows are claimed with FOR UPDATE SKIP LOCKED and marked in the same transaction as the outbox rows,
    so each event is written exactly once however many workers run.
    """
    counts: dict[str, int] = {}
    claims: tuple[tuple[Topic, Callable[..., Awaitable[list[asyncpg.Record]]]], ...] = (
        (due_soon_topic, store.claim_due_soon),
        (overdue_topic, store.claim_overdue),
    )
    for topic, claim in claims:
        rows = await claim(conn, limit, subject)
        for r in rows:
            payload: dict[str, Any] = {
                subject.key: str(r["subject_id"]),
                "deadline_id": r["id"],
                "round": r["round"],
                "step": r["step"],
                "due_at": r["due_at"].isoformat(),
                "assignee_id": str(r["assignee_id"]) if r["assignee_id"] else None,
            }
            if subject == CITY:
                payload["department"] = r["department_code"]
            await outbox.enqueue(conn, topic, payload)
        counts[topic] = len(rows)
    return counts


async def in_scope(conn: asyncpg.Connection, principal: Principal | None, case_id: UUID) -> bool:
    """Staff whose scope covers the case (the rule of case views: access.scope, store.case_visible)."""
    if principal is None or not principal.is_staff:
        return False
    return await store.case_visible(conn, access.scope(principal), case_id)


async def public_timelines(conn: asyncpg.Connection, case_ids: list[UUID]) -> dict[UUID, list[TimelineEntry]]:
    """The public timeline of each case (what a citizen sees)."""
    found: dict[UUID, list[TimelineEntry]] = {case_id: [] for case_id in case_ids}
    for row in await store.public_timelines(conn, case_ids):
        found[row["case_id"]].extend(timeline([row]))
    return found


async def full_timeline(conn: asyncpg.Connection, case_id: UUID) -> list[TimelineEntry]:
    """Every event of a case (staff in scope)."""
    return timeline(await store.full_timeline(conn, case_id))


def timeline(rows: Iterable[Mapping[str, Any] | asyncpg.Record]) -> list[TimelineEntry]:
    """Case events as a timeline (the rows are already filtered to what the reader may see)."""
    return [TimelineEntry(at=r["at"], kind=r["kind"], state=r["to_state"], note=r["note"]) for r in rows]
