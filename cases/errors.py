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
