"""Identity use cases. Each takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from identity import store
from identity.cursors import decode_id, encode_cursor
from identity.errors import (
    FirebaseNotConfigured,
    InvalidScope,
    OtpExhausted,
    OtpExpired,
    OtpInvalid,
    RateLimited,
    RefreshTokenInvalid,
    RefreshTokenReused,
    SessionRevoked,
    UserDisabled,
    UserNotFound,
)
from identity.firebase import verify_id_token
from identity.models import (
    AuditPageV2,
    AuthConfig,
    OtpSent,
    Principal,
    RequestContext,
    Role,
    RoleGrant,
    RoleHolder,
    TokenPair,
    User,
    UserUpdate,
)
from identity.phone import mask_phone, normalize_phone
from identity.sms import GatewayKind, queue_sms
from identity.tokens import (
    hash_otp,
    hash_refresh_token,
    issue_access_token,
    new_otp_code,
    new_refresh_token,
    otp_matches,
    read_access_token,
)

MINUTE, HOUR, DAY = 60, 3600, 86400
OTP_TEXT = {
    "zh-CN": "【CityLoop】您的验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。",
    "en": "[CityLoop] Your code is {code}. It expires in {minutes} minutes. Do not share it.",
}


async def rate_limit(conn: asyncpg.Connection, bucket: str, limit: int, window_s: int) -> None:
    """Count a hit in `bucket`'s fixed window; past `limit`, RateLimited with the seconds until the window ends
    (the API answers 429 rate_limited with Retry-After). The hit is part of the caller's transaction."""
    hits, window_end = await store.hit_rate_limit(conn, bucket, window_s)
    if hits > limit:
        retry_after = max(1, math.ceil((window_end - datetime.now(UTC)).total_seconds()))
        raise RateLimited(f"at most {limit} per {window_s} s", retry_after=retry_after)


async def count_hit(conn: asyncpg.Connection, bucket: str, window_s: int) -> tuple[int, datetime]:
    """Count a hit in `bucket`'s fixed window without a limit of its own: the hits so far and the window's end
    (for a domain that answers its own limit, as citizens' reports do)."""
    return await store.hit_rate_limit(conn, bucket, window_s)


async def request_otp(
    conn: asyncpg.Connection,
    config: AuthConfig,
    gateway: GatewayKind,
    raw_phone: str,
    ctx: RequestContext,
    locale: str = "zh-CN",
) -> OtpSent:
    """Send a 6-digit sign-in code, within the per-phone and per-address limits."""
    phone = normalize_phone(raw_phone, config.default_phone_region)
    if ctx.client_addr:
        await rate_limit(conn, f"otp:ip:{ctx.client_addr}", config.otp_per_ip_per_hour, HOUR)
    await rate_limit(conn, f"otp:phone-min:{phone}", config.otp_per_phone_per_minute, MINUTE)
    await rate_limit(conn, f"otp:phone-day:{phone}", config.otp_per_phone_per_day, DAY)
    code = new_otp_code()
    await store.supersede_otps(conn, phone)
    await store.insert_otp(conn, phone, hash_otp(config.jwt_secret, phone, code), config.otp_ttl_s)
    text = OTP_TEXT.get(locale, OTP_TEXT["zh-CN"]).format(code=code, minutes=config.otp_ttl_s // 60)
    await queue_sms(conn, gateway, phone, text, "otp")
    return OtpSent(expires_in=config.otp_ttl_s, resend_after=MINUTE)


async def _start_session(
    conn: asyncpg.Connection, config: AuthConfig, user_id: UUID, ctx: RequestContext
) -> TokenPair:
    session_id = await store.insert_session(conn, user_id, ctx.client_ip, ctx.user_agent)
    return await _issue_tokens(conn, config, user_id, session_id)


async def _issue_tokens(
    conn: asyncpg.Connection, config: AuthConfig, user_id: UUID, session_id: UUID
) -> TokenPair:
    refresh = new_refresh_token()
    await store.insert_refresh_token(
        conn, hash_refresh_token(refresh), session_id, config.refresh_token_ttl_s
    )
    access = issue_access_token(config.jwt_secret, user_id, session_id, config.access_token_ttl_s)
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=config.access_token_ttl_s, user_id=user_id
    )


