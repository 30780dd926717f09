"""Use cases of the owners' assembly votes (业主大会 线上投票, DOMAIN.md §8 and §12). Plain async functions that
take a connection inside the caller's transaction and never commit; every step is audited here, so the API, the
worker and the CLI leave the same trail. The counting rules are in housing/assembly.py, the SQL in
housing/votes_store.py.

A matter is raised as a draft by whoever runs the estate's votes (its owners' committee; the district's housing
officer where there is none; admins), with its window at least ``VotesConfig.notice_days`` ahead. Notice freezes
the roll (the heads of the homes in scope, their areas and designated voters) and publishes it, masked, to the
estate's owners, who are told (an outbox row of housing.vote_notice; housing.vote_result when the result is
published). In the window the designated voter of a head votes in the app, or their proxy does, or the
committee enters the head's paper ballot with its photo; one ballot per head, by the database's primary key.

Closing and a late ballot cannot interleave: a ballot takes the matter's row FOR SHARE (ballots do not wait for
each other), closing takes it FOR UPDATE. A close waits for every ballot in flight and counts it; a ballot that
comes after the close sees the matter published and is refused. A ballot's window is judged at its transaction's
start (``now()``), so one begun before ``closes_at`` and committed during a close is counted, never half.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, Final
from uuid import UUID

import asyncpg
import msgspec

from housing import access, assembly
from housing import store as estates_store
from housing import votes_store as store
from housing.assembly import Choice, VoteTally
from housing.errors import (
    BallotExists,
    EstateNotFound,
    InvalidVoteMatter,
    InvalidVotePhoto,
    NotAVoter,
    VoteForbidden,
    VoteHeadNotFound,
    VoteMatterNotFound,
    VoteOwnerNotFound,
    VoteProxyExists,
    VoteProxyNotFound,
    VoteRollEmpty,
    VoteStateConflict,
)
from housing.paging import decode_cursor, encode_cursor
from housing.vote_models import (
    BallotCast,
    BallotReceipt,
    BuildingName,
    Channel,
    MatterState,
    PaperBallot,
    ProxyCreate,
    ReceiptEntry,
    RollHead,
    VoteMatter,
    VoteMatterCreate,
    VoteMatterPage,
    VoteProxy,
    VoterChange,
    VoterDesignation,
    VoteResult,
    VoteRollPage,
)
from identity import service as identity
from identity.models import Principal, RequestContext
from identity.phone import mask_phone, normalize_phone
from media import service as media
from notifications.outbox import enqueue
from notifications.topics import VOTE_NOTICE, VOTE_RESULT

_RECEIPT_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand


class VotesConfig(msgspec.Struct, frozen=True, kw_only=True):
    #: the least number of days between notice and the opening of the window (most local rules: 15)
    notice_days: int = 15


async def _estate(conn: asyncpg.Connection, estate_id: UUID) -> asyncpg.Record:
    row = await estates_store.estate_governance(conn, estate_id)
    if row is None:
        raise EstateNotFound(f"no estate {estate_id}")
    return row


async def _organiser(conn: asyncpg.Connection, principal: Principal, estate_id: UUID) -> None:
    e = await _estate(conn, estate_id)
    if not access.organises_votes(principal, str(estate_id), e["district_code"], e["has_committee"]):
        raise VoteForbidden(
            "the estate's owners' committee runs its votes (the district's housing officer where it has none)"
        )


async def _is_organiser(conn: asyncpg.Connection, principal: Principal, estate_id: UUID) -> bool:
    try:
        await _organiser(conn, principal, estate_id)
    except VoteForbidden:
        return False
    return True


async def _reader(conn: asyncpg.Connection, principal: Principal, estate_id: UUID) -> bool:
    """VoteForbidden unless the caller may read the estate's matters; True when they run its votes (and so see
    drafts)."""
    e = await _estate(conn, estate_id)
    if access.organises_votes(principal, str(estate_id), e["district_code"], e["has_committee"]):
        return True
    if access.reads_estate(principal, str(estate_id), e["district_code"]):
        return False
    if await estates_store.is_bound_owner(conn, principal.user_id, estate_id):
        return False
    raise VoteForbidden("the estate's matters are for its owners, its staff and its housing officers")


async def _matter(
    conn: asyncpg.Connection, principal: Principal | None, matter_id: UUID, *, lock: store.Lock = None
) -> asyncpg.Record:
    """The matter, visible to the caller (drafts to its organisers only), locked as asked."""
    row = await store.get_matter(conn, matter_id, lock=lock)
    if row is None:
        raise VoteMatterNotFound(f"no matter {matter_id}")
    if principal is not None:
        organiser = await _reader(conn, principal, row["estate_id"])
        if row["state"] == "draft" and not organiser:
            raise VoteMatterNotFound(f"no matter {matter_id}")
    return row


def _state(row: asyncpg.Record) -> MatterState:
    """The state as callers see it: a noticed matter whose window began is open."""
    state: MatterState = row["state"]
    if state == "noticed" and row["opens_at"] <= row["now"]:
        return "open"
    return state


def _view(row: asyncpg.Record) -> VoteMatter:
    return VoteMatter(
        id=row["id"],
        estate_id=row["estate_id"],
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        building_ids=list(row["scope_building_ids"]),
        state=_state(row),
        notice_at=row["notice_at"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        allow_change=row["allow_change"],
        non_voters_follow_majority=row["non_voters_follow_majority"],
        heads=row["heads"],
        total_area=row["area"],
        version=row["version"],
        created_at=row["created_at"],
        closed_at=row["closed_at"],
    )


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


async def _photo(conn: asyncpg.Connection, principal: Principal, photo_id: UUID) -> None:
    ref = (await media.photo_refs(conn, [photo_id])).get(photo_id)
    if ref is None or ref.owner_id != principal.user_id:
        raise InvalidVotePhoto(f"photo {photo_id} is not a photo you uploaded", fields=_field("photo_id"))


async def raise_matter(
    conn: asyncpg.Connection,
    config: VotesConfig,
    ctx: RequestContext,
    principal: Principal,
    estate_id: UUID,
    data: VoteMatterCreate,
) -> VoteMatter:
    """A draft matter, its window at least ``notice_days`` ahead."""
    await _organiser(conn, principal, estate_id)
    now: datetime = await conn.fetchval("SELECT now()")
    _check_window(config, now, data.opens_at, data.closes_at)
    wanted = list(dict.fromkeys(data.building_ids))
    if len(await estates_store.buildings_of(conn, estate_id, wanted)) != len(wanted):
        raise InvalidVoteMatter("a building named is not one of the estate's", fields=_field("building_ids"))
    title = data.title.strip()
    if not title:
        raise InvalidVoteMatter("the title is blank", fields=_field("title"))
    matter_id = await store.insert_matter(
        conn,
        {
            "estate_id": estate_id,
            "kind": data.kind,
            "title": title,
            "body": data.body.strip(),
            "scope_building_ids": wanted,
            "opens_at": data.opens_at,
            "closes_at": data.closes_at,
            "allow_change": data.allow_change,
            "non_voters_follow_majority": data.non_voters_follow_majority,
            "raised_by": principal.user_id,
        },
    )
    await identity.audit(
        conn, ctx, principal.user_id, "vote.raise", "vote_matter", str(matter_id),
        estate_id=str(estate_id), **msgspec.to_builtins(data),
    )  # fmt: skip
    return await get_matter(conn, principal, matter_id)


def _check_window(config: VotesConfig, now: datetime, opens_at: datetime, closes_at: datetime) -> None:
    if opens_at < now + timedelta(days=config.notice_days):
        raise InvalidVoteMatter(
            f"voting opens at least {config.notice_days} days after notice",
            fields=_field("opens_at"),
            notice_days=config.notice_days,
        )
    if closes_at <= opens_at:
        raise InvalidVoteMatter("the window closes after it opens", fields=_field("closes_at"))
    if closes_at > opens_at + timedelta(days=366):
        raise InvalidVoteMatter("the window is at most a year long", fields=_field("closes_at"))


async def get_matter(conn: asyncpg.Connection, principal: Principal, matter_id: UUID) -> VoteMatter:
    return _view(await _matter(conn, principal, matter_id))


async def list_matters(
    conn: asyncpg.Connection, principal: Principal, estate_id: UUID, cursor: str | None, limit: int
) -> VoteMatterPage:
    organiser = await _reader(conn, principal, estate_id)
    after = decode_cursor(cursor, (datetime, UUID)) if cursor else None
    rows = await store.list_matters(conn, estate_id, organiser, after, limit + 1)  # type: ignore[arg-type]
    now: datetime = await conn.fetchval("SELECT now()")
    items = [_view({**dict(r), "now": now}) for r in rows[:limit]]  # type: ignore[arg-type]
    last = rows[limit - 1] if len(rows) > limit else None
    return VoteMatterPage(items, encode_cursor(last["created_at"], last["id"]) if last else None)


async def give_notice(
    conn: asyncpg.Connection, config: VotesConfig, ctx: RequestContext, principal: Principal, matter_id: UUID
) -> VoteMatter:
    """Freeze the roll and publish it: the matter is noticed. Its window must still be ``notice_days`` ahead."""
    m = await _matter(conn, principal, matter_id, lock="update")
    await _organiser(conn, principal, m["estate_id"])
    if m["state"] != "draft":
        raise VoteStateConflict("notice was given already", state=_state(m))
    _check_window(config, m["now"], m["opens_at"], m["closes_at"])
    homes = [
        assembly.HomeRow(
            home_id=r["id"],
            building_id=r["building_id"],
            label=r["label"],
            area=r["area_counted"],
            owners=tuple(
                assembly.OwnerRow(kind=o["kind"], name=o["name"], phone=o["phone"], order=o["id"])
                for o in r["owners"]
            ),
        )
        for r in await store.roll_source(conn, m["estate_id"])
    ]
    roll = assembly.build_roll(homes, m["scope_building_ids"])
    if not roll.heads:
        raise VoteRollEmpty("no home in the matter's scope has an owner")
    heads = [
        (
            no,
            h.key,
            h.kind,
            h.area,
            h.masked_name,
            msgspec.to_builtins(h.owners),
            h.voter.name,
            h.voter.phone,
        )
        for no, h in enumerate(roll.heads, start=1)
    ]
    homes_rows = [
        (no, home.home_id, home.building_id, home.label, home.area)
        for no, h in enumerate(roll.heads, start=1)
        for home in h.homes
    ]
    await store.insert_roll(conn, matter_id, heads, homes_rows)
    await store.set_noticed(conn, matter_id, principal.user_id)
    await identity.audit(
        conn, ctx, principal.user_id, "vote.notice", "vote_matter", str(matter_id),
        heads=len(roll.heads), area=sum(h.area for h in roll.heads),
        homes_left_out=[str(h) for h in roll.left_out],
    )  # fmt: skip
    # the owners of the homes on the roll are told (inbox and push), by the worker after this commits
    await enqueue(conn, VOTE_NOTICE, {"estate_id": str(m["estate_id"]), "matter_id": str(matter_id)})
    return await get_matter(conn, principal, matter_id)


async def roll(
    conn: asyncpg.Connection, principal: Principal, matter_id: UUID, cursor: str | None, limit: int
) -> VoteRollPage:
    m = await _matter(conn, principal, matter_id)
    if m["state"] == "draft":
        raise VoteStateConflict("the roll is frozen at notice", state="draft")
    after = int(decode_cursor(cursor, (int,))[0]) if cursor else 0  # type: ignore[call-overload]
    rows = await store.roll_page(conn, matter_id, after, limit + 1)
    items = [
        RollHead(r["head_no"], r["kind"], r["masked_name"], r["area"], list(r["homes"])) for r in rows[:limit]
    ]
    next_cursor = encode_cursor(rows[limit - 1]["head_no"]) if len(rows) > limit else None
    return VoteRollPage(m["heads"], m["area"], items, next_cursor)


def new_receipt_code() -> str:
    """Twelve random letters and digits (no look-alikes) in three groups of four, such as 7KQ2-M9XD-P4TB."""
    raw = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_hash(code: str) -> str:
    """What the published list shows of a receipt code: sha256 (hex) of the code trimmed and in capitals."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def _open_for_ballots(conn: asyncpg.Connection, matter_id: UUID) -> asyncpg.Record:
    """The matter, FOR SHARE (a close waits for this ballot), refused unless its window is on now."""
    await store.open_if_due(conn, matter_id)
    m = await store.get_matter(conn, matter_id, lock="share")
    if m is None or m["state"] == "draft":
        raise VoteMatterNotFound(f"no matter {matter_id}")
    if m["state"] != "open" or m["now"] >= m["closes_at"]:
        state = "closed" if m["state"] == "open" else _state(m)
        raise VoteStateConflict(
            "ballots are taken between opens_at and closes_at", state=state,
            opens_at=m["opens_at"].isoformat(), closes_at=m["closes_at"].isoformat(),
        )  # fmt: skip
    return m


