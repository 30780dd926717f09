"""Schemas of the notifications domain: devices, quiet hours, the inbox, webhook subscribers, deliveries, and
the configuration the worker and the API pass in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal
from uuid import UUID

import msgspec

from notifications import topics

Locale = Literal["zh-CN", "en"]
Platform = Literal["android", "ios", "web"]
Channel = Literal["push", "webhook"]
DeliveryStatus = Literal["pending", "done", "dead", "dropped"]

#: The published webhook events (part of the contract), named in notifications/topics.py: the case topics of the
#: outbox, fanned out to the app and to webhook subscribers. The worker also consumes the internal housing notices
#: (topics.HOUSING_NOTICES), which are never webhook events.
Event = topics.Event
EVENTS: Final = topics.EVENTS

#: firebase-admin's `send_each` takes at most 500 messages per call.
FCM_BATCH_LIMIT: Final = 500
#: The most devices one user keeps; registering one more forgets the least recently seen.
MAX_DEVICES_PER_USER: Final = 10

# FCM registration tokens are URL-safe base64 plus ':'; a generous pattern still keeps junk out.
DeviceToken = Annotated[str, msgspec.Meta(min_length=1, max_length=4096, pattern=r"^[A-Za-z0-9_:\-.]+$")]


class NotificationsConfig(msgspec.Struct, frozen=True, kw_only=True):
    """What the worker and the API need to know, built from the settings by the API layer."""

    city_timezone: str = "Asia/Shanghai"
    max_attempts: int = 8  # per delivery (and per outbox row's fan-out) before it is dead
    backoff_base_s: float = 5.0
    backoff_max_s: float = 3600.0
    lease_s: float = 120.0  # a claimed delivery is taken again after this if its worker died
    poll_s: float = 1.0
    outbox_batch: int = 100
    push_batch: int = 2 * FCM_BATCH_LIMIT  # push deliveries claimed per pass, sent in calls of <= 500
    webhook_batch: int = 50
    webhook_concurrency: int = 16
    webhook_timeout_s: float = 10.0
    webhook_pause_after: int = 10  # consecutive failures before a subscriber is paused
    allow_private_webhook_targets: bool = False
    fcm_credentials_file: str = ""
    fcm_project_id: str = ""
    fcm_url: str = ""  # tests and benchmarks only: the origin of a fake FCM (refused in production)
    fcm_timeout_s: float = 15.0
    deep_link_base: str = "cityloop://"
    #: the delivery channels the worker runs, in this order (names of notifications.channels.REGISTRY); one that
    #: is not configured (push without FCM credentials) is left out
    channels: tuple[Channel, ...] = ("push", "webhook")

    @property
    def push_enabled(self) -> bool:
        return bool(self.fcm_credentials_file)


# devices --------------------------------------------------------------------------------------------------------


class DeviceRegistration(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    token: DeviceToken
    platform: Platform
    app_version: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    locale: Locale = "zh-CN"


class Device(msgspec.Struct, frozen=True):
    token: str
    platform: Platform
    app_version: str
    locale: Locale
    created_at: datetime
    updated_at: datetime


class DevicePage(msgspec.Struct, frozen=True):
    """The caller's phones, the most recently registered first; `next_cursor` is null at the end."""

    items: list[Device]
    next_cursor: str | None


HourMinute = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class QuietHours(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """HH:MM, local time of the city; `start` after `end` spans midnight (22:00 to 07:00)."""

    start: HourMinute
    end: HourMinute


# the inbox -------------------------------------------------------------------------------------------------------


class InboxItem(msgspec.Struct, frozen=True):
    id: UUID
    kind: str
    title: str
    body: str
    case_id: UUID | None
    report_id: UUID | None
    link: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None


class InboxPage(msgspec.Struct, frozen=True):
    items: list[InboxItem]
    unread_count: int
    next_cursor: str | None


class UnreadCount(msgspec.Struct, frozen=True):
    unread_count: int


class ReadAllResult(msgspec.Struct, frozen=True):
    marked: int
    unread_count: int


# webhooks ------------------------------------------------------------------------------------------------------


class WebhookCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    events: Annotated[list[Event], msgspec.Meta(min_length=1, max_length=len(EVENTS))]
    secret: Annotated[str, msgspec.Meta(min_length=16, max_length=256)]
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""


class Webhook(msgspec.Struct, frozen=True):
    """A subscriber as admins see it: the secret is never shown again, only its last four characters."""

    id: UUID
    name: str
    url: str
    events: list[str]
    status: Literal["active", "paused"]
    consecutive_failures: int
    paused_at: datetime | None
    paused_reason: str | None
    secret_hint: str
    created_at: datetime


class WebhookPage(msgspec.Struct, frozen=True):
    """A page of webhook subscribers: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[Webhook]
    next_cursor: str | None


class Delivery(msgspec.Struct, frozen=True):
    id: int
    channel: Channel
    event: str
    outbox_id: int
    status: DeliveryStatus
    attempts: int
    available_at: datetime
    last_error: str | None
    last_status: int | None
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
    user_id: UUID | None = None
    subscriber_id: UUID | None = None


class DeliveryPage(msgspec.Struct, frozen=True):
    """The deprecated v1 page: `next_cursor` is the last id seen, sent back as `before`."""

    items: list[Delivery]
    next_cursor: int | None


class DeliveryPageV2(msgspec.Struct, frozen=True):
    """A page of deliveries: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[Delivery]
    next_cursor: str | None


class OutboxEntry(msgspec.Struct, frozen=True):
    id: int
    topic: str
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    available_at: datetime


class OutboxPage(msgspec.Struct, frozen=True):
    """The deprecated v1 page: `next_cursor` is the last id seen, sent back as `before`."""

    items: list[OutboxEntry]
    next_cursor: int | None


class OutboxPageV2(msgspec.Struct, frozen=True):
    """A page of outbox entries: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[OutboxEntry]
    next_cursor: str | None


class Replayed(msgspec.Struct, frozen=True):
    replayed: int
