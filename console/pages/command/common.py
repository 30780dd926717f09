"""What the command centre's pages share: presenting cases (labels, local times, deadlines, names of categories
and departments, a queue's rows), the scope check of one case, and reading forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.response import Template

from api.i18n import Locale
from api.settings import Settings
from cases.catalogue import service as catalogue
from cases.workflow import service as casework
from cases.workflow.errors import CaseNotFound
from cases.workflow.models import CaseSummary
from console.i18n import language, text
from console.render import page
from console.texts import TEXTS
from identity.models import Principal

_DEPARTMENT = re.compile(r"^[a-z0-9_-]{2,32}$")

# --- presenting cases -------------------------------------------------------------------------------------------


def _tz(request: Request[Any, Any, Any]) -> ZoneInfo:
    settings: Settings = request.app.state.settings
    return ZoneInfo(settings.city_timezone)


def labeller(lang: Locale) -> Callable[..., str]:
    """`label(kind, key)` for the templates: the text of a state, step, action, queue ... by its key (the keys
    are data, so the templates cannot name them; tests/console/test_command.py checks every one has a text). An
    event of the history that is no action, or one without a text, shows its kind as it is."""

    def label(kind: str, key: str, **values: Any) -> str:
        for candidate in (f"command.{kind}.{key}", f"command.action.{key}" if kind == "event" else ""):
            if candidate in TEXTS:
                return text(lang, candidate, **values)
        return key

    return label


def _page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    return page(request, template, label=labeller(language(request)), **context)


def local_time(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


def _span(delta: timedelta, lang: str) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if lang == "zh-CN":
        return f"{days}天{hours}小时" if days else (f"{hours}小时{mins}分" if hours else f"{mins}分钟")
    return f"{days}d {hours}h" if days else (f"{hours}h {mins}m" if hours else f"{mins}m")


@dataclass(frozen=True)
class Due:
    """The deadline of a case's open step as a queue shows it."""

    status: str  # overdue, due_soon, on_time, paused, none
    at: str
    left: str


def due_of(case: CaseSummary, now: datetime, tz: ZoneInfo, lang: str) -> Due:
    step = case.current_step
    if step is None:
        return Due("none", "", "")
    at = local_time(step.due_at, tz)
    if step.paused:
        return Due("paused", at, "")
    if step.due_at < now:
        return Due("overdue", at, _span(now - step.due_at, lang))
    return Due("due_soon" if step.due_soon_at <= now else "on_time", at, _span(step.due_at - now, lang))


async def _names(conn: Any, lang: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """category code -> name, and the departments (code, name), in the user's language."""
    found, _ = await catalogue.catalogue(conn)
    zh = lang == "zh-CN"
    categories = {c.code: (c.name_zh if zh else c.name_en) for g in found.groups for c in g.categories}
    departments = [
        (code, name_zh if zh else name_en) for code, name_zh, name_en in await catalogue.departments(conn)
    ]
    return categories, departments


@dataclass(frozen=True)
class Row:
    case: CaseSummary
    due: Due
    category: str
    department: str


def _rows(
    items: Iterable[CaseSummary],
    request: Request[Any, Any, Any],
    categories: Mapping[str, str],
    departments: Mapping[str, str],
) -> list[Row]:
    now, tz, lang = datetime.now(UTC), _tz(request), language(request)
    return [
        Row(
            case=c,
            due=due_of(c, now, tz, lang),
            category=categories.get(c.category, c.category),
            department=departments.get(c.department or "", c.department or ""),
        )
        for c in items
    ]


async def _visible_case(conn: Any, principal: Principal, case_id: UUID) -> None:
    """Not found unless the case is in the user's scope (as the API's staff view: access.scope)."""
    if not await casework.in_scope(conn, principal, case_id):
        raise CaseNotFound("no such case")


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


class BadForm(Exception):
    """A form the console's own pages never send (a missing or malformed field): 422, nothing written."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
