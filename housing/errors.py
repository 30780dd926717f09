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
