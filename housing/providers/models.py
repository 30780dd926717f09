"""What the payment providers layer hands back: typed, in integer fen and aware UTC datetimes.

- ``WeChatAppParams`` / ``WeChatJsapiParams`` / ``AlipayOrderString``: what the app needs to pay (调起支付), signed
  for the app by the merchant's key.
- ``PaymentCallback`` / ``RefundCallback``: a verified callback (``CallbackEvent`` is either), with the provider's
  own fields kept in ``raw``. A callback is evidence, not truth: the caller compares amount and currency with its
  order and applies it once, keyed by the provider's transaction id.
- ``CallbackAnswer``: the HTTP answer each provider expects to a callback.
- ``ProviderOrder`` / ``ProviderRefund``: what a query (or a refund request) says now.
- ``ProviderStatement`` / ``ProviderStatementRow``: the daily statement (对账单), parsed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import msgspec

Channel = Literal["wechat", "alipay"]

#: A payment's state in the provider's words, unified:
#: pending (NOTPAY / USERPAYING / WAIT_BUYER_PAY), paid (SUCCESS / TRADE_SUCCESS / TRADE_FINISHED),
#: closed (CLOSED / REVOKED / TRADE_CLOSED), refunded (WeChat REFUND: a refund exists), failed (PAYERROR),
#: not_found (the provider has never seen the order: an Alipay order string nobody opened, for example).
PaymentState = Literal["pending", "paid", "closed", "refunded", "failed", "not_found"]

#: A refund's state: processing, succeeded, closed (refused by the bank, for instance), abnormal (the money
#: could not reach the payer: WeChat ABNORMAL, to be handled by hand).
RefundState = Literal["processing", "succeeded", "closed", "abnormal"]


class WeChatAppParams(msgspec.Struct, frozen=True, kw_only=True, tag="wechat_app"):
    """The parameters of the WeChat Open SDK's PayReq (APP payment), signed with RSA-SHA256 over
    ``appid\\ntimestamp\\nnoncestr\\nprepayid\\n`` by the merchant's key."""

    appid: str
    partnerid: str
    prepayid: str
    package: str  # always "Sign=WXPay"
    noncestr: str
    timestamp: str
    sign: str


class WeChatJsapiParams(msgspec.Struct, frozen=True, kw_only=True, tag="wechat_jsapi"):
    """The parameters of wx.requestPayment (JSAPI / mini program), signed over
    ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``."""

    appId: str
    timeStamp: str
    nonceStr: str
    package: str  # "prepay_id=..."
    signType: str
    paySign: str


class AlipayOrderString(msgspec.Struct, frozen=True, kw_only=True, tag="alipay_app"):
    """The signed order string the Alipay app SDK takes (alipay.trade.app.pay, RSA2)."""

    order_string: str


AppPayment = WeChatAppParams | WeChatJsapiParams | AlipayOrderString


class PaymentCallback(msgspec.Struct, frozen=True, kw_only=True, tag="payment"):
    """A verified payment callback."""

    channel: Channel
    out_trade_no: str
    provider_transaction_id: str  # transaction_id / trade_no; "" when the provider has none yet
    state: PaymentState
    amount_fen: int  # what the provider says the order is for (compare it with yours)
    currency: str  # "CNY" unless the provider says otherwise (compare it too)
    paid_at: datetime | None  # UTC; None unless paid
    raw: dict[str, Any]  # the provider's notification, decrypted (WeChat) or as a dict (Alipay)


class RefundCallback(msgspec.Struct, frozen=True, kw_only=True, tag="refund"):
    """A verified refund callback (WeChat REFUND.*; Alipay's trade notification carrying out_biz_no and
    refund_fee)."""

    channel: Channel
    out_trade_no: str
    provider_transaction_id: str
    refund_no: str  # our out_refund_no / out_request_no (Alipay: out_biz_no)
    provider_refund_id: str  # WeChat refund_id; "" for Alipay (it has none in the notification)
    state: RefundState
    amount_fen: int | None  # this refund's amount (WeChat); None where the provider does not say (Alipay)
    refunded_total_fen: int | None  # all refunds of the order so far (Alipay refund_fee); None for WeChat
    total_fen: int | None  # the order's total as the provider knows it
    currency: str
    refunded_at: datetime | None  # UTC
    raw: dict[str, Any]


CallbackEvent = PaymentCallback | RefundCallback


class CallbackAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """What to answer the provider's HTTP callback with."""

    status: int
    body: bytes
    content_type: str | None  # None: no body, no Content-Type


class ProviderOrder(msgspec.Struct, frozen=True, kw_only=True):
    channel: Channel
    out_trade_no: str
    provider_transaction_id: str
    state: PaymentState
    amount_fen: int | None  # None when the provider does not know the order
    currency: str
    paid_at: datetime | None
    raw: dict[str, Any]


class ProviderRefund(msgspec.Struct, frozen=True, kw_only=True):
    channel: Channel
    out_trade_no: str
    refund_no: str
    provider_refund_id: str
    state: RefundState
    amount_fen: int  # this refund's amount
    refunded_at: datetime | None
    raw: dict[str, Any]


StatementKind = Literal["payment", "refund"]


class ProviderStatementRow(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a daily statement. ``amount_fen`` is positive for both kinds: what was paid, or refunded."""

    kind: StatementKind
    out_trade_no: str
    provider_transaction_id: str
    refund_no: str  # "" for payments
    provider_refund_id: str  # "" for payments (and for Alipay)
    amount_fen: int
    currency: str
    at: datetime  # UTC
    raw: dict[str, str]  # the row as the provider wrote it, header -> cell


class ProviderStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A provider's daily statement (China Standard Time day), checked against its own summary lines."""

    channel: Channel
    day: date
    rows: list[ProviderStatementRow]
    payments_fen: int  # sum of payment rows (equal to the provider's summary)
    refunds_fen: int  # sum of refund rows (equal to the provider's summary)
