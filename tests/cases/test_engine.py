"""The engine takes its table as a parameter: a second workflow is a second table on the same guarded UPDATE,
event row and outbox row; with a Subject of its own, on rows of its own (events, deadlines, limits, scope)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import pytest

from api.settings import Settings
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.engine import TransitionRequest, apply, start
from cases.workflow.errors import ActionForbidden, TransitionNotAllowed
from cases.workflow.transitions import Arrival, Subject, Tell, Transition, Workflow
from tests.cases.workflow_fixtures import DISTRICT, caller, make_case, make_staff
from tests.housing.money_fixtures import make_estate

pytestmark = pytest.mark.usefixtures("demo_city")

#: a loop of two states: the shift lead closes a report outright (not a row of the city's table)
SHORT = Workflow(
    topic="case.transitioned",
    states=("reported", "closed"),
    initial="reported",
    paused=frozenset(),
    inspector_steps=frozenset(),
    department_steps=frozenset(),
    category_steps=frozenset(),
    arrivals=(),
    transitions={
        ("reported", "close"): Transition(
            to="closed",
            roles=frozenset({"shift_lead"}),
            public=True,
            stamps=frozenset({"closed_at"}),
            tells=(Tell("citizens", "report.closed"),),
        )
    },
)


async def test_a_second_table_runs_on_the_same_engine(db: asyncpg.Connection, settings: Settings) -> None:
    staff = await make_staff(db, settings)
    lead = caller(staff.ids["shift_lead"], ("shift_lead", "district", DISTRICT))
    case_id = await make_case(db, "reported", inspector_id=None, step="register")
    before = await db.fetchval("SELECT count(*) FROM outbox")

    # the city's table has no such row: refused, and nothing written
    with pytest.raises(TransitionNotAllowed):
        await apply(db, WorkCalendar(), lead, case_id, 1, TransitionRequest(action="close"))
    assert await db.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id) == 0
    assert await db.fetchval("SELECT count(*) FROM outbox") == before

    updated = await apply(
        db, WorkCalendar(), lead, case_id, 1, TransitionRequest(action="close"), workflow=SHORT
    )
    assert (updated["state"], updated["version"]) == ("closed", 2)
    assert updated["closed_at"] is not None  # the row stamps it
    event = await db.fetchrow(
        "SELECT id, kind, actor_id, from_state, to_state, public FROM case_events WHERE case_id = $1", case_id
    )
    assert event is not None
    assert tuple(event)[1:] == ("close", staff.ids["shift_lead"], "reported", "closed", True)
    payload = await db.fetchval(
        "SELECT payload FROM outbox WHERE topic = 'case.transitioned' AND payload->>'case_id' = $1",
        str(case_id),
    )
    assert payload == {
        "case_id": str(case_id),
        "event_id": event["id"],
        "action": "close",
        "from": "reported",
        "to": "closed",
        "round": 1,
    }
    step = await db.fetchrow("SELECT outcome, completed_by FROM case_deadlines WHERE case_id = $1", case_id)
    assert step is not None
    assert tuple(step) == ("close", staff.ids["shift_lead"])


#: the same two-state loop kept in the repairs' tables (migration 0022), judged by the estate's scope
OWN_ROWS = Workflow(
    topic="housing.repair_transitioned",
    subject=Subject(
        table="repairs",
        events="repair_events",
        deadlines="repair_deadlines",
        key="repair_id",
        limits="estate",
        scope="estate",
        settable=frozenset({"accepted_at", "resume_state", "round"}),
    ),
    states=("reported", "accepted"),
    initial="reported",
    paused=frozenset(),
    inspector_steps=frozenset(),
    department_steps=frozenset(),
    category_steps=frozenset(),
    arrivals=(Arrival(opens="accept"),),
    transitions={
        ("reported", "accept"): Transition(
            to="accepted", roles=frozenset({"property_staff"}), public=True, stamps=frozenset({"accepted_at"})
        )
    },
)


async def test_a_second_table_runs_on_rows_of_its_own(db: asyncpg.Connection, settings: Settings) -> None:
    staff = await make_staff(db, settings)
    estate = await make_estate(db, buildings=1, homes_per_building=1)
    reporter = staff.ids["shift_lead"]
    row = await db.fetchrow(
        """INSERT INTO repairs (estate_id, kind, urgency, reporter_id, description)
           VALUES ($1, 'complaint', 'emergency', $2, '夜间施工噪音') RETURNING *""",
        estate.id,
        reporter,
    )
    assert row is not None
    cases_before = [await db.fetchval(f"SELECT count(*) FROM {t}") for t in ("case_events", "case_deadlines")]
    started = await start(db, WorkCalendar(), row, reporter=reporter, workflow=OWN_ROWS)
    assert started["state"] == "reported"
    step = await db.fetchrow(
        "SELECT step, started_at, due_at FROM repair_deadlines WHERE repair_id = $1", row["id"]
    )
    assert step is not None and step["step"] == "accept"
    assert step["due_at"] - step["started_at"] == timedelta(minutes=30)  # the default limit of an emergency

    # scope "estate": a grant of the role scoped to another estate does not reach the row
    far = caller(staff.ids["dispatcher"], ("property_staff", "estate", str(uuid.uuid4())))
    with pytest.raises(ActionForbidden):
        await apply(
            db, WorkCalendar(), far, row["id"], 1, TransitionRequest(action="accept"), workflow=OWN_ROWS
        )
    near = caller(staff.ids["dispatcher"], ("property_staff", "estate", str(estate.id)))
    updated = await apply(
        db, WorkCalendar(), near, row["id"], 1, TransitionRequest(action="accept"), workflow=OWN_ROWS
    )
    assert (updated["state"], updated["version"]) == ("accepted", 2)
    assert updated["accepted_at"] is not None
    kinds = await db.fetch(
        "SELECT kind, to_state FROM repair_events WHERE repair_id = $1 ORDER BY id", row["id"]
    )
    assert [tuple(k) for k in kinds] == [("reported", "reported"), ("accept", "accepted")]
    assert (
        await db.fetchval("SELECT outcome FROM repair_deadlines WHERE repair_id = $1", row["id"]) == "accept"
    )
    assert await db.fetchval(
        "SELECT payload->>'repair_id' FROM outbox WHERE topic = 'housing.repair_transitioned'"
    ) == str(row["id"])
    # the city's tables are untouched
    assert [
        await db.fetchval(f"SELECT count(*) FROM {t}") for t in ("case_events", "case_deadlines")
    ] == cases_before
