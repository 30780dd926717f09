"""A throwaway PostgreSQL 15 + PostGIS cluster of a test's own, so that a test may stop and restart it without
disturbing the shared test server that other tests run against in parallel.

Everything listens on 127.0.0.1 only (no unix socket). As root, the server binaries run as the `postgres` user
(they refuse to run as root), the way scripts/services.sh starts the project's own clusters.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _is_root() -> bool:
    return os.geteuid() == 0


class ThrowawayPostgres:
    """initdb into a fresh directory under /tmp, then start, stop and restart on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        # /tmp itself, not pytest's tmp_path: the postgres user must be able to reach the directory
        self.root = Path(tempfile.mkdtemp(prefix="cityloop-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if _is_root():
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str, timeout: float = 60) -> None:
        cmd = [str(PG_BIN / argv[0]), *argv[1:]]
        if _is_root():
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(
            cmd, cwd=self.root, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv[:2])} failed ({done.returncode}):\n{done.stderr}\n{self.tail()}"
            )

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        conf = "\n".join(
            [
                "listen_addresses = '127.0.0.1'",
                f"port = {self.port}",
                "unix_socket_directories = ''",
                "max_connections = 50",
                "timezone = 'UTC'",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "",
            ]
        )
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as f:
            f.write(conf)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "-s", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "-s", "stop")

    def accepts(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        for _ in range(50):  # a postmaster that just went may still hold files for a moment
            try:
                shutil.rmtree(self.root)
                return
            except OSError:
                time.sleep(0.1)
