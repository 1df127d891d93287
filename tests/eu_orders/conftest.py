"""A demo platform store in the test's own folder, with the account EU orders name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from exigent.config import Settings
from exigent.platform_data.generate import generate_one


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    store = tmp_path / "platform.db"
    now = datetime.now(UTC)
    generate_one(store, username="nightowl_88", records=400, now=now, days=30)
    return settings.model_copy(update={"platform_store": store})
