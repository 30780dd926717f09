"""The authorization matrix: every operation of the app, called by every role, scoped in and out, on objects the
caller owns and objects they do not.

The operations come from the app's route table (api/openapi.py `operations`), so an operation added to the app
without a row in MATRIX fails `test_the_matrix[<operationId>]` and `test_every_operation_has_a_row`. A row
is a list of variants (the object the call is about: a visible or hidden report, one's own or another's
upload, ...); each variant builds the call for a caller and says, per caller, which outcome is expected:

- allowed (2xx or the redirect), or a stated answer past the checks (a 409 for the reporter, ...);
- 401 unauthenticated (no token);
- 403 forbidden (the role) or action_forbidden (the role, out of scope);
- 404 (what the caller may not see does not exist for them) or the public view of it.

The callers (tests/security/city.py): citizen (who reported the city's cases and owns its photos, devices and
messages), another citizen (who reported its anonymous report), a resident, and every staff role twice: in
scope (district 110101, the sanitation department the cases are dispatched to, the cases' inspector) and out
of scope (district 110102, water); a property manager; an admin; and nobody (no token).

Besides the outcome, every answer goes through the contract check (tests/contract_conformance.py), and no
answer may carry the anonymous reporter's id (but the admin's and their own), a hidden report's reason (but
in scope), or, in a public view, any private member or the reporter's id.

One database and one app for the module; calls that change something get objects made for them, so the order
of the calls does not matter.
"""

from __future__ import annotations

import io
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from api.app import create_app
from api.config import auth_config
from api.db import connect, create_pool
from api.openapi import operations
from api.settings import Settings, load_settings
from identity import service as identity
from identity.models import ROLES, STAFF_ROLES, RoleGrant
from open311 import applications as open311_applications
from open311.models import ApplicationCreate
from tests import contract_conformance
from tests.cases.grid_fixtures import cells, collection, encode
from tests.cases.mvt import tile_of
from tests.security.city import (
    CTX,
    DEPT_IN,
    DISTRICT_OUT,
    ESTATE,
    GRID_IN,
    IN_POINT,
    IN_SCOPE,
    NO_GRID,
    PEOPLE,
    City,
    build_city,
    fresh_token,
    new_case,
    new_photo,
    new_report,
    new_user,
)

CALLERS = (*PEOPLE, "anonymous")
ANY_ROLE = None
QUEUE = tuple(sorted(STAFF_ROLES - {"property_manager"}))
MODERATORS = ("intake_clerk", "shift_lead", "admin")
READERS = ("leader", "shift_lead", "dispatcher", "admin")
#: staff who act on the city's cases (access.acts_on): they get photo originals
ACTING = frozenset({"inspector", "intake_clerk", "shift_lead", "dispatcher", "department_handler", "admin"})
PRIVATE = (
    "anonymous",
    "reporter_id",
    "client_id",
    "joined_existing",
    "location_mismatch",
    "original_location",
    "hidden",
    "hidden_reason",
)
HIDDEN_REASON = "含个人信息"


# outcomes ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    label: str
    statuses: frozenset[int]
    code: str | None = None  # the problem code, for refusals
    view: str | None = None  # the `view` member of the body, for reads with a public and a private form


def ok(*statuses: int, code: str | None = None) -> Outcome:
    return Outcome(f"allowed {statuses or ''}", frozenset(statuses or (200, 201, 202, 204, 302)), code)


OK = ok()
UNAUTHENTICATED = Outcome("401", frozenset({401}), "unauthenticated")
FORBIDDEN = Outcome("403 (role)", frozenset({403}), "forbidden")
OUT_OF_SCOPE = Outcome("403 (scope)", frozenset({403}), "action_forbidden")
PUBLIC = Outcome("public view", frozenset({200}), view="public")
FULL = Outcome("full view", frozenset({200}), view="full")
STAFF_VIEW = Outcome("staff view", frozenset({200}), view="staff")
#: past the role and ownership checks, whatever the operation then answers
PAST_CHECKS = Outcome("past the checks", frozenset(range(200, 600)) - {401, 403, 404})


def not_found(code: str) -> Outcome:
    return Outcome("404", frozenset({404}), code)


#: a 404 without a problem code (a GeoReport error list)
not_found_any = Outcome("404", frozenset({404}))


Expect = Callable[[str], Outcome]


def rule(
    allowed: Outcome = OK,
    *,
    roles: Collection[str] | None = ANY_ROLE,
    anonymous: Outcome = UNAUTHENTICATED,
    denied: Outcome = FORBIDDEN,
    out: Outcome | None = None,
    **by_name: Outcome,
) -> Expect:
    """`allowed` for callers holding one of `roles` (any role: None); `denied` for the other roles; `out`, when
    given, for role holders out of scope (not in IN_SCOPE: the city's cases are not theirs); `anonymous` without
    a token; `by_name` overrides any of these for one caller."""

    def expect(name: str) -> Outcome:
        if name in by_name:
            return by_name[name]
        if name == "anonymous":
            return anonymous
        if roles is not None and PEOPLE[name][0] not in roles:
            return denied
        if out is not None and name not in IN_SCOPE:
            return out
        return allowed

    return expect


def everyone(outcome: Outcome = OK) -> Expect:
    return rule(outcome, anonymous=outcome)


ADMIN_ONLY = rule(roles=("admin",))


# the calls --------------------------------------------------------------------------------------------------------


@dataclass
class Call:
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] | None = None
    json: Any = None
    content: bytes | None = None
    files: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None  # None: the caller's own (none for anonymous)
    ctx: dict[str, Any] = field(default_factory=dict)  # what the checks need to know


class World:
    """The module's city, the objects every call may read, and builders of objects made for one call."""

    def __init__(
        self, client: AsyncTestClient[Litestar], db: asyncpg.Connection, settings: Settings, city: City
    ):
        self.client, self.db, self.settings, self.city = client, db, settings, city
        self.ids = city.ids
        self.counter = itertools.count(1)
        self.fixed: dict[str, Any] = {}

    def next(self) -> int:
        return next(self.counter)

    async def setup(self) -> None:
        db, ids, f = self.db, self.ids, self.fixed
        f["photo"] = await new_photo(db, ids["citizen"])
        f["case"] = await new_case(db, self.city, in_grid=True, step="handle")
        f["report"] = await new_report(db, f["case"], ids["citizen"], photo_ids=(f["photo"],))
        f["hidden_photo"] = await new_photo(db, ids["citizen"])
        f["hidden_case"] = await new_case(db, self.city, in_grid=True, hidden=True, step="handle")
        f["hidden_report"] = await new_report(
            db, f["hidden_case"], ids["citizen"], hidden=True, photo_ids=(f["hidden_photo"],)
        )
        f["anon_case"] = await new_case(db, self.city, in_grid=True, step="handle")
        f["anon_report"] = await new_report(db, f["anon_case"], ids["other_citizen"], anonymous=True)
        f["loose_photo"] = await new_photo(db, ids["citizen"])  # in no report yet
        # routed to district 110101 and suggested to sanitation, not dispatched yet
        f["undispatched"] = await new_case(
            db, self.city, "registered", department=None, in_grid=True, step="dispatch"
        )
        f["task_case"] = await new_case(
            db, self.city, "verifying", department=None, in_grid=True, step="verify"
        )
        f["device"] = f"citizen-phone-{uuid.uuid4().hex}"
        await self.device(ids["citizen"], f["device"])
        f["notification"] = await self.notification(ids["citizen"])
        f["webhook"] = await self.webhook()
        f["grid_import"] = await db.fetchval("SELECT id FROM grid_imports ORDER BY id LIMIT 1")

    def token(self, name: str) -> str:
        return self.city.tokens[name]

    async def case(self, state: str, **kwargs: Any) -> uuid.UUID:
        return await new_case(self.db, self.city, state, **kwargs)

    async def report(self, state: str = "verifying", **kwargs: Any) -> uuid.UUID:
        case = await self.case(state, department=None if state in ("verifying", "registered") else DEPT_IN)
        return await new_report(self.db, case, self.ids["citizen"], **kwargs)

    async def device(self, user_id: uuid.UUID, token: str | None = None) -> str:
        token = token or f"phone-{uuid.uuid4().hex}"
        await self.db.execute(
            "INSERT INTO devices (token, user_id, platform, app_version, locale) VALUES ($1, $2, 'android', '1.0', 'zh-CN')",
            token,
            user_id,
        )
        return token

    async def notification(self, user_id: uuid.UUID) -> uuid.UUID:
        notification_id: uuid.UUID = await self.db.fetchval(
            "INSERT INTO notifications (user_id, outbox_id, kind, case_id) VALUES ($1, $2, 'report.registered', $3) "
            "RETURNING id",
            user_id,
            10_000_000 + self.next(),
            self.fixed.get("case"),
        )
        return notification_id

    async def webhook(self) -> uuid.UUID:
        webhook_id: uuid.UUID = await self.db.fetchval(
            "INSERT INTO webhook_subscribers (url, events, secret) VALUES ('https://8.8.8.8/hook', "
            "'{case.transitioned}', 'a-secret-of-16-chars') RETURNING id"
        )
        return webhook_id

    async def upload(self, owner_id: uuid.UUID) -> uuid.UUID:
        upload_id: uuid.UUID = await self.db.fetchval(
            """INSERT INTO uploads (owner_id, content_type, size, sha256, object_key, expires_at)
               VALUES ($1, 'image/jpeg', 1024, $2, $3, now() + interval '15 minutes') RETURNING id""",
            owner_id,
            "0" * 64,
            f"uploads/{uuid.uuid4()}.jpg",
        )
        return upload_id


Build = Callable[[World, str], Awaitable[Call]]
Check = Callable[[World, str, Call, httpx.Response], Awaitable[None]]


@dataclass(frozen=True)
class Variant:
    label: str
    build: Build
    expect: Expect
    check: Check | None = None


def fixed(**path: str) -> Build:
    """A call on objects of the city every caller may read: path parameters by the fixed objects' names."""

    async def build(w: World, who: str) -> Call:
        return Call(path={name: w.fixed[key] for name, key in path.items()})

    return build


def plain(**call: Any) -> Build:
    async def build(w: World, who: str) -> Call:
        return Call(**call)

    return build


def one(build: Build, expect: Expect, check: Check | None = None) -> list[Variant]:
    return [Variant("", build, expect, check)]


# builders of single calls ------------------------------------------------------------------------------------------


async def b_logout(w: World, who: str) -> Call:
    return Call(token=None if who == "anonymous" else await fresh_token(w.db, w.settings, who))


async def b_request_otp(w: World, who: str) -> Call:
    return Call(json={"phone": f"+86138{w.next():08d}"})


async def b_issue_token(w: World, who: str) -> Call:
    phone = f"+86136{w.next():08d}"
    config = auth_config(w.settings)
    await identity.create_user(w.db, config, phone, [RoleGrant(role="citizen")], CTX)
    tokens = await identity.issue_tokens_for(w.db, config, phone, CTX)
    return Call(json={"grant_type": "refresh_token", "refresh_token": tokens.refresh_token})


async def b_set_roles(w: World, who: str) -> Call:
    return Call(path={"user_id": await new_user(w.db, w.settings)}, json={"roles": [{"role": "citizen"}]})


async def b_some_user(w: World, who: str) -> Call:
    return Call(path={"user_id": await new_user(w.db, w.settings)})


async def b_hidden_report_for_call(w: World, who: str) -> Call:
    case = await w.case("accepted", hidden=True)
    report = await new_report(w.db, case, w.ids["citizen"], hidden=True)
    return Call(path={"report_id": report})


