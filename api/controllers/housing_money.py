"""Housing money: fee items, billing runs, bills, arrears and reminders, the maintenance fund.

Estates, homes and bindings are in api/controllers/housing.py; who may do what is decided in housing/access.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.datastructures import State
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED

from api.auth import Caller, DbConn, request_context, requires_role
from api.errors import ProblemError
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from housing import arrears, billing, bills, fund, readings, service
from housing.arrears import EstateArrears, HomeArrearsPage, ReminderRequest, RemindersSent
from housing.billing import BillingRun, BillingRunCreate, BillingRunPage
from housing.bills import BillDecision, BillDetail, BillPage, BillState
from housing.errors import FeeItemNotFound, ReadingImportRefused
from housing.fees import FeeItem, FeeItemCreate, FeeItemHomes, FeeItemUpdate
from housing.fund import (
    BuildingFundPage,
    EstateFund,
    FundOpened,
    FundRate,
    FundRateSet,
    FundStatement,
    InterestShare,
    InterestShared,
)
from housing.readings import ReadingImportReport
from identity import service as identity
from identity.models import Principal, Role

MONEY_STAFF: tuple[Role, ...] = ("admin", "property_staff", "property_manager")
MONEY_READERS: tuple[Role, ...] = (*MONEY_STAFF, "housing_officer")
MONEY_MANAGERS: tuple[Role, ...] = ("admin", "property_manager")


def _today(state: State) -> date:
    return datetime.now(ZoneInfo(state.settings.city_timezone)).date()


def _version(request: Request[Any, Any, Any], what: str) -> int:
    raw = request.headers.get("if-match")
    if raw is None:
        raise ProblemError(
            428, "precondition_required", f"send the {what}'s version as 'If-Match: <version>'"
        )
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise ProblemError(
            400, "invalid_if_match", f"If-Match carries the {what}'s version, a number"
        ) from exc


async def _once(
    request: Request[Any, Any, Any],
    conn: DbConn,
    principal: Principal,
    data: Any,
    produce: Callable[[], Awaitable[tuple[int, Any]]],
) -> Response[Any]:
    """Run a write once per Idempotency-Key when one is sent (optional on these routes)."""
    if request.headers.get("idempotency-key") is None:
        status, body = await produce()
        return Response(body, status_code=status)
    return await run_once(
        conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
    )


@dataclass
class ReadingsUpload(Operation):
    """The readings import's body: the file itself (CSV or XLSX), read raw (as the register's,
    api/controllers/housing.py)."""

    def __post_init__(self) -> None:
        schema = Schema(
            title="ReadingsFile",
            type=OpenAPIType.STRING,
            format="binary",  # type: ignore[arg-type]
            description="The meter readings as CSV (UTF-8 with or without BOM, GB18030/GBK as Excel saves it, or "
            "UTF-16 with a BOM; comma, semicolon or tab) or as an Excel workbook (.xlsx, the first sheet; a date "
            "cell is its day, a number cell is read exactly, never rounded): a header row, then one reading a row "
            "with building (楼栋), entrance (单元, optional), room (房号), read_on (抄表日期, YYYY-MM-DD) and "
            "reading (读数, m³, at most two decimals); send it as application/octet-stream, text/csv or "
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.request_body = RequestBody(
            required=True, content={"application/octet-stream": OpenAPIMediaType(schema=schema)}
        )


class FeeItemsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @get(
        "/estates/{estate_id:uuid}/fee-items",
        operation_id="listFeeItems",
        opt={"problems": ("estate_not_found", "estate_forbidden")},
        summary="The fee items billing applies in an estate (the estate's staff, its housing officers)",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def list_items(self, conn: DbConn, principal: Caller, estate_id: FromPath[UUID]) -> list[FeeItem]:
        await service.require_reader(conn, principal, estate_id)
        return await billing.list_fee_items(conn, estate_id)

    @post(
        "/estates/{estate_id:uuid}/fee-items",
        operation_id="createFeeItem",
        opt={
            "problems": ("estate_not_found", "estate_forbidden", "invalid_fee_item", "fee_item_exists"),
            "idempotency_key": "optional",
        },
        summary="Add a fee item to an estate (its property manager, admins; audited)",
        dependencies={"principal": requires_role(*MONEY_MANAGERS)},
        status_code=HTTP_201_CREATED,
    )
    async def create_item(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[FeeItemCreate],
    ) -> Response[FeeItem]:
        async def produce() -> tuple[int, FeeItem]:
            await billing.require_money_manager(conn, principal, estate_id)
            item = await billing.create_fee_item(conn, estate_id, data, principal.user_id)
            await identity.audit(
                conn, request_context(request), principal.user_id, "fee_item.create", "fee_item", str(item.id),
                **msgspec.to_builtins(data),
            )  # fmt: skip
            return HTTP_201_CREATED, item

        return await _once(request, conn, principal, data, produce)

    @patch(
        "/fee-items/{item_id:uuid}",
        operation_id="updateFeeItem",
        opt={
            "problems": (
                "fee_item_not_found",
                "estate_forbidden",
                "invalid_fee_item",
                "fee_item_exists",
                "bill_version_conflict",
            ),
            "if_match": True,
        },
        summary="Change a fee item's price, name, tiers, season or due days, or retire it (If-Match: version)",
        dependencies={"principal": requires_role(*MONEY_MANAGERS)},
    )
    async def update_item(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        item_id: FromPath[UUID],
        data: JSONBody[FeeItemUpdate],
    ) -> FeeItem:
        version = _version(request, "fee item")
        await billing.require_money_manager(conn, principal, await billing.fee_item_estate(conn, item_id))
        before = await billing.get_fee_item(conn, item_id)
        after = await billing.update_fee_item(conn, item_id, version, data)
        await identity.audit(
            conn, request_context(request), principal.user_id, "fee_item.update", "fee_item", str(item_id),
            before=msgspec.to_builtins(before), after=msgspec.to_builtins(after),
        )  # fmt: skip
        return after

    @put(
        "/fee-items/{item_id:uuid}/homes",
        operation_id="setFeeItemHomes",
        opt={"problems": ("fee_item_not_found", "estate_forbidden", "invalid_fee_item", "home_not_found")},
        summary="Replace the homes an assigned fee item applies to, with how many (parking spaces)",
        dependencies={"principal": requires_role(*MONEY_MANAGERS)},
    )
    async def set_homes(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        item_id: FromPath[UUID],
        data: JSONBody[FeeItemHomes],
    ) -> FeeItemHomes:
        await billing.require_money_manager(conn, principal, await billing.fee_item_estate(conn, item_id))
        result = await billing.set_item_homes(conn, item_id, data)
        await identity.audit(
            conn, request_context(request), principal.user_id, "fee_item.homes", "fee_item", str(item_id),
            homes=len(result.homes),
        )  # fmt: skip
        return result


class BillingRunsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @post(
        "/estates/{estate_id:uuid}/billing-runs",
        operation_id="createBillingRun",
        opt={
            "problems": (
                "estate_not_found",
                "estate_forbidden",
                "invalid_billing_period",
                "billing_period_overlaps",
            )
        },
        summary="Bill an estate for a month or quarter; the worker makes the bills (idempotent per period)",
        dependencies={"principal": requires_role(*MONEY_STAFF)},
        status_code=HTTP_202_ACCEPTED,
    )
    async def create_run(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[BillingRunCreate],
    ) -> BillingRun:
        await service.require_manager(conn, principal, estate_id)
        run, made = await billing.create_run(conn, estate_id, data.period, principal.user_id)
        if made:
            await identity.audit(
                conn, request_context(request), principal.user_id, "billing_run.create", "billing_run",
                str(run.id), period=run.period,
            )  # fmt: skip
        return run

    @get(
        "/estates/{estate_id:uuid}/billing-runs",
        operation_id="listBillingRuns",
        opt={"problems": ("estate_not_found", "estate_forbidden", "invalid_cursor")},
        summary="An estate's billing runs, newest period first, with their progress",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def list_runs(
        self,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> BillingRunPage:
        await service.require_reader(conn, principal, estate_id)
        return await billing.list_runs(conn, estate_id, cursor, limit)

    @get(
        "/billing-runs/{run_id:uuid}",
        operation_id="getBillingRun",
        opt={"problems": ("billing_run_not_found", "estate_forbidden")},
        summary="A billing run and its progress (homes done, bills made, amount, credit applied)",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def get_run(self, conn: DbConn, principal: Caller, run_id: FromPath[UUID]) -> BillingRun:
        run = await billing.get_run(conn, run_id)
        await service.require_reader(conn, principal, run.estate_id)
        return run

    @post(
        "/estates/{estate_id:uuid}/readings",
        operation_id="importReadings",
        opt={
            "problems": (
                "estate_not_found",
                "estate_forbidden",
                "fee_item_not_found",
                "invalid_fee_item",
                "reading_import_refused",
                "payload_too_large",
            )
        },
        summary="Import water meter readings (抄表) from CSV or XLSX; refused as a whole with every bad row named",
        dependencies={"principal": requires_role(*MONEY_STAFF)},
        status_code=200,
        request_max_body_size=readings.MAX_FILE_BYTES,
        operation_class=ReadingsUpload,
    )
    async def import_readings(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        fee_item_id: FromQuery[UUID],
        dry_run: FromQuery[bool] = False,
        file_name: Annotated[str, QueryParameter(min_length=1, max_length=200)] = "readings.csv",
    ) -> ReadingImportReport:
        await service.require_manager(conn, principal, estate_id)
        if await billing.fee_item_estate(conn, fee_item_id) != estate_id:
            raise FeeItemNotFound(f"no fee item {fee_item_id} in this estate")
        raw = await request.body()
        context = request_context(request)
        try:
            report = await readings.import_readings(
                conn, fee_item_id, raw, file_name=file_name, dry_run=dry_run,
                actor_label=context.actor_label, today=_today(state),
            )  # fmt: skip
        except ReadingImportRefused as exc:  # its log row and this audit entry are committed (persist)
            refused = readings.refused_report(exc)
            await identity.audit(
                conn, context, principal.user_id, "readings.import", "reading_import", str(refused.id),
                **readings.audit_details(refused),
            )  # fmt: skip
            raise
        await identity.audit(
            conn, context, principal.user_id, "readings.import", "reading_import", str(report.id),
            **readings.audit_details(report),
        )  # fmt: skip
        return report


class BillsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @get(
        "/me/bills",
        operation_id="listMyBills",
        opt={"problems": ("invalid_cursor",)},
        summary="The bills of my homes, newest first; filter by state or home (cursor-paginated)",
    )
    async def my_bills(
        self,
        conn: DbConn,
        principal: Caller,
        bill_state: Annotated[BillState | None, QueryParameter(name="state")] = None,
        home_id: FromQuery[UUID | None] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> BillPage:
        return await bills.my_bills(conn, principal.user_id, bill_state, home_id, cursor, limit)

    @get(
        "/bills/{bill_id:uuid}",
        operation_id="getBill",
        opt={"problems": ("bill_not_found", "home_forbidden"), "etag": True},
        summary="A bill with its lines and what happened to it (its home's residents, the estate's staff)",
    )
    async def get_bill(
        self, conn: DbConn, principal: Caller, bill_id: FromPath[UUID]
    ) -> Response[BillDetail]:
        await bills.require_bill_reader(conn, principal, bill_id)
        bill = await bills.get_bill(conn, bill_id)
        return Response(bill, headers={"ETag": f'"{bill.version}"'})

    @post(
        "/bills/{bill_id:uuid}/decisions",
        operation_id="decideBill",
        opt={
            "problems": (
                "bill_not_found",
                "estate_forbidden",
                "bill_state_conflict",
                "bill_version_conflict",
            ),
            "if_match": True,
            "idempotency_key": "optional",
            "etag": True,
        },
        summary="Waive what is owed on a bill, or cancel it, with a reason (If-Match: version; audited)",
        dependencies={"principal": requires_role(*MONEY_MANAGERS)},
        status_code=200,
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        bill_id: FromPath[UUID],
        data: JSONBody[BillDecision],
    ) -> Response[BillDetail]:
        version = _version(request, "bill")

        async def produce() -> tuple[int, BillDetail]:
            await billing.require_money_manager(conn, principal, await bills.bill_estate(conn, bill_id))
            roles = frozenset(g.role for g in principal.roles)
            bill = await bills.decide(conn, bill_id, version, data, actor_id=principal.user_id, roles=roles)
            await identity.audit(
                conn, request_context(request), principal.user_id, f"bill.{data.action}", "bill", str(bill_id),
                reason=data.reason, amount_fen=bill.amount_fen,
            )  # fmt: skip
            return 200, bill

        response = await _once(request, conn, principal, data, produce)
        body = response.content
        version_now = body.version if isinstance(body, BillDetail) else body["version"]
        response.headers["ETag"] = f'"{version_now}"'
        return response


class ArrearsController(Controller):
    path = "/v1/estates/{estate_id:uuid}"
    tags = ["housing"]

    @get(
        "/arrears",
        operation_id="getEstateArrears",
        opt={"problems": ("estate_not_found", "estate_forbidden")},
        summary="An estate's arrears (欠费) per building: bills past due and what they still owe",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def estate_arrears(
        self, state: State, conn: DbConn, principal: Caller, estate_id: FromPath[UUID]
    ) -> EstateArrears:
        await service.require_reader(conn, principal, estate_id)
        return await arrears.estate_arrears(conn, estate_id, _today(state))

    @get(
        "/arrears/homes",
        operation_id="listHomeArrears",
        opt={"problems": ("estate_not_found", "estate_forbidden", "invalid_cursor")},
        summary="The homes of an estate (or of one building) in arrears, with what they owe",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def home_arrears(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        building_id: FromQuery[UUID | None] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> HomeArrearsPage:
        await service.require_reader(conn, principal, estate_id)
        return await arrears.home_arrears(conn, estate_id, building_id, _today(state), cursor, limit)

    @post(
        "/reminders",
        operation_id="sendReminders",
        opt={
            "problems": ("estate_not_found", "estate_forbidden", "home_not_found"),
            "idempotency_key": "optional",
        },
        summary="Remind the residents of homes in arrears (inbox and push; quiet hours respected; once a day)",
        dependencies={"principal": requires_role(*MONEY_STAFF)},
        status_code=200,
    )
    async def remind(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[ReminderRequest],
    ) -> Response[RemindersSent]:
        async def produce() -> tuple[int, RemindersSent]:
            await service.require_manager(conn, principal, estate_id)
            sent = await arrears.send_reminders(
                conn, estate_id, data, as_of=_today(state), sent_by=principal.user_id
            )
            await identity.audit(
                conn, request_context(request), principal.user_id, "arrears.remind", "estate", str(estate_id),
                homes=sent.homes, recipients=sent.recipients,
            )  # fmt: skip
            return 200, sent

        return await _once(request, conn, principal, data, produce)


class FundController(Controller):
    path = "/v1"
    tags = ["housing"]

    @get(
        "/homes/{home_id:uuid}/fund",
        operation_id="getHomeFund",
        opt={"problems": ("home_not_found", "home_forbidden", "fund_not_opened", "invalid_cursor")},
        summary="A home's maintenance fund statement (分户账): first deposit, balance, every movement",
    )
    async def home_fund(
        self,
        conn: DbConn,
        principal: Caller,
        home_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> FundStatement:
        await fund.require_statement_reader(conn, principal, home_id)
        return await fund.statement(conn, home_id, cursor, limit)

    @get(
        "/estates/{estate_id:uuid}/fund",
        operation_id="getEstateFund",
        opt={"problems": ("estate_not_found", "estate_forbidden")},
        summary="An estate's maintenance fund: totals and each building's summary",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def estate_fund(self, conn: DbConn, principal: Caller, estate_id: FromPath[UUID]) -> EstateFund:
        await service.require_reader(conn, principal, estate_id)
        return await fund.estate_fund(conn, estate_id)

    @get(
        "/buildings/{building_id:uuid}/fund",
        operation_id="getBuildingFund",
        opt={"problems": ("building_not_found", "estate_forbidden", "invalid_cursor")},
        summary="A building's homes and their shares of the maintenance fund",
        dependencies={"principal": requires_role(*MONEY_READERS)},
    )
    async def building_fund(
        self,
        conn: DbConn,
        principal: Caller,
        building_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> BuildingFundPage:
        await service.require_reader(conn, principal, await fund.building_estate(conn, building_id))
        return await fund.building_fund(conn, building_id, cursor, limit)

    @put(
        "/estates/{estate_id:uuid}/fund/rate",
        operation_id="setFundRate",
        opt={"problems": ("estate_not_found",)},
        summary="Set the estate's first-deposit rate of the fund, fen per m² (admins; audited)",
        dependencies={"principal": requires_role("admin")},
    )
    async def set_rate(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[FundRateSet],
    ) -> FundRate:
        rate = await fund.set_rate(conn, estate_id, data, principal.user_id)
        await identity.audit(
            conn, request_context(request), principal.user_id, "fund.rate", "estate", str(estate_id),
            rate_fen_m2=data.rate_fen_m2,
        )  # fmt: skip
        return rate

    @post(
        "/estates/{estate_id:uuid}/fund/first-deposits",
        operation_id="recordFirstDeposits",
        opt={"problems": ("estate_not_found", "fund_rate_missing")},
        summary="Record the first deposit of every home without one: area × rate (admins; audited)",
        dependencies={"principal": requires_role("admin")},
        status_code=200,
    )
    async def first_deposits(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, estate_id: FromPath[UUID]
    ) -> FundOpened:
        opened = await fund.open_homes(conn, estate_id, principal.user_id)
        await identity.audit(
            conn, request_context(request), principal.user_id, "fund.first_deposits", "estate", str(estate_id),
            homes=opened.homes, amount_fen=opened.amount_fen,
        )  # fmt: skip
        return opened

    @post(
        "/estates/{estate_id:uuid}/fund/interest",
        operation_id="shareFundInterest",
        opt={
            "problems": ("estate_not_found", "fund_interest_exists", "fund_no_homes", "invalid_amount"),
            "idempotency_key": "optional",
        },
        summary="Share interest the fund earned among the homes by area, to the fen (admins; audited)",
        dependencies={"principal": requires_role("admin")},
        status_code=HTTP_201_CREATED,
    )
    async def share_interest(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[InterestShare],
    ) -> Response[InterestShared]:
        async def produce() -> tuple[int, InterestShared]:
            shared = await fund.share_interest(conn, estate_id, data, principal.user_id)
            await identity.audit(
                conn, request_context(request), principal.user_id, "fund.interest", "estate", str(estate_id),
                amount_fen=data.amount_fen, as_of=data.as_of.isoformat(),
            )  # fmt: skip
            return HTTP_201_CREATED, shared

        return await _once(request, conn, principal, data, produce)


MONEY_ROUTES = [
    FeeItemsController,
    BillingRunsController,
    BillsController,
    ArrearsController,
    FundController,
]
