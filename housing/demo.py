"""The demo estate: a few hundred homes in six buildings in Dongcheng, their owners register, the demo resident
bound to a home as its owner, and a demo of its money: two fee items, the bills of the last full month and of the
current month, most of last month's paid and some of this month's (through WeChat Pay or Alipay), the demo
resident's home left owing; and its owners' votes: one past with its result published, one open now (the demo
committee runs them). Loaded by `cityloop db seed-demo`; running it again adds nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Final, Literal
from uuid import UUID, uuid4

import asyncpg
import msgspec

from cases.workflow.deadlines import load_calendar
from housing import (
    billing,
    billing_store,
    fund,
    fund_project_models,
    fund_projects,
    fund_projects_store,
    register,
    repairs,
    repairs_store,
    service,
    settlement,
    store,
    vote_models,
    votes,
    votes_store,
)
from housing.errors import BillingPeriodOverlaps
from housing.fees import FeeItemCreate, parse_period
from housing.models import EstateCreate
from housing.providers.base import CHINA_TZ
from housing.repair_bills import ChargeLine
from identity import service as identity
from identity.models import AuthConfig, Principal, RequestContext, RoleGrant

DEMO_ESTATE_ID: Final = UUID("0193a1e0-5e0d-7e57-8a7e-000000110101")
DEMO_DISTRICT: Final = "110101"  # 东城区
#: the register is in force from this date (the owners' ownership starts then)
REGISTER_DATE: Final = date(2025, 1, 1)
#: the demo resident's home: 3号楼 2单元 1202, which they own alone
RESIDENT_HOME: Final = ("3号楼", "2单元", "1202")
#: the demo's fee items, as the estate's published fee standards say: due on the 15th of the month billed
FEE_ITEMS: Final = (
    FeeItemCreate(kind="property", name="物业服务费", price_fen=265, due_days=14),
    FeeItemCreate(kind="flat", name="生活垃圾处理费", price_fen=300, due_days=14),
)
#: who paid, by the home's place in the estate's order (building, entrance, floor, room): of last month's bills
#: all but one home in five paid, one in seven of those only the property fee; of this month's, one home in four
#: paid; one in 23 paid three months ahead (credit, used by the next month's bills). The demo resident never.
LAST_MONTH_UNPAID_EVERY: Final = 5
PROPERTY_ONLY_EVERY: Final = 7
THIS_MONTH_PAID_EVERY: Final = 4
AHEAD_EVERY: Final = 23
AHEAD_MONTHS: Final = 3

DEMO_ESTATE: Final = {
    "name": "和平里东街小区（示范）",
    "address": "北京市东城区和平里东街 15 号",
    "district_code": DEMO_DISTRICT,
    "location": {"lat": 39.9583, "lon": 116.4191, "crs": "wgs84"},
    "boundary": {
        "type": "Polygon",
        "coordinates": [
            [
                [116.4172, 39.9571],
                [116.4211, 39.9571],
                [116.4211, 39.9596],
                [116.4172, 39.9596],
                [116.4172, 39.9571],
            ]
        ],
    },
    "property_company": "北京和平里物业服务有限公司",
    "service_grade": 2,
    "service_content": (
        "秩序维护：出入口 24 小时值守，每 2 小时巡查一次。环境卫生：公共区域每日清扫两次，生活垃圾日产日清。"
        "设施设备：电梯每半月保养一次，二次供水水箱每年清洗消毒两次。绿化：草坪每年修剪不少于 6 次。"
        "报修：急修 30 分钟内到场，一般维修 24 小时内处理。"
    ),
    "contact_name": "和平里东街小区物业服务中心",
    "contact_phone": "010-64211234",
    "office_hours": "每日 8:00-18:00（急修 24 小时）",
    "fee_standards": [
        {"item": "物业服务费", "price_fen": 265, "basis": "per_m2_month", "note": "按产权面积，按月计收"},
        {"item": "地上停车费", "price_fen": 15000, "basis": "per_space_month"},
        {"item": "地下停车费", "price_fen": 30000, "basis": "per_space_month"},
        {
            "item": "采暖费",
            "price_fen": 3000,
            "basis": "per_m2_season",
            "note": "采暖期 11 月 15 日至次年 3 月 15 日",
        },
        {"item": "生活垃圾处理费", "price_fen": 300, "basis": "per_home_month"},
    ],
}

_SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN: Final = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "玉兰", "志强", "海燕", "晓东", "春梅",
)  # fmt: skip


def _buildings() -> list[tuple[str, int, int]]:
    """(building, floors, homes per landing): four towers of 12 floors and two low blocks of 6."""
    return [(f"{n}号楼", 12, 3) for n in range(1, 5)] + [(f"{n}号楼", 6, 2) for n in range(5, 7)]


def register_csv(resident_phone: str) -> bytes:
    """The demo estate's owners register as the property company would export it (GBK, as Excel saves it):
    336 homes, about one in twenty co-owned, a dozen unsold (the developer's), one owned by the demo resident."""
    lines = ["楼栋,单元,楼层,房号,产权面积,实测面积,合同面积,业主姓名,手机号,业主类型"]
    n = 0
    for building, floors, per_landing in _buildings():
        for entrance in ("1单元", "2单元"):
            for floor in range(1, floors + 1):
                for position in range(1, per_landing + 1):
                    n += 1
                    room = f"{floor}{position:02d}"
                    base = (8950, 12025, 6580)[(position - 1) % 3] + (floor % 3) * 15
                    register_area, surveyed, contract = base, base + 62, base + 110
                    if (building, entrance, room) == RESIDENT_HOME:
                        lines.append(
                            f"{building},{entrance},{floor},{room},{base / 100:.2f},,,郑一,{resident_phone},"
                        )
                        continue
                    if n % 29 == 0:  # unsold: the developer's, no register area yet
                        lines.append(
                            f"{building},{entrance},{floor},{room},,{surveyed / 100:.2f},{contract / 100:.2f},"
                            "北京和平里房地产开发有限公司,,开发商"
                        )
                        continue
                    name = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7) % len(_GIVEN)]
                    phone = f"1391000{n:04d}"
                    owners, phones = name, phone
                    if n % 19 == 0:  # co-owned
                        owners += "、" + _SURNAMES[(n + 11) % len(_SURNAMES)] + _GIVEN[(n * 3) % len(_GIVEN)]
                        phones += f";1391001{n:04d}"
                    registered = f"{register_area / 100:.2f}" if n % 11 else ""  # a few only surveyed so far
                    lines.append(
                        f"{building},{entrance},{floor},{room},{registered},{surveyed / 100:.2f},"
                        f"{contract / 100:.2f},{owners},{phones},"
                    )
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


