"""The demo history's risk assessments: every fraud has one that reads like an impostor's, a
share of genuine cases have ordinary ones, and scores and levels follow the shipped weights."""

from __future__ import annotations

import json
import random

from sqlalchemy import text

from exigent.auth.models import Role
from exigent.demo.history import seed_history
from exigent.verification.scoring import default_weights


def _assessments(factory) -> list[tuple[int, int, str, list[dict[str, object]], bool]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            text(
                "SELECT r.request_id, r.score, r.level, r.signals,"
                " EXISTS (SELECT 1 FROM callbacks c WHERE c.request_id = r.request_id"
                "   AND c.outcome = 'denied') AS fraud"
                " FROM risk_assessments r"
            )
        ).all()
    return [
        (rid, score, level, json.loads(signals) if isinstance(signals, str) else signals, bool(f))
        for rid, score, level, signals, f in rows
    ]


def test_history_frauds_and_some_genuine_cases_are_assessed(factory, make_account):  # type: ignore[no-untyped-def]
    make_account(Role.analyst)
    seed_history(factory, 3000, random.Random(11))
    found = _assessments(factory)
    with factory() as session:
        frauds = set(
            session.execute(text("SELECT request_id FROM callbacks WHERE outcome = 'denied'"))
            .scalars()
            .all()
        )
        caught_signals = session.execute(
            text(
                "SELECT fraud_signals FROM analytics_case_facts"
                " WHERE fraud_caught_by = 'callback_denied'"
            )
        ).scalars()
        assert all(json.loads(s) if isinstance(s, str) else s for s in caught_signals)
    assert frauds and frauds <= {rid for rid, *_ in found}
    weights = default_weights()
    for _, score, level, signals, _ in found:
        total = weights.baseline + sum(weights.weight(str(s["code"])) for s in signals)
        assert [s["weight"] for s in signals] == [weights.weight(str(s["code"])) for s in signals]
        assert score == max(0, min(100, total)) and level == weights.level(score)
    fraud_levels = [level for _, _, level, _, fraud in found if fraud]
    flagged = sum(level in ("high", "critical") for level in fraud_levels)
    assert flagged / len(fraud_levels) >= 0.6, "most impostors score high or critical"
    genuine = [level for _, _, level, _, fraud in found if not fraud]
    assert 0.18 < len(genuine) / (3000 - len(frauds)) < 0.32
    assert sum(level == "low" for level in genuine) / len(genuine) > 0.8
