"""Firebase ID tokens, verified with firebase-admin.

firebase-admin is synchronous; callers run `verify_id_token` in a worker thread. In dev and test the Auth
emulator (FIREBASE_AUTH_EMULATOR_HOST) issues the tokens; the settings refuse that variable in production.

firebase-admin (with google-auth and its HTTP stack, about 15 MB) is imported at the first Firebase sign-in, not
when the API starts: most API processes of a city that signs in by SMS never need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from identity.errors import FirebaseTokenInvalid

if TYPE_CHECKING:
    import firebase_admin

_APP_NAME = "cityloop"


def firebase_app(project_id: str) -> firebase_admin.App:
    import firebase_admin

    try:
        return firebase_admin.get_app(_APP_NAME)
    except ValueError:
        return firebase_admin.initialize_app(options={"projectId": project_id}, name=_APP_NAME)


def verify_id_token(project_id: str, id_token: str) -> dict[str, Any]:
    """Return the token's claims (uid, phone_number, ...) or raise FirebaseTokenInvalid."""
    from firebase_admin import auth

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
