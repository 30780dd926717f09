"""Liveness, readiness with each dependency down, and metrics."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings, load_settings
from tests.api.test_problems import assert_problem

ROOT = Path(__file__).resolve().parents[2]


async def test_healthz(client: AsyncTestClient[Any]) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_ready_when_database_and_bucket_answer(client: AsyncTestClient[Any]) -> None:
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"database": "ok", "storage": "ok"}


async def test_not_ready_while_the_database_refuses_connections(
    client: AsyncTestClient[Any], database_url: str, base_url: str
) -> None:
    """The test's database stops taking connections (the shared server keeps serving other tests)."""
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(base_url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        r = await client.get("/readyz")
        body = assert_problem(r, 503, "dependency_unavailable")
        assert body["failing"] == ["database"]
        assert r.headers["retry-after"] == "5"

        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        for _ in range(20):  # the pool reconnects by itself
            r = await client.get("/readyz")
            if r.status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert r.status_code == 200
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def own_s3(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A storage server of this test's own, so that stopping it disturbs no other test."""
    port = _free_port()
    process = subprocess.Popen(
        [
            str(ROOT / "node_modules/.bin/s3rver"),
            "--directory",
            str(tmp_path),
            "--address",
            "127.0.0.1",
            "--port",
            str(port),
            "--configure-bucket",
            "cityloop",
            "--silent",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("s3rver did not start")
            import time

            time.sleep(0.05)
    yield process, port
    process.kill()
    process.wait()


async def test_not_ready_while_storage_is_stopped(
    settings: Settings, own_s3: tuple[subprocess.Popen[bytes], int]
) -> None:
    process, port = own_s3
    app = create_app(load_settings(**{**_fields(settings), "s3_endpoint": f"127.0.0.1:{port}"}))
    async with AsyncTestClient(app) as client:
        assert (await client.get("/readyz")).status_code == 200
        process.kill()
        process.wait()
        r = await client.get("/readyz")
        body = assert_problem(r, 503, "dependency_unavailable")
        assert body["failing"] == ["storage"]


async def test_not_ready_when_the_bucket_is_missing(settings: Settings) -> None:
    app = create_app(load_settings(**{**_fields(settings), "s3_bucket": "no-such-bucket"}))
    async with AsyncTestClient(app) as client:
        body = assert_problem(await client.get("/readyz"), 503, "dependency_unavailable")
        assert body["failing"] == ["storage"]


async def test_metrics_count_requests_by_route_and_show_the_pool(client: AsyncTestClient[Any]) -> None:
    await client.get("/healthz")
    await client.get("/v1/users/0190f0e0-0000-7000-8000-000000000000")
    text = (await client.get("/metrics")).text
    assert "cityloop_requests_total{" in text
    assert 'path="/healthz"' in text
    assert 'path="/v1/users/{user_id}"' in text  # grouped by route, not by id
    assert "cityloop_db_pool_size" in text
    assert "cityloop_request_duration_seconds_bucket" in text


def _fields(settings: Settings) -> dict[str, Any]:
    return {f: getattr(settings, f) for f in settings.__struct_fields__}


def test_env_has_storage() -> None:
    assert os.environ.get("S3_ENDPOINT"), "S3_ENDPOINT is not set: run the tests with `make test`"