async def b_moderate(w: World, who: str, body: dict[str, Any]) -> Call:
    report = await w.report()
    return Call(path={"report_id": report}, json=body, ctx={"report": report})


async def b_hide(w: World, who: str) -> Call:
    return await b_moderate(w, who, {"reason": "广告"})


async def b_recategorise(w: World, who: str) -> Call:
    return await b_moderate(w, who, {"category": "E0103", "note": "渣土"})


async def c_moderation_refused_changes_nothing(w: World, who: str, call: Call, r: httpx.Response) -> None:
    if r.status_code < 300:
        return
    row = await w.db.fetchrow(
        "SELECT hidden_at, category_code FROM reports WHERE id = $1", call.ctx["report"]
    )
    assert (row["hidden_at"], row["category_code"]) == (None, "E0102"), (
        "a refused moderation changed the report"
    )


async def b_rate(w: World, who: str) -> Call:
    case = await w.case("closed", closed_at=datetime.now(UTC) - timedelta(days=30))
    report = await new_report(w.db, case, w.ids["citizen"])
    return Call(path={"report_id": report}, json={"fixed": True, "score": 5}, ctx={"case": case})


async def c_rating_refused_writes_nothing(w: World, who: str, call: Call, r: httpx.Response) -> None:
    count = await w.db.fetchval("SELECT count(*) FROM case_ratings WHERE case_id = $1", call.ctx["case"])
    assert count == (1 if r.status_code == 200 else 0)


async def b_submit(w: World, who: str) -> Call:
    body = {"category": "E0102", "description": "垃圾", "location": NO_GRID}
    return Call(json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


async def b_own_upload(w: World, who: str) -> Call:
    owner = w.ids["citizen"] if who == "anonymous" else w.ids[who]
    return Call(path={"upload_id": await w.upload(owner)})


async def b_citizens_upload(w: World, who: str) -> Call:
    return Call(path={"upload_id": await w.upload(w.ids["citizen"])})


async def b_original(w: World, who: str) -> Call:
    return Call(path={"photo_id": w.fixed["photo"]}, query={"size": "original"})


async def b_create_upload(w: World, who: str) -> Call:
    return Call(json={"content_type": "image/jpeg", "size": 1024, "sha256": uuid.uuid4().hex * 2})


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (40, 120, 80)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


async def b_upload_photo(w: World, who: str) -> Call:
    return Call(files={"file": ("photo.png", PNG, "image/png")})


async def b_bulk(w: World, who: str) -> Call:
    case = await w.case("registered", department=None, step="dispatch")
    item = {"case_id": str(case), "version": 1, "action": "dispatch", "department": DEPT_IN}
    return Call(json={"items": [item]}, ctx={"case": case})


async def c_bulk_items(w: World, who: str, call: Call, r: httpx.Response) -> None:
    if r.status_code != 200:
        return
    (item,) = r.json()["results"]
    expected = 200 if who == "dispatcher" else 403  # shift leads do not dispatch; dispatcher_out: not theirs
    assert item["status"] == expected, item
    state = await w.db.fetchval("SELECT state FROM cases WHERE id = $1", call.ctx["case"])
    assert state == ("dispatched" if expected == 200 else "registered")


#: the action each role takes in the transition matrix: (state of the case made for the call, action, body)
ACTION_OF_ROLE: dict[str, tuple[str, str, dict[str, Any]]] = {
    "inspector": ("verifying", "verify", {}),
    "intake_clerk": ("reported", "reject", {"note": "重复上报"}),
    "shift_lead": ("verified", "register", {}),
    "dispatcher": ("registered", "dispatch", {"department": DEPT_IN}),
    "department_handler": ("dispatched", "accept", {}),
}


async def b_transition(w: World, who: str) -> Call:
    role = "anonymous" if who == "anonymous" else PEOPLE[who][0]
    state, action, body = ACTION_OF_ROLE.get(role, ("verified", "register", {}))
    case = await w.case(state, department=DEPT_IN if state == "dispatched" else None)
    if action == "verify":
        body = {"photo_ids": [str(await new_photo(w.db, w.ids[who]))]}
    return Call(
        path={"case_id": case}, json={"action": action, **body}, headers={"If-Match": "1"}, ctx={"case": case}
    )


async def c_transition_refused_changes_nothing(w: World, who: str, call: Call, r: httpx.Response) -> None:
    row = await w.db.fetchrow("SELECT version FROM cases WHERE id = $1", call.ctx["case"])
    events = await w.db.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", call.ctx["case"])
    if r.status_code == 200:
        assert (row["version"], events) == (2, 1)
    else:
        assert (row["version"], events) == (1, 0), "a refused transition changed the case"


async def b_patrol(w: World, who: str) -> Call:
    body = {"category": "E0102", "description": "巡查发现", "location": NO_GRID}
    return Call(json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


async def b_calendar_day(w: World, who: str) -> Call:
    return Call(
        path={"day": (date(2031, 1, 1) + timedelta(days=w.next())).isoformat()}, json={"workday": True}
    )


async def b_calendar_override(w: World, who: str) -> Call:
    day = date(2032, 1, 1) + timedelta(days=w.next())
    await w.db.execute("INSERT INTO calendar_overrides (day, workday) VALUES ($1, true)", day)
    return Call(path={"day": day.isoformat()})


async def b_import_grids(w: World, who: str) -> Call:
    return Call(
        query={"kind": "unit", "dry_run": "true"},
        content=encode(collection(cells(1, 1, at=(5, 5), community=9))),
        headers={"Content-Type": "application/geo+json"},
    )


async def b_duty(w: World, who: str) -> Call:
    # an inspector of their own: the city's inspectors keep their grids
    inspector = await new_user(w.db, w.settings, "inspector") if who == "admin" else w.ids["inspector"]
    starts = datetime(2030, 1, 1, tzinfo=UTC)
    return Call(json={"inspector_id": str(inspector), "grid": GRID_IN, "starts_at": starts.isoformat()})


async def b_weights(w: World, who: str) -> Call:
    current = await w.client.get(
        "/v1/stats/weights/district", headers={"Authorization": f"Bearer {w.token('admin')}"}
    )
    return Call(path={"kind": "district"}, json={"weights": current.json()["weights"]})


async def b_register_device(w: World, who: str) -> Call:
    return Call(json={"token": f"phone-{uuid.uuid4().hex}", "platform": "android", "app_version": "1.0"})


async def b_own_device(w: World, who: str) -> Call:
    owner = w.ids["citizen"] if who == "anonymous" else w.ids[who]
    return Call(path={"token": await w.device(owner)})


async def b_citizens_device(w: World, who: str) -> Call:
    token = await w.device(w.ids["citizen"])
    return Call(path={"token": token}, ctx={"token": token})


async def c_device_kept_unless_owner(w: World, who: str, call: Call, r: httpx.Response) -> None:
    kept = await w.db.fetchval("SELECT count(*) FROM devices WHERE token = $1", call.ctx["token"])
    assert kept == (0 if who == "citizen" else 1)


async def b_own_notification(w: World, who: str) -> Call:
    owner = w.ids["citizen"] if who == "anonymous" else w.ids[who]
    return Call(path={"notification_id": await w.notification(owner)})


async def b_citizens_notification(w: World, who: str) -> Call:
    notification = await w.notification(w.ids["citizen"])
    return Call(path={"notification_id": notification}, ctx={"notification": notification})


async def c_notification_unread_unless_owner(w: World, who: str, call: Call, r: httpx.Response) -> None:
    read = await w.db.fetchval(
        "SELECT read_at IS NOT NULL FROM notifications WHERE id = $1", call.ctx["notification"]
    )
    assert read == (who == "citizen")


async def b_create_webhook(w: World, who: str) -> Call:
    body = {"url": "https://8.8.8.8/hook", "events": ["case.transitioned"], "secret": "a-secret-of-16-chars"}
    return Call(json=body)


async def b_fresh_webhook(w: World, who: str) -> Call:
    return Call(path={"webhook_id": await w.webhook() if who == "admin" else w.fixed["webhook"]})


async def b_dead_delivery(w: World, who: str) -> Call:
    delivery_id = 1
    if who == "admin":
        delivery_id = await w.db.fetchval(
            """INSERT INTO deliveries (key, outbox_id, channel, subscriber_id, event, body, status)
               VALUES ($1, 1, 'webhook', $2, 'case.transitioned', '{}', 'dead') RETURNING id""",
            f"matrix-{uuid.uuid4()}",
            w.fixed["webhook"],
        )
    return Call(path={"delivery_id": delivery_id})


async def b_dead_outbox(w: World, who: str) -> Call:
    outbox_id = 1
    if who == "admin":
        outbox_id = await w.db.fetchval(
            "INSERT INTO outbox (topic, payload, status) VALUES ('case.transitioned', '{}', 'dead') RETURNING id"
        )
    return Call(path={"outbox_id": outbox_id})


# checks of what a caller sees ---------------------------------------------------------------------------------


def listed(key: str, *, visible_to: Collection[str], items: Callable[[Any], list[str]]) -> Check:
    """The fixed object `key` is in the answer's list for `visible_to` and for no one else."""

    async def check(w: World, who: str, call: Call, r: httpx.Response) -> None:
        if r.status_code != 200:
            return
        found = str(w.fixed[key]) in items(r.json())
        assert found == (who in visible_to), f"{key} {'listed' if found else 'missing'}"

    return check


async def c_my_reports(w: World, who: str, call: Call, r: httpx.Response) -> None:
    """The city's report is in the citizen's list and nobody else's (every page: calls add reports of theirs)."""
    if r.status_code != 200:
        return
    body, ids = r.json(), report_ids(r.json())
    while body["next_cursor"] and str(w.fixed["report"]) not in ids:
        params = {"limit": 100, "cursor": body["next_cursor"]}
        body = (await w.client.get("/v1/reports/mine", params=params, headers=bearer_of(w, who))).json()
        ids += report_ids(body)
    assert (str(w.fixed["report"]) in ids) == (who == "citizen"), "the citizen's report is listed wrongly"


def bearer_of(w: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {w.token(who)}"}


def case_ids(body: Any) -> list[str]:
    return [c["id"] for c in body["items"]]


def synced_ids(body: Any) -> list[str]:
    return [c["id"] for c in body["cases"]]


def task_case_ids(body: Any) -> list[str]:
    tasks = body if isinstance(body, list) else body["items"]
    return [t["case"]["id"] for t in tasks]


def report_ids(body: Any) -> list[str]:
    return [r["id"] for r in body["items"]]


def device_tokens(body: Any) -> list[str]:
    return [d["token"] for d in body["items"]]


def inbox_ids(body: Any) -> list[str]:
    return [n["id"] for n in body["items"]]


async def c_anonymous_reporter(w: World, who: str, call: Call, r: httpx.Response) -> None:
    if r.status_code != 200 or r.json().get("view") != "full":
        return
    shown = r.json().get("reporter_id")
    expected = str(w.ids["other_citizen"]) if who in ("admin", "other_citizen") else None
    assert shown == expected, f"reporter_id {shown!r}"


async def c_public_elsewhere(w: World, who: str, call: Call, r: httpx.Response) -> None:
    if r.status_code == 200:
        text = r.text
        for key in ("hidden_case", "hidden_report"):
            assert str(w.fixed[key]) not in text, f"{key} is in a public answer"


# housing: one estate with a register; `resident` owns and is bound to home 101 (the callers' property_manager is
# scoped to another estate, so they are another estate's staff here) --------------------------------------------

REGISTER_CSV = "楼栋,单元,房号,产权面积,业主姓名,手机号\n1号楼,1单元,101,89.50,业主,{resident}\n1号楼,1单元,102,90.00,另一业主,\n"
ESTATE_FORBIDDEN = Outcome("403 (estate)", frozenset({403}), "estate_forbidden")
HOME_FORBIDDEN = Outcome("403 (home)", frozenset({403}), "home_forbidden")
BINDING_FORBIDDEN = Outcome("403 (binding)", frozenset({403}), "binding_forbidden")


async def _housing(w: World) -> dict[str, Any]:
    """The estate, its homes 101 and 102, and the resident's owner binding to 101, made once."""
    if "estate" in w.fixed:
        return w.fixed
    import msgspec

    from housing import register
    from housing import service as housing
    from housing import store as housing_store
    from housing.models import EstateCreate
    from tests.security.city import phone_of

    data = {
        "name": "矩阵小区",
        "address": "东城区某街 1 号",
        "district_code": "110101",
        "location": {"lat": 39.95, "lon": 116.41, "crs": "wgs84"},
        "property_company": "矩阵物业",
        "service_grade": 2,
    }
    # the estate of the callers' owners' committee (city.ESTATE)
    estate_id = await housing.create_estate(w.db, msgspec.convert(data, EstateCreate), uuid.UUID(ESTATE))
    raw = REGISTER_CSV.format(resident=phone_of("resident")).encode()
    await register.import_register(w.db, estate_id, raw, file_name="r.csv", effective_date=date(2026, 1, 1))
    homes = {
        r["room"]: r["id"]
        for r in await w.db.fetch("SELECT id, room FROM homes WHERE estate_id = $1", estate_id)
    }
    await housing_store.insert_binding(
        w.db,
        home_id=homes["101"],
        estate_id=estate_id,
        user_id=w.ids["resident"],
        relation="owner",
        state="active",
        via="register",
        note="",
    )
    w.fixed.update(estate=estate_id, home=homes["101"], other_home=homes["102"])
    return w.fixed


async def b_estate(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _housing(w))["estate"]})


async def b_create_estate(w: World, who: str) -> Call:
    body = {
        "name": f"新小区{w.next()}",
        "address": "东城区某街 2 号",
        "district_code": "110101",
        "location": {"lat": 39.95, "lon": 116.41, "crs": "wgs84"},
        "property_company": "某物业",
        "service_grade": 3,
    }
    return Call(json=body)


async def b_update_estate(w: World, who: str) -> Call:
    return Call(
        path={"estate_id": (await _housing(w))["estate"]},
        json={"office_hours": f"8:00-18:{w.next() % 60:02d}"},
    )


async def b_import_register(w: World, who: str) -> Call:
    from tests.security.city import phone_of

    raw = REGISTER_CSV.format(resident=phone_of("resident")).encode()
    return Call(
        path={"estate_id": (await _housing(w))["estate"]},
        query={"dry_run": "true"},
        content=raw,
        headers={"Content-Type": "text/csv"},
    )


async def b_home(w: World, who: str) -> Call:
    return Call(path={"home_id": (await _housing(w))["home"]})


async def b_request_binding(w: World, who: str) -> Call:
    return Call(
        path={"home_id": (await _housing(w))["other_home"]},
        json={"relation": "tenant"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


async def _pending_binding(w: World) -> uuid.UUID:
    """A new tenant's request for home 101, which its owner (`resident`) and the estate's staff may decide."""
    from housing import store as housing_store

    fixed = await _housing(w)
    tenant = await new_user(w.db, w.settings, "resident")
    binding_id = await housing_store.insert_binding(
        w.db,
        home_id=fixed["home"],
        estate_id=fixed["estate"],
        user_id=tenant,
        relation="tenant",
        state="pending",
        via=None,
        note="",
    )
    assert binding_id is not None
    return binding_id


def b_decide(body: dict[str, Any]) -> Build:
    async def build(w: World, who: str) -> Call:
        binding_id = await _pending_binding(w)
        return Call(path={"binding_id": binding_id}, json=body, ctx={"binding": binding_id})

    return build


async def c_refused_decision_changes_nothing(w: World, who: str, call: Call, r: httpx.Response) -> None:
    state = await w.db.fetchval("SELECT state FROM home_bindings WHERE id = $1", call.ctx["binding"])
    assert (state == "pending") == (r.status_code >= 300), f"the binding is {state} after {r.status_code}"


#: estate routes for its managers: the callers' property manager is another estate's staff
ESTATE_MANAGERS_RULE = rule(
    ok(200), roles=("admin", "property_manager", "property_staff"), property_manager=ESTATE_FORBIDDEN
)
#: the estate's staff views: its managers, and the housing officers of its district (read only)
ESTATE_READERS_RULE = rule(
    ok(200),
    roles=("admin", "property_manager", "property_staff", "housing_officer"),
    property_manager=ESTATE_FORBIDDEN,
)
#: a home: its resident, the estate's staff and the district's housing officer
HOME_READERS_RULE = rule(
    HOME_FORBIDDEN, resident=ok(200), admin=ok(200), property_staff=ok(200), housing_officer=ok(200)
)
#: a binding of home 101: its owner (`resident`) and admins decide; nobody else
BINDING_DECIDERS = rule(BINDING_FORBIDDEN, resident=ok(200), admin=ok(200), property_staff=ok(200))
HOUSING_ROWS: dict[str, list[Variant]] = {
    "listEstates": one(plain(), everyone(ok(200))),
    "getEstate": one(b_estate, everyone(ok(200))),
    "createEstate": one(b_create_estate, ADMIN_ONLY),
    "updateEstate": one(b_update_estate, ESTATE_MANAGERS_RULE),
    "listEstateHomes": one(b_estate, rule(ok(200))),
    "importRegister": one(b_import_register, ESTATE_MANAGERS_RULE),
    "listEstateBindings": one(b_estate, ESTATE_READERS_RULE),
    "getHome": one(b_home, HOME_READERS_RULE),
    "listHomeBindings": one(b_home, HOME_READERS_RULE),
    "requestBinding": one(b_request_binding, rule(ok(201))),
    "approveBinding": one(b_decide({}), BINDING_DECIDERS, c_refused_decision_changes_nothing),
    "refuseBinding": one(
        b_decide({"reason": "不符合条件"}), BINDING_DECIDERS, c_refused_decision_changes_nothing
    ),
    "endBinding": one(b_decide({}), BINDING_DECIDERS, c_refused_decision_changes_nothing),
    "listMyHomes": one(plain(), rule(ok(200))),
}


# housing money: the estate above with a property fee and a parking fee, billed for 2026-01 (a bill for each
# home), its fund opened at 100 yuan/m² ---------------------------------------------------------------------------


async def _money(w: World) -> dict[str, Any]:
    fixed = await _housing(w)
    if "bill" in fixed:
        return fixed
    from housing import billing, fund
    from housing.fees import FeeItemCreate
    from housing.fund import FundRateSet

    estate, admin = fixed["estate"], w.ids["admin"]
    async with w.db.transaction():  # as the API runs them: one transaction (the ledger checks at commit)
        await billing.create_fee_item(
            w.db, estate, FeeItemCreate(kind="property", name="物业费", price_fen=250), admin
        )
        parking = FeeItemCreate(kind="parking", name="车位费", price_fen=15000, applies_to="assigned")
        parking_item = (await billing.create_fee_item(w.db, estate, parking, admin)).id
        run, _ = await billing.create_run(w.db, estate, "2026-01", admin)
    pool = await create_pool(w.settings)  # the app's pool lives on the test client's own event loop
    try:
        await billing.execute_run(pool, run.id)
    finally:
        await pool.close()
    bills = {
        r["home_id"]: r["id"]
        for r in await w.db.fetch("SELECT id, home_id FROM bills WHERE run_id = $1", run.id)
    }
    async with w.db.transaction():
        await fund.set_rate(w.db, estate, FundRateSet(rate_fen_m2=10000), admin)
        await fund.open_homes(w.db, estate, admin)
    fixed["parking_item"] = parking_item
    building = await w.db.fetchval("SELECT building_id FROM homes WHERE id = $1", fixed["home"])
    fixed.update(
        run=run.id, bill=bills[fixed["home"]], other_bill=bills[fixed["other_home"]], building=building
    )
    return fixed


def money(**path: str) -> Build:
    """A call on the money objects above, path parameters by their names."""

    async def build(w: World, who: str) -> Call:
        fixed = await _money(w)
        return Call(path={name: fixed[key] for name, key in path.items()})

    return build


async def b_create_fee_item(w: World, who: str) -> Call:
    body = {"kind": "flat", "name": f"垃圾清运费{w.next()}", "price_fen": 1000}
    return Call(path={"estate_id": (await _money(w))["estate"]}, json=body)


async def b_update_fee_item(w: World, who: str) -> Call:
    from housing import billing
    from housing.fees import FeeItemCreate

    fixed = await _money(w)
    data = FeeItemCreate(kind="flat", name=f"公摊电费{w.next()}", price_fen=500)
    item = await billing.create_fee_item(w.db, fixed["estate"], data, w.ids["admin"])
    return Call(path={"item_id": item.id}, json={"price_fen": 600}, headers={"If-Match": str(item.version)})


async def b_fee_item_homes(w: World, who: str) -> Call:
    fixed = await _money(w)
    return Call(path={"item_id": fixed["parking_item"]}, json={"homes": [{"home_id": str(fixed["home"])}]})


async def b_billing_run(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _money(w))["estate"]}, json={"period": f"{2100 + w.next()}-01"})


async def b_decide_bill(w: World, who: str) -> Call:
    bill = (await _money(w))["other_bill"]
    row = await w.db.fetchrow("SELECT state, version FROM bills WHERE id = $1", bill)
    body = {"action": "waive", "reason": "困难户减免"}
    headers = {"If-Match": str(row["version"])}
    return Call(path={"bill_id": bill}, json=body, headers=headers, ctx={"bill": bill, "state": row["state"]})


async def c_bill_decided_only_by_managers(w: World, who: str, call: Call, r: httpx.Response) -> None:
    state = await w.db.fetchval("SELECT state FROM bills WHERE id = $1", call.ctx["bill"])
    assert state == ("waived" if r.status_code == 200 else call.ctx["state"]), f"the bill is {state}"


async def b_reminders(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _money(w))["estate"]}, json={})


