"""Proof that the published contract is enough to build an app on: a client generated from
mobile_contract/openapi.json by openapi-python-client drives the closed loop against the API served by uvicorn.

Every call to the API goes through the generated code: its `Client` / `AuthenticatedClient`, its operation
modules, its models for bodies (the discriminated token grant included), its header parameters
(Idempotency-Key, If-Match) and its typed problem models. The only other HTTP is the PUT of a photo's bytes to
the presigned URL, which goes to object storage, not to the API. Reading the SMS code from the database,
creating staff and running the worker's fan-out are test setup.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from types import ModuleType
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from litestar import Litestar

from api.config import notifications_config
from api.db import create_pool
from api.settings import Settings
from cases.grids.demo import seed_demo_grids
from notifications.runner import Notifier
from tests.api import generated_client_build as build
from tests.cases.conftest import demo_city as demo_city
from tests.cases.workflow_fixtures import Staff, make_staff
from tests.identity.helpers import last_code
from tests.media import images

pytestmark = pytest.mark.usefixtures("demo_city")

PHONE = "13912345678"
#: inside the demo grids (district 110101): routed to the grid's inspector on duty
POINT = {"lat": 39.9105, "lon": 116.3905}


@pytest.fixture(scope="session")
def gen() -> ModuleType:
    """The generated package (`cityloop_client`), made once per contract and cached under var/test/."""
    return build.load(build.generate(build.published_document()))


@pytest.fixture
async def staff(db: asyncpg.Connection, settings: Settings) -> Staff:
    staff = await make_staff(db, settings)
    async with db.transaction():
        await seed_demo_grids(db, staff.ids["inspector"])
    return staff


@pytest.fixture
async def api_url(app: Litestar) -> AsyncIterator[str]:
    """The API under uvicorn on a free loopback port, in this test's event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", log_config=None))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(1000):
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await asyncio.wait_for(serving, 15)


class Phones:
    """The generated clients of the people in the test, closed at the end."""

    def __init__(self, gen: ModuleType, base_url: str, stack: AsyncExitStack) -> None:
        self.gen, self.base_url, self.stack = gen, base_url, stack

    async def anonymous(self) -> Any:
        client = self.gen.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        return await self.stack.enter_async_context(client)

    async def of(self, token: str) -> Any:
        client = self.gen.AuthenticatedClient(
            base_url=self.base_url, token=token, raise_on_unexpected_status=True
        )
        return await self.stack.enter_async_context(client)


def operation(gen: ModuleType, name: str) -> Any:
    """An operation module of the generated client: `tag.operation_name`."""
    return importlib.import_module(f"{gen.__name__}.api.{name}")


async def call(gen: ModuleType, name: str, *args: Any, expect: int, **kwargs: Any) -> Any:
    """Call an operation through the generated code; check the status and that the answer was parsed."""
    response = await operation(gen, name).asyncio_detailed(*args, **kwargs)
    assert response.status_code == expect, (response.status_code, response.content[:500])
    assert response.parsed is not None, f"{name}: the generated client could not parse a {expect}"
    return response


async def upload(gen: ModuleType, phone: Any, size: tuple[int, int]) -> uuid.UUID:
    """A photo the way the app sends it: announce, PUT the bytes to object storage, complete."""
    m = gen.models
    data = images.phone_jpeg(size=size)
    ticket = (
        await call(
            gen,
            "photos.create_upload",
            client=phone,
            body=m.UploadCreate(
                content_type=m.UploadCreateContentType("image/jpeg"),
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            ),
            expect=201,
        )
    ).parsed
    assert isinstance(ticket, m.UploadTicket)
    # to the bucket, not to the API: plain HTTP with the headers the ticket names
    async with httpx.AsyncClient() as storage:
        put = await storage.put(ticket.put_url, content=data, headers=ticket.headers.to_dict())
    assert put.status_code == 200, put.text
    done = (await call(gen, "photos.complete_upload", ticket.upload_id, client=phone, expect=200)).parsed
    assert isinstance(done, m.PhotoProcessed)
    photo_id: uuid.UUID = done.photo_id
    return photo_id


