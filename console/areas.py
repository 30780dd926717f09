"""The console's areas and who may enter them: the one place that says which roles see what.

The nav shows the areas of `allowed_areas(principal)`; the console's guard (console/auth.py) refuses a route of an
area (its `opt["area"]`) to anyone `allowed_areas` leaves it out for. An area's own finer checks (scopes: a
district, an estate) are its services' business, as in the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.models import Principal, Role


@dataclass(frozen=True)
class Area:
    key: str
    #: the area's home page, under /console
    path: str
    #: roles of which the user needs one
    roles: frozenset[Role]

    @property
    def title_key(self) -> str:
        """Its name in the nav (console/texts/common.py)."""
        return f"nav.{self.key}"


#: in the nav's order
AREAS: tuple[Area, ...] = (
    # 指挥中心: intake, dispatch, the departments' handlers
    Area(
        "command",
        "/console/command",
        frozenset({"intake_clerk", "shift_lead", "dispatcher", "department_handler", "admin"}),
    ),
    # 领导驾驶舱: the indicator readers (the API's stats readers)
    Area("leaders", "/console/leaders", frozenset({"leader", "shift_lead", "dispatcher", "admin"})),
    # 物业 / 住房: property managers and staff of an estate, district housing officers
    Area(
        "property",
        "/console/property",
        frozenset({"property_manager", "property_staff", "housing_officer", "admin"}),
    ),
    Area("admin", "/console/admin", frozenset({"admin"})),
)
AREAS_BY_KEY: dict[str, Area] = {area.key: area for area in AREAS}
#: whoever holds none of these cannot sign in to the console (citizens, residents, inspectors ...)
CONSOLE_ROLES: frozenset[Role] = frozenset(role for area in AREAS for role in area.roles)


def allowed_areas(principal: Principal) -> tuple[Area, ...]:
    return tuple(area for area in AREAS if principal.has_role(*area.roles))


def may_enter(principal: Principal, key: str) -> bool:
    """True when the principal may open area `key` (an unknown key lets no one in)."""
    area = AREAS_BY_KEY.get(key)
    return area is not None and principal.has_role(*area.roles)
