"""HTTP baseline: CityLoop against a bare Litestar app, over loopback, from a separate process.

    python -m bench.http_baseline [--duration 10] [--warmup 2] [--connections 32] [--db-pool-max N]

Measures requests/s and p50/p99 latency of

    bare      GET /healthz   bench/bare_app.py: Litestar returning a constant (the framework ceiling)
    cityloop  GET /healthz   the full app: middleware, Prometheus, JSON logging (at WARNING)
    cityloop  GET /v1/me     bearer token, one pooled connection and one transaction, two queries

Each server runs alone, one uvicorn worker (uvloop + httptools, no access log) on a free port of 127.0.0.1,
and is stopped before the next starts. The load generator is wrk (installed with apt-get when missing and
running as root) with one thread; p50/p99 come from its --latency distribution. Without wrk an aiohttp
load generator in this process takes its place (`--loadgen python`); it saturates sooner, so compare
figures only within one run. The CityLoop server gets the dev environment (var/dev/env, with the current
environment taking precedence) and LOG_LEVEL=WARNING; the database must be migrated and seeded
(`cityloop db migrate && cityloop db seed-demo`). The access token comes from `cityloop users token`.

Exit status: 0 when all figures were taken without errors, 1 when a server fails to start (its log tail is
printed), 2 when the setup is missing (token, load generator), 3 when requests failed during the load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bench._harness import (
    DEFAULT_ENV_FILE,
    HOST,
    ROOT,
    BenchError,
    Server,
    environment,
    http_get,
    main_of,
    percentile,
    print_machine,
    running,
)

DEMO_ADMIN_PHONE = "+8613800138010"


@dataclass(frozen=True)
class Result:
    target: str
    endpoint: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    #: CPU time of the server process (user + system) per request during the load, µs; None when unknown
    cpu_us: float | None = None
    #: CPU time of the database server's processes per request during the load, µs; None when unknown
    db_cpu_us: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- the demo admin's token -----------------------------------------------------------------------------


def access_token(env: Mapping[str, str], phone: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "users", "token", phone],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    token = proc.stdout.strip()
    if proc.returncode != 0 or not token:
        raise BenchError(
            f"could not get an access token for {phone}: {proc.stderr.strip() or proc.stdout.strip()}\n"
            "  are the services up and the database migrated and seeded? "
            "(scripts/services.sh start dev; cityloop db migrate; cityloop db seed-demo)",
            2,
        )
    return token


# --- load generators -------------------------------------------------------------------------------------

_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def ensure_wrk() -> str | None:
    """The wrk binary; installed with apt-get when missing and running as root."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("wrk is missing: apt-get install -y wrk", file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    for command in (install, ["apt-get", "update", "-q"], install):
        subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
        if shutil.which("wrk"):
            break
    return shutil.which("wrk")


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str, target: str, endpoint: str) -> Result:
    requests = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", output, re.MULTILINE)
    p50 = re.search(r"^\s*50(?:\.0+)?%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)", output, re.MULTILINE)
    if not (requests and p50 and p99):
        raise BenchError(f"could not read wrk's output:\n{output}", 2)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return Result(
        target=target,
        endpoint=endpoint,
        requests=int(requests.group(1)),
        seconds=_duration_ms(requests.group(2)) / 1e3,
        p50_ms=_duration_ms(p50.group(1)),
        p99_ms=_duration_ms(p99.group(1)),
        errors=errors,
    )


def run_wrk(
    wrk: str, url: str, headers: Mapping[str, str], seconds: float, connections: int, threads: int
) -> str:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s"]
    command += ["--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    proc = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}): {proc.stderr.strip()}", 2)
    return proc.stdout


async def _python_load(
    url: str, headers: Mapping[str, str], seconds: float, connections: int
) -> tuple[list[float], int, float]:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    timeout = aiohttp.ClientTimeout(total=5)
    connector = aiohttp.TCPConnector(limit=connections)
    started = time.perf_counter()
    deadline = started + seconds
    async with aiohttp.ClientSession(connector=connector, headers=dict(headers), timeout=timeout) as session:

        async def client() -> None:
            nonlocal errors
            while (sent := time.perf_counter()) < deadline:
                try:
                    async with session.get(url) as response:
                        await response.read()
                        failed = response.status >= 400
                except (aiohttp.ClientError, TimeoutError):
                    failed = True
                latencies.append(time.perf_counter() - sent)
                errors += failed

        await asyncio.gather(*(client() for _ in range(connections)))
    return latencies, errors, time.perf_counter() - started


