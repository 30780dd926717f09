"""Firebase ID tokens, verified with firebase-admin.

firebase-admin is synchronous; callers run `verify_id_token` in a worker thread. In dev and test the Auth
emulator (FIREBASE_AUTH_EMULATOR_HOST) issues the tokens; the settings refuse that variable in production.
"""

from __future__ import annotations

from typing import Any

import firebase_admin
from firebase_admin import auth

from identity.errors import FirebaseTokenInvalid

_APP_NAME = "cityloop"


def firebase_app(project_id: str) -> firebase_admin.App:
    try:
        return firebase_admin.get_app(_APP_NAME)
    except ValueError:
        return firebase_admin.initialize_app(options={"projectId": project_id}, name=_APP_NAME)


def verify_id_token(project_id: str, id_token: str) -> dict[str, Any]:
    """Return the token's claims (uid, phone_number, ...) or raise FirebaseTokenInvalid."""
    try:
        claims: dict[str, Any] = auth.verify_id_token(
            id_token, app=firebase_app(project_id), check_revoked=False
        )
    except (
        ValueError,
        auth.InvalidIdTokenError,
        auth.ExpiredIdTokenError,
        auth.CertificateFetchError,
    ) as exc:
        raise FirebaseTokenInvalid("the Firebase ID token could not be verified") from exc
    return claims
