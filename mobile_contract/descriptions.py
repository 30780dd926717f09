"""Descriptions and examples of the published contract, applied to the generated OpenAPI document by
mobile_contract.openapi (kept here, not in the domain models, so that models stay short; a test fails when an
operation, parameter, schema or property lacks one, or when a key here names nothing)."""

from typing import Any

# operations -------------------------------------------------------------------------------------------------
# operationId -> description: what it does in the domain's words, who may call it, idempotency and paging.

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
    # sign-in and the caller's account
    "requestOtp": (
        "Sends a 6-digit sign-in code by SMS to a phone number (a mainland number may be sent without +86), "
        "in the language of Accept-Language (zh-CN or en). The code is valid for 5 minutes (`expires_in`) and "
        "a new one may be asked for after 60 seconds (`resend_after`); asking again replaces the previous code. "
        "By default at most 1 code per phone per minute, 10 per phone per day and 30 per client address per hour. "
        "Needs no token."
    ),
    "issueToken": (
        "Signs in or refreshes, chosen by `grant_type`: `otp` exchanges a phone and its SMS code (the first "
        "sign-in of a phone creates a citizen account), `refresh_token` rotates a refresh token, `firebase` "
        "exchanges a Firebase ID token. The answer is a new access token, valid `expires_in` seconds (15 "
        "minutes by default), and a new refresh token, valid 30 days. Each refresh token works once: using one "
        "a second time revokes the whole session (a sign-in on one phone), so a stolen copy is useless. A "
        "code allows 5 wrong tries. "
        "Needs no token."
    ),
    "logout": (
        "Ends the current session: its refresh token stops working at once and its access token is refused "
        "from the next request on. Other sessions of the same user (other phones) stay signed in. Call "
        "removeDevice first to stop pushes to this phone."
    ),
    "getMe": (
        "The signed-in user: id, phone number, display name, locale, and roles with their scopes (a district, "
        "a department or an estate). Apps use the roles to choose what to show: a citizen's reporting app, an "
        "inspector's field app (监督员), a department's queue. Any signed-in user."
    ),
    "updateMe": (
        "Changes the caller's display name (at most 64 characters, trimmed) or locale (zh-CN or en, the "
        "language of inbox messages and problem titles); fields left out stay as they are. Answers the updated "
        "user. Any signed-in user, for their own account only; safe to repeat."
    ),
    "getUser": (
        "A user as staff see them: display name, locale, roles with scopes, and whether the account is "
        "disabled. The phone number comes whole only to admins, intake clerks (受理员, who call reporters back) "
        "and the user themself; everyone else gets it masked (138****1234). Staff roles only."
    ),
    "setUserRoles": (
        "Replaces all of a user's roles and their scopes: a district by its 6-digit code (GB/T 2260), a "
        "department by its code, or an estate; a role without a scope applies everywhere. Duplicate grants are "
        "merged. Admins only; audited with the roles before and after. Safe to repeat (PUT)."
    ),
    "disableUser": (
        "Disables an account (停用账号), for example of staff who left or of an abusive reporter: every session "
        "of the user ends at once, so their refresh tokens answer refresh_token_invalid and their access tokens "
        "session_revoked, and they cannot sign in (user_disabled) until enabled again. Answers the user. Admins "
        "only; audited (user.disable, with the number of sessions ended). Safe to repeat."
    ),
    "enableUser": (
        "Enables a disabled account (启用账号). The sessions that disabling ended stay ended: the user signs in "
        "anew with an SMS code, and no old refresh or access token works again. Answers the user. Admins only; "
        "audited (user.enable). Safe to repeat."
    ),
    "listAudit": (
        "The audit log, newest first: who did what to which target, when, from which address and in which "
        "request, with the details of the change (before and after). Filter by target type and id, for "
        "example `user` and a user id. Paging: pass `next_cursor` (the id of the last entry) as `before`; it "
        "is null on the last page. Admins only. Deprecated: use listAuditV2, which pages with an opaque cursor."
    ),
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
    # the case workflow
    "listCases": (
        "A staff queue of the cases the caller's roles and scope show: admins and unscoped staff see every "
        "case, district-scoped staff their districts, department handlers (专业部门) the cases dispatched to "
        "their department (from dispatch until they return it), "
        "inspectors (监督员) their grids and tasks. Filter by state, department, grid, `overdue` or `due_soon` "
        "(80 % of the open step's time used); with either of the last two the queue is ordered by the open "
        "step's deadline, otherwise newest first. Paging: pass `next_cursor` back as `cursor`; it is null on "
        "the last page. Staff roles except property managers."
    ),
    "getCase": (
        "One case (案件). Staff whose scope covers it get the staff view: summary, the actions the caller may "
        "take, the full history, the steps with their deadlines, report numbers and photos. Everyone else, "
        "signed in or not, gets the public view (state, category, place, public timeline), and a case hidden by "
        "moderators is not found for them. The answer's ETag is the case's version: send it in If-Match to act "
        "on the case. Use `crs` to get the location in the coordinate system of the map SDK."
    ),
    "transitionCase": (
        "Takes one action on a case as the workflow table allows for its state and the caller's roles and "
        "scope: register (立案), dispatch (派遣) to a department, accept (签收), handle (处置) with photos, "
        "verify (核实) or check_pass (核查) on site with photos, rework (返工), close (结案), defer (缓办), "
        "park (挂账), void (作废) and the others listed in `allowed_actions`. Send the case's `version` in "
        "If-Match; when the case changed meanwhile the action is refused, so reload it and decide again. An "
        "Idempotency-Key lets an offline field app resend the same action safely: the first answer is "
        "replayed. The answer is the case as it now stands, with its new version as the ETag, and the actions "
        "the caller may take next."
    ),
    "bulkTransitionCases": (
        "Dispatches (派遣) or reassigns up to 200 cases at once, each item with its case's version and action. "
        "Each item succeeds or fails on its own, and the answer lists every item's status with its new version "
        "and state or its problem code; the request as a whole succeeds even when items fail. Items carry "
        "action, department and note only, so actions that need photos are not possible here. Dispatchers "
        "(派遣员) and shift leads (值班长) only."
    ),
    "listInspectorTasks": (
        "The inspector's open tasks: verify a citizen's report on site (核实) or check a department's fix on "
        "site (核查), each with its case and deadline, ordered by deadline, then by distance. Send the phone's "
        "position (`lat`, `lon`, `crs`) to get the distance in metres to each case. Inspectors only; not "
        "paginated, as one inspector's open tasks are few. Deprecated: use listInspectorTasksV2, which pages with an opaque cursor."
    ),
    "submitPatrolReport": (
        "An inspector's patrol report (巡查上报): the same body and photo flow as submitReport, but the case "
        "is registered (立案) directly, with no verification, and waits for dispatch. Categories that citizens "
        "may not report are allowed, and no daily limit applies. An Idempotency-Key header is required: a "
        "retry with the same key and body returns the original answer, and a `client_id` seen before returns "
        "the first report (200 instead of 201). Inspectors only."
    ),
    "sync": (
        "What changed for the caller since the last sync, for offline field apps: cases in the caller's scope "
        "in the order they changed, the inspector's open tasks on them, and tombstones for tasks that ended "
        "and cases that left the caller's department. Start without a cursor, then keep `next_cursor` and send "
        "it back as `cursor` every time; while `more` is true, call again at once. Nothing is skipped; after "
        "an old-format cursor or a server restore some cases may come again, so apply items by id. Staff roles "
        "except property managers."
    ),
    # indicators
    "getIndicators": (
        "The indicators of the closed loop (综合评价) per department, inspector, responsibility grid or "
        "district over a window of local days (at most 366): each a ratio with its numerator and denominator, "
        "then the weighted score (0 to 100) and its grade (A from 90, B from 75, C from 60, D from 40, E below). "
        "Figures are read as they stood at the end of the window, or now for a window not over yet; deferred "
        "(缓办), parked (挂账) and voided (作废) cases leave the denominators. Leaders, shift leads, dispatchers "
        "and admins; callers scoped to districts see their districts only."
    ),
    "getIndicatorWeights": (
        "The weights of the indicators in the score of one kind of group (department, inspector, grid or "
        "district), in points adding up to 100; 0 means the indicator is listed but not scored. Leaders, shift "
        "leads, dispatchers and admins."
    ),
    "setIndicatorWeights": (
        "Replaces the weights of one kind of group: points per indicator of that kind, adding up to 100 (an "
        "indicator left out weighs 0). Every score computed from now on uses them, for past windows too. "
        "Admins only; audited with the weights before and after. Safe to repeat (PUT)."
    ),
    # push, quiet hours and the inbox
    "registerDevice": (
        "Registers this phone's FCM registration token for push notifications, with its platform, app version "
        "and locale (the language its pushes are written in). Answers 201 for a new token and 200 for a known "
        "one; a token registered by another user moves to the caller, so a shared phone follows the latest "
        "sign-in. A user keeps at most 10 devices: registering one more forgets the least recently seen. Call "
        "it after every sign-in and whenever FCM gives the app a new token; safe to repeat."
    ),
    "removeDevice": (
        "Stops push notifications to one of the caller's phones, named by its FCM token. Call it on sign-out, "
        "before logout. Only the caller's own tokens can be removed."
    ),
    "getQuietHours": (
        "The caller's quiet hours (免打扰时段) in the local time of the city (Asia/Shanghai), or null when none "
        "are set. Any signed-in user."
    ),
    "setQuietHours": (
        "Sets the caller's quiet hours (免打扰时段): pushes due between `start` and `end`, local time of the "
        "city, are held back and sent when the quiet hours end, while urgent ones (an urgent case, an overdue "
        "step) still come at once. `start` later than `end` spans midnight (22:00 to 07:00); `start` equal to "
        "`end` is refused. Inbox messages arrive at once either way. Replaces any earlier setting, so it is "
        "safe to repeat."
    ),
    "clearQuietHours": ("Removes the caller's quiet hours: pushes arrive at any time again. Safe to repeat."),
    "listInbox": (
        "The caller's in-app messages (消息), newest first, each with a title and body in the caller's "
        "language and a deep link into the app, with the unread count for the badge. `unread=true` lists the "
        "unread ones only. Paging: pass `next_cursor` back as `cursor`; it is null on the last page."
    ),
    "markInboxRead": (
        "Marks one of the caller's messages read and answers the unread count left, for the app badge. Marking "
        "a read message again changes nothing."
    ),
    "markInboxAllRead": (
        "Marks every unread message read, or only those up to and including the newest one the app has shown "
        "(`up_to`), so that a message that arrived meanwhile stays unread. Answers how many were marked and "
        "the unread count left. Safe to repeat."
    ),
    # admins: notifications
    "listWebhooks": (
        "The webhook subscribers: other city platforms (a 12345 hotline system, a provincial platform) that "
        "receive case events as signed HTTP POSTs. The secret is never shown again, only its last four "
        "characters. Admins only. Deprecated: use listWebhooksV2, which pages with an opaque cursor."
    ),
    "createWebhook": (
        "Registers a webhook subscriber for some case events (case.transitioned, case.due_soon, case.overdue). "
        "Each event is POSTed as JSON with the headers X-CityLoop-Event, X-CityLoop-Delivery (the same on every "
        "retry), X-CityLoop-Timestamp (unix seconds) and X-CityLoop-Signature: sha256= followed by the hex "
        "HMAC-SHA256 of timestamp, a dot and the body under the secret. Delivery is at least once, so receivers "
        "drop duplicates by the delivery id. Only http(s) URLs on public addresses are accepted. Admins only; "
        "audited, and each call creates a new subscriber."
    ),
    "getWebhook": (
        "One webhook subscriber with its status (active, or paused after repeated failures) and its "
        "consecutive failures. Admins only."
    ),
    "deleteWebhook": (
        "Removes a webhook subscriber; the events not yet delivered to it are dropped. Admins only; audited."
    ),
    "resumeWebhook": (
        "Resumes a subscriber that was paused after 10 consecutive failures (the default); the events that "
        "waited meanwhile are delivered. Resuming an active subscriber changes nothing. Admins only; audited."
    ),
    "listWebhookDeliveries": (
        "One subscriber's delivery log, newest first: each event sent to it, with status, attempts, the last "
        "HTTP status and the last error. Filter by status. Paging: pass `next_cursor` (the last id) as "
        "`before`; it is null on the last page. Admins only. Deprecated: use listWebhookDeliveriesV2, which pages with an opaque cursor."
    ),
    "listDeliveries": (
        "The delivery log of pushes and webhooks, newest first: one row per event and recipient (a user's "
        "phones or a webhook subscriber), with its status, attempts and last error. Filter by status (`dead`: "
        "the dead letters, given up after every retry) and channel. Paging: pass `next_cursor` (the last id) "
        "as `before`; it is null on the last page. Admins only. Deprecated: use listDeliveriesV2, which pages with an opaque cursor."
    ),
    "replayDelivery": (
        "Puts one dead delivery back in the queue with a fresh count of attempts and answers it as it now "
        "stands (pending). Only dead deliveries can be replayed. Admins only; audited."
    ),
    "replayDeadDeliveries": (
        "Puts every dead delivery back in the queue with a fresh count of attempts, optionally only those of "
        "one channel or one webhook subscriber, and answers how many were replayed. Use it once what made them "
        "fail is fixed (a subscriber's endpoint, FCM credentials); repeating it replays only what died again "
        "since. Admins only; audited."
    ),
    "listOutbox": (
        "Outbox entries by status, newest first: the events written in the same transaction as the change "
        "that caused them, which the worker fans out to inboxes, pushes and webhooks. By default the dead ones, "
        "whose fan-out gave up after every retry. Paging: pass `next_cursor` (the last id) as `before`; it is "
        "null on the last page. Admins only. Deprecated: use listOutboxV2, which pages with an opaque cursor."
    ),
    "replayOutbox": (
        "Fans one dead outbox entry out again: its inbox messages, pushes and webhook deliveries are written "
        "anew, and those already written are not written twice. Only dead entries can be replayed. Admins "
        "only; audited."
    ),
    # admins: working calendar
    "listCalendarDays": (
        "Every day from `from` to `to` (inclusive, at most 366 days) as the deadline clock sees it: a working "
        "day or a day off, and why (an admin's override, the official State Council calendar with its public "
        "holidays and make-up working days (调休), or the Monday-to-Friday rule for years the official "
        "calendar does not cover yet). The page also gives the city's time zone and the working hours per day "
        "that limits count. Admins only; each listing is written to the audit log."
    ),
    "setCalendarOverride": (
        "Makes one day a working day or a day off whatever the official calendar says: a typhoon day off, a "
        "local holiday, an extra working day. Deadlines computed from now on count the day accordingly. Setting "
        "the same day again replaces the override, so the call is safe to repeat; it answers the day as it now "
        "stands. Admins only; audited with the day before and after."
    ),
    "deleteCalendarOverride": (
        "Removes an admin's override, so that the day follows the official calendar (or the weekday rule) "
        "again, and answers the day as it now stands. A day without an override is refused. Admins only; "
        "audited."
    ),
    # admins: routing data
    "importGrids": (
        "Imports unit grids (单元网格, about 10,000 m² each, 15- or 14-digit codes) or responsibility grids "
        "(责任网格, 9-digit codes) from a GeoJSON FeatureCollection in WGS-84 or CGCS2000, up to 50 MB. The "
        "file is checked as a whole (codes, closed and valid rings, overlaps above 1 m²) and refused as a whole "
        "with every bad feature named by index and code; gaps are reported, not refused. Grids are upserted by "
        "code and grids missing from the file are kept; `dry_run` checks without writing, and `make_valid` "
        "repairs invalid polygons instead of refusing them. Every run, refused or not, is written to the import "
        "log and the audit log. Admins only."
    ),
    "listGridImports": (
        "The grid import log, newest first: one entry per run, imported, dry run or refused, with its counts "
        "and who ran it. Paging: pass the `created_at` of the last entry as `before` for older ones; the answer "
        "is a plain list of at most `limit` entries. Admins only. Deprecated: use listGridImportsV2, which pages with an opaque cursor."
    ),
    "getGridImport": (
        "One run of the grid import log with its findings: for a refused file, the problems that refused it; "
        "for an accepted one, what was repaired, the warnings and the gaps. Admins only."
    ),
    "putDuty": (
        "Puts an inspector (监督员) on duty for a responsibility grid (责任网格) from `starts_at`, until `ends_at` "
        "or with no end. Sending the same inspector, grid and start again changes that duty's end, so the call "
        "is safe to repeat; a duty that overlaps another of the same inspector on the same grid is refused. The "
        "user must be an enabled inspector, unscoped or scoped to the grid's district. New verify (核实) and "
        "check (核查) tasks of the grid go to the inspector on duty. Admins only; audited."
    ),
    "listDuties": (
        "Inspectors' duties: who is on duty for which responsibility grid (责任网格) and when, ordered by grid "
        "and start. Filter by grid code, and by `at` for the duties running at that instant. Not paginated: at "
        "most `limit` rows (500 by default). Admins only. Deprecated: use listDutiesV2, which pages with an opaque cursor."
    ),
    "putCategoryDepartment": (
        "Sets which department (专业部门) handles a category in one district (`district_code`), or in every "
        "district without a link of its own (`district_code` null). Putting the same category and district "
        "again changes the department, so the call is safe to repeat. Cases routed from now on follow it; "
        "cases already routed keep theirs. Admins only; audited."
    ),
    # housing: estates, homes, the owners register, residents' bindings
    "listEstates": (
        "Estates (小区) by name, each with its district, property company (物业公司) and the grade of its service "
        "contract: find the estate to bind a home in. Filter by district code (GB/T 2260) or by part of the "
        "name. Paging: pass `next_cursor` back as `cursor`; it is null on the last page. Needs no token."
    ),
    "createEstate": (
        "Registers an estate with its public page: name, address, location (a point, with its coordinate "
        "system) and optionally its boundary (WGS-84), district, property company, the grade of its service "
        "contract (1 = 一级, 2 = 二级, 3 = 三级), the service content, the contact and the fee standards it "
        "publishes (收费公示: one row per fee item with its price in fen and how it is charged). Homes and "
        "owners come with the register (importRegister). Admins only; audited."
    ),
    "getEstate": (
        "An estate's public page, as the property company must publish it: service content, service grade, "
        "fee standards (收费公示), company and contact, location (in the `crs` asked for) and boundary (WGS-84), "
        "and its buildings with the number of homes in each. Needs no token: anyone may read it."
    ),
    "updateEstate": (
        "Changes an estate's public page; fields left out stay as they are, `fee_standards` replaces the "
        "whole publication, a null `boundary` or `contact_phone` removes it. The estate's property staff "
        "(property_staff or property_manager scoped to it) and admins; housing officers only read. Audited "
        "with every changed field before and after."
    ),
    "listEstateHomes": (
        "An estate's homes (房屋) by building, entrance (单元), floor and room, with their three areas and the "
        "one that counts; no owners. A resident picks their home here before asking to be bound to it. "
        "Filter by building. Paging with `cursor`. Any signed-in user."
    ),
    "importRegister": (
        "Imports the estate's owners register (业主名册) from a CSV file (UTF-8, or GB18030/GBK as Excel saves "
        "it) or an XLSX workbook sent as the body: one row per home with building, entrance, floor, room, "
        "the register (产权面积), surveyed (实测面积) and contract (合同面积) areas in m², the owners (co-owners "
        "separated by 、 or ;; 开发商 for an unsold home) and their phones. All or nothing: a file with any bad "
        "row (a home twice, a bad area, a missing field, a bad phone, an unreadable encoding) is refused "
        "with register_import_refused naming every row, and nothing changes. Homes are matched by building, "
        "entrance and room; homes not in the file are kept; changed owners own from `effective_date`, and "
        "owner bindings of people no longer in the register end. `dry_run` checks and counts without "
        "writing. Every run is logged. The estate's property staff and admins; audited."
    ),
    "listEstateBindings": (
        "The estate's residents' bindings in one state, oldest request first: `pending` (the default) is the "
        "queue of requests to approve or refuse. For the estate's property staff, admins and the housing "
        "officers of its district (who read, and decide nothing). Paging with `cursor`."
    ),
    "getHome": (
        "A home with its areas, the area that counts (register, else surveyed, else contract) and its owners "
        "in the register. For the residents bound to it (owner, family, tenant), the estate's property "
        "staff, the district's housing officers and admins; anyone else is refused with home_forbidden. "
        "Owners' phones come whole only to the estate's staff and admins, masked (139****0101) to everyone "
        "else."
    ),
    "listHomeBindings": (
        "Who is bound to a home or asks to be (active bindings and pending requests), oldest first: for the "
        "home's owners (to approve their family and tenants), the estate's staff, officers and admins. "
        "Paging with `cursor`."
    ),
    "requestBinding": (
        "Binds the caller's account to a home as owner (业主), family (家属) or tenant (租户). An owner whose "
        "phone number is among the home's owners in the register is bound at once (state active, via "
        "register); any other request waits (pending) until the estate's property staff, or for family and "
        "tenants an owner bound to the home, approves or refuses it. One open binding per person and home "
        "(already_bound). An Idempotency-Key header is required: a retry with the same key and body returns "
        "the first answer. Any signed-in user; audited."
    ),
    "approveBinding": (
        "Approves a pending request to be bound to a home (state active, via approval), with an optional "
        "note. The estate's property staff and admins decide every request; an owner bound to the home "
        "decides those of family and tenants (an owner's own claim needs the staff). Anyone else: "
        "binding_forbidden; a request that is no longer pending: binding_state_conflict with its state. "
        "Audited."
    ),
    "refuseBinding": (
        "Refuses a pending request to be bound to a home, with the reason the resident will read (required). "
        "The same people decide as for approveBinding. A refused person may ask again. Audited."
    ),
    "endBinding": (
        "Ends an active binding (a tenant moved out, a family member left) or withdraws a pending request, "
        "with an optional reason: the bound resident themself, the estate's property staff and admins, or an "
        "owner bound to the home for family and tenants. An ended binding stays in the history. Audited."
    ),
    "listMyHomes": (
        "The caller's homes: their active bindings and pending requests, newest first, each with its home "
        "(estate, building, entrance, floor, room) and relation. Paging with `cursor`. Any signed-in user."
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


# parameters -------------------------------------------------------------------------------------------------
# "name" describes every parameter of that name; "operationId.name" overrides it for one operation.

PARAMETERS: dict[str, str] = {
    # headers (declared by mobile_contract.openapi)
    "Idempotency-Key": (
        "Makes the write safe to retry: 8 to 128 characters of A-Z a-z 0-9 _ . : -, new for every new "
        "request (a UUID made when the user taps send, kept with the draft until an answer arrives). A retry "
        "with the same key and the same body, within 24 hours, returns the stored first answer with the header "
        "Idempotent-Replayed: true and does nothing again; the same key with a different body is refused. "
        "Keys belong to the signed-in user."
    ),
    "transitionCase.Idempotency-Key": (
        "Optional here: send it when the action may be resent, as an offline field app does from its outbox. "
        "8 to 128 characters of A-Z a-z 0-9 _ . : -, new for every new action. A resend with the same key and "
        "body, within 24 hours, returns the stored first answer (Idempotent-Replayed: true) instead of applying "
        "the action twice; the same key with a different body is refused."
    ),
    "If-Match": (
        "The case's `version` as last read (CaseSummary.version, or the ETag of getCase), as a number or an "
        'ETag: 7, "7" or W/"7". '
        "Required. The action is applied only if the case still has this version; when someone changed it "
        "meanwhile the action is refused with the current state and version, so reload the case and decide "
        "again."
    ),
    # housing
    "district_code": "Only estates of this district, by its 6-digit code (GB/T 2260), for example 110101.",
    "listEstates.name": "Only estates whose name contains this text (1 to 100 characters), for example 和平里.",
    "estate_id": "The estate's id, from listEstates or the caller's homes.",
    "building_id": "Only homes of this building, by its id from getEstate's `buildings`.",
    "home_id": "The home's id, from listEstateHomes or listMyHomes.",
    "binding_id": (
        "The binding's id, from requestBinding, listEstateBindings, listHomeBindings or listMyHomes."
    ),
    "effective_date": (
        "The date (YYYY-MM-DD) from which owners that the file changes own their homes, and the old owners' "
        "ownership ends; today in the city's time zone by default. It may not be before the date the stored "
        "owners were registered."
    ),
    "importRegister.dry_run": (
        "true: check the file and count what would change, but write nothing (the run is still logged)."
    ),
    "importRegister.file_name": "The file's name, kept in the import log (1 to 200 characters).",
    "listEstateBindings.state": (
        "Only bindings in this state: pending (requests waiting for a decision; the default), active, "
        "refused or ended."
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
    "listGridImports.before": (
        "Paging by time: only runs created before this instant (RFC 3339 with an offset); pass the "
        "`created_at` of the last entry of the previous page. Leave it out for the newest runs."
    ),
    "limit": "The most rows on one page, 1 to 200 (50 by default).",
    "listDevices.limit": "The most phones on one page, 1 to 100 (20 by default).",
    "listCases.limit": "The most cases on one page, 1 to 200 (50 by default).",
    "listMyReports.limit": "The most reports on one page, 1 to 100 (20 by default).",
    "listInbox.limit": "The most messages on one page, 1 to 100 (50 by default).",
    "listDuties.limit": "The most duties returned, 1 to 1,000 (500 by default); the list is not paginated.",
    "listGridImports.limit": "The most runs returned, 1 to 200 (50 by default).",
    "sync.limit": (
        "The most cases in one answer, 1 to 1,000 (500 by default); when there are more, `more` is true."
    ),
    "since": (
        "Deprecated: the old name of `cursor`; it takes the same values, and the time-based cursors of earlier "
        "versions. Send `cursor` instead, never both."
    ),
    "sync.cursor": (
        "The `next_cursor` of the previous sync (or page), sent back unchanged (opaque). Leave it out for the "
        "first sync, which sends everything in the caller's scope; keep the last `next_cursor` on the phone "
        "for the next sync."
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
    "listInspectorTasks.lat": (
        "The phone's latitude in degrees, in the system named by `crs`; with `lon`, each task gets its "
        "distance in metres. Leave both out when the position is unknown (distances are then null)."
    ),
    "listInspectorTasks.lon": "The phone's longitude in degrees, in the system named by `crs`; goes with `lat`.",
    "bbox": (
        "The box of the map view: min_lon,min_lat,max_lon,max_lat (south-west corner, then north-east), in "
        "degrees, comma-separated, in the system named by `crs`."
    ),
    "radius": (
        "Search radius in metres, 10 to 1,000, for staff (an inspector searches 1,000 m). Ignored for "
        "citizens, who search the category's duplicate radius; leave it out to use that radius."
    ),
    # reports and cases
    "category": (
        "A category code from the catalogue (listCategories): C for a component (部件) or E for an event "
        "(事件), then the 2-digit major and the minor class, for example E0102 exposed rubbish (暴露垃圾). "
        "Leave it out for every category."
    ),
    "listNearbyReports.category": (
        "The category the user is reporting, a code from the catalogue such as E0102 exposed rubbish "
        "(暴露垃圾); only open cases of this category are searched."
    ),
    "code": "The category's code, for example C0102 sewage manhole cover (污水井盖).",
    "report_id": "The report's id (a UUID, as answered by submitReport or listed by listMyReports).",
    "case_id": "The case's id (a UUID).",
    "state": (
        "Only cases in this state: reported, verifying, verified, registered, rejected, dispatched, accepted, "
        "extension_requested, handled, checking, checked, closed, deferred, parked or voided."
    ),
    "department": "Only cases dispatched to this department, by its code (for example sanitation).",
    "grid": (
        "A responsibility grid (责任网格) by its 9-digit code: district (6, GB/T 2260) and a 3-digit "
        "sequence, for example 110101001. Leave it out for every grid."
    ),
    "listCases.grid": (
        "Only cases in this grid: the id (UUID) of a responsibility grid (责任网格) or of a unit grid "
        "(单元网格), as found in CaseSummary."
    ),
    "overdue": (
        "true: only cases whose open step is past its deadline and not paused, ordered by that deadline."
    ),
    "due_soon": (
        "true: only cases whose open step has used 80 % of its time and is not yet due, ordered by the "
        "deadline."
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
    # people
    "user_id": "The user's id (a UUID).",
    "target_type": "Only entries about this kind of target, for example user, report, category or webhook.",
    "target_id": "Only entries about this target, by its id as text (a UUID, a category code, a day).",
    # notifications
    "token": "The phone's FCM registration token, as registered with registerDevice (URL-encoded in the path).",
    "notification_id": "The message's id, from listInbox.",
    "unread": "true: only unread messages; the unread count is given either way.",
    "up_to": (
        "The id of the newest message the app has shown: it and the older ones are marked, newer ones stay "
        "unread. Leave it out to mark everything."
    ),
    "webhook_id": "The webhook subscriber's id.",
    "replayDeadDeliveries.webhook_id": "Only the dead deliveries to this webhook subscriber.",
    "delivery_id": "The delivery's id (an integer), from a delivery log.",
    "outbox_id": "The outbox entry's id (an integer), from listOutbox.",
    "status": (
        "Only deliveries in this status: pending (waiting or being retried), done (delivered), dead (given up "
        "after every attempt: the dead letters) or dropped (the phone's token was refused by FCM, or the "
        "subscriber was removed)."
    ),
    "listOutboxV2.status": (
        "Entries in this status: pending (waiting for fan-out or retried), done (fanned out), dead (fan-out "
        "gave up after every attempt). dead by default."
    ),
    "listOutbox.status": (
        "Entries in this status: pending (waiting for fan-out or retried), done (fanned out), dead (fan-out "
        "gave up after every attempt). dead by default."
    ),
    "channel": "Only this channel: push (FCM to phones) or webhook (to subscribers).",
    # the calendar and the indicators
    "from": "The first day, YYYY-MM-DD, a local day of the city (Asia/Shanghai).",
    "to": "The last day, included, YYYY-MM-DD; at most 366 days after `from`.",
    "getIndicators.from": (
        "The first day of the window, YYYY-MM-DD, a local day of the city: the window starts at 00:00 local "
        "time."
    ),
    "getIndicators.to": (
        "The last day of the window, included, YYYY-MM-DD: the window ends at 24:00 local time that day, or "
        "now when that is later than now. At most 366 days from `from`."
    ),
    "day": "A calendar day, YYYY-MM-DD, in the city's time zone.",
    "group_by": (
        "What the indicators are grouped by: department (专业部门), inspector (监督员), grid (a responsibility "
        "grid, 责任网格) or district (6-digit code)."
    ),
    "kind": (
        "The kind of group the weights score: department, inspector, grid or district; each kind weighs its "
        "own indicators."
    ),
    # grids and duties
    "importGrids.kind": (
        "What the file holds: unit grids (单元网格, 15- or 14-digit codes) or responsibility grids (责任网格, "
        "9-digit codes)."
    ),
    "make_valid": (
        "true: repair invalid polygons (self-intersections and the like) instead of refusing the file, and "
        "report each repair."
    ),
    "dry_run": "true: check the file and report as for an import, but write no grid (the run is still logged).",
    "file_name": "The file's name, kept in the import log (1 to 200 characters).",
    "import_id": "The import run's id, from importGrids or listGridImports.",
    "at": (
        "Only duties running at this instant (starts_at <= at < ends_at; an open end never ends), in RFC 3339 "
        "with its offset, for example 2026-11-22T08:00:00+08:00."
    ),
}

PARAMETER_EXAMPLES: dict[str, Any] = {
    "Idempotency-Key": "6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b",
    "transitionCase.Idempotency-Key": "b3e9a4c1-7d2f-4a6b-9e8c-5f0a1b2c3d4e",
    "If-Match": '"7"',
    "cursor": "MDE5MzZjMmUtNTlmOC03YTQxLTljM2ItMmQxZTBmNGE1YjYy",
    # housing
    "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
    "home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12",
    "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02",
    "binding_id": "01934f9e-6c2a-7b1d-9e3f-2a4b6c8d0e15",
    "district_code": "110101",
    "listEstates.name": "和平里",
    "listEstateBindings.state": "pending",
    "effective_date": "2026-11-01",
    "listEstates.cursor": (
        "WyLlkozlubPph4zkuJzooZflsI_ljLrvvIjnpLrojIPvvIkiLCAiMDE5M2ExZTAtNWUwZC03ZTU3LThhN2UtMDAwMDAwMTEwMTAxIl0"
    ),
    "listEstateHomes.cursor": (
        "WyIz5Y-35qW8IiwgIjLljZXlhYMiLCAxMiwgIjEyMDIiLCAiMDE5MzdiMmEtNWQyZS03ZjMwLThiNGMtNmQ3ZThmOWEwYjEyIl0"
    ),
    "listEstateBindings.cursor": (
        "WyIyMDI2LTExLTIwVDAyOjE0OjA3LjMxNTAwMCswMDowMCIsICIwMTkzNGY5ZS02YzJhLTdiMWQtOWUzZi0yYTRiNmM4ZDBlMTUiXQ"
    ),
    "listHomeBindings.cursor": (
        "WyIyMDI2LTExLTIwVDAyOjE0OjA3LjMxNTAwMCswMDowMCIsICIwMTkzNGY5ZS02YzJhLTdiMWQtOWUzZi0yYTRiNmM4ZDBlMTUiXQ"
    ),
    "listMyHomes.cursor": "WyIwMTkzNGY5ZS02YzJhLTdiMWQtOWUzZi0yYTRiNmM4ZDBlMTUiXQ",
    "listMyReports.cursor": (
        "MjAyNi0xMS0yMlQwMTo0MToyNy41MTIwMDArMDA6MDB8MDE5MzZjMmUtNWExMC03ZDJmLThiMWUtM2M0ZDVlNmY3YTgx"
    ),
    "listInbox.cursor": "bjExODc",
    "listCases.cursor": (
        "MjAyNi0xMS0yMlQwMzoyMDowMy44NjEwMDArMDA6MDB8MDE5MzZjMmUtNTlmOC03YTQxLTljM2ItMmQxZTBmNGE1YjYy"
    ),
    "sync.cursor": "eHw3MzkxMDQyfDAxOTM2YzJlLTU5ZjgtN2E0MS05YzNiLTJkMWUwZjRhNWI2Mnw3MzkxMDIw",
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
    "listGridImports.before": "2026-11-20T08:00:00+08:00",
    "limit": 50,
    "listCases.limit": 50,
    "listMyReports.limit": 20,
    "listInbox.limit": 20,
    "listDuties.limit": 100,
    "listGridImports.limit": 20,
    "sync.limit": 500,
    "since": "MjAyNi0xMS0yMlQwMjoxNTowMC4wMDAwMDArMDA6MDA",
    "crs": "gcj02",
    "lat": 39.9289,
    "lon": 116.416,
    "listInspectorTasks.lat": 39.9289,
    "listInspectorTasks.lon": 116.416,
    "bbox": "116.379,39.856,116.447,39.972",
    "radius": 1000,
    "category": "E0102",
    "listNearbyReports.category": "E0102",
    "code": "C0102",
    "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
    "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
    "state": "dispatched",
    "department": "sanitation",
    "grid": "110101001",
    "listCases.grid": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
    "overdue": True,
    "due_soon": False,
    "mapReports.status": "dispatched",
    "upload_id": "01936c2d-ee10-7f3a-8c2d-1e2f3a4b5c6d",
    "photo_id": "01936c2d-f0a2-7e55-a1b3-6c7d8e9f0a13",
    "size": "thumb",
    "user_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
    "target_type": "user",
    "target_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
    "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
    "notification_id": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
    "unread": True,
    "up_to": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
    "webhook_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
    "replayDeadDeliveries.webhook_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
    "delivery_id": 1842,
    "outbox_id": 9071,
    "status": "dead",
    "listOutbox.status": "dead",
    "listOutboxV2.status": "dead",
    "channel": "webhook",
    "from": "2026-11-01",
    "to": "2026-11-30",
    "getIndicators.from": "2026-10-01",
    "getIndicators.to": "2026-10-31",
    "day": "2026-11-23",
    "group_by": "department",
    "kind": "department",
    "importGrids.kind": "unit",
    "make_valid": False,
    "dry_run": True,
    "file_name": "dongcheng_unit_grids_2026.geojson",
    "import_id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
    "at": "2026-11-22T08:00:00+08:00",
}


# component schemas ------------------------------------------------------------------------------------------

SCHEMAS: dict[str, str] = {
    # sign-in and people
    "OtpRequest": "Ask for a sign-in code by SMS.",
    "OtpSent": "A sign-in code was sent: how long it is valid and when another may be asked for.",
    "OtpGrant": "Sign in with a phone number and the 6-digit code it received by SMS (grant_type otp).",
    "RefreshGrant": (
        "Rotate a refresh token (grant_type refresh_token): the answer holds a new pair and the old refresh "
        "token stops working."
    ),
    "FirebaseGrant": (
        "Sign in with a Firebase ID token (grant_type firebase), for apps that sign in with Firebase "
        "Authentication; the Firebase user is linked to a CityLoop user, by phone number when it has one."
    ),
    "TokenPair": (
        "The tokens of a session: a short-lived access token for the Authorization header (Bearer) and a "
        "refresh token to get the next pair. Keep the refresh token in the platform's secure storage."
    ),
    "User": "The signed-in user's own account, with the phone number in full.",
    "UserView": (
        "A user as staff see them: the phone number whole only for admins, intake clerks (受理员) and the user "
        "themself, masked (138****1234) for everyone."
    ),
    "UserUpdate": "A change to the caller's own account; fields left out stay as they are.",
    "RoleGrant": (
        "One role of a user, optionally limited to a scope: a district (6-digit GB/T 2260 code), a department "
        "(its code) or an estate. Without a scope the role applies everywhere."
    ),
    "RolesUpdate": "Every role a user is to have; it replaces the roles they had.",
    "AuditEntry": "One entry of the audit log: a privileged or sensitive action, who took it and what changed.",
    "AuditPage": "A page of the audit log, newest first.",
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
    # reports
    # housing
    "EstateCreate": "A new estate and its public page.",
    "EstateUpdate": "Changes to an estate's public page: fields left out stay as they are.",
    "Estate": (
        "An estate's public page (小区公示): what the property company publishes, with its buildings and the "
        "number of homes."
    ),
    "EstateSummary": "An estate in a list.",
    "EstatePage": "A page of estates, by name; `next_cursor` is null on the last page.",
    "FeeStandard": "One published fee item (收费公示): its name, price in fen and how it is charged.",
    "PolygonGeometry": (
        "A GeoJSON Polygon in WGS-84: rings of [longitude, latitude], the first the outer one."
    ),
    "MultiPolygonGeometry": "A GeoJSON MultiPolygon in WGS-84: an estate in several separate parts.",
    "BuildingSummary": "A building of the estate and how many homes it has.",
    "Home": (
        "A home (房屋, an exclusive part): where it is and its areas in hundredths of m² (8950 is 89.50 m²)."
    ),
    "HomeDetail": "A home with its estate's name and its owners in the register.",
    "HomePage": "A page of an estate's homes; `next_cursor` is null on the last page.",
    "Owner": "An owner of a home in the register: a person (one of several co-owners) or the developer.",
    "RegisterImportReport": "What an import of the owners register did, or would do in a dry run.",
    "RegisterProblem": (
        "One reason a register file (importRegister) or a meter readings file (importReadings) was refused: a row "
        "of the file, or the file itself."
    ),
    "BindingRequest": "A request to bind the caller's account to a home.",
    "BindingDecision": "An approval, with an optional note.",
    "BindingRefusal": "A refusal, with the reason the resident reads.",
    "BindingEnd": "The end of a binding (or the withdrawal of a request), with an optional reason.",
    "Binding": (
        "A resident's binding to a home: who, which home, as what (owner, family, tenant), and where the "
        "request stands."
    ),
    "BindingPage": "A page of bindings; `next_cursor` is null on the last page.",
    "HomeLabel": "Where a home is: its estate, building, entrance, floor and room.",
    "BindingUser": "The resident of a binding, with their phone number masked.",
    "Location": (
        "A point as the phone gives it: latitude and longitude in degrees and the coordinate system they are in. "
        "The server stores WGS-84 and keeps the original pair and its system."
    ),
    "Point": (
        "A point in degrees: in the coordinate system the request asked for (crs, wgs84 by default), or WGS-84 "
        "where the context says so (a photo's EXIF position)."
    ),
    "ReportCreate": (
        "A new report (随手拍): what (category), where (location, address), a description and the photos "
        "uploaded before. Unknown members are refused."
    ),
    "ReportCreated": "The report just filed (or filed before with the same client_id), with its number and case.",
    "ReportView": (
        "A report as its reader may see it: the full view (`view: full`) for its reporter and staff, the public "
        "view (`view: public`) for everyone else; members that only the full view carries are left out of the "
        "public one."
    ),
    "ReportSummary": "One of the caller's own reports in their list, with its case's status and public timeline.",
    "ReportPage": "A page of the caller's reports, newest first.",
    "NearbyCase": (
        "An open case of the same category near the point being reported: offer to follow it instead of filing "
        "a duplicate."
    ),
    "TimelineEntry": (
        "One step of a case's timeline (时间线) in time order: what happened (kind), the state it led to, and "
        "the note people may read."
    ),
    "HideReport": "Hide a report from the public, with the reason.",
    "Recategorise": "Move a report and its case to another category.",
    "Rating": "The reporter's verdict on a closed case: fixed or not, a score and a comment.",
    "RatingResult": "The rating was recorded; says whether it reopened the case.",
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
    # cases
    "CaseSummary": (
        "A case (案件) as staff queues show it: state, version, round, category, place, routing (district, "
        "grids, inspector, department) and the open step with its deadline."
    ),
    "CurrentStep": (
        "The open step of a case and its deadline in working time: verify (核实), register (立案), dispatch "
        "(派遣), accept (签收), handle (处置), check (核查) or close (结案)."
    ),
    "CaseDetail": (
        "One case: the staff view (`view: staff`) with summary, allowed actions, history, steps, report "
        "numbers and photos, or the public view (`view: public`) with the public timeline only; members the "
        "public view does not carry are left out."
    ),
    "HistoryEntry": "One event of a case's full history, for staff: every action, routing and moderation step.",
    "StepRecord": (
        "One step of a case in one round, with its deadline: when it started, when it was due, when and how it "
        "ended. Indicators (综合评价) are computed from these."
    ),
    "CasePage": "A page of a staff queue.",
    "TransitionRequest": (
        "An action on a case (see the workflow's actions) and what it needs: a note, photos, a department, a "
        "new deadline. Unknown members are refused."
    ),
    "TransitionResult": "The case after the action, and the actions the caller may take next.",
    "BulkItem": "One case to act on in a bulk request, with the version read and the action.",
    "BulkRequest": "Up to 200 actions (dispatch, reassign) taken one by one; each succeeds or fails on its own.",
    "BulkOutcome": "What became of one item of a bulk request.",
    "BulkResult": "The outcome of every item of a bulk request, in the order sent, with the counts.",
    "Task": (
        "An inspector's open task on a case: verify a report on site (核实) or check a fix on site (核查), with "
        "its deadline and distance."
    ),
    "Tombstone": "Something that left the caller's view since the last sync: remove it from the phone.",
    "SyncPage": (
        "What changed since the last sync: cases, open tasks and tombstones, and the cursor for the next sync."
    ),
    # the calendar
    "CalendarDay": "One day as the deadline clock sees it: a working day or not, and why.",
    "CalendarPage": "The days of a range, with the city's time zone and working hours.",
    "CalendarOverrideSet": "An admin's decision for one day: a working day or a day off.",
    # indicators
    "IndicatorReport": (
        "The indicators (综合评价) of every group over a window of local days, with the names of the "
        "indicators and the weights used."
    ),
    "GroupIndicators": "The indicators of one group (a department, an inspector, a grid or a district) and its score.",
    "Ratio": "One indicator: numerator / denominator, and the ratio.",
    "IndicatorWeights": "The weights of the indicators in the score of one kind of group.",
    "IndicatorWeightsSet": "All weights of one kind of group, in points adding up to 100.",
    # routing data
    "ImportReport": (
        "The result of a grid import: the outcome, the counts, and every problem, repair, warning and gap."
    ),
    "ImportProblem": (
        "One finding about a feature of the file (named by `index` and `code`) or, without an index, about the "
        "whole file."
    ),
    "Gap": "An area enclosed by the imported grids that none of them covers (reported, not refused).",
    "ImportLogEntry": "One run of the grid import log.",
    "ImportLogDetail": "One run of the grid import log with its findings.",
    "DutyAssign": "Put an inspector on duty for a responsibility grid (责任网格).",
    "Duty": "An inspector's duty (值守) for a responsibility grid: who, where, from when to when.",
    "CategoryDepartmentLink": (
        "Which department handles a category in a district, or in any district without a link of its own."
    ),
    "CategoryDepartment": "A category → department link used by routing.",
    # notifications
    "DeviceRegistration": "A phone to push to: its FCM registration token, platform, app version and locale.",
    "Device": "A phone registered for push notifications.",
    "QuietHours": (
        "Quiet hours (免打扰时段) as HH:MM in the local time of the city (Asia/Shanghai); `start` later than "
        "`end` spans midnight. `start` and `end` must differ."
    ),
    "InboxItem": "One message of the in-app inbox (消息), written in the reader's language.",
    "InboxPage": "A page of the inbox, newest first, with the unread count.",
    "UnreadCount": "How many of the caller's messages are unread.",
    "ReadAllResult": "How many messages were marked read, and how many are still unread.",
    "WebhookCreate": "A new webhook subscriber: where to POST, which events, and the signing secret.",
    "Webhook": (
        "A webhook subscriber as admins see it; the secret is never shown again, only its last four characters."
    ),
    "Delivery": (
        "One message to one recipient: a push to a user's phones or an event to a webhook subscriber, with its "
        "retries."
    ),
    "DeliveryPage": "A page of a delivery log, newest first.",
    "OutboxEntry": (
        "An event written in the same transaction as the change that caused it, waiting for or done with its "
        "fan-out to inboxes, pushes and webhooks."
    ),
    "OutboxPage": "A page of outbox entries, newest first.",
    "Replayed": "How many deliveries or outbox entries were put back in the queue.",
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


# properties -------------------------------------------------------------------------------------------------
# "Schema.property" -> description, with units, ranges and what null means.

PROPERTIES: dict[str, str] = {
    "GridFeatureCollection.type": "Always FeatureCollection.",
    "GridFeatureCollection.features": (
        "The grids: Polygon or MultiPolygon features in WGS-84 with a `code` property (15-digit unit grid codes "
        "under the district code; responsibility grid codes as the GIS office gives them) and optionally `name`."
    ),
    # OtpRequest, OtpSent, grants, TokenPair
    "OtpRequest.phone": (
        "The phone number to send the code to, up to 32 characters: E.164 (+8613812341234) or a mainland "
        "number without the country code (13812341234). The server normalises it to E.164."
    ),
    "OtpSent.expires_in": "Seconds the code stays valid (300: 5 minutes).",
    "OtpSent.resend_after": "Seconds to wait before asking for another code for this phone (60).",
    "OtpGrant.grant_type": "Always otp.",
    "OtpGrant.phone": "The phone number the code was sent to, as in requestOtp.",
    "OtpGrant.code": "The 6-digit code from the SMS. Five wrong tries use the code up: ask for a new one.",
    "RefreshGrant.grant_type": "Always refresh_token.",
    "RefreshGrant.refresh_token": (
        "The refresh token of the last pair (at most 256 characters). It works once; sending it again revokes "
        "the session."
    ),
    "FirebaseGrant.grant_type": "Always firebase.",
    "FirebaseGrant.id_token": (
        "The Firebase ID token from the Firebase SDK (getIdToken), at most 8,192 characters; it must belong to "
        "the server's Firebase project and be unexpired."
    ),
    "TokenPair.access_token": (
        "The access token (a JWT): send it as `Authorization: Bearer <token>` on every request. Treat it as "
        "opaque."
    ),
    "TokenPair.refresh_token": (
        "The refresh token, valid 30 days and usable once: exchange it with issueToken (grant_type "
        "refresh_token) shortly before the access token expires. Store it securely."
    ),
    "TokenPair.expires_in": "Seconds until the access token expires (900: 15 minutes by default).",
    "TokenPair.token_type": "Always Bearer.",
    "TokenPair.user_id": "The signed-in user's id.",
    # User, UserView, UserUpdate, RoleGrant, RolesUpdate
    "User.id": "The user's id (UUIDv7).",
    "User.phone": "The user's phone number in E.164 (+8613812341234); null for an account without one.",
    "User.display_name": "The name shown to staff (at most 64 characters); empty until the user sets one.",
    "User.locale": "The user's language, zh-CN or en: inbox messages and problem titles are written in it.",
    "User.created_at": "When the account was created (the first sign-in), UTC.",
    "User.roles": "The user's roles with their scopes; a first sign-in by phone gives the citizen role.",
    "User.disabled": "true when an admin has disabled the account: it can no longer sign in.",
    "UserView.id": "The user's id.",
    "UserView.display_name": "The user's display name; may be empty.",
    "UserView.locale": "The user's language, zh-CN or en.",
    "UserView.created_at": "When the account was created, UTC.",
    "UserView.roles": "The user's roles with their scopes.",
    "UserView.disabled": "true when the account is disabled and can no longer sign in.",
    "UserView.phone": (
        "The whole phone number in E.164, only for admins, intake clerks (受理员) and the user themself; "
        "null for everyone else, and when the account has no phone."
    ),
    "UserView.phone_masked": (
        "The phone number masked for display: 138****1234 for a mainland mobile, the country code and the "
        "last four digits otherwise; null when the account has no phone."
    ),
    "UserUpdate.display_name": "The new display name, at most 64 characters; spaces around it are trimmed.",
    "UserUpdate.locale": "The new language: zh-CN (简体中文) or en.",
    "RoleGrant.role": (
        "The role: citizen, inspector (监督员/网格员), intake_clerk (受理员), shift_lead (值班长), dispatcher "
        "(派遣员), department_handler (专业部门), leader, property_manager, resident, admin, property_staff (物业人员, scope an estate) or "
        "housing_officer (房管部门, scope a district: oversight of its estates, read-only on money)."
    ),
    "RoleGrant.scope_kind": (
        "What the role is limited to: district, department or estate; null (or left out) for no limit. Goes "
        "with scope_id."
    ),
    "RoleGrant.scope_id": (
        "The district's 6-digit code (110101), the department's code (sanitation) or the estate's id, 1 to 64 "
        "characters; null (or left out) exactly when scope_kind is."
    ),
    "RolesUpdate.roles": "Every grant the user is to hold (at most 50); an empty list removes every role.",
    # AuditEntry, AuditPage
    "AuditEntry.id": "The entry's id, increasing; the paging cursor of the audit log.",
    "AuditEntry.at": "When the action was taken, UTC.",
    "AuditEntry.actor_id": "Who took the action; null for the system or an operator's command.",
    "AuditEntry.actor_label": "A readable label of the actor at the time (their role and name).",
    "AuditEntry.action": "What was done, for example user.roles.set, report.hide, category.update.",
    "AuditEntry.target_type": "What kind of thing it was done to, for example user, report, category.",
    "AuditEntry.target_id": "Which one, as text: a UUID, a category code, a day.",
    "AuditEntry.details": "What changed, by action: usually `before` and `after`, and a reason or note.",
    "AuditEntry.client_ip": "The client's IP address as the server saw it; null when unknown.",
    "AuditEntry.request_id": "The id of the HTTP request (X-Request-ID), to find it in the logs; null when none.",
    "AuditPage.items": "The entries of this page, newest first.",
    "AuditPage.next_cursor": (
        "Pass it as `before` for the next page (the id of the last entry); null on the last page."
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
    # housing: estates, homes, the register, bindings
    "EstateCreate.name": "The estate's name (小区名称), 1 to 100 characters.",
    "EstateCreate.address": "The estate's address, 1 to 200 characters.",
    "EstateCreate.district_code": (
        "The district (区) by its 6-digit code (GB/T 2260), for example 110101 for Dongcheng."
    ),
    "EstateCreate.location": (
        "A point of the estate (its gate or its centre) and the coordinate system it is given in."
    ),
    "EstateCreate.boundary": "The estate's boundary as a GeoJSON Polygon or MultiPolygon in WGS-84, or null.",
    "EstateCreate.property_company": "The property company (物业服务企业) serving the estate.",
    "EstateCreate.service_grade": "The grade of the service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.",
    "EstateCreate.service_content": (
        "What the company does for the estate (服务内容), as it publishes it; up to 4,000 characters."
    ),
    "EstateCreate.contact_name": "Who to contact, for example 物业服务中心; up to 64 characters.",
    "EstateCreate.contact_phone": (
        "The contact's phone number (a mainland number may be sent without +86; stored as E.164), or null."
    ),
    "EstateCreate.office_hours": "When the property office is open, for example 每日 8:00-18:00.",
    "EstateCreate.fee_standards": "The published fee standards (收费公示), in the order shown; at most 50.",
    "EstateUpdate.name": "The estate's name (小区名称), 1 to 100 characters.",
    "EstateUpdate.address": "The estate's address, 1 to 200 characters.",
    "EstateUpdate.location": (
        "A point of the estate (its gate or its centre) and the coordinate system it is given in."
    ),
    "EstateUpdate.boundary": "The new boundary (GeoJSON Polygon or MultiPolygon in WGS-84); null removes it.",
    "EstateUpdate.property_company": "The property company (物业服务企业) serving the estate.",
    "EstateUpdate.service_grade": "The grade of the service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.",
    "EstateUpdate.service_content": (
        "What the company does for the estate (服务内容), as it publishes it; up to 4,000 characters."
    ),
    "EstateUpdate.contact_name": "Who to contact, for example 物业服务中心; up to 64 characters.",
    "EstateUpdate.contact_phone": "The new contact phone; null removes it.",
    "EstateUpdate.office_hours": "When the property office is open, for example 每日 8:00-18:00.",
    "EstateUpdate.fee_standards": "The whole new publication of fee standards; it replaces the old one.",
    "Estate.id": "The estate's id.",
    "Estate.name": "The estate's name (小区名称), 1 to 100 characters.",
    "Estate.address": "The estate's address, 1 to 200 characters.",
    "Estate.district_code": (
        "The district (区) by its 6-digit code (GB/T 2260), for example 110101 for Dongcheng."
    ),
    "Estate.location": "A point of the estate (its gate or centre), in the coordinate system of `crs`.",
    "Estate.boundary": "The estate's boundary as a GeoJSON Polygon or MultiPolygon in WGS-84, or null.",
    "Estate.property_company": "The property company (物业服务企业) serving the estate.",
    "Estate.service_grade": "The grade of the service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.",
    "Estate.service_content": (
        "What the company does for the estate (服务内容), as it publishes it; up to 4,000 characters."
    ),
    "Estate.contact_name": "Who to contact, for example 物业服务中心; up to 64 characters.",
    "Estate.contact_phone": "The contact's phone number in E.164, or null.",
    "Estate.office_hours": "When the property office is open, for example 每日 8:00-18:00.",
    "Estate.fee_standards": "The published fee standards (收费公示), in the order shown; at most 50.",
    "Estate.crs": "The coordinate system of `location`: the one asked for (wgs84 by default).",
    "Estate.service_grade_name": "The grade as people read it: 一级, 二级 or 三级.",
    "Estate.buildings": "The estate's buildings by name, each with its number of homes.",
    "Estate.homes": "The number of homes in the estate.",
    "Estate.updated_at": "When the page last changed.",
    "EstateSummary.id": "The estate's id.",
    "EstateSummary.name": "The estate's name.",
    "EstateSummary.address": "The estate's address.",
    "EstateSummary.district_code": "The district by its 6-digit code (GB/T 2260).",
    "EstateSummary.property_company": "The property company serving the estate.",
    "EstateSummary.service_grade": "The grade of the service contract: 1 = 一级, 2 = 二级, 3 = 三级.",
    "EstatePage.items": "The estates of this page, by name.",
    "EstatePage.next_cursor": "Send it back as `cursor` for the next page; null on the last page.",
    "FeeStandard.item": "The fee item's name, for example 物业费, 地上停车费, 采暖费; 1 to 50 characters.",
    "FeeStandard.price_fen": "The price in fen (1/100 yuan): 250 is 2.50 yuan, per the unit `basis` names.",
    "FeeStandard.basis": (
        "How it is charged: per_m2_month (per m² per month, 物业费), per_m2_season (per m² per heating season, "
        "采暖费), per_space_month (per parking space per month), per_home_month, per_m3 (water), per_kwh, or "
        "flat."
    ),
    "FeeStandard.note": "A note shown with the fee, for example 按产权面积; up to 200 characters.",
    "PolygonGeometry.type": "Always Polygon.",
    "PolygonGeometry.coordinates": (
        "Rings of [longitude, latitude] positions, each closed (last = first), 4 or more."
    ),
    "MultiPolygonGeometry.type": "Always MultiPolygon.",
    "MultiPolygonGeometry.coordinates": (
        "Polygons, each a list of closed rings of [longitude, latitude] positions."
    ),
    "BuildingSummary.id": "The building's id (filter listEstateHomes by it).",
    "BuildingSummary.name": "The building's name, for example 3号楼.",
    "BuildingSummary.homes": "How many homes it has in the register.",
    "Home.id": "The home's id.",
    "Home.estate_id": "The estate's id.",
    "Home.building_id": "The building's id.",
    "Home.building": "The building's name as in the register, for example 3号楼.",
    "Home.entrance": "The entrance (单元), or empty when the building has one.",
    "Home.floor": "The floor: 1 and up, negative below ground (-1 is B1).",
    "Home.room": "The room number, for example 1203.",
    "Home.register_area": (
        "The area in the property register (产权面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "Home.surveyed_area": (
        "The surveyed area (实测面积), in hundredths of m² (8950 is 89.50 m²), or null when the register has "
        "none."
    ),
    "Home.contract_area": (
        "The area in the sale contract (合同面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "Home.area": (
        "The area that counts, in hundredths of m²: the register area if present, else the surveyed area, "
        "else the contract area (the rule for votes and for fees charged by area)."
    ),
    "Home.area_source": "Which area counts: register, surveyed or contract.",
    "HomeDetail.id": "The home's id.",
    "HomeDetail.estate_id": "The estate's id.",
    "HomeDetail.building_id": "The building's id.",
    "HomeDetail.building": "The building's name as in the register, for example 3号楼.",
    "HomeDetail.entrance": "The entrance (单元), or empty when the building has one.",
    "HomeDetail.floor": "The floor: 1 and up, negative below ground (-1 is B1).",
    "HomeDetail.room": "The room number, for example 1203.",
    "HomeDetail.register_area": (
        "The area in the property register (产权面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "HomeDetail.surveyed_area": (
        "The surveyed area (实测面积), in hundredths of m² (8950 is 89.50 m²), or null when the register has "
        "none."
    ),
    "HomeDetail.contract_area": (
        "The area in the sale contract (合同面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "HomeDetail.area": (
        "The area that counts, in hundredths of m²: the register area if present, else the surveyed area, "
        "else the contract area (the rule for votes and for fees charged by area)."
    ),
    "HomeDetail.area_source": "Which area counts: register, surveyed or contract.",
    "HomeDetail.estate_name": "The estate's name.",
    "HomeDetail.owners": "Today's owners in the register: co-owners, or the developer of an unsold home.",
    "HomePage.items": "The homes of this page, by building, entrance, floor and room.",
    "HomePage.next_cursor": "Send it back as `cursor` for the next page; null on the last page.",
    "Owner.kind": "person, or developer for a home not sold yet.",
    "Owner.name": "The owner's name as in the register.",
    "Owner.phone_masked": (
        "The owner's phone number masked (139****0101), or null when the register has none."
    ),
    "Owner.phone": "The phone number whole (E.164), for the estate's staff and admins only; null for others.",
    "Owner.owned_from": "The date from which the register names this owner.",
    "RegisterImportReport.id": "The import's id in the import log.",
    "RegisterImportReport.estate_id": "The estate imported into.",
    "RegisterImportReport.file_name": "The file's name.",
    "RegisterImportReport.sha256": "The SHA-256 of the file, hex.",
    "RegisterImportReport.format": "csv or xlsx, as read from the file itself.",
    "RegisterImportReport.encoding": (
        "How a CSV file was read: utf-8, gb18030 (GBK) or utf-16; null for XLSX."
    ),
    "RegisterImportReport.outcome": "imported, dry_run (nothing written) or refused (nothing written).",
    "RegisterImportReport.dry_run": "Whether the run only checked and counted.",
    "RegisterImportReport.effective_date": "The date changed owners own from.",
    "RegisterImportReport.rows": "Rows of homes in the file (empty lines not counted).",
    "RegisterImportReport.buildings_created": "Buildings the file named that were new.",
    "RegisterImportReport.homes_created": "Homes that were new.",
    "RegisterImportReport.homes_updated": "Homes whose floor or areas changed.",
    "RegisterImportReport.homes_unchanged": "Homes whose floor and areas stayed as they were.",
    "RegisterImportReport.homes_not_in_file": "Stored homes the file does not name; they are kept.",
    "RegisterImportReport.owners_changed": "Homes whose owners changed (new homes included).",
    "RegisterImportReport.bindings_ended": "Owner bindings ended because the person is no longer an owner.",
    "RegisterImportReport.problems": "Why the file was refused (at most 1,000 kept); empty otherwise.",
    "RegisterImportReport.problems_total": "How many problems were found in all.",
    "RegisterImportReport.created_at": "When the import ran.",
    "RegisterProblem.problem": (
        "What is wrong: duplicate_home, bad_area, missing_area, missing_field, bad_floor, bad_phone, "
        "owners_phones_mismatch, duplicate_owner, bad_owner_type, bad_text, text_too_long, "
        "effective_date_too_early; for the file: bad_encoding, unreadable, missing_column, duplicate_column, "
        "no_rows, too_many_rows, file_too_large. Meter readings: unknown_home, missing_home, bad_date, "
        "future_date, bad_reading, duplicate_reading, meter_backwards; for the file: unreadable_encoding, "
        "unreadable_csv, unreadable_xlsx, missing_column, no_rows, too_many_rows, file_too_large."
    ),
    "RegisterProblem.detail": "The problem in English, with the offending value.",
    "RegisterProblem.row": (
        "The row's line in the file (the header is line 1), as a spreadsheet numbers it; absent for the file."
    ),
    "RegisterProblem.field": (
        "The column at fault: building, entrance, floor, room, an area, owners, phones, owner_type (meter "
        "readings: room, read_on, reading)."
    ),
    "RegisterProblem.other_row": (
        "duplicate_home, duplicate_reading: the line where the same home (and day) came first; meter_backwards: "
        "the line of the earlier day's reading, when both are in the file."
    ),
    "BindingRequest.relation": "As what: owner (业主), family (家属) or tenant (租户).",
    "BindingRequest.note": "A word for whoever decides, for example 张三之子; up to 200 characters.",
    "BindingDecision.note": "A note kept with the approval; up to 200 characters.",
    "BindingRefusal.reason": "Why the request is refused, shown to the resident; 1 to 200 characters.",
    "BindingEnd.reason": "Why the binding ends, for example 租约到期; up to 200 characters.",
    "Binding.id": "The binding's id.",
    "Binding.home": "The home.",
    "Binding.user": "The resident.",
    "Binding.relation": "owner, family or tenant.",
    "Binding.state": "pending (waiting for a decision), active, refused or ended.",
    "Binding.via": (
        "How it became active: register (an owner found in the register) or approval; null before."
    ),
    "Binding.note": "The resident's note with the request.",
    "Binding.requested_at": "When the resident asked.",
    "Binding.decided_at": "When it was approved or refused (or bound at once); null while pending.",
    "Binding.decision_note": "The note of the approval, or the reason of the refusal.",
    "Binding.ended_at": "When it ended or was withdrawn; null while open.",
    "Binding.end_reason": "Why it ended.",
    "BindingPage.items": "The bindings of this page.",
    "BindingPage.next_cursor": "Send it back as `cursor` for the next page; null on the last page.",
    "HomeLabel.home_id": "The home's id.",
    "HomeLabel.estate_id": "The estate's id.",
    "HomeLabel.estate_name": "The estate's name.",
    "HomeLabel.building": "The building's name.",
    "HomeLabel.entrance": "The entrance (单元), or empty.",
    "HomeLabel.floor": "The floor.",
    "HomeLabel.room": "The room number.",
    "BindingUser.id": "The resident's user id.",
    "BindingUser.display_name": "The resident's display name.",
    "BindingUser.phone_masked": "The resident's phone number masked (139****0101), or null.",
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
    # CaseSummary, CurrentStep
    "CaseSummary.id": "The case's id.",
    "CaseSummary.state": (
        "The case's state: reported, verifying, verified, registered, rejected, dispatched, accepted, "
        "extension_requested, handled, checking, checked, closed, deferred, parked or voided."
    ),
    "CaseSummary.version": "Increases with every change; send it in If-Match when acting on the case.",
    "CaseSummary.round": "1 for the first handling; each reopening after closure adds one.",
    "CaseSummary.category": "The category code, for example E0102.",
    "CaseSummary.urgent": "true when registered as urgent: the category's urgent limit applies.",
    "CaseSummary.location": "Where the case is, in the coordinate system asked for.",
    "CaseSummary.address": "The address or landmark of its first report; null when none.",
    "CaseSummary.description": "The first report's description.",
    "CaseSummary.reporter_count": 'How many reports the case has ("me too" included).',
    "CaseSummary.district_code": "The district's 6-digit code (GB/T 2260), for example 110101; null outside every grid.",
    "CaseSummary.department": (
        "The code of the department (专业部门) the case is dispatched to (派遣); null until it is dispatched and "
        "after the department returns it. The department sees the case from then on."
    ),
    "CaseSummary.suggested_department": (
        "The department routing suggests for the dispatcher (the category's department in this district, else "
        "in any district, else the category's default); null when none. It does not show the case to that "
        "department: dispatching does."
    ),
    "CaseSummary.responsibility_grid_id": "The responsibility grid (责任网格) it lies in; null when none.",
    "CaseSummary.unit_grid_id": "The unit grid (单元网格) it lies in; null outside every grid.",
    "CaseSummary.inspector_id": (
        "The inspector (监督员) who verifies and checks it on site; null when none was on duty."
    ),
    "CaseSummary.created_at": "When the case was opened, UTC.",
    "CaseSummary.updated_at": "When the case last changed, UTC.",
    "CaseSummary.current_step": "The open step and its deadline; null when none is open (closed, rejected, voided).",
    "CurrentStep.step": "verify, register, dispatch, accept, handle, check or close.",
    "CurrentStep.due_at": "The step's deadline, UTC, counted in working time by the city's calendar.",
    "CurrentStep.due_soon_at": "When 80 % of the step's time is used, UTC: the case counts as due soon from then.",
    "CurrentStep.paused": "true while the case is deferred (缓办) or parked (挂账): the clock stands still.",
    "CurrentStep.assignee_id": "The inspector the step is assigned to (verify, check); null for other steps.",
    # CaseDetail, HistoryEntry, StepRecord, CasePage
    "CaseDetail.id": "The case's id.",
    "CaseDetail.state": "The case's state now.",
    "CaseDetail.category": "The category code.",
    "CaseDetail.location": "Where the case is, in the coordinate system asked for.",
    "CaseDetail.created_at": "When the case was opened, UTC.",
    "CaseDetail.view": "staff or public.",
    "CaseDetail.timeline": "The public timeline, oldest first (both views).",
    "CaseDetail.summary": "Staff view only: the case as queues show it, with the version for If-Match.",
    "CaseDetail.allowed_actions": "Staff view only: the actions the caller may take now; empty when none.",
    "CaseDetail.history": "Staff view only: every event of the case, oldest first.",
    "CaseDetail.steps": "Staff view only: every step of every round with its deadline, oldest first.",
    "CaseDetail.report_numbers": "Staff view only: the numbers of the case's reports, oldest first.",
    "CaseDetail.photos": "Staff view only: links to every photo of the case (reports and transitions).",
    "HistoryEntry.id": "The event's id, increasing.",
    "HistoryEntry.at": "When it happened, UTC.",
    "HistoryEntry.kind": (
        "What happened: reported, routed, report_joined, report_hidden, recategorised, or a workflow action."
    ),
    "HistoryEntry.actor_id": (
        "Who did it; null for the system (routing, automatic hand-overs, a reopening by rating), and for what an "
        "anonymous reporter did by reporting (reported, report_joined, routed)."
    ),
    "HistoryEntry.from_state": "The state before; null when the state did not change.",
    "HistoryEntry.to_state": "The state after; null when the state did not change.",
    "HistoryEntry.note": "The note given with it; empty when none.",
    "HistoryEntry.photo_ids": "Photos given with it (evidence of a fix or a check).",
    "HistoryEntry.public": "true when it is on the public timeline.",
    "HistoryEntry.data": (
        "Details by kind: for routed, the routing decision and the reason for each part (grid, inspector, "
        "department); for dispatch, reassign and return, the previous department (from_department); for "
        "recategorised, from and to; for a reopen by rating, the rating (fixed, score, comment)."
    ),
    "StepRecord.round": "The round the step belongs to.",
    "StepRecord.step": "verify, register, dispatch, accept, handle, check or close.",
    "StepRecord.assignee_id": "The inspector it was assigned to (verify, check); null for other steps.",
    "StepRecord.department": "The department it was with (accept, handle); null for other steps.",
    "StepRecord.started_at": "When the step started, UTC.",
    "StepRecord.due_at": "Its deadline, UTC, after extensions and pauses.",
    "StepRecord.completed_at": "When it ended, UTC; null while it is open.",
    "StepRecord.outcome": "The action that ended it (for example dispatch, return, rework); null while open.",
    "StepRecord.paused": "true while it is paused (the case deferred or parked).",
    "StepRecord.extended": "true when an approved extension (延期) moved its deadline.",
    "CasePage.items": "The cases of this page.",
    "CasePage.next_cursor": "Pass it back as `cursor` for the next page; null on the last page.",
    # TransitionRequest, TransitionResult, bulk
    "TransitionRequest.action": (
        "The action, one of the case's allowed_actions, for example register, dispatch, accept, handle, "
        "verify, check_pass, rework, close, request_extension, defer, park, resume, void."
    ),
    "TransitionRequest.note": (
        "A note, at most 1,000 characters; required by reject, not_found, return, rework, request_extension, "
        "deny_extension, defer, park, void and reopen."
    ),
    "TransitionRequest.photo_ids": (
        "Up to 9 of the caller's processed photos as evidence; required by verify, not_found, handle, "
        "check_pass and an inspector's rework."
    ),
    "TransitionRequest.department": (
        "The department's code, for dispatch and reassign (required there); ignored by other actions."
    ),
    "TransitionRequest.new_deadline": (
        "The deadline asked for, RFC 3339 with an offset; required by request_extension (延期). Approval moves "
        "the handle step's deadline to it."
    ),
    "TransitionRequest.urgent": (
        "With register only: true registers the case as urgent (the urgent limit applies), false as normal; "
        "null or left out keeps it as it is."
    ),
    "TransitionResult.case": "The case after the action, with its new version.",
    "TransitionResult.allowed_actions": "The actions the caller may take next; empty when none.",
    "BulkItem.case_id": "The case to act on.",
    "BulkItem.version": "The case's version as read; the item fails when the case changed meanwhile.",
    "BulkItem.action": "The action, for example dispatch or reassign (actions needing photos fail).",
    "BulkItem.department": "The department's code, for dispatch and reassign.",
    "BulkItem.note": "A note, at most 1,000 characters.",
    "BulkRequest.items": "1 to 200 items, applied in order, each on its own.",
    "BulkOutcome.case_id": "The item's case.",
    "BulkOutcome.status": "200 when the action was taken; otherwise the HTTP status the action alone would have had.",
    "BulkOutcome.code": "Failed items: the problem code, for example version_conflict; left out on success.",
    "BulkOutcome.detail": "Failed items: what went wrong, in words; left out on success.",
    "BulkOutcome.version": "Succeeded items: the case's new version; left out on failure.",
    "BulkOutcome.state": "Succeeded items: the case's new state; left out on failure.",
    "BulkResult.results": "One outcome per item, in the order sent.",
    "BulkResult.succeeded": "How many items were applied.",
    "BulkResult.failed": "How many items failed.",
    # inspectors and sync
    "Task.task_id": "The task's id (the step's id).",
    "Task.kind": "verify: look on site whether a citizen's report is real (核实); check: look whether the fix holds (核查).",
    "Task.case": "The case to go to.",
    "Task.due_at": "The task's deadline, UTC.",
    "Task.distance_m": "Metres from the position sent, 1 decimal; null when no position was sent.",
    "Tombstone.type": "case: a case that left the caller's department; task: a task closed or given to someone else.",
    "Tombstone.id": "The case's id or the task's id, as text.",
    "SyncPage.cases": "Cases in the caller's scope changed since the cursor, in the order they changed.",
    "SyncPage.tasks": "The caller's open verify and check tasks on the cases of this page; empty for other roles.",
    "SyncPage.tombstones": (
        "What to remove from the phone: tasks that ended, cases that left the caller's department. A first "
        "sync carries none for what ended before it began."
    ),
    "SyncPage.next_cursor": "Always given: keep it and send it back as `cursor` next time.",
    "SyncPage.more": "true when more changes wait: sync again at once with next_cursor.",
    # the calendar
    "CalendarDay.day": "The day, YYYY-MM-DD, in the city's time zone.",
    "CalendarDay.workday": "true when deadlines count working hours on this day.",
    "CalendarDay.source": (
        "Why: override (an admin's decision), official (the State Council calendar: holidays and make-up "
        "working days, 调休) or weekday-rule (Monday to Friday, for a year the official calendar does not cover)."
    ),
    "CalendarDay.festival": (
        "The official holiday the day belongs to, for a day off or a make-up working day (for example National "
        "Day); null for an ordinary day."
    ),
    "CalendarDay.note": "The admin's note on an override; empty otherwise.",
    "CalendarPage.from": "The first day listed, YYYY-MM-DD.",
    "CalendarPage.to": "The last day listed (included), YYYY-MM-DD.",
    "CalendarPage.timezone": "The city's time zone (IANA), for example Asia/Shanghai.",
    "CalendarPage.hours_per_day": "Working hours in a working day (7 by default: 09:00-12:00 and 13:30-17:30).",
    "CalendarPage.days": "Every day of the range, in order.",
    "CalendarOverrideSet.workday": "true: a working day; false: a day off.",
    "CalendarOverrideSet.note": "Why, at most 200 characters, for example 台风停工 (typhoon).",
    # indicators
    "IndicatorReport.from": "The first day of the window, YYYY-MM-DD.",
    "IndicatorReport.to": "The last day of the window (included), YYYY-MM-DD.",
    "IndicatorReport.timezone": "The city's time zone the days are local to.",
    "IndicatorReport.group_by": "department, inspector, grid or district.",
    "IndicatorReport.window_start": "The window's start, UTC (00:00 local time of `from`).",
    "IndicatorReport.window_end": "The window's end, UTC (00:00 local time after `to`), excluded.",
    "IndicatorReport.as_of": "The cut-off the figures stand at: the window's end, or now when it has not ended.",
    "IndicatorReport.names": (
        "The indicators of the grouping, by key, named in the caller's language (handle_rate: 处置率 or handled)."
    ),
    "IndicatorReport.weights": "The weight of each indicator in the score, in points adding up to 100.",
    "IndicatorReport.groups": "One entry per group with at least one indicator that has a denominator.",
    "GroupIndicators.key": "The group: a department code, a user id, a responsibility grid id, or a district code.",
    "GroupIndicators.name": "The group's name: a department's name, an inspector's name, a grid's code and name, a district code.",
    "GroupIndicators.indicators": "Each indicator of the grouping by key (for example handle_rate), as a ratio.",
    "GroupIndicators.score": (
        "The weighted score, 0 to 100, 2 decimals; indicators where lower is better count as 1 − ratio. Null "
        "when no weighted indicator has a denominator."
    ),
    "GroupIndicators.grade": "A (90 and above), B (75), C (60), D (40) or E (below 40); null without a score.",
    "GroupIndicators.score_weight": (
        "How many of the 100 points the score rests on: indicators without a denominator leave it, and the "
        "weights are scaled to the rest."
    ),
    "Ratio.numerator": "The count that met the indicator (for example handled on time).",
    "Ratio.denominator": "The count it is measured against (for example due to be handled).",
    "Ratio.ratio": "numerator / denominator, 0 to 1, 4 decimals; null when the denominator is 0.",
    "IndicatorWeights.kind": "The kind of group: department, inspector, grid or district.",
    "IndicatorWeights.weights": "Every indicator of the kind with its points; 0 means listed but not scored.",
    "IndicatorWeights.updated_at": (
        "When they last changed, UTC (when the published defaults were installed, until an admin sets them); "
        "null when none are stored."
    ),
    "IndicatorWeights.updated_by": "The admin who last set them; null for the published defaults.",
    "IndicatorWeightsSet.weights": (
        "Points per indicator of the kind, each 0 to 100, adding up to 100; an indicator left out weighs 0. "
        "Keys are indicator keys, for example handle_rate, handle_on_time_rate, rework_rate."
    ),
    # grid imports
    "ImportReport.id": "The run's id in the import log.",
    "ImportReport.kind": "unit (单元网格) or responsibility (责任网格).",
    "ImportReport.file_name": "The file's name as given.",
    "ImportReport.sha256": "The SHA-256 of the file, 64 hex digits.",
    "ImportReport.outcome": "imported, dry_run (checked, nothing written) or refused (nothing written).",
    "ImportReport.dry_run": "Whether it was a dry run.",
    "ImportReport.make_valid": "Whether invalid polygons were repaired instead of refused.",
    "ImportReport.features": "Features in the file.",
    "ImportReport.created": "Grids created (codes not stored before).",
    "ImportReport.updated": "Grids whose stored polygon, name or links changed.",
    "ImportReport.unchanged": "Grids of the file identical to what was stored.",
    "ImportReport.not_in_file": "Stored grids of this kind that the file does not mention; they are kept.",
    "ImportReport.links_changed": "Unit grids whose responsibility grid changed with this import.",
    "ImportReport.units_unassigned": "Stored unit grids with no responsibility grid after the import.",
    "ImportReport.parts": "Separate pieces of the union of the file's grids (1 when the file is one piece).",
    "ImportReport.gaps": "Gaps enclosed by the file's grids that none covers (at most 1,000 listed).",
    "ImportReport.gaps_total": "How many gaps there are in all.",
    "ImportReport.repaired": "Polygons repaired by make_valid, one finding each.",
    "ImportReport.warnings": "Findings that do not refuse the file.",
    "ImportReport.problems": "What refused the file (at most 10,000 listed); empty when it was accepted.",
    "ImportReport.problems_total": "How many problems there are in all.",
    "ImportReport.seconds": "Seconds spent per phase (parse, load, check, write) and in total.",
    "ImportReport.created_at": "When the run happened, UTC.",
    "ImportProblem.problem": (
        "What is wrong, as a code: for example invalid_geometry, unclosed_ring, overlap, overlaps_stored_grid, "
        "unknown_unit_codes, unsupported_crs, no_features, repaired, gap."
    ),
    "ImportProblem.detail": "The finding in words.",
    "ImportProblem.index": "The feature's position in the file, from 0; null or left out for the whole file.",
    "ImportProblem.code": "The feature's grid code; null or left out when it has none.",
    "ImportProblem.other_index": "For an overlap: the other feature's position in the file.",
    "ImportProblem.other_code": "For an overlap: the other grid's code (in the file or stored).",
    "ImportProblem.area_m2": "For an overlap, a repair or a gap: the area concerned, in m².",
    "Gap.area_m2": "The gap's area in m².",
    "Gap.lat": "The latitude of a point inside the gap (WGS-84).",
    "Gap.lon": "The longitude of a point inside the gap (WGS-84).",
    "Gap.around": "Codes of grids on the gap's edge (at most 8).",
    "ImportLogEntry.id": "The run's id.",
    "ImportLogEntry.kind": "unit or responsibility.",
    "ImportLogEntry.file_name": "The file's name as given.",
    "ImportLogEntry.sha256": "The SHA-256 of the file.",
    "ImportLogEntry.outcome": "imported, dry_run or refused.",
    "ImportLogEntry.dry_run": "Whether it was a dry run.",
    "ImportLogEntry.make_valid": "Whether invalid polygons were repaired.",
    "ImportLogEntry.counts": (
        "The run's counts: features, created, updated, unchanged, not_in_file, links_changed, "
        "units_unassigned, parts, gaps_total, repaired, warnings, problems, and seconds per phase."
    ),
    "ImportLogEntry.problem_count": "How many problems refused the file; 0 for an accepted one.",
    "ImportLogEntry.actor_id": "Who ran it; null for an operator's command.",
    "ImportLogEntry.actor_label": "A readable label of who ran it.",
    "ImportLogEntry.created_at": "When it ran, UTC.",
    "ImportLogDetail.id": "The run's id.",
    "ImportLogDetail.kind": "unit or responsibility.",
    "ImportLogDetail.file_name": "The file's name as given.",
    "ImportLogDetail.sha256": "The SHA-256 of the file.",
    "ImportLogDetail.outcome": "imported, dry_run or refused.",
    "ImportLogDetail.dry_run": "Whether it was a dry run.",
    "ImportLogDetail.make_valid": "Whether invalid polygons were repaired.",
    "ImportLogDetail.counts": "The run's counts, as in ImportReport, with seconds per phase.",
    "ImportLogDetail.problem_count": "How many problems refused the file; 0 for an accepted one.",
    "ImportLogDetail.actor_id": "Who ran it; null for an operator's command.",
    "ImportLogDetail.actor_label": "A readable label of who ran it.",
    "ImportLogDetail.created_at": "When it ran, UTC.",
    "ImportLogDetail.problems": (
        "Findings as ImportProblem objects: what refused the file, or for an accepted one its repairs, "
        "warnings and gaps (at most 10,000)."
    ),
    # duties and department links
    "DutyAssign.inspector_id": "The user to put on duty: enabled, with the inspector role for the grid's district.",
    "DutyAssign.grid": "The responsibility grid's 9-digit code, for example 110101001.",
    "DutyAssign.starts_at": "When the duty starts, RFC 3339 with an offset.",
    "DutyAssign.ends_at": "When it ends (after starts_at), with an offset; null or left out for no end.",
    "Duty.id": "The duty's id.",
    "Duty.inspector_id": "The inspector on duty.",
    "Duty.inspector_name": "The inspector's display name.",
    "Duty.grid": "The responsibility grid's 9-digit code.",
    "Duty.starts_at": "When the duty starts, UTC.",
    "Duty.ends_at": "When it ends, UTC; null for no end.",
    "Duty.created_at": "When it was put, UTC.",
    "Duty.updated_at": "When it last changed, UTC.",
    "CategoryDepartmentLink.category": "The category's code, for example E0102.",
    "CategoryDepartmentLink.department": "The department's code (2 to 32 of a-z 0-9 _ -), for example sanitation.",
    "CategoryDepartmentLink.district_code": (
        "The district's 6-digit code (GB/T 2260), for example 110101; null or left out for every district "
        "without its own link."
    ),
    "CategoryDepartment.category": "The category's code.",
    "CategoryDepartment.district_code": "The district's 6-digit code; null for every district without its own link.",
    "CategoryDepartment.department": "The department's code.",
    "CategoryDepartment.created_at": "When the link was made, UTC.",
    "CategoryDepartment.updated_at": "When it last changed, UTC.",
    # devices, quiet hours, inbox
    "DeviceRegistration.token": "The FCM registration token from the Firebase Messaging SDK (at most 4,096 characters).",
    "DeviceRegistration.platform": "android, ios or web.",
    "DeviceRegistration.app_version": "The app's version, 1 to 32 characters, for example 2.4.1.",
    "DeviceRegistration.locale": "The language pushes to this phone are written in: zh-CN (default) or en.",
    "Device.token": "The FCM registration token.",
    "Device.platform": "android, ios or web.",
    "Device.app_version": "The app's version as last registered.",
    "Device.locale": "The language of its pushes.",
    "Device.created_at": "When it was first registered, UTC.",
    "Device.updated_at": "When it was last registered, UTC (the least recent is forgotten first).",
    "QuietHours.start": "When quiet hours begin, HH:MM (00:00 to 23:59), local time of the city.",
    "QuietHours.end": "When they end, HH:MM, local time; earlier than start means the next morning. Not equal to start.",
    "InboxItem.id": "The message's id.",
    "InboxItem.kind": (
        "What it is about: report.registered, report.rejected, report.dispatched, report.closed, "
        "report.reopened, task.verify, task.check, case.dispatched, deadline.due_soon, deadline.overdue, "
        "bill.reminder (bills of one of the reader's homes past due), fund.topup (a home's maintenance fund "
        "below 30% of its first deposit), announcement.urgent (an urgent announcement of one of the reader's "
        "estates; its link opens the announcement), vote.notice (notice of a matter put to the owners' vote; "
        "its link opens the matter), vote.result (its result is published; the link opens the result), or a "
        "repair's or complaint's: to its reporter repair.accepted, repair.assigned, repair.handled (confirm it or "
        "send it back), to the property staff it is assigned to repair.task, repair.rework, repair.confirmed, "
        "repair.rated, and to that person (or the estate's property staff for the company's own steps) "
        "repair.due_soon and repair.overdue (the supervise step: to the district's housing officers); an "
        "escalation (督办) tells the estate's property staff and manager repair.escalated and the district's "
        "housing officers repair.supervised, the officer's conclusion tells the reporter repair.concluded (the "
        "link opens the repair). An app shows a kind it does not know "
        "as a plain message."
    ),
    "InboxItem.title": "The title, in the reader's language.",
    "InboxItem.body": "The text, in the reader's language; times in the city's local time.",
    "InboxItem.case_id": "The case it is about; null when none.",
    "InboxItem.report_id": "The reader's report it is about; null when the message is not about their own report.",
    "InboxItem.link": (
        "The deep link to open: cityloop://reports/{id}, cityloop://cases/{id}, cityloop://homes/{id}/bills, "
        "cityloop://homes/{id}/fund or cityloop://inbox."
    ),
    "InboxItem.urgent": "true for an urgent case or an overdue step (it also ignores quiet hours).",
    "InboxItem.created_at": "When it was sent, UTC.",
    "InboxItem.read_at": "When the reader marked it read, UTC; null while unread.",
    "InboxPage.items": "The messages of this page, newest first.",
    "InboxPage.unread_count": "How many of the reader's messages are unread (all pages).",
    "InboxPage.next_cursor": "Pass it back as `cursor` for the next page; null on the last page.",
    "UnreadCount.unread_count": "How many of the caller's messages are unread.",
    "ReadAllResult.marked": "How many messages this call marked read.",
    "ReadAllResult.unread_count": "How many are still unread.",
    # webhooks, deliveries, the outbox
    "WebhookCreate.url": (
        "Where to POST events: an http or https URL (at most 2,048 characters) whose host resolves to public "
        "addresses only."
    ),
    "WebhookCreate.events": "The events to send, 1 to 3 of case.transitioned, case.due_soon, case.overdue.",
    "WebhookCreate.secret": (
        "The shared secret the signature is made with, 16 to 256 characters; it is never shown again."
    ),
    "WebhookCreate.name": "A name for admins, at most 100 characters, for example 12345 热线平台.",
    "Webhook.id": "The subscriber's id.",
    "Webhook.name": "Its name.",
    "Webhook.url": "Where events are POSTed.",
    "Webhook.events": "The events it receives.",
    "Webhook.status": "active, or paused after too many failures in a row (resume it when fixed).",
    "Webhook.consecutive_failures": "Failed deliveries in a row; 10 (the default) pauses the subscriber.",
    "Webhook.paused_at": "When it was paused, UTC; null while active.",
    "Webhook.paused_reason": "Why it was paused (the last error); null while active.",
    "Webhook.secret_hint": "The secret's last four characters, after an ellipsis (…k9Qz).",
    "Webhook.created_at": "When it was registered, UTC.",
    "Delivery.id": "The delivery's id; the paging cursor of delivery logs.",
    "Delivery.channel": "push (to a user's phones through FCM) or webhook (to a subscriber).",
    "Delivery.event": "The event or message kind it carries, for example case.transitioned.",
    "Delivery.outbox_id": "The outbox entry it came from.",
    "Delivery.status": (
        "pending (waiting or being retried), done (delivered), dead (given up after every attempt) or dropped "
        "(the token was refused or the subscriber removed)."
    ),
    "Delivery.attempts": "Attempts made so far (8 at most by default, with backoff from 5 s up to 1 hour).",
    "Delivery.available_at": "When it is (or was) next tried, UTC; quiet hours move it.",
    "Delivery.last_error": "The last error in words; null when none.",
    "Delivery.last_status": "The last HTTP status the receiver answered; null when none.",
    "Delivery.created_at": "When it was created, UTC.",
    "Delivery.updated_at": "When it last changed, UTC.",
    "Delivery.done_at": "When it was delivered, UTC; null until then.",
    "Delivery.user_id": "Push only: the user whose phones it goes to; null for webhooks.",
    "Delivery.subscriber_id": "Webhook only: the subscriber it goes to; null for pushes.",
    "DeliveryPage.items": "The deliveries of this page, newest first.",
    "DeliveryPage.next_cursor": "Pass it as `before` for the next page (the last id); null on the last page.",
    "OutboxEntry.id": "The entry's id; the paging cursor of the outbox.",
    "OutboxEntry.topic": "The event, for example case.transitioned, case.due_soon, case.overdue.",
    "OutboxEntry.payload": "The event's data: ids only (case_id, event_id, action, from, to, round ...).",
    "OutboxEntry.status": "pending, done or dead.",
    "OutboxEntry.attempts": "Fan-out attempts made so far.",
    "OutboxEntry.last_error": "The last error of the fan-out; null when none.",
    "OutboxEntry.created_at": "When the event was written, UTC.",
    "OutboxEntry.available_at": "When it is (or was) next tried, UTC.",
    "OutboxPage.items": "The entries of this page, newest first.",
    "OutboxPage.next_cursor": "Pass it as `before` for the next page (the last id); null on the last page.",
    "Replayed.replayed": "How many were put back in the queue.",
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


# examples ---------------------------------------------------------------------------------------------------
# schema name -> one valid example: a report of exposed rubbish (暴露垃圾) near Wangfujing, Dongcheng, Beijing,
# filed on 22 November 2026 at 09:41 local time, verified on site, registered and dispatched to sanitation.

EXAMPLES: dict[str, Any] = {
    # sign-in and people
    "OtpRequest": {"phone": "13812341234"},
    "OtpSent": {"expires_in": 300, "resend_after": 60},
    "OtpGrant": {"grant_type": "otp", "phone": "13812341234", "code": "482913"},
    "RefreshGrant": {
        "grant_type": "refresh_token",
        "refresh_token": "Xq3v9LmT2pR8sK1nB6yW4cZ0dF7gH5jA_e-uN3oQ2iM",
    },
    "FirebaseGrant": {
        "grant_type": "firebase",
        "id_token": (
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOTczZWUwIiwidHlwIjoiSldUIn0."
            "eyJpc3MiOiJodHRwczovL3NlY3VyZXRva2VuLmdvb2dsZS5jb20vY2l0eWxvb3AtZGVtbyIsImF1ZCI6ImNpdHlsb29wLWRlbW8i"
            "LCJwaG9uZV9udW1iZXIiOiIrODYxMzgxMjM0MTIzNCJ9.c2lnbmF0dXJlLW9mLXRoZS1maXJlYmFzZS10b2tlbg"
        ),
    },
    "TokenPair": {
        "access_token": (
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJzdWIiOiIwMTkzNmExMC0yYjNjLTdkNGUtOGY1YS02YjdjOGQ5ZTBmMTEiLCJleHAiOjE3OTQ3OTEyODh9."
            "4sQm0xY2b9v1cJ3kT7wZ5nR8pL2dF6gH0aE1iU3oY9s"
        ),
        "refresh_token": "Xq3v9LmT2pR8sK1nB6yW4cZ0dF7gH5jA_e-uN3oQ2iM",
        "expires_in": 900,
        "token_type": "Bearer",
        "user_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
    },
    "User": {
        "id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
        "phone": "+8613812341234",
        "display_name": "王女士",
        "locale": "zh-CN",
        "created_at": "2026-11-20T12:03:44.218Z",
        "roles": [{"role": "citizen"}],
        "disabled": False,
    },
    "UserView": {
        "id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "display_name": "李建国",
        "locale": "zh-CN",
        "created_at": "2026-03-02T01:15:09.771Z",
        "roles": [{"role": "inspector", "scope_kind": "district", "scope_id": "110101"}],
        "disabled": False,
        "phone": None,
        "phone_masked": "139****5678",
    },
    "UserUpdate": {"display_name": "王女士", "locale": "zh-CN"},
    "RoleGrant": {"role": "department_handler", "scope_kind": "department", "scope_id": "sanitation"},
    "RolesUpdate": {
        "roles": [
            {"role": "inspector", "scope_kind": "district", "scope_id": "110101"},
            {"role": "citizen"},
        ]
    },
    "AuditEntry": {
        "id": 48213,
        "at": "2026-11-22T02:31:15.402Z",
        "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
        "actor_label": "admin 张伟",
        "action": "user.roles.set",
        "target_type": "user",
        "target_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "details": {
            "before": [{"role": "citizen"}],
            "after": [{"role": "inspector", "scope_kind": "district", "scope_id": "110101"}],
        },
        "client_ip": "10.20.3.41",
        "request_id": "c1f0a9d2e8b74f36",
    },
    "AuditPage": {
        "items": [
            {
                "id": 48213,
                "at": "2026-11-22T02:31:15.402Z",
                "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
                "actor_label": "admin 张伟",
                "action": "report.hide",
                "target_type": "report",
                "target_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "details": {
                    "reason": "照片含有可识别的人脸",
                    "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                },
                "client_ip": "10.20.3.41",
                "request_id": "c1f0a9d2e8b74f36",
            }
        ],
        "next_cursor": 48213,
    },
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
    # cases
    "CurrentStep": {
        "step": "accept",
        "due_at": "2026-11-22T03:20:03.861Z",
        "due_soon_at": "2026-11-22T03:08:03.861Z",
        "paused": False,
        "assignee_id": None,
    },
    "CaseSummary": {
        "id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "state": "dispatched",
        "version": 7,
        "round": 1,
        "category": "E0102",
        "urgent": False,
        "location": {"lat": 39.9289, "lon": 116.416},
        "address": "北京市东城区王府井大街与东单三条交叉口东北角",
        "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
        "reporter_count": 2,
        "district_code": "110101",
        "department": "sanitation",
        "responsibility_grid_id": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
        "unit_grid_id": "01935a01-6e7f-7a8b-9c0d-2e3f4a5b6c02",
        "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "created_at": "2026-11-22T01:41:27.498Z",
        "updated_at": "2026-11-22T02:20:03.861Z",
        "current_step": {
            "step": "accept",
            "due_at": "2026-11-22T03:20:03.861Z",
            "due_soon_at": "2026-11-22T03:08:03.861Z",
            "paused": False,
            "assignee_id": None,
        },
    },
    "HistoryEntry": {
        "id": 90417,
        "at": "2026-11-22T02:05:31.240Z",
        "kind": "verify",
        "actor_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "from_state": "verifying",
        "to_state": "verified",
        "note": "现场核实属实，约 2 立方米生活垃圾。",
        "photo_ids": ["01936c3a-1b2c-7d3e-8f4a-5b6c7d8e9f01"],
        "public": False,
        "data": {"action": "verify"},
    },
    "StepRecord": {
        "round": 1,
        "step": "verify",
        "assignee_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "department": None,
        "started_at": "2026-11-22T01:41:27.530Z",
        "due_at": "2026-11-22T02:41:27.530Z",
        "completed_at": "2026-11-22T02:05:31.240Z",
        "outcome": "verify",
        "paused": False,
        "extended": False,
    },
    "CaseDetail": {
        "id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "state": "dispatched",
        "category": "E0102",
        "location": {"lat": 39.9289, "lon": 116.416},
        "created_at": "2026-11-22T01:41:27.498Z",
        "view": "staff",
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
        "summary": {
            "id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
            "state": "dispatched",
            "version": 7,
            "round": 1,
            "category": "E0102",
            "urgent": False,
            "location": {"lat": 39.9289, "lon": 116.416},
            "address": "北京市东城区王府井大街与东单三条交叉口东北角",
            "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
            "reporter_count": 2,
            "district_code": "110101",
            "department": "sanitation",
            "responsibility_grid_id": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
            "unit_grid_id": "01935a01-6e7f-7a8b-9c0d-2e3f4a5b6c02",
            "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
            "created_at": "2026-11-22T01:41:27.498Z",
            "updated_at": "2026-11-22T02:20:03.861Z",
            "current_step": {
                "step": "accept",
                "due_at": "2026-11-22T03:20:03.861Z",
                "due_soon_at": "2026-11-22T03:08:03.861Z",
                "paused": False,
                "assignee_id": None,
            },
        },
        "allowed_actions": ["reassign"],
        "history": [
            {
                "id": 90388,
                "at": "2026-11-22T01:41:27.512Z",
                "kind": "reported",
                "actor_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
                "from_state": None,
                "to_state": "reported",
                "note": "",
                "photo_ids": [],
                "public": True,
                "data": {},
            },
            {
                "id": 90389,
                "at": "2026-11-22T01:41:27.525Z",
                "kind": "routed",
                "actor_id": "01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11",
                "from_state": None,
                "to_state": None,
                "note": "",
                "photo_ids": [],
                "public": False,
                "data": {
                    "queue": "inspector",
                    "unit_grid_id": "01935a01-6e7f-7a8b-9c0d-2e3f4a5b6c02",
                    "unit_grid_code": "110101001002003",
                    "responsibility_grid_id": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
                    "responsibility_grid_code": "110101001",
                    "district_code": "110101",
                    "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
                    "department_code": "sanitation",
                    "reason": {
                        "point": {"lat": 39.9289, "lon": 116.416, "crs": "wgs84"},
                        "at": "2026-11-22T01:41:27.525000+00:00",
                        "unit_grid": {"code": "110101001002003", "rule": "covers_point"},
                        "responsibility_grid": {"code": "110101001", "rule": "listed"},
                        "inspector": {
                            "user_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
                            "duty_id": "01936000-5b6c-7d7e-8f80-9a1b2c3d4e5f",
                            "starts_at": "2026-11-22T00:00:00+00:00",
                            "ends_at": "2026-11-22T10:00:00+00:00",
                            "rule": "on_duty",
                        },
                        "queue": "inspector",
                        "department": {"code": "sanitation", "rule": "category_default"},
                    },
                },
            },
            {
                "id": 90390,
                "at": "2026-11-22T01:41:27.530Z",
                "kind": "send_to_verify",
                "actor_id": None,
                "from_state": "reported",
                "to_state": "verifying",
                "note": "",
                "photo_ids": [],
                "public": False,
                "data": {"action": "send_to_verify"},
            },
            {
                "id": 90417,
                "at": "2026-11-22T02:05:31.240Z",
                "kind": "verify",
                "actor_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
                "from_state": "verifying",
                "to_state": "verified",
                "note": "现场核实属实，约 2 立方米生活垃圾。",
                "photo_ids": ["01936c3a-1b2c-7d3e-8f4a-5b6c7d8e9f01"],
                "public": False,
                "data": {"action": "verify"},
            },
            {
                "id": 90433,
                "at": "2026-11-22T02:12:09.377Z",
                "kind": "register",
                "actor_id": "01935f12-4d5e-7f6a-8b7c-9d0e1f2a3b43",
                "from_state": "verified",
                "to_state": "registered",
                "note": "",
                "photo_ids": [],
                "public": True,
                "data": {"action": "register"},
            },
            {
                "id": 90451,
                "at": "2026-11-22T02:20:03.861Z",
                "kind": "dispatch",
                "actor_id": "01935f14-5e6f-7a7b-9c8d-0e1f2a3b4c54",
                "from_state": "registered",
                "to_state": "dispatched",
                "note": "请今日内清运",
                "photo_ids": [],
                "public": True,
                "data": {"action": "dispatch", "from_department": "sanitation"},
            },
        ],
        "steps": [
            {
                "round": 1,
                "step": "verify",
                "assignee_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
                "department": None,
                "started_at": "2026-11-22T01:41:27.530Z",
                "due_at": "2026-11-22T02:41:27.530Z",
                "completed_at": "2026-11-22T02:05:31.240Z",
                "outcome": "verify",
                "paused": False,
                "extended": False,
            },
            {
                "round": 1,
                "step": "register",
                "assignee_id": None,
                "department": None,
                "started_at": "2026-11-22T02:05:31.240Z",
                "due_at": "2026-11-22T02:35:31.240Z",
                "completed_at": "2026-11-22T02:12:09.377Z",
                "outcome": "register",
                "paused": False,
                "extended": False,
            },
            {
                "round": 1,
                "step": "dispatch",
                "assignee_id": None,
                "department": None,
                "started_at": "2026-11-22T02:12:09.377Z",
                "due_at": "2026-11-22T02:42:09.377Z",
                "completed_at": "2026-11-22T02:20:03.861Z",
                "outcome": "dispatch",
                "paused": False,
                "extended": False,
            },
            {
                "round": 1,
                "step": "accept",
                "assignee_id": None,
                "department": "sanitation",
                "started_at": "2026-11-22T02:20:03.861Z",
                "due_at": "2026-11-22T03:20:03.861Z",
                "completed_at": None,
                "outcome": None,
                "paused": False,
                "extended": False,
            },
        ],
        "report_numbers": ["2026112200042", "2026112200057"],
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
    },
    "CasePage": {
        "items": [
            {
                "id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                "state": "dispatched",
                "version": 7,
                "round": 1,
                "category": "E0102",
                "urgent": False,
                "location": {"lat": 39.9289, "lon": 116.416},
                "address": "北京市东城区王府井大街与东单三条交叉口东北角",
                "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
                "reporter_count": 2,
                "district_code": "110101",
                "department": "sanitation",
                "responsibility_grid_id": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
                "unit_grid_id": "01935a01-6e7f-7a8b-9c0d-2e3f4a5b6c02",
                "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
                "created_at": "2026-11-22T01:41:27.498Z",
                "updated_at": "2026-11-22T02:20:03.861Z",
                "current_step": {
                    "step": "accept",
                    "due_at": "2026-11-22T03:20:03.861Z",
                    "due_soon_at": "2026-11-22T03:08:03.861Z",
                    "paused": False,
                    "assignee_id": None,
                },
            }
        ],
        "next_cursor": "MDE5MzZjMmUtNTlmOC03YTQxLTljM2ItMmQxZTBmNGE1YjYy",
    },
    "TransitionRequest": {"action": "dispatch", "department": "sanitation", "note": "请今日内清运"},
    "TransitionResult": {
        "case": {
            "id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
            "state": "dispatched",
            "version": 7,
            "round": 1,
            "category": "E0102",
            "urgent": False,
            "location": {"lat": 39.9289, "lon": 116.416},
            "address": "北京市东城区王府井大街与东单三条交叉口东北角",
            "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
            "reporter_count": 2,
            "district_code": "110101",
            "department": "sanitation",
            "responsibility_grid_id": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
            "unit_grid_id": "01935a01-6e7f-7a8b-9c0d-2e3f4a5b6c02",
            "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
            "created_at": "2026-11-22T01:41:27.498Z",
            "updated_at": "2026-11-22T02:20:03.861Z",
            "current_step": {
                "step": "accept",
                "due_at": "2026-11-22T03:20:03.861Z",
                "due_soon_at": "2026-11-22T03:08:03.861Z",
                "paused": False,
                "assignee_id": None,
            },
        },
        "allowed_actions": ["reassign"],
    },
    "BulkItem": {
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "version": 6,
        "action": "dispatch",
        "department": "sanitation",
        "note": "请今日内清运",
    },
    "BulkRequest": {
        "items": [
            {
                "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                "version": 6,
                "action": "dispatch",
                "department": "sanitation",
                "note": "请今日内清运",
            },
            {
                "case_id": "01936c40-2a3b-7c4d-8e5f-6a7b8c9d0e1f",
                "version": 9,
                "action": "reassign",
                "department": "municipal",
                "note": "属市政道路设施，改派市政管理处。",
            },
        ]
    },
    "BulkOutcome": {
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "status": 200,
        "version": 7,
        "state": "dispatched",
    },
    "BulkResult": {
        "results": [
            {
                "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                "status": 200,
                "version": 7,
                "state": "dispatched",
            },
            {
                "case_id": "01936c40-2a3b-7c4d-8e5f-6a7b8c9d0e1f",
                "status": 409,
                "code": "version_conflict",
                "detail": "the case changed since you read it",
            },
        ],
        "succeeded": 1,
        "failed": 1,
    },
    "Task": {
        "task_id": 55231,
        "kind": "verify",
        "case": {
            "id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
            "state": "verifying",
            "version": 3,
            "round": 1,
            "category": "E0102",
            "urgent": False,
            "location": {"lat": 39.9289, "lon": 116.416},
            "address": "北京市东城区王府井大街与东单三条交叉口东北角",
            "description": "王府井大街路口东北角垃圾桶旁堆放大量生活垃圾，已两天无人清运，有异味。",
            "reporter_count": 1,
            "district_code": "110101",
            "department": "sanitation",
            "responsibility_grid_id": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
            "unit_grid_id": "01935a01-6e7f-7a8b-9c0d-2e3f4a5b6c02",
            "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
            "created_at": "2026-11-22T01:41:27.498Z",
            "updated_at": "2026-11-22T01:41:27.530Z",
            "current_step": {
                "step": "verify",
                "due_at": "2026-11-22T02:41:27.530Z",
                "due_soon_at": "2026-11-22T02:29:27.530Z",
                "paused": False,
                "assignee_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
            },
        },
        "due_at": "2026-11-22T02:41:27.530Z",
        "distance_m": 412.7,
    },
    "Tombstone": {"type": "task", "id": "55231"},
    "SyncPage": {
        "cases": [],
        "tasks": [],
        "tombstones": [{"type": "task", "id": "55231"}],
        "next_cursor": "MjAyNi0xMS0yMlQwMjoxNTowMC4wMDAwMDArMDA6MDA",
        "more": False,
    },
    # the calendar
    "CalendarDay": {
        "day": "2026-10-10",
        "workday": True,
        "source": "official",
        "festival": "National Day",
        "note": "",
    },
    "CalendarPage": {
        "from": "2026-10-07",
        "to": "2026-10-10",
        "timezone": "Asia/Shanghai",
        "hours_per_day": 7.0,
        "days": [
            {
                "day": "2026-10-07",
                "workday": False,
                "source": "official",
                "festival": "National Day",
                "note": "",
            },
            {"day": "2026-10-08", "workday": True, "source": "official", "festival": None, "note": ""},
            {
                "day": "2026-10-09",
                "workday": False,
                "source": "override",
                "festival": None,
                "note": "台风红色预警，全市停工",
            },
            {
                "day": "2026-10-10",
                "workday": True,
                "source": "official",
                "festival": "National Day",
                "note": "",
            },
        ],
    },
    "CalendarOverrideSet": {"workday": False, "note": "台风红色预警，全市停工"},
    # indicators
    "Ratio": {"numerator": 43, "denominator": 50, "ratio": 0.86},
    "GroupIndicators": {
        "key": "sanitation",
        "name": "环境卫生管理处",
        "indicators": {
            "handle_rate": {"numerator": 46, "denominator": 50, "ratio": 0.92},
            "handle_on_time_rate": {"numerator": 43, "denominator": 50, "ratio": 0.86},
            "overdue_open_rate": {"numerator": 4, "denominator": 50, "ratio": 0.08},
            "extension_rate": {"numerator": 2, "denominator": 50, "ratio": 0.04},
            "rework_rate": {"numerator": 3, "denominator": 46, "ratio": 0.0652},
        },
        "score": 91.5,
        "grade": "A",
        "score_weight": 100.0,
    },
    "IndicatorReport": {
        "from": "2026-10-01",
        "to": "2026-10-31",
        "timezone": "Asia/Shanghai",
        "group_by": "department",
        "window_start": "2026-09-30T16:00:00Z",
        "window_end": "2026-10-31T16:00:00Z",
        "as_of": "2026-10-31T16:00:00Z",
        "names": {
            "handle_rate": "处置率",
            "handle_on_time_rate": "按期处置率",
            "overdue_open_rate": "超期待处置率",
            "extension_rate": "延期率",
            "rework_rate": "返工率",
        },
        "weights": {
            "handle_rate": 30.0,
            "handle_on_time_rate": 20.0,
            "overdue_open_rate": 20.0,
            "extension_rate": 10.0,
            "rework_rate": 20.0,
        },
        "groups": [
            {
                "key": "sanitation",
                "name": "环境卫生管理处",
                "indicators": {
                    "handle_rate": {"numerator": 46, "denominator": 50, "ratio": 0.92},
                    "handle_on_time_rate": {"numerator": 43, "denominator": 50, "ratio": 0.86},
                    "overdue_open_rate": {"numerator": 4, "denominator": 50, "ratio": 0.08},
                    "extension_rate": {"numerator": 2, "denominator": 50, "ratio": 0.04},
                    "rework_rate": {"numerator": 3, "denominator": 46, "ratio": 0.0652},
                },
                "score": 91.5,
                "grade": "A",
                "score_weight": 100.0,
            }
        ],
    },
    "IndicatorWeights": {
        "kind": "department",
        "weights": {
            "handle_rate": 30.0,
            "handle_on_time_rate": 20.0,
            "overdue_open_rate": 20.0,
            "extension_rate": 10.0,
            "rework_rate": 20.0,
        },
        "updated_at": "2026-11-02T06:30:12.004Z",
        "updated_by": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
    },
    "IndicatorWeightsSet": {
        "weights": {
            "handle_rate": 30,
            "handle_on_time_rate": 20,
            "overdue_open_rate": 20,
            "extension_rate": 10,
            "rework_rate": 20,
        }
    },
    # grid imports, duties, department links
    "ImportProblem": {
        "problem": "overlap",
        "detail": "features 17 and 18 share 36.2 m²",
        "index": 17,
        "code": "110101001002003",
        "other_index": 18,
        "other_code": "110101001002004",
        "area_m2": 36.2,
    },
    "Gap": {
        "area_m2": 184.6,
        "lat": 39.91327,
        "lon": 116.41285,
        "around": ["110101001002003", "110101001002007"],
    },
    "ImportReport": {
        "id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
        "kind": "unit",
        "file_name": "dongcheng_unit_grids_2026.geojson",
        "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        "outcome": "dry_run",
        "dry_run": True,
        "make_valid": False,
        "features": 1652,
        "created": 12,
        "updated": 40,
        "unchanged": 1600,
        "not_in_file": 0,
        "links_changed": 3,
        "units_unassigned": 0,
        "parts": 1,
        "gaps": [
            {
                "area_m2": 184.6,
                "lat": 39.91327,
                "lon": 116.41285,
                "around": ["110101001002003", "110101001002007"],
            }
        ],
        "gaps_total": 1,
        "repaired": [],
        "warnings": [],
        "problems": [],
        "problems_total": 0,
        "seconds": {"parse": 0.412, "load": 1.208, "check": 2.377, "write": 0.951, "total": 4.948},
        "created_at": "2026-11-20T07:12:44.120Z",
    },
    "ImportLogEntry": {
        "id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
        "kind": "unit",
        "file_name": "dongcheng_unit_grids_2026.geojson",
        "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        "outcome": "refused",
        "dry_run": False,
        "make_valid": False,
        "counts": {
            "features": 1652,
            "repaired": 0,
            "warnings": 0,
            "problems": 2,
            "seconds": {"parse": 0.412},
        },
        "problem_count": 2,
        "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
        "actor_label": "admin 张伟",
        "created_at": "2026-11-20T07:05:02.871Z",
    },
    "ImportLogDetail": {
        "id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
        "kind": "unit",
        "file_name": "dongcheng_unit_grids_2026.geojson",
        "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        "outcome": "refused",
        "dry_run": False,
        "make_valid": False,
        "counts": {
            "features": 1652,
            "repaired": 0,
            "warnings": 0,
            "problems": 2,
            "seconds": {"parse": 0.412},
        },
        "problem_count": 2,
        "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
        "actor_label": "admin 张伟",
        "created_at": "2026-11-20T07:05:02.871Z",
        "problems": [
            {
                "problem": "unclosed_ring",
                "detail": "ring 0 is not closed: its first and last positions differ",
                "index": 211,
                "code": "110101002001004",
            },
            {
                "problem": "overlap",
                "detail": "features 17 and 18 share 36.2 m²",
                "index": 17,
                "code": "110101001002003",
                "other_index": 18,
                "other_code": "110101001002004",
                "area_m2": 36.2,
            },
        ],
    },
    "DutyAssign": {
        "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "grid": "110101001",
        "starts_at": "2026-11-23T08:00:00+08:00",
        "ends_at": "2026-11-23T18:00:00+08:00",
    },
    "Duty": {
        "id": "01936000-5b6c-7d7e-8f80-9a1b2c3d4e5f",
        "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "inspector_name": "李建国",
        "grid": "110101001",
        "starts_at": "2026-11-23T00:00:00Z",
        "ends_at": "2026-11-23T10:00:00Z",
        "created_at": "2026-11-21T09:14:50.332Z",
        "updated_at": "2026-11-21T09:14:50.332Z",
    },
    "CategoryDepartmentLink": {"category": "E0102", "department": "sanitation", "district_code": "110101"},
    "CategoryDepartment": {
        "category": "E0102",
        "district_code": "110101",
        "department": "sanitation",
        "created_at": "2026-11-21T09:20:11.508Z",
        "updated_at": "2026-11-21T09:20:11.508Z",
    },
    # push, quiet hours, the inbox
    "DeviceRegistration": {
        "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
        "platform": "android",
        "app_version": "2.4.1",
        "locale": "zh-CN",
    },
    "Device": {
        "token": "eYq3kZ0xR8uJ2n5Vb7wL1c:APA91bH4xQ9z-Lm2Kp7Rt6Yv3Ws8Nd1Fg5Hj0Qa4Zx7Cv2Bn9Mk6",
        "platform": "android",
        "app_version": "2.4.1",
        "locale": "zh-CN",
        "created_at": "2026-11-20T12:04:02.117Z",
        "updated_at": "2026-11-22T01:30:45.902Z",
    },
    "QuietHours": {"start": "22:00", "end": "07:00"},
    "InboxItem": {
        "id": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
        "kind": "report.dispatched",
        "title": "问题已派遣",
        "body": "暴露垃圾（2026112200042）已派遣至环境卫生管理处处理。",
        "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
        "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "link": "cityloop://reports/01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
        "urgent": False,
        "created_at": "2026-11-22T02:20:04.210Z",
        "read_at": None,
    },
    "InboxPage": {
        "items": [
            {
                "id": "01936c31-0a4e-7b12-9c5d-8e7f6a5b4c3d",
                "kind": "report.dispatched",
                "title": "问题已派遣",
                "body": "暴露垃圾（2026112200042）已派遣至环境卫生管理处处理。",
                "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "link": "cityloop://reports/01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
                "urgent": False,
                "created_at": "2026-11-22T02:20:04.210Z",
                "read_at": None,
            }
        ],
        "unread_count": 2,
        "next_cursor": "bjExODc",
    },
    "UnreadCount": {"unread_count": 1},
    "ReadAllResult": {"marked": 2, "unread_count": 0},
    # webhooks, deliveries, the outbox
    "WebhookCreate": {
        "url": "https://12345.dongcheng.example.cn/cityloop/events",
        "events": ["case.transitioned", "case.overdue"],
        "secret": "whsec_9c4Fq2LmT7xR1vB8nK3pZ6yW",
        "name": "东城区 12345 热线平台",
    },
    "Webhook": {
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
    },
    "Delivery": {
        "id": 1842,
        "channel": "webhook",
        "event": "case.overdue",
        "outbox_id": 9071,
        "status": "dead",
        "attempts": 8,
        "available_at": "2026-11-22T07:41:10.000Z",
        "last_error": "HTTP 503 Service Unavailable",
        "last_status": 503,
        "created_at": "2026-11-22T03:20:05.118Z",
        "updated_at": "2026-11-22T07:41:10.000Z",
        "done_at": None,
        "user_id": None,
        "subscriber_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
    },
    "DeliveryPage": {
        "items": [
            {
                "id": 1842,
                "channel": "webhook",
                "event": "case.overdue",
                "outbox_id": 9071,
                "status": "dead",
                "attempts": 8,
                "available_at": "2026-11-22T07:41:10.000Z",
                "last_error": "HTTP 503 Service Unavailable",
                "last_status": 503,
                "created_at": "2026-11-22T03:20:05.118Z",
                "updated_at": "2026-11-22T07:41:10.000Z",
                "done_at": None,
                "user_id": None,
                "subscriber_id": "01935f20-7a8b-7c9d-8e0f-1a2b3c4d5e6f",
            }
        ],
        "next_cursor": None,
    },
    "OutboxEntry": {
        "id": 9071,
        "topic": "case.overdue",
        "payload": {
            "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
            "deadline_id": 55240,
            "round": 1,
            "step": "accept",
            "due_at": "2026-11-22T03:20:03.861000+00:00",
            "assignee_id": None,
            "department": "sanitation",
        },
        "status": "done",
        "attempts": 1,
        "last_error": None,
        "created_at": "2026-11-22T03:20:04.502Z",
        "available_at": "2026-11-22T03:20:04.502Z",
    },
    "OutboxPage": {
        "items": [
            {
                "id": 9071,
                "topic": "case.overdue",
                "payload": {
                    "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                    "deadline_id": 55240,
                    "round": 1,
                    "step": "accept",
                    "due_at": "2026-11-22T03:20:03.861000+00:00",
                    "assignee_id": None,
                    "department": "sanitation",
                },
                "status": "dead",
                "attempts": 8,
                "last_error": 'relation "inbox" is locked; gave up after 8 attempts',
                "created_at": "2026-11-22T03:20:04.502Z",
                "available_at": "2026-11-22T05:52:40.000Z",
            }
        ],
        "next_cursor": None,
    },
    "Replayed": {"replayed": 12},
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


# housing money: fee items, billing runs, bills, arrears and reminders, the maintenance fund ---------------
# (one block, kept together: the other housing work adds its own entries to the dicts above)

OPERATIONS.update(
    {
        "listFeeItems": (
            "The fee items billing applies in an estate (收费项目): property fee (物业费, fen per m² of the area that "
            "counts per month), parking (fen per assigned space per month), heating (采暖费, fen per m² per heating "
            "season, with the season's dates), water (by meter readings, three tiers of the yearly use as data), "
            "flat items, and a late fee (滞纳金) only where the estate's contract sets one. Retired items stay "
            "listed (active false). The estate's property staff and manager, the district's housing officers, admins."
        ),
        "createFeeItem": (
            "Adds a fee item to an estate. The fields its kind needs are checked (water: tiers, the last without "
            "up_to; heating: the season; parking: applies_to assigned; a late fee: at most 1 % a day and grace days) "
            "and a name is unique in the estate, as is an active late fee. A new price applies to the billing runs "
            "made after it; issued bills never change. The estate's property manager and admins; audited. Send an "
            "Idempotency-Key to make a retry safe."
        ),
        "updateFeeItem": (
            "Changes a fee item's name, price, tiers, season, due or grace days, or retires it (active false: no "
            "run bills it any more); fields left out stay as they are. If-Match carries the item's version; a stale "
            "one is refused (bill_version_conflict) with the current version. Issued bills never change. The "
            "estate's property manager and admins; audited with the item before and after."
        ),
        "setFeeItemHomes": (
            "Replaces the list of homes an assigned fee item applies to (parking spaces: the homes renting them and "
            "how many). Every home must be a home of the item's estate and appear once. The estate's property "
            "manager and admins; audited. Safe to repeat (PUT)."
        ),
        "createBillingRun": (
            "Bills an estate for a month (2026-11) or a quarter (2026-Q4): answers the run at once (202) and the "
            "worker makes the bills in batches of homes, each batch all or nothing, every line rounded once (四舍五入) "
            "in fen. Idempotent: asking again for the same period answers the same run and never makes a second "
            "bill (bills are unique per home, fee item and period); a run stopped half way goes on where it stopped. "
            "A period overlapping another run's (a month in a quarter billed already) is refused. A home whose "
            "owner changed in the period gets one line per owner, prorated by days. Credit a home paid ahead is "
            "applied to its new bills, oldest first. The estate's property staff and manager, admins; audited."
        ),
        "listBillingRuns": (
            "An estate's billing runs, newest period first, each with its state (pending, running, completed) and "
            "progress. Paging: pass `next_cursor` back as `cursor`; null on the last page. The estate's staff, the "
            "district's housing officers, admins."
        ),
        "getBillingRun": (
            "One billing run and its progress: homes done of the estate's homes, bills made, their amount, the "
            "credit applied, attempts and the last error of a run that stopped. The estate's staff, the district's "
            "housing officers, admins."
        ),
        "listMyBills": (
            "The bills of the homes the caller is bound to now (as owner, family or tenant), newest first, each with "
            "its lines, what was paid, waived and refunded, and what is still owed. Filter by state (issued, "
            "partly_paid, paid, waived, cancelled) or by one home. Paging: pass `next_cursor` back as `cursor`; null "
            "on the last page. Any signed-in user; a user with no home gets an empty list."
        ),
        "getBill": (
            "A bill with its priced lines and its history: issued, each payment or credit applied (with the "
            "payment's reference), waived, cancelled, refunded. The ETag is the bill's version, for decideBill's "
            "If-Match. The residents bound to the bill's home, the estate's staff, the district's housing officers, "
            "admins."
        ),
        "decideBill": (
            "Waives (免除) what is still owed on an issued or partly paid bill, or cancels (作废) a bill nothing was "
            "paid on, with a reason. A waiver posts the unpaid rest against the fee item's revenue; a cancellation "
            "posts the reversal of the bill's entry: nothing in the ledger is edited or deleted. If-Match carries the "
            "bill's version; a stale one is refused with the current version and state. The estate's property "
            "manager and admins; audited. An Idempotency-Key makes a resend safe."
        ),
        "getEstateArrears": (
            "An estate's arrears (欠费) on today's date in the city: per building, the homes and bills past their due "
            "date and still open, what they still owe and the oldest due date, with the estate's totals. The "
            "estate's staff, the district's housing officers, admins. There is no way to cut water, power, heat or "
            "gas for unpaid fees (Civil Code Art. 944)."
        ),
        "listHomeArrears": (
            "The homes of an estate (or of one building) with bills past due: where each is, how many bills, what "
            "they owe, the oldest due date and when its residents were last reminded. By home id; paging: pass "
            "`next_cursor` back as `cursor`. The estate's staff, the district's housing officers, admins."
        ),
        "sendReminders": (
            "Reminds the residents (owners, family, tenants bound to the home) of homes in arrears: the homes "
            "named, or every home in arrears of the estate or of one building owing at least min_outstanding_fen. "
            "Each home's residents get an inbox message and a push through the outbox (pushes wait for the end of "
            "each resident's quiet hours). A home reminded in the last 24 hours is skipped, as is a home without "
            "residents; the answer counts each. The estate's property staff and manager, admins; audited."
        ),
        "getHomeFund": (
            "A home's account in the maintenance fund (住宅专项维修资金分户账): its first deposit (the area that counts × "
            "the estate's rate, rounded once), balance, the top-up threshold (30 % of the first deposit) and whether "
            "the balance is below it, and every movement oldest first with the balance after it: deposits, interest "
            "shared by area, corrections by reversal. Paging: pass `next_cursor` back as `cursor`. The home's "
            "owners, the estate's staff, the district's housing officers, admins."
        ),
        "getEstateFund": (
            "An estate's maintenance fund at a glance: the rate, homes with a share, first deposits, the homes' "
            "balances, the money in the fund's bank account, interest shared, homes below the top-up threshold, and "
            "the same per building. The estate's staff, the district's housing officers, admins."
        ),
        "getBuildingFund": (
            "A building's homes by entrance, floor and room, with each home's area, first deposit and share of the "
            "maintenance fund, and whether it is below the top-up threshold. Paging: pass `next_cursor` back as "
            "`cursor`. The estate's staff, the district's housing officers, admins."
        ),
        "setFundRate": (
            "Sets the estate's first-deposit rate of the maintenance fund, in fen per m² (local rules: 5 % to 8 % of "
            "the construction cost per m²). Applies to the first deposits recorded after it. Admins (the fund's "
            "administrator) only; audited. Safe to repeat (PUT)."
        ),
        "recordFirstDeposits": (
            "Records the first deposit of every home of the estate that has none: the home's area that counts "
            "(register, else surveyed, else contract) × the estate's rate, rounded once half up, one ledger entry per "
            "home. Homes that have one are left alone, so it is safe to repeat after new homes are registered. "
            "Admins only; audited."
        ),
        "shareFundInterest": (
            "Shares interest the fund's bank paid on a settlement date among the homes that hold a share, by area, "
            "with the largest-remainder method: each home gets the floor of its exact share and the fen left go one "
            "each to the largest remainders (ties to the smaller home id), so the parts add up to the amount. Once "
            "per estate and date (fund_interest_exists). Admins only; audited. An Idempotency-Key makes a retry safe."
        ),
        "importReadings": (
            "Imports water meter readings (抄表) for one of the estate's water fee items from a file sent as the "
            "body, read as the owners register is (importRegister): CSV (UTF-8, GB18030/GBK as Excel saves it, or "
            "UTF-16 with a BOM) or an Excel workbook (.xlsx, its first sheet; a date cell is the day it holds, a "
            "number cell is read exactly and never rounded). A header row, then one reading a row with building "
            "(楼栋), entrance (单元, optional), room (房号), the day it was read (抄表日期, YYYY-MM-DD) and the "
            "meter's dial in m³ (读数, at most two decimals). All or nothing: a file with any "
            "bad row (a home not in the estate, a bad or future date, a bad reading, the same home and day twice, "
            "a meter that runs backwards against a reading of an earlier or later day) is refused with "
            "reading_import_refused naming every row, and nothing changes. A reading stored already for the same "
            "home and day is replaced when it differs. The next billing run bills each home's use since its "
            "previous reading by the item's tiers. `dry_run` checks and counts without writing. Every run is "
            "logged. The estate's property staff and manager, admins; audited."
        ),
    }
)
PARAMETERS.update(
    {
        "bill_id": "The bill's id, from listMyBills or getBill.",
        "run_id": "The billing run's id, from createBillingRun or listBillingRuns.",
        "item_id": "The fee item's id, from listFeeItems or createFeeItem.",
        "listMyBills.state": "Only bills in this state: issued, partly_paid, paid, waived or cancelled.",
        "listMyBills.home_id": "Only the bills of this home (one of the caller's homes, from listMyHomes).",
        "listHomeArrears.building_id": "Only homes of this building, by its id.",
        "getBuildingFund.building_id": "The building's id, from getEstateFund's `buildings`.",
        "importReadings.fee_item_id": (
            "The water fee item (kind water) of the estate the readings are for, from listFeeItems."
        ),
        "importReadings.dry_run": (
            "true: check the file and count what would change, but write no reading (the run is still logged)."
        ),
        "importReadings.file_name": "The file's name, kept in the import log (1 to 200 characters).",
    }
)
PARAMETER_EXAMPLES.update(
    {
        "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
        "home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12",
        "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02",
        "bill_id": "01937c10-1a2b-7c3d-8e4f-5a6b7c8d9e03",
        "run_id": "01937c0f-9a8b-7c6d-8e5f-4a3b2c1d0e04",
        "item_id": "01937b40-2b3c-7d4e-9f5a-6b7c8d9e0f05",
        "listMyBills.state": "issued",
        "listMyBills.cursor": "WyIwMTkzN2MxMC0xYTJiLTdjM2QtOGU0Zi01YTZiN2M4ZDllMDMiXQ",
        "listBillingRuns.cursor": "WyIyMDI2LTExLTAxIiwgIjAxOTM3YzBmLTlhOGItN2M2ZC04ZTVmLTRhM2IyYzFkMGUwNCJd",
        "listHomeArrears.cursor": "WyIwMTkzN2IyYS01ZDJlLTdmMzAtOGI0Yy02ZDdlOGY5YTBiMTIiXQ",
        "getHomeFund.cursor": "WyI0ODIxMyJd",
        "getBuildingFund.cursor": "WyIiLCAzLCAiMzAxIiwgIjAxOTM3YjJhLTVkMmUtN2YzMC04YjRjLTZkN2U4ZjlhMGIxMiJd",
        "importReadings.fee_item_id": "01937b40-3c4d-7e5f-8a6b-7c8d9e0f1a06",
        "importReadings.dry_run": True,
        "importReadings.file_name": "2026年11月抄表.csv",
    }
)
SCHEMAS.update(
    {
        "Bill": (
            "A bill (账单) of one home for one fee item and period. Amounts in integer fen; each line was rounded "
            "once (四舍五入), and the amount is the sum of the lines."
        ),
        "BillLine": (
            "One priced line of a bill: a quantity in its unit × a price, rounded once to the fen. A home sold in "
            "the period has one line per owner with its days; water has one line per tier; a late fee one line per "
            "overdue bill."
        ),
        "BillPage": "A page of bills, newest first: `next_cursor` (opaque) is sent back as `cursor`; null at the end.",
        "BillDecision": "Waive (免除) what is still owed, or cancel (作废) a bill nothing was paid on; with a reason.",
        "BillingRunCreate": "The period to bill: a month (YYYY-MM) or a quarter (YYYY-Qn).",
        "BillingRunPage": "A page of billing runs, newest period first: `next_cursor` (opaque) or null at the end.",
        "EstateArrears": "An estate's arrears on a date: bills past due and still open, per building and in all.",
        "HomeArrearsPage": "Homes in arrears, by home id: `next_cursor` (opaque) is sent back as `cursor`; null at the end.",
        "ReminderRequest": (
            "Whom to remind of their arrears: the homes named (home_ids), or every home in arrears of the estate "
            "(or of building_id) owing at least min_outstanding_fen."
        ),
        "Tier": "One tier of a water price: yearly use up to `up_to` (hundredths of m³; none for the last) at a price.",
        "Season": "A heating season (采暖季) by month and day, inclusive; it may run into the next year.",
        "FeeItemUpdate": "Changes to a fee item; fields left out stay as they are.",
        "FeeItemHome": "A home an assigned item applies to, and how many (parking spaces).",
        "FundRateSet": "The estate's first-deposit rate of the maintenance fund, fen per m².",
        "FundOpened": "First deposits recorded now: how many homes and how much in all.",
        "InterestShare": "Interest the fund's bank paid on a settlement date, to share among the homes by area.",
        "FundLine": "One movement of a home's share of the fund, with the balance after it.",
        "FundStatement": (
            "A home's account in the maintenance fund (分户账): first deposit, balance, top-up threshold and every "
            "movement, oldest first."
        ),
        "EstateFund": "An estate's maintenance fund: totals and each building's part.",
        "BuildingFundPage": "A building's homes and their shares of the fund: `next_cursor` (opaque) or null at the end.",
        "ReadingImportReport": "What an import of water meter readings (抄表) did, or would do in a dry run.",
    }
)
_BILL = {
    "id": "The bill's id (UUIDv7).",
    "estate_id": "The estate the bill's home is in.",
    "home_id": "The home billed.",
    "fee_item_id": "The fee item billed.",
    "fee_item_name": "The fee item's name, as the estate calls it (物业费, 车位管理费 ...).",
    "fee_kind": (
        "The item's kind: property, parking, heating, water, flat, late_fee, or repair (a paid repair inside the "
        "home, billed when its resident confirmed the fix: see transitionRepair)."
    ),
    "period": "The billing period: a month (2026-11) or a quarter (2026-Q4).",
    "period_start": "The period's first day.",
    "period_end": "The period's last day.",
    "due_date": "The day the bill is due; still open after it, the bill is in arrears.",
    "amount_fen": "What the bill charges, in fen: the sum of its lines. It never changes.",
    "paid_fen": "Fen paid on it so far, by payments and by credit paid ahead.",
    "waived_fen": "Fen forgiven by a waiver.",
    "refunded_fen": "Fen paid on it and given back (a refund leaves the bill in its state).",
    "outstanding_fen": "Fen still owed: amount − paid − waived while it is open; 0 once paid, waived or cancelled.",
    "state": (
        "issued (nothing paid), partly_paid, paid, waived (the rest forgiven, with a reason) or cancelled "
        "(voided before anything was paid, with a reason)."
    ),
    "reason": "Why it was waived or cancelled; null otherwise.",
    "lines": "The priced lines, each rounded once; their amounts add up to amount_fen.",
    "version": "The bill's version: send it as If-Match to decideBill. It grows with every change.",
    "issued_at": "When the billing run issued it.",
    "updated_at": "When it last changed.",
}
PROPERTIES.update({f"Bill.{k}": v for k, v in _BILL.items()})
PROPERTIES.update({f"BillDetail.{k}": v for k, v in _BILL.items()})
PROPERTIES.update(
    {
        "BillDetail.events": "What happened to the bill, oldest first.",
        "BillEvent.id": "The event's id; events of a bill are in this order.",
        "BillEvent.action": (
            "issue, pay_part or pay_full (a payment), credit_part or credit_full (credit paid ahead), waive, "
            "cancel or refund."
        ),
        "BillEvent.from_state": "The bill's state before (null for issue).",
        "BillEvent.to_state": "The bill's state after.",
        "BillEvent.amount_fen": "The fen it concerned: issued, paid, waived, cancelled or refunded.",
        "BillEvent.reason": "The reason given for a waiver, cancellation or refund.",
        "BillEvent.entry_id": "The ledger entry it posted (every change of money is an entry).",
        "BillEvent.at": "When it happened.",
        "BillLine.item": "The kind of fee of the line.",
        "BillLine.quantity": (
            "How many units: hundredths of m² (m2_hundredths: 8950 is 89.50 m²), spaces, homes, hundredths of m³ "
            "of water, or the fen outstanding a late fee is charged on."
        ),
        "BillLine.unit": "The quantity's unit: m2_hundredths, space, home, m3_hundredths, fen or piece (a repair's).",
        "BillLine.price_fen": (
            "The price in fen: per m² per month (property), per space or home per month, per m² per season "
            "(heating), per m³ (water), or per 10,000 fen per day (late fee, 万分之)."
        ),
        "BillLine.amount_fen": "The line's amount in fen, rounded once, half up.",
        "BillLine.months": "The months of the period the price was multiplied by (1, or 3 for a quarter).",
        "BillLine.tier": "The water tier of the line (1, 2, 3).",
        "BillLine.days": "The days of the line's span (an owner's part of the period; a late fee's days late).",
        "BillLine.of_days": "The days of the whole period the line's days are a part of.",
        "BillLine.start": "The first day of the line's span.",
        "BillLine.end": "The last day of the line's span.",
        "BillLine.owner_ids": "The owners register's rows of the owners of the line's span.",
        "BillLine.bill_id": "A late fee's overdue bill.",
        "BillLine.label": "A repair's line: what it charges for (人工费, 水龙头), as the property staff wrote it.",
        "BillPage.items": "The bills of the page.",
        "BillPage.next_cursor": "The cursor of the next page; null on the last.",
        "BillDecision.action": "waive (forgive what is still owed) or cancel (void a bill nothing was paid on).",
        "BillDecision.reason": "Why (1 to 200 characters); kept on the bill and in the audit log.",
        "BillingRun.id": "The run's id.",
        "BillingRun.estate_id": "The estate billed.",
        "BillingRun.period": "The period billed: YYYY-MM or YYYY-Qn.",
        "BillingRun.period_start": "The period's first day.",
        "BillingRun.period_end": "The period's last day.",
        "BillingRun.state": "pending (the worker has not started), running, or completed.",
        "BillingRun.homes_total": "The estate's homes when the run (last) started.",
        "BillingRun.homes_done": "Homes billed so far.",
        "BillingRun.bills_created": "Bills the run made.",
        "BillingRun.amount_fen": "The fen those bills charge in all.",
        "BillingRun.credit_applied_fen": "Credit paid ahead that the run applied to its bills.",
        "BillingRun.attempts": "How many times the worker started it (a stopped run goes on where it stopped).",
        "BillingRun.last_error": "Why the last attempt stopped, if it did; null otherwise.",
        "BillingRun.created_at": "When it was asked for.",
        "BillingRun.started_at": "When the worker first started it.",
        "BillingRun.finished_at": "When it completed; null before.",
        "BillingRunCreate.period": "A month (2026-11) or a quarter (2026-Q4), years 2000 to 2199.",
        "BillingRunPage.items": "The runs of the page.",
        "BillingRunPage.next_cursor": "The cursor of the next page; null on the last.",
        "BuildingArrears.building_id": "The building's id.",
        "BuildingArrears.building": "The building's name (3号楼).",
        "BuildingArrears.homes": "Homes with bills past due.",
        "BuildingArrears.bills": "Bills past due and still open.",
        "BuildingArrears.outstanding_fen": "What those bills still owe, in fen.",
        "BuildingArrears.oldest_due": "The earliest due date among them.",
        "EstateArrears.estate_id": "The estate.",
        "EstateArrears.as_of": "The city's date the arrears are counted on: bills due before it.",
        "EstateArrears.homes": "Homes in arrears in all.",
        "EstateArrears.bills": "Bills past due in all.",
        "EstateArrears.outstanding_fen": "What they owe in all, in fen.",
        "EstateArrears.buildings": "Each building with arrears, by name.",
        "HomeArrears.home_id": "The home.",
        "HomeArrears.building_id": "Its building.",
        "HomeArrears.building": "Its building's name.",
        "HomeArrears.entrance": "Its entrance (单元); empty when the building has one.",
        "HomeArrears.floor": "Its floor (negative below ground).",
        "HomeArrears.room": "Its room number.",
        "HomeArrears.bills": "Its bills past due.",
        "HomeArrears.outstanding_fen": "What they still owe, in fen.",
        "HomeArrears.oldest_due": "The earliest due date among them.",
        "HomeArrears.last_reminded_at": "When its residents were last reminded; null if never.",
        "HomeArrearsPage.items": "The homes of the page.",
        "HomeArrearsPage.next_cursor": "The cursor of the next page; null on the last.",
        "ReminderRequest.home_ids": "Remind these homes of the estate (1 to 5,000), when they are in arrears.",
        "ReminderRequest.building_id": "Only homes of this building.",
        "ReminderRequest.min_outstanding_fen": "Only homes owing at least this many fen (1 by default).",
        "RemindersSent.homes": "Homes whose residents were reminded now.",
        "RemindersSent.recipients": "Residents told (each gets an inbox message and a push).",
        "RemindersSent.skipped_recently_reminded": "Homes skipped: reminded in the last 24 hours.",
        "RemindersSent.skipped_without_residents": "Homes skipped: nobody is bound to them.",
        "FeeItem.id": "The item's id.",
        "FeeItem.estate_id": "The estate it belongs to.",
        "FeeItem.kind": "property, parking, heating, water, flat or late_fee.",
        "FeeItem.name": "Its name in the estate (unique there).",
        "FeeItem.price_fen": (
            "The price in fen: per m² per month (property), per space per month (parking), per m² per season "
            "(heating), per home per month (flat), per 10,000 fen of arrears per day (late_fee); 0 for water."
        ),
        "FeeItem.tiers": "Water only: the tiers of the yearly use per household and their prices.",
        "FeeItem.season": "Heating only: the season, by month and day.",
        "FeeItem.applies_to": "all homes of the estate, or only the assigned ones (parking; some flat items).",
        "FeeItem.due_days": "Days after the period's first day that its bills are due.",
        "FeeItem.grace_days": "Late fee only: days after a bill's due date before it counts as late.",
        "FeeItem.active": "false once retired: runs no longer bill it.",
        "FeeItem.version": "The item's version: send it as If-Match to updateFeeItem.",
        "FeeItemCreate.kind": "property, parking, heating, water, flat or late_fee.",
        "FeeItemCreate.name": "Its name, unique in the estate (1 to 50 characters).",
        "FeeItemCreate.price_fen": "The price in fen, per the kind's basis (see FeeItem.price_fen); 0 for water.",
        "FeeItemCreate.tiers": "Water only: 1 to 5 tiers, increasing up_to, the last without.",
        "FeeItemCreate.season": "Heating only: the season (start and end, MM-DD; not 02-29).",
        "FeeItemCreate.applies_to": "all (the default) or assigned (parking must be; flat may be).",
        "FeeItemCreate.due_days": "Days after the period's first day that bills are due (0 to 366; 30 by default).",
        "FeeItemCreate.grace_days": "Late fee only: days of grace after a due date (0 to 366).",
        "FeeItemUpdate.name": "A new name, unique in the estate.",
        "FeeItemUpdate.price_fen": "A new price, for the runs made after it.",
        "FeeItemUpdate.tiers": "New water tiers.",
        "FeeItemUpdate.season": "A new heating season.",
        "FeeItemUpdate.due_days": "New due days.",
        "FeeItemUpdate.grace_days": "New grace days (late fee only).",
        "FeeItemUpdate.active": "false retires the item; true brings it back.",
        "FeeItemHome.home_id": "A home of the item's estate.",
        "FeeItemHome.quantity": "How many (spaces), 1 to 100.",
        "FeeItemHomes.homes": "Every home the item applies to, each once (up to 10,000).",
        "Tier.price_fen": "Fen per m³ in this tier.",
        "Tier.up_to": "The tier's upper end of the yearly use per household, hundredths of m³ (18000: 180 m³).",
        "Season.start": "The season's first day, MM-DD (11-15).",
        "Season.end": "The season's last day, MM-DD (03-15); before start, it is in the next year.",
        "FundRate.estate_id": "The estate.",
        "FundRate.rate_fen_m2": "Fen per m² of the area that counts.",
        "FundRate.updated_at": "When it was last set.",
        "FundRateSet.rate_fen_m2": "Fen per m², 1 to 10,000,000 (10000 is 100 yuan/m²).",
        "FundOpened.homes": "Homes whose first deposit was recorded now.",
        "FundOpened.amount_fen": "Those first deposits in all, in fen.",
        "InterestShare.amount_fen": "The interest in fen (1 to 10^12).",
        "InterestShare.as_of": "The bank's settlement date (结息日); once per estate and date.",
        "InterestShare.memo": "A note kept on the entries (at most 200 characters).",
        "InterestShared.id": "The sharing's id.",
        "InterestShared.estate_id": "The estate.",
        "InterestShared.as_of": "The settlement date.",
        "InterestShared.amount_fen": "The interest shared, in fen: the homes' parts add up to it.",
        "InterestShared.homes": "Homes it was shared among.",
        "InterestShared.created_at": "When it was shared.",
        "FundLine.entry_id": "The ledger entry.",
        "FundLine.kind": "fund_deposit (a first deposit or top-up), fund_interest, or reversal (a correction).",
        "FundLine.memo": "What it was.",
        "FundLine.amount_fen": "Fen into the home's share (> 0) or out of it (< 0).",
        "FundLine.balance_fen": "The share's balance after it, in fen.",
        "FundLine.posted_at": "When it was posted.",
        "FundLine.reverses_entry_id": "For a correction, the entry it reverses.",
        "FundStatement.home_id": "The home.",
        "FundStatement.estate_id": "Its estate.",
        "FundStatement.area": "The area the first deposit was made on, hundredths of m².",
        "FundStatement.rate_fen_m2": "The rate the first deposit was made at, fen per m².",
        "FundStatement.first_deposit_fen": "The first deposit (首期交存), in fen: area × rate, rounded once.",
        "FundStatement.balance_fen": "The share's balance now, in fen.",
        "FundStatement.topup_threshold_fen": "30 % of the first deposit (rounded up): below it, a top-up is due.",
        "FundStatement.below_threshold": "true when the balance is below the threshold.",
        "FundStatement.topup_notice_at": "When the owners were sent the top-up notice (续筹通知) now open; null if none.",
        "FundStatement.items": "The movements of the page, oldest first.",
        "FundStatement.next_cursor": "The cursor of the next page; null on the last.",
        "EstateFund.estate_id": "The estate.",
        "EstateFund.rate_fen_m2": "The first-deposit rate; null until set.",
        "EstateFund.homes": "The estate's homes.",
        "EstateFund.homes_opened": "Homes with a first deposit.",
        "EstateFund.first_deposits_fen": "Their first deposits in all.",
        "EstateFund.balance_fen": "Their shares' balances in all.",
        "EstateFund.bank_fen": "The fund's money in its bank account: the shares plus interest not shared yet.",
        "EstateFund.interest_shared_fen": "Interest shared among the homes so far.",
        "EstateFund.homes_below_threshold": "Homes whose share is below 30 % of their first deposit.",
        "EstateFund.buildings": "Each building's part, by name.",
        "BuildingFund.building_id": "The building.",
        "BuildingFund.building": "Its name.",
        "BuildingFund.homes": "Its homes.",
        "BuildingFund.homes_opened": "Homes with a first deposit.",
        "BuildingFund.first_deposits_fen": "Their first deposits in all.",
        "BuildingFund.balance_fen": "Their shares' balances in all.",
        "BuildingFund.homes_below_threshold": "Homes below the top-up threshold.",
        "BuildingFundPage.building_id": "The building.",
        "BuildingFundPage.building": "Its name.",
        "BuildingFundPage.items": "Its homes of the page.",
        "BuildingFundPage.next_cursor": "The cursor of the next page; null on the last.",
        "HomeFund.home_id": "The home.",
        "HomeFund.entrance": "Its entrance (单元).",
        "HomeFund.floor": "Its floor.",
        "HomeFund.room": "Its room number.",
        "HomeFund.area": "Its area that counts, hundredths of m².",
        "HomeFund.first_deposit_fen": "Its first deposit; null before one is recorded.",
        "HomeFund.balance_fen": "Its share's balance, in fen.",
        "HomeFund.below_threshold": "true when the share is below 30 % of the first deposit.",
        "ReadingImportReport.id": "The import's id in the import log.",
        "ReadingImportReport.estate_id": "The estate of the fee item.",
        "ReadingImportReport.fee_item_id": "The water fee item the readings are for.",
        "ReadingImportReport.file_name": "The file's name.",
        "ReadingImportReport.sha256": "The SHA-256 of the file, hex.",
        "ReadingImportReport.format": "csv or xlsx, as read from the file itself.",
        "ReadingImportReport.encoding": (
            "How a CSV file was read: utf-8, gb18030 (GBK, as Excel saves CSV on a Chinese Windows) or utf-16; null "
            "for XLSX, or when none of them reads it."
        ),
        "ReadingImportReport.outcome": "imported, dry_run (nothing written) or refused (nothing written).",
        "ReadingImportReport.dry_run": "Whether the run only checked and counted.",
        "ReadingImportReport.rows": "Rows of readings in the file (empty lines not counted).",
        "ReadingImportReport.created": "Readings of a home and day not stored before.",
        "ReadingImportReport.updated": "Readings that replaced a different one stored for the same home and day.",
        "ReadingImportReport.unchanged": "Readings equal to the one stored for the same home and day.",
        "ReadingImportReport.problems": "Why the file was refused (at most 1,000 kept); empty otherwise.",
        "ReadingImportReport.problems_total": "How many problems were found in all.",
    }
)
EXAMPLES.update(
    {
        "FeeItemCreate": {
            "kind": "water",
            "name": "居民水费",
            "tiers": [
                {"price_fen": 500, "up_to": 18000},
                {"price_fen": 700, "up_to": 26000},
                {"price_fen": 900},
            ],
            "due_days": 20,
        },
        "FeeItemUpdate": {"price_fen": 260},
        "FeeItemHomes": {"homes": [{"home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12", "quantity": 1}]},
        "BillingRunCreate": {"period": "2026-11"},
        "BillDecision": {"action": "waive", "reason": "困难家庭减免（业委会同意）"},
        "ReminderRequest": {
            "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02",
            "min_outstanding_fen": 10000,
        },
        "FundRateSet": {"rate_fen_m2": 10000},
        "InterestShare": {"amount_fen": 128645, "as_of": "2026-12-21", "memo": "2026 年第四季度结息"},
        "ReadingImportReport": {
            "id": "01937d20-4e5f-7a6b-8c7d-9e0f1a2b3c07",
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "fee_item_id": "01937b40-3c4d-7e5f-8a6b-7c8d9e0f1a06",
            "file_name": "2026年11月抄表.csv",
            "sha256": "9c2e4f7a1b3d5c6e8f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e",
            "format": "csv",
            "encoding": "gb18030",
            "outcome": "imported",
            "dry_run": False,
            "rows": 336,
            "created": 330,
            "updated": 6,
            "unchanged": 0,
            "problems": [],
            "problems_total": 0,
        },
        # estates and residents' bindings (the 和平里 estate of the parameter examples)
        "EstateCreate": {
            "name": "和平里东街小区",
            "address": "北京市东城区和平里东街 15 号",
            "district_code": "110101",
            "location": {"lat": 39.9583, "lon": 116.4191, "crs": "wgs84"},
            "boundary": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [116.4172, 39.9571],
                        [116.4211, 39.9571],
                        [116.4211, 39.9596],
                        [116.4172, 39.9596],
                        [116.4172, 39.9571],
                    ]
                ],
            },
            "property_company": "北京和平里物业服务有限公司",
            "service_grade": 2,
            "service_content": (
                "秩序维护：出入口 24 小时值守，每 2 小时巡查一次。环境卫生：公共区域每日清扫两次，生活垃圾日产日清。"
                "报修：急修 30 分钟内到场，一般维修 24 小时内处理。"
            ),
            "contact_name": "和平里东街小区物业服务中心",
            "contact_phone": "010-64211234",
            "office_hours": "每日 8:00-18:00（急修 24 小时）",
            "fee_standards": [
                {
                    "item": "物业服务费",
                    "price_fen": 265,
                    "basis": "per_m2_month",
                    "note": "按产权面积，按月计收",
                },
                {"item": "地下停车费", "price_fen": 30000, "basis": "per_space_month"},
                {
                    "item": "采暖费",
                    "price_fen": 3000,
                    "basis": "per_m2_season",
                    "note": "采暖期 11 月 15 日至次年 3 月 15 日",
                },
            ],
        },
        "EstateUpdate": {
            "contact_name": "和平里东街小区物业服务中心 王经理",
            "contact_phone": "010-64215678",
            "office_hours": "每日 8:00-20:00（急修 24 小时）",
        },
        "BindingRequest": {"relation": "tenant", "note": "租期 2026 年 11 月至 2027 年 10 月，房东张三"},
        "BindingDecision": {"note": "已核对租赁合同"},
        "BindingRefusal": {"reason": "未能核实租赁关系，请携带租赁合同到物业服务中心办理"},
        "BindingEnd": {"reason": "租约到期，已搬离"},
        "Bill": {
            "id": "01937c10-1a2b-7c3d-8e4f-5a6b7c8d9e03",
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12",
            "fee_item_id": "01937b40-2b3c-7d4e-9f5a-6b7c8d9e0f05",
            "fee_item_name": "物业费",
            "fee_kind": "property",
            "period": "2026-11",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "due_date": "2026-12-01",
            "amount_fen": 15050,
            "paid_fen": 0,
            "waived_fen": 0,
            "refunded_fen": 0,
            "outstanding_fen": 15050,
            "state": "issued",
            "reason": None,
            "lines": [
                {
                    "item": "property",
                    "quantity": 10033,
                    "unit": "m2_hundredths",
                    "price_fen": 150,
                    "amount_fen": 15050,
                    "months": 1,
                }
            ],
            "version": 1,
            "issued_at": "2026-11-01T01:00:12.512Z",
            "updated_at": "2026-11-01T01:00:12.512Z",
        },
    }
)


# payments: the daily reconciliation (对账) --------------------------------------------------------------------

OPERATIONS.update(
    {
        "listReconciliations": (
            "What the latest run of the daily reconciliation (对账, `cityloop payments reconcile`) found for a China "
            "Standard Time day, one item per channel (WeChat Pay, Alipay) reconciled that day: our net of the day "
            "and the provider's statement's (对账单), payments less refunds in fen, how many entries matched, and "
            "every difference, one by one: a payment or refund the provider has and we do not count (missing_ours: "
            "a lost callback (回调丢失), named with its estate when the order is ours), one we count and the "
            "statement does not (missing_theirs), another amount (amount_differs) or another provider transaction "
            "id (transaction_differs). A day run again answers its latest run; a channel not reconciled that day is "
            "left out (an empty list: nothing ran). Admins only (the platform's finance people)."
        ),
    }
)
PARAMETERS.update(
    {
        "listReconciliations.date": "The China Standard Time day reconciled, YYYY-MM-DD.",
        "listReconciliations.channel": "Only this channel: wechat (WeChat Pay) or alipay.",
    }
)
PARAMETER_EXAMPLES.update(
    {
        "listReconciliations.date": "2026-11-30",
        "listReconciliations.channel": "wechat",
    }
)
SCHEMAS.update(
    {
        "ReconciliationList": "The latest reconciliation run of each channel reconciled on a day, wechat first.",
        "Reconciliation": (
            "One run of the daily reconciliation of a channel: both sides' net in fen, the entries counted and "
            "matched, and every difference. No differences: the day is reconciled (对平)."
        ),
        "ReconciliationDifference": (
            "One difference between our payments and the provider's statement of the day: a payment (by "
            "out_trade_no) or a refund (by refund_no) on one side only, or on both with another amount or "
            "provider id. An entry whose amount and id both differ is listed twice, once for each."
        ),
    }
)
PROPERTIES.update(
    {
        "ReconciliationList.day": "The China Standard Time day asked for.",
        "ReconciliationList.items": "The latest run of each channel that day; empty when none ran.",
        "Reconciliation.id": "The run's id; a later run of the same day and channel has a larger one.",
        "Reconciliation.channel": "The payment channel: wechat (WeChat Pay) or alipay.",
        "Reconciliation.day": "The China Standard Time day reconciled (the providers cut their statements in it).",
        "Reconciliation.ours_fen": (
            "Our net of the day in fen: paid orders (by paid_at) less succeeded refunds (by succeeded_at); "
            "negative when more went back than came in."
        ),
        "Reconciliation.theirs_fen": "The statement's net of the day in fen: its payments less its refunds.",
        "Reconciliation.ours_count": "Payments and refunds we count on the day.",
        "Reconciliation.theirs_count": "Payments and refunds on the provider's statement of the day.",
        "Reconciliation.matched": "Entries on both sides with the same amount and provider id.",
        "Reconciliation.differences": "Every difference, payments first, by out_trade_no then refund_no.",
        "Reconciliation.run_at": "When the run was made.",
        "ReconciliationDifference.kind": (
            "missing_ours (the provider has it, we do not count it that day: a lost callback, or one applied on "
            "another day), missing_theirs (we count it, the statement does not), amount_differs or "
            "transaction_differs."
        ),
        "ReconciliationDifference.entry": "payment or refund.",
        "ReconciliationDifference.out_trade_no": "Our order number (商户订单号), as the provider knows it.",
        "ReconciliationDifference.refund_no": "Our refund number (商户退款单号) for refunds; null for payments.",
        "ReconciliationDifference.ours_fen": "Our amount in fen; null when we do not count the entry that day.",
        "ReconciliationDifference.theirs_fen": "The statement's amount in fen; null when it does not have the entry.",
        "ReconciliationDifference.ours_transaction_id": (
            "Our provider id: the transaction id (微信订单号 / 支付宝交易号) of a payment, the provider's refund id "
            "of a refund; null when we have none."
        ),
        "ReconciliationDifference.theirs_transaction_id": (
            "The statement's provider id of the entry (the refund id of a WeChat refund; Alipay names none for "
            "refunds); null when it does not have the entry."
        ),
        "ReconciliationDifference.estate_id": (
            "The estate of our order, when we know its out_trade_no (or refund_no) at all; null for an order "
            "that is not ours."
        ),
        "ReconciliationDifference.ours_state": (
            "Our order's (refund's) state when we know it: for missing_ours, pending or expired says the "
            "payment's callback never arrived; paid (succeeded) says we count it on another day."
        ),
    }
)
EXAMPLES.update(
    {
        "ReconciliationList": {
            "day": "2026-11-30",
            "items": [
                {
                    "id": 128,
                    "channel": "wechat",
                    "day": "2026-11-30",
                    "ours_fen": 45150,
                    "theirs_fen": 60200,
                    "ours_count": 3,
                    "theirs_count": 4,
                    "matched": 3,
                    "differences": [
                        {
                            "kind": "missing_ours",
                            "entry": "payment",
                            "out_trade_no": "P20261130101500A7",
                            "refund_no": None,
                            "ours_fen": None,
                            "theirs_fen": 15050,
                            "ours_transaction_id": None,
                            "theirs_transaction_id": "4200002581202611301234567890",
                            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
                            "ours_state": "pending",
                        }
                    ],
                    "run_at": "2026-12-01T02:30:04.118Z",
                }
            ],
        },
    }
)


# payments: paying bills online ------------------------------------------------------------------------------------

OPERATIONS.update(
    {
        "listMyPayments": "The caller's payments (支付订单), newest first, whatever their state, with their refunds.",
        "getPayment": (
            "One payment: pending while the resident pays in the provider's app, paid once the provider's callback "
            "(or the server's query of the provider) says so, with its receipt number (收据号); closed or expired when "
            "it was not paid in time. Refunds are listed with their state. For the payer, the estate's staff and "
            "the district's housing officers. Poll it after the provider's app says the payment went through."
        ),
    }
)
_PAYMENT_ID = "The payment's id (as created by createPayment)."
PARAMETERS.update(
    {
        "getPayment.payment_id": _PAYMENT_ID,
        "getPaymentReceipt.payment_id": _PAYMENT_ID,
        "refundPayment.payment_id": _PAYMENT_ID,
    }
)
PARAMETER_EXAMPLES.update(
    {
        "listMyPayments.cursor": "WyIwMTkzOGY0ZS0yYjFjLTdkM2EtOWU0MC01YTFiMmMzZDRlNWYiXQ",
        "getPayment.payment_id": "01938f4e-2b1c-7d3a-9e40-5a1b2c3d4e5f",
        "getPaymentReceipt.payment_id": "01938f4e-2b1c-7d3a-9e40-5a1b2c3d4e5f",
        "refundPayment.payment_id": "01938f4e-2b1c-7d3a-9e40-5a1b2c3d4e5f",
    }
)
SCHEMAS.update(
    {
        "Payment": (
            "A payment order (支付订单) of bills of one estate through one channel: what it pays, line by line, its "
            "state, receipt number once paid, and refunds."
        ),
        "PaymentLine": "What a payment pays: a bill's outstanding amount when the order was made, or credit ahead.",
        "PaymentPage": "A page of payments, newest first.",
        "Refund": (
            "A refund (退款) of a payment through its provider: a manager's (one bill, with a reason) or automatic "
            "(a bill paid twice: the second payment's surplus goes back). The ledger moves when it succeeds."
        ),
    }
)
PROPERTIES.update(
    {
        "Payment.id": "The payment's id.",
        "Payment.out_trade_no": "Our order number as the provider knows it (商户订单号), on the provider's records too.",
        "Payment.estate_id": "The estate whose bills it pays.",
        "Payment.channel": "wechat (WeChat Pay, 微信支付) or alipay (支付宝).",
        "Payment.state": (
            "pending (waiting for the resident to pay), paid, closed (not paid; closed at the provider) or expired "
            "(not paid in time; the server still checks with the provider and applies it if it was paid after all)."
        ),
        "Payment.amount_fen": "The amount in fen, computed by the server from the bills (and credit asked for).",
        "Payment.currency": "Always CNY.",
        "Payment.lines": "What it pays, line by line.",
        "Payment.receipt_no": "The receipt number (收据号), YYYY-NNNNNN per estate per year; null until paid.",
        "Payment.paid_at": "When the provider says it was paid (UTC); null until paid.",
        "Payment.refunded_fen": "What was refunded of it so far, in fen.",
        "Payment.refunds": "Its refunds, oldest first.",
        "Payment.expires_at": "When the order stops taking payment (the provider closes it then).",
        "Payment.created_at": "When the order was made.",
        "PaymentLine.home_id": "The home the line is for.",
        "PaymentLine.bill_id": "The bill paid; null for credit paid ahead (预存).",
        "PaymentLine.amount_fen": "The line's amount in fen.",
        "PaymentPage.items": "The payments of this page.",
        "PaymentPage.next_cursor": "Pass as cursor for the next page; null on the last page.",
        "PaymentCreate.channel": "wechat (WeChat Pay, APP payment) or alipay (Alipay app payment).",
        "PaymentCreate.bill_ids": (
            "The bills to pay, each of a home the caller is bound to, all of one estate, each named once; each is "
            "paid at what it still owes. May be empty when prepay is given."
        ),
        "PaymentCreate.prepay": "Credit to pay ahead (预存) for one of the caller's homes, besides or instead of bills.",
        "Prepay.home_id": "The home (bound to the caller) that holds the credit.",
        "Prepay.amount_fen": "How much to pay ahead, in whole fen (1 to 10,000,000).",
        "PaymentCreated.payment": "The order made.",
        "PaymentCreated.app_payment": (
            "What the app hands to the provider's SDK to pay (调起支付): WeChat's PayReq parameters, or Alipay's "
            "signed order string. Signed by the merchant: pass it on unchanged."
        ),
        "WeChatAppParams.type": "wechat_app: the parameters of WeChat Open SDK's PayReq.",
        "WeChatAppParams.appid": "The app's AppID bound to the merchant (appId of PayReq).",
        "WeChatAppParams.partnerid": "The merchant id (商户号, partnerId of PayReq).",
        "WeChatAppParams.prepayid": "The prepay id WeChat Pay made for the order (prepayId of PayReq).",
        "WeChatAppParams.package": "Always Sign=WXPay (packageValue of PayReq).",
        "WeChatAppParams.noncestr": "A random string (nonceStr of PayReq).",
        "WeChatAppParams.timestamp": "Seconds since the epoch, as a string (timeStamp of PayReq).",
        "WeChatAppParams.sign": "RSA-SHA256 signature of the merchant over appid, timestamp, noncestr and prepayid.",
        "WeChatJsapiParams.type": "wechat_jsapi: the parameters of wx.requestPayment (mini program, in-app web).",
        "WeChatJsapiParams.appId": "The AppID bound to the merchant.",
        "WeChatJsapiParams.timeStamp": "Seconds since the epoch, as a string.",
        "WeChatJsapiParams.nonceStr": "A random string.",
        "WeChatJsapiParams.package": "prepay_id=<the prepay id>.",
        "WeChatJsapiParams.signType": "Always RSA.",
        "WeChatJsapiParams.paySign": "RSA-SHA256 signature of the merchant over appId, timeStamp, nonceStr, package.",
        "AlipayOrderString.type": "alipay_app: an order string for the Alipay app SDK (alipay.trade.app.pay).",
        "AlipayOrderString.order_string": "The signed order string (RSA2): pass it to the SDK's payV2 unchanged.",
        "Refund.id": "The refund's id.",
        "Refund.refund_no": "Our refund number as the provider knows it (商户退款单号).",
        "Refund.kind": "manual (a manager's, with a reason) or duplicate (a bill paid twice, refunded automatically).",
        "Refund.bill_id": "The bill whose payment is refunded; null for an automatic refund of a double payment.",
        "Refund.amount_fen": "The amount refunded, in fen.",
        "Refund.reason": "Why, as the resident sees it.",
        "Refund.state": (
            "requested (not yet sent), processing (the provider is on it), succeeded (the money went back), "
            "closed or abnormal (the provider could not pay it back: the property office follows up)."
        ),
        "Refund.created_at": "When the refund was asked for.",
        "Refund.succeeded_at": "When the provider says the money went back; null until then.",
        "RefundCreate.bill_id": "The bill (paid by this payment) whose payment is refunded.",
        "RefundCreate.amount_fen": "How much, in whole fen: at most what the payment paid on the bill and is not refunded.",
        "RefundCreate.reason": "Why (1-200 characters), shown to the resident and kept in the audit log.",
    }
)


# estate announcements (公告) and filings (备案) ------------------------------------------------------------------

_PUBLISHERS = (
    "the estate's property staff (property_staff or property_manager scoped to it), its owners' committee "
    "(owners_committee scoped to it), the housing officers of its district, and admins"
)
_FILING_READERS = (
    "the estate's property staff, its owners' committee, the housing officers of its district and admins"
)
OPERATIONS.update(
    {
        "publishAnnouncement": (
            "Publishes an announcement (公告) to the whole estate, or to some of its buildings (`building_ids`): a "
            "title, a body, optionally photos (ids of photos the caller uploaded through createUpload, at most 9) "
            "and an expiry, after which residents no longer list it. The announcement shows the side it is "
            "published for (`publisher_as`: property, committee, officer, or admin). An urgent one is also pushed "
            "at once to the residents of the homes in scope: an inbox message of kind announcement.urgent and a "
            f"push to each of their phones, even in their quiet hours. For {_PUBLISHERS}; audited. Send an "
            "Idempotency-Key to make a retry safe."
        ),
        "listAnnouncements": (
            "The estate's announcements, newest first, each with the caller's own read receipt (`read_at`, null "
            "while unread). A resident (bound now to a home of the estate, as owner, family or tenant) sees the "
            "ones addressed to the whole estate or to a building of theirs that are neither withdrawn nor "
            f"expired; {_PUBLISHERS} see every one, with its state. Paging: pass `next_cursor` back as `cursor`; "
            "it is null on the last page."
        ),
        "getAnnouncement": (
            "One announcement with the caller's read receipt. For the residents of the homes it is addressed "
            "to (also after it expired: a push may lead here; a withdrawn one is announcement_not_found for them) "
            f"and for {_PUBLISHERS}."
        ),
        "markAnnouncementRead": (
            "Records the caller's read receipt (已读): for a resident of a home the announcement is addressed to. "
            "Safe to repeat: the first receipt stays and the answer is the same. Answers the announcement with "
            "`read_at`."
        ),
        "getAnnouncementReads": (
            "How far an announcement reached: the residents bound now to a home in its scope, how many of them "
            "read it, and every receipt (people who moved out since included). For " + _PUBLISHERS + "."
        ),
        "withdrawAnnouncement": (
            "Withdraws an announcement with the reason (撤回): residents no longer see it, and an urgent one not "
            "yet pushed is not pushed. Only the side that published it withdraws it (the committee does not take "
            "down the property company's notices, nor the company the committee's), and admins; audited. A "
            "second withdrawal is announcement_state_conflict."
        ),
        "fileServiceContract": (
            "The property company files its service contract (物业服务合同备案) with the district housing office: "
            "the company, the service grade (一级 the highest, to 五级), the property fee in fen per m² per month, "
            "the term, and the documents (ids of photos the caller uploaded through createUpload, 1 to 20: the "
            "signed contract's pages; uploads take images only, so a PDF is filed as photos of its pages). It is "
            "the next version of the estate's contract filings, and waits for the housing officer (state filed); "
            "while one waits, another is refused (filing_state_conflict). For the estate's property staff and "
            "admins; audited. Answers the filing with its version in the ETag."
        ),
        "fileCommittee": (
            "The owners' committee files its election result and members (业主委员会备案): the election date, the "
            "term, the members with their roles (one chair 主任, vice chairs 副主任, members 委员), and the "
            "documents (photos the caller uploaded: the election record, the announcement of the result). It is "
            "the next version of the estate's committee filings; while one waits, another is refused "
            "(filing_state_conflict). For the estate's committee members and admins; audited. Answers the filing "
            "with its version in the ETag."
        ),
        "listEstateFilings": (
            "Every version of the estate's filings, newest first, of one kind or both, with their state "
            "(filed, accepted, returned with the reason, superseded by a later accepted version) and documents. "
            f"For {_FILING_READERS}. Paging: pass `next_cursor` back as `cursor`."
        ),
        "getCurrentFilings": (
            "The estate's filings as its public page shows them: the accepted service contract (company, service "
            "grade, fee per m² per month, term) and the accepted owners' committee (members and roles, election "
            "date, term); null for a kind with no accepted filing. No documents. Needs no token."
        ),
        "getFiling": (
            f"One filing with its documents (links valid 15 minutes), for {_FILING_READERS}. The ETag is its "
            "version, to send as If-Match to acceptFiling or returnFiling."
        ),
        "acceptFiling": (
            "Accepts the filing (备案通过): it becomes the estate's current filing of its kind, and the version "
            "accepted before is superseded. If-Match carries the filing's version (filing_version_conflict "
            "otherwise); a filing decided already is filing_state_conflict. An optional note as `reason`. For the "
            "housing officers of the estate's district and admins; audited."
        ),
        "returnFiling": (
            "Returns the filing with the reason (退回): the filer corrects it and files again as the next version. "
            "If-Match carries the filing's version. For the housing officers of the estate's district and admins; "
            "audited."
        ),
    }
)
PARAMETERS.update(
    {
        "announcement_id": "The announcement's id, from publishAnnouncement or listAnnouncements.",
        "filing_id": "The filing's id, from fileServiceContract, fileCommittee or listEstateFilings.",
        "listEstateFilings.kind": "Only filings of this kind: service_contract or committee; both when left out.",
    }
)
PARAMETER_EXAMPLES.update(
    {
        "announcement_id": "0193a1e0-5e0d-7e57-8a7e-0000000a0001",
        "filing_id": "0193a1e0-5e0d-7e57-8a7e-0000000f0002",
        "listEstateFilings.kind": "service_contract",
        "listAnnouncements.cursor": (
            "WyIyMDI2LTEyLTAxVDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBhMDAwMSJd"
        ),
        "listEstateFilings.cursor": (
            "WyIyMDI2LTExLTI1VDAyOjAwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBmMDAwMiJd"
        ),
    }
)
SCHEMAS.update(
    {
        "AnnouncementCreate": "An announcement to publish (公告).",
        "Announcement": (
            "An estate announcement (公告) with the reader's own receipt; the publishers also see withdrawn and "
            "expired ones."
        ),
        "AnnouncementBuilding": "A building an announcement is addressed to.",
        "AnnouncementPage": "A page of announcements, newest first.",
        "AnnouncementReads": "How many of the residents an announcement is addressed to read it.",
        "AnnouncementWithdrawal": "Why an announcement is withdrawn.",
        "ServiceContractFiling": "The property company's service contract, to file (物业服务合同备案).",
        "CommitteeFiling": "The owners' committee's election result and members, to file (业主委员会备案).",
        "CommitteeMember": "A member of the owners' committee and their role in it.",
        "FilingAcceptance": "An acceptance, with an optional note.",
        "FilingReturn": "A return, with the reason the filer must correct.",
        "Filing": (
            "A filing (备案) with the district housing office: one version of the estate's service contract or "
            "committee filings, its state and documents."
        ),
        "ContractTerms": "What a service contract filing says.",
        "CommitteeTerms": "What a committee filing says.",
        "FilingPage": "A page of filings, newest first.",
        "CurrentFilings": "The estate's accepted filings, as its public page shows them.",
        "CurrentContract": "The estate's accepted service contract.",
        "CurrentCommittee": "The estate's accepted owners' committee.",
    }
)
_TERM_START = "The first day of the term, YYYY-MM-DD."
_TERM_END = "The last day of the term, YYYY-MM-DD; after term_start."
_GRADE = "The contract's service grade (物业服务等级): 一级 (the highest), 二级, 三级, 四级 or 五级, as the local standard has them."
_FEE = "The property fee (物业费) the contract sets, in fen per m² of a home's counted area per month: 250 is 2.50 yuan."
_MEMBERS = "The committee's members in order, with exactly one chair (主任)."
PROPERTIES.update(
    {
        "AnnouncementCreate.title": "The title, 1-100 characters (not blank); the push shows it.",
        "AnnouncementCreate.body": "The text, 1-10,000 characters (not blank).",
        "AnnouncementCreate.urgent": "true: push it at once to the residents in scope (紧急公告), even in quiet hours.",
        "AnnouncementCreate.building_ids": (
            "The buildings it is addressed to (ids from getEstate's `buildings`); empty or left out: the whole estate."
        ),
        "AnnouncementCreate.photo_ids": "Photos to show with it, in order: ids of photos the caller uploaded (at most 9).",
        "AnnouncementCreate.expires_at": (
            "When residents stop listing it, RFC 3339 with its offset, in the future; null or left out: never."
        ),
        "Announcement.id": "The announcement's id.",
        "Announcement.estate_id": "The estate it is published in.",
        "Announcement.buildings": "The buildings it is addressed to; empty: the whole estate.",
        "Announcement.title": "The title.",
        "Announcement.body": "The text.",
        "Announcement.urgent": "Whether it was pushed as urgent.",
        "Announcement.photos": "Its photos, in order, with links valid 15 minutes.",
        "Announcement.expires_at": "When residents stop listing it (UTC); null: never.",
        "Announcement.expired": "Whether it has expired (residents no longer list it).",
        "Announcement.publisher_as": (
            "Who published it: property (the property company, 物业), committee (the owners' committee, 业委会), "
            "officer (the district housing office, 房管) or admin."
        ),
        "Announcement.published_at": "When it was published, UTC.",
        "Announcement.state": "published, or withdrawn (residents no longer see it).",
        "Announcement.withdrawn_at": "When it was withdrawn, UTC; null while published.",
        "Announcement.withdraw_reason": "Why it was withdrawn; empty while published.",
        "Announcement.read_at": "When the caller first marked it read, UTC; null while unread.",
        "Announcement.version": "Grows with each change (a withdrawal).",
        "AnnouncementBuilding.id": "The building's id.",
        "AnnouncementBuilding.name": "The building's name (3号楼).",
        "AnnouncementPage.items": "The announcements of this page.",
        "AnnouncementPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
        "AnnouncementReads.announcement_id": "The announcement.",
        "AnnouncementReads.residents": (
            "The people bound now (active binding: owner, family or tenant) to a home it is addressed to."
        ),
        "AnnouncementReads.readers": "How many of those residents marked it read.",
        "AnnouncementReads.receipts": "Every read receipt, people who moved out since included.",
        "AnnouncementWithdrawal.reason": "Why, 1-200 characters (not blank); kept and shown to the publishers.",
        "ServiceContractFiling.company": "The property company (物业服务企业) as the contract names it, 1-100 characters.",
        "ServiceContractFiling.service_grade": _GRADE,
        "ServiceContractFiling.fee_fen_m2_month": _FEE + " 1 to 100,000.",
        "ServiceContractFiling.term_start": _TERM_START,
        "ServiceContractFiling.term_end": _TERM_END,
        "ServiceContractFiling.document_ids": (
            "The contract's pages: ids of photos the caller uploaded, 1 to 20, each once (a PDF as photos of its pages)."
        ),
        "ServiceContractFiling.note": "A note for the housing office, at most 2,000 characters.",
        "CommitteeFiling.elected_on": "The day the owners' assembly elected the committee, YYYY-MM-DD; not after term_start.",
        "CommitteeFiling.term_start": _TERM_START,
        "CommitteeFiling.term_end": _TERM_END,
        "CommitteeFiling.members": _MEMBERS + " Each name once; 1 to 50 members.",
        "CommitteeFiling.document_ids": (
            "The election record and the result's announcement: ids of photos the caller uploaded, 1 to 20, each once."
        ),
        "CommitteeFiling.note": "A note for the housing office, at most 2,000 characters.",
        "CommitteeMember.name": "The member's name, 1-50 characters.",
        "CommitteeMember.role": "chair (主任), vice_chair (副主任) or member (委员).",
        "FilingAcceptance.reason": "An optional note, at most 500 characters.",
        "FilingReturn.reason": "What to correct, 1-500 characters (not blank); shown to the filer.",
        "Filing.id": "The filing's id.",
        "Filing.estate_id": "The estate it is filed for.",
        "Filing.kind": "service_contract (物业服务合同) or committee (业主委员会).",
        "Filing.version": "Its number among the estate's filings of its kind: 1, 2, 3 ... Also its ETag.",
        "Filing.state": (
            "filed (waits for the housing office), accepted (the current one of its kind), returned (to be filed "
            "again as the next version) or superseded (a later version was accepted)."
        ),
        "Filing.term_start": _TERM_START,
        "Filing.term_end": _TERM_END,
        "Filing.service_contract": "What a service contract filing says; null for a committee filing.",
        "Filing.committee": "What a committee filing says; null for a service contract filing.",
        "Filing.note": "The filer's note.",
        "Filing.documents": "Its documents, in order, with links valid 15 minutes.",
        "Filing.filed_at": "When it was filed, UTC.",
        "Filing.decided_at": "When the housing office accepted or returned it, UTC; null while it waits.",
        "Filing.decision_reason": "The housing office's reason (a return's) or note (an acceptance's); empty when none.",
        "Filing.superseded_at": "When a later version was accepted, UTC; null otherwise.",
        "ContractTerms.company": "The property company.",
        "ContractTerms.service_grade": _GRADE,
        "ContractTerms.fee_fen_m2_month": _FEE,
        "CommitteeTerms.elected_on": "The day the committee was elected.",
        "CommitteeTerms.members": _MEMBERS,
        "FilingPage.items": "The filings of this page.",
        "FilingPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
        "CurrentFilings.estate_id": "The estate.",
        "CurrentFilings.service_contract": "The accepted service contract; null when none is accepted.",
        "CurrentFilings.committee": "The accepted owners' committee; null when none is accepted.",
        "CurrentContract.filing_id": "The accepted filing.",
        "CurrentContract.version": "Its version.",
        "CurrentContract.company": "The property company.",
        "CurrentContract.service_grade": _GRADE,
        "CurrentContract.fee_fen_m2_month": _FEE,
        "CurrentContract.term_start": _TERM_START,
        "CurrentContract.term_end": "The last day of the term, YYYY-MM-DD.",
        "CurrentContract.accepted_at": "When the housing office accepted it, UTC.",
        "CurrentCommittee.filing_id": "The accepted filing.",
        "CurrentCommittee.version": "Its version.",
        "CurrentCommittee.elected_on": "The day the committee was elected.",
        "CurrentCommittee.members": _MEMBERS,
        "CurrentCommittee.term_start": _TERM_START,
        "CurrentCommittee.term_end": "The last day of the term, YYYY-MM-DD.",
        "CurrentCommittee.accepted_at": "When the housing office accepted it, UTC.",
    }
)
_ANNOUNCEMENT_PHOTO = {
    "id": "0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f20",
    "display_url": (
        "https://oss.cityloop.example/cityloop-media/display/"
        "9f8e7d6c5b4a3f2e1d0c5e0c7b1a9d3f4e2b8c6a1f0e9d8c7b6a5f4e3d2c1b0a.jpg"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261201T013012Z&X-Amz-Expires=900"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=4c1d9e2a"
    ),
    "thumbnail_url": (
        "https://oss.cityloop.example/cityloop-media/thumb/"
        "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9.jpg"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261201T013012Z&X-Amz-Expires=900"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=8e3f0b71"
    ),
    "width": 2048,
    "height": 1536,
}
_COMMITTEE_MEMBERS = [
    {"name": "王建国", "role": "chair"},
    {"name": "李秀英", "role": "vice_chair"},
    {"name": "张伟", "role": "member"},
    {"name": "刘芳", "role": "member"},
    {"name": "陈明", "role": "member"},
]
EXAMPLES.update(
    {
        "AnnouncementCreate": {
            "title": "3号楼停水通知",
            "body": "因二次供水设备检修，12月3日 9:00-17:00 3号楼停水，请提前储水。",
            "urgent": True,
            "building_ids": ["01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02"],
            "photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f20"],
            "expires_at": "2026-12-03T17:00:00+08:00",
        },
        "Announcement": {
            "id": "0193a1e0-5e0d-7e57-8a7e-0000000a0001",
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "buildings": [{"id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02", "name": "3号楼"}],
            "title": "3号楼停水通知",
            "body": "因二次供水设备检修，12月3日 9:00-17:00 3号楼停水，请提前储水。",
            "urgent": True,
            "photos": [_ANNOUNCEMENT_PHOTO],
            "expires_at": "2026-12-03T09:00:00Z",
            "expired": False,
            "publisher_as": "property",
            "published_at": "2026-12-01T01:30:00Z",
            "state": "published",
            "withdrawn_at": None,
            "withdraw_reason": "",
            "read_at": "2026-12-01T02:11:45Z",
            "version": 1,
        },
        "AnnouncementReads": {
            "announcement_id": "0193a1e0-5e0d-7e57-8a7e-0000000a0001",
            "residents": 212,
            "readers": 147,
            "receipts": 149,
        },
        "AnnouncementWithdrawal": {"reason": "检修改期至12月10日，另行通知"},
        "ServiceContractFiling": {
            "company": "北京和平物业服务有限公司",
            "service_grade": "二级",
            "fee_fen_m2_month": 250,
            "term_start": "2027-01-01",
            "term_end": "2029-12-31",
            "document_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f21", "0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f22"],
            "note": "续签，收费标准不变",
        },
        "CommitteeFiling": {
            "elected_on": "2026-11-20",
            "term_start": "2026-12-01",
            "term_end": "2031-11-30",
            "members": _COMMITTEE_MEMBERS,
            "document_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f23"],
            "note": "",
        },
        "FilingReturn": {"reason": "合同第3页缺少业主委员会盖章，请补正后重新提交"},
        "FilingAcceptance": {"reason": ""},
        "Filing": {
            "id": "0193a1e0-5e0d-7e57-8a7e-0000000f0002",
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "kind": "service_contract",
            "version": 2,
            "state": "accepted",
            "term_start": "2027-01-01",
            "term_end": "2029-12-31",
            "service_contract": {
                "company": "北京和平物业服务有限公司",
                "service_grade": "二级",
                "fee_fen_m2_month": 250,
            },
            "committee": None,
            "note": "续签，收费标准不变",
            "documents": [{**_ANNOUNCEMENT_PHOTO, "id": "0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f21"}],
            "filed_at": "2026-11-25T02:00:00Z",
            "decided_at": "2026-11-27T06:45:10Z",
            "decision_reason": "",
            "superseded_at": None,
        },
        "CurrentFilings": {
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "service_contract": {
                "filing_id": "0193a1e0-5e0d-7e57-8a7e-0000000f0002",
                "version": 2,
                "company": "北京和平物业服务有限公司",
                "service_grade": "二级",
                "fee_fen_m2_month": 250,
                "term_start": "2027-01-01",
                "term_end": "2029-12-31",
                "accepted_at": "2026-11-27T06:45:10Z",
            },
            "committee": {
                "filing_id": "0193a1e0-5e0d-7e57-8a7e-0000000f0003",
                "version": 1,
                "elected_on": "2026-11-20",
                "members": _COMMITTEE_MEMBERS,
                "term_start": "2026-12-01",
                "term_end": "2031-11-30",
                "accepted_at": "2026-11-28T03:20:00Z",
            },
        },
    }
)


# owners' assembly votes (业主大会 线上投票) -----------------------------------------------------------------------

_VOTE_ORGANISERS = (
    "the estate's owners' committee (owners_committee scoped to it), or, for an estate with no committee, the "
    "housing officers of its district; and admins"
)
_VOTE_READERS = (
    "the estate's owners (an active owner binding to one of its homes), its property staff, the housing "
    "officers of its district, its owners' committee and admins"
)
_AREA = "in hundredths of m² (10235 is 102.35 m²)"
OPERATIONS.update(
    {
        "raiseVoteMatter": (
            "Raises a matter for the owners' assembly (表决事项) as a draft: its kind (special: yes needs at least 3/4 "
            "of the participating area and heads; ordinary: more than 1/2 of both), title and text, its scope (the "
            "whole estate, or only the homes of some buildings: then only their owners vote and only their area "
            "counts), its voting window, whether a ballot may be changed before the close (no by default) and "
            "whether non-voters follow the majority (off by default; its use is shown in the result and audited). "
            "The window opens at least the city's notice period (15 days by default) after now, and notice must "
            f"still come that far ahead of it (invalid_vote_matter otherwise). For {_VOTE_ORGANISERS}; audited. "
            "Send an Idempotency-Key to make a retry safe."
        ),
        "listVoteMatters": (
            "The estate's matters put to the vote, newest first, with their state. Drafts only for those who run "
            f"its votes. For {_VOTE_READERS}. Paging: pass `next_cursor` back as `cursor`; it is null on the last "
            "page."
        ),
        "getVoteMatter": (
            f"One matter with its state, window and the size of its roll (heads and area). For {_VOTE_READERS}; "
            "a draft is vote_matter_not_found for those who do not run the estate's votes."
        ),
        "noticeVoteMatter": (
            "Gives notice (公告): the roll is frozen from the owners register as it is now (one head per buyer, "
            "co-owners of a home together, all unsold developer homes as one head; each with the area that counts: "
            "register, else surveyed, else contract) and published, names masked, to the estate's owners, who are "
            "told in their inbox and by push (vote.notice). The window must still open at least the notice period "
            "ahead (invalid_vote_matter); a scope with no owned home is vote_roll_empty; a matter noticed already "
            f"is vote_state_conflict. For {_VOTE_ORGANISERS}; audited."
        ),
        "getVoteRoll": (
            "The frozen roll as published, names masked (张*): each head's number, kind, counted area and homes, "
            f"with the totals. Not before notice (vote_state_conflict). For {_VOTE_READERS}. Paging by head "
            "number: pass `next_cursor` back as `cursor`."
        ),
        "castBallot": (
            "Votes yes, no or abstain (投票) for the head the caller is the designated voter of (by default its "
            "first registered owner, bound to one of its homes in the app), or for a head whose written proxy the "
            "caller holds (`head_no`). Only inside the window (vote_state_conflict otherwise). One ballot per head, "
            "kept by the database whatever the concurrency: a second one is ballot_exists, unless the matter "
            "allows changes (the answer says `changed`). Answers the receipt code, shown once: its sha256 is in "
            "the published receipts list with the choice, so the voter can check their ballot was counted as "
            "cast. Idempotency-Key required: a retry with the same key answers the same receipt."
        ),
        "enterPaperBallot": (
            "Enters a head's paper ballot (纸质表决票) with the photo of the signed ballot (a photo the caller "
            "uploaded through createUpload), marked as paper. Inside the window only, and only for a head that has "
            f"not voted (ballot_exists; a paper ballot never changes one). For {_VOTE_ORGANISERS}; audited. "
            "Idempotency-Key required."
        ),
        "giveVoteProxy": (
            "The head's designated voter gives a written proxy (委托书) to someone, named by phone, with the photo "
            "of the signed authorisation (a photo the caller uploaded). The proxy then votes for the head in the "
            "app (castBallot with `head_no`). One live proxy per head (vote_proxy_exists); not once the head has "
            "voted (ballot_exists) nor after the close. Audited. The answer shows the proxy's phone masked."
        ),
        "revokeVoteProxy": (
            "Revokes a proxy, until the head has voted (ballot_exists after) and the vote is not over: by whoever "
            "gave it, or by those who run the estate's votes; vote_proxy_not_found for anyone else. Revoking a "
            "revoked proxy answers it unchanged. Audited."
        ),
        "setDesignatedVoter": (
            "Names another co-owner of the head (by the phone the register has for them) as its voter, with the "
            "reason: co-owners agree who votes, and the committee records it (a row kept with who, when and why). "
            f"Until the head has voted (ballot_exists) and before the close. For {_VOTE_ORGANISERS}; "
            "audited. Safe to repeat."
        ),
        "closeVoteMatter": (
            "Closes the vote once its window has ended (vote_state_conflict before closes_at): the tally is made "
            "from the ballots and published at once, and the estate's owners are told (vote.result). A ballot in "
            "flight when the close comes is counted; a later one is refused, never half. The worker closes every "
            f"matter at closes_at by itself; this is for {_VOTE_ORGANISERS} who do not want to wait for it. "
            "Audited, and so is the use of the non-voters-follow-the-majority rule."
        ),
        "getVoteResult": (
            "The published result (表决结果): passed or not, the quorum (at least 2/3 of the area and 2/3 of the "
            "heads taking part) and the pass on the participating area and heads, each as numerator, denominator "
            "and rule; abstentions take part but never count as yes; the figures as cast, and with non-voters "
            "added to the majority when the matter asked for that rule and it applied; the figures of each "
            "building; and the receipts list (sha256 of every receipt code with its choice, no names). "
            f"vote_state_conflict until the vote is closed. For {_VOTE_READERS}."
        ),
    }
)
PARAMETERS.update(
    {
        "matter_id": "The matter's id, from raiseVoteMatter or listVoteMatters.",
        "proxy_id": "The proxy's id, from giveVoteProxy.",
        "head_no": "The head's number on the matter's roll (getVoteRoll), from 1.",
    }
)
PARAMETER_EXAMPLES.update(
    {
        "matter_id": "0193a1e0-5e0d-7e57-8a7e-0000000b0001",
        "proxy_id": "0193a1e0-5e0d-7e57-8a7e-0000000b0101",
        "head_no": 17,
        "listVoteMatters.cursor": (
            "WyIyMDI2LTExLTAyIDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBiMDAwMSJd"
        ),
        "getVoteRoll.cursor": "WzUwXQ",
    }
)
SCHEMAS.update(
    {
        "VoteMatterCreate": "A matter to put to the owners' vote, raised as a draft.",
        "VoteMatter": "A matter put to the owners' vote (表决事项), its window and state.",
        "VoteMatterPage": "A page of matters, newest first.",
        "RollHead": "One head of the frozen roll (一户), as published: masked, with its counted area and homes.",
        "VoteRollPage": "A page of the frozen roll, by head number, with the roll's totals.",
        "BallotCast": "A ballot cast in the app.",
        "PaperBallot": "A paper ballot entered by the committee.",
        "BallotReceipt": "A ballot as recorded, with the voter's receipt code.",
        "ProxyCreate": "A written proxy (委托书) to give.",
        "VoteProxy": "A written proxy of a head.",
        "VoterChange": "Another co-owner named as the head's voter.",
        "VoterDesignation": "A head's designated voter after a change.",
        "VoteResult": "The published result of a matter (表决结果).",
        "VoteTally": (
            "The tally with every numerator and denominator: the decision as cast, the non-voters-follow-the-"
            "majority rule, the decision that counts, and each building's figures."
        ),
        "VoteDecision": "The quorum and the pass measured on one set of figures.",
        "VoteFigures": f"Counts of a set of heads, on area ({_AREA}) and on heads.",
        "VoteRatio": "A comparison as it was made: numerator / denominator against the rule's fraction.",
        "VoteMajorityRule": "How the non-voters-follow-the-majority rule (未参与表决者计入多数) went.",
        "VoteBuildingFigures": "One building's figures, as cast.",
        "BuildingName": "A building named in the result.",
        "ReceiptEntry": "One line of the published receipts list.",
    }
)
PROPERTIES.update(
    {
        "VoteMatterCreate.kind": (
            "special (特别事项: yes needs >= 3/4 of the participating area and heads, for example using the "
            "maintenance fund or rebuilding) or ordinary (一般事项: yes needs > 1/2 of both)."
        ),
        "VoteMatterCreate.title": "The title, 1-200 characters (not blank).",
        "VoteMatterCreate.body": "The text of the matter, at most 10,000 characters.",
        "VoteMatterCreate.opens_at": (
            "When voting opens, RFC 3339 with its offset: at least the notice period (15 days by default) from "
            "now, and still that far ahead when notice is given."
        ),
        "VoteMatterCreate.closes_at": "When voting closes, RFC 3339 with its offset: after opens_at, within a year of it.",
        "VoteMatterCreate.building_ids": (
            "The buildings in scope (ids from getEstate's `buildings`, at most 500); empty or left out: the whole "
            "estate."
        ),
        "VoteMatterCreate.allow_change": "true: a voter may change their ballot until the close. false by default.",
        "VoteMatterCreate.non_voters_follow_majority": (
            "true: heads that did not vote are added to the side that leads on both area and heads (a disputed "
            "rule some assemblies adopt); the result shows the figures with and without it. false by default."
        ),
        "VoteMatter.id": "The matter's id.",
        "VoteMatter.estate_id": "The estate.",
        "VoteMatter.kind": "special (>= 3/4) or ordinary (> 1/2).",
        "VoteMatter.title": "The title.",
        "VoteMatter.body": "The text.",
        "VoteMatter.building_ids": "The buildings in scope; empty: the whole estate.",
        "VoteMatter.state": (
            "draft (raised, not yet noticed; seen by those who run the votes only), noticed (the roll is "
            "published, the window is ahead), open (ballots are taken), closed (the window ended, the tally not "
            "yet out) or published (the result is out)."
        ),
        "VoteMatter.notice_at": "When notice was given (the roll frozen), UTC; null for a draft.",
        "VoteMatter.opens_at": "When voting opens, UTC.",
        "VoteMatter.closes_at": "When voting closes, UTC.",
        "VoteMatter.allow_change": "Whether a ballot may be changed until the close.",
        "VoteMatter.non_voters_follow_majority": "Whether non-voters follow the majority in the result.",
        "VoteMatter.heads": "Heads on the frozen roll; 0 for a draft.",
        "VoteMatter.total_area": f"The roll's total counted area, {_AREA}; 0 for a draft.",
        "VoteMatter.version": "Grows with each change of state.",
        "VoteMatter.created_at": "When it was raised, UTC.",
        "VoteMatter.closed_at": "When it was closed, UTC; null before.",
        "VoteMatterPage.items": "The matters of this page.",
        "VoteMatterPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
        "RollHead.head_no": "The head's number on this roll, from 1.",
        "RollHead.kind": "person (one owner or co-owners, with every home they own in scope) or developer (all unsold homes).",
        "RollHead.masked_name": "The owners' names masked (张*、李**); the developer's name for its unsold homes.",
        "RollHead.area": f"The area it counts, {_AREA}: the sum of its homes'.",
        "RollHead.homes": "Its homes in scope (1号楼 1单元 101).",
        "VoteRollPage.total_heads": "Heads on the whole roll.",
        "VoteRollPage.total_area": f"The whole roll's counted area, {_AREA}.",
        "VoteRollPage.items": "The heads of this page, by number.",
        "VoteRollPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
        "BallotCast.choice": "yes (同意), no (反对) or abstain (弃权: takes part, never counts as yes).",
        "BallotCast.head_no": (
            "The head voted for: needed only by a proxy holding more than one head; left out: the caller's own "
            "head, else the first head they hold a proxy of."
        ),
        "PaperBallot.head_no": "The head whose paper ballot this is (its number on the roll).",
        "PaperBallot.choice": "yes, no or abstain, as marked on the paper.",
        "PaperBallot.photo_id": "The photo of the signed ballot: a photo the caller uploaded.",
        "BallotReceipt.matter_id": "The matter.",
        "BallotReceipt.head_no": "The head voted for.",
        "BallotReceipt.choice": "The choice recorded.",
        "BallotReceipt.channel": "app (the head's voter), paper (entered by the committee) or proxy (the head's proxy).",
        "BallotReceipt.cast_at": "When it was recorded, UTC.",
        "BallotReceipt.changed": "true when it replaced the head's earlier ballot (a matter that allows changes).",
        "BallotReceipt.receipt_code": (
            "The receipt code (XXXX-XXXX-XXXX), given once: keep it. Its sha256 (hex, of the code in capitals) is "
            "in the result's receipts list with the choice. A changed ballot has a new code."
        ),
        "ProxyCreate.proxy_phone": "The proxy's mobile phone (the proxy signs in with it to vote), 1-32 characters.",
        "ProxyCreate.photo_id": "The photo of the signed authorisation: a photo the caller uploaded.",
        "VoteProxy.id": "The proxy's id.",
        "VoteProxy.matter_id": "The matter.",
        "VoteProxy.head_no": "The head it votes for.",
        "VoteProxy.proxy_phone": "The proxy's phone, masked (138****0000).",
        "VoteProxy.photo_id": "The photo of the authorisation.",
        "VoteProxy.created_at": "When it was given, UTC.",
        "VoteProxy.revoked_at": "When it was revoked, UTC; null while live.",
        "VoterChange.owner_phone": "The phone the owners register has for the co-owner who will vote.",
        "VoterChange.reason": "Why, 1-200 characters (not blank): kept with the change.",
        "VoterDesignation.matter_id": "The matter.",
        "VoterDesignation.head_no": "The head.",
        "VoterDesignation.voter_name": "The co-owner who votes for the head now.",
        "VoterDesignation.voter_phone": "Their phone.",
        "VoterDesignation.reason": "Why it changed.",
        "VoteResult.matter_id": "The matter.",
        "VoteResult.passed": "Whether the matter passed (the same as tally.passed).",
        "VoteResult.tally": "The tally, every numerator and denominator.",
        "VoteResult.buildings": "The names of the buildings in tally.buildings.",
        "VoteResult.receipts": "Every ballot's receipt hash with its choice, ordered by hash: no names.",
        "VoteResult.published_at": "When it was published, UTC.",
        "VoteTally.kind": "special or ordinary: it fixes the threshold.",
        "VoteTally.threshold": "The pass rule: >= 3/4 (special) or > 1/2 (ordinary), of the participating area and heads.",
        "VoteTally.cast": "The quorum and pass on the ballots as cast.",
        "VoteTally.non_voters_follow_majority": "Whether the matter asked for the rule, and whether and how it applied.",
        "VoteTally.outcome": "What decides: `cast`, or the figures with non-voters added to the majority when the rule applied.",
        "VoteTally.passed": "Whether the matter passed: the outcome's quorum and pass, on area and on heads.",
        "VoteTally.buildings": "Each building's figures as cast (a head counts in each building it has homes in, with its area there).",
        "VoteDecision.figures": "The counts it is measured on.",
        "VoteDecision.quorum_area": "Participating area over the roll's area, >= 2/3.",
        "VoteDecision.quorum_heads": "Participating heads over the roll's heads, >= 2/3.",
        "VoteDecision.quorum_met": "Both quorum comparisons are met.",
        "VoteDecision.pass_area": "Yes area over the participating area, against the threshold.",
        "VoteDecision.pass_heads": "Yes heads over the participating heads, against the threshold.",
        "VoteDecision.passed": "The quorum and both pass comparisons are met.",
        "VoteFigures.total_area": f"The roll's area, {_AREA}.",
        "VoteFigures.total_heads": "The roll's heads.",
        "VoteFigures.participating_area": "The area of the heads that voted (yes, no or abstain).",
        "VoteFigures.participating_heads": "The heads that voted (yes, no or abstain).",
        "VoteFigures.yes_area": "The area voting yes.",
        "VoteFigures.yes_heads": "The heads voting yes.",
        "VoteFigures.no_area": "The area voting no.",
        "VoteFigures.no_heads": "The heads voting no.",
        "VoteFigures.abstain_area": "The area abstaining.",
        "VoteFigures.abstain_heads": "The heads abstaining.",
        "VoteFigures.not_voting_area": "The area of the heads that did not vote.",
        "VoteFigures.not_voting_heads": "The heads that did not vote.",
        "VoteRatio.numerator": "What was counted (area in hundredths of m², or heads).",
        "VoteRatio.denominator": "What it is measured against.",
        "VoteRatio.rule": "The rule: >= 2/3, >= 3/4 or > 1/2; compared in integers, never rounded.",
        "VoteRatio.met": "Whether numerator / denominator meets the rule (never with a denominator of 0).",
        "VoteMajorityRule.enabled": "Whether the matter asked for the rule.",
        "VoteMajorityRule.applied": "Whether it was applied: only when one side leads on both area and heads and someone did not vote.",
        "VoteMajorityRule.side": "The side that led on both (yes or no); null when neither did or the rule was off.",
        "VoteMajorityRule.added_area": "The non-voters' area added to that side.",
        "VoteMajorityRule.added_heads": "The non-voters' heads added to that side.",
        "VoteBuildingFigures.building_id": "The building.",
        "VoteBuildingFigures.figures": "Its figures as cast.",
        "BuildingName.building_id": "The building's id.",
        "BuildingName.name": "Its name (3号楼).",
        "ReceiptEntry.receipt_hash": "sha256 of a receipt code (XXXX-XXXX-XXXX, capitals), 64 hex digits.",
        "ReceiptEntry.choice": "The choice recorded with it.",
    }
)
_VOTE_MATTER_ID = "0193a1e0-5e0d-7e57-8a7e-0000000b0001"
_VOTE_FIGURES = {
    "total_area": 2739530,
    "total_heads": 240,
    "participating_area": 2193660,
    "participating_heads": 194,
    "yes_area": 1493076,
    "yes_heads": 132,
    "no_area": 454312,
    "no_heads": 40,
    "abstain_area": 246272,
    "abstain_heads": 22,
    "not_voting_area": 545870,
    "not_voting_heads": 46,
}
_VOTE_DECISION = {
    "figures": _VOTE_FIGURES,
    "quorum_area": {"numerator": 2193660, "denominator": 2739530, "rule": ">= 2/3", "met": True},
    "quorum_heads": {"numerator": 194, "denominator": 240, "rule": ">= 2/3", "met": True},
    "quorum_met": True,
    "pass_area": {"numerator": 1493076, "denominator": 2193660, "rule": "> 1/2", "met": True},
    "pass_heads": {"numerator": 132, "denominator": 194, "rule": "> 1/2", "met": True},
    "passed": True,
}
_VOTE_TALLY = {
    "kind": "ordinary",
    "threshold": "> 1/2",
    "cast": _VOTE_DECISION,
    "non_voters_follow_majority": {
        "enabled": False, "applied": False, "side": None, "added_area": 0, "added_heads": 0,
    },
    "outcome": _VOTE_DECISION,
    "passed": True,
    "buildings": [
        {
            "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b01",
            "figures": {
                "total_area": 1351461, "total_heads": 120, "participating_area": 1083510,
                "participating_heads": 97, "yes_area": 768783, "yes_heads": 69, "no_area": 206225,
                "no_heads": 18, "abstain_area": 108502, "abstain_heads": 10, "not_voting_area": 267951,
                "not_voting_heads": 23,
            },
        },
        {
            "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02",
            "figures": {
                "total_area": 1388069, "total_heads": 120, "participating_area": 1110150,
                "participating_heads": 97, "yes_area": 724293, "yes_heads": 63, "no_area": 248087,
                "no_heads": 22, "abstain_area": 137770, "abstain_heads": 12, "not_voting_area": 277919,
                "not_voting_heads": 23,
            },
        },
    ],
}  # fmt: skip
EXAMPLES.update(
    {
        "VoteMatterCreate": {
            "kind": "ordinary",
            "title": "关于更换小区监控系统的表决",
            "body": "拟更换小区全部公共区域监控摄像头，费用由物业服务费列支，不动用维修资金。",
            "opens_at": "2026-11-20T09:00:00+08:00",
            "closes_at": "2026-12-05T18:00:00+08:00",
            "building_ids": [],
            "allow_change": False,
            "non_voters_follow_majority": False,
        },
        "VoteMatter": {
            "id": _VOTE_MATTER_ID,
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "kind": "ordinary",
            "title": "关于更换小区监控系统的表决",
            "body": "拟更换小区全部公共区域监控摄像头，费用由物业服务费列支，不动用维修资金。",
            "building_ids": [],
            "state": "open",
            "notice_at": "2026-11-02T01:30:00Z",
            "opens_at": "2026-11-20T01:00:00Z",
            "closes_at": "2026-12-05T10:00:00Z",
            "allow_change": False,
            "non_voters_follow_majority": False,
            "heads": 240,
            "total_area": 2739530,
            "version": 3,
            "created_at": "2026-11-01T08:12:40Z",
            "closed_at": None,
        },
        "VoteRollPage": {
            "total_heads": 240,
            "total_area": 2739530,
            "items": [
                {
                    "head_no": 1,
                    "kind": "person",
                    "masked_name": "王*、李**",
                    "area": 10235,
                    "homes": ["1号楼 1单元 101"],
                },
                {
                    "head_no": 2,
                    "kind": "person",
                    "masked_name": "张*",
                    "area": 22285,
                    "homes": ["1号楼 1单元 102", "1号楼 1单元 201"],
                },
                {
                    "head_no": 240,
                    "kind": "developer",
                    "masked_name": "和平置业有限公司（未售房屋）",
                    "area": 36150,
                    "homes": ["2号楼 2单元 1501", "2号楼 2单元 1502", "2号楼 2单元 1601"],
                },
            ],
            "next_cursor": None,
        },
        "BallotCast": {"choice": "yes"},
        "PaperBallot": {"head_no": 17, "choice": "no", "photo_id": "0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f24"},
        "BallotReceipt": {
            "matter_id": _VOTE_MATTER_ID,
            "head_no": 17,
            "choice": "yes",
            "channel": "app",
            "cast_at": "2026-11-21T02:14:09Z",
            "changed": False,
            "receipt_code": "K7QM-3XPA-9HTD",
        },
        "ProxyCreate": {"proxy_phone": "13800138000", "photo_id": "0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f25"},
        "VoteProxy": {
            "id": "0193a1e0-5e0d-7e57-8a7e-0000000b0101",
            "matter_id": _VOTE_MATTER_ID,
            "head_no": 17,
            "proxy_phone": "138****8000",
            "photo_id": "0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f25",
            "created_at": "2026-11-18T11:05:00Z",
            "revoked_at": None,
        },
        "VoterChange": {"owner_phone": "13900139000", "reason": "共有人协商一致，由李秀英代表本户投票"},
        "VoterDesignation": {
            "matter_id": _VOTE_MATTER_ID,
            "head_no": 17,
            "voter_name": "李秀英",
            "voter_phone": "+8613900139000",
            "reason": "共有人协商一致，由李秀英代表本户投票",
        },
        "VoteResult": {
            "matter_id": _VOTE_MATTER_ID,
            "passed": True,
            "tally": _VOTE_TALLY,
            "buildings": [
                {"building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b01", "name": "1号楼"},
                {"building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02", "name": "3号楼"},
            ],
            "receipts": [
                {
                    "receipt_hash": "0b5c1f3a9e27d4c86f10a2b3e4d5c6b7a8f9e0d1c2b3a4958677869504132a1b",
                    "choice": "yes",
                },
                {
                    "receipt_hash": "7d2e4a6c8b0f1e3d5c7b9a8f6e4d2c0b1a3f5e7d9c8b6a4f2e0d1c3b5a7f9e8d",
                    "choice": "abstain",
                },
                {
                    "receipt_hash": "e91f0a2b4c6d8e0f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d0e2f4a6b8c0d1e3f",
                    "choice": "no",
                },
            ],
            "published_at": "2026-12-05T10:00:04Z",
        },
    }
)


# spending the maintenance fund (维修资金使用): api/controllers/housing_fund_projects.py -------------------------------
_FP_READERS = "the estate's owners (bound as owner to one of its homes), its staff and committee, the district's housing officers and admins"
_FP_IF_MATCH = "If-Match carries the project's version (fund_project_version_conflict otherwise); the answer's ETag is the new one."
OPERATIONS.update(
    {
        "raiseFundProject": (
            "Raises a repair project for the estate's common parts (共用部位、共用设施设备) to be paid from the "
            "maintenance fund: title, description, scope (the whole estate, or some of its buildings), budget in "
            "fen, contractor, quotes and photos (ids of photos the caller uploaded). An emergency (lift, water "
            "supply, fire system, roof or wall leak, danger from the outer wall) skips the owners' vote and must "
            "be published to the owners within FUND_EMERGENCY_PUBLISH_DAYS (7 by default) after approval. For the "
            "estate's owners' committee and property staff, and admins; audited. Answers the project (state "
            "raised) with its version in the ETag."
        ),
        "listFundProjects": (
            f"The estate's fund projects, newest first, each marked emergency or not, for {_FP_READERS}. "
            "Paging: pass `next_cursor` back as `cursor`."
        ),
        "listOverdueFundProjectPublications": (
            "Emergency fund projects approved and not yet published to the owners by their due time "
            "(publish_due_at), oldest due first: for the housing officers, of the estates of their districts, and "
            "admins. Paging: pass `next_cursor` back as `cursor`."
        ),
        "getFundProject": (
            f"One fund project with its apportionment, for {_FP_READERS}: staff see every home's part, an owner "
            "the parts of their own homes (empty when none is in scope). The ETag is its version, for If-Match."
        ),
        "putFundProjectToVote": (
            "Puts an ordinary project to the owners' vote (DOMAIN §12: the owners of the parts concerned vote by "
            "the ordinary majority): raises an ordinary matter (a draft, see raiseVoteMatter) whose buildings are "
            "the project's scope, with the window given, and links it to the project (state voting). Notice, "
            "ballots and the close then run as for any matter. An emergency needs no vote "
            f"(fund_project_state_conflict). For whoever runs the estate's votes. {_FP_IF_MATCH} Audited."
        ),
        "approveFundProject": (
            "The district housing officer approves the disbursement (拨付): for an ordinary project only when its "
            "matter's published result passed (fund_vote_not_passed otherwise); an emergency without a vote. In "
            "one ledger entry (fund_spend) the budget is apportioned to the homes in scope that hold a share of "
            "the fund, by their counted area, with the largest-remainder method (the fen add up exactly; ties to "
            "the smaller home id): each home's share debited, the fund's bank credited. A home whose share is "
            "smaller than its part refuses the whole approval (fund_share_insufficient, naming the home). Homes "
            "left below 30 % of their first deposit get the top-up notice. Idempotency-Key required. "
            f"{_FP_IF_MATCH} For the housing officers of the estate's district and admins; audited."
        ),
        "publishFundProject": (
            "Publishes an approved emergency project to the owners in its scope: an urgent estate announcement "
            "(see listAnnouncements; pushed to the residents in scope) with the emergency, contractor and amount. "
            "Once (fund_project_state_conflict after). For the estate's property staff and committee, the "
            f"district's housing officers and admins. {_FP_IF_MATCH} Audited."
        ),
        "acceptFundProject": (
            "Accepts the work on completion (验收) with photos the caller uploaded (1 to 20) and a note. For the "
            "estate's owners' committee (the district's housing officer where it has none) and admins. "
            f"{_FP_IF_MATCH} Audited."
        ),
        "settleFundProject": (
            "Settles the final account (决算) of an accepted project with its actual cost, at most the amount "
            "disbursed (fund_settlement_exceeds otherwise). The difference goes back to the same homes by the "
            "same areas with the largest-remainder method (one fund_return entry: the fund's bank debited, the "
            "shares credited). Idempotency-Key required. "
            f"{_FP_IF_MATCH} For the housing officers of the estate's district and admins; audited."
        ),
    }
)
PARAMETERS.update(
    {
        "project_id": "The fund project's id, from raiseFundProject or listFundProjects.",
    }
)
PARAMETER_EXAMPLES.update(
    {
        "project_id": "0193a1e0-5e0d-7e57-8a7e-0000000b0001",
        "listFundProjects.cursor": (
            "WyIyMDI2LTEyLTAxVDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBiMDAwMSJd"
        ),
        "listOverdueFundProjectPublications.cursor": (
            "WyIyMDI2LTEyLTA4VDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBiMDAwMSJd"
        ),
    }
)
SCHEMAS.update(
    {
        "FundProjectCreate": "A repair project of the common parts to pay from the maintenance fund.",
        "Quote": "A supplier's quote for the work.",
        "FundProjectVote": "The voting window of the project's matter.",
        "FundProjectAcceptance": "The acceptance on completion (验收): photos and a note.",
        "FundProjectSettlement": "The final account (决算): the actual cost.",
        "FundProject": "A repair project paid from the maintenance fund (维修资金使用), as listed.",
        "FundProjectDetail": "A repair project paid from the maintenance fund, with its apportionment among the homes.",
        "FundProjectBuilding": "A building of the project's scope.",
        "FundProjectHome": "One home's part of a project: what its share paid, and what came back at settlement.",
        "FundProjectPage": "A page of fund projects.",
    }
)
_FP_KIND = (
    "The emergency (DOMAIN §12): lift (stopped or unsafe), water_supply (burst water supply or drainage pipes), "
    "fire_system (failing), roof_or_wall_leak, outer_wall_danger (danger from outer-wall fixtures)"
)
_FP = {
    "id": "The project's id.",
    "estate_id": "The estate.",
    "title": "The title.",
    "description": "What is repaired and why.",
    "buildings": "The buildings of its scope; empty: the whole estate.",
    "budget_fen": "The budget in fen: what approval takes from the homes' shares.",
    "contractor": "The contractor (施工单位).",
    "quotes": "The quotes gathered, in order.",
    "photo_ids": "Photos of the parts to repair (ids; the raiser's uploads).",
    "emergency": "true: an emergency repair, approved without the owners' vote and published afterwards.",
    "emergency_kind": _FP_KIND + "; null unless an emergency.",
    "state": (
        "raised, voting (an ordinary project whose matter is put to the owners), approved (the money "
        "disbursed), accepted (验收), settled (决算)."
    ),
    "version": "Grows with each change; also its ETag, to send as If-Match.",
    "created_at": "When it was raised, UTC.",
    "matter_id": "The owners' vote on it (see getVoteMatter); null for an emergency or before the vote.",
    "approved_at": "When the housing officer approved the disbursement, UTC; null before.",
    "disbursed_fen": "The fen taken from the homes' shares at approval (the budget); null before.",
    "publish_due_at": "An emergency's deadline to be published to the owners, UTC; null otherwise.",
    "published_at": "When an emergency was published to the owners, UTC; null before (and for ordinary ones).",
    "announcement_id": "The announcement that published an emergency; null before.",
    "publication_overdue": "true: an emergency not published by publish_due_at.",
    "accepted_at": "When the work was accepted, UTC; null before.",
    "acceptance_photo_ids": "The acceptance's photos (ids).",
    "acceptance_note": "The acceptance's note.",
    "settled_at": "When the final account was settled, UTC; null before.",
    "actual_cost_fen": "The final cost in fen; null before settlement.",
    "returned_fen": "What settlement gave back to the homes (disbursed minus actual cost); null before.",
}
PROPERTIES.update({f"FundProject.{k}": v for k, v in _FP.items()})
PROPERTIES.update({f"FundProjectDetail.{k}": v for k, v in _FP.items()})
PROPERTIES.update(
    {
        "FundProjectDetail.apportionment": (
            "The homes' parts, by building, entrance, floor and room: every home for staff, the caller's own "
            "homes for owners."
        ),
        "FundProjectCreate.title": "The title, 1-200 characters (not blank).",
        "FundProjectCreate.description": "What is repaired and why, at most 10,000 characters.",
        "FundProjectCreate.building_ids": "The buildings of its scope (ids from getEstate); empty or left out: the whole estate.",
        "FundProjectCreate.budget_fen": "The budget in fen, 1 to 10^12: 1,250,000 is 12,500.00 yuan.",
        "FundProjectCreate.contractor": "The contractor (施工单位), 1-200 characters (not blank).",
        "FundProjectCreate.quotes": "The quotes gathered, at most 20.",
        "FundProjectCreate.photo_ids": "Photos of the parts to repair: ids of photos the caller uploaded, at most 20, each once.",
        "FundProjectCreate.emergency": "true: an emergency repair (no vote; published within FUND_EMERGENCY_PUBLISH_DAYS of approval).",
        "FundProjectCreate.emergency_kind": _FP_KIND + "; required with emergency, refused without.",
        "Quote.supplier": "The supplier, 1-200 characters.",
        "Quote.amount_fen": "The quoted amount in fen, 1 to 10^12.",
        "FundProjectVote.opens_at": "When voting opens, RFC 3339 with its offset: at least VOTE_NOTICE_DAYS (15) ahead.",
        "FundProjectVote.closes_at": "When voting closes, after opens_at and at most a year after it.",
        "FundProjectAcceptance.photo_ids": "Photos of the finished work: ids of photos the caller uploaded, 1 to 20, each once.",
        "FundProjectAcceptance.note": "The acceptance's note, at most 2,000 characters.",
        "FundProjectSettlement.actual_cost_fen": "The final cost in fen, 0 to the amount disbursed.",
        "FundProjectBuilding.id": "The building's id.",
        "FundProjectBuilding.name": "The building's name (1号楼).",
        "FundProjectHome.home_id": "The home.",
        "FundProjectHome.building": "Its building's name.",
        "FundProjectHome.entrance": "Its entrance (单元).",
        "FundProjectHome.room": "Its room number.",
        "FundProjectHome.area": "The counted area it was weighed by, in hundredths of m².",
        "FundProjectHome.spent_fen": "What its share paid at approval, in fen.",
        "FundProjectHome.returned_fen": "What came back to its share at settlement, in fen.",
        "FundProjectPage.items": "The projects of this page.",
        "FundProjectPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
        "FundLine.project_id": "The repair project a fund_spend or fund_return line belongs to; null for other lines.",
        "FundLine.project_title": "That project's title; null for other lines.",
    }
)
_FP_EXAMPLE = {
    "id": "0193a1e0-5e0d-7e57-8a7e-0000000b0001",
    "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
    "title": "1号楼电梯更换曳引机",
    "description": "1号楼电梯曳引机老化，更换并检测",
    "buildings": [{"id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02", "name": "1号楼"}],
    "budget_fen": 300001,
    "contractor": "北京安达电梯工程有限公司",
    "quotes": [
        {"supplier": "北京安达电梯工程有限公司", "amount_fen": 300001},
        {"supplier": "北京通力电梯服务有限公司", "amount_fen": 328000},
    ],
    "photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f20"],
    "emergency": False,
    "emergency_kind": None,
    "state": "settled",
    "version": 5,
    "created_at": "2026-10-10T02:00:00Z",
    "matter_id": "0193a1e0-5e0d-7e57-8a7e-0000000c0001",
    "approved_at": "2026-11-20T06:00:00Z",
    "disbursed_fen": 300001,
    "publish_due_at": None,
    "published_at": None,
    "announcement_id": None,
    "publication_overdue": False,
    "accepted_at": "2026-11-28T03:00:00Z",
    "acceptance_photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f21"],
    "acceptance_note": "运行正常，检测合格",
    "settled_at": "2026-12-01T03:00:00Z",
    "actual_cost_fen": 200000,
    "returned_fen": 100001,
}
EXAMPLES.update(
    {
        "FundProjectCreate": {
            "title": "1号楼电梯更换曳引机",
            "description": "1号楼电梯曳引机老化，更换并检测",
            "building_ids": ["01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02"],
            "budget_fen": 300001,
            "contractor": "北京安达电梯工程有限公司",
            "quotes": [{"supplier": "北京安达电梯工程有限公司", "amount_fen": 300001}],
            "photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f20"],
            "emergency": False,
            "emergency_kind": None,
        },
        "FundProjectVote": {
            "opens_at": "2026-12-20T00:00:00+08:00",
            "closes_at": "2026-12-27T00:00:00+08:00",
        },
        "FundProjectAcceptance": {
            "photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f21"],
            "note": "运行正常，检测合格",
        },
        "FundProjectSettlement": {"actual_cost_fen": 200000},
        "FundProject": _FP_EXAMPLE,
        "FundProjectDetail": {
            **_FP_EXAMPLE,
            "apportionment": [
                {
                    "home_id": "01937b2a-5e2f-7b3c-9d4e-5f6a7b8c9d03",
                    "building": "1号楼",
                    "entrance": "1",
                    "room": "101",
                    "area": 10000,
                    "spent_fen": 100001,
                    "returned_fen": 33334,
                }
            ],
        },
        "FundProjectPage": {"items": [_FP_EXAMPLE], "next_cursor": None},
    }
)


