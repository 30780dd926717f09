"""Use cases of citizens' reports. Each takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from cases.catalogue import service as catalogue
from cases.catalogue.errors import CategoryNotReportable, UnknownCategory
from cases.common import (
    CRS,
    InvalidCursor,
    Location,
    PhotoUnavailable,
    decode_cursor,
    encode_cursor,
    haversine_m,
    present,
    to_wgs84,
)
from cases.reports import store
from cases.reports.errors import (
    OutsideServiceArea,
    PhotosRequired,
    ReportLimitReached,
    ReportNotFound,
)
from cases.reports.models import (
    ReportCreate,
    ReportCreated,
    ReportPage,
    ReportSummary,
    ReportView,
)
from cases.workflow import access, engine
from cases.workflow import service as casework
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.errors import ActionForbidden
from identity import service as identity
from identity.models import Principal
from media import service as media
from media.storage import Storage


class CasesConfig(msgspec.Struct, frozen=True, kw_only=True):
    timezone: str = "Asia/Shanghai"  # the city's local time: report numbers carry the local date
    reports_per_day: int = 20  # per citizen per 24 h; staff are exempt
    location_mismatch_m: float = 500.0  # photo GPS this far from the given point flags the report
    nearby_limit: int = 5
    map_feature_cap: int = 500  # above this many cases in the box, the map answers with clusters


def _check_category(facts: asyncpg.Record, code: str, viewer: Principal) -> None:
    """The category must exist and be active; citizens may report only the citizen-reportable ones."""
    if facts["code"] is None:
        raise UnknownCategory(f"no active category {code}", fields=("category",))
    if not facts["citizen_reportable"] and not viewer.is_staff:
        raise CategoryNotReportable(f"citizens cannot report {code}", fields=("category",))


def _check_photos(
    facts: asyncpg.Record, viewer: Principal, photo_ids: list[UUID]
) -> list[tuple[float, float]]:
    """Each photo must be the caller's, processed, and not part of another report; at least the category's
    minimum. Returns the photos' EXIF positions."""
    if len(set(photo_ids)) != len(photo_ids):
        raise PhotoUnavailable("a photo is listed twice", fields=("photo_ids",))
    for index, (photo_id, owner) in enumerate(zip(photo_ids, facts["photo_owners"], strict=True)):
        if owner != viewer.user_id:
            raise PhotoUnavailable(
                f"photo {photo_id} is not an uploaded photo of yours", fields=(f"photo_ids[{index}]",)
            )
    if any(facts["photos_in_use"]):
        index = facts["photos_in_use"].index(True)
        raise PhotoUnavailable("a photo is already part of another report", fields=(f"photo_ids[{index}]",))
    minimum = facts["min_photos"]
    if len(photo_ids) < minimum:
        raise PhotosRequired(
            f"this category needs at least {minimum} photo(s)", fields=("photo_ids",), minimum=minimum
        )
    return [
        (lat, lon) for lat, lon in zip(facts["exif_lats"], facts["exif_lons"], strict=True) if lat is not None
    ]


async def submit_report(
    conn: asyncpg.Connection,
    config: CasesConfig,
    calendar: WorkCalendar,
    viewer: Principal,
    data: ReportCreate,
    *,
    patrol: bool = False,
    now: datetime | None = None,
) -> tuple[ReportCreated, bool]:
    """File a report: a new case, routed by place and category, or a further report on an open case it
    duplicates. A citizen's case is verified on site first unless its category says otherwise; an
    inspector's patrol report (`patrol`) is registered directly.

    Returns the report and whether it was created now (False: the phone's client_id was seen already, and the
    earlier report is returned unchanged).

    Two requests with the same client_id at once (a phone retrying under a new Idempotency-Key) both pass the
    first look-up; the reports table's unique (reporter_id, client_id) decides: the second waits on the first's
    row, finds it taken, undoes its own work (a savepoint) and returns the first report.

    `now`: a report filed after the fact (the demo's seed), dated then: its number's day, the report, the case,
    its events and its first step. It does not count against the reporter's limit of reports a day, which is for
    what phones send now; nothing reachable from the API passes it.
    """
    await engine.reuse_plans(conn)
    if data.client_id is None:
        created = await _file_report(conn, config, calendar, viewer, data, patrol=patrol, now=now)
        assert created is not None
        return created, True
    existing = await store.get_report_by_client_id(conn, viewer.user_id, data.client_id)
    if existing is not None:
        return _created(existing), False
    try:
        async with conn.transaction():  # a savepoint, rolled back when a twin request filed it first
            created = await _file_report(conn, config, calendar, viewer, data, patrol=patrol, now=now)
            if created is None:
                raise _FiledByTwin
    except _FiledByTwin:
        existing = await store.get_report_by_client_id(conn, viewer.user_id, data.client_id)
        assert existing is not None
        return _created(existing), False
    return created, True


