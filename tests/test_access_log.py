"""Secrets carried in URLs never reach the server's logs: `exigent serve` on loopback, read back."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import httpx

from exigent.app import create_app
from exigent.config import Settings
from exigent.logs import REDACTED, redact
from net import free_port
from served import serve, wait_until_up

# Never valid anywhere, each unique, so finding one in the log can only mean it leaked.
DELIVERY = "exd_Zq8sDeliveryTokenNeverLogged0123456789abcdefg"
CONFIRM = "Cf7ConfirmationTokenNeverLogged0123456789abcdef"
QUERY = "QryTokenValueNeverLogged0123456789"
NESTED = "NestedConfirmTokenNeverLogged0123456789"


def test_the_served_access_log_keeps_the_route_but_not_the_secret(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    server = serve(settings, port, out, err)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server, err)
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
