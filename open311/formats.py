"""GeoReport v2's two formats: XML (the standard's own, declared UTF-8, Chinese written as is) and JSON, with the
standard's element and member names and nesting.

XML: a list answer is its collection element (`services`, `service_requests`, `errors`) holding one element per
item (`service`, `request`, `error`); nested lists likewise (`endpoints`/`endpoint`, `formats`/`format`,
`attributes`/`attribute`, `values`/`value`); true/false in lower case; a missing value is an empty element;
date-times in W3C form with their offset. Characters XML 1.0 cannot hold (C0 controls but tab and line breaks)
are left out of the XML. JSON: the same members; a list answer is a JSON array.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Literal

import msgspec

Format = Literal["xml", "json"]
#: the answers' media types (the server adds "; charset=utf-8" to text/xml)
MEDIA_TYPES: dict[str, str] = {"xml": "text/xml", "json": "application/json"}

#: element of each item of a list, by the list's name
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def split_format(name: str) -> tuple[str, Format] | None:
    """('services', 'json') from 'services.json'; None without a known suffix."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or suffix not in ("xml", "json"):
        return None
    return stem, suffix  # type: ignore[return-value]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEMS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` (Structs, lists, builtins) as a GeoReport XML document whose root element is `root`."""
    element = ET.Element(root)
    _fill(element, msgspec.to_builtins(value))
    return _DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def to_json(value: Any) -> bytes:
    return msgspec.json.encode(value)


def render(fmt: Format, root: str, value: Any) -> bytes:
    return to_xml(root, value) if fmt == "xml" else to_json(value)
