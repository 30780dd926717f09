"""The leaders' dashboard (console/pages/leaders.py) over the hand-built March 2026 history of
tests/cases/test_indicators.py: the page's figures are the indicator endpoint's, every figure's cases add up to
it, a district-scoped leader sees only their district, and the charts in Chromium show the endpoint's figures.
Phones +8613940...."""

from __future__ import annotations

import json
import re
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.db import connect
from api.settings import Settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store as cases_store
from cases.stats import indicators
from cases.stats.indicators import APPLIES, GROUPINGS
from identity import service
from identity.models import RequestContext
from tests.cases.conftest import demo_city  # noqa: F401  (the catalogue the history's cases use)
from tests.cases.test_indicators import MARCH, A, B, S, build
from tests.console.conftest import SCREENSHOTS, LiveServer, run_async
from tests.console.helpers import make_user, signed_in
from tests.identity.helpers import bearer, last_code, staff_token

Client = AsyncTestClient[Any]
TZ = "Asia/Shanghai"
MARCH_PAGE = "/console/leaders?from=2026-03-01&to=2026-03-31"


@pytest.fixture
async def history(db: asyncpg.Connection, demo_city: None) -> None:  # noqa: F811
    async with db.transaction():
        await build(db)


def _chart_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="leaders-data">(.*?)</script>', html, re.S)
    assert match
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def _figures(data: dict[str, Any]) -> dict[str, dict[str, tuple[int, int]]]:
    return {
        g["key"]: {name: (f["numerator"], f["denominator"]) for name, f in g["figures"].items()}
        for g in data["groups"]
    }


def _api_figures(body: dict[str, Any]) -> dict[str, dict[str, tuple[int, int]]]:
    return {
        g["key"]: {name: (v["numerator"], v["denominator"]) for name, v in g["indicators"].items()}
        for g in body["groups"]
    }


# --- access ----------------------------------------------------------------------------------------------------


