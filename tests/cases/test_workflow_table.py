"""The workflow table against its golden copy (no database: the API tests of each pair are in test_workflow.py)."""

from __future__ import annotations

from cases.workflow import ACTIONS, STATES, TRANSITIONS
from tests.cases.workflow_golden import GOLDEN, row_of


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