async def _record(
    conn: asyncpg.Connection,
    m: asyncpg.Record,
    head_no: int,
    choice: Choice,
    channel: Channel,
    actor_id: UUID,
    *,
    photo_id: UUID | None = None,
    proxy_id: UUID | None = None,
) -> BallotReceipt:
    code = new_receipt_code()
    values = {
        "matter_id": m["id"],
        "head_no": head_no,
        "choice": choice,
        "channel": channel,
        "photo_id": photo_id,
        "proxy_id": proxy_id,
        "cast_by": actor_id,
        "receipt_hash": receipt_hash(code),
    }
    row = await store.insert_ballot(conn, values)
    changed = False
    if row is None:
        if not m["allow_change"] or channel == "paper":
            raise BallotExists("this head has voted already", head_no=head_no)
        row = await store.change_ballot(conn, values)
        changed = True
    return BallotReceipt(m["id"], head_no, choice, channel, row["cast_at"], changed, code)


async def cast(
    conn: asyncpg.Connection, ctx: RequestContext, principal: Principal, matter_id: UUID, data: BallotCast
) -> BallotReceipt:
    """The caller's ballot for their head (as its designated voter), or for a head whose proxy they are."""
    m = await _open_for_ballots(conn, matter_id)
    phone = await store.user_phone(conn, principal.user_id)
    own = await store.heads_voted_by(conn, matter_id, principal.user_id, phone) if phone else []
    proxied = {p["head_no"]: p for p in await store.proxied_heads(conn, matter_id, phone)} if phone else {}
    head_no = data.head_no if data.head_no is not None else (own[0] if own else None)
    if head_no is None or (head_no not in own and head_no not in proxied):
        raise NotAVoter("you are not the designated voter of a head on this roll, nor its proxy")
    if head_no in own:
        receipt = await _record(conn, m, head_no, data.choice, "app", principal.user_id)
    else:
        proxy = proxied[head_no]
        receipt = await _record(
            conn, m, head_no, data.choice, "proxy", principal.user_id,
            photo_id=proxy["photo_id"], proxy_id=proxy["id"],
        )  # fmt: skip
    await identity.audit(
        conn, ctx, principal.user_id, "vote.ballot", "vote_matter", str(matter_id),
        head_no=head_no, channel=receipt.channel, changed=receipt.changed,
    )  # fmt: skip
    return receipt


