"""Escalation of a repair or complaint to the district housing officer (督办, issue 12 section 3), through the HTTP
API: the reporter escalates (POST /v1/repairs/{id}/transitions, action escalate) only while the open step is
overdue or once they rated it unsatisfied (1-2); the repair becomes supervised, with the officer's supervise step
(3 working days by default, migration 0024), and the estate's property staff still see it; a housing officer of
the estate's district concludes it with a note (closed). Who is told, the supervise step's overdue notice, the
credit evaluation's escalation figure, and every refusal with its status, its problem code and nothing written.

The world is tests/housing/test_repairs_http.py's: residents r0 (home 0) and r1 (home 3), property staff `staff` and
`fixer` of the estate, `far_staff` of another, the district's housing officer `officer`, `far_officer` of another
district.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing import repairs
from tests.housing.money_fixtures import auth
from tests.housing.test_repairs_http import _act, _fan_out, _refused, _report, _step, _told, _world
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]


async def _overdue(db: asyncpg.Connection, repair: dict[str, Any]) -> None:
    """The repair's open step is past its due time."""
    await db.execute(
        """UPDATE repair_deadlines SET due_soon_at = now() - interval '2 minutes', due_at = now() - interval '1 minute'
           WHERE repair_id = $1 AND completed_at IS NULL""",
        UUID(repair["id"]),
    )


async def _detail(client: Client, token: str, repair: dict[str, Any]) -> dict[str, Any]:
    r = await client.get(f"/v1/repairs/{repair['id']}", headers=auth(token))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_escalation_is_refused_on_time_and_after_a_fair_rating(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    complaint = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    assert complaint["allowed_actions"] == []  # an escalation on time is not offered
    # on time, in each of the company's steps
    body = await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")
    assert body["state"] == "reported" and "escalate" not in body["allowed_actions"], body
    complaint = await _step(client, w, "staff", complaint, "accept")
    await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")
    complaint = await _step(client, w, "staff", complaint, "assign", assignee_id=str(w.ids["fixer"]))
    await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")
    # handled: no step of the company runs; confirmed: neither
    fix = await new_photo(db, w.ids["fixer"])
    complaint = await _step(client, w, "fixer", complaint, "handle", photo_ids=[str(fix)])
    await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")
    complaint = await _step(client, w, "r1", complaint, "confirm")
    await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")
    # rated 3: not unsatisfied
    complaint = await _step(client, w, "r1", complaint, "rate", rating=3)
    await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")

    # overdue, but not the reporter's: the staff, the officer, another resident
    other = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    await _overdue(db, other)
    for who in ("staff", "officer"):
        await _refused(db, _act(client, w, who, other, "escalate"), 403, "action_forbidden")
    await _refused(db, _act(client, w, "r0", other, "escalate"), 404, "repair_not_found")
    await _refused(db, _act(client, w, "r1", other, "escalate", version=7), 409, "version_conflict")
    # conclude before any escalation
    await _refused(db, _act(client, w, "officer", other, "conclude", note="x"), 409, "transition_not_allowed")


async def test_an_overdue_complaint_is_escalated_and_concluded(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    complaint = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    rid = UUID(complaint["id"])
    complaint = await _step(client, w, "staff", complaint, "accept")
    await _overdue(db, complaint)  # the assign step is late
    await _fan_out(settings)

    complaint = await _step(client, w, "r1", complaint, "escalate", note="两天没人来")
    assert complaint["state"] == "supervised"
    assert complaint["allowed_actions"] == []
    # the late step ends, late; the officer's step opens on 3 working days (21 working hours)
    steps = await db.fetch(
        "SELECT step, outcome, completed_at, due_at, started_at FROM repair_deadlines WHERE repair_id = $1 ORDER BY id",
        rid,
    )
    assert [(s["step"], s["outcome"]) for s in steps] == [
        ("accept", "accept"),
        ("assign", "escalate"),
        ("supervise", None),
    ]
    assert steps[1]["completed_at"] > steps[1]["due_at"]
    assert await db.fetchval("SELECT escalated_at IS NOT NULL FROM repairs WHERE id = $1", rid)
    # the company still sees it, as supervised; the officer sees it with conclude
    listed = (
        await client.get(
            f"/v1/estates/{w.estate.id}/repairs",
            params={"state": "supervised"},
            headers=auth(w.tokens["staff"]),
        )
    ).json()["items"]
    assert [r["id"] for r in listed] == [str(rid)]
    staff_view = await _detail(client, w.tokens["staff"], complaint)
    assert staff_view["state"] == "supervised" and staff_view["open_step"]["step"] == "supervise"
    assert staff_view["timeline"][-1]["kind"] == "escalate"
    assert (await _detail(client, w.tokens["officer"], complaint))["allowed_actions"] == ["conclude"]

    # told: the estate's staff (repair.escalated) and the district's officer (repair.supervised), not the far one
    assert await _fan_out(settings) == 1
    assert await _told(db) == sorted(
        [
            (w.ids["staff"], "repair.escalated", False),
            (w.ids["fixer"], "repair.escalated", False),
            (w.ids["officer"], "repair.supervised", False),
        ]
    )
    [item] = (await client.get("/v1/inbox", headers=auth(w.tokens["officer"]))).json()["items"]
    assert (item["title"], item["body"], item["link"]) == (
        "新的督办事项",
        "幸福小区：业主将一项投诉提请督办，请跟进并办结。",
        f"cityloop://repairs/{rid}",
    )

    # the supervise step overdue: the district's officers are told
    await _overdue(db, complaint)
    async with db.transaction():
        assert await repairs.emit_deadline_events(db) == {
            "housing.repair_due_soon": 0,
            "housing.repair_overdue": 1,
        }
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["officer"], "repair.overdue", True)]

    # conclude: the officer of the district only, with a note
    await _refused(
        db, _act(client, w, "staff", complaint, "conclude", note="已处理"), 403, "action_forbidden"
    )
    await _refused(db, _act(client, w, "r1", complaint, "conclude", note="已处理"), 403, "action_forbidden")
    await _refused(
        db, _act(client, w, "far_officer", complaint, "conclude", note="已处理"), 404, "repair_not_found"
    )
    await _refused(db, _act(client, w, "officer", complaint, "conclude"), 422, "missing_fields")
    await _refused(db, _act(client, w, "r1", complaint, "escalate"), 409, "transition_not_allowed")
    complaint = await _step(client, w, "officer", complaint, "conclude", note="已约谈物业，三日内完成")
    assert complaint["state"] == "closed" and complaint["allowed_actions"] == []
    done = await db.fetchrow(
        "SELECT completed_by, outcome FROM repair_deadlines WHERE repair_id = $1 AND step = 'supervise'", rid
    )
    assert done is not None and tuple(done) == (w.ids["officer"], "conclude")
    assert (await _detail(client, w.tokens["r1"], complaint))["open_step"] is None
    assert await _fan_out(settings) == 1
    assert await _told(db) == [(w.ids["r1"], "repair.concluded", False)]
    await db.execute("UPDATE users SET locale = 'en' WHERE id = $1", w.ids["r1"])
    inbox = (
        await client.get(
            "/v1/inbox",
            headers=auth(w.tokens["r1"]),
        )
    ).json()["items"]
    assert inbox[0]["kind"] == "repair.concluded"
    await _refused(
        db, _act(client, w, "officer", complaint, "conclude", note="again"), 409, "transition_not_allowed"
    )


