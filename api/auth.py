"""Authentication and role guards for controllers.

`principal` is an app-wide dependency: any signed-in caller. A route that needs a role overrides it with
`requires_role(...)`, so the role check happens before the handler runs and always shows in the route's
definition.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

import asyncpg
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler

from api.errors import ProblemError
from api.observability import current_request_id
from identity import service
from identity.models import Principal, RequestContext, Role, User

#: The request's connection, inside the request's transaction (see api.db.provide_conn).
DbConn = NamedDependency[asyncpg.Connection]
#: The signed-in caller; routes that need a role override it with `requires_role`.
Caller = NamedDependency[Principal]
#: The caller as a User, where a route's `principal` is `provide_signed_in_user` (GET /v1/me).
SignedInUser = NamedDependency[User]
#: The caller when a token is sent, None for anonymous readers of public views.
OptionalCaller = NamedDependency[Principal | None]


def bearer_token(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(
            401,
            "unauthenticated",
            "send an access token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="cityloop"'},
        )
    return token.strip()


async def provide_principal(request: Request[Any, Any, Any], state: State, conn: DbConn) -> Principal:
    return await service.authenticate(conn, state.auth_config, bearer_token(request))


async def provide_signed_in_user(request: Request[Any, Any, Any], state: State, conn: DbConn) -> User:
    """A `principal` dependency that is the caller as a User (GET /v1/me): the token's `sub` names the user, so
    the session check and the user are read in one query, roles and the disabled flag fresh as always."""
    return await service.authenticate_user(conn, state.auth_config, bearer_token(request))


async def provide_optional_principal(
    request: Request[Any, Any, Any], state: State, conn: DbConn
) -> Principal | None:
    if "authorization" not in request.headers:
        return None
    return await provide_principal(request, state, conn)


@functools.lru_cache(maxsize=4096)
def needs_token(handler: BaseRouteHandler) -> bool:
    """The handler takes a required `principal` (not the optional one): a request without a bearer token is
    refused before anything else is read. Judged once per handler. The console's routes (`opt["console"]`) sign
    in by their session cookie, never by a token."""
    if handler.opt.get("console") or "principal" not in handler.parsed_fn_signature.parameters:
        return False
    provider = handler.resolve_dependencies().get("principal")
    return provider is not None and provider.dependency is not provide_optional_principal


def refuse_without_token(request: Request[Any, Any, Any]) -> None:
    """The app's before-request check: 401 unauthenticated for a request without a bearer token on a route whose
    handler needs one, before its parameters are even read (so a caller without a token learns nothing but 401).
    A before-request hook rather than a guard: litestar copies the route handler for every guard it calls, on
    every request of every route (a fifth of /healthz's CPU)."""
    if needs_token(request.route_handler):
        bearer_token(request)


def requires_role(*roles: Role) -> Provide:
    """A `principal` dependency that also demands one of `roles`."""
    allowed = frozenset(roles)

    async def provide(request: Request[Any, Any, Any], state: State, conn: DbConn) -> Principal:
        principal = await provide_principal(request, state, conn)
        if not principal.has_role(*allowed):
            raise ProblemError(
                403,
                "forbidden",
                "this needs one of the roles: " + ", ".join(sorted(allowed)),
                required_roles=sorted(allowed),
            )
        return principal

    return Provide(provide)


def request_context(request: Request[Any, Any, Any], actor_label: str = "") -> RequestContext:
    """Who is asking, for limits, sessions and the audit log. The client's address is the peer's, or behind a
    proxy of TRUSTED_PROXIES the one it forwarded (api/proxies.py rewrote the scope's client already)."""
    host = request.client.host if request.client else None
    try:
        client = str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        client = None
    return RequestContext(
        client_ip=client,
        client_addr=host,
        # text for the sessions table: PostgreSQL text cannot hold U+0000 (servers refuse it in headers anyway)
        user_agent=request.headers.get("user-agent", "").replace("\x00", "")[:256] or None,
        request_id=current_request_id(),
        actor_label=actor_label,
    )
