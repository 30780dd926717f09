"""The owners' assembly votes (业主大会 线上投票): matters, notice and the published roll, ballots in the app, paper
ballots, proxies, designated voters, closing and the published result.

Who may do what is decided in housing/votes.py (and housing/access.py); each step is audited there. These routes
only demand the roles any caller of a route must hold: voting and proxies are for owners, whatever their role.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn, request_context, requires_role
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from housing import votes
from housing.vote_models import (
    BallotCast,
    BallotReceipt,
    PaperBallot,
    ProxyCreate,
    VoteMatter,
    VoteMatterCreate,
    VoteMatterPage,
    VoteProxy,
    VoterChange,
    VoterDesignation,
    VoteResult,
    VoteRollPage,
)
from identity.models import Role

#: who may run an estate's votes (housing.access.organises_votes decides for the estate)
ORGANISERS: tuple[Role, ...] = ("admin", "owners_committee", "housing_officer")
MATTER = ("vote_matter_not_found", "vote_forbidden")


class VoteMattersController(Controller):
    path = "/v1"
    tags = ["housing"]

    @post(
        "/estates/{estate_id:uuid}/vote-matters",
        operation_id="raiseVoteMatter",
        opt={
            "problems": ("estate_not_found", "vote_forbidden", "invalid_vote_matter"),
            "idempotency_key": "optional",
        },
        summary="Raise a matter for the owners' vote, as a draft (the estate's owners' committee; audited)",
        dependencies={"principal": requires_role(*ORGANISERS)},
        status_code=HTTP_201_CREATED,
    )
    async def raise_matter(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[VoteMatterCreate],
    ) -> Response[VoteMatter]:
        async def produce() -> tuple[int, VoteMatter]:
            matter = await votes.raise_matter(
                conn, state.votes_config, request_context(request), principal, estate_id, data
            )
            return HTTP_201_CREATED, matter

        if request.headers.get("idempotency-key") is None:
            status, body = await produce()
            return Response(body, status_code=status)
        return await run_once(
            conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
        )

    @get(
        "/estates/{estate_id:uuid}/vote-matters",
        operation_id="listVoteMatters",
        opt={"problems": ("estate_not_found", "vote_forbidden", "invalid_cursor")},
        summary="An estate's matters put to the vote, newest first (its owners, staff and housing officers)",
    )
    async def list_matters(
        self,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> VoteMatterPage:
        return await votes.list_matters(conn, principal, estate_id, cursor, limit)

    @get(
        "/vote-matters/{matter_id:uuid}",
        operation_id="getVoteMatter",
        opt={"problems": (*MATTER, "estate_not_found")},
        summary="A matter: its kind, scope, window, state and roll size",
    )
    async def get_matter(self, conn: DbConn, principal: Caller, matter_id: FromPath[UUID]) -> VoteMatter:
        return await votes.get_matter(conn, principal, matter_id)

    @post(
        "/vote-matters/{matter_id:uuid}/notice",
        operation_id="noticeVoteMatter",
        opt={
            "problems": (
                *MATTER,
                "estate_not_found",
                "vote_state_conflict",
                "invalid_vote_matter",
                "vote_roll_empty",
            )
        },
        summary="Give notice: freeze the roll and publish it to the owners (the committee; audited)",
        dependencies={"principal": requires_role(*ORGANISERS)},
        status_code=200,
    )
    async def notice(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        matter_id: FromPath[UUID],
    ) -> VoteMatter:
        return await votes.give_notice(
            conn, state.votes_config, request_context(request), principal, matter_id
        )

    @get(
        "/vote-matters/{matter_id:uuid}/roll",
        operation_id="getVoteRoll",
        opt={"problems": (*MATTER, "estate_not_found", "vote_state_conflict", "invalid_cursor")},
        summary="The frozen roll, names masked: each head, its homes and counted area",
    )
    async def roll(
        self,
        conn: DbConn,
        principal: Caller,
        matter_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> VoteRollPage:
        return await votes.roll(conn, principal, matter_id, cursor, limit)

    @post(
        "/vote-matters/{matter_id:uuid}/ballots",
        operation_id="castBallot",
        opt={
            "problems": ("vote_matter_not_found", "vote_state_conflict", "not_a_voter", "ballot_exists"),
            "idempotency_key": "required",
        },
        summary="Vote yes, no or abstain for your head (or as its proxy); answers your receipt code",
        status_code=HTTP_201_CREATED,
    )
    async def cast(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        matter_id: FromPath[UUID],
        data: JSONBody[BallotCast],
    ) -> Response[BallotReceipt]:
        async def produce() -> tuple[int, BallotReceipt]:
            return HTTP_201_CREATED, await votes.cast(
                conn, request_context(request), principal, matter_id, data
            )

        return await run_once(
            conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
        )

    @post(
        "/vote-matters/{matter_id:uuid}/paper-ballots",
        operation_id="enterPaperBallot",
        opt={
            "problems": (
                *MATTER,
                "estate_not_found",
                "vote_state_conflict",
                "vote_head_not_found",
                "ballot_exists",
                "invalid_vote_photo",
            ),
            "idempotency_key": "required",
        },
        summary="Enter a head's paper ballot with its photo (the committee; audited)",
        dependencies={"principal": requires_role(*ORGANISERS)},
        status_code=HTTP_201_CREATED,
    )
    async def paper(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        matter_id: FromPath[UUID],
        data: JSONBody[PaperBallot],
    ) -> Response[BallotReceipt]:
        async def produce() -> tuple[int, BallotReceipt]:
            receipt = await votes.enter_paper(conn, request_context(request), principal, matter_id, data)
            return HTTP_201_CREATED, receipt

        return await run_once(
            conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
        )

    @post(
        "/vote-matters/{matter_id:uuid}/proxies",
        operation_id="giveVoteProxy",
        opt={
            "problems": (
                *MATTER,
                "estate_not_found",
                "vote_state_conflict",
                "not_a_voter",
                "ballot_exists",
                "vote_proxy_exists",
                "invalid_vote_photo",
                "invalid_phone",
            )
        },
        summary="Give your head's written proxy to someone, by phone, with a photo of the authorisation",
        status_code=HTTP_201_CREATED,
    )
    async def give_proxy(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        matter_id: FromPath[UUID],
        data: JSONBody[ProxyCreate],
    ) -> VoteProxy:
        return await votes.give_proxy(conn, request_context(request), principal, matter_id, data)

    @post(
        "/vote-proxies/{proxy_id:uuid}/revoke",
        operation_id="revokeVoteProxy",
        opt={"problems": ("vote_proxy_not_found", "vote_state_conflict", "ballot_exists")},
        summary="Revoke a proxy, until the head has voted (whoever gave it, or the committee)",
        status_code=200,
    )
    async def revoke_proxy(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, proxy_id: FromPath[UUID]
    ) -> VoteProxy:
        return await votes.revoke_proxy(conn, request_context(request), principal, proxy_id)

    @put(
        "/vote-matters/{matter_id:uuid}/roll/{head_no:int}/voter",
        operation_id="setDesignatedVoter",
        opt={
            "problems": (
                *MATTER,
                "estate_not_found",
                "vote_state_conflict",
                "vote_head_not_found",
                "ballot_exists",
                "vote_owner_not_found",
                "invalid_vote_matter",
                "invalid_phone",
            )
        },
        summary="Name another co-owner as the head's voter, with the reason (the committee; recorded)",
        dependencies={"principal": requires_role(*ORGANISERS)},
    )
    async def set_voter(
        self,
        request: Request[Any, Any, Any],
        conn: DbConn,
        principal: Caller,
        matter_id: FromPath[UUID],
        head_no: Annotated[int, Parameter(ge=1, le=1_000_000)],
        data: JSONBody[VoterChange],
    ) -> VoterDesignation:
        return await votes.change_voter(conn, request_context(request), principal, matter_id, head_no, data)

    @post(
        "/vote-matters/{matter_id:uuid}/close",
        operation_id="closeVoteMatter",
        opt={"problems": (*MATTER, "estate_not_found", "vote_state_conflict")},
        summary="Close after closes_at: tally and publish the result (the committee; the worker does it too)",
        dependencies={"principal": requires_role(*ORGANISERS)},
        status_code=200,
    )
    async def close(
        self, request: Request[Any, Any, Any], conn: DbConn, principal: Caller, matter_id: FromPath[UUID]
    ) -> VoteResult:
        return await votes.close(conn, request_context(request), principal, matter_id)

    @get(
        "/vote-matters/{matter_id:uuid}/result",
        operation_id="getVoteResult",
        opt={"problems": (*MATTER, "estate_not_found", "vote_state_conflict")},
        summary="The published result: every numerator and denominator, per building, and the receipts list",
    )
    async def result(self, conn: DbConn, principal: Caller, matter_id: FromPath[UUID]) -> VoteResult:
        return await votes.get_result(conn, principal, matter_id)


ROUTES = [VoteMattersController]
