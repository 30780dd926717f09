-- Notifications: phones (FCM tokens), quiet hours, the in-app inbox, per-recipient deliveries (push to one
-- device, POST to one webhook subscriber) and webhook subscribers. The worker reads the outbox (0006) and
-- writes everything here; nothing refers to outbox rows by foreign key, so the outbox can be purged.

-- An FCM registration token belongs to one user at a time: registering it again moves it to the latest user.
CREATE TABLE devices (
    token        text PRIMARY KEY CHECK (length(token) BETWEEN 1 AND 4096),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform     text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
    app_version  text NOT NULL CHECK (length(app_version) BETWEEN 1 AND 32),
    locale       text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_user ON devices (user_id, updated_at DESC);

-- Quiet hours, local time of the city (start > end spans midnight). Urgent messages ignore them.
CREATE TABLE quiet_hours (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    starts_at   time NOT NULL,
    ends_at     time NOT NULL CHECK (ends_at <> starts_at),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The inbox: one message per (outbox row, user). Title and body are rendered from `kind` and `params` in the
-- reader's locale when read, so a change of language applies to old messages too.
CREATE TABLE notifications (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- the inbox's order (ids of one millisecond are not)
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    outbox_id   bigint NOT NULL,
    kind        text NOT NULL,
    case_id     uuid REFERENCES cases (id),
    report_id   uuid REFERENCES reports (id),
    params      jsonb NOT NULL DEFAULT '{}',
    urgent      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    UNIQUE (outbox_id, user_id)  -- the inbox's idempotency key: a replayed outbox row adds nothing
);
CREATE INDEX notifications_user ON notifications (user_id, seq DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE webhook_subscribers (
    id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name                  text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    url                   text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
    events                text[] NOT NULL CHECK (cardinality(events) > 0),
    secret                text NOT NULL CHECK (length(secret) BETWEEN 16 AND 256),
    consecutive_failures  int NOT NULL DEFAULT 0,
    paused_at             timestamptz,
    paused_reason         text,
    created_by            uuid REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    deleted_at            timestamptz
);

-- One delivery per (outbox row, channel, recipient): a push to one device, or a POST to one subscriber.
-- `key` is the idempotency key; a crashed worker's claim runs out (available_at) and the row is taken again.
CREATE TABLE deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key              text NOT NULL UNIQUE,
    outbox_id        bigint NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('push', 'webhook')),
    user_id          uuid REFERENCES users (id) ON DELETE CASCADE,
    notification_id  uuid REFERENCES notifications (id) ON DELETE CASCADE,
    device_token     text,
    subscriber_id    uuid REFERENCES webhook_subscribers (id),
    event            text NOT NULL,
    body             jsonb,
    urgent           boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead', 'dropped')),
    attempts         int NOT NULL DEFAULT 0,
    available_at     timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    last_status      int,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    done_at          timestamptz,
    CHECK ((channel = 'push') = (device_token IS NOT NULL AND user_id IS NOT NULL)),
    CHECK ((channel = 'webhook') = (subscriber_id IS NOT NULL AND body IS NOT NULL))
);
CREATE INDEX deliveries_pending ON deliveries (channel, available_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_dead ON deliveries (id DESC) WHERE status = 'dead';
CREATE INDEX deliveries_subscriber ON deliveries (subscriber_id, id DESC) WHERE subscriber_id IS NOT NULL;
CREATE INDEX deliveries_notification ON deliveries (notification_id) WHERE notification_id IS NOT NULL;

-- Wake the worker as soon as an outbox row commits (it polls as well, so a lost notification costs a poll).
CREATE FUNCTION outbox_wake_worker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cityloop_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_wake_worker AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake_worker();
