"""Refuse the NUL character (U+0000) in request text, in one place, before any handler runs.

PostgreSQL's text cannot hold U+0000: asyncpg refuses such a parameter, which surfaced as a 500 wherever a query
parameter, a path segment or a JSON string reached a query. Every such request is answered 422
`validation_failed` naming the field instead (found by schemathesis: tests/api/test_schemathesis.py).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException

from api.errors import FieldError, ProblemError

NUL = "\x00"
#: the message of each field error
NUL_REFUSAL = "contains U+0000"


def _nul_field(value: Any, path: str) -> str | None:
    """The path of the first string (or object key) holding NUL in decoded JSON, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return sub
            found = _nul_field(item, sub)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_field(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _takes_json(request: Request[Any, Any, Any]) -> bool:
    if "data" not in request.route_handler.parsed_fn_signature.parameters:
        return False
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type == "application/json"


async def refuse_nul(request: Request[Any, Any, Any]) -> None:
    """A before_request hook: 422 validation_failed when a query parameter, a path parameter or a string of the
    JSON body holds U+0000."""
    fields = [name for name, value in request.query_params.multi_items() if NUL in name or NUL in str(value)]
    fields += [name for name, value in request.path_params.items() if isinstance(value, str) and NUL in value]
    if not fields and _takes_json(request):
        try:
            body = await request.json()
        except SerializationException:
            return  # the handler's own decoding answers malformed_json
        found = _nul_field(body, "")
        if found is not None:
            fields.append(found or "body")
    if fields:
        raise ProblemError(
            422,
            "validation_failed",
            "text may not contain the NUL character (U+0000)",
            errors=[FieldError(field=f, code="invalid", message=NUL_REFUSAL) for f in fields],
        )