async def b_fund_rate(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _money(w))["estate"]}, json={"rate_fen_m2": 10000})


async def b_interest(w: World, who: str) -> Call:
    as_of = date(2026, 6, 30) + timedelta(days=w.next())
    return Call(
        path={"estate_id": (await _money(w))["estate"]}, json={"amount_fen": 1234, "as_of": as_of.isoformat()}
    )


READINGS_CSV = (
    "楼栋,单元,房号,抄表日期,读数\n1号楼,1单元,101,2025-01-31,12.50\n1号楼,1单元,102,2025-01-31,0\n"
)


async def b_import_readings(w: World, who: str) -> Call:
    """A dry run of a readings file for the estate's water item (made once), with the import log's size before."""
    fixed = await _money(w)
    if "water_item" not in fixed:
        import msgspec

        from housing import billing
        from housing.fees import FeeItemCreate

        data = msgspec.convert(
            {"kind": "water", "name": "水费", "tiers": [{"price_fen": 500}]}, FeeItemCreate
        )
        async with w.db.transaction():
            fixed["water_item"] = (
                await billing.create_fee_item(w.db, fixed["estate"], data, w.ids["admin"])
            ).id
    return Call(
        path={"estate_id": fixed["estate"]},
        query={"fee_item_id": str(fixed["water_item"]), "dry_run": "true"},
        content=READINGS_CSV.encode(),
        headers={"Content-Type": "text/csv"},
        ctx={"imports": await w.db.fetchval("SELECT count(*) FROM reading_imports")},
    )


