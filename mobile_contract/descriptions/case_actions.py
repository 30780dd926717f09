"""Acting on cases: a transition, and bulk transitions (dispatch or reassign many at once).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
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
}


PARAMETERS: dict[str, str] = {
    "transitionCase.Idempotency-Key": (
        "Optional here: send it when the action may be resent, as an offline field app does from its outbox. "
        "8 to 128 characters of A-Z a-z 0-9 _ . : -, new for every new action. A resend with the same key and "
        "body, within 24 hours, returns the stored first answer (Idempotent-Replayed: true) instead of applying "
        "the action twice; the same key with a different body is refused."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "transitionCase.Idempotency-Key": "b3e9a4c1-7d2f-4a6b-9e8c-5f0a1b2c3d4e",
}


SCHEMAS: dict[str, str] = {
    "TransitionRequest": (
        "An action on a case (see the workflow's actions) and what it needs: a note, photos, a department, a "
        "new deadline. Unknown members are refused."
    ),
    "TransitionResult": "The case after the action, and the actions the caller may take next.",
    "BulkItem": "One case to act on in a bulk request, with the version read and the action.",
    "BulkRequest": "Up to 200 actions (dispatch, reassign) taken one by one; each succeeds or fails on its own.",
    "BulkOutcome": "What became of one item of a bulk request.",
    "BulkResult": "The outcome of every item of a bulk request, in the order sent, with the counts.",
}


PROPERTIES: dict[str, str] = {
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
}


EXAMPLES: dict[str, Any] = {
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
}
