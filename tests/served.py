"""`exigent serve` as operators run it, in a process of its own, for tests that need the real
server: its supervisor, its logs, its signals."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from exigent.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def serve(
    settings: Settings, port: int, out: Path, err: Path, **env_overrides: str
) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("EXIGENT_") and key != "PYTHONPATH"
    }
    env.update(
        PYTHONUNBUFFERED="1",
        EXIGENT_ENVIRONMENT="test",
        EXIGENT_DATABASE_URL=settings.database_url,
        EXIGENT_FILE_STORE=str(settings.file_store),
        EXIGENT_CACHE_DIR=str(ROOT / "var" / "cache"),
        EXIGENT_EMBEDDED_WORKER="false",
        EXIGENT_SMTP_PORT=str(settings.smtp_port),
    )
    env.update(env_overrides)
    command = [sys.executable, "-c", "from exigent.cli import main; main()"]
    return subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=out.parent,
        env=env,
        stdout=out.open("wb"),
        stderr=err.open("wb"),
    )


def wait_until_up(base: str, server: subprocess.Popen[bytes], err: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"exigent serve exited: {err.read_text()}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("exigent serve did not start within a minute")


def web_process(supervisor: int) -> int:
    """The pid of the web process the supervisor runs now."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    assert len(children) == 1, f"the supervisor runs {len(children)} web processes"
    return int(children[0])


def alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.kill()
        server.wait()
