-- Escalation of a repair or complaint to the district housing officer (督办, issue 12 section 3). The resident who
-- reported it escalates (action escalate, housing/repairs_workflow.py) while its open step is overdue, or after
-- rating it unsatisfied (1-2): it becomes `supervised`, with a step `supervise` of its own limit that belongs to
-- the housing officers of the estate's district; an officer concludes it (action conclude, with a note) and it
-- is `closed`. The property company still sees it, in the state supervised.

ALTER TABLE repairs DROP CONSTRAINT repairs_state_check;
ALTER TABLE repairs ADD CONSTRAINT repairs_state_check
    CHECK (state IN ('reported', 'accepted', 'assigned', 'handled', 'confirmed', 'rated', 'supervised', 'closed'));

-- A rated repair may be escalated: its rating stays with it in supervised and closed. Was: rated <=> a rating.
ALTER TABLE repairs DROP CONSTRAINT repairs_check3;
ALTER TABLE repairs ADD CONSTRAINT repairs_rating_given
    CHECK ((rating IS NULL) = (rated_at IS NULL) AND (state <> 'rated' OR rating IS NOT NULL));

-- escalated_at: when the resident escalated it (the latest escalation); concluded_at: when the officer concluded.
ALTER TABLE repairs ADD COLUMN escalated_at timestamptz;
ALTER TABLE repairs ADD COLUMN concluded_at timestamptz;
CREATE INDEX repairs_escalated ON repairs (escalated_at) WHERE escalated_at IS NOT NULL;

ALTER TABLE repair_limits DROP CONSTRAINT repair_limits_step_check;
ALTER TABLE repair_limits ADD CONSTRAINT repair_limits_step_check
    CHECK (step IN ('accept', 'assign', 'handle', 'supervise'));

-- The default limit of a supervised matter: 3 working days (3 x 7 working hours, cases/workflow/deadlines.py's
-- default working day), whatever the kind and urgency; an estate's own rows may say otherwise.
INSERT INTO repair_limits (estate_id, kind, urgency, step, minutes, working)
SELECT NULL, k.kind, u.urgency, 'supervise', 1260, true
FROM (VALUES ('home_repair'), ('common_repair'), ('complaint')) AS k (kind)
CROSS JOIN (VALUES ('emergency'), ('ordinary')) AS u (urgency);
