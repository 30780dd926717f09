"""Residents bind their accounts to homes: owners in the register at once, family and tenants on approval by
the estate's staff or an owner; who may see and decide what; every refusal writes nothing."""

from __future__ import annotations

import itertools
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.housing.test_estates import DONGCHENG, XICHENG, make_estate, token_for
from tests.housing.test_register import csv_file, import_file
from tests.identity.helpers import bearer, staff_token

_keys = itertools.count(1)


class Estate:
    def __init__(self, data: dict[str, Any], staff: str, homes: dict[str, str]) -> None:
        self.id: str = data["id"]
        self.staff = staff
        self.homes = homes


@pytest.fixture
async def estate(client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings) -> Estate:
    data = await make_estate(client, db, settings)
    staff = await token_for(db, settings, "property_staff", ("estate", data["id"]))
    r = await import_file(client, staff, data["id"], csv_file())
    assert r.status_code == 200, r.text
    homes = {r["room"]: str(r["id"]) for r in await db.fetch("SELECT id, room FROM homes")}
    return Estate(data, staff, homes)


async def resident(db: asyncpg.Connection, settings: Settings, phone: str) -> str:
    return await staff_token(db, settings, phone, "resident")


async def ask(client: AsyncTestClient[Any], token: str, home_id: str, relation: str, **extra: Any) -> Any:
    return await client.post(
        f"/v1/homes/{home_id}/bindings",
        json={"relation": relation, **extra},
        headers={**bearer(token), "Idempotency-Key": f"bind-{next(_keys):06d}"},
    )


async def bindings(db: asyncpg.Connection) -> list[tuple[str, str, str | None]]:
    rows = await db.fetch("SELECT relation, state, via FROM home_bindings ORDER BY requested_at, id")
    return [(r["relation"], r["state"], r["via"]) for r in rows]


async def test_an_owner_in_the_register_is_bound_at_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    zhang = await resident(db, settings, "+8613900000101")  # 张三, owner of 101 in the register
    r = await ask(client, zhang, estate.homes["101"], "owner")
    assert r.status_code == 201, r.text
    binding = r.json()
    assert (binding["state"], binding["via"], binding["relation"]) == ("active", "register", "owner")
    assert binding["home"]["room"] == "101" and binding["home"]["estate_name"] == "和平里小区"
    mine = (await client.get("/v1/me/homes", headers=bearer(zhang))).json()
    assert [b["id"] for b in mine["items"]] == [binding["id"]] and mine["next_cursor"] is None
    home = (await client.get(f"/v1/homes/{estate.homes['101']}", headers=bearer(zhang))).json()
    assert home["area"] == 8950 and home["area_source"] == "register"
    assert home["owners"] == [
        {
            "kind": "person",
            "name": "张三",
            "phone_masked": "139****0101",
            "phone": None,
            "owned_from": home["owners"][0]["owned_from"],
        }
    ]  # a resident sees owners' phones masked
    staff_view = (await client.get(f"/v1/homes/{estate.homes['101']}", headers=bearer(estate.staff))).json()
    assert staff_view["owners"][0]["phone"] == "+8613900000101"
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'binding.request'") == 1


