"""Where reports are routed: the outline of the unit grids (GET /v1/service-area/coverage), and the demo city,
whose grids cover its whole service area, its centre included."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.demo import seed_demo
from api.settings import Settings
from cases.common import wgs84_to_gcj02
from cases.grids.demo import encoded
from cases.grids.geojson import parse_feature_collection
from cases.grids.imports import import_grids
from tests.cases.grid_fixtures import cells, collection, encode
from tests.cases.helpers import report_body, submit
from tests.identity.helpers import bearer, sign_in

COVERAGE = "/v1/service-area/coverage"
DEMO_INSPECTOR = "+8613800138002"
README_POINT = {"lat": 39.9105, "lon": 116.3905, "crs": "wgs84"}  # the walkthrough's report in README.md


async def grids_of(db: asyncpg.Connection, features: list[dict[str, Any]]) -> None:
    async with db.transaction():
        await import_grids(db, "unit", encode(collection(features)))


async def seeded(db: asyncpg.Connection, settings: Settings) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))


def positions(geometry: dict[str, Any]) -> list[list[float]]:
    return [p for polygon in geometry["coordinates"] for ring in polygon for p in ring]


# no grids ------------------------------------------------------------------------------------------------------


async def test_no_grids_is_404_in_both_languages(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    r = await client.get(COVERAGE, headers={"Accept-Language": "zh-CN"})
    assert (r.status_code, r.json()["code"]) == (404, "no_grids")
    assert r.json()["title"] == "尚未导入单元网格"
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await client.get(COVERAGE, headers={"Accept-Language": "en"})
    assert (r.status_code, r.json()["code"], r.json()["title"]) == (
        404,
        "no_grids",
        "No unit grids are imported",
    )
    # an ETag a client kept from before is no reason for a 304 now
    r = await client.get(COVERAGE, headers={"If-None-Match": '"anything"'})
    assert r.status_code == 404
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 0


# the outline -----------------------------------------------------------------------------------------------------


async def test_the_outline_of_the_grids(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    # two blocks of 3 x 2 cells, apart: two parts; one with a cell missing in the middle of a 3 x 3 block: a hole
    await grids_of(
        db,
        cells(3, 2) + cells(3, 3, at=(10, 0), community=2, skip=frozenset({(1, 1)})),
    )
    r = await client.get(COVERAGE)  # public: no token
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["type"] == "Feature"
    assert body["geometry"]["type"] == "MultiPolygon"
    assert len(body["geometry"]["coordinates"]) == 2
    # the 3 x 2 block is one rectangle: its shared edges and the corners along its sides are gone
    rings = sorted(body["geometry"]["coordinates"], key=lambda polygon: polygon[0][0][0])
    assert len(rings[0]) == 1 and len(rings[0][0]) == 5
    assert len(rings[1]) == 2  # the hole of the missing cell is kept
    assert body["properties"]["crs"] == "wgs84"
    assert body["properties"]["unit_grids"] == 6 + 8
    grid_area = await db.fetchval("SELECT sum(area_m2) FROM unit_grids")
    assert body["properties"]["area_m2"] == pytest.approx(grid_area, rel=1e-3)

    min_lon, min_lat, max_lon, max_lat = body["bbox"]
    lons, lats = [p[0] for p in positions(body["geometry"])], [p[1] for p in positions(body["geometry"])]
    assert (min(lons), min(lats), max(lons), max(lats)) == pytest.approx((min_lon, min_lat, max_lon, max_lat))
    extent = await db.fetchrow(
        "SELECT ST_XMin(e) AS a, ST_YMin(e) AS b, ST_XMax(e) AS c, ST_YMax(e) AS d "
        "FROM (SELECT ST_Extent(geom)::geometry AS e FROM unit_grids) x"
    )
    assert extent is not None
    assert body["bbox"] == pytest.approx(tuple(extent), abs=1e-6)
    # the outline covers every grid
    assert await db.fetchval(
        "SELECT bool_and(ST_Covers(ST_Buffer(ST_GeomFromGeoJSON($1), 0.000001), geom)) FROM unit_grids",
        json.dumps(body["geometry"]),
    )


async def test_the_outline_in_another_coordinate_system(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    await grids_of(db, cells(2, 2))
    wgs = await client.get(COVERAGE)
    gcj = await client.get(COVERAGE, params={"crs": "gcj02"})
    bd = await client.get(COVERAGE, params={"crs": "bd09"})
    assert (wgs.status_code, gcj.status_code, bd.status_code) == (200, 200, 200)
    assert gcj.json()["properties"]["crs"] == "gcj02" and bd.json()["properties"]["crs"] == "bd09"
    for (lon, lat), (g_lon, g_lat) in zip(
        positions(wgs.json()["geometry"]), positions(gcj.json()["geometry"]), strict=True
    ):
        expected_lat, expected_lon = wgs84_to_gcj02(lat, lon)
        assert (g_lat, g_lon) == pytest.approx((expected_lat, expected_lon), abs=2e-6)
    min_lon, min_lat, _, _ = wgs.json()["bbox"]
    g_min_lon, g_min_lat, _, _ = gcj.json()["bbox"]
    assert g_min_lon - min_lon > 0.001 and g_min_lat - min_lat > 0.0005  # hundreds of metres in Beijing
    # three representations, three ETags
    assert len({wgs.headers["etag"], gcj.headers["etag"], bd.headers["etag"]}) == 3


@pytest.mark.parametrize("crs", ["WGS84", "epsg:4326", "", "gcj-02"])
async def test_an_unknown_coordinate_system_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, crs: str
) -> None:
    await grids_of(db, cells(1, 1))
    r = await client.get(COVERAGE, params={"crs": crs})
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), r.text


async def test_etag_and_if_none_match(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    await grids_of(db, cells(2, 2))
    first = await client.get(COVERAGE)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"] == "no-cache"

    r = await client.get(COVERAGE, headers={"If-None-Match": etag})
    assert (r.status_code, r.content, r.headers["etag"]) == (304, b"", etag)
    r = await client.get(COVERAGE, headers={"If-None-Match": f'"older", {etag}'})
    assert r.status_code == 304
    r = await client.get(COVERAGE, headers={"If-None-Match": '"older"'})
    assert (r.status_code, r.json()) == (200, first.json())
    r = await client.get(COVERAGE, params={"crs": "gcj02"}, headers={"If-None-Match": etag})
    assert r.status_code == 200  # another representation

    # a new grid: a new outline, a new ETag, and the old one no longer matches
    await grids_of(db, cells(3, 2))
    r = await client.get(COVERAGE, headers={"If-None-Match": etag})
    assert r.status_code == 200
    assert r.headers["etag"] != etag
    assert r.json()["properties"]["unit_grids"] == 6
    again = await client.get(COVERAGE, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


# the demo city ---------------------------------------------------------------------------------------------------


def test_the_demo_grids_are_valid_and_a_reasonable_number() -> None:
    units = parse_feature_collection(encoded("unit"), "unit")
    blocks = parse_feature_collection(encoded("responsibility"), "responsibility")
    assert (units.problems, blocks.problems) == ([], [])
    assert 500 <= units.total <= 3000
    assert 0 < blocks.total <= units.total // 4


async def test_the_demo_grids_cover_the_demo_service_area(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    await seeded(db, settings)
    area = (await client.get("/v1/service-area")).json()
    outline = (await client.get(COVERAGE)).json()
    assert outline["properties"]["unit_grids"] == await db.fetchval("SELECT count(*) FROM unit_grids")
    covered = await db.fetchval(
        "SELECT ST_Covers(ST_GeomFromGeoJSON($1), ST_GeomFromGeoJSON($2))",
        json.dumps(outline["geometry"]),
        json.dumps(area["geometry"]),
    )
    assert covered, "a part of the demo service area lies outside every demo grid"
    # simplified: a few hundred positions at most, not the thousands of the grids' corners
    assert len(positions(outline["geometry"])) < 500
    # every unit grid has its responsibility grid, and the demo inspector is on duty on all of them
    assert await db.fetchval("SELECT count(*) FROM unit_grids WHERE responsibility_grid_id IS NULL") == 0
    assert (
        await db.fetchval(
            """SELECT count(*) FROM responsibility_grids r WHERE NOT EXISTS (
               SELECT 1 FROM inspector_duties d JOIN users u ON u.id = d.user_id
               WHERE d.responsibility_grid_id = r.id AND u.phone = $1)""",
            DEMO_INSPECTOR,
        )
        == 0
    )


@pytest.mark.parametrize("where", ["centre", "readme"])
async def test_a_report_in_the_demo_city_is_routed_to_a_grid_and_its_inspector(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, where: str
) -> None:
    await seeded(db, settings)
    if where == "centre":
        centre = (await client.get("/v1/service-area")).json()["center"]
        location = {"lat": centre["lat"], "lon": centre["lon"], "crs": "wgs84"}
    else:
        location = README_POINT
    citizen = (await sign_in(client, db, "13912345678"))["access_token"]
    r = await submit(client, citizen, report_body(location=location))
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["status"] == "verifying"  # sent to the grid's inspector on duty, not left for intake

    routed = await db.fetchval(
        "SELECT data FROM case_events WHERE case_id = $1 AND kind = 'routed'", uuid.UUID(report["case_id"])
    )
    inspector = await db.fetchval("SELECT id FROM users WHERE phone = $1", DEMO_INSPECTOR)
    assert routed["unit_grid_code"].startswith("110101")
    assert routed["responsibility_grid_code"].startswith("110101")
    assert (routed["queue"], routed["inspector_id"]) == ("inspector", str(inspector))
    # the demo inspector finds it among their tasks (the demo's own cases have tasks of theirs too)
    token = (await sign_in(client, db, DEMO_INSPECTOR))["access_token"]
    point = {"lat": location["lat"], "lon": location["lon"]}
    tasks = (await client.get("/v1/inspector/tasks", params=point, headers=bearer(token))).json()
    assert ("verify", report["case_id"]) in [(t["kind"], t["case"]["id"]) for t in tasks]
