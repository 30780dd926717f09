"""The category catalogue, the service area, citizens' reports and photos.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # the category catalogue and the service area
    "listCategories": (
        "The active category catalogue: components (部件) and events (事件) grouped by major class (GB/T "
        "30428.2), each with its names, default department, time limits, whether citizens may report it and "
        "whether it needs verification on site (核实). Cache it: the answer carries an ETag, and sending it "
        "back in If-None-Match answers 304 with no body while nothing changed. Needs no token."
    ),
    "updateCategory": (
        "Changes one category: names, default department, time limits, reporting rules, duplicate and join "
        "radius, minimum photos, or whether it is active; fields left out stay as they are. The urgent limit "
        "may not be longer than the normal one. Changes apply to reports and deadlines from now on. Admins "
        "only; audited with every changed field before and after."
    ),
    "getServiceArea": (
        "Where the city takes reports: the service area as a GeoJSON geometry, its bounding box and its "
        "centre, in the coordinate system asked for. Use it to centre the map and to warn before submitting a "
        "point outside. Needs no token."
    ),
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
    # photos
    "createUpload": (
        "Announces a photo before uploading it: content type, size in bytes (at most 15 MiB) and SHA-256. The "
        "answer says where to send the bytes, straight to the bucket, for 15 minutes: preferably a form POST "
        "(multipart/form-data) to `post_url` with every `post_fields` member as a field and then the bytes in a "
        "field named `file`, last; the storage takes exactly the announced size and type under this upload's "
        "key and nothing else. The older way, a PUT to `put_url` with `headers`, still works in this version "
        "(deprecated): the body must be exactly the announced size (Content-Length and Content-Type are signed). "
        "Then call completeUpload. Each call starts a new upload; uploads never completed are purged. At most "
        "60 uploads per user per hour by default (UPLOADS_PER_HOUR, counting uploadPhoto too): past it, 429 "
        "rate_limited with Retry-After. Any signed-in user."
    ),
    "completeUpload": (
        "Processes a photo sent to its upload's form or URL: checks the stored size, SHA-256 and type against "
        "what was announced (a mismatch is 422 upload_mismatch, and the bytes are deleted), reads the EXIF "
        "position and capture time, rotates by the EXIF orientation and keeps display and thumbnail copies "
        "stripped of all metadata, under keys of their own. Completing twice answers the same photo, so it is "
        "safe to retry; the upload is then closed: bytes sent to its form or URL afterwards are never read and "
        "are deleted. Use the `photo_id` in a report's or a transition's `photo_ids`. "
        "Only the user who created the upload."
    ),
    "uploadPhoto": (
        "Uploads a photo through the API as multipart/form-data, in a field named `file`, for clients that "
        "cannot PUT to a presigned URL; createUpload and completeUpload are the preferred flow. JPEG, PNG, WebP "
        "or HEIC, up to 15 MiB and 40 megapixels. The server reads the EXIF position and capture time, rotates "
        "by the EXIF orientation and keeps display (long edge 2,048 px) and thumbnail (320 px) copies stripped "
        "of all metadata. The same bytes again answer the same photo. Counts against the same hourly limit as "
        "createUpload (429 rate_limited with Retry-After). Any signed-in user."
    ),
    "getPhoto": (
        "Redirects (302) to a link valid 15 minutes to one copy of a photo: `display`, `thumb`, or `original`. "
        "Anyone may see the clean copies of a public report's photos; the photo's owner, admins and staff whose "
        "scope covers a case of the photo may see the rest. The original keeps its metadata (GPS position, "
        "capture time): it goes only to the staff acting on the photo's case (its inspector, the department it "
        "is dispatched to, the district's intake clerks, shift leads and dispatchers) and admins. A photo the "
        "caller may not see is answered as if it did not exist."
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
    # photos
    "upload_id": "The upload's id, as answered by createUpload.",
    "photo_id": "The photo's id, as answered by completeUpload or uploadPhoto.",
    "size": (
        "Which copy: display (JPEG, long edge at most 2,048 px, no metadata), thumb (JPEG, 320 px, no "
        "metadata) or original (the bytes as uploaded, metadata kept: staff only)."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "listMyReports.cursor": (
        "MjAyNi0xMS0yMlQwMTo0MToyNy41MTIwMDArMDA6MDB8MDE5MzZjMmUtNWExMC03ZDJmLThiMWUtM2M0ZDVlNmY3YTgx"
    ),
    "listMyReports.limit": 20,
    "listNearbyReports.category": "E0102",
    "mapReports.status": "dispatched",
    "upload_id": "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
    "photo_id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
    "size": "thumb",
}


SCHEMAS: dict[str, str] = {
    # categories and the service area
    "Catalogue": (
        "The active category catalogue (分类目录), grouped by kind and major class; cache it with its ETag."
    ),
    "CategoryGroup": (
        "A major class of the catalogue (GB/T 30428.2), for example components 01 public utilities (公用设施) "
        "or events 05 street order (街面秩序), with its categories."
    ),
    "Category": (
        "A kind of problem people report: a component (部件, city property such as a manhole cover) or an event "
        "(事件, such as exposed rubbish), with its names, department, time limits and reporting rules."
    ),
    "CategoryUpdate": "An admin's change to a category; fields left out stay as they are.",
    "GridFeatureCollection": (
        "A GeoJSON FeatureCollection (RFC 7946) of unit or responsibility grids (单元网格, 责任网格): Polygon or "
        "MultiPolygon features, each with a `code` property; read as it is sent, up to 50 MB."
    ),
    "ServiceArea": "Where the city takes reports: the area, its bounding box and its centre.",
    # photos
    "UploadCreate": "Announce a photo before uploading it: its type, size and SHA-256.",
    "UploadTicket": (
        "Where the phone sends the photo's bytes, and until when: a form POST (`post_url`, `post_fields`, "
        "preferred) or a PUT (`put_url`, `headers`, deprecated); both take exactly the announced bytes."
    ),
    "PhotoProcessed": (
        "A photo the server has checked and processed, with what it read from the EXIF data; use its photo_id "
        "in a report or a transition."
    ),
    "PhotoLink": (
        "Short-lived links (15 minutes) to a photo's clean copies, stripped of every metadata; fetch new links "
        "by reading the report or case again."
    ),
}


PROPERTIES: dict[str, str] = {
    "GridFeatureCollection.type": "Always FeatureCollection.",
    "GridFeatureCollection.features": (
        "The grids: Polygon or MultiPolygon features in WGS-84 with a `code` property (15-digit unit grid codes "
        "under the district code; responsibility grid codes as the GIS office gives them) and optionally `name`."
    ),
    # Catalogue, CategoryGroup, Category, CategoryUpdate
    "Catalogue.version": "The catalogue version in force, for example gbt30428-2013.demo-1.",
    "Catalogue.title": "The catalogue's title, in Chinese.",
    "Catalogue.groups": "The major classes with their active categories, components first.",
    "CategoryGroup.kind": "component (部件) or event (事件).",
    "CategoryGroup.major": "The 2-digit major class, for example 01.",
    "CategoryGroup.name_zh": "The class's Chinese name, for example 公用设施.",
    "CategoryGroup.name_en": "The class's English name, for example Public utilities.",
    "CategoryGroup.categories": "The active categories of the class.",
    "Category.code": (
        "The category's code: C (component, 部件) or E (event, 事件), the 2-digit major class, then the minor "
        "class, for example C0102 or E0102."
    ),
    "Category.kind": "component (部件: city property such as a manhole cover) or event (事件: such as exposed rubbish).",
    "Category.major": "The 2-digit major class it belongs to.",
    "Category.name_zh": "The Chinese name, for example 暴露垃圾.",
    "Category.name_en": "The English name, for example Exposed rubbish.",
    "Category.default_department": (
        "The code of the department (专业部门) that handles it where no district link says otherwise; null for "
        "none (dispatch chooses)."
    ),
    "Category.limit_urgent_hours": "Time to handle an urgent case, in working hours (0.5 = 30 minutes).",
    "Category.limit_normal_hours": "Time to handle a normal case, in working hours.",
    "Category.citizen_reportable": "true when citizens may report it; otherwise only staff (patrol reports).",
    "Category.needs_verification": (
        "true when a citizen's report is verified on site (核实) by an inspector before registration; false "
        "when it may be registered directly (emergencies)."
    ),
    "Category.duplicate_radius_m": (
        "Metres around a new report within which open cases of this category are offered as possible "
        "duplicates (listNearbyReports)."
    ),
    "Category.join_radius_m": (
        "Metres within which a new report joins an open case of this category instead of opening a new one; "
        "0 never joins."
    ),
    "Category.join_window_hours": "How recent, in hours, an open case must be for a new report to join it; 0 never joins.",
    "Category.min_photos": "How many photos a report of this category needs at least (0 to 6).",
    "Category.active": "false when the category is retired: it is no longer offered and new reports are refused.",
    "CategoryUpdate.name_zh": "The Chinese name, 1 to 64 characters.",
    "CategoryUpdate.name_en": "The English name, 1 to 128 characters.",
    "CategoryUpdate.default_department": "An existing department's code, or null for none.",
    "CategoryUpdate.limit_urgent_hours": (
        "Working hours to handle an urgent case, more than 0 and at most 9,999; not longer than the normal limit."
    ),
    "CategoryUpdate.limit_normal_hours": "Working hours to handle a normal case, more than 0 and at most 9,999.",
    "CategoryUpdate.citizen_reportable": "Whether citizens may report it.",
    "CategoryUpdate.needs_verification": "Whether a citizen's report is verified on site (核实) before registration.",
    "CategoryUpdate.duplicate_radius_m": "Duplicate search radius in metres, 10 to 1,000.",
    "CategoryUpdate.join_radius_m": "Join radius in metres, 0 to 1,000 (0: never join).",
    "CategoryUpdate.join_window_hours": "Join window in hours, 0 to 720 (30 days; 0: never join).",
    "CategoryUpdate.min_photos": "Photos a report needs at least, 0 to 6.",
    "CategoryUpdate.active": "false retires the category; true brings it back.",
    # ServiceArea, Location, Point
    "ServiceArea.name": "The area's name, for example 东城区.",
    "ServiceArea.geometry": "The area as a GeoJSON Polygon or MultiPolygon, coordinates [lon, lat] in the system asked for.",
    "ServiceArea.bbox": "The bounding box [min_lon, min_lat, max_lon, max_lat], in WGS-84 degrees.",
    "ServiceArea.center": "A point inside the area to centre the map on, in the system asked for.",
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
    # photos
    "UploadCreate.content_type": "The photo's type: image/jpeg, image/png, image/webp or image/heic (iPhone).",
    "UploadCreate.size": "The file's size in bytes, more than 0 and at most 15 MiB (15,728,640).",
    "UploadCreate.sha256": "The SHA-256 of the file's bytes, 64 lowercase hex digits; the server checks it.",
    "UploadTicket.upload_id": "The upload's id: call completeUpload with it after sending the bytes.",
    "UploadTicket.put_url": (
        "Deprecated (use post_url): a presigned URL to PUT the bytes to, as the request body, unchanged. "
        "Content-Type and Content-Length are signed: the body must be exactly the announced size."
    ),
    "UploadTicket.headers": "Deprecated, with put_url: headers to send with the PUT, exactly as given (Content-Type).",
    "UploadTicket.post_url": (
        "Where to POST the photo as multipart/form-data (the bucket's URL): the post_fields, then the bytes in "
        "a field named `file`, last. A success is 204 (or 200/201) from the storage, with no body to read."
    ),
    "UploadTicket.post_fields": (
        "Form fields to send, each unchanged and before the `file` field: the object key, its Content-Type, and "
        "the signed policy (exactly the announced size and type, until expires_at) with its signature."
    ),
    "UploadTicket.expires_at": (
        "Until when the form and the URL work (15 minutes), UTC; after that, create a new upload."
    ),
    "UploadTicket.max_size": "The most bytes a photo may have (15,728,640).",
    "PhotoProcessed.photo_id": "The photo's id: put it in a report's or a transition's photo_ids.",
    "PhotoProcessed.width": "The image's width in pixels, upright (after the EXIF orientation).",
    "PhotoProcessed.height": "The image's height in pixels, upright.",
    "PhotoProcessed.taken_at": (
        "When the photo was taken, from EXIF (a time without offset is read as local time of the city); null "
        "when the photo does not say."
    ),
    "PhotoProcessed.exif_location": (
        "Where the photo was taken, from its EXIF GPS (WGS-84); null when it has none. A report whose photos "
        "were taken more than 500 m away is flagged."
    ),
    "PhotoProcessed.content_type": "The type found in the bytes: image/jpeg, image/png, image/webp or image/heic.",
    "PhotoLink.id": "The photo's id.",
    "PhotoLink.display_url": "A link, valid 15 minutes, to the display copy: JPEG, long edge at most 2,048 px.",
    "PhotoLink.thumbnail_url": "A link, valid 15 minutes, to the thumbnail: JPEG, long edge at most 320 px.",
    "PhotoLink.width": "The display copy's width in pixels.",
    "PhotoLink.height": "The display copy's height in pixels.",
}


EXAMPLES: dict[str, Any] = {
    # categories and the service area
    "Category": {
        "code": "E0102",
        "kind": "event",
        "major": "01",
        "name_zh": "暴露垃圾",
        "name_en": "Exposed rubbish",
        "default_department": "sanitation",
        "limit_urgent_hours": 2.0,
        "limit_normal_hours": 8.0,
        "citizen_reportable": True,
        "needs_verification": True,
        "duplicate_radius_m": 250,
        "join_radius_m": 50,
        "join_window_hours": 24,
        "min_photos": 0,
        "active": True,
    },
    "CategoryGroup": {
        "kind": "component",
        "major": "01",
        "name_zh": "公用设施",
        "name_en": "Public utilities",
        "categories": [
            {
                "code": "C0102",
                "kind": "component",
                "major": "01",
                "name_zh": "污水井盖",
                "name_en": "Sewage manhole cover",
                "default_department": "drainage",
                "limit_urgent_hours": 0.5,
                "limit_normal_hours": 6.0,
                "citizen_reportable": True,
                "needs_verification": True,
                "duplicate_radius_m": 100,
                "join_radius_m": 50,
                "join_window_hours": 24,
                "min_photos": 1,
                "active": True,
            }
        ],
    },
    "Catalogue": {
        "version": "gbt30428-2013.demo-1",
        "title": "数字化城市管理 部件和事件分类（GB/T 30428.2 旧编码，示范城市）",
        "groups": [
            {
                "kind": "event",
                "major": "01",
                "name_zh": "市容环境",
                "name_en": "City appearance",
                "categories": [
                    {
                        "code": "E0102",
                        "kind": "event",
                        "major": "01",
                        "name_zh": "暴露垃圾",
                        "name_en": "Exposed rubbish",
                        "default_department": "sanitation",
                        "limit_urgent_hours": 2.0,
                        "limit_normal_hours": 8.0,
                        "citizen_reportable": True,
                        "needs_verification": True,
                        "duplicate_radius_m": 250,
                        "join_radius_m": 50,
                        "join_window_hours": 24,
                        "min_photos": 0,
                        "active": True,
                    }
                ],
            }
        ],
    },
    "CategoryUpdate": {"limit_urgent_hours": 1.0, "limit_normal_hours": 6.0, "duplicate_radius_m": 200},
    "ServiceArea": {
        "name": "东城区（示范）",
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [116.379, 39.856],
                    [116.429, 39.852],
                    [116.447, 39.87],
                    [116.446, 39.905],
                    [116.444, 39.94],
                    [116.432, 39.964],
                    [116.409, 39.972],
                    [116.389, 39.966],
                    [116.383, 39.938],
                    [116.385, 39.91],
                    [116.38, 39.885],
                    [116.379, 39.856],
                ]
            ],
        },
        "bbox": [116.379, 39.852, 116.447, 39.972],
        "center": {"lat": 39.9121, "lon": 116.4137},
    },
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
    # photos
    "UploadCreate": {
        "content_type": "image/jpeg",
        "size": 2483917,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
    "UploadTicket": {
        "upload_id": "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
        "put_url": (
            "https://oss.cityloop.example/cityloop-media/uploads/01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11/"
            "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T013902Z"
            "&X-Amz-Expires=900&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Signature=5d1f9a0c"
        ),
        "headers": {"Content-Type": "image/jpeg"},
        "expires_at": "2026-11-22T01:54:02.340Z",
        "max_size": 15728640,
        "post_url": "https://oss.cityloop.example/cityloop-media",
        "post_fields": {
            "key": "uploads/01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11/01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
            "Content-Type": "image/jpeg",
            "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-credential": "cityloop-api/20261122/cn-north-1/s3/aws4_request",
            "x-amz-date": "20261122T013902Z",
            "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjJUMDE6NTQ6MDIuMzQwWiJ9",
            "x-amz-signature": "b7e1c0a4f49d2a3e8c5b6a7f9d0e1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d",
        },
    },
    "PhotoProcessed": {
        "photo_id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
        "width": 3024,
        "height": 4032,
        "taken_at": "2026-11-22T01:38:51Z",
        "exif_location": {"lat": 39.92893, "lon": 116.41604},
        "content_type": "image/jpeg",
    },
    "PhotoLink": {
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
    },
}
