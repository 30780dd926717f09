"""Configuration: typed, from the environment, and never test-only settings in production."""

from __future__ import annotations

import pytest

from api.settings import SettingsError, load_settings

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
    # `make test` exports the emulator's address for the Firebase tests
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)


def test_a_complete_production_configuration_loads() -> None:
    settings = load_settings(PRODUCTION)
    assert settings.is_production
    assert settings.otp_per_ip_per_hour == 30  # the production default, not the generous dev one


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}, "FIREBASE_AUTH_EMULATOR_HOST"),
        ({"SMS_GATEWAY": "console"}, "SMS_GATEWAY=console"),
        ({"JWT_SECRET": ""}, "JWT_SECRET"),
        ({"JWT_SECRET": "short"}, "JWT_SECRET"),
        ({"S3_SECRET_KEY": ""}, "S3_ACCESS_KEY"),
    ],
)
def test_production_refuses_test_only_or_missing_settings(change: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({**PRODUCTION, **change})


def test_the_emulator_variable_in_the_process_environment_is_refused_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # firebase-admin reads FIREBASE_AUTH_EMULATOR_HOST from os.environ itself
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    with pytest.raises(SettingsError, match="FIREBASE_AUTH_EMULATOR_HOST"):
        load_settings(PRODUCTION)


def test_the_emulator_is_fine_in_test() -> None:
    settings = load_settings({"CITYLOOP_ENV": "test", "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"})
    assert settings.firebase_auth_emulator_host == "127.0.0.1:9099"


@pytest.mark.parametrize(
    "env", [{"DB_POOL_MAX": "many"}, {"CITYLOOP_ENV": "staging"}, {"S3_SECURE": "maybe"}]
)
def test_malformed_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load_settings(env)
