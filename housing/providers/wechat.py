"""WeChat Pay API v3 (微信支付) through the ``wechatpayv3`` SDK.

The SDK does the protocol's work: it signs every request (``Authorization: WECHATPAY2-SHA256-RSA2048``),
downloads and decrypts the platform certificates (``/v3/certificates``), verifies every answer and callback
(RSA-SHA256 over ``timestamp\\nnonce\\nbody\\n`` from the ``Wechatpay-*`` headers) and decrypts a callback's
resource (AES-256-GCM under the APIv3 key). This module adds what the SDK leaves out: the 5-minute timestamp
rule, the check that a callback is for our mchid and appid, exact amounts, typed errors and states, the app's
signed payment parameters and the daily statement.

The SDK itself, and the one thing of it we change (its host), are in ``wechat_sdk``: it is imported with the
provider's first call (``WeChatPayProvider._build_sdk``), not when the API starts, since a process that takes no
payment does not need it (issue 13).

The SDK is synchronous (requests): every call that may reach WeChat Pay runs in a worker thread, at most
``max_parallel_calls`` at once. A callback's check (RSA verify and AES-GCM decrypt, about 0.1 ms of CPU) runs inline
once the SDK is built and knows the certificate that signed it (``GatewayCore.verify_offline``); before that, or
for a serial it must download the certificates to know, it takes the thread too.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from housing.providers.base import (
    CHINA_TZ,
    ThreadLimit,
    check_fen,
    check_out_trade_no,
    check_refund_no,
)
from housing.providers.config import WeChatPayConfig
from housing.providers.errors import (
    AmountInvalid,
    CallbackMalformed,
    CallbackSignatureInvalid,
    CallbackStale,
    CallbackUndecryptable,
    CallbackUnknownMerchant,
    PaymentRequestInvalid,
    ProviderConfigInvalid,
    ProviderRefused,
    ProviderResponseInvalid,
    ProviderUnavailable,
)
from housing.providers.models import (
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
    RefundState,
    WeChatAppParams,
    WeChatJsapiParams,
)
from housing.providers.statements import parse_wechat_trade_bill

if TYPE_CHECKING:
    from housing.providers.wechat_sdk import SDK
PROVIDER: Final = "wechat"
SIGNATURE_TYPE: Final = "WECHATPAY2-SHA256-RSA2048"
#: a statement file larger than this (decompressed) is refused rather than read into memory
MAX_STATEMENT_BYTES: Final = 256 * 1024 * 1024

TRADE_STATES: Final[dict[str, PaymentState]] = {
    "SUCCESS": "paid",
    "REFUND": "refunded",
    "NOTPAY": "pending",
    "USERPAYING": "pending",
    "ACCEPT": "pending",
    "CLOSED": "closed",
    "REVOKED": "closed",
    "PAYERROR": "failed",
}
REFUND_STATES: Final[dict[str, RefundState]] = {
    "SUCCESS": "succeeded",
    "PROCESSING": "processing",
    "CLOSED": "closed",
    "ABNORMAL": "abnormal",
}
_CALLBACK_HEADERS: Final = (
    "wechatpay-timestamp",
    "wechatpay-nonce",
    "wechatpay-signature",
    "wechatpay-serial",
)


class WeChatPayProvider:
    """The ``PaymentProvider`` of WeChat Pay API v3, direct merchant mode (直连商户)."""

    channel: Channel = "wechat"

    def __init__(self, config: WeChatPayConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._clock = clock
        self._limit = ThreadLimit(config.max_parallel_calls)
        self._sdk: SDK | None = None
        self._sdk_lock = threading.Lock()

    # the SDK -------------------------------------------------------------------------------------------------

    def _build_sdk(self) -> SDK:
        from housing.providers import wechat_sdk  # the SDK and requests load here, with the first call

        try:
            return wechat_sdk.build(self.config)
        except wechat_sdk.NETWORK_ERRORS as exc:
            raise ProviderUnavailable(f"platform certificates: {exc}", provider=PROVIDER) from exc
        except wechat_sdk.NoCertificate as exc:
            if exc.status == 200:  # served, but nothing decrypted: the APIv3 key is not the merchant's
                raise ProviderConfigInvalid(
                    "no platform certificate decrypts under the APIv3 key", provider=PROVIDER
                ) from exc
            _checked(
                exc.status, exc.body
            )  # 4xx: ProviderRefused (SIGN_ERROR: a merchant key WeChat does not know)
            raise ProviderUnavailable(f"platform certificates: {exc.status}", provider=PROVIDER) from exc
        except Exception as exc:  # the SDK raises bare Exceptions: a key that does not load
            raise ProviderConfigInvalid(str(exc), provider=PROVIDER) from exc

    def _sdk_now(self) -> SDK:
        """The SDK, built on first use (its constructor downloads the platform certificates: in a thread)."""
        with self._sdk_lock:
            if self._sdk is None:
                self._sdk = self._build_sdk()
            return self._sdk

    async def _run(self, fn: Callable[[SDK], Any]) -> Any:
        def call() -> Any:
            return fn(self._sdk_now())

        try:
            return await self._limit.run(call)
        except (ProviderUnavailable, ProviderConfigInvalid, ProviderRefused, ProviderResponseInvalid):
            raise
        except Exception as exc:
            if _network_error(exc):
                raise ProviderUnavailable(f"{type(exc).__name__}: {exc}", provider=PROVIDER) from exc
            if "verify the signature" in str(exc):
                raise ProviderResponseInvalid(
                    "the answer's signature does not verify", provider=PROVIDER
                ) from exc
            raise

    async def _request(self, fn: Callable[[SDK], tuple[int, Any]]) -> tuple[int, Any]:
        """An SDK call's (status, body), with 5xx / 429 as ProviderUnavailable and other 4xx as ProviderRefused."""
        status, body = cast(tuple[int, Any], await self._run(fn))
        return _checked(status, body)

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
        check_out_trade_no(out_trade_no, PROVIDER)
        check_fen(amount_fen, PROVIDER)
        if not description or len(description) > 127:
            raise PaymentRequestInvalid("description must be 1-127 characters", provider=PROVIDER)
        jsapi = self.config.trade_type == "JSAPI"
        if jsapi and not payer_openid:
            raise PaymentRequestInvalid("a JSAPI payment needs the payer's openid", provider=PROVIDER)
        time_expire = _wechat_time(expires_at) if expires_at else None
        appid = self.config.appid

        def create(sdk: SDK) -> tuple[int, Any, str, str, str]:
            status, body = sdk.pay(
                description=description,
                out_trade_no=out_trade_no,
                amount={"total": amount_fen, "currency": "CNY"},
                notify_url=notify_url,
                time_expire=time_expire,
                payer={"openid": payer_openid} if jsapi else None,
            )
            timestamp, nonce = str(int(self._clock())), uuid.uuid4().hex.upper()
            if not 200 <= status < 300:
                return status, body, timestamp, nonce, ""
            prepay_id = str(json.loads(body).get("prepay_id", ""))
            package = f"prepay_id={prepay_id}" if jsapi else prepay_id
            return status, body, timestamp, nonce, sdk.sign([appid, timestamp, nonce, package])

        status, body, timestamp, nonce, sign = cast(tuple[int, Any, str, str, str], await self._run(create))
        _checked(status, body)
        prepay_id = _json_object(body).get("prepay_id")
        if not isinstance(prepay_id, str) or not prepay_id:
            raise ProviderResponseInvalid("no prepay_id in the answer", provider=PROVIDER)
        if jsapi:
            return WeChatJsapiParams(
                appId=appid,
                timeStamp=timestamp,
                nonceStr=nonce,
                package=f"prepay_id={prepay_id}",
                signType="RSA",
                paySign=sign,
            )
        return WeChatAppParams(
            appid=appid,
            partnerid=self.config.mchid,
            prepayid=prepay_id,
            package="Sign=WXPay",
            noncestr=nonce,
            timestamp=timestamp,
            sign=sign,
        )

    async def query_order(self, out_trade_no: str) -> ProviderOrder:
        check_out_trade_no(out_trade_no, PROVIDER)
        try:
            _, body = await self._request(lambda sdk: sdk.query(out_trade_no=out_trade_no))
        except ProviderRefused as exc:
            if exc.provider_code == "ORDER_NOT_EXIST":
                return ProviderOrder(
                    channel="wechat",
                    out_trade_no=out_trade_no,
                    provider_transaction_id="",
                    state="not_found",
                    amount_fen=None,
                    currency="CNY",
                    paid_at=None,
                    raw={},
                )
            raise
        data = _json_object(body)
        try:
            event = _transaction(data, self.config)
        except (CallbackMalformed, AmountInvalid, CallbackUnknownMerchant) as exc:
            raise ProviderResponseInvalid(str(exc), provider=PROVIDER) from exc
        return ProviderOrder(
            channel="wechat",
            out_trade_no=event.out_trade_no,
            provider_transaction_id=event.provider_transaction_id,
            state=event.state,
            amount_fen=event.amount_fen,
            currency=event.currency,
            paid_at=event.paid_at,
            raw=data,
        )

    async def close_order(self, out_trade_no: str) -> None:
        check_out_trade_no(out_trade_no, PROVIDER)
        await self._request(lambda sdk: sdk.close(out_trade_no=out_trade_no))

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
        check_out_trade_no(out_trade_no, PROVIDER)
        check_refund_no(refund_no, PROVIDER)
        check_fen(amount_fen, PROVIDER)
        check_fen(total_fen, PROVIDER, "total_fen")
        if amount_fen > total_fen:
            raise PaymentRequestInvalid("a refund cannot be larger than its order", provider=PROVIDER)
        if not reason or len(reason) > 80:
            raise PaymentRequestInvalid("a refund needs a reason of at most 80 characters", provider=PROVIDER)
        _, body = await self._request(
            lambda sdk: sdk.refund(
                out_refund_no=refund_no,
                amount={"refund": amount_fen, "total": total_fen, "currency": "CNY"},
                out_trade_no=out_trade_no,
                reason=reason,
                notify_url=notify_url,
            )
        )
        return self._refund_status(_json_object(body))

    async def query_refund(self, out_trade_no: str, refund_no: str) -> ProviderRefund:
        check_refund_no(refund_no, PROVIDER)
        _, body = await self._request(lambda sdk: sdk.query_refund(out_refund_no=refund_no))
        status = self._refund_status(_json_object(body))
        if status.out_trade_no != out_trade_no:
            raise ProviderResponseInvalid("the refund belongs to another order", provider=PROVIDER)
        return status

    def _refund_status(self, data: dict[str, Any]) -> ProviderRefund:
        try:
            state = REFUND_STATES[_text(data, "status")]
            amount = _object(data, "amount")
            return ProviderRefund(
                channel="wechat",
                out_trade_no=_text(data, "out_trade_no"),
                refund_no=_text(data, "out_refund_no"),
                provider_refund_id=_text(data, "refund_id"),
                state=state,
                amount_fen=_fen(amount, "refund"),
                refunded_at=_time(data.get("success_time")),
                raw=data,
            )
        except (KeyError, CallbackMalformed, AmountInvalid) as exc:
            raise ProviderResponseInvalid(f"unreadable refund: {exc}", provider=PROVIDER) from exc

    # callbacks -----------------------------------------------------------------------------------------------

    async def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        lowered = {k.lower(): v for k, v in headers.items()}
        if any(not lowered.get(name) for name in _CALLBACK_HEADERS):
            raise CallbackSignatureInvalid("the Wechatpay-* headers are missing", provider=PROVIDER)
        try:
            timestamp = int(lowered["wechatpay-timestamp"])
        except ValueError as exc:
            raise CallbackSignatureInvalid("Wechatpay-Timestamp is not a number", provider=PROVIDER) from exc
        skew = abs(self._clock() - timestamp)
        if skew > self.config.callback_max_skew_s:
            raise CallbackStale(f"the timestamp is {int(skew)} s away from now", provider=PROVIDER)
        if lowered.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
            raise CallbackSignatureInvalid("unknown Wechatpay-Signature-Type", provider=PROVIDER)
        lowered.setdefault("wechatpay-signature-type", SIGNATURE_TYPE)
        serial = lowered["wechatpay-serial"]
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackSignatureInvalid("the body is not UTF-8", provider=PROVIDER) from exc

        def verify(sdk: SDK) -> tuple[dict[str, Any] | None, bool]:
            try:
                result = sdk.callback(lowered, text)
            except ValueError:  # a serial that is not hex, a body that is not JSON after a good signature
                return None, bool(_safe_verify(sdk, lowered, text))
            if result is None:
                return None, bool(_safe_verify(sdk, lowered, text))
            return cast(dict[str, Any], result), True

        try:
            # inline once the SDK is built and knows the signing certificate (the check is CPU only, ~0.1 ms:
            # cheaper than the thread hop); in a worker thread when the SDK must be built or the certificates
            # downloaded first
            sdk = self._sdk
            done = None if sdk is None else sdk._core.verify_offline(serial, lambda: verify(sdk))
            if done is None:
                done = await self._run(verify)
            data, signed = cast(tuple[dict[str, Any] | None, bool], done)
        except ProviderUnavailable:
            raise
        except (ProviderRefused, ProviderResponseInvalid) as exc:  # the certificate refresh went wrong
            raise ProviderUnavailable(str(exc), provider=PROVIDER) from exc
        except Exception as exc:  # the SDK's bare Exceptions: unsupported algorithm
            raise CallbackMalformed(str(exc), provider=PROVIDER) from exc
        if not signed:
            raise CallbackSignatureInvalid("the signature does not verify", provider=PROVIDER)
        if data is None:
            envelope = _loads(text)
            resource = envelope.get("resource") if isinstance(envelope, dict) else None
            if envelope.get("resource_type") != "encrypt-resource" or not isinstance(resource, dict):
                raise CallbackMalformed("not an encrypted resource", provider=PROVIDER)
            raise CallbackUndecryptable(
                "the resource does not decrypt under our APIv3 key", provider=PROVIDER
            )
        return self._event(data)

    def _event(self, data: dict[str, Any]) -> CallbackEvent:
        resource = data.get("resource")
        event_type = data.get("event_type")
        if not isinstance(resource, dict) or not isinstance(event_type, str):
            raise CallbackMalformed("no resource or event_type", provider=PROVIDER)
        raw = dict(data)
        if event_type.startswith("REFUND."):
            if resource.get("mchid") != self.config.mchid:
                raise CallbackUnknownMerchant("the refund is for another mchid", provider=PROVIDER)
            try:
                amount = _object(resource, "amount")
                return RefundCallback(
                    channel="wechat",
                    out_trade_no=_text(resource, "out_trade_no"),
                    provider_transaction_id=_text(resource, "transaction_id"),
                    refund_no=_text(resource, "out_refund_no"),
                    provider_refund_id=_text(resource, "refund_id"),
                    state=REFUND_STATES[_text(resource, "refund_status")],
                    amount_fen=_fen(amount, "refund"),
                    refunded_total_fen=None,
                    total_fen=_fen(amount, "total"),
                    currency="CNY",  # the refund notification names no currency: refunds go back as paid
                    refunded_at=_time(resource.get("success_time")),
                    raw=raw,
                )
            except KeyError as exc:
                raise CallbackMalformed(f"unknown refund_status {exc}", provider=PROVIDER) from exc
        if event_type.startswith("TRANSACTION."):
            event = _transaction(resource, self.config)
            return PaymentCallback(
                channel="wechat",
                out_trade_no=event.out_trade_no,
                provider_transaction_id=event.provider_transaction_id,
                state=event.state,
                amount_fen=event.amount_fen,
                currency=event.currency,
                paid_at=event.paid_at,
                raw=raw,
            )
        raise CallbackMalformed(f"unknown event_type {event_type!r}", provider=PROVIDER)

    def ack(self) -> CallbackAnswer:
        return CallbackAnswer(status=204, body=b"", content_type=None)

    def nack(self, reason: str = "") -> CallbackAnswer:
        body = json.dumps({"code": "FAIL", "message": reason or "失败"}, ensure_ascii=False).encode()
        return CallbackAnswer(status=500, body=body, content_type="application/json")

    # the daily statement (交易账单) ---------------------------------------------------------------------------

    async def statement(self, day: date) -> ProviderStatement:
        try:
            _, body = await self._request(
                lambda sdk: sdk.trade_bill(bill_date=day.isoformat(), bill_type="ALL", tar_type="GZIP")
            )
        except ProviderRefused as exc:
            if exc.provider_code == "NO_STATEMENT_EXIST":  # a day without a transaction has no file
                return ProviderStatement(channel="wechat", day=day, rows=[], payments_fen=0, refunds_fen=0)
            raise
        bill = _json_object(body)
        url, hash_value = bill.get("download_url"), bill.get("hash_value")
        if not isinstance(url, str) or not isinstance(hash_value, str) or bill.get("hash_type") != "SHA1":
            raise ProviderResponseInvalid("no download_url / SHA1 hash_value", provider=PROVIDER)
        if not url.startswith(self.config.base_url.rstrip("/") + "/"):
            raise ProviderResponseInvalid("the statement is served from another host", provider=PROVIDER)
        _, content = await self._request(lambda sdk: sdk.download_bill(url))
        raw = content.encode() if isinstance(content, str) else bytes(content)
        try:
            text = _gunzip(raw)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise ProviderResponseInvalid(
                f"the statement does not decompress: {exc}", provider=PROVIDER
            ) from exc
        if hashlib.sha1(text).hexdigest() != hash_value.lower():  # noqa: S324 - WeChat's own digest
            raise ProviderResponseInvalid(
                "the statement does not match its SHA1 hash_value", provider=PROVIDER
            )
        return parse_wechat_trade_bill(text, day)


