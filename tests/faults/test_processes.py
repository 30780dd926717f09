"""Two API processes and two workers on one database (issue 13, "a production server with workers"): nothing that
must hold across the city's deployment lives in one process's memory.

Each API is the real `cityloop serve --no-worker` (uvicorn, as deployed behind the load balancer), each worker the
real `cityloop worker`; the test talks to both APIs over loopback, alternating, as a load balancer would. Checked:
- rate limits hold across processes: the sign-in code's per-phone limit counts hits on either API (PostgreSQL
  holds the windows: identity.service.rate_limit);
- idempotency holds across processes: a report resent to the other API, and the same report sent to both at
  once, is filed once and both answers are the first one (identity/store.py's claim, in the request's
  transaction);
- every outbox row is delivered once: rows fanned out by two workers side by side (FOR UPDATE SKIP LOCKED) give
  one inbox message per person and row and one webhook per row, none twice;
- live events reach a socket connected to the other API: the case changes through API B, the worker NOTIFYs
  on PostgreSQL, and the reporter's socket on API A hears of it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from api.settings import Settings
from tests.cases.helpers import report_body
from tests.cases.workflow_fixtures import Staff, make_case
from tests.faults.conftest import ROOT, start_worker, tail, wait_for
from tests.faults.pg import free_port
from tests.faults.test_worker_kill import worker_env
from tests.identity.helpers import bearer
from tests.notifications.conftest import WEBHOOK_SECRET, Citizen, Receiver
from tests.notifications.fake_fcm import FakeFCM
from tests.notifications.helpers import add_report, follow

ROWS = 60


class Api:
    """`cityloop serve --no-worker` on a free loopback port, output in `log`."""

    def __init__(self, log: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = log
        full = {**os.environ, "CITYLOOP_ENV": "test", "LOG_LEVEL": "WARNING", **env}
        full.update(HOST="127.0.0.1", PORT=str(self.port), WEB_WORKERS="1")
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--no-worker"],
                cwd=ROOT,
                env=full,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def ready(self, http: aiohttp.ClientSession) -> None:
        async def answers() -> bool:
            try:
                async with http.get(f"http://{self.origin}/healthz") as r:
                    return r.status == 200
            except aiohttp.ClientError:
                assert self.process.poll() is None, tail(self.log)  # still starting, not dead
                return False

        await wait_for(answers, 60, f"the API on {self.origin}", self.log)
        assert self.process.poll() is None, tail(self.log)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def processes(
    settings: Settings, tmp_path: Path
) -> Iterator[tuple[list[Api], list[subprocess.Popen[bytes]]]]:
    env = worker_env(settings)
    apis = [Api(tmp_path / f"api-{i}.log", env) for i in range(2)]
    workers = [start_worker(tmp_path / f"worker-{i}.log", **env) for i in range(2)]
    try:
        yield apis, workers
    finally:
        for api in apis:
            api.stop()
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for i, worker in enumerate(workers):
            try:
                assert worker.wait(20) == 0, tail(tmp_path / f"worker-{i}.log")
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
                raise


async def _receive(ws: aiohttp.ClientWebSocketResponse, within: float = 20.0) -> dict[str, Any]:
    message = await ws.receive(timeout=within)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    body: dict[str, Any] = json.loads(message.data)
    return body


@pytest.mark.timeout(240)
async def test_two_apis_and_two_workers_share_one_database(
    db: asyncpg.Connection,
    settings: Settings,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    fake_fcm: FakeFCM,
    receiver: Receiver,
    processes: tuple[list[Api], list[subprocess.Popen[bytes]]],
) -> None:
    (a, b), _ = processes
    async with aiohttp.ClientSession() as http:
        await a.ready(http)
        await b.ready(http)
        origins = [a.origin, b.origin]

        # rate limits: one sign-in code a minute per phone (OTP_PER_PHONE_PER_MINUTE=1), whichever API is asked
        statuses = []
        for origin in (*origins, *origins):
            async with http.post(f"http://{origin}/v1/auth/otp", json={"phone": "+8613900000077"}) as r:
                statuses.append((r.status, (await r.json())["code"] if r.status >= 400 else None))
        assert statuses[0][0] < 300 and statuses[1:] == [(429, "rate_limited")] * 3, statuses

        # idempotency: a resend to the other API, and one report sent to both at once
        async def submit(origin: str, key: str) -> tuple[int, dict[str, Any], str | None]:
            async with http.post(
                f"http://{origin}/v1/reports",
                json=report_body(description=f"重复提交 {key}"),
                headers={**bearer(reporter.token), "Idempotency-Key": key},
            ) as r:
                return r.status, await r.json(), r.headers.get("Idempotent-Replayed")

        first = await submit(a.origin, "resent-to-b-0001")
        again = await submit(b.origin, "resent-to-b-0001")
        assert first[0] == again[0] == 201 and again[1] == first[1] and again[2] == "true", (first, again)
        both = await asyncio.gather(submit(a.origin, "sent-to-both-01"), submit(b.origin, "sent-to-both-01"))
        assert {s for s, _, _ in both} == {201} and both[0][1] == both[1][1], both
        assert sorted(str(r) for _, _, r in both) == ["None", "true"], both
        filed = await db.fetchval(
            "SELECT count(*) FROM reports WHERE reporter_id = $1 AND description LIKE '重复提交%'",
            reporter.id,
        )
        assert filed == 2  # one report per key

        # live: the reporter's socket on API A hears of a change made through API B
        case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
        await add_report(db, case_id, reporter.id)
        await follow(db, case_id, follower.id)
        ws = await http.ws_connect(f"ws://{a.origin}/v1/live?access_token={reporter.token}")
        assert (await _receive(ws))["type"] == "ready"
        version = await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id)
        async with http.post(
            f"http://{b.origin}/v1/cases/{case_id}/transitions",
            json={"action": "register"},
            headers={**bearer(staff.tokens["shift_lead"]), "If-Match": str(version)},
        ) as r:
            assert r.status == 200, await r.text()
        heard = [await _receive(ws), await _receive(ws)]
        assert {e["type"] for e in heard} == {"inbox", "case"}, heard
        assert all(e["case_id"] == str(case_id) for e in heard)
        await ws.close()

        # every outbox row delivered once by two workers side by side: a webhook subscriber (through API B) and
        # ROWS transitions of the case queued at once
        async with http.post(
            f"http://{b.origin}/v1/admin/webhooks",
            json={"url": receiver.url, "events": ["case.transitioned"], "secret": WEBHOOK_SECRET},
            headers=bearer(staff.tokens["admin"]),
        ) as r:
            assert r.status == 201, await r.text()
    inbox_before = await db.fetchval("SELECT count(*) FROM notifications")
    hooks_before = len(receiver.received)
    queued = await db.fetch(
        """INSERT INTO outbox (topic, payload)
           SELECT 'case.transitioned', jsonb_build_object('case_id', $1::text, 'event_id', NULL, 'action', 'reopen',
                                                          'from', 'closed', 'to', 'dispatched', 'round', i)
           FROM generate_series(1, $2) AS i RETURNING id""",
        str(case_id),
        ROWS,
    )
    ids = [r["id"] for r in queued]

    async def all_done() -> bool:
        pending: int = await db.fetchval(
            """SELECT (SELECT count(*) FROM outbox WHERE id = ANY($1::bigint[]) AND status <> 'done')
                    + (SELECT count(*) FROM deliveries d WHERE d.outbox_id = ANY($1::bigint[])
                       AND d.status <> 'done')""",
            ids,
        )
        return pending == 0 and len(receiver.received) - hooks_before >= ROWS

    await wait_for(all_done, 90, "two workers to deliver every row", None)
    # the inbox: each person told of each row once, the reporter and the follower among them
    per_person = await db.fetch(
        """SELECT outbox_id, user_id, count(*) AS n FROM notifications WHERE outbox_id = ANY($1::bigint[])
           GROUP BY 1, 2""",
        ids,
    )
    assert {r["n"] for r in per_person} == {1}
    told = Counter(r["user_id"] for r in per_person)
    assert told[reporter.id] == told[follower.id] == ROWS and set(told.values()) == {ROWS}, told
    assert await db.fetchval("SELECT count(*) FROM notifications") == inbox_before + len(per_person)
    hooks = [json.loads(h.body) for h in receiver.received[hooks_before:]]
    assert all(h.signed for h in receiver.received[hooks_before:])
    rounds = Counter(h["data"]["round"] for h in hooks)
    assert sorted(rounds) == list(range(1, ROWS + 1)) and set(rounds.values()) == {1}, rounds
    deliveries = Counter(h.headers["X-CityLoop-Delivery"] for h in receiver.received[hooks_before:])
    assert set(deliveries.values()) == {1}
