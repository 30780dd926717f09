"""Every SQL statement of citizens' reports, the service area and the public map, and nothing else.

Points are geometry(Point, 4326) in WGS-84; distances are measured on the spheroid (geography casts) after
a bounding-box filter that the GiST indexes answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record


FINISHED_STATES_SQL = "('closed', 'rejected', 'voided')"  # a case in these is no longer open


async def insert_service_area(conn: asyncpg.Connection, name: str, geojson: str) -> None:
    await conn.execute("UPDATE service_areas SET active = false WHERE active")
    await conn.execute(
        "INSERT INTO service_areas (name, geom) VALUES ($1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)))",
        name,
        geojson,
    )


async def service_area(conn: asyncpg.Connection) -> Record | None:
    return await conn.fetchrow(
        """SELECT name, ST_AsGeoJSON(geom, 6)::jsonb AS geometry,
                  ST_XMin(geom) AS min_lon, ST_YMin(geom) AS min_lat, ST_XMax(geom) AS max_lon, ST_YMax(geom) AS max_lat,
                  ST_Y(ST_PointOnSurface(geom)) AS center_lat, ST_X(ST_PointOnSurface(geom)) AS center_lon
           FROM service_areas WHERE active ORDER BY id DESC LIMIT 1"""
    )


def _near(lat: str, lon: str, radius_m: str) -> str:
    """Case `c` within `radius_m` metres of the point: the spheroid distance after a bounding-box filter."""
    point = f"ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)"
    return f"""ST_DWithin(c.location::geography, {point}::geography, {radius_m})
           AND c.location && ST_Expand({point}, {radius_m} / (111320.0 * greatest(cos(radians({lat})), 0.01)))"""


async def submission_facts(
    conn: asyncpg.Connection, lat: float, lon: float, category: str, photo_ids: list[UUID]
) -> Record:
    """What filing a report at the WGS-84 point needs to know, in one statement:

    - the category's rules, when it exists and is active (`code` NULL otherwise);
    - `in_area`: whether the point is in the service area (NULL when none is configured);
    - the listed photos, in order: each one's owner (NULL: no such processed photo; media's view photo_refs),
      EXIF position and whether a report already uses it;
    - the open, visible case of the category it would join (`joinable_id`, `joinable_state`): the nearest within
      the category's join radius and window, locked."""
    row = await conn.fetchrow(
        f"""WITH cat AS (
                SELECT code, citizen_reportable, min_photos, needs_verification, join_radius_m, join_window_hours
                FROM categories WHERE code = $3 AND active
            ), joinable AS (
                SELECT c.id, c.state FROM cases c, cat
                WHERE {_near("$1", "$2", "cat.join_radius_m::float8")} AND c.category_code = cat.code
                  AND c.state NOT IN {FINISHED_STATES_SQL} AND c.hidden_at IS NULL
                  AND c.created_at > now() - make_interval(hours => cat.join_window_hours)
                ORDER BY c.location::geography <-> ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography
                LIMIT 1 FOR UPDATE OF c
            ), listed AS (
                SELECT array_agg(v.owner_id ORDER BY p.ord) AS owners,
                       array_agg(v.exif_lat ORDER BY p.ord) AS exif_lats,
                       array_agg(v.exif_lon ORDER BY p.ord) AS exif_lons,
                       array_agg(EXISTS (SELECT 1 FROM report_photos rp WHERE rp.photo_id = p.id) ORDER BY p.ord)
                           AS in_use
                FROM unnest($4::uuid[]) WITH ORDINALITY AS p (id, ord) LEFT JOIN photo_refs v ON v.id = p.id
            )
            SELECT cat.*,
                   (SELECT bool_or(ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $1), 4326)))
                    FROM service_areas WHERE active) AS in_area,
                   coalesce(listed.owners, '{{}}') AS photo_owners,
                   coalesce(listed.exif_lats, '{{}}') AS exif_lats,
                   coalesce(listed.exif_lons, '{{}}') AS exif_lons,
                   coalesce(listed.in_use, '{{}}') AS photos_in_use,
                   joinable.id AS joinable_id, joinable.state AS joinable_state
            FROM listed LEFT JOIN cat ON true LEFT JOIN joinable ON true""",
        lat,
        lon,
        category,
        photo_ids,
    )
    assert row is not None
    return row


