"""Run `exigent roster benchmark` on Instance1-10 and check every roster independently.

uv run python bench/roster.py [--seconds 60] [--instances 1,2,3] [--seed 0]

Measured on Dec 7 2026, 60 s each, two shared cores: figures, loads and CPU seconds are in
docs/architecture.md, "Roster benchmark". Runs vary a lot with the seed and with how much of
the machine other work leaves the solver.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from exigent.staffing.benchmark_format import read_instance
from exigent.staffing.checker import check, read_roster_csv

DATA = Path("/work/shared/data/rostering/curtois")
BEST = {1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1308, 9: 439, 10: 4631}


def _children_cpu() -> float:
    """CPU seconds used by finished child processes: beside the wall time it says how much
    of the machine the solver had."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(number: int, seconds: float, seed: int) -> list[str]:
    path = DATA / f"Instance{number}.txt"
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "roster.csv"
        cmd = [
            "exigent",
            "roster",
            "benchmark",
            str(path),
            "--seconds",
            str(seconds),
            "--output",
            str(csv),
            "--seed",
            str(seed),
        ]
        before = _children_cpu()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        cpu = f"{_children_cpu() - before:.1f}"
        if done.returncode != 0:
            return [
                f"Instance{number}",
                "error",
                str(BEST[number]),
                "",
                "",
                "",
                cpu,
                "no",
                done.stderr.strip()[-60:],
            ]
        line = json.loads(done.stdout.strip().splitlines()[-1])
        verdict = "no roster"
        if csv.exists():
            result = check(read_instance(path), read_roster_csv(csv.read_text()))
            agrees = result.objective == line["objective"]
            verdict = (
                "ok"
                if result.feasible and agrees
                else f"FAIL {result.objective} {result.violations[:1]}"
            )
    obj = line["objective"]
    gap = f"{100 * (obj - BEST[number]) / BEST[number]:.2f}" if obj is not None else ""
    return [
        line["instance"],
        str(obj),
        str(BEST[number]),
        gap,
        str(line["lower_bound"]),
        str(line["seconds"]),
        cpu,
        str(line["feasible"]),
        verdict,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--instances", default="1,2,3,4,5,6,7,8,9,10")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    header = [
        "instance",
        "objective",
        "best",
        "gap %",
        "lower bound",
        "seconds",
        "cpu seconds",
        "feasible",
        "checker",
    ]
    # the machine is shared: the load beside the figures says how much of it the solver had
    print("load average: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print(" | ".join(header))
    for number in (int(n) for n in args.instances.split(",")):
        print(" | ".join(run(number, args.seconds, args.seed)))
        print("load average: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
