"""The public map as Mapbox vector tiles: GET /v1/map/tiles/{z}/{x}/{y}.mvt, read back with a small decoder."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.cases.helpers import INSIDE, offset, report_body, submit
from tests.cases.mvt import decode, tile_of, to_lon_lat
from tests.identity.helpers import staff_token

pytestmark = pytest.mark.usefixtures("demo_city")
MVT = "application/vnd.mapbox-vector-tile"
Z = 12


@pytest.fixture
async def world(client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings) -> dict[str, Any]:
    """Twelve public cases 100 m apart going east, one more of another category, and one hidden case."""
    inspector = await staff_token(db, settings, "+8613700000022", "inspector", ("district", "110101"))
    places = [offset(INSIDE, north_m=-300, east_m=east) for east in range(0, 1200, 100)]
    cases = []
    for place in places:
        r = await submit(client, inspector, report_body(category="E0501", location=place))
        assert r.status_code == 201, r.text
        cases.append(r.json()["case_id"])
    other = await submit(
        client, inspector, report_body(category="E0102", location=offset(INSIDE, north_m=-600))
    )
    hidden = await submit(
        client, inspector, report_body(category="E0501", location=offset(INSIDE, north_m=-900))
    )
    await db.execute("UPDATE cases SET hidden_at = now() WHERE id = $1", uuid.UUID(hidden.json()["case_id"]))
    x, y = tile_of(Z, INSIDE["lon"], INSIDE["lat"])
    spots = [*places, offset(INSIDE, north_m=-600), offset(INSIDE, north_m=-900)]
    assert {tile_of(Z, p["lon"], p["lat"]) for p in spots} == {(x, y)}  # all in one tile
    return {
        "url": f"/v1/map/tiles/{Z}/{x}/{y}.mvt",
        "x": x,
        "y": y,
        "cases": cases,
        "places": places,
        "other": other.json()["case_id"],
        "hidden": hidden.json()["case_id"],
    }


async def test_a_tile_holds_the_public_cases_with_what_the_map_shows(
    client: AsyncTestClient[Any], world: dict[str, Any]
) -> None:
    r = await client.get(world["url"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MVT
    assert r.headers["cache-control"] == "public, max-age=30"
    assert r.headers["etag"].startswith('"')
    layers = decode(r.content)
    assert set(layers) == {"cases"}
    layer = layers["cases"]
    assert layer.extent == 4096 and layer.version == 2
    by_id = {f.properties["case_id"]: f for f in layer.features}
    assert set(by_id) == {*world["cases"], world["other"]}
    assert world["hidden"] not in by_id
    first = by_id[world["cases"][0]]
    assert first.geometry_type == 1  # a point
    assert set(first.properties) == {
        "case_id",
        "number",
        "category",
        "status",
        "reporter_count",
        "created_at",
    }
    assert first.properties["category"] == "E0501"
    assert first.properties["reporter_count"] == 1
    assert first.properties["created_at"].endswith("Z")
    # where the case is, to within a tile unit (about 2 m at zoom 12)
    lon, lat = to_lon_lat(Z, world["x"], world["y"], first.points[0])
    assert lon == pytest.approx(world["places"][0]["lon"], abs=1e-4)
    assert lat == pytest.approx(world["places"][0]["lat"], abs=1e-4)


async def test_filters_and_an_empty_tile(
    client: AsyncTestClient[Any], db: asyncpg.Connection, world: dict[str, Any]
) -> None:
    r = await client.get(world["url"], params={"category": "E0102"})
    assert [f.properties["case_id"] for f in decode(r.content)["cases"].features] == [world["other"]]
    state = await db.fetchval("SELECT state FROM cases WHERE id = $1", uuid.UUID(world["other"]))
    r = await client.get(world["url"], params={"category": "E0102", "status": state})
    assert len(decode(r.content)["cases"].features) == 1
    r = await client.get(world["url"], params={"status": "closed"})
    assert r.status_code == 200 and r.content == b""
    # far from the city: no case, zero bytes
    r = await client.get("/v1/map/tiles/12/0/0.mvt")
    assert r.status_code == 200 and r.content == b"" and r.headers["content-type"] == MVT


async def test_crowded_tiles_are_clustered_without_hidden_cases(
    client: AsyncTestClient[Any], app: Litestar, world: dict[str, Any]
) -> None:
    app.state.cases_config = msgspec.structs.replace(app.state.cases_config, map_feature_cap=5)
    layers = decode((await client.get(world["url"])).content)
    assert set(layers) == {"clusters"}
    clusters = layers["clusters"].features
    assert sum(f.properties["count"] for f in clusters) == 13  # 12 + the other category; never the hidden one
    assert 1 < len(clusters) < 13
    assert all(set(f.properties) == {"count"} for f in clusters)
    # each cluster is drawn inside its tile
    assert all(0 <= c <= 4096 for f in clusters for c in f.points[0])
    # the same tile at a coarser zoom holds the same cases in fewer clusters
    x, y = tile_of(8, INSIDE["lon"], INSIDE["lat"])
    coarse = decode((await client.get(f"/v1/map/tiles/8/{x}/{y}.mvt")).content)["clusters"].features
    assert sum(f.properties["count"] for f in coarse) == 13 and len(coarse) <= len(clusters)


async def test_the_etag_answers_304_until_the_tile_changes(
    client: AsyncTestClient[Any], db: asyncpg.Connection, world: dict[str, Any]
) -> None:
    first = await client.get(world["url"])
    etag = first.headers["etag"]
    again = await client.get(world["url"], headers={"If-None-Match": f'"other", {etag}'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == "public, max-age=30"
    # a case leaves the public map: the tile changes, and so does its ETag
    await db.execute("UPDATE cases SET hidden_at = now() WHERE id = $1", uuid.UUID(world["cases"][0]))
    changed = await client.get(world["url"], headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert world["cases"][0] not in {
        f.properties["case_id"] for f in decode(changed.content)["cases"].features
    }


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/map/tiles/23/0/0.mvt", 422, "validation_failed"),  # zoom 0 to 22
        ("/v1/map/tiles/-1/0/0.mvt", 422, "validation_failed"),
        ("/v1/map/tiles/3/8/0.mvt", 404, "tile_not_found"),  # x and y below 2^z
        ("/v1/map/tiles/3/0/8.mvt", 404, "tile_not_found"),
        ("/v1/map/tiles/0/0/1.mvt", 404, "tile_not_found"),
        ("/v1/map/tiles/3/0/1.png", 422, "validation_failed"),  # tiles are .mvt
        ("/v1/map/tiles/3/0/12345678.mvt", 422, "validation_failed"),
        ("/v1/map/tiles/3/0/-1.mvt", 422, "validation_failed"),
    ],
)
async def test_tiles_outside_the_pyramid_are_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, path: str, status: int, code: str
) -> None:
    before = await db.fetchval("SELECT count(*) FROM cases")
    r = await client.get(path, headers={"Accept-Language": "en"})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    assert await db.fetchval("SELECT count(*) FROM cases") == before
    assert "cache-control" not in r.headers or "public" not in r.headers["cache-control"]


async def test_the_geojson_map_counts_and_clusters_on_the_covering_index(
    client: AsyncTestClient[Any], app: Litestar, db: asyncpg.Connection, world: dict[str, Any]
) -> None:
    """The map's statements (migration 0028's cases_map_xy) keep what the map answers: the hidden case out, the
    bounds of the box included, clusters summing to the total."""
    bbox = "116.38,39.90,116.42,39.92"
    geo = (await client.get("/v1/map/reports", params={"bbox": bbox})).json()
    assert geo["clustered"] is False and geo["total"] == 13
    assert world["hidden"] not in {f["properties"]["case_id"] for f in geo["features"]}
    p = world["places"][0]
    on_edge = f"{p['lon']},{p['lat']},{p['lon'] + 0.0001},{p['lat'] + 0.0001}"
    geo = (await client.get("/v1/map/reports", params={"bbox": on_edge})).json()
    assert [f["properties"]["case_id"] for f in geo["features"]] == [world["cases"][0]]
    app.state.cases_config = msgspec.structs.replace(app.state.cases_config, map_feature_cap=5)
    geo = (await client.get("/v1/map/reports", params={"bbox": bbox})).json()
    assert geo["clustered"] is True and geo["total"] == 13
    plan = "\n".join(
        r[0]
        for r in await db.fetch(
            "EXPLAIN SELECT count(*) FROM cases c WHERE ST_X(c.location) BETWEEN 116.38 AND 116.42 "
            "AND ST_Y(c.location) BETWEEN 39.90 AND 39.92 AND c.hidden_at IS NULL"
        )
    )
    assert "cases_map_xy" in plan or "Seq Scan" in plan  # a handful of rows: the planner may read the table
