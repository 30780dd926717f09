"""The framework ceiling for `bench/http_baseline.py`: a bare Litestar app that returns a constant.

No middleware, no dependencies, no database: what Litestar + uvicorn can serve on this machine.

    uvicorn bench.bare_app:app
"""

from __future__ import annotations

from litestar import Litestar, get


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[healthz], debug=False)
