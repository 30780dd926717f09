"""Who is asking, and may they: the console's one guard, and the sign-in use cases.

Every console route declares its access in `opt` (the router checks it, tests/console/test_routes.py too):
- `opt={"area": "<key>"}`: signed in with a role of that area (console/areas.py); an area's Router sets it once
  for all its routes;
- `opt={"access": "console"}`: signed in with a role of any area (the home page);
- `opt={"access": "session"}`: signed in, whatever the roles (signing out);
- `opt={"access": "public"}`: no session (sign-in, language, static files); its writes carry the pre-session
  double-submit CSRF token.
A route that declares none of them is refused. Writes (POST, PUT, PATCH, DELETE) must carry the CSRF token.

Handlers take the signed-in user as `user: CurrentUser` (never a parameter named `principal`: that is the API's
bearer-token dependency) and a connection as `conn: DbConn`, in the request's transaction as in the API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler

from api.auth import request_context
from api.db import acquire
from api.settings import Settings
from console import sessions
from console.areas import Area, allowed_areas, may_enter
from console.errors import ConsoleForbidden, CsrfRefused, NoConsoleAccess, NotSignedIn
from console.security import (
    PRESESSION_CSRF_COOKIE,
    SESSION_COOKIE,
    UNSAFE_METHODS,
    looks_like_token,
    sent_csrf,
    tokens_match,
)
from identity import service
from identity.models import Principal, RequestContext

ACCESS_KINDS = frozenset({"public", "session", "console"})


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in user of a console request: roles read afresh for this request."""

    principal: Principal
    csrf_token: str
    areas: tuple[Area, ...]

    def may_enter(self, area: str) -> bool:
        return may_enter(self.principal, area)


#: a handler's `user` parameter: the signed-in user, as the console's guard loaded it
CurrentUser = NamedDependency[ConsoleUser]


def _declared(handler: BaseRouteHandler) -> tuple[str | None, str | None]:
    area = handler.opt.get("area")
    access = handler.opt.get("access")
    return (area if isinstance(area, str) else None), (access if access in ACCESS_KINDS else None)


async def console_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The console router's guard: session, CSRF and area, for every route of the console."""
    request = cast("Request[Any, Any, Any]", connection)
    area, access = _declared(handler)
    if area is None and access is None:
        raise ConsoleForbidden("this console route declares no access")
    write = request.method in UNSAFE_METHODS
    if access == "public" and area is None:
        if write and not tokens_match(await sent_csrf(request), request.cookies.get(PRESESSION_CSRF_COOKIE)):
            raise CsrfRefused("the pre-session CSRF token is missing or wrong")
        return
    user = await _load_user(request)
    if write and not tokens_match(await sent_csrf(request), user.csrf_token):
        raise CsrfRefused("the CSRF token is missing or wrong")
    request.scope.setdefault("state", {})["console_user"] = user
    if area is not None:
        if not user.may_enter(area):
            raise ConsoleForbidden(f"the {area} area needs another role")
    elif access == "console" and not user.areas:
        raise ConsoleForbidden("no console area for these roles")


#: "1" on a request a page makes by itself, not its user (console/static/*.js, hx-headers): it leaves the
#: session's idle clock alone
BACKGROUND_HEADER = "X-Console-Background"


async def _load_user(request: Request[Any, Any, Any]) -> ConsoleUser:
    token = request.cookies.get(SESSION_COOKIE)
    if not looks_like_token(token):
        raise NotSignedIn("no console session")
    assert token is not None
    state = request.app.state
    settings: Settings = state.settings
    # its own short transaction, before the handler's: the idle clock restarts even when the handler fails, but
    # not for what a page asks by itself (BACKGROUND_HEADER), so that a page left open still goes idle
    touch = request.headers.get(BACKGROUND_HEADER) != "1"
    async with acquire(state.pool) as conn, conn.transaction():
        session = await sessions.load(conn, token, settings.console_idle_timeout_s, touch=touch)
    if session is None:
        raise NotSignedIn("the console session has ended")
    return ConsoleUser(session.principal, session.csrf_token, allowed_areas(session.principal))


def provide_user(request: Request[Any, Any, Any]) -> ConsoleUser:
    """The `user` dependency of console routes (the guard has set it)."""
    user: ConsoleUser | None = request.scope.get("state", {}).get("console_user")
    if user is None:
        raise NotSignedIn("no console session")
    return user


# --- signing in -------------------------------------------------------------------------------------------------


@asynccontextmanager
async def use_case(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """A savepoint that behaves as the API's request transaction does for a use case: kept when the block
    returns, rolled back when it raises, except for errors marked `persist` (a wrong code counts as a try). For
    a page that shows a refusal on the form instead of failing the request."""
    tx = conn.transaction()
    await tx.start()
    try:
        yield
    except BaseException as exc:
        if getattr(exc, "persist", False):
            await tx.commit()
        else:
            await tx.rollback()
        raise
    else:
        await tx.commit()


def console_context(request: Request[Any, Any, Any]) -> RequestContext:
    return request_context(request, "console")


async def _open_session(
    conn: asyncpg.Connection, state: State, access_token: str, ctx: RequestContext
) -> str:
    """After a sign-in: refuse a user without a console role (NoConsoleAccess; the caller's savepoint undoes the
    sign-in), else start a console session; its cookie value."""
    principal = await service.authenticate(conn, state.auth_config, access_token)
    if not allowed_areas(principal):
        raise NoConsoleAccess("no console role")
    settings: Settings = state.settings
    token, _ = await sessions.start(conn, principal, settings.console_session_lifetime_s, ctx)
    return token


async def sign_in_with_code(
    conn: asyncpg.Connection, request: Request[Any, Any, Any], phone: str, code: str
) -> str:
    """Phone and SMS code, through identity's sign-in as POST /v1/auth/token does it (same limits, same errors);
    the new console session's cookie value."""
    state, ctx = request.app.state, console_context(request)
    async with use_case(conn):
        tokens = await service.sign_in_with_otp(conn, state.auth_config, phone, code, ctx)
        return await _open_session(conn, state, tokens.access_token, ctx)


async def sign_in_with_firebase(
    conn: asyncpg.Connection, request: Request[Any, Any, Any], id_token: str
) -> str:
    """A Firebase ID token, verified as POST /v1/auth/token verifies it; the new console session's cookie value."""
    state, ctx = request.app.state, console_context(request)
    async with use_case(conn):
        tokens = await service.sign_in_with_firebase(
            conn, state.auth_config, state.settings.firebase_project_id, id_token, ctx
        )
        return await _open_session(conn, state, tokens.access_token, ctx)


async def request_code(
    conn: asyncpg.Connection, request: Request[Any, Any, Any], phone: str, locale: str
) -> int:
    """Send a sign-in code as POST /v1/auth/otp does; the minutes it is valid."""
    state = request.app.state
    async with use_case(conn):
        sent = await service.request_otp(
            conn, state.auth_config, state.settings.sms_gateway, phone, console_context(request), locale
        )
    return sent.expires_in // 60
