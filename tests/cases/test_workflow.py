"""The workflow table, pair by pair, through the API; refusals name what is possible; concurrency."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.engine import TransitionRequest, apply
from cases.workflow.errors import TransitionNotAllowed
from cases.workflow.transitions import ACTIONS, STATES
from tests.cases.workflow_fixtures import caller, fields_for, make_case, make_photo, make_staff
from tests.cases.workflow_golden import GOLDEN, SYSTEM
from tests.identity.helpers import bearer

pytestmark = pytest.mark.usefixtures("demo_city")

HUMAN_PAIRS = sorted((s, a) for (s, a), row in GOLDEN.items() if row.roles - {SYSTEM})


def _role(transition_roles: frozenset[str]) -> str:
    for role in ("inspector", "department_handler", "dispatcher", "shift_lead", "intake_clerk"):
        if role in transition_roles:
            return role
    raise AssertionError(transition_roles)


@pytest.mark.parametrize(("state", "action"), HUMAN_PAIRS, ids=[f"{s}-{a}" for s, a in HUMAN_PAIRS])
async def test_every_transition_of_the_table(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, state: str, action: str
) -> None:
    transition = GOLDEN[(state, action)]
    staff = await make_staff(db, settings)
    role = _role(transition.roles)
    case_id = await make_case(db, state, inspector_id=staff.ids["inspector"], resume_state="dispatched")
    if action == "register" and state == "reported":
        await db.execute("UPDATE cases SET needs_verification = false WHERE id = $1", case_id)
    if action == "approve_extension":
        await db.execute(
            "INSERT INTO case_events (case_id, kind, data) VALUES ($1, 'request_extension', $2)",
            case_id,
            {"new_deadline": "2030-01-01T00:00:00+00:00"},
        )
    photo = await make_photo(db, staff.ids[role])
    body = {"action": action, **fields_for(transition.required, photo)}
    events_before = await db.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id)

    r = await client.post(
        f"/v1/cases/{case_id}/transitions", json=body, headers={**bearer(staff.tokens[role]), "If-Match": "1"}
    )
    assert r.status_code == 200, r.text
    expected = "dispatched" if transition.to == "resume" else transition.to
    if action == "handle":
        expected = "checking"  # the fix goes straight to the inspector for a check
    assert r.json()["case"]["state"] == expected
    assert r.json()["case"]["version"] >= 2
    event = await db.fetchrow(
        "SELECT kind, from_state, to_state, actor_id, public FROM case_events WHERE case_id = $1 AND kind = $2",
        case_id,
        action,
    )
    assert event["from_state"] == state
    assert event["actor_id"] == staff.ids[role]
    assert event["public"] == transition.public
    assert await db.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id) > events_before
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE payload->>'case_id' = $1", str(case_id)) >= 1
    open_steps = await db.fetch(
        "SELECT step FROM case_deadlines WHERE case_id = $1 AND completed_at IS NULL", case_id
    )
    if transition.starts:
        assert [s["step"] for s in open_steps] == ["check" if action == "handle" else transition.starts]


async def test_every_pair_outside_the_table_is_refused(db: asyncpg.Connection, settings: Settings) -> None:
    staff = await make_staff(db, settings)
    roles = ("intake_clerk", "shift_lead", "dispatcher", "department_handler", "inspector")
    everyone = caller(staff.ids["shift_lead"], *roles)
    refused = 0
    for state in STATES:
        case_id = await make_case(db, state, inspector_id=staff.ids["inspector"], step=None)
        for action in sorted(ACTIONS):
            if (state, action) in GOLDEN:
                continue
            with pytest.raises(TransitionNotAllowed) as caught:
                await apply(db, WorkCalendar(), everyone, case_id, None, TransitionRequest(action=action))  # type: ignore[arg-type]
            assert caught.value.context["state"] == state
            refused += 1
        assert await db.fetchval("SELECT state FROM cases WHERE id = $1", case_id) == state
    assert refused == len(STATES) * len(ACTIONS) - len(GOLDEN)
    assert await db.fetchval("SELECT count(*) FROM case_events") == 0


async def test_wrong_role_is_403_and_wrong_state_is_409_both_naming_the_actions(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    staff = await make_staff(db, settings)
    case_id = await make_case(db, "registered", inspector_id=staff.ids["inspector"], step="dispatch")
    headers = {"If-Match": "1"}
    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json={"action": "dispatch", "department": "municipal"},
        headers={**bearer(staff.tokens["department_handler"]), **headers},
    )
    assert r.status_code == 403
    assert r.json()["code"] == "action_forbidden"
    assert r.json()["allowed_actions"] == []
    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json={"action": "close"},
        headers={**bearer(staff.tokens["shift_lead"]), **headers},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "transition_not_allowed"
    assert r.json()["state"] == "registered"
    assert r.json()["allowed_actions"] == ["defer", "park", "void"]
    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json={"action": "fly"},
        headers={**bearer(staff.tokens["shift_lead"]), **headers},
    )
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")  # actions are an enum
    assert await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id) == 1


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        ({"action": "dispatch"}, {"If-Match": "1"}, 422, "missing_fields"),
        ({"action": "dispatch", "department": "nowhere"}, {"If-Match": "1"}, 422, "unknown_department"),
        ({"action": "dispatch", "department": "municipal"}, {}, 428, "precondition_required"),
        ({"action": "dispatch", "department": "municipal"}, {"If-Match": "abc"}, 400, "invalid_if_match"),
        ({"action": "dispatch", "department": "municipal"}, {"If-Match": "7"}, 409, "version_conflict"),
        (
            {"action": "dispatch", "department": "municipal", "extra": 1},
            {"If-Match": "1"},
            422,
            "validation_failed",
        ),
        ({"action": 12}, {"If-Match": "1"}, 422, "validation_failed"),
    ],
)
async def test_bad_transition_requests_change_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    staff = await make_staff(db, settings)
    case_id = await make_case(db, "registered", inspector_id=staff.ids["inspector"], step="dispatch")
    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json=body,
        headers={**bearer(staff.tokens["dispatcher"]), **headers},
    )
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    row = await db.fetchrow("SELECT state, version, department_code FROM cases WHERE id = $1", case_id)
    assert (row["state"], row["version"], row["department_code"]) == ("registered", 1, "sanitation")
    assert await db.fetchval("SELECT count(*) FROM case_events") == 0
    assert await db.fetchval("SELECT count(*) FROM outbox") == 0
    if code == "version_conflict":
        assert r.json()["version"] == 1
        assert r.json()["state"] == "registered"


async def test_two_dispatchers_at_once_exactly_one_wins(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    staff = await make_staff(db, settings)
    case_id = await make_case(db, "registered", inspector_id=staff.ids["inspector"], step="dispatch")

    async def dispatch(department: str) -> Any:
        return await client.post(
            f"/v1/cases/{case_id}/transitions",
            json={"action": "dispatch", "department": department},
            headers={**bearer(staff.tokens["dispatcher"]), "If-Match": "1"},
        )

    results = await asyncio.gather(dispatch("municipal"), dispatch("water"))
    assert sorted(r.status_code for r in results) == [200, 409]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["code"] in ("version_conflict", "transition_not_allowed")
    assert loser.json()["state"] == "dispatched"
    assert await db.fetchval("SELECT count(*) FROM case_events WHERE kind = 'dispatch'") == 1


async def test_scope_a_department_sees_only_its_cases(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    staff = await make_staff(db, settings)
    mine = await make_case(db, "dispatched", inspector_id=None, step="accept")
    other = await make_case(db, "dispatched", inspector_id=None, department="water", step="accept")
    page = (await client.get("/v1/cases", headers=bearer(staff.tokens["department_handler"]))).json()
    assert [c["id"] for c in page["items"]] == [str(mine)]
    # another department's case: neither in the queue nor open to its actions
    r = await client.post(
        f"/v1/cases/{other}/transitions",
        json={"action": "accept"},
        headers={**bearer(staff.tokens["department_handler"]), "If-Match": "1"},
    )
    assert r.status_code == 403
    detail = (
        await client.get(f"/v1/cases/{other}", headers=bearer(staff.tokens["department_handler"]))
    ).json()
    assert detail["view"] == "public"
    assert "history" not in detail


async def test_queue_filters_and_cursor(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    staff = await make_staff(db, settings)
    ids = [await make_case(db, "registered", inspector_id=None, step="dispatch") for _ in range(5)]
    await db.execute(
        "UPDATE case_deadlines SET due_at = now() - interval '1 hour' WHERE case_id = ANY($1::uuid[])",
        ids[:3],
    )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"overdue": "true", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (
            await client.get("/v1/cases", params=params, headers=bearer(staff.tokens["dispatcher"]))
        ).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(str(i) for i in ids[:3])
    assert len(seen) == 3
    r = await client.get("/v1/cases", params={"state": "flying"}, headers=bearer(staff.tokens["dispatcher"]))
    assert r.status_code == 422
    r = await client.get("/v1/cases", params={"cursor": "%%%"}, headers=bearer(staff.tokens["dispatcher"]))
    assert r.status_code == 422
    r = await client.get("/v1/cases", headers=bearer(staff.tokens["dispatcher"]) | {})
    assert r.status_code == 200


async def test_bulk_dispatch_each_item_on_its_own(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    staff = await make_staff(db, settings)
    good = await make_case(db, "registered", inspector_id=None, step="dispatch")
    stale = await make_case(db, "registered", inspector_id=None, step="dispatch")
    closed = await make_case(db, "closed", inspector_id=None, step=None)
    items = [
        {"case_id": str(good), "version": 1, "action": "dispatch", "department": "municipal"},
        {"case_id": str(stale), "version": 5, "action": "dispatch", "department": "municipal"},
        {"case_id": str(closed), "version": 1, "action": "dispatch", "department": "municipal"},
        {"case_id": str(uuid.uuid4()), "version": 1, "action": "dispatch", "department": "municipal"},
    ]
    r = await client.post(
        "/v1/cases/bulk-transitions", json={"items": items}, headers=bearer(staff.tokens["dispatcher"])
    )
    assert r.status_code == 200
    body = r.json()
    assert [x["status"] for x in body["results"]] == [200, 409, 409, 404]
    assert [x.get("code") for x in body["results"]] == [
        None,
        "version_conflict",
        "transition_not_allowed",
        "case_not_found",
    ]
    assert (body["succeeded"], body["failed"]) == (1, 3)
    assert await db.fetchval("SELECT state FROM cases WHERE id = $1", good) == "dispatched"
    assert await db.fetchval("SELECT state FROM cases WHERE id = $1", stale) == "registered"
    r = await client.post(
        "/v1/cases/bulk-transitions",
        json={"items": items},
        headers=bearer(staff.tokens["department_handler"]),
    )
    assert r.status_code == 403


async def test_a_departments_overdue_queue(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    staff = await make_staff(db, settings)
    ours = [await make_case(db, "accepted", inspector_id=None, step="handle") for _ in range(3)]
    theirs = await make_case(db, "accepted", inspector_id=None, department="water", step="handle")
    on_time = await make_case(db, "accepted", inspector_id=None, step="handle")
    await db.execute(
        "UPDATE case_deadlines SET department_code = c.department_code, due_at = now() - interval '1 hour' * n.n "
        "FROM cases c, (SELECT unnest($1::uuid[]) AS id, generate_series(1, $2) AS n) n "
        "WHERE case_deadlines.case_id = c.id AND c.id = n.id",
        [*ours, theirs],
        len(ours) + 1,
    )
    await db.execute("UPDATE case_deadlines SET department_code = 'sanitation' WHERE case_id = $1", on_time)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"overdue": "true", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (
            await client.get("/v1/cases", params=params, headers=bearer(staff.tokens["department_handler"]))
        ).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    # most overdue first: ours[2] is 3 hours late, ours[0] 1 hour
    assert seen == [str(ours[2]), str(ours[1]), str(ours[0])]
