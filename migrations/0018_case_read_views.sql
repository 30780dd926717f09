-- The read side of cases for other domains: views owned by the case workflow (cases/workflow/), so that the
-- notifications domain reads one place and never joins the tables of reports, followers, cases, categories,
-- departments and deadlines itself. A change of those tables keeps the views' columns, or changes them here.
--
-- case_watchers: who is around a case, one row per (case, user, relation), enabled users only:
--   reporter           the author of a report on it that is not hidden (their first such report: report_id, number)
--   follower           follows it
--   inspector          its inspector
--   department_handler handles for the department it is dispatched to (a grant scoped to that department)
-- case_notice_context: a case with what a message about it shows (names, first report number, open step's due).
-- case_changes: the case event log as other domains may read it.

CREATE VIEW case_watchers AS
    (SELECT DISTINCT ON (r.case_id, r.reporter_id)
            r.case_id, r.reporter_id AS user_id, 'reporter'::text AS relation, r.id AS report_id, r.number
       FROM reports r JOIN users u ON u.id = r.reporter_id
      WHERE r.hidden_at IS NULL AND u.disabled_at IS NULL
      ORDER BY r.case_id, r.reporter_id, r.created_at)
    UNION ALL
    SELECT f.case_id, f.user_id, 'follower', NULL::uuid, NULL::text
      FROM case_followers f JOIN users u ON u.id = f.user_id
     WHERE u.disabled_at IS NULL
    UNION ALL
    SELECT c.id, c.inspector_id, 'inspector', NULL::uuid, NULL::text
      FROM cases c JOIN users u ON u.id = c.inspector_id
     WHERE u.disabled_at IS NULL
    UNION ALL
    SELECT c.id, g.user_id, 'department_handler', NULL::uuid, NULL::text
      FROM cases c
      JOIN user_roles g ON g.scope_id = c.department_code AND g.role = 'department_handler'
                       AND g.scope_kind = 'department'
      JOIN users u ON u.id = g.user_id
     WHERE u.disabled_at IS NULL;

CREATE VIEW case_notice_context AS
    SELECT c.id, c.state, c.urgent, c.district_code, c.department_code, c.inspector_id, c.address,
           cat.name_zh AS category_zh, cat.name_en AS category_en,
           dep.name_zh AS department_zh, dep.name_en AS department_en,
           (SELECT r.number FROM reports r WHERE r.case_id = c.id ORDER BY r.created_at LIMIT 1) AS number,
           (SELECT d.due_at FROM case_deadlines d WHERE d.case_id = c.id AND d.completed_at IS NULL
             ORDER BY d.id DESC LIMIT 1) AS due_at
      FROM cases c
      JOIN categories cat ON cat.code = c.category_code
      LEFT JOIN departments dep ON dep.code = c.department_code;

CREATE VIEW case_changes AS
    SELECT id, case_id, to_state, actor_id, at FROM case_events;
