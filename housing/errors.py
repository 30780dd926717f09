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
