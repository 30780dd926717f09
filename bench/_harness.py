"""What every bench shares: the environment it runs in, the machine it prints, a scratch database, the processes it
starts, percentiles, and how it exits.

- `environment(env_file)`: var/dev/env (or --env-file), the current environment on top; `admin_url(env)`.
- `print_machine(title, extra)`: the title, then the machine (cpu, cores, ram, python, kernel, load average before
  the run, package versions) and the bench's own lines, one `  name      value` a line.
- `admin_connection(url)`, `print_server(admin, url, knobs, postgis)`, `scratch_database(admin, url, kind, ...)`:
  a database of the bench's own beside the dev one, created (or reused), dropped at the end unless kept.
- `Server` / `running(...)`: one uvicorn worker on a free loopback port, with its log; `start_process` and
  `stop_process` for the other processes a bench runs (the worker, a fake).
- `percentile(values, q)`: nearest rank.
- `main_of(name, run)`: exit status 2 when the setup is missing (`SetupError`), a `BenchError`'s own status
  otherwise, 130 on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import math
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENV_FILE = ROOT / "var" / "dev" / "env"
HOST = "127.0.0.1"
#: the packages whose versions every bench prints
PACKAGES = ("litestar", "uvicorn", "uvloop", "httptools", "asyncpg", "msgspec")

T = TypeVar("T")


class BenchError(Exception):
    """The bench cannot give its figures; `status` is its exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class SetupError(BenchError):
    """What the bench needs is missing or fails (no DATABASE_ADMIN_URL, a server down): exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 2)


def main_of(name: str, run: Callable[[], int]) -> int:
    """Run a bench's main part and turn its failures into exit statuses, the message on stderr."""
    if str(ROOT) not in sys.path:  # run as a file rather than with -m
        sys.path.insert(0, str(ROOT))
    try:
        return run()
    except BenchError as exc:
        print(f"\n{name}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


# --- the environment and the machine ------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """The `export NAME=value` lines of a shell env file such as var/dev/env."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line.removeprefix("export "), comments=True)
        if len(words) == 1 and "=" in words[0]:
            name, _, value = words[0].partition("=")
            values[name] = value
    return values


def environment(env_file: Path) -> dict[str, str]:
    """The env file's values (when it exists) with the current environment taking precedence."""
    env = read_env_file(env_file) if env_file.is_file() else {}
    env.update(os.environ)
    return env


def admin_url(env: Mapping[str, str], env_file: Path) -> str:
    url = env.get("DATABASE_ADMIN_URL")
    if not url:
        raise SetupError(f"DATABASE_ADMIN_URL is not set (in the environment or {env_file})")
    return url


def loadavg() -> str:
    """/proc/loadavg's 1, 5 and 15 minute figures."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine(packages: Iterable[str] = PACKAGES) -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for dist in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{dist} {metadata.version(dist)}")
    return [
        ("cpu", cpu),
        ("cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("ram", ram),
        ("python", f"{platform.python_version()} ({sys.executable})"),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("load avg", f"{loadavg()} (1, 5, 15 min, before the run)"),
        ("packages", ", ".join(versions)),
    ]


def print_line(name: str, value: str) -> None:
    print(f"  {name:<9} {value}", flush=True)


def print_machine(
    title: str, extra: Iterable[tuple[str, str]] = (), packages: Iterable[str] = PACKAGES
) -> None:
    """The bench's title, a blank line, the machine and the bench's own lines."""
    print(f"{title}\n")
    for name, value in [*machine(packages), *extra]:
        print_line(name, value)


# --- the database -------------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def scratch_name(kind: str) -> str:
    return f"cityloop_bench_{kind}_{secrets.token_hex(4)}"


@contextlib.asynccontextmanager
async def admin_connection(url: str) -> AsyncIterator[asyncpg.Connection]:
    try:
        admin = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise SetupError(
            f"cannot reach {urlsplit(url).netloc}: {exc} (scripts/services.sh start dev)"
        ) from exc
    try:
        yield admin
    finally:
        await admin.close()


async def print_server(
    admin: asyncpg.Connection, url: str, knobs: Sequence[str] = (), *, postgis: bool = False
) -> None:
    """The server's version (and PostGIS's), its address and the settings named in `knobs`."""
    server = str(await admin.fetchval("SELECT version()")).split(" on ")[0]
    if postgis:
        version = await admin.fetchval(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"
        )
        server += f", PostGIS {version}"
    print_line("database", f"{server}, {urlsplit(url).netloc}")
    if knobs:
        rows = await admin.fetch(
            "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name",
            list(knobs),
        )
        print_line("settings", ", ".join(f"{k['name']}={k['setting']}{k['unit'] or ''}" for k in rows))


@contextlib.asynccontextmanager
async def scratch_database(
    admin: asyncpg.Connection, url: str, name: str, *, create: bool = True, keep: bool = False
) -> AsyncIterator[str]:
    """Database `name` beside the one of `url` (created unless `create` is false: a kept one, reused), dropped at
    the end unless `keep`, whatever happens; its URL."""
    print_line("scratch", f"{name} ({'kept' if keep else 'dropped at the end'})\n")
    if create:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name)
    finally:
        if not keep:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def entered(runner: asyncio.Runner, manager: contextlib.AbstractAsyncContextManager[T]) -> Iterator[T]:
    """An async context manager entered and left on `runner`'s loop, for benches whose main part is not async."""
    value = runner.run(manager.__aenter__())
    try:
        yield value
    except BaseException as exc:
        if not runner.run(manager.__aexit__(type(exc), exc, exc.__traceback__)):
            raise
    else:
        runner.run(manager.__aexit__(None, None, None))


