"""Every SQL statement of the notifications domain, and nothing else."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

import asyncpg

from notifications.models import DeviceRegistration

Record = asyncpg.Record


# devices -------------------------------------------------------------------------------------------------------


async def upsert_device(conn: asyncpg.Connection, user_id: UUID, reg: DeviceRegistration) -> Record:
    """Register a token, or move it to this user (the latest to register it).

    `created` is true when the token was not this user's before (new, or moved from another user: its
    `created_at` then restarts); false when this user registered it already (`updated_at`, the last time the
    phone registered, moves on)."""
    row = await conn.fetchrow(
        """WITH previous AS (SELECT user_id FROM devices WHERE token = $1)  -- the statement's snapshot: before
           INSERT INTO devices (token, user_id, platform, app_version, locale) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform,
               app_version = EXCLUDED.app_version, locale = EXCLUDED.locale, updated_at = now(),
               created_at = CASE WHEN devices.user_id = EXCLUDED.user_id THEN devices.created_at ELSE now() END
           RETURNING token, platform, app_version, locale, created_at, updated_at,
                     (xmax = 0 OR EXISTS (SELECT 1 FROM previous WHERE user_id <> $2)) AS created""",
        reg.token,
        user_id,
        reg.platform,
        reg.app_version,
        reg.locale,
    )
    assert row is not None
    return row


async def prune_devices(conn: asyncpg.Connection, user_id: UUID, keep: int) -> int:
    result = await conn.execute(
        """DELETE FROM devices WHERE user_id = $1 AND token NOT IN (
               SELECT token FROM devices WHERE user_id = $1 ORDER BY updated_at DESC, token LIMIT $2)""",
        user_id,
        keep,
    )
    return int(result.split()[-1])


async def list_devices(
    conn: asyncpg.Connection, user_id: UUID, after: tuple[datetime, str] | None, limit: int
) -> list[Record]:
    """A user's devices, newest registration first; `key` (md5 of the token) breaks ties of `created_at` and,
    with it, makes the keyset `after` short whatever the token's length."""
    return await conn.fetch(
        """SELECT token, platform, app_version, locale, created_at, updated_at, md5(token) AS key
           FROM devices
           WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, md5(token)) < ($2, $3::text))
           ORDER BY created_at DESC, md5(token) DESC LIMIT $4""",
        user_id,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )


async def delete_device(conn: asyncpg.Connection, user_id: UUID, token: str) -> bool:
    result = await conn.execute("DELETE FROM devices WHERE token = $1 AND user_id = $2", token, user_id)
    return result != "DELETE 0"


async def delete_tokens(conn: asyncpg.Connection, tokens: list[str]) -> int:
    if not tokens:
        return 0
    result = await conn.execute("DELETE FROM devices WHERE token = ANY($1::text[])", tokens)
    return int(result.split()[-1])


# quiet hours ---------------------------------------------------------------------------------------------------


async def get_quiet_hours(conn: asyncpg.Connection, user_id: UUID) -> Record | None:
    return await conn.fetchrow("SELECT starts_at, ends_at FROM quiet_hours WHERE user_id = $1", user_id)


async def set_quiet_hours(conn: asyncpg.Connection, user_id: UUID, start: time, end: time) -> None:
    await conn.execute(
        """INSERT INTO quiet_hours (user_id, starts_at, ends_at) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO UPDATE SET starts_at = $2, ends_at = $3, updated_at = now()""",
        user_id,
        start,
        end,
    )


async def delete_quiet_hours(conn: asyncpg.Connection, user_id: UUID) -> None:
    await conn.execute("DELETE FROM quiet_hours WHERE user_id = $1", user_id)


# the inbox -----------------------------------------------------------------------------------------------------


async def inbox_page(
    conn: asyncpg.Connection, user_id: UUID, before: int | None, limit: int, unread_only: bool
) -> list[Record]:
    return await conn.fetch(
        """SELECT id, seq, kind, case_id, report_id, params, urgent, created_at, read_at FROM notifications
           WHERE user_id = $1 AND ($2::bigint IS NULL OR seq < $2) AND (NOT $3 OR read_at IS NULL)
           ORDER BY seq DESC LIMIT $4""",
        user_id,
        before,
        unread_only,
        limit,
    )


async def unread_count(conn: asyncpg.Connection, user_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", user_id
    )
    return count


