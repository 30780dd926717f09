-- Categories, departments, the service area, cases, citizens' reports, followers, case events,
-- report numbers and idempotency keys.

CREATE TABLE departments (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_-]{2,32}$'),
    name_zh     text NOT NULL,
    name_en     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A catalogue of categories, loaded from a file with a version (GB/T 30428.2 old codes, GB/T 47678.5 new).
CREATE TABLE category_catalogues (
    version     text PRIMARY KEY,
    title       text NOT NULL,
    source      text NOT NULL,
    active      boolean NOT NULL DEFAULT false,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX category_catalogues_one_active ON category_catalogues (active) WHERE active;

CREATE TABLE category_groups (
    catalogue_version  text NOT NULL REFERENCES category_catalogues (version),
    kind               text NOT NULL CHECK (kind IN ('component', 'event')),
    major              text NOT NULL CHECK (major ~ '^[0-9]{2}$'),
    name_zh            text NOT NULL,
    name_en            text NOT NULL,
    PRIMARY KEY (catalogue_version, kind, major)
);

-- code: C (部件 component) or E (事件 event), then the catalogue's own digits: C0101, E0102, E06010.
CREATE TABLE categories (
    code                 text PRIMARY KEY CHECK (code ~ '^[CE][0-9]{4,5}$'),
    catalogue_version    text NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('component', 'event')),
    major                text NOT NULL,
    name_zh              text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 64),
    name_en              text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 128),
    default_department   text REFERENCES departments (code),
    limit_urgent_hours   numeric(6, 2) NOT NULL CHECK (limit_urgent_hours > 0),
    limit_normal_hours   numeric(6, 2) NOT NULL CHECK (limit_normal_hours > 0),
    citizen_reportable   boolean NOT NULL DEFAULT true,
    needs_verification   boolean NOT NULL DEFAULT true,
    duplicate_radius_m   int NOT NULL DEFAULT 250 CHECK (duplicate_radius_m BETWEEN 10 AND 1000),
    join_radius_m        int NOT NULL DEFAULT 50 CHECK (join_radius_m BETWEEN 0 AND 1000),
    join_window_hours    int NOT NULL DEFAULT 24 CHECK (join_window_hours BETWEEN 0 AND 720),
    min_photos           int NOT NULL DEFAULT 0 CHECK (min_photos BETWEEN 0 AND 6),
    active               boolean NOT NULL DEFAULT true,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (catalogue_version, kind, major) REFERENCES category_groups (catalogue_version, kind, major)
);

CREATE TABLE service_areas (
    id          int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_areas_geom ON service_areas USING gist (geom);

CREATE TABLE cases (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    category_code   text NOT NULL REFERENCES categories (code),
    state           text NOT NULL DEFAULT 'reported',
    source          text NOT NULL CHECK (source IN ('citizen', 'inspector', 'hotline', 'video', 'higher')),
    urgent          boolean NOT NULL DEFAULT false,
    location        geometry(Point, 4326) NOT NULL,
    address         text,
    description     text NOT NULL DEFAULT '',
    reporter_count  int NOT NULL DEFAULT 1,
    version         int NOT NULL DEFAULT 1,
    hidden_at       timestamptz,
    hidden_reason   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz
);
CREATE INDEX cases_location ON cases USING gist (location);
CREATE INDEX cases_open_by_category ON cases (category_code, created_at)
    WHERE state NOT IN ('closed', 'rejected', 'voided');
CREATE INDEX cases_updated ON cases (updated_at, id);

CREATE TABLE reports (
    id                 uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    number             text NOT NULL UNIQUE,
    case_id            uuid NOT NULL REFERENCES cases (id),
    reporter_id        uuid NOT NULL REFERENCES users (id),
    client_id          text CHECK (length(client_id) BETWEEN 1 AND 64),
    category_code      text NOT NULL REFERENCES categories (code),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    location           geometry(Point, 4326) NOT NULL,
    original_lat       double precision NOT NULL,
    original_lon       double precision NOT NULL,
    original_crs       text NOT NULL CHECK (original_crs IN ('wgs84', 'gcj02', 'bd09')),
    address            text CHECK (length(address) <= 200),
    anonymous          boolean NOT NULL DEFAULT false,
    location_mismatch  boolean NOT NULL DEFAULT false,
    joined_existing    boolean NOT NULL DEFAULT false,
    hidden_at          timestamptz,
    hidden_reason      text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reporter_id, client_id)
);
CREATE INDEX reports_case ON reports (case_id);
CREATE INDEX reports_reporter ON reports (reporter_id, created_at DESC, id DESC);

CREATE TABLE report_photos (
    report_id  uuid NOT NULL REFERENCES reports (id),
    photo_id   uuid NOT NULL UNIQUE REFERENCES photos (id),
    position   smallint NOT NULL,
    PRIMARY KEY (report_id, photo_id)
);

CREATE TABLE case_followers (
    case_id     uuid NOT NULL REFERENCES cases (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_followers_user ON case_followers (user_id);

-- Everything that happens to a case: who, when, from which state to which, a note, photos, and whether
-- the public timeline shows it.
CREATE TABLE case_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid REFERENCES users (id),
    kind        text NOT NULL,
    from_state  text,
    to_state    text,
    note        text NOT NULL DEFAULT '',
    photo_ids   uuid[] NOT NULL DEFAULT '{}',
    public      boolean NOT NULL DEFAULT false,
    data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Report numbers people read aloud: local date + a daily sequence (2026112200042).
CREATE TABLE report_number_counters (
    day   date PRIMARY KEY,
    last  int NOT NULL
);

-- Retried writes: the same key and body give the stored response; kept 24 hours.
CREATE TABLE idempotency_keys (
    user_id      uuid NOT NULL REFERENCES users (id),
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    status       int,
    body         jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