class _FiledByTwin(Exception):
    """Another request with the same client_id filed the report first (see submit_report)."""


async def _file_report(
    conn: asyncpg.Connection,
    config: CasesConfig,
    calendar: WorkCalendar,
    viewer: Principal,
    data: ReportCreate,
    *,
    patrol: bool,
    now: datetime | None = None,
) -> ReportCreated | None:
    """File the report; None when its client_id turns out to be taken (its work must then be undone)."""
    lat, lon = to_wgs84(data.location.lat, data.location.lon, data.location.crs)
    facts = await store.submission_facts(conn, lat, lon, data.category, data.photo_ids)
    _check_category(facts, data.category, viewer)
    if facts["in_area"] is False:
        raise OutsideServiceArea("the location is outside the city's service area", fields=("location",))
    if not viewer.is_staff and now is None:
        hits, _ = await identity.count_hit(conn, f"reports:{viewer.user_id}", 86_400)
        if hits > config.reports_per_day:
            raise ReportLimitReached(
                f"at most {config.reports_per_day} reports a day",
                limit=config.reports_per_day,
                retry_after=3600,
            )
    exif_points = _check_photos(facts, viewer, data.photo_ids)
    mismatch = any(
        haversine_m(lat, lon, p_lat, p_lon) > config.location_mismatch_m for p_lat, p_lon in exif_points
    )

    joined = facts["joinable_id"] is not None
    if joined:
        case_id, state = facts["joinable_id"], facts["joinable_state"]
        await store.add_reporter(conn, case_id)
        await engine.record_event(conn, case_id, kind="report_joined", actor_id=viewer.user_id, public=True)
    else:
        case = await engine.intake(
            conn,
            calendar,
            reporter=viewer.user_id,
            source="inspector" if patrol else "citizen",
            category=facts["code"],
            needs_verification=facts["needs_verification"],
            lat=lat,
            lon=lon,
            address=data.address,
            description=data.description,
            now=now,
        )
        case_id, state = case["id"], case["state"]
    row = await store.file_report(
        conn,
        day=(now or datetime.now(UTC)).astimezone(ZoneInfo(config.timezone)).date(),
        photo_ids=data.photo_ids,
        case_id=case_id,
        reporter_id=viewer.user_id,
        client_id=data.client_id,
        category=facts["code"],
        description=data.description,
        lat=lat,
        lon=lon,
        original_lat=data.location.lat,
        original_lon=data.location.lon,
        original_crs=data.location.crs,
        address=data.address,
        anonymous=data.anonymous,
        location_mismatch=mismatch,
        joined_existing=joined,
        created_at=now,
    )
    if row is None:
        return None
    return ReportCreated(
        id=row["id"],
        number=row["number"],
        case_id=case_id,
        status=state,
        joined_existing=joined,
        location_mismatch=mismatch,
        created_at=row["created_at"],
    )


def _created(row: asyncpg.Record) -> ReportCreated:
    return ReportCreated(
        id=row["id"],
        number=row["number"],
        case_id=row["case_id"],
        status=row["state"],
        joined_existing=row["joined_existing"],
        location_mismatch=row["location_mismatch"],
        created_at=row["created_at"],
    )


