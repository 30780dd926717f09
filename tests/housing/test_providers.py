"""The payment providers layer against local fakes that speak WeChat Pay API v3 and Alipay's gateway.

The SDKs (wechatpayv3, python-alipay-sdk) do their real work here: signing requests, downloading and decrypting
the platform certificate, verifying answers and callbacks, decrypting resources. No database is needed, and
nothing leaves the machine (``no_network`` fails a test that resolves or connects past loopback, SDK threads
included): the SDKs' hard-coded production hosts are never asked.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from housing.providers import (
    AlipayOrderString,
    AlipayProvider,
    PaymentCallback,
    PaymentProvider,
    RefundCallback,
    WeChatAppParams,
    WeChatJsapiParams,
    WeChatPayProvider,
    production_problems,
)
from housing.providers.base import CHINA_TZ, ThreadLimit
from housing.providers.config import AlipayConfig, WeChatPayConfig
from housing.providers.errors import (
    AmountInvalid,
    CallbackMalformed,
    CallbackRefused,
    CallbackSignatureInvalid,
    CallbackStale,
    CallbackUndecryptable,
    CallbackUnknownMerchant,
    PaymentRequestInvalid,
    ProviderConfigInvalid,
    ProviderRefused,
    ProviderResponseInvalid,
    ProviderUnavailable,
    StatementInvalid,
)
from housing.providers.fakes import FakeAlipay, FakeWeChatPay, Notification
from housing.providers.fakes.common import Server
from housing.providers.fakes.keys import process_key, public_pem
from housing.providers.models import CallbackEvent
from housing.providers.money import fen_to_yuan, yuan_to_fen
from housing.providers.statements import parse_alipay_bill_csv, parse_wechat_trade_bill

pytestmark = pytest.mark.anyio

TODAY = datetime.now(CHINA_TZ).date()

# nothing leaves the machine ---------------------------------------------------------------------------------------


def _local(host: object) -> bool:
    if not isinstance(host, str):
        return True
    return host in ("localhost", "::1", "") or host.startswith("127.") or host.startswith("/")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _local(host):
            attempts.append(f"resolve {host}")
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on this machine: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _local(host):
            attempts.append(f"connect {address}")
            raise OSError(f"tests stay on this machine: {address}")
        real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    assert attempts == [], f"a test tried to leave the machine: {attempts}"


# fakes, providers and a receiver of callbacks ----------------------------------------------------------------------


@pytest.fixture
async def wechat_fake() -> AsyncIterator[FakeWeChatPay]:
    fake = FakeWeChatPay(late_s=0.3)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def alipay_fake() -> AsyncIterator[FakeAlipay]:
    fake = FakeAlipay(late_s=0.3)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def wechat(wechat_fake: FakeWeChatPay) -> WeChatPayProvider:
    return WeChatPayProvider(wechat_fake.client_config())


@pytest.fixture
def alipay(alipay_fake: FakeAlipay) -> AlipayProvider:
    return AlipayProvider(alipay_fake.client_config())


class Receiver:
    """The merchant's notify URL, as the bills side will have it: verify, then ack; refuse, then nack."""

    def __init__(self, provider: PaymentProvider) -> None:
        self.provider = provider
        self.events: list[CallbackEvent] = []
        self.refused: list[CallbackRefused] = []
        self.url = ""
        self._server = Server()

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/notify", self._notify)
        self.url = await self._server.start(app) + "/notify"
        return self.url

    async def _notify(self, request: web.Request) -> web.Response:
        try:
            event = await self.provider.verify_callback(request.headers, await request.read())
        except CallbackRefused as exc:
            self.refused.append(exc)
            answer = self.provider.nack(exc.code)
        else:
            self.events.append(event)
            answer = self.provider.ack()
        headers = {"Content-Type": answer.content_type} if answer.content_type else {}
        return web.Response(status=answer.status, body=answer.body, headers=headers)

    async def stop(self) -> None:
        await self._server.stop()


@pytest.fixture
async def wechat_receiver(wechat: WeChatPayProvider) -> AsyncIterator[Receiver]:
    receiver = Receiver(wechat)
    await receiver.start()
    yield receiver
    await receiver.stop()


@pytest.fixture
async def alipay_receiver(alipay: AlipayProvider) -> AsyncIterator[Receiver]:
    receiver = Receiver(alipay)
    await receiver.start()
    yield receiver
    await receiver.stop()


