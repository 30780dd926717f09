"""Following and unfollowing a report's case: unfollowing is idempotent, hides nothing it should not reveal,
and leaves the case's reporters hearing of it."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from notifications.fanout import plan_transition
from tests.cases.helpers import report_body, submit
from tests.identity.helpers import bearer, sign_in, staff_token

pytestmark = pytest.mark.usefixtures("demo_city")
REPORTER, FOLLOWER, STRANGER = "13912345678", "13987654321", "13911112222"


async def followers(db: asyncpg.Connection) -> set[tuple[str, str]]:
    rows = await db.fetch("SELECT case_id::text, user_id::text FROM case_followers")
    return {(r[0], r[1]) for r in rows}


async def user_id(db: asyncpg.Connection, phone: str) -> str:
    found: uuid.UUID = await db.fetchval("SELECT id FROM users WHERE phone = $1", "+86" + phone)
    return str(found)


@pytest.fixture
async def people(client: AsyncTestClient[Any], db: asyncpg.Connection) -> dict[str, str]:
    return {
        phone: (await sign_in(client, db, phone))["access_token"] for phone in (REPORTER, FOLLOWER, STRANGER)
    }


@pytest.fixture
async def report(client: AsyncTestClient[Any], people: dict[str, str]) -> dict[str, Any]:
    """A citizen's report, followed by a second citizen."""
    created: dict[str, Any] = (await submit(client, people[REPORTER])).json()
    r = await client.post(f"/v1/reports/{created['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert r.status_code == 200, r.text
    return created


async def hide(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, report_id: str
) -> str:
    clerk = await staff_token(db, settings, "+8613700000101", "intake_clerk", ("district", "110101"))
    r = await client.post(
        f"/v1/reports/{report_id}/hide", json={"reason": "含个人信息"}, headers=bearer(clerk)
    )
    assert r.status_code == 200, r.text
    return clerk


async def test_unfollow_stops_following_and_twice_is_harmless(
    client: AsyncTestClient[Any], db: asyncpg.Connection, people: dict[str, str], report: dict[str, Any]
) -> None:
    follower = await user_id(db, FOLLOWER)
    assert (report["case_id"], follower) in await followers(db)

    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert (report["case_id"], follower) not in await followers(db)
    view = (await client.get(f"/v1/reports/{report['id']}", headers=bearer(people[FOLLOWER]))).json()
    assert view["following"] is False

    before = await followers(db)
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert r.status_code == 204  # idempotent: a retry after a lost answer changes nothing
    assert await followers(db) == before

    # and following again works
    r = await client.post(f"/v1/reports/{report['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert r.status_code == 200
    assert (report["case_id"], follower) in await followers(db)


async def test_unfollowing_what_you_never_followed_is_204_and_writes_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, people: dict[str, str], report: dict[str, Any]
) -> None:
    before = await followers(db)
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[STRANGER]))
    assert r.status_code == 204
    assert await followers(db) == before


async def test_an_unfollower_hears_no_more_while_the_reporter_still_does(
    client: AsyncTestClient[Any], db: asyncpg.Connection, people: dict[str, str], report: dict[str, Any]
) -> None:
    payload = {"case_id": report["case_id"], "action": "register", "from": "verified", "to": "registered"}

    async def told() -> set[str]:
        async with db.transaction():
            plan = await plan_transition(db, payload)
        assert plan is not None
        return {str(r.user_id) for r in plan.recipients}

    reporter, follower = await user_id(db, REPORTER), await user_id(db, FOLLOWER)
    assert await told() == {reporter, follower}
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert r.status_code == 204
    assert await told() == {reporter}


async def test_the_reporter_cannot_unfollow_their_case(
    client: AsyncTestClient[Any], db: asyncpg.Connection, people: dict[str, str], report: dict[str, Any]
) -> None:
    """Reporters are told of their case's progress as reporters (the notifications fan-out reads the reports,
    not the follows), so an unfollow could not stop anything: it is refused and the follow stays."""
    before = await followers(db)
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[REPORTER]))
    assert (r.status_code, r.json()["code"]) == (409, "reporter_always_follows"), r.text
    assert r.json()["title"] == "你是该案件的上报人，会一直收到它的进展"
    r = await client.delete(
        f"/v1/reports/{report['id']}/follow", headers={**bearer(people[REPORTER]), "Accept-Language": "en"}
    )
    assert r.json()["title"] == "You reported this case: you hear of its progress as its reporter"
    assert await followers(db) == before
    view = (await client.get(f"/v1/reports/{report['id']}", headers=bearer(people[REPORTER]))).json()
    assert view["following"] is True

    # a "me too" report on the same case makes its author a reporter of the case as well
    joined = (await submit(client, people[STRANGER], report_body())).json()
    assert joined["case_id"] == report["case_id"] and joined["joined_existing"] is True
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[STRANGER]))
    assert (r.status_code, r.json()["code"]) == (409, "reporter_always_follows")
    assert (report["case_id"], await user_id(db, STRANGER)) in await followers(db)


async def test_unknown_reports_are_not_found_and_nothing_changes(
    client: AsyncTestClient[Any], db: asyncpg.Connection, people: dict[str, str], report: dict[str, Any]
) -> None:
    before = await followers(db)
    r = await client.delete(f"/v1/reports/{uuid.uuid4()}/follow", headers=bearer(people[FOLLOWER]))
    assert (r.status_code, r.json()["code"]) == (404, "report_not_found")
    r = await client.delete("/v1/reports/not-a-uuid/follow", headers=bearer(people[FOLLOWER]))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert await followers(db) == before


async def test_a_hidden_report_only_its_followers_and_staff_can_leave(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    people: dict[str, str],
    report: dict[str, Any],
) -> None:
    clerk = await hide(client, db, settings, report["id"])
    before = await followers(db)

    # someone who does not follow it learns nothing: the same answer as for a report that does not exist
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[STRANGER]))
    assert (r.status_code, r.json()["code"]) == (404, "report_not_found")
    r = await client.post(f"/v1/reports/{report['id']}/follow", headers=bearer(people[STRANGER]))
    assert (r.status_code, r.json()["code"]) == (404, "report_not_found")
    assert await followers(db) == before

    # its follower knows of it already, and can leave it
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert r.status_code == 204
    assert (report["case_id"], await user_id(db, FOLLOWER)) not in await followers(db)
    # then it is hidden from them too
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[FOLLOWER]))
    assert (r.status_code, r.json()["code"]) == (404, "report_not_found")

    # its reporter is no longer told as a reporter (their report is hidden), so they may leave it
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(people[REPORTER]))
    assert r.status_code == 204
    assert await followers(db) == set()

    # staff see hidden reports
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer(clerk))
    assert r.status_code == 204


async def test_unfollowing_needs_a_signed_in_user(
    client: AsyncTestClient[Any], db: asyncpg.Connection, report: dict[str, Any]
) -> None:
    before = await followers(db)
    r = await client.delete(f"/v1/reports/{report['id']}/follow")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    r = await client.delete(f"/v1/reports/{report['id']}/follow", headers=bearer("not-a-token"))
    assert r.status_code == 401
    assert await followers(db) == before