async def get_report(
    conn: asyncpg.Connection, storage: Storage, report_id: UUID, viewer: Principal | None, crs: CRS = "wgs84"
) -> ReportView:
    """The full view goes to the reporter and to staff whose scope covers the report's case (the rule of case
    views: casework.in_scope). Everyone else, staff out of scope included, gets the
    public view, and a hidden report is not found for them.

    An anonymous report's reporter is shown to nobody but the reporter and admins: a full view for other staff
    leaves out reporter_id and client_id (the phone's own id). The caller writes an admin's view of an
    anonymous reporter to the audit log.
    """
    row = await store.get_report(conn, report_id)
    if row is None:
        raise ReportNotFound("no such report")
    reporter = viewer is not None and viewer.user_id == row["reporter_id"]
    staff = await casework.in_scope(conn, viewer, row["case_id"])
    full = reporter or staff
    if row["hidden"] and not full:
        raise ReportNotFound("no such report")
    if staff:
        events = await casework.full_timeline(conn, row["case_id"])
    else:
        events = (await casework.public_timelines(conn, [row["case_id"]]))[row["case_id"]]
    view = ReportView(
        id=row["id"],
        number=row["number"],
        case_id=row["case_id"],
        status=row["state"],
        category=row["category_code"],
        description=row["description"],
        location=present(row["lat"], row["lon"], crs),
        address=row["address"],
        created_at=row["created_at"],
        reporter_count=row["reporter_count"],
        photos=await media.photo_links(conn, storage, list(row["photo_ids"])),
        timeline=events,
        view="full" if full else "public",
    )
    if not full:
        following = await store.is_following(conn, row["case_id"], viewer.user_id) if viewer else None
        return msgspec.structs.replace(view, following=following)
    named = not row["anonymous"] or reporter or access.is_admin(viewer)
    return msgspec.structs.replace(
        view,
        anonymous=row["anonymous"],
        reporter_id=row["reporter_id"] if named else None,
        client_id=row["client_id"] if named else None,
        joined_existing=row["joined_existing"],
        location_mismatch=row["location_mismatch"],
        original_location=Location(lat=row["original_lat"], lon=row["original_lon"], crs=row["original_crs"]),
        hidden=row["hidden"],
        hidden_reason=row["hidden_reason"],
        following=True if viewer and viewer.user_id == row["reporter_id"] else None,
    )


async def my_reports(
    conn: asyncpg.Connection, viewer: Principal, cursor: str | None, limit: int
) -> ReportPage:
    after = None
    if cursor:
        at, report_id = decode_cursor(cursor, 2)
        try:
            after = (datetime.fromisoformat(at), UUID(report_id))
        except ValueError as exc:
            raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
    rows = await store.reports_by_reporter(conn, viewer.user_id, after, limit)
    by_case = await casework.public_timelines(conn, list({r["case_id"] for r in rows}))
    items = [
        ReportSummary(
            id=r["id"],
            number=r["number"],
            case_id=r["case_id"],
            status=r["state"],
            category=r["category_code"],
            description=r["description"],
            created_at=r["created_at"],
            updated_at=r["case_updated_at"],
            timeline=by_case[r["case_id"]],
        )
        for r in rows
    ]
    next_cursor = (
        encode_cursor(rows[-1]["created_at"].isoformat(), rows[-1]["id"]) if len(rows) == limit else None
    )
    return ReportPage(items=items, next_cursor=next_cursor)


async def follow(conn: asyncpg.Connection, report_id: UUID, viewer: Principal) -> UUID:
    row = await store.get_report(conn, report_id)
    if row is None or (row["hidden"] and not await casework.in_scope(conn, viewer, row["case_id"])):
        raise ReportNotFound("no such report")
    await store.follow(conn, row["case_id"], viewer.user_id)
    case_id: UUID = row["case_id"]
    return case_id


Unfollowed = Literal["unfollowed", "not_following", "reporter"]


async def unfollow(conn: asyncpg.Connection, report_id: UUID, viewer: Principal) -> Unfollowed:
    """Stop following a report's case; unfollowing a case one does not follow changes nothing.

    The report must be one the caller may follow (not hidden, unless staff in scope), or the case one they follow
    already: leaving what one follows reveals nothing, even after moderation hid it. A reporter of the case
    (with a report still shown) is told of its progress as a reporter, following or not, so the follow stays
    and the answer says so ("reporter").
    """
    row = await store.get_report(conn, report_id)
    if row is None:
        raise ReportNotFound("no such report")
    case_id: UUID = row["case_id"]
    following = await store.is_following(conn, case_id, viewer.user_id)
    if row["hidden"] and not following and not await casework.in_scope(conn, viewer, case_id):
        raise ReportNotFound("no such report")
    if await store.reports_case(conn, case_id, viewer.user_id):
        return "reporter"
    if not following:
        return "not_following"
    await store.unfollow(conn, case_id, viewer.user_id)
    return "unfollowed"


