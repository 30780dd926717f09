"""Errors of the notifications domain. The API maps each `code` to an HTTP status and a localized title."""

from __future__ import annotations


class NotificationsError(Exception):
    """Base of every notifications error: a stable `code`, the offending `fields`, extra `context`."""

    code = "notifications_error"

    def __init__(self, detail: str = "", *, fields: tuple[str, ...] = (), **context: object) -> None:
        super().__init__(detail)
        self.fields = fields
        self.context = context


class NotificationNotFound(NotificationsError):
    code = "notification_not_found"


class DeviceNotFound(NotificationsError):
    code = "device_not_found"


class WebhookNotFound(NotificationsError):
    code = "webhook_not_found"


class WebhookUrlInvalid(NotificationsError):
    """Not an absolute http(s) URL with a host."""

    code = "webhook_url_invalid"


class WebhookTargetForbidden(NotificationsError):
    """The URL points inside: loopback, link-local, private or otherwise non-public addresses."""

    code = "webhook_target_forbidden"


class WebhookHostUnresolvable(NotificationsError):
    code = "webhook_host_unresolvable"


class DeliveryNotFound(NotificationsError):
    code = "delivery_not_found"


class OutboxEntryNotFound(NotificationsError):
    code = "outbox_entry_not_found"


class NotDead(NotificationsError):
    """Only a dead delivery (or outbox row) can be replayed."""

    code = "not_dead"


class InvalidCursor(NotificationsError):
    code = "invalid_cursor"


class InvalidQuietHours(NotificationsError):
    code = "invalid_quiet_hours"
