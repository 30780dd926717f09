"""A golden copy of the workflow table, written out by hand: the tests take their expectations from here, never
from `cases.workflow.transitions.TRANSITIONS` itself, so that a wrong target, role, required field, step or visibility in
the table fails them.

Each row lists only the fields below; a field the table gains later is not compared until it is added here
(`row_of`). The effects of the rows (what they stamp, who is told, what follows, what counts as done) are in
EFFECTS (`effects_of`), and how a new case enters in ARRIVALS. Changing the loop means changing this file too,
on purpose.
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
    # the system: an inspector's patrol report, registered at once in the inspector's name (ARRIVALS)
    ("reported", "register"): _row("registered", "shift_lead system", starts="dispatch", public=True),
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


class Effects(NamedTuple):
    """What a row does besides moving the case (the defaults: nothing)."""

    stamps: frozenset[str] = frozenset()  # columns set to the time of the action
    clears: frozenset[str] = frozenset()  # columns set to null
    new_round: bool = False
    takes: frozenset[str] = frozenset()  # request fields applied when given
    releases_department: bool = False
    records: frozenset[str] = frozenset()  # request fields kept in the event's data
    extends: str | None = None  # the action whose asked deadline it applies
    guard: tuple[str, object] | None = None  # refused while the case's (column, value) holds
    follows: str | None = None  # the system's next action
    tells: frozenset[tuple[str, str, str | None]] = frozenset()  # (audience, kind, only when arriving in)
    done: str | None = None  # the step it ends counts as done for the indicators


def _fx(
    *,
    stamps: str = "",
    clears: str = "",
    takes: str = "",
    records: str = "",
    tells: tuple[tuple[str, str] | tuple[str, str, str], ...] = (),
    **fields: Any,
) -> Effects:
    """Space-separated names for the sets; each tell (audience, kind) or (audience, kind, arriving)."""
    return Effects(
        stamps=frozenset(stamps.split()),
        clears=frozenset(clears.split()),
        takes=frozenset(takes.split()),
        records=frozenset(records.split()),
        tells=frozenset((t[0], t[1], t[2] if len(t) == 3 else None) for t in tells),
        **fields,
    )


_REGISTERED = {"stamps": "registered_at", "takes": "urgent", "tells": (("citizens", "report.registered"),)}
_TO_DEPARTMENT = ("department", "case.dispatched")

EFFECTS: dict[tuple[str, str], Effects] = {
    ("reported", "send_to_verify"): _fx(tells=(("inspector", "task.verify"),)),
    ("reported", "register"): _fx(**_REGISTERED, guard=("needs_verification", True), done="register"),  # type: ignore[arg-type]
    ("reported", "reject"): _fx(tells=(("citizens", "report.rejected"),)),
    ("verifying", "verify"): _fx(done="verify"),
    ("verifying", "not_found"): _fx(tells=(("citizens", "report.rejected"),), done="verify"),
    ("verified", "register"): _fx(**_REGISTERED, done="register"),  # type: ignore[arg-type]
    ("verified", "reject"): _fx(tells=(("citizens", "report.rejected"),)),
    ("registered", "dispatch"): _fx(
        tells=(_TO_DEPARTMENT, ("citizens", "report.dispatched")), done="dispatch"
    ),
    ("dispatched", "reassign"): _fx(tells=(_TO_DEPARTMENT,)),
    ("dispatched", "return"): _fx(releases_department=True),
    ("accepted", "handle"): _fx(follows="send_to_check", done="handle"),
    ("accepted", "request_extension"): _fx(records="new_deadline"),
    ("extension_requested", "approve_extension"): _fx(extends="request_extension"),
    ("extension_requested", "handle"): _fx(follows="send_to_check", done="handle"),
    ("handled", "send_to_check"): _fx(tells=(("inspector", "task.check"),)),
    ("checking", "check_pass"): _fx(done="check"),
    ("checking", "rework"): _fx(tells=(_TO_DEPARTMENT,), done="check"),  # a failed check is a check done
    ("checked", "close"): _fx(stamps="closed_at", tells=(("citizens", "report.closed"),), done="close"),
    ("checked", "rework"): _fx(tells=(_TO_DEPARTMENT,)),
    ("closed", "reopen"): _fx(
        new_round=True, clears="closed_at", tells=(_TO_DEPARTMENT, ("citizens", "report.reopened"))
    ),
    # a resumption into `dispatched` tells the department again (the clock runs again there)
    ("deferred", "resume"): _fx(tells=(("department", "case.dispatched", "dispatched"),)),
    ("parked", "resume"): _fx(tells=(("department", "case.dispatched", "dispatched"),)),
}

#: How a new case enters, in order: (condition (column, value) or None, step opened, follow-up action, taken in
#: the reporter's name, its note)
ARRIVALS: list[tuple[tuple[str, object] | None, str | None, str | None, bool, str]] = [
    (("source", "inspector"), "register", "register", True, "patrol report"),
    (("needs_verification", True), None, "send_to_verify", False, ""),
    (None, "register", None, False, ""),
]


def _condition(condition: Any) -> tuple[str, object] | None:
    return None if condition is None else (condition.column, condition.value)


def effects_of(transition: Any) -> Effects:
    """The effects of a table row, read off the transition."""
    return Effects(
        stamps=frozenset(transition.stamps),
        clears=frozenset(transition.clears),
        new_round=transition.new_round,
        takes=frozenset(transition.takes),
        releases_department=transition.releases_department,
        records=frozenset(transition.records),
        extends=transition.extends,
        guard=_condition(transition.guard.unless) if transition.guard else None,
        follows=transition.follows.action if transition.follows else None,
        tells=frozenset((t.audience, t.kind, t.arriving) for t in transition.tells),
        done=transition.done,
    )


def arrivals_of(workflow: Any) -> list[tuple[tuple[str, object] | None, str | None, str | None, bool, str]]:
    return [
        (
            _condition(a.when),
            a.opens,
            a.then.action if a.then else None,
            a.then.acting_for_reporter if a.then else False,
            a.then.note if a.then else "",
        )
        for a in workflow.arrivals
    ]
