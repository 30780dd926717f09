"""Request ids, structured JSON logs and Prometheus metrics."""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TextIO, cast

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Gauge, Histogram

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


#: the access log: one line per HTTP request at INFO, with method, path and ms
ACCESS_LOG = logging.getLogger("cityloop.access")
#: the Prometheus metrics' prefix and `app_name` label (the names litestar's PrometheusMiddleware gave them)
METRICS_PREFIX = "cityloop"
METRICS_APP_NAME = "cityloop"
#: requests whose path holds this are not counted (the scrape itself), nor OPTIONS requests
_METRICS_EXCLUDED_PATH = "/metrics"
_METRICS_EXCLUDED_METHODS = frozenset({"OPTIONS"})
#: label children kept per (method, route template, status); past this many new ones are looked up each time
_MAX_CHILDREN = 4096
_REQUEST_ID_HEADER = b"x-request-id"


class _HttpMetrics:
    """The HTTP metrics, with the names, help texts and labels (method, path, status_code, app_name) of
    litestar's PrometheusMiddleware with `group_path=True`, and their label children resolved once per route
    template and status rather than on every request."""

    def __init__(self, prefix: str, app_name: str) -> None:
        labels = ("method", "path", "status_code", "app_name")
        self.app_name = app_name
        self.requests = Counter(f"{prefix}_requests_total", "Total requests", labels)
        self.duration = Histogram(
            f"{prefix}_request_duration_seconds", "Request duration, in seconds", labels
        )
        self.in_progress = Gauge(
            f"{prefix}_requests_in_progress",
            "Total requests currently in progress",
            labels,
            multiprocess_mode="livesum",
        )
        self.errors = Counter(f"{prefix}_requests_error_total", "Total errors in requests", labels)
        self._in_progress: dict[tuple[str, str], Any] = {}
        self._done: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}

    def in_progress_child(self, method: str, path: str) -> Any:
        key = (method, path)
        child = self._in_progress.get(key)
        if child is None:
            # as litestar did: the in-progress gauge carries status_code 200
            child = self.in_progress.labels(method, path, 200, self.app_name)
            if len(self._in_progress) < _MAX_CHILDREN:
                self._in_progress[key] = child
        return child

    def done_children(self, method: str, path: str, status: int) -> tuple[Any, Any, Any]:
        """(requests, duration, errors or None) for a finished request."""
        key = (method, path, status)
        children = self._done.get(key)
        if children is None:
            values = (method, path, status, self.app_name)
            children = (
                self.requests.labels(*values),
                self.duration.labels(*values),
                self.errors.labels(*values) if status >= 500 else None,
            )
            if len(self._done) < _MAX_CHILDREN:
                self._done[key] = children
        return children


_metrics: _HttpMetrics | None = None


def http_metrics() -> _HttpMetrics:
    """The process's HTTP metrics, registered on first use (the worker and the CLI never register them)."""
    global _metrics
    if _metrics is None:
        _metrics = _HttpMetrics(METRICS_PREFIX, METRICS_APP_NAME)
    return _metrics


