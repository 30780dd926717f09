"""Errors of the category catalogue."""

from __future__ import annotations

from cases.common import CasesError, CasesFieldError


class UnknownCategory(CasesFieldError):
    code = "unknown_category"


class CategoryNotReportable(CasesFieldError):
    code = "category_not_reportable"


class InvalidCatalogue(CasesError):
    code = "invalid_catalogue"


class CategoryNotFound(CasesError):
    code = "category_not_found"
