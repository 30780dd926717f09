"""Housing schemas: estates and their public page, homes, the owners register, residents' bindings to homes.

Areas are integer hundredths of m² (8,950 = 89.50 m²); money is integer fen. Never floats.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from cases.common import CRS, Location
from media.models import Point

# estates ----------------------------------------------------------------------------------------------------------

#: The grade of the estate's service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.
ServiceGrade = Annotated[int, msgspec.Meta(ge=1, le=3)]
SERVICE_GRADE_NAMES: dict[int, str] = {1: "一级", 2: "二级", 3: "三级"}

#: How a published fee is charged: per m² per month (物业费), per m² per heating season (采暖费), per parking
#: space per month, per home per month, per m³ (water), per kWh, or a flat sum.
FeeBasis = Literal[
    "per_m2_month", "per_m2_season", "per_space_month", "per_home_month", "per_m3", "per_kwh", "flat"
]

DistrictCode = Annotated[str, msgspec.Meta(pattern=r"^[1-8][0-9]{5}$")]
PositionPair = tuple[float, float]  # GeoJSON position: [longitude, latitude]


class FeeStandard(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One published fee item (收费公示): its name, its price in fen and how it is charged."""

    item: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    price_fen: Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
    basis: FeeBasis
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


#: a ring of 4 to 1,000 positions: an estate's boundary has a few dozen (and a request body is at most 1 MB)
Ring = Annotated[list[PositionPair], msgspec.Meta(min_length=4, max_length=1_000)]
Rings = Annotated[list[Ring], msgspec.Meta(min_length=1, max_length=20)]


class PolygonGeometry(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", tag="Polygon"
):
    """A GeoJSON Polygon in WGS-84: rings of [longitude, latitude] positions, the first ring the outer one."""

    coordinates: Rings


class MultiPolygonGeometry(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", tag="MultiPolygon"
):
    """A GeoJSON MultiPolygon in WGS-84: an estate in several separate parts."""

    coordinates: Annotated[list[Rings], msgspec.Meta(min_length=1, max_length=20)]


Boundary = PolygonGeometry | MultiPolygonGeometry

EstateName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Address = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
CompanyName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
ServiceContent = Annotated[str, msgspec.Meta(max_length=4000)]
ContactName = Annotated[str, msgspec.Meta(max_length=64)]
ContactPhone = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
OfficeHours = Annotated[str, msgspec.Meta(max_length=100)]
FeeStandards = Annotated[list[FeeStandard], msgspec.Meta(max_length=50)]


class EstateCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    name: EstateName
    address: Address
    district_code: DistrictCode
    location: Location
    boundary: Boundary | None = None
    property_company: CompanyName
    service_grade: ServiceGrade
    service_content: ServiceContent = ""
    contact_name: ContactName = ""
    contact_phone: ContactPhone | None = None
    office_hours: OfficeHours = ""
    fee_standards: FeeStandards = []


