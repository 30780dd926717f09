"""GeoReport v2 as the standard writes it (http://wiki.open311.org/GeoReport_v2): JSON schemas of each answer, and
an XML reader that checks element names and nesting, for the Open311 tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import jsonschema

_DT = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$",
}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": {"type": "string"},
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": {"type": "string"},
        "group": {"type": "string"},
    },
    "additionalProperties": False,
}
SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": _array(
            {
                "type": "object",
                "required": [
                    "variable",
                    "code",
                    "datatype",
                    "required",
                    "datatype_description",
                    "order",
                    "description",
                ],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": _TEXT_OR_NULL,
                    "order": {"type": "integer"},
                    "description": {"type": "string"},
                    "values": _array(
                        {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        }
                    ),
                },
            }
        ),
    },
    "additionalProperties": False,
}
REQUEST = {
    "type": "object",
    "required": [
        "service_request_id",
        "status",
        "service_code",
        "service_name",
        "requested_datetime",
        "updated_datetime",
        "lat",
        "long",
    ],
    "properties": {
        "service_request_id": {"type": "string", "minLength": 1},
        "status": {"enum": ["open", "closed"]},
        "status_notes": _TEXT_OR_NULL,
        "service_name": {"type": "string"},
        "service_code": {"type": "string"},
        "description": _TEXT_OR_NULL,
        "agency_responsible": _TEXT_OR_NULL,
        "service_notice": _TEXT_OR_NULL,
        "requested_datetime": _DT,
        "updated_datetime": _DT,
        "expected_datetime": {"anyOf": [_DT, {"type": "null"}]},
        "address": _TEXT_OR_NULL,
        "address_id": _TEXT_OR_NULL,
        "zipcode": _TEXT_OR_NULL,
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "media_url": _TEXT_OR_NULL,
    },
    "additionalProperties": False,
}
CREATED = {
    "type": "object",
    "required": ["service_request_id"],
    "properties": {
        "service_request_id": {"type": "string"},
        "token": {"type": "string"},
        "service_notice": _TEXT_OR_NULL,
        "account_id": _TEXT_OR_NULL,
    },
    "additionalProperties": False,
}
TOKEN = {
    "type": "object",
    "required": ["token", "service_request_id"],
    "properties": {"token": {"type": "string"}, "service_request_id": {"type": ["string", "null"]}},
    "additionalProperties": False,
}
ERRORS = _array(
    {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "additionalProperties": False,
    }
)
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": _DT,
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": _array(
            {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string"},
                    "changeset": _DT,
                    "type": {"enum": ["production", "test"]},
                    "formats": _array({"enum": ["text/xml", "application/json"]}),
                },
            }
        ),
    },
}
SCHEMAS = {
    "services": _array(SERVICE),
    "service_definition": SERVICE_DEFINITION,
    "service_requests": _array(REQUEST),
    "created": _array(CREATED),
    "tokens": _array(TOKEN),
    "errors": ERRORS,
    "discovery": DISCOVERY,
}


def checked_json(r: httpx.Response, kind: str) -> Any:
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    body = r.json()
    jsonschema.validate(body, SCHEMAS[kind], format_checker=jsonschema.FormatChecker())
    return body


#: the element of each list's items
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _plain(element: ET.Element) -> Any:
    if element.tag in ITEMS:
        assert all(child.tag == ITEMS[element.tag] for child in element), element.tag
        return [_plain(child) for child in element]
    if len(element):
        tags = [child.tag for child in element]
        assert len(tags) == len(set(tags)), f"repeated members in {element.tag}: {tags}"
        return {child.tag: _plain(child) for child in element}
    return element.text or ""


def parsed_xml(r: httpx.Response, root: str) -> Any:
    """The answer parsed with xml.etree: declared UTF-8, its root element `root`, as plain data (lists for
    the standard's collections, text for leaves)."""
    assert r.headers["content-type"] == "text/xml; charset=utf-8", r.headers["content-type"]
    assert r.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), r.content[:60]
    element = ET.fromstring(r.content)  # noqa: S314 (this server's own answer, in a test)
    assert element.tag == root, element.tag
    return _plain(element)
