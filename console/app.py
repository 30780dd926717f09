"""The console's router, mounted by api/app.py under /console: its pages, its static files, its guard, its
headers and its HTML error pages. Nothing of it is in the published API document (include_in_schema=False)."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from console.assets import static_file
from console.auth import console_guard, provide_user
from console.errors import exception_handlers
from console.pages import PAGE_ROUTES
from console.security import ConsoleHeaders


def console_router() -> Router:
    return Router(
        path="/console",
        route_handlers=[*PAGE_ROUTES, static_file],
        guards=[console_guard],
        dependencies={"user": Provide(provide_user, sync_to_thread=False)},
        middleware=[ConsoleHeaders],
        exception_handlers=exception_handlers(),
        include_in_schema=False,
        # api.auth.needs_token: a console route never asks for a bearer token
        opt={"console": True},
    )
