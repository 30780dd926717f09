"""Housing notices reach the residents: a bill reminder (缴费提醒) and a maintenance fund top-up notice (维修资金续筹),
written the real way by housing/, become an inbox message per person bound to the home, in their language, with
the estate, the home and the money, and a push to each of their phones held in their quiet hours. They are
internal: no webhook subscriber hears of them. A home nobody is bound to any more tells nobody and is done; a
payload not of its topic's shape is dead at once, with nothing written."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing import arrears, billing, fund
from notifications.fanout import HOUSING_KINDS, REPAIR_TOPICS, TOPICS
from notifications.models import EVENTS
from notifications.runner import Notifier
from notifications.texts import deep_link, render
from notifications.topics import ANNOUNCEMENT, VOTE_NOTICE, VOTE_RESULT
from tests.housing.money_fixtures import Estate, bind, fee_item, make_estate
from tests.identity.helpers import bearer, staff_token
from tests.notifications.conftest import WEBHOOK_SECRET, Receiver, make_citizen
from tests.notifications.fake_fcm import FakeFCM
from tests.notifications.helpers import inbox, register_device
from tests.notifications.test_push import settle

AS_OF = date(2026, 12, 1)


async def _in_arrears(db: asyncpg.Connection, pool: asyncpg.Pool) -> Estate:
    """幸福小区 with 物业费 2.50 yuan/m² billed for October 2026, due at once and unpaid: home 0 (1号楼 101,
    89.50 m²) owes 223.75 yuan on one bill."""
    estate = await make_estate(db)
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250, due_days=0)
    async with db.transaction():
        run, _ = await billing.create_run(db, estate.id, "2026-10", None)
    await billing.execute_run(pool, run.id)
    return estate


async def _remind(db: asyncpg.Connection, estate: Estate, home: UUID) -> arrears.RemindersSent:
    async with db.transaction():
        return await arrears.send_reminders(
            db, estate.id, arrears.ReminderRequest(home_ids=[home]), as_of=AS_OF, sent_by=None
        )


async def _opened_fund(db: asyncpg.Connection) -> Estate:
    """Every home's first deposit at 100 yuan/m²: home 0 (89.50 m²) holds 8,950.00 yuan."""
    estate = await make_estate(db)
    async with db.transaction():
        await fund.set_rate(db, estate.id, fund.FundRateSet(rate_fen_m2=10_000), None)
        await fund.open_homes(db, estate.id, None)
    return estate


async def _drain_fund(db: asyncpg.Connection, home: UUID) -> None:
    """The first deposit, posted by mistake, is reversed: the share is 0, below 30 %, and the notice is written."""
    first = await db.fetchval("SELECT first_entry_id FROM fund_homes WHERE home_id = $1", home)
    async with db.transaction():
        await fund.reverse(db, first, memo="deposited twice by the bank", actor_id=None)


async def _written(db: asyncpg.Connection) -> tuple[int, int]:
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM notifications) AS inbox, (SELECT count(*) FROM deliveries) AS deliveries"
    )
    return row["inbox"], row["deliveries"]


