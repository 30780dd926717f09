"""Use cases of Open311 GeoReport v2. Each takes a connection inside the caller's transaction and never commits.

Only a translation: services come from the category catalogue, submissions go through
cases.reports.service.submit_report as the application's service account, and reads come from the public view of
reports (case_public_reports), which holds no reporter and no hidden report. How a case's state reads in
GeoReport: open while the case is not finished, closed once it is closed, rejected or voided
(cases.workflow.transitions.FINISHED); status_notes is the latest public note of its timeline; agency_responsible
the department it is dispatched to; expected_datetime the open step's deadline on working time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from cases.catalogue import service as catalogue
from cases.catalogue.models import Category
from cases.reports import service as reports
from cases.reports.models import ReportCreate
from cases.reports.service import CasesConfig
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.transitions import FINISHED
from identity import service as identity
from identity.models import RequestContext
from media import service as media
from media.models import MediaConfig
from media.service import ImageWorkers
from media.storage import Storage
from open311 import applications, store
from open311.errors import (
    AddressNotPlaceable,
    InvalidDateRange,
    InvalidRequest,
    JurisdictionNotFound,
    RequestNotFound,
    ServiceNotFound,
    TokenNotFound,
)
from open311.fetch import fetch_media
from open311.models import (
    FORMATS,
    SPECIFICATION,
    GeoReportAttribute,
    GeoReportAttributeValue,
    GeoReportDiscovery,
    GeoReportEndpoint,
    GeoReportRequest,
    GeoReportRequestCreated,
    GeoReportService,
    GeoReportServiceDefinition,
    GeoReportToken,
    Open311Config,
)

#: when this GeoReport endpoint last changed (discovery's changeset)
CHANGESET = datetime(2026, 12, 1, tzinfo=UTC)
#: the report options a GeoReport client can set, as attributes of every service
ATTRIBUTES = (
    GeoReportAttribute(
        variable=True,
        code="anonymous",
        datatype="singlevaluelist",
        required=False,
        datatype_description=None,
        order=1,
        description="对公众隐藏报告人（工作人员仍可见）/ Hide the reporter from the public (staff still know)",
        values=[
            GeoReportAttributeValue(key="false", name="否 / No"),
            GeoReportAttributeValue(key="true", name="是 / Yes"),
        ],
    ),
)
#: the longest form values taken (the reports' own limits where there is one)
_LIMITS = {
    "service_code": 16,
    "description": 2000,
    "address_string": 200,
    "media_url": 2048,
    "email": 200,
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "device_id": 200,
    "account_id": 200,
    "jurisdiction_id": 64,
    "lat": 40,
    "long": 40,
    "address_id": 64,
    "attribute[anonymous]": 5,
}
_CONTACT = ("email", "first_name", "last_name", "phone", "device_id", "account_id")
_MAX_IDS = 1000
#: service codes in one query (a city has a few hundred categories at most)
MAX_SERVICE_CODES = 200


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


def check_jurisdiction(config: Open311Config, jurisdiction_id: str | None) -> None:
    """A jurisdiction_id, when sent, must be this deployment's (404 otherwise, as the standard says)."""
    if jurisdiction_id is not None and jurisdiction_id != config.jurisdiction_id:
        raise JurisdictionNotFound(f"this server serves jurisdiction {config.jurisdiction_id!r} only")


# --- discovery and services --------------------------------------------------------------------------------------


def discovery(config: Open311Config, base_url: str, production: bool) -> GeoReportDiscovery:
    return GeoReportDiscovery(
        changeset=CHANGESET,
        contact=config.contact,
        key_service=config.key_service,
        endpoints=[
            GeoReportEndpoint(
                specification=SPECIFICATION,
                url=base_url.rstrip("/") + "/open311/v2",
                changeset=CHANGESET,
                type="production" if production else "test",
                formats=list(FORMATS),
            )
        ],
    )


def _service(category: Category, group_zh: str, group_en: str) -> GeoReportService:
    description = category.name_en
    if category.min_photos:
        description += f" (needs at least {category.min_photos} photo(s): send media_url)"
    return GeoReportService(
        service_code=category.code,
        service_name=category.name_zh,
        description=description,
        metadata=bool(ATTRIBUTES),
        type="realtime",
        keywords=", ".join(dict.fromkeys((category.name_zh, category.name_en, group_zh, group_en))),
        group=group_zh,
    )


