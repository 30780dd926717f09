"""The fake WeChat Pay's signatures: it checks the merchant's signature on every request, signs every answer
and callback as the platform (by certificate serial, or by public key id in 微信支付公钥 mode), and serves the
platform certificate at ``GET /v3/certificates`` encrypted with AES-256-GCM under the APIv3 key. Also the small
helpers of its handlers: the refusal an API call answers with, the JSON body, WeChat's times.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
import uuid
from datetime import datetime
from typing import Any, Final

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from housing.providers.base import CHINA_TZ
from housing.providers.fakes.keys import certificate_pem, sign_sha256, verify_sha256

_AUTH: Final = re.compile(r'(\w+)="([^"]*)"')


class WeChatSigning:
    """FakeWeChatPay's signing side; the dataclass sets these attributes."""

    mchid: str
    public_key_mode: bool
    merchant_key: rsa.RSAPrivateKey
    merchant_serial: str
    platform_key: rsa.RSAPrivateKey
    platform_certificate: x509.Certificate
    platform_serial: str
    public_key_id: str
    apiv3_key: str

    @property
    def signing_serial(self) -> str:
        return self.public_key_id if self.public_key_mode else self.platform_serial

    def _check_authorization(self, request: web.Request, body: str) -> str:
        scheme, _, params = request.headers.get("Authorization", "").partition(" ")
        if scheme != "WECHATPAY2-SHA256-RSA2048":
            return "Authorization is not WECHATPAY2-SHA256-RSA2048"
        fields = dict(_AUTH.findall(params))
        if fields.get("mchid") != self.mchid or fields.get("serial_no") != self.merchant_serial:
            return "unknown mchid or certificate serial_no"
        try:
            if abs(time.time() - int(fields.get("timestamp", ""))) > 300:
                return "the request's timestamp is more than 5 minutes off"
        except ValueError:
            return "no timestamp"
        message = f"{request.method}\n{request.raw_path}\n{fields['timestamp']}\n{fields.get('nonce_str', '')}\n{body}\n"
        if not verify_sha256(self.merchant_key.public_key(), message, fields.get("signature", "")):
            return "签名错误: the signature does not verify"
        return ""

    def _signature_headers(
        self, body: str, *, timestamp: int | None = None, key: rsa.RSAPrivateKey | None = None
    ) -> dict[str, str]:
        timestamp = int(time.time()) if timestamp is None else timestamp
        nonce = secrets.token_hex(16).upper()
        signature = sign_sha256(key or self.platform_key, f"{timestamp}\n{nonce}\n{body}\n")
        return {
            "Wechatpay-Timestamp": str(timestamp),
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": self.signing_serial,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def _answer(self, status: int, data: dict[str, Any] | None) -> web.Response:
        body = "" if data is None else json.dumps(data, ensure_ascii=False)
        headers = self._signature_headers(body)
        headers["Request-ID"] = str(uuid.uuid4())
        if data is None:
            return web.Response(status=status, headers=headers)
        return web.Response(status=status, text=body, content_type="application/json", headers=headers)

    async def _certificates(self, request: web.Request) -> web.Response:
        nonce = secrets.token_hex(6)
        ciphertext = AESGCM(self.apiv3_key.encode()).encrypt(
            nonce.encode(), certificate_pem(self.platform_certificate).encode(), b"certificate"
        )
        certificate = self.platform_certificate
        return self._answer(
            200,
            {
                "data": [
                    {
                        "serial_no": self.platform_serial,
                        "effective_time": _wx_time(certificate.not_valid_before_utc),
                        "expire_time": _wx_time(certificate.not_valid_after_utc),
                        "encrypt_certificate": {
                            "algorithm": "AEAD_AES_256_GCM",
                            "nonce": nonce,
                            "associated_data": "certificate",
                            "ciphertext": base64.b64encode(ciphertext).decode(),
                        },
                    }
                ]
            },
        )


class _Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        value = json.loads(await request.text() or "{}")
    except ValueError as exc:
        raise _Refusal(400, "PARAM_ERROR", "the body is not JSON") from exc
    if not isinstance(value, dict):
        raise _Refusal(400, "PARAM_ERROR", "the body is not a JSON object")
    return value


def _obj(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _now() -> datetime:
    return datetime.now(CHINA_TZ).replace(microsecond=0)


def _wx_time(at: datetime | None) -> str:
    assert at is not None
    return at.astimezone(CHINA_TZ).isoformat(timespec="seconds")
