"""Local stand-ins for WeChat Pay and Alipay, for tests and ``make run``: they speak the providers' protocols
with keys made at start, so that the real SDKs sign, verify and decrypt for real.

    python -m housing.providers.fakes --config-out var/dev/payment_providers.json

They bind 127.0.0.1 only and call back only to loopback URLs. Never use them in production:
``housing.providers.config.production_problems`` refuses their base URLs.
"""

from housing.providers.fakes.alipay import FakeAlipay
from housing.providers.fakes.common import Delivery, Notification
from housing.providers.fakes.wechat import FakeWeChatPay

__all__ = ["Delivery", "FakeAlipay", "FakeWeChatPay", "Notification"]
