"""Schemathesis fuzzes every operation of the published contract, as a citizen and as an admin.

One pytest test per operation and role (`test_operation_keeps_its_contract[POST /v1/reports][citizen]`). Each
runs schemathesis's examples, coverage and fuzzing phases (positive and negative data, a bounded number of
examples, derandomized, no shrinking) against the real app under uvicorn on 127.0.0.1, on a database of its own
with the demo city loaded, and checks every answer with schemathesis's default checks plus
`positive_data_acceptance` and `negative_data_rejection`. A failure names the operation, the check and a curl
command that reproduces it (against the port of that run). Nothing leaves this machine: the module's server and
client resolve and connect to loopback only, so a fuzzed webhook host is not even looked up.

What the schema cannot say is written down here, narrowly, with the reason:
- KNOWN_REFUSALS: schema-valid data an operation refuses for a rule of the domain (an opaque cursor it did not
  give out, a category that does not exist, a phone number no carrier has): only those problem codes count
  as accepted for positive data, every other refusal still fails `positive_data_acceptance`;
- lax decoding: litestar converts parameters and bodies with msgspec's lax rules (0 for false, a number for a
  date-time), so a negative case that msgspec's strict rules refuse but its lax rules take is not counted
  against `negative_data_rejection`;
- text with U+0000 is refused everywhere (api/nul_guard.py: PostgreSQL text cannot hold it), which no JSON Schema
  string says: that refusal of positive data is not counted against `positive_data_acceptance`;
- EXPECTED_STATUSES: statuses an operation rightly answers that schemathesis does not expect by default;
- the Allow header of OPTIONS on a path with several methods (litestar 2.x names only one of them:
  litestar-org/litestar#4169, fixed in 3.0) is not checked.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import os
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import msgspec
import pytest
import schemathesis
import uvicorn
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from schemathesis import Case, CheckContext, CheckFunction, GenerationMode, Response
from schemathesis.checks import CHECKS, load_all_checks

from api.app import create_app
from api.config import auth_config
from api.db import connect
from api.demo import seed_demo
from api.nul_guard import NUL_REFUSAL
from api.settings import Settings, load_settings
from tests import contract_conformance
from tests.identity.helpers import bearer, staff_token

ROLES = ("citizen", "admin")
#: examples per operation in the fuzzing phase, for each of positive and negative data
MAX_EXAMPLES = 20

_CURSOR = "an opaque cursor is valid only when this API gave it out; any other string is refused"
_CATEGORY = "a category code must name a category of the catalogue, which the schema cannot list"
_PHONE = "a phone number must be one libphonenumber accepts for the region; the schema only bounds its length"
_KEY = (
    "an Idempotency-Key names one write: the documented example key sent again with another body is refused"
)
_GRID = "a grid code must name an imported responsibility grid"
_COORDINATES = (
    "lat and lon must be finite and on the globe (the schema declares no bounds: the domain answers them)"
)

#: operationId -> {problem code: why schema-valid data may be refused with it}
KNOWN_REFUSALS: dict[str, dict[str, str]] = {
    "requestOtp": {"invalid_phone": _PHONE},
    "issueToken": {
        "invalid_phone": _PHONE,
        "otp_invalid": "a code is right only when it is the one the SMS carried",
    },
    "listCases": {"invalid_cursor": _CURSOR},
    "listMyPayments": {"invalid_cursor": _CURSOR},
    "createPayment": {
        "invalid_payment": "an order pays at least one bill or some credit ahead, each bill once, of one estate"
    },
    "listDevices": {"invalid_cursor": _CURSOR},
    "listInbox": {"invalid_cursor": _CURSOR},
    "listMyReports": {"invalid_cursor": _CURSOR},
    "listCategoryDepartmentsV2": {"invalid_cursor": _CURSOR},
    "listDeliveriesV2": {"invalid_cursor": _CURSOR},
    "listGridImportsV2": {"invalid_cursor": _CURSOR},
    "listOutboxV2": {"invalid_cursor": _CURSOR},
    "listWebhooksV2": {"invalid_cursor": _CURSOR},
    "listWebhookDeliveriesV2": {"invalid_cursor": _CURSOR},
    "listAuditV2": {"invalid_cursor": _CURSOR},
    "sync": {
        "invalid_cursor": _CURSOR,
        "validation_failed:since": "`since` is the deprecated name of `cursor`: sending both is refused",
    },
    "mapReports": {
        "invalid_coordinates": "bbox must be four numbers min_lon,min_lat,max_lon,max_lat in order"
    },
    "listNearbyReports": {"unknown_category": _CATEGORY, "invalid_coordinates": _COORDINATES},
    "listInspectorTasks": {"invalid_coordinates": _COORDINATES},
    "listInspectorTasksV2": {"invalid_cursor": _CURSOR, "invalid_coordinates": _COORDINATES},
    "submitReport": {
        "idempotency_key_reused": _KEY,
        "invalid_coordinates": _COORDINATES,
        "unknown_category": _CATEGORY,
        "outside_service_area": "a location must lie inside the service area, a polygon the schema cannot hold",
        "photo_unavailable": "photo_ids must name photos the caller uploaded",
    },
    "submitPatrolReport": {
        "idempotency_key_reused": _KEY,
        "invalid_coordinates": _COORDINATES,
        "unknown_category": _CATEGORY,
    },
    "transitionCase": {"idempotency_key_reused": _KEY},
    "putCategoryDepartment": {"unknown_category": _CATEGORY},
    "updateCategory": {
        # the catalogue's code for both (tests/cases/test_categories.py)
        "unknown_category:default_department": "default_department must name a department",
        "unknown_category:limit_urgent_hours": "the urgent limit may not be longer than the normal one",
    },
    "setQuietHours": {"invalid_quiet_hours": "quiet hours must start and end at different times"},
    "uploadPhoto": {
        "unsupported_image_type": "the bytes must be a JPEG, PNG, WebP or HEIC image",
        "upload_mismatch": "the bytes must be of the content type the part declares",
        "corrupt_image": "the bytes must be an image Pillow can read",
    },
    "listCalendarDays": {"invalid_calendar_date": "from and to are dates written YYYY-MM-DD"},
    "setCalendarOverride": {"invalid_calendar_date": "the day is a date written YYYY-MM-DD"},
    "deleteCalendarOverride": {"invalid_calendar_date": "the day is a date written YYYY-MM-DD"},
    "getIndicators": {"invalid_period": "from and to are dates written YYYY-MM-DD, at most 366 days apart"},
    "listDuties": {"unknown_grid": _GRID},
    "listDutiesV2": {"unknown_grid": _GRID, "invalid_cursor": _CURSOR},
    "putDuty": {
        "unknown_grid": _GRID,
        "invalid_duty": "a duty may not overlap another duty of the same inspector on the grid",
        "not_an_inspector": "inspector_id must name an active inspector",
    },
    "importGrids": {"grid_import_refused": "the file must hold valid grid polygons with their codes"},
    "createWebhook": {
        "webhook_url_invalid": "the url must be an absolute http(s) URL",
        "webhook_host_unresolvable": "the url's host must resolve (and tests resolve nothing off this machine)",
    },
    "setIndicatorWeights": {"invalid_weights": "weights must be the kind's own indicators and add up to 100"},
    "getEstateCredit": {"invalid_credit_month": "the month is 2000-01 or later and has begun"},
    "listCompanyCredit": {"invalid_credit_month": "the month is 2000-01 or later and has begun"},
    "setCreditScheme": {"invalid_credit_scheme": "weights add up to 100 and grade bands descend strictly"},
    "setUserRoles": {"invalid_scope": "a scoped role needs scope_kind and scope_id together"},
    "createEstate": {"invalid_estate": "the location must be on the globe and a boundary a simple polygon"},
    "updateEstate": {"invalid_estate": "the location must be on the globe and a boundary a simple polygon"},
    **{
        f"open311ListRequests{fmt}": {
            "open311_invalid_date_range": "start_date comes before end_date, at most 90 days before it",
            "open311_invalid_request": "a date-time is between the years 2000 and 9000",
        }
        for fmt in ("Xml", "Json")
    },
}
# the GeoReport routes answer the NUL refusal (api/nul_guard.py) as a GeoReport error, with the code first
for _op_id in [
    *(f"{op}{fmt}" for op in ("open311ListServices", "open311ListRequests") for fmt in ("Xml", "Json")),
    "open311GetService",
    "open311GetRequest",
    "open311GetToken",
]:
    KNOWN_REFUSALS.setdefault(_op_id, {})["validation_failed"] = "text with U+0000 is refused everywhere"

_NEGATIVE_DEFAULT = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx"]
_MISSING_HEADER_DEFAULT = ["400", "401", "403", "406", "415", "422"]
#: operationId -> {check: statuses it counts as right}, besides schemathesis's defaults
EXPECTED_STATUSES: dict[str, dict[str, list[str]]] = {
    # a declared size over the limit is 413 upload_too_large (documented), the status for "too large"
    "createUpload": {"negative_data_rejection": [*_NEGATIVE_DEFAULT, "413"]},
    # a missing If-Match is 428 precondition_required (RFC 6585), documented
    "transitionCase": {"missing_required_header": [*_MISSING_HEADER_DEFAULT, "428"]},
}

# Rules every operation of a kind shares, read from the document: a paged list refuses a cursor it did not give
# out; a write with an Idempotency-Key refuses the example key sent again with another body; a missing If-Match
# is 428 precondition_required (RFC 6585), documented.
for _item in contract_conformance._document()["paths"].values():
    for _op in _item.values():
        _params = {p["name"]: p for p in _op.get("parameters", [])}
        if "cursor" in _params:
            KNOWN_REFUSALS.setdefault(_op["operationId"], {}).setdefault("invalid_cursor", _CURSOR)
        if "Idempotency-Key" in _params:
            KNOWN_REFUSALS.setdefault(_op["operationId"], {}).setdefault("idempotency_key_reused", _KEY)
        if _params.get("If-Match", {}).get("required"):
            EXPECTED_STATUSES.setdefault(_op["operationId"], {}).setdefault(
                "missing_required_header", [*_MISSING_HEADER_DEFAULT, "428"]
            )

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261201,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
            # the test sends its own bearer token; auth itself is probed by the `ignored_auth` check
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {check: {"expected-statuses": statuses} for check, statuses in checks.items()},
            }
            for operation_id, checks in EXPECTED_STATUSES.items()
        ],
    }
)
#: the published document, as the app serves it at /schema/openapi.json (the `api` fixture checks that it is);
#: rendered once per process and shared with the conformance check of every test's responses
SCHEMA = schemathesis.openapi.from_dict(copy.deepcopy(contract_conformance._document()), config=CONFIG)


# --- checks ---------------------------------------------------------------------------------------------------

load_all_checks()
_positive_data_acceptance = cast(CheckFunction, CHECKS.get_one("positive_data_acceptance"))
_negative_data_rejection = cast(CheckFunction, CHECKS.get_one("negative_data_rejection"))
_allow_header_conformance = cast(CheckFunction, CHECKS.get_one("allow_header_conformance"))


def _operation_id(case: Case[Any]) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _mode(case: Case[Any]) -> GenerationMode | None:
    return case.meta.generation.mode if case.meta is not None else None


def _problem(response: Response) -> tuple[str, list[dict[str, Any]]]:
    """The problem's code and its field errors."""
    if "text/xml" in str(response.headers.get("content-type")):
        # a GeoReport error list in XML (the Open311 routes)
        description = ET.fromstring(response.content).findtext("error/description") or ""  # noqa: S314
        return description.split(":", 1)[0], []
    try:
        body = response.json()
    except ValueError:
        return "", []
    if isinstance(body, list) and body and isinstance(body[0], dict) and "description" in body[0]:
        # a GeoReport error list (the Open311 routes): its description starts with the code
        return str(body[0]["description"]).split(":", 1)[0], []
    if not isinstance(body, dict):
        return "", []
    return str(body.get("code", "")), [e for e in body.get("errors", []) if isinstance(e, dict)]


