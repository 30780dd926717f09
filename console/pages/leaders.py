"""The leaders area (console/areas.py): a placeholder until its pages land."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from console.auth import CurrentUser
from console.render import page


@get("/", name="console.leaders")
async def index(request: Request[Any, Any, Any], user: CurrentUser) -> Template:
    return page(request, "leaders/index.html")


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [Router(path="/leaders", opt={"area": "leaders"}, route_handlers=[index])]
