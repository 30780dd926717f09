"""Every SQL statement of grids, inspectors' duties, category → department links and routing, and nothing else.

Grid imports are set-based: the features are copied into a temporary table (``grid_import``, dropped at
commit) with a GiST index, checked there with single statements, then upserted by code. Table names come from
the ``GRID_TABLES`` whitelist, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final, Literal
from uuid import UUID

import asyncpg

Record = asyncpg.Record


GridKind = Literal["unit", "responsibility"]


GRID_TABLES: Final[dict[str, str]] = {"unit": "unit_grids", "responsibility": "responsibility_grids"}


_IMPORT_LOCK: Final = 7_340_004  # pg_advisory_xact_lock key: one grid import at a time


# 2-dimensional intersection of the interiors: the two polygons share area, not only a border
_SHARE_AREA = "ST_Relate({a}, {b}, '2********')"


def _table(kind: GridKind) -> str:
    return GRID_TABLES[kind]


async def lock_imports(conn: asyncpg.Connection) -> None:
    """Serialise grid imports until the transaction ends (the overlap checks read the stored grids).

    JIT is switched off for the rest of the transaction: the set-returning functions of the checks make the
    planner's estimates huge, and compiling them costs more than running them.
    """
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _IMPORT_LOCK)
    await conn.execute("SET LOCAL jit = off")


async def create_staging(conn: asyncpg.Connection) -> None:
    await conn.execute(
        """DROP TABLE IF EXISTS grid_import_raw, grid_import, grid_import_union, grid_link;
           CREATE TEMP TABLE grid_import_raw (
               idx int NOT NULL, code text NOT NULL, name text NOT NULL, unit_codes text[], geojson text NOT NULL
           ) ON COMMIT DROP"""
    )


async def copy_features(conn: asyncpg.Connection, records: Sequence[tuple[Any, ...]]) -> None:
    """Copy (idx, code, name, unit_codes, geojson) rows into the staging table."""
    await conn.copy_records_to_table(
        "grid_import_raw", records=records, columns=["idx", "code", "name", "unit_codes", "geojson"]
    )


async def build_geometries(conn: asyncpg.Connection) -> None:
    """Turn the staged GeoJSON into 2-D MultiPolygons in SRID 4326, with validity, and index them."""
    await conn.execute(
        """CREATE TEMP TABLE grid_import ON COMMIT DROP AS
           SELECT idx, code, name, unit_codes, geom, ST_IsValid(geom) AS valid, false AS repaired,
                  NULL::text AS reason
           FROM (SELECT idx, code, name, unit_codes,
                        ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326))) AS geom
                 FROM grid_import_raw) g;
           DROP TABLE grid_import_raw;
           UPDATE grid_import SET reason = ST_IsValidReason(geom) WHERE NOT valid;
           CREATE INDEX ON grid_import USING gist (geom);
           CREATE INDEX ON grid_import (code);
           ANALYZE grid_import"""
    )


async def invalid_features(conn: asyncpg.Connection) -> list[Record]:
    return await conn.fetch("SELECT idx, code, reason FROM grid_import WHERE NOT valid ORDER BY idx")


async def repair_invalid(conn: asyncpg.Connection) -> list[Record]:
    """ST_MakeValid the invalid features, keeping their polygonal part: (idx, code, reason, valid, area_m2)."""
    return await conn.fetch(
        """UPDATE grid_import t
           SET geom = v.geom, valid = ST_IsValid(v.geom) AND NOT ST_IsEmpty(v.geom), repaired = true
           FROM (SELECT idx, ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)) AS geom
                 FROM grid_import WHERE NOT valid) v
           WHERE t.idx = v.idx
           RETURNING t.idx, t.code, t.reason, t.valid, ST_Area(v.geom::geography) AS area_m2"""
    )


async def build_union(conn: asyncpg.Connection) -> Record:
    """Dissolve the valid features into one geometry. Returns its parts and the planar area excess.

    excess_deg2 = sum of the features' areas - area of their union (square degrees): zero when nothing
    overlaps, so the pairwise overlap search only runs when it can find something.
    """
    await conn.execute(
        """CREATE TEMP TABLE grid_import_union ON COMMIT DROP AS
           SELECT ST_Multi(ST_Union(geom)) AS geom, sum(ST_Area(geom)) AS area_sum
           FROM grid_import WHERE valid;
           ANALYZE grid_import_union"""
    )
    row = await conn.fetchrow(
        """SELECT coalesce(ST_NumGeometries(geom), 0) AS parts,
                  coalesce(area_sum - ST_Area(geom), 0) AS excess_deg2
           FROM grid_import_union"""
    )
    assert row is not None
    return row


async def overlaps_within(conn: asyncpg.Connection, tolerance_m2: float, limit: int) -> list[Record]:
    """Pairs of features of the file that share more than `tolerance_m2` of area."""
    return await conn.fetch(
        f"""SELECT idx, code, other_idx, other_code, area_m2 FROM (
                SELECT a.idx, a.code, b.idx AS other_idx, b.code AS other_code,
                       ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS area_m2
                FROM grid_import a JOIN grid_import b ON a.idx < b.idx AND a.geom && b.geom
                WHERE a.valid AND b.valid AND {_SHARE_AREA.format(a="a.geom", b="b.geom")}
            ) o
            WHERE area_m2 > $1 ORDER BY idx, other_idx LIMIT $2""",
        tolerance_m2,
        limit,
    )


async def overlaps_stored(
    conn: asyncpg.Connection, kind: GridKind, tolerance_m2: float, limit: int
) -> list[Record]:
    """Features overlapping a stored grid of the same kind that the file does not replace (another code)."""
    return await conn.fetch(
        f"""WITH others AS MATERIALIZED (
                SELECT g.code, g.geom FROM {_table(kind)} g
                WHERE g.geom && (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) FROM grid_import WHERE valid)
                  AND NOT EXISTS (SELECT 1 FROM grid_import t WHERE t.code = g.code)
            )
            SELECT idx, code, other_code, area_m2 FROM (
                SELECT t.idx, t.code, o.code AS other_code,
                       ST_Area(ST_Intersection(t.geom, o.geom)::geography) AS area_m2
                FROM grid_import t JOIN others o ON t.geom && o.geom
                WHERE t.valid AND {_SHARE_AREA.format(a="t.geom", b="o.geom")}
            ) o
            WHERE area_m2 > $1 ORDER BY idx, other_code LIMIT $2""",
        tolerance_m2,
        limit,
    )


async def gaps(conn: asyncpg.Connection, tolerance_m2: float, limit: int) -> list[Record]:
    """Holes of the union: areas enclosed by the file's grids that none of them covers, largest first.

    A hole's area excludes any feature lying inside it (an island). Each row has a point inside the hole, up
    to 8 codes of the features around it, and `total`: how many holes exceed the tolerance (beyond `limit`).
    """
    return await conn.fetch(
        """WITH holes AS (
               SELECT (r).geom AS geom
               FROM (SELECT ST_DumpRings((ST_Dump(geom)).geom) AS r FROM grid_import_union) d
               WHERE (r).path[1] > 0
           ),
           measured AS (
               SELECT h.geom,
                      ST_Area(h.geom::geography) - coalesce(
                          (SELECT sum(ST_Area(t.geom::geography)) FROM grid_import t
                           WHERE t.valid AND t.geom && h.geom AND ST_Within(t.geom, h.geom)), 0) AS area_m2
               FROM holes h
           ),
           found AS (
               SELECT geom, area_m2, count(*) OVER () AS total FROM measured WHERE area_m2 > $1
               ORDER BY area_m2 DESC LIMIT $2
           )
           SELECT f.area_m2, f.total, ST_Y(ST_PointOnSurface(f.geom)) AS lat,
                  ST_X(ST_PointOnSurface(f.geom)) AS lon,
                  (SELECT array_agg(code ORDER BY code) FROM (
                       SELECT t.code FROM grid_import t
                       WHERE t.valid AND t.geom && f.geom AND ST_Intersects(t.geom, ST_ExteriorRing(f.geom))
                       ORDER BY t.code LIMIT 8) n) AS around
           FROM found f ORDER BY f.area_m2 DESC""",
        tolerance_m2,
        limit,
    )


async def count_new(conn: asyncpg.Connection, kind: GridKind) -> int:
    count: int = await conn.fetchval(
        f"""SELECT count(*) FROM grid_import t
            WHERE NOT EXISTS (SELECT 1 FROM {_table(kind)} g WHERE g.code = t.code)"""
    )
    return count


async def count_not_in_file(conn: asyncpg.Connection, kind: GridKind) -> int:
    count: int = await conn.fetchval(
        f"""SELECT count(*) FROM {_table(kind)} g
            WHERE NOT EXISTS (SELECT 1 FROM grid_import t WHERE t.code = g.code)"""
    )
    return count


def _rows_written(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


async def upsert_unit_grids(conn: asyncpg.Connection) -> int:
    """Insert new codes, update changed ones; returns how many rows were written (unchanged rows are not).

    Unchanged rows are left out before the insert (a hash join) rather than by the conflict clause alone,
    which would look each one up in the index; the clause still guards against a concurrent writer.
    """
    status = await conn.execute(
        """INSERT INTO unit_grids (code, name, geom)
           SELECT t.code, t.name, t.geom FROM grid_import t LEFT JOIN unit_grids g ON g.code = t.code
           WHERE g.id IS NULL OR (g.name, g.geom) IS DISTINCT FROM (t.name, t.geom)
           ORDER BY t.idx
           ON CONFLICT (code) DO UPDATE SET name = excluded.name, geom = excluded.geom, updated_at = now()
           WHERE (unit_grids.name, unit_grids.geom) IS DISTINCT FROM (excluded.name, excluded.geom)"""
    )
    return _rows_written(status)


async def upsert_responsibility_grids(conn: asyncpg.Connection) -> int:
    status = await conn.execute(
        """INSERT INTO responsibility_grids (code, name, unit_codes, geom)
           SELECT t.code, t.name, t.unit_codes, t.geom
           FROM grid_import t LEFT JOIN responsibility_grids g ON g.code = t.code
           WHERE g.id IS NULL OR (g.name, g.unit_codes, g.geom) IS DISTINCT FROM (t.name, t.unit_codes, t.geom)
           ORDER BY t.idx
           ON CONFLICT (code) DO UPDATE
           SET name = excluded.name, unit_codes = excluded.unit_codes, geom = excluded.geom, updated_at = now()
           WHERE (responsibility_grids.name, responsibility_grids.unit_codes, responsibility_grids.geom)
                 IS DISTINCT FROM (excluded.name, excluded.unit_codes, excluded.geom)"""
    )
    return _rows_written(status)


async def units_listed_twice(conn: asyncpg.Connection) -> list[Record]:
    """Unit codes listed by more than one stored responsibility grid, with those grids' codes."""
    return await conn.fetch(
        """SELECT u.code AS unit_code, array_agg(r.code ORDER BY r.code) AS grids
           FROM responsibility_grids r, unnest(r.unit_codes) AS u(code)
           GROUP BY u.code HAVING count(*) > 1 ORDER BY u.code"""
    )


