# ruff: noqa: F401, F811
"""Paying bills online through the fake providers, with the real SDKs: orders, callbacks applied exactly once,
hostile callbacks, the worker's queries, double payments refunded, managers' refunds, a provider that is down."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from housing import payment_sweep
from housing.providers.fakes import FakeAlipay, FakeWeChatPay
from tests.housing.money_fixtures import auth, check_ok
from tests.housing.payment_fixtures import (  # fixtures too
    Background,
    Scene,
    alipay_fake,
    deliver,
    money_rows,
    pay_order,
    pool,
    run,
    scene,
    settings,
    wechat_fake,
)


async def _bill_states(db: asyncpg.Connection, bill_ids: list[UUID]) -> list[str]:
    rows = await db.fetch("SELECT id, state FROM bills WHERE id = ANY($1::uuid[])", bill_ids)
    by_id = {r["id"]: r["state"] for r in rows}
    return [by_id[b] for b in bill_ids]


async def _outstanding(db: asyncpg.Connection, bill_ids: list[UUID]) -> int:
    total: int = await db.fetchval(
        "SELECT sum(amount_fen - paid_fen - waived_fen) FROM bills WHERE id = ANY($1::uuid[])", bill_ids
    )
    return total


async def _credit(db: asyncpg.Connection, home_id: UUID) -> int:
    balance = await db.fetchval(
        "SELECT balance FROM ledger_accounts WHERE kind = 'prepayment' AND home_id = $1", home_id
    )
    return -(balance or 0)


async def _sweep(app: Litestar, pool: asyncpg.Pool) -> dict[str, int]:
    await pool.execute("UPDATE payment_orders SET next_query_at = now() - interval '1 second'")
    await pool.execute("UPDATE payment_refunds SET next_query_at = now() - interval '1 second'")
    return await payment_sweep.sweep(pool, app.state.payment_providers, app.state.payment_urls)


# the happy paths ----------------------------------------------------------------------------------------------------


async def test_wechat_payment_end_to_end_once(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    bills = scene.bills[:2]
    expected = await _outstanding(db, bills)
    order = await pay_order(client, scene.resident, "pay-wechat-0001", "wechat", bills)
    payment, app_payment = order["payment"], order["app_payment"]
    assert payment["amount_fen"] == expected and payment["state"] == "pending"
    assert app_payment["type"] == "wechat_app" and app_payment["prepayid"].startswith("wx")
    assert wechat_fake.orders[payment["out_trade_no"]].total == expected
    again = await client.post(
        "/v1/payments",
        json={"channel": "wechat", "bill_ids": [str(b) for b in bills]},
        headers=auth(scene.resident, **{"Idempotency-Key": "pay-wechat-0001"}),
    )
    assert again.status_code == 201 and again.json() == order  # a retry gets the same order, not a second one

    notification = await run(wechat_fake.pay(payment["out_trade_no"], mode="silent"))
    assert notification is None
    callback = wechat_fake.payment_notification(payment["out_trade_no"])
    r = await deliver(client, "wechat", callback)
    assert r.status_code == 204 and r.content == b""
    assert await _bill_states(db, bills) == ["paid", "paid"]
    r = await client.get(f"/v1/payments/{payment['id']}", headers=auth(scene.resident))
    paid = r.json()
    assert paid["state"] == "paid" and paid["receipt_no"] == f"{datetime.now(UTC).year}-000001"
    before = await money_rows(db)
    for _ in range(3):  # the provider retries: acknowledged, nothing changes
        r = await deliver(client, "wechat", callback)
        assert r.status_code == 204
    assert await money_rows(db) == before
    outcomes = [r["outcome"] for r in await db.fetch("SELECT outcome FROM payment_callbacks ORDER BY id")]
    assert outcomes == ["applied", "duplicate", "duplicate", "duplicate"]
    await check_ok(db)


async def test_alipay_payment_and_a_finished_notice_after_it(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    alipay_fake: FakeAlipay,
    run: Background,
) -> None:
    order = await pay_order(client, scene.resident, "pay-alipay-0001", "alipay", scene.bills[:1])
    assert order["app_payment"]["type"] == "alipay_app"
    alipay_fake.open_order_string(order["app_payment"]["order_string"])
    no = order["payment"]["out_trade_no"]
    await run(alipay_fake.pay(no, mode="silent"))
    r = await deliver(client, "alipay", alipay_fake.payment_notification(no))
    assert (r.status_code, r.content) == (200, b"success")
    finished = alipay_fake.payment_notification(no, trade_status="TRADE_FINISHED")
    r = await deliver(client, "alipay", finished)
    assert r.content == b"success"
    assert await _bill_states(db, scene.bills[:1]) == ["paid"]
    assert await db.fetchval("SELECT count(*) FROM ledger_entries WHERE kind = 'payment'") == 1
    await check_ok(db)


async def test_paying_ahead_is_held_as_credit(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    order = await pay_order(
        client, scene.resident, "pay-ahead-0001", "wechat", [],
        prepay={"home_id": str(scene.home), "amount_fen": 50_000},
    )  # fmt: skip
    assert order["payment"]["amount_fen"] == 50_000
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    await deliver(client, "wechat", wechat_fake.payment_notification(no))
    assert await _credit(db, scene.home) == 50_000
    assert await db.fetchval("SELECT count(*) FROM payment_refunds") == 0  # credit asked for is not a surplus
    await check_ok(db)


# bad orders: status, code, nothing written ----------------------------------------------------------------------------


async def test_orders_that_are_refused_write_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, wechat_fake: FakeWeChatPay
) -> None:
    before = await money_rows(db)
    other_home_bill = await db.fetchval("SELECT id FROM bills WHERE home_id <> $1 LIMIT 1", scene.home)

    async def refused(body: dict[str, Any], token: str, status: int, code: str) -> None:
        r = await client.post(
            "/v1/payments", json=body, headers=auth(token, **{"Idempotency-Key": "refused-0001"})
        )
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert await money_rows(db) == before

    bill = str(scene.bills[0])
    await refused(
        {"channel": "wechat", "bill_ids": [str(other_home_bill)]}, scene.resident, 403, "home_forbidden"
    )
    await refused({"channel": "wechat", "bill_ids": [bill]}, scene.stranger, 403, "home_forbidden")
    await refused({"channel": "wechat", "bill_ids": [bill, bill]}, scene.resident, 422, "invalid_payment")
    await refused({"channel": "wechat", "bill_ids": []}, scene.resident, 422, "invalid_payment")
    await refused(
        {"channel": "wechat", "bill_ids": [bill], "amount_fen": 1}, scene.resident, 422, "validation_failed"
    )
    await refused({"channel": "paypal", "bill_ids": [bill]}, scene.resident, 422, "validation_failed")
    for amount in (-100, 0, 12.5, 10**9):
        body = {"channel": "wechat", "prepay": {"home_id": str(scene.home), "amount_fen": amount}}
        await refused(body, scene.resident, 422, "validation_failed")
    r = await client.post(
        "/v1/payments", json={"channel": "wechat", "bill_ids": [bill]}, headers=auth(scene.resident)
    )
    assert (r.status_code, r.json()["code"]) == (400, "idempotency_key_required")
    assert wechat_fake.orders == {}


async def test_a_paid_bill_and_a_bill_in_another_pending_order_are_refused(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    first = await pay_order(client, scene.resident, "pay-first-0001", "wechat", scene.bills[:1])
    before = await money_rows(db)
    r = await client.post(
        "/v1/payments",
        json={"channel": "alipay", "bill_ids": [str(scene.bills[0])]},
        headers=auth(scene.resident, **{"Idempotency-Key": "pay-second-001"}),
    )
    assert (r.status_code, r.json()["code"]) == (409, "bill_payment_pending")
    assert await money_rows(db) == before
    no = first["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    await deliver(client, "wechat", wechat_fake.payment_notification(no))
    r = await client.post(
        "/v1/payments",
        json={"channel": "alipay", "bill_ids": [str(scene.bills[0])]},
        headers=auth(scene.resident, **{"Idempotency-Key": "pay-third-0001"}),
    )
    assert (r.status_code, r.json()["code"]) == (409, "bill_not_payable")


async def test_two_concurrent_orders_of_one_bill_make_one(
    client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, wechat_fake: FakeWeChatPay
) -> None:
    async def attempt(channel: str, key: str) -> Any:
        return await client.post(
            "/v1/payments",
            json={"channel": channel, "bill_ids": [str(scene.bills[0])]},
            headers=auth(scene.resident, **{"Idempotency-Key": key}),
        )

    answers = await asyncio.gather(attempt("wechat", "race-wechat-01"), attempt("alipay", "race-alipay-01"))
    assert sorted(r.status_code for r in answers) == [201, 409]
    assert [r.json()["code"] for r in answers if r.status_code == 409] == ["bill_payment_pending"]
    assert await db.fetchval("SELECT count(*) FROM payment_orders") == 1


async def test_a_provider_that_is_down_is_a_503_and_writes_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    before = await money_rows(db)
    await run(wechat_fake.stop())
    r = await client.post(
        "/v1/payments",
        json={"channel": "wechat", "bill_ids": [str(scene.bills[0])]},
        headers=auth(scene.resident, **{"Idempotency-Key": "pay-down-00001"}),
    )
    assert (r.status_code, r.json()["code"]) == (503, "payment_provider_unavailable")
    assert "retry-after" in r.headers
    assert await money_rows(db) == before
    assert await _bill_states(db, scene.bills[:1]) == ["issued"]


# hostile and odd callbacks --------------------------------------------------------------------------------------------


async def test_forged_stale_and_tampered_callbacks_change_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, wechat_fake: FakeWeChatPay,
    alipay_fake: FakeAlipay, run: Background,
) -> None:  # fmt: skip
    order = await pay_order(client, scene.resident, "pay-hostile-001", "wechat", scene.bills[:1])
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    before = await money_rows(db)
    for mode in ("forged", "stale", "tampered", "wrong_key", "wrong_appid"):
        r = await deliver(client, "wechat", wechat_fake.payment_notification(no, mode=mode))
        assert r.status_code == 500 and r.json()["code"] == "FAIL", mode  # WeChat will send it again
    r = await client.post(
        "/v1/payments/callbacks/wechat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 500
    alipay = await pay_order(client, scene.resident, "pay-hostile-002", "alipay", scene.bills[1:2])
    alipay_fake.open_order_string(alipay["app_payment"]["order_string"])
    ano = alipay["payment"]["out_trade_no"]
    await run(alipay_fake.pay(ano, mode="silent"))
    before = await money_rows(db)
    for mode in ("forged", "tampered", "unsigned", "wrong_app_id", "wrong_seller", "float_amount"):
        r = await deliver(client, "alipay", alipay_fake.payment_notification(ano, mode=mode))  # type: ignore[arg-type]
        assert r.content == b"fail", mode
    assert await money_rows(db) == before
    assert await _bill_states(db, scene.bills[:2]) == ["issued", "issued"]
    assert await db.fetchval("SELECT count(*) FROM payment_callbacks") == 0  # nothing believed, nothing kept


async def test_amount_and_currency_mismatches_are_flagged_never_credited(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    order = await pay_order(client, scene.resident, "pay-mismatch-01", "wechat", scene.bills[:1])
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    entries = await db.fetchval("SELECT count(*) FROM ledger_entries")
    for mode in ("amount_mismatch", "currency_mismatch"):
        r = await deliver(client, "wechat", wechat_fake.payment_notification(no, mode=mode))
        assert r.status_code == 204  # recorded: retrying would not make it right
    flags = [r["flag"] for r in await db.fetch("SELECT flag FROM payment_callbacks ORDER BY id")]
    assert flags == ["amount_mismatch", "currency_mismatch"]
    assert await db.fetchval("SELECT count(*) FROM ledger_entries") == entries
    assert await _bill_states(db, scene.bills[:1]) == ["issued"]
    r = await client.get(f"/v1/payments/{order['payment']['id']}", headers=auth(scene.resident))
    assert r.json()["state"] == "pending"


async def test_an_unknown_order_is_refused(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    order = await pay_order(client, scene.resident, "pay-unknown-001", "wechat", scene.bills[:1])
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    await db.execute(
        "UPDATE payment_orders SET out_trade_no = 'somebody-elses-01' WHERE out_trade_no = $1", no
    )
    r = await deliver(client, "wechat", wechat_fake.payment_notification(no))
    assert r.status_code == 500
    assert await db.fetchval("SELECT outcome FROM payment_callbacks") == "unknown_order"
    assert await _bill_states(db, scene.bills[:1]) == ["issued"]


async def test_callbacks_out_of_order_and_concurrent_duplicates_credit_once(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    a = await pay_order(client, scene.resident, "pay-order-a-001", "wechat", scene.bills[:1])
    b = await pay_order(client, scene.resident, "pay-order-b-001", "wechat", scene.bills[1:2])
    for o in (a, b):
        await run(wechat_fake.pay(o["payment"]["out_trade_no"], mode="silent"))
    na = wechat_fake.payment_notification(a["payment"]["out_trade_no"])
    nb = wechat_fake.payment_notification(b["payment"]["out_trade_no"])
    answers = await asyncio.gather(*(deliver(client, "wechat", n) for n in (nb, na, nb, na, nb)))
    assert {r.status_code for r in answers} == {204}
    assert await db.fetchval("SELECT count(*) FROM ledger_entries WHERE kind = 'payment'") == 2
    assert await _bill_states(db, scene.bills[:2]) == ["paid", "paid"]
    receipts = sorted(r["receipt_no"] for r in await db.fetch("SELECT receipt_no FROM payment_orders"))
    year = datetime.now(UTC).year
    assert receipts == [f"{year}-000001", f"{year}-000002"]
    await check_ok(db)


# the worker: late or lost callbacks, expired orders, double payments ----------------------------------------------------


async def test_the_worker_queries_a_payment_whose_callback_never_came(
    app: Litestar, client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, pool: asyncpg.Pool,
    wechat_fake: FakeWeChatPay, run: Background,
) -> None:  # fmt: skip
    order = await pay_order(client, scene.resident, "pay-silent-0001", "wechat", scene.bills[:1])
    no = order["payment"]["out_trade_no"]
    assert (await _sweep(app, pool)).get("asked") == 1  # not paid yet: asked again later
    await run(wechat_fake.pay(no, mode="silent"))
    assert (await _sweep(app, pool)).get("paid") == 1
    assert await _bill_states(db, scene.bills[:1]) == ["paid"]
    r = await deliver(client, "wechat", wechat_fake.payment_notification(no))  # the callback, late after all
    assert r.status_code == 204
    assert await db.fetchval("SELECT count(*) FROM ledger_entries WHERE kind = 'payment'") == 1
    await check_ok(db)


async def test_an_expired_order_is_closed_at_the_provider_and_frees_its_bills(
    app: Litestar, client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, pool: asyncpg.Pool,
    wechat_fake: FakeWeChatPay,
) -> None:  # fmt: skip
    order = await pay_order(client, scene.resident, "pay-expire-0001", "wechat", scene.bills[:1])
    await db.execute("UPDATE payment_orders SET expires_at = now() - interval '1 minute'")
    assert (await _sweep(app, pool)).get("closed") == 1
    assert wechat_fake.orders[order["payment"]["out_trade_no"]].trade_state == "CLOSED"
    again = await pay_order(client, scene.resident, "pay-expire-0002", "wechat", scene.bills[:1])
    assert again["payment"]["id"] != order["payment"]["id"]


async def test_a_bill_paid_twice_through_two_channels_is_refunded_automatically(
    app: Litestar, client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, pool: asyncpg.Pool,
    wechat_fake: FakeWeChatPay, alipay_fake: FakeAlipay, run: Background,
) -> None:  # fmt: skip
    bills = scene.bills[:1]
    amount = await _outstanding(db, bills)
    first = await pay_order(client, scene.resident, "pay-twice-00001", "wechat", bills)
    await db.execute("UPDATE payment_orders SET expires_at = now() - interval '1 second'")
    second = await pay_order(client, scene.resident, "pay-twice-00002", "alipay", bills)  # the first expired
    alipay_fake.open_order_string(second["app_payment"]["order_string"])
    await run(alipay_fake.pay(second["payment"]["out_trade_no"], mode="silent"))
    await deliver(client, "alipay", alipay_fake.payment_notification(second["payment"]["out_trade_no"]))
    # the resident had paid the first one too, in WeChat, a moment before it expired
    no = first["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    r = await deliver(client, "wechat", wechat_fake.payment_notification(no))
    assert r.status_code == 204
    assert await _credit(db, scene.home) == amount  # the money is the home's until it goes back
    (refund,) = await db.fetch("SELECT * FROM payment_refunds")
    assert (refund["kind"], refund["amount_fen"], refund["state"]) == ("duplicate", amount, "requested")
    assert (await _sweep(app, pool)).get("refund_sent") == 1
    await asyncio.sleep(0.05)  # the fake's refund completes
    notice = wechat_fake.refund_notification(refund["refund_no"])
    for _ in range(2):
        r = await deliver(client, "wechat", notice, refund=True)
        assert r.status_code == 204
    assert await _credit(db, scene.home) == 0
    assert await db.fetchval("SELECT state FROM payment_refunds") == "succeeded"
    assert await db.fetchval("SELECT count(*) FROM ledger_entries WHERE kind = 'refund'") == 1
    r = await client.get(f"/v1/payments/{first['payment']['id']}", headers=auth(scene.resident))
    assert r.json()["refunded_fen"] == amount and r.json()["refunds"][0]["state"] == "succeeded"
    await check_ok(db)


# refunds by the property manager -------------------------------------------------------------------------------------


async def test_a_manager_refunds_part_of_a_payment_with_a_reason(
    app: Litestar, client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, pool: asyncpg.Pool,
    wechat_fake: FakeWeChatPay, run: Background,
) -> None:  # fmt: skip
    bill = scene.bills[0]
    order = await pay_order(client, scene.resident, "pay-refund-0001", "wechat", [bill])
    no, payment_id = order["payment"]["out_trade_no"], order["payment"]["id"]
    await run(wechat_fake.pay(no, mode="silent"))
    await deliver(client, "wechat", wechat_fake.payment_notification(no))
    paid = order["payment"]["amount_fen"]
    url = f"/v1/payments/{payment_id}/refunds"

    async def refused(body: dict[str, Any], token: str, status: int, code: str, key: str) -> None:
        before = await money_rows(db)
        r = await client.post(url, json=body, headers=auth(token, **{"Idempotency-Key": key}))
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert await money_rows(db) == before

    body = {"bill_id": str(bill), "amount_fen": 100, "reason": "多收了空置期物业费"}
    await refused(body, scene.resident, 403, "forbidden", "refund-res-001")
    await refused({**body, "amount_fen": paid + 1}, scene.manager, 409, "refund_too_large", "refund-big-001")
    await refused({**body, "amount_fen": 1.5}, scene.manager, 422, "validation_failed", "refund-frac-01")
    await refused({**body, "reason": ""}, scene.manager, 422, "validation_failed", "refund-empty-1")
    await refused(
        {**body, "bill_id": str(scene.bills[1])}, scene.manager, 422, "invalid_payment", "refund-bill-01"
    )
    await run(wechat_fake.stop())
    await refused(body, scene.manager, 503, "payment_provider_unavailable", "refund-down-01")
    await run(wechat_fake.start(int(wechat_fake.origin.rsplit(":", 1)[1])))

    r = await client.post(
        url, json=body, headers=auth(scene.manager, **{"Idempotency-Key": "refund-ok-0001"})
    )
    assert r.status_code == 201, r.text
    refund = r.json()
    assert (refund["state"], refund["amount_fen"], refund["kind"]) == ("processing", 100, "manual")
    await asyncio.sleep(0.05)
    notice = wechat_fake.refund_notification(refund["refund_no"])
    assert (await deliver(client, "wechat", notice, refund=True)).status_code == 204
    assert (await deliver(client, "wechat", notice, refund=True)).status_code == 204
    row = await db.fetchrow("SELECT paid_fen, refunded_fen, state FROM bills WHERE id = $1", bill)
    assert (row["refunded_fen"], row["state"]) == (100, "paid")
    assert await db.fetchval("SELECT count(*) FROM ledger_entries WHERE kind = 'refund'") == 1
    await refused({**body, "amount_fen": paid - 99}, scene.manager, 409, "refund_too_large", "refund-big-002")
    await check_ok(db)


async def test_a_refund_followed_by_the_worker_when_its_callback_is_lost(
    app: Litestar, client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, pool: asyncpg.Pool,
    wechat_fake: FakeWeChatPay, run: Background,
) -> None:  # fmt: skip
    order = await pay_order(client, scene.resident, "pay-refund-0002", "wechat", scene.bills[:1])
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    await deliver(client, "wechat", wechat_fake.payment_notification(no))
    r = await client.post(
        f"/v1/payments/{order['payment']['id']}/refunds",
        json={"bill_id": str(scene.bills[0]), "amount_fen": 200, "reason": "重复收取"},
        headers=auth(scene.manager, **{"Idempotency-Key": "refund-lost-01"}),
    )
    assert r.status_code == 201
    await asyncio.sleep(0.05)
    assert (await _sweep(app, pool)).get("refund_applied") == 1
    assert await db.fetchval("SELECT state FROM payment_refunds") == "succeeded"
    await check_ok(db)


async def test_reading_payments_is_for_the_payer_and_the_estate(
    client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene, wechat_fake: FakeWeChatPay
) -> None:
    order = await pay_order(client, scene.resident, "pay-read-00001", "wechat", scene.bills[:1])
    url = f"/v1/payments/{order['payment']['id']}"
    assert (await client.get(url, headers=auth(scene.manager))).status_code == 200
    r = await client.get(url, headers=auth(scene.stranger))
    assert (r.status_code, r.json()["code"]) == (403, "home_forbidden")
    r = await client.get("/v1/payments/0190f0f0-0000-7000-8000-000000000000", headers=auth(scene.resident))
    assert (r.status_code, r.json()["code"]) == (404, "payment_not_found")
    mine = (await client.get("/v1/payments", headers=auth(scene.resident))).json()
    assert [p["id"] for p in mine["items"]] == [order["payment"]["id"]]
    assert (await client.get("/v1/payments", headers=auth(scene.stranger))).json()["items"] == []


async def test_the_receipt_of_a_paid_payment_is_a_chinese_pdf(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    scene: Scene,
    wechat_fake: FakeWeChatPay,
    run: Background,
) -> None:
    import io

    from pypdf import PdfReader

    order = await pay_order(client, scene.resident, "pay-receipt-001", "wechat", scene.bills[:2])
    url = f"/v1/payments/{order['payment']['id']}/receipt"
    r = await client.get(url, headers=auth(scene.resident))
    assert (r.status_code, r.json()["code"]) == (409, "payment_state_conflict")  # not paid yet
    no = order["payment"]["out_trade_no"]
    await run(wechat_fake.pay(no, mode="silent"))
    await deliver(client, "wechat", wechat_fake.payment_notification(no))
    r = await client.get(url, headers=auth(scene.resident))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    receipt_no = (
        await client.get(f"/v1/payments/{order['payment']['id']}", headers=auth(scene.resident))
    ).json()["receipt_no"]
    assert (
        "收据" in text
        and receipt_no in text
        and "幸福小区" in text
        and "物业费" in text
        and "微信支付" in text
    )
    r = await client.get(url, headers=auth(scene.stranger))
    assert (r.status_code, r.json()["code"]) == (403, "home_forbidden")
    assert (await client.get(url, headers=auth(scene.manager))).status_code == 200
