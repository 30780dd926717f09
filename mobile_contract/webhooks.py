"""The outgoing webhooks, as the `webhooks` section of the OpenAPI 3.1 document and the schemas it refers to.

Other city platforms (the 12345 hotline system, a provincial platform) register as subscribers
(`POST /v1/admin/webhooks`) and receive, for each case event of the topics they chose, one signed POST.
`WEBHOOKS` is the value of the document's `webhooks` (one path item per event type); `WEBHOOK_SCHEMAS` goes
into `components.schemas` (every name starts with `Webhook` so that none clashes with the API's own).

Everything here is read from the code that sends the events: the body is the envelope of
`notifications.fanout.fan_out` around the outbox payload that `cases.workflow.service` writes, the headers and
signature those of `notifications.channels.webhook.post`, the retry policy that of `notifications.runner` and
`notifications.retry` with the defaults of `api.settings.Settings`. tests/notifications/test_webhook_contract.py
checks a real delivery against it, and runs the verification recipe below on it.
"""

from __future__ import annotations

from typing import Any, Final, get_args

from api.settings import Settings
from cases.workflow.transitions import ACTIONS, STATES, Step
from notifications.models import EVENTS
from notifications.webhooks import USER_AGENT

_DEFAULTS: Final = Settings()
MAX_ATTEMPTS: Final[int] = _DEFAULTS.notify_max_attempts
BACKOFF_BASE_S: Final[float] = _DEFAULTS.notify_backoff_base_s
BACKOFF_MAX_S: Final[float] = _DEFAULTS.notify_backoff_max_s
TIMEOUT_S: Final[float] = _DEFAULTS.webhook_timeout_s
PAUSE_AFTER: Final[int] = _DEFAULTS.webhook_pause_after
#: What receivers should accept between the signing timestamp and their own clock (the sender signs each
#: attempt afresh, so a retry is never older than this when it leaves).
REPLAY_WINDOW_S: Final[int] = 300
#: The longest wait between the first attempt and the last, with the defaults (the shortest is half of it).
_LONGEST_WAIT_S: Final[float] = sum(
    min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2.0 ** (n - 1)) for n in range(1, MAX_ATTEMPTS)
)

# the worked example of the signature (the test recomputes it with notifications.webhooks.sign) ---------------

EXAMPLE_SECRET: Final = "an-example-secret-of-the-12345-hotline"  # noqa: S105 - documentation, not a secret
EXAMPLE_TIMESTAMP: Final = "1772352001"
EXAMPLE_BODY: Final = (
    '{"id":"evt_1042","data":{"to":"registered","from":"verified","round":1,"action":"register",'
    '"case_id":"0196f3a9-0c1d-7e2f-9a3b-4c5d6e7f8a9b","event_id":48213},"event":"case.transitioned",'
    '"created_at":"2026-03-01T08:00:00.123456+00:00"}'
)
EXAMPLE_SIGNATURE: Final = "sha256=3c560510411a306828a4b8f5cbbf3892d896ed488e33d3cbe1c28f7cc8d62830"

#: The receiver's check, in Python; `x-codeSamples` of every webhook, and run by the contract test.
VERIFY_PYTHON: Final = f'''import hashlib
import hmac
import time


def verify(secret: str, timestamp: str, signature: str, body: bytes, window_s: int = {REPLAY_WINDOW_S}) -> bool:
    """True when the POST came from CityLoop and is fresh.

    timestamp: the X-CityLoop-Timestamp header; signature: the X-CityLoop-Signature header;
    body: the request body exactly as received (bytes, before any JSON parsing)."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > window_s:
        return False  # too old (a replay) or the clocks are far apart
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), signature)
'''

#: The same check with openssl, on the worked example.
VERIFY_SHELL: Final = f"""SECRET='{EXAMPLE_SECRET}'
TS='{EXAMPLE_TIMESTAMP}'   # the X-CityLoop-Timestamp header
BODY='{EXAMPLE_BODY}'      # the raw request body
printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | sed 's/^\\([0-9a-f]*\\).*/sha256=\\1/'
# prints {EXAMPLE_SIGNATURE}: the X-CityLoop-Signature header
"""

