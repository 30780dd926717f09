"""Estate announcements (公告) end to end through the HTTP API: published by the estate's property staff, its owners'
committee or the district's housing officer to the whole estate or some buildings; listed, read and marked read by
the residents in scope (a receipt each, once); the publishers' read counts; withdrawal by the publisher's side with
a reason; an urgent one pushed (inbox + push) to the residents in scope only; every refusal with its status, code
and nothing written.

The estate (written straight to the database): 1号楼 101 (owner 甲) and 102 (tenant 乙), 2号楼 201 (owner 丙);
丁 has asked to be bound to 101 and waits (not a resident yet); 戊 has no home here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.db import create_pool
from api.settings import Settings
from notifications.models import NotificationsConfig
from notifications.runner import Notifier
from tests.housing.money_fixtures import auth, bind, person
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]
DISTRICT = "110101"


@dataclass
class World:
    estate: UUID
    buildings: dict[int, UUID]
    homes: dict[str, UUID]
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)

    def h(self, who: str, **headers: str) -> dict[str, str]:
        return auth(self.tokens[who], **headers)


async def make_world(db: asyncpg.Connection, settings: Settings) -> World:
    estate = await db.fetchval(
        """INSERT INTO estates (name, address, district_code, location, location_original, property_company,
                                service_grade)
           VALUES ('公告小区', '东城区测试路 12 号', $1, ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326),
                   '{"lat": 39.9, "lon": 116.4, "crs": "wgs84"}', '测试物业', 2) RETURNING id""",
        DISTRICT,
    )
    other = await db.fetchval(
        """INSERT INTO estates (name, address, district_code, location, location_original, property_company,
                                service_grade)
           VALUES ('隔壁小区', '东城区测试路 14 号', $1, ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326),
                   '{"lat": 39.9, "lon": 116.4, "crs": "wgs84"}', '别家物业', 2) RETURNING id""",
        DISTRICT,
    )
    w = World(estate, {}, {})
    for b in (1, 2):
        w.buildings[b] = await db.fetchval(
            "INSERT INTO buildings (estate_id, name) VALUES ($1, $2) RETURNING id", estate, f"{b}号楼"
        )
    w.buildings[9] = await db.fetchval(
        "INSERT INTO buildings (estate_id, name) VALUES ($1, '9号楼') RETURNING id", other
    )
    for b, room in ((1, "101"), (1, "102"), (2, "201")):
        w.homes[room] = await db.fetchval(
            "INSERT INTO homes (estate_id, building_id, floor, room, register_area) VALUES ($1, $2, 1, $3, 9000) "
            "RETURNING id",
            estate, w.buildings[b], room,
        )  # fmt: skip
    people = {
        "jia": ("+8613912340001", "resident", None),
        "yi": ("+8613912340002", "resident", None),
        "bing": ("+8613912340003", "resident", None),
        "ding": ("+8613912340004", "resident", None),
        "wu": ("+8613912340005", "resident", None),
        "staff": ("+8613912340011", "property_staff", ("estate", str(estate))),
        "manager": ("+8613912340012", "property_manager", ("estate", str(estate))),
        "other_staff": ("+8613912340013", "property_staff", ("estate", str(other))),
        "committee": ("+8613912340021", "owners_committee", ("estate", str(estate))),
        "other_committee": ("+8613912340022", "owners_committee", ("estate", str(other))),
        "officer": ("+8613912340031", "housing_officer", ("district", DISTRICT)),
        "other_officer": ("+8613912340032", "housing_officer", ("district", "110102")),
        "admin": ("+8613912340041", "admin", None),
    }
    for key, (phone, role, scope) in people.items():
        w.tokens[key], w.ids[key] = await person(db, settings, phone, role, scope)
    await bind(db, w.homes["101"], w.ids["jia"], "owner")
    await bind(db, w.homes["102"], w.ids["yi"], "tenant")
    await bind(db, w.homes["201"], w.ids["bing"], "owner")
    await db.execute(
        "INSERT INTO home_bindings (home_id, estate_id, user_id, relation, state) VALUES ($1, $2, $3, 'family', "
        "'pending')",
        w.homes["101"], estate, w.ids["ding"],
    )  # fmt: skip
    return w


async def _counts(db: asyncpg.Connection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in ("estate_announcements", "estate_announcement_reads", "outbox", "audit_log"):
        out[table] = await db.fetchval(f"SELECT count(*) FROM {table}")
    out["states"] = hash(
        tuple(await db.fetch("SELECT id, state, version FROM estate_announcements ORDER BY id"))
    )
    return out


async def _refused(db: asyncpg.Connection, call: Any, status: int, code: str) -> dict[str, Any]:
    before = await _counts(db)
    r = await call
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    assert await _counts(db) == before, "a refused request wrote something"
    return dict(r.json())


def _body(**over: Any) -> dict[str, Any]:
    return {"title": "停水通知", "body": "12月3日 9:00-17:00 二次供水设备检修，全小区停水。", **over}


async def _publish(client: Client, w: World, who: str = "staff", **over: Any) -> dict[str, Any]:
    r = await client.post(f"/v1/estates/{w.estate}/announcements", json=_body(**over), headers=w.h(who))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _list(client: Client, w: World, who: str, **params: Any) -> dict[str, Any]:
    r = await client.get(f"/v1/estates/{w.estate}/announcements", params=params, headers=w.h(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


# the whole way ------------------------------------------------------------------------------------------------------


async def test_an_announcement_from_publish_to_read_counts_and_withdrawal(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    photo = await new_photo(db, w.ids["staff"])
    water = await _publish(client, w, photo_ids=[str(photo)])
    assert (water["publisher_as"], water["state"], water["urgent"], water["buildings"]) == (
        "property",
        "published",
        False,
        [],
    )
    assert [p["id"] for p in water["photos"]] == [str(photo)] and water["photos"][0]["display_url"]
    assert (water["read_at"], water["expired"], water["version"]) == (None, False, 1)
    # the committee's, to 2号楼 only, urgent; the officer's, to the whole estate
    lift = await _publish(
        client, w, "committee", title="2号楼电梯停运", body="2号楼电梯今日维修。", urgent=True,
        building_ids=[str(w.buildings[2])],
    )  # fmt: skip
    assert lift["publisher_as"] == "committee"
    assert lift["buildings"] == [{"id": str(w.buildings[2]), "name": "2号楼"}]
    officer = await _publish(client, w, "officer", title="消防安全检查", body="本周五区住建委检查消防通道。")
    assert officer["publisher_as"] == "officer"
    # only the urgent one is pushed: its outbox row, with ids only
    rows = await db.fetch("SELECT topic, payload FROM outbox")
    assert [(r["topic"], r["payload"]) for r in rows] == [
        ("housing.announcement", {"estate_id": str(w.estate), "announcement_id": lift["id"]})
    ]

    # residents see what is addressed to them, newest first
    assert [a["id"] for a in (await _list(client, w, "jia"))["items"]] == [officer["id"], water["id"]]
    assert [a["id"] for a in (await _list(client, w, "yi"))["items"]] == [officer["id"], water["id"]]
    bing = (await _list(client, w, "bing"))["items"]
    assert [a["id"] for a in bing] == [officer["id"], lift["id"], water["id"]]
    # pages with a cursor neither skip nor repeat
    first = await _list(client, w, "bing", limit=2)
    rest = await _list(client, w, "bing", limit=2, cursor=first["next_cursor"])
    assert [a["id"] for a in first["items"] + rest["items"]] == [a["id"] for a in bing]
    assert rest["next_cursor"] is None
    # a publisher sees every one
    assert len((await _list(client, w, "staff"))["items"]) == 3
    # 甲 (1号楼) does not read the 2号楼 notice
    await _refused(
        db, client.get(f"/v1/announcements/{lift['id']}", headers=w.h("jia")), 403, "announcement_forbidden"
    )

    # a receipt, once
    r = await client.post(f"/v1/announcements/{water['id']}/read", headers=w.h("jia"))
    assert r.status_code == 200, r.text
    read_at = r.json()["read_at"]
    assert read_at is not None
    r = await client.post(f"/v1/announcements/{water['id']}/read", headers=w.h("jia"))
    assert r.status_code == 200 and r.json()["read_at"] == read_at
    assert await db.fetchval("SELECT count(*) FROM estate_announcement_reads") == 1
    r = await client.get(f"/v1/announcements/{water['id']}", headers=w.h("jia"))
    assert r.json()["read_at"] == read_at
    assert (await client.get(f"/v1/announcements/{water['id']}", headers=w.h("yi"))).json()["read_at"] is None
    assert (
        await client.post(f"/v1/announcements/{water['id']}/read", headers=w.h("bing"))
    ).status_code == 200
    assert (await client.post(f"/v1/announcements/{lift['id']}/read", headers=w.h("bing"))).status_code == 200

    # read counts for the publishers: residents in scope now, how many of them read it, every receipt
    r = await client.get(f"/v1/announcements/{water['id']}/reads", headers=w.h("committee"))
    assert r.status_code == 200, r.text
    assert r.json() == {"announcement_id": water["id"], "residents": 3, "readers": 2, "receipts": 2}
    r = await client.get(f"/v1/announcements/{lift['id']}/reads", headers=w.h("staff"))
    assert (r.json()["residents"], r.json()["readers"]) == (1, 1)
    # 甲 moves out: still a receipt, no longer a resident in scope
    await db.execute(
        "UPDATE home_bindings SET state = 'ended', ended_at = now() WHERE user_id = $1", w.ids["jia"]
    )
    r = await client.get(f"/v1/announcements/{water['id']}/reads", headers=w.h("officer"))
    assert r.json() == {"announcement_id": water["id"], "residents": 2, "readers": 1, "receipts": 2}

    # withdrawal: the publisher's side only, with a reason
    await _refused(
        db,
        client.post(
            f"/v1/announcements/{lift['id']}/withdraw", json={"reason": "误发"}, headers=w.h("staff")
        ),
        403,
        "announcement_forbidden",
    )
    r = await client.post(
        f"/v1/announcements/{lift['id']}/withdraw", json={"reason": "电梯已修好"}, headers=w.h("committee")
    )
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["withdraw_reason"], r.json()["version"]) == (
        "withdrawn",
        "电梯已修好",
        2,
    )
    assert r.json()["withdrawn_at"] is not None
    # gone for residents, kept for the publishers
    assert [a["id"] for a in (await _list(client, w, "bing"))["items"]] == [officer["id"], water["id"]]
    await _refused(
        db, client.get(f"/v1/announcements/{lift['id']}", headers=w.h("bing")), 404, "announcement_not_found"
    )
    await _refused(
        db,
        client.post(f"/v1/announcements/{lift['id']}/read", headers=w.h("bing")),
        404,
        "announcement_not_found",
    )
    r = await client.get(f"/v1/announcements/{lift['id']}", headers=w.h("staff"))
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    await _refused(
        db,
        client.post(
            f"/v1/announcements/{lift['id']}/withdraw", json={"reason": "再撤"}, headers=w.h("committee")
        ),
        409,
        "announcement_state_conflict",
    )
    # an admin withdraws anyone's
    r = await client.post(
        f"/v1/announcements/{officer['id']}/withdraw", json={"reason": "重复发布"}, headers=w.h("admin")
    )
    assert r.status_code == 200

    # every write audited
    audit = await db.fetch(
        "SELECT action, actor_id, target_id, details FROM audit_log WHERE target_type = 'estate_announcement' "
        "ORDER BY id"
    )
    assert [(a["action"], a["actor_id"]) for a in audit] == [
        ("announcement.publish", w.ids["staff"]),
        ("announcement.publish", w.ids["committee"]),
        ("announcement.publish", w.ids["officer"]),
        ("announcement.withdraw", w.ids["committee"]),
        ("announcement.withdraw", w.ids["admin"]),
    ]
    assert (
        audit[1]["details"]["building_ids"] == [str(w.buildings[2])] and audit[1]["details"]["urgent"] is True
    )
    assert audit[3]["details"]["reason"] == "电梯已修好"


async def test_an_expired_announcement_leaves_the_residents_list_but_is_still_read_by_its_id(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    a = await _publish(client, w, expires_at=soon)
    assert [x["id"] for x in (await _list(client, w, "jia"))["items"]] == [a["id"]]
    await db.execute(
        "UPDATE estate_announcements SET published_at = now() - interval '2 days', "
        "expires_at = now() - interval '1 second'"
    )
    assert (await _list(client, w, "jia"))["items"] == []
    r = await client.get(f"/v1/announcements/{a['id']}", headers=w.h("jia"))
    assert r.status_code == 200 and r.json()["expired"] is True
    assert [x["expired"] for x in (await _list(client, w, "staff"))["items"]] == [True]


async def test_an_urgent_announcement_reaches_the_residents_in_scope_by_inbox_and_push(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    # a phone each; 乙 reads English
    for who, locale in (("jia", "zh-CN"), ("yi", "en"), ("bing", "zh-CN"), ("committee", "zh-CN")):
        r = await client.post(
            "/v1/devices",
            json={"token": f"{who}-phone", "platform": "android", "app_version": "1.4.0", "locale": locale},
            headers=w.h(who),
        )
        assert r.status_code in (200, 201), r.text
    await db.execute("UPDATE users SET locale = 'en' WHERE id = $1", w.ids["yi"])
    # the committee (bound to 101 as well: a publisher is not told of their own announcement)
    await bind(db, w.homes["101"], w.ids["committee"], "family")
    urgent = await _publish(
        client, w, "committee", title="1号楼停电", body="1号楼配电箱故障，正在抢修。", urgent=True,
        building_ids=[str(w.buildings[1])],
    )  # fmt: skip
    withdrawn = await _publish(client, w, "staff", title="燃气检修", body="燃气管道检修。", urgent=True)
    r = await client.post(
        f"/v1/announcements/{withdrawn['id']}/withdraw", json={"reason": "改期"}, headers=w.h("staff")
    )
    assert r.status_code == 200
    pool = await create_pool(settings)
    try:
        notifier = Notifier(pool, NotificationsConfig(fcm_credentials_file="fake.json"), channels=[])
        counts = await notifier.fan_out_once()
    finally:
        await pool.close()
    assert counts.rows == 2
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE status <> 'done'") == 0
    told = await db.fetch("SELECT user_id, kind, urgent, params FROM notifications ORDER BY user_id")
    assert {t["user_id"] for t in told} == {w.ids["jia"], w.ids["yi"]}  # 1号楼 only; not 丙 (2号楼)
    assert {(t["kind"], t["urgent"]) for t in told} == {("announcement.urgent", True)}
    pushes = await db.fetch(
        "SELECT device_token, urgent FROM deliveries WHERE channel = 'push' ORDER BY device_token"
    )
    assert [(p["device_token"], p["urgent"]) for p in pushes] == [("jia-phone", True), ("yi-phone", True)]

    r = await client.get("/v1/inbox", headers=w.h("jia"))
    [item] = r.json()["items"]
    assert (item["title"], item["body"]) == ("紧急公告", "公告小区：1号楼停电")
    assert item["link"] == f"cityloop://announcements/{urgent['id']}"
    [item] = (await client.get("/v1/inbox", headers=w.h("yi"))).json()["items"]
    assert (item["title"], item["body"]) == ("Urgent notice", "公告小区: 1号楼停电")
    assert (await client.get("/v1/inbox", headers=w.h("bing"))).json()["items"] == []
    assert (await client.get("/v1/inbox", headers=w.h("committee"))).json()["items"] == []


# refusals: status, code, nothing written ------------------------------------------------------------------------


async def test_who_may_publish(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_world(db, settings)
    url = f"/v1/estates/{w.estate}/announcements"
    await _refused(db, client.post(url, json=_body(), headers=w.h("jia")), 403, "forbidden")
    for who in ("other_staff", "other_committee", "other_officer"):
        await _refused(db, client.post(url, json=_body(), headers=w.h(who)), 403, "announcement_forbidden")
    await _refused(
        db,
        client.post(f"/v1/estates/{uuid.uuid4()}/announcements", json=_body(), headers=w.h("admin")),
        404,
        "estate_not_found",
    )
    await _refused(db, client.post(url, json=_body()), 401, "unauthenticated")
    # the manager publishes for the property side, an admin as admin
    assert (await _publish(client, w, "manager"))["publisher_as"] == "property"
    assert (await _publish(client, w, "admin"))["publisher_as"] == "admin"


async def test_bad_announcements_are_refused(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    url = f"/v1/estates/{w.estate}/announcements"
    mine = await new_photo(db, w.ids["staff"])
    theirs = await new_photo(db, w.ids["jia"])
    cases: list[tuple[dict[str, Any], int, str]] = [
        (_body(title="   "), 422, "invalid_announcement"),
        (_body(body=" \n "), 422, "invalid_announcement"),
        (_body(building_ids=[str(w.buildings[9])]), 422, "invalid_announcement"),  # another estate's building
        (_body(building_ids=[str(uuid.uuid4())]), 422, "invalid_announcement"),
        (
            _body(expires_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat()),
            422,
            "invalid_announcement",
        ),
        (_body(photo_ids=[str(theirs)]), 422, "invalid_estate_photo"),
        (_body(photo_ids=[str(mine), str(mine)]), 422, "invalid_estate_photo"),
        (_body(photo_ids=[str(uuid.uuid4())]), 422, "invalid_estate_photo"),
        (_body(photo_ids=[str(uuid.uuid4()) for _ in range(10)]), 422, "validation_failed"),
        (_body(title="长" * 101), 422, "validation_failed"),
        (_body(expires_at="2026-12-03T09:00:00"), 422, "validation_failed"),  # no offset
        (_body(pinned=True), 422, "validation_failed"),
        ({"body": "无标题"}, 422, "validation_failed"),
    ]
    for body, status, code in cases:
        problem = await _refused(db, client.post(url, json=body, headers=w.h("staff")), status, code)
        assert problem.get("errors") or code != "invalid_announcement", body


async def test_who_may_read_and_mark_read(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_world(db, settings)
    a = await _publish(client, w)
    url = f"/v1/estates/{w.estate}/announcements"
    for who in (
        "wu",
        "ding",
        "other_staff",
        "other_officer",
    ):  # no home here, a request still pending, others
        await _refused(db, client.get(url, headers=w.h(who)), 403, "announcement_forbidden")
        await _refused(
            db, client.get(f"/v1/announcements/{a['id']}", headers=w.h(who)), 403, "announcement_forbidden"
        )
        await _refused(
            db,
            client.post(f"/v1/announcements/{a['id']}/read", headers=w.h(who)),
            403,
            "announcement_forbidden",
        )
    # receipts are the residents': a publisher reads but keeps no receipt
    await _refused(
        db,
        client.post(f"/v1/announcements/{a['id']}/read", headers=w.h("staff")),
        403,
        "announcement_forbidden",
    )
    for path in ("", "/read"):
        call = client.request(
            "GET" if not path else "POST", f"/v1/announcements/{uuid.uuid4()}{path}", headers=w.h("jia")
        )
        await _refused(db, call, 404, "announcement_not_found")
    await _refused(
        db,
        client.get(f"/v1/estates/{uuid.uuid4()}/announcements", headers=w.h("jia")),
        404,
        "estate_not_found",
    )
    await _refused(
        db, client.get(url, params={"cursor": "bm9wZQ"}, headers=w.h("jia")), 422, "invalid_cursor"
    )
    # read counts: the estate's publishers only
    reads = f"/v1/announcements/{a['id']}/reads"
    await _refused(db, client.get(reads, headers=w.h("jia")), 403, "forbidden")
    await _refused(db, client.get(reads, headers=w.h("other_staff")), 403, "announcement_forbidden")
    await _refused(
        db,
        client.get(f"/v1/announcements/{uuid.uuid4()}/reads", headers=w.h("staff")),
        404,
        "announcement_not_found",
    )


async def test_bad_withdrawals_are_refused(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    a = await _publish(client, w)
    url = f"/v1/announcements/{a['id']}/withdraw"
    await _refused(
        db, client.post(url, json={"reason": "  "}, headers=w.h("staff")), 422, "invalid_announcement"
    )
    await _refused(db, client.post(url, json={}, headers=w.h("staff")), 422, "validation_failed")
    await _refused(
        db, client.post(url, json={"reason": "长" * 201}, headers=w.h("staff")), 422, "validation_failed"
    )
    await _refused(db, client.post(url, json={"reason": "x"}, headers=w.h("jia")), 403, "forbidden")
    for who in ("committee", "officer", "other_staff"):
        await _refused(
            db, client.post(url, json={"reason": "x"}, headers=w.h(who)), 403, "announcement_forbidden"
        )
    await _refused(
        db,
        client.post(f"/v1/announcements/{uuid.uuid4()}/withdraw", json={"reason": "x"}, headers=w.h("staff")),
        404,
        "announcement_not_found",
    )
    # another of the property side withdraws it
    r = await client.post(url, json={"reason": "信息有误"}, headers=w.h("manager"))
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
