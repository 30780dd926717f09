"""One pagination style: every v2 list pages with an opaque `cursor` and `limit` and answers
{items, next_cursor}; paging through more rows than a page holds brings every row exactly once, in order.
The deprecated v1 lists answer as before, and their integer ids are bounded to bigint (422, not a 500)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from cases.catalogue.service import DEMO_CATALOGUE, load_catalogue, parse_catalogue
from identity import store as identity_store
from tests.identity.helpers import bearer, staff_token

INT64_MAX = 2**63 - 1
ADMIN_PHONE = "+8613700000901"
INSPECTOR_PHONE = "+8613700000902"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def _catalogue(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))


async def _admin(db: asyncpg.Connection, settings: Settings) -> dict[str, str]:
    return bearer(await staff_token(db, settings, ADMIN_PHONE, "admin"))


async def page_through(
    client: AsyncTestClient[Any], path: str, headers: dict[str, str], limit: int, **params: Any
) -> tuple[list[dict[str, Any]], int]:
    """Every item of a v2 list, page by page; also how many requests it took."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for requests in range(1, 200):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        r = await client.get(path, params=query, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"items", "next_cursor"}
        assert len(body["items"]) <= limit
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            assert len(body["items"]) < limit  # a full page always comes with a cursor
            return items, requests
        assert isinstance(cursor, str)
        assert len(body["items"]) == limit
    raise AssertionError("the pages never end")


def _ids(items: list[dict[str, Any]], key: str = "id") -> list[Any]:
    return [item[key] for item in items]


def _once(ids: list[Any]) -> None:
    assert len(ids) == len(set(ids)), "a row came twice"


# the audit log --------------------------------------------------------------------------------------------------


async def _audit_rows(db: asyncpg.Connection, n: int) -> None:
    for i in range(n):
        await identity_store.insert_audit(
            db,
            actor_id=None,
            actor_label="tests",
            action="test.action",
            target_type="thing" if i % 3 else "other",
            target_id=str(i),
            details={"i": i},
            client_ip=None,
            request_id=None,
        )


