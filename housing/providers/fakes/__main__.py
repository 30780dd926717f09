"""Run both fake providers until interrupted:

    python -m housing.providers.fakes [--wechat-port 0] [--alipay-port 0] [--config-out PATH] [--no-retry]

They bind 127.0.0.1 only. ``--config-out`` writes the clients' configuration (ids, the keys made at start, the
base URLs) as JSON: ``{"wechat": {...WeChatPayConfig fields}, "alipay": {...AlipayConfig fields}}``, readable by
``load_client_configs``. The dev pages at ``<origin>/_dev/`` play the resident's "confirm payment".
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import signal
from pathlib import Path

from housing.providers.config import AlipayConfig, WeChatPayConfig
from housing.providers.fakes.alipay import FakeAlipay
from housing.providers.fakes.wechat import FakeWeChatPay

#: retries of a callback the receiver did not acknowledge, compressed from the providers' day-long schedules
DEV_RETRY_DELAYS_S = (2.0, 5.0, 15.0, 30.0)


def load_client_configs(path: Path) -> tuple[WeChatPayConfig, AlipayConfig]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return WeChatPayConfig(**data["wechat"]), AlipayConfig(**data["alipay"])


def write_client_configs(path: Path, wechat: WeChatPayConfig, alipay: AlipayConfig) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"wechat": dataclasses.asdict(wechat), "alipay": dataclasses.asdict(alipay)}, indent=2)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds private keys
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


async def serve(wechat_port: int, alipay_port: int, config_out: Path | None, retry: bool) -> None:
    delays = DEV_RETRY_DELAYS_S if retry else ()
    wechat, alipay = FakeWeChatPay(retry_delays_s=delays), FakeAlipay(retry_delays_s=delays)
    await wechat.start(wechat_port)
    await alipay.start(alipay_port)
    if config_out is not None:
        write_client_configs(config_out, wechat.client_config(), alipay.client_config())
    print(f"fake WeChat Pay: {wechat.origin}  (pay by hand: {wechat.origin}/_dev/)", flush=True)
    print(f"fake Alipay:     {alipay.origin}/gateway.do  (pay by hand: {alipay.origin}/_dev/)", flush=True)
    if config_out is not None:
        print(f"client configuration: {config_out}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # signal.signal works under every platform's loop (loop.add_signal_handler only under Unix's)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        await stop.wait()
    finally:
        await wechat.stop()
        await alipay.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m housing.providers.fakes", description=__doc__)
    parser.add_argument("--wechat-port", type=int, default=0)
    parser.add_argument("--alipay-port", type=int, default=0)
    parser.add_argument("--config-out", type=Path, default=None)
    parser.add_argument(
        "--no-retry", action="store_true", help="send each callback once, acknowledged or not"
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(args.wechat_port, args.alipay_port, args.config_out, not args.no_retry))


if __name__ == "__main__":
    main()