async def enter_paper(
    conn: asyncpg.Connection, ctx: RequestContext, principal: Principal, matter_id: UUID, data: PaperBallot
) -> BallotReceipt:
    """A paper ballot entered by the committee, with the photo of the ballot."""
    row = await _matter(conn, principal, matter_id)
    await _organiser(conn, principal, row["estate_id"])
    await _photo(conn, principal, data.photo_id)
    m = await _open_for_ballots(conn, matter_id)
    if await store.head(conn, matter_id, data.head_no) is None:
        raise VoteHeadNotFound(f"no head {data.head_no} on the roll", fields=_field("head_no"))
    receipt = await _record(
        conn, m, data.head_no, data.choice, "paper", principal.user_id, photo_id=data.photo_id
    )
    await identity.audit(
        conn, ctx, principal.user_id, "vote.paper_ballot", "vote_matter", str(matter_id),
        head_no=data.head_no, photo_id=str(data.photo_id),
    )  # fmt: skip
    return receipt


def _proxy_view(row: asyncpg.Record) -> VoteProxy:
    return VoteProxy(
        row["id"], row["matter_id"], row["head_no"], mask_phone(row["proxy_phone"]), row["photo_id"],
        row["created_at"], row["revoked_at"],
    )  # fmt: skip


def _not_closed(m: asyncpg.Record) -> None:
    if m["state"] not in ("noticed", "open") or m["now"] >= m["closes_at"]:
        raise VoteStateConflict("the vote is over", state="closed" if m["state"] == "open" else _state(m))


