-- Housing I: estates (小区) and their published fee standards, buildings, homes with their three areas, the
-- owners register with its history, the log of register imports, and residents' bindings to homes.
-- The roles property_staff (scope: estate) and housing_officer (scope: district) join the role enum.

-- ALTER TYPE ... ADD VALUE may run in a transaction block; the new values are used by later transactions only.
ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'property_staff';
ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'housing_officer';

-- An estate and its public page. location: the WGS-84 point (the estate's gate or centre); the point as it was
-- given is kept with its system (wgs84, gcj02, bd09). boundary: optional, WGS-84. service_grade: the grade of the
-- service contract, 1 = 一级 (the highest), 2 = 二级, 3 = 三级. Role scopes of kind 'estate' name estates.id as text.
CREATE TABLE estates (
    id                uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    address           text NOT NULL CHECK (length(address) BETWEEN 1 AND 200),
    district_code     text NOT NULL CHECK (district_code ~ '^[1-8][0-9]{5}$'),
    location          geometry(Point, 4326) NOT NULL,
    location_original jsonb NOT NULL,  -- {"lat": .., "lon": .., "crs": "gcj02"}
    boundary          geometry(MultiPolygon, 4326) CHECK (boundary IS NULL OR (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary))),
    property_company  text NOT NULL CHECK (length(property_company) BETWEEN 1 AND 100),
    service_grade     smallint NOT NULL CHECK (service_grade BETWEEN 1 AND 3),
    service_content   text NOT NULL DEFAULT '' CHECK (length(service_content) <= 4000),
    contact_name      text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 64),
    contact_phone     text CHECK (contact_phone ~ '^\+[1-9][0-9]{6,14}$'),
    office_hours      text NOT NULL DEFAULT '' CHECK (length(office_hours) <= 100),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX estates_district ON estates (district_code, name, id);

-- The fee standards an estate publishes (收费公示): one row per fee item, in the order shown. This is the
-- publication only; the fee items that billing applies are kept by the billing tables.
CREATE TABLE estate_fee_standards (
    estate_id  uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    position   smallint NOT NULL CHECK (position >= 0),
    item       text NOT NULL CHECK (length(item) BETWEEN 1 AND 50),
    price_fen  bigint NOT NULL CHECK (price_fen BETWEEN 0 AND 100000000),
    basis      text NOT NULL CHECK (basis IN ('per_m2_month', 'per_m2_season', 'per_space_month', 'per_home_month',
                                              'per_m3', 'per_kwh', 'flat')),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    PRIMARY KEY (estate_id, position)
);

CREATE TABLE buildings (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id   uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),  -- 3号楼
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (estate_id, name),
    UNIQUE (id, estate_id)
);

-- A home (专有部分): building, entrance (单元, '' when the building has one), floor (negative below ground),
-- room. Areas in integer hundredths of m²: register (产权面积), surveyed (实测面积), contract (合同面积). The area
-- that counts is the register area when present, else surveyed, else contract (DOMAIN.md §8; the same rule as
-- housing.areas.counted_area).
CREATE TABLE homes (
    id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id      uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    building_id    uuid NOT NULL,
    entrance       text NOT NULL DEFAULT '' CHECK (length(entrance) <= 20),
    floor          smallint NOT NULL CHECK (floor BETWEEN -10 AND 300 AND floor <> 0),
    room           text NOT NULL CHECK (length(room) BETWEEN 1 AND 20),
    register_area  bigint CHECK (register_area > 0),
    surveyed_area  bigint CHECK (surveyed_area > 0),
    contract_area  bigint CHECK (contract_area > 0),
    area_counted   bigint NOT NULL GENERATED ALWAYS AS (coalesce(register_area, surveyed_area, contract_area)) STORED,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (building_id, estate_id) REFERENCES buildings (id, estate_id) ON DELETE CASCADE,
    UNIQUE (building_id, entrance, room)
);
CREATE INDEX homes_estate ON homes (estate_id);

-- The owners register with its history: who owns a home from owned_from until owned_until (exclusive; NULL =
-- today's owner). Co-owners are several rows of one home; an unsold home is owned by the developer (kind
-- 'developer'). A register import that changes a home's owners ends the old rows and adds new ones on its
-- effective date, so billing can prorate by days.
CREATE TABLE home_owners (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    home_id      uuid NOT NULL REFERENCES homes (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('person', 'developer')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    phone        text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    owned_from   date NOT NULL,
    owned_until  date CHECK (owned_until > owned_from),
    import_id    uuid
);
CREATE INDEX home_owners_current ON home_owners (home_id) WHERE owned_until IS NULL;
CREATE INDEX home_owners_phone ON home_owners (phone) WHERE owned_until IS NULL AND phone IS NOT NULL;

-- Every register import, accepted, dry run or refused (a refusal's row is committed though nothing else is).
CREATE TABLE register_imports (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id       uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    file_name       text NOT NULL,
    sha256          text NOT NULL,
    format          text NOT NULL,
    encoding        text,
    outcome         text NOT NULL CHECK (outcome IN ('imported', 'dry_run', 'refused')),
    effective_date  date NOT NULL,
    counts          jsonb NOT NULL DEFAULT '{}',
    problems        jsonb NOT NULL DEFAULT '[]',
    problem_count   int NOT NULL DEFAULT 0,
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    actor_label     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX register_imports_estate ON register_imports (estate_id, created_at DESC);

-- A resident's binding to a home, as owner (业主), family (家属) or tenant (租户). An owner whose phone is in the
-- register is bound at once (via 'register'); any other request waits ('pending') until the estate's property
-- staff or an owner of the home approves ('active', via 'approval') or refuses it. Bindings end; none is deleted.
CREATE TABLE home_bindings (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    home_id         uuid NOT NULL REFERENCES homes (id) ON DELETE CASCADE,
    estate_id       uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    relation        text NOT NULL CHECK (relation IN ('owner', 'family', 'tenant')),
    state           text NOT NULL CHECK (state IN ('pending', 'active', 'refused', 'ended')),
    via             text CHECK (via IN ('register', 'approval')),
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    requested_at    timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    decided_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    decision_note   text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 200),
    ended_at        timestamptz,
    ended_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    end_reason      text NOT NULL DEFAULT '' CHECK (length(end_reason) <= 200),
    CHECK (state <> 'active' OR via IS NOT NULL),
    CHECK ((state = 'ended') = (ended_at IS NOT NULL))
);
-- one open (pending or active) binding per person and home
CREATE UNIQUE INDEX home_bindings_open ON home_bindings (home_id, user_id) WHERE state IN ('pending', 'active');
CREATE INDEX home_bindings_user ON home_bindings (user_id, id);
CREATE INDEX home_bindings_estate_pending ON home_bindings (estate_id, requested_at, id) WHERE state = 'pending';
