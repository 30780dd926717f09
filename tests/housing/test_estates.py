"""Estates (小区) and their public page, the area that counts, and who may change an estate.

The helpers at the top (an estate made through the API, tokens for each housing role, a register file) are
shared by tests/housing/test_register*.py and test_bindings*.py.
"""

from __future__ import annotations

import itertools
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing.areas import BadArea, counted_area, format_area, parse_area
from identity.models import Role, ScopeKind
from tests.identity.helpers import bearer, staff_token

DONGCHENG = "110101"
XICHENG = "110102"
_phones = itertools.count(13711000001)  # never one of the 139... phones the tests name

ESTATE: dict[str, Any] = {
    "name": "和平里小区",
    "address": "北京市东城区和平里东街 11 号",
    "district_code": DONGCHENG,
    "location": {"lat": 39.9586, "lon": 116.4188, "crs": "wgs84"},
    "boundary": {
        "type": "Polygon",
        "coordinates": [
            [
                [116.4170, 39.9575],
                [116.4205, 39.9575],
                [116.4205, 39.9598],
                [116.4170, 39.9598],
                [116.4170, 39.9575],
            ]
        ],
    },
    "property_company": "北京和平物业管理有限公司",
    "service_grade": 2,
    "service_content": "秩序维护 24 小时；公共区域每日清扫两次；电梯每月保养两次。",
    "contact_name": "物业服务中心",
    "contact_phone": "010-64211234",
    "office_hours": "每日 8:00-18:00",
    "fee_standards": [
        {"item": "物业费", "price_fen": 250, "basis": "per_m2_month", "note": "按产权面积"},
        {"item": "地上停车费", "price_fen": 15000, "basis": "per_space_month"},
        {
            "item": "采暖费",
            "price_fen": 3000,
            "basis": "per_m2_season",
            "note": "11 月 15 日至次年 3 月 15 日",
        },
    ],
}


def next_phone() -> str:
    return f"+86{next(_phones)}"


async def token_for(
    db: asyncpg.Connection, settings: Settings, role: Role, scope: tuple[ScopeKind, str] | None = None
) -> str:
    return await staff_token(db, settings, next_phone(), role, scope)


async def make_estate(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, **changes: Any
) -> dict[str, Any]:
    admin = await token_for(db, settings, "admin")
    r = await client.post("/v1/estates", json={**ESTATE, **changes}, headers=bearer(admin))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def count(db: asyncpg.Connection, table: str) -> int:
    value: int = await db.fetchval(f"SELECT count(*) FROM {table}")
    return value


# the area that counts (DOMAIN.md §8) -------------------------------------------------------------------------------


def test_the_register_area_counts_else_surveyed_else_contract() -> None:
    assert counted_area(8950, 9012, 9100) == (8950, "register")
    assert counted_area(None, 9012, 9100) == (9012, "surveyed")
    assert counted_area(None, None, 9100) == (9100, "contract")
    assert counted_area(None, None, None) is None


@pytest.mark.parametrize(
    ("text", "hundredths"),
    [
        ("89.5", 8950),
        ("89.50", 8950),
        ("89", 8900),
        ("1,203.25 ㎡", 120325),
        ("0.01", 1),
        ("  ", None),
        ("", None),
    ],
)
def test_areas_are_read_exactly_in_hundredths(text: str, hundredths: int | None) -> None:
    assert parse_area(text) == hundredths


@pytest.mark.parametrize("text", ["89.505", "0", "-12.5", "abc", "NaN", "Infinity", "10000.01", "1e9"])
def test_bad_areas_are_refused(text: str) -> None:
    with pytest.raises(BadArea):
        parse_area(text)


def test_areas_print_with_two_decimals() -> None:
    assert format_area(8950) == "89.50"
    assert format_area(1) == "0.01"


async def test_the_database_counts_the_same_area(db: asyncpg.Connection) -> None:
    """homes.area_counted (the generated column billing sums) follows housing.areas.counted_area."""
    generated = await db.fetchval(
        """SELECT generation_expression FROM information_schema.columns
           WHERE table_name = 'homes' AND column_name = 'area_counted'"""
    )
    assert generated == "COALESCE(register_area, surveyed_area, contract_area)"


