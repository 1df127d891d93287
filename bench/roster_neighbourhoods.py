"""How often each neighbourhood improves a given roster, and at what CPU cost.

uv run python bench/roster_neighbourhoods.py 9 roster.csv [--draws 20] [--size 0.15]
    [--work 0.2] [--names request,days]

Save a roster where the search stalled with `exigent roster benchmark FILE --output
roster.csv`, then see which neighbourhoods still find gains from it. Each neighbourhood is
drawn `--draws` times from the same random sequence and solved as the search solves it (one
worker, full linear relaxation, `--work` deterministic seconds). Unlike a whole 60 s run,
this does not depend on the machine's load or on the path the search took, so two
neighbourhoods, sizes or solver settings can be compared on the same plateau.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from ortools.sat.python import cp_model

from exigent.staffing.benchmark_format import read_instance
from exigent.staffing.checker import check, read_roster_csv
from exigent.staffing.lns import _Fixer, _solver
from exigent.staffing.neighbourhoods import NEIGHBOURHOODS
from exigent.staffing.solver import build

DATA = Path("/work/shared/data/rostering/curtois")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance", type=int)
    parser.add_argument("roster", type=Path)
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--size", type=float, default=0.15)
    parser.add_argument("--work", type=float, default=0.2)
    parser.add_argument("--names", default=",".join(NEIGHBOURHOODS))
    args = parser.parse_args()
    inst = read_instance(DATA / f"Instance{args.instance}.txt")
    roster = read_roster_csv(args.roster.read_text())
    verdict = check(inst, roster)
    if not verdict.feasible:
        raise SystemExit(f"the roster breaks a rule: {verdict.violations[0]}")
    fixer = _Fixer(build(inst))
    print(f"from {verdict.objective}, size {args.size}, work {args.work}")
    print("neighbourhood | improved | points gained | solved optimally | cpu seconds")
    for name in args.names.split(","):
        rng = random.Random(1)
        improved = gained = optimal = 0
        cpu = 0.0
        for draw in range(args.draws):
            free = NEIGHBOURHOODS[name](inst, roster, rng, args.size)
            started = time.process_time()
            solver = _solver(60, 1, draw)
            solver.parameters.linearization_level = 2
            solver.parameters.max_deterministic_time = args.work
            status = solver.solve(fixer.copy(roster, free))
            cpu += time.process_time() - started
            optimal += status == cp_model.OPTIMAL
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                gain = verdict.objective - int(solver.objective_value)
                improved += gain > 0
                gained += max(0, gain)
        print(f"{name} | {improved}/{args.draws} | {gained} | {optimal} | {cpu:.1f}")


if __name__ == "__main__":
    main()