async def give_proxy(
    conn: asyncpg.Connection, ctx: RequestContext, principal: Principal, matter_id: UUID, data: ProxyCreate
) -> VoteProxy:
    """A written proxy of the caller's head: the photo of the signed authorisation names the proxy's phone."""
    m = await _matter(conn, principal, matter_id, lock="share")
    _not_closed(m)
    proxy_phone = normalize_phone(data.proxy_phone)
    phone = await store.user_phone(conn, principal.user_id)
    own = await store.heads_voted_by(conn, matter_id, principal.user_id, phone) if phone else []
    if not own:
        raise NotAVoter("only a head's designated voter gives its proxy")
    await _photo(conn, principal, data.photo_id)
    head_no = own[0]
    if await store.has_ballot(conn, matter_id, head_no):
        raise BallotExists("this head has voted already", head_no=head_no)
    row = await store.insert_proxy(conn, matter_id, head_no, proxy_phone, data.photo_id, principal.user_id)
    if row is None:
        raise VoteProxyExists("this head has a live proxy: revoke it first", head_no=head_no)
    await identity.audit(
        conn, ctx, principal.user_id, "vote.proxy", "vote_proxy", str(row["id"]),
        matter_id=str(matter_id), head_no=head_no, proxy_phone=mask_phone(proxy_phone), photo_id=str(data.photo_id),
    )  # fmt: skip
    return _proxy_view(row)


