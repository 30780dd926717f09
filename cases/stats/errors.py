"""Errors of the indicators."""

from __future__ import annotations

from cases.common import CasesFieldError


class InvalidPeriod(CasesFieldError):
    """An indicator window whose days are not YYYY-MM-DD, that ends before it starts, or spans too many days."""

    code = "invalid_period"


class UnknownWeightKind(CasesFieldError):
    """Indicator weights of a kind that does not exist (the kinds are the groupings of the indicators)."""

    code = "unknown_weight_kind"


class InvalidWeights(CasesFieldError):
    """Indicator weights that name indicators the kind does not have, or do not add up to 100."""

    code = "invalid_weights"