async def seed_demo_estate(
    conn: asyncpg.Connection, resident_phone: str, resident_id: UUID | None, *, today: date | None = None
) -> UUID:
    """Create the demo estate with its register, bind the demo resident to their home, and bill the last full
    month and the current month (Beijing time; ``today`` for tests), paying some (idempotent)."""
    if await store.estate_district(conn, DEMO_ESTATE_ID) is None:
        await service.create_estate(
            conn, msgspec.convert(DEMO_ESTATE, EstateCreate), estate_id=DEMO_ESTATE_ID
        )
    if not await store.estate_homes(conn, DEMO_ESTATE_ID):
        await register.import_register(
            conn,
            DEMO_ESTATE_ID,
            register_csv(resident_phone),
            file_name="和平里东街小区业主名册.csv",
            effective_date=REGISTER_DATE,
            actor_label="cityloop db seed-demo",
        )
    if resident_id is not None:
        home_id = await store.find_home(conn, DEMO_ESTATE_ID, *RESIDENT_HOME)
        if home_id is not None and await store.is_registered_owner(conn, home_id, resident_phone):
            await store.insert_binding(
                conn,
                home_id=home_id,
                estate_id=DEMO_ESTATE_ID,
                user_id=resident_id,
                relation="owner",
                state="active",
                via="register",
                note="",
            )
    await seed_demo_bills(conn, today or datetime.now(CHINA_TZ).date())
    return DEMO_ESTATE_ID