def _verifies(public_pem_text: str, message: str, signature: str) -> bool:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(public_pem_text.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    return True


async def _wechat_paid(
    wechat: WeChatPayProvider, fake: FakeWeChatPay, no: str, fen: int, url: str = "http://127.0.0.1:9/notify"
) -> None:
    await wechat.create_order(no, fen, "物业费 2024年1月", url)
    await fake.pay(no, "silent")


async def _alipay_paid(
    alipay: AlipayProvider, fake: FakeAlipay, no: str, fen: int, url: str = "http://127.0.0.1:9/notify"
) -> None:
    order = await alipay.create_order(no, fen, "物业费 2024年1月", url)
    assert isinstance(order, AlipayOrderString)
    fake.open_order_string(order.order_string)
    await fake.pay(no, "silent")


# WeChat Pay: orders ----------------------------------------------------------------------------------------------


async def test_wechat_order_is_made_by_the_sdk_and_signed_for_the_app(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay
) -> None:
    params = await wechat.create_order("BILL2024010001", 12345, "物业费 2024年1月", "http://127.0.0.1:9/n")

    assert isinstance(params, WeChatAppParams)
    # the SDK fetched the platform certificate (encrypted under the APIv3 key), then made the prepay order
    assert wechat_fake.calls == [("GET", "/v3/certificates"), ("POST", "/v3/pay/transactions/app")]
    order = wechat_fake.orders["BILL2024010001"]
    assert (order.total, order.currency, order.prepay_id) == (12345, "CNY", params.prepayid)
    assert (params.appid, params.partnerid, params.package) == (
        wechat_fake.appid,
        wechat_fake.mchid,
        "Sign=WXPay",
    )
    message = f"{params.appid}\n{params.timestamp}\n{params.noncestr}\n{params.prepayid}\n"
    assert _verifies(public_pem(wechat_fake.merchant_key), message, params.sign)


async def test_wechat_jsapi_order_needs_the_payer_and_signs_the_package(wechat_fake: FakeWeChatPay) -> None:
    provider = WeChatPayProvider(wechat_fake.client_config(trade_type="JSAPI"))
    with pytest.raises(PaymentRequestInvalid):
        await provider.create_order("BILL2024010002", 100, "物业费", "http://127.0.0.1:9/n")
    assert wechat_fake.orders == {}

    params = await provider.create_order(
        "BILL2024010002", 100, "物业费", "http://127.0.0.1:9/n", payer_openid="oU1"
    )

    assert isinstance(params, WeChatJsapiParams)
    assert params.package == f"prepay_id={wechat_fake.orders['BILL2024010002'].prepay_id}"
    message = f"{params.appId}\n{params.timeStamp}\n{params.nonceStr}\n{params.package}\n"
    assert _verifies(public_pem(wechat_fake.merchant_key), message, params.paySign)


@pytest.mark.parametrize(
    ("out_trade_no", "amount"),
    [
        ("short", 100),
        ("BILL|2024|0001", 100),
        ("订单2024010001", 100),
        ("BILL2024010001", 0),
        ("BILL2024010001", -1),
        ("BILL2024010001", True),
        ("BILL2024010001", 1.5),
    ],
)
async def test_bad_orders_are_refused_before_any_call(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay, out_trade_no: str, amount: Any
) -> None:
    with pytest.raises(PaymentRequestInvalid):
        await wechat.create_order(out_trade_no, amount, "物业费", "http://127.0.0.1:9/n")
    assert wechat_fake.calls == [] and wechat_fake.orders == {}


async def test_wechat_refusals_and_outages_are_typed(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay
) -> None:
    await _wechat_paid(wechat, wechat_fake, "BILL2024010003", 100)
    with pytest.raises(ProviderRefused) as refused:
        await wechat.create_order("BILL2024010003", 100, "物业费 2024年1月", "http://127.0.0.1:9/notify")
    assert refused.value.provider_code == "ORDERPAID"

    # a merchant key the platform does not know: WeChat answers 401 SIGN_ERROR
    stranger = WeChatPayProvider(wechat_fake.client_config(merchant_private_key=_pem_of_new_key()))
    with pytest.raises(ProviderRefused) as unsigned:
        await stranger.query_order("BILL2024010003")
    assert unsigned.value.provider_code == "SIGN_ERROR"

    # the provider is down
    await wechat_fake.stop()
    down = WeChatPayProvider(wechat_fake.client_config())
    with pytest.raises(ProviderUnavailable):
        await down.create_order("BILL2024010004", 100, "物业费", "http://127.0.0.1:9/n")
    with pytest.raises(ProviderUnavailable):  # an SDK already built: the call itself fails
        await wechat.query_order("BILL2024010003")


async def test_wechat_certificates_under_another_apiv3_key_are_a_configuration_error(
    wechat_fake: FakeWeChatPay,
) -> None:
    provider = WeChatPayProvider(wechat_fake.client_config(apiv3_key="0" * 32))
    with pytest.raises(ProviderConfigInvalid, match="APIv3"):
        await provider.create_order("BILL2024010008", 100, "物业费", "http://127.0.0.1:9/n")
    assert wechat_fake.orders == {}


async def test_wechat_answers_signed_by_another_key_are_not_believed(wechat_fake: FakeWeChatPay) -> None:
    wechat_fake.public_key_mode = True
    stranger_key = public_pem(process_key("test-stranger"))
    provider = WeChatPayProvider(
        wechat_fake.client_config(
            platform_public_key=stranger_key, platform_public_key_id=wechat_fake.public_key_id
        )
    )
    with pytest.raises(ProviderResponseInvalid):
        await provider.create_order("BILL2024010005", 100, "物业费", "http://127.0.0.1:9/n")


async def test_wechat_public_key_mode_needs_no_certificate(wechat_fake: FakeWeChatPay) -> None:
    wechat_fake.public_key_mode = True
    provider = WeChatPayProvider(wechat_fake.client_config())
    await _wechat_paid(provider, wechat_fake, "BILL2024010006", 100)
    notification = wechat_fake.payment_notification("BILL2024010006")

    event = await provider.verify_callback(notification.headers, notification.body)

    assert isinstance(event, PaymentCallback) and event.amount_fen == 100
    assert ("GET", "/v3/certificates") not in wechat_fake.calls


async def test_wechat_query(wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay) -> None:
    assert (await wechat.query_order("BILL2024019999")).state == "not_found"
    await wechat.create_order("BILL2024010007", 2550, "物业费", "http://127.0.0.1:9/n")
    pending = await wechat.query_order("BILL2024010007")
    assert (pending.state, pending.amount_fen, pending.paid_at) == ("pending", 2550, None)
    await wechat_fake.pay("BILL2024010007", "silent")

    paid = await wechat.query_order("BILL2024010007")

    order = wechat_fake.orders["BILL2024010007"]
    assert (paid.state, paid.amount_fen, paid.currency) == ("paid", 2550, "CNY")
    assert paid.provider_transaction_id == order.transaction_id
    assert paid.paid_at == order.success_time and paid.paid_at is not None and paid.paid_at.tzinfo == UTC
    with pytest.raises(ProviderRefused):  # a paid order cannot be closed
        await wechat.close_order("BILL2024010007")


# WeChat Pay: callbacks ------------------------------------------------------------------------------------------


async def test_wechat_callback_verifies_into_the_payment(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay, wechat_receiver: Receiver
) -> None:
    await wechat.create_order("BILL2024010010", 12345, "物业费 2024年1月", wechat_receiver.url)
    await wechat_fake.pay("BILL2024010010")

    (delivery,) = await wechat_fake.deliverer.wait_for(1)

    assert (delivery.status, delivery.answer, delivery.acknowledged) == (204, b"", True)
    (event,) = wechat_receiver.events
    order = wechat_fake.orders["BILL2024010010"]
    assert event == PaymentCallback(
        channel="wechat",
        out_trade_no="BILL2024010010",
        provider_transaction_id=order.transaction_id,
        state="paid",
        amount_fen=12345,
        currency="CNY",
        paid_at=order.success_time.astimezone(UTC) if order.success_time else None,
        raw=event.raw,
    )
    assert event.raw["resource"]["amount"]["total"] == 12345  # decrypted


async def test_wechat_callback_twice_late_and_out_of_order(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay, wechat_receiver: Receiver
) -> None:
    for no in ("BILL2024010011", "BILL2024010012", "BILL2024010013", "BILL2024010014", "BILL2024010015"):
        await wechat.create_order(no, 100, "物业费", wechat_receiver.url)
    await wechat_fake.pay("BILL2024010011", "twice")
    await wechat_fake.deliverer.wait_for(2)
    first, second = wechat_receiver.events
    assert first == second  # the same payment twice: the caller applies it once, by transaction id
    assert first.raw["id"] == second.raw["id"]

    await wechat_fake.pay("BILL2024010012", "held")
    await wechat_fake.pay("BILL2024010013")
    await wechat_fake.deliverer.wait_for(4)
    assert [e.out_trade_no for e in wechat_receiver.events[2:]] == ["BILL2024010013", "BILL2024010012"]

    # a late callback: the order is paid at the provider before its callback comes, which a payment made after
    # it overtakes
    await wechat_fake.pay("BILL2024010014", "late")
    assert (await wechat.query_order("BILL2024010014")).state == "paid"
    await wechat_fake.pay("BILL2024010015")
    await wechat_fake.deliverer.wait_for(6)
    assert [e.out_trade_no for e in wechat_receiver.events[4:]] == ["BILL2024010015", "BILL2024010014"]
    assert all(d.acknowledged for d in wechat_fake.deliveries)


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("forged", CallbackSignatureInvalid),
        ("tampered", CallbackSignatureInvalid),
        ("unknown_serial", CallbackSignatureInvalid),
        ("stale", CallbackStale),
        ("wrong_key", CallbackUndecryptable),
        ("wrong_appid", CallbackUnknownMerchant),
    ],
)
async def test_wechat_hostile_callbacks_are_refused_and_answered_for_a_retry(
    wechat: WeChatPayProvider,
    wechat_fake: FakeWeChatPay,
    wechat_receiver: Receiver,
    mode: Any,
    error: type[CallbackRefused],
) -> None:
    await wechat.create_order("BILL2024010020", 100, "物业费", wechat_receiver.url)
    await wechat_fake.pay("BILL2024010020", mode)

    (delivery,) = await wechat_fake.deliverer.wait_for(1)

    assert wechat_receiver.events == []
    (refusal,) = wechat_receiver.refused
    assert type(refusal) is error
    assert delivery.status == 500 and not delivery.acknowledged
    assert json.loads(delivery.answer) == {"code": "FAIL", "message": error.code}


