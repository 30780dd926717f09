"""Housing: spending the maintenance fund (维修资金使用).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

# spending the maintenance fund (维修资金使用): api/controllers/housing_fund_projects.py -------------------------------
_FP_READERS = "the estate's owners (bound as owner to one of its homes), its staff and committee, the district's housing officers and admins"
_FP_IF_MATCH = "If-Match carries the project's version (fund_project_version_conflict otherwise); the answer's ETag is the new one."
OPERATIONS: dict[str, str] = {
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
PARAMETERS: dict[str, str] = {
    "project_id": "The fund project's id, from raiseFundProject or listFundProjects.",
}
PARAMETER_EXAMPLES: dict[str, Any] = {
    "project_id": "0193a1e0-5e0d-7e57-8a7e-0000000b0001",
    "listFundProjects.cursor": (
        "WyIyMDI2LTEyLTAxVDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBiMDAwMSJd"
    ),
    "listOverdueFundProjectPublications.cursor": (
        "WyIyMDI2LTEyLTA4VDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBiMDAwMSJd"
    ),
}
SCHEMAS: dict[str, str] = {
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
PROPERTIES: dict[str, str] = {f"FundProject.{k}": v for k, v in _FP.items()}
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
EXAMPLES: dict[str, Any] = {
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
