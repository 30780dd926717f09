"""RFC 9457 problem documents for every error a client can see.

Each problem carries a stable machine `code`, a localized `title`, the request id, and for field problems an
`errors` list. Domain errors (plain exceptions with a `code`) are answered with the status and titles of their
code's row in api/problems.py, so domain packages never know about HTTP. No stack trace ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from api.db import database_unavailable
from api.i18n import negotiate, title
from api.observability import current_request_id, new_request_id
from api.problems import DOMAIN_ERRORS, PROBLEMS

log = logging.getLogger("cityloop.errors")

PROBLEM_JSON = "application/problem+json"
#: seconds a client is asked to wait before retrying a 503 (a dependency down)
RETRY_AFTER_S = 5

#: code -> HTTP status of every problem, read from the one table (api/problems.py). A domain error has a class
#: attribute `code`, and may carry `context` (extra members of the problem) and `fields` (field errors).
STATUS: Mapping[str, int] = MappingProxyType({code: p.status for code, p in PROBLEMS.items()})

# litestar's own HTTP errors (routing, body size, media type) -> their problem code
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}


class FieldError(msgspec.Struct, omit_defaults=True):
    field: str
    code: str
    message: str = ""


class ProblemError(Exception):
    """An HTTP-level problem raised by the API layer itself."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str = "",
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    detail: str = "",
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    locale = negotiate(request.headers.get("accept-language"))
    # Routing errors (404, 405) are raised before the request-id middleware runs: give them an id here.
    request_id = current_request_id() or new_request_id()
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title(code, locale),
        "status": status,
        "code": code,
        "instance": request.url.path,
        "request_id": request_id,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [msgspec.to_builtins(e) for e in errors]
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return Response(
        content=body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={**(headers or {}), "Content-Language": locale, "X-Request-ID": request_id},
    )


def _handle_problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[dict[str, Any]]:
    return problem_response(
        request, exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


def _handle_domain(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    code: str = getattr(exc, "code", "bad_request")
    status = STATUS.get(code, 400)
    context: dict[str, Any] = dict(getattr(exc, "context", {}) or {})
    fields = [
        FieldError(field=f, code=code) if isinstance(f, str) else FieldError(**f)
        for f in getattr(exc, "fields", ()) or ()
    ]
    headers = {}
    if "retry_after" in context:
        headers["Retry-After"] = str(context["retry_after"])
    elif status == 503:  # a dependency is down (storage_unavailable): every 503 says when to come back
        headers["Retry-After"] = str(RETRY_AFTER_S)
    return problem_response(request, status, code, str(exc), errors=fields, headers=headers, extra=context)


def _validation_errors(exc: ValidationException) -> list[FieldError]:
    out = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            out.append(FieldError(field=key, code="invalid", message=str(item.get("message", ""))))
    return out


def _handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    headers = dict(exc.headers or {})
    detail = str(exc.detail)
    if isinstance(exc.__cause__, SerializationException):
        return problem_response(request, 400, "malformed_json", detail, headers=headers)
    if isinstance(exc, ValidationException):
        return problem_response(
            request, 422, "validation_failed", detail, errors=_validation_errors(exc), headers=headers
        )
    code = _STATUS_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    return problem_response(request, status, code, detail if status < 500 else "", headers=headers)


def _handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if database_unavailable(exc):
        # the database is down, restarting or out of reach: the request changed nothing; retrying later works
        log.warning("database unavailable", extra={"path": request.url.path, "error": repr(exc)})
        return problem_response(
            request,
            503,
            "service_unavailable",
            "the database is unavailable; try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(request, HTTP_500_INTERNAL_SERVER_ERROR, "internal_error")


def exception_handlers() -> dict[Any, Any]:
    handlers: dict[Any, Any] = {
        ProblemError: _handle_problem,
        HTTPException: _handle_http,
        Exception: _handle_unexpected,
    }
    for base in DOMAIN_ERRORS:
        handlers[base] = _handle_domain
    return handlers