def run_python(
    url: str, headers: Mapping[str, str], seconds: float, connections: int, target: str, endpoint: str
) -> Result:
    runner: asyncio.Runner
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        latencies, errors, elapsed = runner.run(_python_load(url, headers, seconds, connections))
    p50, p99 = (percentile(latencies, q) * 1e3 if latencies else 0.0 for q in (0.50, 0.99))
    return Result(target, endpoint, len(latencies), elapsed, p50, p99, errors)


@dataclass(frozen=True)
class Load:
    loadgen: str  # "wrk" or "python"
    wrk: str | None
    warmup: float
    duration: float
    connections: int
    threads: int

    def measure(
        self,
        target: str,
        port: int,
        path: str,
        headers: Mapping[str, str] | None = None,
        pid: int | None = None,
    ) -> Result:
        """req/s and latency of GET `path`; with the server's `pid`, also its CPU per request (steadier than
        req/s on a shared machine: other work takes cores, not the server's CPU per request)."""
        if self.warmup > 0:
            self._load(target, port, path, headers, self.warmup)
        before, db_before = process_cpu_s(pid), postgres_cpu_s()
        result = self._load(target, port, path, headers, self.duration)
        after, db_after = process_cpu_s(pid), postgres_cpu_s()
        if before is not None and after is not None and result.requests:
            result = replace(result, cpu_us=(after - before) / result.requests * 1e6)
        if db_before is not None and db_after is not None and result.requests and pid is not None:
            result = replace(result, db_cpu_us=max(0.0, db_after - db_before) / result.requests * 1e6)
        return result

    def _load(
        self, target: str, port: int, path: str, headers: Mapping[str, str] | None, seconds: float
    ) -> Result:
        headers = dict(headers or {})
        status, body = http_get(port, path, headers)
        if status != 200:
            raise BenchError(f"{target} GET {path} answered {status} before the load: {body[:300]!r}", 3)
        url = f"http://{HOST}:{port}{path}"
        endpoint = f"GET {path}"
        if seconds == self.duration:
            print(
                f"  {target:<9} {endpoint:<13} warm-up {self.warmup:g} s, load {self.duration:g} s",
                flush=True,
            )
        if self.loadgen == "wrk" and self.wrk:
            output = run_wrk(self.wrk, url, headers, seconds, self.connections, self.threads)
            return parse_wrk(output, target, endpoint)
        return run_python(url, headers, seconds, self.connections, target, endpoint)


#: the dev cluster that scripts/services.sh runs (its backends are the postmaster's children)
POSTMASTER_PID = ROOT / "var" / "dev" / "pg" / "data" / "postmaster.pid"


