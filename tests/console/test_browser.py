"""The console in Debian's Chromium (Playwright): signing in, a refused code, the language switch. Screenshots go
to var/screenshots/. Sync tests: Playwright's sync API holds the test's thread (database work goes through
`run_async`)."""

from __future__ import annotations

import re
from typing import Any

from api.config import auth_config
from identity import service
from identity.models import RequestContext, Role, RoleGrant
from tests.console.conftest import SCREENSHOTS, LiveServer, run_async
from tests.identity.helpers import last_code


async def _make_staff(server: LiveServer, phone: str, *roles: Role) -> None:
    from api.db import connect

    conn = await connect(server.settings)
    try:
        async with conn.transaction():
            await service.create_user(
                conn,
                auth_config(server.settings),
                phone,
                [RoleGrant(role=role) for role in roles],
                RequestContext(actor_label="tests"),
            )
    finally:
        await conn.close()


async def _code(server: LiveServer, phone: str) -> str:
    from api.db import connect

    conn = await connect(server.settings)
    try:
        return await last_code(conn, "+86" + phone)
    finally:
        await conn.close()


def _ask_code(page: Any, phone: str) -> None:
    page.goto("/console/command")  # a private page: to the sign-in, and back here after it
    assert re.search(r"/console/signin\?next=/console/command$", page.url)
    page.fill("#phone", phone)
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#code")


def test_sign_in_with_an_sms_code(page: Any, live_server: LiveServer) -> None:
    run_async(_make_staff(live_server, "13900002001", "dispatcher"))
    _ask_code(page, "13900002001")
    page.fill("#code", run_async(_code(live_server, "13900002001")))
    page.click("#code-form button[type=submit]")
    page.wait_for_url("**/console/command")
    nav = page.locator("nav.areas a")
    assert nav.evaluate_all("links => links.map(a => a.dataset.area)") == ["command", "leaders"]
    assert page.locator("#live-status").count() == 1  # the command centre's queue page itself
    page.goto("/console/")
    assert page.locator("h1").inner_text() == "工作台"
    page.screenshot(path=str(SCREENSHOTS / "console-home.png"), full_page=True)
    # htmx loaded, its inline styles off: the page raised no CSP violation
    assert page.evaluate("typeof htmx") == "object"
    assert page.csp_violations == []


def test_a_wrong_code_shows_the_localized_error(page: Any, live_server: LiveServer) -> None:
    run_async(_make_staff(live_server, "13900002002", "admin"))
    _ask_code(page, "13900002002")
    code = run_async(_code(live_server, "13900002002"))
    page.fill("#code", f"{(int(code) + 1) % 1_000_000:06d}")
    page.click("#code-form button[type=submit]")
    assert page.locator(".signin .error").inner_text() == "验证码错误"
    page.screenshot(path=str(SCREENSHOTS / "console-signin-wrong-code.png"), full_page=True)
    assert "/console/signin" in page.url
    assert page.context.cookies() and all(c["name"] != "cityloop_console" for c in page.context.cookies())


def test_the_language_switch_shows_english(page: Any, live_server: LiveServer) -> None:
    page.goto("/console/signin")
    assert page.locator("h1").inner_text() == "登录控制台"
    page.click("a[data-lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Sign in to the console"
    assert page.locator("label[for=phone]").inner_text() == "Phone number"
    page.screenshot(path=str(SCREENSHOTS / "console-signin-en.png"), full_page=True)
    page.click("a[data-lang=zh-CN]")
    page.wait_for_selector("html[lang=zh-CN]")
    assert page.csp_violations == []
