"""Every SQL statement of the media domain, and nothing else."""

from __future__ import annotations

from uuid import UUID

import asyncpg

Record = asyncpg.Record

_PHOTO = """SELECT id, owner_id, taken_at, ST_Y(exif_location) AS exif_lat, ST_X(exif_location) AS exif_lon,
                   display_key, display_width, display_height, thumb_key, original_key
            FROM photos"""


async def photos_by_ids(conn: asyncpg.Connection, photo_ids: list[UUID]) -> list[Record]:
    return await conn.fetch(_PHOTO + " WHERE id = ANY($1::uuid[])", photo_ids)
