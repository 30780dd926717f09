"""A stand-in for FCM at the HTTP level, so that firebase-admin itself runs in tests and benchmarks.

It answers the two endpoints firebase-admin calls:

- `POST /token`: the OAuth token endpoint of the service account (the credential's `token_uri` points here);
  it checks the signed JWT assertion against the account's public key and hands out an access token.
- `POST /v1/projects/{project}/messages:send`: the FCM HTTP v1 send, with the access token; it records the
  message and answers success, UNREGISTERED, INVALID_ARGUMENT, SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR,
  429 (with Retry-After) or 503, as scripted per device token.

    python -m tests.notifications.fake_fcm --port 0     # standalone (benchmarks); GET /_received reads back
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import time
from collections import defaultdict, deque
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

Answer = Literal["ok", "unregistered", "invalid", "429", "503", "sender_mismatch", "apns_auth"]
ACCESS_TOKEN = "fake-fcm-access-token"
PROJECT = "demo-cityloop"
_FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"


@cache
def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account(token_uri: str, project: str = PROJECT) -> dict[str, str]:
    """A service-account credential made here (a fresh RSA key per process) whose tokens come from the fake."""
    pem = _private_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": "fake-key-1",
        "private_key": pem.decode(),
        "client_email": f"push@{project}.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    }


def write_service_account(path: Path, token_uri: str, project: str = PROJECT) -> Path:
    path.write_text(json.dumps(service_account(token_uri, project)), encoding="utf-8")
    return path


class Received:
    __slots__ = ("answer", "at", "message", "token")

    def __init__(self, at: float, token: str, message: dict[str, Any], answer: Answer) -> None:
        self.at = at
        self.token = token
        self.message = message
        self.answer = answer

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "token": self.token,
            "answer": self.answer,
            "data": self.message.get("data", {}),
        }


class FakeFCM:
    def __init__(self, project: str = PROJECT) -> None:
        self.project = project
        self.received: list[Received] = []
        self.token_requests = 0
        self.default: Answer = "ok"
        self.retry_after = "1"
        self.delay_s = 0.0
        self._script: dict[str, deque[Answer]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self.origin = ""

    # scripting and reading back -------------------------------------------------------------------------------

    def answer(self, token: str, *answers: Answer) -> None:
        """The next answers for `token`, in order; after them, `default`."""
        self._script[token].extend(answers)

    def delivered(self) -> list[Received]:
        return [r for r in self.received if r.answer == "ok"]

    def delivered_to(self, token: str) -> list[Received]:
        return [r for r in self.delivered() if r.token == token]

    def tries(self, token: str) -> list[Answer]:
        return [r.answer for r in self.received if r.token == token]

    # the server ------------------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_post("/v1/projects/{project}/messages:send", self._send)
        app.router.add_get("/_received", self._read_back)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock, backlog=1024).start()
        self.origin = f"http://{host}:{sock.getsockname()[1]}"
        return self.origin

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        try:
            jwt.decode(
                str(form.get("assertion", "")),
                _private_key().public_key(),
                algorithms=["RS256"],
                audience="https://oauth2.googleapis.com/token",  # google-auth always names Google
            )
        except jwt.PyJWTError as exc:
            return web.json_response({"error": "invalid_grant", "error_description": str(exc)}, status=400)
        self.token_requests += 1
        return web.json_response({"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"})

    async def _send(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return _error(401, "UNAUTHENTICATED", None, "no valid access token")
        if request.match_info["project"] != self.project:
            return _error(403, "PERMISSION_DENIED", None, "wrong project")
        body = await request.json()
        message = body.get("message", {})
        token = str(message.get("token", ""))
        script = self._script.get(token)
        answer: Answer = script.popleft() if script else self.default
        self.received.append(Received(time.time(), token, message, answer))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if answer == "ok":
            return web.json_response({"name": f"projects/{self.project}/messages/{len(self.received)}"})
        if answer == "unregistered":
            return _error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.")
        if answer == "invalid":
            return _error(
                400,
                "INVALID_ARGUMENT",
                "INVALID_ARGUMENT",
                "The registration token is not a valid FCM registration token",
            )
        if answer == "sender_mismatch":
            return _error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch")
        if answer == "apns_auth":  # APNs refused the project's key: nothing FCM or urllib3 retries by itself
            return _error(
                403, "PERMISSION_DENIED", "THIRD_PARTY_AUTH_ERROR", "Auth error from APNS or Web Push"
            )
        if answer == "429":
            response = _error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded.")
            response.headers["Retry-After"] = self.retry_after
            return response
        return _error(503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.")

    async def _read_back(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        return web.json_response(
            {"total": len(self.received), "items": [r.as_dict() for r in self.received[since:]]}
        )


def _error(status: int, grpc_status: str, fcm_code: str | None, message: str) -> web.Response:
    details = [{"@type": _FCM_ERROR, "errorCode": fcm_code}] if fcm_code else []
    return web.json_response(
        {"error": {"code": status, "message": message, "status": grpc_status, "details": details}},
        status=status,
    )


async def _serve(port: int, credentials: Path | None) -> None:
    fake = FakeFCM()
    origin = await fake.start(port=port)
    if credentials is not None:
        write_service_account(credentials, origin + "/token")
    print(origin, flush=True)
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--credentials", type=Path, help="write a matching service-account file here")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.credentials))


if __name__ == "__main__":
    main()
