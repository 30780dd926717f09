"""Housing: estates and their public page, homes, the owners register, residents' bindings to their homes.

Who may do what is decided in housing/access.py (estate staff by the estate scope of their role, housing officers
by the district scope of theirs); these controllers only demand the roles that any caller of a route must hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import State
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn, request_context, requires_role
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from cases.common import CRS
from housing import register, service
from housing.errors import RegisterImportRefused
from housing.models import (
    Binding,
    BindingDecision,
    BindingEnd,
    BindingPage,
    BindingRefusal,
    BindingRequest,
    BindingState,
    Estate,
    EstateCreate,
    EstatePage,
    EstateUpdate,
    HomeDetail,
    HomePage,
    RegisterImportReport,
)
from identity import service as identity
from identity.models import Principal, Role

ESTATE_MANAGERS: tuple[Role, ...] = ("admin", "property_staff", "property_manager")
ESTATE_READERS: tuple[Role, ...] = (*ESTATE_MANAGERS, "housing_officer")
MAX_REGISTER_BYTES = register.MAX_FILE_BYTES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class RegisterUpload(Operation):
    """The register import's body: the file itself (CSV or XLSX), read raw."""

    def __post_init__(self) -> None:
        # one binary body: the server tells XLSX (a zip) from CSV by its first bytes, whatever Content-Type says,
        # and generators (openapi-python-client) take application/octet-stream but not text/csv or XLSX types
        schema = Schema(
            title="RegisterFile",
            type=OpenAPIType.STRING,
            format="binary",  # type: ignore[arg-type]
            description="The register as CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel saves it) or as "
            "an Excel workbook (.xlsx, the first sheet); send it as application/octet-stream, text/csv or "
            + XLSX,
        )
        self.request_body = RequestBody(
            required=True, content={"application/octet-stream": OpenAPIMediaType(schema=schema)}
        )


def _effective_date(state: State, given: date | None) -> date:
    """The date changed owners own from: the one given, else today in the city's time zone."""
    return given if given is not None else datetime.now(ZoneInfo(state.settings.city_timezone)).date()


