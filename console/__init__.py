"""CityLoop's web console (issue 15): server-rendered pages for the people who run the loop at desks, served by
the API's own app under /console/. A presentation layer like api/: it calls the domains' services (never a
store, never the API's controllers). How to add an area: console/README.md."""

from __future__ import annotations

from typing import Any

from console.app import console_router
from console.render import TEMPLATE_CONFIG

#: for the app's route_handlers: the console's router (its pages, static files, guard, headers, error pages)
CONSOLE_ROUTES: list[Any] = [console_router()]
#: for the app's template_config: only the console renders templates
CONSOLE_TEMPLATES = TEMPLATE_CONFIG

__all__ = ["CONSOLE_ROUTES", "CONSOLE_TEMPLATES"]