async def revoke_proxy(
    conn: asyncpg.Connection, ctx: RequestContext, principal: Principal, proxy_id: UUID
) -> VoteProxy:
    """Revoked by whoever gave it (or the committee), until the head has voted."""
    p = await store.get_proxy(conn, proxy_id, lock=True)
    if p is None:
        raise VoteProxyNotFound(f"no proxy {proxy_id}")
    m = await store.get_matter(conn, p["matter_id"], lock="share")
    assert m is not None
    if p["given_by"] != principal.user_id and not await _is_organiser(conn, principal, m["estate_id"]):
        raise VoteProxyNotFound(f"no proxy {proxy_id}")
    if p["revoked_at"] is not None:
        return _proxy_view(p)
    _not_closed(m)
    if await store.has_ballot(conn, p["matter_id"], p["head_no"]):
        raise BallotExists("the head has voted: its proxy can no longer be revoked", head_no=p["head_no"])
    row = await store.revoke_proxy(conn, proxy_id, principal.user_id)
    await identity.audit(
        conn, ctx, principal.user_id, "vote.proxy_revoke", "vote_proxy", str(proxy_id),
        matter_id=str(p["matter_id"]), head_no=p["head_no"],
    )  # fmt: skip
    return _proxy_view(row)


async def change_voter(
    conn: asyncpg.Connection,
    ctx: RequestContext,
    principal: Principal,
    matter_id: UUID,
    head_no: int,
    data: VoterChange,
) -> VoterDesignation:
    """The committee names another co-owner of the head as its voter, with the reason (recorded)."""
    m = await _matter(conn, principal, matter_id, lock="share")
    await _organiser(conn, principal, m["estate_id"])
    _not_closed(m)
    before = await store.head(conn, matter_id, head_no, lock=True)
    if before is None:
        raise VoteHeadNotFound(f"no head {head_no} on the roll")
    if await store.has_ballot(conn, matter_id, head_no):
        raise BallotExists("the head has voted already", head_no=head_no)
    phone = normalize_phone(data.owner_phone)
    owner = next((o for o in before["owners"] if o["phone"] == phone), None)
    if owner is None:
        raise VoteOwnerNotFound("no owner of this head has that phone", fields=_field("owner_phone"))
    reason = data.reason.strip()
    if not reason:
        raise InvalidVoteMatter("the reason is blank", fields=_field("reason"))
    await store.set_voter(conn, matter_id, head_no, before, owner["name"], phone, reason, principal.user_id)
    await identity.audit(
        conn, ctx, principal.user_id, "vote.voter_change", "vote_matter", str(matter_id),
        head_no=head_no, from_phone=mask_phone(before["voter_phone"]), to_phone=mask_phone(phone), reason=reason,
    )  # fmt: skip
    return VoterDesignation(matter_id, head_no, owner["name"], phone, reason)


