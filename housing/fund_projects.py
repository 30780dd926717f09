"""Spending the maintenance fund (维修资金使用, issue 12 section 2; DOMAIN.md §9, §11, §12): repair projects for the
estate's common parts (共用部位、共用设施设备). Plain async functions that take a connection inside the caller's
transaction and never commit; every change of state is audited here. The SQL is in housing/fund_projects_store.py,
the API's schemas in housing/fund_project_models.py.

The way of a project (each step guarded by its state and version, If-Match):

1. Raised (``raise_project``) by the estate's owners' committee or its property staff: title, description, scope
   (the whole estate or some buildings), budget in fen, contractor, quotes, photos; or as an emergency (lift,
   water supply, fire system, roof or wall leak, danger from the outer wall).
2. An ordinary project is put to the owners' vote (``put_to_vote``): an ORDINARY matter raised through
   housing/votes.py with the project's scope as its buildings, by whoever runs the estate's votes, linked to the
   project (state voting). An emergency skips the vote.
3. The district's housing officer approves the disbursement (``approve``): only once the linked matter's result
   is published and passed. One ledger entry (``fund_spend``): the budget apportioned to the homes in scope that
   hold a fund share, by their counted area, with the largest-remainder method (``money.share_largest_remainder``:
   the fen add up exactly), each home's ``fund_share`` debited and the estate's ``fund_bank`` credited. A home
   whose share is smaller than its part refuses the whole approval (fund_share_insufficient): the fund is a
   ledger of what each home paid in, and one home's money does not pay for another's part. The homes touched
   are checked for the 30 % top-up notice (``fund.check_topups``). An emergency project is due to be published to
   the owners within ``FundProjectsConfig.publish_days`` after approval.
4. Accepted on completion (验收), with photos, by the committee (the housing officer where there is none).
5. Settled (决算) by the housing officer with the actual cost, at most the disbursement: the difference goes back
   to the same homes by the same areas (largest remainder again, one ``fund_return`` entry). Because largest
   remainder is not monotone in the sum shared, a home may get back one fen more than it paid of a tiny
   project; each home's net cost is still within one fen of its exact share of the actual cost.

Owners see each project that drew on their home's share on their fund statement (``fund.statement`` names the
project of each line) and read the projects of their estate with their own homes' apportionment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID

import asyncpg
import msgspec

from housing import access, announcements, fund, ledger, money, vote_models, votes
from housing import fund_projects_store as store
from housing import store as estates_store
from housing.announcements import check_photos
from housing.errors import (
    EstateNotFound,
    FundHasNoHomes,
    FundProjectForbidden,
    FundProjectNotFound,
    FundProjectStateConflict,
    FundProjectVersionConflict,
    FundSettlementExceeds,
    FundShareInsufficient,
    FundVoteNotPassed,
    InvalidFundProject,
)
from housing.fund_project_models import (
    FundProject,
    FundProjectAcceptance,
    FundProjectCreate,
    FundProjectDetail,
    FundProjectHome,
    FundProjectPage,
    FundProjectSettlement,
    FundProjectVote,
)
from housing.paging import decode_cursor, encode_cursor
from identity import service as identity
from identity.models import Principal, RequestContext
from media.storage import Storage

#: the emergencies of DOMAIN.md §12 that may skip the vote, as the publication names them
EMERGENCY_NAMES: Final[dict[str, str]] = {
    "lift": "电梯故障或存在安全隐患",
    "water_supply": "供水、排水管道爆裂",
    "fire_system": "消防设施失灵",
    "roof_or_wall_leak": "屋面、外墙渗漏",
    "outer_wall_danger": "外墙附属物存在脱落危险",
}


class FundProjectsConfig(msgspec.Struct, frozen=True, kw_only=True):
    #: days after approval within which an emergency project is published to the owners (FUND_EMERGENCY_PUBLISH_DAYS)
    publish_days: int = 7


# access -----------------------------------------------------------------------------------------------------------


async def _estate(conn: asyncpg.Connection, estate_id: UUID) -> asyncpg.Record:
    row = await estates_store.estate_governance(conn, estate_id)
    if row is None:
        raise EstateNotFound(f"no estate {estate_id}")
    return row


def _staff(principal: Principal, estate_id: UUID, district_code: str) -> bool:
    """The estate's staff views: its staff, the district's housing officers, admins, its committee."""
    return access.reads_estate(principal, str(estate_id), district_code) or access.sits_on_committee(
        principal, str(estate_id)
    )


async def _reader(
    conn: asyncpg.Connection, principal: Principal, estate_id: UUID, district_code: str
) -> bool:
    """FundProjectForbidden unless the caller reads the estate's projects; True for its staff views."""
    if _staff(principal, estate_id, district_code):
        return True
    if await estates_store.is_bound_owner(conn, principal.user_id, estate_id):
        return False
    raise FundProjectForbidden("an estate's fund projects are for its owners, staff and housing officers")


