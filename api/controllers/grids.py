"""Administration of routing data: grid imports and their log, inspectors' duties, category → department links.

Admins only. Every change is audited; a grid import is also logged in `grid_imports`, refused or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import Caller, DbConn, request_context, requires_role
from api.errors import ProblemError
from api.params import DEFAULT_LIMIT, Cursor, DateTimeText, Limit, date_time
from cases.grids import imports as grids_imports
from cases.grids import routing
from cases.grids.errors import GridImportRefused
from cases.grids.geojson import ImportReport
from cases.grids.imports import ImportLogDetail, ImportLogEntry, ImportLogPage
from cases.grids.routing import (
    CategoryDepartment,
    CategoryDepartmentLink,
    CategoryDepartmentPage,
    Duty,
    DutyAssign,
    DutyPage,
)
from cases.grids.store import GridKind
from identity import service as identity

MAX_GRID_FILE_BYTES = 50 * 1024 * 1024

ADMIN = requires_role("admin")


@dataclass
class GeoJSONUpload(Operation):
    """The import's request body is a GeoJSON FeatureCollection, read raw (the handler checks it)."""

    def __post_init__(self) -> None:
        schema = Schema(
            title="GridFeatureCollection",
            type=OpenAPIType.OBJECT,
            description="A GeoJSON FeatureCollection of Polygon/MultiPolygon features with a `code` property "
            "(up to 50 MB)",
            required=["type", "features"],
            properties={
                "type": Schema(type=OpenAPIType.STRING, const="FeatureCollection"),
                "features": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
            },
        )
        self.request_body = RequestBody(
            required=True,
            content={
                "application/geo+json": OpenAPIMediaType(schema=schema),
                "application/json": OpenAPIMediaType(schema=schema),
            },
        )


class GridsAdminController(Controller):
    path = "/v1/admin/grids"
    tags = ["admin: routing"]
    dependencies = {"principal": ADMIN}

    @post(
        "/import",
        operation_id="importGrids",
        opt={"problems": ("grid_import_refused",)},
        summary="Import unit or responsibility grids from GeoJSON; refused as a whole with every bad feature named",
        status_code=200,
        request_max_body_size=MAX_GRID_FILE_BYTES,
        operation_class=GeoJSONUpload,
    )
    async def import_grids(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        kind: FromQuery[GridKind],
        make_valid: FromQuery[bool] = False,
        dry_run: FromQuery[bool] = False,
        file_name: Annotated[str, QueryParameter(min_length=1, max_length=200)] = "upload.geojson",
    ) -> ImportReport:
        raw = await request.body()
        context = request_context(request)
        try:
            report = await grids_imports.import_grids(
                conn,
                kind,
                raw,
                file_name=file_name,
                make_valid=make_valid,
                dry_run=dry_run,
                actor_id=principal.user_id,
                actor_label=context.actor_label,
            )
        except GridImportRefused as exc:
            refused = grids_imports.refused_report(exc)
            await identity.audit(
                conn,
                context,
                principal.user_id,
                "grids.import",
                "grid_import",
                str(refused.id),
                **grids_imports.audit_details(refused),
            )
            raise
        await identity.audit(
            conn,
            context,
            principal.user_id,
            "grids.import",
            "grid_import",
            str(report.id),
            **grids_imports.audit_details(report),
        )
        return report

    @get(
        "/imports",
        operation_id="listGridImports",
        summary="The grid import log, newest first",
        deprecated=True,
    )
    async def list_imports(
        self,
        conn: DbConn,
        principal: Caller,
        before: DateTimeText = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> list[ImportLogEntry]:
        return (await grids_imports.import_log(conn, before=date_time(before, "before"), limit=limit)).items

    @get(
        "/imports/{import_id:uuid}",
        operation_id="getGridImport",
        opt={"problems": ("not_found",)},
        summary="One grid import with its problems (or repairs, warnings and gaps)",
    )
    async def get_import(self, conn: DbConn, principal: Caller, import_id: FromPath[UUID]) -> ImportLogDetail:
        entry = await grids_imports.import_log_entry(conn, import_id)
        if entry is None:
            raise ProblemError(404, "not_found", "no such grid import")
        return entry


class DutiesController(Controller):
    path = "/v1/admin/duties"
    tags = ["admin: routing"]
    dependencies = {"principal": ADMIN}

    @put(
        operation_id="putDuty",
        opt={
            "problems": (
                "unknown_grid",
                "not_an_inspector",
                "invalid_duty",
            )
        },
        summary="Put an inspector on duty for a responsibility grid (the same start again changes its end)",
    )
    async def put_duty(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, data: JSONBody[DutyAssign]
    ) -> Duty:
        duty = await routing.assign_duty(conn, data)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "duty.put",
            "inspector_duty",
            str(duty.id),
            inspector_id=str(duty.inspector_id),
            grid=duty.grid,
            starts_at=duty.starts_at.isoformat(),
            ends_at=duty.ends_at.isoformat() if duty.ends_at else None,
        )
        return duty

    @get(
        operation_id="listDuties",
        opt={"problems": ("unknown_grid",)},
        summary="Inspectors' duties, of one grid and running at a time when asked",
        deprecated=True,
    )
    async def list_duties(
        self,
        conn: DbConn,
        principal: Caller,
        grid: Annotated[str | None, QueryParameter(max_length=32)] = None,
        at: DateTimeText = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 500,
    ) -> list[Duty]:
        return await routing.list_duties(conn, grid, date_time(at, "at"), limit)