async def test_wechat_unknown_serials_refresh_the_certificates_at_most_once_a_minute(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay
) -> None:
    await _wechat_paid(wechat, wechat_fake, "BILL2024010021", 100)
    for _ in range(5):
        notification = wechat_fake.payment_notification("BILL2024010021", mode="unknown_serial")
        with pytest.raises(CallbackSignatureInvalid):
            await wechat.verify_callback(notification.headers, notification.body)
    assert wechat_fake.calls.count(("GET", "/v3/certificates")) == 1
    good = wechat_fake.payment_notification("BILL2024010021")
    assert isinstance(await wechat.verify_callback(good.headers, good.body), PaymentCallback)


async def test_wechat_timestamps_more_than_five_minutes_off_are_stale(
    wechat_fake: FakeWeChatPay, wechat: WeChatPayProvider
) -> None:
    await _wechat_paid(wechat, wechat_fake, "BILL2024010022", 100)
    notification = wechat_fake.payment_notification("BILL2024010022")
    signed_at = int(notification.headers["Wechatpay-Timestamp"])
    for offset, ok in ((-299, True), (299, True), (-301, False), (301, False)):
        provider = WeChatPayProvider(
            wechat_fake.client_config(), clock=functools.partial(float, signed_at - offset)
        )
        if ok:
            assert isinstance(
                await provider.verify_callback(notification.headers, notification.body), PaymentCallback
            )
        else:
            with pytest.raises(CallbackStale):
                await provider.verify_callback(notification.headers, notification.body)


async def test_wechat_mismatched_amount_and_currency_arrive_as_the_provider_says(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay
) -> None:
    """Validly signed: not refused here; the bills side compares them with its order and flags them."""
    await _wechat_paid(wechat, wechat_fake, "BILL2024010023", 100)
    amount = wechat_fake.payment_notification("BILL2024010023", mode="amount_mismatch")
    currency = wechat_fake.payment_notification("BILL2024010023", mode="currency_mismatch")

    more = await wechat.verify_callback(amount.headers, amount.body)
    usd = await wechat.verify_callback(currency.headers, currency.body)

    assert (more.amount_fen, more.currency) == (101, "CNY")
    assert (usd.amount_fen, usd.currency) == (100, "USD")


