"""What the admin area's pages share: the texts picked by value, form reading, refusals, times."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.response import Redirect

from api.auth import request_context
from console.errors import ConsoleError
from console.i18n import language, text
from identity.models import RequestContext

OUTBOX_STATUSES = ("dead", "pending", "done")
DELIVERY_STATUSES = ("dead", "pending", "done", "dropped")
CHANNELS = ("push", "webhook")


def _keys(*keys: str) -> dict[str, dict[str, str]]:
    """Text keys the templates pick by a value (`t(keys["admin.status."][status])`), each written out whole."""
    out: dict[str, dict[str, str]] = {}
    for key in keys:
        prefix, _, last = key.rpartition(".")
        out.setdefault(prefix + ".", {})[last] = key
    return out


KEYS = _keys(
    "admin.section.grids",
    "admin.section.duties",
    "admin.section.calendar",
    "admin.section.categories",
    "admin.section.outbox",
    "admin.intro.grids",
    "admin.intro.duties",
    "admin.intro.calendar",
    "admin.intro.categories",
    "admin.intro.outbox",
    "admin.grids.kind.unit",
    "admin.grids.kind.responsibility",
    "admin.grids.outcome.imported",
    "admin.grids.outcome.dry_run",
    "admin.grids.outcome.refused",
    "admin.grids.phase.parse",
    "admin.grids.phase.load",
    "admin.grids.phase.check",
    "admin.grids.phase.write",
    "admin.grids.phase.done",
    "admin.calendar.weekday.1",
    "admin.calendar.weekday.2",
    "admin.calendar.weekday.3",
    "admin.calendar.weekday.4",
    "admin.calendar.weekday.5",
    "admin.calendar.weekday.6",
    "admin.calendar.weekday.7",
    "admin.status.dead",
    "admin.status.pending",
    "admin.status.done",
    "admin.status.dropped",
    "admin.channel.push",
    "admin.channel.webhook",
)


class BadForm(ConsoleError):
    """A form whose fields are missing or of the wrong kind."""

    status = 422
    text_key = "admin.bad_form"


def _actor(request: Request[Any, Any, Any]) -> RequestContext:
    return request_context(request, "console")


def _zone(state: State) -> ZoneInfo:
    return ZoneInfo(state.cases_config.timezone)


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    return {key: form.get(key) for key in form}


def _field(form: dict[str, Any], name: str, limit: int = 200) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        raise BadForm(f"{name} is missing")
    return value.strip()[:limit]


def _convert(data: dict[str, Any], kind: type[Any]) -> Any:
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise BadForm(str(exc)) from None


def _back(path: str) -> Redirect:
    """After a write: back to the page (POST, redirect, GET), `done=` naming what was done."""
    return Redirect(path=path, status_code=303)


def _notice(request: Request[Any, Any, Any]) -> str:
    done = request.query_params.get("done", "")
    key = f"admin.done.{done}"
    return text(language(request), key) if done in _NOTICES else ""


_NOTICES = frozenset(
    {"duty_added", "duty_ended", "day_set", "day_removed", "category_saved", "link_saved", "replayed"}
)
