-- Open311 GeoReport v2 (issue 14, DOMAIN.md §10): third-party applications and their keys, the requests they
-- submitted (token, retry fingerprint, the contact fields they sent) and the public read side the GeoReport
-- answers come from. The Open311 layer only translates: submissions go through cases.reports.service.submit_report.
--
-- Who reports: each application has a users row of its own, made when it is registered (a service account: no
-- phone, display name = the application's name, role citizen). A submission is filed as that user, so every rule
-- of a citizen's report applies unchanged: citizen-reportable categories only, the service area, verification on
-- site first, the photo rules, joining an open case nearby. The per-reporter daily limit of submit_report counts
-- against the application's own allowance (reports_per_day, passed as the limit of that rule), and every POST
-- counts against its hourly request limit (requests_per_hour, identity.service.rate_limit). Revoking a key
-- disables the service account as well. Audit rows name the service account as actor.

CREATE TABLE open311_applications (
    id                 uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    contact            text NOT NULL DEFAULT '' CHECK (length(contact) <= 200),
    user_id            uuid NOT NULL UNIQUE REFERENCES users (id),
    -- sha256 (hex) of the key; the key itself is shown once, when issued, and never stored
    key_hash           text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    -- the key's first characters, so that an operator can tell keys apart in a list
    key_prefix         text NOT NULL CHECK (length(key_prefix) BETWEEN 4 AND 12),
    requests_per_hour  int NOT NULL DEFAULT 120 CHECK (requests_per_hour BETWEEN 1 AND 100000),
    reports_per_day    int NOT NULL DEFAULT 500 CHECK (reports_per_day BETWEEN 1 AND 1000000),
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         uuid REFERENCES users (id),
    revoked_at         timestamptz
);

-- One row per report an application filed. token: the GeoReport token (GET tokens/{token}); body_hash: sha256 of
-- the normalised form (every field but api_key, sorted), so that the same body again within a minute returns the
-- same request. The contact fields (email, names, phone, device and account ids) are kept here only: no answer
-- of any API shows them, as a citizen's phone number is never public.
CREATE TABLE open311_submissions (
    id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    application_id  uuid NOT NULL REFERENCES open311_applications (id),
    token           text NOT NULL UNIQUE,
    body_hash       text NOT NULL CHECK (body_hash ~ '^[0-9a-f]{64}$'),
    report_id       uuid NOT NULL REFERENCES reports (id),
    email           text CHECK (length(email) <= 200),
    first_name      text CHECK (length(first_name) <= 100),
    last_name       text CHECK (length(last_name) <= 100),
    phone           text CHECK (length(phone) <= 40),
    device_id       text CHECK (length(device_id) <= 200),
    account_id      text CHECK (length(account_id) <= 200),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_submissions_retry ON open311_submissions (application_id, body_hash, created_at DESC);
CREATE INDEX open311_submissions_report ON open311_submissions (report_id);

-- The public read side of reports for other domains (as migration 0018's views): every report the public may see
-- (neither it nor its case hidden), with its case's state and progress. It carries no reporter: no reporter_id,
-- anonymous flag, client_id or original coordinates. Owned by the case workflow: a change of its tables keeps
-- these columns, or changes them here.
--   status_note: the note of the case's latest public event that has one (what its public timeline shows)
--   due_at:      the open step's deadline on working time
--   photo_id:    the report's first photo (its clean display copy is public)
CREATE VIEW case_public_reports AS
    SELECT r.id AS report_id, r.number, r.case_id, r.category_code, r.description, r.address,
           ST_Y(r.location) AS lat, ST_X(r.location) AS lon, r.created_at,
           c.state, c.updated_at, c.department_code,
           dep.name_zh AS department_zh, dep.name_en AS department_en,
           (SELECT e.note FROM case_events e WHERE e.case_id = c.id AND e.public AND e.note <> ''
             ORDER BY e.id DESC LIMIT 1) AS status_note,
           (SELECT d.due_at FROM case_deadlines d WHERE d.case_id = c.id AND d.completed_at IS NULL
             ORDER BY d.id DESC LIMIT 1) AS due_at,
           (SELECT p.photo_id FROM report_photos p WHERE p.report_id = r.id ORDER BY p.position LIMIT 1) AS photo_id
      FROM reports r
      JOIN cases c ON c.id = r.case_id
      LEFT JOIN departments dep ON dep.code = c.department_code
     WHERE r.hidden_at IS NULL AND c.hidden_at IS NULL;

-- GET requests: newest first within a window, optionally of one category (bench/open311.py).
CREATE INDEX reports_public_recent ON reports (created_at DESC, id DESC) WHERE hidden_at IS NULL;
CREATE INDEX reports_public_by_category ON reports (category_code, created_at DESC, id DESC) WHERE hidden_at IS NULL;
