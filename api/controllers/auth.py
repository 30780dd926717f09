"""Phone sign-in, token grants and sign-out."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth import Caller, DbConn, request_context
from api.errors import register_domain_errors
from api.i18n import negotiate
from identity import service
from identity.errors import IdentityError
from identity.models import (
    FirebaseGrant,
    OtpGrant,
    OtpRequest,
    OtpSent,
    RefreshGrant,
    TokenPair,
    TokenRequest,
)

register_domain_errors(
    IdentityError,
    {
        "invalid_phone": 422,
        "otp_invalid": 400,
        "otp_expired": 400,
        "otp_exhausted": 400,
        "refresh_token_invalid": 401,
        "refresh_token_reused": 401,
        "firebase_token_invalid": 401,
        "firebase_not_configured": 400,
        "rate_limited": 429,
        "user_not_found": 404,
        "user_disabled": 403,
        "invalid_scope": 422,
        "session_revoked": 401,
        "token_invalid": 401,
    },
    {
        "invalid_phone": ("手机号码无效", "The phone number is not valid"),
        "otp_invalid": ("验证码错误", "The code is wrong"),
        "otp_expired": ("验证码已过期，请重新获取", "The code has expired; request a new one"),
        "otp_exhausted": ("错误次数过多，请重新获取验证码", "Too many wrong tries; request a new code"),
        "refresh_token_invalid": ("刷新令牌无效或已过期", "The refresh token is invalid or has expired"),
        "refresh_token_reused": (
            "刷新令牌被重复使用，该登录已全部失效",
            "The refresh token was used twice; every token of this sign-in is revoked",
        ),
        "firebase_token_invalid": ("Firebase 身份令牌无效", "The Firebase ID token is not valid"),
        "firebase_not_configured": ("未启用 Firebase 登录", "Firebase sign-in is not enabled"),
        "user_not_found": ("用户不存在", "No such user"),
        "user_disabled": ("账号已停用", "This account is disabled"),
        "invalid_scope": ("角色范围无效", "The role scope is not valid"),
    },
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
