"""Schemas of the cases domain: categories, locations, reports and their views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from cases.geo import CRS
from cases.workflow import Action, State, Step
from media.models import PhotoLink, Point

Kind = Literal["component", "event"]
CategoryCode = Annotated[str, msgspec.Meta(pattern=r"^[CE][0-9]{4,5}$")]
#: a time limit; the catalogue keeps hours to the hundredth (numeric(6, 2), > 0), so 0.01 is the least one
Hours = Annotated[float, msgspec.Meta(ge=0.01, le=9999)]


class Department(msgspec.Struct, frozen=True):
    code: str
    name_zh: str
    name_en: str


class Category(msgspec.Struct, frozen=True):
    code: str
    kind: Kind
    major: str
    name_zh: str
    name_en: str
    default_department: str | None
    limit_urgent_hours: float
    limit_normal_hours: float
    citizen_reportable: bool
    needs_verification: bool
    duplicate_radius_m: int
    join_radius_m: int
    join_window_hours: int
    min_photos: int
    active: bool


class CategoryGroup(msgspec.Struct, frozen=True):
    kind: Kind
    major: str
    name_zh: str
    name_en: str
    categories: list[Category]


class Catalogue(msgspec.Struct, frozen=True):
    version: str
    title: str
    groups: list[CategoryGroup]


class CategoryUpdate(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """An admin's change to a category; fields left out stay as they are."""

    name_zh: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | msgspec.UnsetType = msgspec.UNSET
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | msgspec.UnsetType = msgspec.UNSET
    default_department: str | msgspec.UnsetType | None = msgspec.UNSET
    limit_urgent_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    limit_normal_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    citizen_reportable: bool | msgspec.UnsetType = msgspec.UNSET
    needs_verification: bool | msgspec.UnsetType = msgspec.UNSET
    duplicate_radius_m: Annotated[int, msgspec.Meta(ge=10, le=1000)] | msgspec.UnsetType = msgspec.UNSET
    join_radius_m: Annotated[int, msgspec.Meta(ge=0, le=1000)] | msgspec.UnsetType = msgspec.UNSET
    join_window_hours: Annotated[int, msgspec.Meta(ge=0, le=720)] | msgspec.UnsetType = msgspec.UNSET
    min_photos: Annotated[int, msgspec.Meta(ge=0, le=6)] | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class Location(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A point as the phone gives it: latitude, longitude and the coordinate system they are in."""

    lat: float
    lon: float
    crs: CRS = "wgs84"


class ReportCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    category: CategoryCode
    location: Location
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    address: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    photo_ids: Annotated[list[UUID], msgspec.Meta(max_length=6)] = []
    anonymous: bool = False
    client_id: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")] | None
    ) = None


class TimelineEntry(msgspec.Struct, frozen=True, omit_defaults=True):
    at: datetime
    kind: str
    state: State | None = None
    note: str = ""


class ReportView(msgspec.Struct, frozen=True, omit_defaults=True):
    """A report as its reader may see it: the full view for the reporter and staff, the public one otherwise."""

    id: UUID
    number: str
    case_id: UUID
    status: State
    category: str
    description: str
    location: Point
    address: str | None
    created_at: datetime
    reporter_count: int
    photos: list[PhotoLink]
    timeline: list[TimelineEntry]
    view: Literal["full", "public"]
    anonymous: bool | None = None
    reporter_id: UUID | None = None
    client_id: str | None = None
    joined_existing: bool | None = None
    location_mismatch: bool | None = None
    original_location: Location | None = None
    hidden: bool | None = None
    hidden_reason: str | None = None
    following: bool | None = None


class ReportCreated(msgspec.Struct, frozen=True):
    id: UUID
    number: str
    case_id: UUID
    status: State
    joined_existing: bool
    location_mismatch: bool
    created_at: datetime


class NearbyCase(msgspec.Struct, frozen=True):
    case_id: UUID
    report_id: UUID
    number: str
    category: str
    status: State
    distance_m: float
    location: Point
    reporter_count: int
    created_at: datetime
    description: str


class ReportSummary(msgspec.Struct, frozen=True):
    id: UUID
    number: str
    case_id: UUID
    status: State
    category: str
    description: str
    created_at: datetime
    updated_at: datetime
    timeline: list[TimelineEntry]


class ReportPage(msgspec.Struct, frozen=True):
    items: list[ReportSummary]
    next_cursor: str | None


class ServiceArea(msgspec.Struct, frozen=True):
    name: str
    geometry: dict[str, Any]
    bbox: tuple[float, float, float, float]
    center: Point


class CoverageProperties(msgspec.Struct, frozen=True):
    crs: CRS  # the system of the geometry's and the bbox's coordinates
    unit_grids: int  # how many unit grids the outline is made of
    area_m2: float  # the area the outline encloses, on the spheroid


class Coverage(msgspec.Struct, frozen=True):
    """Where a report is routed to a grid: the outline of all unit grids, as a GeoJSON Feature."""

    type: Literal["Feature"]
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    geometry: dict[str, Any]  # a GeoJSON MultiPolygon
    properties: CoverageProperties


class HideReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class Recategorise(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    category: CategoryCode
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


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