async def services(conn: asyncpg.Connection) -> list[GeoReportService]:
    """The active categories citizens may report, with their major class as the group."""
    found, _ = await catalogue.catalogue(conn)
    return [
        _service(category, group.name_zh, group.name_en)
        for group in found.groups
        for category in group.categories
        if category.citizen_reportable
    ]


async def _reportable(conn: asyncpg.Connection, code: str) -> Category:
    category = await catalogue.find_category(conn, code) if len(code) <= _LIMITS["service_code"] else None
    if category is None or not category.active or not category.citizen_reportable:
        raise ServiceNotFound(f"no service {code!r}", fields=_field("service_code"))
    return category


async def service_definition(conn: asyncpg.Connection, code: str) -> GeoReportServiceDefinition:
    category = await _reportable(conn, code)
    return GeoReportServiceDefinition(service_code=category.code, attributes=list(ATTRIBUTES))


# --- reading requests --------------------------------------------------------------------------------------------


class RequestQuery(msgspec.Struct, frozen=True, kw_only=True):
    """GET requests' parameters, as sent (text)."""

    service_request_id: str | None = None
    service_code: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    status: str | None = None


def comma_list_pattern(longest: int, most: int) -> str:
    """1 to `most` values of 1 to `longest` URL-safe characters, comma-separated (the contract states this pattern,
    api/openapi_open311.py): a list the server can be sent at its longest (a URL stays under the HTTP parser's
    80 KB)."""
    item = f"[A-Za-z0-9._~-]{{1,{longest}}}"
    return f"^{item}(,{item}){{0,{most - 1}}}$"


def _comma_list(raw: str, name: str, longest: int, most: int = _MAX_IDS) -> list[str]:
    if re.fullmatch(comma_list_pattern(longest, most), raw) is None:
        raise InvalidRequest(
            f"{name} is a comma-separated list of 1 to {most} values of letters, digits and ._~-",
            fields=_field(name),
        )
    return list(dict.fromkeys(raw.split(",")))


