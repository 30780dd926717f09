"""Schemas of citizens' reports: the submission, the reporter's views, the map and the service area."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from cases.catalogue.models import CategoryCode
from cases.common import Location
from cases.workflow.models import TimelineEntry
from cases.workflow.transitions import State
from media.models import PhotoLink, Point


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


class HideReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class Recategorise(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    category: CategoryCode
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""