async def compute(conn: asyncpg.Connection, m: asyncpg.Record) -> tuple[VoteTally, list[ReceiptEntry]]:
    """The tally from the roll and the ballots as they are in the database now."""
    heads = [
        assembly.TallyHead(r["head_no"], r["area"], {UUID(k): v for k, v in r["buildings"].items()})
        for r in await store.tally_heads(conn, m["id"])
    ]
    rows = await store.ballots(conn, m["id"])
    result = assembly.tally(
        m["kind"], heads, {r["head_no"]: r["choice"] for r in rows},
        non_voters_follow_majority=m["non_voters_follow_majority"],
    )  # fmt: skip
    receipts = sorted(
        (ReceiptEntry(r["receipt_hash"], r["choice"]) for r in rows), key=lambda e: e.receipt_hash
    )
    return result, receipts


async def close(
    conn: asyncpg.Connection, ctx: RequestContext, principal: Principal | None, matter_id: UUID
) -> VoteResult:
    """Close at or after ``closes_at`` (the committee, or the worker with no principal): tally and publish."""
    m = await _matter(conn, principal, matter_id, lock="update")
    if principal is not None:
        await _organiser(conn, principal, m["estate_id"])
    if m["state"] not in ("noticed", "open"):
        raise VoteStateConflict("only a noticed or open matter is closed", state=_state(m))
    if m["now"] < m["closes_at"]:
        raise VoteStateConflict(
            "the window has not ended", state=_state(m), closes_at=m["closes_at"].isoformat()
        )
    result, receipts = await compute(conn, m)
    await store.insert_result(conn, matter_id, msgspec.to_builtins(result), msgspec.to_builtins(receipts))
    actor = principal.user_id if principal else None
    await store.set_published(conn, matter_id, actor)
    await enqueue(conn, VOTE_RESULT, {"estate_id": str(m["estate_id"]), "matter_id": str(matter_id)})
    f = result.outcome.figures
    await identity.audit(
        conn, ctx, actor, "vote.close", "vote_matter", str(matter_id),
        passed=result.passed, ballots=len(receipts), participating_area=f.participating_area,
        participating_heads=f.participating_heads, total_area=f.total_area, total_heads=f.total_heads,
    )  # fmt: skip
    if result.non_voters_follow_majority.applied:
        rule = result.non_voters_follow_majority
        await identity.audit(
            conn, ctx, actor, "vote.majority_rule", "vote_matter", str(matter_id),
            side=rule.side, added_area=rule.added_area, added_heads=rule.added_heads,
        )  # fmt: skip
    return await get_result(conn, principal, matter_id)


async def get_result(conn: asyncpg.Connection, principal: Principal | None, matter_id: UUID) -> VoteResult:
    m = await _matter(conn, principal, matter_id)
    row = await store.get_result(conn, matter_id)
    if row is None:
        raise VoteStateConflict("the result is published when the vote closes", state=_state(m))
    tally = msgspec.convert(row["tally"], VoteTally)
    names = await estates_store.building_names(conn, [b.building_id for b in tally.buildings])
    return VoteResult(
        matter_id=matter_id,
        passed=tally.passed,
        tally=tally,
        buildings=[BuildingName(b, names.get(b, "")) for b in (x.building_id for x in tally.buildings)],
        receipts=msgspec.convert(row["receipts"], list[ReceiptEntry]),
        published_at=row["published_at"],
    )


async def recount(conn: asyncpg.Connection, matter_id: UUID) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(the tally recomputed from the ballots, the published one or None)."""
    m = await store.get_matter(conn, matter_id)
    if m is None:
        raise VoteMatterNotFound(f"no matter {matter_id}")
    result, receipts = await compute(conn, m)
    fresh = {"tally": msgspec.to_builtins(result), "receipts": msgspec.to_builtins(receipts)}
    row = await store.get_result(conn, matter_id)
    published = {"tally": row["tally"], "receipts": row["receipts"]} if row else None
    return fresh, published


async def close_due(conn: asyncpg.Connection, ctx: RequestContext, limit: int = 10) -> list[UUID]:
    """The worker's sweep, in the caller's transaction: open matters whose window began, and close (tally and
    publish) those whose window ended. Returns the matters closed."""
    await store.open_due(conn)
    closed = []
    for matter_id in await store.due_to_close(conn, limit):
        await close(conn, ctx, None, matter_id)
        closed.append(matter_id)
    return closed
