"""The public read side of reports: the service area, nearby open cases and the map.
Each function takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

from typing import Any

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
from cases.reports.models import (
    NearbyCase,
    ServiceArea,
)
from cases.reports.service import CasesConfig


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
    total = await store.count_map_cases(conn, box, category, status, config.map_feature_cap)
    features: list[dict[str, Any]] = []
    if total <= config.map_feature_cap:
        for r in await store.map_cases(conn, box, category, status, config.map_feature_cap):
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
        for r in await store.map_clusters(conn, box, category, status, cell):
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