def _datetime(raw: str, name: str, zone: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise InvalidRequest(
            f"{name} is a W3C date-time, e.g. 2026-11-01T08:00:00+08:00", fields=_field(name)
        ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)  # a time without an offset is the city's
    if not 2000 <= value.year <= 9000:
        raise InvalidRequest(f"{name} is out of range", fields=_field(name))
    return value


def window(config: Open311Config, start_raw: str | None, end_raw: str | None) -> tuple[datetime, datetime]:
    """[start, end) of GET requests: the last `default_window_days` days unless told; one date given, the window
    runs that many days from (or to) it; both given, start before end and at most that many days apart."""
    zone = ZoneInfo(config.timezone)
    span = timedelta(days=config.default_window_days)
    start = _datetime(start_raw, "start_date", zone) if start_raw is not None else None
    end = _datetime(end_raw, "end_date", zone) if end_raw is not None else None
    if start is None and end is None:
        end = datetime.now(UTC) + timedelta(seconds=1)
        return end - span, end
    if start is None:
        assert end is not None
        return end - span, end
    if end is None:
        return start, start + span
    if end <= start or end - start > span:
        raise InvalidDateRange(
            f"start_date must be before end_date, at most {config.default_window_days} days before it",
            fields=_field("end_date"),
        )
    return start, end


def _statuses(raw: str | None) -> bool | None:
    """Whether to read only finished (True) or unfinished (False) cases; None for both."""
    if raw is None:
        return None
    wanted = set(_comma_list(raw, "status", 6))
    if not wanted <= {"open", "closed"}:
        raise InvalidRequest("status is open, closed, or both comma-separated", fields=_field("status"))
    return None if len(wanted) == 2 else wanted == {"closed"}


def _at(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)  # whole seconds already (open311/store.py)


async def _names(conn: asyncpg.Connection, codes: set[str]) -> dict[str, str]:
    found, _ = await catalogue.catalogue(conn)
    names = {c.code: c.name_zh for g in found.groups for c in g.categories}
    for code in codes - names.keys():  # a category no longer active
        category = await catalogue.find_category(conn, code)
        names[code] = category.name_zh if category else code
    return names


def _request(
    row: asyncpg.Record, names: Mapping[str, str], zone: ZoneInfo, base_url: str
) -> GeoReportRequest:
    closed = row["state"] in FINISHED
    return GeoReportRequest(
        service_request_id=row["number"],
        status="closed" if closed else "open",
        status_notes=row["status_note"] or None,
        service_name=names.get(row["category_code"], row["category_code"]),
        service_code=row["category_code"],
        description=row["description"],
        agency_responsible=row["department_zh"],
        service_notice=None,
        requested_datetime=_at(row["created_at"], zone),
        updated_datetime=_at(row["updated_at"], zone),
        expected_datetime=_at(row["due_at"], zone) if row["due_at"] is not None and not closed else None,
        address=row["address"],
        address_id=None,
        zipcode=None,
        lat=row["lat"],
        long=row["lon"],
        # the public display copy (metadata stripped) behind the photo route; never the original
        media_url=f"{base_url.rstrip('/')}/v1/photos/{row['photo_id']}" if row["photo_id"] else None,
    )


async def list_requests(
    conn: asyncpg.Connection, config: Open311Config, query: RequestQuery, base_url: str
) -> list[GeoReportRequest]:
    """GET requests: public reports, newest first, at most `max_results`. With service_request_id the other
    filters are ignored, as the standard says."""
    zone = ZoneInfo(config.timezone)
    # every filter is checked, even those service_request_id makes the standard ignore
    start, end = window(config, query.start_date, query.end_date)
    codes = (
        _comma_list(query.service_code, "service_code", 16, MAX_SERVICE_CODES)
        if query.service_code is not None
        else None
    )
    finished = _statuses(query.status)
    if query.service_request_id is not None:
        numbers = _comma_list(query.service_request_id, "service_request_id", 64)
        rows = await store.public_requests_by_number(conn, numbers)
    else:
        rows = await store.public_requests(
            conn,
            categories=codes,
            start=start,
            end=end,
            finished_states=tuple(sorted(FINISHED)),
            finished=finished,
            limit=config.max_results,
        )
    names = await _names(conn, {r["category_code"] for r in rows})
    return [_request(r, names, zone, base_url) for r in rows[: config.max_results]]


async def get_request(
    conn: asyncpg.Connection, config: Open311Config, number: str, base_url: str
) -> GeoReportRequest:
    row = await store.public_request(conn, number) if len(number) <= 64 else None
    if row is None:
        raise RequestNotFound(f"no service request {number!r}")
    names = await _names(conn, {row["category_code"]})
    return _request(row, names, ZoneInfo(config.timezone), base_url)


async def token(conn: asyncpg.Connection, value: str) -> GeoReportToken:
    row = await store.token(conn, value) if len(value) <= 64 else None
    if row is None:
        raise TokenNotFound("no such token")
    return GeoReportToken(service_request_id=row["number"], token=row["token"])


# --- submitting --------------------------------------------------------------------------------------------------


class Media(msgspec.Struct, frozen=True):
    """What the photo pipeline needs (the app's storage, its image threads and limits)."""

    storage: Storage
    workers: ImageWorkers
    config: MediaConfig


def fingerprint(form: Mapping[str, str]) -> str:
    """sha256 of the normalised form: every field but api_key, names lower-cased, values trimmed, sorted."""
    normal = sorted((k.strip().lower(), v.strip()) for k, v in form.items() if k.strip().lower() != "api_key")
    return hashlib.sha256(json.dumps(normal, ensure_ascii=False).encode()).hexdigest()


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name)
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > _LIMITS[name]:
        raise InvalidRequest(f"{name} is at most {_LIMITS[name]} characters", fields=_field(name))
    return value


