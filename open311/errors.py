"""Errors of the Open311 layer. Each has a stable `code`; api/problems.py gives its HTTP status (400, 403 or 404
for what a GeoReport client sends, as the standard has them) and titles. The GeoReport controller answers them as
a GeoReport error list, the admin endpoints as problem documents."""

from __future__ import annotations

from typing import Any


class Open311Error(Exception):
    """Base of every Open311 error."""

    code: str = "open311_error"
    persist = False

    def __init__(
        self, detail: str = "", *, fields: list[dict[str, str]] | None = None, **context: Any
    ) -> None:
        super().__init__(detail)
        self.fields = fields or []
        self.context = context


class ApiKeyInvalid(Open311Error):
    """No api_key, or one that was never issued or has been revoked (403)."""

    code = "open311_api_key_invalid"


class JurisdictionNotFound(Open311Error):
    code = "open311_jurisdiction_not_found"


class ServiceNotFound(Open311Error):
    code = "open311_service_not_found"


class RequestNotFound(Open311Error):
    code = "open311_request_not_found"


class TokenNotFound(Open311Error):
    code = "open311_token_not_found"


class ResourceNotFound(Open311Error):
    """A path under /open311/v2/ that names no resource or format (only .xml and .json are served)."""

    code = "open311_not_found"


class InvalidRequest(Open311Error):
    """A GeoReport parameter missing or not valid (`fields` names it)."""

    code = "open311_invalid_request"


class InvalidDateRange(Open311Error):
    code = "open311_invalid_date_range"


class AddressNotPlaceable(Open311Error):
    """address_string alone: CityLoop has no geocoder, so a location needs lat and long."""

    code = "open311_address_not_placeable"


class MediaUnavailable(Open311Error):
    """media_url could not be fetched: not http(s), an inward address, too large, too slow, not 200."""

    code = "open311_media_unavailable"


class ApplicationNotFound(Open311Error):
    code = "open311_application_not_found"
