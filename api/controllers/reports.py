"""Snap and report: categories, the service area, submitting, following and reading reports, the map."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.auth import (
    Caller,
    DbConn,
    OptionalCaller,
    provide_optional_principal,
    request_context,
    requires_role,
)
from api.errors import ProblemError
from api.idempotency import fingerprint, idempotency_key, run_once
from cases.catalogue import service as catalogue_service
from cases.catalogue.models import Catalogue, Category, CategoryUpdate
from cases.common import CRS, Location
from cases.grids import coverage
from cases.grids.coverage import Coverage
from cases.reports import maps as reports_maps
from cases.reports import service as reports_service
from cases.reports.models import (
    HideReport,
    NearbyCase,
    Recategorise,
    ReportCreate,
    ReportCreated,
    ReportPage,
    ReportView,
    ServiceArea,
)
from cases.workflow import service as casework
from cases.workflow.deadlines import load_calendar
from cases.workflow.models import Rating, RatingResult
from cases.workflow.transitions import State as CaseState
from identity import service as identity
from identity.models import Role

MODERATORS: tuple[Role, ...] = ("intake_clerk", "shift_lead", "admin")


class CategoriesController(Controller):
    path = "/v1/categories"
    tags = ["categories"]

    @get(
        operation_id="listCategories",
        opt={"etag": True, "not_modified": True},
        summary="The active category catalogue (cache it: ETag / If-None-Match)",
        security=[{}],
    )
    async def list_categories(self, request: Request[Any, Any, Any], conn: DbConn) -> Response[Catalogue]:
        catalogue, etag = await catalogue_service.catalogue(conn)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(content=b"", status_code=304, headers=headers)  # type: ignore[arg-type]
        return Response(catalogue, headers=headers)

    @patch(
        "/{code:str}",
        operation_id="updateCategory",
        opt={
            "problems": (
                "category_not_found",
                "unknown_category",
                "unknown_department",
            )
        },
        summary="Change a category (admins; audited)",
        dependencies={"principal": requires_role("admin")},
    )
    async def update_category(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        code: FromPath[str],
        data: JSONBody[CategoryUpdate],
    ) -> Category:
        before, after = await catalogue_service.update_category(conn, code, data)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "category.update",
            "category",
            code,
            changes={
                k: [getattr(before, k), getattr(after, k)]
                for k in after.__struct_fields__
                if getattr(before, k) != getattr(after, k)
            },
        )
        return after


class ServiceAreaController(Controller):
    path = "/v1/service-area"
    tags = ["reports"]

    @get(
        operation_id="getServiceArea",
        opt={
            "problems": (
                "no_service_area",
                "unsupported_crs",
            )
        },
        summary="Where the city takes reports: GeoJSON, bbox and centre",
        security=[{}],
    )
    async def get_service_area(self, conn: DbConn, crs: FromQuery[CRS] = "wgs84") -> ServiceArea:
        area = await reports_maps.service_area(conn, crs)
        if area is None:
            raise ProblemError(404, "no_service_area", "no service area is set up")
        return area

    @get(
        "/coverage",
        operation_id="getCoverage",
        summary="Where reports are routed: the outline of the unit grids (cache it: ETag / If-None-Match)",
        description=(
            "The outline of all unit grids (单元网格), their polygons dissolved into one GeoJSON Feature with a "
            "MultiPolygon geometry and its bbox: a report inside it is routed to a grid and the grid's inspector "
            "on duty (监督员); outside it, even within the service area (服务范围), a report reaches no grid and "
            "waits in the intake clerks' queue (受理). The outline is simplified by about 1 m. Coordinates are in "
            "`crs` (properties.crs says which). Send the ETag back in If-None-Match: 304 while no grid changed. "
            "404 no_grids until grids are imported."
        ),
        security=[{}],
        opt={"problems": ("no_grids",), "etag": True, "not_modified": True},
    )
    async def get_coverage(
        self, request: Request[Any, Any, Any], conn: DbConn, crs: FromQuery[CRS] = "wgs84"
    ) -> Response[Coverage]:
        etag = await coverage.coverage_etag(conn, crs)
        headers = {"Cache-Control": "no-cache"}
        sent = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
        if etag is not None and etag in sent:
            return Response(content=b"", status_code=304, headers={**headers, "ETag": etag})  # type: ignore[arg-type]
        found = await coverage.coverage(conn, crs)
        if found is None:
            raise ProblemError(404, "no_grids", "no unit grids are imported")
        outline, etag = found
        return Response(outline, headers={**headers, "ETag": etag})


class ReportsController(Controller):
    path = "/v1/reports"
    tags = ["reports"]

    @post(
        operation_id="submitReport",
        responses={
            200: ResponseSpec(
                ReportCreated,
                description="A retry: the report this Idempotency-Key or client_id already made",
            )
        },
        opt={
            "problems": (
                "invalid_coordinates",
                "unsupported_crs",
                "unknown_category",
                "category_not_reportable",
                "outside_service_area",
                "photos_required",
                "photo_unavailable",
                "report_limit_reached",
                "deadline_beyond_calendar",
            ),
            "idempotency_key": "required",
        },
        summary="Submit a report (needs an Idempotency-Key; retries return the original answer)",
        status_code=HTTP_201_CREATED,
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        data: JSONBody[ReportCreate],
    ) -> Response[ReportCreated]:
        key = idempotency_key(request)

        async def produce() -> tuple[int, ReportCreated]:
            calendar = await load_calendar(conn, state.calendar_config)
            created, new = await reports_service.submit_report(
                conn, state.cases_config, calendar, principal, data
            )
            return (HTTP_201_CREATED if new else HTTP_200_OK), created

        return await run_once(conn, principal.user_id, key, fingerprint(request, data), produce)

    @get(
        "/mine",
        operation_id="listMyReports",
        opt={
            "problems": (
                "invalid_cursor",
                "unsupported_crs",
            )
        },
        summary="My reports with their status and public timeline",
    )
    async def mine(
        self,
        conn: DbConn,
        principal: Caller,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> ReportPage:
        return await reports_service.my_reports(conn, principal, cursor, limit)

    @get(
        "/nearby",
        operation_id="listNearbyReports",
        opt={
            "problems": (
                "invalid_coordinates",
                "unsupported_crs",
                "unknown_category",
            )
        },
        summary="Open cases of a category near a point: offer 'follow this one instead'",
    )
    async def nearby(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        lat: FromQuery[float],
        lon: FromQuery[float],
        category: Annotated[str, QueryParameter(max_length=8)],
        crs: FromQuery[CRS] = "wgs84",
        radius: Annotated[int | None, QueryParameter(ge=10, le=1000)] = None,
    ) -> list[NearbyCase]:
        # citizens search the category's radius; staff may widen it (inspectors search 1,000 m)
        radius_m = radius if principal.is_staff else None
        return await reports_maps.nearby(
            conn, state.cases_config, Location(lat=lat, lon=lon, crs=crs), category, radius_m
        )

    @get(
        "/{report_id:uuid}",
        operation_id="getReport",
        opt={
            "problems": (
                "report_not_found",
                "unsupported_crs",
            )
        },
        summary="A report: the full view for its reporter and staff in scope, the public view for everyone else",
        dependencies={"principal": Provide(provide_optional_principal)},
        security=[{}, {"bearer": []}],
    )
    async def get_report(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: OptionalCaller,
        report_id: FromPath[UUID],
        crs: FromQuery[CRS] = "wgs84",
    ) -> ReportView:
        view = await reports_service.get_report(conn, state.storage, report_id, principal, crs)
        if principal and view.anonymous and view.reporter_id and view.reporter_id != principal.user_id:
            # only an admin is shown who filed an anonymous report: every such look is on record
            await identity.audit(
                conn,
                request_context(request),
                principal.user_id,
                "report.anonymous_reporter_viewed",
                "report",
                str(report_id),
                case_id=str(view.case_id),
            )
        return view

    @post(
        "/{report_id:uuid}/follow",
        operation_id="followReport",
        opt={"problems": ("report_not_found",)},
        summary="Follow a report's case",
        status_code=200,
    )
    async def follow(self, conn: DbConn, principal: Caller, report_id: FromPath[UUID]) -> dict[str, Any]:
        case_id = await reports_service.follow(conn, report_id, principal)
        return {"case_id": str(case_id), "following": True}

    @delete(
        "/{report_id:uuid}/follow",
        operation_id="unfollowReport",
        summary="Stop following a report's case (204 also when you did not follow it)",
        description=(
            "Stop hearing of a case you follow (关注): no more inbox messages or pushes about it. Idempotent: "
            "unfollowing a case you do not follow is also 204. A report hidden by moderation is 404 "
            "report_not_found unless you are staff or follow its case already. The case's reporters (上报人) "
            "always hear of its progress as reporters, so they cannot unfollow it: 409 reporter_always_follows."
        ),
        status_code=204,
        opt={"problems": ("report_not_found", "reporter_always_follows")},
    )
    async def unfollow(self, conn: DbConn, principal: Caller, report_id: FromPath[UUID]) -> None:
        if await reports_service.unfollow(conn, report_id, principal) == "reporter":
            raise ProblemError(
                409, "reporter_always_follows", "you reported this case: its reporters always hear of it"
            )

    @post(
        "/{report_id:uuid}/rating",
        operation_id="rateReport",
        opt={
            "problems": (
                "report_not_found",
                "rating_not_allowed",
            )
        },
        summary="The reporter rates a closed case; 'not fixed' within 7 days reopens it",
        status_code=200,
    )
    async def rate(
        self, state: State, conn: DbConn, principal: Caller, report_id: FromPath[UUID], data: JSONBody[Rating]
    ) -> RatingResult:
        case_id = await reports_service.case_of_own_report(conn, report_id, principal.user_id)
        return await casework.rate(
            conn, await load_calendar(conn, state.calendar_config), case_id, principal.user_id, data
        )

    @post(
        "/{report_id:uuid}/hide",
        operation_id="hideReport",
        opt={"problems": ("report_not_found", "action_forbidden")},
        summary="Hide a report from the public, with a reason (staff; audited)",
        status_code=200,
        dependencies={"principal": requires_role(*MODERATORS)},
    )
    async def hide(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        report_id: FromPath[UUID],
        data: JSONBody[HideReport],
    ) -> dict[str, Any]:
        case_id = await reports_service.hide_report(conn, report_id, data.reason, principal)
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "report.hide",
            "report",
            str(report_id),
            reason=data.reason,
            case_id=str(case_id),
        )
        return {"id": str(report_id), "hidden": True}

    @post(
        "/{report_id:uuid}/recategorise",
        operation_id="recategoriseReport",
        opt={
            "problems": (
                "report_not_found",
                "action_forbidden",
                "unknown_category",
                "category_not_reportable",
            )
        },
        summary="Move a report and its case to another category (staff; audited)",
        status_code=200,
        dependencies={"principal": requires_role(*MODERATORS)},
    )
    async def recategorise(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        report_id: FromPath[UUID],
        data: JSONBody[Recategorise],
    ) -> dict[str, Any]:
        before, after = await reports_service.recategorise(
            conn, report_id, data.category, data.note, principal
        )
        await identity.audit(
            conn,
            request_context(request),
            principal.user_id,
            "report.recategorise",
            "report",
            str(report_id),
            before=before,
            after=after,
            note=data.note,
        )
        return {"id": str(report_id), "category": after}


class MapController(Controller):
    path = "/v1/map"
    tags = ["reports"]

    @get(
        "/reports",
        operation_id="mapReports",
        opt={
            "problems": (
                "invalid_coordinates",
                "unsupported_crs",
                "unknown_category",
            )
        },
        summary="Public cases in a box as GeoJSON; clustered when the box holds too many",
        security=[{}],
    )
    async def map_reports(
        self,
        state: State,
        conn: DbConn,
        bbox: Annotated[str, QueryParameter(max_length=100, description="min_lon,min_lat,max_lon,max_lat")],
        category: Annotated[str | None, QueryParameter(max_length=8)] = None,
        status: FromQuery[CaseState | None] = None,
        crs: FromQuery[CRS] = "wgs84",
    ) -> dict[str, Any]:
        return await reports_maps.map_reports(conn, state.cases_config, bbox, category, status, crs)

    @get(
        "/tiles/{z:int}/{x:int}/{y:str}",
        operation_id="mapTile",
        opt={"problems": ("tile_not_found",), "etag": True, "not_modified": True},
        summary="Public cases of one map tile as a Mapbox vector tile (z/x/y.mvt); clustered when crowded",
        description=(
            "The public cases of the Web Mercator tile z/x/y (XYZ numbering, y from the north) as a Mapbox vector "
            "tile (protobuf, extent 4096), optionally of one category and one state, for map clients that draw "
            "vector tiles (Mapbox GL, MapLibre): the URL template is `/v1/map/tiles/{z}/{x}/{y}.mvt`. Up to 500 "
            "cases come in a layer `cases`, a point each with case_id, number, category, status, reporter_count "
            "and created_at; above that the tile is clustered: a layer `clusters`, a point per occupied cell of a "
            "32 × 32 grid of the tile at the mean position of its cases, with their `count`. A tile with no case "
            "is empty (zero bytes). Hidden cases and reporters never appear. Cacheable for 30 s by anyone "
            "(Cache-Control: public, max-age=30); send the ETag back in If-None-Match for a 304. Needs no token."
        ),
        media_type="application/vnd.mapbox-vector-tile",
        response_description="The tile as a Mapbox vector tile (protobuf).",
        security=[{}],
    )
    async def map_tile(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        z: Annotated[int, PathParameter(ge=0, le=reports_maps.MAX_TILE_ZOOM)],
        x: Annotated[int, PathParameter(ge=0, le=(1 << reports_maps.MAX_TILE_ZOOM) - 1)],
        y: Annotated[str, PathParameter(pattern=r"^[0-9]{1,7}\.mvt$", max_length=11)],
        category: Annotated[str | None, QueryParameter(max_length=8)] = None,
        status: FromQuery[CaseState | None] = None,
    ) -> Response[bytes]:
        tile = await reports_maps.map_tile(
            conn, state.cases_config, z, x, int(y.removesuffix(".mvt")), category, status
        )
        headers = {"ETag": tile.etag, "Cache-Control": "public, max-age=30"}
        if tile.etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(content=b"", status_code=304, headers=headers)
        return Response(tile.body, media_type="application/vnd.mapbox-vector-tile", headers=headers)
