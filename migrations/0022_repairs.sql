-- Repairs and complaints to the property company (报修/投诉, issue 12 section 3; DOMAIN.md §12): a second closed
-- loop on the case workflow's engine (cases/workflow/engine.py), with rows of its own. housing/repairs_workflow.py
-- holds its table (REPAIRS): reported -> accepted -> assigned (to the estate's property_staff) -> handled ->
-- confirmed by the resident -> rated. The engine writes the guarded UPDATE on (state, version) of `repairs`, an
-- event row in `repair_events` and a step row in `repair_deadlines`, shaped as it writes the city's case_events
-- and case_deadlines, and an outbox row of the topic housing.repair_transitioned.

-- A repair or a complaint. A home repair is of one home (home_id); a common-parts repair or a complaint may name a
-- building (building_id) or neither (the estate as a whole). reporter_id: the resident who reported it (bound to
-- a home of the estate). assignee_id: the property staff it is assigned to. round grows when the resident sends
-- a fix back. rating/rating_comment: the resident's verdict at the end.
CREATE TABLE repairs (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    estate_id       uuid NOT NULL REFERENCES estates (id) ON DELETE CASCADE,
    home_id         uuid REFERENCES homes (id) ON DELETE SET NULL,
    building_id     uuid REFERENCES buildings (id) ON DELETE SET NULL,
    kind            text NOT NULL CHECK (kind IN ('home_repair', 'common_repair', 'complaint')),
    urgency         text NOT NULL DEFAULT 'ordinary' CHECK (urgency IN ('emergency', 'ordinary')),
    reporter_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    assignee_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    photo_ids       uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(photo_ids) <= 9),
    state           text NOT NULL DEFAULT 'reported'
                    CHECK (state IN ('reported', 'accepted', 'assigned', 'handled', 'confirmed', 'rated')),
    resume_state    text,
    version         int NOT NULL DEFAULT 1,
    round           int NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    accepted_at     timestamptz,
    assigned_at     timestamptz,
    handled_at      timestamptz,
    confirmed_at    timestamptz,
    rated_at        timestamptz,
    rating          smallint CHECK (rating BETWEEN 1 AND 5),
    rating_comment  text NOT NULL DEFAULT '' CHECK (length(rating_comment) <= 500),
    CHECK ((kind = 'home_repair') = (home_id IS NOT NULL)),
    CHECK (kind <> 'home_repair' OR building_id IS NULL),
    CHECK ((state IN ('assigned', 'handled', 'confirmed', 'rated')) <= (assignee_id IS NOT NULL)),
    CHECK ((state = 'rated') = (rating IS NOT NULL AND rated_at IS NOT NULL))
);
CREATE INDEX repairs_estate ON repairs (estate_id, state, id);
CREATE INDEX repairs_reporter ON repairs (reporter_id, id DESC);
CREATE INDEX repairs_assignee ON repairs (assignee_id, state) WHERE assignee_id IS NOT NULL;

-- Everything that happens to a repair (as case_events for a case).
CREATE TABLE repair_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repair_id   uuid NOT NULL REFERENCES repairs (id) ON DELETE CASCADE,
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
CREATE INDEX repair_events_repair ON repair_events (repair_id, id);

-- One row per step of a repair and round (as case_deadlines, without departments).
CREATE TABLE repair_deadlines (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repair_id            uuid NOT NULL REFERENCES repairs (id) ON DELETE CASCADE,
    round                int NOT NULL,
    step                 text NOT NULL,
    assignee_id          uuid REFERENCES users (id),
    started_at           timestamptz NOT NULL DEFAULT now(),
    due_at               timestamptz NOT NULL,
    due_soon_at          timestamptz NOT NULL,
    completed_at         timestamptz,
    completed_by         uuid REFERENCES users (id),
    outcome              text,
    paused_at            timestamptz,
    due_soon_emitted_at  timestamptz,
    overdue_emitted_at   timestamptz,
    extended             boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX repair_deadlines_one_open_step ON repair_deadlines (repair_id) WHERE completed_at IS NULL;
CREATE INDEX repair_deadlines_repair ON repair_deadlines (repair_id, id);
CREATE INDEX repair_deadlines_due_soon ON repair_deadlines (due_soon_at)
    WHERE completed_at IS NULL AND paused_at IS NULL AND due_soon_emitted_at IS NULL;
CREATE INDEX repair_deadlines_overdue ON repair_deadlines (due_at)
    WHERE completed_at IS NULL AND paused_at IS NULL AND overdue_emitted_at IS NULL;
CREATE INDEX repair_deadlines_assignee ON repair_deadlines (assignee_id, due_at) WHERE completed_at IS NULL;

-- The limits of a repair's steps, as the estate's service contract says: minutes of working time (working) or of
-- calendar time, per kind, urgency and step. A row with estate_id NULL is the default every estate has until it
-- has its own. Steps: accept (respond: 响应), assign (派工), handle (reach and fix: 到场处理).
CREATE TABLE repair_limits (
    estate_id  uuid REFERENCES estates (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('home_repair', 'common_repair', 'complaint')),
    urgency    text NOT NULL CHECK (urgency IN ('emergency', 'ordinary')),
    step       text NOT NULL CHECK (step IN ('accept', 'assign', 'handle')),
    minutes    int NOT NULL CHECK (minutes BETWEEN 1 AND 525600),
    working    boolean NOT NULL DEFAULT false,
    UNIQUE NULLS NOT DISTINCT (estate_id, kind, urgency, step)
);

-- The defaults (DOMAIN.md §12, typical contract promises): an emergency answered within 30 minutes and reached
-- within 2 hours, day and night; an ordinary repair answered within 2 hours and reached within 24 hours.
INSERT INTO repair_limits (estate_id, kind, urgency, step, minutes, working)
SELECT NULL, k.kind, l.urgency, l.step, l.minutes, false
FROM (VALUES ('home_repair'), ('common_repair'), ('complaint')) AS k (kind)
CROSS JOIN (VALUES ('emergency', 'accept', 30), ('emergency', 'assign', 30), ('emergency', 'handle', 120),
                   ('ordinary', 'accept', 120), ('ordinary', 'assign', 120), ('ordinary', 'handle', 1440))
    AS l (urgency, step, minutes);
