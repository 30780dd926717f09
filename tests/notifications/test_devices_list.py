"""Listing my phones (GET /v1/devices), a page at a time, and what registering one answers: 201 when the token
is new to the caller, 200 when it was theirs already."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen

DEVICES = "/v1/devices"


def body(token: str, **changes: Any) -> dict[str, Any]:
    return {"token": token, "platform": "android", "app_version": "1.4.0", "locale": "zh-CN", **changes}


async def register(client: AsyncTestClient[Any], who: Citizen, token: str, **changes: Any) -> Any:
    return await client.post(DEVICES, json=body(token, **changes), headers=bearer(who.token))


async def listed(client: AsyncTestClient[Any], who: Citizen, **params: Any) -> dict[str, Any]:
    r = await client.get(DEVICES, params=params, headers=bearer(who.token))
    assert r.status_code == 200, r.text
    page: dict[str, Any] = r.json()
    return page


async def every_page(client: AsyncTestClient[Any], who: Citizen, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = await listed(client, who, **params)
        pages.append([d["token"] for d in page["items"]])
        if page["next_cursor"] is None:
            return pages
        params["cursor"] = page["next_cursor"]


async def stored(db: asyncpg.Connection) -> list[Any]:
    return [tuple(r) for r in await db.fetch("SELECT * FROM devices ORDER BY token")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_no_phones_is_an_empty_page(client: AsyncTestClient[Any], reporter: Citizen) -> None:
    assert await listed(client, reporter) == {"items": [], "next_cursor": None}


async def test_my_phones_as_stored_newest_first_and_only_mine(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen, follower: Citizen
) -> None:
    assert (await register(client, reporter, "phone-a", platform="ios", locale="en")).status_code == 201
    assert (await register(client, reporter, "phone-b", app_version="2.0.1")).status_code == 201
    assert (await register(client, follower, "phone-of-someone-else")).status_code == 201

    page = await listed(client, reporter)
    assert page["next_cursor"] is None
    assert [d["token"] for d in page["items"]] == ["phone-b", "phone-a"]
    rows = {
        r["token"]: r
        for r in await db.fetch(
            "SELECT token, platform, app_version, locale, created_at, updated_at FROM devices WHERE user_id = $1",
            reporter.id,
        )
    }
    for item in page["items"]:
        row = rows[item["token"]]
        assert (item["platform"], item["app_version"], item["locale"]) == (
            row["platform"],
            row["app_version"],
            row["locale"],
        )
        assert (at(item["created_at"]), at(item["updated_at"])) == (row["created_at"], row["updated_at"])
    assert page["items"][1]["platform"] == "ios" and page["items"][1]["locale"] == "en"
    assert [d["token"] for d in (await listed(client, follower))["items"]] == ["phone-of-someone-else"]


async def test_pages_with_a_cursor(client: AsyncTestClient[Any], reporter: Citizen) -> None:
    for n in range(5):
        await register(client, reporter, f"phone-{n}")
    assert await every_page(client, reporter, 2) == [
        ["phone-4", "phone-3"],
        ["phone-2", "phone-1"],
        ["phone-0"],
    ]
    # a last page that is exactly full says so: no cursor to an empty page
    assert await every_page(client, reporter, 5) == [[f"phone-{n}" for n in (4, 3, 2, 1, 0)]]
    assert await every_page(client, reporter, 100) == [[f"phone-{n}" for n in (4, 3, 2, 1, 0)]]


async def test_pages_neither_skip_nor_repeat(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen
) -> None:
    # phones registered in the same instant (one transaction): the cursor still tells them apart
    same = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    await db.executemany(
        """INSERT INTO devices (token, user_id, platform, app_version, locale, created_at, updated_at)
           VALUES ($1, $2, 'android', '1.0', 'zh-CN', $3, $3)""",
        [(f"tie-{n}", reporter.id, same) for n in range(4)],
    )
    pages = await every_page(client, reporter, 1)
    assert sorted(t for page in pages for t in page) == [f"tie-{n}" for n in range(4)]
    assert len(pages) == 4

    # a phone registering again between two pages (the app does on every start) keeps its place
    first = await listed(client, reporter, limit=2)
    assert (await register(client, reporter, first["items"][0]["token"])).status_code == 200
    rest = await every_page_from(client, reporter, first["next_cursor"])
    seen = [d["token"] for d in first["items"]] + rest
    assert sorted(seen) == [f"tie-{n}" for n in range(4)]


async def every_page_from(client: AsyncTestClient[Any], who: Citizen, cursor: str) -> list[str]:
    tokens: list[str] = []
    while cursor:
        page = await listed(client, who, limit=2, cursor=cursor)
        tokens += [d["token"] for d in page["items"]]
        cursor = page["next_cursor"]
    return tokens


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "!!!",
        _b64("n42"),  # an inbox cursor
        _b64("d|2026-03-01T08:00:00+00:00"),
        _b64("d|2026-03-01T08:00:00|" + "0" * 32),  # no time zone
        _b64("d|yesterday|" + "0" * 32),
        _b64("d|2026-03-01T08:00:00+00:00|not-a-key"),
        _b64("x|2026-03-01T08:00:00+00:00|" + "0" * 32),
        base64.urlsafe_b64encode(b"\xff\xfe|x").decode(),
    ],
)
async def test_a_cursor_this_api_did_not_give_out_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen, cursor: str
) -> None:
    await register(client, reporter, "phone-a")
    before = await stored(db)
    r = await client.get(DEVICES, params={"cursor": cursor}, headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_cursor"), r.text
    assert r.json()["errors"][0]["field"] == "cursor"
    assert await stored(db) == before


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"limit": -1}, {"cursor": "x" * 201}]
)
async def test_bad_paging_parameters_are_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen, params: dict[str, Any]
) -> None:
    await register(client, reporter, "phone-a")
    before = await stored(db)
    r = await client.get(DEVICES, params=params, headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), r.text
    assert await stored(db) == before


async def test_listing_phones_needs_a_signed_in_user(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen
) -> None:
    await register(client, reporter, "phone-a")
    before = await stored(db)
    r = await client.get(DEVICES)
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    r = await client.get(DEVICES, headers=bearer("not-a-token"))
    assert r.status_code == 401
    assert await stored(db) == before


# what registering answers ----------------------------------------------------------------------------------------


async def test_201_when_new_to_me_200_when_already_mine(
    client: AsyncTestClient[Any], db: asyncpg.Connection, reporter: Citizen, follower: Citizen
) -> None:
    first = await register(client, reporter, "phone-a")
    assert first.status_code == 201
    again = await register(client, reporter, "phone-a", app_version="1.5.0", locale="en")
    assert again.status_code == 200  # already mine: refreshed
    assert again.json()["app_version"] == "1.5.0" and again.json()["locale"] == "en"
    assert again.json()["created_at"] == first.json()["created_at"]
    assert at(again.json()["updated_at"]) >= at(first.json()["updated_at"])
    assert [d["app_version"] for d in (await listed(client, reporter))["items"]] == ["1.5.0"]

    # the phone changes hands: new to the follower, so 201, and registered to them from now
    moved = await register(client, follower, "phone-a")
    assert moved.status_code == 201
    assert at(moved.json()["created_at"]) >= at(first.json()["created_at"])
    assert await db.fetchval("SELECT user_id FROM devices WHERE token = 'phone-a'") == follower.id
    assert (await listed(client, reporter))["items"] == []
    assert [d["token"] for d in (await listed(client, follower))["items"]] == ["phone-a"]
    assert (await register(client, follower, "phone-a")).status_code == 200
    # and back: new to the reporter again
    assert (await register(client, reporter, "phone-a")).status_code == 201
    assert await db.fetchval("SELECT count(*) FROM devices") == 1
