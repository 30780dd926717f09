"""Citizens' reports: submitting, following, rating, moderating, the nearby list and the public map.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # citizens' reports
    "submitReport": (
        "Files a citizen's report (随手拍): category, location in the phone's coordinate system, description, "
        "address and photos uploaded before. The server routes it by place and category to a unit grid "
        "(单元网格), an inspector on duty and a department, and either joins an open case of the same category "
        "reported close by within the category's join radius and window (`joined_existing`), or opens a new "
        "case, which an inspector verifies on site (核实) unless the category allows direct registration. An "
        "Idempotency-Key header is required: a retry with the same key and body returns the original answer, "
        "and a `client_id` seen before returns the first report (200 instead of 201). A citizen may file 20 "
        "reports in 24 hours (staff are exempt); the reporter follows the case and receives its messages."
    ),
    "listMyReports": (
        "The caller's own reports, newest first, each with its case's status and public timeline (时间线). "
        "Paging: pass `next_cursor` back as `cursor`; it is null on the last page. Any signed-in user."
    ),
    "listNearbyReports": (
        "Open cases of one category near a point, nearest first, at most 5: show them while the user reports "
        "and offer to follow one instead of filing a duplicate. Citizens search the category's duplicate "
        "radius; staff may widen it with `radius`, up to 1,000 m. Distances are in metres and locations come "
        "back in the `crs` sent. Any signed-in user."
    ),
    "getReport": (
        "One report. Its reporter and the staff whose scope covers its case (the district's intake clerks, "
        "shift leads, dispatchers and leaders, the case's inspector, the department it is dispatched to, "
        "admins) get the full view: reporter id, client id, the location as it was sent, the photo position "
        "check and the moderation state. Everyone else, signed in or not and other staff included, gets the "
        "public view, and a hidden report is not found for them; the reporter's identity and phone number are "
        "never public. An anonymous report (匿名) names its reporter to nobody but the reporter and admins: "
        "other staff get the full view without reporter_id and client_id, and an admin's view is audited. Use "
        "`crs` to get the location in the coordinate system of the map SDK."
    ),
    "followReport": (
        "Follows the case behind a report: the caller receives its messages (registered, dispatched, closed, "
        "reopened) in the inbox and by push. Following twice changes nothing, so the call is safe to repeat. "
        "Answers the case id and `following: true`. Any signed-in user."
    ),
    "rateReport": (
        "The reporter rates the result once the case is closed (结案): fixed or not, with an optional score of "
        '1 to 5 and a comment. "Not fixed" within 7 days of closure reopens the case for a new round, back '
        "to the department (返工). Each round may be rated once, and only by the report's own reporter. The "
        "verdict and the score are public (the reopening's note on the timeline); the comment is for staff "
        "only."
    ),
    "hideReport": (
        "Hides a report from the public (moderation), with a reason that staff see; when every report of a "
        "case is hidden, the case leaves the map and the public views too. The reporter and staff in scope "
        "still see it. Intake clerks (受理员), shift leads (值班长) and admins only, on reports whose case their "
        "scope covers: another district's report is refused as action_forbidden (a hidden one is not found); "
        "audited."
    ),
    "recategoriseReport": (
        "Moves a report and its case to another active category; the change is shown on the public timeline "
        "with the note. Intake clerks (受理员), shift leads (值班长) and admins only, on reports whose case "
        "their scope covers (another district's: action_forbidden; a hidden one: not found); audited with the "
        "category before and after."
    ),
    "mapReports": (
        "Public cases inside a bounding box as a GeoJSON FeatureCollection for the city map, optionally of one "
        "category and one state. Up to 500 cases come as points with case id, report number, category, state, "
        "reporter count and creation time; above that the answer is clustered (`clustered: true`), each "
        "feature a cluster with its `count`, on a 32 × 32 grid of the box. `total` counts the cases in the "
        "box. Hidden cases and reporters never appear. Needs no token."
    ),
}


PARAMETERS: dict[str, str] = {
    "listMyReports.limit": "The most reports on one page, 1 to 100 (20 by default).",
    "listNearbyReports.category": (
        "The category the user is reporting, a code from the catalogue such as E0102 exposed rubbish "
        "(暴露垃圾); only open cases of this category are searched."
    ),
    "mapReports.status": (
        "Only cases in this state, for example dispatched or closed (the states of the case workflow). Leave "
        "it out for every state."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "listMyReports.cursor": (
        "MjAyNi0xMS0yMlQwMTo0MToyNy41MTIwMDArMDA6MDB8MDE5MzZjMmUtNWExMC03ZDJmLThiMWUtM2M0ZDVlNmY3YTgx"
    ),
    "listMyReports.limit": 20,
    "listNearbyReports.category": "E0102",
    "mapReports.status": "dispatched",
}


PROPERTIES: dict[str, str] = {
    "Location.lat": "Latitude in degrees, -90 to 90 (finite).",
    "Location.lon": "Longitude in degrees, -180 to 180 (finite).",
    "Location.crs": (
        "The system lat and lon are in: wgs84 (GPS, photo EXIF; the default), gcj02 (Amap, Tencent maps) or "
        "bd09 (Baidu maps). Send what the map SDK gives; the server converts."
    ),
    "Point.lat": "Latitude in degrees, 7 decimals (about 1 cm).",
    "Point.lon": "Longitude in degrees, 7 decimals.",
    # ReportCreate, ReportCreated
    "ReportCreate.category": (
        "The category code from the catalogue, for example E0102 exposed rubbish (暴露垃圾); it must be active "
        "and, for citizens, citizen_reportable."
    ),
    "ReportCreate.location": (
        "Where the problem is, as the phone's map or GPS gives it, with its coordinate system; it must lie in "
        "the service area."
    ),
    "ReportCreate.description": "What is wrong, in the reporter's words, at most 2,000 characters; may be empty.",
    "ReportCreate.address": (
        "A readable address or landmark (at most 200 characters), for example from reverse geocoding; null "
        "when unknown."
    ),
    "ReportCreate.photo_ids": (
        "Up to 6 of the caller's processed photos, each in no other report (see completeUpload); the category "
        "may require a minimum (min_photos)."
    ),
    "ReportCreate.anonymous": (
        "true: the reporter asks not to be named. The public views never show who reported anyway; staff see "
        "the reporter either way, and the flag tells them not to pass the name on."
    ),
    "ReportCreate.client_id": (
        "The phone's own id for this report (1 to 64 of A-Z a-z 0-9 _ . : -), for offline-created drafts: "
        "sending a report with a client_id seen before returns the first report unchanged. Null when unused."
    ),
    "ReportCreated.id": "The report's id.",
    "ReportCreated.number": (
        "The report number people read aloud on the phone: the local date and a 5-digit sequence of the day, "
        "for example 2026112200042."
    ),
    "ReportCreated.case_id": "The case the report belongs to: a new one, or the open case it joined.",
    "ReportCreated.status": (
        "The case's state now: reported (waiting for intake), verifying (an inspector goes to look, 核实), "
        "registered (立案), or the state of the case it joined."
    ),
    "ReportCreated.joined_existing": (
        "true when the report joined an open case of the same category close by, instead of opening a new one."
    ),
    "ReportCreated.location_mismatch": (
        "true when a photo's GPS position is more than 500 m from the location sent; staff check such reports."
    ),
    "ReportCreated.created_at": "When the report was filed, UTC.",
    # ReportView, ReportSummary, ReportPage, NearbyCase, TimelineEntry
    "ReportView.id": "The report's id.",
    "ReportView.number": "The report number people read aloud, for example 2026112200042.",
    "ReportView.case_id": "The case the report belongs to.",
    "ReportView.status": "The case's state now, for example verifying, dispatched or closed.",
    "ReportView.category": "The case's category code, for example E0102.",
    "ReportView.description": "What the reporter wrote; may be empty.",
    "ReportView.location": "Where the problem is, in the coordinate system asked for (crs).",
    "ReportView.address": "The address or landmark given; null when none.",
    "ReportView.created_at": "When the report was filed, UTC.",
    "ReportView.reporter_count": 'How many reports the case has (this one and those that joined it: "me too").',
    "ReportView.photos": "Links to the report's photos, in the order sent; valid 15 minutes.",
    "ReportView.timeline": (
        "The case's timeline, oldest first: the public events for the public and the reporter, every event for "
        "staff."
    ),
    "ReportView.view": "full for the reporter and staff whose scope covers the case, public for everyone else.",
    "ReportView.anonymous": "Full view only: whether the reporter asked not to be named.",
    "ReportView.reporter_id": (
        "Full view only: who reported; left out of an anonymous report for everyone but its reporter and admins."
    ),
    "ReportView.client_id": (
        "Full view only: the phone's own id for the report, as sent; left out when none, and of an anonymous "
        "report for everyone but its reporter and admins."
    ),
    "ReportView.joined_existing": "Full view only: true when the report joined an open case instead of opening one.",
    "ReportView.location_mismatch": (
        "Full view only: true when a photo's GPS position was more than 500 m from the location sent."
    ),
    "ReportView.original_location": "Full view only: the location exactly as sent, with its coordinate system.",
    "ReportView.hidden": "Full view only: true when moderators hid the report from the public.",
    "ReportView.hidden_reason": "Full view only: why it was hidden; null when it is not.",
    "ReportView.following": (
        "Whether the signed-in reader follows the case; true for its reporter; left out for anonymous readers "
        "and for staff who are not the reporter."
    ),
    "ReportSummary.id": "The report's id.",
    "ReportSummary.number": "The report number, for example 2026112200042.",
    "ReportSummary.case_id": "The case the report belongs to.",
    "ReportSummary.status": "The case's state now.",
    "ReportSummary.category": "The report's category code.",
    "ReportSummary.description": "What the reporter wrote.",
    "ReportSummary.created_at": "When the report was filed, UTC.",
    "ReportSummary.updated_at": "When the case last changed, UTC: show reports with news first.",
    "ReportSummary.timeline": "The case's public timeline, oldest first.",
    "ReportPage.items": "The reports of this page, newest first.",
    "ReportPage.next_cursor": "Pass it back as `cursor` for the next page; null on the last page.",
    "NearbyCase.case_id": "The open case's id.",
    "NearbyCase.report_id": "Its first visible report: follow the case with followReport on this id.",
    "NearbyCase.number": "That report's number.",
    "NearbyCase.category": "The case's category code (the one asked for).",
    "NearbyCase.status": "The case's state, for example verifying or dispatched.",
    "NearbyCase.distance_m": "Distance from the point sent, in metres, 1 decimal.",
    "NearbyCase.location": "Where the case is, in the coordinate system sent.",
    "NearbyCase.reporter_count": "How many reports the case has.",
    "NearbyCase.created_at": "When the case was opened, UTC.",
    "NearbyCase.description": "The first report's description.",
    "TimelineEntry.at": "When it happened, UTC.",
    "TimelineEntry.kind": (
        "What happened: reported, report_joined, recategorised, or the workflow action (register, dispatch, "
        "accept, handle, check_pass, rework, close, reopen, reject, defer, park, resume, void, ...)."
    ),
    "TimelineEntry.state": "The case's state after it; null (or left out) when the state did not change.",
    "TimelineEntry.note": "The note people may read (a reason, a reply); empty or left out when none.",
    # HideReport, Recategorise, Rating, RatingResult
    "HideReport.reason": "Why the report is hidden (1 to 500 characters); staff and the reporter see it.",
    "Recategorise.category": "The new category's code; it must be an active category.",
    "Recategorise.note": "Why, at most 500 characters; shown on the public timeline.",
    "Rating.fixed": "Whether the problem is really fixed. false within 7 days of closure reopens the case.",
    "Rating.score": "Satisfaction from 1 (poor) to 5 (very good); null or left out for none.",
    "Rating.comment": (
        "A comment, at most 500 characters, for staff only: never on the public timeline (a reopening's public "
        "note says `reporter: not fixed` and the score; the comment is in the event's data in the staff history)."
    ),
    "RatingResult.case_id": "The case rated.",
    "RatingResult.round": "The round rated (1 for the first; each reopening starts a new round).",
    "RatingResult.reopened": "true when the rating reopened the case for a new round.",
}


EXAMPLES: dict[str, Any] = {
    # reports
    "Location": {"lat": 39.9303009, "lon": 116.4222403, "crs": "gcj02"},
    "Point": {"lat": 39.9289, "lon": 116.416},
    "ReportCreate": {
        "category": "E0102",
        "location": {"lat": 39.9289, "lon": 116.416, "crs": "wgs84"},
        "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
        "address": "北京市东城区王府井大街与东单三条交叉口东北角",
        "photo_ids": ["01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13"],
        "anonymous": False,
        "client_id": "draft-20261122-0941-5f3a9c",
    },
    "ReportCreated": {
        "id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "number": "2026112200042",
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "status": "verifying",
        "joined_existing": False,
        "location_mismatch": False,
        "created_at": "2026-11-22T01:41:27.512Z",
    },
    "ReportView": {
        "id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "number": "2026112200042",
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "status": "dispatched",
        "category": "E0102",
        "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
        "location": {"lat": 39.9289, "lon": 116.416},
        "address": "北京市东城区王府井大街与东单三条交叉口东北角",
        "created_at": "2026-11-22T01:41:27.512Z",
        "reporter_count": 2,
        "photos": [
            {
                "id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
                "display_url": (
                    "https://oss.cityloop.example/cityloop-media/display/"
                    "5e0c7b1a9d3f4e2b8c6a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c.jpg"
                    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T023012Z&X-Amz-Expires=900"
                    "&X-Amz-SignedHeaders=host&X-Amz-Signature=7d2c0b8e"
                ),
                "thumbnail_url": (
                    "https://oss.cityloop.example/cityloop-media/thumb/"
                    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90.jpg"
                    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T023012Z&X-Amz-Expires=900"
                    "&X-Amz-SignedHeaders=host&X-Amz-Signature=3b9f1e64"
                ),
                "width": 1536,
                "height": 2048,
            }
        ],
        "timeline": [
            {"at": "2026-11-22T01:41:27.512Z", "kind": "reported", "state": "reported"},
            {"at": "2026-11-22T01:58:40.105Z", "kind": "report_joined"},
            {"at": "2026-11-22T02:12:09.377Z", "kind": "register", "state": "registered"},
            {
                "at": "2026-11-22T02:20:03.861Z",
                "kind": "dispatch",
                "state": "dispatched",
                "note": "请今日内清运",
            },
        ],
        "view": "full",
        "anonymous": False,
        "reporter_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
        "client_id": "draft-20261122-0941-5f3a9c",
        "joined_existing": False,
        "location_mismatch": False,
        "original_location": {"lat": 39.9289, "lon": 116.416, "crs": "wgs84"},
        "hidden": False,
        "following": True,
    },
    "ReportSummary": {
        "id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "number": "2026112200042",
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "status": "dispatched",
        "category": "E0102",
        "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
        "created_at": "2026-11-22T01:41:27.512Z",
        "updated_at": "2026-11-22T02:20:03.861Z",
        "timeline": [
            {"at": "2026-11-22T01:41:27.512Z", "kind": "reported", "state": "reported"},
            {"at": "2026-11-22T02:12:09.377Z", "kind": "register", "state": "registered"},
            {
                "at": "2026-11-22T02:20:03.861Z",
                "kind": "dispatch",
                "state": "dispatched",
                "note": "请今日内清运",
            },
        ],
    },
    "ReportPage": {
        "items": [
            {
                "id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "number": "2026112200042",
                "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                "status": "dispatched",
                "category": "E0102",
                "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
                "created_at": "2026-11-22T01:41:27.512Z",
                "updated_at": "2026-11-22T02:20:03.861Z",
                "timeline": [
                    {"at": "2026-11-22T01:41:27.512Z", "kind": "reported", "state": "reported"},
                    {"at": "2026-11-22T02:20:03.861Z", "kind": "dispatch", "state": "dispatched"},
                ],
            }
        ],
        "next_cursor": None,
    },
    "NearbyCase": {
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "number": "2026112200042",
        "category": "E0102",
        "status": "verifying",
        "distance_m": 36.4,
        "location": {"lat": 39.9289, "lon": 116.416},
        "reporter_count": 1,
        "created_at": "2026-11-22T01:41:27.512Z",
        "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
    },
    "TimelineEntry": {
        "at": "2026-11-22T02:20:03.861Z",
        "kind": "dispatch",
        "state": "dispatched",
        "note": "请今日内清运",
    },
    "HideReport": {"reason": "照片含有可识别的人脸和车牌，已联系上报人重新拍摄。"},
    "Recategorise": {"category": "E0103", "note": "现场为装修渣土，改为积存垃圾渣土。"},
    "Rating": {"fixed": True, "score": 5, "comment": "当天下午就清理干净了，谢谢！"},
    "RatingResult": {"case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62", "round": 1, "reopened": False},
}
