"""`exigent serve` keeps answering: its web process, killed, is replaced from the loaded
supervisor while the port keeps callers waiting instead of refusing them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from conftest import Account
from exigent.cases.models import Request
from exigent.config import Settings
from factories import emergency_record
from net import free_port
from served import alive, serve, stop, wait_until_up, web_process


def _cases(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Request)) or 0


def _wait_for(condition, seconds: float = 20) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _started(settings: Settings, tmp_path: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = serve(settings, port, tmp_path / "stdout.log", tmp_path / "stderr.log", **env)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, server, tmp_path / "stderr.log")
    return server, base


def test_a_killed_web_process_is_replaced_and_an_emergency_sent_meanwhile_is_taken(
    settings: Settings, factory: sessionmaker[Session], analyst: Account, tmp_path: Path
) -> None:
    server, base = _started(settings, tmp_path)
    try:
        first = httpx.post(
            f"{base}/api/v1/requests", json=emergency_record(), headers=analyst.headers
        )
        assert first.status_code == 201, first.text
        killed = web_process(server.pid)
        server_log = tmp_path / "stderr.log"

        os.kill(killed, signal.SIGKILL)
        # Sent at once: the port is still open, so it waits for the next web process.
        second = httpx.post(
            f"{base}/api/v1/requests",
            json=emergency_record(),
            headers=analyst.headers,
            timeout=60,
        )
        assert second.status_code == 201, second.text
        assert web_process(server.pid) != killed
        assert not alive(killed)
        assert _cases(factory) == 2
        assert "the web process ended (killed by SIGKILL)" in server_log.read_text()
    finally:
        stop(server)


def test_stopping_the_supervisor_stops_its_web_process_gracefully(
    settings: Settings, tmp_path: Path
) -> None:
    server, _ = _started(settings, tmp_path)
    child = web_process(server.pid)
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    assert not alive(child)
    log = (tmp_path / "stderr.log").read_text()
    assert "Shutting down" in log and "Finished server process" in log


def test_a_killed_supervisor_takes_its_web_process_with_it(
    settings: Settings, tmp_path: Path
) -> None:
    server, _ = _started(settings, tmp_path)
    child = web_process(server.pid)
    server.kill()
    server.wait()
    assert _wait_for(lambda: not alive(child)), "the web process outlived its supervisor"


def test_a_web_process_that_cannot_start_is_not_restarted_forever(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    missing = tmp_path / "no-such-folder" / "exigent.db"
    server = serve(
        settings,
        port,
        tmp_path / "stdout.log",
        tmp_path / "stderr.log",
        EXIGENT_DATABASE_URL=f"sqlite:///{missing}",
        EXIGENT_EMBEDDED_WORKER="true",
    )
    try:
        assert server.wait(timeout=90) == 1
    finally:
        stop(server)
    log = (tmp_path / "stderr.log").read_text()
    assert log.count("the web process ended (exit code 1)") == 3, log
    assert "giving up" in log
