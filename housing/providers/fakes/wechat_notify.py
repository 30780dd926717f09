"""What the fake WeChat Pay tells the merchant of its orders outside an API answer: the resident's payment and
its TRANSACTION.SUCCESS callback, the REFUND.SUCCESS callback, each with its resource encrypted with AES-256-GCM
under the APIv3 key and the envelope signed by the platform, sent normal, twice, late, held back or hostile as
``Mode`` says; the transaction as queries and callbacks describe it; and the day's trade bill.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from housing.providers.base import CHINA_TZ
from housing.providers.fakes.common import Deliverer, Notification
from housing.providers.fakes.keys import process_key
from housing.providers.fakes.wechat_signing import WeChatSigning, _now, _wx_time
from housing.providers.statements import WECHAT_COLUMNS, WECHAT_SUMMARY_COLUMNS

Mode = Literal[
    "normal",
    "twice",
    "late",
    "held",  # kept back until the next callback has gone: the two arrive out of order
    "silent",  # paid, but no callback at all (the worker has to query)
    "forged",  # signed by a key that is not the platform's
    "stale",  # signed 6 minutes ago
    "tampered",  # the body changed after signing
    "wrong_key",  # the resource encrypted under another APIv3 key
    "unknown_serial",  # signed by a platform serial nobody has heard of
    "wrong_appid",  # a validly signed transaction of another appid
    "amount_mismatch",  # validly signed, one fen more than the order
    "currency_mismatch",  # validly signed, in USD
]
MODES: Final[tuple[str, ...]] = Mode.__args__  # type: ignore[attr-defined]


@dataclass
class WxOrder:
    out_trade_no: str
    appid: str
    mchid: str
    description: str
    total: int
    currency: str
    notify_url: str
    trade_type: str
    prepay_id: str
    payer_openid: str
    created_at: datetime
    time_expire: datetime | None
    body: dict[str, Any]
    trade_state: str = "NOTPAY"
    transaction_id: str = ""
    success_time: datetime | None = None
    refunded: int = 0


@dataclass
class WxRefund:
    out_refund_no: str
    refund_id: str
    out_trade_no: str
    transaction_id: str
    refund: int
    total: int
    currency: str
    reason: str
    notify_url: str
    created_at: datetime
    status: str = "PROCESSING"
    success_time: datetime | None = None


class WeChatNotify(WeChatSigning):
    """FakeWeChatPay's callbacks and reports; the dataclass sets these attributes."""

    appid: str
    late_s: float
    refund_delay_s: float
    orders: dict[str, WxOrder]
    refunds: dict[str, WxRefund]
    deliverer: Deliverer

    # the resident's side: paying, and the callbacks -----------------------------------------------------------

    async def pay(self, out_trade_no: str, mode: Mode = "normal") -> Notification | None:
        """The resident confirms the payment: the order is paid and its callback sent as ``mode`` says."""
        order = self.orders[out_trade_no]
        if order.trade_state == "NOTPAY":
            order.trade_state = "SUCCESS"
            order.transaction_id = "42000" + "".join(secrets.choice("0123456789") for _ in range(23))
            order.success_time = _now()
        if mode == "silent":
            return None
        notification = self.payment_notification(out_trade_no, mode=mode)
        if mode == "held":
            self.deliverer.hold()
        await self.deliverer.send(notification, delay_s=self.late_s if mode == "late" else 0.0)
        if mode == "twice":
            await self.deliverer.send(self.payment_notification(out_trade_no, event_id=notification.label))
        return notification

    def payment_notification(
        self, out_trade_no: str, *, mode: Mode = "normal", event_id: str = ""
    ) -> Notification:
        """TRANSACTION.SUCCESS of a paid order, signed and encrypted (or spoiled as ``mode`` says)."""
        order = self.orders[out_trade_no]
        resource = self.transaction(order)
        if mode == "wrong_appid":
            resource["appid"] = "wx0000000000000000"
        elif mode == "amount_mismatch":
            resource["amount"]["total"] += 1
            resource["amount"]["payer_total"] += 1
        elif mode == "currency_mismatch":
            resource["amount"]["currency"] = resource["amount"]["payer_currency"] = "USD"
        return self.notification(
            order.notify_url,
            "TRANSACTION.SUCCESS",
            "支付成功",
            "transaction",
            resource,
            mode=mode,
            event_id=event_id,
        )

    def refund_notification(self, out_refund_no: str, *, mode: Mode = "normal") -> Notification:
        refund = self.refunds[out_refund_no]
        resource = {
            "mchid": self.mchid,
            "out_trade_no": refund.out_trade_no,
            "transaction_id": refund.transaction_id,
            "out_refund_no": refund.out_refund_no,
            "refund_id": refund.refund_id,
            "refund_status": refund.status,
            "success_time": _wx_time(refund.success_time),
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": refund.total,
                "refund": refund.refund,
                "payer_total": refund.total,
                "payer_refund": refund.refund,
            },
        }
        return self.notification(
            refund.notify_url, f"REFUND.{refund.status}", "退款成功", "refund", resource, mode=mode
        )

    def notification(
        self,
        url: str,
        event_type: str,
        summary: str,
        original_type: str,
        resource: dict[str, Any],
        *,
        mode: Mode = "normal",
        event_id: str = "",
    ) -> Notification:
        key = self.apiv3_key if mode != "wrong_key" else secrets.token_hex(16)
        nonce = secrets.token_hex(6)  # 12 characters, as WeChat's
        ciphertext = AESGCM(key.encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), original_type.encode()
        )
        event_id = event_id or str(uuid.uuid4())
        envelope = {
            "id": event_id,
            "create_time": _wx_time(_now()),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(ciphertext).decode(),
                "associated_data": original_type,
                "nonce": nonce,
            },
        }
        body = json.dumps(envelope, ensure_ascii=False)
        timestamp = int(time.time()) - (360 if mode == "stale" else 0)
        signer = process_key("stranger") if mode == "forged" else self.platform_key
        headers = self._signature_headers(body, timestamp=timestamp, key=signer)
        if mode == "unknown_serial":
            headers["Wechatpay-Serial"] = secrets.token_hex(20).upper()
        if mode == "tampered":
            body = body.replace(summary, summary + "!")
        headers["Content-Type"] = "application/json"
        return Notification(url=url, headers=headers, body=body.encode(), label=event_id)

    def transaction(self, order: WxOrder) -> dict[str, Any]:
        """The transaction as WeChat Pay describes it (query answers and callbacks)."""
        data: dict[str, Any] = {
            "appid": order.appid,
            "mchid": order.mchid,
            "out_trade_no": order.out_trade_no,
            "trade_type": order.trade_type,
            "trade_state": order.trade_state,
            "trade_state_desc": {
                "SUCCESS": "支付成功",
                "NOTPAY": "未支付",
                "CLOSED": "已关闭",
                "REFUND": "转入退款",
            }.get(order.trade_state, ""),
            "attach": "",
            "amount": {"total": order.total, "currency": order.currency},
        }
        if order.transaction_id:
            data.update(
                transaction_id=order.transaction_id,
                bank_type="OTHERS",
                success_time=_wx_time(order.success_time),
                payer={"openid": order.payer_openid or "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            )
            data["amount"].update(payer_total=order.total, payer_currency=order.currency)
        return data

    async def _finish_refund(self, refund: WxRefund) -> None:
        await asyncio.sleep(self.refund_delay_s)
        refund.status, refund.success_time = "SUCCESS", _now()
        if refund.notify_url:
            await self.deliverer.send(self.refund_notification(refund.out_refund_no))

    # the trade bill ---------------------------------------------------------------------------------------------

    def trade_bill(self, day: date) -> bytes:
        """The ALL trade bill of ``day`` (CST): paid orders and refunds as separate rows, then the summary."""
        lines = [",".join(WECHAT_COLUMNS)]
        count = paid = refunded = 0
        for order in self.orders.values():
            if order.success_time and order.success_time.astimezone(CHINA_TZ).date() == day:
                lines.append(self._bill_line(order, None))
                count, paid = count + 1, paid + order.total
        for refund in self.refunds.values():
            if refund.created_at.astimezone(CHINA_TZ).date() == day:
                lines.append(self._bill_line(self.orders[refund.out_trade_no], refund))
                count, refunded = count + 1, refunded + refund.refund
        lines.append(",".join(WECHAT_SUMMARY_COLUMNS))
        lines.append(
            ",".join(
                "`" + v
                for v in (
                    str(count),
                    _yuan(paid),
                    _yuan(refunded),
                    "0.00",
                    "0.00000",
                    _yuan(paid),
                    _yuan(refunded),
                )
            )
        )
        return ("\r\n".join(lines) + "\r\n").encode()

    def _bill_line(self, order: WxOrder, refund: WxRefund | None) -> str:
        at = refund.created_at if refund else order.success_time
        assert at is not None
        cells = {
            "交易时间": at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "公众账号ID": order.appid,
            "商户号": order.mchid,
            "特约商户号": "0",
            "设备号": "",
            "微信订单号": order.transaction_id,
            "商户订单号": order.out_trade_no,
            "用户标识": order.payer_openid or "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            "交易类型": order.trade_type,
            "交易状态": "REFUND" if refund else "SUCCESS",
            "付款银行": "OTHERS",
            "货币种类": order.currency,
            "应结订单金额": "0.00" if refund else _yuan(order.total),
            "代金券金额": "0.00",
            "微信退款单号": refund.refund_id if refund else "0",
            "商户退款单号": refund.out_refund_no if refund else "0",
            "退款金额": _yuan(refund.refund) if refund else "0.00",
            "充值券退款金额": "0.00",
            "退款类型": "ORIGINAL" if refund else "",
            "退款状态": refund.status if refund else "",
            "商品名称": order.description.replace(",", "，"),
            "商户数据包": "",
            "手续费": "0.00000",
            "费率": "0.60%",
            "订单金额": "0.00" if refund else _yuan(order.total),
            "申请退款金额": _yuan(refund.refund) if refund else "0.00",
            "费率备注": "",
        }
        return ",".join("`" + cells[name] for name in WECHAT_COLUMNS)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
