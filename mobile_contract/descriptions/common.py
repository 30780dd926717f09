"""Health, the shared headers, paging and places, version 2 of the lists, the coverage and the map's vector tiles.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # health
    "healthz": (
        'Liveness probe: answers {"status": "ok"} as long as the process serves requests, without touching '
        "the database or the photo bucket. Needs no token; meant for load balancers and orchestrators, not apps."
    ),
    "readyz": (
        "Readiness probe: checks that the database answers within 2 s and the photo bucket within 3 s, and "
        'answers {"status": "ready"} with each check. Where WORKER_HEARTBEAT_REQUIRED is on (the default in '
        "production) it also checks that a background worker has beaten within WORKER_HEARTBEAT_MAX_AGE_S "
        "(check `worker`). When a dependency is down it says which one in `failing` (database, storage, worker), "
        "with Retry-After: 5. Needs no token; meant for orchestrators, not apps."
    ),
    # added with version 2 of the lists: opaque cursors everywhere
    "listDevices": (
        "The caller's phones registered for push (推送), the most recently registered first: token, platform, "
        "app version and locale, when each was first registered to the caller and when it last registered "
        "(the app registers on every start). A user keeps at most 10. Paging: pass `next_cursor` back as "
        "`cursor`; it is null on the last page. Any signed-in user, for their own phones only."
    ),
    "unfollowReport": (
        "Stops following the case behind a report (关注): no more inbox messages or pushes about it. "
        "Unfollowing a case the caller does not follow changes nothing, so the call is safe to repeat. The "
        "case's own reporters always hear of its progress and cannot unfollow it. A report hidden by "
        "moderators is not found, unless the caller is staff whose scope covers its case or follows its case "
        "already."
    ),
    "getCoverage": (
        "Where reports are routed to a grid: the outline of all unit grids (单元网格), dissolved into one "
        "GeoJSON Feature with a MultiPolygon geometry and its bounding box, simplified by about 1 m. A point "
        "inside it goes to its grid and the grid's inspector on duty (监督员); outside it, even within the "
        "service area (服务范围), a report reaches no grid and waits in the intake clerks' queue (受理员). "
        "Coordinates are in `crs`. Cache it: send the ETag back in If-None-Match, answered 304 with no body "
        "while no grid changed. Needs no token."
    ),
    "listAuditV2": (
        "The audit log (审计日志), newest first: who did what to which target, when, from which address and in "
        "which request, with the details of the change. Filter by target type and id. Paging: pass "
        "`next_cursor` back as `cursor`; it is null on the last page. Admins only."
    ),
    "listDeliveriesV2": (
        "The delivery log of pushes and webhooks (推送与回调投递), newest first: one row per event and recipient, "
        "with its status, attempts and last error; `status=dead` lists the dead letters (死信), given up after "
        "every retry, which replayDelivery and replayDeadDeliveries put back. Filter by status and channel. "
        "Paging: pass `next_cursor` back as `cursor`; it is null on the last page. Admins only."
    ),
    "listWebhookDeliveriesV2": (
        "One webhook subscriber's delivery log (投递记录), newest first: each event sent to it, with status, "
        "attempts, the last HTTP status and the last error. Filter by status. Paging: pass `next_cursor` back "
        "as `cursor`; it is null on the last page. Admins only."
    ),
    "listWebhooksV2": (
        "The webhook subscribers (Webhook 订阅) in the order they were registered: other city platforms told of "
        "case events by signed HTTP POSTs, with their status (active, or paused after repeated failures). The "
        "secret is never shown again, only its last four characters. Paging: pass `next_cursor` back as "
        "`cursor`; it is null on the last page. Admins only."
    ),
    "listOutboxV2": (
        "Outbox entries (发件箱) by status, newest first: the events written with the changes that caused them, "
        "waiting to be fanned out to inboxes, pushes and webhooks (pending), done, or given up on (dead, "
        "replayable with replayOutbox); dead by default. Paging: pass `next_cursor` back as `cursor`; it is "
        "null on the last page. Admins only."
    ),
    "listGridImportsV2": (
        "The grid import log, newest first: every import of unit grids (单元网格) or responsibility grids "
        "(责任网格), imported, dry run or refused, with its counts, its number of problems and who ran it. "
        "Paging: pass `next_cursor` back as `cursor`; it is null on the last page, and imports made in the same "
        "instant are neither skipped nor repeated. Admins only."
    ),
    "listDutiesV2": (
        "Inspectors' duties (值守): which inspector (监督员) is on duty for which responsibility grid (责任网格), "
        "from when until when, ordered by grid code, start and inspector. Filter by grid code, and by `at` for "
        "the duties running at that instant. Paging: pass `next_cursor` back as `cursor`; it is null on the "
        "last page. Admins only."
    ),
    "listCategoryDepartmentsV2": (
        "The category → department links that route cases: which department (专业部门) handles a category in a "
        "district, ordered by category, then district with the any-district link (district_code null) first. "
        "Filter by one category code. Paging: pass `next_cursor` back as `cursor`; it is null on the last "
        "page. Admins only."
    ),
    "listInspectorTasksV2": (
        "The inspector's open tasks: verify a report on site (核实) or check a department's fix on site (核查), "
        "ordered by deadline, then by distance from `lat`/`lon` when sent, each with its case. Paging: pass "
        "`next_cursor` back as `cursor` with the same `lat`, `lon` and `crs` as for the first page, since a "
        "cursor remembers the position its distances were measured from; after moving, start again without a "
        "cursor. Inspectors only."
    ),
    "listCategoryDepartments": (
        "The category → department links that route cases: which department (专业部门) handles a category in "
        "a district, or in any district when `district_code` is null. Routing takes the district's link, then "
        "the any-district link, then the category's default department. Filter by one category code. Admins "
        "only. Deprecated: use listCategoryDepartmentsV2, which pages with an opaque cursor."
    ),
}


PARAMETERS: dict[str, str] = {
    # headers (declared by mobile_contract.openapi)
    "Idempotency-Key": (
        "Makes the write safe to retry: 8 to 128 characters of A-Z a-z 0-9 _ . : -, new for every new "
        "request (a UUID made when the user taps send, kept with the draft until an answer arrives). A retry "
        "with the same key and the same body, within 24 hours, returns the stored first answer with the header "
        "Idempotent-Replayed: true and does nothing again; the same key with a different body is refused. "
        "Keys belong to the signed-in user."
    ),
    "If-Match": (
        "The case's `version` as last read (CaseSummary.version, or the ETag of getCase), as a number or an "
        'ETag: 7, "7" or W/"7". '
        "Required. The action is applied only if the case still has this version; when someone changed it "
        "meanwhile the action is refused with the current state and version, so reload the case and decide "
        "again."
    ),
    # paging
    "cursor": (
        "Opaque paging cursor: the `next_cursor` of the previous page, sent back unchanged. Leave it out for "
        "the first page; do not build or edit it. A page ends the list when its `next_cursor` is null."
    ),
    "before": (
        "Paging by id: the `next_cursor` of the previous page (the id of its last, oldest row); rows with a "
        "smaller id come next. Leave it out for the first, newest page."
    ),
    "limit": "The most rows on one page, 1 to 200 (50 by default).",
    "listDevices.limit": "The most phones on one page, 1 to 100 (20 by default).",
    "since": (
        "Deprecated: the old name of `cursor`; it takes the same values, and the time-based cursors of earlier "
        "versions. Send `cursor` instead, never both."
    ),
    "If-None-Match": (
        "The ETag of the copy the app holds, from the ETag header of an earlier answer. While it is still "
        "current the answer is 304 Not Modified with no body: keep using the copy."
    ),
    # places and coordinate systems
    "crs": (
        "The coordinate system of the coordinates sent and answered: wgs84 (GPS, photo EXIF), gcj02 (Amap, "
        "Tencent maps) or bd09 (Baidu maps). The server stores WGS-84 and converts both ways; the offsets are "
        "hundreds of metres, enough to put a point in the wrong grid."
    ),
    "lat": "Latitude in degrees, -90 to 90, in the system named by `crs`.",
    "lon": "Longitude in degrees, -180 to 180, in the system named by `crs`.",
    "bbox": (
        "The box of the map view: min_lon,min_lat,max_lon,max_lat (south-west corner, then north-east), in "
        "degrees, comma-separated, in the system named by `crs`."
    ),
    "radius": (
        "Search radius in metres, 10 to 1,000, for staff (an inspector searches 1,000 m). Ignored for "
        "citizens, who search the category's duplicate radius; leave it out to use that radius."
    ),
    "listOutboxV2.status": (
        "Entries in this status: pending (waiting for fan-out or retried), done (fanned out), dead (fan-out "
        "gave up after every attempt). dead by default."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "Idempotency-Key": "6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b",
    "If-Match": '"7"',
    "cursor": "MDE5MzZjMmUtNTlmOC03YTQxLTljM2ItMmQxZTBmNGE1YjYy",
    "listDevices.cursor": (
        "ZHwyMDI2LTExLTIwVDEyOjA0OjAyLjExNzAwMCswMDowMHwzODUwODlhY2Y0OTU5ODcxYTY4NmIyNmYxZjU4MDA2ZQ"
    ),
    "listCategoryDepartmentsV2.cursor": "RTAxMDJ8MTEwMTAx",
    "listDeliveriesV2.cursor": "MTg0Mg",
    "listWebhookDeliveriesV2.cursor": "MTg0Mg",
    "listOutboxV2.cursor": "OTA3MQ",
    "listAuditV2.cursor": "NDgyMTM",
    "listWebhooksV2.cursor": "MDE5MzVmMjAtN2E4Yi03YzlkLThlMGYtMWEyYjNjNGQ1ZTZm",
    "listDutiesV2.cursor": (
        "MTEwMTAxMDAxfDIwMjYtMTEtMjNUMDA6MDA6MDArMDA6MDB8MDE5MzVmMGUtOGE5Yi03YzFkLTllMmYtM2E0YjVjNmQ3ZTIx"
    ),
    "listGridImportsV2.cursor": (
        "MjAyNi0xMS0yMFQwNzoxMjo0NC4xMjAwMDArMDA6MDB8MDE5MzZiMDAtOWY4ZS03ZDZjLThiNWEtNGMzZDJlMWYwYTli"
    ),
    "listInspectorTasksV2.cursor": (
        "MjAyNi0xMS0yMlQwMjo0MToyNy41MzAwMDArMDA6MDB8NDEyLjd8NTUyMzF8MzkuOTI3NDk2Mjk5MzAzODA1fDExNi40MDk3NTU3NTgwNDMy"
    ),
    "If-None-Match": '"4f1c9a2e7b3d0e8f5a6b1c2d3e4f5a6b"',
    "listDevices.limit": 20,
    "before": 1842,
    "limit": 50,
    "since": "MjAyNi0xMS0yMlQwMjoxNTowMC4wMDAwMDArMDA6MDA",
    "crs": "gcj02",
    "lat": 39.9289,
    "lon": 116.416,
    "bbox": "116.379,39.856,116.447,39.972",
    "radius": 1000,
    "listOutboxV2.status": "dead",
}


SCHEMAS: dict[str, str] = {
    # version 2 of the lists and the coverage
    "Coverage": (
        "Where a report is routed to a grid: the outline of all unit grids (单元网格) as one GeoJSON Feature."
    ),
    "CoverageProperties": "What the coverage outline is made of, and in which coordinate system.",
    "DevicePage": "A page of the caller's phones, the most recently registered first.",
    "AuditPageV2": "A page of the audit log, newest first; `next_cursor` goes back as `cursor`.",
    "DeliveryPageV2": "A page of a delivery log, newest first; `next_cursor` goes back as `cursor`.",
    "OutboxPageV2": "A page of outbox entries, newest first; `next_cursor` goes back as `cursor`.",
    "WebhookPage": "A page of webhook subscribers, oldest first; `next_cursor` goes back as `cursor`.",
    "ImportLogPage": "A page of the grid import log, newest first; `next_cursor` goes back as `cursor`.",
    "DutyPage": "A page of inspectors' duties; `next_cursor` goes back as `cursor`.",
    "CategoryDepartmentPage": "A page of category → department links; `next_cursor` goes back as `cursor`.",
    "TaskPage": "A page of an inspector's open tasks; `next_cursor` goes back as `cursor` with the same position.",
}


PROPERTIES: dict[str, str] = {
    # version 2 of the lists and the coverage
    "Coverage.type": "Always Feature (GeoJSON).",
    "Coverage.geometry": (
        "The outline as a GeoJSON MultiPolygon, coordinates [lon, lat] in the system of properties.crs, "
        "simplified by about 1 m."
    ),
    "Coverage.bbox": "The outline's bounding box [min_lon, min_lat, max_lon, max_lat], in the system of properties.crs.",
    "Coverage.properties": "What the outline is made of.",
    "CoverageProperties.crs": "The coordinate system of the geometry and the bbox: wgs84, gcj02 or bd09, as asked.",
    "CoverageProperties.unit_grids": "How many unit grids (单元网格) the outline is made of.",
    "CoverageProperties.area_m2": "The area the outline encloses, in m² (on the spheroid), 1 decimal.",
    "DevicePage.items": "The phones of this page, the most recently registered first.",
    "DevicePage.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "AuditPageV2.items": "The entries of this page, newest first.",
    "AuditPageV2.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "DeliveryPageV2.items": "The deliveries of this page, newest first.",
    "DeliveryPageV2.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "OutboxPageV2.items": "The entries of this page, newest first.",
    "OutboxPageV2.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "WebhookPage.items": "The subscribers of this page, in the order they were registered.",
    "WebhookPage.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "ImportLogPage.items": "The runs of this page, newest first.",
    "ImportLogPage.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "DutyPage.items": "The duties of this page, by grid code, start and inspector.",
    "DutyPage.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "CategoryDepartmentPage.items": "The links of this page, by category, then district (the any-district link first).",
    "CategoryDepartmentPage.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
    "TaskPage.items": "The tasks of this page, by deadline, then distance.",
    "TaskPage.next_cursor": "Opaque: send it back as `cursor` for the next page; null on the last page.",
}


EXAMPLES: dict[str, Any] = {
    # version 2 of the lists and the coverage
    "CoverageProperties": {"crs": "wgs84", "unit_grids": 1652, "area_m2": 41842310.6},
    "Coverage": {
        "type": "Feature",
        "bbox": [116.379, 39.852, 116.447, 39.972],
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [
                    [
                        [116.379, 39.856],
                        [116.429, 39.852],
                        [116.447, 39.87],
                        [116.444, 39.94],
                        [116.409, 39.972],
                        [116.383, 39.938],
                        [116.379, 39.856],
                    ]
                ]
            ],
        },
        "properties": {"crs": "wgs84", "unit_grids": 1652, "area_m2": 41842310.6},
    },
    "DevicePage": {
        "items": [
            {
                "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
                "platform": "android",
                "app_version": "2.4.1",
                "locale": "zh-CN",
                "created_at": "2026-11-20T12:04:02.117Z",
                "updated_at": "2026-11-22T01:30:45.902Z",
            }
        ],
        "next_cursor": None,
    },
    "WebhookPage": {
        "items": [
            {
                "id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
                "name": "东城区 12345 热线平台",
                "url": "https://12345.dongcheng.example.cn/cityloop/events",
                "events": ["case.overdue", "case.transitioned"],
                "status": "active",
                "consecutive_failures": 0,
                "paused_at": None,
                "paused_reason": None,
                "secret_hint": "…Z6yW",
                "created_at": "2026-11-10T03:00:27.645Z",
            }
        ],
        "next_cursor": "MDE5MzVmMjAtN2E4Yi03YzlkLThlMGYtMWEyYjNjNGQ1ZTZm",
    },
    "DutyPage": {
        "items": [
            {
                "id": "01936000-5b6c-7d7e-8f80-9a1b2c3d4e5f",
                "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
                "inspector_name": "李建国",
                "grid": "110101001",
                "starts_at": "2026-11-23T00:00:00Z",
                "ends_at": "2026-11-23T10:00:00Z",
                "created_at": "2026-11-21T09:14:50.332Z",
                "updated_at": "2026-11-21T09:14:50.332Z",
            }
        ],
        "next_cursor": None,
    },
    "CategoryDepartmentPage": {
        "items": [
            {
                "category": "E0102",
                "district_code": "110101",
                "department": "sanitation",
                "created_at": "2026-11-21T09:20:11.508Z",
                "updated_at": "2026-11-21T09:20:11.508Z",
            }
        ],
        "next_cursor": "RTAxMDJ8MTEwMTAx",
    },
}


# the map as vector tiles (mapTile, 2.3.0)
PARAMETERS.update(
    {
        "mapTile.z": "The zoom level, 0 (the whole world in one tile) to 22.",
        "mapTile.x": "The tile's column, 0 to 2^z - 1, from 180° W eastwards.",
        "mapTile.y": (
            "The tile's row, 0 to 2^z - 1, from the north (XYZ numbering, as Mapbox and OpenStreetMap count), "
            "followed by .mvt: 1552.mvt. A column or row not below 2^z is not found."
        ),
        "mapTile.status": (
            "Only cases in this state, for example dispatched or closed (the states of the case workflow). Leave "
            "it out for every state."
        ),
    }
)
PARAMETER_EXAMPLES.update(
    {"mapTile.z": 12, "mapTile.x": 3372, "mapTile.y": "1552.mvt", "mapTile.status": "dispatched"}
)
