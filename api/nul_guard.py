"""Refuse hostile request text in one place, before any handler runs: the NUL character, JSON nested too deep
and bytes that are not UTF-8.

PostgreSQL's text cannot hold U+0000: asyncpg refuses such a parameter, which surfaced as a 500 wherever a query
parameter, a path segment, a JSON string or a multipart field reached a query. Every such request is answered
422 `validation_failed` naming the field instead (found by schemathesis: tests/api/test_schemathesis.py).

A JSON body is decoded here once (litestar reuses the result for the handler's `data`), whatever its
Content-Type, since litestar reads a `data` parameter as JSON whatever the client says. A body that is not UTF-8
or is nested so deep that the decoder gives up (RecursionError) was a 500 on every JSON operation; it is now
400 `malformed_json`, and so is valid JSON nested deeper than MAX_JSON_DEPTH levels (no request of this API
comes near it). A handler that reads its body itself (importGrids, a GeoJSON file of up to 50 MB) gets the same
checks on the raw bytes without decoding them into objects here: 422 `validation_failed` on the field `body`.

The live socket (/v1/live) runs no before-request hook: `NulWebSocketGuard` closes a handshake whose query
string holds U+0000 before the socket is accepted (the server answers it 403).

Tests: tests/security/test_hostile_input.py drives every operation of the route table with these inputs.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import SerializationException
from litestar.types import ASGIApp, Receive, Scope, Send

from api.errors import FieldError, ProblemError

NUL = "\x00"
#: the message of each field error
NUL_REFUSAL = "contains U+0000"
#: every integer of a JSON body fits PostgreSQL's bigint, as the published document says of each
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT64_REFUSAL = "an integer from -2^63 to 2^63-1"
#: the deepest JSON a request may hold (objects and arrays inside each other); this API's deepest body, a
#: GeoJSON MultiPolygon inside a FeatureCollection, is 7 levels deep
MAX_JSON_DEPTH = 64
#: methods whose body a handler may read
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: `\u0000` in JSON text, not preceded by an escaping backslash (`\\u0000` is the text "\u0000")
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _scan(value: Any) -> tuple[FieldError | None, int]:
    """The first refused member of decoded JSON (a string or object key holding NUL, an integer past int64),
    None when there is none, and the depth of the document. Iterative: a deep document must not exhaust Python's
    stack here."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    deepest = 0
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return _nul(path or "body"), deepest
            continue
        if isinstance(item, int) and not isinstance(item, bool):
            if not INT64_MIN <= item <= INT64_MAX:
                return FieldError(field=path or "body", code="invalid", message=INT64_REFUSAL), deepest
            continue
        if not isinstance(item, dict | list):
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return None, deepest
        if isinstance(item, dict):
            children = []
            for key, sub in item.items():
                at = f"{path}.{key}" if path else str(key)
                if NUL in str(key):
                    return _nul(at), deepest
                children.append((sub, at, depth))
        else:
            children = [(sub, f"{path}[{index}]", depth) for index, sub in enumerate(item)]
        stack.extend(reversed(children))  # depth first, in document order
    return None, deepest


def _nul(field: str) -> FieldError:
    return FieldError(field=field, code="invalid", message=NUL_REFUSAL)


def _body_kind(request: Request[Any, Any, Any]) -> str | None:
    """How the handler reads its body: "json" (a `data` parameter decoded as JSON), "form" (multipart or
    url-encoded `data`), "raw" (no `data`: the handler may read the bytes itself) or None (no body)."""
    if request.method not in _BODY_METHODS:
        return None
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return "raw"
    media_type = getattr(data.kwarg_definition, "media_type", None)
    media_type = getattr(media_type, "value", media_type)
    if media_type in (RequestEncodingType.MULTI_PART.value, RequestEncodingType.URL_ENCODED.value):
        return "form"
    return "json"


def _malformed(detail: str) -> ProblemError:
    return ProblemError(400, "malformed_json", detail)


def _refused(field: str, message: str, detail: str) -> ProblemError:
    return ProblemError(
        422, "validation_failed", detail, errors=[FieldError(field=field, code="invalid", message=message)]
    )


