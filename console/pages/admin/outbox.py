"""The admin area's outbox and deliveries with replay, as api/controllers/notifications_admin.py (same audit
actions)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from api.auth import DbConn
from console.auth import CurrentUser
from console.pages.admin.common import (
    CHANNELS,
    DELIVERY_STATUSES,
    KEYS,
    OUTBOX_STATUSES,
    BadForm,
    _actor,
    _back,
    _form,
    _local,
    _notice,
    _zone,
)
from console.render import page
from identity import service as identity
from notifications import service as notifications

# --- the outbox and deliveries ----------------------------------------------------------------------------------------


@get("/outbox", name="console.admin.outbox")
async def outbox(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    user: CurrentUser,
    status: Annotated[str, Parameter(max_length=16)] = "dead",
    delivery_status: Annotated[str, Parameter(max_length=16)] = "dead",
    channel: Annotated[str, Parameter(max_length=16)] = "",
) -> Template:
    status = status if status in OUTBOX_STATUSES else "dead"
    delivery_status = delivery_status if delivery_status in DELIVERY_STATUSES else ""
    chosen_channel: Literal["push", "webhook"] | None = channel if channel in CHANNELS else None  # type: ignore[assignment]
    entries = await notifications.list_outbox(conn, status=status, limit=100)
    found = await notifications.list_deliveries(
        conn,
        status=delivery_status or None,  # type: ignore[arg-type]
        channel=chosen_channel,
        limit=100,
    )
    zone = _zone(state)
    return page(
        request,
        "admin/outbox.html",
        keys=KEYS,
        section="outbox",
        notice=_notice(request),
        status=status,
        delivery_status=delivery_status,
        channel=chosen_channel or "",
        statuses=OUTBOX_STATUSES,
        delivery_statuses=DELIVERY_STATUSES,
        channels=CHANNELS,
        entries=[
            {
                "entry": e,
                "at": _local(e.created_at, zone),
                "payload": json.dumps(e.payload, ensure_ascii=False)[:300],
            }
            for e in entries.items
        ],
        deliveries=[
            {"delivery": d, "at": _local(d.created_at, zone), "updated": _local(d.updated_at, zone)}
            for d in found.items
        ],
    )


def _int_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadForm("not an id") from None
    if not 0 < number < 2**63:
        raise BadForm("not an id")
    return number


@post("/outbox/{outbox_id:str}/replay", name="console.admin.outbox.replay")
async def replay_outbox(
    request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser, outbox_id: FromPath[str]
) -> Redirect:
    number = _int_id(outbox_id)
    await notifications.replay_outbox(conn, number)
    await identity.audit(
        conn, _actor(request), user.principal.user_id, "outbox.replay", "outbox", str(number)
    )
    return _back("/console/admin/outbox?done=replayed")


@post("/deliveries/{delivery_id:str}/replay", name="console.admin.deliveries.replay")
async def replay_delivery(
    request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser, delivery_id: FromPath[str]
) -> Redirect:
    number = _int_id(delivery_id)
    await notifications.replay_delivery(conn, number)
    await identity.audit(
        conn, _actor(request), user.principal.user_id, "delivery.replay", "delivery", str(number)
    )
    return _back("/console/admin/outbox?done=replayed")


@post("/deliveries/replay-dead", name="console.admin.deliveries.replay_dead")
async def replay_dead(request: Request[Any, Any, Any], conn: DbConn, user: CurrentUser) -> Redirect:
    form = await _form(request)
    channel = form.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise BadForm("channel is push or webhook")
    count = await notifications.replay_dead(conn, channel=channel)
    await identity.audit(
        conn,
        _actor(request),
        user.principal.user_id,
        "delivery.replay_dead",
        "delivery",
        "*",
        channel=channel,
        webhook_id=None,
        replayed=count,
    )
    return _back("/console/admin/outbox?done=replayed")