SIGNATURE_DESCRIPTION: Final = f"""**Signature.** Every POST carries

- `X-CityLoop-Timestamp`: the Unix time (seconds, UTC) at which this attempt was signed: every retry is
  signed afresh, with a new timestamp;
- `X-CityLoop-Signature`: `sha256=` and the lowercase hex HMAC-SHA256, keyed with the subscriber's secret
  (the `secret` given at `POST /v1/admin/webhooks`, as UTF-8 bytes), of the timestamp, a dot and the raw
  body: `HMAC_SHA256(secret, timestamp + "." + body)`.

To verify: take the body as bytes exactly as received (never re-serialise parsed JSON: member order and
spacing are not fixed), recompute the HMAC over `X-CityLoop-Timestamp` + `.` + body, and compare it with
`X-CityLoop-Signature` in constant time. Refuse the POST (answer 401) when they differ, and when the
timestamp is more than {REPLAY_WINDOW_S} seconds away from your clock (a replayed capture); CityLoop itself
enforces no window, so keep the clocks in sync (NTP). Within the window, drop duplicates by
`X-CityLoop-Delivery`.

Worked example: with the secret `{EXAMPLE_SECRET}`, the header `X-CityLoop-Timestamp: {EXAMPLE_TIMESTAMP}`
and the body

    {EXAMPLE_BODY}

the HMAC input is `{EXAMPLE_TIMESTAMP}.` followed by the body, and the header is
`X-CityLoop-Signature: {EXAMPLE_SIGNATURE}`."""

RETRY_DESCRIPTION: Final = f"""**Answer and retries.** Answer any 2xx within {TIMEOUT_S:g} seconds once the event is safely stored;
the response body is ignored. Anything else is a failure: another status (3xx too: redirects are not
followed), no answer within {TIMEOUT_S:g} s, a refused or broken connection. A failed delivery is tried again
after an exponential backoff with jitter: after the n-th failed attempt it waits between half and all of
min({BACKOFF_MAX_S:g}, {BACKOFF_BASE_S:g} × 2^(n−1)) seconds, or longer when the response carried a
`Retry-After` (seconds or an HTTP date), which is always honoured. After {MAX_ATTEMPTS} attempts (with the
defaults, {_LONGEST_WAIT_S / 120:.0f} to {_LONGEST_WAIT_S / 60:.0f} minutes after the first, plus the time
the attempts took) the delivery is dead: it shows in
`GET /v1/admin/deliveries?status=dead` and an admin can replay it (same `X-CityLoop-Delivery`, a fresh
count of attempts). After {PAUSE_AFTER} failed attempts in a row the subscriber is paused: nothing more is
sent to it, and nothing counts against its deliveries, until an admin resumes it
(`POST /v1/admin/webhooks/{{webhook_id}}/resume`); then what waited is delivered, oldest first. The numbers
are the defaults of NOTIFY_MAX_ATTEMPTS, NOTIFY_BACKOFF_BASE_S, NOTIFY_BACKOFF_MAX_S, WEBHOOK_TIMEOUT_S and
WEBHOOK_PAUSE_AFTER.

**Delivery is at least once**, one subscriber's deliveries one after the other: the same delivery can arrive
twice (a worker that died after posting), and a retried event can arrive after a newer one. Deduplicate by
`X-CityLoop-Delivery` (or the body's `id`), and order a case's events by `data.event_id` or `created_at`,
not by arrival. Payloads carry ids only: fetch the rest from the API when needed. New members may be added
to bodies without notice: ignore the ones you do not know."""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _headers(event: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "X-CityLoop-Event",
            "in": "header",
            "required": True,
            "description": "The event type, the same as the body's `event`.",
            "schema": {"type": "string", "const": event},
            "example": event,
        },
        {
            "name": "X-CityLoop-Delivery",
            "in": "header",
            "required": True,
            "description": "The delivery's id: one per event and subscriber, the same on every retry and "
            "replay (the `id` of `GET /v1/admin/webhooks/{webhook_id}/deliveries`). Drop a delivery id "
            "already processed.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "example": "73021",
        },
        {
            "name": "X-CityLoop-Timestamp",
            "in": "header",
            "required": True,
            "description": "When this attempt was signed, in Unix seconds (UTC); part of the signed input. "
            f"Refuse values more than {REPLAY_WINDOW_S} s away from your clock.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "example": EXAMPLE_TIMESTAMP,
        },
        {
            "name": "X-CityLoop-Signature",
            "in": "header",
            "required": True,
            "description": '`sha256=` + hex HMAC-SHA256(secret, X-CityLoop-Timestamp + "." + raw body).',
            "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
            "example": EXAMPLE_SIGNATURE,
        },
        {
            "name": "User-Agent",
            "in": "header",
            "required": True,
            "description": "The sender.",
            "schema": {"type": "string"},
            "example": USER_AGENT,
        },
    ]


