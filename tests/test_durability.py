"""An acknowledged request survives the server being killed the moment after it answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from sqlalchemy import func, select

from exigent.cases.models import Request
from factories import emergency_record
from net import free_port


def test_acknowledged_case_survives_sigkill(settings, officer, factory) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {
        **os.environ,
        "EXIGENT_DATABASE_URL": settings.database_url,
        "EXIGENT_EMBEDDED_WORKER": "false",
        "EXIGENT_FILE_STORE": str(settings.file_store),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "exigent.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        answer = httpx.post(
            base + "/api/v1/requests", json=emergency_record(), headers=officer.headers, timeout=10
        )
        assert answer.status_code == 201
        server.send_signal(signal.SIGKILL)  # no shutdown, no flush: as in a power cut
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
    with factory() as session:
        ids = session.execute(select(Request.id)).scalars().all()
        assert ids == [answer.json()["id"]]
        assert session.execute(select(func.count()).select_from(Request)).scalar_one() == 1