# the public page ----------------------------------------------------------------------------------------------------


async def test_anyone_reads_an_estates_public_page(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    created = await make_estate(client, db, settings)
    r = await client.get(f"/v1/estates/{created['id']}")  # no token
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["name"] == "和平里小区"
    assert page["service_grade"] == 2 and page["service_grade_name"] == "二级"
    assert page["contact_phone"] == "+861064211234"
    assert [f["item"] for f in page["fee_standards"]] == ["物业费", "地上停车费", "采暖费"]
    assert page["fee_standards"][0] == {
        "item": "物业费",
        "price_fen": 250,
        "basis": "per_m2_month",
        "note": "按产权面积",
    }
    assert page["boundary"]["type"] == "MultiPolygon"
    assert page["location"] == {"lat": 39.9586, "lon": 116.4188} and page["crs"] == "wgs84"
    assert page["buildings"] == [] and page["homes"] == 0
    r = await client.get(f"/v1/estates/{created['id']}", params={"crs": "gcj02"})
    assert r.status_code == 200
    assert r.json()["crs"] == "gcj02" and r.json()["location"]["lat"] != 39.9586
    r = await client.get("/v1/estates", params={"district_code": DONGCHENG})
    assert [e["name"] for e in r.json()["items"]] == ["和平里小区"]


async def test_a_location_given_in_gcj02_is_stored_in_wgs84(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    created = await make_estate(
        client, db, settings, location={"lat": 40.0013047896019, "lon": 120.00567568355486, "crs": "gcj02"}
    )
    row = await db.fetchrow(
        "SELECT ST_Y(location) AS lat, ST_X(location) AS lon, location_original FROM estates WHERE id = $1",
        created["id"],
    )
    assert row["lat"] == pytest.approx(40.0, abs=1e-6) and row["lon"] == pytest.approx(120.0, abs=1e-6)
    assert row["location_original"]["crs"] == "gcj02"


async def test_an_unknown_estate_is_404(client: AsyncTestClient[Any]) -> None:
    r = await client.get("/v1/estates/0193a000-0000-7000-8000-000000000000")
    assert r.status_code == 404 and r.json()["code"] == "estate_not_found"


async def test_estates_page_with_a_cursor(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    for name in ("甲小区", "乙小区", "丙小区"):
        await make_estate(client, db, settings, name=name)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/estates", params=params)).json()
        seen += [e["name"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(["甲小区", "乙小区", "丙小区"]) and len(seen) == 3
    r = await client.get("/v1/estates", params={"cursor": "not-a-cursor"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_cursor"


# bad input: nothing written -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"district_code": "1101"}, "validation_failed"),
        ({"service_grade": 4}, "validation_failed"),
        ({"name": "   "}, "invalid_estate"),
        ({"location": {"lat": 95.0, "lon": 116.4, "crs": "wgs84"}}, "invalid_estate"),
        ({"contact_phone": "12345"}, "invalid_estate"),
        (
            {  # a bow tie: the ring crosses itself
                "boundary": {
                    "type": "Polygon",
                    "coordinates": [
                        [[116.41, 39.95], [116.42, 39.96], [116.42, 39.95], [116.41, 39.96], [116.41, 39.95]]
                    ],
                }
            },
            "invalid_estate",
        ),
        (
            {  # not closed
                "boundary": {
                    "type": "Polygon",
                    "coordinates": [[[116.41, 39.95], [116.42, 39.95], [116.42, 39.96], [116.41, 39.96]]],
                }
            },
            "invalid_estate",
        ),
        ({"boundary": {"type": "Point", "coordinates": [116.41, 39.95]}}, "validation_failed"),
        (
            {"fee_standards": [{"item": "物业费", "price_fen": -1, "basis": "per_m2_month"}]},
            "validation_failed",
        ),
        (
            {"fee_standards": [{"item": "物业费", "price_fen": 2.5, "basis": "per_m2_month"}]},
            "validation_failed",
        ),
        ({"fee_standards": [{"item": "物业费", "price_fen": 250, "basis": "per_mu"}]}, "validation_failed"),
        ({"unknown": 1}, "validation_failed"),
    ],
)
async def test_a_bad_estate_is_refused_and_nothing_is_written(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    changes: dict[str, Any],
    code: str,
) -> None:
    admin = await token_for(db, settings, "admin")
    r = await client.post("/v1/estates", json={**ESTATE, **changes}, headers=bearer(admin))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code
    assert await count(db, "estates") == 0 and await count(db, "estate_fee_standards") == 0


@pytest.mark.parametrize("role", ["property_staff", "housing_officer", "resident", "citizen"])
async def test_only_admins_register_estates(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, role: Role
) -> None:
    token = await token_for(db, settings, role)
    r = await client.post("/v1/estates", json=ESTATE, headers=bearer(token))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert await count(db, "estates") == 0


async def test_the_estates_staff_change_its_page_and_fee_standards(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    estate = await make_estate(client, db, settings)
    staff = await token_for(db, settings, "property_staff", ("estate", estate["id"]))
    change = {
        "service_grade": 1,
        "contact_phone": None,
        "fee_standards": [{"item": "物业费", "price_fen": 320, "basis": "per_m2_month"}],
    }
    r = await client.patch(f"/v1/estates/{estate['id']}", json=change, headers=bearer(staff))
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["service_grade_name"] == "一级" and page["contact_phone"] is None
    assert page["fee_standards"] == [
        {"item": "物业费", "price_fen": 320, "basis": "per_m2_month", "note": ""}
    ]
    assert page["name"] == ESTATE["name"]  # left out: unchanged
    audit = await db.fetchrow("SELECT details FROM audit_log WHERE action = 'estate.update'")
    assert audit["details"]["changes"]["service_grade"] == [2, 1]


@pytest.mark.parametrize(
    ("role", "scope", "status", "code"),
    [
        ("property_staff", "other-estate", 403, "estate_forbidden"),
        ("property_manager", "other-estate", 403, "estate_forbidden"),
        ("housing_officer", None, 403, "forbidden"),  # oversight reads; it changes nothing
        ("resident", None, 403, "forbidden"),
    ],
)
async def test_others_cannot_change_an_estate(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    role: Role,
    scope: str | None,
    status: int,
    code: str,
) -> None:
    estate = await make_estate(client, db, settings)
    other = await make_estate(client, db, settings, name="别的小区")
    grant: tuple[ScopeKind, str] | None = ("estate", other["id"]) if scope else None
    if role == "housing_officer":
        grant = ("district", DONGCHENG)
    token = await token_for(db, settings, role, grant)
    before = await db.fetchrow("SELECT * FROM estates WHERE id = $1", estate["id"])
    r = await client.patch(f"/v1/estates/{estate['id']}", json={"service_grade": 1}, headers=bearer(token))
    assert r.status_code == status and r.json()["code"] == code
    assert await db.fetchrow("SELECT * FROM estates WHERE id = $1", estate["id"]) == before


async def test_a_bad_change_writes_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    estate = await make_estate(client, db, settings)
    staff = await token_for(db, settings, "property_staff", ("estate", estate["id"]))
    before = await db.fetchrow("SELECT * FROM estates WHERE id = $1", estate["id"])
    standards = await db.fetch("SELECT * FROM estate_fee_standards WHERE estate_id = $1", estate["id"])
    r = await client.patch(
        f"/v1/estates/{estate['id']}",
        json={"fee_standards": [], "contact_phone": "not a phone"},
        headers=bearer(staff),
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_estate"
    assert await db.fetchrow("SELECT * FROM estates WHERE id = $1", estate["id"]) == before
    assert (
        await db.fetch("SELECT * FROM estate_fee_standards WHERE estate_id = $1", estate["id"]) == standards
    )
