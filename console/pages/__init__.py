"""The console's pages. Each area is one module here exporting `ROUTES` (console/README.md); this list gathers
them and is the only shared line an area's engineer may need to touch."""

from __future__ import annotations

from typing import Any

from console.pages import admin, command, home, leaders, signin
from console.pages import property as property_office

PAGE_ROUTES: list[Any] = [
    *home.ROUTES,
    *signin.ROUTES,
    *command.ROUTES,
    *leaders.ROUTES,
    *property_office.ROUTES,
    *admin.ROUTES,
]