async def mark_read(conn: asyncpg.Connection, user_id: UUID, notification_id: UUID) -> bool:
    found = await conn.fetchval(
        """UPDATE notifications SET read_at = coalesce(read_at, now())
           WHERE id = $1 AND user_id = $2 RETURNING true""",
        notification_id,
        user_id,
    )
    return bool(found)


async def mark_all_read(conn: asyncpg.Connection, user_id: UUID, up_to: UUID | None) -> int:
    result = await conn.execute(
        """UPDATE notifications SET read_at = now()
           WHERE user_id = $1 AND read_at IS NULL
             AND ($2::uuid IS NULL OR seq <= (SELECT seq FROM notifications WHERE id = $2 AND user_id = $1))""",
        user_id,
        up_to,
    )
    return int(result.split()[-1])


# live events read again (notifications/live.py) ------------------------------------------------------------------


async def live_head(conn: asyncpg.Connection, user_id: UUID) -> Record:
    """Where a user's live stream is now: their newest inbox message (null: none) and the newest case event."""
    row = await conn.fetchrow(
        """SELECT (SELECT id FROM notifications WHERE user_id = $1 ORDER BY seq DESC LIMIT 1) AS inbox_id,
                  (SELECT coalesce(max(id), 0) FROM case_changes) AS event_id""",
        user_id,
    )
    assert row is not None
    return row


async def inbox_seq(conn: asyncpg.Connection, user_id: UUID, notification_id: UUID) -> int | None:
    seq: int | None = await conn.fetchval(
        "SELECT seq FROM notifications WHERE id = $1 AND user_id = $2", notification_id, user_id
    )
    return seq


async def inbox_after(conn: asyncpg.Connection, user_id: UUID, after_seq: int, limit: int) -> list[Record]:
    """A user's inbox messages after `after_seq`, oldest first."""
    return await conn.fetch(
        """SELECT id, kind, case_id, created_at FROM notifications
           WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3""",
        user_id,
        after_seq,
        limit,
    )


async def case_events_after(
    conn: asyncpg.Connection, user_id: UUID, after_id: int, limit: int
) -> list[Record]:
    """State changes after case event `after_id`, oldest first, of the cases a user is around by the rule of
    the live `case` events (fanout.plan_transition): they reported it (a report not hidden), follow it, are its
    inspector, or handle for its department; not the changes they made themselves."""
    return await conn.fetch(
        """SELECT e.id, e.case_id, e.to_state, e.at FROM case_changes e
           WHERE e.id > $2 AND e.to_state IS NOT NULL AND e.actor_id IS DISTINCT FROM $1
             AND e.case_id IN (SELECT case_id FROM case_watchers WHERE user_id = $1)
           ORDER BY e.id LIMIT $3""",
        user_id,
        after_id,
        limit,
    )


# the outbox ----------------------------------------------------------------------------------------------------


async def insert_outbox(conn: asyncpg.Connection, topic: str, payload: dict[str, Any]) -> int:
    """The only INSERT INTO outbox (notifications.outbox.enqueue is its one caller)."""
    outbox_id: int = await conn.fetchval(
        "INSERT INTO outbox (topic, payload) VALUES ($1, $2) RETURNING id", topic, payload
    )
    return outbox_id


async def claim_outbox(conn: asyncpg.Connection, topics: list[str], limit: int) -> list[Record]:
    """Pending rows of our topics, locked for this transaction; other workers skip them."""
    return await conn.fetch(
        """SELECT id, topic, payload, attempts, created_at FROM outbox
           WHERE status = 'pending' AND available_at <= now() AND topic = ANY($1::text[])
           ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED""",
        topics,
        limit,
    )


async def outbox_done(conn: asyncpg.Connection, ids: list[int]) -> None:
    await conn.execute(
        """UPDATE outbox SET status = 'done', attempts = attempts + 1, last_error = NULL
           WHERE id = ANY($1::bigint[])""",
        ids,
    )


async def outbox_failed(
    conn: asyncpg.Connection, outbox_id: int, error: str, available_at: datetime, max_attempts: int
) -> str:
    status: str = await conn.fetchval(
        """UPDATE outbox SET attempts = attempts + 1, last_error = $2, available_at = $3,
               status = CASE WHEN attempts + 1 >= $4 THEN 'dead' ELSE 'pending' END
           WHERE id = $1 RETURNING status""",
        outbox_id,
        error[:2000],
        available_at,
        max_attempts,
    )
    return status


async def list_outbox(conn: asyncpg.Connection, status: str, before: int | None, limit: int) -> list[Record]:
    return await conn.fetch(
        """SELECT id, topic, payload, status, attempts, last_error, created_at, available_at FROM outbox
           WHERE status = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3""",
        status,
        before,
        limit,
    )


