"""Errors of citizens' reports."""

from __future__ import annotations

from cases.common import CasesError, CasesFieldError


class OutsideServiceArea(CasesFieldError):
    code = "outside_service_area"


class NoServiceArea(CasesError):
    code = "no_service_area"


class PhotosRequired(CasesFieldError):
    code = "photos_required"


class ReportNotFound(CasesError):
    code = "report_not_found"


class ReportLimitReached(CasesFieldError):
    code = "report_limit_reached"


class TileNotFound(CasesError):
    """A map tile outside the pyramid: x or y not below 2^z."""

    code = "tile_not_found"