def positive_data_acceptance(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """schemathesis's check, except for the refusals of KNOWN_REFUSALS and of text with U+0000 (PostgreSQL text
    cannot hold it, so api/nul_guard.py refuses it in every operation; JSON Schema strings cannot say so)."""
    if _mode(case) == GenerationMode.POSITIVE and 400 <= response.status_code < 500:
        known = KNOWN_REFUSALS.get(_operation_id(case), {})
        code, errors = _problem(response)
        if code in known or any(f"{code}:{e.get('field')}" in known for e in errors):
            return None
        if code == "validation_failed" and errors and all(e.get("message") == NUL_REFUSAL for e in errors):
            return None
    return _positive_data_acceptance(ctx, response, case)


def negative_data_rejection(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """schemathesis's check, except for data that only msgspec's lax rules take (see `_lax_only`)."""
    if _mode(case) == GenerationMode.NEGATIVE and response.status_code < 400 and _lax_only(case):
        return None
    return _negative_data_rejection(ctx, response, case)


#: operationId -> the type of its JSON body, filled by the `api` fixture from the app's handlers
_BODY_TYPES: dict[str, Any] = {}
_TIME_TYPES = {"date-time": datetime, "date": date}


def _takes_lax_only(value: Any, type_: Any) -> bool:
    try:
        msgspec.convert(value, type_, strict=True)
    except msgspec.ValidationError:
        try:
            msgspec.convert(value, type_, strict=False)
        except msgspec.ValidationError:
            return False
        return True
    return False


def _lax_only(case: Case[Any]) -> bool:
    """Whether the case holds a value that msgspec's strict rules refuse and its lax rules take: litestar
    converts request data with the lax rules, so the server takes `0` for false and a number for a date-time.
    (The contract documents what clients must send; the server being lenient there harms no client.)"""
    body_type = _BODY_TYPES.get(_operation_id(case))
    if body_type is not None and isinstance(case.body, dict | list) and _takes_lax_only(case.body, body_type):
        return True
    for parameter in case.operation.definition.raw.get("parameters", []):
        value = (case.query or {}).get(parameter["name"]) if parameter["in"] == "query" else None
        if not isinstance(value, str):
            continue
        schema = parameter.get("schema", {})
        formats = {s.get("format") for s in [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]}
        if any(fmt in _TIME_TYPES and _takes_lax_only(value, _TIME_TYPES[fmt]) for fmt in formats):
            return True
    return False


def _paths_with_several_methods() -> set[str]:
    return {
        path
        for path, item in SCHEMA.raw_schema["paths"].items()
        if sum(method in item for method in ("get", "put", "post", "delete", "patch")) > 1
    }


#: litestar 2.x answers OPTIONS on these paths with an Allow header that names only one method
#: (litestar-org/litestar#4169, fixed in litestar 3): schemathesis's allow_header_conformance is not run there
_BROKEN_ALLOW = _paths_with_several_methods()


# --- the server -----------------------------------------------------------------------------------------------


@dataclass
class Api:
    url: str
    settings: Settings
    phones: Iterator[int]


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _body_types(app: Litestar) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not isinstance(handler.operation_id, str):
                continue
            data = handler.parsed_fn_signature.parameters.get("data")
            media_type = getattr(data.kwarg_definition, "media_type", None) if data is not None else None
            if data is not None and getattr(media_type, "value", media_type) in (None, "application/json"):
                out[handler.operation_id] = data.annotation
    return out


@pytest.fixture(scope="module")
def api(base_url: str, template_db: str) -> Iterator[Api]:
    """The app under uvicorn on 127.0.0.1 (a free port), on a database of its own with the demo city."""
    name = f"t_st_{uuid.uuid4().hex[:12]}"
    admin_url = _with_database(base_url, "postgres")
    settings = load_settings(
        database_url=_with_database(base_url, name),
        env="test",
        db_pool_min=1,
        db_pool_max=4,
        access_token_ttl_s=3600,
        # let positive data reach the rules behind the rate limits (the limits have tests of their own)
        reports_per_day=1_000_000,
        otp_per_phone_per_minute=1_000_000,
        otp_per_phone_per_day=1_000_000,
        otp_per_ip_per_hour=1_000_000,
        uploads_per_hour=1_000_000,
    )

    async def create() -> None:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        finally:
            await admin.close()
        conn = await connect(settings)
        try:
            async with conn.transaction():
                await seed_demo(conn, auth_config(settings))
        finally:
            await conn.close()

    async def drop() -> None:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(create())
    app = create_app(settings)
    _BODY_TYPES.update(_body_types(app))
    try:
        with pytest.MonkeyPatch.context() as mp:
            _stay_on_this_machine(mp)
            with _serve(app) as url:
                served = httpx.get(f"{url}/schema/openapi.json", timeout=30)
                assert served.json() == SCHEMA.raw_schema, (
                    "the app serves another document than the one fuzzed"
                )
                yield Api(url=url, settings=settings, phones=itertools.count(1))
    finally:
        asyncio.run(drop())


class _serve:
    """uvicorn in a thread of this process, on 127.0.0.1 and a port the system picks."""

    def __init__(self, app: Litestar) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="schemathesis-api", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the API did not start"
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def _local(host: object) -> bool:
    if not isinstance(host, str):
        return True
    return host in ("localhost", "::1", "") or host.startswith("127.") or host.startswith("/")


def _stay_on_this_machine(mp: pytest.MonkeyPatch) -> None:
    """Neither the fuzzer nor the app reaches past loopback: a fuzzed webhook host is not even resolved."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _local(host):
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on this machine: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def guard(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _local(host):
            raise OSError(f"tests stay on this machine: {address}")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    mp.setattr(socket, "getaddrinfo", getaddrinfo)
    mp.setattr(socket.socket, "connect", connect)
    mp.setattr(socket.socket, "connect_ex", connect_ex)


def new_token(api: Api, role: str) -> str:
    """A new user with the role, signed in (as `cityloop users create` + a session, like the other tests)."""
    phone = f"+86139{os.getpid() % 1000:03d}{next(api.phones):05d}"

    async def make() -> str:
        conn = await connect(api.settings)
        try:
            return await staff_token(conn, api.settings, phone, role)  # type: ignore[arg-type]
        finally:
            await conn.close()

    return asyncio.run(make())


@pytest.fixture(scope="module", params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def token(api: Api, role: str) -> str:
    return new_token(api, role)


# --- the test -------------------------------------------------------------------------------------------------


@SCHEMA.parametrize()
def test_operation_keeps_its_contract(case: Case[Any], role: str, token: str, api: Api) -> None:
    if _operation_id(case) == "logout":
        # a logout ends a session of its own, not the one the other operations use
        token = new_token(api, role)
    excluded: list[CheckFunction] = [_positive_data_acceptance, _negative_data_rejection]
    if case.operation.path in _BROKEN_ALLOW:
        excluded.append(_allow_header_conformance)
    case.call_and_validate(
        base_url=api.url,
        headers=bearer(token),
        excluded_checks=excluded,
        additional_checks=[positive_data_acceptance, negative_data_rejection],
        timeout=30,
    )


def test_the_v1_before_cursor_is_documented_as_positive() -> None:
    """Regression: `gt=0` was dropped from the document (litestar omits a falsy bound), which promised any int64
    while the server refuses 0 and below."""
    for path in ("/v1/audit", "/v1/admin/deliveries", "/v1/admin/outbox"):
        (before,) = [
            p for p in SCHEMA.raw_schema["paths"][path]["get"]["parameters"] if p["name"] == "before"
        ]
        assert before["schema"]["minimum"] == 1, path


def test_upload_photo_documents_its_refusals() -> None:
    """Regression: uploadPhoto answered upload_mismatch (bytes of another type than the part declares) and
    bad_request (a body that is not multipart) without documenting them."""
    responses = SCHEMA.raw_schema["paths"]["/v1/photos"]["post"]["responses"]
    for status, code in (("422", "upload_mismatch"), ("400", "bad_request")):
        schema = responses[status]["content"]["application/problem+json"]["schema"]
        assert code in schema["allOf"][1]["properties"]["code"]["enum"]
