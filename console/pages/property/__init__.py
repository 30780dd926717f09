"""The property office (物业) and the district housing officer (房管员): arrears by building, billing runs with their
progress, payments and refunds, the owners' votes (roll and turnout; the result only after close), fund projects,
the repairs queue with its actions, filings to review and credit scores: money.py (arrears, billing, payments),
governance.py (votes, fund projects, filings, credit), repairs.py; what they share is in common.py.

Every page calls the housing services as the API's controllers do (api/controllers/housing*.py), with their
checks: an estate's staff see their estate (housing.access.manages_estate), a housing officer their district's
estates (oversees_district). Where a controller demands a role of every caller (`requires_role`), the handler
demands the same roles here (`_require_role`), named after the controller's tuple.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from api.auth import DbConn
from console.auth import CurrentUser
from console.pages.property import governance, money
from console.pages.property import repairs as repair_pages
from console.pages.property.common import FILING_DECIDERS, _render, visible_estates
from housing import access, service

# --- the area's home ---------------------------------------------------------------------------------------------


@get("/", name="console.property")
async def index(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Template:
    estates = await visible_estates(conn, user.principal)
    return _render(
        request,
        "property/index.html",
        estates=estates,
        officer=user.principal.has_role(*access.CREDIT_READER_ROLES),
        decides_filings=user.principal.has_role(*FILING_DECIDERS),
    )


@get("/estates/{estate_id:uuid}", name="console.property.estate")
async def estate_home(estate_id: FromPath[UUID], user: CurrentUser, conn: DbConn) -> Redirect:
    await service.require_reader(conn, user.principal, estate_id)
    return Redirect(path=f"/console/property/estates/{estate_id}/arrears", status_code=303)


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [
    Router(
        path="/property",
        opt={"area": "property"},
        route_handlers=[
            index,
            estate_home,
            money.arrears_page,
            money.arrears_homes,
            money.home_bills,
            money.bill_page,
            money.billing_page,
            money.start_run,
            money.run_progress,
            money.payments_page,
            money.refund,
            governance.votes_page,
            governance.vote_page,
            governance.vote_turnout,
            governance.fund_projects_page,
            repair_pages.repairs_page,
            repair_pages.repair_page,
            repair_pages.repair_action,
            governance.filings_page,
            governance.filings_waiting_page,
            governance.decide_filing,
            governance.credit_page,
            governance.companies_page,
        ],
    )
]
