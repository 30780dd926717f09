"""`cityloop console screenshots` writes the README's pictures from the demo data: the command centre as the demo
dispatcher and the leaders' dashboard as the demo leader, signed in through the console's SMS sign-in, with
Debian's Chromium; it refuses a database without the demo."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from api.cli import main
from api.cli_console import WIDTH, ScreenshotsRefused, take_screenshots
from api.config import auth_config
from api.db import connect
from api.demo import seed_demo
from api.settings import Settings, load_settings
from tests.console.conftest import CHROMIUM, _create_database, run_async
from tests.databases import Databases, with_database


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def _seed(settings: Settings) -> None:
    conn = await connect(settings)
    try:
        async with conn.transaction():
            await seed_demo(conn, auth_config(settings))
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def bare_settings(databases: Databases, base_url: str) -> Settings:
    """Settings of a migrated database of this module's own (the demo is seeded by the test that wants it)."""
    name = databases.template.removesuffix("_tpl") + "_shots"
    run_async(_create_database(with_database(base_url, "postgres"), name, databases.template))
    return load_settings(database_url=with_database(base_url, name), env="test", db_pool_min=1, db_pool_max=4)


def test_no_demo_data_is_refused(bare_settings: Settings, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with pytest.raises(ScreenshotsRefused, match="no demo data"):
        take_screenshots(bare_settings, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_chromium_is_refused(
    bare_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ScreenshotsRefused, match="no Chromium at"):
        take_screenshots(bare_settings, tmp_path, chromium=tmp_path / "no-chromium")


def test_the_command_writes_both_screenshots_from_the_demo(bare_settings: Settings, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: scripts/bootstrap.sh installs Debian's chromium")
    run_async(_seed(bare_settings))
    written = take_screenshots(bare_settings, tmp_path)
    assert [p.name for p in written] == ["command-centre.png", "leaders.png"]
    for path in written:
        width, height = _png_size(path)
        assert width == WIDTH and height >= 600, (path.name, width, height)
        assert path.stat().st_size > 20_000, path  # a page drawn, not a blank one


def test_the_cli_refuses_with_a_message(
    bare_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CITYLOOP_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("DATABASE_URL", bare_settings.database_url)
    assert main(["console", "screenshots", "--out", str(tmp_path / "out")]) == 1
    assert "no Chromium at" in capsys.readouterr().err
