"""The case workflow for staff: queues, one case, transitions (single and bulk), inspectors' field app, sync."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import Caller, DbConn, OptionalCaller, provide_optional_principal, requires_role
from api.errors import STATUS, FieldError, ProblemError
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from cases.common import CRS, CasesError
from cases.reports import service as reports
from cases.reports.models import ReportCreate, ReportCreated
from cases.workflow import engine
from cases.workflow import service as casework
from cases.workflow.deadlines import WorkCalendar, load_calendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.models import CaseDetail, CasePage, CaseSummary, SyncPage, Task, TaskPage
from cases.workflow.transitions import Action
from cases.workflow.transitions import State as CaseState
from identity.models import STAFF_ROLES

QUEUE_ROLES = tuple(sorted(STAFF_ROLES - {"property_manager"}))


async def calendar(state: State, conn: asyncpg.Connection) -> WorkCalendar:
    return await load_calendar(conn, state.calendar_config)


class TransitionResult(msgspec.Struct, frozen=True):
    case: CaseSummary
    allowed_actions: list[Action]


class BulkItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    case_id: UUID
    version: int
    action: Action
    department: str | None = None
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class BulkRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    items: Annotated[list[BulkItem], msgspec.Meta(min_length=1, max_length=200)]


class BulkOutcome(msgspec.Struct, frozen=True, omit_defaults=True):
    case_id: UUID
    status: int
    code: str | None = None
    detail: str | None = None
    version: int | None = None
    state: str | None = None


class BulkResult(msgspec.Struct, frozen=True):
    results: list[BulkOutcome]
    succeeded: int
    failed: int


def _if_match(request: Request[Any, Any, Any]) -> int:
    raw = request.headers.get("if-match")
    if raw is None:
        raise ProblemError(428, "precondition_required", "send the case's version as 'If-Match: <version>'")
    try:
        return int(raw.strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise ProblemError(400, "invalid_if_match", "If-Match carries the case's version, a number") from exc


class CasesController(Controller):
    path = "/v1/cases"
    tags = ["cases"]

    @get(
        operation_id="listCases",
        opt={
            "problems": (
                "invalid_cursor",
                "unsupported_crs",
            )
        },
        summary="A staff queue: filter by state, department, grid, overdue or due soon (cursor-paginated)",
        dependencies={"principal": requires_role(*QUEUE_ROLES)},
    )
    async def list_cases(
        self,
        conn: DbConn,
        principal: Caller,
        case_state: Annotated[CaseState | None, QueryParameter(name="state")] = None,
        department: Annotated[str | None, QueryParameter(max_length=32)] = None,
        grid: FromQuery[UUID | None] = None,
        overdue: FromQuery[bool] = False,
        due_soon: FromQuery[bool] = False,
        cursor: Annotated[str | None, QueryParameter(max_length=300)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        crs: FromQuery[CRS] = "wgs84",
    ) -> CasePage:
        return await casework.queue(
            conn,
            principal,
            state=case_state,
            department=department,
            grid_id=grid,
            overdue=overdue,
            due_soon=due_soon,
            cursor=cursor,
            limit=limit,
            crs=crs,
        )

    @get(
        "/{case_id:uuid}",
        operation_id="getCase",
        opt={
            "problems": (
                "case_not_found",
                "unsupported_crs",
            ),
            "etag": True,
        },
        summary="A case: full history for staff who may see it, the public timeline for everyone else",
        dependencies={"principal": Provide(provide_optional_principal)},
        security=[{}, {"bearer": []}],
    )
    async def get_case(
        self,
        state: State,
        conn: DbConn,
        principal: OptionalCaller,
        case_id: FromPath[UUID],
        crs: FromQuery[CRS] = "wgs84",
    ) -> Response[CaseDetail]:
        detail = await casework.case_detail(conn, state.storage, case_id, principal, crs=crs)
        # the version the body was read at (staff); the public view has none in its body and cannot act on it
        version = (
            detail.summary.version if detail.summary else (await casework.case_summary(conn, case_id)).version
        )
        return Response(detail, headers={"ETag": f'"{version}"'})

    @post(
        "/{case_id:uuid}/transitions",
        operation_id="transitionCase",
        opt={
            "problems": (
                "case_not_found",
                "transition_not_allowed",
                "action_forbidden",
                "version_conflict",
                "missing_fields",
                "unknown_department",
                "no_inspector_on_duty",
                "photo_unavailable",
                "deadline_beyond_calendar",
            ),
            "if_match": True,
            "idempotency_key": "optional",
            "etag": True,
        },
        summary="Take an action on a case (If-Match: version; Idempotency-Key makes offline retries safe)",
        status_code=200,
        dependencies={"principal": requires_role(*QUEUE_ROLES)},
    )
    async def transition(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        case_id: FromPath[UUID],
        data: JSONBody[TransitionRequest],
    ) -> Response[TransitionResult]:
        version = _if_match(request)

        async def produce() -> tuple[int, TransitionResult]:
            updated = await engine.apply(conn, await calendar(state, conn), principal, case_id, version, data)
            return 200, TransitionResult(
                case=await casework.case_summary(conn, case_id),
                allowed_actions=engine.allowed_actions(principal, updated),
            )

        if request.headers.get("idempotency-key") is None:
            status, result = await produce()
            return Response(result, status_code=status, headers={"ETag": f'"{result.case.version}"'})
        response = await run_once(
            conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
        )
        # a replay carries the stored answer: its ETag is the version that answer reported
        response.headers["ETag"] = f'"{response.content["case"]["version"]}"'
        return response

    @post(
        "/bulk-transitions",
        operation_id="bulkTransitionCases",
        summary="Dispatch or reassign many cases at once; each item succeeds or fails on its own",
        status_code=200,
        dependencies={"principal": requires_role("dispatcher", "shift_lead")},
    )
    async def bulk(
        self, state: State, conn: DbConn, principal: Caller, data: JSONBody[BulkRequest]
    ) -> BulkResult:
        cal = await calendar(state, conn)
        results: list[BulkOutcome] = []
        for item in data.items:
            request = TransitionRequest(action=item.action, department=item.department, note=item.note)
            try:
                async with conn.transaction():  # a savepoint: one bad item does not spoil the others
                    updated = await engine.apply(conn, cal, principal, item.case_id, item.version, request)
                results.append(
                    BulkOutcome(
                        case_id=item.case_id, status=200, version=updated["version"], state=updated["state"]
                    )
                )
            except CasesError as exc:
                results.append(
                    BulkOutcome(
                        case_id=item.case_id,
                        status=STATUS.get(exc.code, 400),
                        code=exc.code,
                        detail=str(exc),
                    )
                )
        ok = sum(1 for r in results if r.status == 200)
        return BulkResult(results=results, succeeded=ok, failed=len(results) - ok)


class InspectorController(Controller):
    path = "/v1/inspector"
    tags = ["inspector"]
    dependencies = {"principal": requires_role("inspector")}

    @get(
        "/tasks",
        operation_id="listInspectorTasks",
        opt={
            "problems": (
                "invalid_coordinates",
                "unsupported_crs",
            )
        },
        summary="My open verification and check tasks, by deadline then distance",
        deprecated=True,
    )
    async def tasks(
        self,
        conn: DbConn,
        principal: Caller,
        lat: FromQuery[float | None] = None,
        lon: FromQuery[float | None] = None,
        crs: FromQuery[CRS] = "wgs84",
    ) -> list[Task]:
        return (await casework.inspector_task_page(conn, principal.user_id, lat, lon, crs)).items

    @post(
        "/reports",
        operation_id="submitPatrolReport",
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
        summary="A patrol report: the same photo flow as citizens, registered directly (Idempotency-Key required)",
        status_code=201,
    )
    async def patrol(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        data: JSONBody[ReportCreate],
    ) -> Response[ReportCreated]:
        key = idempotency_key(request)

        async def produce() -> tuple[int, ReportCreated]:
            created, new = await reports.submit_report(
                conn, state.cases_config, await calendar(state, conn), principal, data, patrol=True
            )
            return (201 if new else 200), created

        return await run_once(conn, principal.user_id, key, fingerprint(request, data), produce)


class InspectorV2Controller(Controller):
    path = "/v2/inspector"
    tags = ["inspector"]
    dependencies = {"principal": requires_role("inspector")}

    @get(
        "/tasks",
        operation_id="listInspectorTasksV2",
        summary="My open verification and check tasks, by deadline then distance (cursor-paginated)",
        description="The inspector's (监督员) open tasks: verify a new report (核实) or check a finished case (核查), "
        "by deadline, then by distance from lat/lon when given. Page with `cursor` (the previous page's "
        "`next_cursor`, null at the end), sending the same lat/lon (and crs) as for the first page: a cursor "
        "remembers the position its distances were measured from and is refused as `invalid_cursor` with "
        "another one; after moving, start again without a cursor. Replaces the deprecated "
        "`GET /v1/inspector/tasks`, which answered every task in a bare array.",
        opt={"problems": ("invalid_cursor", "invalid_coordinates")},
    )
    async def tasks(
        self,
        conn: DbConn,
        principal: Caller,
        lat: FromQuery[float | None] = None,
        lon: FromQuery[float | None] = None,
        crs: FromQuery[CRS] = "wgs84",
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> TaskPage:
        return await casework.inspector_task_page(
            conn, principal.user_id, lat, lon, crs, cursor=cursor, limit=limit
        )


class SyncController(Controller):
    path = "/v1/sync"
    tags = ["inspector"]

    @get(
        operation_id="sync",
        opt={
            "problems": (
                "invalid_cursor",
                "unsupported_crs",
            )
        },
        summary="What changed for me since the cursor: cases, tasks and tombstones, for offline field apps",
        dependencies={"principal": requires_role(*QUEUE_ROLES)},
    )
    async def sync(
        self,
        conn: DbConn,
        principal: Caller,
        cursor: Annotated[
            str | None,
            QueryParameter(
                max_length=300,
                description="The `next_cursor` of the previous sync (or page); leave out for the first sync. "
                "Opaque: a cursor this API did not give out is refused as `invalid_cursor`.",
            ),
        ] = None,
        since: Annotated[
            str | None,
            QueryParameter(
                max_length=300,
                description="Deprecated: the old name of `cursor` (takes the same values, and the time-based "
                "values of earlier versions). Send one of the two, not both.",
                schema_extra={"deprecated": True},
            ),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 500,
        crs: FromQuery[CRS] = "wgs84",
    ) -> SyncPage:
        if cursor is not None and since is not None:
            raise ProblemError(
                422,
                "validation_failed",
                "send the cursor as `cursor` only (`since` is its deprecated name)",
                errors=[FieldError(field="since", code="invalid", message="not together with cursor")],
            )
        return await casework.sync(
            conn,
            principal,
            cursor if cursor is not None else since,
            limit,
            crs,
            field="cursor" if cursor is not None else "since",
        )
