"""Credit evaluation of property companies (物业服务企业信用评价): an estate's month, the companies' months, and the
scheme (weights, complaints cap, grade bands; admins replace it).

Who reads what is decided in housing/credit.py (with housing/access.py); the estate's route is open to any
signed-in caller because its residents read their company's grade whatever their role.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth import Caller, DbConn, request_context, requires_role
from api.params import DEFAULT_LIMIT, Cursor, Limit
from housing import credit
from housing.access import CREDIT_READER_ROLES
from housing.credit import CompanyCreditPage, CreditScheme, CreditSchemeSet, EstateCredit
from identity import service as identity

Month = Annotated[
    str,
    QueryParameter(
        pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        description="The month, YYYY-MM, in the city's time zone (Asia/Shanghai); 2000-01 or later, begun",
    ),
]


class CreditController(Controller):
    path = "/v1"
    tags = ["housing"]

    @get(
        "/estates/{estate_id:uuid}/credit",
        operation_id="getEstateCredit",
        opt={"problems": ("estate_not_found", "credit_forbidden", "invalid_credit_month")},
        summary="The property company's credit in the estate for a month: every figure with its numerator and "
        "denominator, the score and grade (its residents: the grade only)",
        description="Every figure for admins, leaders and housing officers of the estate's district and the "
        "estate's property staff; the estate's residents (bound now to one of its homes) read the company "
        "and its grade only (view `grade`). The formula is in the `scheme` member and housing/credit.py.",
    )
    async def estate_credit(
        self, state: State, conn: DbConn, principal: Caller, estate_id: FromPath[UUID], month: Month
    ) -> EstateCredit:
        return await credit.estate_credit(
            conn, principal, estate_id, month, timezone=state.settings.city_timezone
        )

    @get(
        "/property-companies/credit",
        operation_id="listCompanyCredit",
        opt={"problems": ("credit_forbidden", "invalid_credit_month", "invalid_cursor")},
        summary="Each property company's credit for a month over its estates in a district (or every district "
        "the caller reaches), by company name, with each estate's score and grade",
        description="For admins, leaders and housing officers; a district-scoped caller counts the estates of "
        "their districts only, and a district outside them is credit_forbidden.",
        dependencies={"principal": requires_role(*CREDIT_READER_ROLES)},
    )
    async def company_credit(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        month: Month,
        district: Annotated[
            str | None,
            QueryParameter(
                pattern=r"^[1-8][0-9]{5}$",
                max_length=6,
                description="Only the estates of this district (6-digit code); leave out for every district "
                "you reach",
            ),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> CompanyCreditPage:
        return await credit.company_credit(
            conn,
            principal,
            month,
            district=district,
            timezone=state.settings.city_timezone,
            cursor=cursor,
            limit=limit,
        )

    @get(
        "/property-companies/credit-scheme",
        operation_id="getCreditScheme",
        summary="The credit scheme: the weights of the five figures, the complaints cap and the grade bands",
        description="For admins, leaders and housing officers (every credit answer also carries it).",
        dependencies={"principal": requires_role(*CREDIT_READER_ROLES)},
    )
    async def get_scheme(self, conn: DbConn, principal: Caller) -> CreditScheme:
        return await credit.get_scheme(conn)

    @put(
        "/property-companies/credit-scheme",
        operation_id="setCreditScheme",
        opt={"problems": ("invalid_credit_scheme",)},
        summary="Replace the credit scheme: weights adding up to 100, the complaints cap, descending grade "
        "bands (admins; audited)",
        description="Takes effect for every month read afterwards, past months included.",
        dependencies={"principal": requires_role("admin")},
    )
    async def set_scheme(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        data: JSONBody[CreditSchemeSet],
    ) -> CreditScheme:
        before, after = await credit.set_scheme(conn, data, principal.user_id)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "credit_scheme.set",
            "credit_scheme",
            "credit_scheme",
            before=msgspec.to_builtins(before),
            after=msgspec.to_builtins(after),
        )
        return after


ROUTES = [CreditController]
