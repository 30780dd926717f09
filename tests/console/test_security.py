"""The console's security: sessions, CSRF, areas, headers and cookies, through the app in process."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from console.areas import AREAS
from console.security import PRESESSION_CSRF_COOKIE, SESSION_COOKIE, cookie, safe_next
from identity import service
from identity.models import RequestContext
from tests.console.helpers import (
    make_user,
    presession_csrf,
    request_code,
    session_cookie,
    set_cookie_headers,
    sign_in,
    signed_in,
)

Client = AsyncTestClient[Any]
PRIVATE = ["/console/", *(area.path for area in AREAS)]
CTX = RequestContext(actor_label="tests")


async def _count(db: asyncpg.Connection, table: str) -> int:
    value: int = await db.fetchval(f"SELECT count(*) FROM {table}")
    return value


# --- no page without a session ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PRIVATE, "/console/command?x=1"])
async def test_pages_redirect_to_the_sign_in_without_a_session(console: Client, path: str) -> None:
    r = await console.get(path)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/console/signin?next=/console")
    assert r.headers["cache-control"] == "no-store"


async def test_htmx_requests_without_a_session_answer_401_with_hx_redirect(console: Client) -> None:
    r = await console.get(
        "/console/command",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver.local/console/leaders"},
    )
    assert r.status_code == 401
    assert r.headers["hx-redirect"] == "/console/signin?next=/console/leaders"


async def test_a_forged_or_unknown_session_cookie_is_refused(console: Client) -> None:
    for value in ["x" * 43, "not a token", ""]:
        console.cookies.set(SESSION_COOKIE, value, domain="testserver.local", path="/console")
        assert (await console.get("/console/")).status_code == 303


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/console/command?x=1", "/console/command?x=1"),
        ("/console", "/console"),
        ("https://evil.example/console/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/console/\\evil", "/console/"),
        ("/consolex", "/console/"),
        ("/v1/me", "/console/"),
        ("/console/\r\nSet-Cookie: x=1", "/console/"),
        (None, "/console/"),
    ],
)
def test_next_stays_on_the_console(given: str | None, kept: str) -> None:
    assert safe_next(given) == kept


# --- signing in ------------------------------------------------------------------------------------------------


async def test_staff_sign_in_lands_on_next_with_a_hashed_session(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001001", "dispatcher")
    r = await sign_in(console, db, "13900001001", next_path="/console/command")
    assert r.status_code == 303 and r.headers["location"] == "/console/command"
    value = session_cookie(console)
    row = await db.fetchrow("SELECT * FROM console_sessions")
    assert row["token_hash"] == hashlib.sha256(value.encode()).hexdigest()
    assert row is not None and value not in str(dict(row))
    assert (await console.get("/console/command")).status_code == 200


async def test_a_citizen_cannot_sign_in_and_nothing_is_written(
    console: Client, db: asyncpg.Connection
) -> None:
    users, sessions = await _count(db, "users"), await _count(db, "auth_sessions")
    r = await sign_in(console, db, "13900001002")  # an unknown phone: the app would make a citizen
    assert r.status_code == 403
    assert "此账号没有控制台权限" in r.text
    assert SESSION_COOKIE not in set_cookie_headers(r)
    assert await _count(db, "users") == users
    assert await _count(db, "auth_sessions") == sessions
    assert await _count(db, "console_sessions") == 0


async def test_an_existing_citizen_is_refused_in_english(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001003", "citizen", "resident")
    console.headers["Accept-Language"] = "en"
    r = await sign_in(console, db, "13900001003")
    assert r.status_code == 403
    assert "This account has no access to the console" in r.text
    assert await _count(db, "console_sessions") == 0


async def test_a_wrong_code_is_refused_localized_and_counts_as_a_try(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001004", "dispatcher")
    code = await request_code(console, db, "13900001004")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    form = {"phone": "13900001004", "code": wrong, "csrf": presession_csrf(console)}
    r = await console.post("/console/signin", data=form)
    assert r.status_code == 400 and "验证码错误" in r.text
    assert await db.fetchval("SELECT attempts FROM otp_codes ORDER BY created_at DESC LIMIT 1") == 1
    r = await console.post("/console/signin", data=form, headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "The code is wrong" in r.text
    assert await _count(db, "console_sessions") == 0


async def test_bad_sign_in_input_is_refused_before_anything_is_written(
    console: Client, db: asyncpg.Connection
) -> None:
    await console.get("/console/signin")
    csrf = presession_csrf(console)
    r = await console.post("/console/signin/code", data={"phone": "", "csrf": csrf})
    assert r.status_code == 422 and "手机号码无效" in r.text
    r = await console.post("/console/signin/code", data={"phone": "12", "csrf": csrf})
    assert r.status_code == 422 and "手机号码无效" in r.text
    r = await console.post("/console/signin", data={"phone": "13900001005", "code": "12ab56", "csrf": csrf})
    assert r.status_code == 422
    assert await _count(db, "sms_messages") == 0
    assert await _count(db, "otp_codes") == 0


async def test_the_sign_in_keeps_the_apis_rate_limits(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001006", "dispatcher")
    await request_code(console, db, "13900001006")
    r = await console.post(
        "/console/signin/code", data={"phone": "13900001006", "csrf": presession_csrf(console)}
    )
    assert r.status_code == 429 and "操作过于频繁" in r.text
    assert int(r.headers["retry-after"]) >= 1
    assert await _count(db, "sms_messages") == 1


async def test_sign_in_forms_need_the_presession_token(console: Client, db: asyncpg.Connection) -> None:
    await console.get("/console/signin")
    for form in [{"phone": "13900001007"}, {"phone": "13900001007", "csrf": "A" * 43}]:
        r = await console.post("/console/signin/code", data=form)
        assert r.status_code == 403 and "表单已过期" in r.text
    console.cookies.delete(PRESESSION_CSRF_COOKIE)
    r = await console.post("/console/signin/code", data={"phone": "13900001007", "csrf": "A" * 43})
    assert r.status_code == 403
    assert await _count(db, "sms_messages") == 0


async def test_a_firebase_citizen_cannot_sign_in(console: Client, db: asyncpg.Connection) -> None:
    await console.get("/console/signin")
    csrf = presession_csrf(console)
    r = await console.post("/console/signin/firebase", data={"id_token": "not-a-jwt", "csrf": csrf})
    assert r.status_code == 401
    from tests.identity.test_firebase import EMULATOR, PROJECT, emulator_id_token

    if not EMULATOR or not PROJECT:
        return
    users = await _count(db, "users")
    r = await console.post(
        "/console/signin/firebase", data={"id_token": await emulator_id_token(), "csrf": csrf}
    )
    assert r.status_code == 403 and "此账号没有控制台权限" in r.text
    assert await _count(db, "users") == users
    assert await _count(db, "user_identities") == 0


async def test_a_staff_member_signs_in_with_a_firebase_token(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    from tests.identity.test_firebase import EMULATOR, PROJECT, emulator_id_token

    if not EMULATOR or not PROJECT:
        pytest.skip("the Firebase Auth emulator is started by `make test`")
    token = await emulator_id_token()
    uid = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==="))["sub"]
    staff = await make_user(db, settings, "13900001013", "dispatcher")
    await db.execute(  # the account the phone app linked when the dispatcher signed in there with Firebase
        "INSERT INTO user_identities (provider, subject, user_id) VALUES ('firebase', $1, $2)", uid, staff
    )
    await console.get("/console/signin")
    r = await console.post(
        "/console/signin/firebase",
        data={"id_token": token, "csrf": presession_csrf(console), "next": "/console/command"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/console/command"
    assert await db.fetchval("SELECT user_id FROM console_sessions") == staff
    assert (await console.get("/console/command")).status_code == 200


async def test_signing_in_again_issues_a_new_cookie(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001008", "dispatcher")
    await signed_in(console, db, "13900001008")
    first = session_cookie(console)
    await db.execute("DELETE FROM rate_limit_hits")  # one code a minute per phone
    r = await sign_in(console, db, "13900001008")
    assert r.status_code == 303
    second = session_cookie(console)
    assert second != first
    console.cookies.set(SESSION_COOKIE, first, domain="testserver.local", path="/console")
    assert (await console.get("/console/")).status_code == 303


# --- CSRF on writes ---------------------------------------------------------------------------------------------


async def test_writes_without_the_sessions_csrf_token_are_refused(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001009", "dispatcher")
    csrf = await signed_in(console, db, "13900001009")
    for form, headers in [
        ({}, {}),
        ({"csrf": "B" * 43}, {}),
        ({}, {"X-CSRF-Token": "B" * 43}),
        ({"csrf": presession_csrf(console)}, {}),  # the pre-session token is not the session's
    ]:
        r = await console.post("/console/signout", data=form, headers=headers)
        assert r.status_code == 403 and "表单已过期" in r.text
        r = await console.post("/console/signout", data=form, headers={**headers, "HX-Request": "true"})
        assert r.status_code == 403 and "<html" not in r.text
    assert await _count(db, "console_sessions") == 1
    assert (await console.get("/console/")).status_code == 200
    # the header form (htmx) is taken as well as the field
    r = await console.post("/console/signout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 303


# --- sessions end -----------------------------------------------------------------------------------------------


async def test_sign_out_ends_the_session_and_the_identity_session(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001010", "admin")
    csrf = await signed_in(console, db, "13900001010")
    value = session_cookie(console)
    r = await console.post("/console/signout", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/console/signin"
    assert "Max-Age=0" in set_cookie_headers(r)[SESSION_COOKIE]
    assert await _count(db, "console_sessions") == 0
    assert await db.fetchval("SELECT revoked_why FROM auth_sessions") == "logout"
    console.cookies.set(SESSION_COOKIE, value, domain="testserver.local", path="/console")
    assert (await console.get("/console/")).status_code == 303


async def test_an_idle_session_is_refused(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001011", "admin")
    await signed_in(console, db, "13900001011")
    idle = settings.console_idle_timeout_s
    await db.execute("UPDATE console_sessions SET last_seen_at = now() - make_interval(secs => $1 - 5)", idle)
    assert (await console.get("/console/admin")).status_code == 200  # it restarted the idle clock
    await db.execute("UPDATE console_sessions SET last_seen_at = now() - make_interval(secs => $1 + 1)", idle)
    r = await console.get("/console/admin")
    assert r.status_code == 303 and r.headers["location"] == "/console/signin?next=/console/admin"


async def test_a_session_ends_at_its_absolute_lifetime(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001012", "admin")
    await signed_in(console, db, "13900001012")
    await db.execute("UPDATE console_sessions SET expires_at = now() - interval '1 second'")
    assert (await console.get("/console/")).status_code == 303


async def test_disabling_the_user_ends_the_session_at_once(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    user_id = await make_user(db, settings, "13900001013", "admin")
    await signed_in(console, db, "13900001013")
    async with db.transaction():
        await service.set_disabled(db, None, user_id, True, CTX)
    assert (await console.get("/console/")).status_code == 303
    assert await _count(db, "console_sessions") == 0


# --- areas ------------------------------------------------------------------------------------------------------


async def test_each_area_needs_its_roles(console: Client, db: asyncpg.Connection, settings: Settings) -> None:
    await make_user(db, settings, "13900001014", "leader", scope=("district", "demo"))
    await signed_in(console, db, "13900001014")
    for area in AREAS:
        r = await console.get(area.path)
        assert r.status_code == (200 if area.key == "leaders" else 403), area.key
        if r.status_code == 403:
            assert "你无权访问此页面" in r.text
            assert r.headers["cache-control"] == "no-store"
        r = await console.get(area.path, headers={"HX-Request": "true"})
        assert r.status_code == (200 if area.key == "leaders" else 403), area.key


async def test_a_revoked_role_counts_at_the_next_request(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    user_id = await make_user(db, settings, "13900001015", "admin")
    await signed_in(console, db, "13900001015")
    assert (await console.get("/console/admin")).status_code == 200
    async with db.transaction():
        await service.set_roles(db, None, user_id, [], CTX)
    for path in PRIVATE:
        r = await console.get(path)
        assert r.status_code == 403, path


async def test_the_nav_shows_only_the_users_areas(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900001016", "dispatcher")
    await signed_in(console, db, "13900001016")
    html = (await console.get("/console/")).text
    assert 'data-area="command"' in html and 'data-area="leaders"' in html
    assert 'data-area="property"' not in html and 'data-area="admin"' not in html


# --- headers and cookies ----------------------------------------------------------------------------------------


async def test_security_headers(console: Client, db: asyncpg.Connection, settings: Settings) -> None:
    await make_user(db, settings, "13900001017", "admin")
    signin = await console.get("/console/signin")
    await signed_in(console, db, "13900001017")
    for r in [signin, await console.get("/console/"), await console.get("/console/admin")]:
        csp = dict(part.strip().split(" ", 1) for part in r.headers["content-security-policy"].split(";"))
        assert csp["script-src"] == "'self'"
        assert (
            "unsafe-inline" not in csp["style-src"]
            and "unsafe-eval" not in r.headers["content-security-policy"]
        )
        assert csp["frame-ancestors"] == "'none'" and csp["base-uri"] == "'none'"
        assert csp["form-action"] == "'self'"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
        assert "<script>" not in r.text and " style=" not in r.text and " on" + "click=" not in r.text


async def test_cookie_flags(console: Client, db: asyncpg.Connection, settings: Settings) -> None:
    await make_user(db, settings, "13900001018", "admin")
    presession = set_cookie_headers(await console.get("/console/signin"))[PRESESSION_CSRF_COOKIE]
    session = set_cookie_headers(await sign_in(console, db, "13900001018"))[SESSION_COOKIE]
    for header in (presession, session):
        assert "HttpOnly" in header and "samesite=strict" in header.lower() and "Path=/console" in header
        assert "Secure" not in header  # test: plain http on loopback
    production = Settings(env="production")
    assert cookie(production, SESSION_COOKIE, "x").secure is True
    assert cookie(settings, SESSION_COOKIE, "x").secure is False


async def test_static_files_are_a_whitelist(console: Client) -> None:
    r = await console.get("/console/static/vendor/htmx.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"].startswith("public")
    assert (await console.get("/console/static/console.css")).status_code == 200
    assert (await console.get("/console/static/vendor/images/marker-icon.png")).status_code == 200
    for path in [
        "/console/static/vendor/htmx.js",
        "/console/static/vendor/../../package.json",
        "/console/static/%2e%2e/app.py",
        "/console/static/../templates/base.html",
        "/console/static/vendor/leaflet/dist/leaflet.js",
    ]:
        r = await console.get(path)
        assert r.status_code == 404, path
