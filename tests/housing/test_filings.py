"""Filings (备案) end to end through the HTTP API: the property company files its service contract and the owners'
committee its election and members, with document photos; the district's housing officer accepts or returns each
(If-Match: the version), a returned one is filed again as the next version, accepting supersedes the version
accepted before; the estate's public filings show the accepted contract's grade and fee and the accepted committee;
every step audited; every refusal with its status, code and nothing written; two filings at once make one version.

The estate and its people are those of tests/housing/test_announcements.py.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.housing.test_announcements import World, make_world
from tests.security.city import new_photo

Client = AsyncTestClient[Litestar]


async def _counts(db: asyncpg.Connection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in ("estate_filings", "estate_committee_members", "audit_log"):
        out[table] = await db.fetchval(f"SELECT count(*) FROM {table}")
    out["states"] = hash(
        tuple(
            await db.fetch(
                "SELECT id, state, version, decided_at, superseded_at FROM estate_filings ORDER BY id"
            )
        )
    )
    return out


async def _refused(db: asyncpg.Connection, call: Any, status: int, code: str) -> dict[str, Any]:
    before = await _counts(db)
    r = await call
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    assert await _counts(db) == before, "a refused request wrote something"
    return dict(r.json())


def _contract(docs: list[UUID], **over: Any) -> dict[str, Any]:
    body = {
        "company": "测试物业服务有限公司",
        "service_grade": "二级",
        "fee_fen_m2_month": 250,
        "term_start": "2027-01-01",
        "term_end": "2029-12-31",
        "document_ids": [str(d) for d in docs],
    }
    return {**body, **over}


def _committee(docs: list[UUID], **over: Any) -> dict[str, Any]:
    body = {
        "elected_on": "2026-11-20",
        "term_start": "2026-12-01",
        "term_end": "2031-11-30",
        "members": [
            {"name": "王建国", "role": "chair"},
            {"name": "李秀英", "role": "vice_chair"},
            {"name": "张伟", "role": "member"},
        ],
        "document_ids": [str(d) for d in docs],
    }
    return {**body, **over}


async def _file(client: Client, w: World, kind: str, body: dict[str, Any], who: str) -> dict[str, Any]:
    path = "service-contract" if kind == "service_contract" else "committee"
    r = await client.post(f"/v1/estates/{w.estate}/filings/{path}", json=body, headers=w.h(who))
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return dict(r.json())


async def _decide(
    client: Client, w: World, filing: dict[str, Any], action: str, reason: str = "", who: str = "officer"
) -> Any:
    return await client.post(
        f"/v1/filings/{filing['id']}/{action}",
        json={"reason": reason},
        headers=w.h(who, **{"If-Match": f'"{filing["version"]}"'}),
    )


async def _current(client: Client, w: World) -> dict[str, Any]:
    r = await client.get(f"/v1/estates/{w.estate}/filings/current")  # no token: the public page
    assert r.status_code == 200, r.text
    return dict(r.json())


# the whole way ------------------------------------------------------------------------------------------------------


async def test_filings_from_filed_to_the_public_page(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    assert await _current(client, w) == {
        "estate_id": str(w.estate),
        "service_contract": None,
        "committee": None,
    }
    pages = [await new_photo(db, w.ids["staff"]) for _ in range(2)]

    # the contract, version 1: returned with a reason
    v1 = await _file(client, w, "service_contract", _contract(pages), "staff")
    assert (v1["kind"], v1["version"], v1["state"]) == ("service_contract", 1, "filed")
    assert v1["service_contract"] == {
        "company": "测试物业服务有限公司",
        "service_grade": "二级",
        "fee_fen_m2_month": 250,
    }
    assert v1["committee"] is None and [d["id"] for d in v1["documents"]] == [str(p) for p in pages]
    # while it waits, no second version
    await _refused(
        db,
        client.post(
            f"/v1/estates/{w.estate}/filings/service-contract", json=_contract(pages), headers=w.h("manager")
        ),
        409,
        "filing_state_conflict",
    )
    r = await _decide(client, w, v1, "return", "合同缺少第3页签章")
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["decision_reason"]) == ("returned", "合同缺少第3页签章")
    assert r.headers["etag"] == '"1"'
    assert (await _current(client, w))["service_contract"] is None
    # filed again as version 2, accepted
    v2 = await _file(client, w, "service_contract", _contract(pages, fee_fen_m2_month=260), "staff")
    assert (v2["version"], v2["state"]) == (2, "filed")
    r = await _decide(client, w, v2, "accept")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "accepted" and r.json()["decided_at"] is not None
    current = (await _current(client, w))["service_contract"]
    assert current["filing_id"] == v2["id"]
    assert (
        current["company"],
        current["service_grade"],
        current["fee_fen_m2_month"],
        current["version"],
    ) == (
        "测试物业服务有限公司",
        "二级",
        260,
        2,
    )
    assert (current["term_start"], current["term_end"]) == ("2027-01-01", "2029-12-31")
    # a renewal, version 3, accepted: supersedes version 2
    v3 = await _file(
        client, w, "service_contract", _contract(pages, service_grade="一级", fee_fen_m2_month=350), "staff"
    )
    assert (await _current(client, w))["service_contract"]["version"] == 2  # until it is accepted
    assert (await _decide(client, w, v3, "accept", "续签")).status_code == 200
    current = (await _current(client, w))["service_contract"]
    assert (current["version"], current["service_grade"], current["fee_fen_m2_month"]) == (3, "一级", 350)
    r = await client.get(f"/v1/filings/{v2['id']}", headers=w.h("officer"))
    assert (r.json()["state"], r.headers["etag"]) == ("superseded", '"2"')
    assert r.json()["superseded_at"] is not None

    # the committee files its election and members; accepted
    record = await new_photo(db, w.ids["committee"])
    c1 = await _file(client, w, "committee", _committee([record]), "committee")
    assert c1["committee"] == {
        "elected_on": "2026-11-20",
        "members": [
            {"name": "王建国", "role": "chair"},
            {"name": "李秀英", "role": "vice_chair"},
            {"name": "张伟", "role": "member"},
        ],
    }
    assert (await _decide(client, w, c1, "accept")).status_code == 200
    public = await _current(client, w)
    assert public["committee"]["members"][0] == {"name": "王建国", "role": "chair"}
    assert (public["committee"]["elected_on"], public["committee"]["term_end"]) == (
        "2026-11-20",
        "2031-11-30",
    )
    assert "document" not in str(public) and str(record) not in str(public)

    # the history, newest first, for the estate's staff, committee and officers
    r = await client.get(f"/v1/estates/{w.estate}/filings", headers=w.h("committee"))
    assert r.status_code == 200, r.text
    assert [(f["kind"], f["version"], f["state"]) for f in r.json()["items"]] == [
        ("committee", 1, "accepted"),
        ("service_contract", 3, "accepted"),
        ("service_contract", 2, "superseded"),
        ("service_contract", 1, "returned"),
    ]
    r = await client.get(
        f"/v1/estates/{w.estate}/filings",
        params={"kind": "service_contract", "limit": 2},
        headers=w.h("officer"),
    )
    page = r.json()
    r = await client.get(
        f"/v1/estates/{w.estate}/filings",
        params={"kind": "service_contract", "cursor": page["next_cursor"]},
        headers=w.h("officer"),
    )
    assert [f["version"] for f in page["items"] + r.json()["items"]] == [3, 2, 1]

    # every filing and decision audited
    audit = await db.fetch(
        "SELECT action, actor_id, details FROM audit_log WHERE target_type = 'estate_filing' ORDER BY id"
    )
    assert [(a["action"], a["actor_id"]) for a in audit] == [
        ("filing.file", w.ids["staff"]),
        ("filing.return", w.ids["officer"]),
        ("filing.file", w.ids["staff"]),
        ("filing.accept", w.ids["officer"]),
        ("filing.file", w.ids["staff"]),
        ("filing.accept", w.ids["officer"]),
        ("filing.file", w.ids["committee"]),
        ("filing.accept", w.ids["officer"]),
    ]
    assert audit[1]["details"]["reason"] == "合同缺少第3页签章"
    assert audit[5]["details"]["superseded"] == v2["id"]
    assert audit[6]["details"]["members"][0] == {"name": "王建国", "role": "chair"}


async def test_two_filings_at_once_make_one_version(
    client: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    w = await make_world(db, settings)
    docs = [await new_photo(db, w.ids["staff"])]
    url = f"/v1/estates/{w.estate}/filings/service-contract"
    answers = await asyncio.gather(
        *(client.post(url, json=_contract(docs), headers=w.h("staff")) for _ in range(6))
    )
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409, 409, 409]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"filing_state_conflict"}
    assert await db.fetchval("SELECT count(*) FROM estate_filings") == 1


# refusals: status, code, nothing written ------------------------------------------------------------------------


async def test_who_may_file(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_world(db, settings)
    contract_url = f"/v1/estates/{w.estate}/filings/service-contract"
    committee_url = f"/v1/estates/{w.estate}/filings/committee"
    for who, url, body in (
        ("jia", contract_url, _contract),
        ("committee", contract_url, _contract),
        ("officer", contract_url, _contract),
        ("jia", committee_url, _committee),
        ("staff", committee_url, _committee),
        ("officer", committee_url, _committee),
    ):
        docs = [await new_photo(db, w.ids[who])]
        await _refused(db, client.post(url, json=body(docs), headers=w.h(who)), 403, "forbidden")
    for who, url, body in (
        ("other_staff", contract_url, _contract),
        ("other_committee", committee_url, _committee),
    ):
        docs = [await new_photo(db, w.ids[who])]
        await _refused(db, client.post(url, json=body(docs), headers=w.h(who)), 403, "filing_forbidden")
    docs = [await new_photo(db, w.ids["admin"])]
    await _refused(
        db,
        client.post(
            f"/v1/estates/{uuid.uuid4()}/filings/committee", json=_committee(docs), headers=w.h("admin")
        ),
        404,
        "estate_not_found",
    )
    await _refused(db, client.post(contract_url, json=_contract(docs)), 401, "unauthenticated")


async def test_bad_filings_are_refused(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_world(db, settings)
    mine = await new_photo(db, w.ids["staff"])
    theirs = await new_photo(db, w.ids["jia"])
    contract_url = f"/v1/estates/{w.estate}/filings/service-contract"
    for body, status, code in [
        (_contract([mine], term_end="2027-01-01"), 422, "invalid_filing"),
        (_contract([mine], term_end="2026-06-30"), 422, "invalid_filing"),
        (_contract([mine], company="   "), 422, "invalid_filing"),
        (_contract([theirs]), 422, "invalid_estate_photo"),
        (_contract([mine, mine]), 422, "invalid_estate_photo"),
        (_contract([uuid.uuid4()]), 422, "invalid_estate_photo"),
        (_contract([]), 422, "validation_failed"),
        (_contract([mine], service_grade="六级"), 422, "validation_failed"),
        (_contract([mine], service_grade=2), 422, "validation_failed"),
        (_contract([mine], fee_fen_m2_month=0), 422, "validation_failed"),
        (_contract([mine], fee_fen_m2_month=2.5), 422, "validation_failed"),
        (_contract([mine], term_start="2027-02-30"), 422, "validation_failed"),
        (_contract([mine], pdf="contract.pdf"), 422, "validation_failed"),
    ]:
        await _refused(db, client.post(contract_url, json=body, headers=w.h("staff")), status, code)
    committee_url = f"/v1/estates/{w.estate}/filings/committee"
    record = await new_photo(db, w.ids["committee"])
    members = [{"name": "王建国", "role": "chair"}, {"name": "李秀英", "role": "member"}]
    for body, status, code in [
        (
            _committee([record], members=[{"name": "李秀英", "role": "member"}]),
            422,
            "invalid_filing",
        ),  # no chair
        (_committee([record], members=[*members, {"name": "赵强", "role": "chair"}]), 422, "invalid_filing"),
        (
            _committee([record], members=[*members, {"name": "李秀英", "role": "vice_chair"}]),
            422,
            "invalid_filing",
        ),
        (_committee([record], members=[*members, {"name": "  ", "role": "member"}]), 422, "invalid_filing"),
        (_committee([record], elected_on="2026-12-02"), 422, "invalid_filing"),  # after the term began
        (_committee([record], term_end="2026-12-01"), 422, "invalid_filing"),
        (_committee([record], members=[]), 422, "validation_failed"),
        (_committee([record], members=[{"name": "王建国", "role": "secretary"}]), 422, "validation_failed"),
        (_committee([mine]), 422, "invalid_estate_photo"),
    ]:
        await _refused(db, client.post(committee_url, json=body, headers=w.h("committee")), status, code)


async def test_bad_decisions_are_refused(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_world(db, settings)
    filing = await _file(
        client, w, "service_contract", _contract([await new_photo(db, w.ids["staff"])]), "staff"
    )
    accept = f"/v1/filings/{filing['id']}/accept"
    give_back = f"/v1/filings/{filing['id']}/return"
    v1 = {"If-Match": '"1"'}
    # who: the district's housing officer (and admins) only
    for who, code in (("staff", "forbidden"), ("committee", "forbidden"), ("jia", "forbidden")):
        await _refused(db, client.post(accept, json={}, headers=w.h(who, **v1)), 403, code)
    await _refused(
        db, client.post(accept, json={}, headers=w.h("other_officer", **v1)), 403, "filing_forbidden"
    )
    # the version
    await _refused(db, client.post(accept, json={}, headers=w.h("officer")), 428, "precondition_required")
    await _refused(
        db,
        client.post(accept, json={}, headers=w.h("officer", **{"If-Match": "v1"})),
        400,
        "invalid_if_match",
    )
    problem = await _refused(
        db,
        client.post(accept, json={}, headers=w.h("officer", **{"If-Match": '"2"'})),
        409,
        "filing_version_conflict",
    )
    assert problem["version"] == 1
    # the reason
    await _refused(
        db,
        client.post(give_back, json={"reason": "   "}, headers=w.h("officer", **v1)),
        422,
        "invalid_filing",
    )
    await _refused(
        db, client.post(give_back, json={}, headers=w.h("officer", **v1)), 422, "validation_failed"
    )
    await _refused(
        db,
        client.post(accept, json={"reason": "x" * 501}, headers=w.h("officer", **v1)),
        422,
        "validation_failed",
    )
    await _refused(
        db,
        client.post(f"/v1/filings/{uuid.uuid4()}/accept", json={}, headers=w.h("officer", **v1)),
        404,
        "filing_not_found",
    )
    # decided once
    assert (await client.post(accept, json={}, headers=w.h("admin", **v1))).status_code == 200
    problem = await _refused(
        db,
        client.post(give_back, json={"reason": "迟到的退回"}, headers=w.h("officer", **v1)),
        409,
        "filing_state_conflict",
    )
    assert problem["state"] == "accepted"


async def test_who_reads_filings(client: Client, db: asyncpg.Connection, settings: Settings) -> None:
    w = await make_world(db, settings)
    filing = await _file(
        client, w, "service_contract", _contract([await new_photo(db, w.ids["staff"])]), "staff"
    )
    for who in ("staff", "manager", "committee", "officer", "admin"):
        r = await client.get(f"/v1/filings/{filing['id']}", headers=w.h(who))
        assert r.status_code == 200 and r.json()["id"] == filing["id"], who
        r = await client.get(f"/v1/estates/{w.estate}/filings", headers=w.h(who))
        assert r.status_code == 200 and len(r.json()["items"]) == 1, who
    for who in ("other_staff", "other_committee", "other_officer"):
        await _refused(
            db, client.get(f"/v1/filings/{filing['id']}", headers=w.h(who)), 403, "filing_forbidden"
        )
        await _refused(
            db, client.get(f"/v1/estates/{w.estate}/filings", headers=w.h(who)), 403, "filing_forbidden"
        )
    await _refused(db, client.get(f"/v1/filings/{filing['id']}", headers=w.h("jia")), 403, "forbidden")
    await _refused(
        db, client.get(f"/v1/filings/{uuid.uuid4()}", headers=w.h("officer")), 404, "filing_not_found"
    )
    await _refused(
        db,
        client.get(f"/v1/estates/{w.estate}/filings", params={"kind": "lease"}, headers=w.h("staff")),
        422,
        "validation_failed",
    )
    await _refused(db, client.get(f"/v1/estates/{uuid.uuid4()}/filings/current"), 404, "estate_not_found")