class EstateUpdate(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Fields left out stay as they are; `fee_standards` replaces the whole publication; a null `boundary` or
    `contact_phone` removes it."""

    name: EstateName | msgspec.UnsetType = msgspec.UNSET
    address: Address | msgspec.UnsetType = msgspec.UNSET
    location: Location | msgspec.UnsetType = msgspec.UNSET
    boundary: Boundary | msgspec.UnsetType | None = msgspec.UNSET
    property_company: CompanyName | msgspec.UnsetType = msgspec.UNSET
    service_grade: ServiceGrade | msgspec.UnsetType = msgspec.UNSET
    service_content: ServiceContent | msgspec.UnsetType = msgspec.UNSET
    contact_name: ContactName | msgspec.UnsetType = msgspec.UNSET
    contact_phone: ContactPhone | msgspec.UnsetType | None = msgspec.UNSET
    office_hours: OfficeHours | msgspec.UnsetType = msgspec.UNSET
    fee_standards: FeeStandards | msgspec.UnsetType = msgspec.UNSET


class BuildingSummary(msgspec.Struct, frozen=True):
    id: UUID
    name: str
    homes: int


class Estate(msgspec.Struct, frozen=True, kw_only=True):
    """An estate's public page: what the property company publishes (service content, grade, fees, contact)."""

    id: UUID
    name: str
    address: str
    district_code: str
    location: Point
    crs: CRS
    boundary: Boundary | None
    property_company: str
    service_grade: int
    service_grade_name: str
    service_content: str
    contact_name: str
    contact_phone: str | None
    office_hours: str
    fee_standards: list[FeeStandard]
    buildings: list[BuildingSummary]
    homes: int
    updated_at: datetime


class EstateSummary(msgspec.Struct, frozen=True):
    id: UUID
    name: str
    address: str
    district_code: str
    property_company: str
    service_grade: int


class EstatePage(msgspec.Struct, frozen=True):
    items: list[EstateSummary]
    next_cursor: str | None


# homes and owners ---------------------------------------------------------------------------------------------------

AreaSource = Literal["register", "surveyed", "contract"]
OwnerKind = Literal["person", "developer"]


class Home(msgspec.Struct, frozen=True, kw_only=True):
    """A home (专有部分). Areas in hundredths of m²; `area` is the one that counts (`area_source` says which)."""

    id: UUID
    estate_id: UUID
    building_id: UUID
    building: str
    entrance: str
    floor: int
    room: str
    register_area: int | None
    surveyed_area: int | None
    contract_area: int | None
    area: int
    area_source: AreaSource


class HomePage(msgspec.Struct, frozen=True):
    items: list[Home]
    next_cursor: str | None


class Owner(msgspec.Struct, frozen=True, kw_only=True):
    """One owner in the register (a co-owner, or the developer of an unsold home) since `owned_from`."""

    kind: OwnerKind
    name: str
    phone_masked: str | None
    phone: str | None = None  # whole only for the estate's staff and admins
    owned_from: date


class HomeDetail(Home, frozen=True, kw_only=True):
    estate_name: str
    owners: list[Owner]


# the register import ----------------------------------------------------------------------------------------------

ImportOutcome = Literal["imported", "dry_run", "refused"]
RegisterFormat = Literal["csv", "xlsx"]


class RegisterProblem(msgspec.Struct, frozen=True, omit_defaults=True):
    """One finding: about a row of the file (`row`: its line in the file, the header being line 1) or, without
    a row, about the file itself."""

    problem: str
    detail: str
    row: int | None = None
    field: str | None = None
    other_row: int | None = None


class RegisterImportReport(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    estate_id: UUID
    file_name: str
    sha256: str
    format: RegisterFormat
    encoding: str | None
    outcome: ImportOutcome
    dry_run: bool
    effective_date: date
    rows: int
    buildings_created: int = 0
    homes_created: int = 0
    homes_updated: int = 0
    homes_unchanged: int = 0
    homes_not_in_file: int = 0
    owners_changed: int = 0
    bindings_ended: int = 0
    problems: list[RegisterProblem] = []
    problems_total: int = 0
    created_at: datetime


# residents' bindings ------------------------------------------------------------------------------------------------

Relation = Literal["owner", "family", "tenant"]
BindingState = Literal["pending", "active", "refused", "ended"]
BindingVia = Literal["register", "approval"]
Reason = Annotated[str, msgspec.Meta(max_length=200)]


class BindingRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    relation: Relation
    note: Reason = ""


class BindingDecision(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    note: Reason = ""


class BindingRefusal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class BindingEnd(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Reason = ""


class HomeLabel(msgspec.Struct, frozen=True):
    """Where a home is, for lists: its estate, building, entrance and room."""

    home_id: UUID
    estate_id: UUID
    estate_name: str
    building: str
    entrance: str
    floor: int
    room: str


class BindingUser(msgspec.Struct, frozen=True):
    id: UUID
    display_name: str
    phone_masked: str | None


class Binding(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    home: HomeLabel
    user: BindingUser
    relation: Relation
    state: BindingState
    via: BindingVia | None
    note: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str
    ended_at: datetime | None
    end_reason: str


class BindingPage(msgspec.Struct, frozen=True):
    items: list[Binding]
    next_cursor: str | None
