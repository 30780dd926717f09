"""The small rules underneath: backoff with jitter, Retry-After, quiet hours across midnight, which addresses a
webhook may reach, message texts."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from notifications.channels.push import quiet_until
from notifications.models import NotificationsConfig
from notifications.retry import backoff_s, next_try, parse_retry_after
from notifications.texts import render
from notifications.webhooks import forbidden_address, sign, signature_matches

CONFIG = NotificationsConfig(backoff_base_s=5, backoff_max_s=60)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_backoff_doubles_with_jitter_and_a_cap() -> None:
    for attempts, ceiling in [(1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (12, 60)]:
        waits = [backoff_s(CONFIG, attempts) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len({round(w, 3) for w in waits}) > 50  # jittered, not in lockstep


def test_retry_after_is_never_cut_short() -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert (next_try(CONFIG, 1, retry_after_s=30, now=now) - now).total_seconds() == 30
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Sun, 22 Nov 2026 08:01:00 GMT", now=now) == 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("local", "start", "end", "until"),
    [
        ("23:30", "22:00", "07:00", "2026-11-23 07:00"),
        ("06:59", "22:00", "07:00", "2026-11-22 07:00"),
        ("07:00", "22:00", "07:00", None),
        ("12:00", "22:00", "07:00", None),
        ("13:00", "12:30", "14:00", "2026-11-22 14:00"),
    ],
)
def test_quiet_hours(local: str, start: str, end: str, until: str | None) -> None:
    now = datetime.fromisoformat(f"2026-11-22 {local}").replace(tzinfo=SHANGHAI)
    result = quiet_until(
        now.astimezone(UTC), time.fromisoformat(start), time.fromisoformat(end), "Asia/Shanghai"
    )
    expected = datetime.fromisoformat(until).replace(tzinfo=SHANGHAI) if until else None
    assert result == expected


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("100.64.1.1", True),
        ("0.0.0.0", True),  # noqa: S104
        ("224.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fc00::1", True),
        ("::ffff:10.0.0.1", True),
        ("8.8.8.8", False),
        ("93.184.216.34", False),
        ("2001:4860:4860::8888", False),
        ("not-an-ip", True),
    ],
)
def test_which_addresses_a_webhook_may_reach(address: str, forbidden: bool) -> None:
    assert forbidden_address(address) is forbidden


def test_signatures() -> None:
    header = sign("secret-secret-16", "1795300000", b'{"a":1}')
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert signature_matches("secret-secret-16", "1795300000", b'{"a":1}', header)
    assert not signature_matches("secret-secret-16", "1795300001", b'{"a":1}', header)  # a replayed body
    assert not signature_matches("secret-secret-16", "1795300000", b'{"a":2}', header)


def test_texts_in_both_languages_with_missing_parts_shown_as_dashes() -> None:
    params = {
        "category_zh": "井盖缺失",
        "category_en": "Missing manhole cover",
        "step": "handle",
        "due_at": "2026-11-22T02:00:00+00:00",
    }
    assert render("deadline.overdue", params, "zh-CN", "Asia/Shanghai") == (
        "案件已超时",
        "井盖缺失（—）的处置环节已于 11-22 10:00 超时。",
    )
    assert render("deadline.overdue", params, "en", "Asia/Shanghai")[1] == (
        "The handling step of Missing manhole cover (—) was due at 11-22 10:00."
    )
    assert render("something.new", {}, "en", "Asia/Shanghai") == ("New message", "You have a new message.")
