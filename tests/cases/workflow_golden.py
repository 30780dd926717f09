"""A golden copy of the workflow table, written out by hand: the tests take their expectations from here, never
from `cases.workflow.TRANSITIONS` itself, so that a wrong target, role, required field, step or visibility in
the table fails them.

Each row lists only the fields below; a field the table gains later is not compared until it is added here
(`row_of`). Changing the loop means changing this file too, on purpose.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Row(NamedTuple):
    to: str  # a state, or "resume" for the state the case was paused in
    roles: frozenset[str]
    required: frozenset[str]
    completes: bool  # the open step ends with this action
    starts: str | None  # the step that begins
    public: bool  # shown on the citizens' timeline


def _row(
    to: str,
    roles: str,
    required: str = "",
    *,
    completes: bool = True,
    starts: str | None = None,
    public: bool = False,
) -> Row:
    """`roles` and `required` are space-separated names."""
    return Row(to, frozenset(roles.split()), frozenset(required.split()), completes, starts, public)


_VOID = _row("voided", "shift_lead", "note", public=True)
_DEFER = _row("deferred", "shift_lead", "note", completes=False, public=True)
_PARK = _row("parked", "shift_lead", "note", completes=False, public=True)
_RESUME = _row("resume", "shift_lead", completes=False, public=True)

GOLDEN: dict[tuple[str, str], Row] = {
    # collect and verify (核实)
    ("reported", "send_to_verify"): _row("verifying", "intake_clerk shift_lead system", starts="verify"),
    ("reported", "register"): _row("registered", "shift_lead", starts="dispatch", public=True),
    ("reported", "reject"): _row("rejected", "intake_clerk shift_lead", "note", public=True),
    ("reported", "void"): _VOID,
    ("verifying", "verify"): _row("verified", "inspector", "photo_ids", starts="register"),
    ("verifying", "not_found"): _row("rejected", "inspector", "note photo_ids", public=True),
    ("verifying", "void"): _VOID,
    ("verified", "register"): _row("registered", "shift_lead", starts="dispatch", public=True),
    ("verified", "reject"): _row("rejected", "shift_lead", "note", public=True),
    ("verified", "void"): _VOID,
    # register (立案), dispatch (派遣) and handle (处置)
    ("registered", "dispatch"): _row("dispatched", "dispatcher", "department", starts="accept", public=True),
    ("registered", "defer"): _DEFER,
    ("registered", "park"): _PARK,
    ("registered", "void"): _VOID,
    ("dispatched", "reassign"): _row("dispatched", "dispatcher", "department", starts="accept"),
    ("dispatched", "return"): _row("registered", "department_handler", "note", starts="dispatch"),
    ("dispatched", "accept"): _row("accepted", "department_handler", starts="handle", public=True),
    ("dispatched", "defer"): _DEFER,
    ("dispatched", "park"): _PARK,
    ("dispatched", "void"): _VOID,
    ("accepted", "handle"): _row("handled", "department_handler", "photo_ids", public=True),
    ("accepted", "request_extension"): _row(
        "extension_requested", "department_handler", "note new_deadline", completes=False
    ),
    ("accepted", "defer"): _DEFER,
    ("accepted", "park"): _PARK,
    ("accepted", "void"): _VOID,
    # extension (延期)
    ("extension_requested", "approve_extension"): _row(
        "accepted", "dispatcher shift_lead", completes=False, public=True
    ),
    ("extension_requested", "deny_extension"): _row(
        "accepted", "dispatcher shift_lead", "note", completes=False
    ),
    ("extension_requested", "handle"): _row("handled", "department_handler", "photo_ids", public=True),
    ("extension_requested", "defer"): _DEFER,
    ("extension_requested", "park"): _PARK,
    ("extension_requested", "void"): _VOID,
    # check on site (核查) and close (结案)
    ("handled", "send_to_check"): _row("checking", "intake_clerk shift_lead system", starts="check"),
    ("handled", "void"): _VOID,
    ("checking", "check_pass"): _row("checked", "inspector", "photo_ids", starts="close"),
    ("checking", "rework"): _row(
        "dispatched", "inspector shift_lead", "note photo_ids", starts="accept", public=True
    ),
    ("checking", "void"): _VOID,
    ("checked", "close"): _row("closed", "shift_lead", public=True),
    ("checked", "rework"): _row("dispatched", "shift_lead", "note", starts="accept", public=True),
    ("checked", "void"): _VOID,
    # after closure: "not fixed" from the reporter (the system) or the shift lead opens a new round
    ("closed", "reopen"): _row("dispatched", "shift_lead system", "note", starts="accept", public=True),
    # deferral (缓办) and parking (挂账) stop the clock until the shift lead resumes
    ("deferred", "resume"): _RESUME,
    ("deferred", "void"): _VOID,
    ("parked", "resume"): _RESUME,
    ("parked", "void"): _VOID,
}

#: The pseudo-role of the system's own actions.
SYSTEM = "system"


def row_of(transition: Any) -> Row:
    """The fields of a table row that this copy pins, read off the transition (other fields are ignored)."""
    return Row(
        to=transition.to,
        roles=frozenset(transition.roles),
        required=frozenset(transition.required),
        completes=transition.completes,
        starts=transition.starts,
        public=transition.public,
    )
