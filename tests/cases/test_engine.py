"""The engine takes its table as a parameter: a second workflow is a second table on the same guarded UPDATE,
event row and outbox row."""

from __future__ import annotations

import asyncpg
import pytest

from api.settings import Settings
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.engine import TransitionRequest, apply
from cases.workflow.errors import TransitionNotAllowed
from cases.workflow.transitions import Tell, Transition, Workflow
from tests.cases.workflow_fixtures import DISTRICT, caller, make_case, make_staff

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
