"""Media use cases: upload sessions, processing photos, links to them.

Each takes a connection inside the caller's transaction and never commits. Pillow runs in a small bounded
thread pool (`ImageWorkers`); storage calls run in the storage's own pool.
"""

from __future__ import annotations

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import BinaryIO
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from identity.service import rate_limit
from media import store
from media.errors import MediaError, UploadMismatch, UploadNotFound, UploadNotReceived, UploadTooLarge
from media.models import (
    EXTENSIONS,
    MediaConfig,
    PhotoLink,
    PhotoProcessed,
    PhotoRef,
    Point,
    UploadCreate,
    UploadTicket,
)
from media.pipeline import ProcessedImage, process_image
from media.storage import ListedObject, Storage

LINK_TTL = timedelta(minutes=15)
#: an object no photo or upload accounts for is removed once it is this old (a photo's transaction may still be
#: open when its copies are written; sharing a bucket between databases, as tests do, stays safe)
ORPHAN_GRACE = timedelta(hours=1)
COPY_PREFIXES = ("display/", "original/", "thumb/")
UPLOAD_PREFIX = "uploads/"
HOUR = 3600


class ImageWorkers:
    """The bounded pool Pillow runs in: at most `threads` images are decoded at once, whatever the load."""

    def __init__(self, threads: int = 2) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pillow")

    async def process(self, fp: BinaryIO, max_pixels: int) -> ProcessedImage:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: process_image(fp, max_pixels=max_pixels))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# upload sessions ----------------------------------------------------------------------------------------------


async def create_upload(
    conn: asyncpg.Connection, storage: Storage, config: MediaConfig, owner_id: UUID, data: UploadCreate
) -> UploadTicket:
    """Announce an upload; the phone sends the bytes straight to the bucket, by the returned form POST (the
    storage accepts exactly the announced size and type under this key) or by the older PUT URL (size and type
    signed as headers). At most `uploads_per_hour` a user, with the direct uploads."""
    if data.size > config.max_upload_bytes:
        raise UploadTooLarge(
            f"a photo is at most {config.max_upload_bytes} bytes",
            fields=("size",),
            limit=config.max_upload_bytes,
        )
    await rate_limit(conn, f"uploads:{owner_id}", config.uploads_per_hour, HOUR)
    row = await store.insert_upload(
        conn, owner_id, data.content_type, data.size, data.sha256, datetime.now(UTC) + config.put_url_ttl
    )
    key = row["object_key"]
    post_url, post_fields = storage.presigned_post(key, data.content_type, data.size, config.put_url_ttl)
    return UploadTicket(
        upload_id=row["id"],
        put_url=storage.presigned_put(
            key, config.put_url_ttl, content_type=data.content_type, size=data.size
        ),
        headers={"Content-Type": data.content_type},
        expires_at=row["expires_at"],
        max_size=config.max_upload_bytes,
        post_url=post_url,
        post_fields=post_fields,
    )


async def complete_upload(
    conn: asyncpg.Connection,
    storage: Storage,
    workers: ImageWorkers,
    config: MediaConfig,
    owner_id: UUID,
    upload_id: UUID,
) -> PhotoProcessed:
    """Check the uploaded object against what was announced (its size, then the SHA-256 of its bytes: the
    local S3 stand-in enforces no upload policy, so this is the check that always holds), process it, and keep
    the clean copies under their own keys.

    Completing twice gives the same photo, and never reads the upload's key again: bytes sent there after the
    first `complete` (the link works until it expires) are deleted, now or by the worker's sweep. Whatever is
    refused leaves no photo and no object behind.
    """
    upload = await store.lock_upload(conn, upload_id)
    if upload is None or upload["owner_id"] != owner_id:
        raise UploadNotFound("no such upload")
    key = upload["object_key"]
    if upload["photo_id"] is not None:
        rows = await store.photos_by_ids(conn, [upload["photo_id"]])
        await storage.remove(key)
        return _processed(rows[0])
    info = await storage.stat(key)
    if info is None:
        raise UploadNotReceived(
            "nothing was PUT for this upload" + (" and its link has expired" if upload["expired"] else ""),
            expired=upload["expired"],
        )
    try:
        if info.size != upload["size"]:
            raise UploadMismatch(
                f"{info.size} bytes arrived, {upload['size']} were announced", fields=("size",)
            )
        fp, sha256, size = await storage.download(key, config.max_upload_bytes)
        with fp:
            if sha256 != upload["sha256"]:
                raise UploadMismatch("the bytes do not match the announced SHA-256", fields=("sha256",))
            photo = await _store_photo(
                conn, storage, workers, config, owner_id, fp, sha256, size, upload["content_type"], key
            )
    except MediaError:
        await storage.remove(key)  # refused bytes do not linger in the bucket
        raise
    await storage.remove(key)
    await store.complete_upload(conn, upload_id, photo.photo_id)
    return photo