async def test_an_unsatisfied_rating_is_escalated(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    repair = await _report(client, w)  # r0's home repair
    repair = await _step(client, w, "staff", repair, "accept")
    repair = await _step(client, w, "staff", repair, "assign", assignee_id=str(w.ids["fixer"]))
    fix = await new_photo(db, w.ids["fixer"])
    repair = await _step(client, w, "fixer", repair, "handle", photo_ids=[str(fix)])
    repair = await _step(client, w, "r0", repair, "confirm")
    repair = await _step(client, w, "r0", repair, "rate", rating=2, comment="态度差")
    assert repair["allowed_actions"] == ["escalate"]
    repair = await _step(client, w, "r0", repair, "escalate")
    assert (repair["state"], repair["rating"], repair["rating_comment"]) == ("supervised", 2, "态度差")
    assert (await _detail(client, w.tokens["officer"], repair))["open_step"]["step"] == "supervise"
    repair = await _step(client, w, "officer", repair, "conclude", note="已督促返工")
    assert (repair["state"], repair["rating"]) == ("closed", 2)


async def test_the_credit_counts_escalated_complaints(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await _world(db, settings)
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    escalated = await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    await _report(client, w, "r1", kind="complaint", home_id=None, urgency="ordinary")
    repair = await _report(client, w)  # an escalated repair is not a complaint: not counted
    for row in (escalated, repair):
        await _overdue(db, row)
        who = "r0" if row is repair else "r1"
        assert (await _detail(client, w.tokens[who], row))["allowed_actions"] == ["escalate"]
        await _step(client, w, "r0" if row is repair else "r1", row, "escalate")
    r = await client.get(
        f"/v1/estates/{w.estate.id}/credit", params={"month": month}, headers=auth(w.tokens["officer"])
    )
    assert r.status_code == 200, r.text
    figure = r.json()["figures"]["escalation_rate"]
    assert (figure["numerator"], figure["denominator"], figure["value"]) == (1, 2, 0.5)
    # the escalated steps count as due and late in the on-time rate; the officer's steps do not count
    on_time = r.json()["figures"]["on_time_rate"]
    assert on_time["numerator"] == 0 and on_time["denominator"] == 2, on_time
