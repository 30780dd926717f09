"""Push settings: the fake FCM never reaches production, neither by FCM_URL nor by a credential whose tokens come
from somewhere other than Google."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.settings import SettingsError, load_settings
from tests.notifications.fake_fcm import service_account

PRODUCTION = {
    "CITYLOOP_ENV": "production",
    "JWT_SECRET": "x" * 48,
    "SMS_GATEWAY": "http",
    "SMS_HTTP_URL": "https://sms.example.invalid/send",
    "S3_ACCESS_KEY": "key",
    "S3_SECRET_KEY": "secret",
}


@pytest.fixture(autouse=True)
def no_emulator_in_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)


def credential(tmp_path: Path, token_uri: str) -> str:
    path = tmp_path / "account.json"
    path.write_text(json.dumps(service_account(token_uri)), encoding="utf-8")
    return str(path)


def test_production_with_a_google_service_account(tmp_path: Path) -> None:
    path = credential(tmp_path, "https://oauth2.googleapis.com/token")
    settings = load_settings({**PRODUCTION, "FCM_CREDENTIALS_FILE": path})
    assert settings.fcm_credentials_file == path
    assert settings.webhook_allow_private_targets is False  # the default
    assert settings.fcm_url == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"FCM_URL": "http://127.0.0.1:9999"}, "FCM_URL"),
        ({"FCM_CREDENTIALS_FILE": "/nowhere/account.json"}, "not a readable service-account"),
        ({"NOTIFY_MAX_ATTEMPTS": "0"}, "NOTIFY_MAX_ATTEMPTS"),
        ({"NOTIFY_BACKOFF_BASE_S": "10", "NOTIFY_BACKOFF_MAX_S": "1"}, "NOTIFY_BACKOFF_BASE_S"),
        ({"WEBHOOK_PAUSE_AFTER": "0"}, "WEBHOOK_PAUSE_AFTER"),
    ],
)
def test_production_refuses_fakes_and_nonsense(change: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({**PRODUCTION, **change})


def test_production_refuses_a_credential_of_the_fake(tmp_path: Path) -> None:
    path = credential(tmp_path, "http://127.0.0.1:4000/token")
    with pytest.raises(SettingsError, match="not from Google"):
        load_settings({**PRODUCTION, "FCM_CREDENTIALS_FILE": path})


def test_the_fake_is_fine_in_test(tmp_path: Path) -> None:
    path = credential(tmp_path, "http://127.0.0.1:4000/token")
    settings = load_settings(
        {
            "CITYLOOP_ENV": "test",
            "FCM_CREDENTIALS_FILE": path,
            "FCM_URL": "http://127.0.0.1:4000",
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
        }
    )
    assert settings.fcm_url == "http://127.0.0.1:4000" and settings.webhook_allow_private_targets is True
