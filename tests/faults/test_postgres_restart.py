"""PostgreSQL stopped and started again under load, on a cluster of this module's own.

While it is down every request answers 503 service_unavailable with Retry-After (never a 500) and /readyz says
the database is unavailable; once it is back the same API process serves again without a restart, every write
the clients retry with their Idempotency-Key lands exactly once, and the worker process that lived through it
beats and fans out again.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from api.app import create_app
from api.db import connect
from api.settings import Settings, load_settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store as cases_store
from tests.cases.helpers import report_body
from tests.faults.conftest import served, start_worker, tail, wait_for
from tests.faults.pg import ThrowawayPostgres
from tests.identity.helpers import bearer, staff_token

DOWN_S = 2.0
CLIENTS = 4


class Answer:
    __slots__ = ("at", "code", "key", "kind", "phase", "retry_after", "status")

    def __init__(
        self, phase: str, kind: str, status: int, body: Any, retry_after: str | None, key: str
    ) -> None:
        self.at = time.monotonic()
        self.phase = phase
        self.kind = kind
        self.status = status
        self.code = body.get("code") if isinstance(body, dict) else None
        self.retry_after = retry_after
        self.key = key


async def _prepare(db: asyncpg.Connection, settings: Settings) -> str:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        geo = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await cases_store.insert_service_area(db, geo["properties"]["name"], json.dumps(geo["geometry"]))
    return await staff_token(db, settings, "+8613900000301", "citizen")


@pytest.mark.timeout(150)
async def test_a_postgresql_restart_under_load(own_postgres: ThrowawayPostgres, tmp_path: Path) -> None:
    pg = own_postgres
    settings = load_settings(
        database_url=pg.url("cityloop"),
        env="test",
        db_pool_min=1,
        db_pool_max=4,
        db_acquire_timeout_s=3.0,
        reports_per_day=100_000,
        worker_heartbeat_required=True,
        worker_heartbeat_max_age_s=10.0,
    )
    db = await connect(settings)
    token = await _prepare(db, settings)
    await db.close()
    log = tmp_path / "worker.log"
    worker = start_worker(log, DATABASE_URL=settings.database_url, NOTIFY_POLL_S="0.2")
    answers: list[Answer] = []
    phase = "before"
    keys: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> body of every report sent

    async def beats_since(moment: str) -> bool:
        try:
            conn = await asyncpg.connect(settings.database_url)
        except (OSError, asyncpg.PostgresError):
            return False
        try:
            return bool(
                await conn.fetchval(f"SELECT count(*) FROM worker_heartbeats WHERE beat_at > {moment}")
            )
        finally:
            await conn.close()

    try:
        async with served(create_app(settings)) as client:  # starts while the worker does
            await wait_for(lambda: beats_since("'-infinity'"), 30, "the worker's first heartbeat", log)
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": "ok", "storage": "ok", "worker": "ok"}
            running = True

            async def load(n: int) -> None:
                i = 0
                while running:
                    i += 1
                    if i % 2:
                        key = f"fault-{n}-{i}-{uuid.uuid4().hex[:8]}"
                        body = report_body(description=f"restart {n}/{i}")
                        keys[key] = body
                        r = await client.post(
                            "/v1/reports", json=body, headers={**bearer(token), "Idempotency-Key": key}
                        )
                        kind = "write"
                    else:
                        key = ""
                        r = await client.get("/v1/inbox", headers=bearer(token))
                        kind = "read"
                    answers.append(
                        Answer(phase, kind, r.status_code, r.json(), r.headers.get("retry-after"), key)
                    )
                    await asyncio.sleep(0.02)

            clients = [asyncio.create_task(load(n)) for n in range(CLIENTS)]
            await asyncio.sleep(1.0)

            phase = "down"
            await asyncio.to_thread(pg.stop, "fast")
            down_at = time.monotonic()
            await asyncio.sleep(DOWN_S / 2)
            not_ready = await client.get("/readyz")
            assert not_ready.status_code == 503
            assert not_ready.json()["code"] == "dependency_unavailable"
            assert "database" in not_ready.json()["failing"]
            await asyncio.sleep(DOWN_S / 2)

            phase = "after"
            await asyncio.to_thread(pg.start)
            up_at = time.monotonic()
            conn = await asyncpg.connect(settings.database_url)
            back_at = await conn.fetchval("SELECT now()")
            await conn.close()

            async def serving_again() -> bool:
                late = [a for a in answers if a.at > up_at + 0.5]
                return len(late) >= 8 and all(a.status in (200, 201) for a in late[-8:])

            await wait_for(serving_again, 20, "the API to serve again", None)
            running = False
            await asyncio.gather(*clients)

            # no 500 ever; while it was down, 503 service_unavailable with Retry-After
            statuses = Counter((a.phase, a.status) for a in answers)
            assert not [a for a in answers if a.status not in (200, 201, 503)], statuses
            unavailable = [a for a in answers if a.status == 503]
            assert [a for a in unavailable if a.at >= down_at], statuses
            assert {a.code for a in unavailable} == {"service_unavailable"}
            assert all(a.retry_after == "5" for a in unavailable)
            # the same API process serves reads and writes again
            assert {a.kind for a in answers if a.at > up_at and a.status in (200, 201)} == {"read", "write"}

            # every write lands exactly once: what answered 503 is retried with its key, as a phone would
            retry = asyncio.Semaphore(CLIENTS)

            async def again(key: str) -> None:
                async with retry:
                    r = await client.post(
                        "/v1/reports", json=keys[key], headers={**bearer(token), "Idempotency-Key": key}
                    )
                assert r.status_code in (200, 201), r.text

            await asyncio.gather(*(again(a.key) for a in answers if a.kind == "write" and a.status == 503))

            # the worker lived through it: it beats again, /readyz counts it, and it fans out new outbox rows
            assert worker.poll() is None, tail(log)
            await wait_for(
                lambda: beats_since(f"'{back_at.isoformat()}'"), 30, "a heartbeat after the restart", log
            )
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text

        conn = await connect(settings)
        try:
            stored = await conn.fetch("SELECT description FROM reports")
            assert sorted(r["description"] for r in stored) == sorted(b["description"] for b in keys.values())
            some = await conn.fetchrow("SELECT case_id, reporter_id FROM reports LIMIT 1")
            assert some is not None
            case_id, reporter_id = some["case_id"], some["reporter_id"]
            outbox_id = await conn.fetchval(
                "INSERT INTO outbox (topic, payload) VALUES ('case.transitioned', $1) RETURNING id",
                {
                    "case_id": str(case_id),
                    "event_id": None,
                    "action": "register",
                    "from": "verified",
                    "to": "registered",
                    "round": 1,
                },
            )

            async def fanned_out() -> bool:
                return bool(
                    await conn.fetchval(
                        "SELECT count(*) FROM notifications WHERE outbox_id = $1 AND user_id = $2",
                        outbox_id,
                        reporter_id,
                    )
                )

            await wait_for(fanned_out, 20, "the worker to fan out a new outbox row", log)
        finally:
            await conn.close()
        assert worker.poll() is None, tail(log)
        text = tail(log, 10**7)
        assert "database unavailable" in text  # it noticed, and went on
        # every failure during the restart was taken for what it was (no job failed "for another reason")
        assert "worker job failed" not in text, text
        assert '"notifications pass failed; retrying"' not in text, text
    finally:
        worker.terminate()
        assert worker.wait(20) == 0, tail(log)
