"""The push channel: notifications to phones through firebase-admin (FCM HTTP v1).

Claim: due push deliveries, leased (store.claim_push), each with its inbox message and the device as it is now.
Send: a delivery whose device went (removed, or now someone else's) is dropped; one inside the user's quiet hours
(local time of the city), unless urgent, waits for their end uncounted; the others are rendered in the device's
locale and sent. Record: sent, dropped (the dead tokens removed), retried with backoff or after the server's
Retry-After (dead after `max_attempts`), deferred. Pushes are at least once: a worker killed between claim and
record leaves the lease to run out and the delivery is sent again (the collapse key folds it on the phone).

`messaging.send_each` is synchronous (requests, one thread per message): it runs in a worker thread, at most
500 messages per call. firebase-admin itself retries 500/503 answers a few times with backoff; what still
fails comes back per message and is classified here:

- UNREGISTERED, INVALID_ARGUMENT (a malformed token) and SENDER_ID_MISMATCH: the token is dead; the device
  is removed and the delivery dropped.
- 429 (quota): retried for that device after the server's Retry-After.
- anything else (503, 500, timeouts, APNs trouble): retried for that device with backoff.

A failure of the whole call (credentials, network) retries every message of the batch. Tests point
firebase-admin at a fake FCM with `fcm_url` (refused in production by the settings), through its
`_MessagingService.FCM_URL` class attribute; tests/notifications/test_fcm_hook.py fails if that goes away.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import firebase_admin
import msgspec
import requests
from firebase_admin import _http_client, credentials, exceptions, messaging

from notifications import store
from notifications.channels.base import Recorder
from notifications.models import FCM_BATCH_LIMIT, NotificationsConfig
from notifications.retry import next_try, parse_retry_after
from notifications.texts import deep_link, render

log = logging.getLogger("cityloop.notifications")

_HOOK_LOCK = threading.Lock()
_FCM_PATH = "/v1/projects/{0}/messages:send"


class PushMessage(msgspec.Struct, frozen=True):
    """One message to one device, rendered in the device's locale."""

    delivery_id: int
    token: str
    title: str
    body: str
    data: dict[str, str]
    collapse_key: str
    urgent: bool = False


class PushOutcome(msgspec.Struct, frozen=True):
    delivery_id: int
    token: str
    result: Literal["sent", "drop", "retry"]
    error: str | None = None
    status: int | None = None
    retry_after_s: float | None = None


class PushSender(Protocol):
    async def send(self, messages: list[PushMessage]) -> list[PushOutcome]: ...

    async def close(self) -> None: ...


def fcm_message(m: PushMessage) -> messaging.Message:
    """Notification, data (ids and a deep link) and a collapse key per case on Android and iOS."""
    message = messaging.Message(
        notification=messaging.Notification(title=m.title, body=m.body),
        data=m.data,
        android=messaging.AndroidConfig(
            collapse_key=m.collapse_key, priority="high" if m.urgent else "normal"
        ),
        apns=messaging.APNSConfig(
            headers={"apns-collapse-id": m.collapse_key, "apns-priority": "10" if m.urgent else "5"}
        ),
    )
    # Apps hand us FCM registration tokens (what the SDKs' getToken() returns). firebase-admin 7.7 warns that
    # `token=` is deprecated in favour of installation ids (`fid`), a different identifier the apps do not
    # send; the v1 API takes `token`, so it is set as an attribute, without the warning on every message.
    message.token = m.token
    return message


_TOKEN_GONE = (messaging.UnregisteredError, messaging.SenderIdMismatchError, exceptions.InvalidArgumentError)


def classify(m: PushMessage, exc: BaseException | None) -> PushOutcome:
    """What a per-message answer means for its delivery."""
    if exc is None:
        return PushOutcome(m.delivery_id, m.token, "sent", status=200)
    response: Any = getattr(exc, "http_response", None)
    status = int(response.status_code) if response is not None else None
    retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
    code = getattr(exc, "code", type(exc).__name__)
    error = f"{code}: {exc}"[:500]
    if isinstance(exc, _TOKEN_GONE):
        return PushOutcome(m.delivery_id, m.token, "drop", error=error, status=status)
    return PushOutcome(m.delivery_id, m.token, "retry", error=error, status=status, retry_after_s=retry_after)


