"""Signing in (phone + SMS code, or a Firebase ID token), signing out, and the language switch.

The sign-in forms post with the pre-session double-submit CSRF token (a cookie set by GET /console/signin and
the same value in the form); the guard checks it. A refusal (wrong code, limits, a user without a console role)
shows on the form, in the user's language, with the status the API would answer.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from api.auth import DbConn
from api.i18n import title
from api.problems import PROBLEMS
from api.settings import Settings
from console import auth, sessions
from console.errors import NoConsoleAccess
from console.i18n import LANG_COOKIE, LANGUAGES, language, text
from console.render import page
from console.security import (
    PRESESSION_CSRF_COOKIE,
    SESSION_COOKIE,
    cookie,
    expired_cookie,
    looks_like_token,
    safe_next,
)
from identity.errors import IdentityError

_CODE = re.compile(r"^[0-9]{6}$")
#: where to go next (console/security.safe_next judges it)
NextPath = Annotated[str, QueryParameter(name="next", max_length=2048)]
MAX_PHONE = 32
MAX_ID_TOKEN = 8192


def _form_text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _signin_page(
    request: Request[Any, Any, Any],
    *,
    step: str = "phone",
    phone: str = "",
    next_path: str = "/console/",
    status_code: int = 200,
    error: str = "",
    notice: str = "",
    headers: dict[str, str] | None = None,
) -> Template:
    settings: Settings = request.app.state.settings
    token = request.cookies.get(PRESESSION_CSRF_COOKIE)
    cookies: list[Cookie] = []
    if not looks_like_token(token):
        token = sessions.new_secret()
        cookies.append(cookie(settings, PRESESSION_CSRF_COOKIE, token))
    assert token is not None
    return page(
        request,
        "signin.html",
        status_code=status_code,
        csrf=token,
        cookies=cookies,
        headers=headers,
        step=step,
        phone=phone,
        next_path=safe_next(next_path),
        error=error,
        notice=notice,
    )


def _refusal(request: Request[Any, Any, Any], exc: Exception) -> tuple[int, str, dict[str, str]]:
    """Status, localized message and headers of a refused sign-in step."""
    lang = language(request)
    if isinstance(exc, NoConsoleAccess):
        return exc.status, text(lang, exc.text_key), {}
    code = str(getattr(exc, "code", "bad_request"))
    headers = {}
    retry_after = getattr(exc, "context", {}).get("retry_after")
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return (PROBLEMS.get(code) or PROBLEMS["bad_request"]).status, title(code, lang), headers


@get("/signin", name="console.signin", opt={"access": "public"})
async def signin_form(request: Request[Any, Any, Any], next_path: NextPath = "/console/") -> Template:
    return _signin_page(request, next_path=next_path)


@post("/signin/code", name="console.signin.code", opt={"access": "public"}, status_code=200)
async def send_code(request: Request[Any, Any, Any], conn: DbConn) -> Template:
    form = await request.form()
    phone, next_path = _form_text(form, "phone", 64), _form_text(form, "next", 2048)
    if not 1 <= len(phone) <= MAX_PHONE:
        return _signin_page(
            request,
            phone=phone[:MAX_PHONE],
            next_path=next_path,
            status_code=422,
            error=title("invalid_phone", language(request)),
        )
    try:
        minutes = await auth.request_code(conn, request, phone, language(request))
    except IdentityError as exc:
        status, message, headers = _refusal(request, exc)
        return _signin_page(
            request, phone=phone, next_path=next_path, status_code=status, error=message, headers=headers
        )
    notice = text(language(request), "signin.code_sent", phone=phone, minutes=minutes)
    return _signin_page(request, step="code", phone=phone, next_path=next_path, notice=notice)


def _signed_in(request: Request[Any, Any, Any], token: str, next_path: str) -> Response[Any]:
    settings: Settings = request.app.state.settings
    return Redirect(
        path=safe_next(next_path),
        status_code=303,
        cookies=[cookie(settings, SESSION_COOKIE, token, max_age=settings.console_session_lifetime_s)],
    )


async def _end_previous(request: Request[Any, Any, Any], conn: Any) -> None:
    """Signing in over a live session ends it: the new session never reuses a cookie value (fixation)."""
    old = request.cookies.get(SESSION_COOKIE)
    if looks_like_token(old):
        assert old is not None
        await sessions.end(conn, old)


@post("/signin", name="console.signin.verify", opt={"access": "public"}, status_code=303)
async def verify_code(request: Request[Any, Any, Any], conn: DbConn) -> Response[Any]:
    form = await request.form()
    phone, code = _form_text(form, "phone", MAX_PHONE), _form_text(form, "code", 16)
    next_path = _form_text(form, "next", 2048)
    if not phone or not _CODE.match(code):
        return _signin_page(
            request,
            step="code",
            phone=phone,
            next_path=next_path,
            status_code=422,
            error=title("otp_invalid" if phone else "invalid_phone", language(request)),
        )
    try:
        token = await auth.sign_in_with_code(conn, request, phone, code)
    except (IdentityError, NoConsoleAccess) as exc:
        status, message, headers = _refusal(request, exc)
        step = "code" if status != 403 else "phone"
        return _signin_page(
            request,
            step=step,
            phone=phone,
            next_path=next_path,
            status_code=status,
            error=message,
            headers=headers,
        )
    await _end_previous(request, conn)
    return _signed_in(request, token, next_path)


@post("/signin/firebase", name="console.signin.firebase", opt={"access": "public"}, status_code=303)
async def verify_firebase(request: Request[Any, Any, Any], conn: DbConn) -> Response[Any]:
    form = await request.form()
    id_token, next_path = _form_text(form, "id_token", MAX_ID_TOKEN + 1), _form_text(form, "next", 2048)
    if not 1 <= len(id_token) <= MAX_ID_TOKEN:
        return _signin_page(
            request,
            next_path=next_path,
            status_code=401,
            error=title("firebase_token_invalid", language(request)),
        )
    try:
        token = await auth.sign_in_with_firebase(conn, request, id_token)
    except (IdentityError, NoConsoleAccess) as exc:
        status, message, headers = _refusal(request, exc)
        return _signin_page(request, next_path=next_path, status_code=status, error=message, headers=headers)
    await _end_previous(request, conn)
    return _signed_in(request, token, next_path)


@post("/signout", name="console.signout", opt={"access": "session"}, status_code=303)
async def sign_out(request: Request[Any, Any, Any], conn: DbConn) -> Response[Any]:
    settings: Settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await sessions.end(conn, token)
    return Redirect(
        path="/console/signin", status_code=303, cookies=[expired_cookie(settings, SESSION_COOKIE)]
    )


@get("/lang/{lang:str}", name="console.language", opt={"access": "public"}, status_code=303)
async def switch_language(
    request: Request[Any, Any, Any],
    lang: Annotated[str, PathParameter(max_length=8)],
    next_path: NextPath = "/console/",
) -> Response[Any]:
    """The language switch: a plain link (it changes nothing but the texts), back to the page it was on."""
    if lang not in LANGUAGES:
        raise NotFoundException()
    settings: Settings = request.app.state.settings
    return Redirect(
        path=safe_next(next_path),
        status_code=303,
        cookies=[cookie(settings, LANG_COOKIE, lang, max_age=365 * 86400)],
    )


ROUTES = [signin_form, send_code, verify_code, verify_firebase, sign_out, switch_language]