async def c_readings_logged_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    imports = await w.db.fetchval("SELECT count(*) FROM reading_imports")
    assert imports == call.ctx["imports"] + (r.status_code == 200), (
        f"{imports} import log rows after {r.status_code}"
    )


async def _paid_order(w: World) -> uuid.UUID:
    """A paid order of the resident for the bill of home 101 (written as the payments code leaves one)."""
    fixed = await _money(w)
    if "payment" not in fixed:
        order_id = uuid.uuid4()
        amount = await w.db.fetchval("SELECT amount_fen FROM bills WHERE id = $1", fixed["bill"])
        await w.db.execute(
            """INSERT INTO payment_orders (id, out_trade_no, estate_id, payer_id, channel, amount_fen, state,
                   app_payment, provider_transaction_id, paid_at, receipt_no, expires_at, next_query_at)
               VALUES ($1, $2, $3, $4, 'wechat', $5, 'paid', '{}', '4200000000000000000000000001', now(),
                       '2026-000001', now(), now())""",
            order_id, order_id.hex, fixed["estate"], w.ids["resident"], amount,
        )  # fmt: skip
        await w.db.execute(
            "INSERT INTO payment_order_lines (order_id, line, home_id, bill_id, amount_fen, holds) "
            "VALUES ($1, 1, $2, $3, $4, false)",
            order_id, fixed["home"], fixed["bill"], amount,
        )  # fmt: skip
        fixed["payment"] = order_id
    payment: uuid.UUID = fixed["payment"]
    return payment


async def b_payment(w: World, who: str) -> Call:
    return Call(path={"payment_id": await _paid_order(w)})


async def b_create_payment(w: World, who: str) -> Call:
    """The resident's bill (home 101) through WeChat Pay: no provider is configured here, so the resident gets
    past every check to a 503; nobody else may pay it."""
    bill = (await _money(w))["bill"]
    return Call(
        json={"channel": "wechat", "bill_ids": [str(bill)]},
        headers={"Idempotency-Key": f"matrix-pay-{w.next():06d}"},
        ctx={"orders": await w.db.fetchval("SELECT count(*) FROM payment_orders")},
    )


async def c_no_order_unless_past_checks(w: World, who: str, call: Call, r: httpx.Response) -> None:
    assert await w.db.fetchval("SELECT count(*) FROM payment_orders") == call.ctx["orders"] + (
        r.status_code == 201
    )


async def b_refund_payment(w: World, who: str) -> Call:
    payment = await _paid_order(w)
    body = {"bill_id": str((await _money(w))["bill"]), "amount_fen": 1, "reason": "多收"}
    return Call(
        path={"payment_id": payment},
        json=body,
        headers={"Idempotency-Key": f"matrix-refund-{w.next():06d}"},
        ctx={"refunds": await w.db.fetchval("SELECT count(*) FROM payment_refunds")},
    )


async def c_no_refund_unless_past_checks(w: World, who: str, call: Call, r: httpx.Response) -> None:
    refunds = await w.db.fetchval("SELECT count(*) FROM payment_refunds")
    assert refunds == call.ctx["refunds"] + (r.status_code == 201)


def c_my_bill(w: World, who: str, call: Call, r: httpx.Response) -> Awaitable[None]:
    return listed("bill", visible_to={"resident"}, items=lambda body: [b["id"] for b in body["items"]])(
        w, who, call, r
    )


#: the estate's money, read: its staff (property_staff reaches every estate), the district's housing officer,
#: admins; the callers' property manager runs another estate
MONEY_READERS_RULE = rule(
    ok(200),
    roles=("admin", "property_staff", "property_manager", "housing_officer"),
    property_manager=ESTATE_FORBIDDEN,
)
#: fees and bills are decided by the estate's property manager and admins only
MONEY_MANAGERS_RULE = rule(roles=("admin", "property_manager"), property_manager=ESTATE_FORBIDDEN)
#: billing and reminding: the estate's staff and admins
MONEY_STAFF_RULE = rule(
    roles=("admin", "property_staff", "property_manager"), property_manager=ESTATE_FORBIDDEN
)
#: one home's bill or fund statement: the home's resident, the estate's staff, the district's officer, admins
HOME_MONEY_RULE = rule(
    HOME_FORBIDDEN, resident=ok(200), admin=ok(200), property_staff=ok(200), housing_officer=ok(200)
)
#: paying: only a resident bound to the bill's home (past every check to the provider, which is not configured
#: in this city: 503); anybody else's attempt is refused as not their home
PAY_OWN_BILLS_RULE = rule(HOME_FORBIDDEN, resident=PAST_CHECKS)
#: refunds: the estate's property manager (the callers' runs another estate) and admins (past the checks: no
#: provider here)
REFUND_RULE = rule(PAST_CHECKS, roles=("admin", "property_manager"), property_manager=ESTATE_FORBIDDEN)
MONEY_ROWS: dict[str, list[Variant]] = {
    "listFeeItems": one(money(estate_id="estate"), MONEY_READERS_RULE),
    "createFeeItem": one(b_create_fee_item, MONEY_MANAGERS_RULE),
    "updateFeeItem": one(b_update_fee_item, MONEY_MANAGERS_RULE),
    "setFeeItemHomes": one(b_fee_item_homes, MONEY_MANAGERS_RULE),
    "createBillingRun": one(b_billing_run, MONEY_STAFF_RULE),
    "listBillingRuns": one(money(estate_id="estate"), MONEY_READERS_RULE),
    "getBillingRun": one(money(run_id="run"), MONEY_READERS_RULE),
    "listMyBills": one(money(), rule(ok(200)), c_my_bill),
    "getBill": one(money(bill_id="bill"), HOME_MONEY_RULE),
    "decideBill": one(b_decide_bill, MONEY_MANAGERS_RULE, c_bill_decided_only_by_managers),
    "getEstateArrears": one(money(estate_id="estate"), MONEY_READERS_RULE),
    "listHomeArrears": one(money(estate_id="estate"), MONEY_READERS_RULE),
    "sendReminders": one(b_reminders, MONEY_STAFF_RULE),
    "getHomeFund": one(money(home_id="home"), HOME_MONEY_RULE),
    "getEstateFund": one(money(estate_id="estate"), MONEY_READERS_RULE),
    "getBuildingFund": one(money(building_id="building"), MONEY_READERS_RULE),
    "setFundRate": one(b_fund_rate, ADMIN_ONLY),
    "recordFirstDeposits": one(money(estate_id="estate"), ADMIN_ONLY),
    "shareFundInterest": one(b_interest, ADMIN_ONLY),
    "importReadings": one(b_import_readings, MONEY_STAFF_RULE, c_readings_logged_only_when_allowed),
    "createPayment": one(b_create_payment, PAY_OWN_BILLS_RULE, c_no_order_unless_past_checks),
    "listMyPayments": one(plain(), rule(ok(200))),
    "getPayment": one(b_payment, HOME_MONEY_RULE),
    "getPaymentReceipt": one(b_payment, HOME_MONEY_RULE),
    "refundPayment": one(b_refund_payment, REFUND_RULE, c_no_refund_unless_past_checks),
}


# estate announcements and filings: the estate above (the resident bound to 1号楼 101); a property-side
# announcement to the whole estate; each write on an object of its own (a new announcement, a new estate in the
# district for a filing, a new waiting filing to decide) -------------------------------------------------------------

ANNOUNCEMENT_FORBIDDEN = Outcome("403 (announcement)", frozenset({403}), "announcement_forbidden")
FILING_FORBIDDEN = Outcome("403 (filing)", frozenset({403}), "filing_forbidden")


async def _announcement(w: World, side: str = "property") -> uuid.UUID:
    fixed = await _housing(w)
    announcement_id: uuid.UUID = await w.db.fetchval(
        "INSERT INTO estate_announcements (estate_id, title, body, publisher_id, publisher_as) "
        "VALUES ($1, '停水通知', '明日 9:00-17:00 停水。', $2, $3) RETURNING id",
        fixed["estate"], w.ids["admin"], side,
    )  # fmt: skip
    return announcement_id


async def b_announcements(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _housing(w))["estate"]})


async def b_announcement(w: World, who: str) -> Call:
    fixed = await _housing(w)
    if "announcement" not in fixed:
        fixed["announcement"] = await _announcement(w)
    return Call(path={"announcement_id": fixed["announcement"]})


async def b_publish(w: World, who: str) -> Call:
    return Call(
        path={"estate_id": (await _housing(w))["estate"]},
        json={"title": f"公告{w.next()}", "body": "电梯年检。"},
        ctx={"count": await w.db.fetchval("SELECT count(*) FROM estate_announcements")},
    )


async def c_published_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    count = await w.db.fetchval("SELECT count(*) FROM estate_announcements")
    assert count == call.ctx["count"] + (r.status_code == 201), f"{count} announcements after {r.status_code}"


async def b_withdraw(w: World, who: str) -> Call:
    announcement = await _announcement(w)
    return Call(
        path={"announcement_id": announcement}, json={"reason": "误发"}, ctx={"announcement": announcement}
    )


async def c_withdrawn_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    state = await w.db.fetchval(
        "SELECT state FROM estate_announcements WHERE id = $1", call.ctx["announcement"]
    )
    assert state == ("withdrawn" if r.status_code == 200 else "published"), f"{state} after {r.status_code}"


async def _new_estate(w: World) -> uuid.UUID:
    estate_id: uuid.UUID = await w.db.fetchval(
        """INSERT INTO estates (name, address, district_code, location, location_original, property_company,
                                service_grade)
           VALUES ($1, '东城区某街 3 号', '110101', ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326),
                   '{"lat": 39.95, "lon": 116.41, "crs": "wgs84"}', '矩阵物业', 2) RETURNING id""",
        f"备案小区{w.next()}",
    )
    return estate_id


def b_file(kind: str) -> Build:
    async def build(w: World, who: str) -> Call:
        # the callers' committee files for its own estate (once: a second waiting filing would conflict)
        own = kind == "committee" and who == "owners_committee"
        estate = (await _housing(w))["estate"] if own else await _new_estate(w)
        photo = await new_photo(w.db, w.ids["citizen" if who == "anonymous" else who])
        if kind == "service_contract":
            body: dict[str, Any] = {
                "company": "矩阵物业",
                "service_grade": "三级",
                "fee_fen_m2_month": 180,
                "term_start": "2027-01-01",
                "term_end": "2028-12-31",
                "document_ids": [str(photo)],
            }
        else:
            body = {
                "elected_on": "2026-11-01",
                "term_start": "2026-12-01",
                "term_end": "2031-11-30",
                "members": [{"name": "王建国", "role": "chair"}],
                "document_ids": [str(photo)],
            }
        return Call(path={"estate_id": estate}, json=body, ctx={"estate": estate})

    return build


async def c_filed_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    count = await w.db.fetchval(
        "SELECT count(*) FROM estate_filings WHERE estate_id = $1", call.ctx["estate"]
    )
    assert count == (r.status_code == 201), f"{count} filings after {r.status_code}"


async def _waiting_filing(w: World) -> uuid.UUID:
    estate = await _new_estate(w)
    photo = await new_photo(w.db, w.ids["admin"])
    filing_id: uuid.UUID = await w.db.fetchval(
        """INSERT INTO estate_filings (estate_id, kind, version, term_start, term_end, company, service_grade,
                                      fee_fen_m2_month, document_ids, filed_by)
           VALUES ($1, 'service_contract', 1, '2027-01-01', '2028-12-31', '矩阵物业', '三级', 180, $2, $3)
           RETURNING id""",
        estate, [photo], w.ids["admin"],
    )  # fmt: skip
    return filing_id


