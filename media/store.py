"""Every SQL statement of the media domain, and nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record

_PHOTO = """SELECT id, owner_id, taken_at, ST_Y(exif_location) AS exif_lat, ST_X(exif_location) AS exif_lon,
                   content_type, width, height, display_key, display_width, display_height, thumb_key, original_key
            FROM photos"""


async def photos_by_ids(conn: asyncpg.Connection, photo_ids: list[UUID]) -> list[Record]:
    return await conn.fetch(_PHOTO + " WHERE id = ANY($1::uuid[])", photo_ids)


async def photo_by_hash(conn: asyncpg.Connection, owner_id: UUID, sha256: str) -> Record | None:
    return await conn.fetchrow(_PHOTO + " WHERE owner_id = $1 AND original_sha256 = $2", owner_id, sha256)


async def insert_photo(conn: asyncpg.Connection, **f: Any) -> Record:
    """Insert a photo; the same bytes from the same owner give back the existing row."""
    await conn.execute(
        """INSERT INTO photos (owner_id, original_sha256, content_type, width, height, taken_at, exif_location,
                               display_key, display_width, display_height, thumb_key, original_key)
           VALUES ($1, $2, $3, $4, $5, $6,
                   CASE WHEN $7::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($8, $7), 4326) END,
                   $9, $10, $11, $12, $13)
           ON CONFLICT (owner_id, original_sha256) DO NOTHING""",
        f["owner_id"],
        f["original_sha256"],
        f["content_type"],
        f["width"],
        f["height"],
        f["taken_at"],
        f["exif_lat"],
        f["exif_lon"],
        f["display_key"],
        f["display_width"],
        f["display_height"],
        f["thumb_key"],
        f["original_key"],
    )
    row = await photo_by_hash(conn, f["owner_id"], f["original_sha256"])
    assert row is not None
    return row


async def insert_upload(
    conn: asyncpg.Connection, owner_id: UUID, content_type: str, size: int, sha256: str, expires_at: datetime
) -> Record:
    row = await conn.fetchrow(
        """WITH n AS (SELECT uuid_generate_v7() AS id)
           INSERT INTO uploads (id, owner_id, content_type, size, sha256, object_key, expires_at)
           SELECT n.id, $1::uuid, $2, $3, $4, 'uploads/' || $1::uuid::text || '/' || n.id::text, $5 FROM n
           RETURNING id, object_key, expires_at""",
        owner_id,
        content_type,
        size,
        sha256,
        expires_at,
    )
    assert row is not None
    return row


async def lock_upload(conn: asyncpg.Connection, upload_id: UUID) -> Record | None:
    return await conn.fetchrow(
        "SELECT *, expires_at < now() AS expired FROM uploads WHERE id = $1 FOR UPDATE", upload_id
    )


async def complete_upload(conn: asyncpg.Connection, upload_id: UUID, photo_id: UUID) -> None:
    await conn.execute("UPDATE uploads SET photo_id = $2 WHERE id = $1", upload_id, photo_id)


async def take_abandoned_uploads(conn: asyncpg.Connection, limit: int) -> list[Record]:
    """Uploads never completed, an hour past their link's expiry, locked for this worker."""
    return await conn.fetch(
        """SELECT id, object_key FROM uploads WHERE photo_id IS NULL AND expires_at < now() - interval '1 hour'
           ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED""",
        limit,
    )


async def delete_uploads(conn: asyncpg.Connection, upload_ids: list[UUID]) -> None:
    await conn.execute("DELETE FROM uploads WHERE id = ANY($1::uuid[])", upload_ids)


async def uploads_by_keys(conn: asyncpg.Connection, object_keys: list[str]) -> list[Record]:
    return await conn.fetch(
        "SELECT object_key, photo_id FROM uploads WHERE object_key = ANY($1::text[])", object_keys
    )


async def referenced_keys(conn: asyncpg.Connection, object_keys: list[str]) -> set[str]:
    """Which of these object keys a photo refers to, as a display, thumbnail or original copy (one scan)."""
    rows = await conn.fetch(
        """SELECT DISTINCT v.key FROM photos p,
                  LATERAL (VALUES (p.display_key), (p.thumb_key), (p.original_key)) v (key)
           WHERE v.key = ANY($1::text[])""",
        object_keys,
    )
    return {row["key"] for row in rows}
