"""Routing decisions, inspectors on duty and category → department links (service and admin API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.settings import Settings
from cases.catalogue.errors import UnknownCategory
from cases.common import InvalidCoordinates
from cases.grids.errors import InvalidDuty, NotAnInspector, UnknownGrid
from cases.grids.imports import import_grids
from cases.grids.routing import (
    CategoryDepartmentLink,
    DutyAssign,
    assign_duty,
    link_category_department,
    list_duties,
    route,
)
from identity import service as identity
from identity.models import RequestContext, Role, RoleGrant, ScopeKind
from tests.cases.grid_fixtures import (
    DISTRICT,
    cells,
    collection,
    encode,
    lat_of,
    lon_of,
    point,
    responsibility,
    unit_code,
)
from tests.identity.helpers import bearer, staff_token

T0 = datetime(2026, 11, 1, tzinfo=UTC)
R1, R2 = f"{DISTRICT}001", f"{DISTRICT}002"


async def user(
    db: asyncpg.Connection,
    settings: Settings,
    phone: str,
    role: Role = "inspector",
    scope: tuple[ScopeKind, str] | None = ("district", DISTRICT),
) -> UUID:
    grant = RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1]) if scope else RoleGrant(role=role)
    async with db.transaction():
        created = await identity.create_user(
            db, auth_config(settings), phone, [grant], RequestContext(actor_label="tests")
        )
    return created.id


async def duty(
    db: asyncpg.Connection, who: UUID, grid: str, starts: datetime, ends: datetime | None = None
) -> Any:
    async with db.transaction():
        return await assign_duty(db, DutyAssign(inspector_id=who, grid=grid, starts_at=starts, ends_at=ends))


@pytest.fixture
async def grids(db: asyncpg.Connection) -> None:
    """Unit grids 1-8 in a 4 x 2 block; responsibility grid 001 holds columns 0-1, 002 columns 2-3."""
    async with db.transaction():
        await import_grids(db, "unit", encode(collection(cells(4, 2))))
        await import_grids(
            db,
            "responsibility",
            encode(collection([responsibility(1, 0, 0, 2, 2), responsibility(2, 2, 0, 2, 2)])),
        )


pytestmark = [pytest.mark.usefixtures("demo_city"), pytest.mark.usefixtures("grids")]


# where a point goes ---------------------------------------------------------------------------------------------


async def test_a_point_inside_a_grid(db: asyncpg.Connection, settings: Settings) -> None:
    inspector = await user(db, settings, "+8613700000101")
    await duty(db, inspector, R1, T0)

    decision = await route(db, *point(0.5, 0.5), "E0102", T0 + timedelta(days=1))

    assert decision.queue == "inspector"
    assert (decision.unit_grid_code, decision.responsibility_grid_code, decision.district_code) == (
        unit_code(1),
        R1,
        DISTRICT,
    )
    assert decision.unit_grid_id == await db.fetchval(
        "SELECT id FROM unit_grids WHERE code = $1", unit_code(1)
    )
    assert decision.inspector_id == inspector
    assert decision.department_code == "sanitation"  # E0102's default
    assert decision.reason["unit_grid"] == {"code": unit_code(1), "rule": "covers_point"}
    assert decision.reason["responsibility_grid"] == {"code": R1, "rule": "contained"}
    assert decision.reason["inspector"]["user_id"] == str(inspector)
    assert decision.reason["inspector"]["rule"] == "on_duty"
    assert decision.reason["department"] == {"code": "sanitation", "rule": "category_default"}
    # a case event can carry it as it is
    assert msgspec.json.decode(msgspec.json.encode(decision))["reason"] == decision.reason


async def test_the_reason_names_the_point_and_the_times_in_utc(
    db: asyncpg.Connection, settings: Settings
) -> None:
    """The reason is written by SQL (route_case); its times are ISO 8601 in UTC, whatever the session's zone."""
    await db.execute("SET TIME ZONE 'Asia/Shanghai'")
    inspector = await user(db, settings, "+8613700000101")
    await duty(db, inspector, R1, T0, T0 + timedelta(hours=8, microseconds=500))
    at = T0 + timedelta(hours=1, microseconds=123_000)
    lat, lon = point(0.5, 0.5)

    reason = (await route(db, lat, lon, "E0102", at)).reason

    assert reason["point"] == {"lat": lat, "lon": lon, "crs": "wgs84"}
    assert reason["at"] == "2026-11-01T01:00:00.123+00:00"
    assert (reason["inspector"]["starts_at"], reason["inspector"]["ends_at"]) == (
        "2026-11-01T00:00:00+00:00",
        "2026-11-01T08:00:00.0005+00:00",
    )
    assert datetime.fromisoformat(reason["at"]) == at
    assert set(reason) == {
        "point",
        "at",
        "unit_grid",
        "responsibility_grid",
        "inspector",
        "queue",
        "department",
    }


