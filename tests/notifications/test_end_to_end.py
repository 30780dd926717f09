"""End to end, as in production: the API served by uvicorn, the worker's notifications loop running on its own
(woken by the outbox's NOTIFY), a citizen's phone on the fake FCM, the app's WebSocket, and another city
platform's webhook receiver. One transition reaches all four."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import asyncpg
import msgspec

from notifications.models import NotificationsConfig
from notifications.runner import Notifier
from tests.cases.workflow_fixtures import Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import WEBHOOK_SECRET, Citizen, Receiver
from tests.notifications.fake_fcm import FakeFCM
from tests.notifications.helpers import add_report


async def eventually(check: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "not delivered in time"
        await asyncio.sleep(0.02)


async def test_a_transition_reaches_phone_inbox_app_and_webhook(
    live_server: str,
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    pool: asyncpg.Pool,
    config: NotificationsConfig,
    fake_fcm: FakeFCM,
    receiver: Receiver,
    settings: Any,
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    report_id, number = await add_report(db, case_id, reporter.id)
    stop = asyncio.Event()
    # a poll of 30 s: only the outbox's NOTIFY can wake the worker in time
    notifier = Notifier(pool, msgspec.structs.replace(config, poll_s=30.0))
    await notifier.__aenter__()
    worker = asyncio.create_task(notifier.run(stop, listen_dsn=settings.database_url))
    await asyncio.sleep(0.2)  # LISTEN is in place
    api = f"http://{live_server}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{api}/v1/devices",
                json={
                    "token": "citizens-phone",
                    "platform": "android",
                    "app_version": "2.0.1",
                    "locale": "zh-CN",
                },
                headers=bearer(reporter.token),
            ) as r:
                assert r.status == 201
            async with http.post(
                f"{api}/v1/admin/webhooks",
                json={"url": receiver.url, "events": ["case.transitioned"], "secret": WEBHOOK_SECRET},
                headers=bearer(staff.tokens["admin"]),
            ) as r:
                assert r.status == 201
            ws = await http.ws_connect(f"ws://{live_server}/v1/live?access_token={reporter.token}")
            assert json.loads((await ws.receive(timeout=5)).data)["type"] == "ready"

            version = await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id)
            async with http.post(
                f"{api}/v1/cases/{case_id}/transitions",
                json={"action": "register"},
                headers={**bearer(staff.tokens["shift_lead"]), "If-Match": str(version)},
            ) as r:
                assert r.status == 200

            # the app, live: within the 10 s bound, well before the worker's 30 s poll, so only the outbox's
            # NOTIFY can have woken it (a missed NOTIFY fails here rather than arriving late)
            live = json.loads((await ws.receive(timeout=10)).data)
            assert live["type"] == "inbox" and live["case_id"] == str(case_id)
            # the phone
            await eventually(lambda: len(fake_fcm.delivered()) == 1)
            push = fake_fcm.delivered()[0].message
            assert push["notification"]["title"] == "问题已立案" and number in push["notification"]["body"]
            assert push["data"]["notification_id"] == live["id"]
            assert push["data"]["link"] == f"cityloop://reports/{report_id}"
            # the other platform, signed
            await eventually(lambda: len(receiver.received) == 1)
            assert receiver.received[0].signed
            assert receiver.received[0].json()["data"]["case_id"] == str(case_id)
            # the inbox
            async with http.get(f"{api}/v1/inbox", headers=bearer(reporter.token)) as r:
                inbox = await r.json()
            assert inbox["unread_count"] == 1 and inbox["items"][0]["id"] == live["id"]
            await ws.close()
    finally:
        stop.set()
        await asyncio.wait_for(worker, 10)
        await notifier.__aexit__(None, None, None)
