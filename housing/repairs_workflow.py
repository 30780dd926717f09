"""Repairs and complaints (报修/投诉) as a second table on the case workflow's engine (issue 12 section 3).

reported → accepted → assigned (to the estate's property_staff) → handled → confirmed by the resident → rated.

Who takes each action (judged by the engine's access on the repair row, cases/workflow/access.py, rule "estate"):

- accept (受理) and assign (派工): the estate's property staff or manager (grants scoped to the repair's estate,
  or unscoped);
- handle (处理完成, with photos): the person it is assigned to (ASSIGNEE) only;
- confirm (确认) or send back (rework, with a note: a new round, assigned again to the same person): the resident
  who reported it (REPORTER);
- rate (评价, 1-5): the resident who reported it, once confirmed.

Steps with limits (repair_limits, per estate, kind and urgency; defaults in migration 0022): accept (respond),
assign, handle (reach and fix). The resident's confirmation and rating run on no clock.
Each transition is the engine's guarded UPDATE of `repairs`, an event in `repair_events` and an outbox row of the
topic housing.repair_transitioned (payload: repair_id, event_id, action, from, to, round).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from cases.workflow.transitions import ASSIGNEE, REPORTER, Arrival, Subject, Transition, Workflow
from notifications.topics import REPAIR_TRANSITIONED

RepairState = Literal["reported", "accepted", "assigned", "handled", "confirmed", "rated"]
RepairAction = Literal["accept", "assign", "handle", "rework", "confirm", "rate"]
RepairStep = Literal["accept", "assign", "handle"]

REPAIR_STATES: Final[tuple[RepairState, ...]] = get_args(RepairState)

#: where repairs live and how their limits and callers' scope are found (cases/workflow/transitions.Subject)
REPAIR_SUBJECT: Final = Subject(
    table="repairs",
    events="repair_events",
    deadlines="repair_deadlines",
    key="repair_id",
    limits="estate",
    scope="estate",
    settable=frozenset(
        {
            "assignee_id",
            "resume_state",
            "round",
            "accepted_at",
            "assigned_at",
            "handled_at",
            "confirmed_at",
            "rated_at",
            "rating",
            "rating_comment",
        }
    ),
)

_STAFF = frozenset({"property_staff", "property_manager"})
_ASSIGNEE = frozenset({ASSIGNEE})
_REPORTER = frozenset({REPORTER})

TRANSITIONS: Final[dict[tuple[str, str], Transition]] = {
    ("reported", "accept"): Transition(
        to="accepted",
        roles=_STAFF,
        starts="assign",
        public=True,
        stamps=frozenset({"accepted_at"}),
        done="accept",
    ),
    # the assignee (a property_staff of the estate) is checked and set by housing/repairs.py (engine `sets`)
    ("accepted", "assign"): Transition(
        to="assigned",
        roles=_STAFF,
        starts="handle",
        public=True,
        stamps=frozenset({"assigned_at"}),
        done="assign",
    ),
    ("assigned", "handle"): Transition(
        to="handled",
        roles=_ASSIGNEE,
        required=frozenset({"photo_ids"}),
        public=True,
        stamps=frozenset({"handled_at"}),
        done="handle",
    ),
    ("handled", "rework"): Transition(
        to="assigned",
        roles=_REPORTER,
        required=frozenset({"note"}),
        starts="handle",
        public=True,
        new_round=True,
        clears=frozenset({"handled_at"}),
    ),
    ("handled", "confirm"): Transition(
        to="confirmed", roles=_REPORTER, public=True, stamps=frozenset({"confirmed_at"})
    ),
    # the rating (1-5) and its comment are checked and set by housing/repairs.py (engine `sets`)
    ("confirmed", "rate"): Transition(
        to="rated", roles=_REPORTER, public=True, stamps=frozenset({"rated_at"})
    ),
}

REPAIRS: Final = Workflow(
    topic=REPAIR_TRANSITIONED,
    subject=REPAIR_SUBJECT,
    states=REPAIR_STATES,
    initial="reported",
    paused=frozenset(),
    inspector_steps=frozenset(),
    department_steps=frozenset(),
    category_steps=frozenset(),
    assignee_steps=frozenset({"handle"}),
    # a new repair waits for the property company to answer it: the accept step opens with the estate's limit
    arrivals=(Arrival(opens="accept"),),
    transitions=TRANSITIONS,
)

assert {action for _, action in TRANSITIONS} == set(get_args(RepairAction))
assert {state for state, _ in TRANSITIONS} | {t.to for t in TRANSITIONS.values()} == set(REPAIR_STATES)
