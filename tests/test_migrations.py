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


def test_upgrade_keeps_existing_cases(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A database with cases in it upgrades from the first schema to head without loss (SQLite
    rebuilds tables by copying them, which must not trip over rows that reference them)."""
    from sqlalchemy import create_engine, text

    from exigent.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO requests (id, submission_digest, kind, received_via, received_at, "
                "received_offset_minutes, status, priority, record, raw_submission, "
                "needs_completion, acknowledge_due_at, decide_due_at, created_at, updated_at, "
                "version) VALUES (7, 'd', 'subpoena', 'portal', '2026-01-05 10:00:00', 0, "
                "'closed', 'P3', '{}', '{}', 0, '2026-01-06 10:00:00', '2026-01-19 10:00:00', "
                "'2026-01-05 10:00:00', '2026-01-05 10:00:00', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO targets (request_id, position, identifier_type, value) "
                "VALUES (7, 0, 'username', 'someone')"
            )
        )
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM requests WHERE id = 7")).scalar() == (
            "subpoena"
        )
        assert connection.execute(text("SELECT count(*) FROM targets")).scalar() == 1
    engine.dispose()