# the demo's money ---------------------------------------------------------------------------------------------------

Provider = Literal["wechat", "alipay"]

#: the open bills a run made, with what each still owes and its item's kind
_RUN_BILLS: Final = """
    SELECT b.id, b.home_id, f.kind, b.amount_fen - b.paid_fen - b.waived_fen AS owed
    FROM bills b JOIN fee_items f ON f.id = b.fee_item_id
    WHERE b.run_id = $1 AND b.state IN ('issued', 'partly_paid')
    ORDER BY b.home_id, f.kind, b.id"""

#: the estate's homes in the order people count them
_HOMES_IN_ORDER: Final = """
    SELECT h.id FROM homes h JOIN buildings g ON g.id = h.building_id
    WHERE h.estate_id = $1
    ORDER BY length(g.name), g.name, h.entrance, h.floor, length(h.room), h.room"""


async def seed_demo_bills(conn: asyncpg.Connection, today: date) -> None:
    """The fee items (made when missing), the runs of the last full month and of ``today``'s month, executed here
    in the caller's transaction, and payments on the bills of a run made now (a run that was there already is
    left as it is, so running the demo again pays nothing twice)."""
    items = {i.name for i in await billing.list_fee_items(conn, DEMO_ESTATE_ID)}
    for item in FEE_ITEMS:
        if item.name not in items:
            await billing.create_fee_item(conn, DEMO_ESTATE_ID, item, None)
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    homes = [r["id"] for r in await conn.fetch(_HOMES_IN_ORDER, DEMO_ESTATE_ID)]
    resident_home = await store.find_home(conn, DEMO_ESTATE_ID, *RESIDENT_HOME)
    for month, current in ((last_month, False), (this_month, True)):
        run_id = await _bill_month(conn, month)
        if run_id is not None:
            await _pay_month(conn, run_id, month, homes, resident_home, current=current)


async def _bill_month(conn: asyncpg.Connection, month: date) -> UUID | None:
    """The estate's run of the month, executed in this transaction; its id when it was made now."""
    period = parse_period(f"{month:%Y-%m}")
    try:
        run, made = await billing.create_run(conn, DEMO_ESTATE_ID, period.text, None)
    except BillingPeriodOverlaps:  # someone billed a quarter holding this month: theirs stands
        return None
    # what the worker's execute_run does, on this connection (the demo is one transaction), under the lock
    # the worker takes to execute a run (held till commit: a worker that finds it taken leaves the run alone)
    await conn.execute("SELECT pg_advisory_xact_lock($1)", billing._lock_key(run.id))
    if (await billing.get_run(conn, run.id)).state != "completed":
        await billing_store.start_run(conn, run.id)
        after: UUID | None = None
        while homes := await billing_store.next_homes(conn, DEMO_ESTATE_ID, after, billing.BATCH_HOMES):
            await billing._batch(conn, run.id, DEMO_ESTATE_ID, period, homes)
            await billing_store.run_round(conn, run.id, len(homes), homes[-1])
            after = homes[-1]
        await billing_store.finish_run(conn, run.id)
    return run.id if made else None


def _transaction_id(provider: Provider, month: date, n: int) -> str:
    """A provider's transaction number as each writes them (28 digits), made up from the month and the home."""
    if provider == "wechat":
        return f"420000{month:%Y%m}{n:016d}"
    return f"{month:%Y%m%d}22001{n:015d}"


