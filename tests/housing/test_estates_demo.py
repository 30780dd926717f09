"""`cityloop db seed-demo` loads the demo estate: buildings, a few hundred homes, the owners register, and the
demo resident bound to their home; running it again adds nothing."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.app import auth_config
from api.demo import DEMO_USERS, seed_demo
from api.settings import Settings
from housing.demo import DEMO_ESTATE_ID, register_csv
from housing.register import parse_register
from identity import service as identity
from identity.models import RequestContext
from tests.identity.helpers import bearer

TABLES = (
    "estates",
    "estate_fee_standards",
    "buildings",
    "homes",
    "home_owners",
    "home_bindings",
    "register_imports",
)


async def counts(db: asyncpg.Connection) -> dict[str, int]:
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}


def test_the_demo_register_is_a_clean_gbk_file() -> None:
    parsed = parse_register(register_csv("+8613800138009"))
    assert parsed.problems == [] and parsed.encoding == "gb18030"
    assert parsed.total == len(parsed.rows) == 336
    assert sum(1 for r in parsed.rows if r.owners[0].kind == "developer") > 5
    assert sum(1 for r in parsed.rows if len(r.owners) > 1) > 5


async def test_seed_demo_loads_the_estate_once_and_binds_the_demo_resident(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    first = await counts(db)
    assert first["estates"] == 1 and first["buildings"] == 6 and first["homes"] == 336
    assert first["home_owners"] > 336 and first["home_bindings"] == 1 and first["register_imports"] == 1
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    assert await counts(db) == first
    page = (await client.get(f"/v1/estates/{DEMO_ESTATE_ID}")).json()
    assert page["district_code"] == "110101" and page["homes"] == 336 and len(page["fee_standards"]) == 5
    phone = next(p for p, _, role, _ in DEMO_USERS if role == "resident")
    tokens = await identity.issue_tokens_for(
        db, auth_config(settings), phone, RequestContext(actor_label="tests")
    )
    mine = (await client.get("/v1/me/homes", headers=bearer(tokens.access_token))).json()
    (binding,) = mine["items"]
    assert (binding["state"], binding["relation"], binding["via"]) == ("active", "owner", "register")
    assert (binding["home"]["building"], binding["home"]["entrance"], binding["home"]["room"]) == (
        "3号楼",
        "2单元",
        "1202",
    )
    staff_phone = next(p for p, _, role, _ in DEMO_USERS if role == "property_staff")
    staff = await identity.issue_tokens_for(
        db, auth_config(settings), staff_phone, RequestContext(actor_label="tests")
    )
    r = await client.get(
        f"/v1/estates/{DEMO_ESTATE_ID}/bindings",
        params={"state": "active"},
        headers=bearer(staff.access_token),
    )
    assert r.status_code == 200 and [b["id"] for b in r.json()["items"]] == [binding["id"]]
