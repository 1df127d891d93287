"""The demo's history writes fact rows equal to a rebuild, and a mix like a real platform's."""

from __future__ import annotations

import random

from sqlalchemy import text

from exigent.analytics.facts import rebuild_facts
from exigent.auth.models import Role
from exigent.demo.history import seed_history


def _count(factory, sql: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return int(session.execute(text(sql)).scalar_one())


def _facts(factory) -> dict[int, dict[str, object]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(text("SELECT * FROM analytics_case_facts")).mappings()
        found = {row["request_id"]: dict(row) for row in rows}
    for row in found.values():
        row.pop("updated_at")
    return found


def test_history_facts_match_the_raw_rows_and_a_rebuild(factory, make_account):
    make_account(Role.analyst)
    seed_history(factory, 1500, random.Random(5), open_cases=40)
    assert _count(factory, "SELECT COUNT(*) FROM analytics_case_facts") == 1500
    delivered = _count(
        factory,
        "SELECT COUNT(DISTINCT request_id) FROM timeline_events WHERE to_status = 'delivered'",
    )
    assert delivered == _count(
        factory, "SELECT COUNT(*) FROM analytics_case_facts WHERE delivered_at IS NOT NULL"
    )
    open_raw = _count(
        factory,
        "SELECT COUNT(*) FROM requests"
        " WHERE status NOT IN ('delivered', 'preserved', 'closed', 'rejected', 'withdrawn')",
    )
    assert open_raw > 0
    assert open_raw == _count(factory, "SELECT COUNT(*) FROM analytics_case_facts WHERE is_open")
    denied = _count(factory, "SELECT COUNT(*) FROM callbacks WHERE outcome = 'denied'")
    assert denied == _count(
        factory,
        "SELECT COUNT(*) FROM analytics_case_facts WHERE fraud_caught_by = 'callback_denied'",
    )
    us = _count(factory, "SELECT COUNT(*) FROM analytics_case_facts WHERE country = 'US'")
    assert 0.25 < us / 1500 < 0.55, "the United States leads, as in the published reports"
    decided = _count(
        factory,
        "SELECT COUNT(*) FROM analytics_case_facts WHERE NOT is_open"
        " AND NOT preservation AND kind <> 'eu_preservation_order'",
    )
    produced = _count(
        factory,
        "SELECT COUNT(*) FROM analytics_case_facts"
        " WHERE outcome IN ('produced_full', 'produced_partial')",
    )
    assert 0.6 <= produced / decided <= 0.85
    kept = _facts(factory)
    with factory() as session:
        rebuild_facts(session, batch=400)
        session.commit()
    assert _facts(factory) == kept


def test_upgrade_fills_an_empty_fact_table_and_rebuild_rewrites_it(
    factory, make_account, settings, monkeypatch
):
    from typer.testing import CliRunner

    from exigent.cli import app
    from exigent.config import get_settings

    monkeypatch.setenv("EXIGENT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()

    make_account(Role.analyst)
    seed_history(factory, 200, random.Random(2))
    with factory() as session:
        session.execute(text("DELETE FROM analytics_case_facts"))
        session.commit()
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _count(factory, "SELECT COUNT(*) FROM analytics_case_facts") == 200
    backfilled = _facts(factory)
    with factory() as session:
        session.execute(text("UPDATE analytics_case_facts SET outcome = 'pending'"))
        session.commit()
    result = CliRunner().invoke(app, ["analytics", "rebuild"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "200 fact rows written" in result.output
    assert _facts(factory) == backfilled
    assert any(fact["outcome"] != "pending" for fact in backfilled.values())
