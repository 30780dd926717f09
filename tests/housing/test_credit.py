"""Credit evaluation of property companies (物业服务企业信用评价) through the HTTP API: an estate's month with every
figure's numerator and denominator, hand-computed, the month window in Beijing time, the company from the accepted
filings, each company's overall month, who reads what, the scheme and every refusal (status, code, nothing written).

The estate and its people are those of tests/housing/test_announcements.py (公告小区, 测试物业 on its page), with 40
homes (37 added); repairs, complaints, ratings and filings are written straight to the database (the repairs' API
is not there yet). The month is March 2025: [2025-02-28T16:00Z, 2025-03-31T16:00Z) in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.housing.money_fixtures import person
from tests.housing.test_announcements import DISTRICT, World, make_world

Client = AsyncTestClient[Litestar]
NEW_COMPANY = "新物业公司"
BEIJING = ZoneInfo("Asia/Shanghai")


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


async def _repair(
    db: asyncpg.Connection,
    w: World,
    kind: str,
    created_at: str,
    *,
    estate: UUID | None = None,
    rating: int | None = None,
    rated_at: str | None = None,
) -> UUID:
    rated = rating is not None
    repair_id: UUID = await db.fetchval(
        """INSERT INTO repairs (estate_id, home_id, kind, reporter_id, assignee_id, description, state, created_at,
                                rating, rated_at)
           VALUES ($1, $2, $3, $4, $5, '报修', $6, $7, $8, $9) RETURNING id""",
        estate or w.estate,
        w.homes["101"] if kind == "home_repair" else None,
        kind,
        w.ids["jia"],
        w.ids["staff"] if rated else None,
        "rated" if rated else "reported",
        _t(created_at),
        rating,
        _t(rated_at) if rated_at else None,
    )
    return repair_id


async def _step(
    db: asyncpg.Connection, repair: UUID, step: str, due_at: str, completed_at: str | None = None
) -> None:
    await db.execute(
        """INSERT INTO repair_deadlines (repair_id, round, step, started_at, due_at, due_soon_at, completed_at,
                                         outcome)
           VALUES ($1, 1, $2, $3, $3, $3, $4, $5)""",
        repair, step, _t(due_at), _t(completed_at) if completed_at else None, step if completed_at else None,
    )  # fmt: skip


async def _filing(
    db: asyncpg.Connection, w: World, version: int, state: str, start: str, end: str, decided: str | None
) -> None:
    await db.execute(
        """INSERT INTO estate_filings (estate_id, kind, version, state, term_start, term_end, company, service_grade,
                                       fee_fen_m2_month, document_ids, filed_at, decided_at, superseded_at)
           VALUES ($1, 'service_contract', $2, $3, $4, $5, $6, '二级', 250, ARRAY[gen_random_uuid()], $7, $8, $9)""",
        w.estate, version, state, datetime.fromisoformat(start).date(), datetime.fromisoformat(end).date(),
        NEW_COMPANY if version > 1 else "测试物业", _t("2024-05-01T00:00:00+00:00"),
        _t(decided) if decided else None, _t("2025-03-10T00:00:00+00:00") if state == "superseded" else None,
    )  # fmt: skip


async def _new_estate(db: asyncpg.Connection, name: str, company: str, homes: int) -> UUID:
    estate: UUID = await db.fetchval(
        """INSERT INTO estates (name, address, district_code, location, location_original, property_company,
                                service_grade)
           VALUES ($1, '东城区测试路 16 号', $2, ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326),
                   '{"lat": 39.9, "lon": 116.4, "crs": "wgs84"}', $3, 2) RETURNING id""",
        name, DISTRICT, company,
    )  # fmt: skip
    building = await db.fetchval(
        "INSERT INTO buildings (estate_id, name) VALUES ($1, '1号楼') RETURNING id", estate
    )
    await db.execute(
        "INSERT INTO homes (estate_id, building_id, floor, room, register_area, created_at) "
        "SELECT $1, $2, 1, 'R' || n, 9000, '2024-01-01' FROM generate_series(1, $3) n",
        estate, building, homes,
    )  # fmt: skip
    return estate


async def make_credit_world(db: asyncpg.Connection, settings: Settings) -> World:
    w = await make_world(db, settings)
    for key, phone, role, scope in (
        ("leader", "+8613912340051", "leader", ("district", DISTRICT)),
        ("leader_out", "+8613912340052", "leader", ("district", "110102")),
    ):
        w.tokens[key], w.ids[key] = await person(db, settings, phone, role, scope)
    await db.execute(
        "INSERT INTO homes (estate_id, building_id, floor, room, register_area) "
        "SELECT $1, $2, 3, '3' || lpad(n::text, 2, '0'), 9000 FROM generate_series(1, 37) n",
        w.estate, w.buildings[2],
    )  # fmt: skip
    await db.execute("UPDATE homes SET created_at = '2024-01-01' WHERE estate_id = $1", w.estate)
    assert await db.fetchval("SELECT count(*) FROM homes WHERE estate_id = $1", w.estate) == 40

    # complaints: one on 1 March 00:00 Beijing (counted), one a second before (February), one on 1 April
    complaint = await _repair(db, w, "complaint", "2025-03-01T00:00:00+08:00")
    await _repair(db, w, "complaint", "2025-02-28T23:59:59+08:00")
    await _repair(db, w, "complaint", "2025-04-01T00:00:00+08:00")
    # steps due in March: the complaint's answer on time; a repair's answer on time, its assignment late, its fix
    # still open at the end of the month (due in March: not on time); steps due in February and April not counted
    await _step(db, complaint, "accept", "2025-03-01T02:00:00+08:00", "2025-03-01T01:00:00+08:00")
    home = await _repair(db, w, "home_repair", "2025-03-05T09:00:00+08:00")
    await _step(db, home, "accept", "2025-03-05T11:00:00+08:00", "2025-03-05T10:00:00+08:00")
    await _step(db, home, "assign", "2025-03-05T13:00:00+08:00", "2025-03-05T14:00:00+08:00")
    await _step(db, home, "handle", "2025-03-31T23:00:00+08:00")
    early = await _repair(db, w, "common_repair", "2025-02-20T09:00:00+08:00")
    await _step(db, early, "accept", "2025-02-28T23:00:00+08:00", "2025-02-28T22:00:00+08:00")
    await _step(db, early, "handle", "2025-04-01T00:00:00+08:00", "2025-03-31T20:00:00+08:00")
    # ratings given in March: 5, 3 and 4 (at 23:59:59 on the 31st); a 5 given on 1 April is April's
    await _repair(
        db, w, "home_repair", "2025-03-02T09:00:00+08:00", rating=5, rated_at="2025-03-20T10:00:00+08:00"
    )
    await _repair(
        db, w, "common_repair", "2025-03-02T09:00:00+08:00", rating=3, rated_at="2025-03-21T10:00:00+08:00"
    )
    await _repair(
        db, w, "complaint", "2025-02-10T09:00:00+08:00", rating=4, rated_at="2025-03-31T23:59:59+08:00"
    )
    await _repair(
        db, w, "home_repair", "2025-03-02T09:00:00+08:00", rating=5, rated_at="2025-04-01T00:00:00+08:00"
    )
    # another estate's complaint and step in March count for it, not for this one
    other = await db.fetchval("SELECT id FROM estates WHERE name = '隔壁小区'")
    theirs = await _repair(db, w, "complaint", "2025-03-03T09:00:00+08:00", estate=other)
    await _step(db, theirs, "accept", "2025-03-03T11:00:00+08:00")
    # filings: 测试物业's contract to 15 March (superseded since), 新物业公司's from 16 March, accepted on 10 March;
    # a third version waits (not counted)
    await _filing(db, w, 1, "superseded", "2024-06-01", "2025-03-15", "2024-06-01T00:00:00+00:00")
    await _filing(db, w, 2, "accepted", "2025-03-16", "2027-12-31", "2025-03-10T00:00:00+00:00")
    await _filing(db, w, 3, "filed", "2025-01-01", "2030-12-31", None)
    return w


async def _credit(
    client: Client, w: World, who: str, month: str = "2025-03", estate: UUID | None = None
) -> Any:
    return await client.get(
        f"/v1/estates/{estate or w.estate}/credit", params={"month": month}, headers=w.h(who)
    )


async def _written(db: asyncpg.Connection) -> tuple[Any, ...]:
    return (
        await db.fetchval("SELECT count(*) FROM audit_log"),
        tuple(await db.fetch("SELECT * FROM credit_scheme")),
    )


async def _refused(db: asyncpg.Connection, call: Any, status: int, code: str) -> dict[str, Any]:
    before = await _written(db)
    r = await call
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    assert await _written(db) == before, "a refused request wrote something"
    return dict(r.json())


def _fig(n: int, d: int, value: float | None, points: float | None) -> dict[str, Any]:
    return {"numerator": n, "denominator": d, "value": value, "points": points}


# the figures, hand-computed -------------------------------------------------------------------------------------


async def test_an_estates_month_figure_by_figure(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_credit_world(db, settings)
    r = await _credit(client, w, "officer")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["figures"] == {
        # 1 complaint × 100 / 40 homes = 2.5 per 100 homes; cap 5: 1 − 2.5/5 = half the points
        "complaints_per_100": _fig(1, 40, 2.5, 50.0),
        # escalation is not built: 0 of the month's 1 complaint
        "escalation_rate": _fig(0, 1, 0.0, 100.0),
        # 4 steps due in March (complaint accept, repair accept, assign, handle), 2 on time
        "on_time_rate": _fig(2, 4, 0.5, 50.0),
        # ratings 5, 3, 4 given in March: 2 of 3 are 4 or 5
        "satisfaction_rate": _fig(2, 3, 0.6667, 66.67),
        # the two accepted versions cover 1-15 and 16-31 March
        "filing_compliance": _fig(1, 1, 1.0, 100.0),
    }
    # 0.5×20 + 1×15 + 0.5×25 + 2/3×25 + 1×15 = 69.1666... → 69.17 (half up, once), C (60 ≤ 69.17 < 75)
    assert (body["score"], body["score_weight"], body["grade"]) == (69.17, 100.0, "C")
    assert body["company"] == NEW_COMPANY  # the latest accepted filing meeting the month
    assert body["view"] == "full"
    assert (body["month"], body["window_start"], body["window_end"], body["as_of"]) == (
        "2025-03",
        "2025-02-28T16:00:00Z",
        "2025-03-31T16:00:00Z",
        "2025-03-31T16:00:00Z",
    )
    assert body["names"]["complaints_per_100"] == "每百户投诉量"
    assert body["scheme"]["weights"] == {
        "complaints_per_100": 20.0,
        "escalation_rate": 15.0,
        "on_time_rate": 25.0,
        "satisfaction_rate": 25.0,
        "filing_compliance": 15.0,
    }
    assert (body["scheme"]["complaints_cap"], body["scheme"]["grade_bands"]) == (
        5.0,
        {"A": 90.0, "B": 75.0, "C": 60.0, "D": 40.0},
    )


async def test_a_month_without_activity_or_filing(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_credit_world(db, settings)
    body = (await _credit(client, w, "admin", "2024-05")).json()
    # no filing accepted by then: the company on the estate's page, and no compliance
    assert body["company"] == "测试物业"
    assert body["figures"] == {
        "complaints_per_100": _fig(0, 40, 0.0, 100.0),
        "escalation_rate": _fig(0, 0, None, None),
        "on_time_rate": _fig(0, 0, None, None),
        "satisfaction_rate": _fig(0, 0, None, None),
        "filing_compliance": _fig(0, 1, 0.0, 0.0),
    }
    # (1×20 + 0×15) / 35 = 57.142857... → 57.14 on 35 points: D
    assert (body["score"], body["score_weight"], body["grade"]) == (57.14, 35.0, "D")
    # the current month (in Beijing) is read up to now
    before = datetime.now(UTC)
    current = (await _credit(client, w, "admin", f"{before.astimezone(BEIJING):%Y-%m}")).json()
    assert before <= datetime.fromisoformat(current["as_of"]) < datetime.fromisoformat(current["window_end"])


async def test_each_companys_month_over_its_estates(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_credit_world(db, settings)
    third = await _new_estate(db, "新苑", NEW_COMPANY, 10)
    r = await client.get(
        "/v1/property-companies/credit",
        params={"month": "2025-03", "district": DISTRICT},
        headers=w.h("leader"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["districts"] == [DISTRICT]
    assert [c["company"] for c in body["items"]] == ["别家物业", NEW_COMPANY]
    theirs, ours = body["items"]
    # 隔壁小区 has no homes: its complaint has no denominator; no filing: 0 of 15 points
    assert theirs["figures"]["complaints_per_100"] == _fig(1, 0, None, None)
    assert theirs["figures"]["on_time_rate"] == _fig(0, 1, 0.0, 0.0)
    # the overall figures add up the estates' numerators and denominators: 1 complaint / 50 homes = 2 per 100,
    # 1 − 2/5 = 0.6; escalations 0/1; steps 2/4; ratings 2/3; filings 1 of 2 estates
    assert ours["figures"] == {
        "complaints_per_100": _fig(1, 50, 2.0, 60.0),
        "escalation_rate": _fig(0, 1, 0.0, 100.0),
        "on_time_rate": _fig(2, 4, 0.5, 50.0),
        "satisfaction_rate": _fig(2, 3, 0.6667, 66.67),
        "filing_compliance": _fig(1, 2, 0.5, 50.0),
    }
    # 0.6×20 + 15 + 12.5 + 50/3 + 0.5×15 = 63.666... → 63.67, C
    assert (ours["score"], ours["grade"], ours["score_weight"]) == (63.67, "C", 100.0)
    assert [(e["estate_name"], e["score"], e["grade"]) for e in ours["estates"]] == [
        ("公告小区", 69.17, "C"),
        ("新苑", 57.14, "D"),  # 0 complaints / 10 homes: 20 points of 35
    ]
    assert ours["estates"][1]["estate_id"] == str(third)

    # a page of one, then the next
    first = (
        await client.get(
            "/v1/property-companies/credit", params={"month": "2025-03", "limit": 1}, headers=w.h("officer")
        )
    ).json()
    assert [c["company"] for c in first["items"]] == ["别家物业"] and first["next_cursor"]
    second = (
        await client.get(
            "/v1/property-companies/credit",
            params={"month": "2025-03", "limit": 1, "cursor": first["next_cursor"]},
            headers=w.h("officer"),
        )
    ).json()
    assert [c["company"] for c in second["items"]] == [NEW_COMPANY] and second["next_cursor"] is None
    # another district's leader sees none of these
    out = (
        await client.get(
            "/v1/property-companies/credit", params={"month": "2025-03"}, headers=w.h("leader_out")
        )
    ).json()
    assert (out["districts"], out["items"]) == (["110102"], [])


# who reads what -------------------------------------------------------------------------------------------------


async def test_readers_residents_and_everyone_else(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_credit_world(db, settings)
    for who in ("admin", "leader", "officer", "staff", "manager"):
        r = await _credit(client, w, who)
        assert r.status_code == 200, (who, r.text)
        assert (r.json()["view"], r.json()["score"]) == ("full", 69.17), who
    # a resident (owner or tenant) sees their company and its grade only
    for who in ("jia", "yi"):
        body = (await _credit(client, w, who)).json()
        assert (body["view"], body["company"], body["grade"]) == ("grade", NEW_COMPANY, "C")
        assert (body["score"], body["score_weight"], body["figures"]) == (None, None, None)
    # not bound (yet), another estate's staff, another district's officer or leader, the committee without a home
    for who in ("wu", "ding", "other_staff", "other_officer", "leader_out", "committee"):
        await _refused(db, _credit(client, w, who), 403, "credit_forbidden")
    r = await client.get(f"/v1/estates/{w.estate}/credit", params={"month": "2025-03"})
    assert r.status_code == 401


async def test_refusals(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_credit_world(db, settings)
    await _refused(
        db,
        _credit(client, w, "admin", estate=UUID("0193a000-0000-7000-8000-00000000dead")),
        404,
        "estate_not_found",
    )
    for month in ("1999-12", "2099-01"):  # before 2000, not begun
        await _refused(db, _credit(client, w, "officer", month), 422, "invalid_credit_month")
    for month in (
        "2025-13",
        "2025-3",
        "2025-00",
        "abcd-ef",
        "2025/03",
    ):  # not YYYY-MM: the parameter's pattern
        await _refused(db, _credit(client, w, "officer", month), 422, "validation_failed")
    await _refused(db, _credit(client, w, "jia", "2099-01"), 422, "invalid_credit_month")
    companies = "/v1/property-companies/credit"
    await _refused(
        db,
        client.get(companies, params={"month": "2025-03", "district": "110102"}, headers=w.h("officer")),
        403,
        "credit_forbidden",
    )
    for who in ("staff", "jia", "committee"):
        await _refused(
            db, client.get(companies, params={"month": "2025-03"}, headers=w.h(who)), 403, "forbidden"
        )
    await _refused(
        db,
        client.get(companies, params={"month": "2025-03", "cursor": "nope"}, headers=w.h("admin")),
        422,
        "invalid_cursor",
    )
    await _refused(
        db,
        client.get(companies, params={"month": "2025-03", "district": "99"}, headers=w.h("admin")),
        422,
        "validation_failed",
    )
    await _refused(
        db,
        client.get(companies, params={"month": "1999-12"}, headers=w.h("admin")),
        422,
        "invalid_credit_month",
    )


# the scheme -----------------------------------------------------------------------------------------------------


def _scheme(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "weights": {
            "complaints_per_100": 10,
            "escalation_rate": 10,
            "on_time_rate": 30,
            "satisfaction_rate": 40,
            "filing_compliance": 10,
        },
        "complaints_cap": 2.5,
        "grade_bands": {"A": 95, "B": 80, "C": 70, "D": 50},
    }
    return {**body, **over}


async def test_the_scheme_is_set_by_admins_and_scores_every_month(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_credit_world(db, settings)
    path = "/v1/property-companies/credit-scheme"
    r = await client.get(path, headers=w.h("leader"))
    assert r.status_code == 200 and r.json()["weights"]["on_time_rate"] == 25.0
    r = await client.put(path, json=_scheme(), headers=w.h("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["updated_by"] == str(w.ids["admin"])
    audit = await db.fetchrow("SELECT action, actor_id FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (audit["action"], audit["actor_id"]) == ("credit_scheme.set", w.ids["admin"])
    body = (await _credit(client, w, "officer")).json()
    # cap 2.5: 2.5 complaints per 100 homes earn nothing; 0×10 + 1×10 + 0.5×30 + 2/3×40 + 1×10 = 61.666... → 61.67,
    # D under the new bands (50 ≤ 61.67 < 70)
    assert body["figures"]["complaints_per_100"]["points"] == 0.0
    assert (body["score"], body["grade"]) == (61.67, "D")

    def weights(**over: float) -> dict[str, Any]:
        return _scheme(weights={**_scheme()["weights"], **over})

    for bad in (
        weights(on_time_rate=29),  # 99 points
        _scheme(grade_bands={"A": 80, "B": 80, "C": 70, "D": 50}),  # not strictly descending
        _scheme(grade_bands={"A": 90, "B": 95, "C": 70, "D": 50}),
    ):
        await _refused(db, client.put(path, json=bad, headers=w.h("admin")), 422, "invalid_credit_scheme")
    for bad in (
        _scheme(complaints_cap=0),
        _scheme(grade_bands={"A": 101, "B": 80, "C": 70, "D": 50}),
        _scheme(extra=1),
        weights(on_time_rate=-1),
        {"weights": _scheme()["weights"]},
    ):
        before = await _written(db)
        r = await client.put(path, json=bad, headers=w.h("admin"))
        assert r.status_code in (400, 422) and r.json()["code"] == "validation_failed", r.text
        assert await _written(db) == before
    for who in ("officer", "leader", "staff"):
        await _refused(db, client.put(path, json=_scheme(), headers=w.h(who)), 403, "forbidden")


@pytest.mark.parametrize("locale", ["en"])
async def test_names_in_english(
    client: Client, db: asyncpg.Connection, settings: Settings, locale: str
) -> None:
    w = await make_credit_world(db, settings)
    await db.execute("UPDATE users SET locale = $1 WHERE id = $2", locale, w.ids["officer"])
    body = (await _credit(client, w, "officer")).json()
    assert body["names"]["complaints_per_100"] == "complaints per 100 homes"
