"""The API starts without the libraries only some requests need (issue 13: idle memory), imported on first use:
the payment SDKs (wechatpayv3 with requests, python-alipay-sdk with pyOpenSSL), reportlab and cn2an (a receipt),
aiohttp (an Open311 media_url; the worker's SMS and webhook deliveries) and pillow_heif (an HEIC photo).

Checked in a fresh interpreter, since this process has imported them for other tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from housing.providers.fakes.keys import private_pem, process_key, public_pem

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("wechatpayv3", "requests", "alipay", "OpenSSL", "reportlab", "cn2an", "aiohttp", "pillow_heif")

BUILD_THE_APP = """
import json, sys
from api.app import create_app
from api.settings import load_settings

settings = load_settings(
    env="test",
    database_url="postgresql://nobody@127.0.0.1:9/none",
    payments_config_file=sys.argv[1],
    payments_notify_origin="http://127.0.0.1:9",
)
app = create_app(settings, connect=False)
print(json.dumps({
    "providers": sorted(app.state.payment_providers),
    "loaded": [name for name in json.loads(sys.argv[2]) if name in sys.modules],
}))
"""


def test_building_the_app_imports_none_of_them(tmp_path: Path) -> None:
    config = tmp_path / "payments.json"
    key = private_pem(process_key("test-lazy"))
    public = public_pem(process_key("test-lazy-platform"))
    config.write_text(
        json.dumps(
            {
                "wechat": {
                    "mchid": "1900000109",
                    "appid": "wx1",
                    "merchant_serial_no": "A1",
                    "merchant_private_key": key,
                    "apiv3_key": "k" * 32,
                    "base_url": "http://127.0.0.1:9",
                },
                "alipay": {
                    "app_id": "2021",
                    "app_private_key": key,
                    "alipay_public_key": public,
                    "gateway_url": "http://127.0.0.1:9/gateway.do",
                },
            }
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-c", BUILD_THE_APP, str(config), json.dumps(LAZY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer == {"providers": ["alipay", "wechat"], "loaded": []}
