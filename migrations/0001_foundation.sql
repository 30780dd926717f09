-- Foundation: extensions, ids, identity, sign-in, rate limits, SMS messages, audit log.

CREATE EXTENSION IF NOT EXISTS postgis;

-- UUIDv7: 48-bit unix milliseconds, version 7, variant 10, random rest. Time-ordered ids for every table.
CREATE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
    bytes bytea := decode(lpad(to_hex(ms), 12, '0'), 'hex') || substring(uuid_send(gen_random_uuid()) FROM 1 FOR 10);
BEGIN
    bytes := set_byte(bytes, 6, (get_byte(bytes, 6) & 15) | 112);
    bytes := set_byte(bytes, 8, (get_byte(bytes, 8) & 63) | 128);
    RETURN encode(bytes, 'hex')::uuid;
END $$;

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    phone         text UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 64),
    locale        text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

CREATE TYPE user_role AS ENUM (
    'citizen', 'inspector', 'intake_clerk', 'shift_lead', 'dispatcher', 'department_handler',
    'leader', 'property_manager', 'resident', 'admin'
);

CREATE TYPE scope_kind AS ENUM ('district', 'department', 'estate');

-- A role, optionally limited to one district, department or estate. The scope ids refer to tables that later
-- migrations add, so they are kept as text here.
CREATE TABLE user_roles (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        user_role NOT NULL,
    scope_kind  scope_kind,
    scope_id    text,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope_kind IS NULL) = (scope_id IS NULL)),
    UNIQUE NULLS NOT DISTINCT (user_id, role, scope_kind, scope_id)
);

-- External identities (Firebase uid) linked to a user.
CREATE TABLE user_identities (
    provider    text NOT NULL,
    subject     text NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject)
);

-- One-time sign-in codes, stored as keyed hashes. A newer code for the same phone supersedes older ones.
CREATE TABLE otp_codes (
    id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    phone        text NOT NULL,
    code_hash    text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    attempts     int NOT NULL DEFAULT 0,
    consumed_at  timestamptz
);
CREATE INDEX otp_codes_phone ON otp_codes (phone, created_at DESC);

-- Sessions are refresh-token families: every rotation stays in the family, and reuse revokes it whole.
CREATE TABLE auth_sessions (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    revoked_why text,
    client_ip   inet,
    user_agent  text
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash  text PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Fixed-window counters for rate limits, shared by every API process.
CREATE TABLE rate_limit_hits (
    bucket        text NOT NULL,
    window_start  timestamptz NOT NULL,
    hits          int NOT NULL DEFAULT 0,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits (expires_at);

-- Text messages to phones. With the console gateway (dev, test) the row itself is the delivery; with the
-- http gateway the worker sends pending rows.
CREATE TABLE sms_messages (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    phone       text NOT NULL,
    body        text NOT NULL,
    purpose     text NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
    attempts    int NOT NULL DEFAULT 0,
    next_try_at timestamptz NOT NULL DEFAULT now(),
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX sms_messages_phone ON sms_messages (phone, created_at DESC);
CREATE INDEX sms_messages_pending ON sms_messages (next_try_at) WHERE status IN ('pending', 'failed');

-- Every privileged action: who, what, when, from where. Append-only.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid REFERENCES users (id),
    actor_label text NOT NULL DEFAULT '',
    action      text NOT NULL,
    target_type text NOT NULL,
    target_id   text NOT NULL,
    details     jsonb NOT NULL DEFAULT '{}',
    client_ip   inet,
    request_id  text
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