async def b_filing(w: World, who: str) -> Call:
    if "filing" not in w.fixed:
        w.fixed["filing"] = await _waiting_filing(w)
        w.fixed["filing_estate"] = await w.db.fetchval(
            "SELECT estate_id FROM estate_filings WHERE id = $1", w.fixed["filing"]
        )
    return Call(path={"filing_id": w.fixed["filing"]})


async def b_filings(w: World, who: str) -> Call:
    await b_filing(w, who)
    return Call(path={"estate_id": w.fixed["filing_estate"]})


def b_decide_filing(action: str) -> Build:
    async def build(w: World, who: str) -> Call:
        filing = await _waiting_filing(w)
        body = {"reason": "合同缺页"} if action == "return" else {}
        return Call(
            path={"filing_id": filing}, json=body, headers={"If-Match": '"1"'}, ctx={"filing": filing}
        )

    return build


async def c_decided_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    state = await w.db.fetchval("SELECT state FROM estate_filings WHERE id = $1", call.ctx["filing"])
    assert (state == "filed") == (r.status_code != 200), f"{state} after {r.status_code}"


#: the estate's publishers: its property staff (property_staff reaches every estate; the callers' property manager
#: runs another), its committee, the district's housing officer, admins; everyone else is not a resident here
PUBLISHER_ROLES = ("admin", "property_staff", "property_manager", "owners_committee", "housing_officer")
PUBLISHERS_RULE = rule(ok(200), roles=PUBLISHER_ROLES, property_manager=ANNOUNCEMENT_FORBIDDEN)
#: residents in scope (the resident) and publishers read; anyone else signed in is not a resident of the estate
ANNOUNCEMENT_READERS_RULE = rule(
    ANNOUNCEMENT_FORBIDDEN,
    resident=ok(200),
    admin=ok(200),
    property_staff=ok(200),
    housing_officer=ok(200),
    owners_committee=ok(200),
)
#: the receipt is the resident's own
MARK_READ_RULE = rule(ANNOUNCEMENT_FORBIDDEN, resident=ok(200))
#: a property-side announcement is withdrawn by the property side and admins
WITHDRAW_RULE = rule(
    ok(200), roles=PUBLISHER_ROLES, property_manager=ANNOUNCEMENT_FORBIDDEN, housing_officer=ANNOUNCEMENT_FORBIDDEN,
    owners_committee=ANNOUNCEMENT_FORBIDDEN,
)  # fmt: skip
#: the filing read is of another estate than the callers' committee's
FILING_READERS_RULE = rule(
    ok(200), roles=PUBLISHER_ROLES, property_manager=FILING_FORBIDDEN, owners_committee=FILING_FORBIDDEN
)
NOTICE_ROWS: dict[str, list[Variant]] = {
    "publishAnnouncement": one(
        b_publish,
        rule(ok(201), roles=PUBLISHER_ROLES, property_manager=ANNOUNCEMENT_FORBIDDEN),
        c_published_only_when_allowed,
    ),
    "listAnnouncements": one(b_announcements, ANNOUNCEMENT_READERS_RULE),
    "getAnnouncement": one(b_announcement, ANNOUNCEMENT_READERS_RULE),
    "markAnnouncementRead": one(b_announcement, MARK_READ_RULE),
    "getAnnouncementReads": one(b_announcement, PUBLISHERS_RULE),
    "withdrawAnnouncement": one(b_withdraw, WITHDRAW_RULE, c_withdrawn_only_when_allowed),
    "fileServiceContract": one(
        b_file("service_contract"),
        rule(
            ok(201), roles=("admin", "property_staff", "property_manager"), property_manager=FILING_FORBIDDEN
        ),
        c_filed_only_when_allowed,
    ),
    "fileCommittee": one(
        b_file("committee"), rule(ok(201), roles=("admin", "owners_committee")), c_filed_only_when_allowed
    ),
    "listEstateFilings": one(b_filings, FILING_READERS_RULE),
    "getFiling": one(b_filing, FILING_READERS_RULE),
    "getCurrentFilings": one(b_announcements, everyone(ok(200))),
    "acceptFiling": one(
        b_decide_filing("accept"),
        rule(ok(200), roles=("admin", "housing_officer")),
        c_decided_only_when_allowed,
    ),
    "returnFiling": one(
        b_decide_filing("return"),
        rule(ok(200), roles=("admin", "housing_officer")),
        c_decided_only_when_allowed,
    ),
}


# the maintenance fund's repair projects: the estate above with its fund opened; the resident is an owner of 101.
# Each write on a project of its own, made through the service in the state the write needs -------------------------

FUND_PROJECT_FORBIDDEN = Outcome("403 (fund project)", frozenset({403}), "fund_project_forbidden")


async def _fund_estate(w: World) -> uuid.UUID:
    from housing import fund, fund_store

    fixed = await _housing(w)
    if "fund_opened" not in fixed:
        async with w.db.transaction():
            if await fund_store.get_rate(w.db, fixed["estate"]) is None:
                await fund.set_rate(w.db, fixed["estate"], fund.FundRateSet(rate_fen_m2=10000), None)
            await fund.open_homes(w.db, fixed["estate"], None)
        fixed["fund_opened"] = True
    estate: uuid.UUID = fixed["estate"]
    return estate


def _fund_admin(w: World) -> Any:
    from identity.models import Principal

    return Principal(
        user_id=w.ids["admin"], session_id=uuid.uuid4(), roles=(RoleGrant(role="admin"),), locale="zh-CN"
    )


async def _fund_project(w: World, state: str) -> uuid.UUID:
    """A new emergency project (budget 3 fen, the whole estate) brought to `state` by the admin."""
    from housing import fund_projects as fp
    from housing.fund_project_models import FundProjectAcceptance, FundProjectCreate

    estate = await _fund_estate(w)
    admin = _fund_admin(w)
    body = FundProjectCreate(
        title=f"应急维修{w.next()}",
        budget_fen=3,
        contractor="矩阵工程",
        emergency=True,
        emergency_kind="lift",
    )
    async with w.db.transaction():
        project = await fp.raise_project(w.db, CTX, admin, estate, body)
        if state in ("approved", "accepted"):
            await fp.approve(w.db, fp.FundProjectsConfig(), CTX, admin, project.id, 1)
        if state == "accepted":
            photo = await new_photo(w.db, w.ids["admin"])
            await fp.accept(w.db, CTX, admin, project.id, 2, FundProjectAcceptance(photo_ids=[photo]))
    return project.id


async def b_fund_projects(w: World, who: str) -> Call:
    return Call(path={"estate_id": await _fund_estate(w)})


async def b_fund_project(w: World, who: str) -> Call:
    if "fund_project" not in w.fixed:
        w.fixed["fund_project"] = await _fund_project(w, "raised")
    return Call(path={"project_id": w.fixed["fund_project"]})


async def b_raise_fund_project(w: World, who: str) -> Call:
    return Call(
        path={"estate_id": await _fund_estate(w)},
        json={"title": f"屋面防水{w.next()}", "budget_fen": 100, "contractor": "矩阵工程"},
        ctx={"count": await w.db.fetchval("SELECT count(*) FROM fund_projects")},
    )


async def c_raised_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    count = await w.db.fetchval("SELECT count(*) FROM fund_projects")
    assert count == call.ctx["count"] + (r.status_code == 201), f"{count} projects after {r.status_code}"


def b_fund_step(action: str, state: str, version: int) -> Build:
    async def build(w: World, who: str) -> Call:
        project = await _fund_project(w, state)
        body: Any = None
        if action == "vote":
            await w.db.execute(
                "UPDATE fund_projects SET emergency = false, emergency_kind = NULL WHERE id = $1", project
            )
            opens = datetime.now(UTC) + timedelta(days=16)
            body = {"opens_at": opens.isoformat(), "closes_at": (opens + timedelta(days=7)).isoformat()}
        elif action == "accept":
            body = {
                "photo_ids": [str(await new_photo(w.db, w.ids["citizen" if who == "anonymous" else who]))]
            }
        elif action == "settle":
            body = {"actual_cost_fen": 2}
        headers = {"If-Match": f'"{version}"', "Idempotency-Key": uuid.uuid4().hex}
        return Call(
            path={"project_id": project}, json=body, headers=headers, ctx={"project": project, "state": state}
        )

    return build


async def c_fund_step_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    row = await w.db.fetchrow(
        "SELECT state, published_at FROM fund_projects WHERE id = $1", call.ctx["project"]
    )
    changed = row["state"] != call.ctx["state"] or row["published_at"] is not None
    assert changed == (r.status_code == 200), f"{row['state']} after {r.status_code}"


#: the estate's fund projects are read by its owners (the resident), its staff (property_staff reaches every estate;
#: the callers' property manager runs another), its committee, the district's housing officer and admins
FUND_READERS_RULE = rule(
    FUND_PROJECT_FORBIDDEN,
    resident=ok(200),
    admin=ok(200),
    property_staff=ok(200),
    housing_officer=ok(200),
    owners_committee=ok(200),
)
FUND_OFFICERS_RULE = rule(ok(200), roles=("admin", "housing_officer"))
#: the estate has a committee (a caller): it puts projects to the vote and accepts the work, not the officer
FUND_COMMITTEE_RULE = rule(
    ok(200), roles=("admin", "owners_committee", "housing_officer"), housing_officer=FUND_PROJECT_FORBIDDEN
)
FUND_PROJECT_ROWS: dict[str, list[Variant]] = {
    "raiseFundProject": one(
        b_raise_fund_project,
        rule(
            ok(201),
            roles=("admin", "property_staff", "property_manager", "owners_committee"),
            property_manager=FUND_PROJECT_FORBIDDEN,
        ),
        c_raised_only_when_allowed,
    ),
    "listFundProjects": one(b_fund_projects, FUND_READERS_RULE),
    "getFundProject": one(b_fund_project, FUND_READERS_RULE),
    "listOverdueFundProjectPublications": one(plain(), FUND_OFFICERS_RULE),
    "putFundProjectToVote": one(
        b_fund_step("vote", "raised", 1), FUND_COMMITTEE_RULE, c_fund_step_only_when_allowed
    ),
    "approveFundProject": one(
        b_fund_step("approve", "raised", 1), FUND_OFFICERS_RULE, c_fund_step_only_when_allowed
    ),
    "publishFundProject": one(
        b_fund_step("publish", "approved", 2),
        rule(
            ok(200),
            roles=("admin", "property_staff", "property_manager", "owners_committee", "housing_officer"),
            property_manager=FUND_PROJECT_FORBIDDEN,
        ),
        c_fund_step_only_when_allowed,
    ),
    "acceptFundProject": one(
        b_fund_step("accept", "approved", 2), FUND_COMMITTEE_RULE, c_fund_step_only_when_allowed
    ),
    "settleFundProject": one(
        b_fund_step("settle", "accepted", 3), FUND_OFFICERS_RULE, c_fund_step_only_when_allowed
    ),
}


# the owners' assembly votes: the estate above, whose owners' committee is a caller (so the district's housing
# officer reads its matters but does not run them), and a second estate of the district with no committee (there
# the housing officer runs its votes). The resident owns 101: the designated voter of head 1. Each write on a
# matter of its own, brought to the state it needs through the services ---------------------------------------------

VOTE_FORBIDDEN = Outcome("403 (vote)", frozenset({403}), "vote_forbidden")
NOT_A_VOTER = Outcome("403 (not a voter)", frozenset({403}), "not_a_voter")
ORGANISER_ROLES = ("admin", "owners_committee", "housing_officer")


