"""Photos from phones: presigned uploads to real S3, processing, hostile files, access to the copies."""

from __future__ import annotations

import io
import os
from typing import Any

import aiohttp
import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from minio import Minio
from PIL import Image

from api.settings import Settings
from tests.cases.helpers import report_body, submit
from tests.identity.helpers import bearer, sign_in, staff_token
from tests.media import images
from tests.media.helpers import announce, put, upload_photo

CITIZEN, OTHER = "13912345678", "13987654321"


@pytest.fixture
async def citizen(client: AsyncTestClient[Any], db: asyncpg.Connection) -> str:
    token: str = (await sign_in(client, db, CITIZEN))["access_token"]
    return token


@pytest.fixture
def bucket(settings: Settings) -> Minio:
    return Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=False,
        region=settings.s3_region,
    )


def exists(bucket: Minio, key: str) -> bool:
    try:
        bucket.stat_object(os.environ.get("S3_BUCKET", "cityloop"), key)
        return True
    except Exception:
        return False


async def fetch(url: str) -> bytes:
    async with aiohttp.ClientSession() as http, http.get(url) as r:
        assert r.status == 200
        return await r.read()


async def test_presigned_upload_end_to_end(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, bucket: Minio
) -> None:
    data = images.jpeg((1200, 900), orientation=6, gps=images.gps_ifd())
    ticket = (await announce(client, citizen, data)).json()
    assert ticket["headers"] == {"Content-Type": "image/jpeg"}
    assert ticket["max_size"] == 15 * 1024 * 1024
    assert await put(ticket["put_url"], data, "image/jpeg") == 200
    r = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert r.status_code == 200, r.text
    photo = r.json()
    # orientation 6 turns a landscape sensor image upright
    assert (photo["width"], photo["height"]) == (900, 1200)
    assert photo["exif_location"]["lat"] == pytest.approx(images.BEIJING[0], abs=1e-5)
    assert photo["exif_location"]["lon"] == pytest.approx(images.BEIJING[1], abs=1e-5)
    assert photo["taken_at"].startswith("2024-05-01T06:03:22")  # 14:03:22 +08:00, in UTC

    row = await db.fetchrow("SELECT * FROM photos WHERE id = $1::uuid", photo["photo_id"])
    upload = await db.fetchrow("SELECT object_key FROM uploads")
    assert not exists(bucket, upload["object_key"])  # the upload object is gone
    assert exists(bucket, row["original_key"])  # the original is kept, privately
    for key in (row["display_key"], row["thumb_key"]):
        stored = bucket.get_object("cityloop", key).read()
        im = Image.open(io.BytesIO(stored))
        assert not im.getexif()
        assert "exif" not in im.info and "xmp" not in im.info and "icc_profile" not in im.info
        assert b"Zhang San" not in stored and b"GPSLatitude" not in stored

    # completing again is harmless and gives the same photo
    again = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert again.json() == photo


async def test_the_same_bytes_twice_store_nothing_new(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, bucket: Minio
) -> None:
    data = images.phone_jpeg()
    first = (await upload_photo(client, citizen, data)).json()
    row = await db.fetchrow("SELECT display_key FROM photos")
    written = bucket.stat_object("cityloop", row["display_key"]).last_modified
    second = (await upload_photo(client, citizen, data)).json()
    assert second["photo_id"] == first["photo_id"]
    assert await db.fetchval("SELECT count(*) FROM photos") == 1
    assert bucket.stat_object("cityloop", row["display_key"]).last_modified == written


@pytest.mark.parametrize(
    ("make", "content_type", "status", "code"),
    [
        (images.text_as_jpeg, "image/jpeg", 415, "unsupported_image_type"),
        (images.gif, "image/jpeg", 415, "unsupported_image_type"),
        (images.png, "image/jpeg", 422, "upload_mismatch"),
        (images.truncated_jpeg, "image/jpeg", 422, "corrupt_image"),
        (images.truncated_png, "image/png", 422, "corrupt_image"),
        (images.bomb_png, "image/png", 422, "image_too_large"),
        (images.absurd_png, "image/png", 422, "image_too_large"),
    ],
)
async def test_hostile_files_are_refused_and_leave_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    citizen: str,
    bucket: Minio,
    make: Any,
    content_type: str,
    status: int,
    code: str,
) -> None:
    r = await upload_photo(client, citizen, make(), content_type)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert await db.fetchval("SELECT count(*) FROM photos") == 0
    assert await db.fetchval("SELECT count(*) FROM uploads WHERE photo_id IS NOT NULL") == 0
    assert not exists(bucket, await db.fetchval("SELECT object_key FROM uploads"))


