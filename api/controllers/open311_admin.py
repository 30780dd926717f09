"""Open311 applications for admins: issue a key (shown once), list, read and revoke. Audited in open311/."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from litestar.types import ControllerRouterHandler

from api.auth import Caller, DbConn, request_context, requires_role
from api.params import DEFAULT_LIMIT, Cursor, Limit
from open311 import applications
from open311.models import Application, ApplicationCreate, ApplicationIssued, ApplicationPage


class Open311ApplicationsController(Controller):
    path = "/v1/admin/open311/applications"
    tags = ["admin"]
    dependencies = {"principal": requires_role("admin")}

    @post(
        operation_id="issueOpen311Application",
        summary="Register an Open311 application and issue its api_key (shown once; audited)",
        description=(
            "Registers a third-party GeoReport v2 client: a service account of its own (role citizen) files its "
            "reports, within its hourly request limit and daily report allowance. The answer carries the "
            "api_key this once; only its sha256 is kept."
        ),
        status_code=HTTP_201_CREATED,
    )
    async def issue(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        data: JSONBody[ApplicationCreate],
    ) -> ApplicationIssued:
        return await applications.issue(conn, data, request_context(request), principal.user_id)

    @get(
        operation_id="listOpen311Applications",
        summary="Open311 applications, oldest first (keys are never shown again)",
        description="Every registered application with its key's first characters, limits and revocation.",
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_applications(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> ApplicationPage:
        return await applications.list_applications(conn, cursor, limit)

    @get(
        "/{application_id:uuid}",
        operation_id="getOpen311Application",
        opt={"problems": ("open311_application_not_found",)},
        summary="One Open311 application",
        description="An application with its key's first characters, limits and revocation.",
    )
    async def get_application(
        self, conn: DbConn, principal: Caller, application_id: FromPath[UUID]
    ) -> Application:
        return await applications.get_application(conn, application_id)

    @post(
        "/{application_id:uuid}/revoke",
        operation_id="revokeOpen311Application",
        opt={"problems": ("open311_application_not_found",)},
        summary="Revoke an application's api_key and disable its service account (audited; safe to repeat)",
        description=(
            "From now on the key is refused (403) and its service account cannot act. The application's reports "
            "stay as they are. Revoking again changes nothing."
        ),
        status_code=200,
    )
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        application_id: FromPath[UUID],
    ) -> Application:
        return await applications.revoke(conn, application_id, request_context(request), principal.user_id)


ADMIN_ROUTES: list[ControllerRouterHandler] = [Open311ApplicationsController]
