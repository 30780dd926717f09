"""The maintenance fund's repair projects as the API reads and writes them (housing/fund_projects.py has the use
cases and their rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from housing import money

ProjectState = Literal["raised", "voting", "approved", "accepted", "settled"]
EmergencyKind = Literal["lift", "water_supply", "fire_system", "roof_or_wall_leak", "outer_wall_danger"]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
Fen = Annotated[int, msgspec.Meta(ge=1, le=money.MAX_FEN)]
Photos = Annotated[list[UUID], msgspec.Meta(max_length=20)]


class Quote(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    supplier: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    amount_fen: Fen


class FundProjectCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    budget_fen: Fen
    contractor: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    description: Annotated[str, msgspec.Meta(max_length=10000)] = ""
    building_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    quotes: Annotated[list[Quote], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    photo_ids: Photos = msgspec.field(default_factory=list)
    emergency: bool = False
    emergency_kind: EmergencyKind | None = None


class FundProjectVote(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    opens_at: AwareDatetime
    closes_at: AwareDatetime


class FundProjectAcceptance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    photo_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=20)]
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class FundProjectSettlement(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    actual_cost_fen: Annotated[int, msgspec.Meta(ge=0, le=money.MAX_FEN)]


class FundProjectBuilding(msgspec.Struct, frozen=True):
    id: UUID
    name: str


class FundProjectHome(msgspec.Struct, frozen=True, kw_only=True):
    home_id: UUID
    building: str
    entrance: str
    room: str
    area: int
    spent_fen: int
    returned_fen: int


class FundProject(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    estate_id: UUID
    title: str
    description: str
    buildings: list[FundProjectBuilding]
    budget_fen: int
    contractor: str
    quotes: list[Quote]
    photo_ids: list[UUID]
    emergency: bool
    emergency_kind: EmergencyKind | None
    state: ProjectState
    version: int
    created_at: datetime
    matter_id: UUID | None
    approved_at: datetime | None
    disbursed_fen: int | None
    publish_due_at: datetime | None
    published_at: datetime | None
    announcement_id: UUID | None
    publication_overdue: bool
    accepted_at: datetime | None
    acceptance_photo_ids: list[UUID]
    acceptance_note: str
    settled_at: datetime | None
    actual_cost_fen: int | None
    returned_fen: int | None


class FundProjectDetail(FundProject, frozen=True, kw_only=True):
    """A project with its apportionment: every home's for staff, the caller's own homes' for owners."""

    apportionment: list[FundProjectHome]


class FundProjectPage(msgspec.Struct, frozen=True):
    items: list[FundProject]
    next_cursor: str | None
