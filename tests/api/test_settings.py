"""Configuration: typed, from the environment, and never test-only settings in production."""

from __future__ import annotations

from pathlib import Path

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


# an unnamed environment ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"JWT_SECRET": "short"},
        {"JWT_SECRET": "dev-only-secret-not-for-production-000000"},  # the public dev secret, given by hand
        {"CITYLOOP_ENV": "", "DATABASE_URL": "postgresql://db/cityloop"},  # empty counts as unset
    ],
)
def test_an_unnamed_environment_without_a_real_secret_refuses_to_start(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="CITYLOOP_ENV is not set"):
        load_settings(env)


def test_an_unnamed_environment_with_a_real_secret_gets_no_dev_defaults() -> None:
    settings = load_settings({"JWT_SECRET": "r" * 40})
    assert settings.jwt_secret == "r" * 40
    assert settings.otp_per_ip_per_hour == 30  # not the generous dev limit


@pytest.mark.parametrize("env", ["dev", "test"])
def test_a_named_dev_or_test_environment_starts_with_the_dev_defaults(env: str) -> None:
    from api.settings import DEV_JWT_SECRET

    settings = load_settings({"CITYLOOP_ENV": env})
    assert settings.env == env
    assert settings.jwt_secret == DEV_JWT_SECRET


def test_the_command_line_and_the_server_refuse_an_unnamed_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from api import asgi, cli

    monkeypatch.delenv("CITYLOOP_ENV", raising=False)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    assert cli.main(["users", "token", "13912345678"]) == 2
    assert "CITYLOOP_ENV is not set" in capsys.readouterr().err
    with pytest.raises(SettingsError, match="CITYLOOP_ENV is not set"):
        asgi.app()  # what `uvicorn --factory api.asgi:app` calls: the server does not start
    # the contract is rendered from the code alone and needs no environment
    assert cli.main(["contract", "check"]) in (0, 1)
    assert "CITYLOOP_ENV" not in capsys.readouterr().err


def test_the_local_services_name_their_environment() -> None:
    # `make run` and `make test` source var/PROFILE/env, written by scripts/services.sh
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "scripts" / "services.sh").read_text(encoding="utf-8")
    assert 'envline CITYLOOP_ENV "$PROFILE"' in script


def _payments_file(tmp_path: Path, *, wechat_url: str, alipay_url: str) -> str:
    """A providers' configuration as the fakes write it, with these base URLs (keys made here)."""
    from housing.providers.fakes import FakeAlipay, FakeWeChatPay
    from housing.providers.fakes.__main__ import write_client_configs

    wechat, alipay = FakeWeChatPay(), FakeAlipay()
    path = tmp_path / "payments.json"
    write_client_configs(
        path, wechat.client_config(base_url=wechat_url), alipay.client_config(gateway_url=alipay_url)
    )
    return str(path)


def test_production_pays_only_through_the_providers_own_hosts(tmp_path: Path) -> None:
    real = _payments_file(
        tmp_path,
        wechat_url="https://api.mch.weixin.qq.com",
        alipay_url="https://openapi.alipay.com/gateway.do",
    )
    origin = {"PAYMENTS_NOTIFY_ORIGIN": "https://api.city.example.cn"}
    settings = load_settings({**PRODUCTION, "PAYMENTS_CONFIG_FILE": real, **origin})
    assert settings.payments_config_file == real
    fake = _payments_file(
        tmp_path, wechat_url="http://127.0.0.1:8601", alipay_url="http://127.0.0.1:8602/gateway.do"
    )
    with pytest.raises(SettingsError, match="fake provider is for dev and test only"):
        load_settings({**PRODUCTION, "PAYMENTS_CONFIG_FILE": fake, **origin})
    with pytest.raises(SettingsError, match="PAYMENTS_NOTIFY_ORIGIN"):
        load_settings(
            {**PRODUCTION, "PAYMENTS_CONFIG_FILE": real, "PAYMENTS_NOTIFY_ORIGIN": "http://127.0.0.1:8000"}
        )
    with pytest.raises(SettingsError, match="needs PAYMENTS_NOTIFY_ORIGIN"):
        load_settings({**PRODUCTION, "PAYMENTS_CONFIG_FILE": real})
    with pytest.raises(SettingsError, match="not readable JSON"):
        load_settings({**PRODUCTION, "PAYMENTS_CONFIG_FILE": str(tmp_path / "missing.json"), **origin})
    # the fakes are fine in dev and test
    assert load_settings(
        {"CITYLOOP_ENV": "test", "PAYMENTS_CONFIG_FILE": fake, **origin}
    ).payments_config_file
