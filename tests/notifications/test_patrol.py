"""An inspector's patrol report (巡查上报) is registered through the workflow table like any registration: it
writes its event and its outbox row, so webhook subscribers and the case's followers hear of it; the inspector,
who acted, does not."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from notifications.runner import Notifier
from tests.cases.helpers import report_body
from tests.cases.workflow_fixtures import Staff
from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen, Receiver
from tests.notifications.helpers import follow, inbox
from tests.notifications.test_webhooks import subscribe


async def test_a_patrol_registration_reaches_webhooks_and_followers(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    follower: Citizen,
    receiver: Receiver,
    notifier: Notifier,
) -> None:
    await subscribe(client, staff, receiver.url)
    r = await client.post(
        "/v1/inspector/reports",
        json=report_body(category="E0501"),
        headers={**bearer(staff.tokens["inspector"]), "Idempotency-Key": "patrol-fanout-1"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "registered"
    case_id = uuid.UUID(r.json()["case_id"])

    # the registration is a row of the table: its event, in the inspector's name, and its outbox row
    event = await db.fetchrow(
        "SELECT id, actor_id, from_state, to_state, public, note FROM case_events WHERE case_id = $1 AND kind = 'register'",
        case_id,
    )
    assert (event["actor_id"], event["from_state"], event["to_state"]) == (
        staff.ids["inspector"],
        "reported",
        "registered",
    )
    assert event["public"] and event["note"] == "patrol report"
    [outbox] = await db.fetch(
        "SELECT topic, payload FROM outbox WHERE payload->>'case_id' = $1", str(case_id)
    )
    assert outbox["topic"] == "case.transitioned"
    assert outbox["payload"] == {
        "case_id": str(case_id),
        "event_id": event["id"],
        "action": "register",
        "from": "reported",
        "to": "registered",
        "round": 1,
    }
    steps = await db.fetch(
        "SELECT step, outcome, completed_by FROM case_deadlines WHERE case_id = $1 ORDER BY id", case_id
    )
    assert [tuple(s) for s in steps] == [
        ("register", "register", staff.ids["inspector"]),
        ("dispatch", None, None),
    ]

    # someone follows the case before the worker runs (as from the map); the worker fans the row out
    await follow(db, case_id, follower.id)
    await notifier.run_until_idle()

    [hook] = receiver.received
    assert hook.signed
    body = hook.json()
    assert body["event"] == "case.transitioned"
    assert body["data"] == outbox["payload"]
    [message] = (await inbox(client, follower.token))["items"]
    assert message["kind"] == "report.registered" and message["case_id"] == str(case_id)
    # the inspector registered it: they are not told of their own action
    assert (await inbox(client, staff.tokens["inspector"]))["items"] == []
