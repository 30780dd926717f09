"""What people read: the localized title and body of each kind of message, and the deep link into the app.

Messages are stored as a `kind` and the `params` it needs (ids, names in both languages, a due time), and
rendered when read (the inbox, in the reader's locale) or sent (a push, in the device's locale).

Housing notices name the estate and the home (building, entrance, room, as the register writes them) and money
in yuan with two decimals (amounts are kept in integer fen).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final
from uuid import UUID
from zoneinfo import ZoneInfo

# kind -> locale -> (title, body). Placeholders: {category} {number} {department} {step} {due} {place}; of
# housing notices {estate} {home} {bills} {amount} {as_of} {balance} {first_deposit} {threshold} {title}; of vote
# notices {opens} {closes} {outcome}; of repairs {what} (报修, 公共报修 or 投诉) {where} (the home or the building, with
# a space before it; empty for the whole estate) {due} {round} {rating} {step}
TEMPLATES: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "report.registered": {
        "zh-CN": ("问题已立案", "{category}（{number}）已立案，将尽快派遣处理。"),
        "en": ("Report accepted", "{category} ({number}) is now a case and will be sent for handling."),
    },
    "report.rejected": {
        "zh-CN": ("问题未予立案", "{category}（{number}）未予立案，打开查看原因。"),
        "en": (
            "Report not accepted",
            "{category} ({number}) was not taken on as a case. Open it to see why.",
        ),
    },
    "report.dispatched": {
        "zh-CN": ("问题已派遣", "{category}（{number}）已派遣至{department}处理。"),
        "en": ("Report sent for handling", "{category} ({number}) was sent to {department}."),
    },
    "report.closed": {
        "zh-CN": ("问题已办结", "{category}（{number}）已处理完毕，欢迎评价。"),
        "en": ("Report resolved", "{category} ({number}) was fixed. Tell us whether it is."),
    },
    "report.reopened": {
        "zh-CN": ("问题已重新办理", "{category}（{number}）已重新派遣处理。"),
        "en": ("Report reopened", "{category} ({number}) was reopened and sent back for handling."),
    },
    "task.verify": {
        "zh-CN": ("新的核实任务", "{category}（{place}）：请于 {due} 前到现场核实。"),
        "en": ("New verification task", "{category} ({place}): verify on site by {due}."),
    },
    "task.check": {
        "zh-CN": ("新的核查任务", "{category}（{place}）：请于 {due} 前到现场核查处置结果。"),
        "en": ("New check task", "{category} ({place}): check the fix on site by {due}."),
    },
    "case.dispatched": {
        "zh-CN": ("新派遣案件", "{category}（{number}）已派遣至{department}，请于 {due} 前签收。"),
        "en": (
            "New case for your department",
            "{category} ({number}) was sent to {department}; accept it by {due}.",
        ),
    },
    "deadline.due_soon": {
        "zh-CN": ("案件即将超时", "{category}（{number}）的{step}环节将于 {due} 到期。"),
        "en": ("Case due soon", "The {step} step of {category} ({number}) is due at {due}."),
    },
    "deadline.overdue": {
        "zh-CN": ("案件已超时", "{category}（{number}）的{step}环节已于 {due} 超时。"),
        "en": ("Case overdue", "The {step} step of {category} ({number}) was due at {due}."),
    },
    "bill.reminder": {
        "zh-CN": (
            "缴费提醒",
            "{estate} {home}：截至 {as_of}，有 {bills} 笔账单逾期未缴，共计 {amount} 元，请及时缴纳。",
        ),
        "en": (
            "Bills past due",
            "{estate}, {home}: {bills} past due on {as_of}, {amount} yuan owed in all. Please pay them soon.",
        ),
    },
    # 30 %: the top-up threshold of DOMAIN.md §9 (housing.money.TOPUP_THRESHOLD); the payload carries the fen
    "fund.topup": {
        "zh-CN": (
            "维修资金续筹通知",
            "{estate} {home}：住宅专项维修资金余额 {balance} 元，已低于首期交存额 {first_deposit} 元的 30%"
            "（{threshold} 元），请及时续筹。",
        ),
        "en": (
            "Maintenance fund top-up due",
            "{estate}, {home}: the home's maintenance fund balance is {balance} yuan, below 30% of its first "
            "deposit of {first_deposit} yuan ({threshold} yuan). Please top it up.",
        ),
    },
    "announcement.urgent": {
        "zh-CN": ("紧急公告", "{estate}：{title}"),
        "en": ("Urgent notice", "{estate}: {title}"),
    },
    "vote.notice": {
        "zh-CN": ("业主大会表决公告", "{estate}：{title}。投票时间 {opens} 至 {closes}，请查看表决名册。"),
        "en": (
            "Owners' vote called",
            "{estate}: {title}. Voting runs from {opens} to {closes}; see the roll.",
        ),
    },
    "vote.result": {
        "zh-CN": ("表决结果公布", "{estate}：{title}，表决{outcome}。可凭投票回执核对您的选票。"),
        "en": (
            "Vote result published",
            "{estate}: the vote on {title} is out: {outcome}. Check your ballot in the receipts list with your "
            "receipt code.",
        ),
    },
    "repair.accepted": {
        "zh-CN": ("报修已受理", "{estate}{where}：你的{what}已受理，物业正在安排人员。"),
        "en": (
            "Repair accepted",
            "{estate}{where}: the property company accepted your {what} and is arranging someone.",
        ),
    },
    "repair.assigned": {
        "zh-CN": ("报修已派工", "{estate}{where}：你的{what}已派给维修人员，将于 {due} 前处理。"),
        "en": (
            "Repair assigned",
            "{estate}{where}: your {what} was given to a member of staff, to be handled by {due}.",
        ),
    },
    "repair.handled": {
        "zh-CN": ("报修已处理，请确认", "{estate}{where}：你的{what}已处理完毕，请确认，或要求返修。"),
        "en": (
            "Repair done: please confirm",
            "{estate}{where}: your {what} was handled. Confirm it, or send it back.",
        ),
    },
    "repair.task": {
        "zh-CN": ("新的报修任务", "{estate}{where}：一项{what}已派给你，请于 {due} 前处理。"),
        "en": ("New repair task", "{estate}{where}: a {what} was assigned to you; handle it by {due}."),
    },
    "repair.rework": {
        "zh-CN": ("业主要求返修", "{estate}{where}：{what}被退回返修（第 {round} 轮），请于 {due} 前处理。"),
        "en": (
            "Sent back for rework",
            "{estate}{where}: the {what} was sent back (round {round}); handle it by {due}.",
        ),
    },
    "repair.confirmed": {
        "zh-CN": ("业主已确认", "{estate}{where}：{what}的处理已获业主确认。"),
        "en": ("Fix confirmed", "{estate}{where}: the resident confirmed the fix of the {what}."),
    },
    "repair.rated": {
        "zh-CN": ("业主已评价", "{estate}{where}：业主对{what}的评价为 {rating} 星（满分 5 星）。"),
        "en": ("Repair rated", "{estate}{where}: the resident rated the {what} {rating} out of 5."),
    },
    "repair.escalated": {
        "zh-CN": ("报修已转督办", "{estate}{where}：业主已将{what}提请住房主管部门督办，请尽快处理。"),
        "en": (
            "Escalated to the housing officer",
            "{estate}{where}: the resident escalated the {what} to the district housing officer; deal with it now.",
        ),
    },
    "repair.supervised": {
        "zh-CN": ("新的督办事项", "{estate}{where}：业主将一项{what}提请督办，请跟进并办结。"),
        "en": (
            "New supervised matter",
            "{estate}{where}: a resident escalated a {what} for supervision; follow it up and conclude it.",
        ),
    },
    "repair.concluded": {
        "zh-CN": ("督办已办结", "{estate}{where}：你提请督办的{what}已由住房主管部门办结。"),
        "en": (
            "Supervised matter concluded",
            "{estate}{where}: the district housing officer concluded the {what} you escalated.",
        ),
    },
    "repair.due_soon": {
        "zh-CN": ("报修即将超时", "{estate}{where}：{what}的{step}环节将于 {due} 到期。"),
        "en": ("Repair due soon", "{estate}{where}: the {step} step of the {what} is due at {due}."),
    },
    "repair.overdue": {
        "zh-CN": ("报修已超时", "{estate}{where}：{what}的{step}环节已于 {due} 超时。"),
        "en": ("Repair overdue", "{estate}{where}: the {step} step of the {what} was due at {due}."),
    },
}

#: where the app opens a housing notice: the home's bills, or its fund statement
HOME_LINKS: Final[dict[str, str]] = {
    "bill.reminder": "homes/{home_id}/bills",
    "fund.topup": "homes/{home_id}/fund",
}
#: where the app opens an estate announcement
ANNOUNCEMENT_LINK: Final = "announcements/{announcement_id}"
#: where the app opens an owners' assembly matter: its page on notice, its result once published
VOTE_LINKS: Final[dict[str, str]] = {
    "vote.notice": "vote-matters/{matter_id}",
    "vote.result": "vote-matters/{matter_id}/result",
}

#: where the app opens a repair's message: the repair
REPAIR_LINK: Final = "repairs/{repair_id}"
#: what a repair is called in its messages, by its kind (zh-CN, en)
REPAIR_NAMES: Final[dict[str, tuple[str, str]]] = {
    "home_repair": ("报修", "repair"),
    "common_repair": ("公共区域报修", "common-area repair"),
    "complaint": ("投诉", "complaint"),
}

#: a repair's steps (housing/repairs_workflow.py), as its messages name them
REPAIR_STEP_NAMES: Final[dict[str, tuple[str, str]]] = {
    "accept": ("受理", "response"),
    "assign": ("派工", "assignment"),
    "handle": ("处理", "repair"),
    "supervise": ("督办", "supervision"),
}

STEP_NAMES: Final[dict[str, tuple[str, str]]] = {
    "verify": ("核实", "verification"),
    "register": ("立案", "registration"),
    "dispatch": ("派遣", "dispatch"),
    "accept": ("签收", "acceptance"),
    "handle": ("处置", "handling"),
    "check": ("核查", "check"),
    "close": ("结案", "closure"),
}

_UNKNOWN = {"zh-CN": ("新消息", "您有一条新消息。"), "en": ("New message", "You have a new message.")}


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def _pick(params: Mapping[str, Any], name: str, locale: str) -> str:
    value = params.get(f"{name}_en" if locale == "en" else f"{name}_zh") or params.get(f"{name}_zh")
    return str(value) if value else ""


def _due(params: Mapping[str, Any], timezone: str) -> str:
    raw = params.get("due_at")
    if not raw:
        return "—"
    try:
        return datetime.fromisoformat(str(raw)).astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
    except ValueError:
        return "—"


def _yuan(fen: object) -> str:
    """Integer fen as yuan with two decimals and thousands separators: 223750 -> 2,237.50."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        return "—"
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


