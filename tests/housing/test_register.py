"""The owners register (业主名册): importing CSV (UTF-8 or GBK from Excel) and XLSX, all or nothing, over HTTP and
with `cityloop housing import`; every refused file writes nothing but its log row."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import openpyxl
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.housing.test_estates import count, make_estate, token_for
from tests.identity.helpers import bearer

HEADER = "楼栋,单元,楼层,房号,产权面积,实测面积,合同面积,业主姓名,手机号,业主类型"
ROWS = [
    "1号楼,1单元,1,101,89.50,90.12,91.00,张三,13900000101,",
    "1号楼,1单元,1,102,,90.12,91.00,李四、王五,13900000102;13900000103,",
    "1号楼,1单元,2,201,,,91.00,开发商,,开发商",
    "2号楼,,,1203,120.25,,,赵六,+8613900000104,",
]
HOUSING_TABLES = ("buildings", "homes", "home_owners")


def csv_file(rows: list[str] = ROWS, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


async def import_file(
    client: AsyncTestClient[Any], token: str, estate_id: str, raw: bytes, **params: Any
) -> Any:
    return await client.post(
        f"/v1/estates/{estate_id}/register",
        content=raw,
        params=params,
        headers={**bearer(token), "Content-Type": "text/csv"},
    )


async def written(db: asyncpg.Connection) -> dict[str, int]:
    return {t: await count(db, t) for t in HOUSING_TABLES}


@pytest.fixture
async def estate(client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings) -> dict[str, Any]:
    return await make_estate(client, db, settings)


@pytest.fixture
async def staff(db: asyncpg.Connection, settings: Settings, estate: dict[str, Any]) -> str:
    return await token_for(db, settings, "property_staff", ("estate", estate["id"]))


async def test_a_register_is_imported(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    r = await import_file(client, staff, estate["id"], csv_file(), effective_date="2026-11-01")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["outcome"] == "imported" and report["format"] == "csv" and report["encoding"] == "utf-8"
    assert (report["rows"], report["buildings_created"], report["homes_created"]) == (4, 2, 4)
    assert report["owners_changed"] == 4 and report["problems"] == []
    homes = {
        r["room"]: r
        for r in await db.fetch(
            """SELECT h.*, b.name AS building FROM homes h JOIN buildings b ON b.id = h.building_id"""
        )
    }
    assert homes["101"]["register_area"] == 8950 and homes["101"]["area_counted"] == 8950
    assert homes["102"]["register_area"] is None and homes["102"]["area_counted"] == 9012
    assert homes["201"]["area_counted"] == 9100
    assert (
        homes["1203"]["floor"] == 12
        and homes["1203"]["entrance"] == ""
        and homes["1203"]["building"] == "2号楼"
    )
    owners = await db.fetch(
        "SELECT o.kind, o.name, o.phone, o.owned_from, h.room FROM home_owners o JOIN homes h ON h.id = o.home_id "
        "ORDER BY h.room, o.id"
    )
    assert [(o["room"], o["kind"], o["name"], o["phone"]) for o in owners] == [
        ("101", "person", "张三", "+8613900000101"),
        ("102", "person", "李四", "+8613900000102"),
        ("102", "person", "王五", "+8613900000103"),
        ("1203", "person", "赵六", "+8613900000104"),
        ("201", "developer", "开发商", None),
    ]
    assert {o["owned_from"] for o in owners} == {date(2026, 11, 1)}
    log = await db.fetchrow("SELECT outcome, counts, actor_id FROM register_imports")
    assert (
        log["outcome"] == "imported" and log["counts"]["homes_created"] == 4 and log["actor_id"] is not None
    )
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'register.import'") == 1
    page = (await client.get(f"/v1/estates/{estate['id']}")).json()
    assert [(b["name"], b["homes"]) for b in page["buildings"]] == [("1号楼", 3), ("2号楼", 1)]
    assert page["homes"] == 4


async def test_a_gbk_csv_saved_by_excel_is_read(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    r = await import_file(client, staff, estate["id"], csv_file(encoding="gbk"))
    assert r.status_code == 200, r.text
    assert r.json()["encoding"] == "gb18030"
    names = {r["name"] for r in await db.fetch("SELECT name FROM home_owners")}
    assert names == {"张三", "李四", "王五", "赵六", "开发商"}
    assert {r["name"] for r in await db.fetch("SELECT name FROM buildings")} == {"1号楼", "2号楼"}


async def test_a_utf8_csv_with_a_bom_and_english_headers_is_read(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    header = "Building,Entrance,Floor,Room,Register_Area,Surveyed_Area,Contract_Area,Owners,Phones,Owner_Type"
    raw = b"\xef\xbb\xbf" + csv_file(header=header)
    r = await import_file(client, staff, estate["id"], raw)
    assert r.status_code == 200, r.text
    assert r.json()["homes_created"] == 4
    assert await db.fetchval("SELECT count(*) FROM buildings WHERE name LIKE '\ufeff%'") == 0


async def test_an_xlsx_register_is_read(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [1, "1单元", 1, 101, 89.5, None, None, "张三", 13900000101, None]
    )  # numbers as Excel keeps them
    sheet.append(["1", "1单元", 2, "201", None, None, 91, "开发商", None, "开发商"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    r = await client.post(
        f"/v1/estates/{estate['id']}/register",
        content=buffer.getvalue(),
        params={"file_name": "名册.xlsx"},
        headers={
            **bearer(staff),
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["format"] == "xlsx" and r.json()["homes_created"] == 2
    home = await db.fetchrow("SELECT * FROM homes WHERE room = '101'")
    assert home["register_area"] == 8950 and home["floor"] == 1
    assert await db.fetchval("SELECT phone FROM home_owners WHERE name = '张三'") == "+8613900000101"
    assert await db.fetchval("SELECT name FROM buildings") == "1"


async def test_a_dry_run_counts_and_writes_nothing_but_its_log(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    r = await import_file(client, staff, estate["id"], csv_file(), dry_run="true")
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "dry_run" and r.json()["homes_created"] == 4
    assert await written(db) == dict.fromkeys(HOUSING_TABLES, 0)
    assert await db.fetchval("SELECT outcome FROM register_imports") == "dry_run"


async def test_a_new_register_updates_homes_and_moves_ownership_on_its_date(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    estate: dict[str, Any],
    staff: str,
) -> None:
    r = await import_file(client, staff, estate["id"], csv_file(), effective_date="2026-11-01")
    assert r.status_code == 200
    again = await import_file(client, staff, estate["id"], csv_file(), effective_date="2026-11-05")
    assert again.json()["homes_unchanged"] == 4 and again.json()["owners_changed"] == 0
    # 张三 is bound to 101 as its owner, then sells it to 孙七; 102's register area is now known
    zhang = await token_for_phone(db, settings, "+8613900000101")
    home_101 = await db.fetchval("SELECT id FROM homes WHERE room = '101'")
    bound = await client.post(
        f"/v1/homes/{home_101}/bindings",
        json={"relation": "owner"},
        headers={**bearer(zhang), "Idempotency-Key": "bind-101-zhang"},
    )
    assert bound.json()["state"] == "active"
    rows = list(ROWS)
    rows[0] = "1号楼,1单元,1,101,89.50,90.12,91.00,孙七,13900000105,"
    rows[1] = "1号楼,1单元,1,102,88.00,90.12,91.00,李四、王五,13900000102;13900000103,"
    r = await import_file(client, staff, estate["id"], csv_file(rows[:2]), effective_date="2026-11-16")
    report = r.json()
    assert (report["homes_updated"], report["homes_unchanged"], report["homes_not_in_file"]) == (1, 1, 2)
    assert (report["owners_changed"], report["bindings_ended"]) == (1, 1)
    history = await db.fetch(
        "SELECT name, owned_from, owned_until FROM home_owners WHERE home_id = $1 ORDER BY id", home_101
    )
    assert [(h["name"], h["owned_from"], h["owned_until"]) for h in history] == [
        ("张三", date(2026, 11, 1), date(2026, 11, 16)),
        ("孙七", date(2026, 11, 16), None),
    ]
    binding = await db.fetchrow("SELECT state, end_reason FROM home_bindings")
    assert binding["state"] == "ended" and "register" in binding["end_reason"]
    assert await db.fetchval("SELECT area_counted FROM homes WHERE room = '102'") == 8800
    # a correction on the same day replaces the day's owner instead of leaving an ownership of no days
    rows[0] = "1号楼,1单元,1,101,89.50,90.12,91.00,孙七、周八,13900000105;13900000106,"
    r = await import_file(client, staff, estate["id"], csv_file(rows[:1]), effective_date="2026-11-16")
    assert r.json()["owners_changed"] == 1
    history = await db.fetch("SELECT name FROM home_owners WHERE home_id = $1 ORDER BY id", home_101)
    assert [h["name"] for h in history] == ["张三", "孙七", "周八"]


async def token_for_phone(db: asyncpg.Connection, settings: Settings, phone: str) -> str:
    from tests.identity.helpers import staff_token

    return await staff_token(db, settings, phone, "resident")


# refusals: status, code, the rows named, nothing written ------------------------------------------------------------

BAD_FILES: list[tuple[str, bytes, list[tuple[str, int | None]]]] = [
    (
        "duplicate homes",
        csv_file([*ROWS, "1号楼,1单元,1,101,89.50,,,张三,13900000101,"]),
        [("duplicate_home", 6)],
    ),
    (
        "bad areas",
        csv_file(
            [
                "1号楼,1单元,1,101,89.505,,,张三,,",
                "1号楼,1单元,1,102,-12,,,李四,,",
                "1号楼,1单元,1,103,,abc,,王五,,",
                "1号楼,1单元,1,104,0,,,赵六,,",
                "1号楼,1单元,1,105,,,,孙七,,",
            ]
        ),
        [("bad_area", 2), ("bad_area", 3), ("bad_area", 4), ("bad_area", 5), ("missing_area", 6)],
    ),
    (
        "missing fields",
        csv_file(
            [",1单元,1,101,89.50,,,张三,,", "1号楼,1单元,1,,89.50,,,张三,,", "1号楼,1单元,1,103,89.50,,,,,"]
        ),
        [("missing_field", 2), ("missing_field", 3), ("missing_field", 4)],
    ),
    (
        "bad phones",
        csv_file(
            ["1号楼,1单元,1,101,89.50,,,张三,12345,", "1号楼,1单元,1,102,89.50,,,李四、王五,13900000102,"]
        ),
        [("bad_phone", 2), ("owners_phones_mismatch", 3)],
    ),
    ("bad floor", csv_file(["1号楼,1单元,abc,101,89.50,,,张三,,"]), [("bad_floor", 2)]),
    ("a line break in a cell", csv_file(['1号楼,1单元,1,"10\n1",89.50,,,张三,,']), [("bad_text", 2)]),
    ("not UTF-8 nor GB18030", "楼栋,房号\n".encode() + b"\x80\x80,\xff\n", [("bad_encoding", None)]),
    ("Latin-1", b"building,room,register_area,owners\nCaf\xe9,101,89.5,Jos\xe9\n", [("bad_encoding", None)]),
    (
        "no owners column",
        csv_file(header="楼栋,单元,楼层,房号,产权面积,实测面积,合同面积,备注,手机号,类型"),
        [("missing_column", None)],
    ),
    ("an empty file", b"", [("no_rows", None)]),
    ("a header alone", csv_file([]), [("no_rows", None)]),
    ("a broken workbook", b"PK\x03\x04" + b"\x00" * 64, [("unreadable", None)]),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [pytest.param(raw, exp, id=name) for name, raw, exp in BAD_FILES]
)
async def test_a_bad_register_is_refused_whole_and_nothing_is_written(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    estate: dict[str, Any],
    staff: str,
    raw: bytes,
    expected: list[tuple[str, int | None]],
) -> None:
    r = await import_file(client, staff, estate["id"], raw)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "register_import_refused"
    assert [(p["problem"], p.get("row")) for p in problem["problems"]] == expected
    assert problem["problems_total"] == len(expected)
    assert await written(db) == dict.fromkeys(HOUSING_TABLES, 0)
    log = await db.fetchrow("SELECT outcome, problem_count FROM register_imports")
    assert (log["outcome"], log["problem_count"]) == ("refused", len(expected))


async def test_a_refused_register_leaves_the_stored_one_as_it_was(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    assert (await import_file(client, staff, estate["id"], csv_file())).status_code == 200
    before = {t: await db.fetch(f"SELECT * FROM {t} ORDER BY 1") for t in HOUSING_TABLES}
    rows = [ROWS[0].replace("张三", "孙七"), *ROWS[1:], ROWS[1]]  # one good change, one duplicate home
    r = await import_file(client, staff, estate["id"], csv_file(rows))
    assert r.status_code == 422 and r.json()["code"] == "register_import_refused"
    assert {t: await db.fetch(f"SELECT * FROM {t} ORDER BY 1") for t in HOUSING_TABLES} == before


async def test_an_effective_date_before_the_stored_owners_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    assert (
        await import_file(client, staff, estate["id"], csv_file(), effective_date="2026-11-01")
    ).status_code == 200
    rows = [ROWS[0].replace("张三", "孙七")]
    r = await import_file(client, staff, estate["id"], csv_file(rows), effective_date="2026-10-01")
    assert r.status_code == 422 and r.json()["problems"][0]["problem"] == "effective_date_too_early"
    assert await db.fetchval("SELECT count(*) FROM home_owners WHERE name = '孙七'") == 0
    r = await import_file(client, staff, estate["id"], csv_file(rows), effective_date="2026-02-30")
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


async def test_an_oversized_register_is_413(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: dict[str, Any], staff: str
) -> None:
    raw = csv_file() + b"#" * (20 * 1024 * 1024)
    r = await import_file(client, staff, estate["id"], raw)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert await written(db) == dict.fromkeys(HOUSING_TABLES, 0)
    assert await count(db, "register_imports") == 0


@pytest.mark.parametrize(
    ("role", "scope", "code"),
    [
        ("resident", None, "forbidden"),
        ("citizen", None, "forbidden"),
        ("housing_officer", ("district", "110101"), "forbidden"),  # oversight only
        ("property_staff", "another estate", "estate_forbidden"),
        ("property_manager", "another estate", "estate_forbidden"),
    ],
)
async def test_only_the_estates_staff_import_its_register(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    estate: dict[str, Any],
    role: Any,
    scope: Any,
    code: str,
) -> None:
    if scope == "another estate":
        other = await make_estate(client, db, settings, name="别的小区")
        scope = ("estate", other["id"])
    token = await token_for(db, settings, role, scope)
    r = await import_file(client, token, estate["id"], csv_file())
    assert r.status_code == 403 and r.json()["code"] == code
    assert await written(db) == dict.fromkeys(HOUSING_TABLES, 0)
    assert await count(db, "register_imports") == 0


async def test_an_unknown_estate_is_404(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await token_for(db, settings, "admin")
    r = await import_file(client, admin, "0193a000-0000-7000-8000-000000000000", csv_file())
    assert r.status_code == 404 and r.json()["code"] == "estate_not_found"


# the command line ---------------------------------------------------------------------------------------------------


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "CITYLOOP_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "housing", "import", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


async def test_the_command_line_imports_checks_and_refuses(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    estate: dict[str, Any],
    database_url: str,
    tmp_path: Path,
) -> None:
    good, bad = tmp_path / "register.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_file(encoding="gbk"))
    bad.write_bytes(csv_file([*ROWS, ROWS[0], "1号楼,1单元,1,109,89.505,,,张三,12345,"]))
    dry = _cli(database_url, str(good), "--estate", estate["id"], "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "checked (dry run, nothing written)" in dry.stdout and "check" in dry.stderr
    assert await written(db) == dict.fromkeys(HOUSING_TABLES, 0)
    refused = _cli(database_url, str(bad), "--estate", estate["id"])
    assert refused.returncode == 1
    assert "REFUSED" in refused.stdout and "nothing was imported" in refused.stdout
    assert "line 6 [room]: duplicate_home" in refused.stdout
    assert (
        "line 7 [phones]: bad_phone" in refused.stdout
        and "line 7 [register_area]: bad_area" in refused.stdout
    )
    assert await written(db) == dict.fromkeys(HOUSING_TABLES, 0)
    done = _cli(database_url, str(good), "--estate", estate["id"], "--effective", "2026-11-01")
    assert done.returncode == 0, done.stderr
    assert "imported" in done.stdout and "homes created 4" in done.stdout
    assert await written(db) == {"buildings": 2, "homes": 4, "home_owners": 5}
    assert [
        r["outcome"] for r in await db.fetch("SELECT outcome FROM register_imports ORDER BY created_at")
    ] == [
        "dry_run",
        "refused",
        "imported",
    ]
    unknown = _cli(database_url, str(good), "--estate", "0193a000-0000-7000-8000-000000000000")
    assert unknown.returncode == 1 and "estate_not_found" in unknown.stderr
