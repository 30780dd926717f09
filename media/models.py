"""Schemas of the media domain."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class PhotoRef(msgspec.Struct, frozen=True):
    """What other domains need to know of a processed photo."""

    id: UUID
    owner_id: UUID
    taken_at: datetime | None
    exif_location: tuple[float, float] | None  # (lat, lon) WGS-84


class PhotoLink(msgspec.Struct, frozen=True):
    """Short-lived links to a photo's stripped copies."""

    id: UUID
    display_url: str
    thumbnail_url: str
    width: int
    height: int