_RESPONSES: Final[dict[str, Any]] = {
    "2XX": {"description": "Received: the delivery is done. The body is ignored."},
    "default": {
        "description": "Any other status (redirects included), like a timeout or a refused connection, "
        "is a failed attempt: the delivery is tried again later (see the retry policy above).",
        "headers": {
            "Retry-After": {
                "description": "Seconds, or an HTTP date: the next attempt comes no sooner (it may come "
                "later, by the backoff).",
                "schema": {"type": "string"},
                "example": "120",
            }
        },
    },
}

_CASE_EXAMPLE: Final = "0196f3a9-0c1d-7e2f-9a3b-4c5d6e7f8a9b"

_EVENTS: Final[dict[str, dict[str, Any]]] = {
    "case.transitioned": {
        "operationId": "webhookCaseTransitioned",
        "summary": "A case moved from one state to another",
        "what": "Sent on every transition of a case (立案 registered, 派遣 dispatched, 签收 accepted, 处置 "
        "handled, 核查 checked, 结案 closed, reopened, voided ...), including the system's own (a fix sent "
        "for a check on site, a case reopened on a citizen's rating). `data` says which case, which action, "
        "from and to which state, and the case event's id.",
        "schema": "WebhookCaseTransitioned",
        "example": {
            "id": "evt_1042",
            "event": "case.transitioned",
            "created_at": "2026-03-01T08:00:00.123456+00:00",
            "data": {
                "case_id": _CASE_EXAMPLE,
                "event_id": 48213,
                "action": "register",
                "from": "verified",
                "to": "registered",
                "round": 1,
            },
        },
    },
    "case.due_soon": {
        "operationId": "webhookCaseDueSoon",
        "summary": "A step of a case is due soon (即将超时)",
        "what": "Sent once per step of a case when 80 % of its time limit (in working time) has passed and "
        "the step is still open: the department, and the assignee if any, have until `due_at`.",
        "schema": "WebhookCaseDueSoon",
        "example": {
            "id": "evt_1077",
            "event": "case.due_soon",
            "created_at": "2026-03-01T09:36:00.5+00:00",
            "data": {
                "case_id": _CASE_EXAMPLE,
                "deadline_id": 5120,
                "round": 1,
                "step": "accept",
                "due_at": "2026-03-01T10:00:00+00:00",
                "assignee_id": None,
                "department": "sanitation",
            },
        },
    },
    "case.overdue": {
        "operationId": "webhookCaseOverdue",
        "summary": "A step of a case is overdue (已超时)",
        "what": "Sent once per step of a case when its time limit has passed and the step is still open "
        "(paused steps of deferred or parked cases excepted).",
        "schema": "WebhookCaseOverdue",
        "example": {
            "id": "evt_1093",
            "event": "case.overdue",
            "created_at": "2026-03-01T10:00:01.25+00:00",
            "data": {
                "case_id": _CASE_EXAMPLE,
                "deadline_id": 5188,
                "round": 1,
                "step": "check",
                "due_at": "2026-03-01T10:00:00+00:00",
                "assignee_id": "0196f3a2-7c1e-7b3a-9d2e-3f5a6b7c8d9e",
                "department": None,
            },
        },
    },
}


def _path_item(event: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "operationId": spec["operationId"],
            "summary": spec["summary"],
            "description": f"{spec['what']}\n\nPOSTed as JSON to the URL of every subscriber of "
            f"`{event}` (`events` of `POST /v1/admin/webhooks`).\n\n{SIGNATURE_DESCRIPTION}\n\n"
            f"{RETRY_DESCRIPTION}",
            "tags": ["webhooks"],
            "parameters": _headers(event),
            "requestBody": {
                "required": True,
                "description": "The event, as compact UTF-8 JSON (`Content-Type: application/json`).",
                "content": {
                    "application/json": {
                        "schema": _ref(spec["schema"]),
                        "examples": {event: {"summary": spec["summary"], "value": spec["example"]}},
                    }
                },
            },
            "responses": _RESPONSES,
            "x-codeSamples": [
                {"lang": "Python", "label": "Verify the signature", "source": VERIFY_PYTHON},
                {"lang": "Shell", "label": "The worked example with openssl", "source": VERIFY_SHELL},
            ],
        }
    }


WEBHOOKS: Final[dict[str, Any]] = {event: _path_item(event, _EVENTS[event]) for event in EVENTS}


def _envelope(event: str, data: str, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["id", "event", "created_at", "data"],
        "properties": {
            "id": {
                "type": "string",
                "pattern": "^evt_[0-9]+$",
                "description": "The event's id, the same for every subscriber and on every retry "
                "(`evt_` and the outbox entry's id, as in `GET /v1/admin/outbox`).",
                "examples": ["evt_1042"],
            },
            "event": {"type": "string", "const": event, "description": "The event type."},
            "created_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the change happened (the outbox entry was written), UTC, "
                "ISO 8601 with an offset.",
                "examples": ["2026-03-01T08:00:00.123456+00:00"],
            },
            "data": {**_ref(data), "description": "What happened: ids, states, times; no personal data."},
        },
    }