PhotoSize = Literal["display", "thumb", "original"]


async def may_see_photo(
    conn: asyncpg.Connection, photo_id: UUID, owner_id: UUID, size: PhotoSize, viewer: Principal | None
) -> bool:
    """Whether the reader may have this copy of a photo.

    The clean copies (display, thumb: every metadata stripped) go to anyone when the photo is part of a report
    the public may see (neither the report nor its case hidden), to the photo's owner, to admins, and to staff
    whose scope covers a case the photo belongs to (by a report or as evidence in its history).

    The original keeps its EXIF data (GPS position, capture time, camera) and goes only to the staff who act on
    one of the photo's cases (access.acts_on: admins, the case's inspector, the department it is dispatched
    to, intake clerks, shift leads and dispatchers of its district): never to the public, leaders, property
    managers, other inspectors or departments, or its owner.
    """
    if access.is_admin(viewer):
        return True
    if size == "original":
        if viewer is None or not viewer.is_staff:
            return False
        cases = await store.photo_cases(conn, photo_id)
        return any(access.acts_on(viewer, case) for case in cases)
    if viewer is not None and viewer.user_id == owner_id:
        return True
    if await store.photo_is_public(conn, photo_id):
        return True
    if viewer is None or not viewer.is_staff:
        return False
    for case in await store.photo_cases(conn, photo_id):
        if await casework.in_scope(conn, viewer, case["id"]):
            return True
    return False


async def case_of_own_report(conn: asyncpg.Connection, report_id: UUID, user_id: UUID) -> UUID:
    """The case behind one of the caller's own reports (others' reports are not found)."""
    row = await store.get_report(conn, report_id)
    if row is None or row["reporter_id"] != user_id:
        raise ReportNotFound("no such report of yours")
    case_id: UUID = row["case_id"]
    return case_id


async def _moderated_report(conn: asyncpg.Connection, report_id: UUID, viewer: Principal) -> asyncpg.Record:
    """A report the moderator's scope covers (its case is in their scope, as for case views). Out of scope, a
    hidden report is not found (as for anyone who may not see it) and a visible one is refused."""
    row = await store.get_report(conn, report_id)
    if row is None:
        raise ReportNotFound("no such report")
    if not await casework.in_scope(conn, viewer, row["case_id"]):
        if row["hidden"]:
            raise ReportNotFound("no such report")
        raise ActionForbidden("this report's case is not in your scope")
    return row


async def hide_report(conn: asyncpg.Connection, report_id: UUID, reason: str, viewer: Principal) -> UUID:
    """Hide a report from the public (moderators whose scope covers its case)."""
    row = await _moderated_report(conn, report_id, viewer)
    actor_id = viewer.user_id
    await store.hide_report(conn, report_id, reason)
    await store.hide_case_if_all_reports_hidden(conn, row["case_id"], reason)
    await engine.record_event(
        conn,
        row["case_id"],
        kind="report_hidden",
        actor_id=actor_id,
        public=False,
        note=reason,
        data={"report_id": str(report_id)},
    )
    case_id: UUID = row["case_id"]
    return case_id


async def recategorise(
    conn: asyncpg.Connection, report_id: UUID, category_code: str, note: str, viewer: Principal
) -> tuple[str, str]:
    """Move a report and its case to another category (moderators whose scope covers its case)."""
    row = await _moderated_report(conn, report_id, viewer)
    actor_id = viewer.user_id
    await catalogue.active_category(conn, category_code)
    await store.recategorise(conn, report_id, row["case_id"], category_code)
    await engine.record_event(
        conn,
        row["case_id"],
        kind="recategorised",
        actor_id=actor_id,
        public=True,
        note=note,
        data={"from": row["category_code"], "to": category_code},
    )
    return row["category_code"], category_code
