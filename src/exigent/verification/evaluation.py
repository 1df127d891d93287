"""Measuring the assessment on labelled requests: ROC AUC, recall at a false-positive budget."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exigent.cases.schemas import IntakeRecord
from exigent.verification.domains import email_domain, split_host
from exigent.verification.engine import Assessor, assess_in_arrival_order
from exigent.verification.learning import Example, agency_key
from exigent.verification.schemas import AssessmentRead

LABEL_KEYS = ("label", "pattern")


@dataclass(frozen=True, slots=True)
class Labelled:
    record: IntakeRecord
    fraud: bool
    pattern: str


@dataclass(frozen=True, slots=True)
class Figures:
    """How well one scoring separates fraud from legitimate requests."""

    auc: float
    recall_at_1pct_fpr: float
    fraud_verification_share: float
    legit_verification_share: float
    recall_at_5pct_fpr: float = 0.0
    legit_critical: int = 0  # legitimate requests rated critical: each one is a defect


def load_labelled(path: Path) -> list[Labelled]:
    """Records of a labelled JSONL file, with the label keys taken off before validation."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        label, pattern = data.pop("label"), data.pop("pattern", "")
        found.append(Labelled(IntakeRecord.model_validate(data), label == "fraud", pattern))
    return found


def roc_auc(scores: Sequence[float], fraud: Sequence[bool]) -> float:
    """Probability a random fraud scores above a random legitimate request (ties count half)."""
    ranked = sorted(zip(scores, fraud, strict=True), key=lambda pair: pair[0])
    rank_sum, position, positives = 0.0, 0, sum(fraud)
    while position < len(ranked):
        end = position
        while end < len(ranked) and ranked[end][0] == ranked[position][0]:
            end += 1
        mean_rank = (position + 1 + end) / 2
        rank_sum += mean_rank * sum(1 for _, is_fraud in ranked[position:end] if is_fraud)
        position = end
    negatives = len(ranked) - positives
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def recall_at_fpr(scores: Sequence[float], fraud: Sequence[bool], fpr: float = 0.01) -> float:
    """Share of fraud caught when flagging above the threshold that keeps false positives <= fpr."""
    legit = sorted((s for s, f in zip(scores, fraud, strict=True) if not f), reverse=True)
    allowed = int(fpr * len(legit))
    threshold = legit[allowed] if allowed < len(legit) else float("-inf")
    caught = [s > threshold for s, f in zip(scores, fraud, strict=True) if f]
    return sum(caught) / len(caught)


def figures(
    scores: Sequence[float],
    verify: Sequence[bool],
    fraud: Sequence[bool],
    critical: Sequence[bool] | None = None,
) -> Figures:
    fraud_verify = [v for v, f in zip(verify, fraud, strict=True) if f]
    legit_verify = [v for v, f in zip(verify, fraud, strict=True) if not f]
    critical = critical if critical is not None else [False] * len(fraud)
    return Figures(
        auc=roc_auc(scores, fraud),
        recall_at_1pct_fpr=recall_at_fpr(scores, fraud),
        fraud_verification_share=sum(fraud_verify) / len(fraud_verify),
        legit_verification_share=sum(legit_verify) / len(legit_verify),
        recall_at_5pct_fpr=recall_at_fpr(scores, fraud, 0.05),
        legit_critical=sum(c for c, f in zip(critical, fraud, strict=True) if not f),
    )


def dotgov_baseline(record: IntakeRecord) -> bool:
    """The naive rule: any requester whose domain is not .gov is a fraud."""
    domain = email_domain(record.requester.email) or ""
    return split_host(domain).suffix.split(".")[-1] != "gov"


def evaluate(
    labelled: list[Labelled], assessor: Assessor | None = None
) -> tuple[list[AssessmentRead], Figures, Figures]:
    """Assess the records and return the assessments, their figures and the baseline's."""
    assessments = assess_in_arrival_order([item.record for item in labelled], assessor=assessor)
    fraud = [item.fraud for item in labelled]
    ours = figures(
        [a.risk_score for a in assessments],
        [a.verification_required for a in assessments],
        fraud,
        [a.risk_level == "critical" for a in assessments],
    )
    flagged = [dotgov_baseline(item.record) for item in labelled]
    baseline = figures([float(flag) for flag in flagged], flagged, fraud)
    return assessments, ours, baseline


def recall_by_pattern(
    labelled: list[Labelled], assessments: list[AssessmentRead], threshold: int
) -> dict[str, float]:
    """Per fraud pattern, the share scoring at or above `threshold`."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for item, assessment in zip(labelled, assessments, strict=True):
        if item.fraud:
            hits[item.pattern].append(assessment.risk_score >= threshold)
    return {pattern: sum(found) / len(found) for pattern, found in sorted(hits.items())}


def learning_examples(labelled: list[Labelled], assessments: list[AssessmentRead]) -> list[Example]:
    """What the learner needs of each labelled request: its signals, label and agency."""
    examples = []
    for item, assessment in zip(labelled, assessments, strict=True):
        counts: dict[str, int] = defaultdict(int)
        for signal in assessment.signals:
            counts[signal.code] += 1
        examples.append(Example(dict(counts), item.fraud, agency_key(item.record), item.pattern))
    return examples


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    """One band of scores: how many requests fell in it and how many were fraud."""

    band: str
    stated: str
    requests: int
    fraud: int

    @property
    def observed(self) -> float | None:
        return self.fraud / self.requests if self.requests else None


def calibration_table(
    scores: Sequence[float], fraud: Sequence[bool], bands: Sequence[tuple[str, int, int, str]]
) -> list[CalibrationRow]:
    """Per band (name, lowest score, highest score, stated probability), what was observed."""
    rows = []
    for band, low, high, stated in bands:
        inside = [f for s, f in zip(scores, fraud, strict=True) if low <= s <= high]
        rows.append(CalibrationRow(band, stated, len(inside), sum(inside)))
    return rows
