"""The hook the fake FCM depends on. firebase-admin is pinned; if an upgrade moves `_MessagingService.FCM_URL`
(or the service factory), these fail before any push test gives a confusing answer."""

from __future__ import annotations

import re
from pathlib import Path

import firebase_admin
from firebase_admin import messaging

from notifications.channels.push import FirebasePush, PushMessage
from notifications.models import NotificationsConfig
from tests.notifications.fake_fcm import ACCESS_TOKEN, FakeFCM

ROOT = Path(__file__).resolve().parents[2]


def test_firebase_admin_is_the_pinned_version() -> None:
    pinned = re.search(r'"firebase-admin==([0-9.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned is not None
    assert firebase_admin.__version__ == pinned.group(1) == "7.7.0"


def test_the_fcm_url_hook_is_there() -> None:
    assert messaging._MessagingService.FCM_URL == "https://fcm.googleapis.com/v1/projects/{0}/messages:send"
    assert callable(messaging._get_messaging_service)


async def test_firebase_admin_sends_to_the_fake_and_only_there(
    fake_fcm: FakeFCM, fcm_credentials: Path, no_network: list[str]
) -> None:
    config = NotificationsConfig(
        fcm_credentials_file=str(fcm_credentials), fcm_project_id="demo-cityloop", fcm_url=fake_fcm.origin
    )
    push = FirebasePush(config)
    try:
        [outcome] = await push.send(
            [PushMessage(1, "device-1", "标题", "正文", {"case_id": "c1"}, "case-c1", urgent=True)]
        )
    finally:
        await push.close()
    assert outcome.result == "sent"
    assert fake_fcm.token_requests == 1  # the OAuth exchange went to the fake as well
    [received] = fake_fcm.received
    assert received.message["notification"] == {"title": "标题", "body": "正文"}
    assert received.message["android"] == {"collapse_key": "case-c1", "priority": "high"}
    assert received.message["apns"]["headers"] == {"apns-collapse-id": "case-c1", "apns-priority": "10"}
    assert ACCESS_TOKEN
    # the hook is put back: other firebase apps still talk to Google
    assert messaging._MessagingService.FCM_URL.startswith("https://fcm.googleapis.com/")
    assert no_network == []
