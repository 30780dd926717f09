"""Estate announcements (公告, issue 12 §5): published to a whole estate or to some of its buildings, read by the
residents of the homes in scope with a read receipt each, pushed when urgent, withdrawn with a reason. Plain
async functions that take a connection inside the caller's transaction and never commit; each write is audited
here. The SQL is in housing/notices_store.py.

- Publishers: the estate's property staff (property_staff, property_manager scoped to it), its owners' committee
  (owners_committee scoped to it), the district's housing officer, admins. An announcement shows the side it was
  published for (``publisher_as``: property, committee, officer, admin; a caller on several sides publishes for
  the first of them in that order), and only that side (or an admin) withdraws it: the committee does not take
  down the company's notices, nor the company the committee's.
- Readers: the residents bound now (an active binding, any relation) to a home in scope see the live ones
  (published, not past ``expires_at``), newest first; a withdrawn one is gone for them (announcement_not_found),
  an expired one is still read by its id (a push may lead there). Publishers see every one, with its state.
- Read receipts: one per resident and announcement, the first time; marking again changes nothing. The
  publishers read the counts: residents in scope now, how many of them read it, and every receipt.
- Urgent: the announcement's outbox row (topic ``housing.announcement``, payload: estate and announcement ids) is
  written with it; the worker tells the residents in scope, inbox and push, as urgent (notifications/fanout.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
import msgspec

from housing import access
from housing import notices_store as store
from housing.access import PublisherSide
from housing.errors import (
    AnnouncementForbidden,
    AnnouncementNotFound,
    AnnouncementStateConflict,
    EstateNotFound,
    InvalidAnnouncement,
    InvalidEstatePhoto,
)
from housing.paging import decode_cursor, encode_cursor
from identity import service as identity
from identity.models import Principal, RequestContext
from media import service as media
from media.models import PhotoLink
from media.storage import Storage
from notifications.outbox import enqueue
from notifications.topics import ANNOUNCEMENT

AnnouncementState = Literal["published", "withdrawn"]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
MAX_PHOTOS = 9


# schemas --------------------------------------------------------------------------------------------------------


class AnnouncementCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
    urgent: bool = False
    building_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=MAX_PHOTOS)] = msgspec.field(
        default_factory=list
    )
    expires_at: AwareDatetime | None = None


class AnnouncementWithdrawal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class AnnouncementBuilding(msgspec.Struct, frozen=True):
    id: UUID
    name: str


class Announcement(msgspec.Struct, frozen=True):
    id: UUID
    estate_id: UUID
    buildings: list[AnnouncementBuilding]
    title: str
    body: str
    urgent: bool
    photos: list[PhotoLink]
    expires_at: datetime | None
    expired: bool
    publisher_as: PublisherSide
    published_at: datetime
    state: AnnouncementState
    withdrawn_at: datetime | None
    withdraw_reason: str
    read_at: datetime | None
    version: int


class AnnouncementPage(msgspec.Struct, frozen=True):
    items: list[Announcement]
    next_cursor: str | None


class AnnouncementReads(msgspec.Struct, frozen=True):
    announcement_id: UUID
    residents: int
    readers: int
    receipts: int


# helpers --------------------------------------------------------------------------------------------------------


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


async def _district(conn: asyncpg.Connection, estate_id: UUID) -> str:
    district = await store.estate_district(conn, estate_id)
    if district is None:
        raise EstateNotFound("no such estate")
    return district


async def check_photos(
    conn: asyncpg.Connection, principal: Principal, photo_ids: list[UUID], field: str
) -> None:
    """Each photo a processed photo the caller uploaded (media pipeline), listed once (InvalidEstatePhoto)."""
    if len(set(photo_ids)) != len(photo_ids):
        raise InvalidEstatePhoto("a photo is listed twice", fields=_field(field))
    refs = await media.photo_refs(conn, photo_ids)
    for index, photo_id in enumerate(photo_ids):
        ref = refs.get(photo_id)
        if ref is None or ref.owner_id != principal.user_id:
            raise InvalidEstatePhoto(
                f"photo {photo_id} is not a photo you uploaded", fields=_field(f"{field}[{index}]")
            )


async def _view(
    conn: asyncpg.Connection, storage: Storage, row: asyncpg.Record, names: dict[UUID, str]
) -> Announcement:
    return Announcement(
        id=row["id"],
        estate_id=row["estate_id"],
        buildings=[AnnouncementBuilding(id=b, name=names.get(b, "")) for b in row["building_ids"]],
        title=row["title"],
        body=row["body"],
        urgent=row["urgent"],
        photos=await media.photo_links(conn, storage, list(row["photo_ids"])),
        expires_at=row["expires_at"],
        expired=row["expired"],
        publisher_as=row["publisher_as"],
        published_at=row["published_at"],
        state=row["state"],
        withdrawn_at=row["withdrawn_at"],
        withdraw_reason=row["withdraw_reason"],
        read_at=row["read_at"],
        version=row["version"],
    )


def _in_scope(row: asyncpg.Record, buildings: list[UUID]) -> bool:
    scope = list(row["building_ids"])
    return bool(buildings) and (not scope or any(b in scope for b in buildings))


async def _readable(conn: asyncpg.Connection, principal: Principal, announcement_id: UUID) -> asyncpg.Record:
    """The announcement as the caller may read it: a publisher of its estate any one; a resident in its scope a
    published one (a withdrawn one does not exist for them)."""
    row = await store.get_announcement(conn, announcement_id, principal.user_id)
    if row is None:
        raise AnnouncementNotFound("no such announcement")
    if access.publisher_sides(principal, str(row["estate_id"]), row["district_code"]):
        return row
    if row["state"] != "published":
        raise AnnouncementNotFound("no such announcement")
    if not _in_scope(row, await store.resident_buildings(conn, row["estate_id"], principal.user_id)):
        raise AnnouncementForbidden("the announcement is not addressed to a home of yours")
    return row


# use cases ------------------------------------------------------------------------------------------------------


async def publish(
    conn: asyncpg.Connection,
    storage: Storage,
    ctx: RequestContext,
    principal: Principal,
    estate_id: UUID,
    data: AnnouncementCreate,
) -> Announcement:
    """Publish an announcement (audited); an urgent one is pushed to the residents in scope (outbox)."""
    district = await _district(conn, estate_id)
    sides = access.publisher_sides(principal, str(estate_id), district)
    if not sides:
        raise AnnouncementForbidden(
            "only the estate's property staff, its owners' committee and the district's housing officer publish"
        )
    title, body = data.title.strip(), data.body.strip()
    if not title:
        raise InvalidAnnouncement("the title is blank", fields=_field("title"))
    if not body:
        raise InvalidAnnouncement("the body is blank", fields=_field("body"))
    names = await store.estate_buildings(conn, estate_id)
    building_ids = list(dict.fromkeys(data.building_ids))
    for index, building_id in enumerate(building_ids):
        if building_id not in names:
            raise InvalidAnnouncement(
                f"building {building_id} is not a building of this estate",
                fields=_field(f"building_ids[{index}]"),
            )
    if data.expires_at is not None and data.expires_at <= await _now(conn):
        raise InvalidAnnouncement("expires_at is past", fields=_field("expires_at"))
    await check_photos(conn, principal, data.photo_ids, "photo_ids")
    announcement_id = await store.insert_announcement(
        conn,
        estate_id=estate_id,
        building_ids=building_ids,
        title=title,
        body=body,
        urgent=data.urgent,
        photo_ids=data.photo_ids,
        expires_at=data.expires_at,
        publisher_id=principal.user_id,
        publisher_as=sides[0],
    )
    if data.urgent:
        await enqueue(
            conn, ANNOUNCEMENT, {"estate_id": str(estate_id), "announcement_id": str(announcement_id)}
        )
    await identity.audit(
        conn, ctx, principal.user_id, "announcement.publish", "estate_announcement", str(announcement_id),
        estate_id=str(estate_id), publisher_as=sides[0], title=title, urgent=data.urgent,
        building_ids=[str(b) for b in building_ids], photo_ids=[str(p) for p in data.photo_ids],
        expires_at=data.expires_at.isoformat() if data.expires_at else None,
    )  # fmt: skip
    row = await store.get_announcement(conn, announcement_id, principal.user_id)
    assert row is not None
    return await _view(conn, storage, row, names)


async def _now(conn: asyncpg.Connection) -> datetime:
    """The transaction's time (the database's clock, as the expiry is judged by in the queries)."""
    now: datetime = await conn.fetchval("SELECT now()")
    return now


async def list_announcements(
    conn: asyncpg.Connection,
    storage: Storage,
    principal: Principal,
    estate_id: UUID,
    cursor: str | None,
    limit: int,
) -> AnnouncementPage:
    """The estate's announcements, newest first: every one for its publishers, the live ones in scope for its
    residents; each with the caller's read receipt."""
    district = await _district(conn, estate_id)
    buildings: list[UUID] | None = None
    if not access.publisher_sides(principal, str(estate_id), district):
        buildings = await store.resident_buildings(conn, estate_id, principal.user_id)
        if not buildings:
            raise AnnouncementForbidden("you have no home in this estate")
    after = None
    if cursor:
        at, last_id = decode_cursor(cursor, (datetime, UUID))
        assert isinstance(at, datetime) and isinstance(last_id, UUID)
        after = (at, last_id)
    rows = await store.list_announcements(conn, estate_id, principal.user_id, buildings, after, limit)
    names = await store.estate_buildings(conn, estate_id)
    items = [await _view(conn, storage, r, names) for r in rows]
    next_cursor = (
        encode_cursor(items[-1].published_at.isoformat(), items[-1].id) if len(items) == limit else None
    )
    return AnnouncementPage(items=items, next_cursor=next_cursor)


