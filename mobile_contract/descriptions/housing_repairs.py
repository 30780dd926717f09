"""Housing: repairs and complaints (报修/投诉).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

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
OPERATIONS: dict[str, str] = {
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
PARAMETERS: dict[str, str] = {
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
PARAMETER_EXAMPLES: dict[str, Any] = {
    "repair_id": "0193a1e0-5e0d-7e57-8a7e-0000000d0001",
    "listEstateRepairs.state": "reported",
    "listEstateRepairs.kind": "common_repair",
    "listEstateRepairs.cursor": "WyIwMTkzYTFlMC01ZTBkLTdlNTctOGE3ZS0wMDAwMDAwZDAwMDEiXQ",
    "listMyRepairs.cursor": "WyIwMTkzYTFlMC01ZTBkLTdlNTctOGE3ZS0wMDAwMDAwZDAwMDEiXQ",
    "transitionRepair.If-Match": '"2"',
    "transitionRepair.Idempotency-Key": "c4f0b5d2-8e3a-4b7c-af9d-6a1b2c3d4e5f",
}
SCHEMAS: dict[str, str] = {
    "RepairReport": "A repair or a complaint as a resident reports it.",
    "RepairActionRequest": "One action on a repair, with what that action takes.",
    "Repair": "A repair or a complaint to the property company (报修/投诉).",
    "RepairDetail": "A repair or a complaint with its timeline and the step it waits on.",
    "RepairEvent": "One entry of a repair's timeline.",
    "ChargeLine": "One line of a paid repair's charge: labour or a part, how many, at what unit price.",
    "RepairOpenStep": "The step a repair waits on, with its due time by the estate's limits.",
    "RepairPage": "A page of repairs.",
}
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
PROPERTIES: dict[str, str] = {f"Repair.{k}": v for k, v in _REPAIR.items()}
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
EXAMPLES: dict[str, Any] = {
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