async def upload_direct(
    conn: asyncpg.Connection,
    storage: Storage,
    workers: ImageWorkers,
    config: MediaConfig,
    owner_id: UUID,
    fp: BinaryIO,
    declared_type: str,
) -> PhotoProcessed:
    """A photo sent through the API (clients that cannot PUT to presigned URLs). `fp` may spill to disk.
    Counts against the same hourly limit as announced uploads."""
    await rate_limit(conn, f"uploads:{owner_id}", config.uploads_per_hour, HOUR)
    digest, size = hashlib.sha256(), 0
    fp.seek(0)
    while chunk := fp.read(256 * 1024):
        size += len(chunk)
        if size > config.max_upload_bytes:
            raise UploadTooLarge(
                f"a photo is at most {config.max_upload_bytes} bytes", limit=config.max_upload_bytes
            )
        digest.update(chunk)
    fp.seek(0)
    return await _store_photo(
        conn, storage, workers, config, owner_id, fp, digest.hexdigest(), size, declared_type
    )


async def _store_photo(
    conn: asyncpg.Connection,
    storage: Storage,
    workers: ImageWorkers,
    config: MediaConfig,
    owner_id: UUID,
    fp: BinaryIO,
    sha256: str,
    size: int,
    declared_type: str,
    uploaded_key: str | None = None,
) -> PhotoProcessed:
    existing = await store.photo_by_hash(conn, owner_id, sha256)
    if existing is not None:
        return _processed(existing)  # the same bytes again: nothing new is stored
    image = await workers.process(fp, config.max_pixels)
    if declared_type and image.content_type != declared_type:
        raise UploadMismatch(
            f"the bytes are {image.content_type}, not {declared_type}",
            fields=("content_type",),
            actual=image.content_type,
        )
    display_key = f"display/{image.display.sha256}.jpg"
    thumb_key = f"thumb/{image.thumbnail.sha256}.jpg"
    # written even when the same bytes are there already: the object is young again, so the orphan sweep
    # (which spares objects younger than ORPHAN_GRACE) cannot remove it under this transaction
    await storage.put_bytes(display_key, image.display.data, "image/jpeg")
    await storage.put_bytes(thumb_key, image.thumbnail.data, "image/jpeg")
    original_key = None
    if config.keep_originals:
        original_key = f"original/{sha256}.{EXTENSIONS[image.content_type]}"
        if uploaded_key:
            await storage.copy(uploaded_key, original_key)
        else:
            await storage.put_file(original_key, fp, size, image.content_type)
    taken_at = image.taken_at
    if taken_at is not None and taken_at.tzinfo is None:
        taken_at = taken_at.replace(tzinfo=ZoneInfo(config.city_timezone))
    location = image.exif_location
    row = await store.insert_photo(
        conn,
        owner_id=owner_id,
        original_sha256=sha256,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        taken_at=taken_at,
        exif_lat=location[0] if location else None,
        exif_lon=location[1] if location else None,
        display_key=display_key,
        display_width=image.display.width,
        display_height=image.display.height,
        thumb_key=thumb_key,
        original_key=original_key,
    )
    return _processed(row)


def _processed(row: asyncpg.Record) -> PhotoProcessed:
    location = Point(lat=row["exif_lat"], lon=row["exif_lon"]) if row["exif_lat"] is not None else None
    return PhotoProcessed(
        photo_id=row["id"],
        width=row["width"],
        height=row["height"],
        taken_at=row["taken_at"],
        exif_location=location,
        content_type=row["content_type"],
    )