async def replay_outbox(conn: asyncpg.Connection, outbox_id: int) -> str | None:
    """Make a dead row pending again; returns the row's status before (None: no such row)."""
    row = await conn.fetchrow("SELECT status FROM outbox WHERE id = $1 FOR UPDATE", outbox_id)
    if row is None:
        return None
    if row["status"] == "dead":
        await conn.execute(
            """UPDATE outbox SET status = 'pending', attempts = 0, available_at = now(), last_error = NULL
               WHERE id = $1""",
            outbox_id,
        )
    status: str = row["status"]
    return status


# writing the fan-out -------------------------------------------------------------------------------------------


async def insert_notifications(
    conn: asyncpg.Connection,
    outbox_id: int,
    case_id: UUID | None,
    users: list[UUID],
    kinds: list[str],
    report_ids: list[UUID | None],
    params: list[dict[str, Any]],
    urgent: bool,
) -> list[Record]:
    """The inbox rows of one outbox row; (outbox_id, user_id) is unique, so a second run adds nothing.
    Returns every row of the outbox row, new or not."""
    await conn.execute(
        """INSERT INTO notifications (user_id, outbox_id, kind, case_id, report_id, params, urgent)
           SELECT u, $1, k, $2, r, p, $7
           FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::jsonb[]) AS t(u, k, r, p)
           ON CONFLICT (outbox_id, user_id) DO NOTHING""",
        outbox_id,
        case_id,
        users,
        kinds,
        report_ids,
        params,
        urgent,
    )
    return await conn.fetch(
        "SELECT id, user_id, kind, case_id FROM notifications WHERE outbox_id = $1 AND user_id = ANY($2::uuid[])",
        outbox_id,
        users,
    )


async def insert_push_deliveries(
    conn: asyncpg.Connection,
    outbox_id: int,
    event: str,
    notification_ids: list[UUID],
    users: list[UUID],
    urgent: bool,
) -> int:
    """One push delivery per device of each recipient, keyed by outbox row, channel, user and token."""
    result = await conn.execute(
        """INSERT INTO deliveries (key, outbox_id, channel, user_id, notification_id, device_token, event, urgent)
           SELECT $1::bigint::text || ':push:' || t.u::text || ':' || md5(d.token), $1, 'push', t.u, t.n, d.token, $2, $5
           FROM unnest($3::uuid[], $4::uuid[]) AS t(n, u) JOIN devices d ON d.user_id = t.u
           ON CONFLICT (key) DO NOTHING""",
        outbox_id,
        event,
        notification_ids,
        users,
        urgent,
    )
    return int(result.split()[-1])


async def insert_webhook_deliveries(
    conn: asyncpg.Connection, outbox_id: int, event: str, body: dict[str, Any]
) -> int:
    """One delivery per subscriber of the event (paused ones too: they get it when resumed)."""
    result = await conn.execute(
        """INSERT INTO deliveries (key, outbox_id, channel, subscriber_id, event, body)
           SELECT $1::bigint::text || ':webhook:' || s.id::text, $1, 'webhook', s.id, $2, $3
           FROM webhook_subscribers s WHERE s.deleted_at IS NULL AND $2 = ANY(s.events)
           ON CONFLICT (key) DO NOTHING""",
        outbox_id,
        event,
        body,
    )
    return int(result.split()[-1])


async def notify(conn: asyncpg.Connection, channels: list[str], payloads: list[str]) -> None:
    """NOTIFY inside the caller's transaction: listeners hear it when (and only if) it commits."""
    if channels:
        await conn.execute(
            "SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) AS t(c, p)", channels, payloads
        )


# push deliveries -----------------------------------------------------------------------------------------------

_CLAIM = """
WITH c AS (
    SELECT id FROM deliveries
    WHERE channel = $1 AND status = 'pending' AND available_at <= now() {extra}
    ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE deliveries d SET attempts = d.attempts + 1, updated_at = now(),
    available_at = now() + make_interval(secs => $3)
FROM c WHERE d.id = c.id
RETURNING d.*
"""