class ObservabilityMiddleware:
    """Request ids, Prometheus metrics and the access log, in one pure ASGI layer (litestar builds one per route).

    - request id: the client's X-Request-ID when it looks sane, a new one otherwise; in a context variable for
      the logs and problem documents, and echoed in the response's X-Request-ID (HTTP and WebSocket);
    - metrics (HTTP, not OPTIONS, not /metrics): requests in progress, then requests, duration (to the last body
      message) and errors (status >= 500) by method, route template and status;
    - access log (HTTP): `request` at INFO with method, path and ms; nothing is built when INFO is off.

    The flags exist for bench/http_layers.py, which measures each part alone; the app turns all three on.
    """

    def __init__(
        self, app: ASGIApp, *, request_ids: bool = True, access_log: bool = True, metrics: bool = True
    ) -> None:
        self.app = app
        self.request_ids = request_ids
        self.access_log = access_log
        self.metrics = http_metrics() if metrics else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # the ASGI scope as the server gave it (litestar's types split it by kind)
        raw = cast("dict[str, Any]", scope)
        scope_type: str = raw["type"]
        if scope_type != "http":
            if scope_type != "websocket" or not self.request_ids:
                await self.app(scope, receive, send)
                return
            socket_token = _request_id.set(self._request_id(scope))
            try:
                await self.app(scope, receive, send)
            finally:
                _request_id.reset(socket_token)
            return

        request_id = self._request_id(scope) if self.request_ids else None
        token: Token[str] | None = _request_id.set(request_id) if request_id is not None else None
        metrics = self.metrics
        method: str = raw["method"]
        counted = (
            metrics is not None
            and method not in _METRICS_EXCLUDED_METHODS
            and _METRICS_EXCLUDED_PATH not in raw["path"]
        )
        status = 200
        duration = 0.0
        started = time.perf_counter()

        async def send_observed(message: Message) -> None:
            nonlocal status, duration
            event = cast("dict[str, Any]", message)
            kind = event["type"]
            if kind == "http.response.start":
                status = event["status"]
                if request_id is not None:
                    _set_request_id_header(event, request_id)
            elif kind == "http.response.body":
                duration = time.perf_counter() - started
            await send(message)

        in_progress = None
        if counted:
            assert metrics is not None
            path: str = raw["path_template"]
            in_progress = metrics.in_progress_child(method, path)
            in_progress.inc()
        try:
            await self.app(scope, receive, send_observed)
        finally:
            if in_progress is not None:
                assert metrics is not None
                in_progress.dec()
                requests, histogram, errors = metrics.done_children(method, path, status)
                if errors is not None:
                    errors.inc()
                requests.inc()
                histogram.observe(duration)
            if self.access_log and ACCESS_LOG.isEnabledFor(logging.INFO):
                ACCESS_LOG.info(
                    "request",
                    extra={
                        "method": method,
                        "path": raw.get("path"),
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            if token is not None:
                _request_id.reset(token)

    @staticmethod
    def _request_id(scope: Scope) -> str:
        incoming = b""
        for name, value in scope["headers"]:
            if name == _REQUEST_ID_HEADER:
                incoming = value  # the last one, as a dict of the headers would keep
        if incoming:
            text = incoming.decode("latin-1")
            if _VALID_REQUEST_ID.match(text):
                return text
        return new_request_id()


def _set_request_id_header(message: dict[str, Any], request_id: str) -> None:
    """X-Request-ID on a response start, replacing any the handler set (as MutableScopeHeaders does)."""
    headers = message.get("headers")
    if headers is None:
        message["headers"] = headers = []
    elif not isinstance(headers, list):
        message["headers"] = headers = list(headers)
    value = request_id.encode("latin-1")
    found = [i for i, (name, _) in enumerate(headers) if name.lower() == _REQUEST_ID_HEADER]
    if not found:
        headers.append((_REQUEST_ID_HEADER, value))
        return
    headers[found[0]] = (_REQUEST_ID_HEADER, value)
    for i in reversed(found[1:]):
        del headers[i]


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


_QUOTES = ('"', "'")
#: for ASCII text, what each pattern of _SECRET_REDACTIONS needs to find anything (a necessary condition, on the
#: text and its lower case): most of what is logged (a path, a method, "request") needs no regex at all
_NEEDS: tuple[Callable[[str, str], bool], ...] = (
    lambda text, lower: "eyJ" in text,
    lambda text, lower: len(text) >= 43,
    lambda text, lower: "authorization" in lower,
    lambda text, lower: "bearer" in lower or "basic" in lower,
    lambda text, lower: "=" in text,
    lambda text, lower: ":" in text and any(q in text for q in _QUOTES),
    lambda text, lower: "code" in lower,
    lambda text, lower: "code is" in lower,
)


def redact(text: str) -> str:
    """The text with every token, credential and sign-in code in it replaced by [REDACTED]."""
    if not text.isascii():  # case-insensitive matching beyond ASCII (ſ, K ...): every pattern, always
        for pattern, replacement in _SECRET_REDACTIONS:
            text = pattern.sub(replacement, text)
        return text
    lower = text.lower()
    for (pattern, replacement), needs in zip(_SECRET_REDACTIONS, _NEEDS, strict=True):
        if needs(text, lower):
            redacted = pattern.sub(replacement, text)
            if redacted != text:
                text, lower = redacted, redacted.lower()
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
