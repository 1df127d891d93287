"""A platform store with the referrals' users, a local CyberTipline, and a legal account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from exigent.auth.models import Role
from exigent.config import Settings
from exigent.platform_data.generate import generate_one
from fake_cybertipline import PASSWORD, USERNAME, FakeCyberTipline

STORE_NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


@pytest.fixture
def ncmec() -> Iterator[FakeCyberTipline]:
    with FakeCyberTipline() as fake:
        yield fake


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, ncmec: FakeCyberTipline) -> Settings:
    store = tmp_path / "platform.db"
    generate_one(store, username="night.owl.77", records=600, now=STORE_NOW, days=30)
    generate_one(
        store,
        username="little.fox9",
        records=100,
        now=STORE_NOW,
        days=30,
        seed=9,
        birth_date=date.today() - timedelta(days=4400),
    )
    return settings.model_copy(
        update={
            "platform_store": store,
            "ncmec_api_url": ncmec.url,
            "ncmec_username": USERNAME,
            "ncmec_password": SecretStr(PASSWORD),
            "ncmec_timeout_seconds": 1.0,
        }
    )


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)