async def claim_push(conn: asyncpg.Connection, limit: int, lease_s: float) -> list[Record]:
    """Due push deliveries, leased: taken again after `lease_s` if this worker dies before recording them.
    Each comes with its message and the device as it is now (no device: the token went or moved)."""
    return await conn.fetch(
        "WITH claimed AS ("
        + _CLAIM.format(extra="")
        + """)
        SELECT c.id, c.user_id, c.device_token, c.attempts, c.urgent, c.event, c.created_at,
               n.id AS notification_id, n.kind, n.params, n.case_id, n.report_id,
               dev.locale AS device_locale, dev.platform, q.starts_at AS quiet_start, q.ends_at AS quiet_end
        FROM claimed c
        LEFT JOIN notifications n ON n.id = c.notification_id
        LEFT JOIN devices dev ON dev.token = c.device_token AND dev.user_id = c.user_id
        LEFT JOIN quiet_hours q ON q.user_id = c.user_id
        ORDER BY c.id""",
        "push",
        limit,
        lease_s,
    )


async def deliveries_done(conn: asyncpg.Connection, ids: list[int], statuses: list[int | None]) -> None:
    if ids:
        await conn.execute(
            """UPDATE deliveries d SET status = 'done', done_at = now(), updated_at = now(), last_error = NULL,
                   last_status = v.s
               FROM unnest($1::bigint[], $2::int[]) AS v(id, s) WHERE d.id = v.id""",
            ids,
            statuses,
        )


async def deliveries_dropped(conn: asyncpg.Connection, ids: list[int], errors: list[str]) -> None:
    if ids:
        await conn.execute(
            """UPDATE deliveries d SET status = 'dropped', done_at = now(), updated_at = now(), last_error = v.e
               FROM unnest($1::bigint[], $2::text[]) AS v(id, e) WHERE d.id = v.id""",
            ids,
            errors,
        )


async def deliveries_retry(
    conn: asyncpg.Connection,
    ids: list[int],
    at: list[datetime],
    errors: list[str],
    statuses: list[int | None],
    max_attempts: int,
) -> list[int]:
    """Schedule another try, or park as dead after `max_attempts`. Returns the ids that died."""
    if not ids:
        return []
    rows = await conn.fetch(
        """UPDATE deliveries d SET available_at = v.at, last_error = left(v.e, 2000), last_status = v.s,
               updated_at = now(), status = CASE WHEN d.attempts >= $5 THEN 'dead' ELSE 'pending' END
           FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::int[]) AS v(id, at, e, s)
           WHERE d.id = v.id RETURNING d.id, d.status""",
        ids,
        at,
        errors,
        statuses,
        max_attempts,
    )
    return [r["id"] for r in rows if r["status"] == "dead"]


async def deliveries_defer(conn: asyncpg.Connection, ids: list[int], at: list[datetime], why: str) -> None:
    """Hold deliveries back (quiet hours) without counting the claim as an attempt."""
    if ids:
        await conn.execute(
            """UPDATE deliveries d SET available_at = v.at, attempts = d.attempts - 1, last_error = $3,
                   updated_at = now()
               FROM unnest($1::bigint[], $2::timestamptz[]) AS v(id, at) WHERE d.id = v.id""",
            ids,
            at,
            why,
        )


# webhook deliveries --------------------------------------------------------------------------------------------


async def claim_webhooks(conn: asyncpg.Connection, limit: int, lease_s: float) -> list[Record]:
    """Due webhook deliveries of subscribers that are neither paused nor deleted, leased like pushes."""
    extra = """AND subscriber_id IN (SELECT id FROM webhook_subscribers
                                     WHERE paused_at IS NULL AND deleted_at IS NULL)"""
    return await conn.fetch(
        "WITH claimed AS ("
        + _CLAIM.format(extra=extra)
        + """)
        SELECT c.id, c.subscriber_id, c.event, c.body, c.attempts, c.created_at, s.url, s.secret
        FROM claimed c JOIN webhook_subscribers s ON s.id = c.subscriber_id
        ORDER BY c.id""",
        "webhook",
        limit,
        lease_s,
    )


async def subscriber_succeeded(conn: asyncpg.Connection, subscriber_id: UUID) -> None:
    await conn.execute(
        """UPDATE webhook_subscribers SET consecutive_failures = 0, updated_at = now()
           WHERE id = $1 AND consecutive_failures <> 0""",
        subscriber_id,
    )


