"""The command centre's map of open cases: the page, and its JSON endpoints (the cases, filtered, and the
responsibility grids)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from litestar import MediaType, Request, Response, get
from litestar.params import QueryParameter
from litestar.response import Template

from api.auth import DbConn
from api.settings import Settings
from cases.grids import coverage
from cases.reports import maps
from cases.workflow import desks
from cases.workflow.transitions import STATES
from console.auth import CurrentUser
from console.i18n import language, text
from console.pages.command.common import _DEPARTMENT, _names, _page, labeller

#: open cases on the map before it shows counts per cell
MAP_CAP: Final = 5000
#: grids drawn on the map at most
GRID_CAP: Final = 2000

_CATEGORY = re.compile(r"^[CE][0-9]{4,5}$")

FilterParam = Annotated[str | None, QueryParameter(max_length=32)]


# --- the map ----------------------------------------------------------------------------------------------------


@get("/map", name="console.command.map")
async def map_page(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Template:
    lang = language(request)
    categories, departments = await _names(conn, lang)
    settings: Settings = request.app.state.settings
    area = await maps.service_area(conn)
    return _page(
        request,
        "command/map.html",
        categories=sorted(categories.items()),
        departments=departments,
        states=[s for s in STATES if s not in ("closed", "rejected", "voided")],
        map_data={
            "tile_url": settings.console_tile_url,
            "cases_url": "/console/command/map/cases.json",
            "grids_url": "/console/command/map/grids.json",
            "area": area.geometry if area else None,
            "categories": categories,
            "departments": dict(departments),
            "states": {s: labeller(lang)("state", s) for s in STATES},
            "case_url": "/console/command/cases/",
            "labels": {
                "cases": text(lang, "command.map_cases"),
                "clustered": text(lang, "command.map_clustered"),
                "overdue": text(lang, "command.due.overdue"),
                "due_soon": text(lang, "command.due.due_soon"),
                "open": text(lang, "command.open_case"),
            },
        },
    )


def _filter(value: str | None, pattern: re.Pattern[str] | frozenset[str], what: str) -> str | None:
    if not value:
        return None
    ok = pattern.fullmatch(value) if isinstance(pattern, re.Pattern) else value in pattern
    if not ok:
        raise BadFilter(what)
    return value


class BadFilter(Exception):
    pass


@get("/map/cases.json", name="console.command.map_cases")
async def map_cases(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    conn: DbConn,
    category: FilterParam = None,
    case_state: Annotated[str | None, QueryParameter(name="state", max_length=32)] = None,
    department: FilterParam = None,
) -> Response[Any]:
    """The open cases the user sees, filtered, as GeoJSON (points up to MAP_CAP, else counts per cell)."""
    try:
        found = await desks.open_cases_map(
            conn,
            user.principal,
            category=_filter(category, _CATEGORY, "category"),
            state=_filter(case_state, frozenset(STATES), "state"),
            department=_filter(department, _DEPARTMENT, "department"),
            cap=MAP_CAP,
        )
    except BadFilter as exc:
        return Response(
            {"error": text(language(request), "command.bad_filter"), "field": str(exc)},
            status_code=422,
            media_type=MediaType.JSON,
        )
    return Response(found, media_type=MediaType.JSON)


@get("/map/grids.json", name="console.command.map_grids")
async def map_grids(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Response[Any]:
    """The responsibility grids as GeoJSON (the map's grid layer), at most GRID_CAP of them."""
    return Response(await coverage.grids_geojson(conn, "responsibility", GRID_CAP), media_type=MediaType.JSON)
