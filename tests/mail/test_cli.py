"""`exigent intake eml FILE...`: each message a case; an unreadable file is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exigent.cli import app
from exigent.config import get_settings
from exigent.migrate import upgrade


def test_eml_files_become_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    monkeypatch.setenv("EXIGENT_DATABASE_URL", url)
    monkeypatch.setenv("EXIGENT_FILE_STORE", str(tmp_path / "files"))
    get_settings.cache_clear()
    good = tmp_path / "a.eml"
    good.write_bytes(
        b"From: Det. A <a@agency.example>\r\nSubject: subpoena\r\n\r\nSee attached.\r\n"
    )
    try:
        result = CliRunner().invoke(app, ["intake", "eml", str(good), str(tmp_path / "gone.eml")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "EXG-0000001 (new case)" in result.stdout
    assert "gone.eml: NOT TAKEN IN" in result.stdout
