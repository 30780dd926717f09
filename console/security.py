"""The console's cookies, CSRF checks and response headers.

- Session cookie `cityloop_console`: HttpOnly, SameSite=Strict, Path=/console, Secure in production (dev and test
  serve plain http on loopback).
- CSRF: every POST/PUT/PATCH/DELETE under /console carries the session's token in the form field `csrf` or the
  header `X-CSRF-Token` (console.js sets it on every htmx request from `<meta name="csrf-token">`); before a
  session exists (the sign-in forms) the token is double-submitted: a cookie and the same value in the form.
- Headers on every console response (`ConsoleHeaders`, the console router's middleware, so error pages get them
  too): a CSP with no inline script and no inline style, frame-ancestors 'none', nosniff, no referrer, and
  `Cache-Control: no-store` on everything but the static files.
"""

from __future__ import annotations

import functools
import hmac
import re
from typing import Any
from urllib.parse import urlsplit

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings

SESSION_COOKIE = "cityloop_console"
PRESESSION_CSRF_COOKIE = "cityloop_console_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
COOKIE_PATH = "/console"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STATIC_PREFIX = "/console/static/"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def looks_like_token(value: str | None) -> bool:
    return value is not None and _TOKEN.match(value) is not None


def tokens_match(sent: str | None, expected: str | None) -> bool:
    """Compared in constant time; absent or malformed on either side is no match."""
    if not looks_like_token(sent) or not looks_like_token(expected):
        return False
    assert sent is not None and expected is not None
    return hmac.compare_digest(sent.encode(), expected.encode())


def cookie(settings: Settings, key: str, value: str, *, max_age: int | None = None) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
        max_age=max_age,
    )


def expired_cookie(settings: Settings, key: str) -> Cookie:
    return cookie(settings, key, "", max_age=0)


async def sent_csrf(request: Any) -> str | None:
    """The CSRF token a write carries: the X-CSRF-Token header, else the form field `csrf` (a form is read only
    when the request is one)."""
    header: str | None = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def safe_next(value: str | None) -> str:
    """Where to go after signing in or switching language: a path of the console on this origin, else its home.
    Refuses absolute and scheme-relative URLs, backslashes (browsers read `/\\evil` as `//evil`) and controls."""
    default = "/console/"
    if not value or not value.startswith("/console") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not (parts.path == "/console" or parts.path.startswith("/console/")):
        return default
    return value


# --- headers -------------------------------------------------------------------------------------------------


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL template; a `{s}` sub-domain placeholder becomes a CSP wildcard."""
    parts = urlsplit(url)
    host = re.sub(r"^[^.]*\{s\}[^.]*\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}"


@functools.lru_cache(maxsize=8)
def content_security_policy(settings: Settings) -> str:
    """The console's CSP: scripts and styles from the console only, images also from object storage (photos'
    display copies, by presigned URL) and the configured base-map tiles, nothing framed, forms to ourselves.
    'self' in connect-src covers ws/wss to the same host (CSP Level 3)."""
    storage = f"{'https' if settings.s3_secure else 'http'}://{settings.s3_endpoint}"
    images = ["'self'", "data:", "blob:", storage]
    if settings.console_tile_url:
        images.append(_origin(settings.console_tile_url))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src " + " ".join(images),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ]
    )


class ConsoleHeaders:
    """Pure ASGI: the security headers on every response of the console's routes (error pages included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        csp = content_security_policy(scope["litestar_app"].state.settings)
        static = scope["path"].startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["Content-Security-Policy"] = csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if not static or "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