async def test_the_dashboard_refuses_users_without_a_readers_role(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13940000001", "property_manager")
    await signed_in(console, db, "13940000001")
    for path in (
        MARCH_PAGE,
        "/console/leaders/cases?from=2026-03-01&to=2026-03-31&group_by=district&key=110101&indicator=handle_rate",
    ):
        r = await console.get(path)
        assert r.status_code == 403, path
        assert "你无权访问此页面" in r.text


async def test_a_district_leader_sees_only_their_district(
    console: Client, db: asyncpg.Connection, settings: Settings, history: None
) -> None:
    await make_user(db, settings, "13940000002", "leader", scope=("district", B))
    await signed_in(console, db, "13940000002")
    for group_by in GROUPINGS:
        r = await console.get(MARCH_PAGE + f"&group_by={group_by}")
        assert r.status_code == 200, r.text
        data = _chart_data(r.text)
        assert A not in r.text.replace("2026", "")  # district A's code is on no part of the page
        if group_by == "district":
            assert [g["key"] for g in data["groups"]] == [B]
    # the cases behind A's figures: none for a reader of B, whatever the link says
    r = await console.get(
        "/console/leaders/cases",
        params={**MARCH, "group_by": "district", "key": A, "indicator": "handle_rate", "part": "denominator"},
    )
    assert r.status_code == 200
    assert 'data-denominator="0"' in r.text
    assert "cases-behind" not in r.text


# --- the figures -------------------------------------------------------------------------------------------------


async def test_the_page_shows_the_endpoints_figures_with_their_fractions(
    console: Client, db: asyncpg.Connection, settings: Settings, history: None
) -> None:
    token = await staff_token(db, settings, "+8613940000003", "leader")
    await make_user(db, settings, "13940000004", "leader")
    await signed_in(console, db, "13940000004")
    for group_by in GROUPINGS:
        api = await console.get(  # the same app's HTTP API
            "/v1/stats/indicators", params={**MARCH, "group_by": group_by}, headers=bearer(token)
        )
        assert api.status_code == 200
        r = await console.get(MARCH_PAGE + f"&group_by={group_by}")
        assert r.status_code == 200
        assert _figures(_chart_data(r.text)) == _api_figures(api.json())
    # the district table: each figure's numerator and denominator beside its rate, each a link to its cases
    r = await console.get(MARCH_PAGE)
    cell = re.search(
        r'<td class="figure" data-indicator="handle_rate" data-numerator="5" data-denominator="7">(.*?)</td>',
        r.text,
        re.S,
    )
    assert cell, r.text
    assert "71.4%" in cell.group(1)
    assert "indicator=handle_rate&amp;part=numerator" in cell.group(1)
    # the overdue ranking: S has C3 open and overdue (extended to 20 Mar), M has C4 (handled in April)
    data = _chart_data(r.text)
    assert [(o["key"], o["numerator"], o["denominator"]) for o in data["overdue"]] == [
        ("municipal", 1, 1),
        (S, 1, 7),
    ]
    # the trend: March's weeks, all districts summed
    assert data["trend"]["weeks"][0].startswith("03-01")
    handled = next(s for s in data["trend"]["series"] if s["key"] == "handle_rate")
    assert sum(handled["denominators"]) == 8  # A's 7 and B's 1 handle steps due in March


async def test_every_figure_is_the_count_of_the_cases_behind_it(
    db: asyncpg.Connection, history: None
) -> None:
    for group_by in GROUPINGS:
        report = await indicators.indicators(
            db, first=MARCH["from"], last=MARCH["to"], group_by=group_by, timezone=TZ, districts=None
        )
        assert report.groups
        for group in report.groups:
            for name in APPLIES[group_by]:
                behind = await indicators.cases_behind(
                    db,
                    first=MARCH["from"],
                    last=MARCH["to"],
                    group_by=group_by,
                    key=group.key,
                    indicator=name,
                    timezone=TZ,
                    districts=None,
                )
                figure = group.indicators[name]
                assert (behind.numerator, behind.denominator) == (figure.numerator, figure.denominator), (
                    group_by,
                    group.key,
                    name,
                )


async def test_the_cases_behind_a_figure_are_listed_and_marked(
    console: Client, db: asyncpg.Connection, settings: Settings, history: None
) -> None:
    await make_user(db, settings, "13940000005", "leader")
    await signed_in(console, db, "13940000005")
    query = {**MARCH, "group_by": "department", "key": S, "indicator": "overdue_open_rate"}
    r = await console.get("/console/leaders/cases", params={**query, "part": "denominator"})
    assert r.status_code == 200
    assert 'data-numerator="1" data-denominator="7"' in r.text
    assert len(re.findall(r"<tr data-case=", r.text)) == 7
    assert len(re.findall(r'class="overdue in-numerator"', r.text)) == 1  # C3, open past its due time
    r = await console.get("/console/leaders/cases", params={**query, "part": "numerator"})
    assert len(re.findall(r"<tr data-case=", r.text)) == 1
    assert "超期" in r.text
    english = await console.get("/console/leaders/cases", params=query, headers={"Accept-Language": "en"})
    assert "overdue and open" in english.text


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"group_by": "team", "key": S, "indicator": "handle_rate"}, 400),
        ({"group_by": "department", "key": S, "indicator": "close_rate"}, 400),  # not a department's figure
        ({"group_by": "grid", "key": "not-a-uuid", "indicator": "verify_on_time_rate"}, 400),
        ({"group_by": "department", "key": S, "indicator": "handle_rate", "part": "half"}, 400),
        ({"group_by": "department", "key": S, "indicator": "handle_rate", "from": "2026-3-1"}, 422),
        ({"group_by": "department", "key": S, "indicator": "handle_rate", "to": "2026-02-01"}, 422),
        ({"group_by": "department", "indicator": "handle_rate"}, 400),  # no key
    ],
)
async def test_a_bad_link_answers_a_localized_error(
    console: Client, db: asyncpg.Connection, settings: Settings, query: dict[str, str], status: int
) -> None:
    await make_user(db, settings, "13940000006", "leader")
    await signed_in(console, db, "13940000006")
    r = await console.get("/console/leaders/cases", params={**MARCH, **query})
    assert r.status_code == status, r.text
    assert '<div class="error" role="alert">' in r.text


