"""The property office (物业) and the district housing officer (房管员): arrears by building, billing runs with their
progress, payments and refunds, the owners' votes (roll and turnout; the result only after close), fund projects,
the repairs queue with its actions, filings to review and credit scores.

Every page calls the housing services as the API's controllers do (api/controllers/housing*.py), with their
checks: an estate's staff see their estate (housing.access.manages_estate), a housing officer their district's
estates (oversees_district). Where a controller demands a role of every caller (`requires_role`), the handler
demands the same roles here (`_require_role`), named after the controller's tuple.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from api.auth import DbConn
from api.errors import ProblemError
from api.i18n import title
from api.problems import DOMAIN_ERRORS, PROBLEMS
from cases.workflow.deadlines import load_calendar
from console.auth import ConsoleUser, CurrentUser, console_context, use_case
from console.errors import error_page, is_htmx
from console.i18n import language, text
from console.render import page
from housing import (
    access,
    arrears,
    billing,
    bills,
    credit,
    filings,
    fund_projects,
    payments,
    repairs,
    service,
    votes,
)
from housing.billing import BillingRun
from housing.errors import EstateForbidden, HousingError, PaymentNotFound, VoteStateConflict
from housing.models import EstateSummary
from housing.payments import RefundCreate
from housing.repairs import RepairActionRequest, RepairKind
from housing.repairs_workflow import REPAIR_STATES, RepairState
from identity import service as identity
from identity.models import Principal, Role

# the roles the API's controllers demand of every caller of a route (api/controllers/housing_money.py,
# housing_payments.py, housing_notices.py); the estate's own checks are the services'
MONEY_STAFF: tuple[Role, ...] = ("admin", "property_staff", "property_manager")  # createBillingRun
MONEY_MANAGERS: tuple[Role, ...] = ("admin", "property_manager")  # refundPayment
FILING_DECIDERS: tuple[Role, ...] = ("admin", "housing_officer")  # acceptFiling, returnFiling

PAGE = 50
MAX_ESTATES = 100
Cursor = Annotated[str | None, QueryParameter(max_length=512)]
Month = Annotated[str | None, QueryParameter(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", max_length=7)]
PaymentState = Literal["pending", "paid", "closed", "expired"]
PaymentChannel = Literal["wechat", "alipay"]
_AMOUNT = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")
_PERIOD = re.compile(r"^[0-9]{4}-(Q[1-4]|[0-9]{2})$")
#: a due time this close is marked amber in the queues
DUE_SOON = timedelta(hours=24)


# --- formatting (numbers are formatted here, never in templates) ---------------------------------------------------


def yuan(fen: int) -> str:
    """¥1,234.56 from fen, exactly (integer arithmetic)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def square_metres(hundredths: int) -> str:
    whole, part = divmod(hundredths, 100)
    return f"{whole:,}.{part:02d} m²"


def percent(numerator: int, denominator: int) -> str:
    """One decimal, half up (0.0% when there is nothing to count)."""
    if denominator <= 0:
        return "0.0%"
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _tz(request: Request[Any, Any, Any]) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.city_timezone)


def _today(request: Request[Any, Any, Any]) -> date:
    return datetime.now(_tz(request)).date()


def _local(request: Request[Any, Any, Any]) -> Any:
    """The templates' `when(dt)`: a time in the city's zone, to the minute."""
    tz = _tz(request)

    def when(value: datetime | None) -> str:
        return "" if value is None else value.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    return when


def _labels(request: Request[Any, Any, Any]) -> Any:
    """The templates' `label(kind, value)`: an enum value's name, "property.<kind>.<value>" (every value of every
    kind has one: tests/console/test_property.py)."""
    lang = language(request)

    def label(kind: str, value: str) -> str:
        return text(lang, f"property.{kind}.{value}")

    return label


def _render(
    request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any
) -> Template:
    return page(
        request,
        template,
        status_code=status_code,
        yuan=yuan,
        m2=square_metres,
        pct=percent,
        when=_local(request),
        label=_labels(request),
        **context,
    )