@pytest.mark.parametrize(
    "make", [images.zero_denominator_jpeg, images.out_of_range_gps_jpeg, images.garbled_date_jpeg]
)
async def test_hostile_exif_is_ignored_not_fatal(
    client: AsyncTestClient[Any], citizen: str, make: Any
) -> None:
    r = await upload_photo(client, citizen, make())
    assert r.status_code == 200, r.text
    assert r.json()["exif_location"] is None


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (images.webp, "image/webp"),
        (lambda: images.SAMPLE_HEIC.read_bytes(), "image/heic"),
        (images.png_rgba, "image/png"),
    ],
)
async def test_other_phone_formats(
    client: AsyncTestClient[Any], citizen: str, make: Any, content_type: str
) -> None:
    r = await upload_photo(client, citizen, make(), content_type)
    assert r.status_code == 200, r.text
    assert r.json()["content_type"] == content_type


async def test_an_upload_never_put(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    ticket = (await announce(client, citizen, images.phone_jpeg())).json()
    r = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert r.status_code == 409
    assert r.json()["code"] == "upload_not_received"
    assert await db.fetchval("SELECT count(*) FROM photos") == 0


async def test_bytes_that_do_not_match_the_announcement(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    data = images.phone_jpeg()
    ticket = (await announce(client, citizen, data)).json()
    tampered = images.phone_jpeg(size=(401, 300))
    await put(ticket["put_url"], tampered, "image/jpeg")
    r = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert r.status_code == 422
    assert r.json()["code"] == "upload_mismatch"
    assert await db.fetchval("SELECT count(*) FROM photos") == 0


async def test_someone_elses_upload(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    data = images.phone_jpeg()
    ticket = (await announce(client, citizen, data)).json()
    await put(ticket["put_url"], data, "image/jpeg")
    other = (await sign_in(client, db, OTHER))["access_token"]
    r = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(other))
    assert r.status_code == 404
    assert r.json()["code"] == "upload_not_found"
    assert await db.fetchval("SELECT count(*) FROM photos") == 0


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"size": 15 * 1024 * 1024 + 1}, 413, "upload_too_large"),
        ({"size": 0}, 422, "validation_failed"),
        ({"content_type": "image/gif"}, 422, "validation_failed"),
        ({"sha256": "xyz"}, 422, "validation_failed"),
        ({"size": "big"}, 422, "validation_failed"),
    ],
)
async def test_bad_announcements(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    citizen: str,
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    r = await announce(client, citizen, images.phone_jpeg(), **overrides)
    assert r.status_code == status
    assert r.json()["code"] == code
    assert await db.fetchval("SELECT count(*) FROM uploads") == 0


async def test_direct_multipart_upload(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    data = images.phone_jpeg(orientation=6)
    r = await client.post(
        "/v1/photos", files={"file": ("x.jpg", data, "image/jpeg")}, headers=bearer(citizen)
    )
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (300, 400)
    assert r.json()["exif_location"] is not None
    # the presigned flow with the same bytes finds the same photo
    assert (await upload_photo(client, citizen, data)).json()["photo_id"] == r.json()["photo_id"]


async def test_direct_upload_refusals(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    r = await client.post(
        "/v1/photos", files={"file": ("x.jpg", images.text_as_jpeg(), "image/jpeg")}, headers=bearer(citizen)
    )
    assert r.status_code == 415
    assert r.json()["code"] == "unsupported_image_type"
    r = await client.post(
        "/v1/photos", files={"other": ("x.jpg", images.phone_jpeg(), "image/jpeg")}, headers=bearer(citizen)
    )
    assert r.status_code == 422
    huge = b"\xff\xd8\xff" + b"\0" * (16 * 1024 * 1024)
    r = await client.post(
        "/v1/photos", files={"file": ("x.jpg", huge, "image/jpeg")}, headers=bearer(citizen)
    )
    assert r.status_code == 413
    assert r.json()["code"] == "payload_too_large"
    assert await db.fetchval("SELECT count(*) FROM photos") == 0


async def test_direct_upload_of_another_type_or_of_no_multipart_body(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    """Both refusals are in the contract (the client fixture checks every answer against it); schemathesis
    found them undocumented."""
    r = await client.post(
        "/v1/photos", files={"file": ("x.jpg", images.png(), "image/jpeg")}, headers=bearer(citizen)
    )
    assert r.status_code == 422
    assert r.json()["code"] == "upload_mismatch"
    r = await client.post(
        "/v1/photos",
        content=b"--b0undary\r\n\xca\xadd\t--b0undary--\r\n",
        headers={**bearer(citizen), "Content-Type": "multipart/form-data; boundary=b0undary"},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "bad_request"
    assert await db.fetchval("SELECT count(*) FROM photos") == 0


async def test_photo_access_follows_the_report(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, settings: Settings, demo_city: None
) -> None:
    photo = (await upload_photo(client, citizen, images.phone_jpeg())).json()["photo_id"]
    other = (await sign_in(client, db, OTHER))["access_token"]
    assert (
        await client.get(f"/v1/photos/{photo}", headers=bearer(citizen), follow_redirects=False)
    ).status_code == 302
    # not part of any report yet: private to its owner
    for headers in (bearer(other), {}):
        r = await client.get(f"/v1/photos/{photo}", headers=headers, follow_redirects=False)
        assert r.status_code == 404
        assert r.json()["code"] == "photo_not_found"

    location = {"lat": images.BEIJING[0], "lon": images.BEIJING[1], "crs": "wgs84"}
    report = (await submit(client, citizen, report_body(photo_ids=[photo], location=location))).json()
    assert report["location_mismatch"] is False
    r = await client.get(f"/v1/photos/{photo}?size=thumb", follow_redirects=False)
    assert r.status_code == 302
    thumb = Image.open(io.BytesIO(await fetch(r.headers["location"])))
    assert max(thumb.size) <= 320
    assert not thumb.getexif()
    assert (
        await client.get(f"/v1/photos/{photo}?size=original", headers=bearer(other), follow_redirects=False)
    ).status_code == 404
    clerk = await staff_token(db, settings, "+8613700000030", "intake_clerk")
    assert (
        await client.get(f"/v1/photos/{photo}?size=original", headers=bearer(clerk), follow_redirects=False)
    ).status_code == 302

    view = (await client.get(f"/v1/reports/{report['id']}")).json()
    assert [p["id"] for p in view["photos"]] == [photo]
    assert "original" not in str(view["photos"])

    await client.post(f"/v1/reports/{report['id']}/hide", json={"reason": "隐私"}, headers=bearer(clerk))
    assert (await client.get(f"/v1/photos/{photo}", follow_redirects=False)).status_code == 404
    assert (
        await client.get(f"/v1/photos/{photo}", headers=bearer(citizen), follow_redirects=False)
    ).status_code == 302


async def test_photos_in_reports(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, demo_city: None
) -> None:
    first = (await upload_photo(client, citizen, images.phone_jpeg())).json()["photo_id"]
    far_photo = (await upload_photo(client, citizen, images.phone_jpeg(size=(401, 300)))).json()["photo_id"]
    # the photo was taken ~530 m from where the report says: flagged for staff, not refused
    r = await submit(client, citizen, report_body(photo_ids=[far_photo]))
    assert r.status_code == 201
    assert r.json()["location_mismatch"] is True

    other = (await sign_in(client, db, OTHER))["access_token"]
    before = await db.fetchval("SELECT count(*) FROM reports")
    for token, photo_ids, field in (
        (other, [first], "photo_ids[0]"),  # someone else's photo
        (citizen, [far_photo], "photo_ids[0]"),  # already part of a report
        (citizen, [first, first], "photo_ids"),  # listed twice
    ):
        r = await submit(client, token, report_body(photo_ids=photo_ids, category="E0501"))
        assert r.status_code == 422
        assert r.json()["code"] == "photo_unavailable"
        assert r.json()["errors"][0]["field"] == field
    assert await db.fetchval("SELECT count(*) FROM reports") == before

    # a category that needs a photo takes one
    r = await submit(client, citizen, report_body(category="C0102", photo_ids=[first]))
    assert r.status_code == 201


async def test_abandoned_uploads_are_purged_by_the_worker(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, bucket: Minio, app: Any
) -> None:
    from media.service import purge_abandoned_uploads

    data = images.phone_jpeg()
    ticket = (await announce(client, citizen, data)).json()
    await put(ticket["put_url"], data, "image/jpeg")
    key = await db.fetchval("SELECT object_key FROM uploads")
    async with db.transaction():
        assert await purge_abandoned_uploads(db, app.state.storage) == 0  # still within its hour
    await db.execute("UPDATE uploads SET expires_at = now() - interval '2 hours'")
    async with db.transaction():
        assert await purge_abandoned_uploads(db, app.state.storage) == 1
    assert not exists(bucket, key)
    assert await db.fetchval("SELECT count(*) FROM uploads") == 0
