-- Routing as one SQL function, owned by the grids (cases/grids/): where a case of a category at a WGS-84 point goes
-- at a time, with the reason for each part of the decision. cases/grids/routing.py documents the rules and reads
-- the decision for previews (the CLI's `grids route`); the workflow's intake (cases/workflow/store.insert_case)
-- routes inside the statement that writes the case, so a new case is routed, written and given its `routed` event
-- in one round trip. A change of the rules is a new migration that replaces this function.
--
-- route_case(lat, lon, category, at) returns NULL when the category does not exist, else the decision as JSON:
--   queue "inspector" | "intake", unit_grid_id, unit_grid_code, responsibility_grid_id, responsibility_grid_code,
--   district_code, inspector_id, department_code, and reason: {point, at, unit_grid, responsibility_grid (when
--   there is a unit grid), inspector, queue, department}, each part's `rule` naming why.
-- Times in the reason are ISO 8601 in UTC, "2026-11-01T08:00:00.5+00:00", whatever the session's time zone.

CREATE FUNCTION iso_utc(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT (to_jsonb(t AT TIME ZONE 'UTC') #>> '{}') || '+00:00'  -- to_char costs a tenth of a millisecond more
$$;

CREATE FUNCTION route_case(p_lat float8, p_lon float8, p_category text, p_at timestamptz) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$  -- plpgsql: its statement's plan is kept for the session's later calls
BEGIN RETURN (
WITH units AS (  -- 1. the unit grids covering the point (a border counts as inside); the smallest code wins
    SELECT g.id, g.code, g.district_code, g.responsibility_grid_id, g.responsibility_link
    FROM unit_grids g
    WHERE ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326))
    ORDER BY g.code LIMIT 8
),
unit AS (SELECT * FROM units ORDER BY code LIMIT 1),
resp AS (SELECT r.id, r.code FROM responsibility_grids r JOIN unit ON r.id = unit.responsibility_grid_id),
duties AS (  -- 3. inspectors on duty for the responsibility grid (2.) at `at`, enabled, still inspectors
    SELECT d.id, d.user_id, d.starts_at, d.ends_at
    FROM inspector_duties d JOIN resp ON d.responsibility_grid_id = resp.id
    JOIN users u ON u.id = d.user_id AND u.disabled_at IS NULL
    WHERE d.starts_at <= p_at AND (d.ends_at IS NULL OR d.ends_at > p_at)
      AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = d.user_id AND ur.role = 'inspector')
),
duty AS (SELECT * FROM duties ORDER BY starts_at, user_id LIMIT 1),
dept AS (  -- 4. the category's department in the unit's district, else in any district, else its default
    SELECT cd.department_code, cd.district_code FROM category_departments cd
    WHERE cd.category_code = p_category
      AND (cd.district_code IS NULL OR cd.district_code = (SELECT district_code FROM unit))
    ORDER BY cd.district_code NULLS LAST LIMIT 1
),
d AS (
    SELECT unit.id AS unit_id, unit.code AS unit_code, unit.district_code, unit.responsibility_link,
           resp.id AS resp_id, resp.code AS resp_code,
           duty.id AS duty_id, duty.user_id AS inspector_id, duty.starts_at, duty.ends_at,
           (SELECT count(*) FROM duties) AS on_duty,
           coalesce((SELECT array_agg(code ORDER BY code) FROM units), '{}') AS candidates,
           CASE WHEN duty.user_id IS NULL THEN 'intake' ELSE 'inspector' END AS queue,
           dept.department_code AS linked_department, dept.district_code AS linked_district,
           c.default_department
    FROM categories c
    LEFT JOIN unit ON true LEFT JOIN resp ON true LEFT JOIN duty ON true LEFT JOIN dept ON true
    WHERE c.code = p_category
)
SELECT jsonb_build_object(
    'queue', d.queue,
    'unit_grid_id', d.unit_id,
    'unit_grid_code', d.unit_code,
    'responsibility_grid_id', d.resp_id,
    'responsibility_grid_code', d.resp_code,
    'district_code', d.district_code,
    'inspector_id', d.inspector_id,
    'department_code', coalesce(d.linked_department, d.default_department),
    'reason', jsonb_build_object(
        'point', jsonb_build_object('lat', p_lat, 'lon', p_lon, 'crs', 'wgs84'),
        'at', iso_utc(p_at),
        'unit_grid', CASE
            WHEN d.unit_id IS NULL THEN jsonb_build_object('rule', 'outside_all_grids')
            WHEN cardinality(d.candidates) > 1 THEN jsonb_build_object(
                'code', d.unit_code, 'rule', 'on_shared_border', 'candidates', to_jsonb(d.candidates),
                'tie_break', 'smallest_code')
            ELSE jsonb_build_object('code', d.unit_code, 'rule', 'covers_point')
        END,
        'inspector', CASE
            WHEN d.inspector_id IS NULL THEN jsonb_build_object('rule', CASE
                WHEN d.unit_id IS NULL THEN 'outside_all_grids'
                WHEN d.resp_id IS NULL THEN 'unit_grid_unassigned'
                ELSE 'nobody_on_duty' END)
            ELSE jsonb_build_object(
                'user_id', d.inspector_id, 'duty_id', d.duty_id, 'starts_at', iso_utc(d.starts_at),
                'ends_at', iso_utc(d.ends_at), 'rule', 'on_duty')
                || CASE WHEN d.on_duty > 1
                        THEN jsonb_build_object('on_duty', d.on_duty, 'tie_break', 'earliest_start_then_user_id')
                        ELSE '{}' END
        END,
        'queue', d.queue,
        'department', CASE
            WHEN d.linked_department IS NOT NULL THEN jsonb_build_object(
                'code', d.linked_department,
                'rule', CASE WHEN d.linked_district IS NULL THEN 'category_any_district' ELSE 'category_in_district' END,
                'district_code', d.linked_district)
            WHEN d.default_department IS NOT NULL THEN jsonb_build_object(
                'code', d.default_department, 'rule', 'category_default')
            ELSE jsonb_build_object('rule', 'none')
        END
    ) || CASE
        WHEN d.unit_id IS NULL THEN '{}'
        WHEN d.resp_id IS NULL THEN jsonb_build_object(
            'responsibility_grid', jsonb_build_object('rule', 'unit_grid_unassigned'))
        ELSE jsonb_build_object(
            'responsibility_grid', jsonb_build_object('code', d.resp_code, 'rule', d.responsibility_link))
    END
)
FROM d
); END $$;

-- Media's photos as other domains may refer to them (a report's or an announcement's photos): whose, and where
-- the camera said it was. cases/ reads this view, never the photos table.
CREATE VIEW photo_refs AS
    SELECT id, owner_id, taken_at, ST_Y(exif_location) AS exif_lat, ST_X(exif_location) AS exif_lon FROM photos;
