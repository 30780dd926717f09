"""Schemas of the case workflow: cases as staff and field apps see them, their history and steps,
queues, tasks, sync pages and the reporter's rating."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from cases.workflow.transitions import Action, State, Step
from media.models import PhotoLink, Point


class TimelineEntry(msgspec.Struct, frozen=True, omit_defaults=True):
    at: datetime
    kind: str
    state: State | None = None
    note: str = ""


class Scope(msgspec.Struct, frozen=True):
    """Which cases a staff member may see: everything, or those of some districts, departments, or their own
    grids and tasks as an inspector."""

    everything: bool = False
    districts: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    inspector_id: UUID | None = None


class CurrentStep(msgspec.Struct, frozen=True):
    step: Step
    due_at: datetime
    due_soon_at: datetime
    paused: bool
    assignee_id: UUID | None


class CaseSummary(msgspec.Struct, frozen=True):
    id: UUID
    state: State
    version: int
    round: int
    category: str
    urgent: bool
    location: Point
    address: str | None
    description: str
    reporter_count: int
    district_code: str | None
    department: str | None
    responsibility_grid_id: UUID | None
    unit_grid_id: UUID | None
    inspector_id: UUID | None
    created_at: datetime
    updated_at: datetime
    current_step: CurrentStep | None
    #: the department routing suggests (category and district), for the dispatcher; `department` is the one
    #: the case is dispatched to, null until then
    suggested_department: str | None = None


class HistoryEntry(msgspec.Struct, frozen=True):
    id: int
    at: datetime
    kind: str
    actor_id: UUID | None
    from_state: State | None
    to_state: State | None
    note: str
    photo_ids: list[UUID]
    public: bool
    data: dict[str, Any]


class StepRecord(msgspec.Struct, frozen=True):
    round: int
    step: Step
    assignee_id: UUID | None
    department: str | None
    started_at: datetime
    due_at: datetime
    completed_at: datetime | None
    outcome: str | None
    paused: bool
    extended: bool


class CaseDetail(msgspec.Struct, frozen=True, omit_defaults=True):
    """A case for staff (full history) or for the public (public timeline only)."""

    id: UUID
    state: State
    category: str
    location: Point
    created_at: datetime
    view: Literal["staff", "public"]
    timeline: list[TimelineEntry] = []
    summary: CaseSummary | None = None
    allowed_actions: list[Action] | None = None
    history: list[HistoryEntry] | None = None
    steps: list[StepRecord] | None = None
    report_numbers: list[str] | None = None
    photos: list[PhotoLink] | None = None


class CasePage(msgspec.Struct, frozen=True):
    items: list[CaseSummary]
    next_cursor: str | None


class Task(msgspec.Struct, frozen=True):
    task_id: int
    kind: Literal["verify", "check"]
    case: CaseSummary
    due_at: datetime
    distance_m: float | None


class TaskPage(msgspec.Struct, frozen=True):
    """A page of an inspector's tasks: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[Task]
    next_cursor: str | None


class Tombstone(msgspec.Struct, frozen=True):
    type: Literal["case", "task"]
    id: str


class SyncPage(msgspec.Struct, frozen=True):
    """One page of the change feed: the cases that changed (as they are now), the caller's open tasks on
    them, and tombstones (tasks that ended, cases that left the caller's departments). Apply by id.
    `next_cursor` is never null: keep it and send it as `cursor` next time; `more` true means fetch again
    right away, false means caught up for now."""

    cases: list[CaseSummary]
    tasks: list[Task]
    tombstones: list[Tombstone]
    next_cursor: str
    more: bool


class Rating(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    fixed: bool
    score: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None
    comment: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RatingResult(msgspec.Struct, frozen=True):
    case_id: UUID
    round: int
    reopened: bool