async def test_wechat_malformed_callbacks(wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay) -> None:
    await _wechat_paid(wechat, wechat_fake, "BILL2024010024", 100)
    order = wechat_fake.orders["BILL2024010024"]

    def signed(resource: dict[str, Any], event_type: str = "TRANSACTION.SUCCESS") -> Notification:
        return wechat_fake.notification(order.notify_url, event_type, "支付成功", "transaction", resource)

    float_total = wechat_fake.transaction(order)
    float_total["amount"]["total"] = 100.0
    string_total = wechat_fake.transaction(order)
    string_total["amount"]["total"] = "100"
    unknown_state = wechat_fake.transaction(order) | {"trade_state": "WHATEVER"}
    no_time = {k: v for k, v in wechat_fake.transaction(order).items() if k != "success_time"}
    cases: list[tuple[Notification, type[CallbackRefused]]] = [
        (signed(float_total), AmountInvalid),
        (signed(string_total), AmountInvalid),
        (signed(unknown_state), CallbackMalformed),
        (signed(no_time), CallbackMalformed),
        (signed(wechat_fake.transaction(order), "MYSTERY.EVENT"), CallbackMalformed),
    ]
    good = signed(wechat_fake.transaction(order))
    missing = {k: v for k, v in good.headers.items() if k != "Wechatpay-Signature"}
    cases.append((Notification(good.url, missing, good.body), CallbackSignatureInvalid))
    other_type = good.headers | {"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"}
    cases.append((Notification(good.url, other_type, good.body), CallbackSignatureInvalid))
    cases.append(
        (
            Notification(good.url, good.headers | {"Wechatpay-Serial": "not-hex"}, good.body),
            CallbackSignatureInvalid,
        )
    )
    for notification, error in cases:
        with pytest.raises(error):
            await wechat.verify_callback(notification.headers, notification.body)


# WeChat Pay: refunds and the statement ----------------------------------------------------------------------------


async def test_wechat_refund_round_trip_with_its_callback(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay, wechat_receiver: Receiver
) -> None:
    await _wechat_paid(wechat, wechat_fake, "BILL2024010030", 10000, wechat_receiver.url)

    status = await wechat.refund(
        "BILL2024010030", "REFUND0001", 2500, 10000, "重复缴费", notify_url=wechat_receiver.url
    )

    assert (status.state, status.amount_fen, status.refund_no) == ("processing", 2500, "REFUND0001")
    (delivery,) = await wechat_fake.deliverer.wait_for(1)
    assert delivery.acknowledged
    (event,) = wechat_receiver.events
    assert isinstance(event, RefundCallback)
    refund = wechat_fake.refunds["REFUND0001"]
    assert (event.out_trade_no, event.refund_no, event.provider_refund_id) == (
        "BILL2024010030",
        "REFUND0001",
        refund.refund_id,
    )
    assert (event.state, event.amount_fen, event.total_fen, event.currency) == (
        "succeeded",
        2500,
        10000,
        "CNY",
    )
    done = await wechat.query_refund("BILL2024010030", "REFUND0001")
    assert (done.state, done.amount_fen) == ("succeeded", 2500)
    assert (await wechat.query_order("BILL2024010030")).state == "refunded"

    with pytest.raises(ProviderRefused) as too_much:  # 2,500 refunded of 10,000: 7,501 more is too much
        await wechat.refund("BILL2024010030", "REFUND0002", 7501, 10000, "重复缴费")
    assert too_much.value.provider_code == "INVALID_REQUEST"
    with pytest.raises(PaymentRequestInvalid):
        await wechat.refund("BILL2024010030", "REFUND0003", 10001, 10000, "重复缴费")
    with pytest.raises(PaymentRequestInvalid):
        await wechat.refund("BILL2024010030", "REFUND0003", 100, 10000, "")
    assert set(wechat_fake.refunds) == {"REFUND0001"}


async def test_wechat_statement_parses_into_typed_rows(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay
) -> None:
    assert (await wechat.statement(TODAY)).rows == []  # NO_STATEMENT_EXIST: a day without trades
    await _wechat_paid(wechat, wechat_fake, "BILL2024010040", 12345)
    await _wechat_paid(wechat, wechat_fake, "BILL2024010041", 30)
    await wechat.refund("BILL2024010040", "REFUND0040", 45, 12345, "多收")

    statement = await wechat.statement(TODAY)

    assert (statement.channel, statement.day, statement.payments_fen, statement.refunds_fen) == (
        "wechat",
        TODAY,
        12375,
        45,
    )
    rows = {(r.kind, r.out_trade_no): r for r in statement.rows}
    assert set(rows) == {
        ("payment", "BILL2024010040"),
        ("payment", "BILL2024010041"),
        ("refund", "BILL2024010040"),
    }
    refund = rows[("refund", "BILL2024010040")]
    assert (refund.amount_fen, refund.refund_no, refund.provider_refund_id) == (
        45,
        "REFUND0040",
        wechat_fake.refunds["REFUND0040"].refund_id,
    )
    paid = rows[("payment", "BILL2024010040")]
    assert paid.provider_transaction_id == wechat_fake.orders["BILL2024010040"].transaction_id
    assert paid.at.tzinfo == UTC and paid.amount_fen == 12345
    assert wechat_fake.calls[-2:] == [("GET", "/v3/bill/tradebill"), ("GET", "/v3/billdownload/file")]
    assert (await wechat.statement(TODAY - timedelta(days=1))).rows == []