async def subscriber_failed(
    conn: asyncpg.Connection, subscriber_id: UUID, pause_after: int, reason: str
) -> bool:
    """Count a failure; pause the subscriber at `pause_after` in a row. True when this failure paused it."""
    row = await conn.fetchrow(
        """UPDATE webhook_subscribers SET consecutive_failures = consecutive_failures + 1, updated_at = now(),
               paused_at = CASE WHEN paused_at IS NULL AND consecutive_failures + 1 >= $2 THEN now()
                                ELSE paused_at END,
               paused_reason = CASE WHEN paused_at IS NULL AND consecutive_failures + 1 >= $2 THEN $3
                                    ELSE paused_reason END
           WHERE id = $1
           RETURNING paused_at IS NOT NULL AND paused_at = now() AS paused_now""",
        subscriber_id,
        pause_after,
        reason[:500],
    )
    return bool(row and row["paused_now"])


# webhook subscribers -------------------------------------------------------------------------------------------

_SUBSCRIBER = """SELECT id, name, url, events, secret, consecutive_failures, paused_at, paused_reason, created_at
                 FROM webhook_subscribers"""


async def insert_subscriber(
    conn: asyncpg.Connection, name: str, url: str, events: list[str], secret: str, created_by: UUID
) -> Record:
    row = await conn.fetchrow(
        """INSERT INTO webhook_subscribers (name, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5)
           RETURNING id, name, url, events, secret, consecutive_failures, paused_at, paused_reason, created_at""",
        name,
        url,
        events,
        secret,
        created_by,
    )
    assert row is not None
    return row


async def list_subscribers(conn: asyncpg.Connection, after: UUID | None, limit: int | None) -> list[Record]:
    """Live subscribers by id, after `after` (None: from the first); limit None: all."""
    return await conn.fetch(
        _SUBSCRIBER + " WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2",
        after,
        limit,
    )


async def get_subscriber(conn: asyncpg.Connection, subscriber_id: UUID) -> Record | None:
    return await conn.fetchrow(_SUBSCRIBER + " WHERE id = $1 AND deleted_at IS NULL", subscriber_id)


async def resume_subscriber(conn: asyncpg.Connection, subscriber_id: UUID) -> Record | None:
    return await conn.fetchrow(
        """UPDATE webhook_subscribers SET paused_at = NULL, paused_reason = NULL, consecutive_failures = 0,
               updated_at = now()
           WHERE id = $1 AND deleted_at IS NULL
           RETURNING id, name, url, events, secret, consecutive_failures, paused_at, paused_reason, created_at""",
        subscriber_id,
    )


async def delete_subscriber(conn: asyncpg.Connection, subscriber_id: UUID) -> bool:
    found = await conn.fetchval(
        """UPDATE webhook_subscribers SET deleted_at = now(), updated_at = now()
           WHERE id = $1 AND deleted_at IS NULL RETURNING true""",
        subscriber_id,
    )
    if found:
        await conn.execute(
            """UPDATE deliveries SET status = 'dropped', last_error = 'subscriber deleted', updated_at = now()
               WHERE subscriber_id = $1 AND status IN ('pending', 'dead')""",
            subscriber_id,
        )
    return bool(found)


# deliveries for admins -----------------------------------------------------------------------------------------

_DELIVERY = """SELECT id, channel, event, outbox_id, status, attempts, available_at, last_error, last_status,
                      created_at, updated_at, done_at, user_id, subscriber_id
               FROM deliveries"""


async def list_deliveries(
    conn: asyncpg.Connection,
    *,
    status: str | None,
    channel: str | None,
    subscriber_id: UUID | None,
    before: int | None,
    limit: int,
) -> list[Record]:
    return await conn.fetch(
        _DELIVERY
        + """ WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2)
                AND ($3::uuid IS NULL OR subscriber_id = $3) AND ($4::bigint IS NULL OR id < $4)
              ORDER BY id DESC LIMIT $5""",
        status,
        channel,
        subscriber_id,
        before,
        limit,
    )


async def get_delivery(conn: asyncpg.Connection, delivery_id: int) -> Record | None:
    return await conn.fetchrow(_DELIVERY + " WHERE id = $1", delivery_id)


async def replay_deliveries(
    conn: asyncpg.Connection, ids: list[int] | None, channel: str | None, subscriber_id: UUID | None
) -> int:
    """Make dead deliveries pending again, with a fresh count of attempts."""
    result = await conn.execute(
        """UPDATE deliveries SET status = 'pending', attempts = 0, available_at = now(), updated_at = now()
           WHERE status = 'dead' AND ($1::bigint[] IS NULL OR id = ANY($1))
             AND ($2::text IS NULL OR channel = $2) AND ($3::uuid IS NULL OR subscriber_id = $3)""",
        ids,
        channel,
        subscriber_id,
    )
    return int(result.split()[-1])
