"""Filings (备案, issue 12 §4, DOMAIN.md §12) with the district housing office: the property company files its
service contract (物业服务合同: company, service grade, the property fee per m² per month, term), the owners'
committee files its election result and members (业主委员会: election date, members with their roles, term);
both with document photos. Plain async functions that take a connection inside the caller's transaction and
never commit; every filing and decision is audited here. The SQL is in housing/notices_store.py.

- Each estate and kind has a chain of versions 1, 2, 3 ... A version is filed when none of that kind is waiting
  (a second one is refused, filing_state_conflict, also under concurrency: a unique index); a returned version
  is filed again as the next one. The contract: the estate's property staff; the committee: its members.
- The district's housing officer accepts or returns the waiting version with a reason, naming its version in
  If-Match (filing_version_conflict otherwise). Accepting supersedes the version accepted before, so an estate
  has at most one accepted filing of each kind (a unique index).
- Documents: processed photos the filer uploaded through the media pipeline (the signed contract's pages, the
  election record). The media pipeline takes images only (JPEG, PNG, WebP, HEIC), so a PDF is filed as photos
  of its pages.
- The estate's public filings (no token): the accepted contract's company, grade, fee and term, and the accepted
  committee's members and term; no documents, no filer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
import msgspec

from housing import access
from housing import notices_store as store
from housing.announcements import check_photos
from housing.errors import (
    EstateNotFound,
    FilingForbidden,
    FilingNotFound,
    FilingStateConflict,
    FilingVersionConflict,
    InvalidFiling,
)
from housing.paging import decode_cursor, encode_cursor
from identity import service as identity
from identity.models import Principal, RequestContext
from media import service as media
from media.models import PhotoLink
from media.storage import Storage

FilingKind = Literal["service_contract", "committee"]
FilingState = Literal["filed", "accepted", "returned", "superseded"]
#: the grade of the service contract (物业服务等级), 一级 the highest; local standards have three to five
ServiceGrade = Literal["一级", "二级", "三级", "四级", "五级"]
CommitteeRole = Literal["chair", "vice_chair", "member"]
Documents = Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=20)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


# schemas --------------------------------------------------------------------------------------------------------


class ServiceContractFiling(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    company: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    service_grade: ServiceGrade
    fee_fen_m2_month: Annotated[int, msgspec.Meta(ge=1, le=100000)]
    term_start: date
    term_end: date
    document_ids: Documents
    note: Note = ""


class CommitteeMember(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    role: CommitteeRole


class CommitteeFiling(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    elected_on: date
    term_start: date
    term_end: date
    members: Annotated[list[CommitteeMember], msgspec.Meta(min_length=1, max_length=50)]
    document_ids: Documents
    note: Note = ""


class FilingAcceptance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class FilingReturn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ContractTerms(msgspec.Struct, frozen=True):
    company: str
    service_grade: ServiceGrade
    fee_fen_m2_month: int


class CommitteeTerms(msgspec.Struct, frozen=True):
    elected_on: date
    members: list[CommitteeMember]


class Filing(msgspec.Struct, frozen=True):
    id: UUID
    estate_id: UUID
    kind: FilingKind
    version: int
    state: FilingState
    term_start: date
    term_end: date
    service_contract: ContractTerms | None
    committee: CommitteeTerms | None
    note: str
    documents: list[PhotoLink]
    filed_at: datetime
    decided_at: datetime | None
    decision_reason: str
    superseded_at: datetime | None


class FilingPage(msgspec.Struct, frozen=True):
    items: list[Filing]
    next_cursor: str | None


class CurrentContract(msgspec.Struct, frozen=True):
    filing_id: UUID
    version: int
    company: str
    service_grade: ServiceGrade
    fee_fen_m2_month: int
    term_start: date
    term_end: date
    accepted_at: datetime


class CurrentCommittee(msgspec.Struct, frozen=True):
    filing_id: UUID
    version: int
    elected_on: date
    members: list[CommitteeMember]
    term_start: date
    term_end: date
    accepted_at: datetime


class CurrentFilings(msgspec.Struct, frozen=True):
    estate_id: UUID
    service_contract: CurrentContract | None
    committee: CurrentCommittee | None


# helpers --------------------------------------------------------------------------------------------------------


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


async def _district(conn: asyncpg.Connection, estate_id: UUID) -> str:
    district = await store.estate_district(conn, estate_id)
    if district is None:
        raise EstateNotFound("no such estate")
    return district


def _members(rows: list[asyncpg.Record]) -> list[CommitteeMember]:
    return [CommitteeMember(name=m["name"], role=m["role"]) for m in rows]


async def _view(
    conn: asyncpg.Connection, storage: Storage, row: asyncpg.Record, members: list[asyncpg.Record]
) -> Filing:
    contract = (
        ContractTerms(
            company=row["company"],
            service_grade=row["service_grade"],
            fee_fen_m2_month=row["fee_fen_m2_month"],
        )
        if row["kind"] == "service_contract"
        else None
    )
    committee = (
        CommitteeTerms(elected_on=row["elected_on"], members=_members(members))
        if row["kind"] == "committee"
        else None
    )
    return Filing(
        id=row["id"],
        estate_id=row["estate_id"],
        kind=row["kind"],
        version=row["version"],
        state=row["state"],
        term_start=row["term_start"],
        term_end=row["term_end"],
        service_contract=contract,
        committee=committee,
        note=row["note"],
        documents=await media.photo_links(conn, storage, list(row["document_ids"])),
        filed_at=row["filed_at"],
        decided_at=row["decided_at"],
        decision_reason=row["decision_reason"],
        superseded_at=row["superseded_at"],
    )


async def _filing(conn: asyncpg.Connection, storage: Storage, filing_id: UUID) -> Filing:
    row = await store.get_filing(conn, filing_id)
    if row is None:
        raise FilingNotFound("no such filing")
    return await _view(conn, storage, row, (await store.members(conn, [filing_id])).get(filing_id, []))


def _term(term_start: date, term_end: date) -> None:
    if term_end <= term_start:
        raise InvalidFiling("the term must end after it starts", fields=_field("term_end"))


async def _insert(
    conn: asyncpg.Connection,
    principal: Principal,
    estate_id: UUID,
    kind: FilingKind,
    document_ids: list[UUID],
    *,
    term_start: date,
    term_end: date,
    note: str,
    company: str | None = None,
    service_grade: ServiceGrade | None = None,
    fee_fen_m2_month: int | None = None,
    elected_on: date | None = None,
) -> UUID:
    waiting = await store.waiting_filing(conn, estate_id, kind)
    if waiting is not None:
        raise FilingStateConflict(
            "a filing of this kind waits for the housing office's decision",
            filing_id=str(waiting),
            state="filed",
        )
    await check_photos(conn, principal, document_ids, "document_ids")
    filing_id = await store.insert_filing(
        conn,
        estate_id=estate_id,
        kind=kind,
        term_start=term_start,
        term_end=term_end,
        company=company,
        service_grade=service_grade,
        fee_fen_m2_month=fee_fen_m2_month,
        elected_on=elected_on,
        note=note,
        document_ids=document_ids,
        filed_by=principal.user_id,
    )
    if filing_id is None:  # a concurrent filing of the same kind won the unique index
        raise FilingStateConflict(
            "a filing of this kind waits for the housing office's decision", state="filed"
        )
    return filing_id


# use cases ------------------------------------------------------------------------------------------------------


async def file_contract(
    conn: asyncpg.Connection,
    storage: Storage,
    ctx: RequestContext,
    principal: Principal,
    estate_id: UUID,
    data: ServiceContractFiling,
) -> Filing:
    """The property company files its service contract (the estate's property staff); audited."""
    await _district(conn, estate_id)
    if not access.files_contract(principal, str(estate_id)):
        raise FilingForbidden("the service contract is filed by the estate's property staff")
    company = data.company.strip()
    if not company:
        raise InvalidFiling("the company is blank", fields=_field("company"))
    _term(data.term_start, data.term_end)
    filing_id = await _insert(
        conn, principal, estate_id, "service_contract", data.document_ids,
        term_start=data.term_start, term_end=data.term_end, note=data.note.strip(), company=company,
        service_grade=data.service_grade, fee_fen_m2_month=data.fee_fen_m2_month,
    )  # fmt: skip
    filing = await _filing(conn, storage, filing_id)
    await identity.audit(
        conn, ctx, principal.user_id, "filing.file", "estate_filing", str(filing_id),
        estate_id=str(estate_id), kind="service_contract", version=filing.version, company=company,
        service_grade=data.service_grade, fee_fen_m2_month=data.fee_fen_m2_month,
        term_start=data.term_start.isoformat(), term_end=data.term_end.isoformat(),
        document_ids=[str(d) for d in data.document_ids],
    )  # fmt: skip
    return filing


async def file_committee(
    conn: asyncpg.Connection,
    storage: Storage,
    ctx: RequestContext,
    principal: Principal,
    estate_id: UUID,
    data: CommitteeFiling,
) -> Filing:
    """The owners' committee files its election result and members (its members); audited."""
    await _district(conn, estate_id)
    if not access.files_committee(principal, str(estate_id)):
        raise FilingForbidden("the committee is filed by the estate's owners' committee")
    _term(data.term_start, data.term_end)
    if data.elected_on > data.term_start:
        raise InvalidFiling("the committee is elected before its term starts", fields=_field("elected_on"))
    members: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, member in enumerate(data.members):
        name = member.name.strip()
        if not name:
            raise InvalidFiling("a member's name is blank", fields=_field(f"members[{index}].name"))
        if name in seen:
            raise InvalidFiling(f"{name} is listed twice", fields=_field(f"members[{index}].name"))
        seen.add(name)
        members.append((name, member.role))
    chairs = sum(1 for _, role in members if role == "chair")
    if chairs != 1:
        raise InvalidFiling(f"a committee has one chair (主任), not {chairs}", fields=_field("members"))
    filing_id = await _insert(
        conn, principal, estate_id, "committee", data.document_ids,
        term_start=data.term_start, term_end=data.term_end, note=data.note.strip(), elected_on=data.elected_on,
    )  # fmt: skip
    await store.insert_members(conn, filing_id, members)
    filing = await _filing(conn, storage, filing_id)
    await identity.audit(
        conn, ctx, principal.user_id, "filing.file", "estate_filing", str(filing_id),
        estate_id=str(estate_id), kind="committee", version=filing.version,
        elected_on=data.elected_on.isoformat(), term_start=data.term_start.isoformat(),
        term_end=data.term_end.isoformat(), members=[{"name": n, "role": r} for n, r in members],
        document_ids=[str(d) for d in data.document_ids],
    )  # fmt: skip
    return filing


async def get_filing(
    conn: asyncpg.Connection, storage: Storage, principal: Principal, filing_id: UUID
) -> Filing:
    """One filing with its documents: the estate's staff, committee, the district's housing officers."""
    row = await store.get_filing(conn, filing_id)
    if row is None:
        raise FilingNotFound("no such filing")
    if not access.reads_filings(principal, str(row["estate_id"]), row["district_code"]):
        raise FilingForbidden(
            "the estate's filings are read by its staff, its committee and the housing office"
        )
    return await _view(conn, storage, row, (await store.members(conn, [filing_id])).get(filing_id, []))


def _after(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The (filed_at, id) a page's cursor continues from; None for the first page."""
    if not cursor:
        return None
    at, last_id = decode_cursor(cursor, (datetime, UUID))
    assert isinstance(at, datetime) and isinstance(last_id, UUID)
    return at, last_id


async def list_filings(
    conn: asyncpg.Connection,
    storage: Storage,
    principal: Principal,
    estate_id: UUID,
    kind: FilingKind | None,
    cursor: str | None,
    limit: int,
) -> FilingPage:
    """Every version of the estate's filings, newest first (the readers of get_filing)."""
    district = await _district(conn, estate_id)
    if not access.reads_filings(principal, str(estate_id), district):
        raise FilingForbidden(
            "the estate's filings are read by its staff, its committee and the housing office"
        )
    after = _after(cursor)
    rows = await store.list_filings(conn, estate_id, kind, after, limit)
    members = await store.members(conn, [r["id"] for r in rows])
    items = [await _view(conn, storage, r, members.get(r["id"], [])) for r in rows]
    next_cursor = encode_cursor(items[-1].filed_at.isoformat(), items[-1].id) if len(items) == limit else None
    return FilingPage(items=items, next_cursor=next_cursor)


async def waiting_for_decision(
    conn: asyncpg.Connection, storage: Storage, principal: Principal, cursor: str | None, limit: int
) -> tuple[list[tuple[str, Filing]], str | None]:
    """The filings waiting for the caller's decision, oldest first, each with its estate's name: a housing
    officer's across their districts (an unscoped one's and an admin's: every district). The next page's cursor."""
    if principal.has_role("admin"):
        districts: set[str] | None = None
    elif principal.has_role("housing_officer"):
        districts = principal.scopes("housing_officer", "district")
    else:
        raise FilingForbidden("filings are decided by the housing officers of the estate's district")
    after = _after(cursor)
    rows = await store.filings_waiting(conn, None if districts is None else sorted(districts), after, limit)
    members = await store.members(conn, [r["id"] for r in rows])
    items = [(r["estate_name"], await _view(conn, storage, r, members.get(r["id"], []))) for r in rows]
    last = items[-1][1] if items else None
    next_cursor = encode_cursor(last.filed_at.isoformat(), last.id) if last and len(items) == limit else None
    return items, next_cursor


async def decide(
    conn: asyncpg.Connection,
    storage: Storage,
    ctx: RequestContext,
    principal: Principal,
    filing_id: UUID,
    version: int,
    accept: bool,
    reason: str,
) -> Filing:
    """Accept (superseding the version accepted before) or return with a reason the waiting version named by
    If-Match: the district's housing officer; audited."""
    row = await store.get_filing(conn, filing_id, lock=True)
    if row is None:
        raise FilingNotFound("no such filing")
    if not access.decides_filings(principal, row["district_code"]):
        raise FilingForbidden("filings are decided by the housing officers of the estate's district")
    if row["version"] != version:
        raise FilingVersionConflict(
            f"this filing is version {row['version']}, not {version}", version=row["version"]
        )
    if row["state"] != "filed":
        raise FilingStateConflict(f"the filing is {row['state']} already", state=row["state"])
    reason = reason.strip()
    if not accept and not reason:
        raise InvalidFiling("a filing is returned with a reason", fields=_field("reason"))
    superseded = None
    if accept:
        superseded = await store.supersede_accepted(conn, row["estate_id"], row["kind"])
    decided = await store.decide_filing(
        conn, filing_id, version, "accepted" if accept else "returned", principal.user_id, reason
    )
    assert decided  # the row is locked, its state and version checked above
    await identity.audit(
        conn, ctx, principal.user_id, "filing.accept" if accept else "filing.return", "estate_filing",
        str(filing_id), estate_id=str(row["estate_id"]), kind=row["kind"], version=version, reason=reason,
        superseded=str(superseded) if superseded else None,
    )  # fmt: skip
    return await _filing(conn, storage, filing_id)


async def current(conn: asyncpg.Connection, estate_id: UUID) -> CurrentFilings:
    """The estate's accepted filings, as its public page shows them."""
    await _district(conn, estate_id)
    rows = {r["kind"]: r for r in await store.accepted_filings(conn, estate_id)}
    contract = rows.get("service_contract")
    committee = rows.get("committee")
    members = await store.members(conn, [committee["id"]]) if committee else {}
    return CurrentFilings(
        estate_id=estate_id,
        service_contract=CurrentContract(
            filing_id=contract["id"],
            version=contract["version"],
            company=contract["company"],
            service_grade=contract["service_grade"],
            fee_fen_m2_month=contract["fee_fen_m2_month"],
            term_start=contract["term_start"],
            term_end=contract["term_end"],
            accepted_at=contract["decided_at"],
        )
        if contract
        else None,
        committee=CurrentCommittee(
            filing_id=committee["id"],
            version=committee["version"],
            elected_on=committee["elected_on"],
            members=_members(members.get(committee["id"], [])),
            term_start=committee["term_start"],
            term_end=committee["term_end"],
            accepted_at=committee["decided_at"],
        )
        if committee
        else None,
    )
