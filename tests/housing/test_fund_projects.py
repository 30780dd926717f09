"""Spending the maintenance fund end to end through the HTTP API: raise a repair project, put it to the owners'
vote, the housing officer's approval that takes the budget from the homes' shares by area (largest remainder),
acceptance with photos, the final settlement that returns the difference; the emergency path (no vote, published
afterwards, the overdue listing); every refusal with its status, code and nothing written; the ledger checked.

The estate (tests/housing/money_fixtures.py): two buildings of three homes of 100.00 m² each, every home's first
deposit 100.00 m² × 100 yuan/m² = 1,000,000 fen. Homes 0-2 are in 1号楼, 3-5 in 2号楼; owners 0, 1, 2 and 3 are
signed in and bound to their homes (their phones are the register's, so they are the designated voters).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing import fund, ledger
from tests.housing.money_fixtures import Estate, auth, bind, check_ok, make_estate, person
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]
FIRST_DEPOSIT = 1_000_000


@dataclass
class World:
    estate: Estate
    b1: UUID
    b2: UUID
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)


async def _world(db: asyncpg.Connection, settings: Settings, *, committee: bool = True) -> World:
    estate = await make_estate(db, buildings=2, homes_per_building=3, areas=[10000])
    async with db.transaction():
        await fund.set_rate(db, estate.id, fund.FundRateSet(rate_fen_m2=10000), None)
        await fund.open_homes(db, estate.id, None)
    w = World(estate, estate.buildings["1号楼"], estate.buildings["2号楼"])
    for n in range(4):
        w.tokens[f"o{n}"], w.ids[f"o{n}"] = await person(db, settings, f"+86139{n:08d}", "resident")
        await bind(db, estate.homes[n], w.ids[f"o{n}"])
    if committee:
        w.tokens["committee"], w.ids["committee"] = await person(
            db, settings, "+8613800000001", "owners_committee", ("estate", str(estate.id))
        )
    w.tokens["staff"], w.ids["staff"] = await person(
        db, settings, "+8613800000002", "property_staff", ("estate", str(estate.id))
    )
    w.tokens["officer"], w.ids["officer"] = await person(
        db, settings, "+8613800000003", "housing_officer", ("district", "110101")
    )
    w.tokens["far_officer"], w.ids["far_officer"] = await person(
        db, settings, "+8613800000004", "housing_officer", ("district", "110102")
    )
    w.tokens["outsider"], w.ids["outsider"] = await person(db, settings, "+8613800000005", "resident")
    w.tokens["far_committee"], w.ids["far_committee"] = await person(
        db, settings, "+8613800000006", "owners_committee", ("estate", str(uuid.uuid4()))
    )
    return w


def _project_body(w: World, **over: Any) -> dict[str, Any]:
    body = {
        "title": "1号楼电梯更换曳引机",
        "description": "1号楼电梯曳引机老化，更换并检测",
        "building_ids": [str(w.b1)],
        "budget_fen": 300_001,
        "contractor": "北京安达电梯工程有限公司",
        "quotes": [
            {"supplier": "北京安达电梯工程有限公司", "amount_fen": 300_001},
            {"supplier": "北京通力电梯服务有限公司", "amount_fen": 328_000},
        ],
    }
    return {**body, **over}


async def _counts(db: asyncpg.Connection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in (
        "fund_projects",
        "fund_project_homes",
        "ledger_entries",
        "ledger_lines",
        "ledger_accounts",
        "vote_matters",
        "estate_announcements",
        "outbox",
        "audit_log",
    ):
        out[table] = await db.fetchval(f"SELECT count(*) FROM {table}")
    out["projects"] = [
        tuple(r) for r in await db.fetch("SELECT id, state, version FROM fund_projects ORDER BY id")
    ]
    out["balances"] = [
        tuple(r) for r in await db.fetch("SELECT id, balance FROM ledger_accounts ORDER BY id")
    ]
    return out


async def _refused(db: asyncpg.Connection, call: Any, status: int, code: str) -> dict[str, Any]:
    before = await _counts(db)
    r = await call
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    assert await _counts(db) == before, "a refused request wrote something"
    return dict(r.json())


async def _raise(client: Client, w: World, who: str = "staff", **over: Any) -> dict[str, Any]:
    r = await client.post(
        f"/v1/estates/{w.estate.id}/fund/projects", json=_project_body(w, **over), headers=auth(w.tokens[who])
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return dict(r.json())


def _window() -> dict[str, str]:
    opens = datetime.now(UTC) + timedelta(days=16)
    return {"opens_at": opens.isoformat(), "closes_at": (opens + timedelta(days=7)).isoformat()}


def _step(client: Client, w: World, who: str, pid: str, action: str, version: int, **kw: Any) -> Any:
    headers = auth(w.tokens[who], **{"If-Match": f'"{version}"'})
    if kw.pop("key", True):
        headers["Idempotency-Key"] = kw.pop("idempotency_key", uuid.uuid4().hex)
    return client.post(f"/v1/fund-projects/{pid}/{action}", headers=headers, **kw)


async def _vote_on(client: Client, db: asyncpg.Connection, w: World, pid: str, choice: str) -> str:
    """Put the project to the vote, give notice, let owners 0-2 (1号楼) vote `choice`, close: the result."""
    r = await _step(client, w, "committee", pid, "vote", 1, json=_window())
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["version"]) == ("voting", 2)
    matter = r.json()["matter_id"]
    m = await db.fetchrow(
        "SELECT kind, scope_building_ids, title FROM vote_matters WHERE id = $1", UUID(matter)
    )
    assert (m["kind"], list(m["scope_building_ids"])) == ("ordinary", [w.b1])
    r = await client.post(f"/v1/vote-matters/{matter}/notice", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200 and r.json()["heads"] == 3, r.text
    await db.execute(
        """UPDATE vote_matters SET notice_at = now() - interval '20 days', opens_at = now() - interval '1 minute',
                                   closes_at = now() + interval '7 days' WHERE id = $1""",
        UUID(matter),
    )
    for n in range(3):
        r = await client.post(
            f"/v1/vote-matters/{matter}/ballots",
            json={"choice": choice},
            headers=auth(w.tokens[f"o{n}"], **{"Idempotency-Key": uuid.uuid4().hex}),
        )
        assert r.status_code == 201, r.text
    await db.execute(
        "UPDATE vote_matters SET closes_at = now() - interval '1 second' WHERE id = $1", UUID(matter)
    )
    r = await client.post(f"/v1/vote-matters/{matter}/close", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200, r.text
    assert r.json()["passed"] is (choice == "yes")
    return str(matter)


async def _share(db: asyncpg.Connection, w: World, n: int) -> int:
    return -await ledger.balance(db, ledger.home_account("fund_share", w.estate.id, w.estate.homes[n]))


async def _bank(db: asyncpg.Connection, w: World) -> int:
    return await ledger.balance(db, ledger.estate_account("fund_bank", w.estate.id))


# the whole way --------------------------------------------------------------------------------------------------


async def test_an_ordinary_project_from_raise_to_settlement(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    photo = await new_photo(db, w.ids["staff"])
    project = await _raise(client, w, photo_ids=[str(photo)])
    pid = project["id"]
    assert (project["state"], project["version"], project["emergency"], project["emergency_kind"]) == (
        "raised", 1, False, None,
    )  # fmt: skip
    assert project["buildings"] == [{"id": str(w.b1), "name": "1号楼"}]
    assert project["photo_ids"] == [str(photo)] and len(project["quotes"]) == 2
    bank = await _bank(db, w)
    assert bank == 6 * FIRST_DEPOSIT

    # approval before the vote is refused; the vote
    await _refused(db, _step(client, w, "officer", pid, "approve", 1), 409, "fund_project_state_conflict")
    r = await _step(client, w, "committee", pid, "vote", 1, json=_window())
    assert r.status_code == 200, r.text
    matter = r.json()["matter_id"]
    # a second vote on the same project, with the stale version or the new one, is refused
    await _refused(
        db,
        _step(client, w, "committee", pid, "vote", 1, json=_window()),
        409,
        "fund_project_version_conflict",
    )
    await _refused(
        db, _step(client, w, "committee", pid, "vote", 2, json=_window()), 409, "fund_project_state_conflict"
    )
    # the vote has not been published: the approval is refused
    await _refused(db, _step(client, w, "officer", pid, "approve", 2), 409, "fund_vote_not_passed")
    # the rest of the vote (the matter was linked above: notice, ballots, close)
    r = await client.post(f"/v1/vote-matters/{matter}/notice", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200 and r.json()["heads"] == 3
    await db.execute(
        """UPDATE vote_matters SET notice_at = now() - interval '20 days', opens_at = now() - interval '1 minute',
                                   closes_at = now() + interval '7 days' WHERE id = $1""",
        UUID(matter),
    )
    for n in range(3):
        r = await client.post(
            f"/v1/vote-matters/{matter}/ballots",
            json={"choice": "yes"},
            headers=auth(w.tokens[f"o{n}"], **{"Idempotency-Key": uuid.uuid4().hex}),
        )
        assert r.status_code == 201, r.text
    await db.execute(
        "UPDATE vote_matters SET closes_at = now() - interval '1 second' WHERE id = $1", UUID(matter)
    )
    r = await client.post(f"/v1/vote-matters/{matter}/close", headers=auth(w.tokens["committee"]))
    assert r.status_code == 200 and r.json()["passed"] is True

    # approval: the committee and a far officer may not; the officer without a key or version is refused
    await _refused(db, _step(client, w, "committee", pid, "approve", 2), 403, "forbidden")
    await _refused(db, _step(client, w, "far_officer", pid, "approve", 2), 403, "fund_project_forbidden")
    await _refused(
        db, _step(client, w, "officer", pid, "approve", 2, key=False), 400, "idempotency_key_required"
    )
    await _refused(
        db,
        client.post(
            f"/v1/fund-projects/{pid}/approve", headers=auth(w.tokens["officer"], **{"Idempotency-Key": "k"})
        ),
        428,
        "precondition_required",
    )
    key = uuid.uuid4().hex
    r = await _step(client, w, "officer", pid, "approve", 2, idempotency_key=key)
    assert r.status_code == 200, r.text
    approved = r.json()
    assert (approved["state"], approved["version"], approved["disbursed_fen"]) == ("approved", 3, 300_001)
    assert r.headers["etag"] == '"3"'
    parts = {UUID(h["home_id"]): h["spent_fen"] for h in approved["apportionment"]}
    assert sum(parts.values()) == 300_001 and sorted(parts.values()) == [100_000, 100_000, 100_001]
    # the extra fen goes to the smallest home id (ties of equal remainders)
    assert parts[min(parts)] == 100_001
    assert set(parts) == set(w.estate.homes[:3])
    for n in range(3):
        assert await _share(db, w, n) == FIRST_DEPOSIT - parts[w.estate.homes[n]]
    for n in range(3, 6):
        assert await _share(db, w, n) == FIRST_DEPOSIT
    assert await _bank(db, w) == bank - 300_001
    # a replay answers the same and moves nothing
    before = await _counts(db)
    r = await _step(client, w, "officer", pid, "approve", 2, idempotency_key=key)
    assert r.status_code == 200 and r.headers.get("idempotent-replayed") == "true"
    assert r.json() == approved and r.headers["etag"] == '"3"'
    assert await _counts(db) == before
    # approving again is refused
    await _refused(db, _step(client, w, "officer", pid, "approve", 3), 409, "fund_project_state_conflict")

    # owners see the project on their statement, and their own home's part
    r = await client.get(f"/v1/homes/{w.estate.homes[0]}/fund", headers=auth(w.tokens["o0"]))
    assert r.status_code == 200, r.text
    spend = [line for line in r.json()["items"] if line["kind"] == "fund_spend"]
    assert [(s["project_id"], s["project_title"], s["amount_fen"]) for s in spend] == [
        (pid, "1号楼电梯更换曳引机", -parts[w.estate.homes[0]])
    ]
    deposit = next(line for line in r.json()["items"] if line["kind"] == "fund_deposit")
    assert deposit["project_id"] is None and deposit["project_title"] is None
    r = await client.get(f"/v1/fund-projects/{pid}", headers=auth(w.tokens["o0"]))
    assert r.status_code == 200
    assert [h["home_id"] for h in r.json()["apportionment"]] == [str(w.estate.homes[0])]
    r = await client.get(f"/v1/fund-projects/{pid}", headers=auth(w.tokens["o3"]))  # 2号楼: not in scope
    assert r.status_code == 200 and r.json()["apportionment"] == []
    r = await client.get(f"/v1/fund-projects/{pid}", headers=auth(w.tokens["staff"]))
    assert len(r.json()["apportionment"]) == 3
    r = await client.get(f"/v1/fund-projects/{pid}", headers=auth(w.tokens["outsider"]))
    assert (r.status_code, r.json()["code"]) == (403, "fund_project_forbidden")
    r = await client.get(f"/v1/fund-projects/{uuid.uuid4()}", headers=auth(w.tokens["o0"]))
    assert (r.status_code, r.json()["code"]) == (404, "fund_project_not_found")
    r = await client.get(f"/v1/estates/{w.estate.id}/fund/projects", headers=auth(w.tokens["o1"]))
    assert r.status_code == 200 and [p["id"] for p in r.json()["items"]] == [pid]
    assert r.json()["items"][0]["emergency"] is False and r.json()["next_cursor"] is None
    r = await client.get(f"/v1/estates/{w.estate.id}/fund/projects", headers=auth(w.tokens["outsider"]))
    assert (r.status_code, r.json()["code"]) == (403, "fund_project_forbidden")

    # acceptance with photos: the committee (not the staff, not the officer where there is a committee)
    shot = await new_photo(db, w.ids["committee"])
    body = {"photo_ids": [str(shot)], "note": "运行正常，检测合格"}
    await _refused(db, _step(client, w, "staff", pid, "accept", 3, json=body), 403, "forbidden")
    await _refused(
        db, _step(client, w, "officer", pid, "accept", 3, json=body), 403, "fund_project_forbidden"
    )
    await _refused(
        db,
        _step(client, w, "committee", pid, "accept", 3, json={"photo_ids": [str(photo)]}),
        422,
        "invalid_estate_photo",
    )
    await _refused(
        db, _step(client, w, "committee", pid, "accept", 3, json={"photo_ids": []}), 422, "validation_failed"
    )
    await _refused(
        db,
        _step(client, w, "officer", pid, "settle", 3, json={"actual_cost_fen": 1}),
        409,
        "fund_project_state_conflict",
    )
    r = await _step(client, w, "committee", pid, "accept", 3, json=body)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["version"], r.json()["acceptance_photo_ids"]) == (
        "accepted",
        4,
        [str(shot)],
    )
    await _refused(
        db, _step(client, w, "committee", pid, "accept", 3, json=body), 409, "fund_project_version_conflict"
    )

    # settlement: more than disbursed is refused; the difference goes back by the same weights
    await _refused(
        db,
        _step(client, w, "officer", pid, "settle", 4, json={"actual_cost_fen": 300_002}),
        422,
        "fund_settlement_exceeds",
    )
    await _refused(
        db,
        _step(client, w, "officer", pid, "settle", 4, json={"actual_cost_fen": -1}),
        422,
        "validation_failed",
    )
    await _refused(
        db, _step(client, w, "staff", pid, "settle", 4, json={"actual_cost_fen": 1}), 403, "forbidden"
    )
    r = await _step(client, w, "officer", pid, "settle", 4, json={"actual_cost_fen": 200_000})
    assert r.status_code == 200, r.text
    settled = r.json()
    assert (settled["state"], settled["actual_cost_fen"], settled["returned_fen"]) == (
        "settled",
        200_000,
        100_001,
    )
    back = {UUID(h["home_id"]): h["returned_fen"] for h in settled["apportionment"]}
    assert sum(back.values()) == 100_001
    assert sorted(back.values()) == [33_333, 33_334, 33_334]
    for n in range(3):
        home = w.estate.homes[n]
        assert await _share(db, w, n) == FIRST_DEPOSIT - parts[home] + back[home]
    assert await _bank(db, w) == bank - 200_000
    # each home's net is within a fen of a third of the actual cost, and the nets add up to it
    nets = [parts[h] - back[h] for h in w.estate.homes[:3]]
    assert sum(nets) == 200_000 and all(abs(3 * n - 200_000) < 3 for n in nets)
    r = await client.get(f"/v1/homes/{w.estate.homes[0]}/fund", headers=auth(w.tokens["o0"]))
    kinds = [(line["kind"], line["project_id"]) for line in r.json()["items"]]
    assert kinds[-2:] == [("fund_spend", pid), ("fund_return", pid)]
    audit = await db.fetch(
        "SELECT action FROM audit_log WHERE target_type = 'fund_project' AND target_id = $1 ORDER BY id", pid
    )
    assert [a["action"] for a in audit] == [
        "fund_project.raise", "fund_project.vote", "fund_project.approve", "fund_project.accept",
        "fund_project.settle",
    ]  # fmt: skip
    await check_ok(db)


async def test_a_failed_vote_refuses_the_approval(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    pid = (await _raise(client, w, who="committee"))["id"]
    await _vote_on(client, db, w, pid, "no")
    await _refused(db, _step(client, w, "officer", pid, "approve", 2), 409, "fund_vote_not_passed")
    for n in range(6):
        assert await _share(db, w, n) == FIRST_DEPOSIT
    await check_ok(db)


async def test_an_emergency_skips_the_vote_and_is_published_afterwards(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    project = await _raise(
        client, w, who="committee", building_ids=[], budget_fen=600_005, emergency=True, emergency_kind="lift",
        title="2号楼电梯困人抢修",
    )  # fmt: skip
    pid = project["id"]
    assert (project["emergency"], project["emergency_kind"]) == (True, "lift")
    await _refused(
        db, _step(client, w, "committee", pid, "vote", 1, json=_window()), 409, "fund_project_state_conflict"
    )
    # publishing comes after the approval
    await _refused(db, _step(client, w, "staff", pid, "publish", 1), 409, "fund_project_state_conflict")
    r = await _step(client, w, "officer", pid, "approve", 1)
    assert r.status_code == 200, r.text
    approved = r.json()
    assert approved["emergency"] is True and approved["matter_id"] is None
    assert (
        sum(h["spent_fen"] for h in approved["apportionment"]) == 600_005
        and len(approved["apportionment"]) == 6
    )
    due = datetime.fromisoformat(approved["publish_due_at"])
    assert (
        timedelta(days=6, hours=23)
        < due - datetime.fromisoformat(approved["approved_at"])
        <= timedelta(days=7)
    )
    assert approved["publication_overdue"] is False
    r = await client.get("/v1/fund-projects/overdue-publications", headers=auth(w.tokens["officer"]))
    assert r.status_code == 200 and r.json()["items"] == []
    # the deadline passes
    await db.execute(
        "UPDATE fund_projects SET publish_due_at = now() - interval '1 hour' WHERE id = $1", UUID(pid)
    )
    r = await client.get("/v1/fund-projects/overdue-publications", headers=auth(w.tokens["officer"]))
    assert [(p["id"], p["emergency"], p["publication_overdue"]) for p in r.json()["items"]] == [
        (pid, True, True)
    ]
    r = await client.get("/v1/fund-projects/overdue-publications", headers=auth(w.tokens["far_officer"]))
    assert r.json()["items"] == []
    r = await client.get("/v1/fund-projects/overdue-publications", headers=auth(w.tokens["staff"]))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    r = await client.get(f"/v1/estates/{w.estate.id}/fund/projects", headers=auth(w.tokens["o3"]))
    assert r.json()["items"][0]["emergency"] is True and r.json()["items"][0]["publication_overdue"] is True
    # published by the staff: an urgent announcement to the estate (pushed through the outbox)
    await _refused(db, _step(client, w, "o0", pid, "publish", 2), 403, "forbidden")
    await _refused(db, _step(client, w, "far_committee", pid, "publish", 2), 403, "fund_project_forbidden")
    r = await _step(client, w, "staff", pid, "publish", 2)
    assert r.status_code == 200, r.text
    published = r.json()
    assert published["published_at"] is not None and published["announcement_id"] is not None
    assert published["publication_overdue"] is False and published["version"] == 3
    a = await db.fetchrow(
        "SELECT * FROM estate_announcements WHERE id = $1", UUID(published["announcement_id"])
    )
    assert a["urgent"] and "2号楼电梯困人抢修" in a["title"] and a["estate_id"] == w.estate.id
    assert (
        await db.fetchval(
            "SELECT count(*) FROM outbox WHERE topic = 'housing.announcement' AND payload->>'announcement_id' = $1",
            published["announcement_id"],
        )
        == 1
    )
    r = await client.get("/v1/fund-projects/overdue-publications", headers=auth(w.tokens["officer"]))
    assert r.json()["items"] == []
    await _refused(db, _step(client, w, "staff", pid, "publish", 3), 409, "fund_project_state_conflict")
    # the emergency's acceptance where the estate has a committee, and its settlement with nothing back
    shot = await new_photo(db, w.ids["committee"])
    r = await _step(client, w, "committee", pid, "accept", 3, json={"photo_ids": [str(shot)]})
    assert r.status_code == 200, r.text
    before = await _bank(db, w)
    r = await _step(client, w, "officer", pid, "settle", 4, json={"actual_cost_fen": 600_005})
    assert r.status_code == 200 and r.json()["returned_fen"] == 0 and r.json()["emergency"] is True
    assert await _bank(db, w) == before
    await check_ok(db)


async def test_a_share_smaller_than_its_part_refuses_the_approval(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    pid = (
        await _raise(
            client, w, budget_fen=3 * FIRST_DEPOSIT + 1, emergency=True, emergency_kind="water_supply"
        )
    )["id"]
    body = await _refused(db, _step(client, w, "officer", pid, "approve", 1), 409, "fund_share_insufficient")
    assert body["part_fen"] == FIRST_DEPOSIT + 1 and body["balance_fen"] == FIRST_DEPOSIT
    # exactly the shares: allowed, and every home of the scope is notified to top up (below 30 %)
    pid = (
        await _raise(client, w, budget_fen=3 * FIRST_DEPOSIT, emergency=True, emergency_kind="water_supply")
    )["id"]
    r = await _step(client, w, "officer", pid, "approve", 1)
    assert r.status_code == 200, r.text
    for n in range(3):
        assert await _share(db, w, n) == 0
    notified = await db.fetchval(
        "SELECT count(*) FROM outbox WHERE topic = 'housing.fund_topup' AND payload->>'estate_id' = $1",
        str(w.estate.id),
    )
    assert notified == 3
    await check_ok(db)


async def test_raising_refusals_write_nothing(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    url = f"/v1/estates/{w.estate.id}/fund/projects"
    photo = await new_photo(db, w.ids["committee"])
    for who, body, status, code in [
        ("staff", _project_body(w, emergency=True), 422, "invalid_fund_project"),
        ("staff", _project_body(w, emergency_kind="lift"), 422, "invalid_fund_project"),
        ("staff", _project_body(w, emergency=True, emergency_kind="garden"), 422, "validation_failed"),
        ("staff", _project_body(w, building_ids=[str(uuid.uuid4())]), 422, "invalid_fund_project"),
        ("staff", _project_body(w, title="   "), 422, "invalid_fund_project"),
        ("staff", _project_body(w, budget_fen=0), 422, "validation_failed"),
        ("staff", _project_body(w, budget_fen=12.5), 422, "validation_failed"),
        ("staff", _project_body(w, quotes=[{"supplier": "x", "amount_fen": -1}]), 422, "validation_failed"),
        ("staff", _project_body(w, photo_ids=[str(photo)]), 422, "invalid_estate_photo"),
        ("staff", {**_project_body(w), "colour": "red"}, 422, "validation_failed"),
        ("o0", _project_body(w), 403, "forbidden"),
        ("officer", _project_body(w), 403, "forbidden"),
        ("far_committee", _project_body(w), 403, "fund_project_forbidden"),
    ]:
        await _refused(db, client.post(url, json=body, headers=auth(w.tokens[who])), status, code)
    r = await client.post(
        f"/v1/estates/{uuid.uuid4()}/fund/projects", json=_project_body(w), headers=auth(w.tokens["staff"])
    )
    assert (r.status_code, r.json()["code"]) == (404, "estate_not_found")
    # a replayed raise makes one project
    key = uuid.uuid4().hex
    first = await client.post(
        url, json=_project_body(w), headers=auth(w.tokens["staff"], **{"Idempotency-Key": key})
    )
    again = await client.post(
        url, json=_project_body(w), headers=auth(w.tokens["staff"], **{"Idempotency-Key": key})
    )
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert await db.fetchval("SELECT count(*) FROM fund_projects") == 1
    # putting to the vote: only whoever runs the votes, with a window far enough ahead
    pid = first.json()["id"]
    await _refused(db, _step(client, w, "staff", pid, "vote", 1, json=_window()), 403, "forbidden")
    await _refused(
        db, _step(client, w, "officer", pid, "vote", 1, json=_window()), 403, "fund_project_forbidden"
    )
    soon = {
        "opens_at": datetime.now(UTC).isoformat(),
        "closes_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
    }
    await _refused(db, _step(client, w, "committee", pid, "vote", 1, json=soon), 422, "invalid_vote_matter")
    r = await client.post(
        f"/v1/fund-projects/{pid}/vote",
        json=_window(),
        headers=auth(w.tokens["committee"], **{"If-Match": "one"}),
    )
    assert (r.status_code, r.json()["code"]) == (400, "invalid_if_match")


async def test_the_housing_officer_accepts_where_there_is_no_committee(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings, committee=False)
    pid = (await _raise(client, w, emergency=True, emergency_kind="fire_system", budget_fen=3))["id"]
    r = await _step(client, w, "officer", pid, "approve", 1)
    assert r.status_code == 200 and sorted(h["spent_fen"] for h in r.json()["apportionment"]) == [1, 1, 1]
    shot = await new_photo(db, w.ids["officer"])
    r = await _step(client, w, "officer", pid, "accept", 2, json={"photo_ids": [str(shot)]})
    assert r.status_code == 200 and r.json()["state"] == "accepted", r.text
    r = await _step(client, w, "officer", pid, "settle", 3, json={"actual_cost_fen": 2})
    assert r.status_code == 200 and r.json()["returned_fen"] == 1
    assert sorted(h["returned_fen"] for h in r.json()["apportionment"]) == [0, 0, 1]
    await check_ok(db)


async def test_awkward_areas_share_the_budget_to_the_fen(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    estate = await make_estate(db)  # areas 89.50, 120.00, 65.25, 100.33, 77.77, 144.00 m²
    async with db.transaction():
        await fund.set_rate(db, estate.id, fund.FundRateSet(rate_fen_m2=10000), None)
        await fund.open_homes(db, estate.id, None)
    staff, _ = await person(db, settings, "+8613800000012", "property_staff", ("estate", str(estate.id)))
    officer, _ = await person(db, settings, "+8613800000013", "housing_officer", ("district", "110101"))
    r = await client.post(
        f"/v1/estates/{estate.id}/fund/projects",
        json={"title": "屋面防水", "budget_fen": 1001, "contractor": "防水公司", "emergency": True,
              "emergency_kind": "roof_or_wall_leak"},
        headers=auth(staff),
    )  # fmt: skip
    pid = r.json()["id"]
    r = await client.post(
        f"/v1/fund-projects/{pid}/approve",
        headers=auth(officer, **{"If-Match": '"1"', "Idempotency-Key": uuid.uuid4().hex}),
    )
    assert r.status_code == 200, r.text
    got = {UUID(h["home_id"]): (h["area"], h["spent_fen"]) for h in r.json()["apportionment"]}
    total = sum(estate.areas.values())
    exact = {h: Fraction(1001 * a, total) for h, a in estate.areas.items()}
    assert {h: a for h, (a, _) in got.items()} == estate.areas
    assert sum(s for _, s in got.values()) == 1001
    assert all(exact[h] - 1 < s < exact[h] + 1 for h, (_, s) in got.items())
    # the fen left after the floors went to the largest remainders
    floors = {h: int(e) for h, e in exact.items()}
    extra = sorted(exact, key=lambda h: (-(exact[h] - floors[h]), h))[: 1001 - sum(floors.values())]
    assert {h: s for h, (_, s) in got.items()} == {h: floors[h] + (h in extra) for h in exact}
    for h, (_, s) in got.items():
        assert -await ledger.balance(db, ledger.home_account("fund_share", estate.id, h)) == (
            await db.fetchval("SELECT first_deposit_fen FROM fund_homes WHERE home_id = $1", h) - s
        )
    await check_ok(db)


def test_the_publication_deadline_is_a_setting() -> None:
    from api.config import fund_projects_config
    from api.settings import SettingsError, load_settings

    assert fund_projects_config(load_settings({}, env="test")).publish_days == 7
    settings = load_settings({"FUND_EMERGENCY_PUBLISH_DAYS": "10"}, env="test")
    assert fund_projects_config(settings).publish_days == 10
    for bad in ("0", "366", "seven"):
        with pytest.raises(SettingsError, match=r"FUND_EMERGENCY_PUBLISH_DAYS|invalid configuration"):
            load_settings({"FUND_EMERGENCY_PUBLISH_DAYS": bad}, env="test")