async def _pay_month(
    conn: asyncpg.Connection,
    run_id: UUID,
    month: date,
    homes: list[UUID],
    resident_home: UUID | None,
    *,
    current: bool,
) -> None:
    owed: dict[UUID, list[asyncpg.Record]] = {}
    for bill in await conn.fetch(_RUN_BILLS, run_id):
        owed.setdefault(bill["home_id"], []).append(bill)
    for n, home_id in enumerate(homes, start=1):
        bills = owed.get(home_id)
        if not bills or home_id == resident_home:
            continue
        if current:
            if n % THIS_MONTH_PAID_EVERY:
                continue
        elif n % LAST_MONTH_UNPAID_EVERY == 0:
            continue
        elif n % PROPERTY_ONLY_EVERY == 0:
            bills = [b for b in bills if b["kind"] == "property"]
        amount = sum(b["owed"] for b in bills)
        if not current and n % AHEAD_EVERY == 0:  # and three months ahead, held as credit
            amount += AHEAD_MONTHS * amount
        provider: Provider = "wechat" if n % 3 else "alipay"
        await settlement.apply_payment(
            conn,
            home_id=home_id,
            amount_fen=amount,
            provider=provider,
            ref=_transaction_id(provider, month, n),
            bill_ids=[b["id"] for b in bills],
            memo=f"示范数据：{month:%Y年%m月}账单，{'微信支付' if provider == 'wechat' else '支付宝'}",
        )


# the demo's votes ---------------------------------------------------------------------------------------------------

#: the past vote: the whole estate, ordinary; by head number, 3 in 20 heads did not vote, 3 voted no, 1 abstained,
#: the rest yes (it passed). The open vote: 3号楼's lift (special), 4 in 10 of its heads voted so far (never the
#: demo resident's head, who can vote in the app).
PAST_VOTE: Final = {
    "kind": "ordinary",
    "title": "关于续聘北京和平里物业服务有限公司的表决",
    "body": "现物业服务合同将于年底到期。拟续聘北京和平里物业服务有限公司，服务期三年，收费标准不变。",
}
OPEN_VOTE: Final = {
    "kind": "special",
    "title": "关于3号楼加装电梯并使用维修资金的表决",
    "body": "拟为3号楼两个单元各加装电梯一部，费用由3号楼业主的住宅专项维修资金按面积分摊。",
}


def _past_choice(head_no: int) -> str | None:
    r = head_no % 20
    return None if r < 3 else "no" if r < 6 else "abstain" if r == 6 else "yes"


def _open_choice(head_no: int) -> str | None:
    r = head_no % 10
    return None if r >= 4 else "no" if r == 3 else "yes"


