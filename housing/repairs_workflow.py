"""Repairs and complaints (报修/投诉) as a second table on the case workflow's engine (issue 12 section 3).

reported → accepted → assigned (to the estate's property_staff) → handled → confirmed by the resident → rated.

Who takes each action (judged by the engine's access on the repair row, cases/workflow/access.py, rule "estate"):

- accept (受理) and assign (派工): the estate's property staff or manager (grants scoped to the repair's estate,
  or unscoped);
- handle (处理完成, with photos): the person it is assigned to (ASSIGNEE) only; a home repair's charge, if it is
  paid, is recorded with it (housing/repair_bills.py);
- confirm (确认) or send back (rework, with a note: a new round, assigned again to the same person, the charge
  cleared): the resident who reported it (REPORTER); confirming a charged repair bills the home;
- rate (评价, 1-5): the resident who reported it, once confirmed;
- escalate (督办, issue 12 section 3): the resident who reported it, to the district's housing officer, while the
  open step (accept, assign, handle) is past its due time (the engine's guard `until_overdue`), or once rated
  unsatisfied (1-2: the guard refuses a rating of 3 or more). The open step ends, counted as due and late
  (`done`), and the step `supervise` opens (repair_limits, default 3 working days, migration 0024);
  the company still sees the repair, in the state `supervised`;
- conclude (办结, with a note): a housing officer of the estate's district (a grant scoped to the district, read
  by the engine's access on the repair row's district_code), to `closed`.

Steps with limits (repair_limits, per estate, kind and urgency; defaults in migrations 0022 and 0024): accept
(respond), assign, handle (reach and fix), supervise (the officer's). The resident's confirmation and rating run on no clock.
Each transition is the engine's guarded UPDATE of `repairs`, an event in `repair_events` and an outbox row of the
topic housing.repair_transitioned (payload: repair_id, event_id, action, from, to, round).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from cases.workflow.transitions import (
    ASSIGNEE,
    REPORTER,
    Arrival,
    Condition,
    Guard,
    Subject,
    Transition,
    Workflow,
)
from notifications.topics import REPAIR_TRANSITIONED

RepairState = Literal[
    "reported", "accepted", "assigned", "handled", "confirmed", "rated", "supervised", "closed"
]
RepairAction = Literal["accept", "assign", "handle", "rework", "confirm", "rate", "escalate", "conclude"]
RepairStep = Literal["accept", "assign", "handle", "supervise"]

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
            "escalated_at",
            "concluded_at",
            "charge_fen",
            "charge_lines",
        }
    ),
)

_STAFF = frozenset({"property_staff", "property_manager"})
_ASSIGNEE = frozenset({ASSIGNEE})
_REPORTER = frozenset({REPORTER})
_OFFICER = frozenset({"housing_officer"})

#: an escalation while the company's step runs: only once that step is overdue
_OVERDUE_ONLY = Guard(
    None, "only a repair whose current step is overdue can be escalated", until_overdue=True
)
#: an escalation after the rating: only an unsatisfied one (1-2)
_UNSATISFIED_ONLY = Guard(
    Condition("rating", 3, op="ge"), "only a repair rated unsatisfied (1 or 2) can be escalated"
)


def _escalate(step: str | None, guard: Guard) -> Transition:
    """Escalation (督办) to the district's housing officer: the open step (if any) ends, counted for the credit's
    on-time rate as due (and, being overdue, late), and the officer's step opens."""
    return Transition(
        to="supervised",
        roles=_REPORTER,
        starts="supervise",
        public=True,
        stamps=frozenset({"escalated_at"}),
        guard=guard,
        done=step,
    )


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
        # the fix sent back takes its charge with it: the next fix records its own
        clears=frozenset({"handled_at", "charge_fen", "charge_lines"}),
    ),
    # confirming a paid home repair accepts its charge: housing/repairs.py bills the home in the same transaction
    ("handled", "confirm"): Transition(
        to="confirmed", roles=_REPORTER, public=True, stamps=frozenset({"confirmed_at"})
    ),
    # the rating (1-5) and its comment are checked and set by housing/repairs.py (engine `sets`)
    ("confirmed", "rate"): Transition(
        to="rated", roles=_REPORTER, public=True, stamps=frozenset({"rated_at"})
    ),
    # 督办: the resident escalates an overdue repair, or an unsatisfied rating; the district's officer concludes
    ("reported", "escalate"): _escalate("accept", _OVERDUE_ONLY),
    ("accepted", "escalate"): _escalate("assign", _OVERDUE_ONLY),
    ("assigned", "escalate"): _escalate("handle", _OVERDUE_ONLY),
    ("rated", "escalate"): _escalate(None, _UNSATISFIED_ONLY),
    ("supervised", "conclude"): Transition(
        to="closed",
        roles=_OFFICER,
        required=frozenset({"note"}),
        public=True,
        stamps=frozenset({"concluded_at"}),
        done="supervise",
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
