"""`exigent risk-weights fit FILE...`: learn the fraud weights from labelled requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from exigent.verification.scoring import load_weights

# The hand-set points: every signal's sign, and the points of the signals too rare to learn.
PRIORS_FILE = Path(__file__).with_name("signal_priors.json")

weights_app = typer.Typer(no_args_is_help=True, help="The fraud-risk weights.")

ABOUT = (
    "Points of each fraud signal, learned by logistic regression from labelled requests "
    "(cross-validated by agency, recalibrated, signs fixed by each signal's meaning); a few "
    "signals the data cannot speak to keep hand-set points. A request starts at `baseline` "
    "and each fired signal adds its points; every {ppd:g} points double the odds of fraud "
    "and {even} is even odds, so the levels are probability bands: medium from 10 %, high "
    "from 50 %, critical from 95 %. The score is kept within 0-100. Admins, leads and legal "
    "publish later versions through the API (POST /api/v1/risk-weights), each with a reason, "
    "audited."
)


@weights_app.command("fit")
def fit(
    files: Annotated[list[Path], typer.Argument(help="Labelled JSONL files (label, pattern).")],
    out: Annotated[Path, typer.Option(help="Where to write the weights table.")],
) -> None:
    """Fit the weights on labelled requests and write a weights table (weights.json shape)."""
    # Imported here: the learner's numerical stack is not needed by any other command.
    from exigent.verification.evaluation import (
        evaluate,
        learning_examples,
        load_labelled,
        recall_at_fpr,
        roc_auc,
    )
    from exigent.verification.learning import EVEN_ODDS, POINTS_PER_DOUBLING, learn

    examples = []
    for path in files:
        labelled = load_labelled(path)
        assessments, _, _ = evaluate(labelled)
        examples += learning_examples(labelled, assessments)
    about = ABOUT.format(ppd=POINTS_PER_DOUBLING, even=EVEN_ODDS)
    learned = learn(examples, load_weights(PRIORS_FILE), about)
    out.write_text(json.dumps(learned.document, indent=2) + "\n", encoding="utf-8")
    fraud = [example.fraud for example in examples]
    typer.echo(
        f"{len(examples)} requests ({sum(fraud)} fraud) from "
        f"{len({e.agency for e in examples})} agencies; L2 {learned.l2}; "
        f"out-of-fold AUC {roc_auc(learned.out_of_fold, fraud):.4f}, "
        f"recall at 1% FP {recall_at_fpr(learned.out_of_fold, fraud):.3f}, "
        f"at 5% FP {recall_at_fpr(learned.out_of_fold, fraud, 0.05):.3f}; "
        f"kept by hand: {', '.join(learned.kept_by_hand) or 'none'}"
    )
