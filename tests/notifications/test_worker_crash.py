"""`cityloop worker` killed with SIGKILL in the middle of its work, then started again: every message is in
the inbox exactly once, every phone and subscriber gets every event, and only what was in flight at the kill
may reach a phone twice (pushes are at least once; the inbox is exactly once)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.cases.workflow_fixtures import Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import WEBHOOK_SECRET, Citizen, Receiver
from tests.notifications.fake_fcm import FakeFCM
from tests.notifications.helpers import add_report, follow, register_device

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 40


def worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CITYLOOP_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "DB_POOL_MAX": "4",
        "DB_POOL_MIN": "1",
        "FCM_CREDENTIALS_FILE": settings.fcm_credentials_file,
        "FCM_URL": settings.fcm_url,
        "FCM_PROJECT_ID": settings.fcm_project_id,
        "NOTIFY_OUTBOX_BATCH": "5",
        "NOTIFY_POLL_S": "0.05",
        "NOTIFY_LEASE_S": "2",  # a delivery claimed by the killed worker is taken again after this
        "NOTIFY_BACKOFF_BASE_S": "0.05",
        "NOTIFY_BACKOFF_MAX_S": "0.2",
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
        "LOG_LEVEL": "INFO",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def tail(log: Path, chars: int = 3000) -> str:
    return log.read_text()[-chars:]


async def wait_for(condition: Any, within: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{tail(log)}")


@pytest.mark.timeout(180)
async def test_a_killed_worker_loses_nothing_and_duplicates_nothing_in_the_inbox(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    fake_fcm: FakeFCM,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    await register_device(client, reporter.token, "reporters-phone")
    await register_device(client, follower.token, "followers-phone")
    r = await client.post(
        "/v1/admin/webhooks",
        json={"url": receiver.url, "events": ["case.transitioned"], "secret": WEBHOOK_SECRET},
        headers=bearer(staff.tokens["admin"]),
    )
    assert r.status_code == 201, r.text
    # no department: a reopening tells the reporter and the follower only (two messages a row)
    case_id = await make_case(db, "closed", inspector_id=None, department=None)
    await add_report(db, case_id, reporter.id)
    await follow(db, case_id, follower.id)
    fake_fcm.delay_s = 0.15  # each send takes a while: the kill lands in the middle of one
    async with db.transaction():
        for i in range(EVENTS):
            await db.execute(
                "INSERT INTO outbox (topic, payload) VALUES ('case.transitioned', $1)",
                {
                    "case_id": str(case_id),
                    "event_id": None,
                    # the payload names the table's row (from, action): the fan-out reads who is told there
                    **(
                        {"action": "reopen", "from": "closed", "to": "dispatched"}
                        if i % 2
                        else {"action": "close", "from": "checked", "to": "closed"}
                    ),
                    "round": i,
                },
            )
    expected_inbox = 2 * EVENTS
    log = tmp_path / "worker.log"

    async def some_work_done() -> bool:
        inbox = await db.fetchval("SELECT count(*) FROM notifications")
        return 0 < inbox < expected_inbox and len(fake_fcm.received) > 0

    first = worker(settings, log)
    try:
        await wait_for(some_work_done, 60, "the first worker to get going", log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    at_kill = await db.fetchrow(
        """SELECT (SELECT count(*) FROM notifications) AS inbox,
                  (SELECT count(*) FROM outbox WHERE status = 'done') AS outbox_done,
                  (SELECT count(*) FROM deliveries WHERE status = 'done') AS delivered"""
    )
    assert 0 < at_kill["inbox"] < expected_inbox
    assert at_kill["inbox"] == 2 * at_kill["outbox_done"]  # a fan-out is all or nothing
    fake_fcm.delay_s = 0.0

    async def all_done() -> bool:
        pending = await db.fetchval(
            """SELECT (SELECT count(*) FROM outbox WHERE status <> 'done')
                    + (SELECT count(*) FROM deliveries WHERE status <> 'done')"""
        )
        total: int = await db.fetchval("SELECT count(*) FROM deliveries")
        return pending == 0 and total == 3 * EVENTS

    second = worker(settings, log)
    try:
        await wait_for(all_done, 90, "the second worker to finish", log)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(20) == 0, tail(log)

    # the inbox: every message exactly once
    per_row = await db.fetch("SELECT outbox_id, count(*) AS n FROM notifications GROUP BY outbox_id")
    assert len(per_row) == EVENTS and {r["n"] for r in per_row} == {2}

    # phones: every message arrived; a second copy only of a delivery the dead worker had claimed
    sent = Counter((r.token, r.message["data"]["notification_id"]) for r in fake_fcm.delivered())
    pushes = await db.fetch(
        "SELECT device_token, notification_id, attempts FROM deliveries WHERE channel = 'push'"
    )
    assert len(pushes) == 2 * EVENTS
    for p in pushes:
        copies = sent[(p["device_token"], str(p["notification_id"]))]
        assert copies >= 1, p
        assert copies == 1 or p["attempts"] >= 2, p

    # the subscriber: every event, every one signed
    events = {hook.json()["id"] for hook in receiver.received}
    assert events == {f"evt_{r['outbox_id']}" for r in per_row}
    assert all(hook.signed for hook in receiver.received)
    assert "notifications started" in tail(log, 10**7)
