"""Privacy (PIPL: a reporter's identity and exact location are personal data), issue 9.

Each test here failed before the fix it covers: staff out of scope saw a report's private fields, hidden
reports and photo originals; anonymous reporters were named to every staff member; a department saw the cases
routing merely suggested for it; the reporter's rating comment was the public note of the reopening.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from notifications import fanout
from tests.identity.helpers import bearer
from tests.security.city import (
    DEPT_IN,
    IN_POINT,
    IN_SCOPE,
    PEOPLE,
    City,
    build_city,
    new_case,
    new_photo,
    new_report,
)

#: what only the full view of a report carries
PRIVATE = (
    "anonymous",
    "reporter_id",
    "client_id",
    "joined_existing",
    "location_mismatch",
    "original_location",
    "hidden",
    "hidden_reason",
)
#: everyone but staff in scope and the reporter: the staff of 110102 and of water, the property manager,
#: another citizen, a resident, nobody
OUT_OF_SCOPE = (*(name for name in PEOPLE if name not in IN_SCOPE and name != "citizen"), "anonymous")


@pytest.fixture
async def city(db: asyncpg.Connection, settings: Settings) -> City:
    return await build_city(db, settings)


def auth(city: City, name: str) -> dict[str, str]:
    return {} if name == "anonymous" else bearer(city.tokens[name])


async def audit_count(db: asyncpg.Connection, action: str) -> int:
    count: int = await db.fetchval("SELECT count(*) FROM audit_log WHERE action = $1", action)
    return count


# reports: the full view only in scope -------------------------------------------------------------------------


async def test_staff_out_of_scope_get_the_public_view_of_a_report(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    case = await new_case(db, city, in_grid=True, step="handle")
    report = await new_report(db, case, city.ids["citizen"])
    reporter = str(city.ids["citizen"])

    for name in OUT_OF_SCOPE:
        r = await client.get(f"/v1/reports/{report}", headers=auth(city, name))
        assert r.status_code == 200, (name, r.text)
        body = r.json()
        assert body["view"] == "public", name
        assert not set(PRIVATE) & set(body), name
        assert reporter not in r.text, name
        # and no staff view of the case either
        r = await client.get(f"/v1/cases/{case}", headers=auth(city, name))
        assert r.json()["view"] == "public", name
        assert reporter not in r.text, name

    for name in IN_SCOPE | {"citizen"}:
        body = (await client.get(f"/v1/reports/{report}", headers=auth(city, name))).json()
        assert body["view"] == "full", name
        assert body["reporter_id"] == reporter, name
        assert body["original_location"] == {"lat": IN_POINT[0], "lon": IN_POINT[1], "crs": "wgs84"}


async def test_a_hidden_report_is_not_found_for_staff_out_of_scope(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    case = await new_case(db, city, in_grid=True, hidden=True)
    report = await new_report(db, case, city.ids["citizen"], hidden=True)
    followers = await db.fetchval("SELECT count(*) FROM case_followers")

    for name in OUT_OF_SCOPE:
        for method, path in (
            ("GET", f"/v1/reports/{report}"),
            ("GET", f"/v1/cases/{case}"),
            ("POST", f"/v1/reports/{report}/follow"),
        ):
            r = await client.request(method, path, headers=auth(city, name))
            expected = 401 if name == "anonymous" and method == "POST" else 404
            assert r.status_code == expected, (name, path, r.text)
            if expected == 404:
                assert r.json()["code"] in ("report_not_found", "case_not_found")
                assert "含个人信息" not in r.text
    assert await db.fetchval("SELECT count(*) FROM case_followers") == followers

    for name in IN_SCOPE | {"citizen"}:
        body = (await client.get(f"/v1/reports/{report}", headers=auth(city, name))).json()
        assert (body["view"], body["hidden"], body["hidden_reason"]) == ("full", True, "含个人信息"), name


async def test_moderators_act_on_reports_in_their_scope_only(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    case = await new_case(db, city, "verifying", department=None, step="verify")
    report = await new_report(db, case, city.ids["citizen"])
    events = await db.fetchval("SELECT count(*) FROM case_events")
    for name in ("intake_clerk_out", "shift_lead_out"):
        for path, body in (
            ("hide", {"reason": "广告"}),
            ("recategorise", {"category": "E0103", "note": "渣土"}),
        ):
            r = await client.post(f"/v1/reports/{report}/{path}", json=body, headers=auth(city, name))
            assert r.status_code == 403, (name, path, r.text)
            assert r.json()["code"] == "action_forbidden"
    row = await db.fetchrow("SELECT hidden_at, category_code FROM reports WHERE id = $1", report)
    assert (row["hidden_at"], row["category_code"]) == (None, "E0102")
    assert await db.fetchval("SELECT category_code FROM cases WHERE id = $1", case) == "E0102"
    assert await db.fetchval("SELECT count(*) FROM case_events") == events
    assert await audit_count(db, "report.hide") == await audit_count(db, "report.recategorise") == 0

    r = await client.post(
        f"/v1/reports/{report}/hide", json={"reason": "广告"}, headers=auth(city, "intake_clerk")
    )
    assert r.status_code == 200
    # hidden now: out of scope it is not found at all
    r = await client.post(
        f"/v1/reports/{report}/recategorise", json={"category": "E0103"}, headers=auth(city, "shift_lead_out")
    )
    assert r.status_code == 404
    assert r.json()["code"] == "report_not_found"
    assert await db.fetchval("SELECT category_code FROM reports WHERE id = $1", report) == "E0102"


# anonymous reports: nobody but an admin, audited ---------------------------------------------------------------


async def test_an_anonymous_reporter_is_shown_to_admins_only_and_audited(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    case = await new_case(db, city, in_grid=True, step="handle")
    report = await new_report(db, case, city.ids["citizen"], anonymous=True)
    client_id = await db.fetchval("SELECT client_id FROM reports WHERE id = $1", report)
    reporter = str(city.ids["citizen"])

    for name in sorted(IN_SCOPE - {"admin"}):
        r = await client.get(f"/v1/reports/{report}", headers=auth(city, name))
        body = r.json()
        assert (body["view"], body["anonymous"]) == ("full", True), name
        assert "reporter_id" not in body and "client_id" not in body, name
        assert reporter not in r.text and client_id not in r.text, name
        # nor through the case's history (who reported, who was routed for)
        r = await client.get(f"/v1/cases/{case}", headers=auth(city, name))
        assert r.json()["view"] == "staff", name
        assert reporter not in r.text, name
    assert await audit_count(db, "report.anonymous_reporter_viewed") == 0

    # the reporter sees themself, unaudited
    mine = (await client.get(f"/v1/reports/{report}", headers=auth(city, "citizen"))).json()
    assert (mine["reporter_id"], mine["client_id"]) == (reporter, client_id)
    assert await audit_count(db, "report.anonymous_reporter_viewed") == 0

    # an admin may learn who it was: every look is on record
    admin = (await client.get(f"/v1/reports/{report}", headers=auth(city, "admin"))).json()
    assert (admin["reporter_id"], admin["client_id"]) == (reporter, client_id)
    entry = await db.fetchrow(
        "SELECT actor_id, target_type, target_id, details FROM audit_log WHERE action = 'report.anonymous_reporter_viewed'"
    )
    assert (entry["actor_id"], entry["target_type"], entry["target_id"]) == (
        city.ids["admin"],
        "report",
        str(report),
    )
    assert entry["details"]["case_id"] == str(case)
    # the case's history names nobody, admins included: the audited report view is the one door
    assert reporter not in (await client.get(f"/v1/cases/{case}", headers=auth(city, "admin"))).text


# photo originals: the staff acting on the case --------------------------------------------------------------------


async def test_the_original_photo_goes_only_to_staff_acting_on_the_case(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    photo = await new_photo(db, city.ids["citizen"])
    case = await new_case(db, city, in_grid=True, step="handle")
    await new_report(db, case, city.ids["citizen"], photo_ids=(photo,))
    acting = {"inspector", "intake_clerk", "shift_lead", "dispatcher", "department_handler", "admin"}

    for name in [*PEOPLE, "anonymous"]:
        r = await client.get(
            f"/v1/photos/{photo}",
            params={"size": "original"},
            headers=auth(city, name),
            follow_redirects=False,
        )
        if name in acting:
            assert r.status_code == 302, (name, r.text)
            assert "original/" in r.headers["location"]
        else:  # the leader of the district, other staff, the public, the uploader too
            assert r.status_code == 404, (name, r.status_code)
            assert r.json()["code"] == "photo_not_found"
            assert "location" not in r.headers
        # the clean copy of a public report's photo is public
        r = await client.get(f"/v1/photos/{photo}", headers=auth(city, name), follow_redirects=False)
        assert r.status_code == 302, name
        assert "display/" in r.headers["location"]


async def test_photos_of_a_hidden_report_stay_in_scope(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    photo = await new_photo(db, city.ids["citizen"])
    case = await new_case(db, city, in_grid=True, hidden=True)
    await new_report(db, case, city.ids["citizen"], hidden=True, photo_ids=(photo,))
    for name in [*PEOPLE, "anonymous"]:
        r = await client.get(f"/v1/photos/{photo}", headers=auth(city, name), follow_redirects=False)
        expected = 302 if name in IN_SCOPE | {"citizen"} else 404
        assert r.status_code == expected, (name, r.status_code)


async def test_a_department_only_suggested_gets_no_original(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    photo = await new_photo(db, city.ids["citizen"])
    case = await new_case(db, city, "registered", department=None, step="dispatch")
    await new_report(db, case, city.ids["citizen"], photo_ids=(photo,))
    r = await client.get(
        f"/v1/photos/{photo}?size=original", headers=auth(city, "department_handler"), follow_redirects=False
    )
    assert r.status_code == 404
    r = await client.get(
        f"/v1/photos/{photo}?size=original", headers=auth(city, "dispatcher"), follow_redirects=False
    )
    assert r.status_code == 302


# departments: from dispatch on --------------------------------------------------------------------------------


async def _ids(client: AsyncTestClient[Any], token: str) -> tuple[list[str], list[str], dict[str, Any]]:
    queue = (await client.get("/v1/cases", headers=bearer(token))).json()
    synced = (await client.get("/v1/sync", headers=bearer(token))).json()
    return [c["id"] for c in queue["items"]], [c["id"] for c in synced["cases"]], synced


async def test_a_department_sees_a_case_from_its_dispatch_until_it_returns_it(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    handler, dispatcher = city.tokens["department_handler"], city.tokens["dispatcher"]
    body = {
        "category": "E0102",
        "description": "路口垃圾",
        "location": {"lat": IN_POINT[0], "lon": IN_POINT[1]},
    }
    r = await client.post(
        "/v1/inspector/reports",
        json=body,
        headers={**bearer(city.tokens["inspector"]), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    case = r.json()["case_id"]
    assert r.json()["status"] == "registered"

    # routed: sanitation is only suggested, for the dispatcher
    row = await db.fetchrow("SELECT department_code, suggested_department FROM cases WHERE id = $1", case)
    assert (row["department_code"], row["suggested_department"]) == (None, DEPT_IN)
    queue, synced, _ = await _ids(client, handler)
    assert case not in queue and case not in synced
    assert (await client.get(f"/v1/cases/{case}", headers=bearer(handler))).json()["view"] == "public"
    seen = (await client.get(f"/v1/cases/{case}", headers=bearer(dispatcher))).json()["summary"]
    assert (seen["department"], seen["suggested_department"]) == (None, DEPT_IN)

    r = await client.post(
        f"/v1/cases/{case}/transitions",
        json={"action": "dispatch", "department": DEPT_IN},
        headers={**bearer(dispatcher), "If-Match": str(seen["version"])},
    )
    assert r.status_code == 200, r.text
    queue, synced, second = await _ids(client, handler)
    assert case in queue and case in synced
    detail = (await client.get(f"/v1/cases/{case}", headers=bearer(handler))).json()
    assert detail["view"] == "staff"
    assert detail["allowed_actions"] == ["accept", "return"]

    r = await client.post(
        f"/v1/cases/{case}/transitions",
        json={"action": "return", "note": "不归我们管"},
        headers={**bearer(handler), "If-Match": str(detail["summary"]["version"])},
    )
    assert r.status_code == 200, r.text
    assert r.json()["case"]["department"] is None
    queue, _, _ = await _ids(client, handler)
    assert case not in queue
    assert (await client.get(f"/v1/cases/{case}", headers=bearer(handler))).json()["view"] == "public"
    # a phone that synced it is told it left
    later = (
        await client.get("/v1/sync", params={"cursor": second["next_cursor"]}, headers=bearer(handler))
    ).json()
    assert {"type": "case", "id": case} in later["tombstones"]
    assert case not in [c["id"] for c in later["cases"]]


async def test_a_suggested_department_hears_nothing_of_a_case_before_its_dispatch(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    body = {
        "category": "E0102",
        "description": "路口垃圾",
        "location": {"lat": IN_POINT[0], "lon": IN_POINT[1]},
    }
    r = await client.post(
        "/v1/reports", json=body, headers={**auth(city, "citizen"), "Idempotency-Key": uuid.uuid4().hex}
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "verifying"  # routed to the grid's inspector, sanitation suggested
    payload = await db.fetchval(
        "SELECT payload FROM outbox WHERE topic = 'case.transitioned' AND payload->>'case_id' = $1",
        r.json()["case_id"],
    )
    plan = await fanout.plan_transition(db, payload)
    assert plan is not None
    told = set(plan.watchers) | {recipient.user_id for recipient in plan.recipients}
    assert city.ids["department_handler"] not in told  # no live event, no message
    assert city.ids["inspector"] in told


# ratings: the verdict public, the comment not -------------------------------------------------------------------


async def test_the_rating_comment_stays_with_staff(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    case = await new_case(db, city, "closed", in_grid=True, closed_at=datetime.now(UTC))
    report = await new_report(db, case, city.ids["citizen"])
    comment = "还是没清，我住3号楼502，电话13812345678"
    r = await client.post(
        f"/v1/reports/{report}/rating",
        json={"fixed": False, "score": 2, "comment": comment},
        headers=auth(city, "citizen"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["reopened"] is True

    for name in ("anonymous", "other_citizen", "citizen", "property_manager"):
        for path in (f"/v1/reports/{report}", f"/v1/cases/{case}"):
            r = await client.get(path, headers=auth(city, name))
            assert r.status_code == 200, (name, path)
            assert comment not in r.text and "13812345678" not in r.text, (name, path)
            reopen = [e for e in r.json()["timeline"] if e["kind"] == "reopen"]
            assert [e["note"] for e in reopen] == ["reporter: not fixed (score 2/5)"], (name, path)
    mine = (await client.get("/v1/reports/mine", headers=auth(city, "citizen"))).json()
    assert comment not in str(mine)

    staff = (await client.get(f"/v1/cases/{case}", headers=auth(city, "shift_lead"))).json()
    (event,) = [e for e in staff["history"] if e["kind"] == "reopen"]
    assert event["data"]["rating"] == {"fixed": False, "score": 2, "comment": comment}
    assert comment not in str(staff["timeline"])
    stored = await db.fetchrow("SELECT fixed, score, comment FROM case_ratings WHERE case_id = $1", case)
    assert (stored["fixed"], stored["score"], stored["comment"]) == (False, 2, comment)