async def test_a_generated_client_drives_the_loop(
    gen: ModuleType, api_url: str, db: asyncpg.Connection, settings: Settings, staff: Staff
) -> None:
    m = gen.models
    async with AsyncExitStack() as stack:
        phones = Phones(gen, api_url, stack)

        # sign in: a code by SMS, exchanged through the `otp` member of the discriminated grant union
        anonymous = await phones.anonymous()
        await call(gen, "auth.request_otp", client=anonymous, body=m.OtpRequest(phone=PHONE), expect=202)
        code = await last_code(db, "+86" + PHONE)
        grant = m.OtpGrant(grant_type=m.OtpGrantGrantType("otp"), phone=PHONE, code=code)
        tokens = (await call(gen, "auth.issue_token", client=anonymous, body=grant, expect=200)).parsed
        assert isinstance(tokens, m.TokenPair)
        citizen = await phones.of(tokens.access_token)

        # a photo, then the report; the same Idempotency-Key again answers the same report
        photo = await upload(gen, citizen, (400, 300))
        body = m.ReportCreate(
            category="E0102",
            description="路口垃圾堆了三天",
            location=m.Location(lat=POINT["lat"], lon=POINT["lon"], crs=m.LocationCrs("wgs84")),
            photo_ids=[photo],
        )
        key = str(uuid.uuid4())
        first = await call(
            gen, "reports.submit_report", client=citizen, body=body, idempotency_key=key, expect=201
        )
        report = first.parsed
        assert isinstance(report, m.ReportCreated)
        assert report.status == "verifying"  # routed to the grid's inspector
        again = await call(
            gen, "reports.submit_report", client=citizen, body=body, idempotency_key=key, expect=201
        )
        assert (again.parsed.id, again.parsed.number) == (report.id, report.number)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert await db.fetchval("SELECT count(*) FROM reports") == 1

        # round the loop, each action with the version last read in If-Match, by the role that takes it
        crew = {role: await phones.of(token) for role, token in staff.tokens.items()}
        tasks = (
            await call(gen, "inspector.list_inspector_tasks", client=crew["inspector"], expect=200)
        ).parsed
        assert [(t.kind.value, t.case.id) for t in tasks] == [("verify", report.case_id)]
        case = tasks[0].case

        async def act(role: str, action: str, **fields: Any) -> Any:
            result = (
                await call(
                    gen,
                    "cases.transition_case",
                    case.id,
                    client=crew[role],
                    body=m.TransitionRequest(action=m.TransitionRequestAction(action), **fields),
                    if_match=str(case.version),
                    expect=200,
                )
            ).parsed
            assert isinstance(result, m.TransitionResult)
            return result.case

        case = await act("inspector", "verify", photo_ids=[await upload(gen, crew["inspector"], (401, 300))])
        assert case.state == "verified"
        read_before_register = case
        case = await act("shift_lead", "register")

        # the dispatcher acts on what it read before the lead registered the case: 409, a typed problem
        stale = await operation(gen, "cases.transition_case").asyncio_detailed(
            case.id,
            client=crew["dispatcher"],
            body=m.TransitionRequest(action=m.TransitionRequestAction("dispatch"), department="sanitation"),
            if_match=str(read_before_register.version),
        )
        problem = stale.parsed
        assert stale.status_code == 409
        assert isinstance(problem, m.TransitionCaseResponse409), type(problem)
        assert problem.code == m.TransitionCaseResponse409Code("version_conflict")
        assert problem.status == 409
        assert problem.instance == f"/v1/cases/{case.id}/transitions"
        assert problem.version == case.version  # typed members of the problem
        assert problem.state == "registered"

        case = await act("dispatcher", "dispatch", department="sanitation")
        assert case.current_step.step == "accept"
        case = await act("department_handler", "accept")
        handled = await upload(gen, crew["department_handler"], (402, 300))
        case = await act("department_handler", "handle", photo_ids=[handled], note="已清运")
        assert case.state == "checking"
        checked = await upload(gen, crew["inspector"], (403, 300))
        case = await act("inspector", "check_pass", photo_ids=[checked])
        case = await act("shift_lead", "close")
        assert case.state == "closed"

        mine = (await call(gen, "reports.get_report", report.id, client=citizen, expect=200)).parsed
        assert mine.status == "closed"

        # the worker fans the case's events out; the citizen's inbox has them, newest first
        pool = await create_pool(settings)
        try:
            notifier = Notifier(pool, notifications_config(settings))
            while (await notifier.fan_out_once()).rows:
                pass
        finally:
            await pool.close()
        inbox = (await call(gen, "notifications.list_inbox", client=citizen, expect=200)).parsed
        assert isinstance(inbox, m.InboxPage)
        assert [i.kind for i in inbox.items] == ["report.closed", "report.dispatched", "report.registered"]
        assert {i.case_id for i in inbox.items} == {report.case_id}
        assert inbox.unread_count == 3
