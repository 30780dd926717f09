"""`cityloop console screenshots`: the console's pictures for the README, taken from the demo data.

It serves the app (uvicorn in a thread, on a free loopback port) on the database of the current environment,
signs in through the console's own SMS sign-in as the demo dispatcher and the demo leader (the code is read
from `sms_messages`, as `cityloop sms last PHONE` does) and saves full-page screenshots 1280 px wide with
Playwright driving Debian's Chromium (`/usr/bin/chromium`, or CITYLOOP_CHROMIUM; never a downloaded browser).
api/cli.py registers the group with `add_commands`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import uvicorn

from api.db import connect
from api.demo import DEMO_USERS
from api.settings import Settings
from cases.reports.demo import demo_cases_present
from identity import store as identity_store

T = TypeVar("T")

DEFAULT_OUT: Final = Path("docs/console")
WIDTH: Final = 1280
HEIGHT: Final = 800
#: the weeks the leaders' screenshot shows, this one included, from a Monday (the demo's cases span five)
LEADERS_WEEKS: Final = 5


class ScreenshotsRefused(Exception):
    """The screenshots cannot be taken here; the message says what is missing."""


def chromium_path() -> Path:
    return Path(os.environ.get("CITYLOOP_CHROMIUM", "/usr/bin/chromium"))


def _phone(role: str) -> str:
    return next(phone for phone, _, r, _ in DEMO_USERS if r == role)


def shots(timezone: str, today: datetime | None = None) -> list[tuple[str, str, str]]:
    """(file name, the demo role signing in, the page): the command centre's queue, the leaders' dashboard over
    the demo's five weeks, per department."""
    day = (today or datetime.now(ZoneInfo(timezone))).date()
    period = {
        "group_by": "department",
        "from": (day - timedelta(days=day.weekday() + 7 * (LEADERS_WEEKS - 1))).isoformat(),
        "to": day.isoformat(),
    }
    return [
        ("command-centre.png", "dispatcher", "/console/command"),
        ("leaders.png", "leader", f"/console/leaders?{urlencode(period)}"),
    ]


def _in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine in a thread of its own: Playwright's sync API holds this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _check_demo(settings: Settings) -> None:
    conn = await connect(settings)
    try:
        users = {
            role: await identity_store.get_user_by_phone(conn, _phone(role))
            for role in ("citizen", "dispatcher", "leader")
        }
        citizen = users["citizen"]
        if (
            any(u is None for u in users.values())
            or citizen is None
            or not await demo_cases_present(conn, citizen["id"])
        ):
            raise ScreenshotsRefused(
                "the database has no demo data: run `cityloop db migrate && cityloop db seed-demo` first"
            )
    finally:
        await conn.close()


async def _last_code(settings: Settings, phone: str, after: datetime) -> str | None:
    conn = await connect(settings)
    try:
        row = await identity_store.last_sms(conn, phone)
    finally:
        await conn.close()
    if row is None or row["created_at"] < after:
        return None
    match = re.search(r"\d{6}", row["body"])
    return match.group(0) if match else None


class _Server:
    """The app served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        from api.app import create_app

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="screenshots-server",
            daemon=True,
        )

    def __enter__(self) -> _Server:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ScreenshotsRefused("the app did not start (is the database of this environment up?)")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


def _sign_in(page: Any, settings: Settings, phone: str, target: str) -> None:
    """The console's SMS sign-in, as a person does it: the phone, then the code the gateway sent."""
    page.goto(f"/console/signin?{urlencode({'next': target})}")
    asked = datetime.now().astimezone() - timedelta(seconds=5)
    page.fill("#phone", phone.removeprefix("+86"))
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#code-form")
    code = None
    for _ in range(50):
        code = _in_thread(_last_code(settings, phone, asked))
        if code:
            break
        time.sleep(0.1)
    if code is None:
        raise ScreenshotsRefused(f"no sign-in code was sent to {phone} (sign-in refused: {page.url})")
    page.fill("#code", code)
    page.click("#code-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/console/signin" in page.url:
        raise ScreenshotsRefused(f"the console refused the sign-in of {phone}")


def take_screenshots(settings: Settings, out: Path, *, chromium: Path | None = None) -> list[Path]:
    """Write the console's screenshots into `out` from the demo data of `settings`' database; the files written."""
    chromium = chromium or chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ScreenshotsRefused(
            "Playwright is not installed: `pip install -e '.[dev]'` (the browser is Debian's chromium; "
            "never `playwright install`)"
        ) from exc
    if not chromium.exists():
        raise ScreenshotsRefused(
            f"no Chromium at {chromium}: scripts/bootstrap.sh installs Debian's chromium "
            "(or set CITYLOOP_CHROMIUM)"
        )
    _in_thread(_check_demo(settings))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with _Server(settings) as server, sync_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=args)
        try:
            for name, role, path in shots(settings.city_timezone):
                context = browser.new_context(
                    base_url=server.url,
                    locale="zh-CN",
                    timezone_id=settings.city_timezone,
                    viewport={"width": WIDTH, "height": HEIGHT},
                    device_scale_factor=1,
                )
                try:
                    page = context.new_page()
                    _sign_in(page, settings, _phone(role), path)
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(1500)  # charts and maps draw (and animate) after the load
                    target = out / name
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                finally:
                    context.close()
        finally:
            browser.close()
    return written


def cmd_screenshots(settings: Settings, args: argparse.Namespace) -> int:
    try:
        written = take_screenshots(settings, args.out)
    except ScreenshotsRefused as exc:
        print(f"cityloop: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def add_commands(sub: Any) -> None:
    """The `console` group of the CLI's parser."""
    group = sub.add_parser("console", help="the web console").add_subparsers(dest="command", required=True)
    screenshots = group.add_parser(
        "screenshots",
        help="write the command centre's and the leaders' screenshots from the demo data (Debian's chromium)",
    )
    screenshots.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"the directory to write into (default {DEFAULT_OUT})"
    )
    screenshots.set_defaults(fn=cmd_screenshots)