async def _user_for_phone(conn: asyncpg.Connection, phone: str, locale: str = "zh-CN") -> UUID:
    """The user with this phone; a first sign-in creates a citizen."""
    row = await store.get_user_by_phone(conn, phone)
    if row is not None:
        if row["disabled_at"] is not None:
            raise UserDisabled("this account is disabled")
        user_id: UUID = row["id"]
        return user_id
    user_id = await store.insert_user(conn, phone, locale=locale)
    await store.add_role(conn, user_id, RoleGrant(role="citizen"))
    return user_id


async def sign_in_with_otp(
    conn: asyncpg.Connection, config: AuthConfig, raw_phone: str, code: str, ctx: RequestContext
) -> TokenPair:
    phone = normalize_phone(raw_phone, config.default_phone_region)
    otp = await store.latest_open_otp(conn, phone)
    if otp is None:
        raise OtpInvalid("no code was requested for this phone, or it was used already")
    if otp["expired"]:
        raise OtpExpired("the code has expired")
    if otp["attempts"] >= config.otp_max_attempts:
        raise OtpExhausted("too many wrong tries; request a new code")
    if not otp_matches(config.jwt_secret, phone, code, otp["code_hash"]):
        attempts = await store.count_otp_attempt(conn, otp["id"])
        left = max(config.otp_max_attempts - attempts, 0)
        if left == 0:
            raise OtpExhausted("too many wrong tries; request a new code")
        raise OtpInvalid("the code is wrong", attempts_left=left)
    await store.consume_otp(conn, otp["id"])
    user_id = await _user_for_phone(conn, phone)
    return await _start_session(conn, config, user_id, ctx)


async def sign_in_with_firebase(
    conn: asyncpg.Connection, config: AuthConfig, project_id: str, id_token: str, ctx: RequestContext
) -> TokenPair:
    """Exchange a Firebase ID token for CityLoop tokens, linking the Firebase uid to a user."""
    if not project_id:
        raise FirebaseNotConfigured("Firebase sign-in is not configured on this server")
    claims: dict[str, Any] = await asyncio.to_thread(verify_id_token, project_id, id_token)
    uid = str(claims["uid"])
    user_id = await store.get_identity_user(conn, "firebase", uid)
    if user_id is None:
        phone = claims.get("phone_number")
        if phone:
            user_id = await _user_for_phone(conn, normalize_phone(phone, config.default_phone_region))
        else:
            user_id = await store.insert_user(conn, None, display_name=str(claims.get("name", ""))[:64])
            await store.add_role(conn, user_id, RoleGrant(role="citizen"))
        await store.link_identity(conn, "firebase", uid, user_id)
    user = await store.get_user(conn, user_id)
    if user is None or user.disabled:
        raise UserDisabled("this account is disabled")
    return await _start_session(conn, config, user_id, ctx)


