"""Building the world around a notification: reports, followers, phones, and moving a case through the API."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer


async def add_report(
    db: asyncpg.Connection, case_id: uuid.UUID, reporter_id: uuid.UUID
) -> tuple[uuid.UUID, str]:
    """A citizen's report on the case (what `POST /v1/reports` leaves behind), with its public number."""
    number = "2026112" + str(uuid.uuid4().int)[:6]
    report_id: uuid.UUID = await db.fetchval(
        """INSERT INTO reports (number, case_id, reporter_id, category_code, description, location, original_lat,
                                original_lon, original_crs)
           SELECT $1, c.id, $3, c.category_code, 'test', c.location, ST_Y(c.location), ST_X(c.location), 'wgs84'
           FROM cases c WHERE c.id = $2 RETURNING id""",
        number,
        case_id,
        reporter_id,
    )
    return report_id, number


async def follow(db: asyncpg.Connection, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await db.execute("INSERT INTO case_followers (case_id, user_id) VALUES ($1, $2)", case_id, user_id)


async def register_device(
    client: AsyncTestClient[Any], token: str, device: str, *, platform: str = "android", locale: str = "zh-CN"
) -> Any:
    r = await client.post(
        "/v1/devices",
        json={"token": device, "platform": platform, "app_version": "1.4.0", "locale": locale},
        headers=bearer(token),
    )
    assert r.status_code in (200, 201), r.text
    return r.json()


async def act(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    token: str,
    case_id: uuid.UUID,
    action: str,
    **fields: Any,
) -> dict[str, Any]:
    version = await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id)
    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json={"action": action, **fields},
        headers={**bearer(token), "If-Match": str(version)},
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["case"]
    return result


async def inbox(client: AsyncTestClient[Any], token: str, **params: Any) -> dict[str, Any]:
    r = await client.get("/v1/inbox", params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def outbox_ids(db: asyncpg.Connection, case_id: uuid.UUID) -> list[int]:
    rows = await db.fetch("SELECT id FROM outbox WHERE payload->>'case_id' = $1 ORDER BY id", str(case_id))
    return [r["id"] for r in rows]
