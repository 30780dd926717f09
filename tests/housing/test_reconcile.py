"""The daily reconciliation (对账): our paid orders and succeeded refunds of a China Standard Time day against the
provider's statement of that day, fetched through the real SDKs from the local fakes.

Orders are made and paid at the fakes through the providers (``create_order``, then ``fake.pay(no, "silent")``)
and our rows are written straight into the database, as the payments domain would have left them. The fakes
stamp payments and refunds with their own clock (now); the tests move those stamps to fixed times of yesterday
(CST), so that a run near midnight cannot split a scene over two days, and so that times on either side of the
UTC midnight inside one CST day are covered.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api import cli
from api.settings import Settings, load_settings
from housing import ledger, reconcile
from housing.providers import AlipayOrderString, AlipayProvider, WeChatPayProvider
from housing.providers.base import CHINA_TZ
from housing.providers.fakes import FakeAlipay, FakeWeChatPay
from housing.providers.fakes.__main__ import write_client_configs
from housing.reconcile import DifferenceKind, EntryKind, Reconciliation, ReconciliationDifference
from tests.housing.money_fixtures import Estate, auth, make_estate, person

pytestmark = pytest.mark.anyio

NOTIFY = "http://127.0.0.1:9/notify"  # nothing listens: the fakes pay silently


def yesterday() -> date:
    return datetime.now(CHINA_TZ).date() - timedelta(days=1)


def cst(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), CHINA_TZ)


# the fakes, the providers, the configuration -----------------------------------------------------------------


@pytest.fixture
async def wechat_fake() -> AsyncIterator[FakeWeChatPay]:
    fake = FakeWeChatPay(refund_delay_s=0.01)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def alipay_fake() -> AsyncIterator[FakeAlipay]:
    fake = FakeAlipay(refund_delay_s=0.01)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def wechat(wechat_fake: FakeWeChatPay) -> WeChatPayProvider:
    return WeChatPayProvider(wechat_fake.client_config())


@pytest.fixture
def alipay(alipay_fake: FakeAlipay) -> AlipayProvider:
    return AlipayProvider(alipay_fake.client_config())


@pytest.fixture
def config_file(tmp_path: Path, wechat_fake: FakeWeChatPay, alipay_fake: FakeAlipay) -> Path:
    path = tmp_path / "payments.json"
    write_client_configs(path, wechat_fake.client_config(), alipay_fake.client_config())
    return path


@pytest.fixture
def settings(database_url: str, config_file: Path) -> Settings:
    return load_settings(
        database_url=database_url,
        env="test",
        db_pool_min=1,
        db_pool_max=4,
        payments_config_file=str(config_file),
        payments_notify_origin="http://127.0.0.1:9",
    )


@pytest.fixture
def day() -> date:
    return yesterday()


# our side: rows as the payments domain leaves them -------------------------------------------------------------


@dataclass
class Scene:
    estate: Estate
    payer: UUID


@pytest.fixture
async def scene(db: asyncpg.Connection, settings: Settings) -> Scene:
    estate = await make_estate(db, buildings=1, homes_per_building=2)
    _, payer = await person(db, settings, "13900000001", "resident")
    return Scene(estate, payer)


async def our_order(
    db: asyncpg.Connection,
    scene: Scene,
    channel: str,
    no: str,
    fen: int,
    *,
    paid_at: datetime | None = None,
    transaction_id: str | None = None,
) -> UUID:
    """A paid order (with its transaction id, time and receipt), or a pending one (``paid_at`` None)."""
    paid = paid_at is not None
    order_id: UUID = await db.fetchval(
        """INSERT INTO payment_orders (out_trade_no, estate_id, payer_id, channel, amount_fen, state, app_payment,
                                       provider_transaction_id, paid_at, receipt_no, expires_at, next_query_at)
           VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $8, $9, now() + interval '15 minutes', now())
           RETURNING id""",
        no,
        scene.estate.id,
        scene.payer,
        channel,
        fen,
        "paid" if paid else "pending",
        transaction_id if paid else None,
        paid_at,
        f"R-{no}" if paid else None,
    )
    return order_id


async def our_refund(
    db: asyncpg.Connection,
    scene: Scene,
    order_id: UUID,
    refund_no: str,
    fen: int,
    *,
    succeeded_at: datetime | None,
    provider_refund_id: str | None = None,
) -> None:
    """A succeeded refund (posted to the ledger, as the CHECK wants) or one still processing."""
    entry_id = None
    if succeeded_at is not None:
        estate, home = scene.estate.id, scene.estate.homes[0]
        ids = await ledger.accounts(
            db, [ledger.home_account("prepayment", estate, home), ledger.clearing_account(estate, "wechat")]
        )
        prepayment, clearing = ids.values()
        async with db.transaction():
            entry_id = await ledger.post(
                db,
                ledger.Entry(
                    estate_id=estate,
                    kind="refund",
                    lines=[ledger.Line(prepayment, fen), ledger.Line(clearing, -fen)],
                    ref=refund_no,
                ),
            )
    await db.execute(
        """INSERT INTO payment_refunds (refund_no, order_id, home_id, kind, amount_fen, reason, state,
                                        provider_refund_id, entry_id, succeeded_at)
           VALUES ($1, $2, $3, 'duplicate', $4, '重复缴费', $5, $6, $7, $8)""",
        refund_no,
        order_id,
        scene.estate.homes[0],
        fen,
        "succeeded" if succeeded_at else "processing",
        provider_refund_id,
        entry_id,
        succeeded_at,
    )


# their side: paid and refunded at the fakes through the SDKs, stamped at a fixed time --------------------------


async def wx_paid(wechat: WeChatPayProvider, fake: FakeWeChatPay, no: str, fen: int, at: datetime) -> str:
    await wechat.create_order(no, fen, "物业费 2026年11月", NOTIFY)
    await fake.pay(no, mode="silent")
    fake.orders[no].success_time = at
    return fake.orders[no].transaction_id


async def wx_refunded(
    wechat: WeChatPayProvider, fake: FakeWeChatPay, no: str, refund_no: str, fen: int, at: datetime
) -> str:
    await wechat.refund(no, refund_no, fen, fake.orders[no].total, "重复缴费")
    fake.refunds[refund_no].created_at = at
    return fake.refunds[refund_no].refund_id


async def ali_paid(alipay: AlipayProvider, fake: FakeAlipay, no: str, fen: int, at: datetime) -> str:
    order = await alipay.create_order(no, fen, "物业费 2026年11月", NOTIFY)
    assert isinstance(order, AlipayOrderString)
    fake.open_order_string(order.order_string)
    await fake.pay(no, mode="silent")
    fake.orders[no].paid_at = at
    return fake.orders[no].trade_no


async def ali_refunded(
    alipay: AlipayProvider, fake: FakeAlipay, no: str, refund_no: str, fen: int, at: datetime
) -> None:
    await alipay.refund(no, refund_no, fen, fake.orders[no].total, "重复缴费")
    fake.refunds[(no, refund_no)].at = at


async def clean_day(
    db: asyncpg.Connection,
    scene: Scene,
    day: date,
    wechat: WeChatPayProvider,
    wechat_fake: FakeWeChatPay,
    alipay: AlipayProvider,
    alipay_fake: FakeAlipay,
) -> None:
    """WeChat: 150.50 yuan paid at 00:10 CST (16:10 UTC the day before), 89.99 at 23:50, 20.00 of the first
    refunded; Alipay: 300.00 paid, 0.45 refunded. Both sides alike. Around them, what a day's run must not
    count: a payment of the day before, a pending order, a refund still processing."""
    early = cst(day, 0, 10)
    txn = await wx_paid(wechat, wechat_fake, "WX-CLEAN-1", 15050, early)
    order = await our_order(db, scene, "wechat", "WX-CLEAN-1", 15050, paid_at=early, transaction_id=txn)
    late = cst(day, 23, 50, 59)
    txn = await wx_paid(wechat, wechat_fake, "WX-CLEAN-2", 8999, late)
    await our_order(db, scene, "wechat", "WX-CLEAN-2", 8999, paid_at=late, transaction_id=txn)
    refunded_at = cst(day, 12, 0)
    refund_id = await wx_refunded(wechat, wechat_fake, "WX-CLEAN-1", "RF-CLEAN-1", 2000, refunded_at)
    await our_refund(
        db, scene, order, "RF-CLEAN-1", 2000, succeeded_at=refunded_at, provider_refund_id=refund_id
    )
    before = cst(day, 0, 0) - timedelta(seconds=1)  # 23:59:59 the day before
    txn = await wx_paid(wechat, wechat_fake, "WX-BEFORE-1", 777, before)
    await our_order(db, scene, "wechat", "WX-BEFORE-1", 777, paid_at=before, transaction_id=txn)
    await our_order(db, scene, "wechat", "WX-PENDING-1", 500)
    await our_refund(db, scene, order, "RF-PROCESSING", 100, succeeded_at=None)

    paid_at = cst(day, 9, 30)
    trade_no = await ali_paid(alipay, alipay_fake, "ALI-CLEAN-1", 30000, paid_at)
    ali_order = await our_order(
        db, scene, "alipay", "ALI-CLEAN-1", 30000, paid_at=paid_at, transaction_id=trade_no
    )
    refunded_at = cst(day, 18, 5)
    await ali_refunded(alipay, alipay_fake, "ALI-CLEAN-1", "RF-ALI-1", 45, refunded_at)
    await our_refund(db, scene, ali_order, "RF-ALI-1", 45, succeeded_at=refunded_at)


async def stored(db: asyncpg.Connection) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT channel, day, ours_fen, theirs_fen, matched FROM payment_reconciliations ORDER BY id"
    )
    return [dict(r) for r in rows]


async def run(
    db: asyncpg.Connection, provider: WeChatPayProvider | AlipayProvider, day: date
) -> Reconciliation:
    statement = await provider.statement(day)
    async with db.transaction():
        return await reconcile.reconcile(db, provider.channel, day, statement)


# the reconciliation ----------------------------------------------------------------------------------------------


async def test_a_clean_day_matches_every_payment_and_refund_of_the_cst_day(
    db: asyncpg.Connection,
    scene: Scene,
    day: date,
    wechat: WeChatPayProvider,
    wechat_fake: FakeWeChatPay,
    alipay: AlipayProvider,
    alipay_fake: FakeAlipay,
) -> None:
    await clean_day(db, scene, day, wechat, wechat_fake, alipay, alipay_fake)

    result = await run(db, wechat, day)
    assert (result.channel, result.day, result.differences) == ("wechat", day, [])
    assert (result.matched, result.ours_count, result.theirs_count) == (3, 3, 3)
    assert result.ours_fen == result.theirs_fen == 15050 + 8999 - 2000
    assert reconcile.is_clean(result)

    result = await run(db, alipay, day)
    assert (result.channel, result.differences, result.matched) == ("alipay", [], 2)
    assert result.ours_fen == result.theirs_fen == 30000 - 45

    assert await stored(db) == [
        {"channel": "wechat", "day": day, "ours_fen": 22049, "theirs_fen": 22049, "matched": 3},
        {"channel": "alipay", "day": day, "ours_fen": 29955, "theirs_fen": 29955, "matched": 2},
    ]
    # the day before holds the one payment made then, alike on both sides
    before = await run(db, wechat, day - timedelta(days=1))
    assert (before.matched, before.differences, before.ours_fen) == (1, [], 777)


async def test_every_kind_of_difference_is_reported_with_what_we_know(
    db: asyncpg.Connection,
    scene: Scene,
    day: date,
    wechat: WeChatPayProvider,
    wechat_fake: FakeWeChatPay,
) -> None:
    noon = cst(day, 12, 0)
    # alike on both sides
    txn_ok = await wx_paid(wechat, wechat_fake, "WX-A-OK", 10000, noon)
    order_ok = await our_order(db, scene, "wechat", "WX-A-OK", 10000, paid_at=noon, transaction_id=txn_ok)
    # paid at WeChat, the callback never came: our order is still pending
    txn_lost = await wx_paid(wechat, wechat_fake, "WX-B-LOST", 12000, noon)
    await our_order(db, scene, "wechat", "WX-B-LOST", 12000)
    # paid at WeChat under an out_trade_no we never made
    await wx_paid(wechat, wechat_fake, "WX-C-STRANGER", 300, noon)
    # we count it, WeChat never saw it paid
    await wechat.create_order("WX-D-OURS", 4500, "物业费", NOTIFY)
    await our_order(db, scene, "wechat", "WX-D-OURS", 4500, paid_at=noon, transaction_id="4200009999")
    # another amount; another transaction id; both
    txn_amount = await wx_paid(wechat, wechat_fake, "WX-E-AMOUNT", 10000, noon)
    await our_order(db, scene, "wechat", "WX-E-AMOUNT", 10001, paid_at=noon, transaction_id=txn_amount)
    await wx_paid(wechat, wechat_fake, "WX-F-TXN", 2000, noon)
    await our_order(
        db, scene, "wechat", "WX-F-TXN", 2000, paid_at=noon, transaction_id="4200000000000000000000000001"
    )
    await wx_paid(wechat, wechat_fake, "WX-G-BOTH", 2000, noon)
    await our_order(
        db, scene, "wechat", "WX-G-BOTH", 2100, paid_at=noon, transaction_id="4200000000000000000000000002"
    )
    # paid at WeChat at 23:59:58, our callback applied it with 00:00:03 the next day: it belongs to the next day
    txn_late = await wx_paid(wechat, wechat_fake, "WX-H-LATE", 6600, cst(day, 23, 59, 58))
    applied_at = cst(day, 23, 59, 58) + timedelta(seconds=5)
    await our_order(db, scene, "wechat", "WX-H-LATE", 6600, paid_at=applied_at, transaction_id=txn_late)
    # refunds: one WeChat made that we still think is processing; one we count that WeChat does not have
    refund_id = await wx_refunded(wechat, wechat_fake, "WX-A-OK", "RF-1-LOST", 1000, noon)
    await our_refund(db, scene, order_ok, "RF-1-LOST", 1000, succeeded_at=None)
    await our_refund(db, scene, order_ok, "RF-2-OURS", 500, succeeded_at=noon, provider_refund_id="503000001")
    estate = scene.estate.id

    def d(
        kind: DifferenceKind, entry: EntryKind, no: str, ours: int | None, theirs: int | None, **more: Any
    ) -> ReconciliationDifference:
        values: dict[str, Any] = {
            "refund_no": None,
            "ours_transaction_id": None,
            "theirs_transaction_id": None,
            "estate_id": estate,
            "ours_state": None,
        }
        values.update(more)
        return ReconciliationDifference(
            kind=kind,
            entry=entry,
            out_trade_no=no,
            ours_fen=ours,
            theirs_fen=theirs,
            **values,
        )

    result = await run(db, wechat, day)
    theirs_txn = {no: o.transaction_id for no, o in wechat_fake.orders.items()}
    assert result.differences == [
        d("missing_ours", "payment", "WX-B-LOST", None, 12000, theirs_transaction_id=txn_lost, ours_state="pending"),
        d("missing_ours", "payment", "WX-C-STRANGER", None, 300,
          theirs_transaction_id=theirs_txn["WX-C-STRANGER"], estate_id=None),
        d("missing_theirs", "payment", "WX-D-OURS", 4500, None, ours_transaction_id="4200009999", ours_state="paid"),
        d("amount_differs", "payment", "WX-E-AMOUNT", 10001, 10000, ours_transaction_id=txn_amount,
          theirs_transaction_id=txn_amount, ours_state="paid"),
        d("transaction_differs", "payment", "WX-F-TXN", 2000, 2000,
          ours_transaction_id="4200000000000000000000000001", theirs_transaction_id=theirs_txn["WX-F-TXN"],
          ours_state="paid"),
        d("amount_differs", "payment", "WX-G-BOTH", 2100, 2000,
          ours_transaction_id="4200000000000000000000000002", theirs_transaction_id=theirs_txn["WX-G-BOTH"],
          ours_state="paid"),
        d("transaction_differs", "payment", "WX-G-BOTH", 2100, 2000,
          ours_transaction_id="4200000000000000000000000002", theirs_transaction_id=theirs_txn["WX-G-BOTH"],
          ours_state="paid"),
        d("missing_ours", "payment", "WX-H-LATE", None, 6600, theirs_transaction_id=txn_late, ours_state="paid"),
        d("missing_ours", "refund", "WX-A-OK", None, 1000, refund_no="RF-1-LOST",
          theirs_transaction_id=refund_id, ours_state="processing"),
        d("missing_theirs", "refund", "WX-A-OK", 500, None, refund_no="RF-2-OURS",
          ours_transaction_id="503000001", ours_state="succeeded"),
    ]  # fmt: skip
    # alike on both sides: WX-A-OK only
    assert (result.matched, result.ours_count, result.theirs_count) == (1, 6, 8)
    assert result.ours_fen == 10000 + 4500 + 10001 + 2000 + 2100 - 500
    assert result.theirs_fen == 10000 + 12000 + 300 + 10000 + 2000 + 2000 + 6600 - 1000
    assert not reconcile.is_clean(result)

    # the lost callback is found and applied; the day is run again: a new row, and the latest is the answer
    await db.execute(
        """UPDATE payment_orders SET state = 'paid', provider_transaction_id = $2, paid_at = $3, receipt_no = 'R-B'
            WHERE out_trade_no = $1""",
        "WX-B-LOST",
        txn_lost,
        noon,
    )
    again = await run(db, wechat, day)
    assert again.id > result.id
    assert [x.out_trade_no for x in again.differences if x.kind == "missing_ours"] == [
        "WX-C-STRANGER",
        "WX-H-LATE",
        "WX-A-OK",
    ]
    assert again.matched == 2
    latest = await reconcile.latest(db, day)
    assert latest.items == [again]
    assert len(await stored(db)) == 2
    # the next day counts the late payment on our side only
    next_day = await run(db, wechat, day + timedelta(days=1))
    assert [(x.kind, x.out_trade_no) for x in next_day.differences] == [("missing_theirs", "WX-H-LATE")]


def test_the_report_reads_in_yuan() -> None:
    assert [reconcile.yuan(f) for f in (0, 5, 1230, 123456789, -45)] == [
        "0.00",
        "0.05",
        "12.30",
        "1,234,567.89",
        "-0.45",
    ]


# the command line ------------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, config_file: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")
    monkeypatch.setenv("PAYMENTS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("PAYMENTS_NOTIFY_ORIGIN", "http://127.0.0.1:9")


async def cityloop(*argv: str) -> int:
    # the command runs its own event loop: in a thread, while this loop goes on serving the fakes
    return await asyncio.to_thread(cli.main, list(argv))


async def test_cli_reconciles_every_configured_channel_and_exits_1_on_a_difference(
    db: asyncpg.Connection,
    scene: Scene,
    day: date,
    wechat: WeChatPayProvider,
    wechat_fake: FakeWeChatPay,
    alipay: AlipayProvider,
    alipay_fake: FakeAlipay,
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await clean_day(db, scene, day, wechat, wechat_fake, alipay, alipay_fake)

    assert await cityloop("payments", "reconcile", "--date", day.isoformat()) == 0
    out = capsys.readouterr().out
    assert f"payments reconcile wechat {day} (CST): OK" in out
    assert f"payments reconcile alipay {day} (CST): OK" in out
    assert "ours:   3 entries, net 220.49 yuan" in out
    assert "statement: 2 payments 240.49 yuan, 1 refunds 20.00 yuan" in out
    assert "ours:   2 entries, net 299.55 yuan" in out
    assert [r["channel"] for r in await stored(db)] == ["wechat", "alipay"]

    assert await cityloop("payments", "reconcile", "--date", day.isoformat(), "--channel", "alipay") == 0
    out = capsys.readouterr().out
    assert "alipay" in out and "wechat" not in out

    # a payment we count that WeChat does not have: exit 1, and the difference on its own line
    await our_order(
        db, scene, "wechat", "WX-OURS-ONLY", 12345, paid_at=cst(day, 8, 0), transaction_id="42001"
    )
    first = yesterday()
    code = await cityloop("payments", "reconcile")  # yesterday (CST), every channel
    if yesterday() == first == day:
        assert code == 1
        out = capsys.readouterr().out
        assert f"payments reconcile wechat {day} (CST): 1 DIFFERENCE(S)" in out
        assert (
            f"missing_theirs: payment WX-OURS-ONLY: ours 123.45, theirs none; estate {scene.estate.id}" in out
        )
        assert f"payments reconcile alipay {day} (CST): OK" in out
        assert len(await stored(db)) == 5


async def test_cli_exits_2_when_a_provider_is_missing_or_unavailable(
    db: asyncpg.Connection,
    scene: Scene,
    day: date,
    tmp_path: Path,
    wechat_fake: FakeWeChatPay,
    alipay: AlipayProvider,
    alipay_fake: FakeAlipay,
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    paid_at = cst(day, 9, 30)
    trade_no = await ali_paid(alipay, alipay_fake, "ALI-ONE-1", 30000, paid_at)
    await our_order(db, scene, "alipay", "ALI-ONE-1", 30000, paid_at=paid_at, transaction_id=trade_no)
    when = day.isoformat()

    # no provider configured at all
    monkeypatch.setenv("PAYMENTS_CONFIG_FILE", "")
    assert await cityloop("payments", "reconcile", "--date", when) == 2
    assert "no payment provider is configured" in capsys.readouterr().err
    # only WeChat configured, Alipay asked for
    only_wechat = tmp_path / "wechat_only.json"
    configs = json.loads((tmp_path / "payments.json").read_text(encoding="utf-8"))
    only_wechat.write_text(json.dumps({"wechat": configs["wechat"]}), encoding="utf-8")
    monkeypatch.setenv("PAYMENTS_CONFIG_FILE", str(only_wechat))
    assert await cityloop("payments", "reconcile", "--date", when, "--channel", "alipay") == 2
    assert "no payment provider is configured for alipay" in capsys.readouterr().err
    # a day that has not come yet
    monkeypatch.setenv("PAYMENTS_CONFIG_FILE", str(tmp_path / "payments.json"))
    tomorrow = datetime.now(CHINA_TZ).date() + timedelta(days=1)
    assert await cityloop("payments", "reconcile", "--date", tomorrow.isoformat()) == 2
    assert "has not come yet" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad_date:
        cli.main(["payments", "reconcile", "--date", "2026-02-30"])
    assert bad_date.value.code == 2
    assert "a date is YYYY-MM-DD" in capsys.readouterr().err
    assert await stored(db) == []

    # WeChat cannot be reached (nothing listens where it is said to be): Alipay is still reconciled
    unreachable = tmp_path / "unreachable.json"
    write_client_configs(
        unreachable, wechat_fake.client_config(base_url="http://127.0.0.1:9"), alipay_fake.client_config()
    )
    monkeypatch.setenv("PAYMENTS_CONFIG_FILE", str(unreachable))
    assert await cityloop("payments", "reconcile", "--date", when) == 2
    out = capsys.readouterr()
    assert "wechat: payment_provider_unavailable" in out.err and "not reconciled" in out.err
    assert f"payments reconcile alipay {day} (CST): OK" in out.out
    assert [r["channel"] for r in await stored(db)] == ["alipay"]


# the read endpoint -------------------------------------------------------------------------------------------------


async def test_the_endpoint_answers_the_latest_run_per_channel_to_admins_only(
    client: AsyncTestClient[Litestar],
    db: asyncpg.Connection,
    settings: Settings,
    scene: Scene,
    day: date,
    wechat: WeChatPayProvider,
    wechat_fake: FakeWeChatPay,
    alipay: AlipayProvider,
    alipay_fake: FakeAlipay,
) -> None:
    await clean_day(db, scene, day, wechat, wechat_fake, alipay, alipay_fake)
    await our_order(
        db, scene, "wechat", "WX-OURS-ONLY", 12345, paid_at=cst(day, 8, 0), transaction_id="42001"
    )
    first = await run(db, wechat, day)
    await db.execute(
        """UPDATE payment_orders SET state = 'closed', provider_transaction_id = NULL, paid_at = NULL,
                                     receipt_no = NULL
            WHERE out_trade_no = 'WX-OURS-ONLY'"""
    )
    latest_wechat = await run(db, wechat, day)
    latest_alipay = await run(db, alipay, day)
    assert len(first.differences) == 1 and latest_wechat.differences == []

    admin, _ = await person(db, settings, "13800000001", "admin")
    url = "/v1/payments/reconciliations"
    r = await client.get(url, params={"date": day.isoformat()}, headers=auth(admin))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["day"] == day.isoformat()
    assert [(i["channel"], i["id"]) for i in body["items"]] == [
        ("wechat", latest_wechat.id),
        ("alipay", latest_alipay.id),
    ]
    assert body["items"][0]["differences"] == [] and body["items"][0]["matched"] == 3
    assert body["items"][1]["ours_fen"] == body["items"][1]["theirs_fen"] == 29955

    r = await client.get(url, params={"date": day.isoformat(), "channel": "alipay"}, headers=auth(admin))
    assert [i["channel"] for i in r.json()["items"]] == ["alipay"]
    r = await client.get(url, params={"date": (day - timedelta(days=3)).isoformat()}, headers=auth(admin))
    assert r.status_code == 200 and r.json()["items"] == []

    # a difference reads as stored
    await db.execute(
        "DELETE FROM payment_reconciliations WHERE id IN ($1, $2)", latest_wechat.id, latest_alipay.id
    )
    r = await client.get(url, params={"date": day.isoformat()}, headers=auth(admin))
    [item] = r.json()["items"]
    assert item["differences"] == [
        {
            "kind": "missing_theirs",
            "entry": "payment",
            "out_trade_no": "WX-OURS-ONLY",
            "refund_no": None,
            "ours_fen": 12345,
            "theirs_fen": None,
            "ours_transaction_id": "42001",
            "theirs_transaction_id": None,
            "estate_id": str(scene.estate.id),
            "ours_state": "paid",
        }
    ]
    assert (item["ours_count"], item["theirs_count"], item["matched"]) == (4, 3, 3)

    # everybody else: 403 with the role named; nobody: 401
    others = {
        "13800000002": "property_manager",
        "13800000003": "housing_officer",
        "13800000004": "property_staff",
    }
    for phone, role in others.items():
        token, _ = await person(db, settings, phone, role)
        r = await client.get(url, params={"date": day.isoformat()}, headers=auth(token))
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), role
    r = await client.get(url, params={"date": day.isoformat()})
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")


@pytest.mark.parametrize(
    "query",
    [{}, {"date": "2026-02-30"}, {"date": "30/11/2026"}, {"date": "2026-11-30", "channel": "paypal"}],
    ids=["no-date", "no-such-day", "not-iso", "unknown-channel"],
)
async def test_the_endpoint_refuses_a_bad_date_or_channel(
    client: AsyncTestClient[Litestar], db: asyncpg.Connection, settings: Settings, query: dict[str, str]
) -> None:
    admin, _ = await person(db, settings, "13800000001", "admin")
    before = await db.fetchval("SELECT count(*) FROM payment_reconciliations")
    r = await client.get("/v1/payments/reconciliations", params=query, headers=auth(admin))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    assert await db.fetchval("SELECT count(*) FROM payment_reconciliations") == before