async def seed_demo_votes(conn: asyncpg.Connection, committee_id: UUID) -> None:
    """The estate's committee runs two votes: one closed with its result published, one open in its window
    (idempotent: nothing when the estate has a matter already). Ballots are seeded as cast in the app."""
    if await votes_store.estate_has_matters(conn, DEMO_ESTATE_ID):
        return
    ctx = RequestContext(actor_label="cityloop db seed-demo")
    committee = Principal(
        user_id=committee_id,
        session_id=uuid4(),
        roles=(RoleGrant(role="owners_committee", scope_kind="estate", scope_id=str(DEMO_ESTATE_ID)),),
        locale="zh-CN",
    )
    config = votes.VotesConfig()
    now: datetime = await conn.fetchval("SELECT now()")
    opens = now + timedelta(days=config.notice_days + 1)

    async def noticed(fields: Mapping[str, object], buildings: list[UUID]) -> UUID:
        body = {
            **fields,
            "opens_at": opens,
            "closes_at": opens + timedelta(days=14),
            "building_ids": buildings,
        }
        matter = await votes.raise_matter(
            conn, config, ctx, committee, DEMO_ESTATE_ID, msgspec.convert(body, vote_models.VoteMatterCreate)
        )
        await votes.give_notice(conn, config, ctx, committee, matter.id)
        return matter.id

    async def ballots(
        matter_id: UUID, choose: Callable[[int], str | None], start: datetime, skip: int | None
    ) -> None:
        rows = []
        for head in await votes_store.tally_heads(conn, matter_id):
            choice = choose(head["head_no"])
            if choice is not None and head["head_no"] != skip:
                cast_at = start + timedelta(minutes=37 * head["head_no"] % (24 * 60))
                rows.append((head["head_no"], choice, votes.receipt_hash(votes.new_receipt_code()), cast_at))
        await votes_store.insert_seeded_ballots(conn, matter_id, rows)

    past = await noticed(PAST_VOTE, [])
    await votes_store.move_window(
        conn, past, now - timedelta(days=45), now - timedelta(days=25), now - timedelta(days=11)
    )
    await ballots(past, _past_choice, now - timedelta(days=25), None)
    await votes.close(conn, ctx, committee, past)

    lift = (await store.estate_buildings(conn, DEMO_ESTATE_ID))[RESIDENT_HOME[0]]
    current = await noticed(OPEN_VOTE, [lift])
    await votes_store.move_window(
        conn, current, now - timedelta(days=20), now - timedelta(days=2), now + timedelta(days=12)
    )
    home = await store.find_home(conn, DEMO_ESTATE_ID, *RESIDENT_HOME)
    skip = await votes_store.head_of_home(conn, current, home) if home is not None else None
    await ballots(current, _open_choice, now - timedelta(days=2), skip)


# the demo's maintenance fund ---------------------------------------------------------------------------------------

#: the first-deposit rate: 5 % of a construction cost of 2,000 yuan/m², 100 yuan/m²
DEMO_FUND_RATE_FEN_M2: Final = 10_000


def _grant(user_id: UUID, role: str, scope_kind: str, scope_id: str) -> Principal:
    return Principal(
        user_id=user_id,
        session_id=uuid4(),
        roles=(RoleGrant(role=role, scope_kind=scope_kind, scope_id=scope_id),),  # type: ignore[arg-type]
        locale="zh-CN",
    )


async def seed_demo_fund(conn: asyncpg.Connection, committee_id: UUID, officer_id: UUID) -> None:
    """The estate's maintenance fund opened (every home's first deposit), an emergency repair of the lift building's
    roof approved by the district's housing officer (its apportionment taken from the homes' shares, to be
    published to the owners within the set days) and an ordinary project raised by the committee, before its vote
    (idempotent: nothing when the estate has a project already)."""
    if await fund_projects_store.list_projects(conn, DEMO_ESTATE_ID, None, 1):
        return
    ctx = RequestContext(actor_label="cityloop db seed-demo")
    committee = _grant(committee_id, "owners_committee", "estate", str(DEMO_ESTATE_ID))
    district = await store.estate_district(conn, DEMO_ESTATE_ID)
    assert district is not None
    officer = _grant(officer_id, "housing_officer", "district", district)
    await fund.set_rate(conn, DEMO_ESTATE_ID, fund.FundRateSet(rate_fen_m2=DEMO_FUND_RATE_FEN_M2), officer_id)
    await fund.open_homes(conn, DEMO_ESTATE_ID, officer_id)
    building = (await store.estate_buildings(conn, DEMO_ESTATE_ID))[RESIDENT_HOME[0]]
    leak = await fund_projects.raise_project(
        conn,
        ctx,
        committee,
        DEMO_ESTATE_ID,
        fund_project_models.FundProjectCreate(
            title=f"{RESIDENT_HOME[0]}屋面渗漏应急维修",
            budget_fen=3_860_000,
            contractor="北京安居房屋修缮有限公司",
            description="顶层多户反映雨后屋面渗漏，按应急程序先行维修，事后向业主公示。",
            building_ids=[building],
            quotes=[
                fund_project_models.Quote(supplier="北京安居房屋修缮有限公司", amount_fen=3_860_000),
                fund_project_models.Quote(supplier="京城防水工程有限公司", amount_fen=4_120_000),
            ],
            emergency=True,
            emergency_kind="roof_or_wall_leak",
        ),
    )
    await fund_projects.approve(conn, fund_projects.FundProjectsConfig(), ctx, officer, leak.id, leak.version)
    await fund_projects.raise_project(
        conn,
        ctx,
        committee,
        DEMO_ESTATE_ID,
        fund_project_models.FundProjectCreate(
            title="小区消防管网更新",
            budget_fen=12_500_000,
            contractor="北京平安消防设施工程有限公司",
            description="更换锈蚀的室外消防管网和阀门，待业主表决通过后实施。",
            quotes=[
                fund_project_models.Quote(supplier="北京平安消防设施工程有限公司", amount_fen=12_500_000)
            ],
        ),
    )


