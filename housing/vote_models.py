"""Schemas of the owners' assembly votes (housing/votes.py): matters, the roll, ballots and their receipts,
proxies, voter designations and the published result."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from housing import assembly
from housing.assembly import Choice, Kind, VoteTally

MatterState = Literal["draft", "noticed", "open", "closed", "published"]


Channel = Literal["app", "paper", "proxy"]


AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


HeadNo = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]


class VoteMatterCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: Kind
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    body: Annotated[str, msgspec.Meta(max_length=10000)] = ""
    building_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    allow_change: bool = False
    non_voters_follow_majority: bool = False


class VoteMatter(msgspec.Struct, frozen=True):
    id: UUID
    estate_id: UUID
    kind: Kind
    title: str
    body: str
    building_ids: list[UUID]
    state: MatterState
    notice_at: datetime | None
    opens_at: datetime
    closes_at: datetime
    allow_change: bool
    non_voters_follow_majority: bool
    heads: int
    total_area: int
    version: int
    created_at: datetime
    closed_at: datetime | None


class VoteMatterPage(msgspec.Struct, frozen=True):
    items: list[VoteMatter]
    next_cursor: str | None


class RollHead(msgspec.Struct, frozen=True):
    head_no: int
    kind: assembly.OwnerKind
    masked_name: str
    area: int
    homes: list[str]


class VoteRollPage(msgspec.Struct, frozen=True):
    total_heads: int
    total_area: int
    items: list[RollHead]
    next_cursor: str | None


class BallotCast(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    choice: Choice
    head_no: HeadNo | None = None


class PaperBallot(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    head_no: HeadNo
    choice: Choice
    photo_id: UUID


class BallotReceipt(msgspec.Struct, frozen=True):
    matter_id: UUID
    head_no: int
    choice: Choice
    channel: Channel
    cast_at: datetime
    changed: bool
    receipt_code: str


class ProxyCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    proxy_phone: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    photo_id: UUID


class VoteProxy(msgspec.Struct, frozen=True):
    id: UUID
    matter_id: UUID
    head_no: int
    proxy_phone: str | None
    photo_id: UUID
    created_at: datetime
    revoked_at: datetime | None


class VoterChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    owner_phone: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class VoterDesignation(msgspec.Struct, frozen=True):
    matter_id: UUID
    head_no: int
    voter_name: str
    voter_phone: str | None
    reason: str


class ReceiptEntry(msgspec.Struct, frozen=True):
    receipt_hash: str
    choice: Choice


class BuildingName(msgspec.Struct, frozen=True):
    building_id: UUID
    name: str


class VoteResult(msgspec.Struct, frozen=True):
    matter_id: UUID
    passed: bool
    tally: VoteTally
    buildings: list[BuildingName]
    receipts: list[ReceiptEntry]
    published_at: datetime