async def test_a_co_owner_is_bound_at_once_but_not_to_another_home(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    wang = await resident(db, settings, "+8613900000103")  # 王五, co-owner of 102
    assert (await ask(client, wang, estate.homes["102"], "owner")).json()["state"] == "active"
    r = await ask(client, wang, estate.homes["101"], "owner")
    assert r.status_code == 201 and r.json()["state"] == "pending"  # not in 101's register: the staff check


async def test_family_ask_and_an_owner_approves(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    zhang = await resident(db, settings, "+8613900000101")
    await ask(client, zhang, estate.homes["101"], "owner")
    son = await resident(db, settings, "+8613900000201")
    r = await ask(client, son, estate.homes["101"], "family", note="张三之子")
    assert r.status_code == 201 and r.json()["state"] == "pending" and r.json()["via"] is None
    pending = r.json()["id"]
    listed = (await client.get(f"/v1/homes/{estate.homes['101']}/bindings", headers=bearer(zhang))).json()
    assert {b["relation"]: b["state"] for b in listed["items"]} == {"owner": "active", "family": "pending"}
    r = await client.post(f"/v1/bindings/{pending}/approve", json={}, headers=bearer(zhang))
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["via"]) == ("active", "approval")
    assert (await client.get(f"/v1/homes/{estate.homes['101']}", headers=bearer(son))).status_code == 200
    decided_by = await db.fetchval("SELECT decided_by FROM home_bindings WHERE id = $1", pending)
    assert str(decided_by) == (await client.get("/v1/me", headers=bearer(zhang))).json()["id"]


async def test_the_staff_approve_an_owner_not_in_the_register_and_refuse_with_a_reason(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    buyer = await resident(db, settings, "+8613900000301")
    claim = (await ask(client, buyer, estate.homes["201"], "owner")).json()
    zhang = await resident(db, settings, "+8613900000101")
    await ask(client, zhang, estate.homes["101"], "owner")
    r = await client.post(f"/v1/bindings/{claim['id']}/approve", json={}, headers=bearer(zhang))
    assert r.status_code == 403 and r.json()["code"] == "binding_forbidden"
    queue = (await client.get(f"/v1/estates/{estate.id}/bindings", headers=bearer(estate.staff))).json()
    assert [b["id"] for b in queue["items"]] == [claim["id"]]
    r = await client.post(
        f"/v1/bindings/{claim['id']}/approve", json={"note": "已核对购房合同"}, headers=bearer(estate.staff)
    )
    assert (
        r.status_code == 200
        and r.json()["state"] == "active"
        and r.json()["decision_note"] == "已核对购房合同"
    )
    tenant = await resident(db, settings, "+8613900000302")
    asked = (await ask(client, tenant, estate.homes["201"], "tenant")).json()
    r = await client.post(f"/v1/bindings/{asked['id']}/refuse", json={}, headers=bearer(estate.staff))
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"  # a refusal says why
    assert await db.fetchval("SELECT state FROM home_bindings WHERE id = $1", asked["id"]) == "pending"
    r = await client.post(
        f"/v1/bindings/{asked['id']}/refuse", json={"reason": "未提供租赁合同"}, headers=bearer(estate.staff)
    )
    assert r.status_code == 200 and r.json()["state"] == "refused"
    r = await client.post(f"/v1/bindings/{asked['id']}/approve", json={}, headers=bearer(estate.staff))
    assert (
        r.status_code == 409
        and r.json()["code"] == "binding_state_conflict"
        and r.json()["state"] == "refused"
    )
    # refused, the tenant may ask again
    assert (await ask(client, tenant, estate.homes["201"], "tenant")).status_code == 201


async def test_asking_twice_is_refused_and_a_retry_with_the_same_key_replays(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    tenant = await resident(db, settings, "+8613900000401")
    headers = {**bearer(tenant), "Idempotency-Key": "bind-tenant-102-first"}
    first = await client.post(
        f"/v1/homes/{estate.homes['102']}/bindings", json={"relation": "tenant"}, headers=headers
    )
    again = await client.post(
        f"/v1/homes/{estate.homes['102']}/bindings", json={"relation": "tenant"}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    r = await ask(client, tenant, estate.homes["102"], "family")
    assert r.status_code == 409 and r.json()["code"] == "already_bound" and r.json()["state"] == "pending"
    r = await client.post(
        f"/v1/homes/{estate.homes['102']}/bindings", json={"relation": "tenant"}, headers=bearer(tenant)
    )
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_required"
    assert await bindings(db) == [("tenant", "pending", None)]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"relation": "landlord"}, "validation_failed"),
        ({"relation": "owner", "x": 1}, "validation_failed"),
        ({}, "validation_failed"),
    ],
)
async def test_a_bad_request_writes_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    estate: Estate,
    body: Any,
    code: str,
) -> None:
    token = await resident(db, settings, "+8613900000501")
    r = await client.post(
        f"/v1/homes/{estate.homes['101']}/bindings",
        json=body,
        headers={**bearer(token), "Idempotency-Key": "bad-body-1"},
    )
    assert r.status_code == 422 and r.json()["code"] == code
    assert await bindings(db) == []


