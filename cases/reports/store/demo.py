"""The one statement of the demo city's cases (cases/reports/demo.py) that no use case has: a photo row."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg


async def insert_demo_photo(conn: asyncpg.Connection, owner_id: UUID) -> UUID:
    """A processed photo of `owner_id`, as the media pipeline records one (the demo has no bucket: the row only, its
    objects are not there, so its links do not load; a verification, a fix and a check each need a photo of the
    person who takes them, as housing/demo.py's repairs do)."""
    sha = uuid4().hex * 2
    photo_id: UUID = await conn.fetchval(
        """INSERT INTO photos (owner_id, original_sha256, content_type, width, height, display_key, display_width,
                               display_height, thumb_key)
           VALUES ($1, $2, 'image/jpeg', 1600, 1200, 'display/' || $2 || '.jpg', 1600, 1200,
                   'thumb/' || $2 || '.jpg')
           RETURNING id""",
        owner_id,
        sha,
    )
    return photo_id
