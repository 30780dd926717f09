"""Notifications use cases for the API: devices, quiet hours, and the admins' view of deliveries and the
outbox. Each takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, time
from uuid import UUID

import asyncpg

from notifications import store
from notifications.cursors import decode_id, encode_cursor
from notifications.errors import (
    DeliveryNotFound,
    DeviceNotFound,
    InvalidCursor,
    InvalidQuietHours,
    NotDead,
    OutboxEntryNotFound,
)
from notifications.models import (
    MAX_DEVICES_PER_USER,
    Channel,
    Delivery,
    DeliveryPageV2,
    DeliveryStatus,
    Device,
    DevicePage,
    DeviceRegistration,
    OutboxEntry,
    OutboxPageV2,
    QuietHours,
)

# devices -------------------------------------------------------------------------------------------------------


async def register_device(
    conn: asyncpg.Connection, user_id: UUID, reg: DeviceRegistration
) -> tuple[Device, bool]:
    """Register a phone's token for this user (moving it from whoever had it). True when it was not this user's
    before (new, or moved from another user); False when this user had registered it already (refreshed)."""
    row = await store.upsert_device(conn, user_id, reg)
    await store.prune_devices(conn, user_id, MAX_DEVICES_PER_USER)
    return _device(row), bool(row["created"])


def _device(row: asyncpg.Record) -> Device:
    return Device(
        token=row["token"],
        platform=row["platform"],
        app_version=row["app_version"],
        locale=row["locale"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _device_cursor(row: asyncpg.Record) -> str:
    raw = f"d|{row['created_at'].isoformat()}|{row['key']}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _device_after(cursor: str) -> tuple[datetime, str]:
    """The keyset (created_at, md5 of the token) of a cursor `list_devices` gave out."""
    try:
        tag, at, key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        if tag != "d" or not re.fullmatch(r"[0-9a-f]{32}", key):
            raise ValueError(cursor)
        created_at = datetime.fromisoformat(at)
        if created_at.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
    return created_at, key


async def list_devices(conn: asyncpg.Connection, user_id: UUID, cursor: str | None, limit: int) -> DevicePage:
    """The caller's phones registered for push, the most recently registered first."""
    after = _device_after(cursor) if cursor else None
    rows = await store.list_devices(conn, user_id, after, limit + 1)  # one more: is there a next page?
    page = rows[:limit]
    return DevicePage(
        items=[_device(r) for r in page],
        next_cursor=_device_cursor(page[-1]) if len(rows) > limit else None,
    )


async def remove_device(conn: asyncpg.Connection, user_id: UUID, token: str) -> None:
    if not await store.delete_device(conn, user_id, token):
        raise DeviceNotFound("no such device of yours")


# quiet hours ---------------------------------------------------------------------------------------------------


async def get_quiet_hours(conn: asyncpg.Connection, user_id: UUID) -> QuietHours | None:
    row = await store.get_quiet_hours(conn, user_id)
    if row is None:
        return None
    return QuietHours(start=row["starts_at"].strftime("%H:%M"), end=row["ends_at"].strftime("%H:%M"))


async def set_quiet_hours(conn: asyncpg.Connection, user_id: UUID, hours: QuietHours) -> QuietHours:
    if hours.start == hours.end:
        raise InvalidQuietHours("quiet hours start and end at different times", fields=("start", "end"))
    await store.set_quiet_hours(conn, user_id, time.fromisoformat(hours.start), time.fromisoformat(hours.end))
    return hours


async def clear_quiet_hours(conn: asyncpg.Connection, user_id: UUID) -> None:
    await store.delete_quiet_hours(conn, user_id)


# deliveries and the outbox (admins) ----------------------------------------------------------------------------


def delivery_view(row: asyncpg.Record) -> Delivery:
    return Delivery(
        id=row["id"],
        channel=row["channel"],
        event=row["event"],
        outbox_id=row["outbox_id"],
        status=row["status"],
        attempts=row["attempts"],
        available_at=row["available_at"],
        last_error=row["last_error"],
        last_status=row["last_status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        done_at=row["done_at"],
        user_id=row["user_id"],
        subscriber_id=row["subscriber_id"],
    )


async def list_deliveries(
    conn: asyncpg.Connection,
    *,
    status: DeliveryStatus | None = None,
    channel: Channel | None = None,
    subscriber_id: UUID | None = None,
    cursor: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> DeliveryPageV2:
    """Deliveries, newest first, keyed by id. The position is the opaque `cursor` of the previous page or (the
    deprecated v1 form) `before`, the last id seen; a full page carries the next cursor."""
    before_id = decode_id(cursor) if cursor else before
    rows = await store.list_deliveries(
        conn, status=status, channel=channel, subscriber_id=subscriber_id, before=before_id, limit=limit
    )
    items = [delivery_view(r) for r in rows]
    more = len(items) == limit
    return DeliveryPageV2(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)


async def replay_delivery(conn: asyncpg.Connection, delivery_id: int) -> Delivery:
    row = await store.get_delivery(conn, delivery_id)
    if row is None:
        raise DeliveryNotFound("no such delivery")
    if row["status"] != "dead":
        raise NotDead(
            f"only a dead delivery can be replayed; this one is {row['status']}", status=row["status"]
        )
    await store.replay_deliveries(conn, [delivery_id], None, None)
    replayed = await store.get_delivery(conn, delivery_id)
    assert replayed is not None
    return delivery_view(replayed)


async def replay_dead(
    conn: asyncpg.Connection, *, channel: Channel | None = None, subscriber_id: UUID | None = None
) -> int:
    return await store.replay_deliveries(conn, None, channel, subscriber_id)


async def list_outbox(
    conn: asyncpg.Connection,
    *,
    status: str = "dead",
    cursor: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> OutboxPageV2:
    """Outbox entries of one status, newest first, keyed by id; positioned like list_deliveries."""
    before_id = decode_id(cursor) if cursor else before
    rows = await store.list_outbox(conn, status, before_id, limit)
    items = [
        OutboxEntry(
            id=r["id"],
            topic=r["topic"],
            payload=r["payload"],
            status=r["status"],
            attempts=r["attempts"],
            last_error=r["last_error"],
            created_at=r["created_at"],
            available_at=r["available_at"],
        )
        for r in rows
    ]
    return OutboxPageV2(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


async def replay_outbox(conn: asyncpg.Connection, outbox_id: int) -> None:
    before = await store.replay_outbox(conn, outbox_id)
    if before is None:
        raise OutboxEntryNotFound("no such outbox entry")
    if before != "dead":
        raise NotDead(f"only a dead outbox entry can be replayed; this one is {before}", status=before)
