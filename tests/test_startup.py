"""A restart is a blip: `exigent serve` starts with the garbage collector off (see cli.py) and
must turn it back on once the server is warm, or a long-running server would never reclaim
cyclic garbage."""

from __future__ import annotations

import gc
import sys
import time

import pytest
from fastapi.testclient import TestClient

from exigent.app import create_app
from exigent.cli import main
from exigent.config import Settings


def test_a_served_app_collects_garbage_again_once_warm(settings: Settings) -> None:
    gc.disable()
    try:
        with TestClient(create_app(settings, run_worker=False, warm=True)) as client:
            assert client.get("/api/v1/health").status_code == 200
            deadline = time.monotonic() + 20
            while not gc.isenabled() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert gc.isenabled(), "the server never turned the garbage collector back on"
    finally:
        gc.enable()


def test_other_commands_collect_garbage_as_they_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["exigent", "db", "--help"])
    gc.disable()
    try:
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 0
        assert gc.isenabled()
    finally:
        gc.enable()
