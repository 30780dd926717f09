"""Every outbox topic, named once.

A domain records a side effect as an outbox row in the transaction of the change that causes it, through
`notifications.outbox.enqueue(conn, topic, payload)`; the worker (notifications/runner.py) fans the rows of these
topics out. Payloads carry ids, and each topic's payload has one shape (notifications/fanout.py reads them).

- case events, written by the case workflow (cases/): a state change, and a step of a case that became due soon
  (80 % of its time) or overdue. They are also the published webhook events (`EVENTS`, part of the contract:
  mobile_contract/webhooks.py documents their bodies).
- housing notices (housing/): an arrears reminder (催缴) to the residents of a home, a notice to a home's
  owners that their share of the maintenance fund (维修资金) needs topping up, and an urgent estate announcement
  (紧急公告) to the residents of the homes it is addressed to; an owners' assembly vote's notice (表决公告: the roll is
  published, the window is ahead) and its published result (表决结果), to the owners of the homes on its roll;
  a repair's or complaint's transition (报修/投诉, housing/repairs_workflow.py on the case workflow's engine), and a
  step of one that became due soon or overdue (the worker's deadline sweep, housing/repairs.emit_deadline_events).
  Internal: never webhook events.
"""

from __future__ import annotations

from typing import Final, Literal

CASE_TRANSITIONED: Final = "case.transitioned"
CASE_DUE_SOON: Final = "case.due_soon"
CASE_OVERDUE: Final = "case.overdue"
BILL_REMINDER: Final = "housing.bill_reminder"
FUND_TOPUP: Final = "housing.fund_topup"
ANNOUNCEMENT: Final = "housing.announcement"
VOTE_NOTICE: Final = "housing.vote_notice"
VOTE_RESULT: Final = "housing.vote_result"
REPAIR_TRANSITIONED: Final = "housing.repair_transitioned"
REPAIR_DUE_SOON: Final = "housing.repair_due_soon"
REPAIR_OVERDUE: Final = "housing.repair_overdue"

#: the published webhook events: the case topics
Event = Literal["case.transitioned", "case.due_soon", "case.overdue"]
EVENTS: Final[tuple[Event, ...]] = (CASE_TRANSITIONED, CASE_DUE_SOON, CASE_OVERDUE)

#: the internal housing notices
HousingNotice = Literal[
    "housing.bill_reminder",
    "housing.fund_topup",
    "housing.announcement",
    "housing.vote_notice",
    "housing.vote_result",
    "housing.repair_transitioned",
    "housing.repair_due_soon",
    "housing.repair_overdue",
]
HOUSING_NOTICES: Final[tuple[HousingNotice, ...]] = (
    BILL_REMINDER,
    FUND_TOPUP,
    ANNOUNCEMENT,
    VOTE_NOTICE,
    VOTE_RESULT,
    REPAIR_TRANSITIONED,
    REPAIR_DUE_SOON,
    REPAIR_OVERDUE,
)

#: every topic a domain may enqueue
Topic = Literal[Event, HousingNotice]
TOPICS: Final[tuple[Topic, ...]] = (*EVENTS, *HOUSING_NOTICES)
