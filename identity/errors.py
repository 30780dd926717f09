"""Errors of the identity domain. The API maps each `code` to an HTTP status and a localized title."""

from __future__ import annotations

from typing import Any


class IdentityError(Exception):
    code = "identity_error"
    #: True when the refusal itself records something that must be committed (a wrong code counts as a try).
    persist = False

    def __init__(
        self, detail: str = "", *, fields: list[dict[str, str]] | None = None, **context: Any
    ) -> None:
        super().__init__(detail)
        self.fields = fields or []
        self.context = context


class InvalidPhone(IdentityError):
    code = "invalid_phone"


class RateLimited(IdentityError):
    code = "rate_limited"


class OtpInvalid(IdentityError):
    code = "otp_invalid"
    persist = True


class OtpExpired(IdentityError):
    code = "otp_expired"


class OtpExhausted(IdentityError):
    code = "otp_exhausted"
    persist = True


class RefreshTokenInvalid(IdentityError):
    code = "refresh_token_invalid"


class RefreshTokenReused(IdentityError):
    code = "refresh_token_reused"
    persist = True


class TokenInvalid(IdentityError):
    code = "token_invalid"


class SessionRevoked(IdentityError):
    code = "session_revoked"


class FirebaseTokenInvalid(IdentityError):
    code = "firebase_token_invalid"


class FirebaseNotConfigured(IdentityError):
    code = "firebase_not_configured"


class UserNotFound(IdentityError):
    code = "user_not_found"


class UserDisabled(IdentityError):
    code = "user_disabled"


class InvalidScope(IdentityError):
    code = "invalid_scope"


class InvalidCursor(IdentityError):
    """A paging cursor this API did not give out."""

    code = "invalid_cursor"