async def get_announcement(
    conn: asyncpg.Connection, storage: Storage, principal: Principal, announcement_id: UUID
) -> Announcement:
    row = await _readable(conn, principal, announcement_id)
    return await _view(conn, storage, row, await store.estate_buildings(conn, row["estate_id"]))


async def mark_read(
    conn: asyncpg.Connection, storage: Storage, principal: Principal, announcement_id: UUID
) -> Announcement:
    """The caller's read receipt (a resident in scope); marking again keeps the first one."""
    row = await store.get_announcement(conn, announcement_id, principal.user_id)
    if row is None or row["state"] != "published":
        raise AnnouncementNotFound("no such announcement")
    if not _in_scope(row, await store.resident_buildings(conn, row["estate_id"], principal.user_id)):
        raise AnnouncementForbidden(
            "read receipts are kept for the residents the announcement is addressed to"
        )
    await store.insert_read(conn, announcement_id, principal.user_id)
    return await get_announcement(conn, storage, principal, announcement_id)


async def reads(conn: asyncpg.Connection, principal: Principal, announcement_id: UUID) -> AnnouncementReads:
    """How many of the residents in scope read it (the estate's publishers)."""
    row = await store.get_announcement(conn, announcement_id, principal.user_id)
    if row is None:
        raise AnnouncementNotFound("no such announcement")
    if not access.publisher_sides(principal, str(row["estate_id"]), row["district_code"]):
        raise AnnouncementForbidden("only the estate's publishers read the receipts")
    counts = await store.read_counts(conn, announcement_id)
    return AnnouncementReads(
        announcement_id=announcement_id,
        residents=counts["residents"],
        readers=counts["readers"],
        receipts=counts["receipts"],
    )


