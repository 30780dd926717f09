"""Submitting, retrying, finding and reading citizens' reports, end to end through the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from cases.common import wgs84_to_gcj02
from tests.cases.helpers import INSIDE, offset, report_body, submit
from tests.identity.helpers import bearer, sign_in, staff_token

pytestmark = pytest.mark.usefixtures("demo_city")
CITIZEN, OTHER = "13912345678", "13987654321"


async def counts(db: asyncpg.Connection) -> tuple[int, int, int]:
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cases), (SELECT count(*) FROM case_events)"
    )
    assert row is not None
    return row[0], row[1], row[2]


@pytest.fixture
async def citizen(client: AsyncTestClient[Any], db: asyncpg.Connection) -> str:
    token: str = (await sign_in(client, db, CITIZEN))["access_token"]
    return token


async def test_submit_a_report(client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str) -> None:
    gcj_lat, gcj_lon = wgs84_to_gcj02(INSIDE["lat"], INSIDE["lon"])
    r = await submit(
        client,
        citizen,
        report_body(
            location={"lat": gcj_lat, "lon": gcj_lon, "crs": "gcj02"},
            address="东城区王府井大街1号",
            client_id="phone-rec-1",
        ),
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "reported"
    assert created["joined_existing"] is False
    today = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    assert created["number"] == f"{today}00001"

    stored = await db.fetchrow(
        "SELECT ST_Y(location) AS lat, ST_X(location) AS lon, original_lat, original_crs FROM reports WHERE id = $1",
        uuid.UUID(created["id"]),
    )
    # stored in WGS-84, within centimetres of where the phone was; the original pair kept with its tag
    assert stored["lat"] == pytest.approx(INSIDE["lat"], abs=1e-6)
    assert stored["lon"] == pytest.approx(INSIDE["lon"], abs=1e-6)
    assert stored["original_lat"] == gcj_lat
    assert stored["original_crs"] == "gcj02"

    mine = (await client.get(f"/v1/reports/{created['id']}", headers=bearer(citizen))).json()
    assert mine["view"] == "full"
    assert mine["client_id"] == "phone-rec-1"
    assert [e["kind"] for e in mine["timeline"]] == ["reported"]
    # asked for in GCJ-02, the location comes back in GCJ-02
    shown = (await client.get(f"/v1/reports/{created['id']}?crs=gcj02", headers=bearer(citizen))).json()
    assert shown["location"]["lat"] == pytest.approx(gcj_lat, abs=1e-6)


async def test_report_numbers_count_up_within_a_day(client: AsyncTestClient[Any], citizen: str) -> None:
    first = (await submit(client, citizen)).json()["number"]
    second = (await submit(client, citizen, report_body(category="E0501"))).json()["number"]
    assert int(second) == int(first) + 1


async def test_a_retry_with_the_same_key_returns_the_original(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    first = await submit(client, citizen, key="retry-key-0001")
    again = await submit(client, citizen, key="retry-key-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert (await counts(db))[0] == 1


async def test_the_same_key_with_another_body_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    await submit(client, citizen, key="retry-key-0002")
    before = await counts(db)
    r = await submit(client, citizen, report_body(description="另一个问题"), key="retry-key-0002")
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert await counts(db) == before


async def test_an_expired_key_runs_again(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    await submit(client, citizen, report_body(category="E0501"), key="retry-key-0003")
    await db.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
    r = await submit(client, citizen, report_body(category="E0201"), key="retry-key-0003")
    assert r.status_code == 201
    assert (await counts(db))[0] == 2


@pytest.mark.parametrize(
    ("key", "code"), [(None, "idempotency_key_required"), ("short", "idempotency_key_invalid")]
)
async def test_the_key_is_required(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, key: str | None, code: str
) -> None:
    headers = bearer(citizen) | ({"Idempotency-Key": key} if key else {})
    r = await client.post("/v1/reports", json=report_body(), headers=headers)
    assert r.status_code == 400
    assert r.json()["code"] == code
    assert await counts(db) == (0, 0, 0)


async def test_the_phones_client_id_makes_a_new_key_harmless(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    first = await submit(client, citizen, report_body(client_id="offline-7"))
    again = await submit(client, citizen, report_body(client_id="offline-7"))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert (await counts(db))[0] == 1


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"location": {"lat": 91, "lon": 116.4, "crs": "wgs84"}}, 422, "invalid_coordinates", "lat"),
        ({"location": {"lat": 39.9, "lon": -181, "crs": "wgs84"}}, 422, "invalid_coordinates", "lon"),
        ({"location": {"lat": 39.9, "lon": 116.4, "crs": "utm50"}}, 422, "validation_failed", None),
        ({"location": {"lat": "north", "lon": 116.4}}, 422, "validation_failed", None),
        (
            {"location": {"lat": 31.23, "lon": 121.47, "crs": "wgs84"}},
            422,
            "outside_service_area",
            "location",
        ),
        ({"category": "E9999"}, 422, "unknown_category", "category"),
        ({"category": "bogus"}, 422, "validation_failed", None),
        ({"category": "E0603"}, 422, "category_not_reportable", "category"),
        ({"category": "C0102"}, 422, "photos_required", "photo_ids"),
        ({"description": "长" * 2001}, 422, "validation_failed", None),
        ({"photo_ids": [str(uuid.uuid4()) for _ in range(7)]}, 422, "validation_failed", None),
        ({"photo_ids": [str(uuid.uuid4())]}, 422, "photo_unavailable", "photo_ids[0]"),
        ({"address": "x" * 201}, 422, "validation_failed", None),
        ({"anonymous": "yes"}, 422, "validation_failed", None),
        ({"reporter_id": str(uuid.uuid4())}, 422, "validation_failed", None),
    ],
)
async def test_bad_reports_are_refused_and_nothing_is_written(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    citizen: str,
    change: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
) -> None:
    r = await submit(client, citizen, report_body(**change))
    assert r.status_code == status, r.text
    problem = r.json()
    assert problem["code"] == code
    if field:
        assert field in [e["field"] for e in problem["errors"]]
    assert await counts(db) == (0, 0, 0)
    assert await db.fetchval("SELECT count(*) FROM idempotency_keys") == 0
    assert await db.fetchval("SELECT count(*) FROM pg_class WHERE relname LIKE 'report_number_%'") == 0


async def test_malformed_json_body(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    r = await client.post(
        "/v1/reports",
        content=b'{"category": "E0102", "location": {"lat": 39.9,',
        headers=bearer(citizen) | {"Idempotency-Key": "malformed-1", "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "malformed_json"
    assert await counts(db) == (0, 0, 0)


async def test_a_report_close_to_an_open_case_joins_it(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    first = (await submit(client, citizen)).json()
    other = (await sign_in(client, db, OTHER))["access_token"]
    near = await submit(client, other, report_body(location=offset(INSIDE, north_m=30)))
    assert near.json()["joined_existing"] is True
    assert near.json()["case_id"] == first["case_id"]
    far = await submit(client, other, report_body(location=offset(INSIDE, north_m=80)))
    assert far.json()["case_id"] != first["case_id"]
    different_kind = await submit(
        client, other, report_body(category="E0501", location=offset(INSIDE, north_m=5))
    )
    assert different_kind.json()["case_id"] != first["case_id"]
    assert (
        await db.fetchval("SELECT reporter_count FROM cases WHERE id = $1", uuid.UUID(first["case_id"])) == 2
    )


async def test_the_join_window_is_per_category(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    first = (await submit(client, citizen)).json()
    await db.execute("UPDATE cases SET created_at = now() - interval '25 hours'")
    later = (await submit(client, citizen, report_body(location=offset(INSIDE, north_m=10)))).json()
    assert later["case_id"] != first["case_id"]


async def test_nearby_lists_open_cases_nearest_first(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    other = (await sign_in(client, db, OTHER))["access_token"]
    for north in (60, 120, 200, 400):  # 400 m is beyond the category's 250 m
        await submit(client, other, report_body(location=offset(INSIDE, north_m=north)))
    await submit(client, other, report_body(category="E0501", location=offset(INSIDE, north_m=61)))
    r = await client.get(
        "/v1/reports/nearby", params={**INSIDE, "category": "E0102"}, headers=bearer(citizen)
    )
    assert r.status_code == 200
    distances = [c["distance_m"] for c in r.json()]
    assert distances == sorted(distances)
    assert [round(d, -1) for d in distances] == [60, 120, 200]
    assert {c["category"] for c in r.json()} == {"E0102"}
    assert "reporter_id" not in r.json()[0]


async def test_nearby_returns_at_most_five(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    other = (await sign_in(client, db, OTHER))["access_token"]
    # more than the join radius (50 m) apart, all within the category's 250 m
    for north, east in ((60, 0), (120, 0), (180, 0), (240, 0), (0, 60), (0, 120), (0, 180)):
        await submit(client, other, report_body(location=offset(INSIDE, north_m=north, east_m=east)))
    r = await client.get(
        "/v1/reports/nearby", params={**INSIDE, "category": "E0102"}, headers=bearer(citizen)
    )
    assert len(r.json()) == 5


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lat": "nan", "lon": 116.4, "category": "E0102"}, "invalid_coordinates"),
        ({"lat": "inf", "lon": 116.4, "category": "E0102"}, "invalid_coordinates"),
        ({"lat": 39.9, "lon": 190, "category": "E0102"}, "invalid_coordinates"),
        ({"lat": 39.9, "lon": 116.4, "category": "E0102", "crs": "mars"}, "validation_failed"),
        ({"lat": 39.9, "lon": 116.4, "category": "E9999"}, "unknown_category"),
        ({"lat": 39.9, "category": "E0102"}, "validation_failed"),
    ],
)
async def test_nearby_refuses_bad_input(
    client: AsyncTestClient[Any], citizen: str, params: dict[str, Any], code: str
) -> None:
    r = await client.get("/v1/reports/nearby", params=params, headers=bearer(citizen))
    assert r.status_code in (400, 422)
    assert r.json()["code"] == code


async def test_follow_a_report(client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str) -> None:
    report = (await submit(client, citizen)).json()
    other = (await sign_in(client, db, OTHER))["access_token"]
    r = await client.post(f"/v1/reports/{report['id']}/follow", headers=bearer(other))
    assert r.status_code == 200
    r = await client.post(f"/v1/reports/{report['id']}/follow", headers=bearer(other))  # twice is harmless
    assert r.json() == {"case_id": report["case_id"], "following": True}
    assert await db.fetchval("SELECT count(*) FROM case_followers") == 2  # the reporter follows too
    view = (await client.get(f"/v1/reports/{report['id']}", headers=bearer(other))).json()
    assert view["following"] is True
    r = await client.post(f"/v1/reports/{uuid.uuid4()}/follow", headers=bearer(other))
    assert r.status_code == 404
    assert r.json()["code"] == "report_not_found"


async def test_my_reports_are_paginated_newest_first(client: AsyncTestClient[Any], citizen: str) -> None:
    categories = ["E0102", "E0501", "E0201", "E0104", "E0505"]
    for category in categories:
        await submit(client, citizen, report_body(category=category))
    page = (await client.get("/v1/reports/mine", params={"limit": 2}, headers=bearer(citizen))).json()
    seen = [item["category"] for item in page["items"]]
    while page["next_cursor"]:
        page = (
            await client.get(
                "/v1/reports/mine",
                params={"limit": 2, "cursor": page["next_cursor"]},
                headers=bearer(citizen),
            )
        ).json()
        seen += [item["category"] for item in page["items"]]
    assert seen == categories[::-1]
    assert page["items"][0]["timeline"][0]["kind"] == "reported"
    r = await client.get("/v1/reports/mine", params={"cursor": "not-a-cursor"}, headers=bearer(citizen))
    assert r.status_code == 422


async def test_others_see_the_public_view_without_identity(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, settings: Settings
) -> None:
    report = (await submit(client, citizen, report_body(anonymous=True, client_id="c-1"))).json()
    other = (await sign_in(client, db, OTHER))["access_token"]
    for headers in (bearer(other), {}):
        public = (await client.get(f"/v1/reports/{report['id']}", headers=headers)).json()
        assert public["view"] == "public"
        for private in ("reporter_id", "client_id", "anonymous", "original_location", "location_mismatch"):
            assert private not in public
        assert CITIZEN not in str(public)
    clerk = await staff_token(db, settings, "+8613700000020", "intake_clerk")
    staff_view = (await client.get(f"/v1/reports/{report['id']}", headers=bearer(clerk))).json()
    assert staff_view["view"] == "full"
    assert staff_view["anonymous"] is True
    # anonymous to staff too: only an admin may learn who it was, audited (tests/security/test_privacy.py)
    assert "reporter_id" not in staff_view
    assert "client_id" not in staff_view


async def test_hiding_a_report_is_audited_and_removes_it_from_public_view(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, settings: Settings
) -> None:
    report = (await submit(client, citizen)).json()
    clerk = await staff_token(db, settings, "+8613700000020", "intake_clerk")
    r = await client.post(
        f"/v1/reports/{report['id']}/hide", json={"reason": "含个人信息"}, headers=bearer(clerk)
    )
    assert r.status_code == 200
    assert (await client.get(f"/v1/reports/{report['id']}")).status_code == 404
    mine = (await client.get(f"/v1/reports/{report['id']}", headers=bearer(citizen))).json()
    assert mine["hidden"] is True
    assert mine["hidden_reason"] == "含个人信息"
    assert (
        await db.fetchval("SELECT action FROM audit_log WHERE target_id = $1", report["id"]) == "report.hide"
    )
    # citizens cannot moderate
    r = await client.post(f"/v1/reports/{report['id']}/hide", json={"reason": "x"}, headers=bearer(citizen))
    assert r.status_code == 403


async def test_recategorising_is_audited(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, settings: Settings
) -> None:
    report = (await submit(client, citizen)).json()
    lead = await staff_token(db, settings, "+8613700000021", "shift_lead")
    r = await client.post(
        f"/v1/reports/{report['id']}/recategorise",
        json={"category": "E0103", "note": "是渣土"},
        headers=bearer(lead),
    )
    assert r.status_code == 200
    assert (
        await db.fetchval("SELECT category_code FROM cases WHERE id = $1", uuid.UUID(report["case_id"]))
        == "E0103"
    )
    entry = await db.fetchrow("SELECT action, details FROM audit_log WHERE target_id = $1", report["id"])
    assert entry["action"] == "report.recategorise"
    assert entry["details"]["before"] == "E0102"
    before = await db.fetchval("SELECT category_code FROM cases WHERE id = $1", uuid.UUID(report["case_id"]))
    r = await client.post(
        f"/v1/reports/{report['id']}/recategorise", json={"category": "E9999"}, headers=bearer(lead)
    )
    assert r.status_code == 422
    assert r.json()["code"] == "unknown_category"
    assert (
        await db.fetchval("SELECT category_code FROM cases WHERE id = $1", uuid.UUID(report["case_id"]))
        == before
    )


async def test_the_map_shows_public_cases_and_clusters_when_crowded(
    client: AsyncTestClient[Any], app: Litestar, db: asyncpg.Connection, settings: Settings
) -> None:
    import msgspec

    inspector = await staff_token(db, settings, "+8613700000022", "inspector", ("district", "110101"))
    for east in range(0, 1200, 100):
        await submit(client, inspector, report_body(category="E0501", location=offset(INSIDE, east_m=east)))
    bbox = "116.38,39.90,116.42,39.92"
    r = await client.get("/v1/map/reports", params={"bbox": bbox})
    geo = r.json()
    assert geo["type"] == "FeatureCollection"
    assert geo["clustered"] is False
    assert len(geo["features"]) == 12
    assert "reporter_id" not in geo["features"][0]["properties"]

    app.state.cases_config = msgspec.structs.replace(app.state.cases_config, map_feature_cap=5)
    geo = (await client.get("/v1/map/reports", params={"bbox": bbox})).json()
    assert geo["clustered"] is True
    assert sum(f["properties"]["count"] for f in geo["features"]) == 12
    assert len(geo["features"]) < 12

    for bad in ("1,2,3", "116.42,39.90,116.38,39.92", "a,b,c,d", "0,0,200,10"):
        r = await client.get("/v1/map/reports", params={"bbox": bad})
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_coordinates"


async def test_service_area(client: AsyncTestClient[Any]) -> None:
    area = (await client.get("/v1/service-area")).json()
    assert area["geometry"]["type"] == "MultiPolygon"
    min_lon, min_lat, max_lon, max_lat = area["bbox"]
    assert min_lon < area["center"]["lon"] < max_lon
    assert min_lat < area["center"]["lat"] < max_lat


async def test_concurrent_retries_make_exactly_one_report(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    import asyncio

    responses = await asyncio.gather(*(submit(client, citizen, key="flaky-network-1") for _ in range(4)))
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.json()["id"] for r in responses}) == 1
    assert (await counts(db))[0] == 1


async def test_the_first_reports_of_a_day_at_once_get_distinct_numbers(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str
) -> None:
    import asyncio

    categories = ["E0102", "E0501", "E0201", "E0104"]
    responses = await asyncio.gather(*(submit(client, citizen, report_body(category=c)) for c in categories))
    assert [r.status_code for r in responses] == [201] * 4
    numbers = sorted(int(r.json()["number"]) for r in responses)
    assert numbers == list(range(numbers[0], numbers[0] + 4))
