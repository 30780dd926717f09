"""Errors of the cases domain.

Every error carries a stable machine ``code``; the API layer maps it to a problem document.
"""

from __future__ import annotations


class CasesError(Exception):
    """Base of every cases error."""

    code: str = "cases_error"


class InvalidCoordinates(CasesError, ValueError):
    """A coordinate pair that is not finite or out of range. ``fields`` names the offending inputs."""

    code = "invalid_coordinates"

    def __init__(self, message: str, *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class UnsupportedCRS(InvalidCoordinates):
    """A coordinate system tag other than wgs84, gcj02 or bd09."""

    code = "unsupported_crs"


class CasesFieldError(CasesError):
    """A refusal that names the offending fields and may carry extra members for the problem document."""

    def __init__(self, message: str, *, fields: tuple[str, ...] = (), **context: object) -> None:
        super().__init__(message)
        self.fields = fields
        self.context = context


class UnknownCategory(CasesFieldError):
    code = "unknown_category"


class CategoryNotReportable(CasesFieldError):
    code = "category_not_reportable"


class OutsideServiceArea(CasesFieldError):
    code = "outside_service_area"


class NoServiceArea(CasesError):
    code = "no_service_area"


class PhotosRequired(CasesFieldError):
    code = "photos_required"


class PhotoUnavailable(CasesFieldError):
    """A photo id that is not the caller's, not processed yet, or already part of another report."""

    code = "photo_unavailable"


class ReportNotFound(CasesError):
    code = "report_not_found"


class ReportLimitReached(CasesFieldError):
    code = "report_limit_reached"


class InvalidCatalogue(CasesError):
    code = "invalid_catalogue"


class CategoryNotFound(CasesError):
    code = "category_not_found"


# the working-time calendar (cases/deadlines.py) -----------------------------------------------------------------


class InvalidCalendarDate(CasesFieldError):
    """A day that is not an ISO date (YYYY-MM-DD)."""

    code = "invalid_calendar_date"


class InvalidCalendarRange(CasesFieldError):
    """A range of days that ends before it starts or spans more days than allowed."""

    code = "invalid_calendar_range"


class CalendarOverrideNotFound(CasesError):
    code = "calendar_override_not_found"


class DeadlineBeyondCalendar(CasesError):
    """The working time cannot elapse within the calendar's search horizon (every day is a day off)."""

    code = "deadline_beyond_calendar"


class CaseNotFound(CasesError):
    code = "case_not_found"


class TransitionNotAllowed(CasesFieldError):
    """No such action from the case's current state (the problem names the actions that are possible)."""

    code = "transition_not_allowed"


class ActionForbidden(CasesFieldError):
    """The caller's roles or scope do not allow this action on this case."""

    code = "action_forbidden"


class VersionConflict(CasesFieldError):
    """The case changed since the caller read it: the problem carries its current state and version."""

    code = "version_conflict"


class MissingFields(CasesFieldError):
    code = "missing_fields"


class UnknownDepartment(CasesFieldError):
    code = "unknown_department"


class NoInspectorOnDuty(CasesFieldError):
    code = "no_inspector_on_duty"


class RatingNotAllowed(CasesFieldError):
    code = "rating_not_allowed"


class InvalidCursor(CasesFieldError):
    code = "invalid_cursor"


# grids, duties and routing data (cases/grids.py, cases/routing.py) ----------------------------------------------


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


# indicators (cases/indicators.py) -------------------------------------------------------------------------------


class InvalidPeriod(CasesFieldError):
    """An indicator window whose days are not YYYY-MM-DD, that ends before it starts, or spans too many days."""

    code = "invalid_period"


class UnknownWeightKind(CasesFieldError):
    """Indicator weights of a kind that does not exist (the kinds are the groupings of the indicators)."""

    code = "unknown_weight_kind"


class InvalidWeights(CasesFieldError):
    """Indicator weights that name indicators the kind does not have, or do not add up to 100."""

    code = "invalid_weights"
