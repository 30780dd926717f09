"""Keys and certificates the fakes make at start: RSA key pairs and a self-signed platform certificate."""

from __future__ import annotations

import base64
import functools
import secrets
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def rsa_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key (tens to hundreds of milliseconds on a busy machine)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def process_key(role: str) -> rsa.RSAPrivateKey:
    """The key of ``role`` ('wechat-platform', 'alipay-app', 'stranger', ...), made once per process: every fake
    in a test run shares them, so that a hundred tests do not make four hundred keys."""
    return rsa_key()


def private_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 PEM: what both SDKs load."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def sign_sha256(key: rsa.RSAPrivateKey, message: str) -> str:
    """base64 of RSASSA-PKCS1-v1_5 with SHA-256: WeChat's RSA-SHA256 and Alipay's RSA2 alike."""
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def verify_sha256(public: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        public.verify(
            base64.b64decode(signature, validate=True), message.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:  # InvalidSignature, binascii.Error, ValueError
        return False
    return True


def self_signed_certificate(key: rsa.RSAPrivateKey, common_name: str, *, days: int = 365) -> x509.Certificate:
    """A certificate with a random serial (WeChat names its platform certificates by serial, in hex)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(19), "big") | (1 << 150))
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def serial_hex(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "X")
