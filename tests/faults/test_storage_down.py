"""Object storage down (a private s3rver, killed): photo uploads answer a clean 503 storage_unavailable with
Retry-After and write nothing, reports without photos go on, /readyz names the storage; once it is back the same
API process takes photos again."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings, load_settings
from tests import contract_conformance
from tests.cases.helpers import report_body, submit
from tests.faults.conftest import PrivateS3
from tests.identity.helpers import bearer, staff_token
from tests.media import images
from tests.media.helpers import announce, put


def _fields(settings: Settings) -> dict[str, Any]:
    return {f: getattr(settings, f) for f in settings.__struct_fields__}


def assert_unavailable(r: Any) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "storage_unavailable", r.text
    assert r.headers["retry-after"].isdigit()


async def test_storage_down_answers_503_on_photos_and_reports_go_on(
    db: asyncpg.Connection, settings: Settings, demo_city: None, private_s3: PrivateS3
) -> None:
    app = create_app(load_settings(**{**_fields(settings), "s3_endpoint": private_s3.endpoint}))
    token = await staff_token(db, settings, "+8613900000401", "citizen")

    async def written() -> dict[str, int]:
        row = await db.fetchrow(
            """SELECT (SELECT count(*) FROM photos) AS photos,
                      (SELECT count(*) FROM uploads) AS uploads,
                      (SELECT count(*) FROM uploads WHERE photo_id IS NOT NULL) AS completed,
                      (SELECT count(*) FROM reports) AS reports,
                      (SELECT count(*) FROM report_photos) AS report_photos"""
        )
        assert row is not None
        return {name: int(value) for name, value in row.items()}

    async with AsyncTestClient(app) as client:
        client.event_hooks["response"].append(contract_conformance.check)
        # a photo announced and sent to the bucket while it was up, not yet completed
        sent = images.phone_jpeg((640, 480))
        ticket = await announce(client, token, sent)
        assert ticket.status_code == 201, ticket.text
        assert await put(ticket.json()["put_url"], sent, "image/jpeg") == 200
        upload_id = ticket.json()["upload_id"]

        private_s3.stop()
        before = await written()
        assert before == {"photos": 0, "uploads": 1, "completed": 0, "reports": 0, "report_photos": 0}

        # completing it needs the bucket: 503, and the upload is still there to complete later
        assert_unavailable(await client.post(f"/v1/uploads/{upload_id}/complete", headers=bearer(token)))
        # a photo through the API: 503, nothing stored
        direct = images.phone_jpeg((500, 400))
        assert_unavailable(
            await client.post(
                "/v1/photos", files={"file": ("x.jpg", direct, "image/jpeg")}, headers=bearer(token)
            )
        )
        assert await written() == before

        # announcing signs a URL (no call to the bucket): it either works or is a clean 503 that writes nothing
        other = await announce(client, token, images.phone_jpeg((320, 240)))
        if other.status_code == 503:
            assert_unavailable(other)
            assert await written() == before
        else:
            assert other.status_code == 201, other.text
            before["uploads"] += 1

        # reports without photos do not need the bucket
        r = await submit(client, token, report_body(description="井盖缺失，存储停了也要能报"))
        assert r.status_code == 201, r.text
        assert (await client.get(f"/v1/reports/{r.json()['id']}", headers=bearer(token))).status_code == 200
        assert await written() == {**before, "reports": 1}

        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["storage"]

        # back up, same API process: the upload completes, direct photos work again
        private_s3.start()
        done = await client.post(f"/v1/uploads/{upload_id}/complete", headers=bearer(token))
        assert done.status_code == 200, done.text
        again = await client.post(
            "/v1/photos", files={"file": ("x.jpg", direct, "image/jpeg")}, headers=bearer(token)
        )
        assert again.status_code == 201, again.text
        assert (await client.get("/readyz")).status_code == 200
    after = await written()
    assert after["photos"] == 2 and after["completed"] == 1 and after["reports"] == 1
