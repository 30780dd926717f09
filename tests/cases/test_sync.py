"""Delta sync (GET /v1/sync) for the offline field apps: a keyset over (change_xid, id) that a bulk change cannot
split and a late commit cannot jump; deltas carry only what changed; the deprecated `since`; case ETags."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.db import connect
from api.settings import Settings
from cases.common import encode_cursor
from tests.cases.workflow_fixtures import DEPARTMENT, Staff, make_case, make_photo, make_staff
from tests.identity.helpers import bearer

pytestmark = pytest.mark.usefixtures("demo_city")

Page = dict[str, Any]


@pytest.fixture
async def staff(db: asyncpg.Connection, settings: Settings) -> Staff:
    return await make_staff(db, settings)


async def sync_pages(
    client: AsyncTestClient[Any],
    token: str,
    cursor: str | None = None,
    *,
    limit: int = 500,
    param: str = "cursor",
) -> tuple[list[Page], str]:
    """One sync as the app does it: fetch while `more`; the pages and the cursor to keep."""
    pages: list[Page] = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params[param] = cursor
        r = await client.get("/v1/sync", params=params, headers=bearer(token))
        assert r.status_code == 200, r.text
        page: Page = r.json()
        assert page["next_cursor"], "a change feed always says where to continue"
        pages.append(page)
        cursor = page["next_cursor"]
        if not page["more"]:
            return pages, cursor


async def sync_until(
    client: AsyncTestClient[Any],
    token: str,
    cursor: str | None,
    done: Callable[[list[Page]], bool],
    **kwargs: Any,
) -> tuple[list[Page], str]:
    """Sync again, as the app would on its next round, until `done` holds for everything received. A change
    waits while an older transaction of the same database is still running (autovacuum, say), so it may take
    a round or two; it is never lost and never sent twice."""
    pages: list[Page] = []
    for _ in range(100):
        got, cursor = await sync_pages(client, token, cursor, **kwargs)
        pages += got
        if done(pages):
            assert cursor is not None
            return pages, cursor
        await asyncio.sleep(0.05)
    raise AssertionError(f"not delivered: {pages}")


def case_ids(pages: list[Page]) -> list[str]:
    return [c["id"] for p in pages for c in p["cases"]]


def has_all(*ids: uuid.UUID) -> Callable[[list[Page]], bool]:
    return lambda pages: {str(i) for i in ids} <= set(case_ids(pages))


def nothing(pages: list[Page]) -> bool:
    return not any(p["cases"] or p["tasks"] or p["tombstones"] for p in pages)


async def test_a_bulk_dispatch_bigger_than_a_page_arrives_exactly_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    handler = staff.tokens["department_handler"]
    pages, cursor = await sync_pages(client, handler)
    assert case_ids(pages) == []
    ids = [
        await make_case(db, "registered", inspector_id=None, department=None, step="dispatch")
        for _ in range(7)
    ]
    items = [{"case_id": str(i), "version": 1, "action": "dispatch", "department": DEPARTMENT} for i in ids]
    r = await client.post(
        "/v1/cases/bulk-transitions", json={"items": items}, headers=bearer(staff.tokens["dispatcher"])
    )
    assert r.status_code == 200, r.text
    assert r.json()["succeeded"] == 7
    # one transaction, one change_xid (and one updated_at): the page breaks below fall inside it
    assert await db.fetchval("SELECT count(DISTINCT change_xid) FROM cases WHERE id = ANY($1)", ids) == 1
    assert await db.fetchval("SELECT count(DISTINCT updated_at) FROM cases WHERE id = ANY($1)", ids) == 1

    pages, cursor = await sync_until(client, handler, cursor, has_all(*ids), limit=3)
    received = case_ids(pages)
    assert Counter(received) == Counter(str(i) for i in ids)  # every case, each once
    assert [len(p["cases"]) for p in pages if p["cases"]][:2] == [3, 3]  # it did take several pages
    assert all(p["more"] for p in pages[:2]) and not pages[-1]["more"]
    assert all(c["state"] == "dispatched" for p in pages for c in p["cases"])

    # caught up: the next sync is empty, and says so
    pages, _ = await sync_pages(client, handler, cursor, limit=3)
    assert nothing(pages) and len(pages) == 1


async def test_a_change_committed_between_two_pages_arrives_later(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    handler = staff.tokens["department_handler"]
    ids = [await make_case(db, "dispatched", inspector_id=None, step="accept") for _ in range(5)]
    pages, _ = await sync_until(client, handler, None, lambda pages: bool(case_ids(pages)), limit=2)
    first = pages[0]
    assert len(first["cases"]) == 2 and first["more"]
    # while the app is between pages, the department accepts a case the app already has
    changed = first["cases"][0]
    r = await client.post(
        f"/v1/cases/{changed['id']}/transitions",
        json={"action": "accept"},
        headers={**bearer(handler), "If-Match": str(changed["version"])},
    )
    assert r.status_code == 200, r.text

    def accepted_arrived(pages: list[Page]) -> bool:
        return any(c["id"] == changed["id"] and c["state"] == "accepted" for p in pages for c in p["cases"])

    rest, cursor = await sync_until(client, handler, first["next_cursor"], accepted_arrived, limit=2)
    received = Counter(case_ids([first, *rest]))
    # the changed case twice (as it was, then as it is), every other case once
    assert received == Counter({str(i): 1 for i in ids} | {changed["id"]: 2})
    pages, _ = await sync_pages(client, handler, cursor)
    assert nothing(pages)


async def test_a_transaction_that_commits_late_is_not_jumped(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, settings: Settings
) -> None:
    handler = staff.tokens["department_handler"]
    early = await make_case(db, "dispatched", inspector_id=None, step="accept")
    later = await make_case(db, "dispatched", inspector_id=None, step="accept")
    _, cursor = await sync_until(client, handler, None, has_all(early, later))

    slow = await connect(settings)
    try:
        transaction = slow.transaction()
        await transaction.start()
        await slow.execute("UPDATE cases SET urgent = true WHERE id = $1", early)  # takes its id now
        await db.execute(
            "UPDATE cases SET urgent = true WHERE id = $1", later
        )  # a newer id, committed at once
        slow_xid = await slow.fetchval("SELECT change_xid FROM cases WHERE id = $1", early)
        assert slow_xid < await db.fetchval("SELECT change_xid FROM cases WHERE id = $1", later)
        # handing `later` out now would move the cursor past `early`, which commits afterwards: it waits
        pages, cursor = await sync_pages(client, handler, cursor)
        assert nothing(pages)
        await transaction.commit()
    finally:
        await slow.close()

    pages, cursor = await sync_until(client, handler, cursor, has_all(early, later))
    assert Counter(case_ids(pages)) == Counter({str(early): 1, str(later): 1})
    assert all(c["urgent"] for p in pages for c in p["cases"])
    pages, _ = await sync_pages(client, handler, cursor)
    assert nothing(pages)


async def test_a_delta_carries_only_what_changed(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    inspector, inspector_id = staff.tokens["inspector"], staff.ids["inspector"]
    mine = await make_case(db, "reported", inspector_id=inspector_id, step="register")
    other = await make_case(db, "reported", inspector_id=inspector_id, step="register")
    for case_id in (mine, other):
        r = await client.post(
            f"/v1/cases/{case_id}/transitions",
            json={"action": "send_to_verify"},
            headers={**bearer(staff.tokens["intake_clerk"]), "If-Match": "1"},
        )
        assert r.status_code == 200, r.text

    def both_tasks(pages: list[Page]) -> bool:
        return {t["case"]["id"] for p in pages for t in p["tasks"]} == {str(mine), str(other)}

    pages, cursor = await sync_until(client, inspector, None, both_tasks)
    tasks = {t["case"]["id"]: t for p in pages for t in p["tasks"]}
    assert {t["kind"] for t in tasks.values()} == {"verify"}
    assert all(p["tombstones"] == [] for p in pages)  # a first sync: nothing to take back

    # nothing changed: no cases, no tasks (the open tasks are not sent again)
    pages, cursor = await sync_pages(client, inspector, cursor)
    assert nothing(pages)

    # one case changes, its task stays open: that case and its task only
    await db.execute("UPDATE cases SET urgent = true WHERE id = $1", other)
    pages, cursor = await sync_until(client, inspector, cursor, has_all(other))
    assert case_ids(pages) == [str(other)]
    assert [t["task_id"] for p in pages for t in p["tasks"]] == [tasks[str(other)]["task_id"]]
    assert all(p["tombstones"] == [] for p in pages)

    # the inspector verifies the other one: the case comes with no task, and the task is taken back
    photo = await make_photo(db, inspector_id)
    r = await client.post(
        f"/v1/cases/{mine}/transitions",
        json={"action": "verify", "photo_ids": [str(photo)]},
        headers={**bearer(inspector), "If-Match": "2"},
    )
    assert r.status_code == 200, r.text
    pages, cursor = await sync_until(client, inspector, cursor, has_all(mine))
    assert case_ids(pages) == [str(mine)]
    assert [c["state"] for p in pages for c in p["cases"]] == ["verified"]
    assert [t for p in pages for t in p["tasks"]] == []
    assert [t for p in pages for t in p["tombstones"]] == [
        {"type": "task", "id": str(tasks[str(mine)]["task_id"])}
    ]
    pages, _ = await sync_pages(client, inspector, cursor)
    assert nothing(pages)


async def test_the_deprecated_since_still_works(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, app: Litestar
) -> None:
    handler = staff.tokens["department_handler"]
    old = await make_case(db, "dispatched", inspector_id=None, step="accept")
    _, cursor = await sync_until(client, handler, None, has_all(old))
    # a cursor of the previous version: the time of the last sync
    then = encode_cursor((await db.fetchval("SELECT now()")).isoformat())
    new = await make_case(db, "dispatched", inspector_id=None, step="accept")
    pages, _ = await sync_until(client, handler, then, has_all(new), param="since")
    assert str(old) not in case_ids(pages)
    # today's cursors work under the old name too
    pages, _ = await sync_until(client, handler, cursor, has_all(new), param="since")
    assert case_ids(pages) == [str(new)]

    parameters = app.openapi_schema.to_schema()["paths"]["/v1/sync"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    assert by_name["since"]["schema"].get("deprecated") is True
    assert "deprecated" not in by_name["cursor"]["schema"]


async def test_a_cursor_from_another_database_starts_again(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    handler = staff.tokens["department_handler"]
    case_id = await make_case(db, "dispatched", inspector_id=None, step="accept")
    ahead = await db.fetchval("SELECT pg_current_xact_id()::text::bigint") + 10_000_000
    pages, _ = await sync_until(
        client, handler, encode_cursor("x", ahead, uuid.UUID(int=0), 0), has_all(case_id)
    )
    assert case_ids(pages) == [str(case_id)]


async def test_cursor_and_since_together_are_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    handler = staff.tokens["department_handler"]
    await make_case(db, "dispatched", inspector_id=None, step="accept")
    _, cursor = await sync_pages(client, handler)
    before = await db.fetch("SELECT id, version, change_xid FROM cases ORDER BY id")
    r = await client.get("/v1/sync", params={"cursor": cursor, "since": cursor}, headers=bearer(handler))
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert [e["field"] for e in r.json()["errors"]] == ["since"]
    assert await db.fetch("SELECT id, version, change_xid FROM cases ORDER BY id") == before


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("cursor", "garbage"),
        ("since", "garbage"),
        ("cursor", encode_cursor("x", "12", "not-a-uuid", "0")),
        ("cursor", encode_cursor("y", 12, uuid.UUID(int=0), 0)),
        ("cursor", encode_cursor("x", -1, uuid.UUID(int=0), 0)),
        ("cursor", encode_cursor("x", 2**63, uuid.UUID(int=0), 0)),
        ("since", encode_cursor("2024-05-01T08:00:00")),  # the old format, but without a time zone
        ("since", encode_cursor("yesterday")),
    ],
    ids=[
        "garbage",
        "garbage-since",
        "bad-uuid",
        "unknown-tag",
        "negative",
        "too-big",
        "naive-time",
        "not-a-time",
    ],
)
async def test_a_bad_cursor_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, param: str, value: str
) -> None:
    await make_case(db, "dispatched", inspector_id=None, step="accept")
    before = await db.fetch("SELECT id, version, change_xid FROM cases ORDER BY id")
    r = await client.get(
        "/v1/sync", params={param: value}, headers=bearer(staff.tokens["department_handler"])
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_cursor"
    assert [e["field"] for e in r.json()["errors"]] == [param]
    assert await db.fetch("SELECT id, version, change_xid FROM cases ORDER BY id") == before


async def test_the_etag_is_the_version_and_round_trips_through_if_match(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    handler = staff.tokens["department_handler"]
    case_id = await make_case(db, "dispatched", inspector_id=None, step="accept")
    r = await client.get(f"/v1/cases/{case_id}", headers=bearer(handler))
    assert r.status_code == 200
    assert r.headers["ETag"] == '"1"' == f'"{r.json()["summary"]["version"]}"'
    public = await client.get(f"/v1/cases/{case_id}")  # the public view carries it too
    assert public.status_code == 200 and public.json()["view"] == "public"
    assert public.headers["ETag"] == '"1"'

    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json={"action": "accept"},
        headers={**bearer(handler), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"' == f'"{r.json()["case"]["version"]}"'
    r = await client.get(f"/v1/cases/{case_id}", headers=bearer(handler))
    assert r.headers["ETag"] == '"2"'

    # the ETag read before the change is stale now: refused, nothing written
    events = await db.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id)
    r = await client.post(
        f"/v1/cases/{case_id}/transitions",
        json={"action": "request_extension", "note": "待材料", "new_deadline": "2030-01-01T00:00:00+00:00"},
        headers={**bearer(handler), "If-Match": '"1"'},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "version_conflict"
    assert await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id) == 2
    assert await db.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id) == events


async def test_a_replayed_transition_carries_the_etag_of_its_answer(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff
) -> None:
    handler = staff.tokens["department_handler"]
    case_id = await make_case(db, "dispatched", inspector_id=None, step="accept")
    headers = {**bearer(handler), "If-Match": '"1"', "Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(f"/v1/cases/{case_id}/transitions", json={"action": "accept"}, headers=headers)
    again = await client.post(f"/v1/cases/{case_id}/transitions", json={"action": "accept"}, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.headers["ETag"] == again.headers["ETag"] == '"2"'
