"""From fired signals to a score, a level and whether a callback is required (weights as data)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from exigent.errors import ExigentError
from exigent.verification.context import Finding

WEIGHTS_FILE = Path(__file__).parent / "weights.json"
EVEN_ODDS = 50  # the score of a 50 % chance of fraud on a learned table


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


@dataclass(frozen=True, slots=True)
class ScoredSignal:
    code: str
    weight: int
    detail: str


@dataclass(frozen=True, slots=True)
class Weights:
    """The tunable table: points per signal, level thresholds and the verification rule."""

    signals: dict[str, int]
    medium: int
    high: int
    critical: int
    verify_from_score: int
    always_verify: frozenset[str]
    version: int = 0
    # Where every request starts before any signal. A learned table puts the score on a
    # log-odds scale: `baseline` is the fitted intercept, and `points_per_doubling` points
    # double the odds of fraud, with 50 at even odds. A hand-made table may leave both out.
    baseline: int = 0
    points_per_doubling: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Weights:
        """Validate and load a weights table."""
        try:
            signals = {str(code): int(weight) for code, weight in data["signals"].items()}
            levels = data["levels"]
            verification = data["verification"]
            weights = cls(
                signals=signals,
                medium=int(levels["medium"]),
                high=int(levels["high"]),
                critical=int(levels["critical"]),
                verify_from_score=int(verification["score_at_least"]),
                always_verify=frozenset(verification["always_for"]),
                version=int(data.get("version", 0)),
                baseline=int(data.get("baseline", 0)),
                points_per_doubling=_scale(data),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ExigentError(f"weights table is malformed: {exc}") from exc
        unknown = weights.always_verify - set(signals)
        if unknown:
            raise ExigentError(f"weights table: always_for names unknown signals {sorted(unknown)}")
        return weights

    def probability(self, score: int) -> float | None:
        """The chance of fraud a score stands for, on a learned table's scale."""
        if not self.points_per_doubling:
            return None
        return 1 / (1 + math.exp(-(score - EVEN_ODDS) * math.log(2) / self.points_per_doubling))

    def weight(self, code: str) -> int:
        # An unlisted code is a programming error, caught by the tests rather than scored as 0.
        return self.signals[code]

    def level(self, score: int) -> RiskLevel:
        if score >= self.critical:
            return RiskLevel.critical
        if score >= self.high:
            return RiskLevel.high
        if score >= self.medium:
            return RiskLevel.medium
        return RiskLevel.low


def _scale(data: dict[str, Any]) -> float | None:
    scale = data.get("scale")
    return float(scale["points_per_doubling"]) if scale else None


@cache
def default_weights() -> Weights:
    """The packaged weights table."""
    return load_weights(WEIGHTS_FILE)


def load_weights(path: Path) -> Weights:
    """A weights table from a JSON file."""
    with path.open(encoding="utf-8") as stream:
        return Weights.from_dict(json.load(stream))


def score(findings: list[Finding], weights: Weights) -> tuple[int, list[ScoredSignal]]:
    """The 0-100 score (baseline plus the weights, clamped) and each signal with its weight."""
    scored = [ScoredSignal(f.code, weights.weight(f.code), f.detail) for f in findings]
    total = weights.baseline + sum(signal.weight for signal in scored)
    return max(0, min(100, total)), scored


def verification_required(score_value: int, signals: list[ScoredSignal], weights: Weights) -> bool:
    """Whether a callback to an independently sourced number must happen before any disclosure.

    Required when the score reaches the threshold, when any signal of impersonation or
    compromise fired, and whenever the requester has no verified callback on record: a
    compromised genuine mailbox passes every mail check, so only a callback proves the person
    (DOMAIN.md, "Verification that works even with a compromised genuine mailbox"). A
    requester verified before, with a clean request, is the case that may skip it.
    """
    if score_value >= weights.verify_from_score:
        return True
    codes = {signal.code for signal in signals}
    if codes & weights.always_verify:
        return True
    return "requester_previously_verified" not in codes
