-- Indicator rollups (issue 13): the counts the indicators (cases/stats/indicators.py) are made of, per local day of
-- the city, so that a district-month reads days and not cases. cases/stats/rollups.py writes them and says what
-- each column holds; a change of the base tables marks its case (and the old instants it moved) dirty here, by
-- statement-level triggers, and the worker recomputes the days of dirty cases. The indicators read a window from
-- the days only when every day of it is clean; otherwise they count from the base tables, as before.

CREATE TABLE indicator_rollup (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    timezone text NOT NULL,             -- the days are local days of this zone
    backfilled_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE indicator_days (
    day date NOT NULL,
    kind text NOT NULL CHECK (kind IN ('step', 'report', 'registration', 'duty')),
    step text,
    district_code text,
    grid_id uuid,
    department_code text,
    person_id uuid,
    done_day date,
    later_day date,
    on_time boolean NOT NULL DEFAULT false,
    extended boolean NOT NULL DEFAULT false,
    flag boolean NOT NULL DEFAULT false,
    voided boolean NOT NULL DEFAULT false,
    n integer NOT NULL CHECK (n > 0)
);
CREATE INDEX indicator_days_day ON indicator_days (kind, day);
CREATE INDEX indicator_days_district ON indicator_days (district_code, kind, day);

CREATE TABLE indicator_dirty (
    id bigserial PRIMARY KEY,
    case_id uuid,                       -- every day of this case
    at timestamptz,                     -- and the day of this instant (a due time or registration before a change)
    CHECK (case_id IS NOT NULL OR at IS NOT NULL)
);
CREATE INDEX indicator_dirty_case ON indicator_dirty (case_id);

CREATE FUNCTION indicator_dirty_deadlines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO indicator_dirty (case_id) SELECT DISTINCT case_id FROM new_rows;
    ELSE
        INSERT INTO indicator_dirty (case_id, at)
        SELECT DISTINCT n.case_id, CASE WHEN o.due_at IS DISTINCT FROM n.due_at THEN o.due_at END
        FROM new_rows n JOIN old_rows o ON o.id = n.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER case_deadlines_dirty_insert AFTER INSERT ON case_deadlines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_deadlines();
CREATE TRIGGER case_deadlines_dirty_update AFTER UPDATE ON case_deadlines
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_deadlines();

CREATE FUNCTION indicator_dirty_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO indicator_dirty (case_id) SELECT id FROM new_rows;
    ELSE
        -- the columns the indicators read; a case's other changes (its version, updated_at, counters) leave them
        INSERT INTO indicator_dirty (case_id, at)
        SELECT n.id, CASE WHEN o.registered_at IS DISTINCT FROM n.registered_at THEN o.registered_at END
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (o.state, o.district_code, o.responsibility_grid_id, o.registered_at, o.source, o.created_at)
              IS DISTINCT FROM (n.state, n.district_code, n.responsibility_grid_id, n.registered_at, n.source,
                                n.created_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_dirty_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_cases();
CREATE TRIGGER cases_dirty_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_cases();

-- a defer or park event pauses the steps open at its time
CREATE FUNCTION indicator_dirty_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (case_id) SELECT DISTINCT case_id FROM new_rows WHERE kind IN ('defer', 'park');
    RETURN NULL;
END $$;
CREATE TRIGGER case_events_dirty AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_events();

CREATE FUNCTION indicator_dirty_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO indicator_dirty (case_id) SELECT DISTINCT case_id FROM new_rows;
    ELSE
        INSERT INTO indicator_dirty (case_id)
        SELECT n.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (o.case_id, o.reporter_id, o.joined_existing, o.created_at)
              IS DISTINCT FROM (n.case_id, n.reporter_id, n.joined_existing, n.created_at)
        UNION
        SELECT o.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.case_id <> n.case_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_dirty_insert AFTER INSERT ON reports
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_reports();
CREATE TRIGGER reports_dirty_update AFTER UPDATE ON reports
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_reports();

-- a duty decides which cases of its grid were found on patrol (漏报率): the cases reported in its time
CREATE FUNCTION indicator_dirty_duties() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO indicator_dirty (case_id)
        SELECT DISTINCT c.id FROM old_rows d JOIN cases c ON c.responsibility_grid_id = d.responsibility_grid_id
        WHERE c.created_at >= d.starts_at AND (d.ends_at IS NULL OR c.created_at < d.ends_at);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO indicator_dirty (case_id)
        SELECT DISTINCT c.id FROM new_rows d JOIN cases c ON c.responsibility_grid_id = d.responsibility_grid_id
        WHERE c.created_at >= d.starts_at AND (d.ends_at IS NULL OR c.created_at < d.ends_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER inspector_duties_dirty_insert AFTER INSERT ON inspector_duties
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_duties();
CREATE TRIGGER inspector_duties_dirty_update AFTER UPDATE ON inspector_duties
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_duties();
CREATE TRIGGER inspector_duties_dirty_delete AFTER DELETE ON inspector_duties
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_duties();
