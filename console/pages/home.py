"""The console's home: the areas the user may open."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from console.auth import CurrentUser
from console.render import page


@get("/", name="console.home", opt={"access": "console"})
async def home(request: Request[Any, Any, Any], user: CurrentUser) -> Template:
    return page(request, "home.html")


ROUTES = [home]
