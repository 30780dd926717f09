"""Errors of the housing domain.

Every error carries a stable machine ``code``; the API layer (api/controllers/housing.py) maps it to an HTTP
status and a localized title. ``fields`` names the offending inputs, ``context`` adds members to the problem.
"""

from __future__ import annotations

from typing import Any


class HousingError(Exception):
    """Base of every housing error."""

    code: str = "housing_error"
    #: True when the refusal itself records something that must be committed (an import's log row).
    persist = False

    def __init__(
        self, detail: str = "", *, fields: list[dict[str, str]] | None = None, **context: Any
    ) -> None:
        super().__init__(detail)
        self.fields = fields or []
        self.context = context


# estates, homes and the register ------------------------------------------------------------------------------


class EstateNotFound(HousingError):
    code = "estate_not_found"


class HomeNotFound(HousingError):
    code = "home_not_found"


class InvalidEstate(HousingError):
    """An estate's fields that cannot be stored: a bad district code, location, boundary or contact phone."""

    code = "invalid_estate"


class EstateForbidden(HousingError):
    """The caller holds no role that reaches this estate (another estate's staff, another district's officer)."""

    code = "estate_forbidden"


class HomeForbidden(HousingError):
    """The caller is neither bound to this home nor staff of its estate."""

    code = "home_forbidden"


class RegisterImportRefused(HousingError):
    """A register file refused as a whole; ``report`` names every offending row. The import's log row is written
    after everything else was rolled back to a savepoint, so the refusal persists (the API commits it)."""

    code = "register_import_refused"
    persist = True

    def __init__(self, detail: str, *, report: object, **context: Any) -> None:
        super().__init__(detail, **context)
        self.report = report


class InvalidCursor(HousingError):
    """A paging cursor this API did not give out."""

    code = "invalid_cursor"


# residents' bindings to homes -----------------------------------------------------------------------------------


class BindingNotFound(HousingError):
    code = "binding_not_found"


class AlreadyBound(HousingError):
    """The caller is already bound to this home, or has a request for it waiting."""

    code = "already_bound"


class BindingStateConflict(HousingError):
    """The binding is not in a state that allows this action (context: its ``state``)."""

    code = "binding_state_conflict"


class BindingForbidden(HousingError):
    """The caller may not decide on, or end, this binding."""

    code = "binding_forbidden"


# the ledger ---------------------------------------------------------------------------------------------------------


class InvalidAmount(HousingError):
    """An amount that is not a whole, positive number of fen (a fraction, a negative, zero where it may not be)."""

    code = "invalid_amount"


class UnbalancedEntry(HousingError):
    """A journal entry whose lines do not sum to zero, or with fewer than two lines (a programming error: the
    database refuses such an entry at commit too)."""

    code = "ledger_unbalanced"


class EntryNotFound(HousingError):
    code = "ledger_entry_not_found"


class EntryAlreadyReversed(HousingError):
    """The entry was reversed already (context: ``reversed_by``), or is itself a reversal."""

    code = "ledger_entry_reversed"


# fee items, billing runs and bills ----------------------------------------------------------------------------------


class FeeItemNotFound(HousingError):
    code = "fee_item_not_found"


class InvalidFeeItem(HousingError):
    """A fee item whose fields do not fit its kind (tiers of water, a heating season, a late fee's rate)."""

    code = "invalid_fee_item"


class FeeItemExists(HousingError):
    """The estate has a fee item of that name already, or a second active late fee item."""

    code = "fee_item_exists"


class InvalidBillingPeriod(HousingError):
    """A period that is not YYYY-MM or YYYY-Qn."""

    code = "invalid_billing_period"


class BillingPeriodOverlaps(HousingError):
    """The estate has a billing run of another period that overlaps this one (context: ``period``)."""

    code = "billing_period_overlaps"


class BillingRunNotFound(HousingError):
    code = "billing_run_not_found"


class BillNotFound(HousingError):
    code = "bill_not_found"


class BillStateConflict(HousingError):
    """The bill's state does not allow this action (context: its ``state``)."""

    code = "bill_state_conflict"


class BillVersionConflict(HousingError):
    """The bill changed since the version the caller sent (context: the current ``version`` and ``state``)."""

    code = "bill_version_conflict"


class InsufficientCredit(HousingError):
    """A refund of credit larger than the home's credit (context: ``credit_fen``)."""

    code = "insufficient_credit"


class RefundTooLarge(HousingError):
    """A refund larger than what was paid on the bill and not yet refunded (context: ``refundable_fen``)."""

    code = "refund_too_large"


