"""Signing staff in to the console in tests, through the same forms a browser posts."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from api.config import auth_config
from api.settings import Settings
from console.security import PRESESSION_CSRF_COOKIE, SESSION_COOKIE
from identity import service
from identity.models import RequestContext, Role, RoleGrant, ScopeKind
from tests.identity.helpers import last_code

_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def full_phone(phone: str) -> str:
    return phone if phone.startswith("+") else "+86" + phone


async def make_user(
    db: asyncpg.Connection,
    settings: Settings,
    phone: str,
    *roles: Role,
    scope: tuple[ScopeKind, str] | None = None,
) -> UUID:
    """A user holding `roles` (as `cityloop users create` makes one); their id."""
    grants = [
        RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1]) if scope else RoleGrant(role=role)
        for role in roles
    ]
    async with db.transaction():
        user = await service.create_user(
            db, auth_config(settings), phone, grants, RequestContext(actor_label="tests")
        )
    return user.id


def presession_csrf(client: httpx.AsyncClient) -> str:
    token = client.cookies.get(PRESESSION_CSRF_COOKIE, path="/console")
    assert token, "GET /console/signin first"
    return str(token)


def page_csrf(html: str) -> str:
    """The session's CSRF token, as console.js reads it from the page."""
    match = _META_CSRF.search(html)
    assert match and match.group(1), "no CSRF token on the page"
    return match.group(1)


async def request_code(client: httpx.AsyncClient, db: asyncpg.Connection, phone: str) -> str:
    r = await client.get("/console/signin")
    assert r.status_code == 200, r.text
    r = await client.post(
        "/console/signin/code", data={"phone": phone, "csrf": presession_csrf(client), "next": "/console/"}
    )
    assert r.status_code == 200, r.text
    return await last_code(db, full_phone(phone))


async def sign_in(
    client: httpx.AsyncClient, db: asyncpg.Connection, phone: str, next_path: str = "/console/"
) -> httpx.Response:
    """The whole phone flow; the answer to the code (303 and a session cookie when it worked)."""
    code = await request_code(client, db, phone)
    return await client.post(
        "/console/signin",
        data={"phone": phone, "code": code, "csrf": presession_csrf(client), "next": next_path},
    )


async def signed_in(client: httpx.AsyncClient, db: asyncpg.Connection, phone: str) -> str:
    """Sign in (the user must be staff) and return the session's CSRF token from the home page."""
    r = await sign_in(client, db, phone)
    assert r.status_code == 303, r.text
    assert client.cookies.get(SESSION_COOKIE, path="/console")
    home = await client.get("/console/")
    assert home.status_code == 200, home.text
    return page_csrf(home.text)


def session_cookie(client: httpx.AsyncClient) -> str:
    value = client.cookies.get(SESSION_COOKIE, path="/console")
    assert value
    return str(value)


def set_cookie_headers(response: httpx.Response) -> dict[str, str]:
    """name -> the whole Set-Cookie header."""
    out = {}
    for header in response.headers.get_list("set-cookie"):
        out[header.split("=", 1)[0]] = header
    return out


def form_of(**values: Any) -> dict[str, str]:
    return {k: str(v) for k, v in values.items()}
