"""Quality of `exigent assess` on the labelled sample, against the naive .gov allowlist.

Run: uv run python bench/fraud_eval.py [FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

from exigent.verification.evaluation import Figures, evaluate, load_labelled, recall_by_pattern

DEFAULT = (
    Path(__file__).resolve().parent.parent / "tests" / "verification" / "data" / "fraud-dev.jsonl"
)


def show(name: str, figures: Figures) -> None:
    print(
        f"{name:<28} AUC {figures.auc:.4f}   recall@1%FPR {figures.recall_at_1pct_fpr:.3f}   "
        f"fraud verification_required {figures.fraud_verification_share:.1%}   "
        f"legit verification_required {figures.legit_verification_share:.1%}"
    )


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    labelled = load_labelled(path)
    assessments, ours, baseline = evaluate(labelled)
    print(f"{path.name}: {len(labelled)} records, {sum(i.fraud for i in labelled)} fraud")
    show("exigent assess", ours)
    show("baseline: non-.gov = fraud", baseline)
    legit = sorted(
        (a.risk_score for a, i in zip(assessments, labelled, strict=True) if not i.fraud),
        reverse=True,
    )
    threshold = legit[int(0.01 * len(legit))] + 1
    print(
        f"\nper-pattern recall at score >= {threshold} (1% of legitimate requests above it) "
        f"and at the 'high' level (>= 50):"
    )
    at_fpr = recall_by_pattern(labelled, assessments, threshold)
    at_high = recall_by_pattern(labelled, assessments, 50)
    for pattern, recall in at_fpr.items():
        print(f"  {pattern:<24} {recall:6.1%}   {at_high[pattern]:6.1%}")


if __name__ == "__main__":
    main()
