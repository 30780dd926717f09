"""Liveness and readiness."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State

from api.errors import problem_response

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
        summary="Readiness: the database and the bucket answer",
        security=[{}],
    )
    async def readyz(self, request: Request[Any, Any, Any], state: State) -> Any:
        failing: list[str] = []

        async def database() -> None:
            async with asyncio.timeout(2):
                async with state.pool.acquire() as conn:
                    await conn.fetchval("SELECT 1")

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
        if failing:
            return problem_response(
                request,
                503,
                "dependency_unavailable",
                "not ready: " + ", ".join(failing) + " unavailable",
                headers={"Retry-After": "5"},
                extra={"failing": failing},
            )
        return {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}
