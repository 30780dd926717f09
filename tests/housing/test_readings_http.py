"""Water meter readings (抄表) imported over HTTP (`POST /v1/estates/{estate_id}/readings`), as the owners register
is: one raw body, all or nothing, a dry run, every run logged and audited. The rules of the file itself are tested
on housing/readings.py in tests/housing/test_billing.py."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import openpyxl
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing import readings
from tests.housing.money_fixtures import Estate, counts, fee_item, make_estate
from tests.housing.test_estates import count, token_for
from tests.identity.helpers import bearer

GOOD = [
    "1号楼,,101,2025-10-31,1170",
    "1号楼,,101,2025-11-30,1270.50",
    "1号楼,,201,2025-11-30,0",
    "2号楼,,301,2025-11-30,88.25",
]


def csv_file(
    rows: list[str] = GOOD, header: str = "building,entrance,room,read_on,reading", encoding: str = "utf-8"
) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


async def send(
    client: AsyncTestClient[Any],
    token: str,
    estate_id: UUID,
    raw: bytes,
    content_type: str = "text/csv",
    **params: Any,
) -> Any:
    return await client.post(
        f"/v1/estates/{estate_id}/readings",
        content=raw,
        params=params,
        headers={**bearer(token), "Content-Type": content_type},
    )


async def stored(db: asyncpg.Connection) -> list[tuple[str, str, str, int]]:
    rows = await db.fetch(
        """SELECT b.name AS building, h.room, m.read_on, m.reading
             FROM meter_readings m JOIN homes h ON h.id = m.home_id JOIN buildings b ON b.id = h.building_id
            ORDER BY 1, 2, 3"""
    )
    return [(r["building"], r["room"], r["read_on"].isoformat(), r["reading"]) for r in rows]


async def audited(db: asyncpg.Connection) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT actor_id, target_id, details FROM audit_log WHERE action = 'readings.import' ORDER BY id"
    )


@pytest.fixture
async def estate(db: asyncpg.Connection) -> Estate:
    return await make_estate(db, buildings=2, homes_per_building=3)


@pytest.fixture
async def water(db: asyncpg.Connection, estate: Estate) -> UUID:
    item = await fee_item(db, estate, kind="water", name="居民水费", tiers=[{"price_fen": 500}])
    return item.id


@pytest.fixture
async def staff(db: asyncpg.Connection, settings: Settings, estate: Estate) -> str:
    return await token_for(db, settings, "property_staff", ("estate", str(estate.id)))


async def test_a_csv_of_readings_is_imported_logged_and_audited(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    r = await send(client, staff, estate.id, csv_file(), fee_item_id=str(water), file_name="11月抄表.csv")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["outcome"], report["dry_run"], report["encoding"]) == ("imported", False, "utf-8")
    assert (report["rows"], report["created"], report["updated"], report["unchanged"]) == (4, 4, 0, 0)
    assert report["problems"] == [] and report["problems_total"] == 0
    assert (report["estate_id"], report["fee_item_id"]) == (str(estate.id), str(water))
    assert await stored(db) == [
        ("1号楼", "101", "2025-10-31", 117000),
        ("1号楼", "101", "2025-11-30", 127050),
        ("1号楼", "201", "2025-11-30", 0),
        ("2号楼", "301", "2025-11-30", 8825),
    ]
    log = await db.fetchrow("SELECT id, outcome, file_name, actor_label FROM reading_imports")
    assert (str(log["id"]), log["outcome"], log["file_name"]) == (report["id"], "imported", "11月抄表.csv")
    [entry] = await audited(db)
    assert entry["target_id"] == report["id"] and entry["actor_id"] is not None
    # the same file again changes nothing; a corrected reading replaces the stored one of that day
    again = await send(client, staff, estate.id, csv_file(), fee_item_id=str(water))
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 4)
    fixed = await send(
        client, staff, estate.id, csv_file(["2号楼,,301,2025-11-30,90"]), fee_item_id=str(water)
    )
    assert fixed.status_code == 200 and fixed.json()["updated"] == 1
    assert ("2号楼", "301", "2025-11-30", 9000) in await stored(db)


async def test_a_gbk_csv_with_chinese_headers_saved_by_excel_is_read(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    raw = csv_file(
        ["1号楼,,101,2025/11/30,１２３.５"], header="楼栋,单元,房号,抄表日期,本期读数", encoding="gbk"
    )  # a full-width dial, a date as Excel writes it
    r = await send(client, staff, estate.id, raw, "application/octet-stream", fee_item_id=str(water))
    assert r.status_code == 200, r.text
    assert (r.json()["encoding"], r.json()["created"]) == ("gb18030", 1)
    assert await stored(db) == [("1号楼", "101", "2025-11-30", 12350)]


def xlsx_file(*rows: list[Any], header: list[Any] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header or ["楼栋", "单元", "房号", "抄表日期", "读数"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_an_xlsx_of_readings_is_read(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    raw = xlsx_file(
        ["1号楼", None, 101, "2025-11-30", 1270.5],  # numbers as Excel keeps them, a date typed as text
        ["1号楼", None, 101, datetime(2025, 10, 31), 1170],  # a date cell: a datetime to openpyxl
        ["1号楼", None, "201", datetime(2025, 11, 30, 9, 30), 12.25],  # a date and time: the day it was read
        [None, None, None, None, None],  # an empty row is skipped
        ["2号楼", "", 301, date(2025, 11, 30), 0.1],
    )
    r = await send(client, staff, estate.id, raw, XLSX, fee_item_id=str(water), file_name="11月抄表.xlsx")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["format"], report["encoding"], report["outcome"]) == ("xlsx", None, "imported")
    assert (report["rows"], report["created"]) == (4, 4)
    assert await stored(db) == [
        ("1号楼", "101", "2025-10-31", 117000),
        ("1号楼", "101", "2025-11-30", 127050),
        ("1号楼", "201", "2025-11-30", 1225),
        ("2号楼", "301", "2025-11-30", 10),
    ]
    assert await db.fetchval("SELECT encoding FROM reading_imports") is None
    [entry] = await audited(db)
    assert entry["target_id"] == report["id"]


async def test_an_xlsx_with_bad_cells_is_refused_whole_by_line_and_nothing_is_written(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    before = await counts(db)
    raw = xlsx_file(
        ["1号楼", None, 101, datetime(2025, 11, 30), 1270.5],
        ["1号楼", None, 201, datetime(2025, 11, 30), 88.125],  # three decimals: refused, never rounded
        ["1号楼", None, 301, 45991, 5],  # a serial number without a date format is not a date
        ["2号楼", None, 101, datetime(2025, 11, 30), -3],
        ["2号楼", None, 201, datetime(2025, 11, 30), "十二"],
    )
    r = await send(client, staff, estate.id, raw, XLSX, fee_item_id=str(water))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "reading_import_refused"
    assert [(p["row"], p["problem"]) for p in problem["problems"]] == [
        (3, "bad_reading"),
        (4, "bad_date"),
        (5, "bad_reading"),
        (6, "bad_reading"),
    ]
    assert "'88.125'" in problem["problems"][0]["detail"]
    assert await counts(db) == before and await stored(db) == []
    assert await db.fetchval("SELECT outcome FROM reading_imports") == "refused"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"PK\x03\x04 not really a workbook", "unreadable_xlsx"),
        (xlsx_file()[:-200], "unreadable_xlsx"),  # a workbook cut short
        (xlsx_file(header=["楼栋", "房号", "读数"]), "missing_column"),
        (xlsx_file(), "no_rows"),
    ],
)
async def test_an_xlsx_that_cannot_be_read_is_refused_and_nothing_is_written(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    estate: Estate,
    water: UUID,
    staff: str,
    raw: bytes,
    problem: str,
) -> None:
    before = await counts(db)
    r = await send(client, staff, estate.id, raw, XLSX, fee_item_id=str(water))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "reading_import_refused"
    assert r.json()["problems"][0]["problem"] == problem
    assert await counts(db) == before and await stored(db) == []
    assert await db.fetchval("SELECT outcome FROM reading_imports") == "refused"


async def test_the_file_is_read_off_the_event_loop(
    db: asyncpg.Connection, estate: Estate, water: UUID
) -> None:
    threads: set[int] = set()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "read":
            threads.add(threading.get_ident())

    async with db.transaction():
        report = await readings.import_readings(
            db, water, csv_file(), file_name="x.csv", today=date(2026, 1, 1), progress=progress
        )
    assert report.created == 4
    assert threads and threading.get_ident() not in threads  # the rows were read in a worker thread


async def test_a_dry_run_counts_and_writes_nothing_but_its_log(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    r = await send(client, staff, estate.id, csv_file(), fee_item_id=str(water), dry_run="true")
    assert r.status_code == 200, r.text
    assert (r.json()["outcome"], r.json()["dry_run"], r.json()["created"]) == ("dry_run", True, 4)
    assert await stored(db) == []
    assert await db.fetchval("SELECT outcome FROM reading_imports") == "dry_run"
    assert len(await audited(db)) == 1


async def test_a_file_with_a_bad_row_is_refused_whole_and_nothing_is_written(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    before = await counts(db)
    rows = [*GOOD, "1号楼,,999,2025-11-30,5", "1号楼,,101,2025-12-31,1000", "1号楼,,201,2025-11-29,-1"]
    r = await send(client, staff, estate.id, csv_file(rows), fee_item_id=str(water))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "reading_import_refused"
    # line 7: 1000 m³ on 12-31 after 1270.50 on 11-30 (line 3) is a meter running backwards
    assert [(p["row"], p["problem"]) for p in problem["problems"]] == [
        (6, "unknown_home"),
        (7, "meter_backwards"),
        (8, "bad_reading"),
    ]
    assert problem["problems_total"] == 3
    assert await counts(db) == before and await stored(db) == []
    # the refusal itself is kept: its log row and its audit entry
    log = await db.fetchrow("SELECT id, outcome, problem_count FROM reading_imports")
    assert (str(log["id"]), log["outcome"], log["problem_count"]) == (problem["import_id"], "refused", 3)
    [entry] = await audited(db)
    assert entry["target_id"] == problem["import_id"]


async def test_a_file_refused_whole_leaves_the_stored_readings_as_they_were(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    assert (await send(client, staff, estate.id, csv_file(), fee_item_id=str(water))).status_code == 200
    before = await stored(db)
    rows = ["2号楼,,301,2025-11-30,90", "2号楼,,301,2025-11-30,91"]  # a good change, then the same day twice
    r = await send(client, staff, estate.id, csv_file(rows), fee_item_id=str(water))
    assert r.status_code == 422 and r.json()["code"] == "reading_import_refused"
    assert [(p["row"], p["problem"]) for p in r.json()["problems"]] == [(3, "duplicate_reading")]
    assert await stored(db) == before


async def test_too_large_a_body_is_413_and_nothing_is_written(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    raw = csv_file() + b"#" * (20 * 1024 * 1024)
    r = await send(client, staff, estate.id, raw, fee_item_id=str(water))
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert await stored(db) == [] and await count(db, "reading_imports") == 0
    assert await audited(db) == []


@pytest.mark.parametrize(
    ("role", "scope", "status", "code"),
    [
        ("resident", None, 403, "forbidden"),
        ("housing_officer", ("district", "110101"), 403, "forbidden"),  # oversight only: reads, bills nothing
        ("property_staff", "another estate", 403, "estate_forbidden"),
        ("property_manager", "another estate", 403, "estate_forbidden"),
    ],
)
async def test_only_the_estates_staff_import_its_readings(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    estate: Estate,
    water: UUID,
    role: Any,
    scope: Any,
    status: int,
    code: str,
) -> None:
    if scope == "another estate":
        other = await make_estate(db, name="别的小区", buildings=1, homes_per_building=1)
        scope = ("estate", str(other.id))
    token = await token_for(db, settings, role, scope)
    before = await counts(db)
    r = await send(client, token, estate.id, csv_file(), fee_item_id=str(water))
    assert r.status_code == status and r.json()["code"] == code
    assert await counts(db) == before and await count(db, "reading_imports") == 0
    assert await audited(db) == []


async def test_the_fee_item_must_be_a_water_item_of_this_estate(
    client: AsyncTestClient[Any], db: asyncpg.Connection, estate: Estate, water: UUID, staff: str
) -> None:
    other = await make_estate(db, name="别的小区", buildings=1, homes_per_building=1)
    their_water = await fee_item(db, other, kind="water", name="居民水费", tiers=[{"price_fen": 500}])
    parking = await fee_item(
        db, estate, kind="parking", name="车位费", price_fen=15000, applies_to="assigned"
    )
    before = await counts(db)
    cases = [
        (their_water.id, 404, "fee_item_not_found"),  # another estate's item is not found from this one
        ("0193a000-0000-7000-8000-000000000000", 404, "fee_item_not_found"),
        (parking.id, 422, "invalid_fee_item"),
    ]
    for item_id, status, code in cases:
        r = await send(client, staff, estate.id, csv_file(), fee_item_id=str(item_id))
        assert (r.status_code, r.json()["code"]) == (status, code), item_id
    r = await send(client, staff, estate.id, csv_file())  # no fee_item_id
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    assert await counts(db) == before and await count(db, "reading_imports") == 0
    assert await audited(db) == []


async def test_an_unknown_estate_is_404(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, water: UUID
) -> None:
    admin = await token_for(db, settings, "admin")
    unknown = UUID("0193a000-0000-7000-8000-000000000000")
    r = await send(client, admin, unknown, csv_file(), fee_item_id=str(water))
    assert r.status_code == 404 and r.json()["code"] == "estate_not_found"
    assert await count(db, "reading_imports") == 0
