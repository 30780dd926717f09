"""Schemas of the media domain."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

import msgspec

ImageType = Literal["image/jpeg", "image/png", "image/webp", "image/heic"]
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
}


class MediaConfig(msgspec.Struct, frozen=True, kw_only=True):
    max_upload_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000
    keep_originals: bool = True  # originals stay private in the bucket; False drops them after processing
    put_url_ttl: timedelta = timedelta(minutes=15)
    uploads_per_hour: int = 60  # photos a user may announce or send in an hour (UPLOADS_PER_HOUR)
    city_timezone: str = "Asia/Shanghai"  # EXIF capture times without an offset are local times


class UploadCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    content_type: ImageType
    # the limit is the city's MAX_UPLOAD_BYTES (15 MB unless set lower), checked by the service so that a
    # larger claim is refused as upload_too_large (413); the published maximum is the default
    size: Annotated[int, msgspec.Meta(gt=0, extra_json_schema={"maximum": 15 * 1024 * 1024})]
    sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]


class UploadTicket(msgspec.Struct, frozen=True):
    """Where the phone sends the bytes, until when that works, and the most a photo may have.

    The preferred way is a form POST to `post_url` with `post_fields` (a storage policy that accepts exactly
    the announced size and type); `put_url` with `headers` is the older way, kept for apps of contract 2.0.
    """

    upload_id: UUID
    put_url: Annotated[str, msgspec.Meta(extra_json_schema={"deprecated": True})]
    headers: Annotated[dict[str, str], msgspec.Meta(extra_json_schema={"deprecated": True})]
    expires_at: datetime
    max_size: int
    post_url: str
    post_fields: dict[str, str]


class Point(msgspec.Struct, frozen=True):
    """A point in degrees (latitude, longitude), in the coordinate system the context names."""

    lat: float
    lon: float


class PhotoProcessed(msgspec.Struct, frozen=True):
    photo_id: UUID
    width: int
    height: int
    taken_at: datetime | None
    exif_location: Point | None
    content_type: str


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
