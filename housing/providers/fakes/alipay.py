"""A stand-in for Alipay's open gateway that speaks its protocol, so that python-alipay-sdk does its real work.

Keys are made at start: the app's key pair (the fake hands out the private half in ``client_config()``, as the
open platform's key tool would make it) and Alipay's own key pair. What it checks and does, as Alipay does:

- ``GET|POST /gateway.do``: the request's RSA2 signature over its parameters but ``sign``, sorted by name, with
  the app's public key; the answer ``{"<method>_response": {...}, "sign": "..."}`` signed with Alipay's key over
  the exact text of the response object. Methods: alipay.trade.query, alipay.trade.refund,
  alipay.trade.fastpay.refund.query, alipay.trade.close, alipay.data.dataservice.bill.downloadurl.query;
- the app's order string (alipay.trade.app.pay) is verified when the resident's app "opens" it
  (``open_order_string``, or ``POST /_dev/pay`` with ``order_string``), which makes the trade WAIT_BUYER_PAY;
- callbacks (异步通知): a form POST signed over the parameters but ``sign`` and ``sign_type``, sorted, sent to
  the order's notify_url (loopback only): normal, twice, late, held back (out of order), or hostile: forged,
  tampered, for another app_id or seller, an amount written as a float would print it ('0.30000000000000004'),
  another amount, another currency, unsigned; refunds notify the same URL with out_biz_no and refund_fee;
- the business statement: a ZIP with the day's detail CSV in GBK, as Alipay serves it.

Only 127.0.0.1 is ever bound, and callbacks go only to loopback URLs.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from housing.providers.base import CHINA_TZ
from housing.providers.config import AlipayConfig
from housing.providers.fakes.common import Deliverer, Delivery, Notification, Server, is_loopback_url
from housing.providers.fakes.keys import private_pem, process_key, public_pem, sign_sha256, verify_sha256
from housing.providers.statements import ALIPAY_COLUMNS

Mode = Literal[
    "normal",
    "twice",
    "late",
    "held",  # kept back until the next callback has gone: the two arrive out of order
    "silent",  # paid, but no callback at all (the worker has to query)
    "finished",  # TRADE_SUCCESS, then TRADE_FINISHED
    "forged",  # signed by a key that is not Alipay's
    "tampered",  # total_amount changed after signing
    "unsigned",  # no sign at all
    "wrong_app_id",  # validly signed, for another app
    "wrong_seller",  # validly signed, for another seller
    "float_amount",  # validly signed, total_amount as a float prints it: '0.30000000000000004'
    "amount_mismatch",  # validly signed, one fen more than the order
    "currency_mismatch",  # validly signed, trans_currency USD
]
MODES: Final[tuple[str, ...]] = Mode.__args__  # type: ignore[attr-defined]
_TIME: Final = "%Y-%m-%d %H:%M:%S"


@dataclass
class AliOrder:
    out_trade_no: str
    trade_no: str
    subject: str
    total: int  # fen
    notify_url: str
    created_at: datetime
    time_expire: datetime | None
    trade_status: str = "WAIT_BUYER_PAY"
    paid_at: datetime | None = None
    refunded: int = 0


@dataclass
class AliRefund:
    out_trade_no: str
    out_request_no: str
    amount: int
    reason: str
    at: datetime


@dataclass
class FakeAlipay:
    app_id: str = "2021000000000001"
    seller_id: str = "2088000000000001"
    refund_delay_s: float = 0.05
    retry_delays_s: tuple[float, ...] = ()
    late_s: float = 1.0
    origin: str = ""
    orders: dict[str, AliOrder] = field(default_factory=dict)
    refunds: dict[tuple[str, str], AliRefund] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)  # the methods of every gateway call that verified

    def __post_init__(self) -> None:
        self.app_key = process_key("alipay-app")
        self.alipay_key = process_key("alipay-platform")
        self.deliverer = Deliverer(
            acknowledged_by=lambda _status, body: body.strip() == b"success",
            retry_delays_s=self.retry_delays_s,
        )
        self._server = Server()
        self._bills: dict[str, bytes] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # lifecycle and the client's side --------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        self.origin = await self._server.start(self.app(), port)
        return self.origin

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.deliverer.close()
        await self._server.stop()

    def client_config(self, **overrides: Any) -> AlipayConfig:
        values: dict[str, Any] = {
            "app_id": self.app_id,
            "app_private_key": private_pem(self.app_key),
            "alipay_public_key": public_pem(self.alipay_key),
            "seller_id": self.seller_id,
            "gateway_url": f"{self.origin}/gateway.do",
        }
        values.update(overrides)
        return AlipayConfig(**values)

    @property
    def deliveries(self) -> list[Delivery]:
        return self.deliverer.deliveries

    # the resident's side ----------------------------------------------------------------------------------------

    def open_order_string(self, order_string: str) -> AliOrder:
        """What Alipay does when the app hands it the order string: verify it, and make the trade."""
        params = dict(parse_qsl(order_string, keep_blank_values=True))
        problem = self._check_request(params)
        if problem:
            raise ValueError(problem)
        if params.get("method") != "alipay.trade.app.pay":
            raise ValueError("not an alipay.trade.app.pay order string")
        biz = json.loads(params.get("biz_content", "{}"))
        notify_url = params.get("notify_url", "")
        if not is_loopback_url(notify_url):
            raise ValueError("notify_url: the fake calls back only to this machine")
        if biz.get("seller_id") not in (None, self.seller_id):
            raise ValueError("ACQ.SELLER_NOT_EXIST")
        total = _fen(str(biz.get("total_amount", "")))
        out_trade_no = str(biz.get("out_trade_no", ""))
        existing = self.orders.get(out_trade_no)
        if existing is not None:
            if existing.total != total:
                raise ValueError("ACQ.CONTEXT_INCONSISTENT: 交易信息被篡改")
            return existing
        expire = biz.get("time_expire")
        order = AliOrder(
            out_trade_no=out_trade_no,
            trade_no=_now().strftime("%Y%m%d")
            + "22001"
            + "".join(secrets.choice("0123456789") for _ in range(15)),
            subject=str(biz.get("subject", "")),
            total=total,
            notify_url=notify_url,
            created_at=_now(),
            time_expire=datetime.strptime(expire, _TIME).replace(tzinfo=CHINA_TZ) if expire else None,
        )
        if order.time_expire is not None and order.time_expire < _now():
            raise ValueError("ACQ.TRADE_HAS_CLOSE: 交易已关闭")
        self.orders[out_trade_no] = order
        return order

    async def pay(self, out_trade_no: str, mode: Mode = "normal") -> Notification | None:
        """The resident pays in the Alipay app: the trade is TRADE_SUCCESS and its callback sent as ``mode`` says."""
        order = self.orders[out_trade_no]
        if order.trade_status == "WAIT_BUYER_PAY":
            order.trade_status, order.paid_at = "TRADE_SUCCESS", _now()
        if mode == "silent":
            return None
        notification = self.payment_notification(out_trade_no, mode=mode)
        if mode == "held":
            self.deliverer.hold()
        await self.deliverer.send(notification, delay_s=self.late_s if mode == "late" else 0.0)
        if mode == "twice":
            await self.deliverer.send(self.payment_notification(out_trade_no, notify_id=notification.label))
        if mode == "finished":
            await self.deliverer.send(self.payment_notification(out_trade_no, trade_status="TRADE_FINISHED"))
        return notification

    def payment_notification(
        self, out_trade_no: str, *, mode: Mode = "normal", trade_status: str = "", notify_id: str = ""
    ) -> Notification:
        order = self.orders[out_trade_no]
        params = self._trade_params(order, trade_status or order.trade_status, notify_id)
        if mode == "wrong_app_id":
            params["app_id"] = "2021009999999999"
        elif mode == "wrong_seller":
            params["seller_id"] = "2088009999999999"
        elif mode == "float_amount":
            params["total_amount"] = params["receipt_amount"] = repr(0.1 + 0.2)
        elif mode == "amount_mismatch":
            params["total_amount"] = params["receipt_amount"] = _yuan(order.total + 1)
        elif mode == "currency_mismatch":
            params["trans_currency"] = "USD"
        return self.notification(order.notify_url, params, mode=mode)

    def refund_notification(
        self, out_trade_no: str, out_request_no: str, *, mode: Mode = "normal"
    ) -> Notification:
        order = self.orders[out_trade_no]
        refund = self.refunds[(out_trade_no, out_request_no)]
        params = self._trade_params(order, order.trade_status, "")
        params.update(
            out_biz_no=out_request_no,
            refund_fee=_yuan(sum(r.amount for (no, _), r in self.refunds.items() if no == out_trade_no)),
            gmt_refund=refund.at.strftime(_TIME) + ".000",
        )
        if order.trade_status == "TRADE_CLOSED":
            params["gmt_close"] = refund.at.strftime(_TIME)
        return self.notification(order.notify_url, params, mode=mode)

    def notification(self, url: str, params: dict[str, str], *, mode: Mode = "normal") -> Notification:
        signed = {k: v for k, v in params.items() if k not in ("sign", "sign_type")}
        key = process_key("stranger") if mode == "forged" else self.alipay_key
        # a notification is signed over every parameter but sign and sign_type, empty ones included
        content = "&".join(f"{k}={v}" for k, v in sorted(signed.items()))
        params = {**params, "sign_type": "RSA2", "sign": sign_sha256(key, content)}
        if mode == "tampered":
            params["total_amount"] = _yuan(_fen(params["total_amount"]) - 1)
        if mode == "unsigned":
            params.pop("sign")
        return Notification(
            url=url,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            body=urlencode(params).encode(),
            label=params["notify_id"],
        )

    def _trade_params(self, order: AliOrder, trade_status: str, notify_id: str) -> dict[str, str]:
        params = {
            "notify_time": _now().strftime(_TIME),
            "notify_type": "trade_status_sync",
            "notify_id": notify_id or secrets.token_hex(16),
            "charset": "utf-8",
            "version": "1.0",
            "app_id": self.app_id,
            "auth_app_id": self.app_id,
            "trade_no": order.trade_no,
            "out_trade_no": order.out_trade_no,
            "buyer_id": "2088102177846880",
            "buyer_logon_id": "csq***@sandbox.com",
            "seller_id": self.seller_id,
            "seller_email": "property@example.com",
            "trade_status": trade_status,
            "total_amount": _yuan(order.total),
            "receipt_amount": _yuan(order.total),
            "invoice_amount": _yuan(order.total),
            "buyer_pay_amount": _yuan(order.total),
            "point_amount": "0.00",
            "subject": order.subject,
            "gmt_create": order.created_at.strftime(_TIME),
        }
        if order.paid_at:
            params["gmt_payment"] = order.paid_at.strftime(_TIME)
            params["fund_bill_list"] = json.dumps(
                [{"amount": _yuan(order.total), "fundChannel": "ALIPAYACCOUNT"}], separators=(",", ":")
            )
        return params

    # the gateway ---------------------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/gateway.do", self._gateway)
        app.router.add_get("/_bill/{token}", self._bill_file)
        app.router.add_get("/_dev/", self._dev_page)
        app.router.add_get("/_dev/orders", self._dev_orders)
        app.router.add_post("/_dev/pay", self._dev_pay)
        return app

    def _check_request(self, params: dict[str, str]) -> str:
        if params.get("app_id") != self.app_id:
            return "isv.invalid-app-id"
        if params.get("sign_type") != "RSA2":
            return "isv.invalid-signature-type"
        unsigned = {k: v for k, v in params.items() if k != "sign"}
        if not verify_sha256(self.app_key.public_key(), _content(unsigned), params.get("sign", "")):
            return "isv.invalid-signature"
        return ""

    async def _gateway(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST":
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        method = params.get("method", "")
        key = method.replace(".", "_") + "_response" if method else "error_response"
        problem = self._check_request(params)
        if problem:
            return self._answer(key, _error("40002", "Invalid Arguments", problem, "验签出错"))
        self.calls.append(method)
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            return self._answer(
                key, _error("40002", "Invalid Arguments", "isv.invalid-biz-content", "biz_content")
            )
        handler = {
            "alipay.trade.query": self._query,
            "alipay.trade.close": self._close,
            "alipay.trade.refund": self._refund,
            "alipay.trade.fastpay.refund.query": self._refund_query,
            "alipay.data.dataservice.bill.downloadurl.query": self._bill_url,
        }.get(method)
        if handler is None:
            return self._answer(
                key, _error("40002", "Invalid Arguments", "isv.invalid-method", "不存在的方法名")
            )
        return self._answer(key, handler(biz))

    def _answer(self, key: str, body: dict[str, Any]) -> web.Response:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        sign = sign_sha256(self.alipay_key, text)
        return web.Response(
            text=f'{{"{key}":{text},"sign":"{sign}"}}', content_type="application/json", charset="utf-8"
        )

    def _trade(self, biz: dict[str, Any]) -> AliOrder | None:
        order = self.orders.get(str(biz.get("out_trade_no", "")))
        if order is None and biz.get("trade_no"):
            order = next((o for o in self.orders.values() if o.trade_no == biz["trade_no"]), None)
        return order

    def _query(self, biz: dict[str, Any]) -> dict[str, Any]:
        order = self._trade(biz)
        if order is None:
            return _error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在") | {
                "out_trade_no": biz.get("out_trade_no", ""),
                "buyer_pay_amount": "0.00",
                "invoice_amount": "0.00",
                "point_amount": "0.00",
                "receipt_amount": "0.00",
            }
        body = {
            "code": "10000",
            "msg": "Success",
            "trade_no": order.trade_no,
            "out_trade_no": order.out_trade_no,
            "buyer_logon_id": "csq***@sandbox.com",
            "trade_status": order.trade_status,
            "total_amount": _yuan(order.total),
            "buyer_pay_amount": _yuan(order.total) if order.paid_at else "0.00",
            "point_amount": "0.00",
            "invoice_amount": _yuan(order.total) if order.paid_at else "0.00",
            "receipt_amount": _yuan(order.total) if order.paid_at else "0.00",
        }
        if order.paid_at:
            body["send_pay_date"] = order.paid_at.strftime(_TIME)
        return body

    def _close(self, biz: dict[str, Any]) -> dict[str, Any]:
        order = self._trade(biz)
        if order is None:
            return _error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        if order.trade_status != "WAIT_BUYER_PAY":
            return _error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        order.trade_status = "TRADE_CLOSED"
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": order.trade_no,
            "out_trade_no": order.out_trade_no,
        }

    def _refund(self, biz: dict[str, Any]) -> dict[str, Any]:
        order = self._trade(biz)
        if order is None:
            return _error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        request_no = str(biz.get("out_request_no") or order.out_trade_no)
        try:
            amount = _fen(str(biz.get("refund_amount", "")))
        except ValueError:
            return _error("40002", "Invalid Arguments", "isv.invalid-parameter", "refund_amount")
        done = {
            "code": "10000",
            "msg": "Success",
            "trade_no": order.trade_no,
            "out_trade_no": order.out_trade_no,
            "buyer_logon_id": "csq***@sandbox.com",
            "buyer_user_id": "2088102177846880",
        }
        existing = self.refunds.get((order.out_trade_no, request_no))
        if existing is not None:  # the same out_request_no again: the same refund, no money moves
            return done | {"fund_change": "N", "refund_fee": _yuan(order.refunded)}
        if order.trade_status not in ("TRADE_SUCCESS", "TRADE_CLOSED") or order.paid_at is None:
            return _error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        if amount <= 0 or order.refunded + amount > order.total:
            return _error("40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
        refund = AliRefund(order.out_trade_no, request_no, amount, str(biz.get("refund_reason", "")), _now())
        self.refunds[(order.out_trade_no, request_no)] = refund
        order.refunded += amount
        if order.refunded == order.total:
            order.trade_status = "TRADE_CLOSED"
        task = asyncio.create_task(self._notify_refund(order.out_trade_no, request_no))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return done | {
            "fund_change": "Y",
            "refund_fee": _yuan(order.refunded),
            "gmt_refund_pay": refund.at.strftime(_TIME),
            "send_back_fee": _yuan(amount),
        }

    async def _notify_refund(self, out_trade_no: str, out_request_no: str) -> None:
        await asyncio.sleep(self.refund_delay_s)
        await self.deliverer.send(self.refund_notification(out_trade_no, out_request_no))

    def _refund_query(self, biz: dict[str, Any]) -> dict[str, Any]:
        order = self._trade(biz)
        refund = self.refunds.get((order.out_trade_no, str(biz.get("out_request_no", "")))) if order else None
        if order is None or refund is None:
            return {"code": "10000", "msg": "Success"}  # as Alipay: success, and nothing
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": order.trade_no,
            "out_trade_no": order.out_trade_no,
            "out_request_no": refund.out_request_no,
            "total_amount": _yuan(order.total),
            "refund_amount": _yuan(refund.amount),
            "refund_status": "REFUND_SUCCESS",
            "gmt_refund_pay": refund.at.strftime(_TIME),
        }

    # the statement ----------------------------------------------------------------------------------------------

    def bill_csv(self, day: date) -> str:
        """The day's business detail (业务明细), as Alipay writes it (before GBK and the ZIP)."""
        start = datetime(day.year, day.month, day.day)
        rows: list[list[str]] = []
        paid = refunded = 0
        for order in self.orders.values():
            if order.paid_at and order.paid_at.date() == day:
                rows.append(self._bill_row(order, None))
                paid += order.total
        refunds = [r for r in self.refunds.values() if r.at.date() == day]
        for refund in refunds:
            rows.append(self._bill_row(self.orders[refund.out_trade_no], refund))
            refunded += refund.amount
        out = io.StringIO()
        out.write("#支付宝业务明细查询\n")
        out.write(f"#账号：[{self.seller_id}0156]\n")
        out.write(
            f"#起始日期：[{start:%Y年%m月%d日} 00:00:00]   终止日期：[{start + timedelta(days=1):%Y年%m月%d日} 00:00:00]\n"
        )
        out.write(
            "#-----------------------------------------业务明细列表----------------------------------------\n"
        )
        out.write(",".join(ALIPAY_COLUMNS) + "\n")
        for row in rows:
            out.write(",".join(row) + "\n")
        out.write(
            "#-----------------------------------------业务明细列表结束------------------------------------\n"
        )
        out.write(f"#交易合计：{len(rows) - len(refunds)}笔，商家实收共{_yuan(paid)}元，商家优惠共0.00元\n")
        out.write(
            f"#退款合计：{len(refunds)}笔，商家实收共{'-' if refunded else ''}{_yuan(refunded)}元，商家优惠共0.00元\n"
        )
        out.write(f"#导出时间：[{_now():%Y年%m月%d日 %H:%M:%S}]\n")
        return out.getvalue()

    def _bill_row(self, order: AliOrder, refund: AliRefund | None) -> list[str]:
        at = refund.at if refund else order.paid_at
        assert at is not None
        cells = {name: "" for name in ALIPAY_COLUMNS}
        cells.update(
            {
                "支付宝交易号": order.trade_no + "\t",
                "商户订单号": order.out_trade_no + "\t",
                "业务类型": "退款" if refund else "交易",
                "商品名称": order.subject.replace(",", "，"),
                "创建时间": order.created_at.strftime(_TIME),
                "完成时间": at.strftime(_TIME),
                "对方账户": "csq***@sandbox.com",
                "订单金额（元）": _yuan(order.total) + "\t",
                "商家实收（元）": ("-" + _yuan(refund.amount) if refund else _yuan(order.total)) + "\t",
                "支付宝红包（元）": "0.00",
                "集分宝（元）": "0.00",
                "支付宝优惠（元）": "0.00",
                "商家优惠（元）": "0.00",
                "券核销金额（元）": "0.00",
                "商家红包消费金额（元）": "0.00",
                "卡消费金额（元）": "0.00",
                "退款批次号/请求号": (refund.out_request_no + "\t") if refund else "",
                "服务费（元）": "0.00",
                "分润（元）": "0.00",
            }
        )
        return [cells[name] for name in ALIPAY_COLUMNS]

    def bill_zip(self, day: date) -> bytes:
        buffer = io.BytesIO()
        stem = f"{self.seller_id}0156_{day:%Y%m%d}"
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{stem}_业务明细.csv", self.bill_csv(day).encode("gbk"))
            archive.writestr(f"{stem}_业务明细(汇总).csv", "#支付宝业务汇总查询\n".encode("gbk"))
        return buffer.getvalue()

    def _bill_url(self, biz: dict[str, Any]) -> dict[str, Any]:
        try:
            day = date.fromisoformat(str(biz.get("bill_date", "")))
        except ValueError:
            return _error("40002", "Invalid Arguments", "isv.invalid-parameter", "bill_date")
        if biz.get("bill_type") != "trade":
            return _error("40004", "Business Failed", "isp.bill_type_not_support", "账单类型不支持")
        has_rows = any(o.paid_at and o.paid_at.date() == day for o in self.orders.values()) or any(
            r.at.date() == day for r in self.refunds.values()
        )
        if not has_rows:
            return _error("40004", "Business Failed", "isp.bill_not_exist", "账单不存在")
        token = secrets.token_urlsafe(16)
        self._bills[token] = self.bill_zip(day)
        return {"code": "10000", "msg": "Success", "bill_download_url": f"{self.origin}/_bill/{token}"}

    async def _bill_file(self, request: web.Request) -> web.Response:
        content = self._bills.get(request.match_info["token"])
        if content is None:
            raise web.HTTPNotFound()
        return web.Response(body=content, content_type="application/zip")

    # the dev side: pay by hand -------------------------------------------------------------------------------------

    async def _dev_pay(self, request: web.Request) -> web.Response:
        data: dict[str, Any]
        if request.content_type == "application/json":
            data = json.loads(await request.text() or "{}")
        else:
            data = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        mode = str(data.get("mode") or "normal")
        if mode not in MODES:
            return web.json_response({"error": "unknown mode", "modes": list(MODES)}, status=400)
        try:
            if data.get("order_string"):
                order = self.open_order_string(str(data["order_string"]))
            else:
                order = self.orders[str(data.get("out_trade_no", ""))]
        except (ValueError, KeyError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        if order.trade_status != "WAIT_BUYER_PAY" and mode == "normal":
            return web.json_response({"error": f"the trade is {order.trade_status}"}, status=409)
        await self.pay(order.out_trade_no, mode)  # type: ignore[arg-type]
        if request.content_type != "application/json":
            raise web.HTTPSeeOther("/_dev/")
        return web.json_response({"out_trade_no": order.out_trade_no, "trade_status": order.trade_status})

    async def _dev_orders(self, request: web.Request) -> web.Response:
        return web.json_response([self._query({"out_trade_no": no}) for no in self.orders])

    async def _dev_page(self, request: web.Request) -> web.Response:
        options = "".join(f"<option>{m}</option>" for m in MODES)
        rows = "".join(
            f"<tr><td>{html.escape(o.out_trade_no)}</td><td>{html.escape(o.subject)}</td><td>{_yuan(o.total)}</td>"
            f"<td>{o.trade_status}</td></tr>"
            for o in reversed(list(self.orders.values()))
        )
        deliveries = "".join(
            f"<li>{html.escape(d.notification.url)}: {d.status} {'ack' if d.acknowledged else 'not acknowledged'}</li>"
            for d in self.deliveries[-20:]
        )
        page = (
            "<!doctype html><meta charset=utf-8><title>支付宝 (fake)</title><h1>支付宝 (fake)</h1>"
            '<form method="post" action="/_dev/pay"><p>order_string (from the app):</p>'
            '<textarea name="order_string" rows="6" cols="100"></textarea><br>'
            f'<select name="mode">{options}</select> <button>确认支付 (confirm payment)</button></form>'
            "<table border=1 cellpadding=4><tr><th>out_trade_no</th><th>subject</th><th>yuan</th><th>status</th></tr>"
            f"{rows}</table><h2>callbacks</h2><ul>{deliveries}</ul>"
        )
        return web.Response(text=page, content_type="text/html")


def _content(params: dict[str, str]) -> str:
    """Alipay's string to sign of a request: non-empty parameters sorted by name, 'k=v' joined with '&', values
    as they are."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v != "")


def _error(code: str, msg: str, sub_code: str, sub_msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}


def _fen(text: str) -> int:
    try:
        value = Decimal(text) * 100
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if value != value.to_integral_value() or not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return int(value)


def _now() -> datetime:
    return datetime.fromtimestamp(int(time.time()), CHINA_TZ)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