# reading WeChat's JSON -----------------------------------------------------------------------------------------


class _Transaction:
    __slots__ = ("amount_fen", "currency", "out_trade_no", "paid_at", "provider_transaction_id", "state")

    def __init__(
        self,
        out_trade_no: str,
        provider_transaction_id: str,
        state: PaymentState,
        amount_fen: int,
        currency: str,
        paid_at: datetime | None,
    ) -> None:
        self.out_trade_no = out_trade_no
        self.provider_transaction_id = provider_transaction_id
        self.state: PaymentState = state
        self.amount_fen = amount_fen
        self.currency = currency
        self.paid_at = paid_at


def _transaction(data: dict[str, Any], config: WeChatPayConfig) -> _Transaction:
    """A transaction (a callback's decrypted resource or a query's answer), checked to be ours."""
    if data.get("mchid") != config.mchid or data.get("appid") != config.appid:
        raise CallbackUnknownMerchant("the transaction is for another mchid or appid", provider=PROVIDER)
    trade_state = _text(data, "trade_state")
    if trade_state not in TRADE_STATES:
        raise CallbackMalformed(f"unknown trade_state {trade_state!r}", provider=PROVIDER)
    amount = _object(data, "amount")
    currency = amount.get("currency", "CNY")
    if not isinstance(currency, str) or not currency:
        raise CallbackMalformed("amount.currency is not a string", provider=PROVIDER)
    state = TRADE_STATES[trade_state]
    transaction_id = data.get("transaction_id", "")
    if not isinstance(transaction_id, str) or (state == "paid" and not transaction_id):
        raise CallbackMalformed("a paid transaction without transaction_id", provider=PROVIDER)
    paid_at = _time(data.get("success_time"))
    if state == "paid" and paid_at is None:
        raise CallbackMalformed("a paid transaction without success_time", provider=PROVIDER)
    return _Transaction(
        out_trade_no=_text(data, "out_trade_no"),
        provider_transaction_id=transaction_id,
        state=state,
        amount_fen=_fen(amount, "total"),
        currency=currency,
        paid_at=paid_at,
    )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise CallbackMalformed(f"{key} is missing or not a string", provider=PROVIDER)
    return value


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise CallbackMalformed(f"{key} is missing or not an object", provider=PROVIDER)
    return value