_UUID: Final = {"type": "string", "format": "uuid"}

WEBHOOK_SCHEMAS: Final[dict[str, Any]] = {
    "WebhookCaseTransitioned": _envelope(
        "case.transitioned",
        "WebhookCaseTransition",
        "The body of a `case.transitioned` webhook: a case moved from one state to another.",
    ),
    "WebhookCaseDueSoon": _envelope(
        "case.due_soon",
        "WebhookCaseDeadline",
        "The body of a `case.due_soon` webhook: an open step of a case is near its time limit.",
    ),
    "WebhookCaseOverdue": _envelope(
        "case.overdue",
        "WebhookCaseDeadline",
        "The body of a `case.overdue` webhook: an open step of a case passed its time limit.",
    ),
    "WebhookCaseTransition": {
        "type": "object",
        "description": "Which case changed, by which action, from and to which state: ids only.",
        "required": ["case_id", "event_id", "action", "from", "to", "round"],
        "properties": {
            "case_id": {**_UUID, "description": "The case.", "examples": [_CASE_EXAMPLE]},
            "event_id": {
                "type": "integer",
                "format": "int64",
                "description": "The case event (its history entry, `history[].id` of "
                "`GET /v1/cases/{case_id}`) that recorded the transition; increasing over time, so the "
                "higher one is the later change.",
                "examples": [48213],
            },
            "action": {**_ref("WebhookCaseAction"), "description": "The action that moved the case."},
            "from": {**_ref("WebhookCaseState"), "description": "The state before."},
            "to": {**_ref("WebhookCaseState"), "description": "The state after."},
            "round": {
                "type": "integer",
                "format": "int64",
                "minimum": 1,
                "description": "The round of handling: 1, plus one for each reopening.",
                "examples": [1],
            },
        },
    },
    "WebhookCaseDeadline": {
        "type": "object",
        "description": "Which step of which case is due soon or overdue: ids, the step and its time limit.",
        "required": ["case_id", "deadline_id", "round", "step", "due_at", "assignee_id", "department"],
        "properties": {
            "case_id": {**_UUID, "description": "The case.", "examples": [_CASE_EXAMPLE]},
            "deadline_id": {
                "type": "integer",
                "format": "int64",
                "description": "The step's deadline (one per step of a case and round); `case.due_soon` and "
                "`case.overdue` of the same step carry the same one.",
                "examples": [5120],
            },
            "round": {
                "type": "integer",
                "format": "int64",
                "minimum": 1,
                "description": "The round of handling: 1, plus one for each reopening.",
                "examples": [1],
            },
            "step": {**_ref("WebhookCaseStep"), "description": "The step whose time limit it is."},
            "due_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the step is (was) due, UTC, ISO 8601 with an offset; counted in working "
                "time, and moved by an approved extension (延期).",
                "examples": ["2026-03-01T10:00:00+00:00"],
            },
            "assignee_id": {
                "type": ["string", "null"],
                "format": "uuid",
                "description": "The inspector the step is assigned to (the verify (核实) and check (核查) "
                "steps), null for the other steps.",
                "examples": [None],
            },
            "department": {
                "type": ["string", "null"],
                "description": "The code of the department (专业部门) whose step it is (the accept and handle "
                "steps), null for the centres' own steps.",
                "examples": ["sanitation"],
            },
        },
    },
    "WebhookCaseState": {
        "type": "string",
        "description": "The state of a case in the closed loop (数字城管): reported (上报) → verifying / "
        "verified (核实) → registered (立案) or rejected → dispatched (派遣) → accepted (签收) → handled "
        "(处置) → checking / checked (核查) → closed (结案); extension_requested (延期), deferred (缓办), "
        "parked (挂账) and voided (作废) on the side.",
        "enum": list(STATES),
        "examples": ["registered"],
    },
    "WebhookCaseAction": {
        "type": "string",
        "description": "The action that moved the case (the transitions of `POST /v1/cases/{case_id}/"
        "transitions`, and the system's own `send_to_verify`, `send_to_check` and `reopen`).",
        "enum": sorted(ACTIONS),
        "examples": ["register"],
    },
    "WebhookCaseStep": {
        "type": "string",
        "description": "The step whose time runs: verify (核实), register (立案), dispatch (派遣), accept "
        "(签收), handle (处置), check (核查), close (结案).",
        "enum": list(get_args(Step)),
        "examples": ["accept"],
    },
}