class FirebasePush:
    """A firebase-admin app of its own (so several can live in one process, as in tests), sending in threads."""

    def __init__(self, config: NotificationsConfig, *, max_parallel_calls: int = 2) -> None:
        options: dict[str, Any] = {"httpTimeout": config.fcm_timeout_s}
        if config.fcm_project_id:
            options["projectId"] = config.fcm_project_id
        self._app = firebase_admin.initialize_app(
            credentials.Certificate(config.fcm_credentials_file),
            options,
            name=f"cityloop-push-{uuid.uuid4().hex}",
        )
        if config.fcm_url:
            _point_at(self._app, config.fcm_url)
        self._calls = asyncio.Semaphore(max_parallel_calls)

    def _send_each(self, messages: list[messaging.Message]) -> list[BaseException | None]:
        response = messaging.send_each(messages, app=self._app)
        return [r.exception if not r.success else None for r in response.responses]

    async def send(self, messages: list[PushMessage]) -> list[PushOutcome]:
        """Calls of at most 500 messages, a bounded number of them at once."""

        async def call(chunk: list[PushMessage]) -> list[PushOutcome]:
            try:
                async with self._calls:
                    errors = await asyncio.to_thread(self._send_each, [fcm_message(m) for m in chunk])
            except Exception as exc:  # the call as a whole failed: every message is tried again
                errors = [exc] * len(chunk)
            return [classify(m, e) for m, e in zip(chunk, errors, strict=True)]

        chunks = [messages[i : i + FCM_BATCH_LIMIT] for i in range(0, len(messages), FCM_BATCH_LIMIT)]
        return [outcome for done in await asyncio.gather(*map(call, chunks)) for outcome in done]

    async def close(self) -> None:
        # firebase-admin closes its async client with asyncio.run(): not possible inside a running loop
        await asyncio.to_thread(firebase_admin.delete_app, self._app)


def _point_at(app: firebase_admin.App, origin: str) -> None:
    """Create the app's messaging service against `origin` instead of fcm.googleapis.com (tests only)."""
    origin = origin.rstrip("/")
    with _HOOK_LOCK:
        original = messaging._MessagingService.FCM_URL
        messaging._MessagingService.FCM_URL = origin + _FCM_PATH
        try:
            service = messaging._get_messaging_service(app)
        finally:
            messaging._MessagingService.FCM_URL = original
    # google-auth looks up the account's "regional access boundary" at iamcredentials.googleapis.com after each
    # token refresh; against a stand-in that would be the one call leaving the machine
    google_credential = service._credential
    if hasattr(google_credential, "_is_regional_access_boundary_lookup_required"):
        google_credential._is_regional_access_boundary_lookup_required = lambda: False
    # the connection pool firebase-admin gives fcm.googleapis.com, for the stand-in too
    service._client.session.mount(
        origin,
        requests.adapters.HTTPAdapter(
            pool_connections=100, pool_maxsize=100, max_retries=_http_client.DEFAULT_RETRY_CONFIG
        ),
    )


# quiet hours -----------------------------------------------------------------------------------------------------


