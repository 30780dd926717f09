"""The daily payment reconciliation (对账) for the platform's finance people: the latest run of each channel for a
day, with every difference between our payments and the provider's statement (housing/reconcile.py; the runs are
made by `cityloop payments reconcile`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from api.auth import Caller, DbConn, requires_role
from housing import reconcile
from housing.providers.models import Channel
from housing.reconcile import ReconciliationList


class PaymentReconciliationsController(Controller):
    path = "/v1/payments/reconciliations"
    tags = ["housing"]

    @get(
        operation_id="listReconciliations",
        opt={"problems": ()},
        summary="The latest daily reconciliation (对账) of each payment channel for a day, with its differences",
        description=(
            "What the last run of `cityloop payments reconcile` found for a China Standard Time day: per channel "
            "(WeChat Pay, Alipay), our net and the statement's (对账单) net, how many entries matched, and every "
            "difference (a payment the provider has and we do not: a lost callback (回调丢失); one we count and "
            "the statement does not; another amount; another transaction id). Admins only."
        ),
        dependencies={"principal": requires_role("admin")},
    )
    async def list_reconciliations(
        self,
        conn: DbConn,
        principal: Caller,
        day: Annotated[date, QueryParameter(name="date")],
        channel: FromQuery[Channel | None] = None,
    ) -> ReconciliationList:
        return await reconcile.latest(conn, day, channel)


ROUTES = [PaymentReconciliationsController]
