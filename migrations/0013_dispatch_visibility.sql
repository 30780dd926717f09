-- A department sees a case from the moment it is dispatched (派遣) to it, not before.
--
-- Routing used to write the department it decided on (category_departments, else the category's default) into
-- cases.department_code, the column every department view reads (queues, case views, sync, notifications):
-- the suggested department saw, and heard of, cases nobody had dispatched to it. From now on routing writes
-- its decision into suggested_department (shown to the dispatcher); department_code is the department the case
-- is dispatched to: set by dispatch and reassign, cleared when the department returns the case.
--
-- Existing rows: the routing decision moves to suggested_department; a case that was never dispatched, or is
-- back waiting for dispatch after a return (registered, or paused while registered), has no department.

ALTER TABLE cases ADD COLUMN suggested_department text REFERENCES departments (code);

UPDATE cases SET suggested_department = department_code WHERE department_code IS NOT NULL;

UPDATE cases c SET department_code = NULL
WHERE c.department_code IS NOT NULL
  AND (c.state IN ('reported', 'verifying', 'verified', 'registered', 'rejected')
       OR (c.state IN ('deferred', 'parked') AND c.resume_state = 'registered')
       OR NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'dispatch'));

-- The original of a photo goes to the staff acting on its case (GET /v1/photos/{id}?size=original): the cases
-- a photo is evidence in are found by the photo's id.
CREATE INDEX case_events_photos ON case_events USING gin (photo_ids);
