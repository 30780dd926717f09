"""The engine's guards as data (no database): a Condition by equality or "at least", and a Guard that waits for the
open step to be overdue (until_overdue), as housing/repairs_workflow.py's escalation rows use them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cases.workflow import engine
from cases.workflow.transitions import NEEDS_VERIFICATION, Condition, Guard

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_condition_by_equality_as_before() -> None:
    guard = Guard(NEEDS_VERIFICATION, "verify first")
    assert engine.refuses(guard, {"needs_verification": True}, None, NOW)
    assert not engine.refuses(guard, {"needs_verification": False}, None, NOW)


def test_a_condition_at_least() -> None:
    guard = Guard(Condition("rating", 3, op="ge"), "only unsatisfied")
    assert [engine.refuses(guard, {"rating": r}, None, NOW) for r in (1, 2, 3, 4, 5)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert not engine.refuses(guard, {"rating": None}, None, NOW)  # a null is never at least anything


def test_until_overdue() -> None:
    guard = Guard(None, "only overdue", until_overdue=True)
    row = {"id": 1}
    assert engine.refuses(guard, row, None, NOW)  # no open step
    assert engine.refuses(guard, row, {"due_at": NOW + timedelta(minutes=1), "paused_at": None}, NOW)
    assert engine.refuses(guard, row, {"due_at": NOW, "paused_at": None}, NOW - timedelta(seconds=1))
    assert not engine.refuses(guard, row, {"due_at": NOW - timedelta(minutes=1), "paused_at": None}, NOW)
    paused = {"due_at": NOW - timedelta(minutes=1), "paused_at": NOW - timedelta(hours=1)}
    assert engine.refuses(guard, row, paused, NOW)  # a paused step runs on no clock
