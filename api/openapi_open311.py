"""The Open311 GeoReport v2 operations in the published document (api/openapi.py calls `georeport_operations`).

Their answers are not this API's JSON and problems: each is documented in the format its path names (text/xml for
`.xml`, application/json for `.json`; both for the resources named by their last segment), with the standard's
element names (`xml.name`, wrapped lists) and its error list for 400, 403, 404 (429 for an application's rate
limit, 500/503 for the server's own trouble). Parameters get the standard's types; POST requests takes a
form-encoded body.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.handlers import HTTPRouteHandler

from open311.formats import ITEMS
from open311.models import (
    GeoReportDiscovery,
    GeoReportError,
    GeoReportRequest,
    GeoReportRequestCreated,
    GeoReportService,
    GeoReportServiceDefinition,
    GeoReportToken,
)
from open311.service import MAX_SERVICE_CODES, comma_list_pattern

REF = "#/components/schemas/{name}"
XML, JSON = "text/xml", "application/json"

#: the answer of each operation (by operationId without its format suffix): (root element, Struct, is a list)
ANSWERS: dict[str, tuple[str, type[msgspec.Struct], bool]] = {
    "open311Discovery": ("discovery", GeoReportDiscovery, False),
    "open311ListServices": ("services", GeoReportService, True),
    "open311GetService": ("service_definition", GeoReportServiceDefinition, False),
    "open311ListRequests": ("service_requests", GeoReportRequest, True),
    "open311CreateRequest": ("service_requests", GeoReportRequestCreated, True),
    "open311GetRequest": ("service_requests", GeoReportRequest, True),
    "open311GetToken": ("service_requests", GeoReportToken, True),
}
#: the error statuses of each operation (400 wherever a parameter is read: text with U+0000 is refused)
STATUSES: dict[str, tuple[int, ...]] = {
    "open311Discovery": (500,),
    "open311ListServices": (400, 404, 500, 503),
    "open311GetService": (400, 404, 500, 503),
    "open311ListRequests": (400, 404, 500, 503),
    "open311CreateRequest": (400, 403, 404, 429, 500, 503),
    "open311GetRequest": (400, 404, 500, 503),
    "open311GetToken": (400, 404, 500, 503),
}
_ERRORS = {
    400: "A GeoReport error list: a parameter missing or not valid (its description starts with the code).",
    403: "A GeoReport error list: the api_key is missing, unknown or revoked.",
    404: "A GeoReport error list: no such jurisdiction, service, request, token or format.",
    429: "A GeoReport error list: the application's hourly limit is reached (Retry-After says when to retry).",
    500: "A GeoReport error list: this server failed.",
    503: "A GeoReport error list: the database is unavailable (Retry-After says when to retry).",
}
_DATE_TIME = {"type": "string", "format": "date-time", "maxLength": 40}
_FILE = {"type": "string", "pattern": r"^[^/]{1,64}\.(xml|json)$", "maxLength": 69}
PARAMETERS: dict[str, dict[str, Any]] = {
    "jurisdiction_id": {"type": "string", "minLength": 1, "maxLength": 64},
    "service_request_id": {
        "type": "string",
        "pattern": comma_list_pattern(64, 1000),
        "minLength": 1,
        "maxLength": 64 * 1000 + 999,
    },
    "service_code": {
        "type": "string",
        "pattern": comma_list_pattern(16, MAX_SERVICE_CODES),
        "minLength": 1,
        "maxLength": 16 * MAX_SERVICE_CODES + MAX_SERVICE_CODES - 1,
    },
    "start_date": _DATE_TIME,
    "end_date": _DATE_TIME,
    "status": {"type": "string", "pattern": "^(open|closed)(,(open|closed))?$"},
    "service_file": _FILE,
    "request_file": _FILE,
    "token_file": _FILE,
}
_TEXT = {"type": "string"}
FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "api_key": {"type": "string", "minLength": 1, "maxLength": 256},
        "jurisdiction_id": PARAMETERS["jurisdiction_id"],
        "service_code": {"type": "string", "minLength": 1, "maxLength": 16},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": {**_TEXT, "maxLength": 200},
        "address_id": {**_TEXT, "maxLength": 64},
        "email": {**_TEXT, "maxLength": 200},
        "device_id": {**_TEXT, "maxLength": 200},
        "account_id": {**_TEXT, "maxLength": 200},
        "first_name": {**_TEXT, "maxLength": 100},
        "last_name": {**_TEXT, "maxLength": 100},
        "phone": {**_TEXT, "maxLength": 40},
        "description": {**_TEXT, "maxLength": 2000},
        "media_url": {**_TEXT, "format": "uri", "maxLength": 2048},
        "attribute[anonymous]": {"type": "string", "enum": ["true", "false"]},
    },
    "required": ["api_key", "service_code"],
}


def _base(operation_id: str) -> tuple[str, tuple[str, ...]]:
    """The operation's name without its format, and the media types it answers in."""
    for suffix, media in (("Xml", (XML,)), ("Json", (JSON,))):
        if operation_id.endswith(suffix) and operation_id[: -len(suffix)] in ANSWERS:
            return operation_id[: -len(suffix)], media
    return operation_id, (XML, JSON)


def _content(root: str, name: str, is_list: bool, media_types: tuple[str, ...]) -> dict[str, Any]:
    ref = REF.format(name=name)
    if is_list:
        xml_schema: dict[str, Any] = {
            "type": "array",
            "xml": {"name": root, "wrapped": True},
            "items": {"$ref": ref, "xml": {"name": ITEMS[root]}},
        }
        json_schema: dict[str, Any] = {"type": "array", "items": {"$ref": ref}}
    else:
        xml_schema = {"$ref": ref, "xml": {"name": root}}
        json_schema = {"$ref": ref}
    return {media: {"schema": xml_schema if media == XML else json_schema} for media in media_types}


def georeport_operations(
    doc: dict[str, Any], found: list[tuple[str, str, HTTPRouteHandler]], schemas: dict[str, Any]
) -> None:
    """Document the Open311 operations among `found` (their handlers' opt holds `open311`)."""
    structs = [answer[1] for answer in ANSWERS.values()] + [GeoReportError]
    _, components = msgspec.json.schema_components(structs, ref_template=REF)
    touched = False
    for path, method, handler in found:
        if not handler.opt.get("open311"):
            continue
        touched = True
        operation = doc["paths"][path][method]
        name, media_types = _base(operation["operationId"])
        root, struct, is_list = ANSWERS[name]
        success = str(handler.status_code)
        responses: dict[str, Any] = {
            success: {
                "description": f"The GeoReport v2 `{root}` answer.",
                "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}},
                "content": _content(root, struct.__name__, is_list, media_types),
            }
        }
        if method == "post":
            responses["200"] = {
                "description": "A retry: the same application sent the same form within a minute; the same request.",
                "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}},
                "content": _content(root, struct.__name__, is_list, media_types),
            }
            operation["requestBody"] = {
                "required": True,
                "content": {"application/x-www-form-urlencoded": {"schema": FORM}},
            }
        for status in STATUSES[name]:
            headers: dict[str, Any] = {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}
            if status in (429, 503):
                headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
            responses[str(status)] = {
                "description": _ERRORS[status],
                "headers": headers,
                "content": _content("errors", "GeoReportError", True, media_types),
            }
        operation["responses"] = dict(sorted(responses.items()))
        for parameter in operation.get("parameters", []):
            if parameter["name"] in PARAMETERS:
                parameter["schema"] = dict(PARAMETERS[parameter["name"]])
        operation["security"] = [{}]
    if touched:
        schemas.update(components)
