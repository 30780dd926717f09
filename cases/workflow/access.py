"""Who may do what with the city's cases: identity's `Principal` (the signed-in caller, with the role grants read
fresh from the database on every request) interpreted in this one place.

A grant is (role, scope kind, scope id); a grant without a scope covers the whole city.

- `scope`: which cases a caller sees (queues, case views, sync; the SQL is cases/workflow/store/__init__.py's VISIBLE): a
  department its cases, an inspector their grids and tasks, district staff their districts; admins and unscoped
  staff everything.
- `acting_roles`: the roles a caller may take a transition in on one row of a workflow (the engine,
  cases/workflow/engine.py), by the workflow subject's scope rule (transitions.ScopeRule): "city" as below;
  "estate" (a second loop, property repairs) by grants scoped to the row's estate and the pseudo-roles REPORTER
  and ASSIGNEE.
- `acts_on`: who handles a case and so may have the originals of its photos.
- `indicator_districts`: the districts whose indicators a reader sees.

The system's own actions (automatic hand-overs, reopening on a rating, registering a patrol report in its
inspector's name) hold no grants: the engine takes them as `cases.workflow.System`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final
from uuid import UUID

import asyncpg

from cases.workflow.models import Scope
from cases.workflow.transitions import ASSIGNEE, REPORTER, ScopeRule
from identity.models import Principal

#: a case row as the workflow store reads it
Case = asyncpg.Record | Mapping[str, Any]


#: staff who work a district: they see its cases
_DISTRICT_ROLES: Final = frozenset({"intake_clerk", "shift_lead", "dispatcher", "leader"})


#: district staff who act on cases (leaders read, they change nothing)
_ACTING_DISTRICT_ROLES: Final = frozenset({"intake_clerk", "shift_lead", "dispatcher"})


#: who reads the indicators (api/controllers/stats.py READERS)
READER_ROLES: Final = frozenset({"leader", "shift_lead", "dispatcher", "admin"})


def is_admin(principal: Principal | None) -> bool:
    return principal is not None and principal.has_role("admin")


def scope(principal: Principal) -> Scope:
    """The cases the caller sees (module docstring)."""
    everything = False
    districts: set[str] = set()
    departments: set[str] = set()
    inspector: UUID | None = None
    for grant in principal.roles:
        role, kind, scope_id = grant.role, grant.scope_kind, grant.scope_id
        if role == "admin":
            everything = True
        elif role in _DISTRICT_ROLES:
            if kind == "district" and scope_id:
                districts.add(scope_id)
            else:
                everything = True
        elif role == "department_handler":
            if kind == "department" and scope_id:
                departments.add(scope_id)
            else:
                everything = True
        elif role == "inspector":
            inspector = principal.user_id
    return Scope(everything, frozenset(districts), frozenset(departments), inspector)


def _acting_scopes(principal: Principal) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """(districts, departments) the caller acts in; None: every one. District roles share their districts, and
    one grant of a district role (or of the handler role) without a scope of its kind covers the city."""
    districts: set[str] | None = set()
    departments: set[str] | None = set()
    for grant in principal.roles:
        role, kind, scope_id = grant.role, grant.scope_kind, grant.scope_id
        if role in _DISTRICT_ROLES:
            if kind == "district" and scope_id and districts is not None:
                districts.add(scope_id)
            elif kind != "district":
                districts = None
        if role == "department_handler":
            if kind == "department" and scope_id and departments is not None:
                departments.add(scope_id)
            elif kind != "department":
                departments = None
    return (
        frozenset(districts) if districts is not None else None,
        frozenset(departments) if departments is not None else None,
    )


def acting_roles(actor: Principal, case: Case, roles: Iterable[str], rule: ScopeRule = "city") -> set[str]:
    """The roles among `roles` the caller may take a transition in on this row, by the subject's scope rule."""
    if rule == "estate":
        return _estate_roles(actor, case, roles)
    return _city_roles(actor, case, roles)