async def test_audit_v2_pages_through_every_entry_once_newest_first(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await _admin(db, settings)
    await _audit_rows(db, 23)
    expected = [r["id"] for r in await db.fetch("SELECT id FROM audit_log ORDER BY id DESC")]
    assert len(expected) > 23

    items, requests = await page_through(client, "/v2/audit", admin, 7)
    assert _ids(items) == expected
    assert requests == len(expected) // 7 + 1

    things = [
        r["id"]
        for r in await db.fetch("SELECT id FROM audit_log WHERE target_type = 'thing' ORDER BY id DESC")
    ]
    items, _ = await page_through(client, "/v2/audit", admin, 4, target_type="thing")
    assert _ids(items) == things


async def test_audit_v1_answers_as_before(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await _admin(db, settings)
    await _audit_rows(db, 12)
    expected = [r["id"] for r in await db.fetch("SELECT id FROM audit_log ORDER BY id DESC")]

    first = (await client.get("/v1/audit", params={"limit": 5}, headers=admin)).json()
    assert _ids(first["items"]) == expected[:5]
    assert first["next_cursor"] == expected[4]  # an integer: the last id seen
    second = (
        await client.get("/v1/audit", params={"limit": 5, "before": first["next_cursor"]}, headers=admin)
    ).json()
    assert _ids(second["items"]) == expected[5:10]
    rest = (await client.get("/v1/audit", params={"limit": 50, "before": expected[9]}, headers=admin)).json()
    assert (_ids(rest["items"]), rest["next_cursor"]) == (expected[10:], None)
    exact = (await client.get("/v1/audit", params={"limit": len(expected)}, headers=admin)).json()
    assert exact["next_cursor"] == expected[-1]  # a full page always carried a cursor, as before
    r = await client.get("/v1/audit", params={"before": INT64_MAX}, headers=admin)
    assert r.status_code == 200
    assert _ids(r.json()["items"]) == expected[:50]


# notifications: webhooks, deliveries, the outbox ---------------------------------------------------------------


async def _subscriber(db: asyncpg.Connection, name: str, *, deleted: bool = False) -> UUID:
    hook: UUID = await db.fetchval(
        """INSERT INTO webhook_subscribers (name, url, events, secret, deleted_at)
           VALUES ($1, 'https://hooks.example.com/x', '{case.closed}', 'a-secret-of-sixteen+', $2) RETURNING id""",
        name,
        datetime.now(UTC) if deleted else None,
    )
    return hook


async def _outbox(db: asyncpg.Connection, status: str) -> int:
    outbox_id: int = await db.fetchval(
        "INSERT INTO outbox (topic, payload, status) VALUES ('case.closed', '{}', $1) RETURNING id", status
    )
    return outbox_id


async def _delivery(db: asyncpg.Connection, outbox_id: int, hook: UUID, status: str, n: int) -> int:
    delivery_id: int = await db.fetchval(
        """INSERT INTO deliveries (key, outbox_id, channel, subscriber_id, event, body, status)
           VALUES ($1, $2, 'webhook', $3, 'case.closed', '{}', $4) RETURNING id""",
        f"test-{n}",
        outbox_id,
        hook,
        status,
    )
    return delivery_id


@pytest.fixture
async def deliveries(db: asyncpg.Connection) -> dict[str, Any]:
    """Two subscribers with 14 and 6 deliveries between them (every third one dead), 11 dead outbox rows."""
    hooks = [await _subscriber(db, "a"), await _subscriber(db, "b")]
    outbox = [await _outbox(db, "dead" if i % 4 else "done") for i in range(15)]
    for n in range(20):
        await _delivery(
            db, outbox[n % 15], hooks[0] if n % 10 < 7 else hooks[1], "dead" if n % 3 == 0 else "done", n
        )
    return {"hooks": hooks, "outbox": outbox}


async def test_deliveries_v2_page_through_every_delivery_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, deliveries: dict[str, Any]
) -> None:
    admin = await _admin(db, settings)
    every = [r["id"] for r in await db.fetch("SELECT id FROM deliveries ORDER BY id DESC")]
    items, _ = await page_through(client, "/v2/admin/deliveries", admin, 6)
    assert _ids(items) == every

    dead = [
        r["id"] for r in await db.fetch("SELECT id FROM deliveries WHERE status = 'dead' ORDER BY id DESC")
    ]
    items, _ = await page_through(client, "/v2/admin/deliveries", admin, 2, status="dead", channel="webhook")
    assert _ids(items) == dead

    hook = deliveries["hooks"][0]
    of_hook = [
        r["id"]
        for r in await db.fetch("SELECT id FROM deliveries WHERE subscriber_id = $1 ORDER BY id DESC", hook)
    ]
    items, _ = await page_through(client, f"/v2/admin/webhooks/{hook}/deliveries", admin, 5)
    assert _ids(items) == of_hook
    assert {item["subscriber_id"] for item in items} == {str(hook)}

    r = await client.get("/v2/admin/webhooks/0190f0e0-0000-7000-8000-000000000000/deliveries", headers=admin)
    assert (r.status_code, r.json()["code"]) == (404, "webhook_not_found")


async def test_deliveries_v1_answer_as_before(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, deliveries: dict[str, Any]
) -> None:
    admin = await _admin(db, settings)
    every = [r["id"] for r in await db.fetch("SELECT id FROM deliveries ORDER BY id DESC")]
    first = (await client.get("/v1/admin/deliveries", params={"limit": 8}, headers=admin)).json()
    assert (_ids(first["items"]), first["next_cursor"]) == (every[:8], every[7])
    second = (
        await client.get("/v1/admin/deliveries", params={"limit": 8, "before": every[7]}, headers=admin)
    ).json()
    assert _ids(second["items"]) == every[8:16]

    hook = deliveries["hooks"][1]
    of_hook = [
        r["id"]
        for r in await db.fetch("SELECT id FROM deliveries WHERE subscriber_id = $1 ORDER BY id DESC", hook)
    ]
    body = (
        await client.get(f"/v1/admin/webhooks/{hook}/deliveries", params={"limit": 50}, headers=admin)
    ).json()
    assert (_ids(body["items"]), body["next_cursor"]) == (of_hook, None)


async def test_outbox_v2_pages_through_every_entry_of_a_status_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, deliveries: dict[str, Any]
) -> None:
    admin = await _admin(db, settings)
    dead = [r["id"] for r in await db.fetch("SELECT id FROM outbox WHERE status = 'dead' ORDER BY id DESC")]
    assert len(dead) == 11
    items, requests = await page_through(client, "/v2/admin/outbox", admin, 4)
    assert (_ids(items), requests) == (dead, 3)
    done = [r["id"] for r in await db.fetch("SELECT id FROM outbox WHERE status = 'done' ORDER BY id DESC")]
    items, _ = await page_through(client, "/v2/admin/outbox", admin, 1, status="done")
    assert _ids(items) == done

    v1 = (await client.get("/v1/admin/outbox", params={"limit": 4, "before": dead[3]}, headers=admin)).json()
    assert (_ids(v1["items"]), v1["next_cursor"]) == (dead[4:8], dead[7])