# reading ------------------------------------------------------------------------------------------------------


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


async def photo_key(conn: asyncpg.Connection, photo_id: UUID, size: str) -> tuple[UUID, str | None] | None:
    """(owner, object key) of one copy of a photo: display, thumb or original; None when no such photo."""
    rows = await store.photos_by_ids(conn, [photo_id])
    if not rows:
        return None
    column = {"display": "display_key", "thumb": "thumb_key", "original": "original_key"}[size]
    owner: UUID = rows[0]["owner_id"]
    return owner, rows[0][column]


# housekeeping -------------------------------------------------------------------------------------------------


async def storage_housekeeping(conn: asyncpg.Connection, storage: Storage) -> dict[str, int]:
    """The worker's storage job (every housekeeping pass, in one transaction): uploads never completed, bytes
    under an upload's key that nothing will read, and copies that belong to no photo. Counts by kind."""
    return {
        "abandoned_uploads": await purge_abandoned_uploads(conn, storage),
        "stray_upload_objects": await purge_stray_upload_objects(conn, storage),
        "orphan_objects": await purge_orphan_copies(conn, storage),
    }


#: where each sweep stopped, by (bucket, prefix): a pass takes the next batch, so a large bucket is covered in
#: turns and none is listed whole at once (kept in the worker's memory: a restart begins again at the start)
_sweep_after: dict[tuple[str, str], str] = {}


async def _next_batch(storage: Storage, prefix: str, batch: int) -> list[ListedObject]:
    position = (storage.bucket, prefix)
    objects = await storage.list_objects(prefix, start_after=_sweep_after.get(position, ""), limit=batch)
    _sweep_after[position] = objects[-1].key if len(objects) == batch else ""
    return objects


async def purge_stray_upload_objects(
    conn: asyncpg.Connection, storage: Storage, *, batch: int = 5000, grace: timedelta = ORPHAN_GRACE
) -> int:
    """Delete objects under uploads/ that no open upload waits for: bytes sent after `complete` (the upload
    has its photo: at once), or under a key no upload has (once older than `grace`)."""
    objects = await _next_batch(storage, UPLOAD_PREFIX, batch)
    if not objects:
        return 0
    uploads = {row["object_key"]: row for row in await store.uploads_by_keys(conn, [o.key for o in objects])}
    now = datetime.now(UTC)
    stray = [
        o.key
        for o in objects
        if (o.key in uploads and uploads[o.key]["photo_id"] is not None)
        or (o.key not in uploads and now - o.last_modified >= grace)
    ]
    await storage.remove_many(stray)
    return len(stray)


async def purge_orphan_copies(
    conn: asyncpg.Connection, storage: Storage, *, batch: int = 1000, grace: timedelta = ORPHAN_GRACE
) -> int:
    """Delete display, thumbnail and original copies that no photo refers to (a photo's transaction that
    rolled back after writing them, say), once older than `grace`. Another prefix is never touched."""
    removed = 0
    now = datetime.now(UTC)
    for prefix in COPY_PREFIXES:
        old = [o for o in await _next_batch(storage, prefix, batch) if now - o.last_modified >= grace]
        if not old:
            continue
        referenced = await store.referenced_keys(conn, [o.key for o in old])
        orphans = []
        for o in old:
            if o.key in referenced:
                continue
            # written again since the listing (the same bytes in a photo being stored now): young, spared
            info = await storage.stat(o.key)
            if info is not None and now - (info.last_modified or o.last_modified) >= grace:
                orphans.append(o.key)
        await storage.remove_many(orphans)
        removed += len(orphans)
    return removed


async def purge_abandoned_uploads(conn: asyncpg.Connection, storage: Storage, limit: int = 500) -> int:
    """Remove uploads that were announced (and maybe PUT) but never completed, bytes and rows."""
    rows = await store.take_abandoned_uploads(conn, limit)
    for row in rows:
        await storage.remove(row["object_key"])
    await store.delete_uploads(conn, [row["id"] for row in rows])
    return len(rows)