# repairs and complaints (报修/投诉): api/controllers/housing_repairs.py ---------------------------------------------
_REPAIR_READERS = "its reporter, its assignee, the estate's property staff and manager, the district's housing officers and admins"
_REPAIR_KIND = (
    "home_repair (inside a home, of the reporter's home; usually paid), common_repair (the common parts: a building "
    "or the whole estate; free) or complaint (投诉, of the property company's service)"
)
_REPAIR_STATE = (
    "reported (waiting for the property company to accept it), accepted, assigned (to a property staff member), "
    "handled (the assignee says it is fixed), confirmed (the reporter agrees), rated (the reporter's verdict), "
    "supervised (escalated to the district's housing officer: 督办, still shown to the property company) or "
    "closed (the officer concluded it)"
)
_REPAIR_ACTIONS = (
    "accept (受理) and assign (派工, names assignee_id): the estate's property staff and manager; handle (处理完成, "
    "with photo_ids of the fix): the assignee only; rework (返修, with a note saying why: a new round, assigned "
    "again to the same person) and confirm (确认): the reporter, once handled; rate (评价, rating 1-5 and an "
    "optional comment): the reporter, once confirmed; escalate (督办 to the district's housing officer): the "
    "reporter, while the current step (accept, assign or handle) is overdue or once rated 1-2 (refused with "
    "transition_not_allowed otherwise): the repair becomes supervised and the officer's supervise step opens "
    "(default 3 working days); conclude (办结, with a note): a housing officer of the estate's district, to closed"
)
OPERATIONS.update(
    {
        "reportRepair": (
            "A resident reports a repair (报修) or a complaint (投诉) to the estate's property company: its kind "
            f"({_REPAIR_KIND}), urgency (emergency or ordinary), the home (a home repair: a home the caller is "
            "bound to now, as owner, family or tenant) or the building (a common repair or a complaint, "
            "optional), a description and up to 9 photos the caller uploaded (createUpload, as for city "
            "reports). The caller must be bound now to a home of the estate (repair_forbidden otherwise). The "
            "repair starts in state reported, and the property company's accept step opens with the estate's "
            "time limit (by default an emergency is answered within 30 minutes and an ordinary one within 2 "
            "hours; see getRepair's open_step). Idempotency-Key required: a retry with the same key answers the "
            "repair it made. The ETag is its version, for If-Match."
        ),
        "listMyRepairs": (
            "The repairs and complaints the caller reported, in every estate, newest first, each with the "
            "actions the caller may take now. Paging: pass `next_cursor` back as `cursor`."
        ),
        "listEstateRepairs": (
            "The estate's repairs and complaints, newest first, for its property staff and manager, the "
            "district's housing officers and admins (repair_list_forbidden for others); only those in one "
            "state and of one kind when given. Each comes with the actions the caller may take now. Paging: "
            "pass `next_cursor` back as `cursor` with the same filters."
        ),
        "getRepair": (
            f"One repair or complaint, for {_REPAIR_READERS} (repair_not_found for anyone else): its data, the "
            "actions the caller may take now, its timeline (every event, oldest first: reported and each action "
            "with who took it, its note and photos) and the step it waits on (open_step: accept, assign or "
            "handle, with its due time by the estate's limits; null once handled). The ETag is its version, "
            "for If-Match."
        ),
        "transitionRepair": (
            f"Takes one action on a repair: {_REPAIR_ACTIONS}. The action must be possible in the repair's "
            "state (transition_not_allowed, with the state and the caller's allowed actions, otherwise) and "
            "the caller's (action_forbidden); an assignee who is not the estate's property staff, a rating "
            "outside 1-5, or a charge that is not of a home repair's fix, is invalid_repair. A home repair's "
            "fix may carry its charge (paid repairs inside the home); confirming it issues the home's bill "
            "(fee_kind repair) in the same transaction, payable through createPayment. If-Match carries the repair's version (version_conflict, with the "
            "current state and version, when it changed meanwhile); the answer is the repair with its new "
            "version, also in the ETag. Each action is recorded in the timeline, closes the step it ends and "
            "opens the next with the estate's limit, and tells the people concerned. Idempotency-Key optional: "
            "send it when the action may be resent."
        ),
    }
)
PARAMETERS.update(
    {
        "repair_id": "The repair's id, from reportRepair, listMyRepairs or listEstateRepairs.",
        "listEstateRepairs.state": f"Only repairs in this state: {_REPAIR_STATE}.",
        "listEstateRepairs.kind": f"Only repairs of this kind: {_REPAIR_KIND}.",
        "transitionRepair.If-Match": (
            "The repair's `version` as last read (Repair.version, or the ETag of getRepair), as a number or an "
            'ETag: 3, "3" or W/"3". Required: the action is applied only if the repair still has this version.'
        ),
        "transitionRepair.Idempotency-Key": (
            "Optional here: send it when the action may be resent. 8 to 128 characters of A-Z a-z 0-9 _ . : -, "
            "new for every new action; a resend with the same key and body, within 24 hours, returns the stored "
            "first answer instead of applying the action twice."
        ),
    }
)
PARAMETER_EXAMPLES.update(
    {
        "repair_id": "0193a1e0-5e0d-7e57-8a7e-0000000d0001",
        "listEstateRepairs.state": "reported",
        "listEstateRepairs.kind": "common_repair",
        "listEstateRepairs.cursor": "WyIwMTkzYTFlMC01ZTBkLTdlNTctOGE3ZS0wMDAwMDAwZDAwMDEiXQ",
        "listMyRepairs.cursor": "WyIwMTkzYTFlMC01ZTBkLTdlNTctOGE3ZS0wMDAwMDAwZDAwMDEiXQ",
        "transitionRepair.If-Match": '"2"',
        "transitionRepair.Idempotency-Key": "c4f0b5d2-8e3a-4b7c-af9d-6a1b2c3d4e5f",
    }
)
SCHEMAS.update(
    {
        "RepairReport": "A repair or a complaint as a resident reports it.",
        "RepairActionRequest": "One action on a repair, with what that action takes.",
        "Repair": "A repair or a complaint to the property company (报修/投诉).",
        "RepairDetail": "A repair or a complaint with its timeline and the step it waits on.",
        "RepairEvent": "One entry of a repair's timeline.",
        "ChargeLine": "One line of a paid repair's charge: labour or a part, how many, at what unit price.",
        "RepairOpenStep": "The step a repair waits on, with its due time by the estate's limits.",
        "RepairPage": "A page of repairs.",
    }
)
_REPAIR = {
    "id": "The repair's id.",
    "estate_id": "The estate.",
    "home_id": "The home of a home repair; null for the other kinds.",
    "building_id": "The building a common repair or a complaint names; null when none (or a home repair).",
    "kind": f"The kind: {_REPAIR_KIND}.",
    "urgency": "emergency (answered and reached faster, day and night) or ordinary.",
    "reporter_id": "The resident who reported it.",
    "assignee_id": "The property staff member it is assigned to; null before assign.",
    "description": "What is wrong, in the reporter's words.",
    "photo_ids": "The reporter's photos (ids).",
    "state": f"The state: {_REPAIR_STATE}.",
    "version": "Grows with each action; also its ETag, to send as If-Match.",
    "round": "1, and one more each time the reporter sends the fix back (rework).",
    "created_at": "When it was reported, UTC.",
    "rating": "The reporter's rating, 1 (very unsatisfied) to 5 (very satisfied); null before rate.",
    "rating_comment": "The reporter's comment with the rating; empty when none.",
    "allowed_actions": "The actions the caller may take now (see transitionRepair).",
    "charge_fen": (
        "A paid home repair: what its fix costs, in fen (the sum of `charge`), as recorded with handle; null when "
        "free. Sending the fix back clears it."
    ),
    "charge": "The charge's lines (labour, parts); null when free.",
    "bill_id": "The bill of the charge, issued to the home when the reporter confirmed the fix; null until then.",
}
PROPERTIES.update({f"Repair.{k}": v for k, v in _REPAIR.items()})
PROPERTIES.update({f"RepairDetail.{k}": v for k, v in _REPAIR.items()})
PROPERTIES.update(
    {
        "RepairDetail.timeline": "Everything that happened to it, oldest first.",
        "RepairDetail.open_step": "The step it waits on; null when none is open (handled to rated, and closed).",
        "RepairEvent.at": "When, UTC.",
        "RepairEvent.kind": "What happened: reported, or the action taken (accept, assign, handle, rework, ...).",
        "RepairEvent.actor_id": "Who did it.",
        "RepairEvent.from_state": "The state before; null for reported.",
        "RepairEvent.to_state": "The state after.",
        "RepairEvent.note": "The note given with the action; empty when none.",
        "RepairEvent.photo_ids": "The photos given with the action (a fix's photos), ids.",
        "RepairOpenStep.step": "accept (the company answers it: 响应), assign (派工), handle (reach and fix it) or "
        "supervise (the district housing officer's supervised matter: 督办).",
        "RepairOpenStep.assignee_id": "Who must handle it (the handle step); null for the company's steps.",
        "RepairOpenStep.started_at": "When the step opened, UTC.",
        "RepairOpenStep.due_at": "When it is due by the estate's limit (working or calendar time), UTC.",
        "RepairOpenStep.overdue": "true: past due_at and not done.",
        "RepairPage.items": "The repairs of this page.",
        "RepairPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
        "RepairReport.kind": f"The kind: {_REPAIR_KIND}.",
        "RepairReport.urgency": "emergency (a burst pipe, no power, a trapped lift) or ordinary (the default).",
        "RepairReport.home_id": "A home repair: the caller's home (required); left out for the other kinds.",
        "RepairReport.building_id": (
            "A common repair or a complaint: the building concerned (from getEstate), or left out for the "
            "estate as a whole; refused for a home repair."
        ),
        "RepairReport.description": "What is wrong, 1-2,000 characters.",
        "RepairReport.photo_ids": "Photos of it: ids of photos the caller uploaded, at most 9.",
        "RepairActionRequest.action": f"The action: {_REPAIR_ACTIONS}.",
        "RepairActionRequest.note": "A note for the timeline, at most 1,000 characters; required by rework.",
        "RepairActionRequest.photo_ids": "Photos the caller uploaded, at most 9; required by handle.",
        "RepairActionRequest.assignee_id": "assign: the estate's property staff member it goes to; refused otherwise.",
        "RepairActionRequest.rating": "rate: 1 (very unsatisfied) to 5 (very satisfied); refused otherwise.",
        "RepairActionRequest.comment": "rate: a comment, at most 500 characters; refused otherwise.",
        "RepairActionRequest.charge": (
            "handle, of a home repair only: what the fix costs, 1-20 lines whose sum is at most 10,000,000 fen "
            "(100,000 yuan); left out when the repair is free. Refused (invalid_repair) with any other action or "
            "kind. The resident sees it, and confirming the fix bills the home for it."
        ),
        "ChargeLine.label": "What the line is for: labour (人工费) or a part (水龙头), 1-50 characters.",
        "ChargeLine.quantity": "How many, 1-999 (default 1).",
        "ChargeLine.price_fen": "The unit price in fen, 1 to 10,000,000.",
    }
)
_REPAIR_EXAMPLE = {
    "id": "0193a1e0-5e0d-7e57-8a7e-0000000d0001",
    "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
    "home_id": "01937b2a-5e2f-7b3c-9d4e-5f6a7b8c9d03",
    "building_id": None,
    "kind": "home_repair",
    "urgency": "emergency",
    "reporter_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
    "assignee_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b70",
    "description": "厨房水管爆裂，漏水到楼下",
    "photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f30"],
    "state": "assigned",
    "version": 3,
    "round": 1,
    "created_at": "2026-12-01T02:00:00Z",
    "rating": None,
    "rating_comment": "",
    "charge_fen": None,
    "charge": None,
    "bill_id": None,
    "allowed_actions": ["handle"],
}
EXAMPLES.update(
    {
        "RepairReport": {
            "kind": "home_repair",
            "urgency": "emergency",
            "home_id": "01937b2a-5e2f-7b3c-9d4e-5f6a7b8c9d03",
            "description": "厨房水管爆裂，漏水到楼下",
            "photo_ids": ["0193a1d8-2c4b-7a6e-9f10-3b5c7d9e1f30"],
        },
        "RepairActionRequest": {
            "action": "assign",
            "note": "请尽快上门",
            "assignee_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b70",
        },
        "Repair": _REPAIR_EXAMPLE,
        "RepairDetail": {
            **_REPAIR_EXAMPLE,
            "timeline": [
                {
                    "at": "2026-12-01T02:00:00Z",
                    "kind": "reported",
                    "actor_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
                    "from_state": None,
                    "to_state": "reported",
                    "note": "",
                    "photo_ids": [],
                },
                {
                    "at": "2026-12-01T02:10:00Z",
                    "kind": "accept",
                    "actor_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b71",
                    "from_state": "reported",
                    "to_state": "accepted",
                    "note": "马上派人",
                    "photo_ids": [],
                },
                {
                    "at": "2026-12-01T02:20:00Z",
                    "kind": "assign",
                    "actor_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b71",
                    "from_state": "accepted",
                    "to_state": "assigned",
                    "note": "",
                    "photo_ids": [],
                },
            ],
            "open_step": {
                "step": "handle",
                "assignee_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b70",
                "started_at": "2026-12-01T02:20:00Z",
                "due_at": "2026-12-01T04:20:00Z",
                "overdue": False,
            },
        },
        "RepairEvent": {
            "at": "2026-12-01T02:10:00Z",
            "kind": "accept",
            "actor_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b71",
            "from_state": "reported",
            "to_state": "accepted",
            "note": "马上派人",
            "photo_ids": [],
        },
        "RepairOpenStep": {
            "step": "handle",
            "assignee_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b70",
            "started_at": "2026-12-01T02:20:00Z",
            "due_at": "2026-12-01T04:20:00Z",
            "overdue": False,
        },
        "RepairPage": {"items": [_REPAIR_EXAMPLE], "next_cursor": None},
    }
)