def _vote_principal(w: World, who: str) -> Any:
    from identity.models import Principal

    role, scope = PEOPLE[who]
    grant = RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1]) if scope else RoleGrant(role=role)
    return Principal(user_id=w.ids[who], session_id=uuid.uuid4(), roles=(grant,), locale="zh-CN")


async def _no_committee_estate(w: World) -> uuid.UUID:
    """An estate of the district without a committee, with one owned home (made once)."""
    import msgspec

    from housing import register
    from housing import service as housing
    from housing.models import EstateCreate

    if "uncommitteed_estate" not in w.fixed:
        data = {
            "name": "无业委会小区",
            "address": "东城区某街 3 号",
            "district_code": "110101",
            "location": {"lat": 39.95, "lon": 116.41, "crs": "wgs84"},
            "property_company": "矩阵物业",
            "service_grade": 2,
        }
        estate_id = await housing.create_estate(w.db, msgspec.convert(data, EstateCreate))
        raw = "楼栋,单元,房号,产权面积,业主姓名,手机号\n1号楼,1单元,101,80.00,某业主,\n".encode()
        await register.import_register(
            w.db, estate_id, raw, file_name="r.csv", effective_date=date(2026, 1, 1)
        )
        w.fixed["uncommitteed_estate"] = estate_id
    estate: uuid.UUID = w.fixed["uncommitteed_estate"]
    return estate


def _vote_body() -> dict[str, Any]:
    opens = datetime.now(UTC) + timedelta(days=16)
    return {
        "kind": "ordinary",
        "title": "续聘物业",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=7)).isoformat(),
    }


async def _vote_matter(w: World, state: str) -> uuid.UUID:
    """A new matter of the estate above (the whole estate) in `state`: draft, noticed, open, ended (the window
    over, not closed) or published."""
    import msgspec

    from housing import vote_models, votes

    estate = (await _housing(w))["estate"]
    committee = _vote_principal(w, "owners_committee")
    async with w.db.transaction():
        body = msgspec.convert(_vote_body(), vote_models.VoteMatterCreate)
        matter = await votes.raise_matter(w.db, votes.VotesConfig(), CTX, committee, estate, body)
        if state != "draft":
            await votes.give_notice(w.db, votes.VotesConfig(), CTX, committee, matter.id)
        if state in ("open", "ended", "published"):
            await w.db.execute(
                """UPDATE vote_matters SET notice_at = now() - interval '20 days',
                          opens_at = now() - interval '1 day', closes_at = now() + interval '7 days' WHERE id = $1""",
                matter.id,
            )
        if state in ("ended", "published"):
            await w.db.execute(
                "UPDATE vote_matters SET closes_at = now() - interval '1 second' WHERE id = $1", matter.id
            )
        if state == "published":
            await votes.close(w.db, CTX, committee, matter.id)
    return matter.id


def b_raise_vote(committee: bool) -> Build:
    async def build(w: World, who: str) -> Call:
        estate = (await _housing(w))["estate"] if committee else await _no_committee_estate(w)
        count = await w.db.fetchval("SELECT count(*) FROM vote_matters WHERE estate_id = $1", estate)
        return Call(path={"estate_id": estate}, json=_vote_body(), ctx={"estate": estate, "count": count})

    return build


async def c_raised_vote_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    count = await w.db.fetchval("SELECT count(*) FROM vote_matters WHERE estate_id = $1", call.ctx["estate"])
    assert count == call.ctx["count"] + (r.status_code == 201), f"{count} matters after {r.status_code}"


def b_vote_matter(state: str) -> Build:
    """The same matter in `state` for every read."""

    async def build(w: World, who: str) -> Call:
        key = f"vote_matter_{state}"
        if key not in w.fixed:
            w.fixed[key] = await _vote_matter(w, state)
        return Call(path={"matter_id": w.fixed[key]})

    return build


async def b_vote_matters(w: World, who: str) -> Call:
    await b_vote_matter("noticed")(w, who)  # something to list
    return Call(path={"estate_id": (await _housing(w))["estate"]})


async def _vote_snapshot(w: World, matter: uuid.UUID) -> tuple[Any, ...]:
    """What a write on a matter may change: its state, ballots, proxies, designation changes and result."""
    row = await w.db.fetchrow(
        """SELECT m.state,
                  (SELECT count(*) FROM vote_ballots b WHERE b.matter_id = m.id) AS ballots,
                  (SELECT count(*) FROM vote_proxies p WHERE p.matter_id = m.id) AS proxies,
                  (SELECT count(*) FROM vote_voter_changes c WHERE c.matter_id = m.id) AS changes,
                  (SELECT count(*) FROM vote_results v WHERE v.matter_id = m.id) AS results
           FROM vote_matters m WHERE m.id = $1""",
        matter,
    )
    assert row is not None
    return tuple(row)


def b_vote_write(state: str, action: str) -> Build:
    """A matter of its own in `state` for one write, with the body and headers `action` takes."""

    async def build(w: World, who: str) -> Call:
        matter = await _vote_matter(w, state)
        call = Call(path={"matter_id": matter})
        photo_owner = w.ids["citizen" if who == "anonymous" else who]
        if action == "cast":
            call.json = {"choice": "yes"}
            call.headers = {"Idempotency-Key": uuid.uuid4().hex}
        elif action == "paper":
            call.json = {"head_no": 1, "choice": "no", "photo_id": str(await new_photo(w.db, photo_owner))}
            call.headers = {"Idempotency-Key": uuid.uuid4().hex}
        elif action == "proxy":
            photo = await new_photo(w.db, w.ids["resident"])  # only the resident gets past the voter check
            call.json = {"proxy_phone": "+8613700990998", "photo_id": str(photo)}
        elif action == "voter":
            from tests.security.city import phone_of

            call.path["head_no"] = 1
            call.json = {"owner_phone": phone_of("resident"), "reason": "共有人协商"}
        call.ctx = {"matter": matter, "before": await _vote_snapshot(w, matter)}
        return call

    return build


async def c_vote_written_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    after = await _vote_snapshot(w, call.ctx["matter"])
    changed = after != call.ctx["before"]
    assert changed == (r.status_code < 300), f"{call.ctx['before']} -> {after} after {r.status_code}"


async def b_revoke_vote_proxy(w: World, who: str) -> Call:
    from housing import vote_models, votes

    matter = await _vote_matter(w, "noticed")
    async with w.db.transaction():
        photo = await new_photo(w.db, w.ids["resident"])
        body = vote_models.ProxyCreate(proxy_phone="+8613700990998", photo_id=photo)
        proxy = await votes.give_proxy(w.db, CTX, _vote_principal(w, "resident"), matter, body)
    return Call(path={"proxy_id": proxy.id}, ctx={"proxy": proxy.id})


async def c_revoked_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    revoked = await w.db.fetchval(
        "SELECT revoked_at IS NOT NULL FROM vote_proxies WHERE id = $1", call.ctx["proxy"]
    )
    assert revoked == (r.status_code == 200), f"revoked: {revoked} after {r.status_code}"


#: the estate's matters are read by its owners (the resident), its property staff (property_staff reaches every
#: estate; the callers' property manager runs another), the district's housing officer, its committee and admins
VOTE_READERS_RULE = rule(
    VOTE_FORBIDDEN,
    resident=ok(200),
    admin=ok(200),
    property_staff=ok(200),
    housing_officer=ok(200),
    owners_committee=ok(200),
)
#: the estate has a committee: it and admins run the votes; the housing officer reads them but runs none
ORGANISERS_RULE = rule(ok(200), roles=ORGANISER_ROLES, housing_officer=VOTE_FORBIDDEN)
VOTE_ROWS: dict[str, list[Variant]] = {
    "raiseVoteMatter": [
        Variant(
            "an estate with a committee",
            b_raise_vote(True),
            rule(ok(201), roles=ORGANISER_ROLES, housing_officer=VOTE_FORBIDDEN),
            c_raised_vote_only_when_allowed,
        ),
        Variant(
            "an estate without one",
            b_raise_vote(False),
            rule(ok(201), roles=ORGANISER_ROLES, owners_committee=VOTE_FORBIDDEN),
            c_raised_vote_only_when_allowed,
        ),
    ],
    "listVoteMatters": one(b_vote_matters, VOTE_READERS_RULE),
    "getVoteMatter": one(b_vote_matter("noticed"), VOTE_READERS_RULE),
    "getVoteRoll": one(b_vote_matter("noticed"), VOTE_READERS_RULE),
    "getVoteResult": one(b_vote_matter("published"), VOTE_READERS_RULE),
    # a draft is its organisers' only: the housing officer does not see it
    "noticeVoteMatter": one(
        b_vote_write("draft", "notice"),
        rule(ok(200), roles=ORGANISER_ROLES, housing_officer=not_found("vote_matter_not_found")),
        c_vote_written_only_when_allowed,
    ),
    "castBallot": one(
        b_vote_write("open", "cast"), rule(NOT_A_VOTER, resident=ok(201)), c_vote_written_only_when_allowed
    ),
    "enterPaperBallot": one(
        b_vote_write("open", "paper"),
        rule(ok(201), roles=ORGANISER_ROLES, housing_officer=VOTE_FORBIDDEN),
        c_vote_written_only_when_allowed,
    ),
    "giveVoteProxy": one(
        b_vote_write("noticed", "proxy"),
        rule(
            VOTE_FORBIDDEN,
            resident=ok(201),
            admin=NOT_A_VOTER,
            property_staff=NOT_A_VOTER,
            housing_officer=NOT_A_VOTER,
            owners_committee=NOT_A_VOTER,
        ),
        c_vote_written_only_when_allowed,
    ),
    "revokeVoteProxy": one(
        b_revoke_vote_proxy,
        rule(not_found("vote_proxy_not_found"), resident=ok(200), admin=ok(200), owners_committee=ok(200)),
        c_revoked_only_when_allowed,
    ),
    "setDesignatedVoter": one(
        b_vote_write("noticed", "voter"), ORGANISERS_RULE, c_vote_written_only_when_allowed
    ),
    "closeVoteMatter": one(b_vote_write("ended", "close"), ORGANISERS_RULE, c_vote_written_only_when_allowed),
}


# repairs and complaints (报修/投诉): the estate above; the resident, bound to 101, reports them (as a complaint of
# the estate, made through the service for the reads and writes). The callers' property_staff is every estate's,
# their property_manager another estate's, their housing officer the district's; the committee is no reader. Each
# action on a repair of its own ----------------------------------------------------------------------------------------

REPAIR_LIST_FORBIDDEN = Outcome("403 (repairs)", frozenset({403}), "repair_list_forbidden")


async def _repair(w: World) -> uuid.UUID:
    """A new complaint of the matrix estate by the resident (state reported, version 1)."""
    from cases.workflow.deadlines import WorkCalendar
    from housing import repairs
    from identity.models import Principal

    estate = (await _housing(w))["estate"]
    resident = Principal(
        user_id=w.ids["resident"],
        session_id=uuid.uuid4(),
        roles=(RoleGrant(role="resident"),),
        locale="zh-CN",
    )
    body = repairs.RepairCreate(estate_id=estate, kind="complaint", description=f"电梯噪音{w.next()}")
    async with w.db.transaction():
        repair = await repairs.report(w.db, WorkCalendar(), resident, body)
    return repair.id


async def b_report_repair(w: World, who: str) -> Call:
    return Call(
        path={"estate_id": (await _housing(w))["estate"]},
        json={"kind": "complaint", "description": f"楼道灯不亮{w.next()}"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        ctx={"count": await w.db.fetchval("SELECT count(*) FROM repairs")},
    )


async def c_repair_reported_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    count = await w.db.fetchval("SELECT count(*) FROM repairs")
    assert count == call.ctx["count"] + (r.status_code == 201), f"{count} repairs after {r.status_code}"


async def b_estate_repairs(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _housing(w))["estate"]})


