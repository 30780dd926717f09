"""Every SQL statement of the public map (the GeoJSON map of a box and its vector tiles), and nothing else.

The statements read the public cases of a box from cases_map_xy (migration 0028): an index on ST_X and ST_Y of a
case's place that holds its place, category and state, for public cases only, so that a box, counted, listed or
clustered, is an index-only scan; only the points listed read the table (their id, reporter count, time, number).
"""

from __future__ import annotations

import asyncpg
from asyncpg import Record

#: The public cases of a box [$1 min lon, $2 min lat, $3 max lon, $4 max lat] (bounds included), of category $5 and
#: state $6 when given: read from cases_map_xy (migration 0028), whose predicate is the last condition here.
_IN_BOX = """ST_X(c.location) BETWEEN $1 AND $3 AND ST_Y(c.location) BETWEEN $2 AND $4
             AND ($5::text IS NULL OR c.category_code = $5) AND ($6::text IS NULL OR c.state = $6)
             AND c.hidden_at IS NULL"""

#: The same for a map tile: the east and north bounds excluded, so that a case on an edge is in one tile only.
_IN_TILE = """ST_X(c.location) >= $1 AND ST_X(c.location) < $3 AND ST_Y(c.location) >= $2 AND ST_Y(c.location) < $4
              AND ($5::text IS NULL OR c.category_code = $5) AND ($6::text IS NULL OR c.state = $6)
              AND c.hidden_at IS NULL"""

_FIRST_NUMBER = (
    "(SELECT r.number FROM reports r WHERE r.case_id = c.id AND r.hidden_at IS NULL "
    "ORDER BY r.created_at LIMIT 1)"
)


async def count_map_cases(
    conn: asyncpg.Connection,
    bbox: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    cap: int,
    *,
    tile: bool = False,
) -> int:
    """How many public cases are in the box (a tile's: its east and north edges excluded), counting no further
    than cap + 1 (enough to choose clustering): an index-only scan of cases_map_xy."""
    count: int = await conn.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM cases c WHERE {_IN_TILE if tile else _IN_BOX} LIMIT $7 + 1) capped",
        *bbox,
        category,
        state,
        cap,
    )
    return count


async def map_cases(
    conn: asyncpg.Connection,
    bbox: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    limit: int,
) -> list[Record]:
    return await conn.fetch(
        f"""SELECT c.id AS case_id, c.category_code, c.state, c.reporter_count, c.created_at,
                   ST_Y(c.location) AS lat, ST_X(c.location) AS lon, {_FIRST_NUMBER} AS number
            FROM cases c
            WHERE {_IN_BOX}
            ORDER BY c.created_at DESC LIMIT $7""",
        *bbox,
        category,
        state,
        limit,
    )


async def map_clusters(
    conn: asyncpg.Connection,
    bbox: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    cell_deg: float,
) -> list[Record]:
    """Cases snapped to a grid of `cell_deg` degrees (as ST_SnapToGrid(location, cell_deg) would, on ST_X and
    ST_Y): one row per occupied cell, with its count and the mean position of its cases (their centroid); an
    index-only scan of cases_map_xy."""
    return await conn.fetch(
        f"""SELECT count(*) AS count, avg(ST_Y(c.location)) AS lat, avg(ST_X(c.location)) AS lon
            FROM cases c
            WHERE {_IN_BOX}
            GROUP BY round(ST_X(c.location) / $7), round(ST_Y(c.location) / $7)
            ORDER BY count DESC, lat, lon""",
        *bbox,
        category,
        state,
        cell_deg,
    )


async def tile_cases(
    conn: asyncpg.Connection,
    bounds: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    tile: tuple[int, int, int],
    limit: int,
) -> bytes:
    """The public cases of tile (z, x, y), whose WGS-84 bounds are `bounds`, as a Mapbox vector tile with one
    layer 'cases': a point per case (extent 4096) with what the GeoJSON map shows of it; newest first."""
    mvt: bytes = await conn.fetchval(
        f"""SELECT coalesce(ST_AsMVT(t, 'cases', 4096, 'geom'), ''::bytea) FROM (
                SELECT ST_AsMVTGeom(ST_Transform(c.location, 3857), ST_TileEnvelope($7, $8, $9)) AS geom,
                       c.id::text AS case_id, {_FIRST_NUMBER} AS number, c.category_code AS category,
                       c.state AS status, c.reporter_count,
                       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
                FROM cases c
                WHERE {_IN_TILE}
                ORDER BY c.created_at DESC, c.id LIMIT $10) t""",
        *bounds,
        category,
        state,
        *tile,
        limit,
    )
    return mvt


async def tile_clusters(
    conn: asyncpg.Connection,
    bounds: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    tile: tuple[int, int, int],
    cells: int,
) -> bytes:
    """The public cases of tile (z, x, y) clustered on a `cells` x `cells` grid of its bounds, as a Mapbox vector
    tile with one layer 'clusters': a point per occupied cell at the mean position of its cases, with their
    `count`. An index-only scan of cases_map_xy; only the clusters' points are projected."""
    mvt: bytes = await conn.fetchval(
        f"""SELECT coalesce(ST_AsMVT(t, 'clusters', 4096, 'geom'), ''::bytea) FROM (
                SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(g.lon, g.lat), 4326), 3857),
                                    ST_TileEnvelope($7, $8, $9)) AS geom,
                       g.count
                FROM (SELECT floor((ST_X(c.location) - $1) * $10::int / ($3 - $1)) AS cx,
                             floor((ST_Y(c.location) - $2) * $10::int / ($4 - $2)) AS cy,
                             count(*)::int AS count, avg(ST_X(c.location)) AS lon, avg(ST_Y(c.location)) AS lat
                      FROM cases c
                      WHERE {_IN_TILE}
                      GROUP BY 1, 2) g
                ORDER BY g.cx, g.cy) t""",
        *bounds,
        category,
        state,
        *tile,
        cells,
    )
    return mvt
