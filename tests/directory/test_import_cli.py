"""`exigent directory import`: loads the directory once; a second run adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exigent.cli import app
from exigent.config import get_settings
from exigent.migrate import upgrade


def test_import_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    monkeypatch.setenv("EXIGENT_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["directory", "import"])
        assert first.exit_code == 0, first.output
        added = int(first.stdout.split()[1])
        assert added > 1000 and "domains" in first.stdout
        second = CliRunner().invoke(app, ["directory", "import"])
        assert second.exit_code == 0
        assert second.stdout.startswith("added 0 agencies and 0 domains")
        missing = CliRunner().invoke(app, ["directory", "import", "--fbi", str(tmp_path / "no")])
        assert missing.exit_code == 2
    finally:
        get_settings.cache_clear()