def postgres_cpu_s() -> float | None:
    """User + system CPU seconds so far of the dev PostgreSQL's processes (its backends and helpers) still
    running; None when the cluster is not the local dev one. Anything else using the cluster counts too."""
    try:
        postmaster = int(POSTMASTER_PID.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def process_cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- report ----------------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    bare = next((r for r in results if r.target == "bare"), None)
    header = (
        "target",
        "endpoint",
        "req/s",
        "p50 ms",
        "p99 ms",
        "requests",
        "errors",
        "req/s vs bare",
        "CPU µs/req",
        "PG CPU µs/req",
    )
    rows = [header]
    for r in results:
        ratio = f"{r.rps / bare.rps:.2f}" if bare and bare.rps else "-"
        rows.append(
            (
                r.target,
                r.endpoint,
                f"{r.rps:,.0f}",
                f"{r.p50_ms:.2f}",
                f"{r.p99_ms:.2f}",
                f"{r.requests:,}",
                str(r.errors),
                ratio,
                f"{r.cpu_us:,.0f}" if r.cpu_us is not None else "-",
                f"{r.db_cpu_us:,.0f}" if r.db_cpu_us is not None and r.target != "bare" else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(results: list[Result]) -> list[str]:
    bare = next((r for r in results if r.target == "bare"), None)
    if bare is None or not bare.rps:
        return []
    lines = []
    for r in results:
        if r.target == "cityloop":
            lines.append(
                f"CityLoop/bare  {r.endpoint:<13} req/s {r.rps / bare.rps:5.2f}   "
                f"p50 {r.p50_ms / bare.p50_ms:5.1f}x   p99 {r.p99_ms / bare.p99_ms:5.1f}x"
                + (f"   CPU/req {r.cpu_us / bare.cpu_us:5.1f}x" if r.cpu_us and bare.cpu_us else "")
            )
    return lines


# --- main ------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.http_baseline",
        description="requests/s and p50/p99 of CityLoop against a bare Litestar app, over loopback",
    )
    p.add_argument("--duration", type=float, default=10.0, help="seconds of load per endpoint (10)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first (2)")
    p.add_argument("--connections", type=int, default=32, help="concurrent connections (32)")
    p.add_argument("--threads", type=int, default=1, help="wrk threads (1: leave a core for the server)")
    p.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE, help="shell exports for CityLoop")
    p.add_argument("--phone", default=DEMO_ADMIN_PHONE, help="the user /v1/me is read as (demo admin)")
    p.add_argument("--db-pool-max", type=int, help="DB_POOL_MAX for the CityLoop server (app default)")
    p.add_argument("--startup-timeout", type=float, default=30.0)
    args = p.parse_args(argv)
    if args.duration < 1 or args.warmup < 0 or args.connections < 1 or args.threads < 1:
        p.error("--duration >= 1, --warmup >= 0, --connections >= 1 and --threads >= 1")
    if args.threads > args.connections:
        p.error("--threads must not exceed --connections (wrk gives every thread its own connections)")
    return args


def cityloop_env(args: argparse.Namespace) -> dict[str, str]:
    env = environment(args.env_file)
    env["LOG_LEVEL"] = "WARNING"
    if args.db_pool_max is not None:
        env["DB_POOL_MAX"] = str(args.db_pool_max)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


def _pid(server: Server) -> int | None:
    return server.proc.pid if server.proc is not None else None


def run(args: argparse.Namespace) -> int:
    from api.settings import SettingsError, load_settings

    wrk = ensure_wrk() if args.loadgen in ("auto", "wrk") else None
    if args.loadgen == "wrk" and wrk is None:
        raise BenchError("wrk is not installed (apt-get install wrk) and could not be installed", 2)
    load = Load("wrk" if wrk else "python", wrk, args.warmup, args.duration, args.connections, args.threads)
    env = cityloop_env(args)
    try:
        settings = load_settings(env)
    except SettingsError as exc:
        raise BenchError(f"the CityLoop environment is not usable: {exc}", 2) from exc
    bare_env = {**os.environ, "PYTHONPATH": env["PYTHONPATH"]}

    print_machine("HTTP baseline: CityLoop against a bare Litestar app, loopback, one uvicorn worker each")
    if load.loadgen == "wrk":
        generator = f"wrk ({wrk}), {load.threads} thread(s), --latency, --timeout 5s"
    else:
        generator = "aiohttp in the bench process (wrk not available)"
    print(f"  {'loadgen':<9} {generator}, {load.connections} connections")
    print(f"  {'load':<9} {load.warmup:g} s warm-up (discarded) + {load.duration:g} s per endpoint")
    database = settings.database_url.rsplit("@", 1)[-1]
    print(
        f"  {'cityloop':<9} DB_POOL_MAX={settings.db_pool_max}, LOG_LEVEL=WARNING, database {database}"
        + (" (same host)" if database.startswith(("127.", "localhost", "[::1]")) else "")
        + "\n",
        flush=True,
    )

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="cityloop-bench-") as logdir:
        with running(Server("bare", "bench.bare_app:app", bare_env, Path(logdir), factory=False), 30) as bare:
            results.append(load.measure("bare", bare.port, "/healthz", pid=_pid(bare)))
        token = access_token(env, args.phone)
        city = Server("cityloop", "api.asgi:app", env, Path(logdir), factory=True)
        with running(city, args.startup_timeout):
            results.append(load.measure("cityloop", city.port, "/healthz", pid=_pid(city)))
            auth = {"Authorization": f"Bearer {token}"}
            results.append(load.measure("cityloop", city.port, "/v1/me", auth, pid=_pid(city)))

    print()
    print(table(results))
    print()
    for line in summary(results):
        print(line)
    failed = [r for r in results if r.errors]
    if failed:
        print(
            "\nrequests failed during the load: " + ", ".join(f"{r.target} {r.endpoint}" for r in failed),
            file=sys.stderr,
        )
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return main_of("http_baseline", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
