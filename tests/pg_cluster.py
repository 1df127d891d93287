"""A throwaway PostgreSQL cluster that a test may stop and start at will.

The shared server on port 5432 serves every other test; an outage drill must not take it
down, so it gets a cluster of its own: initdb into a temporary directory, a free port on
127.0.0.1, the socket beside the data. PostgreSQL refuses to run as root, so as root its
commands run as the `postgres` account (the Debian package creates it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from net import free_port

MISSING = (
    "PostgreSQL's server programs (initdb, pg_ctl) are not installed under "
    "/usr/lib/postgresql/*/bin: install Debian's `postgresql` package (scripts/test does)"
)


def server_bin() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not found:
        raise RuntimeError(MISSING)
    return found[-1].parent


class ThrowawayPostgres:
    """A cluster of its own: `start`, `stop` (fast shutdown, as a restart does), `remove`."""

    def __init__(self) -> None:
        self.bin = server_bin()
        self.port = free_port()
        # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="exigent-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._owned_by_postgres()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop as an operator's restart does: open sessions are ended, nothing is lost."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            self._as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def _owned_by_postgres(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    @staticmethod
    def _as_postgres(command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, program: str, *args: str) -> None:
        command = self._as_postgres([str(self.bin / program), *args])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({done.returncode}): {done.stderr or done.stdout}"
            )