async def _project(conn: asyncpg.Connection, project_id: UUID, *, lock: bool = False) -> asyncpg.Record:
    row = await store.get_project(conn, project_id, lock=lock)
    if row is None:
        raise FundProjectNotFound(f"no fund project {project_id}")
    return row


def _guard(row: asyncpg.Record, version: int, states: tuple[str, ...]) -> None:
    if row["version"] != version:
        raise FundProjectVersionConflict(
            f"this project is version {row['version']}, not {version}", version=row["version"]
        )
    if row["state"] not in states:
        raise FundProjectStateConflict(f"the project is {row['state']}", state=row["state"])


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


def _fields(row: asyncpg.Record, names: dict[UUID, str]) -> dict[str, object]:
    disbursed = row["disbursed_fen"]
    actual = row["actual_cost_fen"]
    overdue = (
        row["publish_due_at"] is not None
        and row["published_at"] is None
        and row["publish_due_at"] < row["now"]
    )
    return {
        "id": row["id"],
        "estate_id": row["estate_id"],
        "title": row["title"],
        "description": row["description"],
        "buildings": [{"id": b, "name": names.get(b, "")} for b in row["scope_building_ids"]],
        "budget_fen": row["budget_fen"],
        "contractor": row["contractor"],
        "quotes": msgspec.json.decode(row["quotes"])
        if isinstance(row["quotes"], str | bytes)
        else row["quotes"],
        "photo_ids": list(row["photo_ids"]),
        "emergency": row["emergency"],
        "emergency_kind": row["emergency_kind"],
        "state": row["state"],
        "version": row["version"],
        "created_at": row["created_at"],
        "matter_id": row["matter_id"],
        "approved_at": row["approved_at"],
        "disbursed_fen": disbursed,
        "publish_due_at": row["publish_due_at"],
        "published_at": row["published_at"],
        "announcement_id": row["announcement_id"],
        "publication_overdue": overdue,
        "accepted_at": row["accepted_at"],
        "acceptance_photo_ids": list(row["acceptance_photo_ids"]),
        "acceptance_note": row["acceptance_note"],
        "settled_at": row["settled_at"],
        "actual_cost_fen": actual,
        "returned_fen": disbursed - actual if actual is not None and disbursed is not None else None,
    }


async def _detail(conn: asyncpg.Connection, principal: Principal, project_id: UUID) -> FundProjectDetail:
    row = await _project(conn, project_id)
    staff = await _reader(conn, principal, row["estate_id"], row["district_code"])
    homes = None if staff else await store.owned_homes(conn, principal.user_id, row["estate_id"])
    names = await estates_store.building_names(conn, row["scope_building_ids"])
    apportionment = [
        FundProjectHome(
            home_id=h["home_id"],
            building=h["building"],
            entrance=h["entrance"],
            room=h["room"],
            area=h["area"],
            spent_fen=h["spent_fen"],
            returned_fen=h["returned_fen"],
        )
        for h in await store.project_homes(conn, project_id, homes)
    ]
    return msgspec.convert({**_fields(row, names), "apportionment": apportionment}, FundProjectDetail)