def quiet_until(now: datetime, start: time | None, end: time | None, timezone: str) -> datetime | None:
    """When the user's quiet hours end, if `now` is inside them (local time of the city); else None."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(ZoneInfo(timezone))
    t = local.time().replace(tzinfo=None)
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=end.second, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(UTC)


# the channel -----------------------------------------------------------------------------------------------------


class PushBatch(msgspec.Struct, frozen=True):
    """What one claimed batch came to: FCM's answers, the deliveries whose device went, those held for quiet
    hours, and the attempts of each claimed delivery (for the backoff)."""

    outcomes: list[PushOutcome]
    gone: list[tuple[int, str]]
    deferred: list[tuple[int, datetime]]
    attempts: dict[int, int]


class PushChannel:
    """Push deliveries through a `PushSender` (firebase-admin, or a test's stand-in)."""

    name = "push"

    def __init__(self, config: NotificationsConfig, sender: PushSender, *, owns_sender: bool = False) -> None:
        self.config = config
        self._sender = sender
        self._owns_sender = owns_sender

    async def claim(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        return await store.claim_push(conn, self.config.push_batch, self.config.lease_s)

    async def send(self, claimed: list[asyncpg.Record], record: Recorder[PushBatch]) -> None:
        now = datetime.now(UTC)
        messages: list[PushMessage] = []
        gone: list[tuple[int, str]] = []
        deferred: list[tuple[int, datetime]] = []
        for row in claimed:
            if row["device_locale"] is None or row["notification_id"] is None:
                gone.append((row["id"], "the device was removed or now belongs to someone else"))
                continue
            until = (
                None
                if row["urgent"]
                else quiet_until(now, row["quiet_start"], row["quiet_end"], self.config.city_timezone)
            )
            if until is not None:
                deferred.append((row["id"], until))
                continue
            messages.append(self._message(row))
        outcomes = await self._sender.send(messages) if messages else []
        await record(PushBatch(outcomes, gone, deferred, {r["id"]: r["attempts"] for r in claimed}))

    def _message(self, row: asyncpg.Record) -> PushMessage:
        title, body = render(row["kind"], row["params"], row["device_locale"], self.config.city_timezone)
        case_id: UUID | None = row["case_id"]
        home_id = row["params"].get("home_id")
        data = {
            "notification_id": str(row["notification_id"]),
            "kind": row["kind"],
            "link": deep_link(
                self.config.deep_link_base, case_id, row["report_id"], row["kind"], row["params"]
            ),
        }
        if case_id is not None:
            data["case_id"] = str(case_id)
        if row["report_id"] is not None:
            data["report_id"] = str(row["report_id"])
        if case_id is None and home_id:  # a housing notice: the home it is about
            data["home_id"] = str(home_id)
        if case_id is not None:
            collapse_key = f"case-{case_id}"
        elif home_id:  # a newer notice of the same kind for the same home replaces the older on the phone
            collapse_key = f"{row['kind']}-{home_id}"
        else:
            collapse_key = f"inbox-{row['notification_id']}"
        return PushMessage(
            delivery_id=row["id"],
            token=row["device_token"],
            title=title,
            body=body,
            data=data,
            collapse_key=collapse_key,
            urgent=bool(row["urgent"]),
        )

    async def record(self, conn: asyncpg.Connection, outcome: PushBatch) -> bool:
        sent = [o for o in outcome.outcomes if o.result == "sent"]
        dropped = [o for o in outcome.outcomes if o.result == "drop"]
        retry = [o for o in outcome.outcomes if o.result == "retry"]
        await store.deliveries_done(conn, [o.delivery_id for o in sent], [o.status for o in sent])
        await store.delete_tokens(conn, sorted({o.token for o in dropped}))
        await store.deliveries_dropped(
            conn,
            [o.delivery_id for o in dropped] + [d for d, _ in outcome.gone],
            [o.error or "token rejected" for o in dropped] + [why for _, why in outcome.gone],
        )
        dead = await store.deliveries_retry(
            conn,
            [o.delivery_id for o in retry],
            [next_try(self.config, outcome.attempts[o.delivery_id], o.retry_after_s) for o in retry],
            [o.error or "failed" for o in retry],
            [o.status for o in retry],
            self.config.max_attempts,
        )
        await store.deliveries_defer(
            conn, [d for d, _ in outcome.deferred], [at for _, at in outcome.deferred], "quiet hours"
        )
        if dropped or retry:
            log.info(
                "push outcomes",
                extra={"sent": len(sent), "dropped": len(dropped), "retry": len(retry), "dead": len(dead)},
            )
        return False  # a device is never paused: a dead token is dropped, a failing one retried on its own

    async def close(self) -> None:
        if self._owns_sender:
            await self._sender.close()


def from_config(config: NotificationsConfig) -> PushChannel | None:
    """The push channel through firebase-admin, when FCM credentials are configured."""
    if not config.push_enabled:
        return None
    return PushChannel(config, FirebasePush(config), owns_sender=True)
