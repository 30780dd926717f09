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


#: access tokens verified already in this process: (secret, token) -> (user_id, session_id, exp). A client sends
#: the same token on every request until it expires, so its signature and claims are checked once; a hit is the
#: exact string verified before and still has to be unexpired. Bounded: the oldest entry goes first.
_VERIFIED: dict[tuple[str, str], tuple[UUID, UUID, float]] = {}
MAX_VERIFIED_TOKENS = 4096


def read_access_token(secret: str, token: str) -> tuple[UUID, UUID]:
    """Return (user_id, session_id) of a valid token, or raise TokenInvalid."""
    key = (secret, token)
    known = _VERIFIED.get(key)
    if known is not None:
        if time.time() < known[2]:  # as PyJWT: expired once exp <= now
            return known[0], known[1]
        _VERIFIED.pop(key, None)
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            options={"require": ["exp", "sub", "sid"]},
        )
        user_id, session_id, expires = UUID(claims["sub"]), UUID(claims["sid"]), float(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise TokenInvalid("the access token is invalid or has expired") from exc
    while len(_VERIFIED) >= MAX_VERIFIED_TOKENS:
        _VERIFIED.pop(next(iter(_VERIFIED)), None)
    _VERIFIED[key] = (user_id, session_id, expires)
    return user_id, session_id


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