async def _subscribe_to_everything(client: AsyncTestClient[Any], admin: str, receiver: Receiver) -> None:
    r = await client.post(
        "/v1/admin/webhooks",
        json={"url": receiver.url, "events": list(EVENTS), "secret": WEBHOOK_SECRET, "name": "all"},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text


def test_the_topics_are_housings_own_and_not_webhook_events() -> None:
    assert set(HOUSING_KINDS) == {
        arrears.REMINDER_TOPIC,
        fund.TOPUP_TOPIC,
        ANNOUNCEMENT,
        VOTE_NOTICE,
        VOTE_RESULT,
    }
    assert not set(HOUSING_KINDS) & set(EVENTS)
    assert set(TOPICS) == {*EVENTS, *HOUSING_KINDS, *REPAIR_TOPICS}  # repairs: plan_repair


def test_the_texts_name_the_home_and_the_money() -> None:
    params = {
        "estate": "幸福小区",
        "building": "3号楼",
        "entrance": "2单元",
        "room": "1202",
        "home_id": "h-1",
    }
    reminder = {**params, "outstanding_fen": 123_456_789, "bills": 1, "as_of": "2026-12-01"}
    assert render("bill.reminder", reminder, "en", "Asia/Shanghai") == (
        "Bills past due",
        "幸福小区, 3号楼 2单元 1202: 1 bill past due on 2026-12-01, 1,234,567.89 yuan owed in all. "
        "Please pay them soon.",
    )
    topup = {
        **params,
        "entrance": "",
        "balance_fen": -5,
        "first_deposit_fen": 100_000,
        "threshold_fen": 30_000,
    }
    assert render("fund.topup", topup, "zh-CN", "Asia/Shanghai") == (
        "维修资金续筹通知",
        "幸福小区 3号楼 1202：住宅专项维修资金余额 -0.05 元，已低于首期交存额 1,000.00 元的 30%（300.00 元），"
        "请及时续筹。",
    )
    assert deep_link("cityloop://", None, None, "bill.reminder", params) == "cityloop://homes/h-1/bills"
    assert deep_link("cityloop://", None, None, "fund.topup", params) == "cityloop://homes/h-1/fund"
    assert deep_link("cityloop://", None, None, "fund.topup", {}) == "cityloop://inbox"


async def test_a_bill_reminder_reaches_every_resident_of_the_home_in_their_language(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    pool: asyncpg.Pool,
    notifier: Notifier,
    fake_fcm: FakeFCM,
    receiver: Receiver,
) -> None:
    estate = await _in_arrears(db, pool)
    home, next_door = estate.homes[0], estate.homes[1]
    owner = await make_citizen(db, settings, "+8613800000101")
    tenant = await make_citizen(db, settings, "+8613800000102", locale="en")
    neighbour = await make_citizen(db, settings, "+8613800000103")
    await bind(db, home, owner.id, "owner")
    await bind(db, home, tenant.id, "tenant")
    await bind(db, next_door, neighbour.id, "owner")
    await register_device(client, owner.token, "owner-phone")
    await register_device(client, tenant.token, "tenant-phone", platform="ios", locale="en")
    await register_device(client, neighbour.token, "neighbour-phone")
    admin = await staff_token(db, settings, "+8613700000199", "admin")
    await _subscribe_to_everything(client, admin, receiver)

    sent = await _remind(db, estate, home)
    assert (sent.homes, sent.recipients) == (1, 2)
    [outbox_id] = await db.fetch("SELECT id FROM outbox WHERE topic = 'housing.bill_reminder'")
    await settle(notifier, db)

    [mine] = (await inbox(client, owner.token))["items"]
    assert mine["kind"] == "bill.reminder"
    assert mine["title"] == "缴费提醒"
    assert (
        mine["body"]
        == "幸福小区 1号楼 101：截至 2026-12-01，有 1 笔账单逾期未缴，共计 223.75 元，请及时缴纳。"
    )
    assert mine["link"] == f"cityloop://homes/{home}/bills"
    assert (mine["case_id"], mine["report_id"], mine["urgent"], mine["read_at"]) == (None, None, False, None)
    [theirs] = (await inbox(client, tenant.token))["items"]
    assert theirs["title"] == "Bills past due"
    assert theirs["body"] == (
        "幸福小区, 1号楼 101: 1 bill past due on 2026-12-01, 223.75 yuan owed in all. Please pay them soon."
    )
    assert theirs["link"] == f"cityloop://homes/{home}/bills"
    assert (await inbox(client, neighbour.token))["items"] == []

    by_token = {r.token: r.message for r in fake_fcm.delivered()}
    assert set(by_token) == {"owner-phone", "tenant-phone"}
    assert by_token["owner-phone"]["notification"] == {"title": "缴费提醒", "body": mine["body"]}
    assert by_token["tenant-phone"]["notification"]["title"] == "Bills past due"
    assert by_token["tenant-phone"]["data"] == {
        "notification_id": theirs["id"],
        "kind": "bill.reminder",
        "link": f"cityloop://homes/{home}/bills",
        "home_id": str(home),
    }
    assert by_token["owner-phone"]["android"] == {
        "collapse_key": f"bill.reminder-{home}",
        "priority": "normal",
    }
    assert await db.fetchval("SELECT status FROM outbox WHERE id = $1", outbox_id["id"]) == "done"
    # internal: the subscriber of every public event hears nothing of it
    assert await db.fetchval("SELECT count(*) FROM deliveries WHERE channel = 'webhook'") == 0
    assert receiver.received == []
    # and no subscriber can ask for it: the public events are the contract
    before = await db.fetchval("SELECT count(*) FROM webhook_subscribers")
    r = await client.post(
        "/v1/admin/webhooks",
        json={"url": receiver.url, "events": ["housing.bill_reminder"], "secret": WEBHOOK_SECRET},
        headers=bearer(admin),
    )
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    assert await db.fetchval("SELECT count(*) FROM webhook_subscribers") == before

    # running the row again adds nothing
    written = await _written(db)
    await db.execute("UPDATE outbox SET status = 'pending' WHERE id = $1", outbox_id["id"])
    await notifier.run_until_idle()
    assert await _written(db) == written


async def test_a_fund_top_up_notice_reaches_the_owners_and_waits_out_quiet_hours(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    estate = await _opened_fund(db)
    home = estate.homes[0]
    owner = await make_citizen(db, settings, "+8613800000111")
    co_owner = await make_citizen(db, settings, "+8613800000112", locale="en")
    tenant = await make_citizen(db, settings, "+8613800000113")
    await bind(db, home, owner.id, "owner")
    await bind(db, home, co_owner.id, "owner")
    await bind(db, home, tenant.id, "tenant")
    await register_device(client, owner.token, "bedside")
    await register_device(client, co_owner.token, "co-owner-phone", locale="en")
    await register_device(client, tenant.token, "tenant-phone")
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    start, end = (
        (local - timedelta(hours=1)).strftime("%H:%M"),
        (local + timedelta(hours=1)).strftime("%H:%M"),
    )
    r = await client.put("/v1/me/quiet-hours", json={"start": start, "end": end}, headers=bearer(owner.token))
    assert r.status_code == 200

    await _drain_fund(db, home)
    await notifier.run_until_idle()

    [mine] = (await inbox(client, owner.token))["items"]
    assert (mine["kind"], mine["title"]) == ("fund.topup", "维修资金续筹通知")
    assert mine["body"] == (
        "幸福小区 1号楼 101：住宅专项维修资金余额 0.00 元，已低于首期交存额 8,950.00 元的 30%（2,685.00 元），"
        "请及时续筹。"
    )
    assert mine["link"] == f"cityloop://homes/{home}/fund"
    assert (mine["case_id"], mine["urgent"]) == (None, False)
    [theirs] = (await inbox(client, co_owner.token))["items"]
    assert theirs["title"] == "Maintenance fund top-up due"
    assert theirs["body"] == (
        "幸福小区, 1号楼 101: the home's maintenance fund balance is 0.00 yuan, below 30% of its first deposit "
        "of 8,950.00 yuan (2,685.00 yuan). Please top it up."
    )
    assert (await inbox(client, tenant.token))["items"] == []  # the fund is the owners' matter

    # the co-owner's phone hears now; the owner's waits for the end of their quiet hours (a notice is not urgent)
    [pushed] = fake_fcm.delivered()
    assert pushed.token == "co-owner-phone"
    assert pushed.message["data"]["link"] == f"cityloop://homes/{home}/fund"
    assert pushed.message["android"] == {"collapse_key": f"fund.topup-{home}", "priority": "normal"}
    held = await db.fetchrow(
        "SELECT status, attempts, available_at, last_error, urgent FROM deliveries WHERE device_token = 'bedside'"
    )
    assert (held["status"], held["attempts"], held["last_error"], held["urgent"]) == (
        "pending",
        0,
        "quiet hours",
        False,
    )
    ends = held["available_at"].astimezone(ZoneInfo("Asia/Shanghai"))
    assert ends.strftime("%H:%M") == end and ends > local
    assert await db.fetchval("SELECT count(*) FROM deliveries WHERE device_token = 'tenant-phone'") == 0


async def test_a_notice_for_a_home_nobody_is_bound_to_tells_nobody_and_is_done(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    pool: asyncpg.Pool,
    notifier: Notifier,
) -> None:
    # a fund notice for a home without owners names nobody, and the home has nobody bound now either
    estate = await _opened_fund(db)
    await _drain_fund(db, estate.homes[0])
    [notice] = await db.fetch("SELECT id, payload FROM outbox WHERE topic = 'housing.fund_topup'")
    assert notice["payload"]["user_ids"] == []
    # a reminder names its residents, who have moved out by the time the worker runs
    billed = await _in_arrears(db, pool)
    leaver = await make_citizen(db, settings, "+8613800000121")
    await register_device(client, leaver.token, "leavers-phone")
    await bind(db, billed.homes[0], leaver.id, "tenant")
    await _remind(db, billed, billed.homes[0])
    await db.execute(
        "UPDATE home_bindings SET state = 'ended', ended_at = now(), end_reason = 'moved out' WHERE user_id = $1",
        leaver.id,
    )

    await notifier.run_until_idle()
    await notifier.run_until_idle()  # nothing is left to retry
    rows = await db.fetch("SELECT status, attempts, last_error FROM outbox WHERE topic LIKE 'housing.%'")
    assert [tuple(r) for r in rows] == [("done", 1, None), ("done", 1, None)]
    assert await _written(db) == (0, 0)
    assert (await inbox(client, leaver.token))["items"] == []


@pytest.mark.parametrize(
    ("topic", "payload", "error"),
    [
        ("housing.bill_reminder", {"home_id": "not-a-uuid"}, "Invalid UUID"),
        ("housing.bill_reminder", ["a", "list"], "Expected `object`"),
        ("housing.fund_topup", {"estate_id": "E", "home_id": "H", "balance_fen": 0}, "first_deposit_fen"),
        ("housing.fund_topup", {"estate_id": "E", "home_id": "H", "user_ids": [], "balance_fen": 1.5,
                                "first_deposit_fen": 100, "threshold_fen": 30}, "balance_fen"),
        ("housing.bill_reminder", {"estate_id": "OTHER", "home_id": "H", "outstanding_fen": 100, "bills": 1,
                                   "as_of": "2026-12-01"}, "is not a home of estate"),
    ],
)  # fmt: skip
async def test_a_malformed_payload_is_dead_at_once_and_writes_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    pool: asyncpg.Pool,
    notifier: Notifier,
    caplog: pytest.LogCaptureFixture,
    topic: str,
    payload: Any,
    error: str,
) -> None:
    estate = await _in_arrears(db, pool)
    home = estate.homes[0]
    resident = await make_citizen(db, settings, "+8613800000131")
    await bind(db, home, resident.id, "owner")
    names = {"E": str(estate.id), "H": str(home), "OTHER": str(uuid4())}
    if isinstance(payload, dict):
        payload = {k: names.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    bad = await db.fetchval(
        "INSERT INTO outbox (topic, payload) VALUES ($1, $2) RETURNING id", topic, payload
    )
    await _remind(db, estate, home)  # a good row behind the bad one
    caplog.set_level(logging.ERROR, logger="cityloop.notifications")

    await notifier.run_until_idle()

    row = await db.fetchrow("SELECT status, attempts, last_error FROM outbox WHERE id = $1", bad)
    assert (row["status"], row["attempts"]) == ("dead", 1)  # no retry can mend it
    assert row["last_error"].startswith(f"MalformedPayload: {topic}: ") and error in row["last_error"]
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE outbox_id = $1", bad) == 0
    assert await db.fetchval("SELECT count(*) FROM deliveries WHERE outbox_id = $1", bad) == 0
    [logged] = [r for r in caplog.records if r.name == "cityloop.notifications"]
    assert "malformed payload" in logged.getMessage() and logged.__dict__["outbox_id"] == bad
    assert [i["kind"] for i in (await inbox(client, resident.token))["items"]] == ["bill.reminder"]

    # an admin sees it among the dead (replayable, like any dead row)
    admin = bearer(await staff_token(db, settings, "+8613700000199", "admin"))
    listed = (await client.get("/v1/admin/outbox", params={"status": "dead"}, headers=admin)).json()
    assert [item["id"] for item in listed["items"]] == [bad]