async def test_wechat_statement_that_does_not_add_up_is_refused(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _wechat_paid(wechat, wechat_fake, "BILL2024010042", 12345)
    honest = wechat_fake.trade_bill
    monkeypatch.setattr(
        wechat_fake, "trade_bill", lambda day: honest(day).replace(b"`0.00000,`123.45,", b"`0.00000,`123.46,")
    )
    with pytest.raises(StatementInvalid):
        await wechat.statement(TODAY)


# Alipay: orders ------------------------------------------------------------------------------------------------


async def test_alipay_order_string_is_signed_by_the_sdk(
    alipay: AlipayProvider, alipay_fake: FakeAlipay
) -> None:
    order = await alipay.create_order("BILL2024020001", 12345, "物业费 2024年1月", "http://127.0.0.1:9/n")

    assert isinstance(order, AlipayOrderString)
    params = dict(parse_qsl(order.order_string))
    biz = json.loads(params["biz_content"])
    assert params["method"] == "alipay.trade.app.pay" and params["sign_type"] == "RSA2"
    assert biz["total_amount"] == "123.45" and biz["out_trade_no"] == "BILL2024020001"
    assert biz["seller_id"] == alipay_fake.seller_id and biz["product_code"] == "QUICK_MSECURITY_PAY"
    signed_at = datetime.strptime(params["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TZ)
    assert (
        abs((signed_at - datetime.now(CHINA_TZ)).total_seconds()) < 60
    )  # China time, whatever the server's zone
    unsigned = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign")
    assert _verifies(public_pem(alipay_fake.app_key), unsigned, params["sign"])

    opened = alipay_fake.open_order_string(order.order_string)  # the resident's app hands it to Alipay
    assert (opened.total, opened.trade_status) == (12345, "WAIT_BUYER_PAY")
    forged = order.order_string.replace("123.45", "1.00")
    with pytest.raises(ValueError, match=r"isv\.invalid-signature"):
        alipay_fake.open_order_string(forged)


async def test_alipay_query_refusals_and_outages(alipay: AlipayProvider, alipay_fake: FakeAlipay) -> None:
    assert (await alipay.query_order("BILL2024029999")).state == "not_found"  # an order string nobody opened
    order = await alipay.create_order("BILL2024020002", 990, "物业费", "http://127.0.0.1:9/n")
    assert isinstance(order, AlipayOrderString)
    alipay_fake.open_order_string(order.order_string)
    assert (await alipay.query_order("BILL2024020002")).state == "pending"
    await alipay_fake.pay("BILL2024020002", "silent")

    paid = await alipay.query_order("BILL2024020002")

    assert (paid.state, paid.amount_fen, paid.currency) == ("paid", 990, "CNY")
    assert paid.provider_transaction_id == alipay_fake.orders["BILL2024020002"].trade_no
    assert alipay_fake.calls == ["alipay.trade.query"] * 3

    stranger = AlipayProvider(alipay_fake.client_config(app_private_key=_pem_of_new_key()))
    with pytest.raises(ProviderRefused) as refused:
        await stranger.query_order("BILL2024020002")
    assert refused.value.provider_code == "isv.invalid-signature"

    believer = AlipayProvider(
        alipay_fake.client_config(alipay_public_key=public_pem(process_key("test-stranger")))
    )
    with pytest.raises(ProviderResponseInvalid):
        await believer.query_order("BILL2024020002")

    await alipay_fake.stop()
    with pytest.raises(ProviderUnavailable):
        await alipay.query_order("BILL2024020002")


# Alipay: callbacks ----------------------------------------------------------------------------------------------


async def test_alipay_callback_verifies_into_the_payment(
    alipay: AlipayProvider, alipay_fake: FakeAlipay, alipay_receiver: Receiver
) -> None:
    order = await alipay.create_order("BILL2024020010", 12345, "物业费 2024年1月", alipay_receiver.url)
    assert isinstance(order, AlipayOrderString)
    alipay_fake.open_order_string(order.order_string)
    await alipay_fake.pay("BILL2024020010")

    (delivery,) = await alipay_fake.deliverer.wait_for(1)

    assert (delivery.status, delivery.answer, delivery.acknowledged) == (200, b"success", True)
    (event,) = alipay_receiver.events
    trade = alipay_fake.orders["BILL2024020010"]
    assert event == PaymentCallback(
        channel="alipay",
        out_trade_no="BILL2024020010",
        provider_transaction_id=trade.trade_no,
        state="paid",
        amount_fen=12345,
        currency="CNY",
        paid_at=trade.paid_at.astimezone(UTC) if trade.paid_at else None,
        raw=event.raw,
    )


async def test_alipay_callback_twice_finished_and_out_of_order(
    alipay: AlipayProvider, alipay_fake: FakeAlipay, alipay_receiver: Receiver
) -> None:
    for no in ("BILL2024020011", "BILL2024020012", "BILL2024020013"):
        order = await alipay.create_order(no, 100, "物业费", alipay_receiver.url)
        assert isinstance(order, AlipayOrderString)
        alipay_fake.open_order_string(order.order_string)
    await alipay_fake.pay("BILL2024020011", "twice")
    await alipay_fake.pay("BILL2024020012", "held")
    await alipay_fake.pay("BILL2024020013", "finished")
    await alipay_fake.deliverer.wait_for(5)

    events = [(e.out_trade_no, e.raw["trade_status"]) for e in alipay_receiver.events]
    assert events == [
        ("BILL2024020011", "TRADE_SUCCESS"),
        ("BILL2024020011", "TRADE_SUCCESS"),
        ("BILL2024020013", "TRADE_SUCCESS"),
        ("BILL2024020012", "TRADE_SUCCESS"),  # held back: it arrives after the later one
        ("BILL2024020013", "TRADE_FINISHED"),
    ]
    assert all(e.state == "paid" for e in alipay_receiver.events)
    assert alipay_receiver.events[0].raw["notify_id"] == alipay_receiver.events[1].raw["notify_id"]


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("forged", CallbackSignatureInvalid),
        ("tampered", CallbackSignatureInvalid),
        ("unsigned", CallbackSignatureInvalid),
        ("wrong_app_id", CallbackUnknownMerchant),
        ("wrong_seller", CallbackUnknownMerchant),
        ("float_amount", AmountInvalid),
    ],
)
async def test_alipay_hostile_callbacks_are_refused_and_answered_for_a_retry(
    alipay: AlipayProvider,
    alipay_fake: FakeAlipay,
    alipay_receiver: Receiver,
    mode: Any,
    error: type[CallbackRefused],
) -> None:
    order = await alipay.create_order("BILL2024020020", 30, "物业费", alipay_receiver.url)
    assert isinstance(order, AlipayOrderString)
    alipay_fake.open_order_string(order.order_string)
    await alipay_fake.pay("BILL2024020020", mode)

    (delivery,) = await alipay_fake.deliverer.wait_for(1)

    assert alipay_receiver.events == []
    (refusal,) = alipay_receiver.refused
    assert type(refusal) is error
    assert (delivery.answer, delivery.acknowledged) == (b"fail", False)


def _alipay_signed(fake: FakeAlipay, no: str, **changes: str) -> Notification:
    order = fake.orders[no]
    params = fake._trade_params(order, order.trade_status, "") | changes
    return fake.notification(order.notify_url, params)


@pytest.mark.parametrize(
    ("total_amount", "fen"),
    [
        ("0.30", 30),
        ("0.3", 30),
        ("0.29", 29),
        ("1.15", 115),
        ("19.99", 1999),
        ("0.01", 1),
        ("100", 10000),
        ("4.35", 435),
        ("1234567.89", 123456789),
    ],
)
async def test_alipay_amounts_are_read_exactly(
    alipay: AlipayProvider, alipay_fake: FakeAlipay, total_amount: str, fen: int
) -> None:
    await _alipay_paid(alipay, alipay_fake, "BILL2024020030", 30)
    notification = _alipay_signed(alipay_fake, "BILL2024020030", total_amount=total_amount)

    event = await alipay.verify_callback(notification.headers, notification.body)

    assert event.amount_fen == fen


@pytest.mark.parametrize(
    "total_amount",
    [
        repr(0.1 + 0.2),
        "0.1+0.2",
        "1e2",
        "1E-2",
        "NaN",
        "Infinity",
        "-0.01",
        "+1.00",
        " 1.00",
        "1.00 ",
        "1.005",
        "0.300",
        "１.００",
        "١٢.٣٠",
        "0x10",
        "1_000.00",
        "1,000.00",
        "",
        "00.30",
        ".30",
        "30.",
        "9" * 14,
    ],
)
async def test_alipay_amounts_that_are_not_exact_yuan_are_refused(
    alipay: AlipayProvider, alipay_fake: FakeAlipay, total_amount: str
) -> None:
    await _alipay_paid(alipay, alipay_fake, "BILL2024020031", 30)
    notification = _alipay_signed(alipay_fake, "BILL2024020031", total_amount=total_amount)  # validly signed

    with pytest.raises(AmountInvalid):
        await alipay.verify_callback(notification.headers, notification.body)


def test_the_rounding_traps_are_real_and_avoided() -> None:
    """Why: float arithmetic gets fen wrong where Decimal does not."""
    assert 0.1 + 0.2 != 0.3 and int(float("1.15") * 100) == 114 and int(float("0.29") * 100) == 28
    assert yuan_to_fen("0.1") + yuan_to_fen("0.2") == yuan_to_fen("0.30") == 30
    assert (yuan_to_fen("1.15"), yuan_to_fen("0.29")) == (115, 29)
    assert [fen_to_yuan(f) for f in (0, 1, 30, 115, 123456789)] == [
        "0.00",
        "0.01",
        "0.30",
        "1.15",
        "1234567.89",
    ]
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="not an amount in fen"):
            fen_to_yuan(bad)  # type: ignore[arg-type]


