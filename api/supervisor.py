"""`cityloop serve`: the API and the worker as child processes, each started again when it dies.

A child that dies (a crash, kill -9, the worker giving up) is restarted after a backoff that doubles with every
death in a row (1 s, 2 s, 4 s ... at most 60 s) and starts over once a child has run for a minute. SIGTERM or
SIGINT to the supervisor is passed to the children, which get 15 s to finish before SIGKILL. On Linux each
child is told to die with the supervisor (PR_SET_PDEATHSIG), so a killed supervisor leaves no orphans.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from types import FrameType

log = logging.getLogger("cityloop.supervisor")

BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
STABLE_AFTER_S = 60.0
GRACE_S = 15.0
_PR_SET_PDEATHSIG = 1


def _death_signal() -> Callable[[], None] | None:
    """On Linux, a function for the child (between fork and exec) that asks for SIGTERM when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the forked child
    except (OSError, AttributeError):
        return None

    def die_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))

    return die_with_parent


class Child:
    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.argv = argv
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.deaths_in_a_row = 0
        self.next_start = 0.0
        self.starts = 0


class Supervisor:
    def __init__(
        self,
        children: Mapping[str, list[str]],
        *,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_max_s: float = BACKOFF_MAX_S,
        stable_after_s: float = STABLE_AFTER_S,
        grace_s: float = GRACE_S,
        poll_s: float = 0.2,
    ) -> None:
        self.children = [Child(name, argv) for name, argv in children.items()]
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.stable_after_s = stable_after_s
        self.grace_s = grace_s
        self.poll_s = poll_s
        self.stopping = False
        self._preexec = _death_signal()

    def backoff_s(self, deaths_in_a_row: int) -> float:
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** min(deaths_in_a_row - 1, 30)))

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, preexec_fn=self._preexec)  # noqa: S603 - our own argv
        child.started_at = time.monotonic()
        child.starts += 1
        log.info(
            "child started",
            extra={"child": child.name, "pid": child.process.pid, "start": child.starts},
        )

    def _check(self, child: Child, now: float) -> None:
        if child.process is None:
            if now >= child.next_start:
                self._start(child)
            return
        returncode = child.process.poll()
        if returncode is None:
            return
        ran_s = now - child.started_at
        child.deaths_in_a_row = 1 if ran_s >= self.stable_after_s else child.deaths_in_a_row + 1
        delay = self.backoff_s(child.deaths_in_a_row)
        log.warning(
            "child died; restarting it",
            extra={
                "child": child.name,
                "pid": child.process.pid,
                "returncode": returncode,
                "ran_s": round(ran_s, 1),
                "restart_in_s": delay,
            },
        )
        child.process = None
        child.next_start = now + delay

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            log.info("stopping", extra={"signal": signal.Signals(signum).name})
        self.stopping = True

    def run(self) -> int:
        previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, self._on_signal)
        try:
            while not self.stopping:
                now = time.monotonic()
                for child in self.children:
                    self._check(child, now)
                time.sleep(self.poll_s)
        finally:
            self._stop_children()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0

    def _stop_children(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace_s
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning(
                    "child did not stop; killing it", extra={"child": child.name, "pid": child.process.pid}
                )
                child.process.kill()
                child.process.wait()


def supervise_serve() -> int:
    """`cityloop serve`: the API (`cityloop serve --no-worker`) and `cityloop worker`, supervised."""
    cli = [sys.executable, "-m", "api.cli"]
    log.info("supervisor started", extra={"pid": os.getpid()})
    return Supervisor({"api": [*cli, "serve", "--no-worker"], "worker": [*cli, "worker"]}).run()
