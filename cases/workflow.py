"""The closed loop of a case as a table: (state, action) -> (next state, roles, required fields, steps).

collect → register → dispatch → handle → feed back → verify on site and close → evaluate (DOMAIN.md §1).
Two states are added to the list in the issue, `verified` and `checked`: each step is owned by one role, so
every hand-over from one role to the next is a state of its own (the inspector's finding waits for the shift
lead in `verified`; a passed check waits for closure in `checked`).

Applying a transition is a guarded UPDATE on (state, version) in cases/store.py; an unknown (state, action)
pair is refused, never logged and let through.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import msgspec

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


class Transition(msgspec.Struct, frozen=True):
    to: str  # a State, or "resume" for the state the case was paused in
    roles: frozenset[str]
    required: frozenset[Field] = frozenset()
    completes: bool = True  # the open step ends (done) with this action
    starts: Step | None = None  # the step that begins
    public: bool = False  # shown on the citizens' timeline


def _t(
    to: str,
    roles: set[str],
    required: set[Field] | None = None,
    *,
    starts: Step | None = None,
    completes: bool = True,
    public: bool = False,
) -> Transition:
    return Transition(
        to=to,
        roles=frozenset(roles),
        required=frozenset(required or ()),
        starts=starts,
        completes=completes,
        public=public,
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

TRANSITIONS: Final[dict[tuple[str, str], Transition]] = {
    # collect and verify (核实)
    ("reported", "send_to_verify"): _t("verifying", _CLERKS | {SYSTEM}, starts="verify"),
    ("reported", "register"): _t("registered", _LEAD, starts="dispatch", public=True),
    ("reported", "reject"): _t("rejected", _CLERKS, {"note"}, public=True),
    ("verifying", "verify"): _t("verified", _INSPECTOR, {"photo_ids"}, starts="register"),
    ("verifying", "not_found"): _t("rejected", _INSPECTOR, {"note", "photo_ids"}, public=True),
    ("verified", "register"): _t("registered", _LEAD, starts="dispatch", public=True),
    ("verified", "reject"): _t("rejected", _LEAD, {"note"}, public=True),
    # dispatch (派遣) and handle (处置)
    ("registered", "dispatch"): _t("dispatched", _DISPATCH, {"department"}, starts="accept", public=True),
    ("dispatched", "reassign"): _t("dispatched", _DISPATCH, {"department"}, starts="accept"),
    ("dispatched", "return"): _t("registered", _DEPT, {"note"}, starts="dispatch"),
    ("dispatched", "accept"): _t("accepted", _DEPT, starts="handle", public=True),
    ("accepted", "handle"): _t("handled", _DEPT, {"photo_ids"}, public=True),
    ("accepted", "request_extension"): _t(
        "extension_requested", _DEPT, {"note", "new_deadline"}, completes=False
    ),
    ("extension_requested", "approve_extension"): _t(
        "accepted", _DISPATCH | _LEAD, completes=False, public=True
    ),
    ("extension_requested", "deny_extension"): _t("accepted", _DISPATCH | _LEAD, {"note"}, completes=False),
    ("extension_requested", "handle"): _t("handled", _DEPT, {"photo_ids"}, public=True),
    # check on site (核查) and close (结案)
    ("handled", "send_to_check"): _t("checking", _CLERKS | {SYSTEM}, starts="check"),
    ("checking", "check_pass"): _t("checked", _INSPECTOR, {"photo_ids"}, starts="close"),
    ("checking", "rework"): _t(
        "dispatched", _INSPECTOR | _LEAD, {"note", "photo_ids"}, starts="accept", public=True
    ),
    ("checked", "close"): _t("closed", _LEAD, public=True),
    ("checked", "rework"): _t("dispatched", _LEAD, {"note"}, starts="accept", public=True),
    # after closure: "not fixed" from the reporter, or the shift lead, opens a new round
    ("closed", "reopen"): _t("dispatched", _LEAD | {SYSTEM}, {"note"}, starts="accept", public=True),
    # side states: deferral and parking stop the clock, voiding ends a case that should not exist
    **{(s, "defer"): _t("deferred", _LEAD, {"note"}, completes=False, public=True) for s in _PAUSABLE},
    **{(s, "park"): _t("parked", _LEAD, {"note"}, completes=False, public=True) for s in _PAUSABLE},
    ("deferred", "resume"): _t("resume", _LEAD, completes=False, public=True),
    ("parked", "resume"): _t("resume", _LEAD, completes=False, public=True),
    **{(s, "void"): _t("voided", _LEAD, {"note"}, public=True) for s in _VOIDABLE},
}

ACTIONS: Final[frozenset[str]] = frozenset(action for _, action in TRANSITIONS)
assert set(get_args(Action)) == ACTIONS, "the Action literal names exactly the actions of the table"


def actions_from(state: str, roles: frozenset[str] | set[str] | None = None) -> list[str]:
    """The actions possible in a state (for the given roles, or for anyone), sorted."""
    return sorted(
        action
        for (from_state, action), t in TRANSITIONS.items()
        if from_state == state and (roles is None or t.roles & set(roles))
    )
