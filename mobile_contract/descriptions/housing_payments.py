"""Housing payments: paying bills online and the daily reconciliation (对账).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

# payments: the daily reconciliation (对账) --------------------------------------------------------------------

OPERATIONS: dict[str, str] = {
    "listReconciliations": (
        "What the latest run of the daily reconciliation (对账, `cityloop payments reconcile`) found for a China "
        "Standard Time day, one item per channel (WeChat Pay, Alipay) reconciled that day: our net of the day "
        "and the provider's statement's (对账单), payments less refunds in fen, how many entries matched, and "
        "every difference, one by one: a payment or refund the provider has and we do not count (missing_ours: "
        "a lost callback (回调丢失), named with its estate when the order is ours), one we count and the "
        "statement does not (missing_theirs), another amount (amount_differs) or another provider transaction "
        "id (transaction_differs). A day run again answers its latest run; a channel not reconciled that day is "
        "left out (an empty list: nothing ran). Admins only (the platform's finance people)."
    ),
}
PARAMETERS: dict[str, str] = {
    "listReconciliations.date": "The China Standard Time day reconciled, YYYY-MM-DD.",
    "listReconciliations.channel": "Only this channel: wechat (WeChat Pay) or alipay.",
}
PARAMETER_EXAMPLES: dict[str, Any] = {
    "listReconciliations.date": "2026-11-30",
    "listReconciliations.channel": "wechat",
}
SCHEMAS: dict[str, str] = {
    "ReconciliationList": "The latest reconciliation run of each channel reconciled on a day, wechat first.",
    "Reconciliation": (
        "One run of the daily reconciliation of a channel: both sides' net in fen, the entries counted and "
        "matched, and every difference. No differences: the day is reconciled (对平)."
    ),
    "ReconciliationDifference": (
        "One difference between our payments and the provider's statement of the day: a payment (by "
        "out_trade_no) or a refund (by refund_no) on one side only, or on both with another amount or "
        "provider id. An entry whose amount and id both differ is listed twice, once for each."
    ),
}
PROPERTIES: dict[str, str] = {
    "ReconciliationList.day": "The China Standard Time day asked for.",
    "ReconciliationList.items": "The latest run of each channel that day; empty when none ran.",
    "Reconciliation.id": "The run's id; a later run of the same day and channel has a larger one.",
    "Reconciliation.channel": "The payment channel: wechat (WeChat Pay) or alipay.",
    "Reconciliation.day": "The China Standard Time day reconciled (the providers cut their statements in it).",
    "Reconciliation.ours_fen": (
        "Our net of the day in fen: paid orders (by paid_at) less succeeded refunds (by succeeded_at); "
        "negative when more went back than came in."
    ),
    "Reconciliation.theirs_fen": "The statement's net of the day in fen: its payments less its refunds.",
    "Reconciliation.ours_count": "Payments and refunds we count on the day.",
    "Reconciliation.theirs_count": "Payments and refunds on the provider's statement of the day.",
    "Reconciliation.matched": "Entries on both sides with the same amount and provider id.",
    "Reconciliation.differences": "Every difference, payments first, by out_trade_no then refund_no.",
    "Reconciliation.run_at": "When the run was made.",
    "ReconciliationDifference.kind": (
        "missing_ours (the provider has it, we do not count it that day: a lost callback, or one applied on "
        "another day), missing_theirs (we count it, the statement does not), amount_differs or "
        "transaction_differs."
    ),
    "ReconciliationDifference.entry": "payment or refund.",
    "ReconciliationDifference.out_trade_no": "Our order number (商户订单号), as the provider knows it.",
    "ReconciliationDifference.refund_no": "Our refund number (商户退款单号) for refunds; null for payments.",
    "ReconciliationDifference.ours_fen": "Our amount in fen; null when we do not count the entry that day.",
    "ReconciliationDifference.theirs_fen": "The statement's amount in fen; null when it does not have the entry.",
    "ReconciliationDifference.ours_transaction_id": (
        "Our provider id: the transaction id (微信订单号 / 支付宝交易号) of a payment, the provider's refund id "
        "of a refund; null when we have none."
    ),
    "ReconciliationDifference.theirs_transaction_id": (
        "The statement's provider id of the entry (the refund id of a WeChat refund; Alipay names none for "
        "refunds); null when it does not have the entry."
    ),
    "ReconciliationDifference.estate_id": (
        "The estate of our order, when we know its out_trade_no (or refund_no) at all; null for an order "
        "that is not ours."
    ),
    "ReconciliationDifference.ours_state": (
        "Our order's (refund's) state when we know it: for missing_ours, pending or expired says the "
        "payment's callback never arrived; paid (succeeded) says we count it on another day."
    ),
}
EXAMPLES: dict[str, Any] = {
    "ReconciliationList": {
        "day": "2026-11-30",
        "items": [
            {
                "id": 128,
                "channel": "wechat",
                "day": "2026-11-30",
                "ours_fen": 45150,
                "theirs_fen": 60200,
                "ours_count": 3,
                "theirs_count": 4,
                "matched": 3,
                "differences": [
                    {
                        "kind": "missing_ours",
                        "entry": "payment",
                        "out_trade_no": "P20261130101500A7",
                        "refund_no": None,
                        "ours_fen": None,
                        "theirs_fen": 15050,
                        "ours_transaction_id": None,
                        "theirs_transaction_id": "4200002581202611301234567890",
                        "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
                        "ours_state": "pending",
                    }
                ],
                "run_at": "2026-12-01T02:30:04.118Z",
            }
        ],
    },
}


# payments: paying bills online ------------------------------------------------------------------------------------

OPERATIONS.update(
    {
        "listMyPayments": "The caller's payments (支付订单), newest first, whatever their state, with their refunds.",
        "getPayment": (
            "One payment: pending while the resident pays in the provider's app, paid once the provider's callback "
            "(or the server's query of the provider) says so, with its receipt number (收据号); closed or expired when "
            "it was not paid in time. Refunds are listed with their state. For the payer, the estate's staff and "
            "the district's housing officers. Poll it after the provider's app says the payment went through."
        ),
    }
)
_PAYMENT_ID = "The payment's id (as created by createPayment)."
PARAMETERS.update(
    {
        "getPayment.payment_id": _PAYMENT_ID,
        "getPaymentReceipt.payment_id": _PAYMENT_ID,
        "refundPayment.payment_id": _PAYMENT_ID,
    }
)
PARAMETER_EXAMPLES.update(
    {
        "listMyPayments.cursor": "WyIwMTkzOGY0ZS0yYjFjLTdkM2EtOWU0MC01YTFiMmMzZDRlNWYiXQ",
        "getPayment.payment_id": "01938f4e-2b1c-7d3a-9e40-5a1b2c3d4e5f",
        "getPaymentReceipt.payment_id": "01938f4e-2b1c-7d3a-9e40-5a1b2c3d4e5f",
        "refundPayment.payment_id": "01938f4e-2b1c-7d3a-9e40-5a1b2c3d4e5f",
    }
)
SCHEMAS.update(
    {
        "Payment": (
            "A payment order (支付订单) of bills of one estate through one channel: what it pays, line by line, its "
            "state, receipt number once paid, and refunds."
        ),
        "PaymentLine": "What a payment pays: a bill's outstanding amount when the order was made, or credit ahead.",
        "PaymentPage": "A page of payments, newest first.",
        "Refund": (
            "A refund (退款) of a payment through its provider: a manager's (one bill, with a reason) or automatic "
            "(a bill paid twice: the second payment's surplus goes back). The ledger moves when it succeeds."
        ),
    }
)
PROPERTIES.update(
    {
        "Payment.id": "The payment's id.",
        "Payment.out_trade_no": "Our order number as the provider knows it (商户订单号), on the provider's records too.",
        "Payment.estate_id": "The estate whose bills it pays.",
        "Payment.channel": "wechat (WeChat Pay, 微信支付) or alipay (支付宝).",
        "Payment.state": (
            "pending (waiting for the resident to pay), paid, closed (not paid; closed at the provider) or expired "
            "(not paid in time; the server still checks with the provider and applies it if it was paid after all)."
        ),
        "Payment.amount_fen": "The amount in fen, computed by the server from the bills (and credit asked for).",
        "Payment.currency": "Always CNY.",
        "Payment.lines": "What it pays, line by line.",
        "Payment.receipt_no": "The receipt number (收据号), YYYY-NNNNNN per estate per year; null until paid.",
        "Payment.paid_at": "When the provider says it was paid (UTC); null until paid.",
        "Payment.refunded_fen": "What was refunded of it so far, in fen.",
        "Payment.refunds": "Its refunds, oldest first.",
        "Payment.expires_at": "When the order stops taking payment (the provider closes it then).",
        "Payment.created_at": "When the order was made.",
        "PaymentLine.home_id": "The home the line is for.",
        "PaymentLine.bill_id": "The bill paid; null for credit paid ahead (预存).",
        "PaymentLine.amount_fen": "The line's amount in fen.",
        "PaymentPage.items": "The payments of this page.",
        "PaymentPage.next_cursor": "Pass as cursor for the next page; null on the last page.",
        "PaymentCreate.channel": "wechat (WeChat Pay, APP payment) or alipay (Alipay app payment).",
        "PaymentCreate.bill_ids": (
            "The bills to pay, each of a home the caller is bound to, all of one estate, each named once; each is "
            "paid at what it still owes. May be empty when prepay is given."
        ),
        "PaymentCreate.prepay": "Credit to pay ahead (预存) for one of the caller's homes, besides or instead of bills.",
        "Prepay.home_id": "The home (bound to the caller) that holds the credit.",
        "Prepay.amount_fen": "How much to pay ahead, in whole fen (1 to 10,000,000).",
        "PaymentCreated.payment": "The order made.",
        "PaymentCreated.app_payment": (
            "What the app hands to the provider's SDK to pay (调起支付): WeChat's PayReq parameters, or Alipay's "
            "signed order string. Signed by the merchant: pass it on unchanged."
        ),
        "WeChatAppParams.type": "wechat_app: the parameters of WeChat Open SDK's PayReq.",
        "WeChatAppParams.appid": "The app's AppID bound to the merchant (appId of PayReq).",
        "WeChatAppParams.partnerid": "The merchant id (商户号, partnerId of PayReq).",
        "WeChatAppParams.prepayid": "The prepay id WeChat Pay made for the order (prepayId of PayReq).",
        "WeChatAppParams.package": "Always Sign=WXPay (packageValue of PayReq).",
        "WeChatAppParams.noncestr": "A random string (nonceStr of PayReq).",
        "WeChatAppParams.timestamp": "Seconds since the epoch, as a string (timeStamp of PayReq).",
        "WeChatAppParams.sign": "RSA-SHA256 signature of the merchant over appid, timestamp, noncestr and prepayid.",
        "WeChatJsapiParams.type": "wechat_jsapi: the parameters of wx.requestPayment (mini program, in-app web).",
        "WeChatJsapiParams.appId": "The AppID bound to the merchant.",
        "WeChatJsapiParams.timeStamp": "Seconds since the epoch, as a string.",
        "WeChatJsapiParams.nonceStr": "A random string.",
        "WeChatJsapiParams.package": "prepay_id=<the prepay id>.",
        "WeChatJsapiParams.signType": "Always RSA.",
        "WeChatJsapiParams.paySign": "RSA-SHA256 signature of the merchant over appId, timeStamp, nonceStr, package.",
        "AlipayOrderString.type": "alipay_app: an order string for the Alipay app SDK (alipay.trade.app.pay).",
        "AlipayOrderString.order_string": "The signed order string (RSA2): pass it to the SDK's payV2 unchanged.",
        "Refund.id": "The refund's id.",
        "Refund.refund_no": "Our refund number as the provider knows it (商户退款单号).",
        "Refund.kind": "manual (a manager's, with a reason) or duplicate (a bill paid twice, refunded automatically).",
        "Refund.bill_id": "The bill whose payment is refunded; null for an automatic refund of a double payment.",
        "Refund.amount_fen": "The amount refunded, in fen.",
        "Refund.reason": "Why, as the resident sees it.",
        "Refund.state": (
            "requested (not yet sent), processing (the provider is on it), succeeded (the money went back), "
            "closed or abnormal (the provider could not pay it back: the property office follows up)."
        ),
        "Refund.created_at": "When the refund was asked for.",
        "Refund.succeeded_at": "When the provider says the money went back; null until then.",
        "RefundCreate.bill_id": "The bill (paid by this payment) whose payment is refunded.",
        "RefundCreate.amount_fen": "How much, in whole fen: at most what the payment paid on the bill and is not refunded.",
        "RefundCreate.reason": "Why (1-200 characters), shown to the resident and kept in the audit log.",
    }
)
