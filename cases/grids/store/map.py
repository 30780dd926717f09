"""The SQL of the grids as a map layer (cases/grids/coverage.py grids_geojson)."""

from __future__ import annotations

import asyncpg

from cases.grids.store import GRID_TABLES, GridKind, Record


async def grid_features(conn: asyncpg.Connection, kind: GridKind, limit: int) -> list[Record]:
    """Grids of a kind with their outline as GeoJSON (5 decimals, about 1 m), by code, at most `limit`."""
    return await conn.fetch(
        f"""SELECT id, code, name, district_code, ST_AsGeoJSON(geom, 5)::jsonb AS geometry
            FROM {GRID_TABLES[kind]} ORDER BY code LIMIT $1""",
        limit,
    )
