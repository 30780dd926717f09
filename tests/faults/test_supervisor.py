"""`cityloop serve` supervises the API and the worker: a child killed with SIGKILL is started again (with a
backoff that grows while it keeps dying), /readyz counts the new worker by its heartbeat, and SIGTERM stops
everything."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from api.supervisor import Supervisor
from tests.faults.conftest import ROOT, tail, wait_for
from tests.faults.pg import free_port


def children(pid: int) -> dict[str, int]:
    """The supervisor's children by role, read from /proc."""
    out: dict[str, int] = {}
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in map(int, listed):
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in argv:
            out["worker"] = child
        elif b"--no-worker" in argv:
            out["api"] = child
    return out


def start_serve(log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.timeout(90)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
async def test_serve_restarts_a_killed_worker_and_a_killed_api(
    database_url: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "CITYLOOP_ENV": "test",
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DB_POOL_MIN": "1",
        "DB_POOL_MAX": "2",
        "WORKER_HEARTBEAT_REQUIRED": "1",
        "WORKER_HEARTBEAT_MAX_AGE_S": "10",
        "LOG_LEVEL": "INFO",
    }
    serve = start_serve(log, env)
    origin = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:

            async def status(path: str) -> int | None:
                try:
                    async with http.get(origin + path) as r:
                        return r.status
                except aiohttp.ClientError:
                    return None

            async def ready() -> bool:
                return await status("/readyz") == 200

            await wait_for(ready, 40, "the API to be ready with a working worker", log)
            first = children(serve.pid)
            assert set(first) == {"api", "worker"}, first
            assert await db.fetchval("SELECT pid FROM worker_heartbeats") == first["worker"]

            # both killed: each is started again, the worker beats and the API answers
            os.kill(first["worker"], signal.SIGKILL)
            os.kill(first["api"], signal.SIGKILL)

            async def new_worker_beats() -> bool:
                now = children(serve.pid).get("worker")
                if now is None or now == first["worker"]:
                    return False
                return bool(await db.fetchval("SELECT count(*) FROM worker_heartbeats WHERE pid = $1", now))

            async def new_api() -> bool:
                now = children(serve.pid).get("api")
                return now is not None and now != first["api"] and await ready()

            await wait_for(new_worker_beats, 30, "a new worker to beat", log)
            await wait_for(new_api, 30, "a new API process to be ready", log)

        serve.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(serve.wait, 20) == 0, tail(log)
        assert children(serve.pid) == {}
        text = tail(log, 10**7)
        assert text.count('"msg": "child died; restarting it"') == 2, text
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_a_child_that_keeps_dying_waits_longer_each_time_and_a_stable_one_starts_over() -> None:
    supervisor = Supervisor(
        {"quick": [sys.executable, "-c", "raise SystemExit(3)"]},
        backoff_base_s=1.0,
        backoff_max_s=8.0,
        stable_after_s=60.0,
    )
    child = supervisor.children[0]
    now = 1000.0
    delays: list[float] = []
    for _ in range(6):
        supervisor._check(child, now)  # starts it
        assert child.process is not None
        child.process.wait(10)
        child.started_at = now
        supervisor._check(child, now + 0.5)  # sees it dead after half a second
        assert child.process is None
        delays.append(child.next_start - (now + 0.5))
        now = child.next_start
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    # a run longer than stable_after_s resets the backoff
    supervisor._check(child, now)
    assert child.process is not None
    child.process.wait(10)
    child.started_at = now
    supervisor._check(child, now + 61)
    assert child.next_start - (now + 61) == 1.0
    assert child.starts == 7
