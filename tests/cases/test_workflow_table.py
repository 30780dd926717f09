"""The workflow table against its golden copy (no database: the API tests of each pair are in test_workflow.py)."""

from __future__ import annotations

from pathlib import Path

from cases.stats.indicators import DONE
from cases.workflow import engine
from cases.workflow.transitions import ACTIONS, CASES, STATES, TRANSITIONS, message_kinds
from notifications.texts import TEMPLATES
from tests.cases.workflow_golden import ARRIVALS, EFFECTS, GOLDEN, Effects, arrivals_of, effects_of, row_of


def test_the_table_is_the_golden_copy() -> None:
    """Every row of the table, field by field, against the copy written out in workflow_golden.py."""
    assert sorted(set(TRANSITIONS) - set(GOLDEN)) == [], "rows the golden copy does not have"
    assert sorted(set(GOLDEN) - set(TRANSITIONS)) == [], "rows missing from the table"
    differing = {
        pair: (row_of(transition), GOLDEN[pair])
        for pair, transition in TRANSITIONS.items()
        if row_of(transition) != GOLDEN[pair]
    }
    assert differing == {}, "(table, golden) for each differing row"


def test_the_table_names_only_known_states_and_actions() -> None:
    targets = {row.to for row in GOLDEN.values()} - {"resume"}  # "resume": back to the paused state
    assert {s for s, _ in GOLDEN} | targets <= set(STATES)
    assert {a for _, a in GOLDEN} == ACTIONS


def test_the_effects_of_each_row_are_the_golden_copy() -> None:
    """What each row stamps, guards, follows with, tells and counts as done, against EFFECTS."""
    differing = {
        pair: (effects_of(transition), EFFECTS.get(pair, Effects()))
        for pair, transition in TRANSITIONS.items()
        if effects_of(transition) != EFFECTS.get(pair, Effects())
    }
    assert differing == {}, "(table, golden) for each differing row"
    assert set(EFFECTS) <= set(GOLDEN)
    assert arrivals_of(CASES) == ARRIVALS


def test_what_the_rows_name_exists() -> None:
    """A follow-up is a row from the state its row leads to; every message kind a row tells has a text; the
    indicators' done outcomes are the rows that say so."""
    for (_, action), t in TRANSITIONS.items():
        if t.follows is not None:
            assert (t.to, t.follows.action) in TRANSITIONS, action
        if t.extends is not None:
            assert t.extends in ACTIONS
    for arrival in CASES.arrivals:
        if arrival.then is not None:
            assert (CASES.initial, arrival.then.action) in TRANSITIONS
    assert message_kinds(CASES) <= set(TEMPLATES)
    assert DONE == {
        "verify": ("verify", "not_found"),
        "register": ("register",),
        "dispatch": ("dispatch",),
        "handle": ("handle",),
        "check": ("check_pass", "rework"),
        "close": ("close",),
    }


def test_the_engine_names_no_action() -> None:
    """apply() reads everything from the row: no action of the table is written in the engine."""
    source = Path(engine.__file__).read_text(encoding="utf-8")
    named = sorted(action for action in ACTIONS if f'"{action}"' in source or f"'{action}'" in source)
    assert named == []
