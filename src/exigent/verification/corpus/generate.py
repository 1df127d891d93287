"""Generate a labelled file of emergency requests for one split.

`python -m exigent.verification.corpus --seed 7 --count 3000 --split train --out FILE`

The same seed and split always give the same file. Records are validated against the
intake schema before anything is written, and written in shuffled order (as requests are
assessed in order of `received_at`, not of the file).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from exigent.cases.schemas import IntakeRecord
from exigent.verification.corpus.agencies import pool_for
from exigent.verification.corpus.fraud_patterns import FRAUD_PATTERNS_A
from exigent.verification.corpus.impostors import IMPOSTOR_PATTERNS
from exigent.verification.corpus.patterns import LEGIT_PATTERNS, Pattern
from exigent.verification.corpus.records import reorder
from exigent.verification.corpus.timing import Ctx

PATTERNS: dict[str, Pattern] = {**LEGIT_PATTERNS, **FRAUD_PATTERNS_A, **IMPOSTOR_PATTERNS}

# Records per 1,000 (a pattern making several records per call counts them all). About 35%
# fraud, like the labelled sample; genuine email and portal requests dominate, as in reality.
WEIGHTS = {
    "legit_email": 170,
    "legit_portal": 90,
    "legit_api": 22,
    "legit_phone": 14,
    "legit_chief": 15,
    "legit_followup": 30,
    "legit_foreign": 45,
    "legit_kidnap_2targets": 20,
    "legit_latenight": 35,
    "legit_replyto_samedomain": 22,
    "legit_thin": 35,
    "legit_umbrella_domain": 50,
    "legit_unlisted_domain": 55,
    "legit_weakauth": 27,
    "auth_fail": 20,
    "comp_burst": 28,
    "comp_callback": 20,
    "comp_citation": 19,
    "comp_nosupervisor": 18,
    "comp_replyto": 20,
    "comp_scope": 16,
    "comp_targets": 17,
    "comp_threat": 20,
    "comp_thin": 14,
    "comp_other_agency": 14,
    "foreign_us_statute": 14,
    "freemail": 24,
    "lookalike_addword": 15,
    "lookalike_homoglyph": 15,
    "lookalike_subdomain": 15,
    "lookalike_tld": 15,
    "lookalike_typo": 15,
    "template_reuse": 26,
}
# Records each call makes on average, to turn record weights into call counts.
RECORDS_PER_CALL = {"comp_burst": 6.5, "template_reuse": 4.5, "legit_followup": 2.0}
SPLITS = ("train", "heldout")


def _schedule(rng: random.Random, count: int) -> list[str]:
    """Which pattern each call makes, in a shuffled order, sized to about `count` records."""
    total = sum(WEIGHTS.values())
    calls: list[str] = []
    for name, weight in WEIGHTS.items():
        records = count * weight / total
        per_call = RECORDS_PER_CALL.get(name, 1.0)
        calls += [name] * max(1, round(records / per_call))
    rng.shuffle(calls)
    return calls


def generate(seed: int, count: int, split: str) -> list[dict[str, Any]]:
    """About `count` labelled records of `split`, every one a valid intake record."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    rng = random.Random(f"{seed}:{split}")
    ctx = Ctx(rng, split, pool_for(split))
    records: list[dict[str, Any]] = []
    for name in _schedule(rng, count):
        records += PATTERNS[name](ctx)
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    while len(records) < count:  # rounding the schedule can fall a few records short
        records += PATTERNS[rng.choices(names, weights)[0]](ctx)
    records = records[:count]
    rng.shuffle(records)
    for record in records:
        validate(record)
    return [reorder(record) for record in records]


def validate(record: dict[str, Any]) -> IntakeRecord:
    body = {k: v for k, v in record.items() if k not in ("label", "pattern")}
    return IntakeRecord.model_validate(body)


def write(records: Iterable[dict[str, Any]], out: Path) -> None:
    lines = [json.dumps(record, ensure_ascii=False, separators=(",", ":")) for record in records]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m exigent.verification.corpus", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--split", choices=SPLITS, default="train")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    records = generate(args.seed, args.count, args.split)
    write(records, args.out)
    counts = Counter(r["pattern"] for r in records)
    fraud = sum(1 for r in records if r["label"] == "fraud")
    print(
        f"{len(records)} records ({fraud / len(records):.0%} fraud) -> {args.out}", file=sys.stderr
    )
    for name, n in sorted(counts.items()):
        print(f"  {name:28} {n}", file=sys.stderr)
    return 0
