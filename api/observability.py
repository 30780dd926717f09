"""Request ids, structured JSON logs and Prometheus metrics."""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import sys
import time
from contextvars import ContextVar
from typing import Any, TextIO

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Gauge

_request_id: ContextVar[str] = ContextVar("request_id", default="")
# Request ids need to be unique, not secret: a per-process random prefix and a counter (no syscall per request).
_ID_PREFIX = secrets.token_hex(6)
_id_counter = itertools.count(1)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

POOL_SIZE = Gauge("cityloop_db_pool_size", "Connections open in the asyncpg pool")
POOL_IDLE = Gauge("cityloop_db_pool_idle", "Idle connections in the asyncpg pool")
POOL_MAX = Gauge("cityloop_db_pool_max", "Largest size the asyncpg pool may grow to")


def new_request_id() -> str:
    return f"{_ID_PREFIX}{next(_id_counter):020x}"


def current_request_id() -> str:
    return _request_id.get()


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (the client's X-Request-ID when it looks sane), echo it, and log with it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else new_request_id()
        token = _request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        started = time.perf_counter()
        try:
            await app(scope, receive, send_with_id)
        finally:
            if scope["type"] == ScopeType.HTTP:
                logging.getLogger("cityloop.access").info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            _request_id.reset(token)

    return middleware


class JsonFormatter(logging.Formatter):
    _STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_text:
            entry["exc"] = redact(record.exc_text)
        elif record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=lambda value: redact(str(value)))


# Secrets never reach a log line, whichever logger writes it: a query string (uvicorn logs the live socket's
# `?access_token=`), a header, a JSON body, an SMS text. Values are replaced, names are kept.
REDACTED = "[REDACTED]"
_SECRET_NAMES = r"access_token|refresh_token|id_token|token|otp|password|passwd|secret|client_secret|api_key"  # noqa: S105
_SECRET_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # a JWT anywhere (access tokens, Firebase ID tokens)
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    # a bare refresh token (identity.tokens: 32 random bytes, 43 characters of base64url), wherever it appears
    (re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"), REDACTED),
    # Authorization: Bearer ... / Basic ... (a header line, a repr of headers, a bare scheme and credential)
    (
        re.compile(
            r"(?i)((?:proxy-)?authorization[\"']?\s*[:=,]\s*(?-i:b)?[\"']?)(?!(?-i:b)?[\"']?(?:(?:bearer|basic|token)\s+)?\[REDACTED\])"
            r"((?:bearer|basic|token)\s+)?[^\s\"',}\])]+"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    # name=value in query strings and forms; the presigned URLs' signatures too
    (
        re.compile(
            rf"(?i)(?<![A-Za-z0-9_-])({_SECRET_NAMES}|code|x-amz-signature|x-amz-credential|x-amz-security-token"
            r"|signature)=[^&\s\"'#;,]+"
        ),
        r"\1=" + REDACTED,
    ),
    # "name": "value" in JSON and reprs of dicts
    (
        re.compile(rf"(?i)([\"'](?:{_SECRET_NAMES}|authorization)[\"']\s*:\s*)([\"'])(?:\\.|(?!\2).)*\2"),
        r"\1\2" + REDACTED + r"\2",
    ),
    # a sign-in code: "code": "123456", and the text of the SMS that carries it
    (re.compile(r"(?i)([\"']code[\"']\s*:\s*[\"']?)\d{4,8}"), r"\1" + REDACTED),
    (re.compile(r"(?i)(code is|验证码(?:是|为|:|：)?)(\s*)\d{4,8}"), r"\1\2" + REDACTED),
)
_SECRET_KEYS = re.compile(rf"(?i)^(?:{_SECRET_NAMES}|authorization|proxy-authorization|cookie|set-cookie)$")
_CODE_KEYS = re.compile(r"(?i)^(?:code|otp_code|sms_code|verification_code)$")
_SIGN_IN_CODE = re.compile(r"^\d{4,8}$")


def redact(text: str) -> str:
    """The text with every token, credential and sign-in code in it replaced by [REDACTED]."""
    for pattern, replacement in _SECRET_REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _redact_member(name: object, value: Any, depth: int = 0) -> Any:
    """A member of a dict or an extra of a record: secret by its name, or by its value."""
    if isinstance(name, str):
        if _SECRET_KEYS.match(name):
            return REDACTED
        if _CODE_KEYS.match(name) and isinstance(value, str | int) and _SIGN_IN_CODE.match(str(value)):
            return REDACTED
    return _redact_value(value, depth)


def _redact_value(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return redact(value)
    if depth > 5:
        return value
    if isinstance(value, dict):
        return {k: _redact_member(k, v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(v, depth + 1) for v in value)
    if isinstance(value, bytes | bytearray):
        return redact(bytes(value).decode("latin-1"))
    return value


class RedactSecrets(logging.Filter):
    """Rewrites a record before any handler formats it: the message with its arguments, every extra member
    (by its name too: an `authorization` member is redacted whole), and the exception text."""

    _STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        for key, value in list(record.__dict__.items()):
            if key in self._STANDARD or key.startswith("_"):
                continue
            record.__dict__[key] = _redact_member(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter = JsonFormatter()
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # any handler a library set up on its own logger gets the same filter
    for logger in list(logging.root.manager.loggerDict.values()):
        for other in getattr(logger, "handlers", ()):
            if not any(isinstance(f, RedactSecrets) for f in other.filters):
                other.addFilter(RedactSecrets())
    # uvicorn's loggers write through ours (a uvicorn started earlier with its own logging config leaves them
    # with their own handlers and propagate off)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        own = logging.getLogger(name)
        own.handlers.clear()
        own.propagate = True
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
