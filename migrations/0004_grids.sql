-- Grids (单元网格 unit grids, 责任网格 responsibility grids), inspectors on duty, category → department
-- links per district, and the log of grid imports. Routing is data: these rows decide where a case goes.

-- A responsibility grid: one inspector team's patrol area. Code: district (GB/T 2260, 6 digits) + a 3-digit
-- sequence within the district, e.g. 110101001 (cases/grids.py validates the finer rules).
-- unit_codes: the unit grids the import file listed for it; NULL = its unit grids are the ones whose
-- PointOnSurface lies inside its polygon.
CREATE TABLE responsibility_grids (
    id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    code           text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{9}$'),
    name           text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    district_code  text NOT NULL GENERATED ALWAYS AS (substr(code, 1, 6)) STORED,
    unit_codes     text[],
    geom           geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX responsibility_grids_geom ON responsibility_grids USING gist (geom);

-- A unit grid (about 10,000 m²). Code: district(6) + street(3) + community(3) + grid(3) = 15 digits (the
-- Beijing form), or the same ending in a 2-digit grid number = 14 digits. Kept as text; the parts are derived.
CREATE TABLE unit_grids (
    id                      uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    code                    text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{14,15}$'),
    name                    text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    district_code           text NOT NULL GENERATED ALWAYS AS (substr(code, 1, 6)) STORED,
    street_code             text NOT NULL GENERATED ALWAYS AS (substr(code, 7, 3)) STORED,
    community_code          text NOT NULL GENERATED ALWAYS AS (substr(code, 10, 3)) STORED,
    responsibility_grid_id  uuid REFERENCES responsibility_grids (id) ON DELETE SET NULL,
    -- how the responsibility grid was found: listed by it in the import file, or containing the unit's
    -- PointOnSurface
    responsibility_link     text CHECK (responsibility_link IN ('listed', 'contained')),
    geom                    geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    area_m2                 double precision NOT NULL GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK ((responsibility_grid_id IS NULL) = (responsibility_link IS NULL))
);
CREATE INDEX unit_grids_geom ON unit_grids USING gist (geom);
CREATE INDEX unit_grids_responsibility ON unit_grids (responsibility_grid_id);

-- An inspector on duty for a responsibility grid from starts_at until ends_at (NULL: until further notice).
-- "Who is on duty at t for grid g": the index gives g's duties in start order; ends_at and user_id ride along.
CREATE TABLE inspector_duties (
    id                      uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    user_id                 uuid NOT NULL REFERENCES users (id),
    responsibility_grid_id  uuid NOT NULL REFERENCES responsibility_grids (id),
    starts_at               timestamptz NOT NULL,
    ends_at                 timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    UNIQUE (user_id, responsibility_grid_id, starts_at)
);
CREATE INDEX inspector_duties_on_duty ON inspector_duties (responsibility_grid_id, starts_at)
    INCLUDE (ends_at, user_id);
CREATE INDEX inspector_duties_user ON inspector_duties (user_id);

-- The department that handles a category in a district; district_code NULL = in any district. Routing takes
-- (category, district), else (category, any district), else the category's default_department.
CREATE TABLE category_departments (
    category_code    text NOT NULL REFERENCES categories (code),
    district_code    text CHECK (district_code ~ '^[0-9]{6}$'),
    department_code  text NOT NULL REFERENCES departments (code),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (category_code, district_code)
);

-- Every grid import run (imported, dry run or refused), with its counts and the problems that refused it.
CREATE TABLE grid_imports (
    id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    kind         text NOT NULL CHECK (kind IN ('unit', 'responsibility')),
    file_name    text NOT NULL CHECK (length(file_name) <= 200),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    outcome      text NOT NULL CHECK (outcome IN ('imported', 'dry_run', 'refused')),
    dry_run      boolean NOT NULL,
    make_valid   boolean NOT NULL,
    counts       jsonb NOT NULL DEFAULT '{}',
    problems     jsonb NOT NULL DEFAULT '[]',
    actor_id     uuid REFERENCES users (id),
    actor_label  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grid_imports_created ON grid_imports (created_at DESC, id DESC);
CREATE INDEX grid_imports_sha256 ON grid_imports (sha256);
