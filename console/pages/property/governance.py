"""The property office's governance: the owners' votes (roll and turnout; the result only after close), fund
projects, filings to review and credit scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from api.auth import DbConn
from api.errors import ProblemError
from console.auth import CurrentUser, console_context, use_case
from console.i18n import language, text
from console.pages.property.common import (
    FILING_DECIDERS,
    PAGE,
    REFUSALS,
    Cursor,
    Month,
    _estate,
    _form_text,
    _form_version,
    _refusal,
    _render,
    _require_role,
    _today,
)
from housing import (
    access,
    credit,
    filings,
    fund_projects,
    office,
    votes,
)
from housing.errors import VoteStateConflict

# --- votes: the roll and the turnout; the result after close -------------------------------------------------------


@get("/estates/{estate_id:uuid}/votes", name="console.property.votes")
async def votes_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    matters = await votes.list_matters(conn, user.principal, estate_id, cursor, PAGE)  # its own check
    return _render(
        request,
        "property/votes.html",
        estate=await _estate(conn, user, estate_id),
        tab="votes",
        matters=matters,
    )


def _turnout_chart(request: Request[Any, Any, Any], turnout: office.VoteTurnout) -> dict[str, Any]:
    lang = language(request)
    return {
        "kind": "turnout",
        "categories": [b.building for b in turnout.buildings],
        "area": [float(Decimal(b.area_voted * 100) / b.area) if b.area else 0 for b in turnout.buildings],
        "homes": [float(Decimal(b.homes_voted * 100) / b.homes) if b.homes else 0 for b in turnout.buildings],
        "labels": {
            "area": text(lang, "property.votes.turnout_area"),
            "homes": text(lang, "property.votes.turnout_rooms"),
        },
    }


@get("/votes/{matter_id:uuid}", name="console.property.vote")
async def vote_page(
    request: Request[Any, Any, Any],
    matter_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    matter = await votes.get_matter(conn, user.principal, matter_id)  # getVoteMatter's check
    roll = turnout = result = None
    if matter.state != "draft":
        roll = await votes.roll(conn, user.principal, matter_id, cursor, PAGE)
        turnout = await office.vote_turnout(conn, user.principal, matter_id)
    if matter.state == "published":
        try:
            result = await votes.get_result(conn, user.principal, matter_id)
        except VoteStateConflict:
            result = None
    return _render(
        request,
        "property/vote.html",
        estate=await _estate(conn, user, matter.estate_id),
        tab="votes",
        matter=matter,
        roll=roll,
        turnout=turnout,
        chart=_turnout_chart(request, turnout) if turnout else None,
        result=result,
        live=matter.state in ("noticed", "open"),
    )


@get("/votes/{matter_id:uuid}/turnout", name="console.property.vote.turnout")
async def vote_turnout(
    request: Request[Any, Any, Any], matter_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """The live turnout (heads and area with a ballot, per building), polled while the vote runs: never a choice."""
    matter = await votes.get_matter(conn, user.principal, matter_id)
    turnout = await office.vote_turnout(conn, user.principal, matter_id)
    return _render(
        request,
        "property/partials/turnout.html",
        matter=matter,
        turnout=turnout,
        chart=_turnout_chart(request, turnout),
        live=matter.state in ("noticed", "open"),
    )


# --- fund projects -------------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/fund-projects", name="console.property.fund_projects")
async def fund_projects_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    projects = await fund_projects.list_projects(
        conn, user.principal, estate_id, cursor, PAGE
    )  # its own check
    return _render(
        request,
        "property/fund_projects.html",
        estate=await _estate(conn, user, estate_id),
        tab="fund",
        projects=projects,
    )


# --- filings to review -----------------------------------------------------------------------------------------------


@get("/estates/{estate_id:uuid}/filings", name="console.property.filings")
async def filings_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    cursor: Cursor = None,
) -> Template:
    found = await filings.list_filings(
        conn, request.app.state.storage, user.principal, estate_id, None, cursor, PAGE
    )  # listEstateFilings' check
    return _render(
        request,
        "property/filings.html",
        estate=await _estate(conn, user, estate_id),
        tab="filings",
        filings=found,
    )


@get("/filings", name="console.property.filings_waiting")
async def filings_waiting_page(
    request: Request[Any, Any, Any], user: CurrentUser, conn: DbConn, cursor: Cursor = None
) -> Template:
    """The housing officer's queue: every filing waiting for their decision across their districts, oldest first,
    each with its decision form (the estate's filings tab shows an estate's every version)."""
    _require_role(user, *FILING_DECIDERS)
    items, next_cursor = await filings.waiting_for_decision(
        conn, request.app.state.storage, user.principal, cursor, PAGE
    )
    return _render(request, "property/filings_waiting.html", items=items, next_cursor=next_cursor)


@post("/filings/{filing_id:uuid}/decision", name="console.property.filing.decide", status_code=200)
async def decide_filing(
    request: Request[Any, Any, Any], filing_id: FromPath[UUID], user: CurrentUser, conn: DbConn
) -> Template:
    """acceptFiling / returnFiling on the version shown (the district's housing officer)."""
    form = await request.form()
    storage = request.app.state.storage
    status, error, notice = 200, None, None
    try:
        async with use_case(conn):
            _require_role(user, *FILING_DECIDERS)
            version = _form_version(form)
            decision = _form_text(form, "decision", 16)
            if decision not in ("accept", "return"):
                raise ProblemError(422, "validation_failed", "decision: accept or return")
            reason = _form_text(form, "reason", 500)
            done = await filings.decide(
                conn, storage, console_context(request), user.principal, filing_id, version, decision == "accept",
                reason,
            )  # fmt: skip
            notice = text(language(request), f"property.filing_state.{done.state}")
    except REFUSALS as exc:
        status, error = _refusal(request, exc)
    filing = await filings.get_filing(conn, storage, user.principal, filing_id)
    return _render(
        request,
        "property/partials/filing.html",
        status_code=status,
        f=filing,
        estate=await _estate(conn, user, filing.estate_id),
        error=error,
        notice=notice,
    )


# --- credit --------------------------------------------------------------------------------------------------------


def _month(request: Request[Any, Any, Any], month: str | None) -> str:
    if month:
        return month
    today = _today(request)
    return f"{today.year}-{today.month:02d}"


@get("/estates/{estate_id:uuid}/credit", name="console.property.credit")
async def credit_page(
    request: Request[Any, Any, Any],
    estate_id: FromPath[UUID],
    user: CurrentUser,
    conn: DbConn,
    month: Month = None,
) -> Template:
    scores = await credit.estate_credit(
        conn,
        user.principal,
        estate_id,
        _month(request, month),
        timezone=request.app.state.settings.city_timezone,
    )  # getEstateCredit's check
    names = credit.names(language(request))
    figures = list((scores.figures or {}).items())
    chart = {
        "kind": "credit",
        "categories": [names.get(k, k) for k, _ in figures],
        "points": [f.points if f.points is not None else 0 for _, f in figures],
        "labels": {"points": text(language(request), "property.credit.points")},
    }
    return _render(
        request,
        "property/credit.html",
        estate=await _estate(conn, user, estate_id),
        tab="credit",
        scores=scores,
        names=names,
        figures=figures,
        chart=chart,
        month=scores.month,
    )


@get("/credit", name="console.property.companies")
async def companies_page(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    conn: DbConn,
    month: Month = None,
    cursor: Cursor = None,
) -> Template:
    _require_role(user, *access.CREDIT_READER_ROLES)  # as listCompanyCredit
    found = await credit.company_credit(
        conn, user.principal, _month(request, month), district=None,
        timezone=request.app.state.settings.city_timezone, cursor=cursor, limit=PAGE,
    )  # fmt: skip
    return _render(
        request,
        "property/companies.html",
        companies=found,
        names=credit.names(language(request)),
        month=found.month,
    )
