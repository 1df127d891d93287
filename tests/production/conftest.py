"""A demo platform store in the test's own folder, and cases brought to approval over the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from exigent.auth.models import Role
from exigent.config import Settings
from exigent.platform_data.generate import generate_one

# The factories' emergency is received 2026-11-24 02:10 -05:00 and asks for 2026-11-20..24.
STORE_NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    store = tmp_path / "platform.db"
    generate_one(store, username="night.owl.77", records=4000, now=STORE_NOW, days=60)
    generate_one(
        store,
        username="little.fox9",
        records=400,
        now=STORE_NOW,
        days=60,
        seed=9,
        birth_date=date.today() - timedelta(days=3700),  # ten years old
    )
    return settings.model_copy(update={"platform_store": store})


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)


@pytest.fixture
def other_officer(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.requester, "someone.else@police.example.gov")