async def test_webhooks_v2_page_through_every_live_subscriber_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await _admin(db, settings)
    for i in range(11):
        await _subscriber(db, f"hook {i}", deleted=i == 5)
    live = [
        str(r["id"])
        for r in await db.fetch("SELECT id FROM webhook_subscribers WHERE deleted_at IS NULL ORDER BY id")
    ]
    assert len(live) == 10
    items, requests = await page_through(client, "/v2/admin/webhooks", admin, 3)
    assert (_ids(items), requests) == (live, 4)
    assert all("secret" not in item for item in items)

    v1 = (await client.get("/v1/admin/webhooks", headers=admin)).json()
    assert v1 == items  # still every subscriber, in a bare array


# routing data: grid imports, duties, category → department links ---------------------------------------------


async def test_grid_imports_v2_page_through_imports_made_in_the_same_instant(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await _admin(db, settings)
    # three imports share a timestamp: the v1 date-time `before` could not page between them
    times = [T0, T0 + timedelta(minutes=1), *[T0 + timedelta(minutes=2)] * 3, T0 + timedelta(minutes=3)]
    for i, at in enumerate(times):
        await db.execute(
            """INSERT INTO grid_imports (kind, file_name, sha256, outcome, dry_run, make_valid, created_at)
               VALUES ('unit', $1, $2, 'imported', false, false, $3)""",
            f"grids-{i}.geojson",
            f"{i:064x}",
            at,
        )
    expected = [
        str(r["id"]) for r in await db.fetch("SELECT id FROM grid_imports ORDER BY created_at DESC, id DESC")
    ]
    items, requests = await page_through(client, "/v2/admin/grids/imports", admin, 2)
    assert (_ids(items), requests) == (expected, 4)
    _once(_ids(items))

    v1 = (await client.get("/v1/admin/grids/imports", headers=admin)).json()
    assert v1 == items
    tied = (T0 + timedelta(minutes=2)).isoformat()
    older = (await client.get("/v1/admin/grids/imports", params={"before": tied}, headers=admin)).json()
    assert _ids(older) == expected[-2:]  # strictly older than `before`, as before
    assert (await client.get("/v1/admin/grids/imports", params={"limit": 1}, headers=admin)).json() == items[
        :1
    ]


async def _grid(db: asyncpg.Connection, code: str) -> UUID:
    grid_id: UUID = await db.fetchval(
        """INSERT INTO responsibility_grids (code, geom)
           VALUES ($1, ST_Multi(ST_MakeEnvelope(116.39, 39.90, 116.40, 39.91, 4326))) RETURNING id""",
        code,
    )
    return grid_id


@pytest.fixture
async def duties(db: asyncpg.Connection) -> None:
    """Two grids, three inspectors; eleven duties, several starting at the same time."""
    grids = [await _grid(db, "110101001"), await _grid(db, "110101002")]
    inspectors = [
        await identity_store.insert_user(db, f"+86137000008{i:02d}", f"inspector {i}") for i in range(3)
    ]
    for n in range(11):
        await db.execute(
            """INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at, ends_at)
               VALUES ($1, $2, $3, $4)""",
            inspectors[n % 3],
            grids[n % 2],
            T0 + timedelta(days=n // 3),
            T0 + timedelta(days=n // 3, hours=8) if n % 4 else None,
        )


async def test_duties_v2_page_through_every_duty_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, duties: None
) -> None:
    admin = await _admin(db, settings)
    every = (await client.get("/v1/admin/duties", headers=admin)).json()
    assert len(every) == 11
    items, requests = await page_through(client, "/v2/admin/duties", admin, 3)
    assert (items, requests) == (every, 4)
    _once(_ids(items))
    assert [(d["grid"], d["starts_at"], d["inspector_id"]) for d in items] == sorted(
        (d["grid"], d["starts_at"], d["inspector_id"]) for d in items
    )

    at = (T0 + timedelta(hours=2)).isoformat()
    running = (
        await client.get("/v1/admin/duties", params={"grid": "110101001", "at": at}, headers=admin)
    ).json()
    items, _ = await page_through(client, "/v2/admin/duties", admin, 1, grid="110101001", at=at)
    assert items == running and running

    r = await client.get("/v2/admin/duties", params={"grid": "110101099"}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "unknown_grid")
    r = await client.get("/v2/admin/duties", params={"at": "2026-11-02T08:00:00"}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    # a bare number is not a time (litestar's lax conversion took it as seconds since 1970)
    for path, name in [
        ("/v1/admin/duties", "at"),
        ("/v2/admin/duties", "at"),
        ("/v1/admin/grids/imports", "before"),
    ]:
        r = await client.get(path, params={name: "1764576000"}, headers=admin)
        assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), path
    r = await client.get("/v1/admin/duties", params={"at": "2026-02-30T08:00:00Z"}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = await client.get("/v1/admin/duties", params={"limit": 4}, headers=admin)
    assert r.json() == every[:4]


async def test_category_departments_v2_page_through_every_link_once(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await _admin(db, settings)
    await _catalogue(db)
    categories = [r["code"] for r in await db.fetch("SELECT code FROM categories ORDER BY code LIMIT 4")]
    for i, category in enumerate(categories):
        for district in (None, "110101", "110102")[: 1 + i % 3]:
            await db.execute(
                """INSERT INTO category_departments (category_code, district_code, department_code)
                   VALUES ($1, $2, 'sanitation')""",
                category,
                district,
            )
    every = (await client.get("/v1/admin/category-departments", headers=admin)).json()
    assert len(every) == 1 + 2 + 3 + 1
    assert [(link["category"], link["district_code"]) for link in every][:3] == [
        (categories[0], None),
        (categories[1], None),
        (categories[1], "110101"),
    ]
    items, requests = await page_through(client, "/v2/admin/category-departments", admin, 2)
    assert (items, requests) == (every, 4)

    of_one = [link for link in every if link["category"] == categories[2]]
    items, _ = await page_through(client, "/v2/admin/category-departments", admin, 1, category=categories[2])
    assert items == of_one


# inspectors' tasks -----------------------------------------------------------------------------------------------

POINT = {"lat": 39.9087, "lon": 116.3975}


@pytest.fixture
async def tasks(db: asyncpg.Connection, settings: Settings) -> dict[str, Any]:
    """Ten open tasks of one inspector: deadlines in three groups of equal times, cases at growing distances
    in an order unlike their ids; one task of another inspector and one completed task besides."""
    await _catalogue(db)
    token = await staff_token(db, settings, INSPECTOR_PHONE, "inspector", ("district", "110101"))
    inspector = await db.fetchval("SELECT id FROM users WHERE phone = $1", INSPECTOR_PHONE)
    other = await identity_store.insert_user(db, "+8613700000999", "another inspector")
    for n in range(12):
        case_id = await db.fetchval(
            """INSERT INTO cases (category_code, source, location, state, district_code)
               VALUES ('C0101', 'citizen', ST_SetSRID(ST_MakePoint($1, 39.9087), 4326), 'verifying', '110101')
               RETURNING id""",
            116.3975 + ((n * 7) % 10) * 0.001,
        )
        await db.execute(
            """INSERT INTO case_deadlines (case_id, round, step, assignee_id, due_at, due_soon_at, completed_at)
               VALUES ($1, 1, $2, $3, $4, $4, $5)""",
            case_id,
            "verify" if n % 2 else "check",
            other if n == 10 else inspector,
            T0 + timedelta(hours=n % 3),
            T0 if n == 11 else None,
        )
    return {"headers": bearer(token)}


@pytest.mark.parametrize("where", [POINT, {}], ids=["by distance", "no position"])
async def test_inspector_tasks_v2_page_through_every_task_once_by_deadline_then_distance(
    client: AsyncTestClient[Any], db: asyncpg.Connection, tasks: dict[str, Any], where: dict[str, float]
) -> None:
    headers = tasks["headers"]
    every = (await client.get("/v1/inspector/tasks", params=where, headers=headers)).json()
    assert len(every) == 10
    items, requests = await page_through(client, "/v2/inspector/tasks", headers, 3, **where)
    assert (items, requests) == (every, 4)
    _once(_ids(items, "task_id"))
    if where:
        order = [(t["due_at"], t["distance_m"]) for t in items]
        assert order == sorted(order)
        assert len({t["distance_m"] for t in items}) == 10
    else:
        assert [(t["due_at"], t["task_id"]) for t in items] == sorted(
            (t["due_at"], t["task_id"]) for t in items
        )
        assert all(t["distance_m"] is None for t in items)


async def test_an_inspector_tasks_cursor_belongs_to_its_position(
    client: AsyncTestClient[Any], db: asyncpg.Connection, tasks: dict[str, Any]
) -> None:
    headers = tasks["headers"]
    first = (await client.get("/v2/inspector/tasks", params={**POINT, "limit": 4}, headers=headers)).json()
    cursor = first["next_cursor"]
    moved = {"lat": POINT["lat"] + 0.01, "lon": POINT["lon"]}
    for params in (moved, {}, {"lat": POINT["lat"]}):
        r = await client.get("/v2/inspector/tasks", params={**params, "cursor": cursor}, headers=headers)
        assert (r.status_code, r.json()["code"]) == (422, "invalid_cursor"), params
    plain = (await client.get("/v2/inspector/tasks", params={"limit": 4}, headers=headers)).json()
    r = await client.get(
        "/v2/inspector/tasks", params={**POINT, "cursor": plain["next_cursor"]}, headers=headers
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_cursor")
    # the same position again: the next page
    r = await client.get(
        "/v2/inspector/tasks", params={**POINT, "cursor": cursor, "limit": 4}, headers=headers
    )
    assert r.status_code == 200
    assert r.json()["items"][0]["task_id"] not in _ids(first["items"], "task_id")


# refusals -------------------------------------------------------------------------------------------------------

V2_LISTS = [
    ("/v2/audit", "admin"),
    ("/v2/admin/deliveries", "admin"),
    ("/v2/admin/outbox", "admin"),
    ("/v2/admin/webhooks", "admin"),
    ("/v2/admin/webhooks/{hook}/deliveries", "admin"),
    ("/v2/admin/grids/imports", "admin"),
    ("/v2/admin/duties", "admin"),
    ("/v2/admin/category-departments", "admin"),
    ("/v2/inspector/tasks", "inspector"),
]

GARBAGE = [
    "not a cursor!",
    "%%%%",
    _b64("1|2|3|4|5|6|7"),
    _b64(str(2**63)),
    _b64("-5"),
    _b64("abc"),
    _b64("2026-13-45T99:00:00+00:00|zzz|1|2|3"),
    "\u00e9t\u00e9",
]


@pytest.mark.parametrize(("path", "role"), V2_LISTS, ids=[p for p, _ in V2_LISTS])
async def test_a_cursor_this_api_did_not_give_out_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, path: str, role: str
) -> None:
    await _catalogue(db)
    scope = ("district", "110101") if role == "inspector" else None
    headers = bearer(await staff_token(db, settings, ADMIN_PHONE, role, scope))  # type: ignore[arg-type]
    hook = await _subscriber(db, "a")
    audit_before = await db.fetchval("SELECT count(*) FROM audit_log")
    for cursor in GARBAGE:
        r = await client.get(path.format(hook=hook), params={"cursor": cursor}, headers=headers)
        assert r.status_code == 422, (cursor, r.text)
        problem = r.json()
        assert problem["code"] == "invalid_cursor", (cursor, problem)
        assert "cursor" in {e["field"] for e in problem["errors"]}
    for limit in (0, 201):
        r = await client.get(path.format(hook=hook), params={"limit": limit}, headers=headers)
        assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    assert await db.fetchval("SELECT count(*) FROM audit_log") == audit_before


@pytest.mark.parametrize(("path", "role"), V2_LISTS, ids=[p for p, _ in V2_LISTS])
async def test_v2_lists_need_their_role(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, path: str, role: str
) -> None:
    concrete = path.format(hook="0190f0e0-0000-7000-8000-000000000000")
    r = await client.get(concrete)
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    other = "inspector" if role == "admin" else "admin"
    token = await staff_token(db, settings, ADMIN_PHONE, other)  # type: ignore[arg-type]
    r = await client.get(concrete, headers=bearer(token))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")


@pytest.mark.parametrize(
    "path",
    [
        "/v1/audit",
        "/v1/admin/deliveries",
        "/v1/admin/outbox",
        "/v1/admin/webhooks/{hook}/deliveries",
    ],
)
async def test_v1_before_past_bigint_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, path: str
) -> None:
    admin = await _admin(db, settings)
    hook = await _subscriber(db, "a")
    for before in (str(2**63), "99999999999999999999999", "0", "-1"):
        r = await client.get(path.format(hook=hook), params={"before": before}, headers=admin)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["code"] == "validation_failed"
        assert [e["field"] for e in problem["errors"]] == ["before"]
    r = await client.get(path.format(hook=hook), params={"before": str(INT64_MAX)}, headers=admin)
    assert r.status_code == 200


async def _snapshot(db: asyncpg.Connection) -> list[Any]:
    return [
        [dict(r) for r in await db.fetch("SELECT * FROM deliveries ORDER BY id")],
        [dict(r) for r in await db.fetch("SELECT * FROM outbox ORDER BY id")],
        await db.fetchval("SELECT count(*) FROM audit_log"),
    ]


@pytest.mark.parametrize("kind", ["deliveries", "outbox"])
async def test_replaying_an_id_past_bigint_is_refused_and_changes_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    deliveries: dict[str, Any],
    kind: str,
) -> None:
    admin = await _admin(db, settings)
    before = await _snapshot(db)
    for raw in (str(2**63), "184467440737095516160", "0"):
        r = await client.post(f"/v1/admin/{kind}/{raw}/replay", headers=admin)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["code"] == "validation_failed"
        assert [e["field"] for e in problem["errors"]] == [
            f"{'delivery' if kind == 'deliveries' else 'outbox'}_id"
        ]
    r = await client.post(f"/v1/admin/{kind}/{INT64_MAX}/replay", headers=admin)
    assert (r.status_code, r.json()["code"]) == (
        404,
        "delivery_not_found" if kind == "deliveries" else "outbox_entry_not_found",
    )
    assert await _snapshot(db) == before