async def test_routing_stores_nothing(db: asyncpg.Connection) -> None:
    tables = "SELECT (SELECT count(*) FROM case_events), (SELECT count(*) FROM cases), (SELECT count(*) FROM audit_log)"
    before = await db.fetchrow(tables)
    await route(db, *point(0.5, 0.5), "E0102", T0)
    assert await db.fetchrow(tables) == before


async def test_a_point_on_a_shared_border_goes_to_the_smallest_code(db: asyncpg.Connection) -> None:
    # the edge between unit grids 2 (column 1) and 3 (column 2), which is also the border of 001 and 002
    lat, _ = point(0, 0.5)
    decision = await route(db, lat, lon_of(2), "E0102", T0)
    assert (decision.unit_grid_code, decision.responsibility_grid_code) == (unit_code(2), R1)
    assert decision.reason["unit_grid"] == {
        "code": unit_code(2),
        "rule": "on_shared_border",
        "candidates": [unit_code(2), unit_code(3)],
        "tie_break": "smallest_code",
    }
    # the corner of four grids
    corner = await route(db, lat_of(1), lon_of(1), "E0102", T0)
    assert corner.unit_grid_code == unit_code(1)
    assert corner.reason["unit_grid"]["candidates"] == [unit_code(n) for n in (1, 2, 5, 6)]


async def test_a_point_outside_every_grid_goes_to_intake(db: asyncpg.Connection, settings: Settings) -> None:
    await duty(db, await user(db, settings, "+8613700000101"), R1, T0)
    decision = await route(db, *point(10.5, 0.5), "E0102", T0 + timedelta(hours=1))
    assert decision.queue == "intake"
    assert (decision.unit_grid_id, decision.responsibility_grid_id, decision.district_code) == (
        None,
        None,
        None,
    )
    assert decision.inspector_id is None
    assert decision.department_code == "sanitation"
    assert decision.reason["unit_grid"] == {"rule": "outside_all_grids"}
    assert decision.reason["inspector"] == {"rule": "outside_all_grids"}
    assert decision.reason["queue"] == "intake"


