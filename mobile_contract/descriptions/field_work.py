"""The inspectors' field work: their tasks, patrol reports and the field apps' sync.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
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
}


PARAMETERS: dict[str, str] = {
    "sync.limit": (
        "The most cases in one answer, 1 to 1,000 (500 by default); when there are more, `more` is true."
    ),
    "sync.cursor": (
        "The `next_cursor` of the previous sync (or page), sent back unchanged (opaque). Leave it out for the "
        "first sync, which sends everything in the caller's scope; keep the last `next_cursor` on the phone "
        "for the next sync."
    ),
    "listInspectorTasks.lat": (
        "The phone's latitude in degrees, in the system named by `crs`; with `lon`, each task gets its "
        "distance in metres. Leave both out when the position is unknown (distances are then null)."
    ),
    "listInspectorTasks.lon": "The phone's longitude in degrees, in the system named by `crs`; goes with `lat`.",
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "sync.cursor": "eHw3MzkxMDQyfDAxOTM2YzJlLTU5ZjgtN2E0MS05YzNiLTJkMWUwZjRhNWI2Mnw3MzkxMDIw",
    "sync.limit": 500,
    "listInspectorTasks.lat": 39.9289,
    "listInspectorTasks.lon": 116.416,
}


SCHEMAS: dict[str, str] = {
    "Task": (
        "An inspector's open task on a case: verify a report on site (核实) or check a fix on site (核查), with "
        "its deadline and distance."
    ),
    "Tombstone": "Something that left the caller's view since the last sync: remove it from the phone.",
    "SyncPage": (
        "What changed since the last sync: cases, open tasks and tombstones, and the cursor for the next sync."
    ),
}


PROPERTIES: dict[str, str] = {
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
}


EXAMPLES: dict[str, Any] = {
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
}
