"""What the property office's pages share: who may do what, formatting (numbers are formatted here, never in
templates), form reading, refusals, the estates a user sees."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.auth import DbConn
from api.errors import ProblemError
from api.i18n import title
from api.problems import DOMAIN_ERRORS, PROBLEMS
from console.auth import ConsoleUser
from console.i18n import language, text
from console.render import page
from housing import (
    access,
    service,
)
from housing.errors import HousingError
from housing.models import EstateSummary
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


def _convert(fields: dict[str, Any], kind: type[Any]) -> Any:
    try:
        return msgspec.convert(fields, kind)
    except msgspec.ValidationError as exc:
        raise ProblemError(422, "validation_failed", str(exc)) from exc
