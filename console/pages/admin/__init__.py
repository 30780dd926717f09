"""The admin area (系统管理): grid imports with a progress bar and their report on a map (grids.py), inspectors'
duties, the working calendar and category settings (settings.py), and the outbox and deliveries with replay
(outbox.py); what they share is in common.py.

Every page calls the services the API's admin controllers call (api/controllers/grids.py, calendar.py,
reports.py's CategoriesController, notifications_admin.py) and audits the same actions with the same names.
Writes are forms posted with the CSRF token; a refused form answers the page again with the refusal and the
status the API would answer, and writes nothing (the request's transaction rolls back).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from console.auth import CurrentUser
from console.pages.admin import grids, outbox, settings
from console.pages.admin.common import KEYS
from console.render import page


@get("/", name="console.admin")
async def index(request: Request[Any, Any, Any], user: CurrentUser) -> Template:
    return page(request, "admin/index.html", keys=KEYS, section="")


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [
    Router(
        path="/admin",
        opt={"area": "admin"},
        route_handlers=[
            index,
            grids.grids,
            grids.start_import,
            grids.import_job,
            settings.duties,
            settings.add_duty,
            settings.end_duty,
            settings.calendar_page,
            settings.set_day,
            settings.remove_day,
            settings.categories,
            settings.save_category,
            settings.link_category,
            outbox.outbox,
            outbox.replay_outbox,
            outbox.replay_delivery,
            outbox.replay_dead,
        ],
    )
]
