"""The admin area (console/pages/admin/): grid import with its progress and report, duties, the calendar, category
settings, the outbox and deliveries with replay; refusals that write nothing; the grid import in Chromium with its
progress bar and map. Phones +8613941...."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing.transport import TestClientTransport as AppTransport

from api.db import connect
from api.settings import Settings
from cases.grids import imports as grids_imports
from cases.grids import store as grids_store
from cases.grids.store import progress as progress_store
from console.security import SESSION_COOKIE
from tests.cases.conftest import demo_city  # noqa: F401  (the catalogue: categories and departments)
from tests.cases.grid_fixtures import cells, collection, encode, responsibility
from tests.console.conftest import SCREENSHOTS, LiveServer, run_async
from tests.console.helpers import make_user, session_cookie, signed_in
from tests.identity.helpers import last_code

Client = AsyncTestClient[Any]
PAGES = [
    "/console/admin",
    "/console/admin/grids",
    "/console/admin/duties",
    "/console/admin/calendar",
    "/console/admin/categories",
    "/console/admin/outbox",
]
WRITES = [
    "/console/admin/duties",
    "/console/admin/duties/end",
    "/console/admin/calendar",
    "/console/admin/calendar/2026-05-01/delete",
    "/console/admin/categories/E0102",
    "/console/admin/category-departments",
    "/console/admin/outbox/1/replay",
    "/console/admin/deliveries/1/replay",
    "/console/admin/deliveries/replay-dead",
    "/console/admin/grids/import",
]


async def _admin(console: Client, db: asyncpg.Connection, settings: Settings, phone: str) -> str:
    await make_user(db, settings, phone, "admin")
    return await signed_in(console, db, phone)


async def _count(db: asyncpg.Connection, sql: str, *args: Any) -> int:
    value: int = await db.fetchval(sql, *args)
    return value


# --- access ------------------------------------------------------------------------------------------------------


async def test_the_admin_area_refuses_everyone_but_admins(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    # a district-scoped leader, and a property manager: neither may open a page or post anything here
    await make_user(db, settings, "13941000001", "leader", "dispatcher", scope=("district", "110101"))
    csrf = await signed_in(console, db, "13941000001")
    for path in PAGES:
        r = await console.get(path)
        assert r.status_code == 403, path
    for path in WRITES:
        r = await console.post(path, data={"csrf": csrf})
        assert r.status_code == 403, path
    assert await _count(db, "SELECT count(*) FROM calendar_overrides") == 0


async def test_every_page_opens_for_an_admin_in_both_languages(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
) -> None:
    await _admin(console, db, settings, "13941000002")
    for path in PAGES:
        r = await console.get(path)
        assert r.status_code == 200, path
        assert "系统管理" in r.text
        english = await console.get(path, headers={"Accept-Language": "en"})
        assert "Administration" in english.text


async def test_writes_without_the_csrf_token_are_refused(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _admin(console, db, settings, "13941000003")
    r = await console.post("/console/admin/calendar", data={"day": "2026-05-02", "workday": "true"})
    assert r.status_code == 403
    assert await _count(db, "SELECT count(*) FROM calendar_overrides") == 0


# --- the calendar --------------------------------------------------------------------------------------------------


async def test_a_day_is_overridden_and_given_back(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    csrf = await _admin(console, db, settings, "13941000004")
    r = await console.get("/console/admin/calendar?month=2026-05")
    assert r.status_code == 200
    assert 'data-day="2026-05-09"' in r.text
    r = await console.post(
        "/console/admin/calendar",
        data={"csrf": csrf, "day": "2026-05-09", "workday": "false", "note": "检修"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/console/admin/calendar?month=2026-05&done=day_set"
    page = await console.get(r.headers["location"])
    cell = re.search(r'<td class="day dayoff source-override" data-day="2026-05-09".*?</td>', page.text, re.S)
    assert cell and "检修" in cell.group(0)
    assert "已设置该日" in page.text
    assert await _count(db, "SELECT count(*) FROM audit_log WHERE action = 'calendar.override.set'") == 1
    r = await console.post("/console/admin/calendar/2026-05-09/delete", data={"csrf": csrf})
    assert r.status_code == 303
    assert await _count(db, "SELECT count(*) FROM calendar_overrides") == 0


@pytest.mark.parametrize(
    ("path", "form", "status"),
    [
        ("/console/admin/calendar", {"day": "2026-5-9", "workday": "true"}, 422),  # invalid_calendar_date
        ("/console/admin/calendar", {"day": "2026-05-09", "workday": "maybe"}, 422),
        ("/console/admin/calendar", {"workday": "true"}, 422),  # no day
        ("/console/admin/calendar", {"day": "2026-05-09", "workday": "true", "note": "x" * 201}, 422),
        ("/console/admin/calendar/2026-05-10/delete", {}, 404),  # calendar_override_not_found
        ("/console/admin/calendar/tomorrow/delete", {}, 422),
    ],
)
async def test_bad_calendar_forms_are_refused_and_write_nothing(
    console: Client, db: asyncpg.Connection, settings: Settings, path: str, form: dict[str, str], status: int
) -> None:
    csrf = await _admin(console, db, settings, "13941000005")
    r = await console.post(path, data={"csrf": csrf, **form})
    assert r.status_code == status, r.text
    assert '<div class="error" role="alert">' in r.text
    assert await _count(db, "SELECT count(*) FROM calendar_overrides") == 0
    assert await _count(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'calendar.%'") == 0


# --- duties ----------------------------------------------------------------------------------------------------------


async def _grid_and_inspector(db: asyncpg.Connection, settings: Settings) -> UUID:
    await db.execute(
        "INSERT INTO responsibility_grids (code, name, geom) VALUES ('110101001', '东华门', "
        "ST_GeomFromEWKT($1))",
        "SRID=4326;MULTIPOLYGON(((116.39 39.90,116.40 39.90,116.40 39.91,116.39 39.91,116.39 39.90)))",
    )
    return await make_user(db, settings, "13941000099", "inspector")


async def test_the_duty_form_offers_the_enabled_inspectors(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    inspector = await _grid_and_inspector(db, settings)
    await db.execute("UPDATE users SET display_name = '王监督' WHERE id = $1", inspector)
    gone = await make_user(db, settings, "13941000098", "inspector")
    await db.execute("UPDATE users SET disabled_at = now() WHERE id = $1", gone)
    clerk = await make_user(db, settings, "13941000097", "intake_clerk")
    await _admin(console, db, settings, "13941000006")

    page = await console.get("/console/admin/duties")

    assert page.status_code == 200
    picker = re.search(r'<select name="inspector_id" required>(.*?)</select>', page.text, re.S)
    assert picker is not None
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', picker.group(1))
    assert options == [("", "选择监督员"), (str(inspector), "王监督 · 139****0099")]
    assert str(gone) not in page.text and str(clerk) not in page.text


async def test_a_duty_is_added_listed_and_ended(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    inspector = await _grid_and_inspector(db, settings)
    csrf = await _admin(console, db, settings, "13941000006")
    r = await console.post(
        "/console/admin/duties",
        data={
            "csrf": csrf,
            "inspector_id": str(inspector),
            "grid": "110101001",
            "starts_at": "2026-01-01T08:00",
        },
    )
    assert r.status_code == 303, r.text
    page = await console.get(r.headers["location"])
    assert "已安排值守" in page.text
    assert page.text.count('class="running"') == 1
    starts = re.search(r'name="starts_at" value="([^"]+)"', page.text)
    assert starts and starts.group(1).startswith("2026-01-01T00:00:00+00:00")  # 08:00 in Shanghai
    r = await console.post(
        "/console/admin/duties/end",
        data={
            "csrf": csrf,
            "inspector_id": str(inspector),
            "grid": "110101001",
            "starts_at": starts.group(1),
        },
    )
    assert r.status_code == 303
    assert await _count(db, "SELECT count(*) FROM inspector_duties WHERE ends_at IS NOT NULL") == 1
    page = await console.get("/console/admin/duties?running=true")
    assert 'class="running"' not in page.text


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"grid": "110101001", "starts_at": "2026-01-01T08:00"}, 422),  # no inspector
        ({"inspector_id": "nobody", "grid": "110101001", "starts_at": "2026-01-01T08:00"}, 422),
        (
            {"inspector_id": "{inspector}", "grid": "110101002", "starts_at": "2026-01-01T08:00"},
            422,
        ),  # unknown_grid
        ({"inspector_id": "{inspector}", "grid": "110101001", "starts_at": "yesterday"}, 422),
        (
            {
                "inspector_id": "{inspector}",
                "grid": "110101001",
                "starts_at": "2026-01-02T08:00",
                "ends_at": "2026-01-01T08:00",
            },
            422,
        ),  # invalid_duty
        (
            {"inspector_id": "{admin}", "grid": "110101001", "starts_at": "2026-01-01T08:00"},
            422,
        ),  # not_an_inspector
    ],
)
async def test_bad_duty_forms_are_refused_and_write_nothing(
    console: Client, db: asyncpg.Connection, settings: Settings, form: dict[str, str], status: int
) -> None:
    inspector = await _grid_and_inspector(db, settings)
    csrf = await _admin(console, db, settings, "13941000007")
    admin = await db.fetchval("SELECT id FROM users WHERE phone = '+8613941000007'")
    filled = {k: v.format(inspector=inspector, admin=admin) for k, v in form.items()}
    r = await console.post("/console/admin/duties", data={"csrf": csrf, **filled})
    assert r.status_code == status, r.text
    assert '<div class="error" role="alert">' in r.text
    assert await _count(db, "SELECT count(*) FROM inspector_duties") == 0


# --- categories ----------------------------------------------------------------------------------------------------


async def test_a_categorys_department_and_limits_are_set(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
) -> None:
    csrf = await _admin(console, db, settings, "13941000008")
    page = await console.get("/console/admin/categories")
    assert 'id="category-E0102"' in page.text
    r = await console.post(
        "/console/admin/categories/E0102",
        data={
            "csrf": csrf,
            "default_department": "municipal",
            "limit_urgent_hours": "2",
            "limit_normal_hours": "12",
        },
    )
    assert r.status_code == 303, r.text
    row = await db.fetchrow(
        "SELECT default_department, limit_urgent_hours, limit_normal_hours FROM categories WHERE code = 'E0102'"
    )
    assert (
        row["default_department"],
        float(row["limit_urgent_hours"]),
        float(row["limit_normal_hours"]),
    ) == ("municipal", 2, 12)
    r = await console.post(
        "/console/admin/category-departments",
        data={"csrf": csrf, "category": "E0102", "district_code": "110102", "department": "sanitation"},
    )
    assert r.status_code == 303, r.text
    page = await console.get("/console/admin/categories")
    assert "110102 → sanitation" in page.text


@pytest.mark.parametrize(
    ("path", "form", "status"),
    [
        (
            "/console/admin/categories/E0102",
            {"default_department": "", "limit_urgent_hours": "20", "limit_normal_hours": "10"},
            422,
        ),
        (
            "/console/admin/categories/E0102",
            {"default_department": "nowhere", "limit_urgent_hours": "2", "limit_normal_hours": "10"},
            422,
        ),
        (
            "/console/admin/categories/E0102",
            {"default_department": "", "limit_urgent_hours": "two", "limit_normal_hours": "10"},
            422,
        ),
        (
            "/console/admin/categories/Z9999",
            {"default_department": "", "limit_urgent_hours": "2", "limit_normal_hours": "10"},
            404,
        ),
        ("/console/admin/category-departments", {"category": "E0102", "department": "nowhere"}, 422),
        (
            "/console/admin/category-departments",
            {"category": "E0102", "district_code": "1", "department": "municipal"},
            422,
        ),
    ],
)
async def test_bad_category_forms_are_refused_and_write_nothing(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
    path: str,
    form: dict[str, str],
    status: int,
) -> None:
    csrf = await _admin(console, db, settings, "13941000009")
    before = await db.fetch("SELECT * FROM categories ORDER BY code")
    r = await console.post(path, data={"csrf": csrf, **form})
    assert r.status_code == status, r.text
    assert '<div class="error" role="alert">' in r.text
    assert await db.fetch("SELECT * FROM categories ORDER BY code") == before
    assert await _count(db, "SELECT count(*) FROM category_departments") == 0


# --- the outbox and deliveries ---------------------------------------------------------------------------------------


async def _dead_letters(db: asyncpg.Connection, settings: Settings) -> tuple[int, int]:
    outbox = await db.fetchval(
        "INSERT INTO outbox (topic, payload, status, attempts, last_error) VALUES ('case.transitioned', $1, 'dead', 8, "
        "'fan-out failed') RETURNING id",
        {"case_id": "0190a1b2-0000-7000-8000-000000000001", "to": "closed"},
    )
    user = await make_user(db, settings, "13941000098", "citizen")
    delivery = await db.fetchval(
        """INSERT INTO deliveries (key, outbox_id, channel, user_id, device_token, event, status, attempts, last_error,
                                   last_status)
           VALUES ('k1', $1, 'push', $2, 'token-1', 'case.transitioned', 'dead', 10, 'FCM 503', 503) RETURNING id""",
        outbox,
        user,
    )
    await db.execute(
        """INSERT INTO deliveries (key, outbox_id, channel, user_id, device_token, event, status)
           VALUES ('k2', $1, 'push', $2, 'token-2', 'case.transitioned', 'done')""",
        outbox,
        user,
    )
    return outbox, delivery


async def test_dead_letters_are_listed_and_replayed(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    outbox, delivery = await _dead_letters(db, settings)
    csrf = await _admin(console, db, settings, "13941000010")
    page = await console.get("/console/admin/outbox")
    assert f'data-outbox="{outbox}" class="status-dead"' in page.text
    assert f'data-delivery="{delivery}" class="status-dead"' in page.text
    assert "FCM 503" in page.text
    r = await console.post(f"/console/admin/outbox/{outbox}/replay", data={"csrf": csrf})
    assert r.status_code == 303
    assert await db.fetchval("SELECT status FROM outbox WHERE id = $1", outbox) == "pending"
    r = await console.post(f"/console/admin/deliveries/{delivery}/replay", data={"csrf": csrf})
    assert r.status_code == 303
    assert await db.fetchval("SELECT (status, attempts) FROM deliveries WHERE id = $1", delivery) == (
        "pending",
        0,
    )
    actions = {r["action"] for r in await db.fetch("SELECT action FROM audit_log")}
    assert {"outbox.replay", "delivery.replay"} <= actions
    # replaying what is not dead: refused as the API refuses it, nothing changes
    r = await console.post(f"/console/admin/deliveries/{delivery}/replay", data={"csrf": csrf})
    assert r.status_code == 409
    assert '<div class="error" role="alert">' in r.text
    for path, status in (
        ("/console/admin/outbox/999999/replay", 404),
        ("/console/admin/outbox/abc/replay", 422),
        ("/console/admin/deliveries/0/replay", 422),
    ):
        r = await console.post(path, data={"csrf": csrf})
        assert r.status_code == status, path
    r = await console.post("/console/admin/deliveries/replay-dead", data={"csrf": csrf, "channel": "fax"})
    assert r.status_code == 422


async def test_every_dead_delivery_is_replayed_at_once(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _dead_letters(db, settings)
    csrf = await _admin(console, db, settings, "13941000011")
    r = await console.post("/console/admin/deliveries/replay-dead", data={"csrf": csrf, "channel": ""})
    assert r.status_code == 303
    assert await _count(db, "SELECT count(*) FROM deliveries WHERE status = 'dead'") == 0


# --- grid import -----------------------------------------------------------------------------------------------------


def _job_fragment(html: str) -> dict[str, str]:
    div = re.search(r'<div id="import-job"[^>]*>', html)
    assert div, html
    return dict(re.findall(r'data-([a-z]+)="([^"]*)"', div.group(0)))


async def _post_import(
    client: Any, csrf: str, body: bytes, kind: str = "unit", job_id: str | None = None, **flags: str
) -> Any:
    return await client.post(
        "/console/admin/grids/import",
        data={"kind": kind, "job_id": job_id or str(uuid4()), **flags},
        files={"file": ("grids.geojson", body, "application/geo+json")},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )


async def _import(console: Client, csrf: str, body: bytes, kind: str = "unit", **flags: str) -> str:
    """The POST runs the import and answers the report; the progress row it wrote says done."""
    job_id = str(uuid4())
    r = await _post_import(console, csrf, body, kind, job_id, **flags)
    assert r.status_code in (200, 422), r.text
    assert _job_fragment(r.text) == {"job": job_id, "phase": "done", "finished": "true"}
    assert '<progress id="import-progress" max="100" value="100"' in r.text
    polled = await console.get(f"/console/admin/grids/import/{job_id}", headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert _job_fragment(polled.text) == {"job": job_id, "phase": "done", "finished": "false"}
    assert 'id="import-report"' not in polled.text  # the report is the POST's answer only
    return str(r.text)


async def test_a_grid_import_reports_its_progress_and_its_gap(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
) -> None:
    csrf = await _admin(console, db, settings, "13941000012")
    report = await _import(console, csrf, encode(collection(cells(3, 3, skip=frozenset({(1, 1)})))))
    assert 'data-outcome="imported"' in report
    assert '<dd id="gaps-total">1</dd>' in report
    found = re.search(r'data-map="([^"]*)"', report)
    assert found
    data = json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert len(data["gaps"]) == 1
    assert await _count(db, "SELECT count(*) FROM unit_grids") == 8
    assert await _count(db, "SELECT count(*) FROM audit_log WHERE action = 'grids.import'") == 1
    row = await db.fetchrow("SELECT phase, finished, kind, file_name FROM grid_import_progress")
    assert row is not None and tuple(row) == ("done", True, "unit", "grids.geojson")
    log = await console.get("/console/admin/grids")
    assert "grids.geojson" in log.text
    assert 'name="job_id"' in log.text


async def test_the_progress_is_in_the_database_while_the_post_runs_and_any_client_reads_it(
    console: Client,
    app: Litestar,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import console.pages.admin as admin_pages
    from console.pages.admin import grids as grid_pages

    # no job lives in a process's memory any more
    assert not hasattr(admin_pages, "_JOBS") and not hasattr(grid_pages, "_JOBS")
    csrf = await _admin(console, db, settings, "13941000017")
    owner = await db.fetchval("SELECT id FROM users WHERE phone = '+8613941000017'")
    # the import is held in its write phase (after its first write tick) until the test lets it go
    reached, release = threading.Event(), threading.Event()
    count_unassigned = grids_store.count_unassigned_units

    async def held(conn: asyncpg.Connection) -> int:
        reached.set()
        await asyncio.to_thread(release.wait, 30)
        return await count_unassigned(conn)

    monkeypatch.setattr(grids_store, "count_unassigned_units", held)
    job_id = str(uuid4())
    body = encode(collection(cells(3, 3)))
    # the upload runs in a thread of its own: the test client blocks its caller until the answer
    posting = asyncio.get_running_loop().run_in_executor(
        None, lambda: asyncio.run(_post_import(console, csrf, body, job_id=job_id, dry_run="on"))
    )
    try:
        assert await asyncio.to_thread(reached.wait, 30)
        row = await db.fetchrow("SELECT * FROM grid_import_progress WHERE id = $1", UUID(job_id))
        assert row is not None, "the progress is committed while the import's transaction is still open"
        assert (row["owner_id"], row["kind"], row["file_name"]) == (owner, "unit", "grids.geojson")
        assert (row["phase"], row["total"], row["finished"]) == ("write", 3, False)
        assert await _count(db, "SELECT count(*) FROM grid_imports") == 0  # the import's own writes: not yet
        # another client of the app with the admin's session (a second sign-in would be rate-limited) reads it
        # from the database; its transport is the app's, as the console client's, and holds nothing to close
        other = httpx.AsyncClient(transport=AppTransport(console), base_url="http://testserver.local")  # type: ignore[arg-type]
        other.cookies.set(SESSION_COOKIE, session_cookie(console), domain="testserver.local", path="/console")
        r = await other.get(f"/console/admin/grids/import/{job_id}", headers={"HX-Request": "true"})
        assert r.status_code == 200, r.text
        assert _job_fragment(r.text) == {"job": job_id, "phase": "write", "finished": "false"}
        bar = re.search(r'<progress id="import-progress" max="100" value="(\d+)"', r.text)
        assert bar and 90 <= int(bar.group(1)) < 100
        assert "写入" in r.text
    finally:
        release.set()
    r = await posting
    assert r.status_code == 200, r.text
    assert _job_fragment(r.text)["finished"] == "true"
    assert 'data-outcome="dry_run"' in r.text
    row = await db.fetchrow("SELECT phase, finished FROM grid_import_progress WHERE id = $1", UUID(job_id))
    assert row is not None and tuple(row) == ("done", True)


async def test_a_failing_progress_write_never_fails_the_import(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any) -> None:
        raise asyncpg.PostgresError("progress table unavailable")

    monkeypatch.setattr(progress_store, "set_progress", broken)
    csrf = await _admin(console, db, settings, "13941000018")
    r = await _post_import(console, csrf, encode(collection(cells(2, 2))))
    assert r.status_code == 200, r.text
    assert 'data-outcome="imported"' in r.text
    assert await _count(db, "SELECT count(*) FROM unit_grids") == 4


async def test_progress_is_written_at_a_phase_change_or_at_most_every_250_ms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[tuple[str, int, int, bool]] = []

    async def record(
        conn: Any, job_id: UUID, owner: UUID, phase: str, done: int, total: int, finished: bool
    ) -> None:
        written.append((phase, done, total, finished))

    class NoConn:
        async def __aenter__(self) -> None:
            return None

        async def __aexit__(self, *exc: object) -> None:
            return None

    class Pool:
        def acquire(self, timeout: float) -> NoConn:
            return NoConn()

    monkeypatch.setattr(progress_store, "set_progress", record)
    writer = grids_imports.ProgressWriter(Pool(), uuid4(), uuid4(), "unit", "g.geojson")  # type: ignore[arg-type]
    for done in range(100):
        await writer("load", done, 100)
    await writer("check", 0, 5)
    await writer("check", 1, 5)
    await writer.finish()
    assert written == [("load", 0, 100, False), ("check", 0, 5, False), ("done", 1, 5, True)]
    await asyncio.sleep(0.26)
    await writer("check", 2, 5)
    assert written[-1] == ("check", 2, 5, False)


async def test_a_refused_grid_import_names_its_overlaps_and_writes_no_grid(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
) -> None:
    csrf = await _admin(console, db, settings, "13941000013")
    overlapping = collection([responsibility(1, 0, 0, 2, 2), responsibility(2, 1, 1, 2, 2)])
    r = await _post_import(console, csrf, encode(overlapping), kind="responsibility")
    assert r.status_code == 422  # the API's grid_import_refused
    assert 'data-outcome="refused"' in r.text
    assert 'class="problem-overlap"' in r.text
    assert await _count(db, "SELECT count(*) FROM responsibility_grids") == 0
    # the refusal is logged and audited, as the API's is, and that commits
    assert await _count(db, "SELECT count(*) FROM grid_imports WHERE outcome = 'refused'") == 1
    assert await _count(db, "SELECT count(*) FROM audit_log WHERE action = 'grids.import'") == 1
    assert await db.fetchval("SELECT phase FROM grid_import_progress") == "done"


@pytest.mark.parametrize(
    ("data", "files"),
    [
        ({"kind": "street", "job_id": str(uuid4())}, {"file": ("g.geojson", b"{}", "application/json")}),
        ({"kind": "unit", "job_id": str(uuid4())}, None),
        ({"kind": "unit", "job_id": str(uuid4())}, {"file": ("g.geojson", b"", "application/json")}),
        ({"kind": "unit"}, {"file": ("g.geojson", b"{}", "application/json")}),  # no job id
        ({"kind": "unit", "job_id": "job-1"}, {"file": ("g.geojson", b"{}", "application/json")}),
        ({"kind": "unit", "job_id": "0" * 65}, {"file": ("g.geojson", b"{}", "application/json")}),
    ],
)
async def test_a_bad_import_form_is_refused(
    console: Client, db: asyncpg.Connection, settings: Settings, data: dict[str, str], files: Any
) -> None:
    csrf = await _admin(console, db, settings, "13941000014")
    r = await console.post(
        "/console/admin/grids/import",
        data=data,
        files=files,
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert r.status_code == 422
    assert '<div class="error" role="alert">' in r.text
    assert await _count(db, "SELECT count(*) FROM grid_imports") == 0
    assert await _count(db, "SELECT count(*) FROM grid_import_progress") == 0


async def test_an_import_is_seen_only_by_the_admin_who_started_it(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    demo_city: None,  # noqa: F811
) -> None:
    csrf = await _admin(console, db, settings, "13941000015")
    job_id = str(uuid4())
    r = await _post_import(console, csrf, encode(collection(cells(1, 1))), job_id=job_id, dry_run="on")
    assert r.status_code == 200, r.text
    r = await console.get(f"/console/admin/grids/import/{job_id}", headers={"HX-Request": "true"})
    assert r.status_code == 200
    await make_user(db, settings, "13941000016", "admin")
    other_csrf = await signed_in(console, db, "13941000016")
    r = await console.get(f"/console/admin/grids/import/{job_id}", headers={"HX-Request": "true"})
    assert r.status_code == 404
    assert '<div class="error" role="alert">' in r.text
    for nonsense in ("nonsense", str(uuid4())):
        r = await console.get(f"/console/admin/grids/import/{nonsense}", headers={"HX-Request": "true"})
        assert r.status_code == 404
    # the other admin's import with the same job id runs, but cannot take the first one's progress row
    r = await _post_import(console, other_csrf, encode(collection(cells(1, 1))), job_id=job_id, dry_run="on")
    assert r.status_code == 200, r.text
    owner = await db.fetchval("SELECT owner_id FROM grid_import_progress WHERE id = $1", UUID(job_id))
    assert owner == await db.fetchval("SELECT id FROM users WHERE phone = '+8613941000015'")


async def test_housekeeping_deletes_progress_rows_after_a_day(
    db: asyncpg.Connection, settings: Settings
) -> None:
    owner = await make_user(db, settings, "13941000019", "admin")
    for age in (timedelta(hours=25), timedelta(hours=23)):
        await db.execute(
            """INSERT INTO grid_import_progress (id, owner_id, kind, file_name, phase, updated_at)
               VALUES ($1, $2, 'unit', 'g.geojson', 'done', now() - $3::interval)""",
            uuid4(),
            owner,
            age,
        )
    assert await grids_imports.forget_progress(db) == 1
    assert await _count(db, "SELECT count(*) FROM grid_import_progress") == 1
    import api.worker

    assert "grids_imports.forget_progress(conn)" in inspect.getsource(api.worker.Worker._housekeeping)


# --- in the browser ------------------------------------------------------------------------------------------------


async def _prepare_browser(server: LiveServer, phone: str) -> str:
    conn = await connect(server.settings)
    try:
        if not await conn.fetchval("SELECT count(*) FROM users WHERE phone = $1", "+86" + phone):
            await make_user(conn, server.settings, phone, "admin")
            await _dead_letters_once(conn, server.settings)
        return phone
    finally:
        await conn.close()


async def _dead_letters_once(conn: asyncpg.Connection, settings: Settings) -> None:
    if not await conn.fetchval("SELECT count(*) FROM deliveries WHERE key = 'k1'"):
        await _dead_letters(conn, settings)


async def _code(server: LiveServer, phone: str) -> str:
    conn = await connect(server.settings)
    try:
        return await last_code(conn, "+86" + phone)
    finally:
        await conn.close()


def _sign_in(page: Any, server: LiveServer, phone: str, path: str) -> None:
    page.goto(path)
    page.fill("#phone", phone)
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#code")
    page.fill("#code", run_async(_code(server, phone)))
    page.click("#code-form button[type=submit]")
    page.wait_for_url(f"**{path}")


def test_a_grid_import_shows_its_progress_and_its_report_on_the_map(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    phone = run_async(_prepare_browser(live_server, "13941000020"))
    # 3 x 3 unit grids with the middle one missing (a gap), beside a block of 4; a dry run away from the demo
    # city's grids: the served app's database is shared with the other browser tests, which import their own
    features = cells(3, 3, at=(60, 60), skip=frozenset({(1, 1)})) + cells(2, 2, at=(64, 60), community=2)
    path = tmp_path / "东城区单元网格.geojson"
    path.write_bytes(encode(collection(features)))
    _sign_in(page, live_server, phone, "/console/admin/grids")
    page.select_option("#import-kind", "unit")
    page.set_input_files("#import-file", str(path))
    page.check("input[name=dry_run]")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#upload-status:not([hidden])")
    page.wait_for_selector("#import-job[data-finished=true]", timeout=30_000)
    assert page.locator("#import-progress").get_attribute("value") == "100"
    assert page.locator("#upload-progress").evaluate("bar => bar.value") == 100
    assert page.locator("#import-report").get_attribute("data-outcome") == "dry_run"
    page.wait_for_selector("#import-map-frame[data-drawn=true]")
    map_frame = page.locator("#import-map-frame")
    assert map_frame.get_attribute("data-features") == str(len(features))
    assert map_frame.get_attribute("data-gaps") == "1"
    assert page.locator("#import-map-frame path.grid-ok").count() == len(features)
    assert page.locator("#import-map-frame path.gap").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "admin-grids.png"), full_page=True)
    assert page.csp_violations == []
    # the dead letters, and a replay
    page.goto("/console/admin/outbox")
    assert page.locator("#deliveries tr.status-dead").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "admin-outbox.png"), full_page=True)
    page.locator("#outbox tr.status-dead button").first.click()
    page.wait_for_selector(".notice")
    assert page.csp_violations == []


def test_the_keys_picked_by_value_are_texts() -> None:
    from console.pages.admin.common import CHANNELS, DELIVERY_STATUSES, KEYS, OUTBOX_STATUSES
    from console.pages.admin.grids import PHASES
    from console.texts import TEXTS

    assert all(key in TEXTS for keys in KEYS.values() for key in keys.values())
    assert set(KEYS["admin.status."]) == {*DELIVERY_STATUSES, *OUTBOX_STATUSES}
    assert set(KEYS["admin.channel."]) == set(CHANNELS)
    assert set(KEYS["admin.grids.phase."]) == {*PHASES, "done"} - {"upload"}
