"""Phone sign-in, token grants and sign-out."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth import Caller, DbConn, request_context
from api.i18n import negotiate
from identity import service
from identity.models import (
    FirebaseGrant,
    OtpGrant,
    OtpRequest,
    OtpSent,
    RefreshGrant,
    TokenPair,
    TokenRequest,
)


class AuthController(Controller):
    path = "/v1/auth"
    tags = ["auth"]

    @post(
        "/otp",
        operation_id="requestOtp",
        opt={
            "problems": (
                "invalid_phone",
                "rate_limited",
            )
        },
        status_code=HTTP_202_ACCEPTED,
        summary="Send a 6-digit sign-in code to a phone by SMS",
        security=[{}],
    )
    async def request_otp(
        self, request: Request[Any, Any, Any], state: State, conn: DbConn, data: JSONBody[OtpRequest]
    ) -> OtpSent:
        locale = negotiate(request.headers.get("accept-language"))
        return await service.request_otp(
            conn, state.auth_config, state.settings.sms_gateway, data.phone, request_context(request), locale
        )

    @post(
        "/token",
        operation_id="issueToken",
        opt={
            "problems": (
                "otp_invalid",
                "otp_expired",
                "otp_exhausted",
                "refresh_token_invalid",
                "refresh_token_reused",
                "firebase_token_invalid",
                "firebase_not_configured",
                "invalid_phone",
                "rate_limited",
                "user_disabled",
            )
        },
        status_code=200,
        summary="Exchange a code, refresh or Firebase token",
        security=[{}],
    )
    async def token(
        self, request: Request[Any, Any, Any], state: State, conn: DbConn, data: JSONBody[TokenRequest]
    ) -> TokenPair:
        config = state.auth_config
        ctx = request_context(request)
        if isinstance(data, OtpGrant):
            return await service.sign_in_with_otp(conn, config, data.phone, data.code, ctx)
        if isinstance(data, RefreshGrant):
            return await service.refresh(conn, config, data.refresh_token)
        assert isinstance(data, FirebaseGrant)
        return await service.sign_in_with_firebase(
            conn, config, state.settings.firebase_project_id, data.id_token, ctx
        )

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT, summary="End this session")
    async def logout(self, conn: DbConn, principal: Caller) -> None:
        await service.logout(conn, principal)