async def add_reporter(conn: asyncpg.Connection, case_id: UUID) -> None:
    await conn.execute(
        "UPDATE cases SET reporter_count = reporter_count + 1, updated_at = now() WHERE id = $1", case_id
    )


async def file_report(
    conn: asyncpg.Connection, *, day: date, photo_ids: list[UUID], **fields: Any
) -> Record | None:
    """The new report in one statement: its number (the day, YYYYMMDD, then the day's sequence, at least five
    digits: 2026120100042), the row, its photos in order, and its reporter following the case. Returns its id,
    number and time; None when the reporter already has a report with this client_id (a twin request, committed
    first: the unique constraint decides, waiting for a twin still in flight), and then nothing is written.
    `created_at` (optional): when it was filed, for a report filed after the fact (default: the transaction's time)."""
    return await conn.fetchrow(
        """WITH n AS (SELECT next_report_number($16) AS seq),
           r AS (
               INSERT INTO reports (number, case_id, reporter_id, client_id, category_code, description, location,
                                    original_lat, original_lon, original_crs, address, anonymous, location_mismatch,
                                    joined_existing, created_at)
               SELECT to_char($16::date, 'YYYYMMDD') || lpad(n.seq::text, greatest(5, length(n.seq::text)), '0'),
                      $1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($7, $6), 4326), $8, $9, $10, $11, $12, $13, $14,
                      coalesce($17, now())
               FROM n
               ON CONFLICT (reporter_id, client_id) DO NOTHING
               RETURNING id, number, created_at, case_id, reporter_id
           ), photos AS (
               INSERT INTO report_photos (report_id, photo_id, position)
               SELECT r.id, p.photo_id, p.ord - 1 FROM r, unnest($15::uuid[]) WITH ORDINALITY AS p (photo_id, ord)
           ), followed AS (
               INSERT INTO case_followers (case_id, user_id) SELECT case_id, reporter_id FROM r ON CONFLICT DO NOTHING
           )
           SELECT id, number, created_at FROM r""",
        fields["case_id"],
        fields["reporter_id"],
        fields["client_id"],
        fields["category"],
        fields["description"],
        fields["lat"],
        fields["lon"],
        fields["original_lat"],
        fields["original_lon"],
        fields["original_crs"],
        fields["address"],
        fields["anonymous"],
        fields["location_mismatch"],
        fields["joined_existing"],
        photo_ids,
        day,
        fields.get("created_at"),
    )


_REPORT_SELECT = """
    SELECT r.id, r.number, r.case_id, r.reporter_id, r.client_id, r.category_code, r.description,
           ST_Y(r.location) AS lat, ST_X(r.location) AS lon, r.original_lat, r.original_lon, r.original_crs,
           r.address, r.anonymous, r.location_mismatch, r.joined_existing, r.created_at,
           r.hidden_at IS NOT NULL OR c.hidden_at IS NOT NULL AS hidden,
           coalesce(r.hidden_reason, c.hidden_reason) AS hidden_reason,
           c.state, c.reporter_count, c.updated_at AS case_updated_at,
           coalesce((SELECT array_agg(p.photo_id ORDER BY p.position) FROM report_photos p WHERE p.report_id = r.id),
                    '{}') AS photo_ids
    FROM reports r JOIN cases c ON c.id = r.case_id
"""


async def get_report(conn: asyncpg.Connection, report_id: UUID) -> Record | None:
    return await conn.fetchrow(_REPORT_SELECT + " WHERE r.id = $1", report_id)


async def get_report_by_client_id(
    conn: asyncpg.Connection, reporter_id: UUID, client_id: str
) -> Record | None:
    return await conn.fetchrow(
        _REPORT_SELECT + " WHERE r.reporter_id = $1 AND r.client_id = $2", reporter_id, client_id
    )


