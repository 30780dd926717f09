"""The inbox: newest first in pages, an unread count, marking read (one, all, up to a point), the reader's
language; and nobody reads or marks another person's messages."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from tests.cases.workflow_fixtures import Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen
from tests.notifications.helpers import inbox

PARAMS = {"category_zh": "暴露垃圾", "category_en": "Exposed rubbish", "number": "2026112200042"}


async def deliver(db: asyncpg.Connection, user_id: uuid.UUID, case_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    """n messages to one user, as the worker writes them (oldest first)."""
    ids = []
    for i in range(n):
        ids.append(
            await db.fetchval(
                """INSERT INTO notifications (user_id, outbox_id, kind, case_id, params)
                   VALUES ($1, $2, 'report.closed', $3, $4) RETURNING id""",
                user_id,
                10_000 + i,
                case_id,
                PARAMS,
            )
        )
    return ids


async def test_pages_newest_first_with_the_unread_count(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, reporter: Citizen
) -> None:
    case_id = await make_case(db, "closed", inspector_id=None)
    ids = await deliver(db, reporter.id, case_id, 5)

    first = await inbox(client, reporter.token, limit=2)
    assert [i["id"] for i in first["items"]] == [str(x) for x in reversed(ids[-2:])]
    assert first["unread_count"] == 5
    second = await inbox(client, reporter.token, limit=2, cursor=first["next_cursor"])
    third = await inbox(client, reporter.token, limit=2, cursor=second["next_cursor"])
    assert [i["id"] for i in second["items"] + third["items"]] == [str(x) for x in reversed(ids[:3])]
    assert third["next_cursor"] is None
    item = first["items"][0]
    assert (item["title"], item["link"]) == ("问题已办结", f"cityloop://cases/{case_id}")
    assert item["body"] == "暴露垃圾（2026112200042）已处理完毕，欢迎评价。"

    # the reader's language, whenever they change it
    r = await client.patch("/v1/me", json={"locale": "en"}, headers=bearer(reporter.token))
    assert r.status_code == 200
    item = (await inbox(client, reporter.token, limit=1))["items"][0]
    assert (item["title"], item["body"]) == (
        "Report resolved",
        "Exposed rubbish (2026112200042) was fixed. Tell us whether it is.",
    )


async def test_marking_read(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, reporter: Citizen
) -> None:
    case_id = await make_case(db, "closed", inspector_id=None)
    ids = await deliver(db, reporter.id, case_id, 4)
    auth = bearer(reporter.token)

    r = await client.post(f"/v1/inbox/{ids[0]}/read", headers=auth)
    assert (r.status_code, r.json()) == (200, {"unread_count": 3})
    r = await client.post(f"/v1/inbox/{ids[0]}/read", headers=auth)  # again: harmless
    assert r.json() == {"unread_count": 3}
    unread = await inbox(client, reporter.token, unread="true")
    assert {i["id"] for i in unread["items"]} == {str(x) for x in ids[1:]}

    # up to what the app has shown: a message that arrived since stays unread
    r = await client.post("/v1/inbox/read-all", params={"up_to": str(ids[2])}, headers=auth)
    assert (r.status_code, r.json()) == (200, {"marked": 2, "unread_count": 1})
    r = await client.post("/v1/inbox/read-all", headers=auth)
    assert r.json() == {"marked": 1, "unread_count": 0}
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE read_at IS NULL") == 0


async def test_nobody_reads_anothers_messages_and_bad_input_changes_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, staff: Staff, reporter: Citizen, follower: Citizen
) -> None:
    case_id = await make_case(db, "closed", inspector_id=None)
    [theirs] = await deliver(db, follower.id, case_id, 1)

    r = await client.post(f"/v1/inbox/{theirs}/read", headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (404, "notification_not_found")
    r = await client.post(f"/v1/inbox/{uuid.uuid4()}/read", headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (404, "notification_not_found")
    r = await client.post("/v1/inbox/read-all", headers=bearer(reporter.token))
    assert r.json() == {"marked": 0, "unread_count": 0}
    assert (await inbox(client, reporter.token))["items"] == []
    assert await db.fetchval("SELECT read_at FROM notifications WHERE id = $1", theirs) is None

    r = await client.get("/v1/inbox", params={"cursor": "!!not-ours!!"}, headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_cursor")
    r = await client.get("/v1/inbox", params={"limit": 0}, headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = await client.post("/v1/inbox/read-all", params={"up_to": "yesterday"}, headers=bearer(reporter.token))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = await client.get("/v1/inbox")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    r = await client.post(f"/v1/inbox/{theirs}/read")
    assert r.status_code == 401
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE read_at IS NOT NULL") == 0
