"""Learning the fraud weights from labelled requests, so the score is fitted, not hand-set.

The score stays a sum of points, one per fired signal, so every contribution can be shown on
the case page. What is learned is how many points each signal is worth: a logistic
regression on which signals fired, with

- signs fixed by what a signal means (a warning never lowers the score, a reassurance never
  raises it), so that a quirk of the training data cannot turn evidence upside down;
- cross-validation grouped by agency, so no agency is both trained on and scored;
- Platt recalibration of the out-of-fold scores, so a level means a stated probability;
- the hand-set points kept for signals the data cannot speak to (too few firings).

Points are log-odds on a fixed scale: `POINTS_PER_DOUBLING` points double the odds of
fraud and a score of 50 is even odds, so the levels are probability bands.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.model_selection import GroupKFold

from exigent.cases.schemas import IntakeRecord
from exigent.verification.scoring import EVEN_ODDS, Weights

POINTS_PER_DOUBLING = 8.0
# Fewer firings than this in the training data and a signal keeps its hand-set points.
MIN_SUPPORT = 5
# Strengths of the L2 penalty tried; the one with the best out-of-fold log-loss is kept.
L2_GRID = (0.1, 0.3, 1.0, 3.0)
FOLDS = 5
# Each level is a band of the probability of fraud: the lower edge of each.
LEVEL_PROBABILITIES = {"medium": 0.10, "high": 0.50, "critical": 0.95}
# A weight's points are held inside what a staff-edited table may hold.
MAX_POINTS = 100
_AGENCY_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled request as the learner sees it: which signals fired, and how often."""

    counts: dict[str, int]
    fraud: bool
    agency: str
    pattern: str


@dataclass(frozen=True, slots=True)
class Fit:
    """A fitted model in log-odds: intercept and one coefficient per signal code."""

    intercept: float
    coefficients: dict[str, float]
    l2: float


@dataclass(frozen=True, slots=True)
class Learned:
    """What fitting produced: the weights document and the evidence for it."""

    document: dict[str, object]
    out_of_fold: list[float]  # each example's calibrated score when its agency was held out
    kept_by_hand: list[str]
    l2: float


def agency_key(record: IntakeRecord) -> str:
    """The agency a request claims, as the grouping key: normalised name, state and country."""
    requester = record.requester
    name = " ".join(_AGENCY_WORDS.findall((requester.agency_name or "").lower()))
    return f"{name}|{(requester.agency_state or '').upper()}|{requester.agency_country or 'US'}"


def design(examples: Sequence[Example], codes: Sequence[str]) -> np.ndarray:
    """The examples as a matrix: one row per request, one column per signal code."""
    column = {code: index for index, code in enumerate(codes)}
    matrix = np.zeros((len(examples), len(codes)))
    for row, example in enumerate(examples):
        for code, count in example.counts.items():
            if code in column:
                matrix[row, column[code]] = count
    return matrix


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    signs: np.ndarray,
    l2: float,
    offset: np.ndarray | None = None,
    prior: np.ndarray | None = None,
) -> tuple[float, np.ndarray]:
    """Penalised logistic regression with each coefficient's sign bounded (0 means free).

    `offset` is a fixed part of each row's log-odds (the points of signals kept by hand).
    With a `prior` (the hand-set table as log-odds, the starting score first), the penalty
    pulls the starting score and every coefficient towards it rather than towards zero:
    where the data cannot tell effects apart (nearly every request is a first one, so the
    starting score and "first request" trade off freely), the split follows the hand-set
    table rather than falling anywhere. Without one, the intercept is free and the
    coefficients shrink towards zero.
    """
    rows, columns = x.shape
    base = np.zeros(rows) if offset is None else offset
    centre = np.zeros(columns + 1) if prior is None else prior
    # Which parameters the penalty reaches: the intercept only when a prior places it.
    reach = np.ones(columns + 1)
    reach[0] = 0.0 if prior is None else 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logits = base + theta[0] + x @ theta[1:]
        # log(1 + e^z) - y z, written to stay finite for large |z|.
        value = np.logaddexp(0.0, logits) - y * logits
        residual = 1 / (1 + np.exp(-logits)) - y
        pull = (theta - centre) * reach
        gradient = np.concatenate(([residual.sum()], x.T @ residual)) + l2 * pull
        return float(value.sum() + 0.5 * l2 * pull @ pull), gradient

    bounds = [(None, None)] + [
        (0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None) for sign in signs
    ]
    start = np.clip(
        centre,
        [lo if lo is not None else -np.inf for lo, _ in bounds],
        [hi if hi is not None else np.inf for _, hi in bounds],
    )
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return float(result.x[0]), result.x[1:]


