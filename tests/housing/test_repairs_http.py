"""Repairs and complaints (报修/投诉) through the HTTP API: a resident reports (Idempotency-Key required), the estate's
property staff list and accept and assign, the assignee handles with photos, the resident sends it back once, then
confirms and rates; every action through POST /v1/repairs/{id}/transitions with If-Match. The resident's own list,
the estate's list by state and kind with its cursor, one repair with its timeline and open step. Every refusal with
its status, its problem code and nothing written.

The estate (tests/housing/money_fixtures.py): two buildings of three homes; resident r0 bound to home 0, r1 to
home 3; two property staff of the estate, one of another estate; the district's housing officer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.db import create_pool
from api.settings import Settings
from cases.workflow import service as casework
from housing import repairs
from notifications.models import NotificationsConfig
from notifications.runner import Notifier
from tests.housing.money_fixtures import Estate, auth, bind, make_estate, person
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]


@dataclass
class World:
    estate: Estate
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)


async def _world(db: asyncpg.Connection, settings: Settings) -> World:
    estate = await make_estate(db, buildings=2, homes_per_building=3)
    w = World(estate)
    scope = ("estate", str(estate.id))
    for name, phone, role, grant in (
        ("r0", "+8613900000000", "resident", None),
        ("r1", "+8613900000003", "resident", None),
        ("staff", "+8613800000002", "property_staff", scope),
        ("fixer", "+8613800000003", "property_staff", scope),
        ("far_staff", "+8613800000004", "property_staff", ("estate", str(uuid.uuid4()))),
        ("officer", "+8613800000005", "housing_officer", ("district", estate.district)),
        ("far_officer", "+8613800000006", "housing_officer", ("district", "110102")),
    ):
        w.tokens[name], w.ids[name] = await person(db, settings, phone, role, grant)
    await bind(db, estate.homes[0], w.ids["r0"])
    await bind(db, estate.homes[3], w.ids["r1"])
    return w


def _body(w: World, **over: Any) -> dict[str, Any]:
    return {
        "kind": "home_repair",
        "urgency": "emergency",
        "home_id": str(w.estate.homes[0]),
        "description": "厨房水管爆裂，漏水到楼下",
        **over,
    }


async def _written(db: asyncpg.Connection) -> dict[str, Any]:
    """Everything a refusal must leave alone."""
    return {
        "repairs": [
            tuple(r)
            for r in await db.fetch(
                "SELECT id, state, version, assignee_id, rating, round FROM repairs ORDER BY id"
            )
        ],
        "events": await db.fetchval("SELECT count(*) FROM repair_events"),
        "deadlines": [
            tuple(r) for r in await db.fetch("SELECT id, completed_at FROM repair_deadlines ORDER BY id")
        ],
        "outbox": await db.fetchval("SELECT count(*) FROM outbox"),
    }


async def _refused(db: asyncpg.Connection, call: Any, status: int, code: str) -> dict[str, Any]:
    before = await _written(db)
    r = await call
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    assert await _written(db) == before, "a refused request wrote something"
    return dict(r.json())


def _post_report(client: Client, w: World, who: str = "r0", key: str | None = None, **over: Any) -> Any:
    headers = auth(w.tokens[who], **{"Idempotency-Key": key or uuid.uuid4().hex})
    return client.post(f"/v1/estates/{w.estate.id}/repairs", json=_body(w, **over), headers=headers)


async def _report(client: Client, w: World, who: str = "r0", **over: Any) -> dict[str, Any]:
    r = await _post_report(client, w, who, **over)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return dict(r.json())


def _act(
    client: Client,
    w: World,
    who: str,
    repair: dict[str, Any],
    action: str,
    version: int | None = None,
    **body: Any,
) -> Any:
    headers = auth(w.tokens[who], **{"If-Match": f'"{repair["version"] if version is None else version}"'})
    return client.post(
        f"/v1/repairs/{repair['id']}/transitions", json={"action": action, **body}, headers=headers
    )


async def _step(
    client: Client, w: World, who: str, repair: dict[str, Any], action: str, **body: Any
) -> dict[str, Any]:
    r = await _act(client, w, who, repair, action, **body)
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return dict(r.json())


async def test_the_whole_loop(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    photo = await new_photo(db, w.ids["r0"])
    key = uuid.uuid4().hex

    r = await _post_report(client, w, key=key, photo_ids=[str(photo)])
    assert r.status_code == 201, r.text
    repair = r.json()
    assert (repair["state"], repair["version"], repair["round"], repair["kind"], repair["urgency"]) == (
        "reported",
        1,
        1,
        "home_repair",
        "emergency",
    )
    assert (repair["reporter_id"], repair["photo_ids"], repair["allowed_actions"]) == (
        str(w.ids["r0"]),
        [str(photo)],
        [],
    )
    # the same key and body again: the same answer, nothing new
    before = await _written(db)
    again = await _post_report(client, w, key=key, photo_ids=[str(photo)])
    assert (again.status_code, again.json()["id"], again.headers["etag"]) == (201, repair["id"], '"1"')
    assert await _written(db) == before

    # the staff see it in the estate's list, the resident in theirs
    listed = await client.get(f"/v1/estates/{w.estate.id}/repairs", headers=auth(w.tokens["staff"]))
    assert listed.status_code == 200, listed.text
    assert [(i["id"], i["allowed_actions"]) for i in listed.json()["items"]] == [(repair["id"], ["accept"])]
    mine = await client.get("/v1/me/repairs", headers=auth(w.tokens["r0"]))
    assert [i["id"] for i in mine.json()["items"]] == [repair["id"]]
    assert mine.json()["next_cursor"] is None

    # one repair: the timeline and the open step (an emergency is answered within 30 minutes)
    got = await client.get(f"/v1/repairs/{repair['id']}", headers=auth(w.tokens["r0"]))
    assert got.status_code == 200, got.text
    assert got.headers["etag"] == '"1"'
    detail = got.json()
    assert [(e["kind"], e["to_state"]) for e in detail["timeline"]] == [("reported", "reported")]
    step = detail["open_step"]
    assert (step["step"], step["assignee_id"], step["overdue"]) == ("accept", None, False)
    started = datetime.fromisoformat(step["started_at"])
    assert datetime.fromisoformat(step["due_at"]) - started == timedelta(minutes=30)

    repair = await _step(client, w, "staff", repair, "accept", note="马上派人")
    assert (repair["state"], repair["version"]) == ("accepted", 2)
    repair = await _step(client, w, "staff", repair, "assign", assignee_id=str(w.ids["fixer"]))
    assert (repair["state"], repair["assignee_id"]) == ("assigned", str(w.ids["fixer"]))
    got = await client.get(f"/v1/repairs/{repair['id']}", headers=auth(w.tokens["fixer"]))
    assert got.json()["open_step"]["step"] == "handle"
    assert got.json()["open_step"]["assignee_id"] == str(w.ids["fixer"])
    assert got.json()["allowed_actions"] == ["handle"]

    fix = await new_photo(db, w.ids["fixer"])
    repair = await _step(client, w, "fixer", repair, "handle", note="已更换水管", photo_ids=[str(fix)])
    assert repair["state"] == "handled"
    assert repair["allowed_actions"] == []
    # the resident sends it back once: a new round, assigned again to the same person
    repair = await _step(client, w, "r0", repair, "rework", note="还在漏水")
    assert (repair["state"], repair["round"], repair["assignee_id"]) == ("assigned", 2, str(w.ids["fixer"]))
    fix2 = await new_photo(db, w.ids["fixer"])
    repair = await _step(client, w, "fixer", repair, "handle", photo_ids=[str(fix2)])
    repair = await _step(client, w, "r0", repair, "confirm")
    assert repair["allowed_actions"] == ["rate"]
    repair = await _step(client, w, "r0", repair, "rate", rating=5, comment="来得很快")
    assert (repair["state"], repair["version"], repair["rating"], repair["rating_comment"]) == (
        "rated",
        8,
        5,
        "来得很快",
    )

    detail = (await client.get(f"/v1/repairs/{repair['id']}", headers=auth(w.tokens["officer"]))).json()
    assert [(e["kind"], e["from_state"], e["to_state"]) for e in detail["timeline"]] == [
        ("reported", None, "reported"),
        ("accept", "reported", "accepted"),
        ("assign", "accepted", "assigned"),
        ("handle", "assigned", "handled"),
        ("rework", "handled", "assigned"),
        ("handle", "assigned", "handled"),
        ("confirm", "handled", "confirmed"),
        ("rate", "confirmed", "rated"),
    ]
    assert detail["timeline"][3]["photo_ids"] == [str(fix)]
    assert detail["timeline"][1]["actor_id"] == str(w.ids["staff"])
    assert detail["open_step"] is None
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'housing.repair_transitioned'") == 7


async def test_an_idempotent_retry_of_an_action(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    repair = await _report(client, w)
    headers = auth(w.tokens["staff"], **{"If-Match": '"1"', "Idempotency-Key": "accept-once-1"})
    first = await client.post(
        f"/v1/repairs/{repair['id']}/transitions", json={"action": "accept"}, headers=headers
    )
    assert first.status_code == 200, first.text
    before = await _written(db)
    again = await client.post(
        f"/v1/repairs/{repair['id']}/transitions", json={"action": "accept"}, headers=headers
    )
    assert (again.status_code, again.json()["version"], again.headers["etag"]) == (200, 2, '"2"')
    assert await _written(db) == before
    await _refused(
        db,
        client.post(
            f"/v1/repairs/{repair['id']}/transitions",
            json={"action": "accept", "note": "另一个"},
            headers=headers,
        ),
        422,
        "idempotency_key_reused",
    )


async def test_the_lists(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    a = await _report(client, w)
    b = await _report(
        client, w, "r1", kind="complaint", home_id=None, urgency="ordinary", description="噪音扰民"
    )
    c = await _report(
        client, w, "r1", kind="common_repair", home_id=None, building_id=str(w.estate.buildings["2号楼"])
    )
    await _step(client, w, "staff", a, "accept")

    async def ids(path: str, who: str = "staff", **query: Any) -> tuple[list[str], str | None]:
        r = await client.get(path, params=query, headers=auth(w.tokens[who]))
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]], r.json()["next_cursor"]

    estate = f"/v1/estates/{w.estate.id}/repairs"
    assert await ids(estate) == ([c["id"], b["id"], a["id"]], None)
    assert await ids(estate, state="accepted") == ([a["id"]], None)
    assert await ids(estate, state="reported", kind="complaint") == ([b["id"]], None)
    assert await ids(estate, kind="home_repair", state="reported") == ([], None)
    # the cursor: one at a time, no repeats, no gaps
    page1, cursor = await ids(estate, limit=2)
    assert page1 == [c["id"], b["id"]] and cursor is not None
    assert await ids(estate, limit=2, cursor=cursor) == ([a["id"]], None)
    # the district's housing officer and admins read it too
    assert (await ids(estate, "officer"))[0] == [c["id"], b["id"], a["id"]]
    # each resident their own
    assert await ids("/v1/me/repairs", "r1") == ([c["id"], b["id"]], None)
    assert await ids("/v1/me/repairs", "r0") == ([a["id"]], None)
    page1, cursor = await ids("/v1/me/repairs", "r1", limit=1)
    assert page1 == [c["id"]]
    assert await ids("/v1/me/repairs", "r1", limit=1, cursor=cursor) == ([b["id"]], None)
    assert await ids("/v1/me/repairs", "staff") == ([], None)


async def test_reading_refusals(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    repair = await _report(client, w)
    estate = f"/v1/estates/{w.estate.id}/repairs"
    for who in ("r0", "far_staff", "far_officer"):
        await _refused(db, client.get(estate, headers=auth(w.tokens[who])), 403, "repair_list_forbidden")
    await _refused(
        db,
        client.get(f"/v1/estates/{uuid.uuid4()}/repairs", headers=auth(w.tokens["staff"])),
        404,
        "estate_not_found",
    )
    for path in (estate, "/v1/me/repairs"):
        await _refused(
            db,
            client.get(path, params={"cursor": "garbage"}, headers=auth(w.tokens["staff"])),
            422,
            "invalid_cursor",
        )
    await _refused(
        db,
        client.get(estate, params={"state": "voided"}, headers=auth(w.tokens["staff"])),
        422,
        "validation_failed",
    )
    for who in ("r1", "far_staff", "far_officer"):
        await _refused(
            db,
            client.get(f"/v1/repairs/{repair['id']}", headers=auth(w.tokens[who])),
            404,
            "repair_not_found",
        )
    await _refused(
        db,
        client.get(f"/v1/repairs/{uuid.uuid4()}", headers=auth(w.tokens["staff"])),
        404,
        "repair_not_found",
    )
    await _refused(db, client.get("/v1/me/repairs"), 401, "unauthenticated")


async def test_reporting_refusals(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    other = await make_estate(db, name="别的小区", buildings=1, homes_per_building=1)
    others_photo = await new_photo(db, w.ids["r1"])
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("r0", {"home_id": str(w.estate.homes[1])}, 403, "repair_forbidden"),  # not their home
        ("r0", {"home_id": str(other.homes[0])}, 422, "invalid_repair"),
        ("r0", {"home_id": None}, 422, "invalid_repair"),
        ("r0", {"building_id": str(w.estate.buildings["1号楼"])}, 422, "invalid_repair"),
        ("r0", {"kind": "complaint"}, 422, "invalid_repair"),  # a complaint names no home
        (
            "r0",
            {"kind": "complaint", "home_id": None, "building_id": str(other.buildings["1号楼"])},
            422,
            "invalid_repair",
        ),
        (
            "staff",
            {"kind": "complaint", "home_id": None},
            403,
            "repair_forbidden",
        ),  # staff do not report here
        ("r0", {"photo_ids": [str(others_photo)]}, 422, "invalid_estate_photo"),
        ("r0", {"kind": "leak"}, 422, "validation_failed"),
        ("r0", {"description": ""}, 422, "validation_failed"),
        ("r0", {"estate_id": str(w.estate.id)}, 422, "validation_failed"),  # the estate is the route's
        ("r0", {"photo_ids": [str(uuid.uuid4()) for _ in range(10)]}, 422, "validation_failed"),
    ]
    for who, over, status, code in cases:
        await _refused(db, _post_report(client, w, who, **over), status, code)
    headers = auth(w.tokens["r0"], **{"Idempotency-Key": uuid.uuid4().hex})
    await _refused(
        db,
        client.post(f"/v1/estates/{uuid.uuid4()}/repairs", json=_body(w), headers=headers),
        404,
        "estate_not_found",
    )
    # without an Idempotency-Key
    await _refused(
        db,
        client.post(f"/v1/estates/{w.estate.id}/repairs", json=_body(w), headers=auth(w.tokens["r0"])),
        400,
        "idempotency_key_required",
    )
    # the same key with another body
    key = uuid.uuid4().hex
    await _report(client, w, key=key)
    await _refused(
        db, _post_report(client, w, key=key, description="另一件事"), 422, "idempotency_key_reused"
    )


async def test_action_refusals(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    repair = await _report(client, w)
    path = f"/v1/repairs/{repair['id']}/transitions"
    # If-Match: missing, not a number, stale
    await _refused(
        db,
        client.post(path, json={"action": "accept"}, headers=auth(w.tokens["staff"])),
        428,
        "precondition_required",
    )
    bad = auth(w.tokens["staff"], **{"If-Match": '"v1"'})
    await _refused(db, client.post(path, json={"action": "accept"}, headers=bad), 400, "invalid_if_match")
    conflict = await _refused(
        db, _act(client, w, "staff", repair, "accept", version=2), 409, "version_conflict"
    )
    assert (conflict["state"], conflict["version"]) == ("reported", 1)
    # the role, the person, the state
    for who in ("r0", "officer"):
        await _refused(db, _act(client, w, who, repair, "accept"), 403, "action_forbidden")
    await _refused(db, _act(client, w, "far_staff", repair, "accept"), 404, "repair_not_found")
    await _refused(db, _act(client, w, "r1", repair, "accept"), 404, "repair_not_found")
    await _refused(db, _act(client, w, "staff", repair, "handle"), 409, "transition_not_allowed")
    # the body
    await _refused(db, _act(client, w, "staff", repair, "close"), 422, "validation_failed")
    await _refused(db, _act(client, w, "staff", repair, "accept", extra=1), 422, "validation_failed")
    await _refused(db, _act(client, w, "staff", repair, "accept", rating=3), 422, "invalid_repair")
    await _refused(
        db, _act(client, w, "staff", repair, "accept", assignee_id=str(w.ids["fixer"])), 422, "invalid_repair"
    )

    repair = await _step(client, w, "staff", repair, "accept")
    for assignee in (w.ids["far_staff"], w.ids["r0"], uuid.uuid4()):  # not this estate's property staff
        body = await _refused(
            db, _act(client, w, "staff", repair, "assign", assignee_id=str(assignee)), 422, "invalid_repair"
        )
        assert body["errors"][0]["field"] == "assignee_id", body
    await _refused(db, _act(client, w, "staff", repair, "assign"), 422, "invalid_repair")
    await _refused(
        db, _act(client, w, "r0", repair, "assign", assignee_id=str(w.ids["fixer"])), 403, "action_forbidden"
    )

    repair = await _step(client, w, "staff", repair, "assign", assignee_id=str(w.ids["fixer"]))
    staff_photo = await new_photo(db, w.ids["staff"])
    await _refused(
        db, _act(client, w, "staff", repair, "handle", photo_ids=[str(staff_photo)]), 403, "action_forbidden"
    )
    await _refused(db, _act(client, w, "fixer", repair, "handle"), 422, "missing_fields")
    await _refused(
        db, _act(client, w, "fixer", repair, "handle", photo_ids=[str(staff_photo)]), 422, "photo_unavailable"
    )
    await _refused(db, _act(client, w, "r0", repair, "confirm"), 409, "transition_not_allowed")

    repair = await _step(
        client, w, "fixer", repair, "handle", photo_ids=[str(await new_photo(db, w.ids["fixer"]))]
    )
    await _refused(db, _act(client, w, "staff", repair, "confirm"), 403, "action_forbidden")
    await _refused(db, _act(client, w, "r0", repair, "rework"), 422, "missing_fields")  # a rework says why
    repair = await _step(client, w, "r0", repair, "confirm")
    for rating in (0, 6, None):
        await _refused(db, _act(client, w, "r0", repair, "rate", rating=rating), 422, "invalid_repair")
    await _refused(db, _act(client, w, "r0", repair, "rate", rating=4, version=1), 409, "version_conflict")


# the people concerned are told -------------------------------------------------------------------------------------


async def _fan_out(settings: Settings) -> int:
    pool = await create_pool(settings)
    try:
        notifier = Notifier(pool, NotificationsConfig(fcm_credentials_file="fake.json"), channels=[])
        return (await notifier.fan_out_once()).rows
    finally:
        await pool.close()


async def _told(db: asyncpg.Connection) -> list[tuple[Any, ...]]:
    """The inbox rows of the last outbox row fanned out: (who, kind, urgent)."""
    rows = await db.fetch(
        """SELECT user_id, kind, urgent FROM notifications
           WHERE outbox_id = (SELECT max(outbox_id) FROM notifications) ORDER BY kind, user_id"""
    )
    return [tuple(r) for r in rows]


async def test_the_reporter_and_the_assignee_are_told(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    await db.execute("UPDATE users SET locale = 'en' WHERE id = $1", w.ids["fixer"])
    for who, locale in (("r0", "zh-CN"), ("fixer", "en"), ("staff", "zh-CN")):
        r = await client.post(
            "/v1/devices",
            json={"token": f"{who}-phone", "platform": "android", "app_version": "1.4.0", "locale": locale},
            headers=auth(w.tokens[who]),
        )
        assert r.status_code in (200, 201), r.text
    repair = await _report(client, w)  # an emergency of home 0 (1号楼 1单元 101)
    assert await _fan_out(settings) == 0  # reporting is no transition: nobody is told

    repair = await _step(client, w, "staff", repair, "accept")
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["r0"], "repair.accepted", True)]  # an emergency is urgent
    repair = await _step(client, w, "staff", repair, "assign", assignee_id=str(w.ids["fixer"]))
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["r0"], "repair.assigned", True), (w.ids["fixer"], "repair.task", True)]
    due = await db.fetchval(
        "SELECT due_at FROM repair_deadlines WHERE repair_id = $1 AND step = 'handle'", UUID(repair["id"])
    )
    local_due = due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")

    inbox = (await client.get("/v1/inbox", headers=auth(w.tokens["r0"]))).json()["items"]
    assert [(i["kind"], i["title"]) for i in inbox] == [
        ("repair.assigned", "报修已派工"),
        ("repair.accepted", "报修已受理"),
    ]
    home = "幸福小区 1号楼 101"
    assert inbox[0]["body"] == f"{home}：你的报修已派给维修人员，将于 {local_due} 前处理。"
    assert inbox[0]["link"] == f"cityloop://repairs/{repair['id']}"
    [task] = (await client.get("/v1/inbox", headers=auth(w.tokens["fixer"]))).json()["items"]
    assert (task["kind"], task["title"], task["link"]) == (
        "repair.task",
        "New repair task",
        f"cityloop://repairs/{repair['id']}",
    )
    assert task["body"] == f"{home}: a repair was assigned to you; handle it by {local_due}."
    # the staff who acted are told nothing; each of the others' phones gets a push
    assert (await client.get("/v1/inbox", headers=auth(w.tokens["staff"]))).json()["items"] == []
    pushes = await db.fetch(
        "SELECT device_token FROM deliveries WHERE channel = 'push' ORDER BY device_token"
    )
    assert [p["device_token"] for p in pushes] == ["fixer-phone", "r0-phone", "r0-phone"]

    fix = await new_photo(db, w.ids["fixer"])
    repair = await _step(client, w, "fixer", repair, "handle", photo_ids=[str(fix)])
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["r0"], "repair.handled", True)]
    repair = await _step(client, w, "r0", repair, "rework", note="还在漏水")
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["fixer"], "repair.rework", True)]
    inbox = (await client.get("/v1/inbox", headers=auth(w.tokens["fixer"]))).json()["items"]
    assert inbox[0]["body"].startswith(f"{home}: the repair was sent back (round 2); handle it by ")
    repair = await _step(client, w, "fixer", repair, "handle", photo_ids=[str(fix)])
    repair = await _step(client, w, "r0", repair, "confirm")
    repair = await _step(client, w, "r0", repair, "rate", rating=4)
    assert await _fan_out(settings) == 3
    told = await db.fetch(
        "SELECT kind FROM notifications WHERE user_id = $1 ORDER BY created_at, id", w.ids["fixer"]
    )
    assert [t["kind"] for t in told][-2:] == ["repair.confirmed", "repair.rated"]
    inbox = (await client.get("/v1/inbox", headers=auth(w.tokens["fixer"]))).json()["items"]
    assert inbox[0]["body"] == f"{home}: the resident rated the repair 4 out of 5."

    # an ordinary complaint: not urgent; a disabled reporter is not told
    complaint = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    await _step(client, w, "staff", complaint, "accept")
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["r1"], "repair.accepted", False)]
    [item] = (await client.get("/v1/inbox", headers=auth(w.tokens["r1"]))).json()["items"]
    assert item["body"] == "幸福小区：你的投诉已受理，物业正在安排人员。"
    complaint = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    await db.execute("UPDATE users SET disabled_at = now() WHERE id = $1", w.ids["r1"])
    before = await db.fetchval("SELECT count(*) FROM notifications")
    await _step(client, w, "staff", complaint, "accept")
    assert await _fan_out(settings) == 1
    assert await db.fetchval("SELECT count(*) FROM notifications") == before


async def test_steps_due_soon_and_overdue_are_told(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    complaint = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    rid = UUID(complaint["id"])

    async def sweep() -> dict[str, int]:
        async with db.transaction():
            city = await casework.emit_deadline_events(db)
            assert not any(city.values())  # the city's sweep does not see the repairs' steps
            return await repairs.emit_deadline_events(db)

    assert await sweep() == {"housing.repair_due_soon": 0, "housing.repair_overdue": 0}
    # the accept step past 80 % of its time: the estate's property staff are told (not another estate's), once
    await db.execute(
        """UPDATE repair_deadlines SET due_soon_at = now() - interval '1 minute', due_at = now() + interval '20 minutes'
           WHERE repair_id = $1""",
        rid,
    )
    assert await sweep() == {"housing.repair_due_soon": 1, "housing.repair_overdue": 0}
    assert await sweep() == {"housing.repair_due_soon": 0, "housing.repair_overdue": 0}
    payload = await db.fetchval("SELECT payload FROM outbox WHERE topic = 'housing.repair_due_soon'")
    deadline = await db.fetchrow("SELECT id, due_at FROM repair_deadlines WHERE repair_id = $1", rid)
    assert payload == {
        "repair_id": str(rid),
        "deadline_id": deadline["id"],
        "round": 1,
        "step": "accept",
        "due_at": deadline["due_at"].isoformat(),
        "assignee_id": None,
    }
    assert await _fan_out(settings) == 1
    assert await _told(db) == sorted(
        [(w.ids["staff"], "repair.due_soon", False), (w.ids["fixer"], "repair.due_soon", False)]
    )
    [item] = (await client.get("/v1/inbox", headers=auth(w.tokens["staff"]))).json()["items"]
    local_due = deadline["due_at"].astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")
    assert (item["title"], item["body"], item["link"]) == (
        "报修即将超时",
        f"幸福小区：投诉的受理环节将于 {local_due} 到期。",
        f"cityloop://repairs/{rid}",
    )
    # then late: overdue, urgent, once
    await db.execute(
        "UPDATE repair_deadlines SET due_at = now() - interval '1 minute' WHERE repair_id = $1", rid
    )
    assert await sweep() == {"housing.repair_due_soon": 0, "housing.repair_overdue": 1}
    assert await sweep() == {"housing.repair_due_soon": 0, "housing.repair_overdue": 0}
    assert await _fan_out(settings) == 1
    assert await _told(db) == sorted(
        [(w.ids["staff"], "repair.overdue", True), (w.ids["fixer"], "repair.overdue", True)]
    )

    # the handle step is the assignee's: only they are told
    complaint = await _step(client, w, "staff", complaint, "accept")
    complaint = await _step(client, w, "staff", complaint, "assign", assignee_id=str(w.ids["fixer"]))
    await _fan_out(settings)
    await db.execute(
        """UPDATE repair_deadlines SET due_soon_at = now() - interval '2 minutes', due_at = now() - interval '1 minute'
           WHERE repair_id = $1 AND completed_at IS NULL""",
        rid,
    )
    assert await sweep() == {"housing.repair_due_soon": 0, "housing.repair_overdue": 1}
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["fixer"], "repair.overdue", True)]
    inbox = (await client.get("/v1/inbox", headers=auth(w.tokens["fixer"]))).json()["items"]
    assert inbox[0]["title"] == "报修已超时"
    assert inbox[0]["body"].startswith("幸福小区：投诉的处理环节已于 ")
    # a finished step is not swept
    complaint = await _step(
        client, w, "fixer", complaint, "handle", photo_ids=[str(await new_photo(db, w.ids["fixer"]))]
    )
    await db.execute("UPDATE repair_deadlines SET overdue_emitted_at = NULL WHERE repair_id = $1", rid)
    assert await sweep() == {"housing.repair_due_soon": 0, "housing.repair_overdue": 0}
