"""When to try again: exponential backoff with jitter, and the server's own Retry-After when it gives one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from notifications.models import NotificationsConfig


def backoff_s(config: NotificationsConfig, attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: base * 2^(attempts-1), capped, with "equal jitter"
    (half fixed, half random) so that deliveries that failed together do not retry together."""
    ceiling: float = min(config.backoff_max_s, config.backoff_base_s * 2.0 ** max(attempts - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def next_try(
    config: NotificationsConfig,
    attempts: int,
    retry_after_s: float | None = None,
    now: datetime | None = None,
) -> datetime:
    """The backoff, or the server's Retry-After when that is longer (never sooner than it asked)."""
    now = now or datetime.now(UTC)
    wait = backoff_s(config, attempts)
    if retry_after_s is not None:
        wait = max(wait, retry_after_s)
    return now + timedelta(seconds=wait)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
