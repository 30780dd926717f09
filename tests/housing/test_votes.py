"""Owners' assembly votes end to end through the HTTP API: raise, notice, the masked roll, ballots in the app,
paper ballots, proxies, designated voters, closing, the published result with its receipts, the recount; every
refusal with its status, code and nothing written; one ballot per head under concurrency; a close racing a late
ballot.

The estate (written straight to the database): 1号楼 101 and 102 owned by 张三 (one head, both areas), 103 by
李四 and 王五 together (one head, 李四 registered first), 104 unsold; 2号楼 201 赵六, 202 unsold, 203 钱七.
Heads: 张三 (8950+12000), 李四/王五 (10000), 赵六 (9000), 钱七 (7000), the developer (104 + 202: 6000+5000).
Time passes by moving the matter's window in the database (notice needs VOTE_NOTICE_DAYS, 15 by default).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api import cli
from api.db import connect, create_pool
from api.settings import Settings
from housing import vote_models, votes
from housing.errors import VoteStateConflict
from identity import service as identity
from identity.models import Principal, RequestContext, Role, RoleGrant
from notifications.models import NotificationsConfig
from notifications.runner import Notifier
from tests.housing.money_fixtures import auth, bind, person
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]
CTX = RequestContext(actor_label="tests")

PHONES = {
    "zhang": "+8613911110001",
    "li": "+8613911110002",
    "wang": "+8613911110003",
    "zhao": "+8613911110004",
    "qian": "+8613911110005",
    "developer": "+8610000000001",
}
HOMES = [  # (building, room, area, owners as (kind, name, phone key))
    (1, "101", 8950, [("person", "张三", "zhang")]),
    (1, "102", 12000, [("person", "张三", "zhang")]),
    (1, "103", 10000, [("person", "李四", "li"), ("person", "王五", "wang")]),
    (1, "104", 6000, [("developer", "幸福地产", "developer")]),
    (2, "201", 9000, [("person", "赵六", "zhao")]),
    (2, "202", 5000, [("developer", "幸福地产", "developer")]),
    (2, "203", 7000, [("person", "钱七", "qian")]),
]


@dataclass
class World:
    estate: UUID
    buildings: dict[int, UUID]
    homes: dict[str, UUID]
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)


async def _world(db: asyncpg.Connection, settings: Settings, *, committee: bool = True) -> World:
    estate = await db.fetchval(
        """INSERT INTO estates (name, address, district_code, location, location_original, property_company,
                                service_grade)
           VALUES ('投票小区', '东城区测试路 9 号', '110101', ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326),
                   '{"lat": 39.9, "lon": 116.4, "crs": "wgs84"}', '测试物业', 2) RETURNING id"""
    )
    w = World(estate, {}, {})
    for b in (1, 2):
        w.buildings[b] = await db.fetchval(
            "INSERT INTO buildings (estate_id, name) VALUES ($1, $2) RETURNING id", estate, f"{b}号楼"
        )
    for b, room, area, owners in HOMES:
        home = await db.fetchval(
            "INSERT INTO homes (estate_id, building_id, floor, room, register_area) VALUES ($1, $2, 1, $3, $4) "
            "RETURNING id",
            estate, w.buildings[b], room, area,
        )  # fmt: skip
        w.homes[room] = home
        for kind, name, key in owners:
            await db.execute(
                "INSERT INTO home_owners (home_id, kind, name, phone, owned_from) VALUES ($1, $2, $3, $4, '2020-01-01')",
                home, kind, name, PHONES[key],
            )  # fmt: skip
    for key in ("zhang", "li", "wang", "zhao", "qian"):
        w.tokens[key], w.ids[key] = await person(db, settings, PHONES[key], "resident")
    for key, room in (("zhang", "101"), ("li", "103"), ("wang", "103"), ("zhao", "201"), ("qian", "203")):
        await bind(db, w.homes[room], w.ids[key])
    if committee:
        w.tokens["committee"], w.ids["committee"] = await person(
            db, settings, "+8613911119001", "owners_committee", ("estate", str(estate))
        )
    w.tokens["proxy"], w.ids["proxy"] = await person(db, settings, "+8613911119002", "citizen")
    w.tokens["outsider"], w.ids["outsider"] = await person(db, settings, "+8613911119003", "resident")
    w.tokens["officer"], w.ids["officer"] = await person(
        db, settings, "+8613911119004", "housing_officer", ("district", "110101")
    )
    w.tokens["other_committee"], w.ids["other_committee"] = await person(
        db, settings, "+8613911119005", "owners_committee", ("estate", str(uuid.uuid4()))
    )
    return w


def _matter_body(**over: Any) -> dict[str, Any]:
    opens = datetime.now(UTC) + timedelta(days=16)
    body = {
        "kind": "ordinary",
        "title": "续聘物业服务企业",
        "body": "是否续聘现物业服务企业三年",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=7)).isoformat(),
    }
    return {**body, **over}


async def _counts(db: asyncpg.Connection) -> dict[str, int]:
    out = {}
    for table in (
        "vote_matters",
        "vote_roll",
        "vote_ballots",
        "vote_proxies",
        "vote_voter_changes",
        "vote_results",
    ):
        out[table] = await db.fetchval(f"SELECT count(*) FROM {table}")
    out["ballot_rows"] = await db.fetchval("SELECT coalesce(sum(changes + 1), 0) FROM vote_ballots")
    out["voters"] = await db.fetchval("SELECT count(DISTINCT (voter_name, voter_phone)) FROM vote_roll")
    out["revoked"] = await db.fetchval("SELECT count(*) FROM vote_proxies WHERE revoked_at IS NOT NULL")
    out["states"] = hash(tuple(await db.fetch("SELECT id, state, version FROM vote_matters ORDER BY id")))
    return out


async def _refused(db: asyncpg.Connection, call: Any, status: int, code: str) -> dict[str, Any]:
    before = await _counts(db)
    r = await call
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    assert await _counts(db) == before, "a refused request wrote something"
    return dict(r.json())


async def _raise(client: Client, w: World, token: str | None = None, **over: Any) -> dict[str, Any]:
    r = await client.post(
        f"/v1/estates/{w.estate}/vote-matters",
        json=_matter_body(**over),
        headers=auth(token or w.tokens["committee"]),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _noticed(client: Client, w: World, **over: Any) -> str:
    matter = await _raise(client, w, **over)
    r = await client.post(f"/v1/vote-matters/{matter['id']}/notice", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200, r.text
    return str(matter["id"])


async def _open(db: asyncpg.Connection, matter: str) -> None:
    """Time passes: the window opened a minute ago."""
    await db.execute(
        """UPDATE vote_matters SET notice_at = now() - interval '20 days', opens_at = now() - interval '1 minute',
                                   closes_at = now() + interval '7 days' WHERE id = $1""",
        UUID(matter),
    )


async def _end(db: asyncpg.Connection, matter: str) -> None:
    """Time passes: the window ended a second ago."""
    await db.execute(
        "UPDATE vote_matters SET closes_at = now() - interval '1 second' WHERE id = $1", UUID(matter)
    )


async def _vote(client: Client, w: World, who: str, matter: str, choice: str, **body: Any) -> Any:
    return await client.post(
        f"/v1/vote-matters/{matter}/ballots",
        json={"choice": choice, **body},
        headers=auth(w.tokens[who], **{"Idempotency-Key": uuid.uuid4().hex}),
    )


async def _head_of(db: asyncpg.Connection, matter: str, room: str, w: World) -> int:
    head: int = await db.fetchval(
        "SELECT head_no FROM vote_roll_homes WHERE matter_id = $1 AND home_id = $2",
        UUID(matter),
        w.homes[room],
    )
    return head


# the whole way ------------------------------------------------------------------------------------------------------


async def test_a_vote_from_raise_to_published_result(
    client: Client,
    db: asyncpg.Connection,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")
    w = await _world(db, settings)
    matter = await _raise(client, w)
    assert (matter["state"], matter["heads"], matter["notice_at"]) == ("draft", 0, None)
    # a draft is the organisers' only
    r = await client.get(f"/v1/vote-matters/{matter['id']}", headers=auth(w.tokens["zhang"]))
    assert r.status_code == 404 and r.json()["code"] == "vote_matter_not_found"
    r = await client.post(f"/v1/vote-matters/{matter['id']}/notice", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200, r.text
    m = r.json()
    assert (m["state"], m["heads"], m["total_area"]) == (
        "noticed",
        5,
        8950 + 12000 + 10000 + 6000 + 9000 + 5000 + 7000,
    )
    mid = matter["id"]

    # the roll, masked, for the estate's owners
    r = await client.get(f"/v1/vote-matters/{mid}/roll", headers=auth(w.tokens["qian"]))
    assert r.status_code == 200, r.text
    roll = r.json()
    got = [(h["masked_name"], h["area"], h["homes"]) for h in roll["items"]]
    assert got == [
        ("张*", 20950, ["1号楼 101", "1号楼 102"]),
        ("李*、王*", 10000, ["1号楼 103"]),
        ("赵*", 9000, ["2号楼 201"]),
        ("钱*", 7000, ["2号楼 203"]),
        ("幸福地产（未售房屋）", 11000, ["1号楼 104", "2号楼 202"]),
    ]
    assert "张三" not in r.text and PHONES["zhang"] not in r.text
    r = await client.get(f"/v1/vote-matters/{mid}/roll", headers=auth(w.tokens["outsider"]))
    assert r.status_code == 403 and r.json()["code"] == "vote_forbidden"
    # paging
    r = await client.get(f"/v1/vote-matters/{mid}/roll", params={"limit": 2}, headers=auth(w.tokens["zhang"]))
    page = r.json()
    r = await client.get(
        f"/v1/vote-matters/{mid}/roll",
        params={"limit": 10, "cursor": page["next_cursor"]},
        headers=auth(w.tokens["zhang"]),
    )
    assert [h["head_no"] for h in page["items"] + r.json()["items"]] == [1, 2, 3, 4, 5]

    # before the window: refused
    await _refused(db, _vote(client, w, "zhang", mid, "yes"), 409, "vote_state_conflict")
    await _open(db, mid)

    # 张三 votes yes in the app
    r = await _vote(client, w, "zhang", mid, "yes")
    assert r.status_code == 201, r.text
    zhang_receipt = r.json()
    assert (zhang_receipt["channel"], zhang_receipt["head_no"], zhang_receipt["changed"]) == ("app", 1, False)
    # 王五 is a co-owner but not the designated voter (李四 registered first)
    await _refused(db, _vote(client, w, "wang", mid, "no"), 403, "not_a_voter")
    # the committee names 王五, with a reason; now 王五 votes, 李四 no longer can
    head_103 = await _head_of(db, mid, "103", w)
    r = await client.put(
        f"/v1/vote-matters/{mid}/roll/{head_103}/voter",
        json={"owner_phone": PHONES["wang"], "reason": "李四长期在外，共有人协商由王五投票"},
        headers=auth(w.tokens["committee"]),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["voter_name"], r.json()["voter_phone"]) == ("王五", PHONES["wang"])
    change = await db.fetchrow("SELECT * FROM vote_voter_changes WHERE matter_id = $1", UUID(mid))
    assert (change["from_name"], change["to_name"], change["changed_by"]) == (
        "李四",
        "王五",
        w.ids["committee"],
    )
    await _refused(db, _vote(client, w, "li", mid, "yes"), 403, "not_a_voter")
    assert (await _vote(client, w, "wang", mid, "no")).status_code == 201

    # 赵六 gives a written proxy to someone outside the estate, revokes it, gives it again; the proxy votes
    photo = await new_photo(db, w.ids["zhao"])
    r = await client.post(
        f"/v1/vote-matters/{mid}/proxies",
        json={"proxy_phone": "13911119002", "photo_id": str(photo)},
        headers=auth(w.tokens["zhao"]),
    )
    assert r.status_code == 201, r.text
    first_proxy = r.json()["id"]
    assert r.json()["proxy_phone"] == "139****9002"
    r = await client.post(f"/v1/vote-proxies/{first_proxy}/revoke", headers=auth(w.tokens["zhao"]))
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    head_201 = await _head_of(db, mid, "201", w)
    await _refused(db, _vote(client, w, "proxy", mid, "yes", head_no=head_201), 403, "not_a_voter")
    r = await client.post(
        f"/v1/vote-matters/{mid}/proxies",
        json={"proxy_phone": "+8613911119002", "photo_id": str(photo)},
        headers=auth(w.tokens["zhao"]),
    )
    assert r.status_code == 201
    proxy = r.json()["id"]
    r = await _vote(client, w, "proxy", mid, "yes", head_no=head_201)
    assert r.status_code == 201 and r.json()["channel"] == "proxy"
    # revocable only until the head voted
    await _refused(
        db,
        client.post(f"/v1/vote-proxies/{proxy}/revoke", headers=auth(w.tokens["zhao"])),
        409,
        "ballot_exists",
    )
    # and 赵六 cannot vote again (no change allowed)
    await _refused(db, _vote(client, w, "zhao", mid, "no"), 409, "ballot_exists")

    # the developer's paper ballot, entered by the committee with its photo
    paper = await new_photo(db, w.ids["committee"])
    dev_head = await _head_of(db, mid, "104", w)
    r = await client.post(
        f"/v1/vote-matters/{mid}/paper-ballots",
        json={"head_no": dev_head, "choice": "abstain", "photo_id": str(paper)},
        headers=auth(w.tokens["committee"], **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert r.status_code == 201 and r.json()["channel"] == "paper"
    ballot = await db.fetchrow(
        "SELECT channel, photo_id FROM vote_ballots WHERE matter_id = $1 AND head_no = $2",
        UUID(mid),
        dev_head,
    )
    assert (ballot["channel"], ballot["photo_id"]) == ("paper", paper)

    # 钱七 does not vote. Closing before closes_at is refused; after it, the tally is published
    await _refused(
        db,
        client.post(f"/v1/vote-matters/{mid}/close", headers=auth(w.tokens["committee"])),
        409,
        "vote_state_conflict",
    )
    await _end(db, mid)
    await _refused(db, _vote(client, w, "qian", mid, "yes"), 409, "vote_state_conflict")
    r = await client.post(f"/v1/vote-matters/{mid}/close", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200, r.text
    result = r.json()
    # by hand: total 5 heads, 57,950; taking part 张三 yes 20,950, 王五 no 10,000, 赵六 (proxy) yes 9,000,
    # developer abstain 11,000: 4 heads, 50,950. Quorum: 50,950*3 >= 2*57,950 and 4*3 >= 2*5. Yes: 29,950 of
    # 50,950 (> 1/2) and 2 of 4 heads (not > 1/2): the ordinary matter fails on heads.
    f = result["tally"]["cast"]["figures"]
    assert (f["total_heads"], f["total_area"], f["participating_heads"], f["participating_area"]) == (
        5,
        57950,
        4,
        50950,
    )
    assert (f["yes_heads"], f["yes_area"], f["no_heads"], f["no_area"], f["abstain_heads"], f["abstain_area"]) == (
        2, 29950, 1, 10000, 1, 11000,
    )  # fmt: skip
    assert result["tally"]["cast"]["quorum_met"] is True
    assert result["tally"]["cast"]["pass_area"] == {
        "numerator": 29950,
        "denominator": 50950,
        "rule": "> 1/2",
        "met": True,
    }
    assert result["tally"]["cast"]["pass_heads"] == {
        "numerator": 2,
        "denominator": 4,
        "rule": "> 1/2",
        "met": False,
    }
    assert result["passed"] is False
    by_building = {b["building_id"]: b["figures"] for b in result["tally"]["buildings"]}
    names = {b["building_id"]: b["name"] for b in result["buildings"]}
    b2 = by_building[str(w.buildings[2])]
    assert names[str(w.buildings[2])] == "2号楼"
    # 2号楼: 赵六 9,000 (yes), 钱七 7,000 (did not vote), the developer's 202: 5,000 (abstain)
    assert (b2["total_heads"], b2["total_area"], b2["yes_area"], b2["abstain_area"], b2["not_voting_area"]) == (
        3, 21000, 9000, 5000, 7000,
    )  # fmt: skip
    # the receipts list: 张三 finds their code's hash with their choice, and no name is published
    digest = hashlib.sha256(zhang_receipt["receipt_code"].encode()).hexdigest()
    assert {"receipt_hash": digest, "choice": "yes"} in result["receipts"]
    assert len(result["receipts"]) == 4 and "张三" not in r.text
    r = await client.get(f"/v1/vote-matters/{mid}/result", headers=auth(w.tokens["qian"]))
    assert r.status_code == 200 and r.json() == result
    r = await client.get(f"/v1/vote-matters/{mid}", headers=auth(w.tokens["qian"]))
    assert r.json()["state"] == "published"
    actions = [
        r["action"]
        for r in await db.fetch("SELECT action FROM audit_log WHERE action LIKE 'vote.%' ORDER BY id")
    ]
    assert actions[:2] == ["vote.raise", "vote.notice"] and actions[-1] == "vote.close"
    assert {
        "vote.ballot",
        "vote.voter_change",
        "vote.proxy",
        "vote.proxy_revoke",
        "vote.paper_ballot",
    } <= set(actions)

    # the recount equals the published result; a ballot changed behind the API's back is found
    assert await asyncio.to_thread(cli.main, ["votes", "recount", mid]) == 0
    assert '"participating_area": 50950' in capsys.readouterr().out
    await db.execute(
        "UPDATE vote_ballots SET choice = 'yes' WHERE matter_id = $1 AND head_no = $2", UUID(mid), head_103
    )
    assert await asyncio.to_thread(cli.main, ["votes", "recount", mid]) == 1
    assert "DIFFERS" in capsys.readouterr().err


async def test_ballots_may_be_changed_only_when_the_matter_allows_it(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    fixed = await _noticed(client, w)
    changeable = await _noticed(client, w, allow_change=True, title="增设电梯")
    await _open(db, fixed)
    await _open(db, changeable)
    assert (await _vote(client, w, "zhang", fixed, "yes")).status_code == 201
    await _refused(db, _vote(client, w, "zhang", fixed, "no"), 409, "ballot_exists")
    first = await _vote(client, w, "zhang", changeable, "yes")
    second = await _vote(client, w, "zhang", changeable, "no")
    assert second.status_code == 201 and second.json()["changed"] is True
    row = await db.fetchrow(
        "SELECT choice, changes, receipt_hash FROM vote_ballots WHERE matter_id = $1", UUID(changeable)
    )
    assert (row["choice"], row["changes"]) == ("no", 1)
    assert row["receipt_hash"] == hashlib.sha256(second.json()["receipt_code"].encode()).hexdigest()
    assert first.json()["receipt_code"] != second.json()["receipt_code"]
    # the same Idempotency-Key replays the first answer and changes nothing
    key = {"Idempotency-Key": "same-key-0001"}
    r1 = await client.post(
        f"/v1/vote-matters/{changeable}/ballots",
        json={"choice": "abstain"},
        headers=auth(w.tokens["zhang"], **key),
    )
    r2 = await client.post(
        f"/v1/vote-matters/{changeable}/ballots",
        json={"choice": "abstain"},
        headers=auth(w.tokens["zhang"], **key),
    )
    assert r1.json() == r2.json() and r2.headers.get("Idempotent-Replayed") == "true"
    assert await db.fetchval("SELECT changes FROM vote_ballots WHERE matter_id = $1", UUID(changeable)) == 2


# refusals ---------------------------------------------------------------------------------------------------------


async def test_raising_refusals_write_nothing(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    url = f"/v1/estates/{w.estate}/vote-matters"
    committee = auth(w.tokens["committee"])
    soon = datetime.now(UTC) + timedelta(days=10)
    body = _matter_body(opens_at=soon.isoformat(), closes_at=(soon + timedelta(days=3)).isoformat())
    problem = await _refused(db, client.post(url, json=body, headers=committee), 422, "invalid_vote_matter")
    assert problem["notice_days"] == 15
    opens = datetime.now(UTC) + timedelta(days=20)
    backwards = _matter_body(opens_at=opens.isoformat(), closes_at=(opens - timedelta(hours=1)).isoformat())
    await _refused(db, client.post(url, json=backwards, headers=committee), 422, "invalid_vote_matter")
    foreign = _matter_body(building_ids=[str(uuid.uuid4())])
    await _refused(db, client.post(url, json=foreign, headers=committee), 422, "invalid_vote_matter")
    await _refused(
        db, client.post(url, json=_matter_body(kind="secret"), headers=committee), 422, "validation_failed"
    )
    await _refused(
        db, client.post(url, json=_matter_body(), headers=auth(w.tokens["zhang"])), 403, "forbidden"
    )
    await _refused(
        db,
        client.post(url, json=_matter_body(), headers=auth(w.tokens["other_committee"])),
        403,
        "vote_forbidden",
    )
    # the estate has a committee: its housing officer does not raise matters
    await _refused(
        db, client.post(url, json=_matter_body(), headers=auth(w.tokens["officer"])), 403, "vote_forbidden"
    )
    await _refused(
        db,
        client.post(f"/v1/estates/{uuid.uuid4()}/vote-matters", json=_matter_body(), headers=committee),
        404,
        "estate_not_found",
    )


async def test_the_housing_officer_runs_votes_where_there_is_no_committee(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings, committee=False)
    matter = await _raise(
        client, w, token=w.tokens["officer"], building_ids=[str(w.buildings[2])], kind="special"
    )
    r = await client.post(f"/v1/vote-matters/{matter['id']}/notice", headers=auth(w.tokens["officer"]))
    assert r.status_code == 200, r.text
    # a lift in 2号楼: only its owners vote, only their area counts (the developer's 202, not 104)
    assert (r.json()["heads"], r.json()["total_area"]) == (3, 9000 + 5000 + 7000)
    # 张三 owns nothing in 2号楼: not a voter
    await _open(db, matter["id"])
    await _refused(db, _vote(client, w, "zhang", matter["id"], "yes"), 403, "not_a_voter")


async def test_ballot_refusals_write_nothing(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    mid = await _noticed(client, w)
    await _open(db, mid)
    url = f"/v1/vote-matters/{mid}/ballots"
    await _refused(
        db,
        client.post(url, json={"choice": "yes"}, headers=auth(w.tokens["zhang"])),
        400,
        "idempotency_key_required",
    )
    await _refused(db, _vote(client, w, "zhang", mid, "maybe"), 422, "validation_failed")
    await _refused(db, _vote(client, w, "outsider", mid, "yes"), 403, "not_a_voter")
    await _refused(db, _vote(client, w, "zhang", mid, "yes", head_no=2), 403, "not_a_voter")
    await _refused(db, _vote(client, w, "zhang", str(uuid.uuid4()), "yes"), 404, "vote_matter_not_found")
    # a paper ballot: someone else's photo, a head not on the roll, a resident entering it
    photo = await new_photo(db, w.ids["zhang"])
    own = await new_photo(db, w.ids["committee"])
    paper = f"/v1/vote-matters/{mid}/paper-ballots"

    def enter(token: str, body: dict[str, Any]) -> Any:
        return client.post(paper, json=body, headers=auth(token, **{"Idempotency-Key": uuid.uuid4().hex}))

    await _refused(
        db,
        enter(w.tokens["committee"], {"head_no": 1, "choice": "yes", "photo_id": str(photo)}),
        422,
        "invalid_vote_photo",
    )
    await _refused(
        db,
        enter(w.tokens["committee"], {"head_no": 99, "choice": "yes", "photo_id": str(own)}),
        404,
        "vote_head_not_found",
    )
    await _refused(
        db,
        enter(w.tokens["zhang"], {"head_no": 1, "choice": "yes", "photo_id": str(photo)}),
        403,
        "forbidden",
    )
    # a paper ballot over an app ballot
    assert (await _vote(client, w, "zhang", mid, "yes")).status_code == 201
    await _refused(
        db,
        enter(w.tokens["committee"], {"head_no": 1, "choice": "no", "photo_id": str(own)}),
        409,
        "ballot_exists",
    )
    # proxies: not the head's voter, someone else's photo, a bad phone, a second live proxy
    proxies = f"/v1/vote-matters/{mid}/proxies"
    zhao_photo = await new_photo(db, w.ids["zhao"])
    body = {"proxy_phone": "+8613911119002", "photo_id": str(zhao_photo)}
    await _refused(db, client.post(proxies, json=body, headers=auth(w.tokens["wang"])), 403, "not_a_voter")
    await _refused(
        db,
        client.post(proxies, json={**body, "photo_id": str(photo)}, headers=auth(w.tokens["zhao"])),
        422,
        "invalid_vote_photo",
    )
    await _refused(
        db,
        client.post(proxies, json={**body, "proxy_phone": "12"}, headers=auth(w.tokens["zhao"])),
        422,
        "invalid_phone",
    )
    assert (await client.post(proxies, json=body, headers=auth(w.tokens["zhao"]))).status_code == 201
    await _refused(
        db, client.post(proxies, json=body, headers=auth(w.tokens["zhao"])), 409, "vote_proxy_exists"
    )
    proxy = await db.fetchval("SELECT id FROM vote_proxies WHERE matter_id = $1", UUID(mid))
    await _refused(
        db,
        client.post(f"/v1/vote-proxies/{proxy}/revoke", headers=auth(w.tokens["qian"])),
        404,
        "vote_proxy_not_found",
    )
    # designation: an owner of another head, a resident asking, notice twice
    voter = f"/v1/vote-matters/{mid}/roll/2/voter"
    change = {"owner_phone": PHONES["zhao"], "reason": "代为投票"}
    await _refused(
        db, client.put(voter, json=change, headers=auth(w.tokens["committee"])), 422, "vote_owner_not_found"
    )
    await _refused(
        db,
        client.put(voter, json={**change, "owner_phone": PHONES["wang"]}, headers=auth(w.tokens["zhang"])),
        403,
        "forbidden",
    )
    await _refused(
        db,
        client.put(f"/v1/vote-matters/{mid}/roll/1/voter", json=change, headers=auth(w.tokens["committee"])),
        409,
        "ballot_exists",
    )
    await _refused(
        db,
        client.post(f"/v1/vote-matters/{mid}/notice", headers=auth(w.tokens["committee"])),
        409,
        "vote_state_conflict",
    )
    # the result before the close
    await _refused(
        db,
        client.get(f"/v1/vote-matters/{mid}/result", headers=auth(w.tokens["zhang"])),
        409,
        "vote_state_conflict",
    )


async def test_notice_of_an_empty_scope_is_refused(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    empty = await db.fetchval(
        "INSERT INTO buildings (estate_id, name) VALUES ($1, '9号楼') RETURNING id", w.estate
    )
    matter = await _raise(client, w, building_ids=[str(empty)])
    await _refused(
        db,
        client.post(f"/v1/vote-matters/{matter['id']}/notice", headers=auth(w.tokens["committee"])),
        409,
        "vote_roll_empty",
    )


# concurrency ------------------------------------------------------------------------------------------------------


async def test_200_ballots_of_one_head_at_once_record_exactly_one(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    mid = await _noticed(client, w)
    await _open(db, mid)
    answers = await asyncio.gather(
        *(_vote(client, w, "zhang", mid, ("yes", "no")[i % 2]) for i in range(200))
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(201) == 1 and statuses.count(409) == 199, statuses
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"ballot_exists"}
    assert await db.fetchval("SELECT count(*) FROM vote_ballots WHERE matter_id = $1", UUID(mid)) == 1


def _conn(proxy: Any) -> asyncpg.Connection:
    """A pooled connection as the services take it."""
    conn: asyncpg.Connection = proxy
    return conn


async def _close_on(pool: asyncpg.Pool, w: World, mid: str) -> vote_models.VoteResult:
    committee = Principal(
        user_id=w.ids["committee"], session_id=uuid.uuid4(),
        roles=(RoleGrant(role="owners_committee", scope_kind="estate", scope_id=str(w.estate)),), locale="zh-CN",
    )  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        return await votes.close(_conn(conn), CTX, committee, UUID(mid))


async def _cast_on(pool: asyncpg.Pool, w: World, mid: str) -> Exception | None:
    try:
        async with pool.acquire() as conn, conn.transaction():
            await votes.cast(
                _conn(conn), CTX, _principal(w, "zhang"), UUID(mid), vote_models.BallotCast(choice="yes")
            )
    except Exception as exc:
        return exc
    return None


def _principal(w: World, who: str, role: Role = "resident") -> Principal:
    return Principal(
        user_id=w.ids[who], session_id=uuid.uuid4(), roles=(RoleGrant(role=role),), locale="zh-CN"
    )


async def test_a_close_waits_for_a_ballot_in_flight_and_counts_it(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    mid = await _noticed(client, w)
    await _open(db, mid)
    await db.execute(
        "UPDATE vote_matters SET closes_at = now() + interval '2 seconds' WHERE id = $1", UUID(mid)
    )
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as late, late.transaction():
            # a ballot begun inside the window, not committed when the window ends and the close comes
            await votes.cast(
                _conn(late), CTX, _principal(w, "zhang"), UUID(mid), vote_models.BallotCast(choice="yes")
            )
            await asyncio.sleep(2.1)
            closing = asyncio.create_task(_close_on(pool, w, mid))
            await asyncio.sleep(0.5)
            assert not closing.done(), "the close did not wait for the ballot in flight"
        result = await closing
    finally:
        await pool.close()
    assert result.tally.cast.figures.yes_heads == 1
    assert await db.fetchval("SELECT count(*) FROM vote_ballots WHERE matter_id = $1", UUID(mid)) == 1


async def test_a_ballot_waiting_on_a_close_is_refused_and_not_written(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    mid = await _noticed(client, w)
    await _open(db, mid)
    await db.execute(
        "UPDATE vote_matters SET closes_at = now() + interval '1 second' WHERE id = $1", UUID(mid)
    )
    pool = await create_pool(settings)
    try:
        await asyncio.sleep(1.1)  # the window ends
        async with (
            pool.acquire() as closer,
            closer.transaction(),
        ):  # the close holds the matter until it commits
            committee = Principal(
                user_id=w.ids["committee"], session_id=uuid.uuid4(),
                roles=(RoleGrant(role="owners_committee", scope_kind="estate", scope_id=str(w.estate)),),
                locale="zh-CN",
            )  # fmt: skip
            await votes.close(_conn(closer), CTX, committee, UUID(mid))
            # a ballot whose transaction began before closes_at would be judged in the window: start one now
            voting = asyncio.create_task(_cast_on(pool, w, mid))
            await asyncio.sleep(0.5)
            assert not voting.done(), "the ballot did not wait for the close"
        refusal = await voting
    finally:
        await pool.close()
    assert isinstance(refusal, VoteStateConflict), refusal
    assert await db.fetchval("SELECT count(*) FROM vote_ballots WHERE matter_id = $1", UUID(mid)) == 0
    tally = await db.fetchval("SELECT tally FROM vote_results WHERE matter_id = $1", UUID(mid))
    assert tally["cast"]["figures"]["participating_heads"] == 0


async def test_the_worker_closes_matters_whose_window_ended(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    mid = await _noticed(client, w, non_voters_follow_majority=True)
    await _open(db, mid)
    assert (await _vote(client, w, "zhang", mid, "yes")).status_code == 201
    assert (await _vote(client, w, "zhao", mid, "yes")).status_code == 201
    assert (await _vote(client, w, "li", mid, "no")).status_code == 201
    await _end(db, mid)
    async with db.transaction():
        assert await votes.close_due(db, CTX) == [UUID(mid)]
    tally = await db.fetchval("SELECT tally FROM vote_results WHERE matter_id = $1", UUID(mid))
    # yes leads on area (29,950 to 10,000) and heads (2 to 1): 钱七 and the developer (18,000, 2 heads) follow it
    assert tally["non_voters_follow_majority"] == {
        "enabled": True, "applied": True, "side": "yes", "added_area": 18000, "added_heads": 2,
    }  # fmt: skip
    assert tally["cast"]["passed"] is False and tally["passed"] is True  # no quorum as cast (3 of 5 heads)
    assert "vote.majority_rule" in [r["action"] for r in await db.fetch("SELECT action FROM audit_log")]
    assert await db.fetchval("SELECT state FROM vote_matters WHERE id = $1", UUID(mid)) == "published"


# the owners are told -------------------------------------------------------------------------------------------


async def _fan_out(settings: Settings) -> int:
    pool = await create_pool(settings)
    try:
        notifier = Notifier(pool, NotificationsConfig(fcm_credentials_file="fake.json"), channels=[])
        return (await notifier.fan_out_once()).rows
    finally:
        await pool.close()


async def test_the_owners_on_the_roll_are_told_of_the_notice_and_of_the_result(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    # a scoped matter: 2号楼 only (赵六 and 钱七; the developer's 202). 张三's family in 201 is not an owner.
    await bind(db, w.homes["201"], w.ids["zhang"], "family")
    for who, locale in (("zhao", "zh-CN"), ("qian", "en"), ("zhang", "zh-CN")):
        r = await client.post(
            "/v1/devices",
            json={"token": f"{who}-phone", "platform": "android", "app_version": "1.4.0", "locale": locale},
            headers=auth(w.tokens[who]),
        )
        assert r.status_code in (200, 201), r.text
    await db.execute("UPDATE users SET locale = 'en' WHERE id = $1", w.ids["qian"])
    matter = await _raise(client, w, title="2号楼加装电梯", building_ids=[str(w.buildings[2])])
    assert await _fan_out(settings) == 0  # a draft tells nobody
    r = await client.post(f"/v1/vote-matters/{matter['id']}/notice", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200, r.text
    mid = matter["id"]
    assert await _fan_out(settings) == 1
    told = await db.fetch("SELECT user_id, kind, urgent FROM notifications ORDER BY user_id")
    assert {t["user_id"] for t in told} == {w.ids["zhao"], w.ids["qian"]}
    assert {(t["kind"], t["urgent"]) for t in told} == {("vote.notice", False)}
    pushes = await db.fetch(
        "SELECT device_token FROM deliveries WHERE channel = 'push' ORDER BY device_token"
    )
    assert [p["device_token"] for p in pushes] == ["qian-phone", "zhao-phone"]
    [item] = (await client.get("/v1/inbox", headers=auth(w.tokens["zhao"]))).json()["items"]
    assert item["title"] == "业主大会表决公告"
    assert item["body"].startswith("投票小区：2号楼加装电梯。投票时间 ")
    assert item["link"] == f"cityloop://vote-matters/{mid}"
    [item] = (await client.get("/v1/inbox", headers=auth(w.tokens["qian"]))).json()["items"]
    assert item["title"] == "Owners' vote called"
    assert item["body"].startswith("投票小区: 2号楼加装电梯. Voting runs from ")
    assert (await client.get("/v1/inbox", headers=auth(w.tokens["zhang"]))).json()["items"] == []

    await _open(db, mid)
    assert (await _vote(client, w, "zhao", mid, "yes")).status_code == 201
    assert (await _vote(client, w, "qian", mid, "yes")).status_code == 201
    await _end(db, mid)
    r = await client.post(f"/v1/vote-matters/{mid}/close", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200 and r.json()["passed"] is True, r.text
    assert await _fan_out(settings) == 1
    told = await db.fetch("SELECT user_id FROM notifications WHERE kind = 'vote.result'")
    assert {t["user_id"] for t in told} == {w.ids["zhao"], w.ids["qian"]}
    items = (await client.get("/v1/inbox", headers=auth(w.tokens["zhao"]))).json()["items"]
    result = next(i for i in items if i["kind"] == "vote.result")
    assert (result["title"], result["body"]) == (
        "表决结果公布",
        "投票小区：2号楼加装电梯，表决通过。可凭投票回执核对您的选票。",
    )
    assert result["link"] == f"cityloop://vote-matters/{mid}/result"
    items = (await client.get("/v1/inbox", headers=auth(w.tokens["qian"]))).json()["items"]
    assert next(i for i in items if i["kind"] == "vote.result")["body"].startswith(
        "投票小区: the vote on 2号楼加装电梯 is out: passed."
    )
    outbox = await db.fetch("SELECT topic, payload FROM outbox ORDER BY id")
    assert [(o["topic"], o["payload"]) for o in outbox] == [
        (topic, {"estate_id": str(w.estate), "matter_id": mid})
        for topic in ("housing.vote_notice", "housing.vote_result")
    ]


async def test_a_close_through_the_api_waits_for_a_ballot_in_flight_and_counts_it(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    """The test client runs the app on a thread of its own and blocks this event loop while a request runs, so a
    ballot held open on this loop could never commit under an HTTP close (the close timed out after the pool's
    command_timeout and answered 503: a deadlock of the test, not of the app). The ballot in flight is held on a
    thread and loop of its own instead."""
    w = await _world(db, settings)
    mid = await _noticed(client, w)
    await _open(db, mid)
    await db.execute(
        "UPDATE vote_matters SET closes_at = now() + interval '2 seconds' WHERE id = $1", UUID(mid)
    )
    cast = threading.Event()
    hold_s = 1.5

    async def ballot_in_flight() -> None:
        conn = await connect(settings)
        try:
            async with conn.transaction():  # begun inside the window
                await votes.cast(
                    conn, CTX, _principal(w, "zhang"), UUID(mid), vote_models.BallotCast(choice="yes")
                )
                cast.set()
                await asyncio.sleep(2.2 + hold_s)  # the window ends, the close comes and waits
        finally:
            await conn.close()

    holder = threading.Thread(target=asyncio.run, args=(ballot_in_flight(),))
    holder.start()
    try:
        assert await asyncio.to_thread(cast.wait, 10)
        await asyncio.sleep(2.2)
        started = time.monotonic()
        r = await client.post(f"/v1/vote-matters/{mid}/close", headers=auth(w.tokens["committee"]))
        waited = time.monotonic() - started
    finally:
        await asyncio.to_thread(holder.join, 30)
    assert r.status_code == 200, r.text
    assert waited > hold_s - 0.5, f"the close answered after {waited:.2f} s: it did not wait for the ballot"
    assert r.json()["tally"]["cast"]["figures"]["yes_heads"] == 1
    assert await db.fetchval("SELECT count(*) FROM vote_ballots WHERE matter_id = $1", UUID(mid)) == 1


# the demo -------------------------------------------------------------------------------------------------------


async def test_the_demo_has_a_published_vote_and_one_open_the_demo_resident_can_cast_in(
    client: Client,
    db: asyncpg.Connection,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")
    from api.config import auth_config
    from api.demo import seed_demo
    from housing.demo import DEMO_ESTATE_ID
    from tests.identity.helpers import bearer

    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    async with db.transaction():
        await seed_demo(db, auth_config(settings))  # again: nothing added
    assert await db.fetchval("SELECT count(*) FROM vote_matters") == 2
    config = auth_config(settings)
    ctx = RequestContext(actor_label="tests")
    resident = (await identity.issue_tokens_for(db, config, "+8613800138009", ctx)).access_token
    committee = (await identity.issue_tokens_for(db, config, "+8613800138013", ctx)).access_token
    r = await client.get(f"/v1/estates/{DEMO_ESTATE_ID}/vote-matters", headers=bearer(resident))
    assert r.status_code == 200, r.text
    current, past = r.json()["items"]
    assert (past["state"], past["kind"], current["state"], current["kind"]) == (
        "published", "ordinary", "open", "special",
    )  # fmt: skip
    assert len(current["building_ids"]) == 1  # 3号楼 only
    # the past result: passed, as seeded (by head number: 3 in 20 did not vote, 3 no, 1 abstain, the rest yes)
    r = await client.get(f"/v1/vote-matters/{past['id']}/result", headers=bearer(resident))
    result = r.json()
    f = result["tally"]["cast"]["figures"]
    assert result["passed"] is True and f["total_heads"] == past["heads"]
    assert f["participating_heads"] == sum(1 for n in range(1, past["heads"] + 1) if n % 20 >= 3)
    assert len(result["receipts"]) == f["participating_heads"]
    assert await asyncio.to_thread(cli.main, ["votes", "recount", past["id"]]) == 0
    capsys.readouterr()
    # the open one: the resident has not voted; they do now, in the app
    r = await client.post(
        f"/v1/vote-matters/{current['id']}/ballots",
        json={"choice": "yes"},
        headers={**bearer(resident), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "app"
    # the committee's role reaches the estate's votes
    r = await client.get(f"/v1/vote-matters/{current['id']}/roll", headers=bearer(committee))
    assert r.status_code == 200 and r.json()["total_heads"] == current["heads"]
