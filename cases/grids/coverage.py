"""Where reports are routed to a grid: the outline of all unit grids (a GeoJSON Feature, in the client's coordinate
system) and its ETag, which changes with every grid import."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

import asyncpg
import msgspec

from cases.common import CRS, from_wgs84
from cases.grids import store
from cases.grids.store import GridKind
from cases.grids.store import map as map_store


class CoverageProperties(msgspec.Struct, frozen=True):
    crs: CRS  # the system of the geometry's and the bbox's coordinates
    unit_grids: int  # how many unit grids the outline is made of
    area_m2: float  # the area the outline encloses, on the spheroid


class Coverage(msgspec.Struct, frozen=True):
    """Where a report is routed to a grid: the outline of all unit grids, as a GeoJSON Feature."""

    type: Literal["Feature"]
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    geometry: dict[str, Any]  # a GeoJSON MultiPolygon
    properties: CoverageProperties


#: The coverage outline is simplified by this much (about 1 m): the collinear corners of the grids along its
#: edges go, its shape stays.
COVERAGE_TOLERANCE_DEG = 0.00001


def _coverage_etag(unit_grids: int, changed_at: datetime | None, crs: CRS) -> str:
    seed = f"{unit_grids}|{changed_at.isoformat() if changed_at else ''}|{crs}|{COVERAGE_TOLERANCE_DEG}"
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


async def coverage_etag(conn: asyncpg.Connection, crs: CRS = "wgs84") -> str | None:
    """The ETag the coverage would have now, without computing it; None when no unit grid is imported."""
    row = await store.unit_grids_version(conn)
    if not row["unit_grids"]:
        return None
    return _coverage_etag(row["unit_grids"], row["changed_at"], crs)


def _positions_in(value: Any, crs: CRS) -> Any:
    """GeoJSON coordinates (nested lists ending in [lon, lat]) from WGS-84 to `crs`."""
    if value and isinstance(value[0], int | float):
        lat, lon = from_wgs84(value[1], value[0], crs)
        return [round(lon, 6), round(lat, 6)]
    return [_positions_in(v, crs) for v in value]


async def coverage(conn: asyncpg.Connection, crs: CRS = "wgs84") -> tuple[Coverage, str] | None:
    """The outline of the unit grids (where a report is routed to a grid) in `crs`, and its ETag; None when no
    unit grid is imported."""
    row = await store.unit_grids_outline(conn, COVERAGE_TOLERANCE_DEG)
    if not row["unit_grids"] or row["geometry"] is None:
        return None
    geometry: dict[str, Any] = row["geometry"]
    bbox = (row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"])
    if crs != "wgs84":
        geometry = {"type": geometry["type"], "coordinates": _positions_in(geometry["coordinates"], crs)}
        positions = [p for polygon in geometry["coordinates"] for ring in polygon for p in ring]
        bbox = (
            min(p[0] for p in positions),
            min(p[1] for p in positions),
            max(p[0] for p in positions),
            max(p[1] for p in positions),
        )
    properties = CoverageProperties(crs=crs, unit_grids=row["unit_grids"], area_m2=round(row["area_m2"], 1))
    outline = Coverage(type="Feature", bbox=bbox, geometry=geometry, properties=properties)
    return outline, _coverage_etag(row["unit_grids"], row["changed_at"], crs)


async def grids_geojson(conn: asyncpg.Connection, kind: GridKind, limit: int = 2000) -> dict[str, Any]:
    """The grids of a kind as a GeoJSON FeatureCollection in WGS-84 (the console's grid layer), by code, at most
    `limit` of them (`truncated` says when there were more)."""
    rows = await map_store.grid_features(conn, kind, limit + 1)
    features = [
        {
            "type": "Feature",
            "id": str(r["id"]),
            "geometry": r["geometry"],
            "properties": {"code": r["code"], "name": r["name"], "district": r["district_code"]},
        }
        for r in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > limit}