# --- who may do what --------------------------------------------------------------------------------------------


def _require_role(user: ConsoleUser, *roles: Role) -> None:
    """As the API's `requires_role`: 403 forbidden without one of `roles`."""
    if not user.principal.has_role(*roles):
        raise ProblemError(403, "forbidden", "this needs one of the roles: " + ", ".join(sorted(roles)))


def _refusal(request: Request[Any, Any, Any], exc: Exception) -> tuple[int, str]:
    """A domain or request refusal's status and localized title (api/problems.py's row)."""
    code = exc.code if isinstance(exc, ProblemError) else str(getattr(exc, "code", "bad_request"))
    status = (
        exc.status
        if isinstance(exc, ProblemError)
        else (PROBLEMS.get(code) or PROBLEMS["bad_request"]).status
    )
    message = title(code, language(request))
    if code.endswith("version_conflict"):
        # the fragment answered shows the current state: say so, to act again on it
        message = text(language(request), "property.conflict", message=message)
    return status, message


REFUSALS: tuple[type[Exception], ...] = (*DOMAIN_ERRORS, ProblemError)


def _form_text(form: Any, name: str, limit: int) -> str:
    value = form.get(name, "")  # a field left out is empty: the service says what it needs
    if not isinstance(value, str) or len(value) > limit:
        raise ProblemError(422, "validation_failed", f"{name}: text of at most {limit} characters")
    return value.strip()


def _form_version(form: Any) -> int:
    """The version the form was rendered with (the API's If-Match): 428 without it, 400 when not a number."""
    raw = form.get("version")
    if raw is None or raw == "":
        raise ProblemError(428, "precondition_required", "the form carries the version it was shown with")
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{1,9}", raw.strip()):
        raise ProblemError(400, "invalid_if_match", "the version is a number")
    return int(raw)


def _form_uuid(form: Any, name: str) -> UUID:
    raw = form.get(name)
    try:
        return UUID(str(raw))
    except ValueError as exc:
        raise ProblemError(422, "validation_failed", f"{name}: an id") from exc


async def visible_estates(conn: DbConn, principal: Principal) -> list[EstateSummary]:
    """The estates the user reads: their estates' (staff grants scoped to an estate), their districts' (a
    housing officer's), every estate for admins and unscoped grants (the first MAX_ESTATES by name)."""
    districts: set[str] = set()
    estate_ids: set[str] = set()
    unscoped = principal.has_role("admin")
    for role in access.ESTATE_STAFF_ROLES:
        if principal.has_role(role):
            scopes = principal.scopes(role, "estate")
            unscoped = unscoped or scopes is None
            estate_ids |= scopes or set()
    if principal.has_role("housing_officer"):
        scopes = principal.scopes("housing_officer", "district")
        unscoped = unscoped or scopes is None
        districts |= scopes or set()
    if unscoped:
        return (await service.list_estates(conn, None, None, None, MAX_ESTATES)).items
    found: dict[UUID, EstateSummary] = {}
    for district in sorted(districts):
        for estate in (await service.list_estates(conn, district, None, None, MAX_ESTATES)).items:
            found[estate.id] = estate
    for raw in sorted(estate_ids):
        try:
            estate_id = UUID(raw)
            e = await service.get_estate(conn, estate_id)
        except (ValueError, HousingError):
            continue  # a grant naming an estate that is gone
        found[e.id] = EstateSummary(
            e.id, e.name, e.address, e.district_code, e.property_company, e.service_grade
        )
    return sorted(found.values(), key=lambda e: (e.name, e.id))


async def _estate(conn: DbConn, user: ConsoleUser, estate_id: FromPath[UUID]) -> dict[str, Any]:
    """The estate's header (its public page) and what the user may do there; call it after the page's check."""
    e = await service.get_estate(conn, estate_id)
    p = user.principal
    return {
        "id": e.id,
        "name": e.name,
        "company": e.property_company,
        "district": e.district_code,
        "manages": access.manages_estate(p, str(estate_id)),
        "bills_runs": p.has_role(*MONEY_STAFF) and access.manages_estate(p, str(estate_id)),
        "refunds": p.has_role(*MONEY_MANAGERS) and access.manages_estate(p, str(estate_id)),
        "decides_filings": access.decides_filings(p, e.district_code),
    }


