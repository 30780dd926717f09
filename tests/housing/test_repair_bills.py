# ruff: noqa: F401, F811
"""Paid repairs inside a home produce a bill (issue 12 section 3; housing/repair_bills.py), through the HTTP API:
the assignee records the charge with the fix, the resident sees it and confirms, the same transaction bills the
home on the estate's repair item, and the resident pays it through the payment flow with the real SDK against
the fake provider. A fix sent back takes its charge with it; credit the home holds pays the bill at once; billing
runs never price the repair item and the fee items' API never shows it. Every refusal with its status, its
problem code and nothing written.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing import billing
from housing.providers.fakes import FakeWeChatPay
from tests.housing.money_fixtures import auth, balances, bind, check_ok, counts, fee_item, make_estate, person
from tests.housing.payment_fixtures import (  # fixtures too
    Background,
    alipay_fake,
    deliver,
    pay_order,
    pool,
    run,
    settings,
    wechat_fake,
)
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]

#: labour 50 yuan, two taps at 35.50 yuan: 121 yuan
CHARGE = [
    {"label": "人工费", "price_fen": 5000},
    {"label": "水龙头", "quantity": 2, "price_fen": 3550},
]


class World:
    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, UUID] = {}


@pytest.fixture
async def world(db: asyncpg.Connection, settings: Settings) -> tuple[World, Any]:
    estate = await make_estate(db, buildings=1, homes_per_building=2)
    w = World()
    scope = ("estate", str(estate.id))
    for name, phone, role, grant in (
        ("r0", "+8613900000000", "resident", None),
        ("staff", "+8613800000002", "property_staff", scope),
        ("fixer", "+8613800000003", "property_staff", scope),
        ("manager", "+8613800000004", "property_manager", scope),
    ):
        w.tokens[name], w.ids[name] = await person(db, settings, phone, role, grant)
    await bind(db, estate.homes[0], w.ids["r0"])
    return w, estate


def _act(client: Client, w: World, who: str, repair: dict[str, Any], action: str, **body: Any) -> Any:
    headers = auth(w.tokens[who], **{"If-Match": f'"{repair["version"]}"'})
    return client.post(
        f"/v1/repairs/{repair['id']}/transitions", json={"action": action, **body}, headers=headers
    )


async def _step(client: Client, w: World, who: str, repair: dict[str, Any], action: str, **body: Any) -> Any:
    r = await _act(client, w, who, repair, action, **body)
    assert r.status_code == 200, r.text
    return r.json()


async def _handled(
    client: Client, db: asyncpg.Connection, w: World, estate: Any, kind: str = "home_repair", **handle: Any
) -> dict[str, Any]:
    """A repair reported by r0, accepted, assigned to the fixer and handled with `handle`'s fields."""
    body: dict[str, Any] = {"kind": kind, "description": "卫生间水龙头漏水"}
    if kind == "home_repair":
        body["home_id"] = str(estate.homes[0])
    r = await client.post(
        f"/v1/estates/{estate.id}/repairs",
        json=body,
        headers=auth(w.tokens["r0"], **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert r.status_code == 201, r.text
    repair = await _step(client, w, "staff", r.json(), "accept")
    repair = await _step(client, w, "staff", repair, "assign", assignee_id=str(w.ids["fixer"]))
    photo = str(await new_photo(db, w.ids["fixer"]))
    return await _step(client, w, "fixer", repair, "handle", photo_ids=[photo], **handle)  # type: ignore[no-any-return]


async def _written(db: asyncpg.Connection) -> dict[str, Any]:
    return {
        **await counts(db),
        "repairs": [tuple(r) for r in await db.fetch("SELECT id, state, version, charge_fen FROM repairs")],
        "repair_events": await db.fetchval("SELECT count(*) FROM repair_events"),
    }


async def test_a_paid_repair_is_billed_on_confirmation_and_paid(
    client: Client,
    db: asyncpg.Connection,
    world: tuple[World, Any],
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    w, estate = world
    home = estate.homes[0]
    repair = await _handled(client, db, w, estate, charge=CHARGE)
    assert (repair["state"], repair["charge_fen"], repair["bill_id"]) == ("handled", 12100, None)
    assert repair["charge"] == [
        {"label": "人工费", "quantity": 1, "price_fen": 5000},
        {"label": "水龙头", "quantity": 2, "price_fen": 3550},
    ]
    assert (
        await db.fetchval("SELECT count(*) FROM bills") == 0
    )  # nothing is billed before the resident agrees

    repair = await _step(client, w, "r0", repair, "confirm")
    assert repair["state"] == "confirmed" and repair["bill_id"] is not None
    bill = (await client.get(f"/v1/bills/{repair['bill_id']}", headers=auth(w.tokens["r0"]))).json()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert (bill["home_id"], bill["fee_kind"], bill["fee_item_name"]) == (
        str(home),
        "repair",
        "有偿维修（报修）",
    )
    assert (bill["amount_fen"], bill["outstanding_fen"], bill["state"]) == (12100, 12100, "issued")
    assert (bill["period_start"], bill["due_date"]) == (str(today), str(today + timedelta(days=15)))
    assert [
        (x["label"], x["quantity"], x["unit"], x["price_fen"], x["amount_fen"]) for x in bill["lines"]
    ] == [
        ("人工费", 1, "piece", 5000, 5000),
        ("水龙头", 2, "piece", 3550, 7100),
    ]
    mine = (await client.get("/v1/me/bills", headers=auth(w.tokens["r0"]))).json()["items"]
    assert [b["id"] for b in mine] == [repair["bill_id"]]
    # the ledger: the home owes it, the estate's repair item earned it
    item = await db.fetchval("SELECT id FROM fee_items WHERE estate_id = $1 AND kind = 'repair'", estate.id)
    money = await balances(db)
    assert (money[("receivable", home, None)], money[("revenue", None, item)]) == (12100, -12100)
    await check_ok(db)

    order = await pay_order(client, w.tokens["r0"], "repair-pay-0001", "wechat", [repair["bill_id"]])
    assert order["payment"]["amount_fen"] == 12100
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    assert (await deliver(client, "wechat", wechat_fake.payment_notification(no))).status_code == 204
    assert await db.fetchval("SELECT state FROM bills WHERE id = $1", UUID(repair["bill_id"])) == "paid"
    await check_ok(db)
    # rating afterwards changes nothing of the bill; confirming again is no transition
    repair = await _step(client, w, "r0", repair, "rate", rating=5)
    assert repair["bill_id"] == bill["id"]
    assert (await _act(client, w, "r0", repair, "confirm")).status_code == 409
    assert await db.fetchval("SELECT count(*) FROM bills") == 1


async def test_a_fix_sent_back_takes_its_charge_with_it(
    client: Client, db: asyncpg.Connection, world: tuple[World, Any]
) -> None:
    w, estate = world
    repair = await _handled(client, db, w, estate, charge=CHARGE)
    repair = await _step(client, w, "r0", repair, "rework", note="还在漏")
    assert (repair["state"], repair["charge_fen"], repair["charge"]) == ("assigned", None, None)
    photo = str(await new_photo(db, w.ids["fixer"]))
    repair = await _step(
        client,
        w,
        "fixer",
        repair,
        "handle",
        photo_ids=[photo],
        charge=[{"label": "密封圈", "price_fen": 800}],
    )
    repair = await _step(client, w, "r0", repair, "confirm")
    rows = await db.fetch("SELECT amount_fen, repair_id FROM bills")
    assert [tuple(r) for r in rows] == [(800, UUID(repair["id"]))]  # one bill, of the last fix's charge
    await check_ok(db)


async def test_a_free_fix_bills_nothing(
    client: Client, db: asyncpg.Connection, world: tuple[World, Any]
) -> None:
    w, estate = world
    repair = await _handled(client, db, w, estate)
    repair = await _step(client, w, "r0", repair, "confirm")
    assert (repair["charge_fen"], repair["bill_id"]) == (None, None)
    assert await db.fetchval("SELECT count(*) FROM bills") == 0
    assert await db.fetchval("SELECT count(*) FROM fee_items WHERE kind = 'repair'") == 0


async def test_credit_the_home_holds_pays_the_bill_at_once(
    client: Client,
    db: asyncpg.Connection,
    world: tuple[World, Any],
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    w, estate = world
    home = estate.homes[0]
    order = await pay_order(
        client, w.tokens["r0"], "repair-ahead-0001", "wechat", [],
        prepay={"home_id": str(home), "amount_fen": 20_000},
    )  # fmt: skip
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    await deliver(client, "wechat", wechat_fake.payment_notification(no))
    repair = await _handled(client, db, w, estate, charge=CHARGE)
    repair = await _step(client, w, "r0", repair, "confirm")
    assert await db.fetchval("SELECT state FROM bills WHERE id = $1", UUID(repair["bill_id"])) == "paid"
    assert (await balances(db))[("prepayment", home, None)] == -(20_000 - 12_100)
    await check_ok(db)


async def test_runs_and_the_fee_items_api_leave_the_repair_item_alone(
    client: Client, db: asyncpg.Connection, world: tuple[World, Any], pool: asyncpg.Pool
) -> None:
    w, estate = world
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250)
    repair = await _handled(client, db, w, estate, charge=CHARGE)
    await _step(client, w, "r0", repair, "confirm")
    item = await db.fetchval("SELECT id FROM fee_items WHERE kind = 'repair'")
    month = date.today().strftime("%Y-%m")
    async with db.transaction():
        billing_run, _ = await billing.create_run(db, estate.id, month, None)
    await billing.execute_run(pool, billing_run.id)
    kinds = await db.fetch(
        "SELECT f.kind, count(*) FROM bills b JOIN fee_items f ON f.id = b.fee_item_id GROUP BY 1 ORDER BY 1"
    )
    assert [tuple(r) for r in kinds] == [("property", 2), ("repair", 1)]
    listed = await client.get(f"/v1/estates/{estate.id}/fee-items", headers=auth(w.tokens["manager"]))
    assert [i["kind"] for i in listed.json()] == ["property"]
    r = await client.patch(
        f"/v1/fee-items/{item}",
        json={"price_fen": 1},
        headers=auth(w.tokens["manager"], **{"If-Match": '"1"'}),
    )
    assert (r.status_code, r.json()["code"]) == (404, "fee_item_not_found")
    await check_ok(db)


async def test_charges_that_are_refused_write_nothing(
    client: Client, db: asyncpg.Connection, world: tuple[World, Any]
) -> None:
    w, estate = world
    common = await _handled(client, db, w, estate, kind="common_repair")
    home_repair = await _handled(client, db, w, estate)
    # reopen a fix to charge: a fresh one, assigned and waiting for its handle
    r = await client.post(
        f"/v1/estates/{estate.id}/repairs",
        json={"kind": "home_repair", "home_id": str(estate.homes[0]), "description": "门锁坏了"},
        headers=auth(w.tokens["r0"], **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    waiting = await _step(client, w, "staff", r.json(), "accept")
    waiting = await _step(client, w, "staff", waiting, "assign", assignee_id=str(w.ids["fixer"]))
    photo = str(await new_photo(db, w.ids["fixer"]))

    async def refused(call: Any, status: int, code: str) -> None:
        before = await _written(db)
        r = await call
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert await _written(db) == before

    over = [{"label": "整体翻新", "quantity": 2, "price_fen": 5_000_001}]  # 100,000.02 yuan
    for body, status, code in (
        ({"charge": over}, 422, "invalid_repair"),
        ({"charge": []}, 422, "validation_failed"),
        ({"charge": [{"label": "", "price_fen": 100}]}, 422, "validation_failed"),
        ({"charge": [{"label": "人工费", "price_fen": 0}]}, 422, "validation_failed"),
        ({"charge": [{"label": "人工费", "price_fen": -100}]}, 422, "validation_failed"),
        ({"charge": [{"label": "人工费", "quantity": 0, "price_fen": 100}]}, 422, "validation_failed"),
        ({"charge": [{"label": "人工费", "price_fen": 1.5}]}, 422, "validation_failed"),
        ({"charge": [{"label": "人工费", "price_fen": 100, "tip": 1}]}, 422, "validation_failed"),
        ({"charge": {"label": "人工费", "price_fen": 100}}, 422, "validation_failed"),
    ):
        await refused(_act(client, w, "fixer", waiting, "handle", photo_ids=[photo], **body), status, code)
    # only a home repair's fix is charged: not a common-parts repair, not a confirmation
    common_rework = await _step(client, w, "r0", common, "rework", note="没修好")
    await refused(
        _act(client, w, "fixer", common_rework, "handle", photo_ids=[photo], charge=CHARGE),
        422,
        "invalid_repair",
    )
    await refused(_act(client, w, "r0", home_repair, "confirm", charge=CHARGE), 422, "invalid_repair")
    # the charge is the assignee's to record, with the fix
    await refused(
        _act(client, w, "staff", waiting, "handle", photo_ids=[photo], charge=CHARGE), 403, "action_forbidden"
    )
    assert await db.fetchval("SELECT count(*) FROM bills") == 0