async def test_alipay_mismatched_amount_and_currency_arrive_as_the_provider_says(
    alipay: AlipayProvider, alipay_fake: FakeAlipay
) -> None:
    await _alipay_paid(alipay, alipay_fake, "BILL2024020032", 100)
    amount = alipay_fake.payment_notification("BILL2024020032", mode="amount_mismatch")
    currency = alipay_fake.payment_notification("BILL2024020032", mode="currency_mismatch")

    more = await alipay.verify_callback(amount.headers, amount.body)
    usd = await alipay.verify_callback(currency.headers, currency.body)

    assert (more.amount_fen, more.currency) == (101, "CNY")
    assert (usd.amount_fen, usd.currency) == (100, "USD")


async def test_alipay_malformed_callbacks(alipay: AlipayProvider, alipay_fake: FakeAlipay) -> None:
    await _alipay_paid(alipay, alipay_fake, "BILL2024020033", 100)
    good = alipay_fake.payment_notification("BILL2024020033")
    params = dict(parse_qsl(good.body.decode()))
    cases: list[tuple[bytes, type[CallbackRefused]]] = [
        (good.body + b"&trade_status=TRADE_CLOSED", CallbackMalformed),  # a parameter twice
        (b"\xff\xfe" + good.body, CallbackMalformed),
        (b"total_amount=1%FF", CallbackMalformed),
        (urlencode(params | {"sign_type": "RSA"}).encode(), CallbackSignatureInvalid),
        (urlencode(params | {"sign": "not base64!"}).encode(), CallbackSignatureInvalid),
        (urlencode(params | {"charset": "gbk"}).encode(), CallbackMalformed),
        (
            _alipay_signed(alipay_fake, "BILL2024020033", trade_status="TRADE_WHATEVER").body,
            CallbackMalformed,
        ),
        (_alipay_signed(alipay_fake, "BILL2024020033", gmt_payment="yesterday").body, CallbackMalformed),
        (b"x" * 70_000, CallbackMalformed),
    ]
    for body, error in cases:
        with pytest.raises(error):
            await alipay.verify_callback(good.headers, body)
    assert isinstance(await alipay.verify_callback(good.headers, good.body), PaymentCallback)


# Alipay: refunds and the statement --------------------------------------------------------------------------------