def _coordinate(form: Mapping[str, str], name: str) -> float | None:
    raw = _text(form, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise InvalidRequest(f"{name} is a decimal number (WGS-84)", fields=_field(name)) from exc
    limit = 90.0 if name == "lat" else 180.0
    if not math.isfinite(value) or abs(value) > limit:
        raise InvalidRequest(f"{name} is a WGS-84 degree from -{limit:g} to {limit:g}", fields=_field(name))
    return value


def _location(form: Mapping[str, str]) -> tuple[float, float]:
    lat, lon = _coordinate(form, "lat"), _coordinate(form, "long")
    if lat is not None and lon is not None:
        return lat, lon
    if lat is not None or lon is not None:
        raise InvalidRequest("lat and long go together", fields=_field("long" if lon is None else "lat"))
    if _text(form, "address_string") is not None or _text(form, "address_id") is not None:
        raise AddressNotPlaceable(
            "this city cannot place an address by itself: send lat and long (WGS-84), with address_string as "
            "the address people read",
            fields=_field("address_string"),
        )
    raise InvalidRequest("a location is required: lat and long (WGS-84)", fields=_field("lat"))


def _anonymous(form: Mapping[str, str]) -> bool:
    raw = _text(form, "attribute[anonymous]")
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise InvalidRequest("attribute[anonymous] is true or false", fields=_field("attribute[anonymous]"))
    return raw.lower() == "true"


async def submit(
    conn: asyncpg.Connection,
    config: Open311Config,
    cases_config: CasesConfig,
    calendar: WorkCalendar,
    photos: Media,
    items: list[tuple[str, Any]],
    ctx: RequestContext,
) -> tuple[GeoReportRequestCreated, bool]:
    """POST requests: file a report for the application holding api_key. Returns the answer and whether it was
    filed now (False: the same application sent the same form within `retry_window_s`, and gets the same
    request back)."""
    key = next((value for name, value in items if name == "api_key"), None)
    app, principal = await applications.authenticate(conn, key if isinstance(key, str) else None)
    form = form_values(items)
    await identity.rate_limit(conn, f"open311:{app.id}", app.requests_per_hour, 3600)
    check_jurisdiction(config, _text(form, "jurisdiction_id"))
    code = _text(form, "service_code")
    if code is None:
        raise InvalidRequest("service_code is required", fields=_field("service_code"))
    category = await _reportable(conn, code)
    lat, lon = _location(form)
    description = _text(form, "description") or ""
    address = _text(form, "address_string")
    media_url = _text(form, "media_url")
    anonymous = _anonymous(form)
    contact = {name: _text(form, name) for name in _CONTACT}

    body_hash = fingerprint(form)
    await store.lock_fingerprint(conn, app.id, body_hash)
    earlier = await store.recent_submission(conn, app.id, body_hash, config.retry_window_s)
    if earlier is not None:
        return GeoReportRequestCreated(
            service_request_id=earlier["number"], token=earlier["token"], service_notice=None, account_id=None
        ), False

    photo_ids: list[UUID] = []
    if media_url is not None:
        fetched = await fetch_media(
            media_url,
            max_bytes=min(config.media_max_bytes, photos.config.max_upload_bytes),
            timeout_s=config.media_timeout_s,
            allow_private=config.allow_private_media,
        )
        try:
            photo = await media.upload_direct(
                conn, photos.storage, photos.workers, photos.config, app.user_id, fetched, ""
            )
        finally:
            fetched.close()
        photo_ids.append(photo.photo_id)
    try:
        data = msgspec.convert(
            {
                "category": category.code,
                "location": {"lat": lat, "lon": lon, "crs": "wgs84"},
                "description": description,
                "address": address,
                "photo_ids": [str(p) for p in photo_ids],
                "anonymous": anonymous,
            },
            ReportCreate,
        )
    except msgspec.ValidationError as exc:  # the reports' own bounds, which _LIMITS mirrors
        raise InvalidRequest(str(exc)) from exc
    limits = msgspec.structs.replace(cases_config, reports_per_day=app.reports_per_day)
    created, _ = await reports.submit_report(conn, limits, calendar, principal, data)
    value = secrets.token_urlsafe(16)
    await store.insert_submission(
        conn, application_id=app.id, token=value, body_hash=body_hash, report_id=created.id, **contact
    )
    await identity.audit(
        conn,
        ctx,
        app.user_id,
        "open311.request.create",
        "report",
        str(created.id),
        application_id=str(app.id),
        number=created.number,
        media=bool(photo_ids),
    )
    return GeoReportRequestCreated(
        service_request_id=created.number, token=value, service_notice=None, account_id=None
    ), True


def form_values(items: list[tuple[str, Any]]) -> dict[str, str]:
    """A form's fields as text (a field sent twice with different values, or text with U+0000, is refused)."""
    out: dict[str, str] = {}
    for name, value in items:
        if not isinstance(value, str):
            raise InvalidRequest(f"{name} must be text", fields=_field(name))
        if "\x00" in name or "\x00" in value:  # PostgreSQL text cannot hold U+0000
            raise InvalidRequest("a field contains U+0000", fields=_field(name.replace("\x00", "")))
        if name in out and out[name] != value:
            raise InvalidRequest(f"{name} is sent twice", fields=_field(name))
        out[name] = value
    return out
