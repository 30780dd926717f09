"""Indicators of the closed loop (综合评价) for leaders and the centres, and their weights (admins)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.datastructures import State
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.auth import Caller, DbConn, request_context, requires_role
from cases.stats import indicators
from cases.stats.indicators import GroupBy, IndicatorReport, IndicatorWeights, IndicatorWeightsSet
from cases.workflow import access
from identity import service as identity
from identity.models import Role

READERS: tuple[Role, ...] = ("leader", "shift_lead", "dispatcher", "admin")
KIND_PARAM = "department, inspector, grid or district (the grouping the weights score)"


class StatsController(Controller):
    path = "/v1/stats"
    tags = ["stats"]

    @get(
        "/indicators",
        operation_id="getIndicators",
        opt={"problems": ("invalid_period",)},
        summary="Indicators (综合评价) per department, inspector, grid or district over local days, with the "
        "weighted score and grade; district-scoped callers see their districts only",
        dependencies={"principal": requires_role(*READERS)},
    )
    async def get_indicators(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        first: Annotated[
            str, QueryParameter(name="from", max_length=10, description="First day, YYYY-MM-DD")
        ],
        last: Annotated[
            str, QueryParameter(name="to", max_length=10, description="Last day (inclusive), YYYY-MM-DD")
        ],
        group_by: Annotated[GroupBy, QueryParameter(description="department, inspector, grid or district")],
    ) -> IndicatorReport:
        return await indicators.indicators(
            conn,
            first=first,
            last=last,
            group_by=group_by,
            timezone=state.cases_config.timezone,
            districts=access.indicator_districts(principal),
            locale=principal.locale,
        )

    @get(
        "/weights/{kind:str}",
        operation_id="getIndicatorWeights",
        opt={"problems": ("unknown_weight_kind",)},
        summary="The weights of the indicators in the score of a department, inspector, grid or district",
        dependencies={"principal": requires_role(*READERS)},
    )
    async def get_weights(
        self,
        conn: DbConn,
        principal: Caller,
        kind: Annotated[str, PathParameter(description=KIND_PARAM)],
    ) -> IndicatorWeights:
        return await indicators.get_weights(conn, indicators.weight_kind(kind))

    @put(
        "/weights/{kind:str}",
        operation_id="setIndicatorWeights",
        opt={
            "problems": (
                "unknown_weight_kind",
                "invalid_weights",
            )
        },
        summary="Replace the weights of a kind: points per indicator adding up to 100 (admins; audited)",
        dependencies={"principal": requires_role("admin")},
    )
    async def set_weights(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        kind: Annotated[str, PathParameter(description=KIND_PARAM)],
        data: JSONBody[IndicatorWeightsSet],
    ) -> IndicatorWeights:
        before, after = await indicators.set_weights(
            conn, indicators.weight_kind(kind), data, principal.user_id
        )
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "indicator_weights.set",
            "indicator_weights",
            after.kind,
            before=msgspec.to_builtins(before.weights),
            after=msgspec.to_builtins(after.weights),
        )
        return after
