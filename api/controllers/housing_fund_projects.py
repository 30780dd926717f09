"""Spending the maintenance fund (维修资金使用): repair projects for the common parts, put to the owners' vote,
approved and disbursed by the district housing officer (apportioned to the homes' shares by area), accepted on
completion, settled with the difference returned; emergencies skip the vote and are published afterwards.

Who may do what is decided in housing/fund_projects.py (with housing/access.py); each step is audited there. These
routes only demand the roles any caller of a route must hold: reading is for the estate's owners, whatever their
role. Every change of state names the project's version in If-Match; the answer carries the new one in the ETag.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn, request_context, requires_role
from api.errors import ProblemError
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from housing import fund_projects
from housing.fund_project_models import (
    FundProjectAcceptance,
    FundProjectCreate,
    FundProjectDetail,
    FundProjectPage,
    FundProjectSettlement,
    FundProjectVote,
)
from identity.models import Principal, Role

RAISERS: tuple[Role, ...] = ("admin", "owners_committee", "property_staff", "property_manager")
VOTE_ORGANISERS: tuple[Role, ...] = ("admin", "owners_committee", "housing_officer")
OFFICERS: tuple[Role, ...] = ("admin", "housing_officer")
ACCEPTORS: tuple[Role, ...] = ("admin", "owners_committee", "housing_officer")
PUBLISHERS: tuple[Role, ...] = (*RAISERS, "housing_officer")
PROJECT = ("fund_project_not_found", "fund_project_forbidden")
GUARDED = (*PROJECT, "fund_project_state_conflict", "fund_project_version_conflict")


class _NoBody(msgspec.Struct, frozen=True):
    """What an Idempotency-Key's fingerprint covers on a write without a body: its method and path."""


def _version(request: Request[Any, Any, Any]) -> int:
    """The version If-Match names: any integer (another than the project's is fund_project_version_conflict)."""
    raw = request.headers.get("if-match")
    if raw is None:
        raise ProblemError(
            428, "precondition_required", "send the project's version as 'If-Match: <version>'"
        )
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise ProblemError(
            400, "invalid_if_match", "If-Match carries the project's version, a number"
        ) from exc


def _tagged(response: Response[Any]) -> Response[Any]:
    """The project's version as the ETag, also on an answer replayed for the same Idempotency-Key."""
    content = response.content
    version = content.version if isinstance(content, FundProjectDetail) else (content or {}).get("version")
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response


async def _once(
    request: Request[Any, Any, Any],
    conn: DbConn,
    principal: Principal,
    data: msgspec.Struct,
    produce: Callable[[], Awaitable[tuple[int, Any]]],
    *,
    required: bool = False,
) -> Response[Any]:
    """Run a write once per Idempotency-Key (required on the writes that move money, optional on the others)."""
    if not required and request.headers.get("idempotency-key") is None:
        status, body = await produce()
        return _tagged(Response(body, status_code=status))
    key = idempotency_key(request)
    return _tagged(await run_once(conn, principal.user_id, key, fingerprint(request, data), produce))


class FundProjectsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @post(
        "/estates/{estate_id:uuid}/fund/projects",
        operation_id="raiseFundProject",
        opt={
            "problems": (
                "estate_not_found",
                "fund_project_forbidden",
                "invalid_fund_project",
                "invalid_estate_photo",
            ),
            "idempotency_key": "optional",
            "etag": True,
        },
        summary="Raise a repair project paid from the maintenance fund (the committee or property staff; audited)",
        dependencies={"principal": requires_role(*RAISERS)},
        status_code=HTTP_201_CREATED,
    )
    async def raise_project(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[FundProjectCreate],
    ) -> Response[FundProjectDetail]:
        async def produce() -> tuple[int, FundProjectDetail]:
            project = await fund_projects.raise_project(
                conn, request_context(request), principal, estate_id, data
            )
            return HTTP_201_CREATED, project

        return await _once(request, conn, principal, data, produce)

    @get(
        "/estates/{estate_id:uuid}/fund/projects",
        operation_id="listFundProjects",
        opt={"problems": ("estate_not_found", "fund_project_forbidden", "invalid_cursor")},
        summary="The estate's fund projects, newest first (its owners, staff, committee and housing officers)",
    )
    async def list_projects(
        self,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> FundProjectPage:
        return await fund_projects.list_projects(conn, principal, estate_id, cursor, limit)

    @get(
        "/fund-projects/overdue-publications",
        operation_id="listOverdueFundProjectPublications",
        opt={"problems": ("fund_project_forbidden", "invalid_cursor")},
        summary="Emergency fund projects not published to the owners in time (the housing officers)",
        dependencies={"principal": requires_role(*OFFICERS)},
    )
    async def overdue(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> FundProjectPage:
        return await fund_projects.overdue_publications(conn, principal, cursor, limit)

    @get(
        "/fund-projects/{project_id:uuid}",
        operation_id="getFundProject",
        opt={"problems": PROJECT, "etag": True},
        summary="A fund project with its apportionment (every home's for staff, your own homes' for owners)",
    )
    async def get_project(
        self, conn: DbConn, principal: Caller, project_id: FromPath[UUID]
    ) -> Response[FundProjectDetail]:
        return _tagged(Response(await fund_projects.get_project(conn, principal, project_id)))

    @post(
        "/fund-projects/{project_id:uuid}/vote",
        operation_id="putFundProjectToVote",
        opt={
            "problems": (*GUARDED, "estate_not_found", "invalid_vote_matter", "vote_forbidden"),
            "idempotency_key": "optional",
            "if_match": True,
            "etag": True,
        },
        summary="Put an ordinary project to the owners' vote: an ordinary matter of its scope (If-Match; audited)",
        dependencies={"principal": requires_role(*VOTE_ORGANISERS)},
        status_code=200,
    )
    async def vote(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        project_id: FromPath[UUID],
        data: JSONBody[FundProjectVote],
    ) -> Response[FundProjectDetail]:
        version = _version(request)

        async def produce() -> tuple[int, FundProjectDetail]:
            return 200, await fund_projects.put_to_vote(
                conn, state.votes_config, request_context(request), principal, project_id, version, data
            )

        return await _once(request, conn, principal, data, produce)

    @post(
        "/fund-projects/{project_id:uuid}/approve",
        operation_id="approveFundProject",
        opt={
            "problems": (*GUARDED, "fund_vote_not_passed", "fund_share_insufficient", "fund_no_homes"),
            "idempotency_key": "required",
            "if_match": True,
            "etag": True,
        },
        summary="Approve the disbursement: the budget taken from the homes' shares by area (If-Match; audited)",
        dependencies={"principal": requires_role(*OFFICERS)},
        status_code=200,
    )
    async def approve(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        project_id: FromPath[UUID],
    ) -> Response[FundProjectDetail]:
        version = _version(request)

        async def produce() -> tuple[int, FundProjectDetail]:
            return 200, await fund_projects.approve(
                conn, state.fund_projects_config, request_context(request), principal, project_id, version
            )

        return await _once(request, conn, principal, _NoBody(), produce, required=True)

    @post(
        "/fund-projects/{project_id:uuid}/publish",
        operation_id="publishFundProject",
        opt={
            "problems": (*GUARDED, "estate_not_found"),
            "idempotency_key": "optional",
            "if_match": True,
            "etag": True,
        },
        summary="Publish an approved emergency project to the owners in scope: an urgent announcement (If-Match)",
        dependencies={"principal": requires_role(*PUBLISHERS)},
        status_code=200,
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        project_id: FromPath[UUID],
    ) -> Response[FundProjectDetail]:
        version = _version(request)

        async def produce() -> tuple[int, FundProjectDetail]:
            return 200, await fund_projects.publish(
                conn, state.storage, request_context(request), principal, project_id, version
            )

        return await _once(request, conn, principal, _NoBody(), produce)

    @post(
        "/fund-projects/{project_id:uuid}/accept",
        operation_id="acceptFundProject",
        opt={
            "problems": (*GUARDED, "estate_not_found", "invalid_estate_photo"),
            "idempotency_key": "optional",
            "if_match": True,
            "etag": True,
        },
        summary="Accept the work on completion (验收) with photos (the committee; If-Match; audited)",
        dependencies={"principal": requires_role(*ACCEPTORS)},
        status_code=200,
    )
    async def accept(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        project_id: FromPath[UUID],
        data: JSONBody[FundProjectAcceptance],
    ) -> Response[FundProjectDetail]:
        version = _version(request)

        async def produce() -> tuple[int, FundProjectDetail]:
            return 200, await fund_projects.accept(
                conn, request_context(request), principal, project_id, version, data
            )

        return await _once(request, conn, principal, data, produce)

    @post(
        "/fund-projects/{project_id:uuid}/settle",
        operation_id="settleFundProject",
        opt={
            "problems": (*GUARDED, "fund_settlement_exceeds"),
            "idempotency_key": "required",
            "if_match": True,
            "etag": True,
        },
        summary="Settle the final account: the difference back to the same homes by area (If-Match; audited)",
        dependencies={"principal": requires_role(*OFFICERS)},
        status_code=200,
    )
    async def settle(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        project_id: FromPath[UUID],
        data: JSONBody[FundProjectSettlement],
    ) -> Response[FundProjectDetail]:
        version = _version(request)

        async def produce() -> tuple[int, FundProjectDetail]:
            return 200, await fund_projects.settle(
                conn, request_context(request), principal, project_id, version, data
            )

        return await _once(request, conn, principal, data, produce, required=True)


ROUTES = [FundProjectsController]