# --- the area's home ---------------------------------------------------------------------------------------------


@get("/", name="console.property")
async def index(request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn) -> Template:
    estates = await visible_estates(conn, user.principal)
    return _render(
        request,
        "property/index.html",
        estates=estates,
        officer=user.principal.has_role(*access.CREDIT_READER_ROLES),
    )


@get("/estates/{estate_id:uuid}", name="console.property.estate")
async def estate_home(estate_id: FromPath[UUID], user: CurrentUser, conn: DbConn) -> Redirect:
    await service.require_reader(conn, user.principal, estate_id)
    return Redirect(path=f"/console/property/estates/{estate_id}/arrears", status_code=303)


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
    found = await service.home_bills(conn, user.principal, home_id, open_only=not all_bills)
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
    found = await service.estate_payments(
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


# --- votes: the roll and the turnout; the result after close -------------------------------------------------------


@get("/estates/{estate_id:uuid}/votes", name="console.property.votes")
async def votes_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    matters = await votes.list_matters(conn, user.principal, estate_id, cursor, PAGE)  # its own check
    return _render(
        request,
        "property/votes.html",
        estate=await _estate(conn, user, estate_id),
        tab="votes",
        matters=matters,
    )


def _turnout_chart(request: Request[Any, Any, Any], turnout: service.VoteTurnout) -> dict[str, Any]:
    lang = language(request)
    return {
        "kind": "turnout",
        "categories": [b.building for b in turnout.buildings],
        "area": [float(Decimal(b.area_voted * 100) / b.area) if b.area else 0 for b in turnout.buildings],
        "homes": [float(Decimal(b.homes_voted * 100) / b.homes) if b.homes else 0 for b in turnout.buildings],
        "labels": {
            "area": text(lang, "property.votes.turnout_area"),
            "homes": text(lang, "property.votes.turnout_rooms"),
        },
    }


@get("/votes/{matter_id:uuid}", name="console.property.vote")
async def vote_page(
    request: Request[Any, Any, Any],
    matter_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    matter = await votes.get_matter(conn, user.principal, matter_id)  # getVoteMatter's check
    roll = turnout = result = None
    if matter.state != "draft":
        roll = await votes.roll(conn, user.principal, matter_id, cursor, PAGE)
        turnout = await service.vote_turnout(conn, user.principal, matter_id)
    if matter.state == "published":
        try:
            result = await votes.get_result(conn, user.principal, matter_id)
        except VoteStateConflict:
            result = None
    return _render(
        request,
        "property/vote.html",
        estate=await _estate(conn, user, matter.estate_id),
        tab="votes",
        matter=matter,
        roll=roll,
        turnout=turnout,
        chart=_turnout_chart(request, turnout) if turnout else None,
        result=result,
        live=matter.state in ("noticed", "open"),
    )


@get("/votes/{matter_id:uuid}/turnout", name="console.property.vote.turnout")
async def vote_turnout(
    request: Request[Any, Any, Any], matter_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """The live turnout (heads and area with a ballot, per building), polled while the vote runs: never a choice."""
    matter = await votes.get_matter(conn, user.principal, matter_id)
    turnout = await service.vote_turnout(conn, user.principal, matter_id)
    return _render(
        request,
        "property/partials/turnout.html",
        matter=matter,
        turnout=turnout,
        chart=_turnout_chart(request, turnout),
        live=matter.state in ("noticed", "open"),
    )


# --- fund projects -------------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/fund-projects", name="console.property.fund_projects")
async def fund_projects_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    projects = await fund_projects.list_projects(
        conn, user.principal, estate_id, cursor, PAGE
    )  # its own check
    return _render(
        request,
        "property/fund_projects.html",
        estate=await _estate(conn, user, estate_id),
        tab="fund",
        projects=projects,
    )


# --- repairs ---------------------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/repairs", name="console.property.repairs")
async def repairs_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    repair_state: Annotated[RepairState | None, QueryParameter(name="state")] = None,
    kind: FromQuery[RepairKind | None] = None,
    cursor: Cursor = None,
) -> Template:
    queue = await service.repair_queue(
        conn, user.principal, estate_id, state=repair_state, kind=kind, cursor=cursor, limit=PAGE
    )  # listEstateRepairs' check
    now = datetime.now(UTC)
    return _render(
        request,
        "property/repairs.html",
        estate=await _estate(conn, user, estate_id),
        tab="repairs",
        queue=queue,
        states=REPAIR_STATES,
        filters={"state": repair_state or "", "kind": kind or ""},
        soon=now + DUE_SOON,
    )


async def _repair_context(
    request: Request[Any, Any, Any], conn: DbConn, user: ConsoleUser, repair_id: FromPath[UUID]
) -> dict[str, Any]:
    repair = await repairs.detail(conn, user.principal, repair_id)  # getRepair's check
    people: dict[UUID, str] = {}
    candidates: list[UUID] = [user.principal.user_id]
    if "assign" in repair.allowed_actions:
        # whom it may go to: the estate's property staff who have had its repairs, and the user
        queue = await service.repair_queue(
            conn, user.principal, repair.estate_id, state=None, kind=None, cursor=None, limit=200
        )
        candidates += [q.repair.assignee_id for q in queue.items if q.repair.assignee_id]
    for event in repair.timeline:
        if event.actor_id:
            candidates.append(event.actor_id)
    if repair.assignee_id:
        candidates.append(repair.assignee_id)
    for user_id in dict.fromkeys(candidates):
        found = await identity.find_user(conn, user_id)
        if found is not None:
            people[user_id] = found.display_name or (found.phone or "")[-4:]
    return {
        "repair": repair,
        "estate": await _estate(conn, user, repair.estate_id),
        "tab": "repairs",
        "people": people,
        "assignees": list(people.items()) if "assign" in repair.allowed_actions else [],
        "now": datetime.now(UTC),
        "soon": datetime.now(UTC) + DUE_SOON,
    }


@get("/repairs/{repair_id:uuid}", name="console.property.repair")
async def repair_page(
    request: Request[Any, Any, Any], repair_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    return _render(
        request,
        "property/repair.html",
        error=None,
        notice=None,
        **await _repair_context(request, conn, user, repair_id),
    )


@post("/repairs/{repair_id:uuid}/actions", name="console.property.repair.act", status_code=200)
async def repair_action(
    request: Request[Any, Any, Any], repair_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """transitionRepair: one action of the table on the version the page showed; a stale version (409) answers
    the repair as it is now, with the conflict said, to act again on it."""
    form = await request.form()
    status, error, notice = 200, None, None
    try:
        async with use_case(conn):
            version = _form_version(form)
            action = _form_text(form, "action", 32)
            fields: dict[str, Any] = {"action": action, "note": _form_text(form, "note", 1000)}
            if action == "assign":
                fields["assignee_id"] = _form_uuid(form, "assignee_id")
            data = _convert(fields, RepairActionRequest)
            calendar = await load_calendar(conn, request.app.state.calendar_config)
            done = await repairs.act(conn, calendar, user.principal, repair_id, version, data)
            notice = text(
                language(request),
                "property.repairs.done",
                state=text(language(request), f"property.repair_state.{done.state}"),
            )
    except REFUSALS as exc:
        status, error = _refusal(request, exc)
    context = await _repair_context(request, conn, user, repair_id)
    template = "property/partials/repair_panel.html" if is_htmx(request) else "property/repair.html"
    return _render(request, template, status_code=status, error=error, notice=notice, **context)


def _convert(fields: dict[str, Any], kind: type[Any]) -> Any:
    try:
        return msgspec.convert(fields, kind)
    except msgspec.ValidationError as exc:
        raise ProblemError(422, "validation_failed", str(exc)) from exc


# --- filings to review -----------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/filings", name="console.property.filings")
async def filings_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    found = await filings.list_filings(
        conn, request.app.state.storage, user.principal, estate_id, None, cursor, PAGE
    )  # listEstateFilings' check
    return _render(
        request,
        "property/filings.html",
        estate=await _estate(conn, user, estate_id),
        tab="filings",
        filings=found,
        results={},
    )


@post("/filings/{filing_id:uuid}/decision", name="console.property.filing.decide", status_code=200)
async def decide_filing(
    request: Request[Any, Any, Any], filing_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """acceptFiling / returnFiling on the version shown (the district's housing officer)."""
    form = await request.form()
    storage = request.app.state.storage
    status, error, notice = 200, None, None
    try:
        async with use_case(conn):
            _require_role(user, *FILING_DECIDERS)
            version = _form_version(form)
            decision = _form_text(form, "decision", 16)
            if decision not in ("accept", "return"):
                raise ProblemError(422, "validation_failed", "decision: accept or return")
            reason = _form_text(form, "reason", 500)
            done = await filings.decide(
                conn, storage, console_context(request), user.principal, filing_id, version, decision == "accept",
                reason,
            )  # fmt: skip
            notice = text(language(request), f"property.filing_state.{done.state}")
    except REFUSALS as exc:
        status, error = _refusal(request, exc)
    filing = await filings.get_filing(conn, storage, user.principal, filing_id)
    return _render(
        request,
        "property/partials/filing.html",
        status_code=status,
        f=filing,
        estate=await _estate(conn, user, filing.estate_id),
        error=error,
        notice=notice,
    )


# --- credit --------------------------------------------------------------------------------------------------------


def _month(request: Request[Any, Any, Any], month: str | None) -> str:
    if month:
        return month
    today = _today(request)
    return f"{today.year}-{today.month:02d}"


@get("/estates/{estate_id:uuid}/credit", name="console.property.credit")
async def credit_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    month: Month = None,
) -> Template:
    scores = await credit.estate_credit(
        conn,
        user.principal,
        estate_id,
        _month(request, month),
        timezone=request.app.state.settings.city_timezone,
    )  # getEstateCredit's check
    names = credit.names(language(request))
    figures = list((scores.figures or {}).items())
    chart = {
        "kind": "credit",
        "categories": [names.get(k, k) for k, _ in figures],
        "points": [f.points if f.points is not None else 0 for _, f in figures],
        "labels": {"points": text(language(request), "property.credit.points")},
    }
    return _render(
        request,
        "property/credit.html",
        estate=await _estate(conn, user, estate_id),
        tab="credit",
        scores=scores,
        names=names,
        figures=figures,
        chart=chart,
        month=scores.month,
    )


@get("/credit", name="console.property.companies")
async def companies_page(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    conn: DbConn,
    month: Month = None,
    cursor: Cursor = None,
) -> Template:
    _require_role(user, *access.CREDIT_READER_ROLES)  # as listCompanyCredit
    found = await credit.company_credit(
        conn, user.principal, _month(request, month), district=None,
        timezone=request.app.state.settings.city_timezone, cursor=cursor, limit=PAGE,
    )  # fmt: skip
    return _render(
        request,
        "property/companies.html",
        companies=found,
        names=credit.names(language(request)),
        month=found.month,
    )


#: every route of the area: its Router declares the area once, so the console's guard checks it for each
ROUTES = [
    Router(
        path="/property",
        opt={"area": "property"},
        route_handlers=[
            index,
            estate_home,
            arrears_page,
            arrears_homes,
            home_bills,
            bill_page,
            billing_page,
            start_run,
            run_progress,
            payments_page,
            refund,
            votes_page,
            vote_page,
            vote_turnout,
            fund_projects_page,
            repairs_page,
            repair_page,
            repair_action,
            filings_page,
            decide_filing,
            credit_page,
            companies_page,
        ],
    )
]