# credit evaluation of property companies (物业服务企业信用评价) ------------------------------------------------

_CREDIT_FORMULA = (
    "Figures (numerator / denominator, per estate; a company's add up its estates'): complaints_per_100, "
    "complaints reported in the month × 100 / homes (lower is better: earns 1 − value / complaints_cap of its "
    "points, at least none); escalation_rate, complaints escalated to the housing office (督办) in the month / "
    "complaints (complaints whose escalation falls in the month; lower is better, at least none); on_time_rate, "
    "steps of repairs and complaints (the company's: accept, assign, handle; a step ended by an escalation "
    "counts, late) due in the month / done by their due time; "
    "satisfaction_rate, ratings given in the month / of them 4 or 5; filing_compliance, 1/1 when accepted "
    "service-contract filings cover every day of the month, else 0/1. score = Σ weight × earned / Σ weight × "
    "100 over the figures with a denominator, rounded once (half up) to 2 places; graded by the scheme's bands."
)
_CREDIT_MONTH = (
    "The month, YYYY-MM, in the city's time zone (Asia/Shanghai): from the 1st 00:00 to the next 1st 00:00 local "
    "time. 2000-01 or later and begun (invalid_credit_month otherwise); the current month is read up to now."
)
_CREDIT_FIGURES = (
    "Each figure by name (complaints_per_100, escalation_rate, on_time_rate, satisfaction_rate, "
    "filing_compliance) with its numerator and denominator."
)
OPERATIONS.update(
    {
        "getEstateCredit": (
            "The property company's credit in the estate for a month (物业服务企业信用评价): the company (named by "
            "the latest service-contract filing accepted by then whose term meets the month, else the estate's "
            "page), every figure with its numerator and denominator, the score 0-100 and the grade A-E, with the "
            f"scheme that scored it. {_CREDIT_FORMULA} Every figure for admins, leaders and housing officers of "
            "the estate's district and the estate's property staff; the estate's residents (bound now to one of "
            "its homes) get the company and its grade only (view `grade`: score and figures null); anyone else "
            "is credit_forbidden."
        ),
        "listCompanyCredit": (
            "Each property company's credit for a month over its estates in one district, or in every district "
            "the caller reaches: the overall figures (the estates' numerators and denominators added up), score "
            "and grade, and each estate's score and grade. Ordered by company name; paging: pass `next_cursor` "
            "back as `cursor`. For admins, leaders and housing officers; a district-scoped caller counts their "
            "districts only, and another district is credit_forbidden."
        ),
        "getCreditScheme": (
            "The credit scheme: the points of each figure in the score (adding up to 100), the complaints per 100 "
            "homes that earn no points (complaints_cap) and the lowest score of each grade. Defaults: 20, 15, 25, "
            "25, 15; cap 5; bands 90, 75, 60, 40. For admins, leaders and housing officers."
        ),
        "setCreditScheme": (
            "Replaces the credit scheme: every weight (points adding up to 100, else invalid_credit_scheme), the "
            "complaints cap, and grade bands strictly descending from A to D. Every month read afterwards, past "
            "ones included, is scored with it. Admins only; audited (credit_scheme.set, with before and after)."
        ),
    }
)
PARAMETERS.update(
    {
        "getEstateCredit.month": _CREDIT_MONTH,
        "listCompanyCredit.month": _CREDIT_MONTH,
        "listCompanyCredit.district": (
            "Only the estates of this district (its 6-digit code); left out: every district the caller reaches."
        ),
    }
)
PARAMETER_EXAMPLES.update(
    {
        "getEstateCredit.month": "2026-11",
        "listCompanyCredit.month": "2026-11",
        "listCompanyCredit.district": "110101",
        "listCompanyCredit.cursor": "WyLljJfkuqzlronlsYXniankuJrmnI3liqHmnInpmZDlhazlj7giXQ",
    }
)
SCHEMAS.update(
    {
        "EstateCredit": "A property company's credit in one estate for one month.",
        "CreditFigure": "One figure of a credit evaluation: its numerator, denominator, value and the points it earns.",
        "CreditScheme": "How credit is scored: the weights, the complaints cap and the grade bands.",
        "CreditSchemeSet": "A whole credit scheme, to replace the one in force.",
        "CreditWeights": "The points of each figure in the score, adding up to 100; 0 leaves a figure out.",
        "GradeBands": "The lowest score of grades A to D, strictly descending; below D's is E.",
        "CompanyCredit": "A property company's overall credit for a month over its estates in scope.",
        "CompanyEstate": "One estate of a company, with its own score and grade for the month.",
        "CompanyCreditPage": "A page of property companies' credit for a month, by company name.",
    }
)
_CREDIT_WINDOW = {
    "window_start": "The start of the month (the 1st 00:00 in Beijing), in UTC.",
    "window_end": "The end of the month (the next 1st 00:00 in Beijing), in UTC, exclusive.",
    "as_of": "The cut-off the figures are read at: the end of the month, or now for the current month.",
    "names": "The figures' names in the caller's language (每百户投诉量 / complaints per 100 homes).",
    "scheme": "The scheme the score was computed with.",
    "month": "The month, YYYY-MM.",
}
PROPERTIES.update(
    {
        **{f"EstateCredit.{k}": v for k, v in _CREDIT_WINDOW.items()},
        **{f"CompanyCreditPage.{k}": v for k, v in _CREDIT_WINDOW.items()},
        "EstateCredit.estate_id": "The estate.",
        "EstateCredit.estate_name": "The estate's name.",
        "EstateCredit.company": "The property company serving the estate in the month.",
        "EstateCredit.view": "full (every figure) or grade (residents: the company and its grade only).",
        "EstateCredit.grade": "A to E by the scheme's bands; null when no weighted figure has a denominator.",
        "EstateCredit.score": "0-100, 2 places; null in the grade view or when no weighted figure has a denominator.",
        "EstateCredit.score_weight": "How many of the 100 points the score rests on (weights of the figures with a denominator); null in the grade view.",
        "EstateCredit.figures": _CREDIT_FIGURES + " Null in the grade view.",
        "CreditFigure.numerator": "The numerator (complaints, escalated complaints, steps on time, ratings of 4-5, estates covered by filings).",
        "CreditFigure.denominator": "The denominator (homes, complaints, steps due, ratings, estates).",
        "CreditFigure.value": "numerator / denominator to 4 places (complaints_per_100: × 100, 2 places); null when the denominator is 0.",
        "CreditFigure.points": "What the figure earns out of 100 before weighting, 2 places; null when the denominator is 0.",
        "CreditScheme.weights": "The points of each figure in the score.",
        "CreditScheme.complaints_cap": "Complaints per 100 homes in a month that earn no points (0 earn every point, linearly between).",
        "CreditScheme.grade_bands": "The lowest score of each grade.",
        "CreditScheme.updated_at": "When the scheme was last set (the migration's time for the defaults).",
        "CreditScheme.updated_by": "The admin who last set it; null for the defaults.",
        "CreditSchemeSet.weights": "Every figure's points, adding up to 100.",
        "CreditSchemeSet.complaints_cap": "Complaints per 100 homes that earn no points: more than 0, at most 1000.",
        "CreditSchemeSet.grade_bands": "The lowest score of A, B, C and D, strictly descending, at most 100.",
        "CreditWeights.complaints_per_100": "Points of complaints per 100 homes (lower is better). Default 20.",
        "CreditWeights.escalation_rate": "Points of complaints escalated (督办; lower is better). Default 15.",
        "CreditWeights.on_time_rate": "Points of repair steps done on time. Default 25.",
        "CreditWeights.satisfaction_rate": "Points of ratings of 4 or 5. Default 25.",
        "CreditWeights.filing_compliance": "Points of the service contract filed for the whole month. Default 15.",
        "GradeBands.A": "The lowest score of A. Default 90.",
        "GradeBands.B": "The lowest score of B. Default 75.",
        "GradeBands.C": "The lowest score of C. Default 60.",
        "GradeBands.D": "The lowest score of D (below it: E). Default 40.",
        "CompanyCredit.company": "The property company, by the name its filings (or its estates' pages) give.",
        "CompanyCredit.score": "0-100 over its estates' figures added up; null when no weighted figure has a denominator.",
        "CompanyCredit.grade": "A to E; null without a score.",
        "CompanyCredit.score_weight": "How many of the 100 points the score rests on.",
        "CompanyCredit.figures": _CREDIT_FIGURES + " The estates' numerators and denominators added up.",
        "CompanyCredit.estates": "Its estates in scope, by name, each with its own score and grade.",
        "CompanyEstate.estate_id": "The estate.",
        "CompanyEstate.estate_name": "The estate's name.",
        "CompanyEstate.district_code": "The estate's district (6-digit code).",
        "CompanyEstate.score": "The estate's score for the month; null without one.",
        "CompanyEstate.grade": "The estate's grade; null without a score.",
        "CompanyCreditPage.districts": "The districts counted; null: every district.",
        "CompanyCreditPage.items": "The companies of this page, by name.",
        "CompanyCreditPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
    }
)
_CREDIT_SCHEME_EXAMPLE = {
    "weights": {
        "complaints_per_100": 20.0,
        "escalation_rate": 15.0,
        "on_time_rate": 25.0,
        "satisfaction_rate": 25.0,
        "filing_compliance": 15.0,
    },
    "complaints_cap": 5.0,
    "grade_bands": {"A": 90.0, "B": 75.0, "C": 60.0, "D": 40.0},
    "updated_at": "2026-11-01T00:00:00Z",
    "updated_by": None,
}
_CREDIT_FIGURES_EXAMPLE = {
    "complaints_per_100": {"numerator": 1, "denominator": 40, "value": 2.5, "points": 50.0},
    "escalation_rate": {"numerator": 0, "denominator": 1, "value": 0.0, "points": 100.0},
    "on_time_rate": {"numerator": 2, "denominator": 4, "value": 0.5, "points": 50.0},
    "satisfaction_rate": {"numerator": 2, "denominator": 3, "value": 0.6667, "points": 66.67},
    "filing_compliance": {"numerator": 1, "denominator": 1, "value": 1.0, "points": 100.0},
}
_CREDIT_NAMES_EXAMPLE = {
    "complaints_per_100": "每百户投诉量",
    "escalation_rate": "投诉督办率",
    "on_time_rate": "报修按时率",
    "satisfaction_rate": "业主满意率",
    "filing_compliance": "合同备案合规",
}
EXAMPLES.update(
    {
        "EstateCredit": {
            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
            "estate_name": "幸福里小区",
            "month": "2026-11",
            "company": "北京安居物业服务有限公司",
            "view": "full",
            "grade": "C",
            "score": 69.17,
            "score_weight": 100.0,
            "figures": _CREDIT_FIGURES_EXAMPLE,
            "window_start": "2026-10-31T16:00:00Z",
            "window_end": "2026-11-30T16:00:00Z",
            "as_of": "2026-11-30T16:00:00Z",
            "names": _CREDIT_NAMES_EXAMPLE,
            "scheme": _CREDIT_SCHEME_EXAMPLE,
        },
        "CreditScheme": _CREDIT_SCHEME_EXAMPLE,
        "CreditSchemeSet": {k: v for k, v in _CREDIT_SCHEME_EXAMPLE.items() if not k.startswith("updated")},
        "CompanyCreditPage": {
            "month": "2026-11",
            "districts": ["110101"],
            "window_start": "2026-10-31T16:00:00Z",
            "window_end": "2026-11-30T16:00:00Z",
            "as_of": "2026-11-30T16:00:00Z",
            "names": _CREDIT_NAMES_EXAMPLE,
            "scheme": _CREDIT_SCHEME_EXAMPLE,
            "items": [
                {
                    "company": "北京安居物业服务有限公司",
                    "score": 69.17,
                    "grade": "C",
                    "score_weight": 100.0,
                    "figures": _CREDIT_FIGURES_EXAMPLE,
                    "estates": [
                        {
                            "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
                            "estate_name": "幸福里小区",
                            "district_code": "110101",
                            "score": 69.17,
                            "grade": "C",
                        }
                    ],
                }
            ],
            "next_cursor": None,
        },
    }
)


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
OPERATIONS.update(
    {
        f"{name}{suffix}": f"{text} ({suffix.upper()})"
        for name, text in _GEO_FIXED.items()
        for suffix in ("Xml", "Json")
    }
)
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
PARAMETERS.update(
    {
        f"{op}{suffix}.{name}": text
        for op in ("open311ListServices", "open311ListRequests")
        for suffix in ("Xml", "Json")
        for name, text in _GEO_PARAMETERS.items()
        if op == "open311ListRequests" or name == "jurisdiction_id"
    }
)
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
PARAMETER_EXAMPLES.update(
    {
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
)
SCHEMAS.update(
    {
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
)
PROPERTIES.update(
    {
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
)
EXAMPLES.update(
    {
        "ApplicationCreate": {"name": "市民通 App", "contact": "ops@example.com", "requests_per_hour": 120},
    }
)

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
