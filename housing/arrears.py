"""Arrears (欠费) of an estate per building and per home, and reminders to the residents of homes in arrears.

A bill is in arrears when it is still open (issued or partly paid) after its due date. Reminders go to every
resident bound to the home (owners, family, tenants) as an outbox row ``housing.bill_reminder``, written in the
same transaction as the reminder's record: the notifications worker turns it into inbox messages and pushes, and
holds pushes in each resident's quiet hours. A home reminded less than ``REMINDER_COOLDOWN`` ago is skipped.
Nothing here cuts water, power, heat or gas, or could (Civil Code Art. 944).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Final
from uuid import UUID

import asyncpg
import msgspec

from housing import billing_store as store
from housing import bills_store
from housing.errors import EstateNotFound, HomeNotFound
from housing.paging import decode_cursor, encode_cursor
from notifications import outbox, topics

REMINDER_TOPIC: Final = topics.BILL_REMINDER
REMINDER_COOLDOWN: Final = timedelta(hours=24)
MAX_REMINDER_HOMES: Final = 5_000


class BuildingArrears(msgspec.Struct, frozen=True, kw_only=True):
    """One building's arrears: homes and bills past due, what they still owe, the oldest due date."""

    building_id: UUID
    building: str
    homes: int
    bills: int
    outstanding_fen: int
    oldest_due: date


class EstateArrears(msgspec.Struct, frozen=True, kw_only=True):
    """An estate's arrears on ``as_of`` (the city's date): every building with bills past due."""

    estate_id: UUID
    as_of: date
    homes: int
    bills: int
    outstanding_fen: int
    buildings: list[BuildingArrears]


class HomeArrears(msgspec.Struct, frozen=True, kw_only=True):
    """One home in arrears: where it is, its bills past due and what they still owe."""

    home_id: UUID
    building_id: UUID
    building: str
    entrance: str
    floor: int
    room: str
    bills: int
    outstanding_fen: int
    oldest_due: date
    last_reminded_at: datetime | None


class HomeArrearsPage(msgspec.Struct, frozen=True):
    """Homes with bills past due, by home id: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[HomeArrears]
    next_cursor: str | None


class ReminderRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Whom to remind: the homes named, or every home in arrears (of one building), owing at least
    ``min_outstanding_fen``."""

    home_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=MAX_REMINDER_HOMES)] | None = None
    building_id: UUID | None = None
    min_outstanding_fen: Annotated[int, msgspec.Meta(ge=1, le=10**12)] = 1


class RemindersSent(msgspec.Struct, frozen=True, kw_only=True):
    """What a reminder request did: homes reminded, residents told, homes skipped and why."""

    homes: int  # homes reminded now
    recipients: int  # residents told
    skipped_recently_reminded: int
    skipped_without_residents: int


async def _estate(conn: asyncpg.Connection, estate_id: UUID) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM estates WHERE id = $1)", estate_id):
        raise EstateNotFound(f"no estate {estate_id}")


async def estate_arrears(conn: asyncpg.Connection, estate_id: UUID, as_of: date) -> EstateArrears:
    await _estate(conn, estate_id)
    buildings = [
        BuildingArrears(
            building_id=r["building_id"],
            building=r["building"],
            homes=r["homes"],
            bills=r["bills"],
            outstanding_fen=r["outstanding_fen"],
            oldest_due=r["oldest_due"],
        )
        for r in await bills_store.arrears_by_building(conn, estate_id, as_of)
    ]
    return EstateArrears(
        estate_id=estate_id,
        as_of=as_of,
        homes=sum(b.homes for b in buildings),
        bills=sum(b.bills for b in buildings),
        outstanding_fen=sum(b.outstanding_fen for b in buildings),
        buildings=buildings,
    )


async def home_arrears(
    conn: asyncpg.Connection,
    estate_id: UUID,
    building_id: UUID | None,
    as_of: date,
    cursor: str | None,
    limit: int,
) -> HomeArrearsPage:
    await _estate(conn, estate_id)
    after = UUID(str(decode_cursor(cursor, (UUID,))[0])) if cursor else None
    rows = await bills_store.arrears_by_home(conn, estate_id, building_id, as_of, after, limit)
    items = [
        HomeArrears(
            home_id=r["home_id"],
            building_id=r["building_id"],
            building=r["building"],
            entrance=r["entrance"],
            floor=r["floor"],
            room=r["room"],
            bills=r["bills"],
            outstanding_fen=r["outstanding_fen"],
            oldest_due=r["oldest_due"],
            last_reminded_at=r["last_reminded_at"],
        )
        for r in rows
    ]
    return HomeArrearsPage(
        items=items, next_cursor=encode_cursor(items[-1].home_id) if len(items) == limit else None
    )


async def send_reminders(
    conn: asyncpg.Connection,
    estate_id: UUID,
    data: ReminderRequest,
    *,
    as_of: date,
    sent_by: UUID | None,
    now: datetime | None = None,
) -> RemindersSent:
    """Remind the residents of the homes in arrears that the request names (module docstring)."""
    await _estate(conn, estate_id)
    if data.home_ids is not None:
        outside = await store.homes_outside_estate(conn, estate_id, data.home_ids)
        if outside:
            raise HomeNotFound(
                f"home {outside[0]} is not a home of this estate",
                fields=[{"field": "home_ids", "code": "home_not_found"}],
            )
    now = now or datetime.now(UTC)
    # one sender at a time per estate: two managers pressing the button together send one reminder per home
    await conn.execute("SELECT pg_advisory_xact_lock(7340104, hashtext($1::text))", str(estate_id))
    homes = await bills_store.homes_in_arrears(
        conn, estate_id, data.home_ids, data.building_id, as_of, data.min_outstanding_fen
    )
    recent = {
        h["home_id"]
        for h in homes
        if h["last_reminded_at"] is not None and now - h["last_reminded_at"] < REMINDER_COOLDOWN
    }
    due = [h for h in homes if h["home_id"] not in recent]
    residents: dict[UUID, list[UUID]] = {}
    for r in await bills_store.home_residents(conn, [h["home_id"] for h in due]):
        residents.setdefault(r["home_id"], []).append(r["user_id"])
    sent = told = lonely = 0
    for home in due:
        users = residents.get(home["home_id"], [])
        if not users:
            lonely += 1
            continue
        outbox_id = await outbox.enqueue(
            conn,
            REMINDER_TOPIC,
            {
                "estate_id": str(estate_id),
                "home_id": str(home["home_id"]),
                "user_ids": [str(u) for u in users],
                "outstanding_fen": home["outstanding"],
                "bills": home["bills"],
                "as_of": as_of.isoformat(),
            },
        )
        await bills_store.insert_reminder(
            conn,
            estate_id,
            home["home_id"],
            home["outstanding"],
            home["bills"],
            len(users),
            outbox_id,
            sent_by,
        )
        sent += 1
        told += len(users)
    return RemindersSent(
        homes=sent, recipients=told, skipped_recently_reminded=len(recent), skipped_without_residents=lonely
    )
