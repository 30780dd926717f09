-- The closed loop of a case: routing, the workflow state, working-time deadlines per step, ratings, and the
-- outbox that carries side effects (notifications deliver it).

ALTER TABLE cases
    ADD COLUMN unit_grid_id            uuid,
    ADD COLUMN responsibility_grid_id  uuid,
    ADD COLUMN district_code           text,
    ADD COLUMN department_code         text REFERENCES departments (code),
    ADD COLUMN inspector_id            uuid REFERENCES users (id),
    ADD COLUMN needs_verification      boolean NOT NULL DEFAULT true,
    ADD COLUMN resume_state            text,
    ADD COLUMN round                   int NOT NULL DEFAULT 1,
    ADD COLUMN registered_at           timestamptz;

CREATE INDEX cases_state ON cases (state, id);
CREATE INDEX cases_department_state ON cases (department_code, state, id);
CREATE INDEX cases_district_state ON cases (district_code, state, id);
CREATE INDEX cases_grid ON cases (responsibility_grid_id, state);
CREATE INDEX cases_inspector ON cases (inspector_id) WHERE inspector_id IS NOT NULL;

-- Limits of the steps a case goes through, in hours of working time (or wall-clock when working = false).
-- Local rules (DOMAIN.md section 2): data an admin can change, not constants. Handling takes the category's
-- own urgent or normal limit instead of a row here.
CREATE TABLE step_limits (
    step     text PRIMARY KEY CHECK (step IN ('verify', 'register', 'dispatch', 'accept', 'handle', 'check', 'close')),
    hours    numeric(6, 2) NOT NULL CHECK (hours > 0),
    working  boolean NOT NULL DEFAULT true
);
INSERT INTO step_limits (step, hours, working) VALUES
    ('verify', 1, true),      -- Fuzhou: verify + register + dispatch within 1 working hour
    ('register', 0.5, true),  -- Taiyuan: register + dispatch 30 min (normal)
    ('dispatch', 0.5, true),
    ('accept', 1, true),      -- Fuzhou: a department signs for a case within 1 hour
    ('check', 1, true),       -- Taiyuan: check a fix within 1 h in the city
    ('close', 2, true);

-- One row per step of a case and round: when it started, when it is due, when it was done. Deferral and
-- parking pause the open step; an approved extension moves due_at. Indicators are computed from these rows.
CREATE TABLE case_deadlines (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id              uuid NOT NULL REFERENCES cases (id),
    round                int NOT NULL,
    step                 text NOT NULL,
    assignee_id          uuid REFERENCES users (id),
    department_code      text REFERENCES departments (code),
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
CREATE UNIQUE INDEX case_deadlines_one_open_step ON case_deadlines (case_id) WHERE completed_at IS NULL;
CREATE INDEX case_deadlines_case ON case_deadlines (case_id, id);
CREATE INDEX case_deadlines_due_soon ON case_deadlines (due_soon_at)
    WHERE completed_at IS NULL AND paused_at IS NULL AND due_soon_emitted_at IS NULL;
CREATE INDEX case_deadlines_overdue ON case_deadlines (due_at)
    WHERE completed_at IS NULL AND paused_at IS NULL AND overdue_emitted_at IS NULL;
CREATE INDEX case_deadlines_assignee ON case_deadlines (assignee_id, due_at) WHERE completed_at IS NULL;
CREATE INDEX case_deadlines_started ON case_deadlines (started_at);

-- A reporter's verdict after closure; "not fixed" within the window reopens the case.
CREATE TABLE case_ratings (
    case_id     uuid NOT NULL REFERENCES cases (id),
    round       int NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id),
    fixed       boolean NOT NULL,
    score       smallint CHECK (score BETWEEN 1 AND 5),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, round, user_id)
);

-- Side effects, written in the transaction of the change that caused them; payloads carry ids only.
CREATE TABLE outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic         text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    available_at  timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
    attempts      int NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX outbox_pending ON outbox (available_at, id) WHERE status = 'pending';
