"""`cityloop open311 issue | list | revoke`: the key shown once, only its hash kept, revoked keys refused."""

from __future__ import annotations

import asyncio
import hashlib
import json

import asyncpg
import pytest

from api.cli import main
from api.settings import Settings
from open311 import applications
from open311.errors import ApiKeyInvalid


async def _usable(db: asyncpg.Connection, key: str) -> bool:
    try:
        await applications.authenticate(db, key)
    except ApiKeyInvalid:
        return False
    return True


async def test_issue_list_revoke(
    settings: Settings,
    db: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")

    async def cli(*argv: str) -> int:  # main() runs its own event loop
        return await asyncio.to_thread(main, list(argv))

    assert await cli("open311", "issue", "城市服务平台", "--requests-per-hour", "10") == 0
    issued = json.loads(capsys.readouterr().out)
    key, app_id = issued["api_key"], issued["application"]["id"]
    assert (
        issued["application"]["name"] == "城市服务平台" and issued["application"]["requests_per_hour"] == 10
    )
    row = await db.fetchrow("SELECT key_hash, revoked_at FROM open311_applications")
    assert row is not None and row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert await _usable(db, key)

    assert await cli("open311", "list") == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [a["id"] for a in listed] == [app_id] and key not in str(listed)

    assert await cli("open311", "revoke", app_id) == 0
    assert json.loads(capsys.readouterr().out)["revoked_at"] is not None
    assert not await _usable(db, key)
    actions = [r["action"] for r in await db.fetch("SELECT action FROM audit_log ORDER BY id")]
    assert (
        actions.count("open311.application.issue") == 1 and actions.count("open311.application.revoke") == 1
    )
    assert await cli("open311", "revoke", "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62") == 1
    assert await cli("open311", "issue", "") == 2