async def withdraw(
    conn: asyncpg.Connection,
    storage: Storage,
    ctx: RequestContext,
    principal: Principal,
    announcement_id: UUID,
    data: AnnouncementWithdrawal,
) -> Announcement:
    """Withdraw (hide from residents) with a reason: the side that published it, or an admin; audited."""
    row = await store.get_announcement(conn, announcement_id, principal.user_id)
    if row is None:
        raise AnnouncementNotFound("no such announcement")
    sides = access.publisher_sides(principal, str(row["estate_id"]), row["district_code"])
    if row["publisher_as"] not in sides and "admin" not in sides:
        if not sides and row["state"] != "published":
            raise AnnouncementNotFound("no such announcement")
        raise AnnouncementForbidden(f"only the side that published it ({row['publisher_as']}) withdraws it")
    reason = data.reason.strip()
    if not reason:
        raise InvalidAnnouncement("the reason is blank", fields=_field("reason"))
    if not await store.withdraw_announcement(conn, announcement_id, principal.user_id, reason):
        raise AnnouncementStateConflict("the announcement was withdrawn already", state="withdrawn")
    await identity.audit(
        conn, ctx, principal.user_id, "announcement.withdraw", "estate_announcement", str(announcement_id),
        estate_id=str(row["estate_id"]), reason=reason,
    )  # fmt: skip
    return await get_announcement(conn, storage, principal, announcement_id)