# use cases --------------------------------------------------------------------------------------------------------


async def raise_project(
    conn: asyncpg.Connection,
    ctx: RequestContext,
    principal: Principal,
    estate_id: UUID,
    data: FundProjectCreate,
) -> FundProjectDetail:
    """A project raised by the estate's committee or property staff (state raised; audited)."""
    e = await _estate(conn, estate_id)
    if not (
        access.manages_estate(principal, str(estate_id))
        or access.sits_on_committee(principal, str(estate_id))
    ):
        raise FundProjectForbidden(
            "a fund project is raised by the estate's owners' committee or property staff"
        )
    title, contractor = data.title.strip(), data.contractor.strip()
    if not title:
        raise InvalidFundProject("the title is blank", fields=_field("title"))
    if not contractor:
        raise InvalidFundProject("the contractor is blank", fields=_field("contractor"))
    if data.emergency != (data.emergency_kind is not None):
        raise InvalidFundProject(
            "an emergency names its kind, and only an emergency does", fields=_field("emergency_kind")
        )
    if any(not q.supplier.strip() for q in data.quotes):
        raise InvalidFundProject("a quote's supplier is blank", fields=_field("quotes"))
    wanted = list(dict.fromkeys(data.building_ids))
    if len(await estates_store.buildings_of(conn, estate_id, wanted)) != len(wanted):
        raise InvalidFundProject("a building named is not one of the estate's", fields=_field("building_ids"))
    await check_photos(conn, principal, data.photo_ids, "photo_ids")
    project_id = await store.insert_project(
        conn,
        {
            "estate_id": estate_id,
            "title": title,
            "description": data.description.strip(),
            "scope_building_ids": wanted,
            "budget_fen": data.budget_fen,
            "contractor": contractor,
            "quotes": msgspec.to_builtins(data.quotes),
            "photo_ids": data.photo_ids,
            "emergency": data.emergency,
            "emergency_kind": data.emergency_kind,
            "raised_by": principal.user_id,
        },
    )
    await identity.audit(
        conn, ctx, principal.user_id, "fund_project.raise", "fund_project", str(project_id),
        estate_id=str(estate_id), district_code=e["district_code"], **msgspec.to_builtins(data),
    )  # fmt: skip
    return await _detail(conn, principal, project_id)


async def get_project(conn: asyncpg.Connection, principal: Principal, project_id: UUID) -> FundProjectDetail:
    return await _detail(conn, principal, project_id)


async def list_projects(
    conn: asyncpg.Connection, principal: Principal, estate_id: UUID, cursor: str | None, limit: int
) -> FundProjectPage:
    e = await _estate(conn, estate_id)
    await _reader(conn, principal, estate_id, e["district_code"])
    after = decode_cursor(cursor, (datetime, UUID)) if cursor else None
    rows = await store.list_projects(conn, estate_id, after, limit + 1)  # type: ignore[arg-type]
    now: datetime = await conn.fetchval("SELECT now()")
    names = await estates_store.building_names(conn, list({b for r in rows for b in r["scope_building_ids"]}))
    items = [msgspec.convert(_fields({**dict(r), "now": now}, names), FundProject) for r in rows[:limit]]  # type: ignore[arg-type]
    last = rows[limit - 1] if len(rows) > limit else None
    return FundProjectPage(items, encode_cursor(last["created_at"], last["id"]) if last else None)


async def overdue_publications(
    conn: asyncpg.Connection, principal: Principal, cursor: str | None, limit: int
) -> FundProjectPage:
    """Emergency projects whose publication to the owners is overdue, for the housing officers of their district
    (and admins), oldest due first."""
    if principal.has_role("admin"):
        districts: list[str] | None = None
    elif principal.has_role("housing_officer"):
        scopes = principal.scopes("housing_officer", "district")
        districts = None if scopes is None else sorted(scopes)
    else:
        raise FundProjectForbidden("the overdue publications are for the housing officers")
    after = decode_cursor(cursor, (datetime, UUID)) if cursor else None
    rows = await store.overdue_publications(conn, districts, after, limit + 1)  # type: ignore[arg-type]
    now: datetime = await conn.fetchval("SELECT now()")
    names = await estates_store.building_names(conn, list({b for r in rows for b in r["scope_building_ids"]}))
    items = [msgspec.convert(_fields({**dict(r), "now": now}, names), FundProject) for r in rows[:limit]]  # type: ignore[arg-type]
    last = rows[limit - 1] if len(rows) > limit else None
    return FundProjectPage(items, encode_cursor(last["publish_due_at"], last["id"]) if last else None)


