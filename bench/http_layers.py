"""What each layer of CityLoop's HTTP stack costs alone, on top of a bare Litestar app.

    python -m bench.http_layers [--layers bare,request_id,...] [--duration 5] [--warmup 1] [--connections 32]
    python -m bench.http_layers --inprocess [--requests 20000] [--rounds 3]

A layer is one piece of api/app.py, taken from the module that the app uses, added alone to the bare app of
bench/bare_app.py (`GET /healthz` returning a constant):

    bare        nothing: the framework ceiling
    proxies     api.proxies.TrustedProxies with TRUSTED_PROXIES empty (the default)
    request_id  the X-Request-ID in and out, in a context variable
    access_log  the access log line, LOG_LEVEL=WARNING (not emitted: the cost of deciding not to)
    logging     the access log line, LOG_LEVEL=INFO, JSON lines to /dev/null (emitted, redacted)
    metrics     the Prometheus metrics (requests, duration histogram, in progress, errors), by route template
    hooks       the before-request hook (the NUL refusal) and the app-wide token guard
    problems    the problem-document exception handlers (api/errors.py)
    auth        GET /auth: the bearer token read and verified (the JWT only, no database)
    cityloop    the whole app (api.app.create_app, not connected: GET /healthz touches no database)

By default each layer is served alone by one uvicorn worker (uvloop + httptools) and loaded with wrk over
loopback, as bench/http_baseline.py does; req/s are compared with the bare app measured in the same run.
`--inprocess` drives the ASGI app directly in this process instead (no server, no sockets): microseconds of
CPU per request per layer, steadier on a shared machine, and the extra cost of each layer over bare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from bench._harness import ROOT, BenchError, Server, main_of, print_machine, running

LAYERS = (
    "bare",
    "proxies",
    "request_id",
    "access_log",
    "logging",
    "metrics",
    "hooks",
    "problems",
    "auth",
    "cityloop",
)
#: the secret of the `auth` layer's tokens (a bench-only value: nothing is signed with it elsewhere)
BENCH_SECRET = "bench-http-layers-secret-" + "x" * 16
_USER, _SESSION = uuid4(), uuid4()


def bench_token() -> str:
    from identity.tokens import issue_access_token

    return issue_access_token(BENCH_SECRET, _USER, _SESSION, 3600)


def _settings() -> Any:
    from api.settings import load_settings
    from bench._harness import DEFAULT_ENV_FILE, environment

    return load_settings(environment(DEFAULT_ENV_FILE))


def build(layer: str) -> Any:
    """The ASGI app of one layer."""
    from litestar import Litestar, Request, get
    from litestar.di import Provide

    from api.observability import configure_logging

    configure_logging("INFO" if layer == "logging" else "WARNING", open(os.devnull, "w"))  # noqa: SIM115
    if layer == "cityloop":
        from api.app import create_app

        return create_app(_settings(), connect=False)

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # logs as the app sets them up (JSON lines, api.observability.configure_logging), not litestar's own
    kwargs: dict[str, Any] = {"route_handlers": [healthz], "debug": False, "logging_config": None}
    if layer == "proxies":
        from litestar.middleware import DefineMiddleware

        from api.proxies import TrustedProxies

        kwargs["middleware"] = [DefineMiddleware(TrustedProxies, networks=())]
    elif layer in ("request_id", "access_log", "logging", "metrics"):
        from api import observability

        kwargs["middleware"] = [observability_layer(observability, layer)]
    elif layer == "hooks":
        from api.auth import refuse_without_token
        from api.nul_guard import refuse_nul

        async def before_request(request: Any) -> None:
            _ = request.scope["path"] == "/metrics"  # api/app.py's hook looks at the path first
            refuse_without_token(request)
            await refuse_nul(request)

        kwargs["before_request"] = before_request
    elif layer == "problems":
        from api.errors import exception_handlers

        kwargs["exception_handlers"] = exception_handlers()
    elif layer == "auth":
        from api.auth import bearer_token, refuse_without_token
        from identity.tokens import read_access_token

        async def provide_principal(request: Request[Any, Any, Any]) -> tuple[Any, Any]:
            return read_access_token(BENCH_SECRET, bearer_token(request))

        @get("/auth", sync_to_thread=False)
        def auth(principal: tuple[Any, Any]) -> dict[str, str]:
            return {"status": "ok"}

        kwargs["route_handlers"] = [healthz, auth]
        kwargs["dependencies"] = {"principal": Provide(provide_principal)}

        async def check_token(request: Any) -> None:
            refuse_without_token(request)

        kwargs["before_request"] = check_token
    elif layer != "bare":
        raise BenchError(f"unknown layer {layer!r} (one of {', '.join(LAYERS)})", 2)
    return Litestar(**kwargs)


def observability_layer(observability: Any, layer: str) -> Any:
    """The one observability piece of `layer`, as api/app.py wires it."""
    if hasattr(observability, "ObservabilityMiddleware"):  # after issue 13: one pure ASGI middleware
        from litestar.middleware import DefineMiddleware

        return DefineMiddleware(
            observability.ObservabilityMiddleware,
            request_ids=layer == "request_id",
            access_log=layer in ("access_log", "logging"),
            metrics=layer == "metrics",
        )
    # before issue 13: the request id middleware held the access log; Prometheus was litestar's middleware
    if layer == "metrics":
        from litestar.enums import ScopeType
        from litestar.plugins.prometheus import PrometheusConfig

        return PrometheusConfig(
            app_name="cityloop",
            prefix="cityloop",
            group_path=True,
            excluded_http_methods=["OPTIONS"],
            exclude=["/metrics"],
            scopes={ScopeType.HTTP},
        ).middleware
    return observability.request_id_middleware


def layer_app() -> Any:
    """uvicorn --factory bench.http_layers:layer_app, the layer named by BENCH_LAYER."""
    return build(os.environ.get("BENCH_LAYER", "bare"))


# --- in process ------------------------------------------------------------------------------------------


async def _drive(app: Any, path: str, headers: list[tuple[bytes, bytes]], n: int) -> float:
    scope_base = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()
    for _ in range(n):
        await app(dict(scope_base, state={}), receive, send)
    spent = time.process_time() - started
    if any(s != 200 for s in statuses):
        raise BenchError(f"GET {path} answered {sorted(set(statuses))}", 3)
    return spent / n * 1e6


def run_inprocess(layers: list[str], requests: int, rounds: int) -> int:
    import uvloop

    token = bench_token()
    results: dict[str, float] = {}
    for layer in layers:
        app = build(layer)
        path, headers = (
            ("/auth", [(b"authorization", f"Bearer {token}".encode())])
            if layer == "auth"
            else (
                "/healthz",
                [],
            )
        )
        best = float("inf")
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(_drive(app, path, headers, max(200, requests // 10)))  # warm-up
            for _ in range(rounds):
                best = min(best, runner.run(_drive(app, path, headers, requests)))
        results[layer] = best
        print(f"  {layer:<11} {best:7.1f} µs CPU/request", flush=True)
    bare = results.get("bare")
    print()
    print("layer        µs/request  over bare  req/s ceiling (1 core)")
    print("-----------  ----------  ---------  ----------------------")
    for layer, us in results.items():
        over = f"{us - bare:+9.1f}" if bare is not None else "        -"
        print(f"{layer:<11}  {us:10.1f}  {over}  {1e6 / us:22,.0f}")
    return 0


# --- over loopback ----------------------------------------------------------------------------------------


def run_servers(args: argparse.Namespace, layers: list[str]) -> int:
    from bench.http_baseline import Load, ensure_wrk

    wrk = ensure_wrk()
    load = Load("wrk" if wrk else "python", wrk, args.warmup, args.duration, args.connections, 1)
    env = {**os.environ}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    print_machine("HTTP layers: each layer alone on a bare Litestar app, loopback, one uvicorn worker each")
    print(
        f"  {'loadgen':<9} {load.loadgen}, {load.connections} connections, {load.warmup:g} s + {load.duration:g} s\n"
    )
    token = bench_token()
    rows: list[tuple[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cityloop-layers-") as logdir:
        for layer in layers:
            server = Server(
                layer,
                "bench.http_layers:layer_app",
                {**env, "BENCH_LAYER": layer},
                Path(logdir),
                factory=True,
            )
            with running(server, 30):
                pid = server.proc.pid if server.proc is not None else None
                if layer == "auth":
                    rows.append(
                        (
                            layer,
                            load.measure(
                                layer, server.port, "/auth", {"Authorization": f"Bearer {token}"}, pid
                            ),
                        )
                    )
                else:
                    rows.append((layer, load.measure(layer, server.port, "/healthz", pid=pid)))
    bare = next((r for layer, r in rows if layer == "bare"), None)
    print()
    print("layer        req/s    p50 ms  p99 ms  vs bare  CPU µs/req")
    print("-----------  -------  ------  ------  -------  ----------")
    for layer, r in rows:
        ratio = f"{r.rps / bare.rps:7.2f}" if bare and bare.rps else "      -"
        cpu = f"{r.cpu_us:10,.0f}" if r.cpu_us is not None else "         -"
        print(f"{layer:<11}  {r.rps:7,.0f}  {r.p50_ms:6.2f}  {r.p99_ms:6.2f}  {ratio}  {cpu}")
    return 3 if any(r.errors for _, r in rows) else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.http_layers", description=__doc__.split("\n")[0])
    p.add_argument("--layers", default=",".join(LAYERS), help="comma-separated, from: " + ", ".join(LAYERS))
    p.add_argument("--inprocess", action="store_true", help="drive the ASGI app in this process (CPU µs)")
    p.add_argument("--requests", type=int, default=20000, help="requests per round in process (20000)")
    p.add_argument("--rounds", type=int, default=3, help="rounds in process, the best is kept (3)")
    p.add_argument("--duration", type=float, default=5.0, help="seconds of load per layer (5)")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured load first (1)")
    p.add_argument("--connections", type=int, default=32)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    layers = [name.strip() for name in args.layers.split(",") if name.strip()]
    unknown = [name for name in layers if name not in LAYERS]
    if unknown:
        print(f"unknown layers: {', '.join(unknown)} (from: {', '.join(LAYERS)})", file=sys.stderr)
        return 2
    if args.inprocess:
        return main_of("http_layers", lambda: run_inprocess(layers, args.requests, args.rounds))
    return main_of("http_layers", lambda: run_servers(args, layers))


if __name__ == "__main__":
    sys.exit(main())