def _log_loss(logits: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, logits) - y * logits))


def agency_folds(groups: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train rows, held-out rows) per fold; every agency's rows fall on one side only."""
    splits = min(FOLDS, len(set(groups)))
    rows = np.zeros(len(groups))
    return list(GroupKFold(n_splits=splits).split(rows, rows, list(groups)))


def out_of_fold_logits(
    x: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    signs: np.ndarray,
    l2: float,
    offset: np.ndarray,
    prior: np.ndarray | None = None,
) -> np.ndarray:
    """Each row's log-odds from a model fitted without its agency's rows."""
    logits = np.zeros(len(y))
    for train, held in agency_folds(groups):
        intercept, coefficients = fit_logistic(x[train], y[train], signs, l2, offset[train], prior)
        logits[held] = offset[held] + intercept + x[held] @ coefficients
    return logits


def platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and shift that turn out-of-fold log-odds into calibrated ones."""
    slope_intercept, slope = fit_logistic(logits[:, None], y, np.array([1.0]), 0.0)
    return float(slope[0]), slope_intercept


def _log_odds(points: float) -> float:
    return points * math.log(2) / POINTS_PER_DOUBLING


def to_points(log_odds: float) -> float:
    return log_odds * POINTS_PER_DOUBLING / math.log(2)


def to_score(log_odds: float) -> float:
    return EVEN_ODDS + to_points(log_odds)


def level_thresholds() -> dict[str, int]:
    """The score at which each level starts: the lower edge of its probability band."""
    return {
        level: math.ceil(to_score(math.log(p / (1 - p))))
        for level, p in LEVEL_PROBABILITIES.items()
    }


def learn(examples: Sequence[Example], start: Weights, about: str) -> Learned:
    """Fit the points of every signal the data speaks to; keep the rest from `start`."""
    support = {code: 0 for code in start.signals}
    for example in examples:
        for code in example.counts:
            support[code] = support.get(code, 0) + 1
    fitted = sorted(code for code in start.signals if support[code] >= MIN_SUPPORT)
    kept = sorted(code for code in start.signals if support[code] < MIN_SUPPORT)
    x = design(examples, fitted)
    y = np.array([1.0 if example.fraud else 0.0 for example in examples])
    groups = [example.agency for example in examples]
    signs = np.array([math.copysign(1.0, start.signals[code] or 1) for code in fitted])
    # Kept signals add their hand-set points, read as log-odds on the same scale.
    offset = design(examples, kept) @ np.array([_log_odds(start.signals[code]) for code in kept])
    # The starting score is a score, not points: its log-odds count from even odds.
    prior = np.array(
        [_log_odds(start.baseline - EVEN_ODDS)]
        + [_log_odds(start.signals[code]) for code in fitted]
    )
    l2, oof = min(
        ((l2, out_of_fold_logits(x, y, groups, signs, l2, offset, prior)) for l2 in L2_GRID),
        key=lambda pair: _log_loss(pair[1], y),
    )
    slope, shift = platt(oof, y)
    intercept, coefficients = fit_logistic(x, y, signs, l2, offset, prior)
    points = {
        code: _clamped(slope * to_points(c)) for code, c in zip(fitted, coefficients, strict=True)
    }
    points |= {code: _clamped(slope * start.signals[code]) for code in kept}
    baseline = round(EVEN_ODDS + to_points(slope * intercept + shift))
    document = _document(start, points, baseline, about)
    calibrated = [to_score(slope * logit + shift) for logit in oof]
    return Learned(document, calibrated, kept, l2)


def _clamped(points: float) -> int:
    return max(-MAX_POINTS, min(MAX_POINTS, round(points)))


def _document(
    start: Weights, points: dict[str, int], baseline: int, about: str
) -> dict[str, object]:
    thresholds = level_thresholds()
    return {
        # The shipped file is version 1 of an empty database; a database that already holds
        # versions gets it as its next one (migration 0039).
        "version": 1,
        "about": about,
        "baseline": baseline,
        "scale": {"points_per_doubling": POINTS_PER_DOUBLING, "even_odds_at": EVEN_ODDS},
        "levels": thresholds,
        "verification": {
            "score_at_least": thresholds["medium"],
            "always_for": sorted(start.always_verify),
        },
        "signals": dict(sorted(points.items())),
    }
