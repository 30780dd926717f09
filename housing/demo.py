"""The demo estate: a few hundred homes in six buildings in Dongcheng, their owners register, and the demo
resident bound to a home as its owner. Loaded by `cityloop db seed-demo`; running it again adds nothing."""

from __future__ import annotations

from datetime import date
from typing import Final
from uuid import UUID

import asyncpg
import msgspec

from housing import register, service, store
from housing.models import EstateCreate

DEMO_ESTATE_ID: Final = UUID("0193a1e0-5e0d-7e57-8a7e-000000110101")
DEMO_DISTRICT: Final = "110101"  # 东城区
#: the register is in force from this date (the owners' ownership starts then)
REGISTER_DATE: Final = date(2025, 1, 1)
#: the demo resident's home: 3号楼 2单元 1202, which they own alone
RESIDENT_HOME: Final = ("3号楼", "2单元", "1202")

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


async def seed_demo_estate(conn: asyncpg.Connection, resident_phone: str, resident_id: UUID | None) -> UUID:
    """Create the demo estate with its register, and bind the demo resident to their home (idempotent)."""
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
    return DEMO_ESTATE_ID
