"""Secrets carried in URLs never reach the server's logs: `exigent serve` on loopback, read back."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from exigent.app import create_app
from exigent.config import Settings
from exigent.logs import REDACTED, redact
from net import free_port

ROOT = Path(__file__).resolve().parents[1]
# Never valid anywhere, each unique, so finding one in the log can only mean it leaked.
DELIVERY = "exd_Zq8sDeliveryTokenNeverLogged0123456789abcdefg"
CONFIRM = "Cf7ConfirmationTokenNeverLogged0123456789abcdef"
QUERY = "QryTokenValueNeverLogged0123456789"
NESTED = "NestedConfirmTokenNeverLogged0123456789"


def _serve(settings: Settings, port: int, out: Path, err: Path) -> subprocess.Popen[bytes]:
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
    command = [sys.executable, "-c", "from exigent.cli import main; main()"]
    return subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=out.parent,
        env=env,
        stdout=out.open("wb"),
        stderr=err.open("wb"),
    )


def _wait_until_up(base: str, server: subprocess.Popen[bytes], err: Path) -> None:
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


def test_the_served_access_log_keeps_the_route_but_not_the_secret(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    server = _serve(settings, port, out, err)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, err)
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.get(f"/api/v1/deliveries/{DELIVERY}").status_code == 401
            assert http.get(f"/portal/confirm/{CONFIRM}").status_code == 200
            http.get(f"/api/v1/requests?token={QUERY}&limit=5")
            http.get(f"/portal/sign-in?next=%2Fportal%2Fconfirm%2F{NESTED}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    log = out.read_text() + err.read_text()
    for secret in (DELIVERY, CONFIRM, QUERY, NESTED):
        assert secret not in log, f"{secret} leaked into the log:\n{log}"
    # The lines are still there and still say what was asked for.
    assert f'"GET /api/v1/deliveries/{REDACTED} HTTP/1.1" 401' in log, log
    assert f'"GET /portal/confirm/{REDACTED} HTTP/1.1" 200' in log, log
    assert f"/api/v1/requests?token={REDACTED}&limit=5" in log, log
    assert f"next=%2Fportal%2Fconfirm%2F{REDACTED}" in log, log


def test_every_route_with_a_token_in_its_path_is_redacted(settings: Settings) -> None:
    paths = create_app(settings, run_worker=False).openapi()["paths"]
    pages = ["/portal/confirm/{token}"]  # HTML routes are not in the API schema
    secret_routes = [p for p in paths if "{token}" in p] + pages
    assert "/api/v1/deliveries/{token}" in secret_routes
    for route in secret_routes:
        logged = redact(route.replace("{token}", "s3cr3t-Value_123") + "?x=1")
        assert "s3cr3t" not in logged and re.search(rf"/{re.escape(REDACTED)}\?x=1$", logged)


def test_other_paths_and_row_ids_are_left_as_they_are() -> None:
    for path in ("/api/v1/requests/12/timeline", "/api/v1/deliveries/7/revoke", "/portal/home"):
        assert redact(path) == path