async def reports_by_reporter(
    conn: asyncpg.Connection, reporter_id: UUID, before: tuple[datetime, UUID] | None, limit: int
) -> list[Record]:
    return await conn.fetch(
        _REPORT_SELECT
        + """ WHERE r.reporter_id = $1 AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2, $3::uuid))
              ORDER BY r.created_at DESC, r.id DESC LIMIT $4""",
        reporter_id,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


async def nearby_open_cases(
    conn: asyncpg.Connection, lat: float, lon: float, category: str, radius_m: int, limit: int
) -> list[Record]:
    """Open, visible cases of a category within the radius, nearest first, each with its first report."""
    return await conn.fetch(
        f"""SELECT c.id AS case_id, c.state, c.reporter_count, c.created_at, c.category_code,
                   ST_Y(c.location) AS lat, ST_X(c.location) AS lon,
                   ST_Distance(c.location::geography, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography) AS distance_m,
                   first.id AS report_id, first.number, first.description
            FROM cases c
            JOIN LATERAL (SELECT r.id, r.number, r.description FROM reports r
                          WHERE r.case_id = c.id AND r.hidden_at IS NULL ORDER BY r.created_at LIMIT 1) first ON true
            WHERE {_near("$1", "$2", "$3")} AND c.category_code = $4 AND c.state NOT IN {FINISHED_STATES_SQL} AND c.hidden_at IS NULL
            ORDER BY distance_m LIMIT $5""",
        lat,
        lon,
        float(radius_m),
        category,
        limit,
    )


async def follow(conn: asyncpg.Connection, case_id: UUID, user_id: UUID) -> bool:
    status = await conn.execute(
        "INSERT INTO case_followers (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        case_id,
        user_id,
    )
    return status == "INSERT 0 1"


async def is_following(conn: asyncpg.Connection, case_id: UUID, user_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM case_followers WHERE case_id = $1 AND user_id = $2)", case_id, user_id
    )
    return found


async def unfollow(conn: asyncpg.Connection, case_id: UUID, user_id: UUID) -> bool:
    status = await conn.execute(
        "DELETE FROM case_followers WHERE case_id = $1 AND user_id = $2", case_id, user_id
    )
    return status != "DELETE 0"


async def reports_case(conn: asyncpg.Connection, case_id: UUID, user_id: UUID) -> bool:
    """Whether the user has a report on the case that moderation has not hidden (the notifications fan-out
    tells such reporters of the case's progress)."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM reports WHERE case_id = $1 AND reporter_id = $2 AND hidden_at IS NULL)",
        case_id,
        user_id,
    )
    return found


async def hide_report(conn: asyncpg.Connection, report_id: UUID, reason: str) -> None:
    await conn.execute(
        "UPDATE reports SET hidden_at = now(), hidden_reason = $2 WHERE id = $1", report_id, reason
    )


async def hide_case_if_all_reports_hidden(conn: asyncpg.Connection, case_id: UUID, reason: str) -> None:
    await conn.execute(
        """UPDATE cases SET hidden_at = now(), hidden_reason = $2, updated_at = now(), version = version + 1
           WHERE id = $1 AND hidden_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM reports WHERE case_id = $1 AND hidden_at IS NULL)""",
        case_id,
        reason,
    )


async def recategorise(conn: asyncpg.Connection, report_id: UUID, case_id: UUID, category: str) -> None:
    await conn.execute("UPDATE reports SET category_code = $2 WHERE id = $1", report_id, category)
    await conn.execute(
        "UPDATE cases SET category_code = $2, updated_at = now(), version = version + 1 WHERE id = $1",
        case_id,
        category,
    )


async def photo_cases(conn: asyncpg.Connection, photo_id: UUID) -> list[Record]:
    """The cases a photo belongs to: through a report, or as evidence in a case event (verify, handle, check)."""
    return await conn.fetch(
        """SELECT c.id, c.district_code, c.department_code, c.inspector_id, c.hidden_at FROM cases c
           WHERE c.id IN (SELECT r.case_id FROM report_photos rp JOIN reports r ON r.id = rp.report_id
                          WHERE rp.photo_id = $1
                          UNION SELECT e.case_id FROM case_events e WHERE e.photo_ids @> ARRAY[$1::uuid])
           ORDER BY c.id""",
        photo_id,
    )


async def photo_is_public(conn: asyncpg.Connection, photo_id: UUID) -> bool:
    """A photo of a report that the public may see (neither the report nor its case is hidden)."""
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM report_photos rp JOIN reports r ON r.id = rp.report_id
                          JOIN cases c ON c.id = r.case_id
                          WHERE rp.photo_id = $1 AND r.hidden_at IS NULL AND c.hidden_at IS NULL)""",
        photo_id,
    )
    return found