async def test_alipay_refund_round_trip_with_its_callback(
    alipay: AlipayProvider, alipay_fake: FakeAlipay, alipay_receiver: Receiver
) -> None:
    await _alipay_paid(alipay, alipay_fake, "BILL2024020040", 10000, alipay_receiver.url)

    status = await alipay.refund("BILL2024020040", "REFUND0001", 2500, 10000, "重复缴费")

    assert (status.state, status.amount_fen, status.refund_no) == ("succeeded", 2500, "REFUND0001")
    (delivery,) = await alipay_fake.deliverer.wait_for(1)
    assert delivery.acknowledged
    (event,) = alipay_receiver.events
    assert isinstance(event, RefundCallback)
    assert (event.out_trade_no, event.refund_no, event.state) == ("BILL2024020040", "REFUND0001", "succeeded")
    assert (event.refunded_total_fen, event.total_fen, event.amount_fen) == (2500, 10000, None)
    assert event.provider_transaction_id == alipay_fake.orders["BILL2024020040"].trade_no

    again = await alipay.refund("BILL2024020040", "REFUND0001", 2500, 10000, "重复缴费")  # idempotent
    assert (again.state, again.amount_fen) == ("succeeded", 2500)
    assert alipay_fake.orders["BILL2024020040"].refunded == 2500
    with pytest.raises(ProviderRefused) as too_much:
        await alipay.refund("BILL2024020040", "REFUND0002", 7501, 10000, "重复缴费")
    assert too_much.value.provider_code == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
    with pytest.raises(ProviderRefused) as unknown:
        await alipay.query_refund("BILL2024020040", "REFUND0009")
    assert unknown.value.provider_code == "REFUND_NOT_EXIST"

    rest = await alipay.refund("BILL2024020040", "REFUND0003", 7500, 10000, "退租")
    assert rest.amount_fen == 7500
    await alipay_fake.deliverer.wait_for(2)
    last = alipay_receiver.events[-1]
    assert isinstance(last, RefundCallback) and last.refunded_total_fen == 10000
    assert last.raw["trade_status"] == "TRADE_CLOSED"


async def test_alipay_statement_parses_into_typed_rows(
    alipay: AlipayProvider, alipay_fake: FakeAlipay
) -> None:
    assert (await alipay.statement(TODAY)).rows == []  # isp.bill_not_exist
    await _alipay_paid(alipay, alipay_fake, "BILL2024020050", 12345)
    await _alipay_paid(alipay, alipay_fake, "BILL2024020051", 30)
    await alipay.refund("BILL2024020050", "REFUND0050", 45, 12345, "多收")

    statement = await alipay.statement(TODAY)

    assert (statement.channel, statement.payments_fen, statement.refunds_fen) == ("alipay", 12375, 45)
    rows = {(r.kind, r.out_trade_no): r for r in statement.rows}
    assert set(rows) == {
        ("payment", "BILL2024020050"),
        ("payment", "BILL2024020051"),
        ("refund", "BILL2024020050"),
    }
    refund = rows[("refund", "BILL2024020050")]
    assert (refund.amount_fen, refund.refund_no) == (45, "REFUND0050")
    assert (
        rows[("payment", "BILL2024020050")].provider_transaction_id
        == alipay_fake.orders["BILL2024020050"].trade_no
    )
    assert alipay_fake.calls[-1] == "alipay.data.dataservice.bill.downloadurl.query"


def test_statements_whose_totals_do_not_match_are_refused() -> None:
    fake = FakeAlipay()
    csv_text = fake.bill_csv(TODAY)  # no rows: 0 and 0
    assert parse_alipay_bill_csv(csv_text, TODAY).rows == []
    with pytest.raises(StatementInvalid):
        parse_alipay_bill_csv(csv_text.replace("#交易合计：0笔", "#交易合计：1笔"), TODAY)
    with pytest.raises(StatementInvalid):
        parse_alipay_bill_csv(csv_text.replace("#退款合计", "#退款总计"), TODAY)
    wechat = FakeWeChatPay().trade_bill(date(2024, 1, 1))
    assert parse_wechat_trade_bill(wechat, date(2024, 1, 1)).rows == []
    with pytest.raises(StatementInvalid):
        parse_wechat_trade_bill(wechat.replace(b"`0,", b"`1,", 1), date(2024, 1, 1))
    with pytest.raises(StatementInvalid):
        parse_wechat_trade_bill(b"\xff" + wechat, date(2024, 1, 1))


# configuration, the SDKs' hooks, threads --------------------------------------------------------------------------


def _pem_of_new_key() -> str:
    from housing.providers.fakes.keys import private_pem

    return private_pem(process_key("test-stranger"))


def test_production_refuses_fakes_and_local_hosts() -> None:
    key = _pem_of_new_key()
    wechat = WeChatPayConfig(
        mchid="1900000109",
        appid="wx1",
        merchant_serial_no="ABC",
        merchant_private_key=key,
        apiv3_key="k" * 32,
    )
    alipay = AlipayConfig(
        app_id="2021", app_private_key=key, alipay_public_key=public_pem(process_key("test-stranger"))
    )
    assert production_problems(wechat) == [] and production_problems(alipay) == []
    assert production_problems(replace_url(wechat, "https://api2.mch.weixin.qq.com")) == []
    for url in (
        "http://127.0.0.1:8101",
        "http://localhost:1",
        "https://10.0.0.5",
        "http://[::1]:80",
        "https://pay.localhost",
        "http://api.mch.weixin.qq.com",
        "https://api.mch.weixin.qq.com.evil.example",
    ):
        assert production_problems(replace_url(wechat, url)), url
    for url in (
        "http://127.0.0.1:8102/gateway.do",
        "https://openapi-sandbox.dl.alipaydev.com/gateway.do",
        "http://openapi.alipay.com/gateway.do",
    ):
        assert production_problems(
            AlipayConfig(
                app_id="2021",
                app_private_key=key,
                alipay_public_key=alipay.alipay_public_key,
                gateway_url=url,
            )
        ), url
    assert key not in repr(wechat) and wechat.apiv3_key not in repr(wechat) and key not in repr(alipay)
    with pytest.raises(ProviderConfigInvalid):
        WeChatPayConfig(
            mchid="1", appid="wx1", merchant_serial_no="A", merchant_private_key=key, apiv3_key="short"
        )
    with pytest.raises(ProviderConfigInvalid):
        AlipayConfig(
            app_id="2021", app_private_key=key, alipay_public_key="x", gateway_url="openapi.alipay.com"
        )
    with pytest.raises(ProviderConfigInvalid):
        AlipayProvider(AlipayConfig(app_id="2021", app_private_key="not a key", alipay_public_key="nor this"))


def replace_url(config: WeChatPayConfig, url: str) -> WeChatPayConfig:
    import dataclasses

    return dataclasses.replace(config, base_url=url)


