"""Open311 GeoReport v2 (open311/, api/controllers/open311.py).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

# Open311 GeoReport v2 (open311/, api/controllers/open311.py, issue 14) ----------------------------------------

_GEO_FIXED = {
    "open311Discovery": (
        "GeoReport v2 discovery: where this endpoint is, which specification it follows and in which formats it "
        "answers. Public, no key."
    ),
    "open311ListServices": (
        "GeoReport v2 services: the active categories citizens may report (部件 and 事件), service_code being the "
        "category code, service_name its Chinese name, group its major class, keywords its names; metadata true "
        "(every service has the attribute `anonymous`). Public, no key. jurisdiction_id, when sent, must be this "
        "deployment's (404 otherwise)."
    ),
    "open311ListRequests": (
        "GeoReport v2 requests: the public reports (never a hidden one, never a reporter), newest first, at most "
        "1,000; by default those of the last 90 days. Filters: service_request_id (a comma list; the other "
        "filters are then ignored), service_code (a comma list), start_date / end_date (at most 90 days apart), "
        "status (open, closed or both). A report is open until its case is closed, rejected or voided; "
        "status_notes is the latest public note of its timeline, agency_responsible the department it is "
        "dispatched to, expected_datetime the open step's deadline in working time, media_url its first photo's "
        "public display copy (metadata stripped, never the original). Errors: a GeoReport error list (400, 404)."
    ),
    "open311CreateRequest": (
        "GeoReport v2 POST requests, form-encoded with the api_key an admin issued to the application. The report "
        "is filed at once through the same use case as the app's (submitReport): citizen-reportable categories, "
        "inside the service area, verification first, joining an open case nearby; as the application's own "
        "service account, within the application's hourly limit (429 with Retry-After past it) and daily report "
        "allowance. Location by lat/long in WGS-84: address_string alone cannot be placed (400 "
        "open311_address_not_placeable). media_url is fetched once (public addresses only, size-capped, timed) "
        "and run through the photo pipeline. The contact fields are kept private. The answer carries "
        "service_request_id and token (201); the same application sending the same form again within a minute "
        "gets the same request (200). Errors: a GeoReport error list (400, 403, 404, 429), its description "
        "starting with the code."
    ),
}
OPERATIONS: dict[str, str] = {
    f"{name}{suffix}": f"{text} ({suffix.upper()})"
    for name, text in _GEO_FIXED.items()
    for suffix in ("Xml", "Json")
}
OPERATIONS.update(
    {
        "open311GetService": (
            "GeoReport v2 service definition: the attributes a request of this service may carry (as data: "
            "`anonymous`, hide the reporter from the public). The last segment is the code with .xml or .json. "
            "404 for a code that is not a reportable service."
        ),
        "open311GetRequest": (
            "GeoReport v2: one request by its service_request_id (the report's number), with .xml or .json; in a "
            "service_requests list of one. 404 when there is none, or it is hidden."
        ),
        "open311GetToken": (
            "GeoReport v2 token flow: the service_request_id a token (from POST requests) became. The last segment "
            "is the token with .xml or .json; 404 when unknown, or the report is hidden."
        ),
        "issueOpen311Application": (
            "Register a third-party GeoReport application (admins; audited). Each gets a service account of its "
            "own (no phone, role citizen) that files its reports, an hourly limit of POST requests and a daily "
            "report allowance. The answer holds the api_key this once: only its sha256 is kept."
        ),
        "listOpen311Applications": (
            "The registered applications (admins), oldest first, with their key's first characters, limits and "
            "revocation. Keys are never shown again."
        ),
        "getOpen311Application": "One registered application (admins).",
        "revokeOpen311Application": (
            "Revoke an application's key and disable its service account (admins; audited). Its reports stay. "
            "Revoking again changes nothing and answers the application as it is."
        ),
    }
)
_GEO_PARAMETERS = {
    "jurisdiction_id": "GeoReport's jurisdiction: when sent, it must be this deployment's (OPEN311_JURISDICTION_ID).",
    "service_request_id": "Report numbers, comma-separated (at most 1,000): when sent, every other filter is ignored.",
    "service_code": "Service codes (category codes), comma-separated: only requests of these.",
    "start_date": "The earliest requested_datetime (W3C date-time with its offset); with end_date at most 90 days.",
    "end_date": (
        "The latest requested_datetime, exclusive (W3C date-time with its offset). Without start_date the window is "
        "the 90 days before it; without either, the last 90 days."
    ),
    "status": "open, closed, or both comma-separated (every status when left out).",
}
PARAMETERS: dict[str, str] = {
    f"{op}{suffix}.{name}": text
    for op in ("open311ListServices", "open311ListRequests")
    for suffix in ("Xml", "Json")
    for name, text in _GEO_PARAMETERS.items()
    if op == "open311ListRequests" or name == "jurisdiction_id"
}
PARAMETERS.update(
    {
        f"{op}.jurisdiction_id": _GEO_PARAMETERS["jurisdiction_id"]
        for op in ("open311GetService", "open311GetRequest", "open311GetToken")
    }
)
PARAMETERS.update(
    {
        "service_file": "The service code followed by .xml or .json, for example E0102.json.",
        "request_file": "The service_request_id (a report number) followed by .xml or .json.",
        "token_file": "The token from POST requests followed by .xml or .json.",
        "application_id": "The application's id.",
    }
)
PARAMETER_EXAMPLES: dict[str, Any] = {
    "service_file": "E0102.json",
    "request_file": "2026112200017.json",
    "token_file": "q8Zt0mV3b1kR2xW9yN4cLg.json",
    "application_id": "01937c4d-2b1a-7c3e-8f9a-0b1c2d3e4f5a",
    "jurisdiction_id": "cityloop",
    **{
        f"open311ListRequests{suffix}.{name}": value
        for suffix in ("Xml", "Json")
        for name, value in (
            ("status", "open"),
            ("service_code", "E0102"),
            ("service_request_id", "2026112200017"),
            ("start_date", "2026-11-01T00:00:00+08:00"),
            ("end_date", "2026-11-30T00:00:00+08:00"),
        )
    },
}
SCHEMAS: dict[str, str] = {
    "GeoReportDiscovery": "GeoReport v2 discovery (root element `discovery`).",
    "GeoReportEndpoint": "One GeoReport endpoint of this server.",
    "GeoReportService": "A GeoReport service: one reportable category (element `service` in `services`).",
    "GeoReportServiceDefinition": "A GeoReport service definition (root element `service_definition`).",
    "GeoReportAttribute": "An attribute a request of the service may carry (element `attribute`).",
    "GeoReportAttributeValue": "One value of a list attribute (element `value`).",
    "GeoReportRequest": "A GeoReport service request as read (element `request` in `service_requests`).",
    "GeoReportRequestCreated": "The answer to POST requests (element `request` in `service_requests`).",
    "GeoReportToken": "What a token became (element `request` in `service_requests`).",
    "GeoReportError": "A GeoReport error (element `error` in `errors`).",
    "Application": "A third-party GeoReport application registered by an admin.",
    "ApplicationIssued": "A new application with its api_key, shown this once.",
    "ApplicationCreate": "An application to register.",
    "ApplicationPage": "A page of applications, oldest first.",
}
PROPERTIES: dict[str, str] = {
    "GeoReportDiscovery.changeset": "When this endpoint's description last changed.",
    "GeoReportDiscovery.contact": "Whom to ask about this endpoint (OPEN311_CONTACT).",
    "GeoReportDiscovery.key_service": "Where to ask for an api_key (empty: ask the city's admins).",
    "GeoReportDiscovery.endpoints": "The endpoints (element `endpoints`, each an `endpoint`).",
    "GeoReportEndpoint.specification": "Always http://wiki.open311.org/GeoReport_v2.",
    "GeoReportEndpoint.url": "The endpoint's base URL (…/open311/v2).",
    "GeoReportEndpoint.changeset": "When the endpoint last changed.",
    "GeoReportEndpoint.type": "production in production, test elsewhere.",
    "GeoReportEndpoint.formats": "text/xml and application/json (element `formats`, each a `format`).",
    "GeoReportService.service_code": "The category code (for example E0102).",
    "GeoReportService.service_name": "The category's Chinese name.",
    "GeoReportService.description": "The category's English name, and whether it needs a photo.",
    "GeoReportService.metadata": "Whether the service has attributes (GET services/{code} lists them).",
    "GeoReportService.type": "Always realtime: a request is filed at once.",
    "GeoReportService.keywords": "The category's and its major class's names, comma-separated.",
    "GeoReportService.group": "The major class (大类) in Chinese.",
    "GeoReportServiceDefinition.service_code": "The service's code.",
    "GeoReportServiceDefinition.attributes": "Its attributes (element `attributes`, each an `attribute`).",
    "GeoReportAttribute.variable": "Always true: the client sets it.",
    "GeoReportAttribute.code": "Send it as attribute[code] in POST requests.",
    "GeoReportAttribute.datatype": "The GeoReport datatype.",
    "GeoReportAttribute.required": "Whether a request must carry it.",
    "GeoReportAttribute.datatype_description": "More about the datatype (null: nothing more).",
    "GeoReportAttribute.order": "The order to show it in, from 1.",
    "GeoReportAttribute.description": "What it asks, in Chinese and English.",
    "GeoReportAttribute.values": "The values a list attribute takes (element `values`, each a `value`).",
    "GeoReportAttributeValue.key": "What to send.",
    "GeoReportAttributeValue.name": "What to show.",
    "GeoReportRequest.service_request_id": "The report's number (its public reference).",
    "GeoReportRequest.status": "open until the case is closed, rejected or voided; then closed.",
    "GeoReportRequest.status_notes": "The latest public note of the case's timeline (null: none).",
    "GeoReportRequest.service_name": "The category's Chinese name.",
    "GeoReportRequest.service_code": "The category code.",
    "GeoReportRequest.description": "What the reporter wrote.",
    "GeoReportRequest.agency_responsible": "The department the case is dispatched to (null: not yet).",
    "GeoReportRequest.service_notice": "Always null.",
    "GeoReportRequest.requested_datetime": "When the report was filed, with the city's offset.",
    "GeoReportRequest.updated_datetime": "When the case last changed, with the city's offset.",
    "GeoReportRequest.expected_datetime": "The open step's deadline in working time (null: none, or closed).",
    "GeoReportRequest.address": "The address the reporter gave (null: none).",
    "GeoReportRequest.address_id": "Always null.",
    "GeoReportRequest.zipcode": "Always null.",
    "GeoReportRequest.lat": "Latitude, WGS-84.",
    "GeoReportRequest.long": "Longitude, WGS-84.",
    "GeoReportRequest.media_url": "The first photo's public display copy, metadata stripped (null: no photo).",
    "GeoReportRequestCreated.service_request_id": "The new report's number.",
    "GeoReportRequestCreated.token": "A token for GET tokens/{token}.",
    "GeoReportRequestCreated.service_notice": "Always null.",
    "GeoReportRequestCreated.account_id": "Always null (the contact fields are kept private).",
    "GeoReportToken.service_request_id": "The report's number.",
    "GeoReportToken.token": "The token asked about.",
    "GeoReportError.code": "The HTTP status (400, 403, 404, 429, 500 or 503).",
    "GeoReportError.description": "What went wrong: the machine code, a colon, then English text.",
    "Application.id": "The application's id.",
    "Application.name": "Its name (also its service account's display name).",
    "Application.contact": "Who runs it.",
    "Application.key_prefix": "The first 8 characters of its api_key, to tell keys apart.",
    "Application.user_id": "Its service account, the reporter of its reports.",
    "Application.requests_per_hour": "Its POST requests an hour.",
    "Application.reports_per_day": "Its reports in 24 hours (the per-reporter limit of submitReport).",
    "Application.created_at": "When it was registered.",
    "Application.revoked_at": "When its key was revoked (null: live).",
    "ApplicationIssued.application": "The application.",
    "ApplicationIssued.api_key": "Its key: shown this once, only its sha256 is kept.",
    "ApplicationCreate.name": "Its name, 1 to 64 characters.",
    "ApplicationCreate.contact": "Who runs it, up to 200 characters.",
    "ApplicationCreate.requests_per_hour": "Its POST requests an hour, 1 to 100,000 (120 by default).",
    "ApplicationCreate.reports_per_day": "Its reports in 24 hours, 1 to 1,000,000 (500 by default).",
    "ApplicationPage.items": "The applications on this page.",
    "ApplicationPage.next_cursor": "The cursor of the next page (null: the last).",
}
EXAMPLES: dict[str, Any] = {
    "ApplicationCreate": {"name": "市民通 App", "contact": "ops@example.com", "requests_per_hour": 120},
}
