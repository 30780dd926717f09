"""Estate announcements (公告) with read receipts, and filings (备案) of the service contract and the owners'
committee with the district housing office.

Who may do what is decided in housing/announcements.py and housing/filings.py (with housing/access.py); each
write is audited there. These routes only demand the roles any caller of a route must hold: reading and marking
announcements read is for residents, whatever their role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn, request_context, requires_role
from api.errors import ProblemError
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from housing import announcements, filings
from housing.announcements import (
    Announcement,
    AnnouncementCreate,
    AnnouncementPage,
    AnnouncementReads,
    AnnouncementWithdrawal,
)
from housing.filings import (
    CommitteeFiling,
    CurrentFilings,
    Filing,
    FilingAcceptance,
    FilingKind,
    FilingPage,
    FilingReturn,
    ServiceContractFiling,
)
from identity.models import Principal, Role

#: who publishes and withdraws an estate's announcements (housing.access.publisher_sides decides for the estate)
PUBLISHERS: tuple[Role, ...] = (
    "admin",
    "property_staff",
    "property_manager",
    "owners_committee",
    "housing_officer",
)
CONTRACT_FILERS: tuple[Role, ...] = ("admin", "property_staff", "property_manager")
COMMITTEE_FILERS: tuple[Role, ...] = ("admin", "owners_committee")
FILING_READERS: tuple[Role, ...] = PUBLISHERS
FILING_DECIDERS: tuple[Role, ...] = ("admin", "housing_officer")
ANNOUNCEMENT = ("announcement_not_found", "announcement_forbidden")
FILING = ("filing_not_found", "filing_forbidden")


async def _once(
    request: Request[Any, Any, Any],
    conn: DbConn,
    principal: Principal,
    data: Any,
    produce: Callable[[], Awaitable[tuple[int, Any]]],
) -> Response[Any]:
    """Run a write once per Idempotency-Key when one is sent (optional on these routes)."""
    if request.headers.get("idempotency-key") is None:
        status, body = await produce()
        return Response(body, status_code=status)
    return await run_once(
        conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
    )


def _version(request: Request[Any, Any, Any]) -> int:
    raw = request.headers.get("if-match")
    if raw is None:
        raise ProblemError(428, "precondition_required", "send the filing's version as 'If-Match: <version>'")
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise ProblemError(
            400, "invalid_if_match", "If-Match carries the filing's version, a number"
        ) from exc


def _tagged(filing: Filing, status: int = 200) -> Response[Filing]:
    return Response(filing, status_code=status, headers={"ETag": f'"{filing.version}"'})


class AnnouncementsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @post(
        "/estates/{estate_id:uuid}/announcements",
        operation_id="publishAnnouncement",
        opt={
            "problems": (
                "estate_not_found",
                "announcement_forbidden",
                "invalid_announcement",
                "invalid_estate_photo",
            ),
            "idempotency_key": "optional",
        },
        summary="Publish an announcement (公告) to the estate or some buildings; urgent ones are pushed (audited)",
        dependencies={"principal": requires_role(*PUBLISHERS)},
        status_code=HTTP_201_CREATED,
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[AnnouncementCreate],
    ) -> Response[Announcement]:
        async def produce() -> tuple[int, Announcement]:
            announcement = await announcements.publish(
                conn, state.storage, request_context(request), principal, estate_id, data
            )
            return HTTP_201_CREATED, announcement

        return await _once(request, conn, principal, data, produce)

    @get(
        "/estates/{estate_id:uuid}/announcements",
        operation_id="listAnnouncements",
        opt={"problems": ("estate_not_found", "announcement_forbidden", "invalid_cursor")},
        summary="The estate's announcements, newest first, with my read receipt (residents in scope, publishers)",
    )
    async def list_announcements(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> AnnouncementPage:
        return await announcements.list_announcements(
            conn, state.storage, principal, estate_id, cursor, limit
        )

    @get(
        "/announcements/{announcement_id:uuid}",
        operation_id="getAnnouncement",
        opt={"problems": ANNOUNCEMENT},
        summary="One announcement with my read receipt",
    )
    async def get_announcement(
        self, state: State, conn: DbConn, principal: Caller, announcement_id: FromPath[UUID]
    ) -> Announcement:
        return await announcements.get_announcement(conn, state.storage, principal, announcement_id)

    @post(
        "/announcements/{announcement_id:uuid}/read",
        operation_id="markAnnouncementRead",
        opt={"problems": ANNOUNCEMENT},
        summary="Mark an announcement read (a resident in its scope; safe to repeat: the first receipt stays)",
        status_code=200,
    )
    async def mark_read(
        self, state: State, conn: DbConn, principal: Caller, announcement_id: FromPath[UUID]
    ) -> Announcement:
        return await announcements.mark_read(conn, state.storage, principal, announcement_id)

    @get(
        "/announcements/{announcement_id:uuid}/reads",
        operation_id="getAnnouncementReads",
        opt={"problems": ANNOUNCEMENT},
        summary="How many of the residents in scope read it (the estate's publishers)",
        dependencies={"principal": requires_role(*PUBLISHERS)},
    )
    async def reads(
        self, conn: DbConn, principal: Caller, announcement_id: FromPath[UUID]
    ) -> AnnouncementReads:
        return await announcements.reads(conn, principal, announcement_id)

    @post(
        "/announcements/{announcement_id:uuid}/withdraw",
        operation_id="withdrawAnnouncement",
        opt={"problems": (*ANNOUNCEMENT, "announcement_state_conflict", "invalid_announcement")},
        summary="Withdraw an announcement with a reason: hidden from residents (its publisher's side; audited)",
        dependencies={"principal": requires_role(*PUBLISHERS)},
        status_code=200,
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        announcement_id: FromPath[UUID],
        data: JSONBody[AnnouncementWithdrawal],
    ) -> Announcement:
        return await announcements.withdraw(
            conn, state.storage, request_context(request), principal, announcement_id, data
        )


class FilingsController(Controller):
    path = "/v1"
    tags = ["housing"]

    @post(
        "/estates/{estate_id:uuid}/filings/service-contract",
        operation_id="fileServiceContract",
        opt={
            "problems": (
                "estate_not_found",
                "filing_forbidden",
                "invalid_filing",
                "invalid_estate_photo",
                "filing_state_conflict",
            ),
            "idempotency_key": "optional",
            "etag": True,
        },
        summary="File the property company's service contract (备案) with its documents (property staff; audited)",
        dependencies={"principal": requires_role(*CONTRACT_FILERS)},
        status_code=HTTP_201_CREATED,
    )
    async def file_contract(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[ServiceContractFiling],
    ) -> Response[Filing]:
        async def produce() -> tuple[int, Filing]:
            filing = await filings.file_contract(
                conn, state.storage, request_context(request), principal, estate_id, data
            )
            return HTTP_201_CREATED, filing

        response = await _once(request, conn, principal, data, produce)
        return _etag(response)

    @post(
        "/estates/{estate_id:uuid}/filings/committee",
        operation_id="fileCommittee",
        opt={
            "problems": (
                "estate_not_found",
                "filing_forbidden",
                "invalid_filing",
                "invalid_estate_photo",
                "filing_state_conflict",
            ),
            "idempotency_key": "optional",
            "etag": True,
        },
        summary="File the owners' committee's election result and members (备案) (the committee; audited)",
        dependencies={"principal": requires_role(*COMMITTEE_FILERS)},
        status_code=HTTP_201_CREATED,
    )
    async def file_committee(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        data: JSONBody[CommitteeFiling],
    ) -> Response[Filing]:
        async def produce() -> tuple[int, Filing]:
            filing = await filings.file_committee(
                conn, state.storage, request_context(request), principal, estate_id, data
            )
            return HTTP_201_CREATED, filing

        response = await _once(request, conn, principal, data, produce)
        return _etag(response)

    @get(
        "/estates/{estate_id:uuid}/filings",
        operation_id="listEstateFilings",
        opt={"problems": ("estate_not_found", "filing_forbidden", "invalid_cursor")},
        summary="Every version of the estate's filings, newest first (its staff, committee, housing officers)",
        dependencies={"principal": requires_role(*FILING_READERS)},
    )
    async def list_filings(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        estate_id: FromPath[UUID],
        kind: Annotated[FilingKind | None, QueryParameter()] = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> FilingPage:
        return await filings.list_filings(conn, state.storage, principal, estate_id, kind, cursor, limit)

    @get(
        "/estates/{estate_id:uuid}/filings/current",
        operation_id="getCurrentFilings",
        opt={"problems": ("estate_not_found",)},
        summary="The estate's accepted filings: the service contract's grade and fee, the committee's members",
        security=[{}],
    )
    async def current(self, conn: DbConn, estate_id: FromPath[UUID]) -> CurrentFilings:
        return await filings.current(conn, estate_id)

    @get(
        "/filings/{filing_id:uuid}",
        operation_id="getFiling",
        opt={"problems": FILING, "etag": True},
        summary="One filing with its documents; its version in the ETag",
        dependencies={"principal": requires_role(*FILING_READERS)},
    )
    async def get_filing(
        self, state: State, conn: DbConn, principal: Caller, filing_id: FromPath[UUID]
    ) -> Response[Filing]:
        return _tagged(await filings.get_filing(conn, state.storage, principal, filing_id))

    @post(
        "/filings/{filing_id:uuid}/accept",
        operation_id="acceptFiling",
        opt={
            "problems": (*FILING, "filing_state_conflict", "filing_version_conflict"),
            "if_match": True,
            "etag": True,
        },
        summary="Accept a filing (the district's housing officer; If-Match: version; audited)",
        dependencies={"principal": requires_role(*FILING_DECIDERS)},
        status_code=200,
    )
    async def accept(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        filing_id: FromPath[UUID],
        data: JSONBody[FilingAcceptance],
    ) -> Response[Filing]:
        version = _version(request)
        filing = await filings.decide(
            conn, state.storage, request_context(request), principal, filing_id, version, True, data.reason
        )
        return _tagged(filing)

    @post(
        "/filings/{filing_id:uuid}/return",
        operation_id="returnFiling",
        opt={
            "problems": (*FILING, "filing_state_conflict", "filing_version_conflict", "invalid_filing"),
            "if_match": True,
            "etag": True,
        },
        summary="Return a filing with the reason, to be filed again (the district's housing officer; If-Match)",
        dependencies={"principal": requires_role(*FILING_DECIDERS)},
        status_code=200,
    )
    async def return_filing(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        filing_id: FromPath[UUID],
        data: JSONBody[FilingReturn],
    ) -> Response[Filing]:
        version = _version(request)
        filing = await filings.decide(
            conn, state.storage, request_context(request), principal, filing_id, version, False, data.reason
        )
        return _tagged(filing)


def _etag(response: Response[Any]) -> Response[Any]:
    """The filing's version as the ETag, also on an answer replayed for the same Idempotency-Key."""
    content = response.content
    version = content.version if isinstance(content, Filing) else (content or {}).get("version")
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response


ROUTES = [AnnouncementsController, FilingsController]