class InvalidProvider(HousingError):
    """A payment provider's name that is not a short lower-case word (wechat, alipay)."""

    code = "invalid_provider"


class ReadingImportRefused(HousingError):
    """A meter readings file refused as a whole; ``report`` names every offending row. Its log row persists."""

    code = "reading_import_refused"
    persist = True

    def __init__(self, detail: str, *, report: object, **context: Any) -> None:
        super().__init__(detail, **context)
        self.report = report


# the maintenance fund -----------------------------------------------------------------------------------------------


class FundRateMissing(HousingError):
    """The estate has no first-deposit rate yet (set it first)."""

    code = "fund_rate_missing"


class FundNotOpened(HousingError):
    """The home has no first deposit in the maintenance fund yet."""

    code = "fund_not_opened"


class FundInterestExists(HousingError):
    """Interest of that date was shared among the estate's homes already (context: ``run_id``)."""

    code = "fund_interest_exists"


class FundHasNoHomes(HousingError):
    """No home of the estate has a share of the fund to share interest among."""

    code = "fund_no_homes"


class BuildingNotFound(HousingError):
    code = "building_not_found"


# paying online ------------------------------------------------------------------------------------------------------


class PaymentNotFound(HousingError):
    code = "payment_not_found"


class InvalidPayment(HousingError):
    """An order that cannot be made: no bills and no credit asked, a bill named twice, bills of two estates."""

    code = "invalid_payment"


class BillNotPayable(HousingError):
    """A bill named is paid, waived or cancelled already."""

    code = "bill_not_payable"


class BillPaymentPending(HousingError):
    """A bill named is held by another order still being paid (another channel, another phone)."""

    code = "bill_payment_pending"


class PaymentChannelUnavailable(HousingError):
    """The channel is not configured, or its provider could not be reached: nothing was written."""

    code = "payment_provider_unavailable"


class PaymentProviderRefused(HousingError):
    """The provider refused the request (its own code is in ``provider_code``): nothing was written."""

    code = "payment_provider_refused"


class PaymentStateConflict(HousingError):
    """The order's state does not allow this (a refund of an order not paid, for example)."""

    code = "payment_state_conflict"


# the owners' assembly: votes (housing/votes.py) -----------------------------------------------------------------------


class VoteMatterNotFound(HousingError):
    code = "vote_matter_not_found"


class InvalidVoteMatter(HousingError):
    """A matter that cannot be raised: its window, a notice shorter than the city's minimum (context:
    ``notice_days``), a building not of the estate."""

    code = "invalid_vote_matter"


class VoteForbidden(HousingError):
    """The caller does not run this estate's votes (its owners' committee; the district's housing officer where
    there is none), or may not read this matter (its owners, staff and officers)."""

    code = "vote_forbidden"


class VoteStateConflict(HousingError):
    """The matter's state (context: ``state``) does not allow this: notice given twice, a ballot before the
    window opens or after it closed, a close before ``closes_at``."""

    code = "vote_state_conflict"


class VoteRollEmpty(HousingError):
    """No home in the matter's scope has an owner: there is no one to vote."""

    code = "vote_roll_empty"


class NotAVoter(HousingError):
    """The caller is not the designated voter of a head on the roll (an owner bound to one of its homes, whose
    phone is the designated owner's) nor its proxy."""

    code = "not_a_voter"


class VoteHeadNotFound(HousingError):
    code = "vote_head_not_found"


class BallotExists(HousingError):
    """The head has voted already and the matter does not allow a change (or a paper ballot over a cast one)."""

    code = "ballot_exists"


class InvalidVotePhoto(HousingError):
    """A photo that is not a processed photo uploaded by the caller."""

    code = "invalid_vote_photo"


class VoteProxyNotFound(HousingError):
    code = "vote_proxy_not_found"


class VoteProxyExists(HousingError):
    """The head has a live proxy already (revoke it first)."""

    code = "vote_proxy_exists"


class VoteOwnerNotFound(HousingError):
    """The owner named is not an owner of this head."""

    code = "vote_owner_not_found"


# estate announcements and filings (housing/announcements.py, housing/filings.py) --------------------------------------


class AnnouncementNotFound(HousingError):
    """No such announcement, or (to a resident) one that was withdrawn."""

    code = "announcement_not_found"


class InvalidAnnouncement(HousingError):
    """An announcement that cannot be published as given: a blank title or body, a building not of the estate,
    an expiry already past."""

    code = "invalid_announcement"


