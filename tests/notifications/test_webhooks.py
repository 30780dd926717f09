"""Signed webhooks to other platforms: subscribers an admin registers, events POSTed with an HMAC signature the
receiver checks, a delivery log, retries, a subscriber paused after repeated failures and resumed by an
admin, and no webhook that points inside the city's own network."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from notifications.models import NotificationsConfig
from notifications.runner import Notifier
from tests.cases.workflow_fixtures import Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import WEBHOOK_SECRET, Receiver
from tests.notifications.helpers import act, outbox_ids


async def subscribe(
    client: AsyncTestClient[Any], staff: Staff, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    r = await client.post(
        "/v1/admin/webhooks",
        json={
            "url": url,
            "events": events or ["case.transitioned"],
            "secret": WEBHOOK_SECRET,
            "name": "12345",
        },
        headers=bearer(staff.tokens["admin"]),
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_events_arrive_signed_and_are_logged(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, receiver: Receiver, notifier: Notifier
) -> None:
    hook = await subscribe(client, staff, receiver.url)
    assert hook["status"] == "active" and hook["secret_hint"] == "…line"
    assert "secret" not in hook
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    await notifier.run_until_idle()

    [received] = receiver.received
    assert received.signed
    headers = received.headers
    expected = hmac.new(
        WEBHOOK_SECRET.encode(),
        headers["X-CityLoop-Timestamp"].encode() + b"." + received.body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-CityLoop-Signature"] == f"sha256={expected}"
    assert abs(int(headers["X-CityLoop-Timestamp"]) - time.time()) < 60
    assert headers["X-CityLoop-Event"] == "case.transitioned"
    [outbox_id] = await outbox_ids(db, case_id)
    body = received.json()
    assert body["id"] == f"evt_{outbox_id}" and body["event"] == "case.transitioned"
    assert body["data"]["case_id"] == str(case_id)
    assert (body["data"]["action"], body["data"]["from"], body["data"]["to"]) == (
        "register",
        "verified",
        "registered",
    )
    assert set(body["data"]) == {
        "case_id",
        "event_id",
        "action",
        "from",
        "to",
        "round",
    }  # ids, no personal data

    log = (
        await client.get(f"/v1/admin/webhooks/{hook['id']}/deliveries", headers=bearer(staff.tokens["admin"]))
    ).json()
    [entry] = log["items"]
    assert (entry["status"], entry["attempts"], entry["last_status"], entry["event"]) == (
        "done",
        1,
        200,
        "case.transitioned",
    )
    assert headers["X-CityLoop-Delivery"] == str(entry["id"])


async def test_a_failing_subscriber_is_retried_then_paused_and_resumed(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    receiver: Receiver,
    notifier: Notifier,
) -> None:
    hook = await subscribe(client, staff, receiver.url)
    receiver.status = 503
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    for _ in range(100):  # retries with backoff until the third failure in a row pauses it
        await notifier.run_until_idle()
        if len(receiver.received) >= 3:
            break
        await asyncio.sleep(0.05)
    await notifier.run_until_idle()
    await asyncio.sleep(0.3)
    await notifier.run_until_idle()
    assert len(receiver.received) == 3  # WEBHOOK_PAUSE_AFTER=3 in these tests; nothing after the pause
    admin = bearer(staff.tokens["admin"])
    paused = (await client.get(f"/v1/admin/webhooks/{hook['id']}", headers=admin)).json()
    assert (paused["status"], paused["consecutive_failures"]) == ("paused", 3)
    assert "HTTP 503" in paused["paused_reason"]
    [entry] = (await client.get(f"/v1/admin/webhooks/{hook['id']}/deliveries", headers=admin)).json()["items"]
    assert (entry["status"], entry["attempts"], entry["last_status"]) == ("pending", 3, 503)

    # events go on queueing while it is paused, and arrive in order once an admin resumes it
    await act(client, db, staff.tokens["dispatcher"], case_id, "dispatch", department="sanitation")
    await notifier.run_until_idle()
    assert len(receiver.received) == 3
    receiver.status = 200
    r = await client.post(f"/v1/admin/webhooks/{hook['id']}/resume", headers=admin)
    assert (r.status_code, r.json()["status"], r.json()["consecutive_failures"]) == (200, "active", 0)
    await notifier.run_until_idle()
    actions = [h.json()["data"]["action"] for h in receiver.received[3:]]
    assert actions == ["register", "dispatch"]
    assert await db.fetchval("SELECT count(*) FROM deliveries WHERE status <> 'done'") == 0
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'webhook.resume'") == 1


async def test_a_slow_subscriber_times_out_and_is_retried(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    receiver: Receiver,
    pool: asyncpg.Pool,
    config: NotificationsConfig,
) -> None:
    await subscribe(client, staff, receiver.url)
    receiver.delay_s = 1.0
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    impatient = msgspec.structs.replace(config, webhook_timeout_s=0.2, backoff_base_s=5.0, backoff_max_s=5.0)
    async with Notifier(pool, impatient) as worker:
        await worker.run_until_idle()
    row = await db.fetchrow("SELECT status, attempts, last_error FROM deliveries WHERE channel = 'webhook'")
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "timed out")
    receiver.delay_s = 0.0
    await db.execute("UPDATE deliveries SET available_at = now()")  # as if the backoff had passed
    async with Notifier(pool, config) as patient:
        await patient.run_until_idle()
    assert await db.fetchval("SELECT status FROM deliveries WHERE channel = 'webhook'") == "done"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1:8080/hook", "webhook_target_forbidden"),
        ("http://localhost/hook", "webhook_target_forbidden"),
        ("http://169.254.169.254/latest/meta-data", "webhook_target_forbidden"),
        ("http://10.1.2.3/hook", "webhook_target_forbidden"),
        ("https://192.168.1.10/hook", "webhook_target_forbidden"),
        ("http://100.64.0.1/hook", "webhook_target_forbidden"),
        ("http://[::1]:9000/hook", "webhook_target_forbidden"),
        ("http://[fe80::1]/hook", "webhook_target_forbidden"),
        ("http://[::ffff:127.0.0.1]/hook", "webhook_target_forbidden"),
        ("http://0.0.0.0/hook", "webhook_target_forbidden"),
        ("http://no-such-host.invalid/hook", "webhook_host_unresolvable"),
        ("ftp://203.0.113.10/hook", "webhook_url_invalid"),
        ("javascript:alert(1)", "webhook_url_invalid"),
        ("http:///no-host", "webhook_url_invalid"),
        ("https://user:pass@93.184.216.34/hook", "webhook_url_invalid"),
        ("http://93.184.216.34:99999/hook", "webhook_url_invalid"),
    ],
)
async def test_a_webhook_that_points_inside_is_refused(
    db: asyncpg.Connection, settings: Settings, staff: Staff, url: str, code: str
) -> None:
    strict = msgspec.structs.replace(settings, webhook_allow_private_targets=False)
    async with AsyncTestClient(create_app(strict)) as client:
        r = await client.post(
            "/v1/admin/webhooks",
            json={"url": url, "events": ["case.transitioned"], "secret": WEBHOOK_SECRET},
            headers=bearer(staff.tokens["admin"]),
        )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == code
    assert problem["errors"][0]["field"] == "url"
    assert await db.fetchval("SELECT count(*) FROM webhook_subscribers") == 0
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'webhook.create'") == 0


async def test_a_public_target_is_accepted(db: asyncpg.Connection, settings: Settings, staff: Staff) -> None:
    strict = msgspec.structs.replace(settings, webhook_allow_private_targets=False)
    async with AsyncTestClient(create_app(strict)) as client:
        r = await client.post(
            "/v1/admin/webhooks",
            json={
                "url": "https://93.184.216.34/cityloop",
                "events": ["case.overdue"],
                "secret": WEBHOOK_SECRET,
            },
            headers=bearer(staff.tokens["admin"]),
        )
    assert r.status_code == 201, r.text
    assert await db.fetchval("SELECT events FROM webhook_subscribers") == ["case.overdue"]


async def test_the_worker_checks_the_target_again_before_each_post(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    receiver: Receiver,
    pool: asyncpg.Pool,
    config: NotificationsConfig,
) -> None:
    """A subscriber that was allowed once (or whose name now resolves inside) gets nothing from a strict worker."""
    await subscribe(client, staff, receiver.url)
    await subscribe(client, staff, receiver.url.replace("127.0.0.1", "localhost"))
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    async with Notifier(pool, msgspec.structs.replace(config, allow_private_webhook_targets=False)) as strict:
        await strict.run_until_idle()
    assert receiver.received == []
    errors = sorted(r["last_error"] for r in await db.fetch("SELECT last_error FROM deliveries"))
    assert "not public" in errors[1] and "may not reach" in errors[0]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://93.184.216.34/x", "events": ["case.nope"], "secret": WEBHOOK_SECRET},
        {"url": "https://93.184.216.34/x", "events": [], "secret": WEBHOOK_SECRET},
        {"url": "https://93.184.216.34/x", "events": ["case.overdue"], "secret": "short"},
        {"url": "https://93.184.216.34/x", "events": ["case.overdue"]},
        {
            "url": "https://93.184.216.34/x",
            "events": ["case.overdue"],
            "secret": WEBHOOK_SECRET,
            "paused": True,
        },
    ],
)
async def test_bad_subscribers_are_refused_and_nothing_is_written(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, body: dict[str, Any]
) -> None:
    r = await client.post("/v1/admin/webhooks", json=body, headers=bearer(staff.tokens["admin"]))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    assert await db.fetchval("SELECT count(*) FROM webhook_subscribers") == 0


async def test_only_admins_manage_subscribers(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, receiver: Receiver
) -> None:
    body = {"url": receiver.url, "events": ["case.overdue"], "secret": WEBHOOK_SECRET}
    r = await client.post("/v1/admin/webhooks", json=body, headers=bearer(staff.tokens["shift_lead"]))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert await db.fetchval("SELECT count(*) FROM webhook_subscribers") == 0

    hook = await subscribe(client, staff, receiver.url)
    admin = bearer(staff.tokens["admin"])
    assert [h["id"] for h in (await client.get("/v1/admin/webhooks", headers=admin)).json()] == [hook["id"]]
    assert (await client.delete(f"/v1/admin/webhooks/{hook['id']}", headers=admin)).status_code == 204
    for method, path in [
        ("GET", f"/v1/admin/webhooks/{hook['id']}"),
        ("POST", f"/v1/admin/webhooks/{hook['id']}/resume"),
        ("DELETE", f"/v1/admin/webhooks/{hook['id']}"),
        ("GET", f"/v1/admin/webhooks/{hook['id']}/deliveries"),
    ]:
        r = await client.request(method, path, headers=admin)
        assert (r.status_code, r.json()["code"]) == (404, "webhook_not_found"), path
    assert (await client.get("/v1/admin/webhooks", headers=admin)).json() == []