class CategoryDepartmentsController(Controller):
    path = "/v1/admin/category-departments"
    tags = ["admin: routing"]
    dependencies = {"principal": ADMIN}

    @put(
        operation_id="putCategoryDepartment",
        opt={
            "problems": (
                "unknown_category",
                "unknown_department",
            )
        },
        summary="Which department handles a category in a district (district_code null: in any district)",
    )
    async def put_link(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        data: JSONBody[CategoryDepartmentLink],
    ) -> CategoryDepartment:
        link = await routing.link_category_department(conn, data)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "category_department.put",
            "category",
            link.category,
            district_code=link.district_code,
            department=link.department,
        )
        return link

    @get(operation_id="listCategoryDepartments", summary="Category → department links", deprecated=True)
    async def list_links(
        self,
        conn: DbConn,
        principal: Caller,
        category: Annotated[str | None, QueryParameter(max_length=8)] = None,
    ) -> list[CategoryDepartment]:
        return (await routing.category_departments(conn, category)).items


class RoutingAdminV2Controller(Controller):
    """The routing data's lists, paged with an opaque cursor."""

    path = "/v2/admin"
    tags = ["admin: routing"]
    dependencies = {"principal": ADMIN}

    @get(
        "/grids/imports",
        operation_id="listGridImportsV2",
        summary="The grid import log, newest first (cursor-paginated)",
        description="Every import of unit grids (单元网格) or responsibility grids (责任网格) from GeoJSON: imported, "
        "dry run or refused, with its counts and how many problems it had. Page with `cursor` (the previous "
        "page's `next_cursor`, null at the end); replaces the deprecated `GET /v1/admin/grids/imports`, "
        "whose date-time `before` could skip imports made in the same instant.",
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_imports(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> ImportLogPage:
        return await grids_imports.import_log(conn, cursor=cursor, limit=limit)

    @get(
        "/duties",
        operation_id="listDutiesV2",
        summary="Inspectors' duties, of one grid and running at a time when asked (cursor-paginated)",
        description="Which inspector (监督员) is on duty (值守) for which responsibility grid (责任网格), from when "
        "until when, by grid code, start and inspector. `at` (with a time zone) keeps the duties running at "
        "that instant. Page with `cursor` (the previous page's `next_cursor`, null at the end); replaces the "
        "deprecated `GET /v1/admin/duties`, which answered a bare array of at most `limit` duties.",
        opt={"problems": ("invalid_cursor", "unknown_grid")},
    )
    async def list_duties(
        self,
        conn: DbConn,
        principal: Caller,
        grid: Annotated[str | None, QueryParameter(max_length=32)] = None,
        at: DateTimeText = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> DutyPage:
        return await routing.duty_page(conn, grid, date_time(at, "at"), cursor=cursor, limit=limit)

    @get(
        "/category-departments",
        operation_id="listCategoryDepartmentsV2",
        summary="Category → department links (cursor-paginated)",
        description="Which department (处置部门) handles a category (问题类别) in a district, by category and "
        "then district, the any-district link (district_code null) first. Page with `cursor` (the previous "
        "page's `next_cursor`, null at the end); replaces the deprecated `GET /v1/admin/category-departments`, "
        "which answered every link in a bare array.",
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_links(
        self,
        conn: DbConn,
        principal: Caller,
        category: Annotated[str | None, QueryParameter(max_length=8)] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> CategoryDepartmentPage:
        return await routing.category_departments(conn, category, cursor=cursor, limit=limit)
