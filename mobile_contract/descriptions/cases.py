"""Reading the case workflow: the staff's case lists and one case with its history and steps.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
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
}


PARAMETERS: dict[str, str] = {
    "listCases.limit": "The most cases on one page, 1 to 200 (50 by default).",
    # reports and cases
    "category": (
        "A category code from the catalogue (listCategories): C for a component (部件) or E for an event "
        "(事件), then the 2-digit major and the minor class, for example E0102 exposed rubbish (暴露垃圾). "
        "Leave it out for every category."
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
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "listCases.cursor": (
        "MjAyNi0xMS0yMlQwMzoyMDowMy44NjEwMDArMDA6MDB8MDE5MzZjMmUtNTlmOC03YTQxLTljM2ItMmQxZTBmNGE1YjYy"
    ),
    "listCases.limit": 50,
    "category": "E0102",
    "code": "C0102",
    "report_id": "01936c2e-5a10-7d2f-8b1e-3c4d5e6f7a81",
    "case_id": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
    "state": "dispatched",
    "department": "sanitation",
    "grid": "110101001",
    "listCases.grid": "01935a00-4c1d-7e2f-8a3b-1c2d3e4f5a01",
    "overdue": True,
    "due_soon": False,
}


SCHEMAS: dict[str, str] = {
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
}


PROPERTIES: dict[str, str] = {
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
}


EXAMPLES: dict[str, Any] = {
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
}
