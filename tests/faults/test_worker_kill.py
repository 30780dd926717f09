"""`cityloop worker` killed with SIGKILL in the middle of a fan-out of many outbox rows, twice, and started
again each time: nothing is lost.

What the design promises (notifications/runner.py, fanout.py), and what is checked here:
- the inbox exactly once: an outbox row's fan-out (inbox messages, deliveries, live events, the row marked done)
  is one transaction over rows taken FOR UPDATE SKIP LOCKED, and every row written has a unique key; a kill
  rolls back the batch in flight and the next worker takes those rows again;
- pushes and webhooks at least once, with a dedupe key: a delivery is leased (claimed and committed) before it is
  sent; one whose worker died before recording the outcome is sent again when the lease runs out. Every copy
  carries the same notification id and collapse key (a phone shows one), every webhook copy the same
  X-CityLoop-Delivery id (receivers dedupe by it). Only deliveries in flight at a kill may arrive twice.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.cases.workflow_fixtures import Staff, make_case
from tests.faults.conftest import start_worker, tail, wait_for
from tests.identity.helpers import bearer
from tests.notifications.conftest import WEBHOOK_SECRET, Citizen, Receiver
from tests.notifications.fake_fcm import FakeFCM
from tests.notifications.helpers import add_report, follow, register_device

ROWS = 150
KILLS = 2


def worker_env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "DB_POOL_MAX": "4",
        "DB_POOL_MIN": "1",
        "FCM_CREDENTIALS_FILE": settings.fcm_credentials_file,
        "FCM_URL": settings.fcm_url,
        "FCM_PROJECT_ID": settings.fcm_project_id,
        "NOTIFY_OUTBOX_BATCH": "10",
        "NOTIFY_POLL_S": "0.05",
        "NOTIFY_LEASE_S": "2",  # a delivery claimed by a killed worker is taken again after this
        "NOTIFY_BACKOFF_BASE_S": "0.05",
        "NOTIFY_BACKOFF_MAX_S": "0.2",
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    }


@pytest.mark.timeout(120)
async def test_kill_9_of_the_worker_mid_fan_out_loses_nothing(
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
    await db.executemany(
        "INSERT INTO outbox (topic, payload) VALUES ('case.transitioned', $1)",
        [
            (
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
            for i in range(ROWS)
        ],
    )
    fake_fcm.delay_s = 0.01  # sends take a while, so that the kills land while rows are still pending
    log = tmp_path / "worker.log"

    async def counts() -> asyncpg.Record:
        row = await db.fetchrow(
            """SELECT (SELECT count(*) FROM notifications) AS inbox,
                      (SELECT count(*) FROM outbox WHERE status = 'done') AS outbox_done"""
        )
        assert row is not None
        return row

    at_kills: list[asyncpg.Record] = []
    for kill in range(KILLS):
        done_before = (await counts())["outbox_done"]
        worker = start_worker(log, **worker_env(settings))
        try:

            async def fanning_out(done_before: int = done_before) -> bool:
                # this worker has fanned out some rows, and rows are left
                done: int = (await counts())["outbox_done"]
                return done_before < done < ROWS - 10

            await wait_for(fanning_out, 40, f"worker {kill + 1} to be in the middle of the fan-out", log)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        at_kills.append(await counts())
    for at_kill in at_kills:
        # a fan-out is all or nothing: two inbox messages (reporter, follower) per row marked done, never half
        assert at_kill["inbox"] == 2 * at_kill["outbox_done"], at_kills
    assert at_kills[-1]["outbox_done"] < ROWS
    fake_fcm.delay_s = 0.0

    async def all_delivered() -> bool:
        pending = await db.fetchval(
            """SELECT (SELECT count(*) FROM outbox WHERE status <> 'done')
                    + (SELECT count(*) FROM deliveries WHERE status <> 'done')"""
        )
        total: int = await db.fetchval("SELECT count(*) FROM deliveries")
        return pending == 0 and total == 3 * ROWS  # two pushes and one webhook per row

    last = start_worker(log, **worker_env(settings))
    try:
        await wait_for(all_delivered, 60, "the last worker to deliver everything", log)
    finally:
        last.send_signal(signal.SIGTERM)
        try:
            assert last.wait(20) == 0, tail(log)
        except subprocess.TimeoutExpired:
            last.kill()
            raise

    # the inbox: every message exactly once
    per_row = await db.fetch("SELECT outbox_id, count(*) AS n FROM notifications GROUP BY outbox_id")
    assert len(per_row) == ROWS and {r["n"] for r in per_row} == {2}
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE status = 'done'") == ROWS

    # phones: every message arrived; a second copy only of a delivery a killed worker had claimed, and every
    # copy with the same notification id and collapse key
    copies: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for received in fake_fcm.delivered():
        copies[(received.token, received.message["data"]["notification_id"])].append(received.message)
    pushes = await db.fetch(
        "SELECT device_token, notification_id, attempts FROM deliveries WHERE channel = 'push'"
    )
    assert len(pushes) == 2 * ROWS
    for p in pushes:
        sent = copies[(p["device_token"], str(p["notification_id"]))]
        assert sent, p
        assert len(sent) == 1 or p["attempts"] >= 2, p
        assert len({(m["data"]["notification_id"], m["android"]["collapse_key"]) for m in sent}) == 1
    assert len(copies) == 2 * ROWS  # nothing sent that is not a delivery

    # the subscriber: every event, each delivery id meaning one event, duplicates only of retried deliveries
    by_delivery: dict[str, set[str]] = defaultdict(set)
    for hook in receiver.received:
        assert hook.signed
        by_delivery[hook.headers["X-CityLoop-Delivery"]].add(hook.json()["id"])
    assert {e for events in by_delivery.values() for e in events} == {
        f"evt_{r['outbox_id']}" for r in per_row
    }
    assert all(len(events) == 1 for events in by_delivery.values())
    sent_twice = [
        d for d, n in Counter(h.headers["X-CityLoop-Delivery"] for h in receiver.received).items() if n > 1
    ]
    if sent_twice:
        retried = await db.fetch(
            "SELECT id::text, attempts FROM deliveries WHERE id::text = ANY($1)", sent_twice
        )
        assert all(r["attempts"] >= 2 for r in retried), retried