async def test_the_sdk_hooks_match_the_pinned_sdks(
    wechat: WeChatPayProvider, wechat_fake: FakeWeChatPay
) -> None:
    """The one thing changed in each SDK is its host (and Alipay's timestamp zone): checked against the pins."""
    import alipay as alipay_sdk
    import wechatpayv3
    from wechatpayv3 import WeChatPay, WeChatPayType

    from housing.providers.wechat_sdk import SDK

    assert wechatpayv3.__version__ == "2.0.4"
    # WeChatPay.__init__ sets exactly the attributes SDK sets (built here in public-key mode: no network)
    real = WeChatPay(
        wechatpay_type=WeChatPayType.APP,
        mchid="1",
        private_key=_pem_of_new_key(),
        cert_serial_no="A",
        appid="wx",
        apiv3_key="k" * 32,
        public_key=public_pem(process_key("test-stranger")),
        public_key_id="PUB_KEY_ID_1",
    )
    sdk = await wechat._limit.run(wechat._sdk_now)
    assert isinstance(sdk, SDK) and set(vars(real)) == set(vars(sdk))
    assert (
        real._core._gate_way == "https://api.mch.weixin.qq.com" and sdk._core._gate_way == wechat_fake.origin
    )
    provider = AlipayProvider(
        AlipayConfig(
            app_id="2021",
            app_private_key=_pem_of_new_key(),
            alipay_public_key=public_pem(process_key("test-stranger")),
            gateway_url="http://127.0.0.1:1/gateway.do",
        )
    )
    assert provider._sdk_now()._gateway == "http://127.0.0.1:1/gateway.do"
    assert (
        alipay_sdk.AliPay(
            appid="1",
            app_private_key_string=_pem_of_new_key(),
            alipay_public_key_string=public_pem(process_key("test-stranger")),
        )._gateway
        == "https://openapi.alipay.com/gateway.do"
    )


async def test_both_providers_follow_the_protocol(wechat: WeChatPayProvider, alipay: AlipayProvider) -> None:
    assert isinstance(wechat, PaymentProvider) and isinstance(alipay, PaymentProvider)
    assert (wechat.ack().status, wechat.ack().body, wechat.ack().content_type) == (204, b"", None)
    assert wechat.nack().status >= 400 and json.loads(wechat.nack().body)["code"] == "FAIL"
    assert (alipay.ack().status, alipay.ack().body) == (200, b"success")
    assert alipay.nack().body != b"success"


async def test_sdk_calls_run_in_at_most_the_configured_threads() -> None:
    limit = ThreadLimit(2)
    running, peak, lock = 0, 0, threading.Lock()

    def blocking() -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return threading.get_ident()

    threads = await asyncio.gather(*(limit.run(blocking) for _ in range(6)))

    assert peak == 2 and threading.get_ident() not in threads


async def test_unacknowledged_callbacks_are_sent_again(wechat: WeChatPayProvider) -> None:
    fake = FakeWeChatPay(retry_delays_s=(0.05, 0.05))
    await fake.start()
    try:
        provider = WeChatPayProvider(fake.client_config())
        nobody = Server()
        await nobody.start(web.Application())  # answers 404 to everything: not an acknowledgement
        await provider.create_order("BILL2024030001", 100, "物业费", nobody.origin + "/notify")
        await fake.pay("BILL2024030001")
        deliveries = await fake.deliverer.wait_for(3)
        await nobody.stop()
    finally:
        await fake.stop()
    assert [(d.attempt, d.status, d.acknowledged) for d in deliveries] == [
        (1, 404, False),
        (2, 404, False),
        (3, 404, False),
    ]


async def test_the_runnable_fakes_serve_a_payment_by_hand(tmp_path: Any) -> None:
    """`python -m housing.providers.fakes` as `make run` will start it: configuration out, a payment confirmed
    through the dev endpoint, its callback verified."""
    import sys

    from housing.providers.fakes.__main__ import load_client_configs

    config_path = tmp_path / "payment_providers.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "housing.providers.fakes",
        "--config-out",
        str(config_path),
        "--no-retry",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines = [(await asyncio.wait_for(process.stdout.readline(), 30)).decode() for _ in range(3)]
        assert "client configuration" in lines[2] and all("127.0.0.1" in line for line in lines[:2])
        assert config_path.stat().st_mode & 0o077 == 0  # private keys: the owner's only
        wechat_config, alipay_config = load_client_configs(config_path)
        providers: dict[str, PaymentProvider] = {
            "wx": WeChatPayProvider(wechat_config),
            "ali": AlipayProvider(alipay_config),
        }
        receivers = {name: Receiver(p) for name, p in providers.items()}
        for receiver in receivers.values():
            await receiver.start()
        wx = await providers["wx"].create_order("BILL2024040001", 100, "物业费", receivers["wx"].url)
        ali = await providers["ali"].create_order("BILL2024040002", 250, "物业费", receivers["ali"].url)
        assert isinstance(wx, WeChatAppParams) and isinstance(ali, AlipayOrderString)
        import aiohttp

        async with aiohttp.ClientSession() as session:
            async with session.post(
                wechat_config.base_url + "/_dev/pay", json={"prepay_id": wx.prepayid}
            ) as r:
                assert r.status == 200
            dev_pay = alipay_config.gateway_url.replace("/gateway.do", "/_dev/pay")
            async with session.post(dev_pay, json={"order_string": ali.order_string}) as r:
                assert r.status == 200
            async with session.get(wechat_config.base_url + "/_dev/") as r:
                assert "BILL2024040001" in await r.text()
        for _ in range(100):
            if all(r.events for r in receivers.values()):
                break
            await asyncio.sleep(0.05)
        assert [e.amount_fen for e in receivers["wx"].events] == [100]
        assert [e.amount_fen for e in receivers["ali"].events] == [250]
        for receiver in receivers.values():
            await receiver.stop()
    finally:
        process.terminate()
        await process.wait()