async def put_to_vote(
    conn: asyncpg.Connection,
    config: votes.VotesConfig,
    ctx: RequestContext,
    principal: Principal,
    project_id: UUID,
    version: int,
    data: FundProjectVote,
) -> FundProjectDetail:
    """Raise the ORDINARY matter of an ordinary project (its scope as the matter's buildings) and link it."""
    row = await _project(conn, project_id, lock=True)
    e = await _estate(conn, row["estate_id"])
    if not access.organises_votes(principal, str(row["estate_id"]), e["district_code"], e["has_committee"]):
        raise FundProjectForbidden(
            "a project is put to the vote by whoever runs the estate's votes (its committee; the housing officer "
            "where there is none)"
        )
    _guard(row, version, ("raised",))
    if row["emergency"]:
        raise FundProjectStateConflict("an emergency project needs no vote", state=row["state"])
    body = (
        f"{row['description']}\n\n预算 {row['budget_fen'] / 100:.2f} 元，施工单位：{row['contractor']}。"
        "按 DOMAIN §12 由所涉共用部位的业主表决（普通事项）。"
    ).strip()
    matter = await votes.raise_matter(
        conn,
        config,
        ctx,
        principal,
        row["estate_id"],
        vote_models.VoteMatterCreate(
            kind="ordinary",
            title=f"维修资金使用：{row['title']}"[:200],
            opens_at=data.opens_at,
            closes_at=data.closes_at,
            body=body[:10000],
            building_ids=list(row["scope_building_ids"]),
        ),
    )
    linked = await store.link_matter(conn, project_id, version, matter.id)
    assert linked  # the row is locked, its state and version checked above
    await identity.audit(
        conn, ctx, principal.user_id, "fund_project.vote", "fund_project", str(project_id),
        estate_id=str(row["estate_id"]), matter_id=str(matter.id), version=version,
    )  # fmt: skip
    return await _detail(conn, principal, project_id)