async def unknown_listed_units(conn: asyncpg.Connection, limit: int) -> list[Record]:
    """Unit codes a feature of the file lists that are no stored unit grid (yet)."""
    return await conn.fetch(
        """SELECT t.idx, t.code, array_agg(u.code ORDER BY u.code) AS unit_codes
           FROM grid_import t, unnest(t.unit_codes) AS u(code)
           WHERE NOT EXISTS (SELECT 1 FROM unit_grids g WHERE g.code = u.code)
           GROUP BY t.idx, t.code ORDER BY t.idx LIMIT $1""",
        limit,
    )


async def relink_units(conn: asyncpg.Connection) -> int:
    """Give every unit grid its responsibility grid; returns how many links changed.

    A responsibility grid that lists the unit's code wins ('listed'); otherwise the one whose polygon covers
    the unit's PointOnSurface ('contained'), the smallest code when several do; otherwise none. The points go
    into an indexed temporary table first, so the join runs polygon by polygon (PostGIS prepares each
    polygon once for all the points it is tested against).
    """
    await conn.execute(
        """DROP TABLE IF EXISTS grid_link;
           CREATE TEMP TABLE grid_link ON COMMIT DROP AS
               SELECT id, code, ST_PointOnSurface(geom) AS pt FROM unit_grids;
           CREATE INDEX ON grid_link USING gist (pt);
           ANALYZE grid_link"""
    )
    status = await conn.execute(
        """WITH listed AS (
               SELECT DISTINCT ON (u.code) u.code, r.id
               FROM responsibility_grids r, unnest(r.unit_codes) AS u(code)
               ORDER BY u.code, r.code
           ),
           contained AS (
               -- OFFSET 0 keeps the polygons outside: each is tested against the points its box holds
               SELECT DISTINCT ON (p.id) p.id, r.id AS rid
               FROM responsibility_grids r
               CROSS JOIN LATERAL (SELECT l.id FROM grid_link l WHERE ST_Covers(r.geom, l.pt) OFFSET 0) p
               ORDER BY p.id, r.code
           ),
           target AS MATERIALIZED (
               SELECT p.id, coalesce(l.id, c.rid) AS rid,
                      CASE WHEN l.id IS NOT NULL THEN 'listed' WHEN c.rid IS NOT NULL THEN 'contained' END AS link
               FROM grid_link p LEFT JOIN listed l ON l.code = p.code LEFT JOIN contained c ON c.id = p.id
           )
           UPDATE unit_grids g SET responsibility_grid_id = t.rid, responsibility_link = t.link, updated_at = now()
           FROM target t
           WHERE g.id = t.id
             AND (g.responsibility_grid_id, g.responsibility_link) IS DISTINCT FROM (t.rid, t.link)"""
    )
    await conn.execute("DROP TABLE grid_link")
    return _rows_written(status)


