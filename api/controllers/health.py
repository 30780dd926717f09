"""Liveness and readiness."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State

from api.db import newest_beat_age_s
from api.errors import problem_response
from api.settings import Settings

log = logging.getLogger("cityloop.health")


class HealthController(Controller):
    tags = ["health"]

    @get("/healthz", operation_id="healthz", summary="Liveness: the process answers", security=[{}])
    async def healthz(self) -> dict[str, str]:
        return {"status": "ok"}

    @get(
        "/readyz",
        operation_id="readyz",
        opt={"problems": ("dependency_unavailable",)},
        summary="Readiness: the database and the bucket answer, and a worker works (where required)",
        security=[{}],
    )
    async def readyz(self, request: Request[Any, Any, Any], state: State) -> Any:
        settings: Settings = state.settings
        failing: list[str] = []
        worker_age: list[float | None] = []

        async def database() -> None:
            async with asyncio.timeout(2):
                async with state.pool.acquire() as conn:
                    await conn.fetchval("SELECT 1")
                    if settings.worker_heartbeat_required:
                        worker_age.append(await newest_beat_age_s(conn))

        async def storage() -> None:
            async with asyncio.timeout(3):
                if not await state.storage.ping():
                    raise RuntimeError(f"bucket {state.storage.bucket} does not exist")

        for name, check in (("database", database), ("storage", storage)):
            try:
                await check()
            except Exception as exc:
                log.warning("dependency down", extra={"dependency": name, "error": repr(exc)})
                failing.append(name)
        checks = {"database": "ok", "storage": "ok"}
        extra: dict[str, Any] = {}
        if worker_age:  # asked for, and the database answered
            age = worker_age[0]
            if age is None or age > settings.worker_heartbeat_max_age_s:
                log.warning("no worker is working", extra={"last_beat_s": age})
                failing.append("worker")
                extra["worker_last_beat_s"] = None if age is None else round(age, 1)
            else:
                checks["worker"] = "ok"
        if failing:
            return problem_response(
                request,
                503,
                "dependency_unavailable",
                "not ready: " + ", ".join(failing) + " unavailable",
                headers={"Retry-After": "5"},
                extra={"failing": failing, **extra},
            )
        return {"status": "ready", "checks": checks}