async def approve(
    conn: asyncpg.Connection,
    config: FundProjectsConfig,
    ctx: RequestContext,
    principal: Principal,
    project_id: UUID,
    version: int,
) -> FundProjectDetail:
    """The housing officer's approval: the budget apportioned by area and taken from the homes' shares."""
    row = await _project(conn, project_id, lock=True)
    if not (principal.has_role("admin") or access.officer_of(principal, row["district_code"])):
        raise FundProjectForbidden(
            "the disbursement is approved by the housing officers of the estate's district"
        )
    _guard(row, version, ("raised",) if row["emergency"] else ("voting",))
    if not row["emergency"]:
        matter_state = await store.matter_state(conn, row["matter_id"])
        passed = False
        if matter_state == "published":
            passed = (await votes.get_result(conn, None, row["matter_id"])).passed
        if not passed:
            raise FundVoteNotPassed(
                "the owners' vote on this project has not passed",
                matter_id=str(row["matter_id"]), matter_state=matter_state, passed=passed,
            )  # fmt: skip
    estate_id: UUID = row["estate_id"]
    homes = await store.homes_in_scope(conn, estate_id, row["scope_building_ids"])
    if not homes:
        raise FundHasNoHomes("no home in the project's scope has a share of the fund")
    budget: int = row["budget_fen"]
    parts = money.share_largest_remainder(budget, [(h["home_id"], h["area"]) for h in homes])
    keys = {h: ledger.home_account("fund_share", estate_id, h) for h in parts}
    bank_key = ledger.estate_account("fund_bank", estate_id)
    ids = await ledger.accounts(conn, [*keys.values(), bank_key])
    held = await ledger.lock_accounts(conn, [ids[k] for k in keys.values()])
    for home_id, part in parts.items():
        balance = -held.get(ids[keys[home_id]], 0)
        if balance < part:
            raise FundShareInsufficient(
                f"home {home_id} holds {balance} fen, its part is {part} fen",
                home_id=str(home_id), balance_fen=balance, part_fen=part,
            )  # fmt: skip
    entry_id = await ledger.post(
        conn,
        ledger.Entry(
            estate_id=estate_id,
            kind="fund_spend",
            lines=[
                ledger.Line(ids[bank_key], -budget),
                *(ledger.Line(ids[keys[h]], part) for h, part in parts.items() if part),
            ],
            memo=f"维修资金使用：{row['title']}"[:200],
            ref=f"fund_project:{project_id}",
            actor_id=principal.user_id,
        ),
    )
    await store.insert_homes(
        conn,
        project_id,
        [h["home_id"] for h in homes],
        [h["area"] for h in homes],
        [parts[h["home_id"]] for h in homes],
    )
    done = await store.set_approved(
        conn, project_id, version, row["state"], principal.user_id, budget, entry_id,
        config.publish_days if row["emergency"] else None,
    )  # fmt: skip
    assert done  # the row is locked, its state and version checked above
    await fund.check_topups(conn, list(parts))
    await identity.audit(
        conn, ctx, principal.user_id, "fund_project.approve", "fund_project", str(project_id),
        estate_id=str(estate_id), version=version, disbursed_fen=budget, homes=len(parts), entry_id=entry_id,
        emergency=row["emergency"], matter_id=str(row["matter_id"]) if row["matter_id"] else None,
    )  # fmt: skip
    return await _detail(conn, principal, project_id)


async def publish(
    conn: asyncpg.Connection,
    storage: Storage,
    ctx: RequestContext,
    principal: Principal,
    project_id: UUID,
    version: int,
) -> FundProjectDetail:
    """Publish an approved emergency project to the owners in its scope: an urgent estate announcement (公告, pushed
    through the outbox by housing/announcements.py) with the kind, budget, contractor and apportionment; by its
    committee, property staff or the district's housing officer (the announcement's publishers)."""
    row = await _project(conn, project_id, lock=True)
    if not access.publisher_sides(principal, str(row["estate_id"]), row["district_code"]):
        raise FundProjectForbidden(
            "an emergency project is published by the estate's committee, staff or officer"
        )
    _guard(row, version, ("approved", "accepted", "settled"))
    if not row["emergency"] or row["published_at"] is not None:
        raise FundProjectStateConflict(
            "only an approved emergency project not yet published is published", state=row["state"],
            published_at=row["published_at"].isoformat() if row["published_at"] else None,
        )  # fmt: skip
    homes = len(await store.project_homes(conn, project_id, None))
    kind_zh = EMERGENCY_NAMES[row["emergency_kind"]]
    body = (
        f"因{kind_zh}，经区房管部门批准，按应急程序动用住宅专项维修资金（未经业主表决）。\n"
        f"项目：{row['title']}\n施工单位：{row['contractor']}\n"
        f"划拨金额：{row['disbursed_fen'] / 100:.2f} 元，由范围内 {homes} 户按建筑面积分摊，"
        "各户分摊额见本户维修资金分户账。\n"
        f"{row['description']}"
    ).strip()
    announcement = await announcements.publish(
        conn,
        storage,
        ctx,
        principal,
        row["estate_id"],
        announcements.AnnouncementCreate(
            title=f"维修资金应急使用公示：{row['title']}"[:100],
            body=body[:10000],
            urgent=True,
            building_ids=list(row["scope_building_ids"]),
        ),
    )
    done = await store.set_published(conn, project_id, version, principal.user_id, announcement.id)
    assert done
    await identity.audit(
        conn, ctx, principal.user_id, "fund_project.publish", "fund_project", str(project_id),
        estate_id=str(row["estate_id"]), version=version, announcement_id=str(announcement.id),
        late=row["publish_due_at"] < row["now"],
    )  # fmt: skip
    return await _detail(conn, principal, project_id)