def _outcome(passed: object, lang: str) -> str:
    if not isinstance(passed, bool):
        return "—"
    if lang == "en":
        return "passed" if passed else "not passed"
    return "通过" if passed else "未通过"


def _home(params: Mapping[str, Any]) -> str:
    """3号楼 2单元 1202 (a building with one entrance has none)."""
    return " ".join(str(params[k]) for k in ("building", "entrance", "room") if params.get(k)) or "—"


def _bills(params: Mapping[str, Any], lang: str) -> str:
    count = params.get("bills")
    if not isinstance(count, int) or isinstance(count, bool):
        return "—"
    if lang == "en":
        return f"{count} bill" if count == 1 else f"{count} bills"
    return str(count)


def _number(value: object) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "—"


def render(kind: str, params: Mapping[str, Any], locale: str, timezone: str) -> tuple[str, str]:
    """(title, body) of a message in `locale` (zh-CN or en); times in the city's time zone."""
    lang = "en" if locale == "en" else "zh-CN"
    title, body = TEMPLATES.get(kind, _UNKNOWN)[lang]
    repair = REPAIR_NAMES.get(str(params.get("repair_kind", "")))
    step = (REPAIR_STEP_NAMES if repair else STEP_NAMES).get(str(params.get("step", "")))
    home = _home(params)
    values = _Defaults(
        category=_pick(params, "category", lang) or "—",
        department=_pick(params, "department", lang) or "—",
        number=str(params.get("number") or "—"),
        place=str(params.get("address") or params.get("number") or "—"),
        step=(step[1] if lang == "en" else step[0]) if step else str(params.get("step") or "—"),
        due=_due(params, timezone),
        estate=str(params.get("estate") or "—"),
        home=home,
        bills=_bills(params, lang),
        amount=_yuan(params.get("outstanding_fen")),
        as_of=str(params.get("as_of") or "—"),
        balance=_yuan(params.get("balance_fen")),
        first_deposit=_yuan(params.get("first_deposit_fen")),
        threshold=_yuan(params.get("threshold_fen")),
        title=str(params.get("title") or "—"),
        opens=_due({"due_at": params.get("opens_at")}, timezone),
        closes=_due({"due_at": params.get("closes_at")}, timezone),
        outcome=_outcome(params.get("passed"), lang),
        what=repair[1 if lang == "en" else 0] if repair else "—",
        where=f" {home}" if home != "—" else "",
        round=_number(params.get("round")),
        rating=_number(params.get("rating")),
    )
    return title.format_map(values), body.format_map(values)


def deep_link(
    base: str,
    case_id: UUID | None,
    report_id: UUID | None,
    kind: str = "",
    params: Mapping[str, Any] | None = None,
) -> str:
    """Reporters open their report; everyone else the case; a housing notice the home's bills or fund, an
    announcement itself, a vote notice the matter (its result once published), a repair's message the repair."""
    if report_id is not None:
        return f"{base}reports/{report_id}"
    if case_id is not None:
        return f"{base}cases/{case_id}"
    home_id = (params or {}).get("home_id")
    announcement_id = (params or {}).get("announcement_id")
    if kind == "announcement.urgent" and announcement_id:
        return base + ANNOUNCEMENT_LINK.format(announcement_id=announcement_id)
    repair_id = (params or {}).get("repair_id")
    if kind.startswith("repair.") and repair_id:
        return base + REPAIR_LINK.format(repair_id=repair_id)
    matter_id = (params or {}).get("matter_id")
    if kind in VOTE_LINKS and matter_id:
        return base + VOTE_LINKS[kind].format(matter_id=matter_id)
    if kind in HOME_LINKS and home_id:
        return base + HOME_LINKS[kind].format(home_id=home_id)
    return f"{base}inbox"
