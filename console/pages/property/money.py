"""The property office's money: arrears by building, billing runs with their progress, payments and refunds
(api/controllers/housing_money.py, housing_payments.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from api.auth import DbConn
from api.errors import ProblemError
from api.i18n import title
from console.auth import CurrentUser, console_context, use_case
from console.errors import error_page, is_htmx
from console.i18n import language, text
from console.pages.property.common import (
    _AMOUNT,
    MONEY_MANAGERS,
    MONEY_STAFF,
    PAGE,
    REFUSALS,
    Cursor,
    PaymentChannel,
    PaymentState,
    _estate,
    _form_text,
    _form_uuid,
    _refusal,
    _render,
    _require_role,
    _today,
    yuan,
)
from housing import (
    access,
    arrears,
    billing,
    bills,
    office,
    payments,
    service,
)
from housing.billing import BillingRun
from housing.errors import EstateForbidden, PaymentNotFound
from housing.payments import RefundCreate
from identity import service as identity

# --- arrears by building -----------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/arrears", name="console.property.arrears")
async def arrears_page(
    request: Request[Any, Any, Any], estate_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    await service.require_reader(conn, user.principal, estate_id)  # as getEstateArrears
    summary = await arrears.estate_arrears(conn, estate_id, _today(request))
    chart = {
        "kind": "arrears",
        "categories": [b.building for b in summary.buildings],
        "links": [
            f"/console/property/estates/{estate_id}/arrears/homes?building_id={b.building_id}"
            for b in summary.buildings
        ],
        "amounts": [b.outstanding_fen / 100 for b in summary.buildings],
        "homes": [b.homes for b in summary.buildings],
        "labels": {
            "amount": text(language(request), "property.arrears.amount_yuan"),
            "homes": text(language(request), "property.arrears.homes"),
        },
    }
    return _render(
        request,
        "property/arrears.html",
        estate=await _estate(conn, user, estate_id),
        tab="arrears",
        arrears=summary,
        chart=chart,
        old_after=_today(request) - timedelta(days=90),
    )


@get("/estates/{estate_id:uuid}/arrears/homes", name="console.property.arrears.homes")
async def arrears_homes(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    building_id: FromQuery[UUID | None] = None,
    cursor: Cursor = None,
) -> Template:
    await service.require_reader(conn, user.principal, estate_id)  # as listHomeArrears
    homes = await arrears.home_arrears(conn, estate_id, building_id, _today(request), cursor, PAGE)
    return _render(
        request,
        "property/arrears_homes.html",
        estate=await _estate(conn, user, estate_id),
        tab="arrears",
        homes=homes,
        building_id=building_id,
        old_after=_today(request) - timedelta(days=90),
    )


@get("/homes/{home_id:uuid}/bills", name="console.property.home.bills")
async def home_bills(
    request: Request[Any, Any, Any],
    home_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    all_bills: FromQuery[bool] = False,
) -> Template:
    found = await office.home_bills(conn, user.principal, home_id, open_only=not all_bills)
    return _render(
        request,
        "property/home_bills.html",
        estate=await _estate(conn, user, found.home.estate_id),
        tab="arrears",
        home=found.home,
        bills=found.bills,
        all_bills=all_bills,
        today=_today(request),
    )


@get("/bills/{bill_id:uuid}", name="console.property.bill")
async def bill_page(
    request: Request[Any, Any, Any], bill_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    await bills.require_bill_reader(conn, user.principal, bill_id)  # as getBill
    bill = await bills.get_bill(conn, bill_id)
    return _render(
        request,
        "property/bill.html",
        estate=await _estate(conn, user, bill.estate_id),
        tab="arrears",
        bill=bill,
        today=_today(request),
    )


# --- billing runs --------------------------------------------------------------------------------------------------


def _run_done(run: BillingRun) -> bool:
    return run.state == "completed"


@get("/estates/{estate_id:uuid}/billing", name="console.property.billing")
async def billing_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    await service.require_reader(conn, user.principal, estate_id)  # as listBillingRuns
    runs = await billing.list_runs(conn, estate_id, cursor, PAGE)
    return _render(
        request,
        "property/billing.html",
        estate=await _estate(conn, user, estate_id),
        tab="billing",
        runs=runs,
        period=_next_period(_today(request)),
        error=None,
    )


def _next_period(today: date) -> str:
    return f"{today.year}-{today.month:02d}"


@post("/estates/{estate_id:uuid}/billing", name="console.property.billing.start", status_code=200)
async def start_run(
    request: Request[Any, Any, Any], estate_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """createBillingRun: a period (2026-11, 2026-Q4); the worker makes the bills, the page follows its progress."""
    form = await request.form()
    estate = None
    try:
        async with use_case(conn):
            _require_role(user, *MONEY_STAFF)
            period = _form_text(form, "period", 16)
            await service.require_manager(conn, user.principal, estate_id)
            run, made = await billing.create_run(conn, estate_id, period, user.principal.user_id)
            if made:
                await identity.audit(
                    conn, console_context(request), user.principal.user_id, "billing_run.create", "billing_run",
                    str(run.id), period=run.period,
                )  # fmt: skip
    except REFUSALS as exc:
        status, message = _refusal(request, exc)
        await service.require_reader(conn, user.principal, estate_id)
        estate = await _estate(conn, user, estate_id)
        return _render(
            request,
            "property/partials/run_form.html" if is_htmx(request) else "property/billing.html",
            status_code=status,
            estate=estate,
            tab="billing",
            runs=await billing.list_runs(conn, estate_id, None, PAGE),
            period=str(form.get("period") or "")[:16],
            error=message,
        )
    estate = await _estate(conn, user, estate_id)
    if is_htmx(request):
        return _render(request, "property/partials/run_started.html", estate=estate, run=run, made=made)
    return _render(
        request,
        "property/billing.html",
        estate=estate,
        tab="billing",
        runs=await billing.list_runs(conn, estate_id, None, PAGE),
        period=run.period,
        error=None,
    )


@get("/billing-runs/{run_id:uuid}/progress", name="console.property.billing.progress")
async def run_progress(
    request: Request[Any, Any, Any], run_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """The progress bar of one run, polled by htmx every second until the run is completed (getBillingRun)."""
    run = await billing.get_run(conn, run_id)
    await service.require_reader(conn, user.principal, run.estate_id)
    return _render(request, "property/partials/run_progress.html", run=run)


# --- payments and refunds ------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/payments", name="console.property.payments")
async def payments_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    payment_state: Annotated[PaymentState | None, QueryParameter(name="state")] = None,
    channel: FromQuery[PaymentChannel | None] = None,
    refunded: FromQuery[bool] = False,
    cursor: Cursor = None,
) -> Template:
    found = await office.estate_payments(
        conn, user.principal, estate_id, state=payment_state, channel=channel, refunded=refunded,
        cursor=cursor, limit=PAGE,
    )  # fmt: skip
    return _render(
        request,
        "property/payments.html",
        estate=await _estate(conn, user, estate_id),
        tab="payments",
        payments=found,
        filters={"state": payment_state or "", "channel": channel or "", "refunded": refunded},
    )


def _fen(raw: str) -> int:
    """Yuan as typed (12, 12.5, 12.50) to fen, exactly; 422 otherwise."""
    if not _AMOUNT.fullmatch(raw):
        raise ProblemError(422, "validation_failed", "amount: yuan, at most two decimals")
    whole, _, part = raw.partition(".")
    return int(whole) * 100 + int((part + "00")[:2])


@post("/payments/{payment_id:uuid}/refunds", name="console.property.refund", status_code=200)
async def refund(
    request: Request[Any, Any, Any], payment_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Response[Any]:
    """refundPayment: part or all of what the payment paid on one bill, with a reason (the estate's manager)."""
    form = await request.form()
    state = request.app.state
    error = None
    status = 201
    try:
        async with use_case(conn):
            _require_role(user, *MONEY_MANAGERS)
            row = await payments.order_access(conn, payment_id)
            if not access.manages_estate(user.principal, str(row["estate_id"])):
                raise EstateForbidden("you do not manage this payment's estate")
            data = RefundCreate(
                bill_id=_form_uuid(form, "bill_id"),
                amount_fen=_fen(_form_text(form, "amount", 20)),
                reason=_form_text(form, "reason", 200),
            )
            if not data.reason or data.amount_fen < 1:
                raise ProblemError(422, "validation_failed", "a refund has an amount and a reason")
            made = await payments.request_refund(
                conn, getattr(state, "payment_providers", {}), state.payment_urls, payment_id, data,
                user.principal.user_id,
            )  # fmt: skip
            await identity.audit(
                conn, console_context(request), user.principal.user_id, "payment.refund", "payment",
                str(payment_id), bill_id=str(data.bill_id), amount_fen=data.amount_fen, reason=data.reason,
            )  # fmt: skip
            error = None
            notice = text(language(request), "property.payments.refund_asked", amount=yuan(made.amount_fen))
    except REFUSALS as exc:
        status, error = _refusal(request, exc)
        notice = None
    try:
        row = await payments.order_access(conn, payment_id)
    except PaymentNotFound:
        return error_page(request, status, error or "")  # nothing to show the refusal on
    if not access.reads_estate(user.principal, str(row["estate_id"]), row["district_code"]):
        return error_page(request, 403, title("estate_forbidden", language(request)))
    payment = await payments.get_payment(conn, payment_id)
    return _render(
        request,
        "property/partials/payment_row.html",
        status_code=status,
        p=payment,
        estate=await _estate(conn, user, payment.estate_id),
        error=error,
        notice=notice,
    )
