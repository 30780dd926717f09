"""From a case transition to the right people's inboxes: citizens, the inspector, the department, shift leads;
each message once, in the reader's language, and a fan-out that fails is retried, then dead and replayable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from cases.workflow import service as casework
from notifications.runner import Notifier
from tests.cases.workflow_fixtures import DEPARTMENT, Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen
from tests.notifications.helpers import act, add_report, follow, inbox, outbox_ids


async def kinds(client: AsyncTestClient[Any], token: str) -> list[str]:
    return [item["kind"] for item in (await inbox(client, token))["items"]]


async def test_citizens_hear_of_registration_in_their_own_language(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    notifier: Notifier,
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    report_id, number = await add_report(db, case_id, reporter.id)
    await follow(db, case_id, follower.id)

    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    await notifier.run_until_idle()

    mine = await inbox(client, reporter.token)
    assert mine["unread_count"] == 1
    [item] = mine["items"]
    assert item["kind"] == "report.registered"
    assert item["title"] == "问题已立案"
    assert number in item["body"] and "暴露垃圾" in item["body"]
    assert item["link"] == f"cityloop://reports/{report_id}"
    assert item["case_id"] == str(case_id) and item["read_at"] is None

    theirs = await inbox(client, follower.token)  # the follower reads English
    [item] = theirs["items"]
    assert item["title"] == "Report accepted"
    assert number in item["body"]
    assert item["link"] == f"cityloop://cases/{case_id}"

    # the shift lead acted; nobody else on the staff side is told of a registration
    for role in ("shift_lead", "inspector", "department_handler", "dispatcher"):
        assert await kinds(client, staff.tokens[role]) == [], role
    assert (
        await db.fetchval("SELECT status FROM outbox WHERE id = $1", (await outbox_ids(db, case_id))[0])
        == "done"
    )


async def test_a_dispatch_reaches_the_department_and_the_citizens(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
) -> None:
    case_id = await make_case(
        db, "registered", inspector_id=staff.ids["inspector"], department=None, step="dispatch"
    )
    await add_report(db, case_id, reporter.id)

    await act(client, db, staff.tokens["dispatcher"], case_id, "dispatch", department=DEPARTMENT)
    await notifier.run_until_idle()

    assert await kinds(client, reporter.token) == ["report.dispatched"]
    [task] = (await inbox(client, staff.tokens["department_handler"]))["items"]
    assert task["kind"] == "case.dispatched"
    assert "已派遣至环境卫生管理处" in task["body"]
    assert await kinds(client, staff.tokens["dispatcher"]) == []  # who acted
    assert await kinds(client, staff.tokens["other_lead"]) == []

    # a reassignment tells the department again; the citizens are not told twice
    await act(client, db, staff.tokens["dispatcher"], case_id, "reassign", department=DEPARTMENT)
    await notifier.run_until_idle()
    assert await kinds(client, staff.tokens["department_handler"]) == ["case.dispatched", "case.dispatched"]
    assert await kinds(client, reporter.token) == ["report.dispatched"]


async def test_the_inspector_hears_of_a_verification_task(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, reporter: Citizen, notifier: Notifier
) -> None:
    case_id = await make_case(db, "reported", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)

    await act(client, db, staff.tokens["intake_clerk"], case_id, "send_to_verify")
    await notifier.run_until_idle()

    [task] = (await inbox(client, staff.tokens["inspector"]))["items"]
    assert task["kind"] == "task.verify"
    assert task["title"] == "新的核实任务"
    assert "前到现场核实" in task["body"]
    assert await kinds(client, reporter.token) == []  # nothing a citizen needs to hear


async def test_deadlines_reach_handlers_shift_leads_and_the_assignee(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, notifier: Notifier
) -> None:
    case_id = await make_case(db, "accepted", inspector_id=staff.ids["inspector"], step="handle")
    now = datetime.now(UTC)
    await db.execute(
        "UPDATE case_deadlines SET due_soon_at = $2, due_at = $3, department_code = $4 WHERE case_id = $1",
        case_id,
        now - timedelta(minutes=1),
        now + timedelta(minutes=20),
        DEPARTMENT,
    )
    async with db.transaction():
        assert await casework.emit_deadline_events(db) == {"case.due_soon": 1, "case.overdue": 0}
    await db.execute("UPDATE case_deadlines SET due_at = $2 WHERE case_id = $1", case_id, now)
    async with db.transaction():
        assert await casework.emit_deadline_events(db) == {"case.due_soon": 0, "case.overdue": 1}
    await notifier.run_until_idle()

    for role in ("department_handler", "shift_lead"):
        assert sorted(await kinds(client, staff.tokens[role])) == ["deadline.due_soon", "deadline.overdue"], (
            role
        )
    assert await kinds(client, staff.tokens["other_lead"]) == []
    assert await kinds(client, staff.tokens["inspector"]) == []  # handling is not the inspector's step
    overdue = await db.fetchrow(
        "SELECT urgent, params FROM notifications WHERE kind = 'deadline.overdue' LIMIT 1"
    )
    assert overdue["urgent"] is True  # overdue cuts through quiet hours
    assert overdue["params"]["step"] == "handle"


async def test_running_an_outbox_row_twice_adds_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    notifier: Notifier,
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)
    await follow(db, case_id, follower.id)
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    await notifier.run_until_idle()
    counts = await db.fetchrow(
        "SELECT (SELECT count(*) FROM notifications) AS inbox, (SELECT count(*) FROM deliveries) AS deliveries"
    )
    assert counts["inbox"] == 2

    # as if a worker had died after writing but before the row was marked done
    await db.execute("UPDATE outbox SET status = 'pending'")
    await notifier.run_until_idle()
    again = await db.fetchrow(
        "SELECT (SELECT count(*) FROM notifications) AS inbox, (SELECT count(*) FROM deliveries) AS deliveries"
    )
    assert again == counts
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE status <> 'done'") == 0


async def test_a_failing_fan_out_is_retried_then_dead_and_an_admin_replays_it(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, reporter: Citizen, notifier: Notifier
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)
    broken = await db.fetchval(
        "INSERT INTO outbox (topic, payload) VALUES ('case.transitioned', $1) RETURNING id",
        {"case_id": "not-a-uuid", "action": "register"},
    )
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")  # a good row behind the bad one

    for _ in range(100):
        await notifier.run_until_idle()
        if await db.fetchval("SELECT status FROM outbox WHERE id = $1", broken) == "dead":
            break
        await asyncio.sleep(0.05)
    row = await db.fetchrow("SELECT status, attempts, last_error FROM outbox WHERE id = $1", broken)
    assert (row["status"], row["attempts"]) == ("dead", 4)
    assert "ValueError" in row["last_error"]
    assert await kinds(client, reporter.token) == ["report.registered"]  # the good row went through

    admin = bearer(staff.tokens["admin"])
    listed = (await client.get("/v1/admin/outbox", params={"status": "dead"}, headers=admin)).json()
    assert [item["id"] for item in listed["items"]] == [broken]
    r = await client.post(f"/v1/admin/outbox/{broken}/replay", headers=admin)
    assert r.status_code == 200, r.text
    assert await db.fetchval("SELECT status FROM outbox WHERE id = $1", broken) == "pending"
    r = await client.post(f"/v1/admin/outbox/{broken}/replay", headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "not_dead")
    r = await client.post("/v1/admin/outbox/999999/replay", headers=admin)
    assert (r.status_code, r.json()["code"]) == (404, "outbox_entry_not_found")
    r = await client.get("/v1/admin/outbox", headers=bearer(staff.tokens["shift_lead"]))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'outbox.replay'") == 1
