"""A stand-in for WeChat Pay API v3 that speaks its protocol, so that the wechatpayv3 SDK does its real work.

Keys are made at start: the merchant's API key (the fake hands out its private half in ``client_config()``, as
the merchant platform would let you download it) and the platform's key with a self-signed platform
certificate, named by its serial. What it checks and does, as WeChat Pay does:

- every request carries ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid=..,nonce_str=..,signature=..,
  timestamp=..,serial_no=..`` signed by the merchant's key over ``METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n``;
  a bad one is a 401 SIGN_ERROR;
- every answer is signed by the platform (``Wechatpay-Timestamp/-Nonce/-Signature/-Serial``);
- ``GET /v3/certificates`` serves the platform certificate encrypted with AES-256-GCM under the APIv3 key;
- ``POST /v3/pay/transactions/{app,jsapi,native,h5}`` makes the prepay order; ``GET .../out-trade-no/{no}`` and
  ``.../id/{transaction_id}`` query it; ``POST .../out-trade-no/{no}/close`` closes it;
- ``POST /v3/refund/domestic/refunds`` refunds (PROCESSING, then SUCCESS and a REFUND.SUCCESS callback);
  ``GET /v3/refund/domestic/refunds/{out_refund_no}`` queries;
- ``GET /v3/bill/tradebill`` and ``/v3/billdownload/file`` serve the day's trade bill (gzip, SHA1 hash_value);
- callbacks: the resource encrypted with AES-256-GCM under the APIv3 key, the envelope signed by the platform;
  sent to the order's notify_url (loopback only), normal, twice, late, held back (out of order), or hostile:
  forged, stale, tampered, under another APIv3 key, with an unknown serial, for another appid, with another
  amount or currency. ``pay(out_trade_no, mode)`` plays the resident's confirmation; ``POST /_dev/pay`` and the
  page at ``GET /_dev/`` do the same by hand.

Only 127.0.0.1 is ever bound, and callbacks go only to loopback URLs.

This module holds the server, its routes and the dev page; ``wechat_signing`` the request signature checks,
the answers' signatures and the platform certificate; ``wechat_notify`` the callbacks, the transaction as
WeChat Pay describes it and the trade bill's content.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import html
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

from aiohttp import web

from housing.providers.base import CHINA_TZ
from housing.providers.config import WeChatPayConfig
from housing.providers.fakes.common import Deliverer, Delivery, Server, is_loopback_url
from housing.providers.fakes.keys import (
    private_pem,
    process_key,
    public_pem,
    self_signed_certificate,
    serial_hex,
)
from housing.providers.fakes.wechat_notify import MODES, Mode, WeChatNotify, WxOrder, WxRefund, _yuan
from housing.providers.fakes.wechat_signing import _json, _now, _obj, _Refusal, _wx_time

__all__ = ["MODES", "FakeWeChatPay", "Mode", "WxOrder", "WxRefund"]

_OUT_TRADE_NO: Final = re.compile(r"[0-9A-Za-z_|*-]{6,32}")


@dataclass
class FakeWeChatPay(WeChatNotify):
    mchid: str = "1900000109"
    appid: str = "wxd678efh567hg6787"
    #: sign answers and callbacks with the platform public key id (微信支付公钥 mode) instead of the certificate
    public_key_mode: bool = False
    refund_delay_s: float = 0.05
    retry_delays_s: tuple[float, ...] = ()
    late_s: float = 1.0
    origin: str = ""
    orders: dict[str, WxOrder] = field(default_factory=dict)
    refunds: dict[str, WxRefund] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(
        default_factory=list
    )  # (method, path) of every API call that verified

    def __post_init__(self) -> None:
        self.merchant_key = process_key("wechat-merchant")
        self.merchant_serial = secrets.token_hex(20).upper()
        self.platform_key = process_key("wechat-platform")
        self.platform_certificate = self_signed_certificate(self.platform_key, "Tenpay.com Root CA (fake)")
        self.platform_serial = serial_hex(self.platform_certificate)
        self.public_key_id = "PUB_KEY_ID_" + "".join(secrets.choice("0123456789") for _ in range(30))
        self.apiv3_key = secrets.token_hex(16)  # 32 characters
        self.deliverer = Deliverer(
            acknowledged_by=lambda status, _body: status in (200, 204), retry_delays_s=self.retry_delays_s
        )
        self._server = Server()
        self._bills: dict[str, bytes] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # lifecycle and the client's side ------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        self.origin = await self._server.start(self.app(), port)
        return self.origin

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.deliverer.close()
        await self._server.stop()

    def client_config(self, **overrides: Any) -> WeChatPayConfig:
        """The merchant's configuration for this fake (its keys, ids and origin)."""
        values: dict[str, Any] = {
            "mchid": self.mchid,
            "appid": self.appid,
            "merchant_serial_no": self.merchant_serial,
            "merchant_private_key": private_pem(self.merchant_key),
            "apiv3_key": self.apiv3_key,
            "base_url": self.origin,
        }
        if self.public_key_mode:
            values["platform_public_key"] = public_pem(self.platform_key)
            values["platform_public_key_id"] = self.public_key_id
        values.update(overrides)
        return WeChatPayConfig(**values)

    @property
    def deliveries(self) -> list[Delivery]:
        return self.deliverer.deliveries

    # the HTTP side ---------------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._authenticate])
        app.router.add_get("/v3/certificates", self._certificates)
        app.router.add_post("/v3/pay/transactions/{kind:app|jsapi|native|h5}", self._prepay)
        app.router.add_get("/v3/pay/transactions/out-trade-no/{out_trade_no}", self._query)
        app.router.add_get("/v3/pay/transactions/id/{transaction_id}", self._query_by_id)
        app.router.add_post("/v3/pay/transactions/out-trade-no/{out_trade_no}/close", self._close)
        app.router.add_post("/v3/refund/domestic/refunds", self._refund)
        app.router.add_get("/v3/refund/domestic/refunds/{out_refund_no}", self._query_refund)
        app.router.add_get("/v3/bill/tradebill", self._trade_bill)
        app.router.add_get("/v3/billdownload/file", self._download)
        app.router.add_get("/_dev/", self._dev_page)
        app.router.add_get("/_dev/orders", self._dev_orders)
        app.router.add_post("/_dev/pay", self._dev_pay)
        return app

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/_dev/"):
            response: web.StreamResponse = await handler(request)
            return response
        body = await request.text()
        problem = self._check_authorization(request, body)
        if problem:
            return self._answer(401, {"code": "SIGN_ERROR", "message": problem})
        self.calls.append((request.method, request.path))
        try:
            response = await handler(request)
        except _Refusal as refusal:
            return self._answer(refusal.status, {"code": refusal.code, "message": refusal.message})
        return response

    async def _prepay(self, request: web.Request) -> web.Response:
        body = await _json(request)
        kind = request.match_info["kind"]
        out_trade_no, notify_url = body.get("out_trade_no"), body.get("notify_url")
        amount = _obj(body, "amount")
        if body.get("appid") != self.appid or body.get("mchid") != self.mchid:
            raise _Refusal(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        if not isinstance(out_trade_no, str) or not _OUT_TRADE_NO.fullmatch(out_trade_no):
            raise _Refusal(400, "PARAM_ERROR", "out_trade_no: 6-32 characters of [0-9A-Za-z_-|*]")
        if not isinstance(notify_url, str) or not is_loopback_url(notify_url):
            raise _Refusal(400, "PARAM_ERROR", "notify_url: the fake calls back only to this machine")
        total = amount.get("total")
        if isinstance(total, bool) or not isinstance(total, int) or total <= 0:
            raise _Refusal(400, "PARAM_ERROR", "amount.total must be a positive integer of fen")
        if not isinstance(body.get("description"), str) or not body["description"]:
            raise _Refusal(400, "PARAM_ERROR", "description is required")
        payer = _obj(body, "payer")
        if kind == "jsapi" and not payer.get("openid"):
            raise _Refusal(400, "PARAM_ERROR", "payer.openid is required for JSAPI")
        existing = self.orders.get(out_trade_no)
        if existing is not None:
            if existing.trade_state in ("SUCCESS", "REFUND"):
                raise _Refusal(403, "ORDERPAID", "该订单已支付")
            if existing.trade_state == "CLOSED":
                raise _Refusal(400, "ORDER_CLOSED", "订单已关闭")
            if existing.body != body:
                raise _Refusal(400, "INVALID_REQUEST", "201 商户订单号重复")
            return self._answer(200, {"prepay_id": existing.prepay_id})
        expire = body.get("time_expire")
        order = WxOrder(
            out_trade_no=out_trade_no,
            appid=self.appid,
            mchid=self.mchid,
            description=body["description"],
            total=total,
            currency=str(amount.get("currency", "CNY")),
            notify_url=notify_url,
            trade_type=kind.upper(),
            prepay_id="wx" + secrets.token_hex(15),
            payer_openid=str(payer.get("openid", "")),
            created_at=_now(),
            time_expire=datetime.fromisoformat(expire) if isinstance(expire, str) else None,
            body=body,
        )
        self.orders[out_trade_no] = order
        if kind == "native":
            return self._answer(200, {"code_url": f"weixin://wxpay/bizpayurl?pr={order.prepay_id}"})
        if kind == "h5":
            return self._answer(200, {"h5_url": f"{self.origin}/_dev/?prepay_id={order.prepay_id}"})
        return self._answer(200, {"prepay_id": order.prepay_id})

    def _order(self, out_trade_no: str, mchid: str | None) -> WxOrder:
        if mchid != self.mchid:
            raise _Refusal(400, "PARAM_ERROR", "mchid")
        order = self.orders.get(out_trade_no)
        if order is None:
            raise _Refusal(404, "ORDER_NOT_EXIST", "订单不存在")
        return order

    async def _query(self, request: web.Request) -> web.Response:
        order = self._order(request.match_info["out_trade_no"], request.query.get("mchid"))
        return self._answer(200, self.transaction(order))

    async def _query_by_id(self, request: web.Request) -> web.Response:
        wanted = request.match_info["transaction_id"]
        order = next((o for o in self.orders.values() if o.transaction_id == wanted), None)
        if order is None or request.query.get("mchid") != self.mchid:
            raise _Refusal(404, "ORDER_NOT_EXIST", "订单不存在")
        return self._answer(200, self.transaction(order))

    async def _close(self, request: web.Request) -> web.Response:
        body = await _json(request)
        order = self._order(request.match_info["out_trade_no"], body.get("mchid"))
        if order.trade_state in ("SUCCESS", "REFUND"):
            raise _Refusal(400, "ORDERPAID", "订单已支付")
        order.trade_state = "CLOSED"
        return self._answer(204, None)

    async def _refund(self, request: web.Request) -> web.Response:
        body = await _json(request)
        amount = _obj(body, "amount")
        out_refund_no = body.get("out_refund_no")
        if not isinstance(out_refund_no, str) or not out_refund_no:
            raise _Refusal(400, "PARAM_ERROR", "out_refund_no is required")
        order = self.orders.get(str(body.get("out_trade_no", "")))
        if order is None and body.get("transaction_id"):
            order = next(
                (o for o in self.orders.values() if o.transaction_id == body["transaction_id"]), None
            )
        if order is None:
            raise _Refusal(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        if out_refund_no in self.refunds:
            return self._answer(200, self._refund_json(self.refunds[out_refund_no]))
        refund, total = amount.get("refund"), amount.get("total")
        if order.trade_state not in ("SUCCESS", "REFUND"):
            raise _Refusal(403, "NOT_ENOUGH", "订单未支付")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (refund, total)):
            raise _Refusal(400, "PARAM_ERROR", "amount.refund and amount.total are positive integers of fen")
        assert isinstance(refund, int) and isinstance(total, int)
        if total != order.total:
            raise _Refusal(
                400, "PARAM_ERROR", "订单金额与退款金额不一致: amount.total is not the order's total"
            )
        if order.refunded + refund > order.total:
            raise _Refusal(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        notify_url = body.get("notify_url") or ""
        if notify_url and not is_loopback_url(notify_url):
            raise _Refusal(400, "PARAM_ERROR", "notify_url: the fake calls back only to this machine")
        record = WxRefund(
            out_refund_no=out_refund_no,
            refund_id="50" + "".join(secrets.choice("0123456789") for _ in range(27)),
            out_trade_no=order.out_trade_no,
            transaction_id=order.transaction_id,
            refund=refund,
            total=total,
            currency=str(amount.get("currency", "CNY")),
            reason=str(body.get("reason", "")),
            notify_url=notify_url,
            created_at=_now(),
        )
        self.refunds[out_refund_no] = record
        order.refunded += refund
        order.trade_state = "REFUND"
        answer = self._answer(200, self._refund_json(record))
        task = asyncio.create_task(self._finish_refund(record))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return answer

    def _refund_json(self, refund: WxRefund) -> dict[str, Any]:
        return {
            "refund_id": refund.refund_id,
            "out_refund_no": refund.out_refund_no,
            "transaction_id": refund.transaction_id,
            "out_trade_no": refund.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "success_time": _wx_time(refund.success_time) if refund.success_time else None,
            "create_time": _wx_time(refund.created_at),
            "status": refund.status,
            "funds_account": "AVAILABLE",
            "amount": {
                "total": refund.total,
                "refund": refund.refund,
                "payer_total": refund.total,
                "payer_refund": refund.refund,
                "settlement_refund": refund.refund,
                "settlement_total": refund.total,
                "discount_refund": 0,
                "currency": refund.currency,
            },
        }

    async def _query_refund(self, request: web.Request) -> web.Response:
        refund = self.refunds.get(request.match_info["out_refund_no"])
        if refund is None:
            raise _Refusal(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return self._answer(200, self._refund_json(refund))

    # the trade bill (its content: WeChatNotify.trade_bill) --------------------------------------------------

    async def _trade_bill(self, request: web.Request) -> web.Response:
        try:
            day = date.fromisoformat(request.query.get("bill_date", ""))
        except ValueError as exc:
            raise _Refusal(400, "PARAM_ERROR", "bill_date must be YYYY-MM-DD") from exc
        if day >= _now().astimezone(CHINA_TZ).date() + timedelta(days=1):
            raise _Refusal(400, "INVALID_REQUEST", "账单日期不能是未来")
        content = self.trade_bill(day)
        if content.count(b"\n") <= 3:  # header, summary header and summary: no transaction that day
            raise _Refusal(400, "NO_STATEMENT_EXIST", "账单文件不存在")
        token = secrets.token_urlsafe(16)
        gzipped = request.query.get("tar_type") == "GZIP"
        self._bills[token] = gzip.compress(content) if gzipped else content
        return self._answer(
            200,
            {
                "hash_type": "SHA1",
                "hash_value": hashlib.sha1(content).hexdigest(),  # noqa: S324 - WeChat's own digest
                "download_url": f"{self.origin}/v3/billdownload/file?token={token}",
            },
        )

    async def _download(self, request: web.Request) -> web.Response:
        content = self._bills.get(request.query.get("token", ""))
        if content is None:
            raise _Refusal(404, "RESOURCE_NOT_EXISTS", "账单不存在")
        return web.Response(body=content, content_type="application/octet-stream")

    # the dev side: pay by hand ----------------------------------------------------------------------------------

    async def _dev_pay(self, request: web.Request) -> web.Response:
        data: dict[str, Any]
        if request.content_type == "application/json":
            data = await _json(request)
        else:
            data = dict(await request.post())
        mode = str(data.get("mode") or "normal")
        order = self.orders.get(str(data.get("out_trade_no", "")))
        if order is None and data.get("prepay_id"):
            order = next((o for o in self.orders.values() if o.prepay_id == data["prepay_id"]), None)
        if order is None or mode not in MODES:
            return web.json_response({"error": "unknown order or mode", "modes": list(MODES)}, status=400)
        if order.trade_state != "NOTPAY" and mode == "normal":
            return web.json_response({"error": f"the order is {order.trade_state}"}, status=409)
        await self.pay(order.out_trade_no, mode)  # type: ignore[arg-type]
        if request.content_type != "application/json":
            raise web.HTTPSeeOther("/_dev/")
        return web.json_response({"out_trade_no": order.out_trade_no, "trade_state": order.trade_state})

    async def _dev_orders(self, request: web.Request) -> web.Response:
        return web.json_response(
            [self.transaction(o) | {"prepay_id": o.prepay_id} for o in self.orders.values()]
        )

    async def _dev_page(self, request: web.Request) -> web.Response:
        rows = []
        for order in reversed(list(self.orders.values())):
            button = ""
            if order.trade_state == "NOTPAY":
                options = "".join(f"<option>{m}</option>" for m in MODES)
                button = (
                    f'<form method="post" action="/_dev/pay"><input type="hidden" name="out_trade_no" '
                    f'value="{html.escape(order.out_trade_no)}"><select name="mode">{options}</select> '
                    f"<button>确认支付 (confirm payment)</button></form>"
                )
            rows.append(
                f"<tr><td>{html.escape(order.out_trade_no)}</td><td>{html.escape(order.description)}</td>"
                f"<td>{_yuan(order.total)}</td><td>{order.trade_state}</td><td>{button}</td></tr>"
            )
        deliveries = "".join(
            f"<li>{html.escape(d.notification.url)}: {d.status} {'ack' if d.acknowledged else 'not acknowledged'}</li>"
            for d in self.deliveries[-20:]
        )
        page = (
            "<!doctype html><meta charset=utf-8><title>微信支付 (fake)</title><h1>微信支付 (fake)</h1>"
            "<table border=1 cellpadding=4><tr><th>out_trade_no</th><th>description</th><th>yuan</th><th>state</th>"
            f"<th></th></tr>{''.join(rows)}</table><h2>callbacks</h2><ul>{deliveries}</ul>"
        )
        return web.Response(text=page, content_type="text/html")
