"""Errors of grids, duties and routing."""

from __future__ import annotations

from cases.common import CasesError, CasesFieldError


class UnknownDepartment(CasesFieldError):
    code = "unknown_department"


class NoInspectorOnDuty(CasesFieldError):
    code = "no_inspector_on_duty"


class GridImportRefused(CasesError):
    """A grid file refused as a whole. ``report`` names every offending feature (index and code).

    The import's log row is written in the caller's transaction after everything else was rolled back to a
    savepoint, so the refusal persists: commit (the API does, for errors marked ``persist``).
    """

    code = "grid_import_refused"
    persist = True

    def __init__(
        self, message: str, *, report: object, fields: tuple[dict[str, str], ...] = (), **context: object
    ) -> None:
        super().__init__(message)
        self.report = report
        self.fields = fields
        self.context = context


class UnknownGrid(CasesFieldError):
    code = "unknown_grid"


class NotAnInspector(CasesFieldError):
    code = "not_an_inspector"


class InvalidDuty(CasesFieldError):
    code = "invalid_duty"
