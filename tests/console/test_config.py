"""The console's settings: session lifetimes are checked, and the CSP names only the storage and the configured
base-map tiles as outside image origins."""

from __future__ import annotations

import pytest

from api.settings import Settings, SettingsError, load_settings
from console.security import content_security_policy


@pytest.mark.parametrize(
    "overrides",
    [
        {"console_idle_timeout_s": 30},
        {"console_idle_timeout_s": 7200, "console_session_lifetime_s": 3600},
        {"console_session_lifetime_s": 8 * 86400},
        {"console_tile_url": "ftp://tiles.example/{z}/{x}/{y}.png"},
    ],
)
def test_bad_console_settings_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="CONSOLE_"):
        load_settings({}, env="test", **overrides)


def test_the_environment_sets_the_console() -> None:
    settings = load_settings(
        {"CITYLOOP_ENV": "test", "CONSOLE_IDLE_TIMEOUT_S": "600", "CONSOLE_SESSION_LIFETIME_S": "3600"}
    )
    assert (settings.console_idle_timeout_s, settings.console_session_lifetime_s) == (600, 3600)


def test_the_csp_lists_storage_and_the_tiles_only() -> None:
    plain = content_security_policy(Settings(env="test", s3_endpoint="127.0.0.1:9000"))
    assert "img-src 'self' data: blob: http://127.0.0.1:9000;" in plain
    tiles = content_security_policy(
        Settings(
            env="test",
            s3_endpoint="oss.example.cn",
            s3_secure=True,
            console_tile_url="https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        )
    )
    assert "img-src 'self' data: blob: https://oss.example.cn https://*.tianditu.gov.cn;" in tiles
    assert "KEY" not in tiles
