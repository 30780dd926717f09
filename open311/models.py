"""Schemas of the Open311 layer: GeoReport v2's answers (field names exactly as the standard's), its
configuration, and the registered applications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("text/xml", "application/json")
#: a GeoReport date-time: W3C (RFC 3339) with its offset
DateTime = Annotated[datetime, msgspec.Meta(tz=True)]


class Open311Config(msgspec.Struct, frozen=True, kw_only=True):
    #: the jurisdiction this deployment serves (GeoReport's jurisdiction_id); others are not found
    jurisdiction_id: str = "cityloop"
    timezone: str = "Asia/Shanghai"  # datetimes are written with the city's offset
    contact: str = ""
    key_service: str = ""
    #: seconds within which the same application sending the same form gets the same request back
    retry_window_s: int = 60
    default_window_days: int = 90
    max_results: int = 1000
    #: media_url: the fetch's total time, and whether inward addresses may be fetched (tests only)
    media_timeout_s: float = 10.0
    allow_private_media: bool = False
    media_max_bytes: int = 15 * 1024 * 1024


# --- GeoReport v2 answers ---------------------------------------------------------------------------------------


class GeoReportEndpoint(msgspec.Struct, frozen=True):
    specification: str
    url: str
    changeset: DateTime
    type: Literal["production", "test"]
    formats: list[str]


class GeoReportDiscovery(msgspec.Struct, frozen=True):
    changeset: DateTime
    contact: str
    key_service: str
    endpoints: list[GeoReportEndpoint]


class GeoReportService(msgspec.Struct, frozen=True):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class GeoReportAttributeValue(msgspec.Struct, frozen=True):
    key: str
    name: str


class GeoReportAttribute(msgspec.Struct, frozen=True):
    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[GeoReportAttributeValue]


class GeoReportServiceDefinition(msgspec.Struct, frozen=True):
    service_code: str
    attributes: list[GeoReportAttribute]


class GeoReportRequest(msgspec.Struct, frozen=True):
    """One request as GET requests answers it. Every member is present (null when CityLoop has no value)."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: DateTime
    updated_datetime: DateTime
    expected_datetime: DateTime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float
    long: float
    media_url: str | None


class GeoReportRequestCreated(msgspec.Struct, frozen=True):
    """POST requests' answer: the request is created at once, so both its id and its token are given."""

    service_request_id: str
    token: str
    service_notice: str | None
    account_id: str | None


class GeoReportToken(msgspec.Struct, frozen=True):
    service_request_id: str
    token: str


class GeoReportError(msgspec.Struct, frozen=True):
    code: int
    description: str


# --- applications (admins) -------------------------------------------------------------------------------------


class Application(msgspec.Struct, frozen=True):
    id: UUID
    name: str
    contact: str
    key_prefix: str
    user_id: UUID
    requests_per_hour: int
    reports_per_day: int
    created_at: datetime
    revoked_at: datetime | None


class ApplicationIssued(msgspec.Struct, frozen=True):
    """A new application and its key, shown this once (only its sha256 is kept)."""

    application: Application
    api_key: str


class ApplicationCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    contact: Annotated[str, msgspec.Meta(max_length=200)] = ""
    requests_per_hour: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 120
    reports_per_day: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 500


class ApplicationPage(msgspec.Struct, frozen=True):
    items: list[Application]
    next_cursor: str | None
