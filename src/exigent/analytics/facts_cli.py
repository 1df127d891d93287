"""`exigent analytics rebuild`: every case's fact row rewritten from the raw rows."""

from __future__ import annotations

import time

import typer

from exigent.analytics.facts import facts_missing, rebuild_facts
from exigent.config import get_settings
from exigent.db import make_engine, make_session_factory

analytics_app = typer.Typer(no_args_is_help=True, help="Analytics' fact table.")


@analytics_app.command("rebuild")
def rebuild() -> None:
    """Rewrite every case's fact row (after a restore, or to check the kept rows)."""
    started = time.perf_counter()
    written = _rebuild(get_settings().database_url, only_if_missing=False)
    typer.echo(f"{written} fact rows written in {time.perf_counter() - started:.1f} s")


def backfill_facts(url: str) -> int:
    """Fill the fact table when it is empty but cases exist (the migration that made it
    leaves it empty); return how many rows were written."""
    return _rebuild(url, only_if_missing=True)


def _rebuild(url: str, *, only_if_missing: bool) -> int:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            if only_if_missing and not facts_missing(session):
                return 0
            written = rebuild_facts(session)
            session.commit()
            return written
    finally:
        engine.dispose()
