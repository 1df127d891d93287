"""Migrations: one head, committed in migrations/head.txt, matching the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from exigent.migrate import HEAD_FILE, alembic_config
from exigent.models import Base


def test_single_head_matches_committed_head_file() -> None:
    # Two branches that each add a migration both edit head.txt, so git makes them conflict.
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [HEAD_FILE.read_text().strip()]


def test_migrated_schema_matches_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
