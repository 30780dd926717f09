"""Open311 GeoReport v2: every endpoint in both formats, submission through the city's own use case, the filters
of GET requests, retries, privacy and every refusal (status, error code, nothing written)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer, staff_token
from tests.open311.conftest import ImageServer, issue_key
from tests.open311.georeport import checked_json, parsed_xml

V2 = "/open311/v2"
INSIDE = {"lat": "39.9087", "long": "116.3975"}  # inside the demo service area
SERVICE = "E0102"  # 暴露垃圾: citizens may report it, no photo needed
Client = AsyncTestClient[Litestar]


async def post(client: Client, body: dict[str, str], fmt: str = "json") -> Any:
    return await client.post(f"{V2}/requests.{fmt}", data=body)


def form(api_key: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": api_key,
        "service_code": SERVICE,
        **INSIDE,
        "description": "路边有垃圾 rubbish",
        **extra,
    }


async def counts(db: asyncpg.Connection) -> dict[str, int]:
    tables = ("reports", "cases", "open311_submissions", "photos", "audit_log")
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in tables}


# --- discovery and services -------------------------------------------------------------------------------------


async def test_discovery_in_both_formats(client: Client) -> None:
    body = checked_json(await client.get(f"{V2}/discovery.json"), "discovery")
    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    xml = parsed_xml(await client.get(f"{V2}/discovery.xml"), "discovery")
    assert xml["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert xml["endpoints"][0]["formats"] == ["text/xml", "application/json"]


async def test_services_are_the_reportable_categories(client: Client, demo_city: None) -> None:
    services = checked_json(await client.get(f"{V2}/services.json"), "services")
    codes = {s["service_code"] for s in services}
    assert SERVICE in codes and "C0101" in codes
    assert "E0603" not in codes  # citizens may not report it
    manhole = next(s for s in services if s["service_code"] == "C0101")
    assert manhole["service_name"] == "上水井盖" and manhole["metadata"] is True
    assert manhole["group"] == "公用设施" or manhole["group"]  # the major class
    assert "上水井盖" in manhole["keywords"] and "Water-supply manhole cover" in manhole["keywords"]
    xml = parsed_xml(await client.get(f"{V2}/services.xml"), "services")
    assert [s["service_code"] for s in xml] == [s["service_code"] for s in services]
    assert (
        next(s for s in xml if s["service_code"] == "C0101")["service_name"] == "上水井盖"
    )  # Chinese intact
    assert next(s for s in xml if s["service_code"] == "C0101")["metadata"] == "true"


async def test_service_definition_lists_the_attributes(client: Client, demo_city: None) -> None:
    body = checked_json(await client.get(f"{V2}/services/{SERVICE}.json"), "service_definition")
    assert body["service_code"] == SERVICE
    assert [a["code"] for a in body["attributes"]] == ["anonymous"]
    assert {v["key"] for v in body["attributes"][0]["values"]} == {"true", "false"}
    xml = parsed_xml(await client.get(f"{V2}/services/{SERVICE}.xml"), "service_definition")
    assert xml["attributes"][0]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in xml["attributes"][0]["values"]] == ["false", "true"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_unknown_things_are_404_in_the_requested_format(
    client: Client, demo_city: None, fmt: str
) -> None:
    for path in (
        f"{V2}/services/E9999.{fmt}",
        f"{V2}/services/E0603.{fmt}",  # not citizen-reportable
        f"{V2}/requests/2026010100001.{fmt}",
        f"{V2}/tokens/no-such-token.{fmt}",
        f"{V2}/services.{fmt}?jurisdiction_id=elsewhere",
    ):
        r = await client.get(path)
        assert r.status_code == 404, (path, r.text)
        errors = checked_json(r, "errors") if fmt == "json" else parsed_xml(r, "errors")
        assert str(errors[0]["code"]) == "404"
    r = await client.get(f"{V2}/services/{SERVICE}.yaml")
    assert r.status_code == 404 and parsed_xml(r, "errors")[0]["description"].startswith("open311_not_found")


# --- submitting -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_request_is_filed_as_a_citizens_report(
    client: Client, db: asyncpg.Connection, api_key: str, fmt: str
) -> None:
    r = await post(
        client, form(api_key, email="zhang@example.com", phone="13800138000", first_name="三"), fmt
    )
    assert r.status_code == 201, r.text
    created = checked_json(r, "created")[0] if fmt == "json" else parsed_xml(r, "service_requests")[0]
    number, token = created["service_request_id"], created["token"]
    report = await db.fetchrow(
        """SELECT r.*, c.state, c.source FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.number = $1""",
        number,
    )
    assert report["category_code"] == SERVICE and report["description"] == "路边有垃圾 rubbish"
    assert report["source"] == "citizen" and report["original_crs"] == "wgs84"
    app = await db.fetchrow("SELECT * FROM open311_applications")
    assert report["reporter_id"] == app["user_id"]
    stored = await db.fetchrow("SELECT * FROM open311_submissions WHERE token = $1", token)
    assert stored["email"] == "zhang@example.com" and stored["phone"] == "13800138000"
    audit = await db.fetchrow("SELECT * FROM audit_log WHERE action = 'open311.request.create'")
    assert audit["actor_id"] == app["user_id"] and audit["target_id"] == str(report["id"])

    # the token flow, and the request itself, in both formats; the contact fields are in no answer
    for suffix in ("json", "xml"):
        r = await client.get(f"{V2}/tokens/{token}.{suffix}")
        got = checked_json(r, "tokens") if suffix == "json" else parsed_xml(r, "service_requests")
        assert got == [{"service_request_id": number, "token": token}]
        r = await client.get(f"{V2}/requests/{number}.{suffix}")
        assert (
            "zhang@example.com" not in r.text
            and "13800138000" not in r.text
            and str(app["user_id"]) not in r.text
        )
        got = checked_json(r, "service_requests") if suffix == "json" else parsed_xml(r, "service_requests")
        assert got[0]["service_request_id"] == number and got[0]["status"] == "open"
        assert got[0]["description"] == "路边有垃圾 rubbish"


async def test_the_same_form_within_a_minute_is_the_same_request(
    client: Client, db: asyncpg.Connection, api_key: str
) -> None:
    first = checked_json(await post(client, form(api_key)), "created")[0]
    r = await post(client, form(api_key))
    assert r.status_code == 200
    assert checked_json(r, "created")[0] == first
    assert await db.fetchval("SELECT count(*) FROM reports") == 1
    # another body is another request; an hour later the same body is a new one too
    other = checked_json(await post(client, form(api_key, description="又一处")), "created")[0]
    assert other["service_request_id"] != first["service_request_id"]
    await db.execute("UPDATE open311_submissions SET created_at = created_at - interval '2 minutes'")
    later = checked_json(await post(client, form(api_key)), "created")[0]
    assert later["service_request_id"] != first["service_request_id"]


async def test_media_url_runs_through_the_photo_pipeline(
    client: Client, db: asyncpg.Connection, api_key: str, images: ImageServer
) -> None:
    r = await post(client, form(api_key, service_code="C0101", media_url=f"{images.base}/redirect"))
    assert r.status_code == 201, r.text
    number = checked_json(r, "created")[0]["service_request_id"]
    photo = await db.fetchrow(
        "SELECT p.* FROM photos p JOIN report_photos rp ON rp.photo_id = p.id JOIN reports r ON r.id = rp.report_id"
        " WHERE r.number = $1",
        number,
    )
    assert photo is not None and photo["display_key"].startswith("display/") and images.hits == 1
    got = checked_json(await client.get(f"{V2}/requests/{number}.json"), "service_requests")[0]
    assert got["media_url"].endswith(f"/v1/photos/{photo['id']}")  # the public display copy
    r = await client.get(got["media_url"].split("testserver.local", 1)[-1], follow_redirects=False)
    assert r.status_code == 302 and "display/" in r.headers["location"]


async def test_media_url_refusals_write_nothing(
    client: Client, db: asyncpg.Connection, api_key: str, images: ImageServer, settings: Any, app: Litestar
) -> None:
    before = await counts(db)
    for url, status in (
        (f"{images.base}/text", 400),  # not an image: the pipeline's refusal
        (f"{images.base}/big", 400),  # past the size limit while streaming
        (f"{images.base}/missing", 400),
        ("ftp://example.com/a.jpg", 400),
    ):
        r = await post(client, form(api_key, service_code="C0101", media_url=url))
        assert r.status_code == status, (url, r.text)
        assert checked_json(r, "errors")[0]["code"] == status
    # an inward address is refused when the setting does not allow it (the default)
    app.state.open311_config = msgspec.structs.replace(app.state.open311_config, allow_private_media=False)
    r = await post(client, form(api_key, service_code="C0101", media_url=f"{images.base}/photo.jpg"))
    assert r.status_code == 400 and "open311_media_unavailable" in r.text
    r = await post(client, form(api_key, service_code="C0101", media_url="http://localhost:1/photo.jpg"))
    assert r.status_code == 400 and "open311_media_unavailable" in r.text
    assert images.hits == 0
    assert await counts(db) == before


REFUSALS = [
    ({"api_key": ""}, 403, "open311_api_key_invalid"),
    ({"api_key": "not-a-key"}, 403, "open311_api_key_invalid"),
    ({"service_code": ""}, 400, "open311_invalid_request"),
    ({"service_code": "E9999"}, 404, "open311_service_not_found"),
    ({"service_code": "E0603"}, 404, "open311_service_not_found"),
    ({"jurisdiction_id": "elsewhere"}, 404, "open311_jurisdiction_not_found"),
    ({"lat": "", "long": "", "address_string": "东城区东单北大街1号"}, 400, "open311_address_not_placeable"),
    ({"lat": "", "long": ""}, 400, "open311_invalid_request"),
    ({"lat": "91", "long": "116.4"}, 400, "open311_invalid_request"),
    ({"lat": "north", "long": "116.4"}, 400, "open311_invalid_request"),
    ({"lat": "nan", "long": "116.4"}, 400, "open311_invalid_request"),
    ({"long": ""}, 400, "open311_invalid_request"),
    ({"lat": "31.2304", "long": "121.4737"}, 400, "outside_service_area"),  # Shanghai
    ({"description": "长" * 2001}, 400, "open311_invalid_request"),
    ({"attribute[anonymous]": "maybe"}, 400, "open311_invalid_request"),
    ({"service_code": "C0101"}, 400, "photos_required"),  # the category needs a photo
]


@pytest.mark.parametrize(
    ("change", "status", "code"), REFUSALS, ids=[r[2] + str(i) for i, r in enumerate(REFUSALS)]
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_refusals(
    client: Client,
    db: asyncpg.Connection,
    api_key: str,
    change: dict[str, str],
    status: int,
    code: str,
    fmt: str,
) -> None:
    before = await counts(db)
    body = {k: v for k, v in {**form(api_key), **change}.items() if v != "" or k == "api_key"}
    if change.get("api_key") == "":
        del body["api_key"]
    r = await post(client, body, fmt)
    assert r.status_code == status, r.text
    errors = checked_json(r, "errors") if fmt == "json" else parsed_xml(r, "errors")
    assert str(errors[0]["code"]) == str(status)
    assert errors[0]["description"].startswith(code), errors
    assert await counts(db) == before


async def test_not_form_encoded_is_refused(client: Client, db: asyncpg.Connection, api_key: str) -> None:
    before = await counts(db)
    r = await client.post(f"{V2}/requests.json", json=form(api_key))
    assert r.status_code == 400 and checked_json(r, "errors")[0]["description"].startswith(
        "open311_invalid_request"
    )
    r = await client.post(
        f"{V2}/requests.json",
        content=b"api_key=a\x00b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/json")  # the key first
    r = await client.post(
        f"{V2}/requests.json",
        content=f"api_key={api_key}&service_code=E0102&lat=39.9&long=116.4&description=a\x00b".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "U+0000" in checked_json(r, "errors")[0]["description"]
    assert await counts(db) == before


async def test_key_lifecycle(client: Client, db: asyncpg.Connection, demo_city: None) -> None:
    admin = bearer(await staff_token(db, client.app.state.settings, "+8613900000001", "admin"))
    r = await client.post(
        "/v1/admin/open311/applications",
        json={"name": "FixMyStreet 北京", "requests_per_hour": 3},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    issued = r.json()
    key, app_id = issued["api_key"], issued["application"]["id"]
    assert issued["application"]["key_prefix"] == key[:8]
    stored = await db.fetchrow("SELECT * FROM open311_applications WHERE id = $1", uuid.UUID(app_id))
    assert stored is not None and key not in str(dict(stored))  # only the hash is kept
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    listed = (await client.get("/v1/admin/open311/applications", headers=admin)).json()
    assert [a["id"] for a in listed["items"]] == [app_id] and "api_key" not in str(listed)

    # use: within the hourly limit, then 429
    for i in range(3):
        assert (await post(client, form(key, description=f"第{i}处"))).status_code == 201
    r = await post(client, form(key, description="第四处"))
    assert r.status_code == 429 and r.headers["Retry-After"]
    assert checked_json(r, "errors")[0]["description"].startswith("rate_limited")

    # revoke: refused afterwards, audited, safe to repeat
    r = await client.post(f"/v1/admin/open311/applications/{app_id}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    again = await client.post(f"/v1/admin/open311/applications/{app_id}/revoke", headers=admin)
    assert again.json()["revoked_at"] == r.json()["revoked_at"]
    before = await counts(db)
    r = await post(client, form(key, description="吊销之后"))
    assert r.status_code == 403 and checked_json(r, "errors")[0]["description"].startswith(
        "open311_api_key_invalid"
    )
    assert await counts(db) == before
    actions = [a for (a,) in await db.fetch("SELECT action FROM audit_log ORDER BY id")]
    assert "open311.application.issue" in actions and actions.count("open311.application.revoke") == 1
    assert (
        await client.get(f"/v1/admin/open311/applications/{uuid.uuid4()}", headers=admin)
    ).status_code == 404


# --- reading requests -------------------------------------------------------------------------------------------


async def _file(client: Client, key: str, **extra: str) -> str:
    r = await post(client, form(key, **extra))
    assert r.status_code == 201, r.text
    number: str = checked_json(r, "created")[0]["service_request_id"]
    return number


async def test_get_requests_filters(client: Client, db: asyncpg.Connection, api_key: str) -> None:
    first = await _file(client, api_key, description="一")
    second = await _file(client, api_key, description="二", service_code="C0117")
    third = await _file(client, api_key, description="三", lat="39.93", long="116.42")
    old = await _file(client, api_key, description="旧", lat="39.92", long="116.41")
    await db.execute("UPDATE reports SET created_at = now() - interval '100 days' WHERE number = $1", old)
    await db.execute(
        "UPDATE cases SET state = 'closed' WHERE id = (SELECT case_id FROM reports WHERE number = $1)", third
    )

    async def numbers(query: str, fmt: str = "json") -> list[str]:
        r = await client.get(f"{V2}/requests.{fmt}{query}")
        assert r.status_code == 200, r.text
        items = checked_json(r, "service_requests") if fmt == "json" else parsed_xml(r, "service_requests")
        return [i["service_request_id"] for i in items]

    for fmt in ("json", "xml"):
        assert await numbers("", fmt) == [third, second, first]  # newest first, the last 90 days
    assert await numbers("?service_code=C0117") == [second]
    assert await numbers(f"?service_code=C0117,{SERVICE}") == [third, second, first]
    assert await numbers("?status=closed") == [third]
    assert await numbers("?status=open") == [second, first]
    assert await numbers("?status=open,closed") == [third, second, first]
    assert await numbers(f"?service_request_id={old},{first}") == [first, old]  # the other filters ignored
    assert await numbers(f"?service_request_id={old}&status=open") == [old]
    now = datetime.now(UTC)
    start = (now - timedelta(days=120)).isoformat()
    end = (now - timedelta(days=60)).isoformat()
    assert await numbers(f"?start_date={start}&end_date={end}".replace("+", "%2B")) == [old]
    assert await numbers(f"?end_date={end}".replace("+", "%2B")) == [old]  # the 90 days before end_date
    assert await numbers(f"?start_date={(now - timedelta(hours=1)).isoformat()}".replace("+", "%2B")) == [
        third,
        second,
        first,
    ]
    closed = checked_json(await client.get(f"{V2}/requests/{third}.json"), "service_requests")[0]
    assert closed["status"] == "closed" and closed["expected_datetime"] is None
    open_one = checked_json(await client.get(f"{V2}/requests/{first}.json"), "service_requests")[0]
    assert open_one["expected_datetime"] is not None  # the open step's deadline
    assert open_one["requested_datetime"].endswith("+08:00")


async def test_at_most_1000_newest_first(client: Client, db: asyncpg.Connection, api_key: str) -> None:
    await _file(client, api_key)
    case_id = await db.fetchval("SELECT case_id FROM reports")
    reporter = await db.fetchval("SELECT reporter_id FROM reports")
    await db.execute(
        """INSERT INTO reports (number, case_id, reporter_id, category_code, location, original_lat, original_lon,
                                original_crs, created_at)
           SELECT 'B' || lpad(i::text, 8, '0'), $1, $2, 'E0102', ST_SetSRID(ST_MakePoint(116.3975, 39.9087), 4326),
                  39.9087, 116.3975, 'wgs84', now() - make_interval(secs => i)
           FROM generate_series(1, 1100) i""",
        case_id,
        reporter,
    )
    items = checked_json(await client.get(f"{V2}/requests.json"), "service_requests")
    assert len(items) == 1000
    times = [i["requested_datetime"] for i in items]
    assert times == sorted(times, reverse=True)


async def test_hidden_and_anonymous_reports_never_leak(
    client: Client, db: asyncpg.Connection, api_key: str
) -> None:
    shown = await _file(client, api_key, description="看得见")
    hidden = await _file(client, api_key, description="含个人信息 hidden", lat="39.93", long="116.42")
    anonymous = await _file(
        client, api_key, description="匿名", lat="39.92", long="116.41", **{"attribute[anonymous]": "true"}
    )
    await db.execute("UPDATE reports SET hidden_at = now(), hidden_reason = '隐私' WHERE number = $1", hidden)
    reporter = str(await db.fetchval("SELECT user_id FROM open311_applications"))
    for fmt in ("json", "xml"):
        r = await client.get(f"{V2}/requests.{fmt}")
        assert hidden not in r.text and "hidden" not in r.text and "隐私" not in r.text
        assert reporter not in r.text and "anonymous" not in r.text
        assert shown in r.text and anonymous in r.text
        r = await client.get(f"{V2}/requests/{hidden}.{fmt}")
        assert r.status_code == 404
        r = await client.get(f"{V2}/requests.{fmt}?service_request_id={hidden}")
        assert r.status_code == 200 and hidden not in r.text
    token = await db.fetchval(
        "SELECT token FROM open311_submissions s JOIN reports r ON r.id = s.report_id WHERE r.number = $1",
        hidden,
    )
    assert (await client.get(f"{V2}/tokens/{token}.json")).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?start_date=yesterday",
        "?end_date=2026-13-01T00:00:00Z",
        "?start_date=2026-01-01T00:00:00Z&end_date=2025-12-01T00:00:00Z",
        "?start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",  # more than 90 days
        "?status=pending",
        "?service_code=E0102,%20C0101",  # a space: not a URL-safe value
        "?service_code=%E9%81%93%E8%B7%AF",  # 道路
        "?service_code=E0102,,C0101",
        "?service_code=" + ",".join(["E0102"] * 201),  # at most 200 codes
        "?service_request_id=" + "1" * 65,  # a request id has at most 64 characters
        "?service_request_id=" + ",".join(["1"] * 1001),  # at most 1,000 ids
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_bad_filters_are_400(client: Client, demo_city: None, query: str, fmt: str) -> None:
    r = await client.get(f"{V2}/requests.{fmt}{query}")
    assert r.status_code == 400, r.text
    errors = checked_json(r, "errors") if fmt == "json" else parsed_xml(r, "errors")
    assert str(errors[0]["code"]) == "400"
    assert errors[0]["description"].split(":")[0] in ("open311_invalid_request", "open311_invalid_date_range")


async def test_a_second_key_is_its_own_application(
    client: Client, db: asyncpg.Connection, api_key: str
) -> None:
    other, _ = await issue_key(db, "另一个应用")
    a = checked_json(await post(client, form(api_key)), "created")[0]
    b = checked_json(await post(client, form(other)), "created")[0]  # the same body, another application
    assert a["service_request_id"] != b["service_request_id"]
    reporters = await db.fetch("SELECT DISTINCT reporter_id FROM reports")
    assert len(reporters) == 2