def _estate_roles(actor: Principal, row: Case, roles: Iterable[str]) -> set[str]:
    """Roles on a row of an estate's loop: REPORTER for the person who reported it, ASSIGNEE for the person it is
    assigned to, any other role held in a grant scoped to the row's estate, or to its district when the row carries
    the estate's `district_code` (a housing officer), or unscoped (every estate). Admins take no role they do not
    hold."""
    estate = str(row["estate_id"])
    district = row.get("district_code")
    usable: set[str] = set()
    for role in roles:
        if role == REPORTER:
            if row["reporter_id"] is not None and row["reporter_id"] == actor.user_id:
                usable.add(role)
        elif role == ASSIGNEE:
            if row["assignee_id"] is not None and row["assignee_id"] == actor.user_id:
                usable.add(role)
        elif any(
            grant.role == role
            and (
                grant.scope_kind is None
                or (grant.scope_kind == "estate" and grant.scope_id == estate)
                or (district is not None and grant.scope_kind == "district" and grant.scope_id == district)
            )
            for grant in actor.roles
        ):
            usable.add(role)
    return usable


def _city_roles(actor: Principal, case: Case, roles: Iterable[str]) -> set[str]:
    """The roles among `roles` (a transition's) the caller may take it in on this case, scope included: the
    case's own inspector, a handler of its department, district staff of its district (a case outside every
    grid, with no district, is every district's). Never SYSTEM: that is the engine's own (cases/workflow/engine.py)."""
    held = {grant.role for grant in actor.roles}
    districts, departments = _acting_scopes(actor)
    usable: set[str] = set()
    for role in held & set(roles):
        if role == "inspector":
            if case["inspector_id"] is not None and case["inspector_id"] == actor.user_id:
                usable.add(role)
        elif role == "department_handler":
            if departments is None or case["department_code"] in departments:
                usable.add(role)
        elif districts is None or case["district_code"] is None or case["district_code"] in districts:
            usable.add(role)
    return usable


def acts_on(principal: Principal, case: Case) -> bool:
    """Whether the caller acts on the case, and so may have the originals of its photos.

    An original keeps what the clean copies lose: the EXIF GPS position, the capture time, the camera. It goes
    only to the people who handle the case (DOMAIN.md §1):

    - admins;
    - the case's own inspector (监督员, `inspector_id`), who verifies (核实) and checks (核查) on site;
    - the handlers of the department the case is dispatched to (专业部门: `department_code`, set by dispatch;
      an unscoped handler acts for every department), who go and fix it;
    - intake clerks (受理员), shift leads (值班长) and dispatchers (派遣员) whose district is the case's (or who
      are unscoped; a case outside every grid, with no district, is every district's intake, as in queues).

    Not to leaders (they read indicators and change nothing), property managers, other inspectors, other
    departments, a department the case was only suggested to, nor citizens (the uploader has the file).
    """
    for grant in principal.roles:
        role, kind, scope_id = grant.role, grant.scope_kind, grant.scope_id
        every_department = not (kind == "department" and scope_id)
        every_district = not (kind == "district" and scope_id)
        if (
            role == "admin"
            or (
                role == "inspector"
                and case["inspector_id"] is not None
                and case["inspector_id"] == principal.user_id
            )
            or (
                role == "department_handler"
                and case["department_code"] is not None
                and (every_department or scope_id == case["department_code"])
            )
            or (
                role in _ACTING_DISTRICT_ROLES
                and (every_district or case["district_code"] is None or scope_id == case["district_code"])
            )
        ):
            return True
    return False


def indicator_districts(principal: Principal) -> frozenset[str] | None:
    """The districts whose cases a reader's grants show in the indicators; None = every district (an admin, or
    a reader role without a scope). Grants of other roles, and reader grants scoped to something else, show
    nothing."""
    districts: set[str] = set()
    for grant in principal.roles:
        if grant.role not in READER_ROLES:
            continue
        if grant.role == "admin" or grant.scope_kind is None:
            return None
        if grant.scope_kind == "district" and grant.scope_id:
            districts.add(grant.scope_id)
    return frozenset(districts)
