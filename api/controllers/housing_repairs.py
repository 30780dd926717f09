"""Repairs and complaints to the property company (报修/投诉): a resident reports one in their estate with photos,
the estate's property staff accept and assign it, the assignee handles it, the resident confirms (or sends it
back) and rates it.

Who may do what is decided in housing/repairs.py and by the workflow's table (housing/repairs_workflow.py, run by
the case workflow's engine); these routes demand only a signed-in caller, since residents, staff and officers
all take part. The actions go through one transitions route, as the city's cases do: If-Match names the
repair's version, the answer's ETag is the new one, and an Idempotency-Key makes offline retries safe.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn
from api.errors import ProblemError
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from cases.workflow.deadlines import WorkCalendar, load_calendar
from housing import repairs
from housing.repairs import Repair, RepairActionRequest, RepairDetail, RepairKind, RepairPage, RepairReport
from housing.repairs_workflow import RepairState

#: what the engine can refuse on a repair's action, besides the repair's own codes
TRANSITION_PROBLEMS = (
    "repair_not_found",
    "invalid_repair",
    "transition_not_allowed",
    "action_forbidden",
    "version_conflict",
    "missing_fields",
    "photo_unavailable",
    "deadline_beyond_calendar",
)


async def _calendar(state: State, conn: DbConn) -> WorkCalendar:
    return await load_calendar(conn, state.calendar_config)


def _version(request: Request[Any, Any, Any]) -> int:
    """The version If-Match names: any integer (another than the repair's is version_conflict)."""
    raw = request.headers.get("if-match")
    if raw is None:
        raise ProblemError(428, "precondition_required", "send the repair's version as 'If-Match: <version>'")
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise ProblemError(
            400, "invalid_if_match", "If-Match carries the repair's version, a number"
        ) from exc


def _tagged(response: Response[Any]) -> Response[Any]:
    """The repair's version as the ETag, also on an answer replayed for the same Idempotency-Key."""
    content = response.content
    version = content.version if isinstance(content, Repair) else (content or {}).get("version")
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response


class RepairsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @post(
        "/estates/{estate_id:uuid}/repairs",
        operation_id="reportRepair",
        opt={
            "problems": (
                "estate_not_found",
                "invalid_repair",
                "repair_forbidden",
                "invalid_estate_photo",
                "deadline_beyond_calendar",
            ),
            "idempotency_key": "required",
            "etag": True,
        },
        summary="Report a repair or a complaint to the estate's property company (residents; Idempotency-Key)",
        status_code=HTTP_201_CREATED,
    )
    async def report(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[RepairReport],
    ) -> Response[Repair]:
        key = idempotency_key(request)

        async def produce() -> tuple[int, Repair]:
            created = await repairs.report(
                conn, await _calendar(state, conn), principal, data.for_estate(estate_id)
            )
            return HTTP_201_CREATED, created

        return _tagged(await run_once(conn, principal.user_id, key, fingerprint(request, data), produce))

    @get(
        "/me/repairs",
        operation_id="listMyRepairs",
        opt={"problems": ("invalid_cursor",)},
        summary="The repairs and complaints I reported, newest first (cursor-paginated)",
    )
    async def mine(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> RepairPage:
        return await repairs.list_mine(conn, principal, cursor, limit)

    @get(
        "/estates/{estate_id:uuid}/repairs",
        operation_id="listEstateRepairs",
        opt={"problems": ("estate_not_found", "repair_list_forbidden", "invalid_cursor")},
        summary="The estate's repairs and complaints, newest first, by state and kind (its staff and officers)",
    )
    async def estate(
        self,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        repair_state: Annotated[RepairState | None, QueryParameter(name="state")] = None,
        kind: Annotated[RepairKind | None, QueryParameter()] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> RepairPage:
        return await repairs.list_estate(
            conn, principal, estate_id, state=repair_state, kind=kind, cursor=cursor, limit=limit
        )

    @get(
        "/repairs/{repair_id:uuid}",
        operation_id="getRepair",
        opt={"problems": ("repair_not_found",), "etag": True},
        summary="A repair or complaint with its timeline and the open step's due time",
    )
    async def get_repair(
        self, conn: DbConn, principal: Caller, repair_id: FromPath[UUID]
    ) -> Response[RepairDetail]:
        return _tagged(Response(await repairs.detail(conn, principal, repair_id)))

    @post(
        "/repairs/{repair_id:uuid}/transitions",
        operation_id="transitionRepair",
        opt={
            "problems": TRANSITION_PROBLEMS,
            "if_match": True,
            "idempotency_key": "optional",
            "etag": True,
        },
        summary="Take an action on a repair: accept, assign, handle, rework, confirm, rate (If-Match: version)",
        status_code=200,
    )
    async def transition(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        repair_id: FromPath[UUID],
        data: JSONBody[RepairActionRequest],
    ) -> Response[Repair]:
        version = _version(request)

        async def produce() -> tuple[int, Repair]:
            calendar = await _calendar(state, conn)
            return 200, await repairs.act(conn, calendar, principal, repair_id, version, data)

        if request.headers.get("idempotency-key") is None:
            status, body = await produce()
            return _tagged(Response(body, status_code=status))
        key = idempotency_key(request)
        return _tagged(await run_once(conn, principal.user_id, key, fingerprint(request, data), produce))


ROUTES = [RepairsController]
