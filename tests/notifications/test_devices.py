"""Phones and quiet hours: a token belongs to the latest user who registers it, a user keeps at most ten, and
bad input is refused with nothing written."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from notifications.models import MAX_DEVICES_PER_USER
from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen
from tests.notifications.helpers import register_device

TOKEN = "fcm:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"


async def test_a_token_moves_to_the_latest_user(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen, follower: Citizen
) -> None:
    body = {"token": TOKEN, "platform": "android", "app_version": "1.4.0", "locale": "en"}
    r = await client.post("/v1/devices", json=body, headers=bearer(reporter.token))
    assert r.status_code == 201, r.text
    assert r.json()["token"] == TOKEN and r.json()["locale"] == "en"
    r = await client.post(
        "/v1/devices", json={**body, "app_version": "1.5.0"}, headers=bearer(reporter.token)
    )
    assert r.status_code == 200  # known: refreshed
    assert await db.fetchval("SELECT app_version FROM devices WHERE token = $1", TOKEN) == "1.5.0"

    # the phone changes hands (sign-out, sign-in as someone else)
    r = await client.post("/v1/devices", json=body, headers=bearer(follower.token))
    assert r.status_code == 201  # new to the follower
    assert await db.fetchval("SELECT user_id FROM devices WHERE token = $1", TOKEN) == follower.id

    r = await client.delete(f"/v1/devices/{TOKEN}", headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (404, "device_not_found")
    assert await db.fetchval("SELECT count(*) FROM devices") == 1
    r = await client.delete(f"/v1/devices/{TOKEN}", headers=bearer(follower.token))
    assert r.status_code == 204
    assert await db.fetchval("SELECT count(*) FROM devices") == 0


async def test_a_user_keeps_the_ten_latest_phones(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen
) -> None:
    for i in range(MAX_DEVICES_PER_USER + 2):
        await register_device(client, reporter.token, f"token-{i:02d}")
    tokens = {r["token"] for r in await db.fetch("SELECT token FROM devices WHERE user_id = $1", reporter.id)}
    assert tokens == {f"token-{i:02d}" for i in range(2, MAX_DEVICES_PER_USER + 2)}


@pytest.mark.parametrize(
    "body",
    [
        {"token": TOKEN, "platform": "nokia", "app_version": "1.0"},
        {"token": "", "platform": "ios", "app_version": "1.0"},
        {"token": "has spaces in it", "platform": "ios", "app_version": "1.0"},
        {"token": "x" * 4097, "platform": "ios", "app_version": "1.0"},
        {"token": TOKEN, "platform": "ios", "app_version": ""},
        {"token": TOKEN, "platform": "ios", "app_version": "1.0", "locale": "fr"},
        {"token": TOKEN, "platform": "ios", "app_version": "1.0", "owner": "someone-else"},
        {"platform": "ios", "app_version": "1.0"},
    ],
)
async def test_bad_devices_are_refused_and_nothing_is_written(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen, body: dict[str, Any]
) -> None:
    r = await client.post("/v1/devices", json=body, headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), r.text
    assert await db.fetchval("SELECT count(*) FROM devices") == 0


async def test_devices_need_a_signed_in_user(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    r = await client.post("/v1/devices", json={"token": TOKEN, "platform": "ios", "app_version": "1.0"})
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    r = await client.delete(f"/v1/devices/{TOKEN}")
    assert r.status_code == 401
    assert await db.fetchval("SELECT count(*) FROM devices") == 0


async def test_quiet_hours(client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen) -> None:
    auth = bearer(reporter.token)
    assert (await client.get("/v1/me/quiet-hours", headers=auth)).json() is None
    r = await client.put("/v1/me/quiet-hours", json={"start": "22:30", "end": "07:00"}, headers=auth)
    assert (r.status_code, r.json()) == (200, {"start": "22:30", "end": "07:00"})
    assert (await client.get("/v1/me/quiet-hours", headers=auth)).json() == {"start": "22:30", "end": "07:00"}

    for bad, code in [
        ({"start": "08:00", "end": "08:00"}, "invalid_quiet_hours"),
        ({"start": "25:00", "end": "07:00"}, "validation_failed"),
        ({"start": "22:00:00+08:00", "end": "07:00"}, "validation_failed"),
        ({"start": "22:00"}, "validation_failed"),
    ]:
        r = await client.put("/v1/me/quiet-hours", json=bad, headers=auth)
        assert (r.status_code, r.json()["code"]) == (422, code), bad
    assert (await client.get("/v1/me/quiet-hours", headers=auth)).json() == {"start": "22:30", "end": "07:00"}

    assert (await client.delete("/v1/me/quiet-hours", headers=auth)).status_code == 204
    assert await db.fetchval("SELECT count(*) FROM quiet_hours") == 0