# --- processes ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_process(
    command: Sequence[str], env: Mapping[str, str], log: Path, *, pipe_stdout: bool = False
) -> subprocess.Popen[bytes]:
    """`command` in the repository, in a session of its own (stopped with its children), its output in `log`
    (with `pipe_stdout`, its stdout is read through `proc.stdout` and only stderr goes to `log`)."""
    with log.open("wb") as out:
        return subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=dict(env),
            stdout=subprocess.PIPE if pipe_stdout else out,
            stderr=out if pipe_stdout else subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop_process(proc: subprocess.Popen[bytes] | None, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL to its whole session when it does not end within `timeout` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def http_get(port: int, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """One uvicorn worker serving `app` on a free loopback port, its output kept in a log file."""

    def __init__(self, name: str, app: str, env: Mapping[str, str], logdir: Path, *, factory: bool) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = logdir / f"{name}.log"
        command = [sys.executable, "-m", "uvicorn", app]
        command += ["--factory"] if factory else []
        command += ["--host", HOST, "--port", str(self.port), "--workers", "1"]
        command += ["--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
        self.command = command
        self.env = dict(env)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> None:
        self.proc = start_process(self.command, self.env, self.log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(self._failure(f"exited with status {self.proc.returncode}"), 1)
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_get(self.port, "/healthz")[0] == 200:
                    return
            time.sleep(0.1)
        raise BenchError(self._failure(f"did not answer GET /healthz within {timeout:.0f} s"), 1)

    def stop(self) -> None:
        stop_process(self.proc)

    def log_tail(self, lines: int = 30) -> str:
        return tail(self.log_path, lines)

    def _failure(self, what: str) -> str:
        return (
            f"{self.name} server {what}\n  command: {shlex.join(self.command)}\n"
            f"  log tail:\n{self.log_tail()}"
        )


@contextlib.contextmanager
def running(server: Server, timeout: float) -> Iterator[Server]:
    try:
        server.start(timeout)
        yield server
    finally:
        server.stop()


# --- figures ------------------------------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of all values at or below it (nan when there is none)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