async def count_unassigned_units(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM unit_grids WHERE responsibility_grid_id IS NULL")
    return count


async def drop_staging(conn: asyncpg.Connection) -> None:
    await conn.execute("DROP TABLE IF EXISTS grid_import_raw, grid_import, grid_import_union, grid_link")


async def insert_import(
    conn: asyncpg.Connection,
    *,
    kind: GridKind,
    file_name: str,
    sha256: str,
    outcome: str,
    dry_run: bool,
    make_valid: bool,
    counts: dict[str, Any],
    problems: list[dict[str, Any]],
    actor_id: UUID | None,
    actor_label: str,
) -> Record:
    row = await conn.fetchrow(
        """INSERT INTO grid_imports (kind, file_name, sha256, outcome, dry_run, make_valid, counts, problems,
                                     actor_id, actor_label)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           RETURNING id, created_at""",
        kind,
        file_name,
        sha256,
        outcome,
        dry_run,
        make_valid,
        counts,
        problems,
        actor_id,
        actor_label,
    )
    assert row is not None
    return row


async def was_imported(conn: asyncpg.Connection, kind: GridKind, sha256: str) -> bool:
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM grid_imports
                          WHERE kind = $1 AND sha256 = $2 AND outcome = 'imported')""",
        kind,
        sha256,
    )
    return found


async def list_imports(
    conn: asyncpg.Connection, after: tuple[datetime, UUID] | None, limit: int
) -> list[Record]:
    """The import log, newest first: the imports whose (created_at, id) comes below `after`."""
    return await conn.fetch(
        """SELECT id, kind, file_name, sha256, outcome, dry_run, make_valid, counts,
                  jsonb_array_length(problems) AS problem_count, actor_id, actor_label, created_at
           FROM grid_imports WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2::uuid))
           ORDER BY created_at DESC, id DESC LIMIT $3""",
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )


async def get_import(conn: asyncpg.Connection, import_id: UUID) -> Record | None:
    return await conn.fetchrow(
        """SELECT id, kind, file_name, sha256, outcome, dry_run, make_valid, counts,
                  jsonb_array_length(problems) AS problem_count, actor_id, actor_label, created_at, problems
           FROM grid_imports WHERE id = $1""",
        import_id,
    )


async def get_responsibility_grid(conn: asyncpg.Connection, code: str) -> Record | None:
    return await conn.fetchrow(
        "SELECT id, code, name, district_code FROM responsibility_grids WHERE code = $1", code
    )


async def responsibility_grid_ids(conn: asyncpg.Connection) -> list[Record]:
    return await conn.fetch("SELECT id, code FROM responsibility_grids ORDER BY code")


async def overlapping_duty(
    conn: asyncpg.Connection, user_id: UUID, grid_id: UUID, starts_at: datetime, ends_at: datetime | None
) -> Record | None:
    """Another duty (other start) of the same inspector on the same grid whose time overlaps this one."""
    return await conn.fetchrow(
        """SELECT id, starts_at, ends_at FROM inspector_duties
           WHERE user_id = $1 AND responsibility_grid_id = $2 AND starts_at <> $3
             AND tstzrange(starts_at, ends_at) && tstzrange($3, $4)
           ORDER BY starts_at LIMIT 1""",
        user_id,
        grid_id,
        starts_at,
        ends_at,
    )


_DUTY_SELECT = """
    SELECT d.id, d.user_id, u.display_name, r.code AS grid, d.starts_at, d.ends_at, d.created_at, d.updated_at
    FROM inspector_duties d JOIN responsibility_grids r ON r.id = d.responsibility_grid_id
    JOIN users u ON u.id = d.user_id
