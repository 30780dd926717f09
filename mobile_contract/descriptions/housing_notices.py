"""Housing: estate announcements (公告) and filings (备案).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

# estate announcements (公告) and filings (备案) ------------------------------------------------------------------

_PUBLISHERS = (
    "the estate's property staff (property_staff or property_manager scoped to it), its owners' committee "
    "(owners_committee scoped to it), the housing officers of its district, and admins"
)
_FILING_READERS = (
    "the estate's property staff, its owners' committee, the housing officers of its district and admins"
)
OPERATIONS: dict[str, str] = {
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
PARAMETERS: dict[str, str] = {
    "announcement_id": "The announcement's id, from publishAnnouncement or listAnnouncements.",
    "filing_id": "The filing's id, from fileServiceContract, fileCommittee or listEstateFilings.",
    "listEstateFilings.kind": "Only filings of this kind: service_contract or committee; both when left out.",
}
PARAMETER_EXAMPLES: dict[str, Any] = {
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
SCHEMAS: dict[str, str] = {
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
_TERM_START = "The first day of the term, YYYY-MM-DD."
_TERM_END = "The last day of the term, YYYY-MM-DD; after term_start."
_GRADE = "The contract's service grade (物业服务等级): 一级 (the highest), 二级, 三级, 四级 or 五级, as the local standard has them."
_FEE = "The property fee (物业费) the contract sets, in fen per m² of a home's counted area per month: 250 is 2.50 yuan."
_MEMBERS = "The committee's members in order, with exactly one chair (主任)."
PROPERTIES: dict[str, str] = {
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
EXAMPLES: dict[str, Any] = {
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
