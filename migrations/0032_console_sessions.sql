-- The web console's sessions (console/session_store.py). The browser holds a random cookie value; only its
-- sha256 is kept. Each console session rides on an identity session (auth_sessions): revoking that one, or
-- disabling the user, ends the console session at its next request. Idle and absolute expiry are checked in
-- the statement that loads a session, so that any number of API processes agree.
CREATE TABLE console_sessions (
    token_hash      text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    csrf_token      text NOT NULL CHECK (length(csrf_token) BETWEEN 32 AND 128),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    client_ip       inet,
    user_agent      text
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
