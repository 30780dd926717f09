"""Paying bills online: orders, their state, refunds and receipts for the apps; the providers' callbacks.

The callbacks (``/v1/payments/callbacks/{channel}``) are not part of the mobile contract: WeChat Pay and Alipay
call them in their own protocols (signed headers and an encrypted JSON resource; a signed form), and each is
answered in the form its provider expects (housing/providers). The domain is housing/payments.py.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from api.auth import Caller, DbConn, request_context, requires_role
from api.controllers.housing_money import MONEY_MANAGERS
from api.db import acquire
from api.idempotency import fingerprint, idempotency_key, run_once
from api.params import DEFAULT_LIMIT, Cursor, Limit
from housing import access, payments
from housing.errors import EstateForbidden, HomeForbidden, PaymentNotFound
from housing.payments import Payment, PaymentCreate, PaymentCreated, PaymentPage, Refund, RefundCreate
from housing.providers import CallbackAnswer, PaymentProvider
from housing.providers.errors import CallbackRefused, ProviderUnavailable
from housing.receipts import render_receipt_pdf
from identity import service as identity
from identity.models import Principal

log = logging.getLogger("cityloop.payments")

PAYMENT_PROBLEMS = ("payment_not_found", "home_forbidden")


def _providers(state: State) -> dict[str, PaymentProvider]:
    providers: dict[str, PaymentProvider] = getattr(state, "payment_providers", {})
    return providers


async def _require_reader(conn: DbConn, principal: Principal, payment_id: UUID) -> None:
    """The payer, or the estate's staff and its district's housing officers."""
    row = await payments.order_access(conn, payment_id)
    if row["payer_id"] == principal.user_id:
        return
    if not access.reads_estate(principal, str(row["estate_id"]), row["district_code"]):
        raise HomeForbidden("this is not one of your payments")


class PaymentsController(Controller):
    path = "/v1/payments"
    tags = ["housing"]

    @post(
        "/",
        operation_id="createPayment",
        opt={
            "problems": (
                "home_forbidden",
                "invalid_payment",
                "bill_not_payable",
                "bill_payment_pending",
                "payment_provider_unavailable",
                "payment_provider_refused",
            ),
            "idempotency_key": "required",
        },
        summary="Pay bills of your homes (and credit ahead) through WeChat Pay or Alipay: one order, amount computed",
        description=(
            "Makes one order (支付订单) for the bills named, at what each still owes (the server computes the amount; "
            "the client never sends it), plus credit paid ahead (预存) for one of the caller's homes when asked. "
            "Answers the order and what the app hands to the provider's SDK (调起支付). A bill paid already, or held by "
            "another order still being paid, is refused. The order expires after PAYMENT_ORDER_TTL_S (15 minutes by "
            "default). Retry with the same Idempotency-Key: the same order comes back."
        ),
        status_code=HTTP_201_CREATED,
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        data: JSONBody[PaymentCreate],
    ) -> Response[PaymentCreated]:
        async def produce() -> tuple[int, PaymentCreated]:
            created = await payments.create_order(
                conn, _providers(state), state.payment_urls, principal.user_id, data,
                ttl=state.payment_order_ttl,
            )  # fmt: skip
            await identity.audit(
                conn, request_context(request), principal.user_id, "payment.create", "payment",
                str(created.payment.id), amount_fen=created.payment.amount_fen, channel=data.channel,
            )  # fmt: skip
            return HTTP_201_CREATED, created

        return await run_once(
            conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
        )

    @get(
        "/",
        operation_id="listMyPayments",
        opt={"problems": ("invalid_cursor",)},
        summary="Your payments, newest first",
    )
    async def mine(
        self, conn: DbConn, principal: Caller, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> PaymentPage:
        return await payments.my_payments(conn, principal.user_id, cursor, limit)

    @get(
        "/{payment_id:uuid}",
        operation_id="getPayment",
        opt={"problems": PAYMENT_PROBLEMS},
        summary="A payment's state (pending, paid, closed, expired), receipt number and refunds",
    )
    async def get_one(self, conn: DbConn, principal: Caller, payment_id: FromPath[UUID]) -> Payment:
        await _require_reader(conn, principal, payment_id)
        return await payments.get_payment(conn, payment_id)

    @get(
        "/{payment_id:uuid}/receipt",
        operation_id="getPaymentReceipt",
        opt={"problems": (*PAYMENT_PROBLEMS, "payment_state_conflict")},
        summary="The receipt (收据) of a paid payment as a PDF in Chinese, numbered per estate per year",
        description=(
            "The receipt of a paid payment: receipt number, estate, home, payer, time (Beijing time), channel, "
            "the provider's transaction number, every bill paid by fee item and period, credit paid ahead, the "
            "total in figures and in capitals (人民币大写), and refunds when there were some. For the payer and the "
            "estate's staff. A payment not paid yet has no receipt (409)."
        ),
        media_type="application/pdf",
        response_description="The receipt as a PDF document.",
    )
    async def receipt(self, conn: DbConn, principal: Caller, payment_id: FromPath[UUID]) -> Response[bytes]:
        await _require_reader(conn, principal, payment_id)
        document = await payments.receipt_document(conn, payment_id)
        pdf = await asyncio.to_thread(render_receipt_pdf, document)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="receipt-{document.receipt_no}.pdf"'},
        )

    @post(
        "/{payment_id:uuid}/refunds",
        operation_id="refundPayment",
        opt={
            "problems": (
                "payment_not_found",
                "estate_forbidden",
                "invalid_payment",
                "payment_state_conflict",
                "refund_too_large",
                "payment_provider_unavailable",
                "payment_provider_refused",
            ),
            "idempotency_key": "required",
        },
        summary="Refund (part of) what a payment paid on one bill, with a reason (property manager; audited)",
        description=(
            "Asks the provider to give the money back to the payer (全额或部分退款). At most what the payment paid "
            "on the bill, less what was refunded or is being refunded. The ledger moves when the provider says "
            "the refund succeeded (at once, or through its refund callback): follow the refund's state on the "
            "payment."
        ),
        dependencies={"principal": requires_role(*MONEY_MANAGERS)},
        status_code=HTTP_201_CREATED,
    )
    async def refund(
        self,
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        principal: Caller,
        payment_id: FromPath[UUID],
        data: JSONBody[RefundCreate],
    ) -> Response[Refund]:
        async def produce() -> tuple[int, Refund]:
            row = await payments.order_access(conn, payment_id)
            if not access.manages_estate(principal, str(row["estate_id"])):
                raise EstateForbidden("you do not manage this payment's estate")
            refund = await payments.request_refund(
                conn, _providers(state), state.payment_urls, payment_id, data, principal.user_id
            )
            await identity.audit(
                conn, request_context(request), principal.user_id, "payment.refund", "payment", str(payment_id),
                bill_id=str(data.bill_id), amount_fen=data.amount_fen, reason=data.reason,
            )  # fmt: skip
            return HTTP_201_CREATED, refund

        return await run_once(
            conn, principal.user_id, idempotency_key(request), fingerprint(request, data), produce
        )


def _answer(answer: CallbackAnswer) -> Response[bytes]:
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type or "text/plain")


class PaymentCallbacksController(Controller):
    """The providers' callbacks: verified by the SDKs, applied once, answered as each provider expects."""

    path = "/v1/payments/callbacks"
    include_in_schema = False

    async def _handle(self, state: State, request: Request[Any, Any, Any], channel: str) -> Response[bytes]:
        """Verify first (the SDK's signature check needs no database), then apply in a transaction of its own:
        a forged or stale callback never takes a database connection."""
        provider = _providers(state).get(channel)
        if provider is None:
            raise PaymentNotFound(f"no channel {channel}")
        body = await request.body()
        try:
            event = await provider.verify_callback(dict(request.headers), body)
        except (CallbackRefused, ProviderUnavailable) as exc:
            log.warning("payment callback refused", extra={"channel": channel, "error": repr(exc)})
            return _answer(provider.nack(getattr(exc, "code", "refused")))
        async with acquire(state.pool) as conn, conn.transaction():
            outcome = await payments.apply_callback(conn, event)
        log.info(
            "payment callback",
            extra={"channel": channel, "outcome": outcome, "out_trade_no": event.out_trade_no},
        )
        if outcome == "unknown_order":
            return _answer(provider.nack("unknown order"))
        return _answer(provider.ack())

    @post("/{channel:str}", status_code=200, request_max_body_size=64 * 1024)
    async def payment(
        self, state: State, request: Request[Any, Any, Any], channel: FromPath[str]
    ) -> Response[bytes]:
        return await self._handle(state, request, channel)

    @post("/{channel:str}/refunds", status_code=200, request_max_body_size=64 * 1024)
    async def refund(
        self, state: State, request: Request[Any, Any, Any], channel: FromPath[str]
    ) -> Response[bytes]:
        return await self._handle(state, request, channel)


PAYMENT_ROUTES = [PaymentsController, PaymentCallbacksController]
