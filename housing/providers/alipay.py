"""Alipay (支付宝) through ``python-alipay-sdk``, public-key mode with RSA2.

The SDK does the protocol's work: it builds and signs every request (RSA2 over the sorted parameters), signs the
app's order string (alipay.trade.app.pay), verifies every answer (the signature over the exact text of
``<method>_response``) and verifies callbacks (RSA2 over the parameters but ``sign`` and ``sign_type``, sorted by
name). This module adds the rest: the check that a callback is for our app_id and seller, exact amounts (yuan
strings to fen with Decimal, never float), typed errors and states, refunds and the daily statement.

The SDK, and the two things of it we adjust (its host and its request timestamp), are in ``alipay_sdk``: it is
imported with the provider's first call, not when the API starts, since a process that takes no payment does not
need it (issue 13). The keys are still loaded when the provider is built (as the SDK loads them), so that a key
that does not load stops the API's start.

The SDK is synchronous (urllib): every call that reaches Alipay runs in a worker thread, at most
``max_parallel_calls`` at once. A callback's signature check makes no call (the SDK verifies with the Alipay public
key of the configuration) and runs inline: a sub-millisecond RSA verify costs less on the event loop than the hop.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, cast
from urllib.parse import parse_qsl, urlsplit

from housing.providers.base import (
    CHINA_TZ,
    ThreadLimit,
    check_fen,
    check_out_trade_no,
    check_refund_no,
)
from housing.providers.config import AlipayConfig
from housing.providers.errors import (
    AmountInvalid,
    CallbackMalformed,
    CallbackSignatureInvalid,
    CallbackUnknownMerchant,
    PaymentRequestInvalid,
    ProviderConfigInvalid,
    ProviderRefused,
    ProviderResponseInvalid,
    ProviderUnavailable,
)
from housing.providers.models import (
    AlipayOrderString,
    AppPayment,
    CallbackAnswer,
    CallbackEvent,
    Channel,
    PaymentCallback,
    PaymentState,
    ProviderOrder,
    ProviderRefund,
    ProviderStatement,
    RefundCallback,
)
from housing.providers.money import fen_to_yuan, yuan_to_fen
from housing.providers.statements import MAX_STATEMENT_FILE_BYTES, parse_alipay_bill_zip

if TYPE_CHECKING:
    from housing.providers.alipay_sdk import SDK

PROVIDER: Final = "alipay"
TRADE_STATES: Final[dict[str, PaymentState]] = {
    "WAIT_BUYER_PAY": "pending",
    "TRADE_SUCCESS": "paid",
    "TRADE_FINISHED": "paid",  # paid, and past the time refunds are possible
    "TRADE_CLOSED": "closed",  # unpaid and timed out, or fully refunded
}
#: the sub_codes that mean "try again later" rather than "no"
UNAVAILABLE_SUB_CODES: Final = frozenset({"ACQ.SYSTEM_ERROR", "isp.unknow-error", "aop.ACQ.SYSTEM_ERROR"})
MAX_CALLBACK_BYTES: Final = 64 * 1024


class AlipayProvider:
    """The ``PaymentProvider`` of Alipay: app payments (alipay.trade.app.pay)."""

    channel: Channel = "alipay"

    def __init__(self, config: AlipayConfig) -> None:
        self.config = config
        self._limit = ThreadLimit(config.max_parallel_calls)
        self._sdk: SDK | None = None
        self._sdk_lock = threading.Lock()
        _check_keys(config)

    # the SDK -------------------------------------------------------------------------------------------------

    def _sdk_now(self) -> SDK:
        """The SDK, built on first use (in a worker thread: importing it takes about 0.1 s)."""
        with self._sdk_lock:
            if self._sdk is None:
                from housing.providers import alipay_sdk  # the SDK loads here, with the first call

                try:
                    self._sdk = alipay_sdk.build(self.config)
                except (ValueError, IndexError, TypeError, alipay_sdk.AliPayException) as exc:
                    raise ProviderConfigInvalid(f"the keys do not load: {exc}", provider=PROVIDER) from exc
            return self._sdk

    async def _run(self, fn: Callable[[SDK], Any]) -> Any:
        def call() -> Any:
            return fn(self._sdk_now())

        try:
            return await self._limit.run(call)
        except urllib.error.HTTPError as exc:
            raise ProviderUnavailable(f"HTTP {exc.code}", provider=PROVIDER, status=exc.code) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: {exc}", provider=PROVIDER) from exc
        except ProviderConfigInvalid:  # the SDK was built, and its keys did not load
            raise
        except Exception as exc:
            from housing.providers import alipay_sdk  # loaded: the call built the SDK

            if isinstance(exc, alipay_sdk.AliPayValidationError):
                raise ProviderResponseInvalid(
                    "the answer's signature does not verify", provider=PROVIDER
                ) from exc
            if isinstance(exc, alipay_sdk.AliPayException):
                raise _refusal(str(exc)) from exc
            if isinstance(exc, ValueError):  # not JSON
                raise ProviderResponseInvalid(f"the answer does not read: {exc}", provider=PROVIDER) from exc
            raise

    async def _api(self, fn: Callable[[SDK], Any]) -> dict[str, Any]:
        """A verified answer with code 10000; other codes raise (20000 and system errors: unavailable)."""
        answer = await self._run(fn)
        if not isinstance(answer, dict):
            raise ProviderResponseInvalid("the answer is not an object", provider=PROVIDER)
        if answer.get("code") != "10000":
            raise _refusal(json.dumps({"x_response": answer}))
        return answer

    # orders --------------------------------------------------------------------------------------------------

    async def create_order(
        self,
        out_trade_no: str,
        amount_fen: int,
        description: str,
        notify_url: str,
        *,
        expires_at: datetime | None = None,
        payer_openid: str | None = None,
    ) -> AppPayment:
        """The signed order string for the Alipay app SDK. Alipay learns of the order only when the resident's
        app hands it over (no server call here); ``expires_at`` bounds how long it can be paid."""
        check_out_trade_no(out_trade_no, PROVIDER)
        check_fen(amount_fen, PROVIDER)
        if not description or len(description) > 256:
            raise PaymentRequestInvalid("description must be 1-256 characters", provider=PROVIDER)
        extra: dict[str, str] = {}
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise PaymentRequestInvalid("expires_at must be timezone-aware", provider=PROVIDER)
            extra["time_expire"] = expires_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
        if self.config.seller_id:
            extra["seller_id"] = self.config.seller_id
        order_string = await self._run(
            lambda sdk: sdk.api_alipay_trade_app_pay(
                subject=description,
                out_trade_no=out_trade_no,
                total_amount=fen_to_yuan(amount_fen),
                notify_url=notify_url,
                **extra,
            )
        )
        return AlipayOrderString(order_string=str(order_string))

    async def query_order(self, out_trade_no: str) -> ProviderOrder:
        check_out_trade_no(out_trade_no, PROVIDER)
        try:
            answer = await self._api(lambda sdk: sdk.api_alipay_trade_query(out_trade_no=out_trade_no))
        except ProviderRefused as exc:
            if exc.provider_code == "ACQ.TRADE_NOT_EXIST":  # an order string nobody opened yet
                return ProviderOrder(
                    channel="alipay",
                    out_trade_no=out_trade_no,
                    provider_transaction_id="",
                    state="not_found",
                    amount_fen=None,
                    currency="CNY",
                    paid_at=None,
                    raw={},
                )
            raise
        try:
            state = TRADE_STATES[str(answer.get("trade_status"))]
            amount = yuan_to_fen(str(answer.get("total_amount")))
            paid_at = _time(answer.get("send_pay_date"))
        except (KeyError, ValueError, CallbackMalformed) as exc:
            raise ProviderResponseInvalid(f"unreadable trade: {exc}", provider=PROVIDER) from exc
        if answer.get("out_trade_no") != out_trade_no:
            raise ProviderResponseInvalid("the answer is about another order", provider=PROVIDER)
        return ProviderOrder(
            channel="alipay",
            out_trade_no=out_trade_no,
            provider_transaction_id=str(answer.get("trade_no", "")),
            state=state,
            amount_fen=amount,
            currency=str(answer.get("trans_currency") or "CNY"),
            paid_at=paid_at if state == "paid" else None,
            raw=answer,
        )

    async def close_order(self, out_trade_no: str) -> None:
        """Close an unpaid trade. An order string nobody opened has no trade to close (ACQ.TRADE_NOT_EXIST):
        its ``time_expire`` is what stops it."""
        check_out_trade_no(out_trade_no, PROVIDER)
        try:
            await self._api(lambda sdk: sdk.api_alipay_trade_close(out_trade_no=out_trade_no))
        except ProviderRefused as exc:
            if exc.provider_code != "ACQ.TRADE_NOT_EXIST":
                raise

    # refunds -------------------------------------------------------------------------------------------------

    async def refund(
        self,
        out_trade_no: str,
        refund_no: str,
        amount_fen: int,
        total_fen: int,
        reason: str,
        *,
        notify_url: str | None = None,
    ) -> ProviderRefund:
        """alipay.trade.refund, then the refund's own query (the answer says only the order's refunded total;
        a repeated refund_no answers fund_change N). Alipay notifies the order's notify_url of the refund;
        ``notify_url`` is not used."""
        check_out_trade_no(out_trade_no, PROVIDER)
        check_refund_no(refund_no, PROVIDER)
        check_fen(amount_fen, PROVIDER)
        check_fen(total_fen, PROVIDER, "total_fen")
        if amount_fen > total_fen:
            raise PaymentRequestInvalid("a refund cannot be larger than its order", provider=PROVIDER)
        if not reason or len(reason) > 256:
            raise PaymentRequestInvalid(
                "a refund needs a reason of at most 256 characters", provider=PROVIDER
            )
        answer = await self._api(
            lambda sdk: sdk.api_alipay_trade_refund(
                refund_amount=fen_to_yuan(amount_fen),
                out_trade_no=out_trade_no,
                out_request_no=refund_no,
                refund_reason=reason,
            )
        )
        if answer.get("out_trade_no") != out_trade_no:
            raise ProviderResponseInvalid("the answer is about another order", provider=PROVIDER)
        return await self.query_refund(out_trade_no, refund_no)

    async def query_refund(self, out_trade_no: str, refund_no: str) -> ProviderRefund:
        check_out_trade_no(out_trade_no, PROVIDER)
        check_refund_no(refund_no, PROVIDER)
        answer = await self._api(
            lambda sdk: sdk.api_alipay_trade_fastpay_refund_query(
                out_request_no=refund_no, out_trade_no=out_trade_no
            )
        )
        if not answer.get("refund_amount"):  # Alipay answers 10000 with nothing for a refund it does not have
            raise ProviderRefused("no such refund", provider=PROVIDER, provider_code="REFUND_NOT_EXIST")
        try:
            amount = yuan_to_fen(str(answer["refund_amount"]))
            refunded_at = _time(answer.get("gmt_refund_pay"))
        except (ValueError, CallbackMalformed) as exc:
            raise ProviderResponseInvalid(f"unreadable refund: {exc}", provider=PROVIDER) from exc
        if answer.get("out_request_no", refund_no) != refund_no:
            raise ProviderResponseInvalid("the answer is about another refund", provider=PROVIDER)
        return ProviderRefund(
            channel="alipay",
            out_trade_no=out_trade_no,
            refund_no=refund_no,
            provider_refund_id="",
            state="succeeded" if answer.get("refund_status") == "REFUND_SUCCESS" else "processing",
            amount_fen=amount,
            refunded_at=refunded_at,
            raw=answer,
        )

    # callbacks (异步通知) --------------------------------------------------------------------------------------

    async def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        if len(body) > MAX_CALLBACK_BYTES:
            raise CallbackMalformed("the notification is too large", provider=PROVIDER)
        try:
            pairs = parse_qsl(
                body.decode("ascii"), keep_blank_values=True, strict_parsing=True, errors="strict"
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise CallbackMalformed("not a form-encoded UTF-8 notification", provider=PROVIDER) from exc
        params = dict(pairs)
        if len(params) != len(pairs):
            raise CallbackMalformed("a parameter appears twice", provider=PROVIDER)
        if params.get("charset", "utf-8").lower() != "utf-8":
            raise CallbackMalformed("only UTF-8 notifications are read", provider=PROVIDER)
        sign = params.pop("sign", "")
        if not sign:
            raise CallbackSignatureInvalid("the notification is not signed", provider=PROVIDER)
        if params.get("sign_type") != "RSA2":
            raise CallbackSignatureInvalid("sign_type is not RSA2", provider=PROVIDER)

        # The SDK's RSA2 check, here on the event loop: it is CPU only (no network, no file; about 0.5-0.8 ms), less
        # than a worker-thread hop costs (bench/payment_callbacks.py). In a process that made no call yet, the SDK
        # is built first, in a worker thread (its import takes about 0.1 s).
        sdk = self._sdk
        if sdk is None:
            sdk = await self._limit.run(self._sdk_now)
        from housing.providers import alipay_sdk  # loaded with the SDK

        try:
            verified = bool(sdk.verify(dict(params), sign))
        except (ValueError, TypeError, alipay_sdk.AliPayException):  # bad base64, an odd sign_type
            verified = False
        if not verified:
            raise CallbackSignatureInvalid("the signature does not verify", provider=PROVIDER)
        return self._event(params, sign)

    def _event(self, params: dict[str, str], sign: str) -> CallbackEvent:
        if params.get("app_id") != self.config.app_id:
            raise CallbackUnknownMerchant("the notification is for another app_id", provider=PROVIDER)
        seller = params.get("seller_id")
        if self.config.seller_id and seller != self.config.seller_id:
            raise CallbackUnknownMerchant("the notification is for another seller", provider=PROVIDER)
        raw: dict[str, Any] = {**params, "sign": sign}
        trade_status = params.get("trade_status", "")
        if trade_status not in TRADE_STATES:
            raise CallbackMalformed(f"unknown trade_status {trade_status!r}", provider=PROVIDER)
        out_trade_no, trade_no = params.get("out_trade_no", ""), params.get("trade_no", "")
        if not out_trade_no or not trade_no:
            raise CallbackMalformed("out_trade_no and trade_no are required", provider=PROVIDER)
        total = _amount(params, "total_amount")
        currency = params.get("trans_currency") or "CNY"
        if params.get("out_biz_no") and params.get("refund_fee"):
            return RefundCallback(
                channel="alipay",
                out_trade_no=out_trade_no,
                provider_transaction_id=trade_no,
                refund_no=params["out_biz_no"],
                provider_refund_id="",
                state="succeeded",  # Alipay notifies only refunds that went through
                amount_fen=None,
                refunded_total_fen=_amount(params, "refund_fee"),
                total_fen=total,
                currency=currency,
                refunded_at=_time(params.get("gmt_refund")),
                raw=raw,
            )
        state = TRADE_STATES[trade_status]
        paid_at = _time(params.get("gmt_payment")) if state == "paid" else None
        if state == "paid" and paid_at is None:
            raise CallbackMalformed("a paid trade without gmt_payment", provider=PROVIDER)
        return PaymentCallback(
            channel="alipay",
            out_trade_no=out_trade_no,
            provider_transaction_id=trade_no,
            state=state,
            amount_fen=total,
            currency=currency,
            paid_at=paid_at,
            raw=raw,
        )

    def ack(self) -> CallbackAnswer:
        return CallbackAnswer(status=200, body=b"success", content_type="text/plain; charset=utf-8")

    def nack(self, reason: str = "") -> CallbackAnswer:
        return CallbackAnswer(status=200, body=b"fail", content_type="text/plain; charset=utf-8")

    # the daily statement (业务明细) ----------------------------------------------------------------------------

    async def statement(self, day: date) -> ProviderStatement:
        try:
            answer = await self._api(
                lambda sdk: sdk.server_api(
                    "alipay.data.dataservice.bill.downloadurl.query",
                    {"bill_type": "trade", "bill_date": day.isoformat()},
                )
            )
        except ProviderRefused as exc:
            if exc.provider_code == "isp.bill_not_exist":  # a day without a transaction has no file
                return ProviderStatement(channel="alipay", day=day, rows=[], payments_fen=0, refunds_fen=0)
            raise
        url = answer.get("bill_download_url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ProviderResponseInvalid("no bill_download_url", provider=PROVIDER)
        content = await self._run(lambda sdk: _download(url, self.config.timeout_s))
        return parse_alipay_bill_zip(cast(bytes, content), day)


def _check_keys(config: AlipayConfig) -> None:
    """Load both keys as the SDK does (pycryptodomex's RSA.importKey) without importing the SDK: a key that does
    not load is refused when the provider is built, at the API's start, not at the first payment."""
    from Cryptodome.PublicKey import RSA

    try:
        RSA.importKey(config.app_private_key)
        RSA.importKey(config.alipay_public_key)
    except (ValueError, IndexError, TypeError) as exc:
        raise ProviderConfigInvalid(f"the keys do not load: {exc}", provider=PROVIDER) from exc


def _download(url: str, timeout_s: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - http(s) checked above
        content = cast(bytes, response.read(MAX_STATEMENT_FILE_BYTES + 1))
    if len(content) > MAX_STATEMENT_FILE_BYTES:
        raise ProviderResponseInvalid("the statement is too large", provider=PROVIDER)
    return content


def _refusal(raw: str) -> ProviderRefused | ProviderUnavailable | ProviderResponseInvalid:
    """An Alipay answer with a code other than 10000 (the SDK's exception carries the raw answer)."""
    start = raw.find("{")
    try:
        document = json.loads(raw[start:]) if start >= 0 else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return ProviderResponseInvalid(f"unreadable answer: {raw[:200]}", provider=PROVIDER)
    body = next((v for k, v in document.items() if k.endswith("_response") and isinstance(v, dict)), {})
    code, sub_code = str(body.get("code", "")), str(body.get("sub_code", ""))
    message = f"{code} {body.get('msg', '')} {sub_code} {body.get('sub_msg', '')}".strip()
    if code == "20000" or sub_code in UNAVAILABLE_SUB_CODES:
        return ProviderUnavailable(message, provider=PROVIDER)
    return ProviderRefused(message, provider=PROVIDER, provider_code=sub_code or code)


def _amount(params: dict[str, str], key: str) -> int:
    try:
        return yuan_to_fen(params.get(key, ""))
    except ValueError as exc:
        raise AmountInvalid(
            f"{key} is not an amount of yuan: {params.get(key)!r}", provider=PROVIDER
        ) from exc


def _time(value: object) -> datetime | None:
    """Alipay's 'yyyy-MM-dd HH:mm:ss' (gmt_refund adds '.SSS'), China Standard Time, to aware UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CallbackMalformed("a time is not a string", provider=PROVIDER)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=CHINA_TZ).astimezone(UTC)
        except ValueError:
            continue
    raise CallbackMalformed(f"not an Alipay time: {value!r}", provider=PROVIDER)