def _fen(data: dict[str, Any], key: str) -> int:
    """WeChat writes amounts as JSON integers of fen; 12.0, "1200", true or a negative are refused."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AmountInvalid(f"amount.{key} is not an integer of fen: {value!r}", provider=PROVIDER)
    return value


def _time(value: object) -> datetime | None:
    """RFC 3339 with an offset ('2018-06-08T10:34:56+08:00') to an aware UTC datetime; None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CallbackMalformed("a time is not a string", provider=PROVIDER)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CallbackMalformed(f"not an RFC 3339 time: {value!r}", provider=PROVIDER) from exc
    if parsed.tzinfo is None:
        raise CallbackMalformed(f"a time without offset: {value!r}", provider=PROVIDER)
    return parsed.astimezone(UTC)


def _wechat_time(at: datetime) -> str:
    if at.tzinfo is None:
        raise PaymentRequestInvalid("expires_at must be timezone-aware", provider=PROVIDER)
    return at.astimezone(CHINA_TZ).isoformat(timespec="seconds")


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _json_object(body: Any) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise ProviderResponseInvalid("the answer is not JSON", provider=PROVIDER) from exc
    if not isinstance(value, dict):
        raise ProviderResponseInvalid("the answer is not a JSON object", provider=PROVIDER)
    return value


