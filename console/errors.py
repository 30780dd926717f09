"""The console's refusals and its error pages.

A console route never answers a problem document: its router maps every error to an HTML page (or, for an htmx
request, a fragment) in the user's language. Without a session a page redirects (303) to the sign-in with
`next`, and an htmx request gets 401 with `HX-Redirect`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from api.db import database_unavailable
from api.errors import ProblemError
from api.i18n import title
from api.problems import DOMAIN_ERRORS, PROBLEMS
from console.i18n import language, text
from console.render import page
from console.security import safe_next

log = logging.getLogger("cityloop.console")


class ConsoleError(Exception):
    status = 400
    #: console/texts key of the message
    text_key = "error.title"


class NotSignedIn(ConsoleError):
    status = 401
    text_key = "signin.expired"


class ConsoleForbidden(ConsoleError):
    status = 403
    text_key = "error.forbidden"


class CsrfRefused(ConsoleError):
    status = 403
    text_key = "error.csrf"


class NoConsoleAccess(ConsoleError):
    """A signed-in user without any console role (a citizen): refused at sign-in."""

    status = 403
    text_key = "signin.not_staff"


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def signin_url(next_path: str) -> str:
    return "/console/signin?next=" + quote(safe_next(next_path), safe="/")


def _here(request: Request[Any, Any, Any]) -> str:
    """The page to come back to: for htmx, the page the fragment was asked from (same origin only)."""
    if is_htmx(request):
        current = urlsplit(request.headers.get("hx-current-url", ""))
        if current.netloc == request.url.netloc:
            return current.path + (f"?{current.query}" if current.query else "")
        return "/console/"
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def error_page(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    template = "partials/error.html" if is_htmx(request) else "error.html"
    return page(request, template, status_code=status, message=message)


def _not_signed_in(request: Request[Any, Any, Any], exc: NotSignedIn) -> Response[Any]:
    target = signin_url(_here(request))
    if is_htmx(request):
        return Response(content="", status_code=401, headers={"HX-Redirect": target}, media_type="text/html")
    return Redirect(path=target, status_code=303)


def _console_error(request: Request[Any, Any, Any], exc: ConsoleError) -> Response[Any]:
    if isinstance(exc, NotSignedIn):
        return _not_signed_in(request, exc)
    return error_page(request, exc.status, text(language(request), exc.text_key))


def _domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A domain error a page did not handle itself: its status and localized title from the API's one table."""
    code = str(getattr(exc, "code", "bad_request"))
    problem = PROBLEMS.get(code) or PROBLEMS["bad_request"]
    return error_page(request, problem.status, title(code, language(request)))


def _problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[Any]:
    return error_page(request, exc.status, title(exc.code, language(request)))


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    lang = language(request)
    if status == 404:
        return error_page(request, 404, text(lang, "error.not_found"))
    if status >= 500:
        return error_page(request, status, text(lang, "error.internal"))
    return error_page(request, status, title(_HTTP_CODES.get(status, "bad_request"), lang))


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    lang = language(request)
    if database_unavailable(exc):
        log.warning("database unavailable", extra={"path": request.url.path, "error": repr(exc)})
        response = error_page(request, 503, text(lang, "error.unavailable"))
        response.headers["Retry-After"] = "5"
        return response
    log.exception("unhandled console error", extra={"path": request.url.path})
    return error_page(request, 500, text(lang, "error.internal"))


def exception_handlers() -> dict[Any, Any]:
    """The console router's handlers: they replace the app's problem documents for every class the app maps."""
    handlers: dict[Any, Any] = {
        ConsoleError: _console_error,
        ProblemError: _problem,
        HTTPException: _http_error,
        Exception: _unexpected,
    }
    for base in DOMAIN_ERRORS:
        handlers[base] = _domain_error
    return handlers
