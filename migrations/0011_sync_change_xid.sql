-- Delta sync (GET /v1/sync) by the id of the transaction that last changed a row, instead of updated_at.
--
-- updated_at is now(), the start of the writing transaction: every case of one bulk dispatch shares it, so a
-- page break inside them lost the rest, and a transaction that committed late carried an older time than rows
-- already handed out. change_xid is the writing transaction's 64-bit id (pg_current_xact_id(), the top-level
-- id even inside a savepoint), set by a trigger on every insert and update, so no writer can forget it.
-- Ids are assigned before commit too, but PostgreSQL knows which are still running: sync hands out only rows
-- whose change_xid is below the oldest transaction still running in this database (see
-- cases/workflow_store.py sync_horizon), so a row can never appear later behind a cursor already handed out.
--
-- Rows written before this migration keep 0: they sort first, by id.
-- Transaction ids belong to one cluster. After a logical restore (pg_dump / pg_restore) into a new cluster,
-- re-stamp the rows (UPDATE cases SET change_xid = 0; UPDATE case_deadlines SET change_xid = 0; the trigger
-- puts the new cluster's id in); clients' cursors from the old cluster are then ahead of the new counter and
-- are answered from the start (see cases/casework.py sync).

CREATE FUNCTION stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END $$;

ALTER TABLE cases ADD COLUMN change_xid bigint NOT NULL DEFAULT 0;
CREATE TRIGGER cases_change_xid BEFORE INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION stamp_change_xid();
CREATE INDEX cases_change ON cases (change_xid, id);

-- a step's own stamp: an inspector's finished task becomes a tombstone once, in the sync window it closed in
ALTER TABLE case_deadlines ADD COLUMN change_xid bigint NOT NULL DEFAULT 0;
CREATE TRIGGER case_deadlines_change_xid BEFORE INSERT OR UPDATE ON case_deadlines
    FOR EACH ROW EXECUTE FUNCTION stamp_change_xid();
CREATE INDEX case_deadlines_assignee_change ON case_deadlines (assignee_id, change_xid, case_id)
    WHERE assignee_id IS NOT NULL;