async def test_a_bad_period_on_the_dashboard_answers_a_localized_error(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13940000007", "leader")
    await signed_in(console, db, "13940000007")
    r = await console.get("/console/leaders?from=2026-03-31&to=2026-03-01")
    assert r.status_code == 422  # invalid_period, as the API answers
    assert '<div class="error" role="alert">' in r.text
    r = await console.get("/console/leaders?month=2026-13")  # not a month: this month instead
    assert r.status_code == 200
    r = await console.get("/console/leaders?group_by=nonsense")  # not a grouping: districts
    assert r.status_code == 200
    assert 'data-group="district" aria-current="page"' in r.text


async def test_a_case_behind_a_figure_links_to_the_command_centres_case_page_for_its_users(
    console: Client, db: asyncpg.Connection, settings: Settings, history: None
) -> None:
    query = {**MARCH, "group_by": "district", "key": B, "indicator": "handle_rate"}
    await make_user(db, settings, "13940000020", "dispatcher")  # may open the command centre too
    await signed_in(console, db, "13940000020")
    r = await console.get("/console/leaders/cases", params=query)
    assert re.search(r'<a href="/console/command/cases/[0-9a-f-]{36}">', r.text)
    console.cookies.clear()
    await make_user(db, settings, "13940000021", "leader")  # the dashboard only
    await signed_in(console, db, "13940000021")
    r = await console.get("/console/leaders/cases", params=query)
    assert r.status_code == 200 and "/console/command/cases/" not in r.text


# --- in the browser ------------------------------------------------------------------------------------------------


async def _prepare(server: LiveServer) -> str:
    """The March history in the served app's database (once per worker), a leader to sign in as, and a token
    of another leader for the API; the token."""
    conn = await connect(server.settings)
    try:
        if not await conn.fetchval("SELECT count(*) FROM users WHERE phone = '+8613940000010'"):
            async with conn.transaction():
                if not await conn.fetchval("SELECT count(*) FROM categories WHERE code = 'E0102'"):
                    await load_catalogue(conn, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
                    area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
                    await cases_store.insert_service_area(
                        conn, area["properties"]["name"], json.dumps(area["geometry"])
                    )
                await build(conn)
            await make_user(conn, server.settings, "13940000010", "leader")
            return await staff_token(conn, server.settings, "+8613940000011", "leader")
        async with conn.transaction():
            tokens = await service.issue_tokens_for(
                conn, auth_config(server.settings), "+8613940000011", RequestContext(actor_label="tests")
            )
        return tokens.access_token
    finally:
        await conn.close()


async def _code(server: LiveServer, phone: str) -> str:
    conn = await connect(server.settings)
    try:
        return await last_code(conn, "+86" + phone)
    finally:
        await conn.close()


def test_a_leaders_chart_shows_the_indicator_endpoints_figures(page: Any, live_server: LiveServer) -> None:
    token = run_async(_prepare(live_server))
    api = httpx.get(
        f"{live_server.url}/v1/stats/indicators",
        params={**MARCH, "group_by": "district"},
        headers=bearer(token),
    )
    assert api.status_code == 200, api.text
    expected = _api_figures(api.json())

    page.goto(MARCH_PAGE)
    page.fill("#phone", "13940000010")
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#code")
    page.fill("#code", run_async(_code(live_server, "13940000010")))
    page.click("#code-form button[type=submit]")
    page.wait_for_url("**/console/leaders?*")
    for chart in ("scores", "indicators", "trend", "overdue"):
        page.wait_for_selector(f"#chart-{chart}[data-ready=true]")
    # what the chart was given, and what it draws: per district, the ratio of each indicator in percent
    given = page.evaluate("cityloopData('leaders-data')")
    assert _figures(given) == expected
    option = page.evaluate(
        """() => {
            const o = echarts.getInstanceByDom(document.getElementById('chart-indicators')).getOption();
            return {x: o.xAxis[0].data, series: o.series.map(s => ({name: s.name, data: s.data}))};
        }"""
    )
    names = api.json()["names"]
    assert option["x"] == [names[key] for key in APPLIES["district"]]
    api_groups = {g["name"]: g for g in api.json()["groups"]}
    assert sorted(s["name"] for s in option["series"]) == sorted(api_groups)
    for series in option["series"]:
        ratios = [api_groups[series["name"]]["indicators"][key]["ratio"] for key in APPLIES["district"]]
        assert series["data"] == [None if r is None else round(r * 1000) / 10 for r in ratios]
    # the table beside it: the rate with its numerator and denominator, linking to the cases
    cell = page.locator(f'#figures tr[data-key="{A}"] td[data-indicator=handle_rate]')
    assert cell.locator(".pct").inner_text() == "71.4%"
    assert cell.locator(".frac").inner_text() == "5/7"
    page.screenshot(path=str(SCREENSHOTS / "leaders.png"), full_page=True)
    assert page.csp_violations == []
    # a bar of the overdue ranking's chart links to the cases behind it
    cell.locator("a.n").click()
    page.wait_for_url("**/console/leaders/cases?*")
    assert page.locator("#behind-figure").get_attribute("data-numerator") == "5"
    assert page.locator("#cases-behind tbody tr").count() == 5


def test_the_keys_picked_by_value_are_texts_of_every_state_and_grouping() -> None:
    from cases.workflow.transitions import STATES
    from console.pages.leaders import KEYS
    from console.texts import TEXTS

    assert all(key in TEXTS for keys in KEYS.values() for key in keys.values())
    assert set(KEYS["leaders.state."]) == set(STATES)
    assert set(KEYS["leaders.group."]) == set(GROUPINGS)
