"""Errors of the payment providers layer.

Each has a stable machine ``code``. Callback errors mean "refuse this notification" (the caller answers the
provider with ``nack()`` and records nothing as paid); call errors say whether the provider could not be reached
(``ProviderUnavailable``: retry later, nothing changed), refused the request (``ProviderRefused``, with the
provider's own code) or answered with something that did not verify (``ProviderResponseInvalid``).
"""

from __future__ import annotations


class ProviderError(Exception):
    """Base of every provider error: a stable ``code``, the provider (``wechat`` / ``alipay``), extra context."""

    code = "payment_provider_error"

    def __init__(self, detail: str = "", *, provider: str = "", **context: object) -> None:
        super().__init__(detail)
        self.provider = provider
        self.context = context


# callbacks (支付结果通知 / 异步通知) ----------------------------------------------------------------------------


class CallbackRefused(ProviderError):
    """Base of the reasons a provider's callback is not believed."""

    code = "payment_callback_refused"


class CallbackSignatureInvalid(CallbackRefused):
    """No signature, a signature that does not verify (forged, tampered body, wrong key), or a key we do not
    know (an unknown Wechatpay-Serial that the platform's certificate list does not hold either)."""

    code = "payment_callback_signature_invalid"


class CallbackStale(CallbackRefused):
    """WeChat Pay: the Wechatpay-Timestamp is more than 5 minutes away from now (a replay)."""

    code = "payment_callback_stale"


class CallbackUndecryptable(CallbackRefused):
    """WeChat Pay: a signed callback whose resource does not decrypt (AES-256-GCM) under our APIv3 key."""

    code = "payment_callback_undecryptable"


class CallbackUnknownMerchant(CallbackRefused):
    """The callback is for another merchant: app_id / appid, mchid or seller_id are not ours."""

    code = "payment_callback_unknown_merchant"


class CallbackMalformed(CallbackRefused):
    """Signed and ours, but not a notification we can read: bad JSON or form, missing or mistyped members,
    an unknown state."""

    code = "payment_callback_malformed"


class AmountInvalid(CallbackRefused):
    """An amount that is not exact fen: a float-looking yuan string ('0.30000000000000004'), more than two
    decimals, a sign, an exponent, non-ASCII digits; or a WeChat amount that is not a JSON integer."""

    code = "payment_amount_invalid"


# calls to the provider ------------------------------------------------------------------------------------------


class ProviderUnavailable(ProviderError):
    """The provider could not be reached, timed out, or answered a 5xx / SYSTEM_ERROR: nothing is known to have
    changed; try again later."""

    code = "payment_provider_unavailable"


class ProviderRefused(ProviderError):
    """The provider answered the request with a business refusal; ``provider_code`` is its own code
    (ORDERPAID, ACQ.TRADE_NOT_EXIST, ...)."""

    code = "payment_provider_refused"

    def __init__(self, detail: str = "", *, provider: str = "", provider_code: str = "", **context: object):
        super().__init__(detail, provider=provider, provider_code=provider_code, **context)
        self.provider_code = provider_code


class ProviderResponseInvalid(ProviderError):
    """The provider's answer did not verify (signature) or could not be read: it is not believed."""

    code = "payment_provider_response_invalid"


class StatementInvalid(ProviderError):
    """A daily statement that cannot be read, or whose summary does not add up to its rows."""

    code = "payment_statement_invalid"


class ProviderConfigInvalid(ProviderError, ValueError):
    """A provider configuration that cannot work (a bad key, a 31-byte APIv3 key, a base URL without scheme)."""

    code = "payment_provider_config_invalid"


class PaymentRequestInvalid(ProviderError, ValueError):
    """What the caller asked for cannot be sent: an out_trade_no outside the providers' alphabet, an amount that
    is not a positive integer of fen, a refund larger than its order, an empty reason."""

    code = "payment_request_invalid"
