"""Learning the fraud weights: signs held, agencies kept apart, levels that mean probabilities."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from typer.testing import CliRunner

from exigent.cli import app
from exigent.verification.learning import (
    LEVEL_PROBABILITIES,
    MIN_SUPPORT,
    Example,
    agency_folds,
    learn,
    level_thresholds,
)
from exigent.verification.scoring import Weights, default_weights
from exigent.verification.weight_sets import validated

DEV = Path(__file__).parent / "data" / "fraud-dev.jsonl"


def start(signals: dict[str, int]) -> Weights:
    return Weights(
        signals=signals,
        medium=25,
        high=50,
        critical=75,
        verify_from_score=25,
        always_verify=frozenset(),
    )


def world(seed: int = 3, size: int = 3000) -> list[Example]:
    """Requests from a known model: two warnings, one reassurance, one noise signal."""
    rng = random.Random(seed)
    truth = {"lookalike": 3.0, "threat": 1.5, "known_agency": -1.0, "noise": 0.0}
    examples = []
    for index in range(size):
        counts = {code: 1 for code in truth if rng.random() < 0.3}
        logit = -1.0 + sum(truth[code] for code in counts)
        fraud = rng.random() < 1 / (1 + math.exp(-logit))
        examples.append(Example(counts, fraud, f"agency-{index % 97}", "p"))
    return examples


def test_agencies_never_straddle_a_fold() -> None:
    groups = [f"agency-{i % 13}" for i in range(200)]
    for train, held in agency_folds(groups):
        assert {groups[i] for i in train}.isdisjoint({groups[i] for i in held})


def test_a_warning_never_lowers_the_score_even_when_the_data_says_so() -> None:
    examples = world()
    # In this data the "threat" warning comes mostly with legitimate requests.
    flipped = [
        Example(e.counts, not e.fraud if "threat" in e.counts else e.fraud, e.agency, e.pattern)
        for e in examples
    ]
    signals = {"lookalike": 40, "threat": 30, "known_agency": -10, "noise": 5}
    learned = learn(flipped, start(signals), "test")
    points = learned.document["signals"]
    assert isinstance(points, dict)
    assert points["threat"] == 0
    assert points["lookalike"] > 0
    assert points["known_agency"] < 0


def test_points_recover_the_model_and_scores_are_calibrated() -> None:
    examples = world(size=6000)
    signals = {"lookalike": 40, "threat": 30, "known_agency": -10, "noise": 5}
    learned = learn(examples, start(signals), "test")
    document = learned.document
    points = document["signals"]
    assert isinstance(points, dict)
    # 3 log-odds at 8 points per doubling is about 35 points; 1.5 about 17.
    assert 28 <= points["lookalike"] <= 42
    assert 12 <= points["threat"] <= 23
    assert points["noise"] <= 3
    weights = Weights.from_dict(document)
    # Out-of-fold scores: where they say "about 80 %", about 80 % are fraud.
    high = [
        e.fraud
        for e, s in zip(examples, learned.out_of_fold, strict=True)
        if weights.high <= s < weights.critical
    ]
    stated_low = weights.probability(weights.high)
    assert stated_low is not None and len(high) > 300
    assert sum(high) / len(high) >= stated_low - 0.05


def test_a_signal_the_data_cannot_speak_to_keeps_its_hand_set_points() -> None:
    examples = world()
    rare = [
        Example({**e.counts, "rare": 1}, e.fraud, e.agency, e.pattern)
        if index < MIN_SUPPORT - 1
        else e
        for index, e in enumerate(examples)
    ]
    signals = {"lookalike": 40, "threat": 30, "known_agency": -10, "noise": 5, "rare": 50}
    learned = learn(rare, start(signals), "test")
    assert "rare" in learned.kept_by_hand
    points = learned.document["signals"]
    assert isinstance(points, dict) and points["rare"] > 0


def test_each_level_starts_where_its_probability_does() -> None:
    weights = Weights.from_dict(learn(world(), start({"lookalike": 1}), "t").document)
    for level, threshold in level_thresholds().items():
        at, below = weights.probability(threshold), weights.probability(threshold - 1)
        assert at is not None and below is not None
        assert below < LEVEL_PROBABILITIES[level] <= at


def test_fit_command_writes_a_table_staff_can_publish(tmp_path: Path) -> None:
    out = tmp_path / "weights.json"
    result = CliRunner().invoke(app, ["risk-weights", "fit", str(DEV), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "out-of-fold AUC" in result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    normalised = validated(document)
    assert set(normalised["signals"]) == set(default_weights().signals)
    assert normalised["scale"]["points_per_doubling"] > 0


def test_a_version_published_before_a_signal_existed_scores_it_zero() -> None:
    from exigent.verification.weight_sets import parse_stored

    old = {
        "levels": {"medium": 25, "high": 50, "critical": 75},
        "verification": {"score_at_least": 25, "always_for": []},
        "signals": {"free_mail_domain": 45},
    }
    weights = parse_stored(3, old)
    assert weights.version == 3 and weights.weight("free_mail_domain") == 45
    assert all(
        weights.weight(code) == 0 for code in set(default_weights().signals) - {"free_mail_domain"}
    )
    assert weights.probability(60) is None  # a hand-set table states no probabilities


def test_the_priors_name_every_signal_and_the_shipped_table_keeps_their_signs() -> None:
    from exigent.verification.scoring import load_weights
    from exigent.verification.weights_cli import PRIORS_FILE

    priors = load_weights(PRIORS_FILE).signals
    shipped = default_weights().signals
    assert set(priors) == set(shipped)
    assert all(shipped[code] >= 0 for code, points in priors.items() if points > 0)
    assert all(shipped[code] <= 0 for code, points in priors.items() if points < 0)


def test_a_split_the_data_cannot_make_follows_the_hand_set_table() -> None:
    # "first" fires on every request, so the data fix only the starting score plus its
    # points; the hand-set table decides how that sum is split, as a reader would expect.
    examples = [Example({**e.counts, "first": 1}, e.fraud, e.agency, e.pattern) for e in world()]
    signals = {"lookalike": 40, "threat": 30, "known_agency": -10, "noise": 5, "first": 2}
    document = learn(examples, start(signals), "test").document
    points = document["signals"]
    assert isinstance(points, dict) and isinstance(document["baseline"], int)
    shifted = learn(examples, start({**signals, "first": 30}), "test").document
    shifted_points = shifted["signals"]
    assert isinstance(shifted_points, dict) and isinstance(shifted["baseline"], int)
    # The same predictions either way...
    assert (
        abs(
            (document["baseline"] + points["first"])
            - (shifted["baseline"] + shifted_points["first"])
        )
        <= 1
    )
    # ...but the split moves with the one its author gave (half-way, as the starting
    # score's own hand-set value pulls the other way).
    assert shifted_points["first"] - points["first"] >= 10
