"""Media use cases. Each takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import asyncpg

from media import store
from media.models import PhotoLink, PhotoRef
from media.storage import Storage

LINK_TTL = timedelta(minutes=15)


def _ref(row: asyncpg.Record) -> PhotoRef:
    location = (row["exif_lat"], row["exif_lon"]) if row["exif_lat"] is not None else None
    return PhotoRef(id=row["id"], owner_id=row["owner_id"], taken_at=row["taken_at"], exif_location=location)


async def photo_refs(conn: asyncpg.Connection, photo_ids: list[UUID]) -> dict[UUID, PhotoRef]:
    """Processed photos by id (ids that are not processed photos are simply absent)."""
    return {row["id"]: _ref(row) for row in await store.photos_by_ids(conn, photo_ids)}


async def photo_links(conn: asyncpg.Connection, storage: Storage, photo_ids: list[UUID]) -> list[PhotoLink]:
    """Presigned GET links to the stripped copies, in the order given. Originals are never linked."""
    rows = {row["id"]: row for row in await store.photos_by_ids(conn, photo_ids)}
    return [
        PhotoLink(
            id=photo_id,
            display_url=storage.presigned_get(rows[photo_id]["display_key"], LINK_TTL),
            thumbnail_url=storage.presigned_get(rows[photo_id]["thumb_key"], LINK_TTL),
            width=rows[photo_id]["display_width"],
            height=rows[photo_id]["display_height"],
        )
        for photo_id in photo_ids
        if photo_id in rows
    ]