async def accept(
    conn: asyncpg.Connection,
    ctx: RequestContext,
    principal: Principal,
    project_id: UUID,
    version: int,
    data: FundProjectAcceptance,
) -> FundProjectDetail:
    """Acceptance on completion (验收) with photos: the committee, or the housing officer where there is none."""
    row = await _project(conn, project_id, lock=True)
    e = await _estate(conn, row["estate_id"])
    if not access.organises_votes(principal, str(row["estate_id"]), e["district_code"], e["has_committee"]):
        raise FundProjectForbidden(
            "the work is accepted by the estate's owners' committee (the housing officer where there is none)"
        )
    _guard(row, version, ("approved",))
    await check_photos(conn, principal, data.photo_ids, "photo_ids")
    done = await store.set_accepted(
        conn, project_id, version, principal.user_id, data.photo_ids, data.note.strip()
    )
    assert done
    await identity.audit(
        conn, ctx, principal.user_id, "fund_project.accept", "fund_project", str(project_id),
        estate_id=str(row["estate_id"]), version=version, photos=[str(p) for p in data.photo_ids],
    )  # fmt: skip
    return await _detail(conn, principal, project_id)


async def settle(
    conn: asyncpg.Connection,
    ctx: RequestContext,
    principal: Principal,
    project_id: UUID,
    version: int,
    data: FundProjectSettlement,
) -> FundProjectDetail:
    """The final account (决算) by the housing officer: the difference back to the same homes by the same areas."""
    row = await _project(conn, project_id, lock=True)
    if not (principal.has_role("admin") or access.officer_of(principal, row["district_code"])):
        raise FundProjectForbidden(
            "the final account is settled by the housing officers of the estate's district"
        )
    _guard(row, version, ("accepted",))
    disbursed: int = row["disbursed_fen"]
    actual = data.actual_cost_fen
    if actual > disbursed:
        raise FundSettlementExceeds(
            f"{actual} fen is more than the {disbursed} fen disbursed",
            fields=[{"field": "actual_cost_fen", "code": "fund_settlement_exceeds"}], disbursed_fen=disbursed,
        )  # fmt: skip
    estate_id: UUID = row["estate_id"]
    difference = disbursed - actual
    entry_id = None
    parts: dict[UUID, int] = {}
    if difference:
        homes = await store.project_homes(conn, project_id, None)
        parts = money.share_largest_remainder(difference, [(h["home_id"], h["area"]) for h in homes])
        keys = {h: ledger.home_account("fund_share", estate_id, h) for h in parts}
        bank_key = ledger.estate_account("fund_bank", estate_id)
        ids = await ledger.accounts(conn, [*keys.values(), bank_key])
        await ledger.lock_accounts(conn, [ids[k] for k in keys.values()])
        entry_id = await ledger.post(
            conn,
            ledger.Entry(
                estate_id=estate_id,
                kind="fund_return",
                lines=[
                    ledger.Line(ids[bank_key], difference),
                    *(ledger.Line(ids[keys[h]], -part) for h, part in parts.items() if part),
                ],
                memo=f"维修资金决算退回：{row['title']}"[:200],
                ref=f"fund_project:{project_id}",
                actor_id=principal.user_id,
            ),
        )
        await store.set_returned(conn, project_id, list(parts), list(parts.values()))
    done = await store.set_settled(conn, project_id, version, principal.user_id, actual, entry_id)
    assert done
    if parts:
        await fund.check_topups(conn, list(parts))
    await identity.audit(
        conn, ctx, principal.user_id, "fund_project.settle", "fund_project", str(project_id),
        estate_id=str(estate_id), version=version, actual_cost_fen=actual, returned_fen=difference,
        entry_id=entry_id,
    )  # fmt: skip
    return await _detail(conn, principal, project_id)