async def b_repair(w: World, who: str) -> Call:
    if "repair" not in w.fixed:
        w.fixed["repair"] = await _repair(w)
    return Call(path={"repair_id": w.fixed["repair"]})


async def b_accept_repair(w: World, who: str) -> Call:
    repair = await _repair(w)
    return Call(
        path={"repair_id": repair},
        json={"action": "accept"},
        headers={"If-Match": '"1"', "Idempotency-Key": uuid.uuid4().hex},
        ctx={"repair": repair},
    )


async def c_repair_accepted_only_when_allowed(w: World, who: str, call: Call, r: httpx.Response) -> None:
    row = await w.db.fetchrow("SELECT state, version FROM repairs WHERE id = $1", call.ctx["repair"])
    changed = (row["state"], row["version"]) != ("reported", 1)
    assert changed == (r.status_code == 200), f"{row['state']} after {r.status_code}"


#: a repair is seen by its reporter, the estate's staff, the district's housing officer and admins
REPAIR_READERS_RULE = rule(
    not_found("repair_not_found"),
    resident=ok(200),
    admin=ok(200),
    property_staff=ok(200),
    housing_officer=ok(200),
)
REPAIR_ROWS: dict[str, list[Variant]] = {
    "reportRepair": one(
        b_report_repair,
        rule(Outcome("403 (repair)", frozenset({403}), "repair_forbidden"), resident=ok(201)),
        c_repair_reported_only_when_allowed,
    ),
    "listMyRepairs": one(plain(), rule(ok(200))),
    "listEstateRepairs": one(
        b_estate_repairs,
        rule(REPAIR_LIST_FORBIDDEN, admin=ok(200), property_staff=ok(200), housing_officer=ok(200)),
    ),
    "getRepair": one(b_repair, REPAIR_READERS_RULE),
    # accept: the estate's property staff only; the others who see it may not (admins take no role they lack)
    "transitionRepair": one(
        b_accept_repair,
        rule(
            not_found("repair_not_found"),
            property_staff=ok(200),
            resident=OUT_OF_SCOPE,
            admin=OUT_OF_SCOPE,
            housing_officer=OUT_OF_SCOPE,
        ),
        c_repair_accepted_only_when_allowed,
    ),
}


# the matrix ---------------------------------------------------------------------------------------------------

IN_OR_OWNER = IN_SCOPE | {"citizen"}

# credit evaluation of property companies: the estate above (its resident bound to 101) for a past month ----------

CREDIT_FORBIDDEN = Outcome("403 (credit)", frozenset({403}), "credit_forbidden")
CREDIT_MONTH = {"month": "2026-01"}


async def b_estate_credit(w: World, who: str) -> Call:
    return Call(path={"estate_id": (await _housing(w))["estate"]}, query=CREDIT_MONTH)


async def b_credit_scheme(w: World, who: str) -> Call:
    current = await w.client.get(
        "/v1/property-companies/credit-scheme", headers={"Authorization": f"Bearer {w.token('admin')}"}
    )
    body = current.json()
    return Call(json={k: body[k] for k in ("weights", "complaints_cap", "grade_bands")})


CREDIT_READERS = ("admin", "leader", "housing_officer")
CREDIT_ROWS: dict[str, list[Variant]] = {
    # every figure: admins, the district's leader and housing officer, the estate's property staff (unscoped); the
    # resident bound to 101: the grade; everyone else (another district's leader, the committee without a home)
    # credit_forbidden
    "getEstateCredit": one(
        b_estate_credit,
        rule(
            CREDIT_FORBIDDEN,
            resident=OK,
            leader=OK,
            property_staff=OK,
            housing_officer=OK,
            admin=OK,
        ),
    ),
    # another district's leader reads their own district's (no estate of the matrix there)
    "listCompanyCredit": one(plain(query=CREDIT_MONTH), rule(roles=CREDIT_READERS)),
    "getCreditScheme": one(plain(), rule(roles=CREDIT_READERS)),
    "setCreditScheme": one(b_credit_scheme, ADMIN_ONLY),
}


async def b_open311_report(w: World, who: str) -> Call:
    number = await w.db.fetchval("SELECT number FROM reports WHERE id = $1", w.fixed["report"])
    return Call(path={"request_file": f"{number}.json"})


async def b_open311_hidden_report(w: World, who: str) -> Call:
    number = await w.db.fetchval("SELECT number FROM reports WHERE id = $1", w.fixed["hidden_report"])
    return Call(path={"request_file": f"{number}.xml"})


async def b_open311_application(w: World, who: str) -> Call:
    """A fresh application for each call (revoking changes it)."""
    async with w.db.transaction():
        issued = await open311_applications.issue(w.db, ApplicationCreate(name=f"app {w.next()}"), CTX, None)
    return Call(path={"application_id": issued.application.id})


async def c_open311_no_reporter(w: World, who: str, call: Call, r: httpx.Response) -> None:
    for key in ("citizen", "other_citizen"):
        assert str(w.ids[key]) not in r.text, f"the reporter {key} is in a GeoReport answer"


#: GeoReport v2: public reads for everyone (a hidden report does not exist), writes with an api_key, never a token
GEOREPORT_NO_KEY = Outcome("403 (no api_key)", frozenset({403}))
OPEN311_ROWS: dict[str, list[Variant]] = {
    **{
        f"{op}{fmt}": one(plain(), everyone(ok(200)), c_open311_no_reporter)
        for op in ("open311Discovery", "open311ListServices", "open311ListRequests")
        for fmt in ("Xml", "Json")
    },
    **{
        f"open311CreateRequest{fmt}": one(
            plain(
                content=b"service_code=E0102", headers={"Content-Type": "application/x-www-form-urlencoded"}
            ),
            everyone(GEOREPORT_NO_KEY),
        )
        for fmt in ("Xml", "Json")
    },
    "open311GetService": one(plain(path={"service_file": "E0102.json"}), everyone(ok(200))),
    "open311GetRequest": [
        Variant("a public report", b_open311_report, everyone(ok(200)), c_open311_no_reporter),
        Variant("a hidden report", b_open311_hidden_report, everyone(not_found_any)),
    ],
    "open311GetToken": one(plain(path={"token_file": "no-such-token.json"}), everyone(not_found_any)),
    "issueOpen311Application": one(plain(json={"name": "市民通 App"}), ADMIN_ONLY),
    "listOpen311Applications": one(plain(), ADMIN_ONLY),
    "getOpen311Application": one(b_open311_application, ADMIN_ONLY),
    "revokeOpen311Application": one(b_open311_application, ADMIN_ONLY),
}


