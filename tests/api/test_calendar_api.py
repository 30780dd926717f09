"""Admins keep the working-time calendar: list the days, override the official calendar, undo it."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.identity.helpers import bearer, staff_token

ADMIN_PHONE = "+8613700000020"
URL = "/v1/admin/calendar"


async def admin(db: asyncpg.Connection, settings: Settings) -> dict[str, str]:
    return bearer(await staff_token(db, settings, ADMIN_PHONE, "admin"))


async def calendar_audit(db: asyncpg.Connection) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT action, actor_id, target_type, target_id, details FROM audit_log"
        " WHERE action LIKE 'calendar.%' ORDER BY id"
    )


async def overrides(db: asyncpg.Connection) -> list[asyncpg.Record]:
    return await db.fetch("SELECT * FROM calendar_overrides ORDER BY day")


async def test_admin_sets_lists_and_removes_an_override(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    headers = await admin(db, settings)
    admin_id = await db.fetchval("SELECT id FROM users WHERE phone = $1", ADMIN_PHONE)

    # a typhoon closes the city on Thu 11 Sep 2025
    r = await client.put(f"{URL}/2025-09-11", json={"workday": False, "note": "台风停工"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "day": "2025-09-11",
        "workday": False,
        "source": "override",
        "festival": None,
        "note": "台风停工",
    }
    row = (await overrides(db))[0]
    assert (row["day"], row["workday"], row["note"], row["updated_by"]) == (
        date(2025, 9, 11),
        False,
        "台风停工",
        admin_id,
    )

    r = await client.get(URL, params={"from": "2025-09-10", "to": "2025-09-14"}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["from"], body["to"], body["timezone"], body["hours_per_day"]) == (
        "2025-09-10",
        "2025-09-14",
        "Asia/Shanghai",
        7.0,
    )
    assert [(d["day"], d["workday"], d["source"], d["note"]) for d in body["days"]] == [
        ("2025-09-10", True, "official", ""),  # Wed
        ("2025-09-11", False, "override", "台风停工"),  # Thu, the typhoon
        ("2025-09-12", True, "official", ""),  # Fri
        ("2025-09-13", False, "official", ""),  # Sat
        ("2025-09-14", False, "official", ""),  # Sun
    ]

    # changing one's mind is an update of the same day, not a second row
    r = await client.put(f"{URL}/2025-09-11", json={"workday": True}, headers=headers)
    assert r.status_code == 200
    assert [(o["workday"], o["note"]) for o in await overrides(db)] == [(True, "")]

    r = await client.delete(f"{URL}/2025-09-11", headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["workday"], r.json()["source"]) == (True, "official")
    assert await overrides(db) == []

    audit = await calendar_audit(db)
    assert [(a["action"], a["target_type"], a["target_id"]) for a in audit] == [
        ("calendar.override.set", "calendar_day", "2025-09-11"),
        ("calendar.list", "calendar", "2025-09-10..2025-09-14"),
        ("calendar.override.set", "calendar_day", "2025-09-11"),
        ("calendar.override.delete", "calendar_day", "2025-09-11"),
    ]
    assert {a["actor_id"] for a in audit} == {admin_id}
    assert audit[0]["details"] == {
        "before": {"workday": True, "source": "official", "note": ""},
        "after": {"workday": False, "source": "override", "note": "台风停工"},
    }
    assert audit[3]["details"]["before"] == {"workday": True, "source": "override", "note": ""}


async def test_the_listing_shows_official_holidays_and_the_weekday_rule(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    headers = await admin(db, settings)
    r = await client.get(URL, params={"from": "2025-09-27", "to": "2025-10-12"}, headers=headers)
    days = {d["day"]: d for d in r.json()["days"]}
    assert len(days) == 16
    assert (days["2025-09-28"]["workday"], days["2025-09-28"]["festival"]) == (True, "National Day")  # Sun
    assert [days[f"2025-10-0{n}"]["workday"] for n in range(1, 9)] == [False] * 8
    assert days["2025-10-11"]["workday"] is True  # Sat, make-up day
    assert {d["source"] for d in days.values()} == {"official"}

    # a year the official calendar does not cover: Monday to Friday (Mon 5 .. Sun 11 Jan 2099)
    r = await client.get(URL, params={"from": "2099-01-05", "to": "2099-01-11"}, headers=headers)
    assert [(d["workday"], d["source"]) for d in r.json()["days"]] == [(True, "weekday-rule")] * 5 + [
        (False, "weekday-rule")
    ] * 2

    # 366 days is the most one listing shows
    r = await client.get(URL, params={"from": "2024-01-01", "to": "2024-12-31"}, headers=headers)
    assert r.status_code == 200
    assert len(r.json()["days"]) == 366


async def test_removing_a_day_without_override_is_404(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    r = await client.delete(f"{URL}/2025-09-11", headers=await admin(db, settings))
    assert r.status_code == 404
    assert r.json()["code"] == "calendar_override_not_found"
    assert await calendar_audit(db) == []


@pytest.mark.parametrize("role", ["intake_clerk", "shift_lead", "dispatcher", "citizen"])
async def test_only_admins_see_or_change_the_calendar(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, role: Any
) -> None:
    headers = bearer(await staff_token(db, settings, "+8613700000021", role))
    for r in (
        await client.get(URL, params={"from": "2025-09-10", "to": "2025-09-14"}, headers=headers),
        await client.put(f"{URL}/2025-09-11", json={"workday": False}, headers=headers),
        await client.delete(f"{URL}/2025-09-11", headers=headers),
    ):
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"
    assert await overrides(db) == []
    assert await calendar_audit(db) == []


async def test_anonymous_callers_are_401(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    r = await client.put(f"{URL}/2025-09-11", json={"workday": False})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    assert await overrides(db) == []


@pytest.mark.parametrize(
    "day", ["2025-02-29", "2025-13-01", "20250911", "2025-W37-4", "tomorrow", "2025-9-1"]
)
async def test_a_bad_day_is_422_and_writes_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, day: str
) -> None:
    headers = await admin(db, settings)
    r = await client.put(f"{URL}/{day}", json={"workday": False}, headers=headers)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_calendar_date"
    assert body["errors"] == [{"field": "day", "code": "invalid_calendar_date"}]
    assert body["title"] == "日期无效（格式为 YYYY-MM-DD）"
    r = await client.delete(f"{URL}/{day}", headers=headers)
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_calendar_date"
    assert await overrides(db) == []
    assert await calendar_audit(db) == []


@pytest.mark.parametrize(
    ("params", "code", "fields"),
    [
        ({"from": "2025-09-31", "to": "2025-10-01"}, "invalid_calendar_date", ["from"]),
        ({"from": "2025-09-01", "to": "next week"}, "invalid_calendar_date", ["to"]),
        ({"from": "2025-10-01", "to": "2025-09-30"}, "invalid_calendar_range", ["from", "to"]),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "invalid_calendar_range", ["from", "to"]),  # 367 days
    ],
)
async def test_a_bad_range_is_422(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    params: dict[str, str],
    code: str,
    fields: list[str],
) -> None:
    r = await client.get(URL, params=params, headers={**await admin(db, settings), "Accept-Language": "en"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == code
    assert [e["field"] for e in body["errors"]] == fields
    assert body["title"].startswith("The date")
    assert await calendar_audit(db) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"workday": "no"},
        {"workday": False, "note": "x" * 201},
        {"workday": False, "reason": "typhoon"},
    ],
)
async def test_a_bad_body_is_422_and_writes_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, body: dict[str, Any]
) -> None:
    r = await client.put(f"{URL}/2025-09-11", json=body, headers=await admin(db, settings))
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert await overrides(db) == []
    assert await calendar_audit(db) == []
