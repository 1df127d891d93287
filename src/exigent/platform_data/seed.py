"""The demo platform store for `exigent demo`: an account for every demo case's target."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.cases.models import Target
from exigent.config import Settings
from exigent.platform_data.generate import generate_store


def seed_platform_store(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    accounts: int,
    records_per_account: int,
) -> str:
    """Add the demo cases' target accounts (and `accounts` bystanders) to the demo store."""
    if settings.platform_adapter != "demo":
        return f"platform adapter {settings.platform_adapter}: no demo store generated"
    with factory() as session:
        usernames = list(
            session.execute(
                select(Target.value).where(Target.identifier_type == "username").distinct()
            ).scalars()
        )
    made = generate_store(
        settings.platform_store,
        accounts=accounts if not settings.platform_store.exists() else 0,
        records_per_account=records_per_account,
        usernames=usernames,
    )
    records = sum(m.records for m in made)
    return (
        f"platform store {settings.platform_store}: {len(made)} accounts, {records:,} records added"
    )
