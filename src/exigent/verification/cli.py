"""`exigent assess FILE`: one fraud-risk assessment per intake record, in input order."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from exigent.jsonl import read_intake_file
from exigent.verification.engine import assess_in_arrival_order


def run_assess(path: Path, out: TextIO) -> None:
    """Read the whole file first (bad input: BadInput, nothing written), then assess and write."""
    records = read_intake_file(path)
    lines = [assessment.model_dump_json() for assessment in assess_in_arrival_order(records)]
    out.write("".join(f"{line}\n" for line in lines))
