"""On the labelled sample, every fraud needs verification and ranking beats a .gov allowlist."""

from __future__ import annotations

from pathlib import Path

import pytest

from exigent.verification.evaluation import Figures, evaluate, load_labelled

DATA = Path(__file__).parent / "data" / "fraud-dev.jsonl"


@pytest.fixture(scope="module")
def results() -> tuple[Figures, Figures]:
    _, ours, baseline = evaluate(load_labelled(DATA))
    return ours, baseline


def test_every_fraud_requires_verification(results: tuple[Figures, Figures]) -> None:
    ours, _ = results
    assert ours.fraud_verification_share == 1.0


def test_ranking_beats_the_dotgov_allowlist_clearly(results: tuple[Figures, Figures]) -> None:
    ours, baseline = results
    assert ours.auc >= 0.95
    assert ours.auc >= baseline.auc + 0.25
    assert ours.recall_at_1pct_fpr >= 0.7
