"""The documented webhooks (mobile_contract/webhooks.py) are what a subscriber really receives: deliveries made
by the worker validate against the documented body schemas, carry the documented headers, and pass the
documented verification recipe, which refuses what it should; the worked example is right to the byte."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from litestar.testing import AsyncTestClient

from api import openapi
from api.app import create_app
from api.settings import load_settings
from cases.workflow import service as casework
from mobile_contract import webhooks as contract
from notifications.models import EVENTS
from notifications.runner import Notifier
from notifications.webhooks import sign
from tests.cases.workflow_fixtures import DEPARTMENT, Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import WEBHOOK_SECRET, Receiver
from tests.notifications.helpers import act

_FORMATS = FormatChecker()


def _date_time(value: object) -> bool:
    """RFC 3339: a full date and time with an offset (the checker jsonschema ships needs an extra package)."""
    if not isinstance(value, str):
        return True
    if "T" not in value or datetime.fromisoformat(value).tzinfo is None:
        raise ValueError(f"not an RFC 3339 date-time: {value}")
    return True


_FORMATS.checks("date-time", raises=ValueError)(_date_time)


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of `schema` whose #/components/schemas/... refs find WEBHOOK_SCHEMAS, as in the merged
    OpenAPI document (JSON Schema 2020-12, the dialect of OpenAPI 3.1)."""
    root = {"components": {"schemas": contract.WEBHOOK_SCHEMAS}, **schema}
    return Draft202012Validator(root, format_checker=_FORMATS)


def _body_schema(event: str) -> dict[str, Any]:
    schema: dict[str, Any] = contract.WEBHOOKS[event]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    return schema