# the demo's repairs ------------------------------------------------------------------------------------------------

#: other owners who report repairs: (building, entrance, room, n), n the home's number in register_csv's order
#: (their phone 1391000nnnn and their name come from it, as the register's); each is bound to the home as its owner
REPAIR_REPORTERS: Final = (
    ("1号楼", "1单元", "101", 1),
    ("2号楼", "1单元", "502", 86),
    ("5号楼", "1单元", "301", 293),
)

#: the demo's repairs: (reporter: 0 the demo resident, else REPAIR_REPORTERS[i - 1]), kind, urgency, the building
#: of a common repair or complaint (None: the whole estate), what they say, and the actions taken on it in turn
DEMO_REPAIRS: Final = (
    (
        0,
        "home_repair",
        "ordinary",
        None,
        "卫生间地漏返味，下水不畅",
        ("accept", "assign", "handle", "confirm", "rate"),
    ),
    (0, "home_repair", "ordinary", None, "阳台推拉门滑轮损坏，门推不动", ("accept", "assign", "handle")),
    (0, "common_repair", "ordinary", "3号楼", "3号楼2单元8至12层楼道灯不亮", ()),
    (1, "home_repair", "emergency", None, "厨房水管爆裂，水漏到楼下", ("accept", "assign")),
    (2, "complaint", "ordinary", None, "小区东侧有业主夜间装修，22点后仍有噪音", ("accept",)),
    (
        3,
        "home_repair",
        "ordinary",
        None,
        "卧室窗户密封条老化，关窗仍漏风",
        ("accept", "assign", "handle", "rework"),
    ),
    (
        1,
        "common_repair",
        "ordinary",
        None,
        "小区东门道闸抬杆故障，车辆进出排队",
        ("accept", "assign", "handle", "confirm"),
    ),
)
#: the paid ones (有偿维修), by their place in DEMO_REPAIRS: the charge recorded with the fix; the rated one is billed
#: (the demo resident's bill of 有偿维修（报修）), the one waiting for the resident's confirmation shows its charge
DEMO_CHARGES: Final = {
    0: [ChargeLine(label="人工费", price_fen=3000), ChargeLine(label="防臭地漏芯", price_fen=2800)],
    1: [
        ChargeLine(label="人工费", price_fen=3000),
        ChargeLine(label="推拉门滑轮", quantity=4, price_fen=1200),
    ],
}
_NOTES: Final = {
    "accept": "已受理，将尽快安排维修人员。",
    "assign": "已派工。",
    "handle": "已处理完毕，请确认。",
    "rework": "换过以后还是漏风，请再来看一下。",
    "confirm": "已修好，谢谢。",
}


