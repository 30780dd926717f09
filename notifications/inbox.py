"""The in-app inbox: every message a user was sent, newest first, with the unread count."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

import asyncpg

from notifications import store
from notifications.errors import InvalidCursor, NotificationNotFound
from notifications.models import InboxItem, InboxPage, NotificationsConfig, ReadAllResult, UnreadCount
from notifications.texts import deep_link, render


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"n{seq}".encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("n"):
            raise ValueError(raw)
        return int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc


async def page(
    conn: asyncpg.Connection,
    config: NotificationsConfig,
    user_id: UUID,
    locale: str,
    *,
    cursor: str | None = None,
    limit: int = 50,
    unread_only: bool = False,
) -> InboxPage:
    before = _uncursor(cursor) if cursor else None
    rows = await store.inbox_page(conn, user_id, before, limit, unread_only)
    items = []
    for r in rows:
        title, body = render(r["kind"], r["params"], locale, config.city_timezone)
        items.append(
            InboxItem(
                id=r["id"],
                kind=r["kind"],
                title=title,
                body=body,
                case_id=r["case_id"],
                report_id=r["report_id"],
                link=deep_link(config.deep_link_base, r["case_id"], r["report_id"], r["kind"], r["params"]),
                urgent=r["urgent"],
                created_at=r["created_at"],
                read_at=r["read_at"],
            )
        )
    return InboxPage(
        items=items,
        unread_count=await store.unread_count(conn, user_id),
        next_cursor=_cursor(rows[-1]["seq"]) if len(rows) == limit else None,
    )


async def mark_read(conn: asyncpg.Connection, user_id: UUID, notification_id: UUID) -> UnreadCount:
    if not await store.mark_read(conn, user_id, notification_id):
        raise NotificationNotFound("no such message in your inbox")
    return UnreadCount(unread_count=await store.unread_count(conn, user_id))


async def mark_all_read(conn: asyncpg.Connection, user_id: UUID, up_to: UUID | None = None) -> ReadAllResult:
    """Everything unread, or only up to the newest message the app has shown (`up_to`)."""
    marked = await store.mark_all_read(conn, user_id, up_to)
    return ReadAllResult(marked=marked, unread_count=await store.unread_count(conn, user_id))