def _component(ref: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = contract.WEBHOOK_SCHEMAS[ref["$ref"].rsplit("/", 1)[1]]
    return schema


def _documented_verify() -> Callable[..., bool]:
    """The `verify` of the Python code sample, as a receiver would paste it."""
    [sample] = [
        s for s in contract.WEBHOOKS["case.transitioned"]["post"]["x-codeSamples"] if s["lang"] == "Python"
    ]
    assert sample["source"] == contract.VERIFY_PYTHON
    namespace: dict[str, Any] = {}
    exec(sample["source"], namespace)  # noqa: S102 - the documented recipe itself, from this repository
    verify: Callable[..., bool] = namespace["verify"]
    return verify


async def subscribe_to_everything(client: AsyncTestClient[Any], staff: Staff, url: str) -> dict[str, Any]:
    r = await client.post(
        "/v1/admin/webhooks",
        json={"url": url, "events": list(EVENTS), "secret": WEBHOOK_SECRET, "name": "12345"},
        headers=bearer(staff.tokens["admin"]),
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


# the document itself ------------------------------------------------------------------------------------------


def test_one_webhook_per_event_a_subscriber_can_choose() -> None:
    assert list(contract.WEBHOOKS) == list(EVENTS)
    operation_ids = [item["post"]["operationId"] for item in contract.WEBHOOKS.values()]
    assert len(set(operation_ids)) == len(operation_ids)
    for event, item in contract.WEBHOOKS.items():
        assert set(item) == {"post"}, event
        post = item["post"]
        assert post["description"] and post["summary"], event
        assert {p["name"] for p in post["parameters"]} >= {
            "X-CityLoop-Event",
            "X-CityLoop-Delivery",
            "X-CityLoop-Timestamp",
            "X-CityLoop-Signature",
        }
        assert all(p["in"] == "header" and p["required"] for p in post["parameters"]), event
        assert set(post["responses"]) == {"2XX", "default"}


def _holds(published: Any, ours: Any) -> bool:
    """`published` is `ours`, plus perhaps keywords the document's generator adds (bounds of an int64...)."""
    if isinstance(ours, dict):
        return isinstance(published, dict) and all(
            k in published and _holds(published[k], v) for k, v in ours.items()
        )
    if isinstance(ours, list):
        return (
            isinstance(published, list) and len(published) == len(ours) and all(map(_holds, published, ours))
        )
    return bool(published == ours)


def test_the_schema_names_clash_with_none_of_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """api/openapi.py merges WEBHOOK_SCHEMAS over the API's own: none may bear the name of one of them, and
    the merged document holds ours as they are (its generator may add keywords, such as int64 bounds)."""
    ours = json.loads(json.dumps({"webhooks": contract.WEBHOOKS, "schemas": contract.WEBHOOK_SCHEMAS}))
    app = create_app(load_settings(env="test"), connect=False)
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "mobile_contract.webhooks", None)  # the document as it would be without us
        without = openapi.document(app)
    assert "webhooks" not in without
    assert not set(contract.WEBHOOK_SCHEMAS) & set(without["components"]["schemas"])
    assert all(name.startswith("Webhook") for name in contract.WEBHOOK_SCHEMAS)
    merged = openapi.document(app)
    assert _holds(merged["webhooks"], ours["webhooks"])
    for name, schema in ours["schemas"].items():
        assert _holds(merged["components"]["schemas"][name], schema), name


def test_the_schemas_are_json_schema_with_valid_examples_and_refs() -> None:
    for schema in contract.WEBHOOK_SCHEMAS.values():
        Draft202012Validator.check_schema(schema)
        for example in schema.get("examples", []):
            _validator(schema).validate(example)
        for sub in schema.get("properties", {}).values():
            for example in sub.get("examples", []):
                _validator(sub).validate(example)

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            here = [node["$ref"]] if "$ref" in node else []
            return here + [r for v in node.values() for r in refs(v)]
        return [r for v in node for r in refs(v)] if isinstance(node, list) else []

    every = refs(contract.WEBHOOKS) + refs(contract.WEBHOOK_SCHEMAS)
    assert every and {r.rsplit("/", 1)[1] for r in every} == set(contract.WEBHOOK_SCHEMAS)
    assert all(r.startswith("#/components/schemas/Webhook") for r in every)


def test_the_examples_are_valid() -> None:
    for event, item in contract.WEBHOOKS.items():
        post = item["post"]
        [example] = post["requestBody"]["content"]["application/json"]["examples"].values()
        _validator(_body_schema(event)).validate(example["value"])
        assert example["value"]["event"] == event
        for header in post["parameters"]:
            _validator(header["schema"]).validate(header["example"])


def test_the_worked_example_is_right_to_the_byte() -> None:
    body = contract.EXAMPLE_BODY.encode()
    assert sign(contract.EXAMPLE_SECRET, contract.EXAMPLE_TIMESTAMP, body) == contract.EXAMPLE_SIGNATURE
    example = contract.WEBHOOKS["case.transitioned"]["post"]["requestBody"]["content"]["application/json"]
    assert json.loads(body) == example["examples"]["case.transitioned"]["value"]
    for text in (contract.SIGNATURE_DESCRIPTION, contract.VERIFY_SHELL):
        assert contract.EXAMPLE_SIGNATURE in text and contract.EXAMPLE_TIMESTAMP in text
    assert contract.EXAMPLE_BODY in contract.SIGNATURE_DESCRIPTION

    # the shell recipe prints it too, with the openssl a receiver would use
    printed = subprocess.run(
        ["bash", "-c", contract.VERIFY_SHELL], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert printed.strip() == contract.EXAMPLE_SIGNATURE

    # and the Python recipe accepts it at the time it was signed, and not ten minutes later
    verify = _documented_verify()
    signed_at = int(contract.EXAMPLE_TIMESTAMP)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(time, "time", lambda: signed_at + 2.0)
        assert verify(contract.EXAMPLE_SECRET, contract.EXAMPLE_TIMESTAMP, contract.EXAMPLE_SIGNATURE, body)
        mp.setattr(time, "time", lambda: signed_at + 600.0)
        assert not verify(
            contract.EXAMPLE_SECRET, contract.EXAMPLE_TIMESTAMP, contract.EXAMPLE_SIGNATURE, body
        )


# real deliveries ------------------------------------------------------------------------------------------------


async def _every_event(client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff) -> None:
    """One case registered (case.transitioned), another's handling step due soon then overdue."""
    registered = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await act(client, db, staff.tokens["shift_lead"], registered, "register")
    late = await make_case(db, "accepted", inspector_id=staff.ids["inspector"], step="handle")
    now = datetime.now(UTC)
    await db.execute(
        "UPDATE case_deadlines SET due_soon_at = $2, due_at = $3, department_code = $4 WHERE case_id = $1",
        late,
        now - timedelta(minutes=1),
        now + timedelta(minutes=20),
        DEPARTMENT,
    )
    async with db.transaction():
        assert await casework.emit_deadline_events(db) == {"case.due_soon": 1, "case.overdue": 0}
    await db.execute("UPDATE case_deadlines SET due_at = $2 WHERE case_id = $1", late, now)
    async with db.transaction():
        assert await casework.emit_deadline_events(db) == {"case.due_soon": 0, "case.overdue": 1}


async def test_real_deliveries_match_the_documented_webhooks(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, receiver: Receiver, notifier: Notifier
) -> None:
    await subscribe_to_everything(client, staff, receiver.url)
    receiver.status = 202  # any 2xx is a success
    await _every_event(client, db, staff)
    await notifier.run_until_idle()

    assert sorted(h.headers["X-CityLoop-Event"] for h in receiver.received) == sorted(EVENTS)
    verify = _documented_verify()
    for hook in receiver.received:
        event = hook.headers["X-CityLoop-Event"]
        post = contract.WEBHOOKS[event]["post"]
        body = hook.json()

        # the body: valid, and with exactly the documented members (nothing undocumented, nothing missing)
        _validator(_body_schema(event)).validate(body)
        envelope = _component(_body_schema(event))
        assert set(body) == set(envelope["properties"]) == set(envelope["required"])
        data = _component(envelope["properties"]["data"])
        assert set(body["data"]) == set(data["properties"]) == set(data["required"]), event
        outbox = await db.fetchrow("SELECT id, topic FROM outbox WHERE 'evt_' || id = $1", body["id"])
        assert outbox["topic"] == event == body["event"]

        # the headers: every documented one, each as documented
        for header in post["parameters"]:
            assert header["name"] in hook.headers, (event, header["name"])
            _validator(header["schema"]).validate(hook.headers[header["name"]])
        assert hook.headers["Content-Type"] == "application/json"
        delivery = await db.fetchrow(
            "SELECT outbox_id, status, last_status FROM deliveries WHERE id = $1",
            int(hook.headers["X-CityLoop-Delivery"]),
        )
        assert (delivery["outbox_id"], delivery["status"], delivery["last_status"]) == (
            outbox["id"],
            "done",
            202,
        )

        # the documented recipe verifies it, and refuses it altered, with another secret, or replayed later
        timestamp, signature = hook.headers["X-CityLoop-Timestamp"], hook.headers["X-CityLoop-Signature"]
        assert verify(WEBHOOK_SECRET, timestamp, signature, hook.body)
        assert not verify(WEBHOOK_SECRET, timestamp, signature, hook.body.replace(b"case", b"Case", 1))
        assert not verify("another-secret-0123456789", timestamp, signature, hook.body)
        assert not verify(WEBHOOK_SECRET, str(int(timestamp) + 1), signature, hook.body)
        stale = str(int(time.time()) - contract.REPLAY_WINDOW_S - 5)
        assert not verify(WEBHOOK_SECRET, stale, sign(WEBHOOK_SECRET, stale, hook.body), hook.body)
        assert not verify(WEBHOOK_SECRET, "", signature, hook.body)


async def test_a_redirect_is_a_failure_and_is_not_followed(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, receiver: Receiver, notifier: Notifier
) -> None:
    """As documented under the responses: only a 2xx is a success."""
    await subscribe_to_everything(client, staff, receiver.url)
    receiver.status = 302
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await act(client, db, staff.tokens["shift_lead"], case_id, "register")
    await notifier.run_until_idle()  # the tests' backoff is short: it may have been retried already
    row = await db.fetchrow("SELECT status, attempts, last_status FROM deliveries WHERE channel = 'webhook'")
    assert row["status"] != "done" and row["last_status"] == 302
    assert row["attempts"] == len(receiver.received) >= 1
