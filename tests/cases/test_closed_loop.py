"""The whole loop through the API, as the apps use it: a citizen's report is routed to the grid's inspector,
verified, registered, dispatched, handled, checked and closed; the citizen follows and rates it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.db import connect
from api.settings import Settings
from cases.grids.demo import seed_demo_grids
from cases.workflow import service as casework
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.engine import TransitionRequest, apply
from tests.cases.helpers import report_body, submit
from tests.cases.workflow_fixtures import Staff, caller, make_case, make_staff
from tests.identity.helpers import bearer, sign_in
from tests.media import images
from tests.media.helpers import upload_photo

pytestmark = pytest.mark.usefixtures("demo_city")

# inside the demo grids (district 110101)
POINT: dict[str, Any] = {"lat": 39.9105, "lon": 116.3905, "crs": "wgs84"}


@pytest.fixture
async def staff(db: asyncpg.Connection, settings: Settings) -> Staff:
    staff = await make_staff(db, settings)
    async with db.transaction():
        await seed_demo_grids(db, staff.ids["inspector"])
    return staff


async def act(
    client: AsyncTestClient[Any], token: str, case: dict[str, Any], action: str, **fields: Any
) -> dict[str, Any]:
    r = await client.post(
        f"/v1/cases/{case['id']}/transitions",
        json={"action": action, **fields},
        headers={**bearer(token), "If-Match": str(case["version"])},
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["case"]
    return result


async def photo(client: AsyncTestClient[Any], token: str, size: tuple[int, int]) -> str:
    r = await upload_photo(client, token, images.phone_jpeg(size=size))
    assert r.status_code == 200, r.text
    photo_id: str = r.json()["photo_id"]
    return photo_id


async def test_a_report_goes_round_the_loop(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    citizen = (await sign_in(client, db, "13912345678"))["access_token"]
    report = (await submit(client, citizen, report_body(location=POINT))).json()
    assert report["status"] == "verifying"  # routed to the grid's inspector on duty

    routed = await db.fetchrow(
        "SELECT data FROM case_events WHERE case_id = $1::uuid AND kind = 'routed'", report["case_id"]
    )
    assert routed["data"]["unit_grid_code"].startswith("110101")
    assert routed["data"]["inspector_id"] == str(staff.ids["inspector"])
    assert routed["data"]["reason"]["unit_grid"]["rule"] in ("covers_point", "on_shared_border")

    tasks = (
        await client.get("/v1/inspector/tasks", params=POINT, headers=bearer(staff.tokens["inspector"]))
    ).json()
    assert [(t["kind"], t["case"]["id"]) for t in tasks] == [("verify", report["case_id"])]
    assert tasks[0]["distance_m"] == pytest.approx(0, abs=1)
    case = tasks[0]["case"]

    before = await photo(client, staff.tokens["inspector"], (400, 300))
    case = await act(client, staff.tokens["inspector"], case, "verify", photo_ids=[before], note="属实")
    assert case["state"] == "verified"
    case = await act(client, staff.tokens["shift_lead"], case, "register")
    case = await act(client, staff.tokens["dispatcher"], case, "dispatch", department="sanitation")
    assert case["current_step"]["step"] == "accept"
    case = await act(client, staff.tokens["department_handler"], case, "accept")
    assert case["current_step"]["step"] == "handle"
    after = await photo(client, staff.tokens["department_handler"], (401, 300))
    case = await act(
        client, staff.tokens["department_handler"], case, "handle", photo_ids=[after], note="已清运"
    )
    assert case["state"] == "checking"  # straight to the inspector for a check on site
    tasks = (await client.get("/v1/inspector/tasks", headers=bearer(staff.tokens["inspector"]))).json()
    assert [t["kind"] for t in tasks] == ["check"]
    check = await photo(client, staff.tokens["inspector"], (402, 300))
    case = await act(client, staff.tokens["inspector"], case, "check_pass", photo_ids=[check])
    case = await act(client, staff.tokens["shift_lead"], case, "close")
    assert case["state"] == "closed"

    detail = (await client.get(f"/v1/cases/{case['id']}", headers=bearer(staff.tokens["leader"]))).json()
    assert detail["view"] == "staff"
    assert [s["step"] for s in detail["steps"]] == [
        "verify",
        "register",
        "dispatch",
        "accept",
        "handle",
        "check",
        "close",
    ]
    assert all(s["completed_at"] for s in detail["steps"])
    assert {p["id"] for p in detail["photos"]} >= {before, after, check}

    # the citizen sees the public steps only
    mine = (await client.get(f"/v1/reports/{report['id']}", headers=bearer(citizen))).json()
    kinds = [e["kind"] for e in mine["timeline"]]
    assert kinds == ["reported", "register", "dispatch", "accept", "handle", "close"]
    assert mine["status"] == "closed"

    # "not fixed" within 7 days reopens it, as a new round
    r = await client.post(
        f"/v1/reports/{report['id']}/rating",
        json={"fixed": False, "score": 1, "comment": "还在"},
        headers=bearer(citizen),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"case_id": report["case_id"], "round": 1, "reopened": True}
    reopened = await db.fetchrow("SELECT state, round FROM cases WHERE id = $1::uuid", report["case_id"])
    assert (reopened["state"], reopened["round"]) == ("dispatched", 2)
    r = await client.post(f"/v1/reports/{report['id']}/rating", json={"fixed": True}, headers=bearer(citizen))
    assert r.status_code == 409
    assert r.json()["code"] == "rating_not_allowed"


async def test_rating_rules(client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff) -> None:
    citizen = (await sign_in(client, db, "13912345678"))["access_token"]
    report = (await submit(client, citizen, report_body(location=POINT))).json()
    r = await client.post(f"/v1/reports/{report['id']}/rating", json={"fixed": True}, headers=bearer(citizen))
    assert r.status_code == 409  # not closed yet
    await db.execute(
        "UPDATE cases SET state = 'closed', closed_at = now() - interval '8 days' WHERE id = $1::uuid",
        report["case_id"],
    )
    r = await client.post(
        f"/v1/reports/{report['id']}/rating", json={"fixed": False, "score": 2}, headers=bearer(citizen)
    )
    assert r.json()["reopened"] is False  # too late to reopen; the verdict still counts
    other = (await sign_in(client, db, "13987654321"))["access_token"]
    r = await client.post(f"/v1/reports/{report['id']}/rating", json={"fixed": True}, headers=bearer(other))
    assert r.status_code == 404
    r = await client.post(
        f"/v1/reports/{report['id']}/rating", json={"fixed": True, "score": 9}, headers=bearer(citizen)
    )
    assert r.status_code == 422


async def test_a_patrol_report_is_registered_directly(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    r = await client.post(
        "/v1/inspector/reports",
        json=report_body(location=POINT, category="E0501"),
        headers={**bearer(staff.tokens["inspector"]), "Idempotency-Key": "patrol-0001"},
    )
    assert r.status_code == 201, r.text
    case = await db.fetchrow("SELECT state, source FROM cases WHERE id = $1::uuid", r.json()["case_id"])
    assert (case["state"], case["source"]) == ("registered", "inspector")
    step = await db.fetchval(
        "SELECT step FROM case_deadlines WHERE case_id = $1::uuid AND completed_at IS NULL",
        r.json()["case_id"],
    )
    assert step == "dispatch"
    citizen = (await sign_in(client, db, "13912345678"))["access_token"]
    r = await client.post(
        "/v1/inspector/reports",
        json=report_body(location=POINT),
        headers={**bearer(citizen), "Idempotency-Key": "patrol-0002"},
    )
    assert r.status_code == 403


async def test_outside_every_grid_waits_in_the_intake_queue(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    citizen = (await sign_in(client, db, "13912345678"))["access_token"]
    outside = {"lat": 39.94, "lon": 116.43, "crs": "wgs84"}  # in the service area
    # the demo grids cover the whole service area: take away the ones there
    await db.execute(
        "DELETE FROM unit_grids WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $1), 4326))",
        outside["lat"],
        outside["lon"],
    )
    report = (await submit(client, citizen, report_body(location=outside))).json()
    assert report["status"] == "reported"
    routed = await db.fetchval(
        "SELECT data FROM case_events WHERE case_id = $1::uuid AND kind = 'routed'", report["case_id"]
    )
    assert routed["queue"] == "intake"
    assert (
        await db.fetchval("SELECT step FROM case_deadlines WHERE case_id = $1::uuid", report["case_id"])
        == "register"
    )


async def test_deadline_events_are_written_once_even_with_two_workers(
    db: asyncpg.Connection, staff: Staff, settings: Settings
) -> None:
    case_id = await make_case(db, "accepted", inspector_id=None, step="handle")
    await db.execute("UPDATE case_deadlines SET due_soon_at = now() - interval '1 minute'")

    async def worker() -> dict[str, int]:
        conn = await connect(settings)
        try:
            async with conn.transaction():
                counts = await casework.emit_deadline_events(conn)
                await asyncio.sleep(0.2)  # hold the claim while the other worker runs
                return counts
        finally:
            await conn.close()

    first, second = await asyncio.gather(worker(), worker())
    assert first["case.due_soon"] + second["case.due_soon"] == 1
    await db.execute("UPDATE case_deadlines SET due_at = now() - interval '1 second'")
    results = await asyncio.gather(worker(), worker())
    assert sum(r["case.overdue"] for r in results) == 1
    await asyncio.gather(worker(), worker())
    topics = [r["topic"] for r in await db.fetch("SELECT topic FROM outbox ORDER BY id")]
    assert topics == ["case.due_soon", "case.overdue"]
    payload = await db.fetchval("SELECT payload FROM outbox WHERE topic = 'case.overdue'")
    assert payload["case_id"] == str(case_id)
    assert payload["step"] == "handle"


async def test_deferral_stops_the_clock_and_an_extension_moves_it(
    db: asyncpg.Connection, staff: Staff
) -> None:
    calendar = WorkCalendar()
    lead = caller(staff.ids["shift_lead"], ("shift_lead", "district", "110101"))
    handler = caller(staff.ids["department_handler"], ("department_handler", "department", "sanitation"))
    case_id = await make_case(db, "accepted", inspector_id=None, step=None)
    monday_9 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Beijing, a working Monday
    due = calendar.due(monday_9, 7)  # one working day: Tuesday 09:00 local
    await db.execute(
        "INSERT INTO case_deadlines (case_id, round, step, started_at, due_soon_at, due_at) VALUES ($1, 1, 'handle', $2, $3, $4)",
        case_id,
        monday_9,
        calendar.due(monday_9, 5.6),
        due,
    )
    paused_at = monday_9 + timedelta(hours=2)  # 11:00: 2 working hours used, 5 left
    case = await apply(
        db, calendar, lead, case_id, 1, TransitionRequest(action="defer", note="等待审批"), now=paused_at
    )
    assert case["state"] == "deferred"
    resumed_at = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # Wednesday 09:00
    case = await apply(
        db, calendar, lead, case_id, case["version"], TransitionRequest(action="resume"), now=resumed_at
    )
    assert case["state"] == "accepted"
    row = await db.fetchrow("SELECT due_at, paused_at FROM case_deadlines WHERE case_id = $1", case_id)
    # 5 working hours from Wednesday 09:00: 09-12 (3 h), 13:30-15:30 (2 h) -> 15:30 local = 07:30 UTC
    assert row["due_at"] == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert row["paused_at"] is None

    wanted = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    case = await apply(
        db,
        calendar,
        handler,
        case_id,
        case["version"],
        TransitionRequest(action="request_extension", note="需要更换设备", new_deadline=wanted),
        now=resumed_at,
    )
    assert case["state"] == "extension_requested"
    await apply(
        db,
        calendar,
        lead,
        case_id,
        case["version"],
        TransitionRequest(action="approve_extension"),
        now=resumed_at,
    )
    row = await db.fetchrow(
        "SELECT due_at, extended, completed_at FROM case_deadlines WHERE case_id = $1", case_id
    )
    assert (row["due_at"], row["extended"], row["completed_at"]) == (wanted, True, None)


async def test_sync_returns_what_changed_and_tombstones(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    case_id = await make_case(db, "dispatched", inspector_id=None, step="accept")
    first = (await client.get("/v1/sync", headers=bearer(staff.tokens["department_handler"]))).json()
    assert [c["id"] for c in first["cases"]] == [str(case_id)]
    await asyncio.sleep(0.01)
    again = (
        await client.get(
            "/v1/sync",
            params={"since": first["next_cursor"]},
            headers=bearer(staff.tokens["department_handler"]),
        )
    ).json()
    assert again["tombstones"] == []
    # the dispatcher moves the case to another department: it leaves the handler's view
    await act(
        client,
        staff.tokens["dispatcher"],
        {"id": str(case_id), "version": 1},
        "reassign",
        department="municipal",
    )
    later = (
        await client.get(
            "/v1/sync",
            params={"since": first["next_cursor"]},
            headers=bearer(staff.tokens["department_handler"]),
        )
    ).json()
    assert {"type": "case", "id": str(case_id)} in later["tombstones"]
    assert str(case_id) not in [c["id"] for c in later["cases"]]
    r = await client.get(
        "/v1/sync", params={"since": "garbage"}, headers=bearer(staff.tokens["department_handler"])
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_cursor"
