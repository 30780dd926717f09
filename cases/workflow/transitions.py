"""The closed loop of a case as a table: (state, action) -> a row saying everything the action does.

collect → register → dispatch → handle → feed back → verify on site and close → evaluate (DOMAIN.md §1).
Two states are added to the list in the issue, `verified` and `checked`: each step is owned by one role, so
every hand-over from one role to the next is a state of its own (the inspector's finding waits for the shift
lead in `verified`; a passed check waits for closure in `checked`).

A row (`Transition`) names the next state, the roles that may act, the fields the action needs, the step it
ends and the one it starts, whether citizens see it, and its effects: the columns it stamps or clears, what
the system does next on its own (`follows`), what refuses it (`guard`), who is told (`tells`, read by
notifications/fanout.py) and whether the step it ends counts as done for the indicators (`done`, read by
cases/stats/indicators.py). `CASES` is the table with its states and how a new case enters (`arrivals`, for
the engine's intake). The engine (cases/workflow/engine.py) takes a Workflow and knows no action by name: it applies a row
as one guarded UPDATE on (state, version), the case event and the outbox row, in the caller's transaction. An
unknown (state, action) pair is refused, never logged and let through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, get_args
from uuid import UUID

import msgspec

from notifications.topics import CASE_TRANSITIONED, Topic

State = Literal[
    "reported",
    "verifying",
    "verified",
    "registered",
    "rejected",
    "dispatched",
    "accepted",
    "extension_requested",
    "handled",
    "checking",
    "checked",
    "closed",
    "deferred",
    "parked",
    "voided",
]


STATES: Final[tuple[State, ...]] = get_args(State)


FINISHED: Final[frozenset[str]] = frozenset({"closed", "rejected", "voided"})


PAUSED: Final[frozenset[str]] = frozenset({"deferred", "parked"})


Action = Literal[
    "accept",
    "approve_extension",
    "check_pass",
    "close",
    "defer",
    "deny_extension",
    "dispatch",
    "handle",
    "not_found",
    "park",
    "reassign",
    "register",
    "reject",
    "reopen",
    "request_extension",
    "resume",
    "return",
    "rework",
    "send_to_check",
    "send_to_verify",
    "verify",
    "void",
]


Step = Literal["verify", "register", "dispatch", "accept", "handle", "check", "close"]


Field = Literal["note", "photo_ids", "department", "new_deadline"]


#: The pseudo-role of the system's own actions (routing, automatic hand-overs, reopening on a rating).
SYSTEM: Final = "system"


class System(msgspec.Struct, frozen=True):
    """The system acting on its own (SYSTEM): nobody's action (`acting_for` None), or in a person's name (the
    event's actor: the inspector whose patrol report it registers). It holds no grants."""

    acting_for: UUID | None = None


#: Pseudo-roles judged on the subject row itself (cases/workflow/access.py): its reporter, the person it is
#: assigned to.
REPORTER: Final = "reporter"
ASSIGNEE: Final = "assignee"


#: The `to` of a row that returns the case to the state it was paused in.
RESUME: Final = "resume"


#: Who is told of a transition (notifications/fanout.py finds the people): the case's reporters and followers,
#: the case's inspector (the task is theirs), the handlers scoped to the case's department.
Audience = Literal["citizens", "inspector", "department"]


#: Columns of the subject a transition stamps with its time, or clears (cases/workflow/store/__init__.py holds, per
#: subject table, the columns the guarded UPDATE may set).
Column = str


#: Fields of the request a transition applies to the case when they are given (never required).
Taken = Literal["urgent"]


class Condition(msgspec.Struct, frozen=True):
    """A condition on the case row, as data: its `column` holds `value` (op "eq"), or is a number at least `value`
    (op "ge"; a null never is). Guards refuse on one, follow-ups and arrivals wait for one."""

    column: str
    value: str | bool | int
    op: Literal["eq", "ge"] = "eq"


#: a citizen's report of a category that needs 核实 (the intake stores it on the case)
NEEDS_VERIFICATION: Final = Condition("needs_verification", True)


#: an inspector's own patrol report (巡查上报)
FROM_PATROL: Final = Condition("source", "inspector")


class Tell(msgspec.Struct, frozen=True):
    """Who is told of a transition and with which inbox message (notifications/texts.py renders the kind)."""

    audience: Audience
    kind: str
    arriving: str | None = None  # only when the case arrives in this state (a resumption lands anywhere)


class Guard(msgspec.Struct, frozen=True):
    """The transition is refused (transition_not_allowed) while the condition holds of the case, or, with
    `until_overdue`, while the case's open step is not yet past its due time (or no step is open)."""

    unless: Condition | None
    refusal: str
    until_overdue: bool = False


class Follow(msgspec.Struct, frozen=True):
    """An action the system takes next on its own, when `when` holds of the case (always when None) and it can:
    an action that starts an inspector's step waits for a person when no inspector is on duty."""

    action: str
    when: Condition | None = None
    acting_for_reporter: bool = False  # taken in the reporter's name (the event's actor), not anonymously
    note: str = ""  # the event's note


class Arrival(msgspec.Struct, frozen=True):
    """How a new case enters the workflow (engine.intake): the first arrival whose condition holds of the case
    (always when None) and whose follow-up can be taken opens its step, then takes its follow-up."""

    when: Condition | None = None
    opens: str | None = None  # a step (Step for the city's cases)
    then: Follow | None = None


class Transition(msgspec.Struct, frozen=True, kw_only=True):
    """One row of a workflow: where an action leads, who may take it, and everything it does besides."""

    to: str  # a State, or RESUME for the state the case was paused in
    roles: frozenset[str]
    required: frozenset[Field] = frozenset()  # "department" in it: the case goes to that department
    completes: bool = True  # the open step ends (done) with this action
    starts: str | None = None  # the step that begins (Step for the city's cases)
    public: bool = False  # shown on the citizens' timeline
    stamps: frozenset[Column] = frozenset()  # set to the time of the action
    clears: frozenset[Column] = frozenset()  # set to null
    new_round: bool = False  # a new round of the loop begins (round + 1)
    takes: frozenset[Taken] = frozenset()  # request fields applied to the case when given
    releases_department: bool = False  # the case leaves its department's views until dispatched again
    records: frozenset[Field] = frozenset()  # request fields kept in the event's (staff) data
    extends: str | None = None  # applies the new_deadline the last event of this action asked for
    guard: Guard | None = None
    follows: Follow | None = None
    tells: tuple[Tell, ...] = ()
    done: str | None = None  # indicators count the step that ends as done (its own job was done)


#: The tables a workflow may keep its rows in: a fixed whitelist, never read from input. A subject table (the
#: rows that move through the states), its events table and its deadlines table, and the column of the latter two
#: that names the subject.
SubjectTable = Literal["cases", "repairs"]
EventsTable = Literal["case_events", "repair_events"]
DeadlinesTable = Literal["case_deadlines", "repair_deadlines"]
SubjectKey = Literal["case_id", "repair_id"]


#: How a step's limit is found (cases/workflow/engine.py, store.step_limit): "city": the case's category for the
#: workflow's category_steps, else the step's row of step_limits; "estate": the repair_limits row of the subject's
#: estate, kind, urgency and step, else the default row (estate_id NULL) of that kind, urgency and step.
LimitRule = Literal["city", "estate"]


#: How a caller's scope over one subject row is judged (cases/workflow/access.py): "city": districts,
#: departments and the case's inspector; "estate": grants scoped to the row's estate_id (or unscoped), and the
#: pseudo-roles REPORTER and ASSIGNEE judged on the row's reporter_id and assignee_id.
ScopeRule = Literal["city", "estate"]


class Subject(msgspec.Struct, frozen=True, kw_only=True):
    """Where a workflow keeps its rows, and how its limits and its callers' scope are found: data, for the engine's
    statements (cases/workflow/store/__init__.py) and for access (cases/workflow/access.py)."""

    table: SubjectTable
    events: EventsTable
    deadlines: DeadlinesTable
    key: SubjectKey  # the events' and deadlines' column naming the subject, and the outbox payload's member
    limits: LimitRule
    scope: ScopeRule
    #: the columns the guarded UPDATE may set besides state and version: chosen by the workflow's rows and the
    #: engine (stamps, takes, assignments), never by input
    settable: frozenset[str]


#: the city's cases (数字城管)
CITY: Final = Subject(
    table="cases",
    events="case_events",
    deadlines="case_deadlines",
    key="case_id",
    limits="city",
    scope="city",
    settable=frozenset(
        {"department_code", "inspector_id", "resume_state", "round", "registered_at", "closed_at", "urgent"}
    ),
)


class Workflow(msgspec.Struct, frozen=True, kw_only=True):
    """A closed loop as data, for the engine (cases/workflow/engine.py): states, rows, how a case enters, its topic,
    and where its rows live (`subject`).

    The engine knows no action by name and no table by name: a second loop (property repairs) is a second Workflow
    with a Subject of its own."""

    topic: Topic  # the outbox topic of its transitions (notifications/topics.py)
    subject: Subject = CITY
    states: tuple[str, ...]
    initial: str
    paused: frozenset[str]  # the clock stops; RESUME returns to the state paused in
    inspector_steps: frozenset[str]  # steps assigned to the case's inspector (one must be on duty)
    department_steps: frozenset[str]  # steps of the department the case is dispatched to
    category_steps: frozenset[str]  # steps whose limit the case's category sets (urgent or normal hours)
    assignee_steps: frozenset[str] = frozenset()  # steps whose deadline is the subject's assignee_id's
    arrivals: tuple[Arrival, ...]
    transitions: Mapping[tuple[str, str], Transition]


def _t(
    to: str,
    roles: set[str],
    required: set[Field] | None = None,
    *,
    starts: Step | None = None,
    completes: bool = True,
    public: bool = False,
    **effects: Any,
) -> Transition:
    return Transition(
        to=to,
        roles=frozenset(roles),
        required=frozenset(required or ()),
        starts=starts,
        completes=completes,
        public=public,
        **effects,
    )


_CLERKS = {"intake_clerk", "shift_lead"}


_LEAD = {"shift_lead"}


_DISPATCH = {"dispatcher"}


_DEPT = {"department_handler"}


_INSPECTOR = {"inspector"}


_PAUSABLE: tuple[State, ...] = ("registered", "dispatched", "accepted", "extension_requested")


_VOIDABLE: tuple[State, ...] = (
    "reported",
    "verifying",
    "verified",
    "registered",
    "dispatched",
    "accepted",
    "extension_requested",
    "handled",
    "checking",
    "checked",
    "deferred",
    "parked",
)


def _citizens(kind: str) -> Tell:
    return Tell("citizens", kind)


#: every arrival in `dispatched` tells the department's handlers: a new case to accept (签收)
_TO_DEPARTMENT = Tell("department", "case.dispatched")


#: what a registration (立案) does, from any state
_REGISTER: Final[dict[str, Any]] = {
    "starts": "dispatch",
    "public": True,
    "stamps": frozenset({"registered_at"}),
    "takes": frozenset({"urgent"}),
    "tells": (_citizens("report.registered"),),
    "done": "register",
}


#: a fix (处置) goes to the grid's inspector for a check on site (核查), when one is on duty
_HANDLE: Final[dict[str, Any]] = {
    "public": True,
    "follows": Follow("send_to_check"),
    "done": "handle",
}


_REJECTED = (_citizens("report.rejected"),)


TRANSITIONS: Final[dict[tuple[str, str], Transition]] = {
    # collect and verify (核实)
    ("reported", "send_to_verify"): _t(
        "verifying", _CLERKS | {SYSTEM}, starts="verify", tells=(Tell("inspector", "task.verify"),)
    ),
    # the system registers an inspector's own patrol report (巡查上报) in the inspector's name (ARRIVALS)
    ("reported", "register"): _t(
        "registered",
        _LEAD | {SYSTEM},
        guard=Guard(NEEDS_VERIFICATION, "this case must be verified on site before it is registered"),
        **_REGISTER,
    ),
    ("reported", "reject"): _t("rejected", _CLERKS, {"note"}, public=True, tells=_REJECTED),
    ("verifying", "verify"): _t("verified", _INSPECTOR, {"photo_ids"}, starts="register", done="verify"),
    ("verifying", "not_found"): _t(
        "rejected", _INSPECTOR, {"note", "photo_ids"}, public=True, tells=_REJECTED, done="verify"
    ),
    ("verified", "register"): _t("registered", _LEAD, **_REGISTER),
    ("verified", "reject"): _t("rejected", _LEAD, {"note"}, public=True, tells=_REJECTED),
    # dispatch (派遣) and handle (处置)
    ("registered", "dispatch"): _t(
        "dispatched",
        _DISPATCH,
        {"department"},
        starts="accept",
        public=True,
        tells=(_TO_DEPARTMENT, _citizens("report.dispatched")),
        done="dispatch",
    ),
    ("dispatched", "reassign"): _t(
        "dispatched", _DISPATCH, {"department"}, starts="accept", tells=(_TO_DEPARTMENT,)
    ),
    ("dispatched", "return"): _t("registered", _DEPT, {"note"}, starts="dispatch", releases_department=True),
    ("dispatched", "accept"): _t("accepted", _DEPT, starts="handle", public=True),
    ("accepted", "handle"): _t("handled", _DEPT, {"photo_ids"}, **_HANDLE),
    ("accepted", "request_extension"): _t(
        "extension_requested",
        _DEPT,
        {"note", "new_deadline"},
        completes=False,
        records=frozenset({"new_deadline"}),
    ),
    ("extension_requested", "approve_extension"): _t(
        "accepted", _DISPATCH | _LEAD, completes=False, public=True, extends="request_extension"
    ),
    ("extension_requested", "deny_extension"): _t("accepted", _DISPATCH | _LEAD, {"note"}, completes=False),
    ("extension_requested", "handle"): _t("handled", _DEPT, {"photo_ids"}, **_HANDLE),
    # check on site (核查) and close (结案)
    ("handled", "send_to_check"): _t(
        "checking", _CLERKS | {SYSTEM}, starts="check", tells=(Tell("inspector", "task.check"),)
    ),
    ("checking", "check_pass"): _t("checked", _INSPECTOR, {"photo_ids"}, starts="close", done="check"),
    ("checking", "rework"): _t(
        "dispatched",
        _INSPECTOR | _LEAD,
        {"note", "photo_ids"},
        starts="accept",
        public=True,
        tells=(_TO_DEPARTMENT,),
        done="check",  # a failed check is a check done
    ),
    ("checked", "close"): _t(
        "closed",
        _LEAD,
        public=True,
        stamps=frozenset({"closed_at"}),
        tells=(_citizens("report.closed"),),
        done="close",
    ),
    ("checked", "rework"): _t(
        "dispatched", _LEAD, {"note"}, starts="accept", public=True, tells=(_TO_DEPARTMENT,)
    ),
    # after closure: "not fixed" from the reporter, or the shift lead, opens a new round
    ("closed", "reopen"): _t(
        "dispatched",
        _LEAD | {SYSTEM},
        {"note"},
        starts="accept",
        public=True,
        new_round=True,
        clears=frozenset({"closed_at"}),
        tells=(_TO_DEPARTMENT, _citizens("report.reopened")),
    ),
    # side states: deferral and parking stop the clock, voiding ends a case that should not exist
    **{(s, "defer"): _t("deferred", _LEAD, {"note"}, completes=False, public=True) for s in _PAUSABLE},
    **{(s, "park"): _t("parked", _LEAD, {"note"}, completes=False, public=True) for s in _PAUSABLE},
    **{
        (s, "resume"): _t(
            RESUME,
            _LEAD,
            completes=False,
            public=True,
            tells=(Tell("department", "case.dispatched", arriving="dispatched"),),
        )
        for s in ("deferred", "parked")
    },
    **{(s, "void"): _t("voided", _LEAD, {"note"}, public=True) for s in _VOIDABLE},
}


CASES: Final = Workflow(
    topic=CASE_TRANSITIONED,
    subject=CITY,
    states=STATES,
    initial="reported",
    paused=PAUSED,
    inspector_steps=frozenset({"verify", "check"}),
    department_steps=frozenset({"accept", "handle"}),
    category_steps=frozenset(
        {"handle"}
    ),  # 处置 limits per category (DOMAIN.md section 2); others: step_limits
    arrivals=(
        # an inspector's own report needs no 核实: its registration step opens and is taken at once, in the
        # inspector's name (DOMAIN.md section 1), so that it counts, on time, in 按时立案率
        Arrival(
            when=FROM_PATROL,
            opens="register",
            then=Follow("register", acting_for_reporter=True, note="patrol report"),
        ),
        # a citizen's report is verified on site first by the grid's inspector on duty, when there is one
        Arrival(when=NEEDS_VERIFICATION, then=Follow("send_to_verify")),
        # else it waits for registration (立案), in the intake queue when it needs verification
        Arrival(opens="register"),
    ),
    transitions=TRANSITIONS,
)


ACTIONS: Final[frozenset[str]] = frozenset(action for _, action in TRANSITIONS)


assert set(get_args(Action)) == ACTIONS, "the Action literal names exactly the actions of the table"


def actions_from(state: str, roles: frozenset[str] | set[str] | None = None) -> list[str]:
    """The actions possible in a state (for the given roles, or for anyone), sorted."""
    return sorted(
        action
        for (from_state, action), t in TRANSITIONS.items()
        if from_state == state and (roles is None or t.roles & set(roles))
    )


def done_outcomes(workflow: Workflow) -> dict[str, tuple[str, ...]]:
    """step -> the actions that end it with its own job done (the rows' `done`), for the indicators."""
    done: dict[str, tuple[str, ...]] = {}
    for (_, action), t in workflow.transitions.items():
        if t.done is not None and action not in done.get(t.done, ()):
            done[t.done] = (*done.get(t.done, ()), action)
    return done


def message_kinds(workflow: Workflow) -> frozenset[str]:
    """Every inbox kind the rows tell (notifications/texts.py has a text for each)."""
    return frozenset(tell.kind for t in workflow.transitions.values() for tell in t.tells)