async def refresh(conn: asyncpg.Connection, config: AuthConfig, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. A token used twice revokes its whole family (the session)."""
    token_hash = hash_refresh_token(refresh_token)
    row = await store.claim_refresh_token(conn, token_hash)
    if row is None or row["revoked_at"] is not None or row["expired"]:
        raise RefreshTokenInvalid("the refresh token is invalid or has expired")
    if row["user_disabled"]:
        # however the account was disabled, this session ends now and stays ended if it is enabled again
        await store.revoke_session(conn, row["session_id"], "account disabled")
        refused = RefreshTokenInvalid("the refresh token is invalid or has expired")
        refused.persist = True  # the revocation is committed with the refusal
        raise refused
    if row["used_at"] is not None:
        await store.revoke_session(conn, row["session_id"], "refresh token reused")
        raise RefreshTokenReused("the refresh token was used already; the session is revoked")
    await store.mark_refresh_token_used(conn, token_hash)
    return await _issue_tokens(conn, config, row["user_id"], row["session_id"])


async def logout(conn: asyncpg.Connection, principal: Principal) -> None:
    await store.revoke_session(conn, principal.session_id, "logout")


async def authenticate(conn: asyncpg.Connection, config: AuthConfig, access_token: str) -> Principal:
    """The caller behind an access token, with roles read fresh; a revoked session is refused."""
    user_id, session_id = read_access_token(config.jwt_secret, access_token)
    return await session_principal(conn, user_id, session_id)


async def session_principal(conn: asyncpg.Connection, user_id: UUID, session_id: UUID) -> Principal:
    """The user of a sign-in session, with roles read fresh; a revoked session or a disabled account is refused.
    (A token's holder through `authenticate`; the web console's session cookie names its session directly.)"""
    row = await store.get_principal_row(conn, user_id, session_id)
    if row is None or row["revoked_at"] is not None:
        raise SessionRevoked("this session has ended")
    if row["disabled_at"] is not None:
        raise UserDisabled("this account is disabled")
    roles = tuple(RoleGrant(**grant) for grant in row["roles"])
    return Principal(user_id=user_id, session_id=session_id, roles=roles, locale=row["locale"])


async def authenticate_user(conn: asyncpg.Connection, config: AuthConfig, access_token: str) -> User:
    """The caller behind an access token as a User (GET /v1/me), checked as `authenticate` checks it (a revoked
    session or a disabled account is refused, roles read fresh) in the same single query."""
    user_id, session_id = read_access_token(config.jwt_secret, access_token)
    row = await store.get_principal_user_row(conn, user_id, session_id)
    if row is None or row["revoked_at"] is not None:
        raise SessionRevoked("this session has ended")
    if row["disabled_at"] is not None:
        raise UserDisabled("this account is disabled")
    return User(
        id=row["id"],
        phone=row["phone"],
        display_name=row["display_name"],
        locale=row["locale"],
        created_at=row["created_at"],
        roles=[RoleGrant(**grant) for grant in row["roles"]],
        disabled=False,
    )


async def find_user(conn: asyncpg.Connection, user_id: UUID) -> User | None:
    return await store.get_user(conn, user_id)


async def get_user(conn: asyncpg.Connection, user_id: UUID) -> User:
    user = await store.get_user(conn, user_id)
    if user is None:
        raise UserNotFound("no such user")
    return user


async def role_holders(conn: asyncpg.Connection, role: Role, limit: int = 1000) -> list[RoleHolder]:
    """Enabled users holding `role`, by name (at most `limit`): whom a form may pick, an inspector for a duty."""
    return [
        RoleHolder(id=row["id"], display_name=row["display_name"], phone_hint=mask_phone(row["phone"]))
        for row in await store.users_with_role(conn, role, limit)
    ]


async def update_me(conn: asyncpg.Connection, user_id: UUID, update: UserUpdate) -> User:
    display_name = update.display_name.strip() if isinstance(update.display_name, str) else None
    locale = update.locale if isinstance(update.locale, str) else None
    await store.update_user(conn, user_id, display_name, locale)
    return await get_user(conn, user_id)


def _check_scopes(grants: list[RoleGrant]) -> None:
    for grant in grants:
        if grant.scope_id is not None and not (0 < len(grant.scope_id) <= 64):
            raise InvalidScope(
                "a scope id is 1 to 64 characters", fields=[{"field": "roles", "code": "invalid"}]
            )
        if (grant.scope_kind is None) != (grant.scope_id is None):
            raise InvalidScope(
                "scope_kind and scope_id go together", fields=[{"field": "roles", "code": "invalid"}]
            )


async def audit(
    conn: asyncpg.Connection,
    ctx: RequestContext,
    actor_id: UUID | None,
    action: str,
    target_type: str,
    target_id: str,
    **details: Any,
) -> None:
    await store.insert_audit(
        conn,
        actor_id=actor_id,
        actor_label=ctx.actor_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
        client_ip=ctx.client_ip,
        request_id=ctx.request_id,
    )


async def set_roles(
    conn: asyncpg.Connection,
    actor_id: UUID | None,
    user_id: UUID,
    grants: list[RoleGrant],
    ctx: RequestContext,
) -> User:
    """Replace a user's roles (an audited, privileged action)."""
    _check_scopes(grants)
    before = await get_user(conn, user_id)
    await store.replace_roles(conn, user_id, list(dict.fromkeys(grants)))
    after = await get_user(conn, user_id)
    await audit(
        conn,
        ctx,
        actor_id,
        "user.roles.set",
        "user",
        str(user_id),
        before=[_grant_dict(g) for g in before.roles],
        after=[_grant_dict(g) for g in after.roles],
    )
    return after


async def set_disabled(
    conn: asyncpg.Connection,
    actor_id: UUID | None,
    user_id: UUID,
    disabled: bool,
    ctx: RequestContext,
) -> User:
    """Disable an account, ending every session it has (refresh tokens included), or enable it again (an
    audited, privileged action). Enabling starts no session: the user signs in anew, old tokens stay dead.
    Safe to repeat: disabling a disabled account ends any session left and records nothing new."""
    await get_user(conn, user_id)
    changed = await store.set_user_disabled(conn, user_id, disabled)
    revoked = await store.revoke_user_sessions(conn, user_id, "account disabled") if disabled else 0
    if changed or revoked:
        action = "user.disable" if disabled else "user.enable"
        await audit(conn, ctx, actor_id, action, "user", str(user_id), sessions_revoked=revoked)
    return await get_user(conn, user_id)


def _grant_dict(grant: RoleGrant) -> dict[str, str]:
    out: dict[str, str] = {"role": grant.role}
    if grant.scope_kind and grant.scope_id:
        out.update(scope_kind=grant.scope_kind, scope_id=grant.scope_id)
    return out


async def create_user(
    conn: asyncpg.Connection,
    config: AuthConfig,
    raw_phone: str,
    grants: list[RoleGrant],
    ctx: RequestContext,
    display_name: str = "",
    actor_id: UUID | None = None,
) -> User:
    """Create a user with roles, or add the roles to the existing user with that phone (audited when it
    changes anything)."""
    _check_scopes(grants)
    phone = normalize_phone(raw_phone, config.default_phone_region)
    row = await store.get_user_by_phone(conn, phone)
    user_id: UUID = row["id"] if row else await store.insert_user(conn, phone, display_name)
    if display_name and row and row["display_name"] != display_name:
        await store.update_user(conn, user_id, display_name, None)
    added = [grant for grant in grants if await store.add_role(conn, user_id, grant)]
    if row is None or added:
        action = "user.create" if row is None else "user.roles.add"
        await audit(conn, ctx, actor_id, action, "user", str(user_id), roles=[_grant_dict(g) for g in added])
    return await get_user(conn, user_id)


async def create_service_account(
    conn: asyncpg.Connection,
    display_name: str,
    grants: list[RoleGrant],
    ctx: RequestContext,
    actor_id: UUID | None = None,
) -> UUID:
    """A user with no phone, for a system that acts on its own (an Open311 application files its reports as
    one): it cannot sign in, holds the roles given, and is audited as created."""
    _check_scopes(grants)
    user_id = await store.insert_user(conn, None, display_name)
    for grant in grants:
        await store.add_role(conn, user_id, grant)
    await audit(
        conn, ctx, actor_id, "user.create", "user", str(user_id), roles=[_grant_dict(g) for g in grants]
    )
    return user_id


async def issue_tokens_for(
    conn: asyncpg.Connection, config: AuthConfig, raw_phone: str, ctx: RequestContext
) -> TokenPair:
    """Operators' and tests' shortcut: a fresh session for an existing user (audited)."""
    phone = normalize_phone(raw_phone, config.default_phone_region)
    row = await store.get_user_by_phone(conn, phone)
    if row is None:
        raise UserNotFound(f"no user with phone {phone}")
    if row["disabled_at"] is not None:
        raise UserDisabled("this account is disabled")
    tokens = await _start_session(conn, config, row["id"], ctx)
    await audit(conn, ctx, None, "user.token.issue", "user", str(row["id"]))
    return tokens


async def list_audit(
    conn: asyncpg.Connection,
    *,
    cursor: str | None = None,
    before: int | None = None,
    limit: int,
    target_type: str | None,
    target_id: str | None,
) -> AuditPageV2:
    """The audit log, newest first, keyed by id. The position is the opaque `cursor` of the previous page or
    (the deprecated v1 form) `before`, the last id seen; a full page carries the next cursor."""
    before_id = decode_id(cursor) if cursor else before
    items = await store.list_audit(
        conn, before_id=before_id, limit=limit, target_type=target_type, target_id=target_id
    )
    return AuditPageV2(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


async def housekeeping(conn: asyncpg.Connection) -> dict[str, int]:
    """Delete expired rate-limit windows and day-old codes."""
    return {
        "rate_limit_windows": await store.delete_expired_rate_limits(conn),
        "otp_codes": await store.delete_stale_otps(conn),
    }