class EstatesController(Controller):
    path = "/v1/estates"
    tags = ["housing"]

    @get(
        operation_id="listEstates",
        opt={"problems": ("invalid_cursor",)},
        summary="Estates (小区), by name, optionally in one district or matching a name",
        security=[{}],
    )
    async def list_estates(
        self,
        conn: DbConn,
        district_code: Annotated[str | None, QueryParameter(pattern=r"^[1-8][0-9]{5}$")] = None,
        name: Annotated[str | None, QueryParameter(min_length=1, max_length=100)] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> EstatePage:
        return await service.list_estates(conn, district_code, name, cursor, limit)

    @post(
        operation_id="createEstate",
        opt={"problems": ("invalid_estate",)},
        summary="Register an estate with its public page (admins; audited)",
        dependencies={"principal": requires_role("admin")},
        status_code=HTTP_201_CREATED,
    )
    async def create_estate(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, data: JSONBody[EstateCreate]
    ) -> Estate:
        estate_id = await service.create_estate(conn, data)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "estate.create",
            "estate",
            str(estate_id),
            name=data.name,
        )
        return await service.get_estate(conn, estate_id)

    @get(
        "/{estate_id:uuid}",
        operation_id="getEstate",
        opt={"problems": ("estate_not_found",)},
        summary="An estate's public page: service content, grade, fee standards, company, contact",
        security=[{}],
    )
    async def get_estate(
        self, conn: DbConn, estate_id: FromPath[UUID], crs: FromQuery[CRS] = "wgs84"
    ) -> Estate:
        return await service.get_estate(conn, estate_id, crs)

    @patch(
        "/{estate_id:uuid}",
        operation_id="updateEstate",
        opt={"problems": ("estate_not_found", "estate_forbidden", "invalid_estate")},
        summary="Change an estate's public page (its property staff, admins; audited)",
        dependencies={"principal": requires_role(*ESTATE_MANAGERS)},
    )
    async def update_estate(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[EstateUpdate],
    ) -> Estate:
        changes = await service.update_estate(conn, principal, estate_id, data)
        if changes:
            await identity.audit(
                conn,
                request_context(request),
                principal.user_id,
                "estate.update",
                "estate",
                str(estate_id),
                changes=changes,
            )
        return await service.get_estate(conn, estate_id)

    @get(
        "/{estate_id:uuid}/homes",
        operation_id="listEstateHomes",
        opt={"problems": ("estate_not_found", "invalid_cursor")},
        summary="An estate's homes by building, entrance, floor and room (no owners)",
    )
    async def list_homes(
        self,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        building_id: FromQuery[UUID | None] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> HomePage:
        return await service.list_homes(conn, estate_id, building_id, cursor, limit)

    @post(
        "/{estate_id:uuid}/register",
        operation_id="importRegister",
        opt={
            "problems": (
                "estate_not_found",
                "estate_forbidden",
                "register_import_refused",
                "payload_too_large",
            )
        },
        summary="Import the owners register (业主名册) from CSV or XLSX; refused as a whole with every bad row named",
        dependencies={"principal": requires_role(*ESTATE_MANAGERS)},
        status_code=200,
        request_max_body_size=MAX_REGISTER_BYTES,
        operation_class=RegisterUpload,
    )
    async def import_register(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        dry_run: FromQuery[bool] = False,
        effective_date: FromQuery[date | None] = None,
        file_name: Annotated[str, QueryParameter(min_length=1, max_length=200)] = "register.csv",
    ) -> RegisterImportReport:
        effective = _effective_date(state, effective_date)
        await service.require_manager(conn, principal, estate_id)
        raw = await request.body()
        context = request_context(request)
        try:
            report = await register.import_register(
                conn,
                estate_id,
                raw,
                file_name=file_name,
                effective_date=effective,
                dry_run=dry_run,
                default_region=state.settings.default_phone_region,
                actor_id=principal.user_id,
                actor_label=context.actor_label,
            )
        except RegisterImportRefused as exc:
            refused = register.refused_report(exc)
            await identity.audit(
                conn,
                context,
                principal.user_id,
                "register.import",
                "register_import",
                str(refused.id),
                **register.audit_details(refused),
            )
            raise
        await identity.audit(
            conn,
            context,
            principal.user_id,
            "register.import",
            "register_import",
            str(report.id),
            **register.audit_details(report),
        )
        return report

    @get(
        "/{estate_id:uuid}/bindings",
        operation_id="listEstateBindings",
        opt={"problems": ("estate_not_found", "estate_forbidden", "invalid_cursor")},
        summary="Residents' bindings of an estate in one state, oldest request first (pending: the queue to decide)",
        dependencies={"principal": requires_role(*ESTATE_READERS)},
    )
    async def list_bindings(
        self,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        binding_state: Annotated[BindingState, QueryParameter(name="state")] = "pending",
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> BindingPage:
        return await service.estate_bindings(conn, principal, estate_id, binding_state, cursor, limit)


class HomesController(Controller):
    path = "/v1/homes"
    tags = ["housing"]

    @get(
        "/{home_id:uuid}",
        operation_id="getHome",
        opt={"problems": ("home_not_found", "home_forbidden")},
        summary="A home with its areas and owners (residents bound to it, the estate's staff and officers)",
    )
    async def get_home(self, conn: DbConn, principal: Caller, home_id: FromPath[UUID]) -> HomeDetail:
        return await service.get_home(conn, principal, home_id)

    @get(
        "/{home_id:uuid}/bindings",
        operation_id="listHomeBindings",
        opt={"problems": ("home_not_found", "home_forbidden", "invalid_cursor")},
        summary="Who is bound to a home or asks to be (its owners, the estate's staff and officers)",
    )
    async def list_bindings(
        self,
        conn: DbConn,
        principal: Caller,
        home_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> BindingPage:
        return await service.home_bindings(conn, principal, home_id, cursor, limit)

    @post(
        "/{home_id:uuid}/bindings",
        operation_id="requestBinding",
        opt={"problems": ("home_not_found", "already_bound"), "idempotency_key": "required"},
        summary="Bind my account to a home: an owner in the register at once, anyone else on approval",
        status_code=HTTP_201_CREATED,
    )
    async def request_binding(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        home_id: FromPath[UUID],
        data: JSONBody[BindingRequest],
    ) -> Response[Binding]:
        key = idempotency_key(request)

        async def produce() -> tuple[int, Binding]:
            binding = await service.request_binding(conn, principal, home_id, data)
            await identity.audit(
                conn,
                request_context(request),
                principal.user_id,
                "binding.request",
                "home_binding",
                str(binding.id),
                home_id=str(home_id),
                relation=data.relation,
                state=binding.state,
                via=binding.via,
            )
            return HTTP_201_CREATED, binding

        return await run_once(conn, principal.user_id, key, fingerprint(request, data), produce)


async def _audited(
    request: Request[Any, Any, Any],
    conn: DbConn,
    principal: Principal,
    action: str,
    binding: Binding,
    **details: Any,
) -> Binding:
    await identity.audit(
        conn, request_context(request), principal.user_id, action, "home_binding", str(binding.id), **details
    )
    return binding


class BindingsController(Controller):
    path = "/v1/bindings"
    tags = ["housing"]

    @post(
        "/{binding_id:uuid}/approve",
        operation_id="approveBinding",
        opt={"problems": ("binding_not_found", "binding_forbidden", "binding_state_conflict")},
        summary="Approve a request to be bound to a home (the estate's staff; an owner for family and tenants)",
        status_code=200,
    )
    async def approve(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        binding_id: FromPath[UUID],
        data: JSONBody[BindingDecision],
    ) -> Binding:
        binding = await service.decide_binding(conn, principal, binding_id, True, data.note)
        return await _audited(request, conn, principal, "binding.approve", binding, note=data.note)

    @post(
        "/{binding_id:uuid}/refuse",
        operation_id="refuseBinding",
        opt={"problems": ("binding_not_found", "binding_forbidden", "binding_state_conflict")},
        summary="Refuse a request to be bound to a home, with the reason (same deciders as approveBinding)",
        status_code=200,
    )
    async def refuse(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        binding_id: FromPath[UUID],
        data: JSONBody[BindingRefusal],
    ) -> Binding:
        binding = await service.decide_binding(conn, principal, binding_id, False, data.reason)
        return await _audited(request, conn, principal, "binding.refuse", binding, reason=data.reason)

    @post(
        "/{binding_id:uuid}/end",
        operation_id="endBinding",
        opt={"problems": ("binding_not_found", "binding_forbidden", "binding_state_conflict")},
        summary="End a binding, or withdraw a pending request (the resident, the estate's staff, an owner)",
        status_code=200,
    )
    async def end(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        binding_id: FromPath[UUID],
        data: JSONBody[BindingEnd],
    ) -> Binding:
        binding = await service.end_binding(conn, principal, binding_id, data.reason)
        return await _audited(request, conn, principal, "binding.end", binding, reason=data.reason)


class MyHomesController(Controller):
    path = "/v1/me/homes"
    tags = ["housing"]

    @get(
        operation_id="listMyHomes",
        opt={"problems": ("invalid_cursor",)},
        summary="My homes: my active bindings and pending requests, newest first",
    )
    async def list_my_homes(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> BindingPage:
        return await service.my_homes(conn, principal, cursor, limit)


# money: fee items, billing runs, bills, arrears and reminders, the maintenance fund ---------------------------------


ROUTES = [EstatesController, HomesController, BindingsController, MyHomesController]
