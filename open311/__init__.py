"""Open311 GeoReport v2 (DOMAIN.md §10): a translation layer over the city's reports and cases.

Third-party applications (keys issued by admins) submit reports through the same use case as the mobile app
(cases.reports.service.submit_report) and read the public side of reports (the view case_public_reports). Files:
models.py (the standard's answers as Structs, applications), errors.py, store.py (applications, submissions, the
public view), applications.py (keys: issue, list, revoke, authenticate), service.py (services, requests, tokens),
fetch.py (media_url through the SSRF-guarded fetcher), formats.py (GeoReport XML and JSON).
"""
