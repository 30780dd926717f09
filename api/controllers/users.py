"""The caller's own account, and staff views of users."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth import Caller, DbConn, SignedInUser, provide_signed_in_user, request_context, requires_role
from api.params import DEFAULT_LIMIT, BeforeId, Cursor, Limit
from identity import service
from identity.models import (
    FULL_PHONE_ROLES,
    STAFF_ROLES,
    AuditPage,
    AuditPageV2,
    Principal,
    RolesUpdate,
    User,
    UserUpdate,
    UserView,
)
from identity.phone import mask_phone


class MeController(Controller):
    path = "/v1/me"
    tags = ["me"]

    @get(
        operation_id="getMe",
        summary="The signed-in user, with roles and scopes",
        # the caller is read as a User in the query that checks the session: one query, not two
        dependencies={"principal": Provide(provide_signed_in_user)},
    )
    async def get_me(self, principal: SignedInUser) -> User:
        return principal

    @patch(operation_id="updateMe", summary="Change display name or locale")
    async def update_me(self, conn: DbConn, principal: Caller, data: JSONBody[UserUpdate]) -> User:
        return await service.update_me(conn, principal.user_id, data)


def user_view(user: User, viewer: Principal) -> UserView:
    full = viewer.has_role(*FULL_PHONE_ROLES) or viewer.user_id == user.id
    return UserView(
        id=user.id,
        display_name=user.display_name,
        locale=user.locale,
        created_at=user.created_at,
        roles=user.roles,
        disabled=user.disabled,
        phone=user.phone if full else None,
        phone_masked=mask_phone(user.phone),
    )


class UsersController(Controller):
    path = "/v1/users"
    tags = ["users"]

    @get(
        "/{user_id:uuid}",
        operation_id="getUser",
        opt={"problems": ("user_not_found",)},
        summary="A user as staff see them (phone masked unless the role needs it)",
        dependencies={"principal": requires_role(*STAFF_ROLES)},
    )
    async def get_user(self, conn: DbConn, principal: Caller, user_id: FromPath[UUID]) -> UserView:
        return user_view(await service.get_user(conn, user_id), principal)

    @put(
        "/{user_id:uuid}/roles",
        operation_id="setUserRoles",
        opt={
            "problems": (
                "user_not_found",
                "invalid_scope",
            )
        },
        summary="Replace a user's roles and scopes (audited)",
        dependencies={"principal": requires_role("admin")},
    )
    async def set_roles(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        user_id: FromPath[UUID],
        data: JSONBody[RolesUpdate],
    ) -> UserView:
        user = await service.set_roles(conn, principal.user_id, user_id, data.roles, request_context(request))
        return user_view(user, principal)

    @post(
        "/{user_id:uuid}/disable",
        operation_id="disableUser",
        opt={"problems": ("user_not_found",)},
        summary="Disable an account and end all its sessions (audited)",
        description="Disables an account (停用账号): every session ends at once, refresh tokens included, and the "
        "user cannot sign in until enabled again. Admins only; audited.",
        status_code=200,
        dependencies={"principal": requires_role("admin")},
    )
    async def disable(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, user_id: FromPath[UUID]
    ) -> UserView:
        user = await service.set_disabled(conn, principal.user_id, user_id, True, request_context(request))
        return user_view(user, principal)

    @post(
        "/{user_id:uuid}/enable",
        operation_id="enableUser",
        opt={"problems": ("user_not_found",)},
        summary="Enable a disabled account; its old sessions stay ended (audited)",
        description="Enables a disabled account (启用账号). Sessions ended by disabling stay ended: the user signs "
        "in anew. Admins only; audited.",
        status_code=200,
        dependencies={"principal": requires_role("admin")},
    )
    async def enable(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, user_id: FromPath[UUID]
    ) -> UserView:
        user = await service.set_disabled(conn, principal.user_id, user_id, False, request_context(request))
        return user_view(user, principal)


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["audit"]

    @get(
        operation_id="listAudit",
        summary="The audit log, newest first (cursor: the last id seen)",
        dependencies={"principal": requires_role("admin")},
        deprecated=True,
    )
    async def list_audit(
        self,
        conn: DbConn,
        principal: Caller,
        before: BeforeId = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        target_type: Annotated[str | None, QueryParameter(max_length=32)] = None,
        target_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> AuditPage:
        page = await service.list_audit(
            conn, before=before, limit=limit, target_type=target_type, target_id=target_id
        )
        return AuditPage(items=page.items, next_cursor=page.items[-1].id if page.next_cursor else None)


class AuditV2Controller(Controller):
    path = "/v2/audit"
    tags = ["audit"]

    @get(
        operation_id="listAuditV2",
        summary="The audit log, newest first (cursor-paginated)",
        description="Every privileged action (审计日志): who did what to which target, when and from where, newest "
        "first. Filter by target. Page with `cursor` (the previous page's `next_cursor`, null at the end); "
        "replaces the deprecated `GET /v1/audit` and its integer `before`.",
        dependencies={"principal": requires_role("admin")},
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_audit(
        self,
        conn: DbConn,
        principal: Caller,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
        target_type: Annotated[str | None, QueryParameter(max_length=32)] = None,
        target_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> AuditPageV2:
        return await service.list_audit(
            conn, cursor=cursor, limit=limit, target_type=target_type, target_id=target_id
        )