"""


async def upsert_duty(
    conn: asyncpg.Connection, user_id: UUID, grid_id: UUID, starts_at: datetime, ends_at: datetime | None
) -> Record:
    """The duty (inspector, grid, start) with this end; an existing one only changes its end."""
    duty_id = await conn.fetchval(
        """INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at, ends_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, responsibility_grid_id, starts_at) DO UPDATE
           SET ends_at = excluded.ends_at, updated_at = now()
           WHERE inspector_duties.ends_at IS DISTINCT FROM excluded.ends_at
           RETURNING id""",
        user_id,
        grid_id,
        starts_at,
        ends_at,
    )
    row = await conn.fetchrow(
        _DUTY_SELECT + " WHERE d.user_id = $1 AND d.responsibility_grid_id = $2 AND d.starts_at = $3",
        user_id,
        grid_id,
        starts_at,
    )
    assert row is not None and (duty_id is None or duty_id == row["id"])
    return row


async def insert_duties(
    conn: asyncpg.Connection, user_id: UUID, grid_ids: Iterable[UUID], starts_at: datetime
) -> int:
    """Open-ended duties for one inspector on many grids; existing ones stay as they are."""
    status = await conn.execute(
        """INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at)
           SELECT $1, g, $3 FROM unnest($2::uuid[]) AS g
           ON CONFLICT (user_id, responsibility_grid_id, starts_at) DO NOTHING""",
        user_id,
        list(grid_ids),
        starts_at,
    )
    return _rows_written(status)


async def list_duties(
    conn: asyncpg.Connection,
    grid_code: str | None,
    at: datetime | None,
    after: tuple[str, datetime, UUID] | None,
    limit: int,
) -> list[Record]:
    """Duties by (grid code, start, inspector), a unique key, after the key `after`."""
    return await conn.fetch(
        _DUTY_SELECT
        + """ WHERE ($1::text IS NULL OR r.code = $1)
                AND ($2::timestamptz IS NULL OR (d.starts_at <= $2 AND (d.ends_at IS NULL OR d.ends_at > $2)))
                AND ($3::text IS NULL OR (r.code, d.starts_at, d.user_id) > ($3, $4::timestamptz, $5::uuid))
              ORDER BY r.code, d.starts_at, d.user_id LIMIT $6""",
        grid_code,
        at,
        after[0] if after else None,
        after[1] if after else None,
        after[2] if after else None,
        limit,
    )


async def category_exists(conn: asyncpg.Connection, code: str) -> bool:
    found: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM categories WHERE code = $1)", code)
    return found


async def department_exists(conn: asyncpg.Connection, code: str) -> bool:
    found: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM departments WHERE code = $1)", code)
    return found


async def upsert_category_department(
    conn: asyncpg.Connection, category: str, district_code: str | None, department: str
) -> Record:
    row = await conn.fetchrow(
        """INSERT INTO category_departments AS cd (category_code, district_code, department_code)
           VALUES ($1, $2, $3)
           ON CONFLICT (category_code, district_code) DO UPDATE
           SET department_code = excluded.department_code,
               updated_at = CASE WHEN cd.department_code = excluded.department_code
                                 THEN cd.updated_at ELSE now() END
           RETURNING category_code, district_code, department_code, created_at, updated_at""",
        category,
        district_code,
        department,
    )
    assert row is not None
    return row


async def list_category_departments(
    conn: asyncpg.Connection, category: str | None, after: tuple[str, str] | None, limit: int | None
) -> list[Record]:
    """Links by (category, district), the any-district link (NULL, '' here) first; after the key `after`;
    limit None: all."""
    return await conn.fetch(
        """SELECT category_code, district_code, department_code, created_at, updated_at
           FROM category_departments
           WHERE ($1::text IS NULL OR category_code = $1)
             AND ($2::text IS NULL OR (category_code, coalesce(district_code, '')) > ($2, $3::text))
           ORDER BY category_code, coalesce(district_code, '') LIMIT $4""",
        category,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )


async def route(conn: asyncpg.Connection, lat: float, lon: float, category: str, at: datetime) -> Any:
    """The routing decision as JSON, from the grids' SQL function route_case (migration 0034, where the rules are
    written); None when the category does not exist."""
    return await conn.fetchval("SELECT route_case($1, $2, $3, $4)", lat, lon, category, at)


_UNIT_GRIDS_VERSION = "count(*) AS unit_grids, max(updated_at) AS changed_at"


async def unit_grids_version(conn: asyncpg.Connection) -> Record:
    """How many unit grids there are and when one last changed (an import writes `updated_at` on every row it
    creates or changes): enough to tell whether the outline changed without computing it."""
    row = await conn.fetchrow(f"SELECT {_UNIT_GRIDS_VERSION} FROM unit_grids")
    assert row is not None
    return row


async def unit_grids_outline(conn: asyncpg.Connection, tolerance_deg: float) -> Record:
    """The union of the unit grids' polygons as a GeoJSON MultiPolygon (6 decimals), simplified by
    `tolerance_deg` without changing its topology, with its bbox and spheroid area, and the version of the grids
    it was made from (read in the same statement). `geometry` is NULL when there are no unit grids."""
    row = await conn.fetchrow(
        f"""WITH grids AS (SELECT {_UNIT_GRIDS_VERSION} FROM unit_grids),
                 outline AS (
                     SELECT ST_Multi(ST_SimplifyPreserveTopology(ST_Union(geom), $1)) AS geom FROM unit_grids
                 )
            SELECT v.unit_grids, v.changed_at, ST_AsGeoJSON(o.geom, 6)::jsonb AS geometry,
                   ST_XMin(o.geom) AS min_lon, ST_YMin(o.geom) AS min_lat,
                   ST_XMax(o.geom) AS max_lon, ST_YMax(o.geom) AS max_lat,
                   ST_Area(o.geom::geography) AS area_m2
            FROM grids v, outline o""",
        tolerance_deg,
    )
    assert row is not None
    return row
