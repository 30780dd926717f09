"""Access tokens (short-lived JWT), refresh tokens and sign-in codes (random, stored as keyed hashes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from uuid import UUID

import jwt

from identity.errors import TokenInvalid

_ALGORITHM = "HS256"
_AUDIENCE = "cityloop-api"


def issue_access_token(secret: str, user_id: UUID, session_id: UUID, ttl_s: int) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "sid": str(session_id), "iat": now, "exp": now + ttl_s, "aud": _AUDIENCE}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_access_token(secret: str, token: str) -> tuple[UUID, UUID]:
    """Return (user_id, session_id) of a valid token, or raise TokenInvalid."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            options={"require": ["exp", "sub", "sid"]},
        )
        return UUID(claims["sub"]), UUID(claims["sid"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise TokenInvalid("the access token is invalid or has expired") from exc


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    # 256 random bits need no key or stretching: a plain digest is enough to make a stolen table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def new_otp_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_otp(secret: str, phone: str, code: str) -> str:
    # A 6-digit code has only a million values, so the hash is keyed with the server secret.
    return hmac.new(secret.encode(), f"otp:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_matches(secret: str, phone: str, code: str, code_hash: str) -> bool:
    return hmac.compare_digest(hash_otp(secret, phone, code), code_hash)
