"""Push through firebase-admin to the fake FCM: one message per phone in the phone's language, with ids, a deep
link and a collapse key per case; dead tokens pruned, 503 retried, 429 honoured, one bad token never stopping
the others; quiet hours; dead letters an admin replays."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from litestar.testing import AsyncTestClient

from notifications.runner import Notifier
from tests.cases.workflow_fixtures import Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen
from tests.notifications.fake_fcm import FakeFCM
from tests.notifications.helpers import act, add_report, follow, register_device


async def registered_case(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    *,
    urgent: bool = False,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A verified case with the reporter's report, registered by the shift lead: one message for the reporter."""
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    report_id, _ = await add_report(db, case_id, reporter.id)
    await act(client, db, staff.tokens["shift_lead"], case_id, "register", urgent=urgent)
    return case_id, report_id


async def settle(notifier: Notifier, db: asyncpg.Connection, seconds: float = 15.0) -> None:
    """Run the worker until no push delivery is pending any more (retries included)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await notifier.run_until_idle()
        if not await db.fetchval("SELECT count(*) FROM deliveries WHERE status = 'pending'"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("deliveries still pending")


async def test_each_phone_gets_the_message_in_its_own_language(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    await register_device(client, reporter.token, "android-zh", locale="zh-CN")
    await register_device(client, reporter.token, "iphone-en", platform="ios", locale="en")
    case_id, report_id = await registered_case(client, db, staff, reporter)
    await settle(notifier, db)

    by_token = {r.token: r.message for r in fake_fcm.delivered()}
    assert set(by_token) == {"android-zh", "iphone-en"}
    assert by_token["android-zh"]["notification"]["title"] == "问题已立案"
    assert by_token["iphone-en"]["notification"]["title"] == "Report accepted"
    [note] = await db.fetch("SELECT id FROM notifications WHERE user_id = $1", reporter.id)
    assert by_token["iphone-en"]["data"] == {
        "notification_id": str(note["id"]),
        "kind": "report.registered",
        "case_id": str(case_id),
        "report_id": str(report_id),
        "link": f"cityloop://reports/{report_id}",
    }
    assert by_token["android-zh"]["android"] == {"collapse_key": f"case-{case_id}", "priority": "normal"}
    assert by_token["iphone-en"]["apns"]["headers"]["apns-collapse-id"] == f"case-{case_id}"
    rows = await db.fetch("SELECT status, attempts, last_status FROM deliveries WHERE channel = 'push'")
    assert [tuple(r) for r in rows] == [("done", 1, 200), ("done", 1, 200)]


async def test_dead_tokens_are_pruned_and_never_stop_the_others(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    for token in ("gone", "garbled", "good", "mismatch"):
        await register_device(client, reporter.token, token)
    await register_device(client, follower.token, "followers-phone")
    fake_fcm.answer("gone", "unregistered")
    fake_fcm.answer("garbled", "invalid")
    fake_fcm.answer("mismatch", "sender_mismatch")
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)
    await follow(db, case_id, follower.id)
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    await settle(notifier, db)

    assert {r.token for r in fake_fcm.delivered()} == {"good", "followers-phone"}
    assert fake_fcm.tries("gone") == ["unregistered"]  # not retried
    remaining = {r["token"] for r in await db.fetch("SELECT token FROM devices")}
    assert remaining == {"good", "followers-phone"}
    dropped = await db.fetch(
        "SELECT device_token, last_error FROM deliveries WHERE status = 'dropped' ORDER BY device_token"
    )
    assert [r["device_token"] for r in dropped] == ["garbled", "gone", "mismatch"]
    assert "UNREGISTERED" in dropped[1]["last_error"].upper() or "NOT_FOUND" in dropped[1]["last_error"]
    # the inbox has the message whatever happened to the phones
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1", reporter.id) == 1


async def test_503_is_retried_for_that_phone_alone(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    await register_device(client, reporter.token, "flaky")
    await register_device(client, reporter.token, "steady")
    await register_device(client, reporter.token, "blip")
    # firebase-admin retries a 503 itself (4 times, with backoff); five in a row come back to the worker
    fake_fcm.answer("flaky", "503", "503", "503", "503", "503")
    fake_fcm.answer("blip", "503")
    await registered_case(client, db, staff, reporter)

    await settle(notifier, db)
    assert fake_fcm.tries("blip") == ["503", "ok"]  # retried inside firebase-admin, within the same send
    assert fake_fcm.tries("flaky") == ["503"] * 5 + ["ok"]  # then by the worker: a second attempt
    assert fake_fcm.tries("steady") == ["ok"]  # the others are not sent twice
    rows = await db.fetch("SELECT device_token, status, attempts FROM deliveries ORDER BY device_token")
    assert [tuple(r) for r in rows] == [("blip", "done", 1), ("flaky", "done", 2), ("steady", "done", 1)]


async def test_429_waits_for_retry_after(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    await register_device(client, reporter.token, "once")
    await register_device(client, reporter.token, "throttled")
    await register_device(client, reporter.token, "fine")
    fake_fcm.retry_after = "1"
    fake_fcm.answer("once", "429")
    fake_fcm.answer("throttled", "429", "429", "429", "429", "429")  # more than firebase-admin's own retries
    await registered_case(client, db, staff, reporter)

    await notifier.run_until_idle()
    # a single 429: firebase-admin's HTTP layer waits Retry-After and tries again in the same send
    once = [r.at for r in fake_fcm.received if r.token == "once"]
    assert fake_fcm.tries("once") == ["429", "ok"] and once[1] - once[0] >= 0.95
    # a 429 that firebase-admin gives up on: the worker waits Retry-After (not its 50 ms backoff)
    row = await db.fetchrow(
        "SELECT status, available_at, last_status FROM deliveries WHERE device_token = 'throttled'"
    )
    assert (row["status"], row["last_status"]) == ("pending", 429)
    throttled = [r.at for r in fake_fcm.received if r.token == "throttled"]
    assert row["available_at"].timestamp() >= throttled[-1] + 0.95
    assert fake_fcm.tries("fine") == ["ok"]

    await settle(notifier, db)
    throttled = [r.at for r in fake_fcm.received if r.token == "throttled"]
    assert fake_fcm.tries("throttled") == ["429"] * 5 + ["ok"]
    assert throttled[-1] - throttled[-2] >= 0.95


async def test_after_n_attempts_a_push_is_dead_and_an_admin_replays_it(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    await register_device(client, reporter.token, "stuck")
    fake_fcm.answer("stuck", "apns_auth", "apns_auth", "apns_auth", "apns_auth")
    await registered_case(client, db, staff, reporter)
    await settle(notifier, db)
    dead = await db.fetchrow("SELECT id, status, attempts FROM deliveries WHERE device_token = 'stuck'")
    assert (dead["status"], dead["attempts"]) == ("dead", 4)  # NOTIFY_MAX_ATTEMPTS in these tests

    admin = bearer(staff.tokens["admin"])
    listed = (await client.get("/v1/admin/deliveries", params={"status": "dead"}, headers=admin)).json()
    assert [(d["id"], d["channel"], d["attempts"], d["last_status"]) for d in listed["items"]] == [
        (dead["id"], "push", 4, 403)
    ]
    r = await client.post(f"/v1/admin/deliveries/{dead['id']}/replay", headers=admin)
    assert (r.status_code, r.json()["status"], r.json()["attempts"]) == (200, "pending", 0)
    await settle(notifier, db)
    assert fake_fcm.tries("stuck") == ["apns_auth"] * 4 + ["ok"]

    r = await client.post(f"/v1/admin/deliveries/{dead['id']}/replay", headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "not_dead")
    r = await client.post("/v1/admin/deliveries/424242/replay", headers=admin)
    assert (r.status_code, r.json()["code"]) == (404, "delivery_not_found")
    r = await client.get("/v1/admin/deliveries", params={"status": "lost"}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = await client.get("/v1/admin/deliveries", headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert await db.fetchval("SELECT status FROM deliveries WHERE id = $1", dead["id"]) == "done"


async def test_quiet_hours_hold_pushes_back_but_not_urgent_ones(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    await register_device(client, reporter.token, "bedside")
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    start, end = (
        (local - timedelta(hours=1)).strftime("%H:%M"),
        (local + timedelta(hours=1)).strftime("%H:%M"),
    )
    r = await client.put(
        "/v1/me/quiet-hours", json={"start": start, "end": end}, headers=bearer(reporter.token)
    )
    assert r.status_code == 200

    await registered_case(client, db, staff, reporter)
    await notifier.run_until_idle()
    assert fake_fcm.received == []
    held = await db.fetchrow("SELECT status, attempts, available_at, last_error FROM deliveries")
    assert (held["status"], held["attempts"], held["last_error"]) == ("pending", 0, "quiet hours")
    ends = held["available_at"].astimezone(ZoneInfo("Asia/Shanghai"))
    assert ends.strftime("%H:%M") == end and ends > local
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1", reporter.id) == 1

    await registered_case(client, db, staff, reporter, urgent=True)
    await notifier.run_until_idle()
    [sent] = fake_fcm.delivered()
    assert sent.message["android"]["priority"] == "high"


async def test_a_phone_that_changed_hands_is_not_sent_the_old_owners_message(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    notifier: Notifier,
    fake_fcm: FakeFCM,
) -> None:
    await register_device(client, reporter.token, "shared-phone")
    case_id, _ = await registered_case(client, db, staff, reporter)
    await notifier.fan_out_once()  # the delivery is written for the reporter's phone ...
    await register_device(client, follower.token, "shared-phone")  # ... which someone else signs in on
    await settle(notifier, db)
    assert fake_fcm.received == []
    row = await db.fetchrow("SELECT status, last_error FROM deliveries")
    assert row["status"] == "dropped" and "removed" in row["last_error"]
    assert case_id