async def test_a_unit_grid_without_a_responsibility_grid_goes_to_intake(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await import_grids(db, "unit", encode(collection(cells(1, 1, at=(8, 0), community=2))))
    decision = await route(db, *point(8.5, 0.5), "E0102", T0)
    assert (decision.unit_grid_code, decision.responsibility_grid_id) == (unit_code(1, community=2), None)
    assert decision.queue == "intake"
    assert decision.reason["responsibility_grid"] == {"rule": "unit_grid_unassigned"}
    assert decision.reason["inspector"] == {"rule": "unit_grid_unassigned"}


# who is on duty -------------------------------------------------------------------------------------------------


async def test_the_inspector_on_duty_at_the_time(db: asyncpg.Connection, settings: Settings) -> None:
    inspector = await user(db, settings, "+8613700000101")
    await duty(db, inspector, R1, T0, T0 + timedelta(hours=8))
    here = point(0.5, 0.5)

    before = await route(db, *here, "E0102", T0 - timedelta(seconds=1))
    during = await route(db, *here, "E0102", T0)
    last = await route(db, *here, "E0102", T0 + timedelta(hours=8) - timedelta(microseconds=1))
    after = await route(db, *here, "E0102", T0 + timedelta(hours=8))  # the end is not part of the duty

    assert [d.inspector_id for d in (before, during, last, after)] == [None, inspector, inspector, None]
    assert [d.queue for d in (before, during, last, after)] == ["intake", "inspector", "inspector", "intake"]
    assert before.reason["inspector"] == {"rule": "nobody_on_duty"}
    assert before.unit_grid_code == unit_code(1)  # the grid is known either way
    # the other responsibility grid has nobody
    assert (await route(db, *point(2.5, 0.5), "E0102", T0)).inspector_id is None


async def test_several_on_duty_the_earliest_start_then_the_smallest_user_id(
    db: asyncpg.Connection, settings: Settings
) -> None:
    a = await user(db, settings, "+8613700000101")
    b = await user(db, settings, "+8613700000102")
    c = await user(db, settings, "+8613700000103")
    await duty(db, a, R1, T0 + timedelta(hours=1))
    await duty(db, b, R1, T0)
    await duty(db, c, R1, T0)
    decision = await route(db, *point(0.5, 0.5), "E0102", T0 + timedelta(hours=2))
    assert decision.inspector_id == min(b, c)
    assert decision.reason["inspector"]["on_duty"] == 3
    assert decision.reason["inspector"]["tie_break"] == "earliest_start_then_user_id"


async def test_a_disabled_inspector_or_one_without_the_role_is_skipped(
    db: asyncpg.Connection, settings: Settings
) -> None:
    a = await user(db, settings, "+8613700000101")
    b = await user(db, settings, "+8613700000102")
    await duty(db, a, R1, T0)
    await duty(db, b, R1, T0 + timedelta(hours=1))
    at = T0 + timedelta(hours=2)
    assert (await route(db, *point(0.5, 0.5), "E0102", at)).inspector_id == a
    await db.execute("UPDATE users SET disabled_at = now() WHERE id = $1", a)
    assert (await route(db, *point(0.5, 0.5), "E0102", at)).inspector_id == b
    await db.execute("DELETE FROM user_roles WHERE user_id = $1", b)
    assert (await route(db, *point(0.5, 0.5), "E0102", at)).inspector_id is None


# which department -----------------------------------------------------------------------------------------------


async def test_the_department_per_district_then_any_district_then_the_default(db: asyncpg.Connection) -> None:
    here = point(0.5, 0.5)

    async def link(district: str | None, department: str) -> None:
        async with db.transaction():
            await link_category_department(
                db, CategoryDepartmentLink(category="E0102", district_code=district, department=department)
            )

    assert (await route(db, *here, "E0102", T0)).reason["department"]["rule"] == "category_default"
    await link("110102", "housing")  # another district: not this one
    assert (await route(db, *here, "E0102", T0)).department_code == "sanitation"
    await link(None, "municipal")
    any_district = await route(db, *here, "E0102", T0)
    assert any_district.department_code == "municipal"
    assert any_district.reason["department"] == {
        "code": "municipal",
        "rule": "category_any_district",
        "district_code": None,
    }
    await link(DISTRICT, "urban_management")
    in_district = await route(db, *here, "E0102", T0)
    assert in_district.department_code == "urban_management"
    assert in_district.reason["department"]["rule"] == "category_in_district"
    # outside every grid the district is unknown: the any-district link applies
    assert (await route(db, *point(20, 20), "E0102", T0)).department_code == "municipal"
    # changing a link replaces it
    await link(DISTRICT, "water")
    assert (await route(db, *here, "E0102", T0)).department_code == "water"
    assert await db.fetchval("SELECT count(*) FROM category_departments") == 3


async def test_bad_arguments(db: asyncpg.Connection) -> None:
    with pytest.raises(UnknownCategory):
        await route(db, *point(0.5, 0.5), "E9999", T0)
    with pytest.raises(InvalidCoordinates):
        await route(db, 91.0, 116.4, "E0102", T0)
    with pytest.raises(ValueError, match="time zone"):
        await route(db, *point(0.5, 0.5), "E0102", datetime(2026, 11, 1))


# duties ---------------------------------------------------------------------------------------------------------


async def test_duty_rules(db: asyncpg.Connection, settings: Settings) -> None:
    inspector = await user(db, settings, "+8613700000101")
    citizen = await user(db, settings, "+8613700000102", "citizen", None)
    elsewhere = await user(db, settings, "+8613700000103", scope=("district", "110102"))
    anywhere = await user(db, settings, "+8613700000104", scope=None)

    with pytest.raises(NotAnInspector):
        await duty(db, citizen, R1, T0)
    with pytest.raises(NotAnInspector, match="110102"):
        await duty(db, elsewhere, R1, T0)
    with pytest.raises(NotAnInspector):
        await duty(db, UUID("0190f0e0-0000-7000-8000-000000000000"), R1, T0)
    with pytest.raises(UnknownGrid):
        await duty(db, inspector, f"{DISTRICT}099", T0)
    with pytest.raises(InvalidDuty):
        await duty(db, inspector, R1, T0, T0)
    assert (await duty(db, anywhere, R1, T0)).inspector_id == anywhere

    first = await duty(db, inspector, R1, T0)
    again = await duty(db, inspector, R1, T0, T0 + timedelta(days=30))  # the same start: its end moves
    assert again.id == first.id and again.ends_at == T0 + timedelta(days=30)
    with pytest.raises(InvalidDuty, match="already on duty"):
        await duty(db, inspector, R1, T0 + timedelta(days=1))
    later = await duty(db, inspector, R1, T0 + timedelta(days=30))  # right after: no overlap
    assert later.id != first.id
    assert await db.fetchval("SELECT count(*) FROM inspector_duties") == 3
    on_day_2 = await list_duties(db, R1, T0 + timedelta(days=2))
    assert [(d.inspector_id, d.starts_at) for d in on_day_2] == sorted([(anywhere, T0), (inspector, T0)])


# the admin API --------------------------------------------------------------------------------------------------


async def test_duties_through_the_api(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = bearer(await staff_token(db, settings, "+8613700000010", "admin"))
    inspector = await user(db, settings, "+8613700000101")
    citizen = await user(db, settings, "+8613700000102", "citizen", None)
    body = {"inspector_id": str(inspector), "grid": R1, "starts_at": "2026-11-01T08:00:00+08:00"}

    r = await client.put("/v1/admin/duties", json=body, headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["grid"], r.json()["ends_at"]) == (R1, None)
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'duty.put'") == 1

    listed = (await client.get(f"/v1/admin/duties?grid={R1}", headers=admin)).json()
    assert [d["inspector_id"] for d in listed] == [str(inspector)]
    at = "2026-10-31T00:00:00Z"
    assert (await client.get(f"/v1/admin/duties?grid={R1}&at={at}", headers=admin)).json() == []

    for bad, code in [
        ({**body, "inspector_id": str(citizen)}, "not_an_inspector"),
        ({**body, "grid": f"{DISTRICT}099"}, "unknown_grid"),
        ({**body, "ends_at": "2026-11-01T07:00:00+08:00"}, "invalid_duty"),
        ({**body, "starts_at": "2026-11-01T08:00:00"}, "validation_failed"),  # no time zone
        ({**body, "grid": "R1"}, "validation_failed"),
    ]:
        before = await db.fetch("SELECT * FROM inspector_duties ORDER BY id")
        r = await client.put("/v1/admin/duties", json=bad, headers=admin)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["code"] == code
        assert await db.fetch("SELECT * FROM inspector_duties ORDER BY id") == before
    r = await client.get("/v1/admin/duties?grid=110101099", headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "unknown_grid")


async def test_category_departments_through_the_api(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = bearer(await staff_token(db, settings, "+8613700000010", "admin"))
    r = await client.put(
        "/v1/admin/category-departments",
        json={"category": "E0102", "district_code": DISTRICT, "department": "urban_management"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["department"] == "urban_management"
    r = await client.put(
        "/v1/admin/category-departments", json={"category": "E0102", "department": "municipal"}, headers=admin
    )
    assert (r.status_code, r.json()["district_code"]) == (200, None)
    links = (await client.get("/v1/admin/category-departments?category=E0102", headers=admin)).json()
    assert [(x["district_code"], x["department"]) for x in links] == [
        (None, "municipal"),
        (DISTRICT, "urban_management"),
    ]
    assert (await route(db, *point(0.5, 0.5), "E0102", T0)).department_code == "urban_management"

    for bad, code in [
        ({"category": "E0102", "department": "nobody"}, "unknown_department"),
        ({"category": "E0999", "department": "water"}, "unknown_category"),
        ({"category": "E0102", "department": "water", "district_code": "1101"}, "validation_failed"),
    ]:
        r = await client.put("/v1/admin/category-departments", json=bad, headers=admin)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["code"] == code
    assert await db.fetchval("SELECT count(*) FROM category_departments") == 2
