"""Quality of `exigent assess` on labelled requests: the shipped sample and a held-out set.

For each set: ROC AUC, recall at 1 % and 5 % false positives, recall per fraud pattern, the
share of frauds routed to verification, legitimate requests rated critical, and the
calibration table (each level's stated probability against the fraud rate observed in it).
The held-out set is generated from agencies and variants the shipped weights never saw
(`exigent.verification.corpus`, split "heldout").

Run: uv run python bench/fraud_eval.py [--weights FILE] [--draws N] [LABELLED.jsonl ...]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from exigent.verification.engine import Assessor
from exigent.verification.evaluation import (
    Figures,
    Labelled,
    calibration_table,
    evaluate,
    load_labelled,
    recall_by_pattern,
)
from exigent.verification.schemas import AssessmentRead
from exigent.verification.scoring import Weights, default_weights, load_weights

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "verification" / "data" / "fraud-dev.jsonl"
HELDOUT_SEED = 20261207
HELDOUT_COUNT = 2000


def show(name: str, figures: Figures) -> None:
    print(
        f"  {name:<28} AUC {figures.auc:.4f}   recall@1%FP {figures.recall_at_1pct_fpr:.3f}   "
        f"recall@5%FP {figures.recall_at_5pct_fpr:.3f}   "
        f"fraud verified {figures.fraud_verification_share:.1%}   "
        f"legit verified {figures.legit_verification_share:.1%}   "
        f"legit critical {figures.legit_critical}"
    )


def threshold_at(assessments: list[AssessmentRead], labelled: list[Labelled], fpr: float) -> int:
    """The lowest score that flags no more than `fpr` of the legitimate requests."""
    legit = sorted(
        (a.risk_score for a, i in zip(assessments, labelled, strict=True) if not i.fraud),
        reverse=True,
    )
    return legit[int(fpr * len(legit))] + 1


def bands(weights: Weights) -> list[tuple[str, int, int, str]]:
    def stated(low: int, high: int) -> str:
        low_p, high_p = weights.probability(low), weights.probability(high)
        if low_p is None or high_p is None:
            return "n/a"
        return f"{low_p:.0%}-{high_p:.0%}"

    edges = [
        ("low", 0, weights.medium - 1),
        ("medium", weights.medium, weights.high - 1),
        ("high", weights.high, weights.critical - 1),
        ("critical", weights.critical, 100),
    ]
    return [(name, low, high, stated(low, high)) for name, low, high in edges]


def report(path: Path, weights: Weights) -> None:
    labelled = load_labelled(path)
    assessments, ours, baseline = evaluate(labelled, Assessor(weights=weights))
    print(f"\n{path.name}: {len(labelled)} requests, {sum(i.fraud for i in labelled)} fraud")
    show("exigent assess", ours)
    show("baseline: non-.gov = fraud", baseline)
    at_1, at_5 = (threshold_at(assessments, labelled, fpr) for fpr in (0.01, 0.05))
    print(f"  recall per pattern at score >= {at_1} (1% FP), >= {at_5} (5% FP), and 'high':")
    columns = [recall_by_pattern(labelled, assessments, t) for t in (at_1, at_5, weights.high)]
    for pattern in columns[0]:
        print(f"    {pattern:<26}" + "".join(f"{c[pattern]:8.1%}" for c in columns))
    print("  calibration (level, stated probability, requests, observed fraud rate):")
    scores = [float(a.risk_score) for a in assessments]
    for row in calibration_table(scores, [i.fraud for i in labelled], bands(weights)):
        observed = "-" if row.observed is None else f"{row.observed:.1%}"
        print(f"    {row.band:<9}{row.stated:>10}{row.requests:>7}{observed:>9}")


def heldout_file(directory: Path, seed: int = HELDOUT_SEED) -> Path | None:
    """The held-out split of the generated corpus, or None where the generator is absent."""
    try:
        from exigent.verification.corpus.generate import generate, write
    except ImportError:
        return None
    path = directory / f"heldout-{seed}.jsonl"
    write(generate(seed, HELDOUT_COUNT, "heldout"), path)
    return path


def other_draws(seeds: int, weights: Weights, directory: Path) -> None:
    """The headline figures on further draws of the held-out split: how much they move."""
    print(f"\nheld-out split, {seeds} more draws of {HELDOUT_COUNT}:")
    for seed in range(1, seeds + 1):
        path = heldout_file(directory, seed)
        if path is None:
            return
        _, figures, _ = evaluate(load_labelled(path), Assessor(weights=weights))
        show(f"seed {seed}", figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--weights", type=Path, help="a weights table (default: the shipped)")
    parser.add_argument(
        "--draws", type=int, default=0, help="also report this many more held-out draws"
    )
    args = parser.parse_args()
    weights = load_weights(args.weights) if args.weights else default_weights()
    scale = weights.points_per_doubling
    print(
        f"weights v{weights.version}: baseline {weights.baseline}, levels "
        f"{weights.medium}/{weights.high}/{weights.critical}"
        + (f", {scale:g} points per doubling of the odds" if scale else "")
    )
    with tempfile.TemporaryDirectory() as scratch:
        files = list(args.files) or [DEV]
        if not args.files:
            generated = heldout_file(Path(scratch))
            files += [generated] if generated else []
        for path in files:
            report(path, weights)
        if args.draws:
            other_draws(args.draws, weights, Path(scratch))


if __name__ == "__main__":
    main()