def _checked(status: int, body: Any) -> tuple[int, Any]:
    if 200 <= status < 300:
        return status, body
    code, message = _error_of(body)
    if status >= 500 or status == 429 or code in ("SYSTEM_ERROR", "FREQUENCY_LIMITED"):
        raise ProviderUnavailable(f"{status} {code}: {message}", provider=PROVIDER, status=status)
    raise ProviderRefused(f"{status} {code}: {message}", provider=PROVIDER, provider_code=code, status=status)


def _error_of(body: Any) -> tuple[str, str]:
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        return "", str(body)[:200]
    if not isinstance(value, dict):
        return "", str(body)[:200]
    return str(value.get("code", "")), str(value.get("message", ""))


def _network_error(exc: Exception) -> bool:
    """True for the SDK's "WeChat Pay not reached" errors (requests'). They come only from a call that built the
    SDK, which imported wechat_sdk: importing it here costs nothing then."""
    from housing.providers import wechat_sdk

    return isinstance(exc, wechat_sdk.NETWORK_ERRORS)


def _safe_verify(sdk: SDK, headers: dict[str, str], body: str) -> bool:
    """The SDK's own signature check, to tell a bad signature from a resource that does not decrypt."""
    try:
        return bool(sdk._core._verify_signature(headers, body))
    except ValueError:  # a Wechatpay-Serial that is not hex
        return False


def _gunzip(raw: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(raw)) as f:
        text = f.read(MAX_STATEMENT_BYTES + 1)
    if len(text) > MAX_STATEMENT_BYTES:
        raise ValueError("the statement is too large")
    return text
