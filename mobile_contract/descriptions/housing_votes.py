"""Housing: owners' assembly votes (业主大会 线上投票).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

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
OPERATIONS: dict[str, str] = {
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
PARAMETERS: dict[str, str] = {
    "matter_id": "The matter's id, from raiseVoteMatter or listVoteMatters.",
    "proxy_id": "The proxy's id, from giveVoteProxy.",
    "head_no": "The head's number on the matter's roll (getVoteRoll), from 1.",
}
PARAMETER_EXAMPLES: dict[str, Any] = {
    "matter_id": "0193a1e0-5e0d-7e57-8a7e-0000000b0001",
    "proxy_id": "0193a1e0-5e0d-7e57-8a7e-0000000b0101",
    "head_no": 17,
    "listVoteMatters.cursor": (
        "WyIyMDI2LTExLTAyIDAxOjMwOjAwKzAwOjAwIiwgIjAxOTNhMWUwLTVlMGQtN2U1Ny04YTdlLTAwMDAwMDBiMDAwMSJd"
    ),
    "getVoteRoll.cursor": "WzUwXQ",
}
SCHEMAS: dict[str, str] = {
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
PROPERTIES: dict[str, str] = {
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
        "The receipt code (three groups of four letters and digits, such as 7KQ2-M9XD-P4TB), given once: keep it. Its sha256 (hex, of the code in capitals) is "
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
    "ReceiptEntry.receipt_hash": "sha256 of a receipt code (such as 7KQ2-M9XD-P4TB, in capitals), 64 hex digits.",
    "ReceiptEntry.choice": "The choice recorded with it.",
}
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
EXAMPLES: dict[str, Any] = {
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
