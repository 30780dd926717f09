-- Indicators (综合评价, DOMAIN.md section 3): the weights of the weighted scores as data an admin can change;
-- the indexes the indicator queries of cases/indicators.py need at city scale, and one for the overdue queues.

-- One row per (kind, indicator): the weight of the indicator in the score of a group of that kind, in points
-- out of 100 (the weights of a kind add up to 100; the API checks it). kind = the grouping of
-- GET /v1/stats/indicators. An indicator without a row weighs 0. Defaults: the published weightings
-- (DOMAIN.md section 3); a grid is scored like the inspectors who patrol it.
CREATE TABLE indicator_weights (
    kind        text NOT NULL CHECK (kind IN ('department', 'inspector', 'grid', 'district')),
    indicator   text NOT NULL CHECK (indicator ~ '^[a-z_]{1,40}$'),
    weight      numeric(5, 2) NOT NULL CHECK (weight >= 0 AND weight <= 100),
    updated_by  uuid REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, indicator)
);

INSERT INTO indicator_weights (kind, indicator, weight) VALUES
    -- inspector: 有效上报率×40% + (1−漏报率)×20% + 按时核实率×20% + 按时核查率×20%
    ('inspector', 'effective_report_rate', 40),
    ('inspector', 'missed_report_rate', 20),
    ('inspector', 'verify_on_time_rate', 20),
    ('inspector', 'check_on_time_rate', 20),
    -- grid (the team that patrols it): as the inspector
    ('grid', 'effective_report_rate', 40),
    ('grid', 'missed_report_rate', 20),
    ('grid', 'verify_on_time_rate', 20),
    ('grid', 'check_on_time_rate', 20),
    -- district (shift lead): 按时立案率×25% + 准确立案率×40% + 按时结案率×35%
    ('district', 'register_on_time_rate', 25),
    ('district', 'register_accuracy_rate', 40),
    ('district', 'close_on_time_rate', 35),
    -- department (Chengdu rule): 处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10
    ('department', 'handle_rate', 30),
    ('department', 'handle_on_time_rate', 20),
    ('department', 'rework_rate', 20),
    ('department', 'overdue_open_rate', 20),
    ('department', 'extension_rate', 10);

-- Steps by due time: every step-based indicator takes the steps due in its window.
CREATE INDEX case_deadlines_due ON case_deadlines (due_at);
-- Cases by registration time: 准确立案率 and 漏报率.
CREATE INDEX cases_registered ON cases (registered_at) WHERE registered_at IS NOT NULL;
-- Deferrals and parkings of a case: a step that was paused leaves the denominators.
CREATE INDEX case_events_pauses ON case_events (case_id, at) WHERE kind IN ('defer', 'park');

-- Open, running steps by due time: the overdue and due-soon queues (GET /v1/cases?overdue=true) walk it in
-- deadline order instead of sorting every open step of the city (bench/queues.py).
CREATE INDEX case_deadlines_open_due ON case_deadlines (due_at, case_id)
    WHERE completed_at IS NULL AND paused_at IS NULL;
