"""The command centre (指挥中心): the role queues, a case with its actions, bulk dispatch, the map of open cases,
and the live feed that refreshes the queues: queues.py (the area's page, which is the user's first queue, the
queue fragment, bulk dispatch), case.py (one case: its page, its actions, photos), map.py (the map page and its
JSON endpoints), live.py (the live feed); what they share is in common.py.

Everything goes through the case workflow's services with the request's connection, under the same rules as the
API's /v1/cases: who sees a case is `access.scope` (the queue and map services apply it; one case is checked with
`casework.in_scope` before it is shown or acted on), who may take an action is the engine's (`allowed_actions`
for the buttons, `engine.apply` for the write, which checks roles, scope and the version again).
"""

from __future__ import annotations

from litestar import Router

from console.pages.command import case, live, queues
from console.pages.command import map as map_pages
from console.pages.command.live import _channel_event, _still_allowed
from console.pages.command.queues import QUEUES

__all__ = ["QUEUES", "ROUTES", "_channel_event", "_still_allowed"]

#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [
    Router(
        path="/command",
        opt={"area": "command"},
        route_handlers=[
            queues.index,
            queues.queue_fragment,
            live.live_feed,
            case.case_page,
            case.act,
            queues.bulk_dispatch,
            map_pages.map_page,
            map_pages.map_cases,
            map_pages.map_grids,
        ],
    )
]