async def test_unknown_homes_and_bindings_are_404(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    token = await resident(db, settings, "+8613900000601")
    nobody = "0193a000-0000-7000-8000-000000000000"
    r = await ask(client, token, nobody, "owner")
    assert r.status_code == 404 and r.json()["code"] == "home_not_found"
    assert (await client.get(f"/v1/homes/{nobody}", headers=bearer(token))).json()["code"] == "home_not_found"
    for action in ("approve", "end"):
        r = await client.post(f"/v1/bindings/{nobody}/{action}", json={}, headers=bearer(estate.staff))
        assert r.status_code == 404 and r.json()["code"] == "binding_not_found"
    assert await bindings(db) == []


async def test_a_tenant_sees_only_their_own_home(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    tenant = await resident(db, settings, "+8613900000701")
    asked = (await ask(client, tenant, estate.homes["102"], "tenant")).json()
    # pending: not theirs yet
    r = await client.get(f"/v1/homes/{estate.homes['102']}", headers=bearer(tenant))
    assert r.status_code == 403 and r.json()["code"] == "home_forbidden"
    await client.post(f"/v1/bindings/{asked['id']}/approve", json={}, headers=bearer(estate.staff))
    assert (await client.get(f"/v1/homes/{estate.homes['102']}", headers=bearer(tenant))).status_code == 200
    for room in ("101", "1203"):
        r = await client.get(f"/v1/homes/{estate.homes[room]}", headers=bearer(tenant))
        assert r.status_code == 403 and r.json()["code"] == "home_forbidden"
        r = await client.get(f"/v1/homes/{estate.homes[room]}/bindings", headers=bearer(tenant))
        assert r.status_code == 403 and r.json()["code"] == "home_forbidden"
    # a tenant does not see who else is bound to their own home: only its owners and the staff do
    r = await client.get(f"/v1/homes/{estate.homes['102']}/bindings", headers=bearer(tenant))
    assert r.status_code == 403 and r.json()["code"] == "home_forbidden"


async def test_another_estates_staff_and_the_districts_officers(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    tenant = await resident(db, settings, "+8613900000801")
    asked = (await ask(client, tenant, estate.homes["101"], "tenant")).json()
    other = await make_estate(client, db, settings, name="别的小区")
    strangers = [
        await token_for(db, settings, "property_staff", ("estate", other["id"])),
        await token_for(db, settings, "housing_officer", ("district", DONGCHENG)),  # reads, decides nothing
        await resident(db, settings, "+8613900000802"),
    ]
    for token in strangers:
        for action in ("approve", "end"):
            r = await client.post(f"/v1/bindings/{asked['id']}/{action}", json={}, headers=bearer(token))
            assert r.status_code == 403 and r.json()["code"] == "binding_forbidden"
        r = await client.post(
            f"/v1/bindings/{asked['id']}/refuse", json={"reason": "x"}, headers=bearer(token)
        )
        assert r.status_code == 403 and r.json()["code"] == "binding_forbidden"
    assert await bindings(db) == [("tenant", "pending", None)]
    r = await client.get(f"/v1/estates/{estate.id}/bindings", headers=bearer(strangers[0]))
    assert r.status_code == 403 and r.json()["code"] == "estate_forbidden"
    r = await client.get(f"/v1/estates/{estate.id}/bindings", headers=bearer(strangers[1]))
    assert r.status_code == 200 and [b["id"] for b in r.json()["items"]] == [asked["id"]]
    r = await client.get(f"/v1/homes/{estate.homes['101']}", headers=bearer(strangers[1]))
    assert r.status_code == 200 and r.json()["owners"][0]["phone"] is None  # oversight, phones masked
    elsewhere = await token_for(db, settings, "housing_officer", ("district", XICHENG))
    r = await client.get(f"/v1/estates/{estate.id}/bindings", headers=bearer(elsewhere))
    assert r.status_code == 403 and r.json()["code"] == "estate_forbidden"
    r = await client.get(f"/v1/estates/{estate.id}/bindings", headers=bearer(tenant))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


async def test_bindings_end_and_cannot_end_twice(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    zhang = await resident(db, settings, "+8613900000101")
    await ask(client, zhang, estate.homes["101"], "owner")
    tenant = await resident(db, settings, "+8613900000901")
    asked = (await ask(client, tenant, estate.homes["101"], "tenant")).json()
    await client.post(f"/v1/bindings/{asked['id']}/approve", json={}, headers=bearer(zhang))
    r = await client.post(
        f"/v1/bindings/{asked['id']}/end", json={"reason": "租约到期"}, headers=bearer(zhang)
    )
    assert r.status_code == 200 and r.json()["state"] == "ended" and r.json()["end_reason"] == "租约到期"
    r = await client.post(f"/v1/bindings/{asked['id']}/end", json={}, headers=bearer(tenant))
    assert (
        r.status_code == 409 and r.json()["code"] == "binding_state_conflict" and r.json()["state"] == "ended"
    )
    assert (await client.get(f"/v1/homes/{estate.homes['101']}", headers=bearer(tenant))).status_code == 403
    # a resident withdraws their own pending request
    again = (await ask(client, tenant, estate.homes["101"], "tenant")).json()
    r = await client.post(f"/v1/bindings/{again['id']}/end", json={}, headers=bearer(tenant))
    assert r.status_code == 200 and r.json()["state"] == "ended"
    assert (await client.get("/v1/me/homes", headers=bearer(tenant))).json()["items"] == []


async def test_the_estates_queue_pages_oldest_first(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, estate: Estate
) -> None:
    asked = []
    for i, room in enumerate(("101", "102", "201", "1203", "101")):
        token = await resident(db, settings, f"+86139000010{i:02d}")
        asked.append((await ask(client, token, estate.homes[room], "tenant")).json()["id"])
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "state": "pending", **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get(f"/v1/estates/{estate.id}/bindings", params=params, headers=bearer(estate.staff))
        ).json()
        seen += [b["id"] for b in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == asked
    active = await client.get(
        f"/v1/estates/{estate.id}/bindings", params={"state": "active"}, headers=bearer(estate.staff)
    )
    assert active.json()["items"] == []
    r = await client.get(
        f"/v1/estates/{estate.id}/bindings", params={"cursor": "bm9wZQ"}, headers=bearer(estate.staff)
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_cursor"
