"""The public read side of reports: the service area, nearby open cases and the map.
Each function takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

import hashlib
import math
from typing import Any, NamedTuple

import asyncpg

from cases.catalogue import service as catalogue
from cases.common import (
    CRS,
    InvalidCoordinates,
    Location,
    present,
    to_wgs84,
    validate_lat_lon,
)
from cases.reports import store
from cases.reports.errors import TileNotFound
from cases.reports.models import (
    NearbyCase,
    ServiceArea,
)
from cases.reports.service import CasesConfig
from cases.reports.store import map as map_store


async def service_area(conn: asyncpg.Connection, crs: CRS = "wgs84") -> ServiceArea | None:
    row = await store.service_area(conn)
    if row is None:
        return None
    return ServiceArea(
        name=row["name"],
        geometry=row["geometry"],
        bbox=(row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"]),
        center=present(row["center_lat"], row["center_lon"], crs),
    )


async def nearby(
    conn: asyncpg.Connection,
    config: CasesConfig,
    location: Location,
    category_code: str,
    radius_m: int | None,
) -> list[NearbyCase]:
    """Open cases of the category near a point, nearest first: 'follow this one instead'."""
    lat, lon = to_wgs84(location.lat, location.lon, location.crs)
    category = await catalogue.active_category(conn, category_code)
    radius = min(radius_m or category.duplicate_radius_m, 1000)
    rows = await store.nearby_open_cases(conn, lat, lon, category_code, radius, config.nearby_limit)
    return [
        NearbyCase(
            case_id=r["case_id"],
            report_id=r["report_id"],
            number=r["number"],
            category=r["category_code"],
            status=r["state"],
            distance_m=round(r["distance_m"], 1),
            location=present(r["lat"], r["lon"], location.crs),
            reporter_count=r["reporter_count"],
            created_at=r["created_at"],
            description=r["description"],
        )
        for r in rows
    ]


def _bbox(raw: str, crs: CRS) -> tuple[float, float, float, float]:
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in raw.split(","))
    except ValueError as exc:
        raise InvalidCoordinates("bbox is min_lon,min_lat,max_lon,max_lat", fields=("bbox",)) from exc
    validate_lat_lon(min_lat, min_lon)
    validate_lat_lon(max_lat, max_lon)
    if not (min_lon < max_lon and min_lat < max_lat):
        raise InvalidCoordinates("bbox corners are not south-west then north-east", fields=("bbox",))
    south_west = to_wgs84(min_lat, min_lon, crs)
    north_east = to_wgs84(max_lat, max_lon, crs)
    return south_west[1], south_west[0], north_east[1], north_east[0]


async def map_reports(
    conn: asyncpg.Connection,
    config: CasesConfig,
    bbox: str,
    category: str | None,
    status: str | None,
    crs: CRS,
) -> dict[str, Any]:
    """Public cases in a box as GeoJSON; clustered on a grid when the box holds more than the cap."""
    box = _bbox(bbox, crs)
    total = await map_store.count_map_cases(conn, box, category, status, config.map_feature_cap)
    features: list[dict[str, Any]] = []
    if total <= config.map_feature_cap:
        for r in await map_store.map_cases(conn, box, category, status, config.map_feature_cap):
            point = present(r["lat"], r["lon"], crs)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                    "properties": {
                        "case_id": str(r["case_id"]),
                        "number": r["number"],
                        "category": r["category_code"],
                        "status": r["state"],
                        "reporter_count": r["reporter_count"],
                        "created_at": r["created_at"].isoformat(),
                    },
                }
            )
        clustered = False
    else:
        cell = max(box[2] - box[0], box[3] - box[1]) / 32
        for r in await map_store.map_clusters(conn, box, category, status, cell):
            point = present(r["lat"], r["lon"], crs)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                    "properties": {"cluster": True, "count": r["count"]},
                }
            )
        clustered = True
        total = sum(f["properties"]["count"] for f in features)
    return {"type": "FeatureCollection", "features": features, "total": total, "clustered": clustered}


#: the deepest zoom level a map tile is served at (z 0 to 22, as map clients ask)
MAX_TILE_ZOOM = 22
#: a tile of more public cases than the map's cap is clustered on a grid of this many cells a side (as the
#: GeoJSON map's 32 x 32 grid of its box)
TILE_CLUSTER_CELLS = 32


class MapTile(NamedTuple):
    """A Mapbox vector tile (protobuf) and its strong ETag (quoted: a hash of the bytes)."""

    body: bytes
    etag: str
    clustered: bool


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """WGS-84 bounds (min lon, min lat, max lon, max lat) of the Web Mercator tile z/x/y (y from the north, as
    XYZ tiles count); TileNotFound outside the pyramid."""
    n = 1 << z
    if not (0 <= z <= MAX_TILE_ZOOM and 0 <= x < n and 0 <= y < n):
        raise TileNotFound(
            f"tile {z}/{x}/{y} is outside the pyramid: x and y go from 0 to {n - 1} at zoom {z}"
        )

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


async def map_tile(
    conn: asyncpg.Connection,
    config: CasesConfig,
    z: int,
    x: int,
    y: int,
    category: str | None,
    status: str | None,
) -> MapTile:
    """The public cases of tile z/x/y as a Mapbox vector tile: what the GeoJSON map shows of each case, in a layer
    'cases', when the tile holds at most the map's cap of them; else clusters with their count in a layer
    'clusters'. Hidden cases never count nor appear. An empty tile is zero bytes."""
    bounds = tile_bounds(z, x, y)
    cap = config.map_feature_cap
    total = await map_store.count_map_cases(conn, bounds, category, status, cap, tile=True)
    if total <= cap:
        body = await map_store.tile_cases(conn, bounds, category, status, (z, x, y), cap)
    else:
        body = await map_store.tile_clusters(conn, bounds, category, status, (z, x, y), TILE_CLUSTER_CELLS)
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    return MapTile(bytes(body), etag, total > cap)