async def _demo_photo(conn: asyncpg.Connection, owner_id: UUID) -> UUID:
    """A processed photo of `owner_id`, as the media pipeline records one (the demo has no bucket: the row only,
    its objects are not there, so its links do not load; the handle step needs a photo of the assignee's)."""
    sha = uuid4().hex * 2
    photo_id: UUID = await conn.fetchval(
        """INSERT INTO photos (owner_id, original_sha256, content_type, width, height, display_key, display_width,
                               display_height, thumb_key)
           VALUES ($1, $2, 'image/jpeg', 1600, 1200, 'display/' || $2 || '.jpg', 1600, 1200,
                   'thumb/' || $2 || '.jpg')
           RETURNING id""",
        owner_id,
        sha,
    )
    return photo_id


async def seed_demo_repairs(
    conn: asyncpg.Connection, config: AuthConfig, resident_id: UUID, staff_id: UUID, manager_id: UUID
) -> None:
    """Repairs and complaints of the demo estate in every state of the REPAIRS table, through housing/repairs.py's
    use cases: the demo resident's (one rated, one handled waiting for their confirmation, one of the common parts
    just reported; the first two paid, the rated one billed) and other owners' (an emergency assigned, a complaint accepted, one sent back for a second
    round, one confirmed), accepted by the estate's manager, assigned to and handled by its property staff
    (idempotent: nothing when the estate has a repair already; the other owners get a user and their binding)."""
    if await repairs_store.list_by_estate(conn, DEMO_ESTATE_ID, state=None, kind=None, before=None, limit=1):
        return
    ctx = RequestContext(actor_label="cityloop db seed-demo")
    scope = str(DEMO_ESTATE_ID)
    reporters = [_grant(resident_id, "resident", "estate", scope)]
    homes = [await store.find_home(conn, DEMO_ESTATE_ID, *RESIDENT_HOME)]
    for building, entrance, room, n in REPAIR_REPORTERS:
        phone = f"+861391000{n:04d}"
        home_id = await store.find_home(conn, DEMO_ESTATE_ID, building, entrance, room)
        assert home_id is not None and await store.is_registered_owner(conn, home_id, phone), (building, room)
        name = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7) % len(_GIVEN)]
        grant = RoleGrant(role="resident", scope_kind="estate", scope_id=scope)
        user = await identity.create_user(conn, config, phone, [grant], ctx, display_name=f"业主 {name}")
        await store.insert_binding(
            conn,
            home_id=home_id,
            estate_id=DEMO_ESTATE_ID,
            user_id=user.id,
            relation="owner",
            state="active",
            via="register",
            note="",
        )
        reporters.append(_grant(user.id, "resident", "estate", scope))
        homes.append(home_id)
    staff = _grant(staff_id, "property_staff", "estate", scope)
    manager = _grant(manager_id, "property_manager", "estate", scope)
    buildings = await store.estate_buildings(conn, DEMO_ESTATE_ID)
    calendar = await load_calendar(conn)
    for n, (who, kind, urgency, place, description, actions) in enumerate(DEMO_REPAIRS):
        repair = await repairs.report(
            conn,
            calendar,
            reporters[who],
            repairs.RepairCreate(
                estate_id=DEMO_ESTATE_ID,
                kind=kind,  # type: ignore[arg-type]
                urgency=urgency,  # type: ignore[arg-type]
                home_id=homes[who] if kind == "home_repair" else None,
                building_id=buildings[place] if place else None,
                description=description,
            ),
        )
        for action in actions:
            actor = {"accept": manager, "assign": manager, "handle": staff}.get(action, reporters[who])
            request = repairs.RepairActionRequest(
                action=action,  # type: ignore[arg-type]
                note=_NOTES.get(action, ""),
                photo_ids=[await _demo_photo(conn, staff_id)] if action == "handle" else [],
                assignee_id=staff_id if action == "assign" else None,
                rating=5 if action == "rate" else None,
                comment="师傅上门很快，修得很好。" if action == "rate" else "",
                charge=DEMO_CHARGES.get(n) if action == "handle" else None,
            )
            repair = await repairs.act(conn, calendar, actor, repair.id, repair.version, request)