async def _json_body_refusal(request: Request[Any, Any, Any]) -> FieldError | None:
    if not await request.body():
        return None  # litestar answers a missing body itself
    try:
        body = await request.json()
    except SerializationException:
        raise _malformed("the body is not valid JSON") from None
    except UnicodeDecodeError:
        raise _malformed("the body is not UTF-8 text (RFC 8259)") from None
    except RecursionError:
        raise _malformed(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels") from None
    found, depth = _scan(body)
    if depth > MAX_JSON_DEPTH:
        raise _malformed(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    return found


def _looks_like_json(request: Request[Any, Any, Any], body: bytes) -> bool:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return True
    return body.lstrip()[:1] in (b"{", b"[")


async def _raw_body_has_nul(request: Request[Any, Any, Any]) -> bool:
    """Checks on a body the handler reads itself, without building its objects (it may be 50 MB of GeoJSON)."""
    body = await request.body()
    if not body or not _looks_like_json(request, body):
        return False
    try:
        msgspec.json.decode(body, type=msgspec.Raw)  # walks the nesting without building anything
    except RecursionError:
        raise _refused("body", "nested too deep", "the JSON is nested too deep") from None
    except msgspec.DecodeError:
        pass  # not JSON: the handler says what it makes of it
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise _refused("body", "not UTF-8", "the body is not UTF-8 text") from None
    return b"\\u0000" in body and _ESCAPED_NUL.search(body) is not None


async def _form_fields(request: Request[Any, Any, Any]) -> list[str]:
    """Multipart and url-encoded fields: names, text values, and the file name and type of each file part. A body
    of another type is left to the handler's own refusal (its form would read as empty here, and be kept so)."""
    content_type, options = request.content_type
    if content_type == RequestEncodingType.MULTI_PART.value and not options.get("boundary"):
        return []
    if content_type not in (RequestEncodingType.MULTI_PART.value, RequestEncodingType.URL_ENCODED.value):
        return []
    fields = []
    for name, value in (await request.form()).multi_items():
        if isinstance(value, UploadFile):
            texts = [name, value.filename or "", value.content_type or ""]
        else:
            texts = [name, str(value)]
        if any(NUL in text for text in texts):
            fields.append(name)
    return fields


async def refuse_nul(request: Request[Any, Any, Any]) -> None:
    """A before_request hook: 422 validation_failed when a query parameter, a path parameter, a string of the
    JSON body or a form field holds U+0000, or an integer of the JSON body does not fit int64; 400
    malformed_json for a JSON body that cannot be read."""
    names = [name for name, value in request.query_params.multi_items() if NUL in name or NUL in str(value)]
    names += [name for name, value in request.path_params.items() if isinstance(value, str) and NUL in value]
    errors = [_nul(name) for name in names]
    if not errors:
        kind = _body_kind(request)
        if kind == "json":
            found = await _json_body_refusal(request)
            errors += [found] if found is not None else []
        elif kind == "form":
            errors += [_nul(name) for name in await _form_fields(request)]
        elif kind == "raw" and await _raw_body_has_nul(request):
            errors.append(_nul("body"))
    if errors:
        nul = any(e.message == NUL_REFUSAL for e in errors)
        raise ProblemError(
            422,
            "validation_failed",
            "text may not contain the NUL character (U+0000)" if nul else "an integer does not fit int64",
            errors=errors,
        )


class NulWebSocketGuard:
    """ASGI middleware: a WebSocket handshake whose query string holds U+0000 is closed before it is accepted
    (HTTP requests are checked by `refuse_nul`, which has the route's parameters at hand)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.WEBSOCKET and _query_has_nul(scope.get("query_string", b"")):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008, "reason": "invalid query"})
            return
        await self.app(scope, receive, send)


def _query_has_nul(query: bytes) -> bool:
    if b"%00" not in query and b"\x00" not in query:
        return False
    text = query.decode("latin-1")
    return any(NUL in name or NUL in value for name, value in parse_qsl(text, keep_blank_values=True))