MATRIX: dict[str, list[Variant]] = {
    # health, sign-in, the caller's own account
    "healthz": one(plain(), everyone()),
    "readyz": one(plain(), everyone()),
    "logout": one(b_logout, rule(ok(204))),
    "requestOtp": one(b_request_otp, everyone(ok(202))),
    "issueToken": one(b_issue_token, everyone(ok(200))),
    "getMe": one(plain(), rule(ok(200))),
    "updateMe": one(plain(json={"display_name": "改个名字"}), rule(ok(200))),
    "getUser": one(fixed(user_id="citizen_id"), rule(ok(200), roles=STAFF_ROLES)),
    "setUserRoles": one(b_set_roles, ADMIN_ONLY),
    "disableUser": one(b_some_user, ADMIN_ONLY),
    "enableUser": one(b_some_user, ADMIN_ONLY),
    "listAudit": one(plain(), ADMIN_ONLY),
    "listAuditV2": one(plain(), ADMIN_ONLY),
    # the catalogue and the service area
    "listCategories": one(plain(), everyone(ok(200))),
    "updateCategory": one(plain(path={"code": "E0201"}, json={"name_en": "Illegal flyers"}), ADMIN_ONLY),
    "getCoverage": one(plain(), everyone(ok(200))),
    "getServiceArea": one(plain(), everyone(ok(200))),
    # reports
    "submitReport": one(b_submit, rule(ok(201))),
    "listMyReports": one(plain(query={"limit": 100}), rule(ok(200)), c_my_reports),
    "listNearbyReports": one(
        plain(query={"lat": IN_POINT[0], "lon": IN_POINT[1], "category": "E0102", "radius": 1000}),
        rule(ok(200)),
        c_public_elsewhere,
    ),
    "getReport": [
        Variant(
            "a report", fixed(report_id="report"), rule(FULL, out=PUBLIC, anonymous=PUBLIC, citizen=FULL)
        ),
        Variant(
            "a hidden report",
            fixed(report_id="hidden_report"),
            rule(
                FULL, out=not_found("report_not_found"), anonymous=not_found("report_not_found"), citizen=FULL
            ),
        ),
        Variant(
            "an anonymous report",
            fixed(report_id="anon_report"),
            rule(FULL, out=PUBLIC, anonymous=PUBLIC, other_citizen=FULL),
            c_anonymous_reporter,
        ),
    ],
    "followReport": [
        Variant("a report", fixed(report_id="report"), rule(ok(200))),
        Variant(
            "a hidden report",
            fixed(report_id="hidden_report"),
            rule(ok(200), out=not_found("report_not_found")),
        ),
    ],
    "unfollowReport": [
        Variant(
            "a report",
            fixed(report_id="report"),
            rule(ok(204), citizen=ok(409, code="reporter_always_follows")),
        ),
        Variant(
            "a hidden report",
            b_hidden_report_for_call,
            # its reporter may leave it: a hidden report no longer makes them a reporter of the case
            rule(ok(204), out=not_found("report_not_found"), citizen=ok(204)),
        ),
    ],
    "rateReport": one(
        b_rate, rule(not_found("report_not_found"), citizen=ok(200)), c_rating_refused_writes_nothing
    ),
    "hideReport": one(b_hide, rule(roles=MODERATORS, out=OUT_OF_SCOPE), c_moderation_refused_changes_nothing),
    "recategoriseReport": one(
        b_recategorise, rule(roles=MODERATORS, out=OUT_OF_SCOPE), c_moderation_refused_changes_nothing
    ),
    "mapReports": one(
        plain(
            query={
                "bbox": f"{IN_POINT[1] - 0.01},{IN_POINT[0] - 0.01},{IN_POINT[1] + 0.01},{IN_POINT[0] + 0.01}"
            }
        ),
        everyone(ok(200)),
        c_public_elsewhere,
    ),
    # the tile of zoom 14 around the city's cases, the hidden one among them (c_public_elsewhere reads its bytes)
    "mapTile": one(
        plain(
            path={
                "z": 14,
                "x": tile_of(14, IN_POINT[1], IN_POINT[0])[0],
                "y": f"{tile_of(14, IN_POINT[1], IN_POINT[0])[1]}.mvt",
            }
        ),
        everyone(ok(200)),
        c_public_elsewhere,
    ),
    # photos
    "createUpload": one(b_create_upload, rule(ok(201))),
    "completeUpload": [
        Variant("one's own upload", b_own_upload, rule(PAST_CHECKS)),
        Variant(
            "another's upload",
            b_citizens_upload,
            rule(not_found("upload_not_found"), citizen=PAST_CHECKS),
        ),
    ],
    "uploadPhoto": one(b_upload_photo, rule(ok(201))),
    "getPhoto": [
        Variant("a public report's photo", fixed(photo_id="photo"), everyone(ok(302))),
        Variant(
            "its original",
            b_original,
            lambda name: ok(302) if name in ACTING else not_found("photo_not_found"),
        ),
        Variant(
            "a hidden report's photo",
            fixed(photo_id="hidden_photo"),
            lambda name: ok(302) if name in IN_OR_OWNER else not_found("photo_not_found"),
        ),
        Variant(
            "a photo in no report",
            fixed(photo_id="loose_photo"),
            lambda name: ok(302) if name in ("citizen", "admin") else not_found("photo_not_found"),
        ),
    ],
    # cases
    "getCase": [
        Variant("a case", fixed(case_id="case"), rule(STAFF_VIEW, out=PUBLIC, anonymous=PUBLIC)),
        Variant(
            "a hidden case",
            fixed(case_id="hidden_case"),
            rule(STAFF_VIEW, out=not_found("case_not_found"), anonymous=not_found("case_not_found")),
        ),
        Variant(
            "a case not dispatched yet",
            fixed(case_id="undispatched"),
            rule(STAFF_VIEW, out=PUBLIC, anonymous=PUBLIC, department_handler=PUBLIC),
        ),
    ],
    "listCases": [
        Variant(
            "the city's grid",
            lambda w, who: plain(query={"grid": str(w.city.grids[GRID_IN]), "limit": 200})(w, who),
            rule(ok(200), roles=QUEUE),
            listed("case", visible_to=IN_SCOPE, items=case_ids),
        ),
        Variant(
            "the city's grid (not dispatched)",
            lambda w, who: plain(query={"grid": str(w.city.grids[GRID_IN]), "limit": 200})(w, who),
            rule(ok(200), roles=QUEUE),
            listed("undispatched", visible_to=IN_SCOPE - {"department_handler"}, items=case_ids),
        ),
    ],
    "transitionCase": one(
        b_transition,
        rule(
            roles=QUEUE,
            out=OUT_OF_SCOPE,
            leader=OUT_OF_SCOPE,
            admin=OUT_OF_SCOPE,  # admins keep the city's data, they do not work its cases
        ),
        c_transition_refused_changes_nothing,
    ),
    "bulkTransitionCases": one(b_bulk, rule(ok(200), roles=("dispatcher", "shift_lead")), c_bulk_items),
    "sync": [
        Variant(
            "cases",
            plain(query={"limit": 1000}),
            rule(ok(200), roles=QUEUE),
            listed("case", visible_to=IN_SCOPE, items=synced_ids),
        ),
        Variant(
            "cases not dispatched yet",
            plain(query={"limit": 1000}),
            rule(ok(200), roles=QUEUE),
            listed("undispatched", visible_to=IN_SCOPE - {"department_handler"}, items=synced_ids),
        ),
    ],
    # inspectors
    "submitPatrolReport": one(b_patrol, rule(ok(201), roles=("inspector",))),
    "listInspectorTasks": one(
        plain(),
        rule(ok(200), roles=("inspector",)),
        listed("task_case", visible_to={"inspector"}, items=task_case_ids),
    ),
    "listInspectorTasksV2": one(
        plain(),
        rule(ok(200), roles=("inspector",)),
        listed("task_case", visible_to={"inspector"}, items=task_case_ids),
    ),
    # admins: calendar, grids, duties, department links
    "listCalendarDays": one(plain(query={"from": "2030-01-01", "to": "2030-01-31"}), ADMIN_ONLY),
    "setCalendarOverride": one(b_calendar_day, ADMIN_ONLY),
    "deleteCalendarOverride": one(b_calendar_override, ADMIN_ONLY),
    # admins: the daily payment reconciliation (the platform's finance people)
    "listReconciliations": one(plain(query={"date": "2026-11-30"}), ADMIN_ONLY),
    "importGrids": one(b_import_grids, ADMIN_ONLY),
    "listGridImports": one(plain(), ADMIN_ONLY),
    "listGridImportsV2": one(plain(), ADMIN_ONLY),
    "getGridImport": one(fixed(import_id="grid_import"), ADMIN_ONLY),
    "putDuty": one(b_duty, ADMIN_ONLY),
    "listDuties": one(plain(), ADMIN_ONLY),
    "listDutiesV2": one(plain(), ADMIN_ONLY),
    "putCategoryDepartment": one(
        plain(json={"category": "E0201", "district_code": DISTRICT_OUT, "department": "water"}), ADMIN_ONLY
    ),
    "listCategoryDepartments": one(plain(), ADMIN_ONLY),
    "listCategoryDepartmentsV2": one(plain(), ADMIN_ONLY),
    # indicators
    "getIndicators": one(
        plain(query={"from": "2026-03-01", "to": "2026-03-31", "group_by": "district"}),
        rule(ok(200), roles=READERS),
    ),
    "getIndicatorWeights": one(plain(path={"kind": "district"}), rule(ok(200), roles=READERS)),
    "setIndicatorWeights": one(b_weights, ADMIN_ONLY),
    # the caller's phones, quiet hours and inbox
    "registerDevice": one(b_register_device, rule(ok(201))),
    "listDevices": one(plain(), rule(ok(200)), listed("device", visible_to={"citizen"}, items=device_tokens)),
    "removeDevice": [
        Variant("one's own phone", b_own_device, rule(ok(204))),
        Variant(
            "another's phone",
            b_citizens_device,
            rule(not_found("device_not_found"), citizen=ok(204)),
            c_device_kept_unless_owner,
        ),
    ],
    "setQuietHours": one(plain(json={"start": "22:00", "end": "07:00"}), rule(ok(200))),
    "getQuietHours": one(plain(), rule(ok(200))),
    "clearQuietHours": one(plain(), rule(ok(204))),
    "listInbox": one(plain(), rule(ok(200)), listed("notification", visible_to={"citizen"}, items=inbox_ids)),
    "markInboxAllRead": one(plain(), rule(ok(200))),
    "markInboxRead": [
        Variant("one's own message", b_own_notification, rule(ok(200))),
        Variant(
            "another's message",
            b_citizens_notification,
            rule(not_found("notification_not_found"), citizen=ok(200)),
            c_notification_unread_unless_owner,
        ),
    ],
    # admins: webhooks, deliveries, the outbox
    "createWebhook": one(b_create_webhook, ADMIN_ONLY),
    "listWebhooks": one(plain(), ADMIN_ONLY),
    "listWebhooksV2": one(plain(), ADMIN_ONLY),
    "getWebhook": one(fixed(webhook_id="webhook"), ADMIN_ONLY),
    "deleteWebhook": one(b_fresh_webhook, ADMIN_ONLY),
    "resumeWebhook": one(fixed(webhook_id="webhook"), ADMIN_ONLY),
    "listWebhookDeliveries": one(fixed(webhook_id="webhook"), ADMIN_ONLY),
    "listWebhookDeliveriesV2": one(fixed(webhook_id="webhook"), ADMIN_ONLY),
    "listDeliveries": one(plain(), ADMIN_ONLY),
    "listDeliveriesV2": one(plain(), ADMIN_ONLY),
    "replayDelivery": one(b_dead_delivery, ADMIN_ONLY),
    "replayDeadDeliveries": one(plain(), ADMIN_ONLY),
    "listOutbox": one(plain(), ADMIN_ONLY),
    "listOutboxV2": one(plain(), ADMIN_ONLY),
    "replayOutbox": one(b_dead_outbox, ADMIN_ONLY),
    # housing: estates, homes, the register, residents' bindings
    **HOUSING_ROWS,
    **MONEY_ROWS,
    **NOTICE_ROWS,
    **FUND_PROJECT_ROWS,
    **VOTE_ROWS,
    **REPAIR_ROWS,
    **CREDIT_ROWS,
    **OPEN311_ROWS,
}


# the route table ------------------------------------------------------------------------------------------------


def _routes() -> dict[str, tuple[str, str]]:
    """operationId -> (method, path template) for every operation of the app."""
    app = create_app(load_settings(env="test"), connect=False)
    return {str(handler.operation_id): (method.upper(), path) for path, method, handler in operations(app)}


ROUTES = _routes()


def test_every_operation_has_a_row() -> None:
    missing = sorted(set(ROUTES) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert not missing, f"operations without a row in the authorization matrix: {missing}"
    assert not stale, f"rows of operations the app no longer has: {stale}"


def test_every_role_calls() -> None:
    callers = {role for role, _ in PEOPLE.values()}
    assert callers == set(ROLES), f"roles no caller of the matrix holds: {sorted(set(ROLES) - callers)}"


# running it -----------------------------------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@pytest.fixture(scope="module")
async def world(base_url: str, template_db: str) -> AsyncIterator[World]:
    """One database, app and client for the whole matrix."""
    name = f"t_matrix_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_with_database(base_url, "postgres"))
    await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    try:
        settings = load_settings(
            database_url=_with_database(base_url, name), env="test", db_pool_min=1, db_pool_max=4
        )
        db = await connect(settings)
        try:
            async with AsyncTestClient(create_app(settings)) as client:
                client.event_hooks["response"].append(contract_conformance.check)
                w = World(client, db, settings, await build_city(db, settings))
                w.fixed["citizen_id"] = w.ids["citizen"]
                await w.setup()
                yield w
        finally:
            await db.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _call(w: World, operation_id: str, who: str, call: Call) -> httpx.Response:
    method, template = ROUTES[operation_id]
    headers = dict(call.headers)
    token = call.token if call.token is not None else (None if who == "anonymous" else w.token(who))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return await w.client.request(
        method,
        template.format(**{k: str(v) for k, v in call.path.items()}),
        params=call.query,
        json=call.json,
        content=call.content,
        files=call.files,
        headers=headers,
        follow_redirects=False,
    )


def _leaks(w: World, who: str, expected: Outcome, r: httpx.Response) -> list[str]:
    text = r.text
    found = []
    if who not in ("admin", "other_citizen") and str(w.ids["other_citizen"]) in text:
        found.append("the anonymous reporter's id")
    if r.status_code >= 400 and HIDDEN_REASON in text:
        found.append("a hidden report's reason")
    if expected.view == "public":
        body = r.json()
        found += [f"the private member {key}" for key in PRIVATE if key in body]
        found += ["the staff history"] if "history" in body else []
        if who != "citizen" and str(w.ids["citizen"]) in text:
            found.append("the reporter's id")
    return found


def _mismatch(expected: Outcome, r: httpx.Response) -> str | None:
    body: Any = None
    if r.headers.get("content-type", "").split(";")[0].endswith("json"):
        body = r.json()
    if r.status_code not in expected.statuses:
        code = body.get("code") if isinstance(body, dict) else None
        return f"expected {expected.label}, got {r.status_code} {code or ''}".rstrip()
    if expected.code is not None and r.status_code >= 400 and (body or {}).get("code") != expected.code:
        return f"expected code {expected.code}, got {(body or {}).get('code')}"
    if expected.view is not None and (body or {}).get("view") != expected.view:
        return f"expected {expected.label}, got view {(body or {}).get('view')}"
    return None


@pytest.mark.parametrize("operation_id", sorted(ROUTES))
async def test_the_matrix(world: World, operation_id: str) -> None:
    if operation_id not in MATRIX:
        pytest.fail(f"{operation_id} has no row in the authorization matrix: say who may call it")
    failures = []
    for variant in MATRIX[operation_id]:
        for who in CALLERS:
            expected = variant.expect(who)
            where = f"{variant.label or operation_id} as {who}"
            call = await variant.build(world, who)
            try:
                r = await _call(world, operation_id, who, call)
            except AssertionError as exc:  # the contract check
                failures.append(f"{where}: {exc}")
                continue
            problem = _mismatch(expected, r)
            if problem:
                failures.append(f"{where}: {problem}")
                continue
            failures += [f"{where}: leaks {leak}" for leak in _leaks(world, who, expected, r)]
            if variant.check is not None:
                try:
                    await variant.check(world, who, call, r)
                except AssertionError as exc:
                    failures.append(f"{where}: {exc}")
    assert not failures, "\n".join(failures)