class AnnouncementForbidden(HousingError):
    """The caller may not do this with the estate's announcements: publish or withdraw (its property staff, its
    owners' committee, the district's housing officer; a withdrawal by the publisher's own side), read one (the
    residents of the homes in its scope, and the publishers), or mark one read (those residents)."""

    code = "announcement_forbidden"


class AnnouncementStateConflict(HousingError):
    """The announcement was withdrawn already (context: ``state``)."""

    code = "announcement_state_conflict"


class InvalidEstatePhoto(HousingError):
    """A photo (of an announcement, or a filing's document) that is not a processed photo the caller uploaded, or
    one listed twice."""

    code = "invalid_estate_photo"


class FilingNotFound(HousingError):
    code = "filing_not_found"


class InvalidFiling(HousingError):
    """A filing that cannot be stored: a term that ends before it starts, a blank company, a committee without
    exactly one chair or with a member twice, an election after the term began."""

    code = "invalid_filing"


class FilingForbidden(HousingError):
    """The caller may not do this with the estate's filings: file the service contract (its property staff), file
    the committee (its owners' committee), decide (the district's housing officer), or read them."""

    code = "filing_forbidden"


class FilingStateConflict(HousingError):
    """A version of this kind is waiting for a decision already (context: ``filing_id``), or the filing was
    decided already (context: ``state``)."""

    code = "filing_state_conflict"


class FilingVersionConflict(HousingError):
    """If-Match named another version than the filing's (context: ``version``)."""

    code = "filing_version_conflict"


# spending the maintenance fund (housing/fund_projects.py) --------------------------------------------------------


class FundProjectNotFound(HousingError):
    code = "fund_project_not_found"


class InvalidFundProject(HousingError):
    """A project that cannot be raised as given: a blank title or contractor, a building not of the estate, an
    emergency without its kind (or a kind without the emergency)."""

    code = "invalid_fund_project"


class FundProjectForbidden(HousingError):
    """The caller may not do this with the estate's fund projects: raise one (its committee or property staff),
    put it to the vote (whoever runs its votes), approve or settle (the district's housing officer), accept (the
    committee; the officer where there is none), publish, or read them (its owners and staff)."""

    code = "fund_project_forbidden"


class FundProjectStateConflict(HousingError):
    """The project's state does not allow this (context: ``state``): an emergency project put to the vote, a
    project approved twice, accepted before approval, settled before acceptance, published when not an approved
    emergency or published already."""

    code = "fund_project_state_conflict"


class FundProjectVersionConflict(HousingError):
    """If-Match named another version than the project's (context: ``version``)."""

    code = "fund_project_version_conflict"


class FundVoteNotPassed(HousingError):
    """An ordinary project is approved only when its vote's published result passed (context: ``matter_id``,
    ``matter_state``, ``passed``)."""

    code = "fund_vote_not_passed"


class FundShareInsufficient(HousingError):
    """A home's share of the fund is smaller than its part of the disbursement (context: ``home_id``,
    ``balance_fen``, ``part_fen``): nothing is disbursed (the owners top up first)."""

    code = "fund_share_insufficient"


class FundSettlementExceeds(HousingError):
    """The final cost is more than was disbursed (context: ``disbursed_fen``): the excess needs a new project."""

    code = "fund_settlement_exceeds"


# repairs and complaints (housing/repairs.py) ----------------------------------------------------------------------


class RepairNotFound(HousingError):
    """No such repair, or one the caller may not see (its reporter, its assignee, the estate's staff, the district's
    housing officers and admins see it)."""

    code = "repair_not_found"


class InvalidRepair(HousingError):
    """A repair that cannot be stored (a home or building not of the estate, a home repair without its home) or an
    action's data that cannot (an assignee who is not the estate's property staff, a rating outside 1-5)."""

    code = "invalid_repair"


class RepairForbidden(HousingError):
    """The caller may not report in this estate (not bound now to a home of it; a home repair: not to that home)."""

    code = "repair_forbidden"


class RepairListForbidden(HousingError):
    """The caller may not read the estate's repairs and complaints (its property staff, the district's housing
    officers and admins do)."""

    code = "repair_list_forbidden"


# credit evaluation of property companies (housing/credit.py) ----------------------------------------------------


class InvalidCreditMonth(HousingError):
    """A credit month that is not YYYY-MM, is before 2000-01, or has not begun."""

    code = "invalid_credit_month"


class CreditForbidden(HousingError):
    """The caller may not read this estate's credit (not its resident, staff, district officer or leader), or
    asks for a district their grants do not reach."""

    code = "credit_forbidden"


class InvalidCreditScheme(HousingError):
    """Credit weights that do not add up to 100, or grade bands that are not strictly descending."""

    code = "invalid_credit_scheme"
