"""The solver on the tiny instance against exhaustive search, and the CLI on Instance1."""

import itertools
import json
import random
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model
from typer.testing import CliRunner

from exigent.cli import app
from exigent.staffing.benchmark_format import Instance, parse_instance, read_instance
from exigent.staffing.checker import Roster, check, read_roster_csv
from exigent.staffing.lns import _Fixer, _Search, solve
from exigent.staffing.solver import build, roster_from
from staffing.tiny_instance import TINY

INSTANCE1 = Path("/work/shared/data/rostering/curtois/Instance1.txt")


def _brute_force_optimum(inst: Instance) -> int:
    options = [None, *(s.id for s in inst.shifts)]
    best = None
    per_employee = []
    for emp in inst.employees:
        rosters = []
        for days in itertools.product(options, repeat=inst.horizon):
            roster = {d: s for d, s in enumerate(days) if s is not None}
            if check(inst, {emp.id: roster}).feasible or _only_others(inst, emp.id, roster):
                rosters.append(roster)
        per_employee.append(rosters)
    for combo in itertools.product(*per_employee):
        full: Roster = {e.id: r for e, r in zip(inst.employees, combo, strict=True)}
        verdict = check(inst, full)
        if verdict.feasible and (best is None or verdict.objective < best):
            best = verdict.objective
    assert best is not None
    return best


def _only_others(inst: Instance, emp_id: str, roster: dict[int, str]) -> bool:
    """Checking one employee alone also reports the others' empty rosters; ignore those."""
    verdict = check(inst, {emp_id: roster})
    return all(not v.startswith(f"{emp_id}:") for v in verdict.violations)


def test_tiny_instance_solved_to_proven_optimum(tiny: Instance) -> None:
    result = solve(tiny, seconds=5, workers=1)
    assert result.optimal and result.roster is not None
    assert result.objective == result.lower_bound == _brute_force_optimum(tiny)
    assert check(tiny, result.roster).feasible


def test_requests_for_a_shift_the_employee_may_not_work_count_as_the_checker_counts() -> None:
    # B may not work L at all: their request to work L on day 3 is never met, their request
    # not to work L on day 4 always is, and the model has no variable for either
    text = TINY.replace("B,E=4|L=1,", "B,E=4|L=0,").replace("A,2,E,2\n", "A,2,E,2\nB,3,L,5\n")
    inst = parse_instance(text, name="tiny-no-late")
    assert not any(key[0] == "B" and key[2] == "L" for key in build(inst).x)
    result = solve(inst, seconds=5, workers=1)
    assert result.optimal and result.roster is not None
    assert "L" not in result.roster.get("B", {}).values()
    optimum = _brute_force_optimum(inst)
    assert result.objective == check(inst, result.roster).objective == optimum
    # the unmet request is in the objective, so no roster can score under its weight
    assert optimum >= 5


def test_neighbourhood_search_alone_climbs_from_a_poor_roster_to_the_optimum(
    tiny: Instance,
) -> None:
    model = build(tiny)
    first = cp_model.CpSolver()
    first.parameters.num_workers = 1
    first.parameters.stop_after_first_solution = True
    first.parameters.cp_model_presolve = False
    assert first.solve(model.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    start = roster_from(model, first)
    optimum = _brute_force_optimum(tiny)
    assert check(tiny, start).objective > optimum
    search = _Search(tiny, _Fixer(model), start, check(tiny, start).objective, 2, random.Random(3))
    search.run(time.monotonic() + 2)
    verdict = check(tiny, search.best)
    assert verdict.feasible and verdict.objective == search.best_obj
    assert search.best_obj == optimum


def test_cli_solves_instance1_and_writes_a_roster_the_checker_accepts(tmp_path: Path) -> None:
    if not INSTANCE1.exists():
        pytest.skip("benchmark data not on this machine")
    out = tmp_path / "roster.csv"
    args = ["benchmark", str(INSTANCE1), "--seconds", "10", "--output", str(out), "--seed", "7"]
    done = CliRunner().invoke(app, ["roster", *args])
    assert done.exit_code == 0, done.output
    line = json.loads(done.output.strip().splitlines()[-1])
    assert set(line) == {"instance", "objective", "lower_bound", "feasible", "seconds"}
    assert line["instance"] == "Instance1" and line["feasible"] is True
    verdict = check(read_instance(INSTANCE1), read_roster_csv(out.read_text()))
    assert verdict.feasible and verdict.objective == line["objective"] == 607


def test_cli_refuses_a_negative_seed_naming_the_option() -> None:
    done = CliRunner().invoke(app, ["roster", "benchmark", str(INSTANCE1), "--seed", "-1"])
    assert done.exit_code == 2
    assert "--seed" in done.output and "Traceback" not in done.output


def test_cli_bad_input_exits_2_naming_section_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("SECTION_HORIZON\nfourteen\n")
    done = CliRunner().invoke(app, ["roster", "benchmark", str(bad)])
    assert done.exit_code == 2
    assert "missing section SECTION_SHIFTS" in done.output and "Traceback" not in done.output
    text = INSTANCE1.read_text().replace("\n14\n", "\nfourteen\n", 1) if INSTANCE1.exists() else ""
    if text:
        bad.write_text(text)
        done = CliRunner().invoke(app, ["roster", "benchmark", str(bad)])
        assert done.exit_code == 2
        assert "SECTION_HORIZON line 5: horizon length must be a whole number" in done.output


@pytest.mark.parametrize("employee", [0, 1])
def test_each_employees_model_allows_exactly_the_rosters_the_checker_accepts(
    tiny: Instance, employee: int
) -> None:
    # the sums added for the linear relaxation must not forbid any roster the rules allow
    emp = tiny.employees[employee]
    alone = Instance(tiny.name, tiny.horizon, tiny.shifts, (emp,), (), (), ())
    model = build(alone)
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.cp_model_presolve = False
    found: list[tuple] = []

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.append(tuple(sorted(roster_from(model, self).get(emp.id, {}).items())))

    model.cp.clear_objective()
    assert solver.solve(model.cp, Collect()) == cp_model.OPTIMAL
    options = [None, *(s.id for s in tiny.shifts)]
    accepted = set()
    for days in itertools.product(options, repeat=tiny.horizon):
        roster = {d: s for d, s in enumerate(days) if s is not None}
        if check(alone, {emp.id: roster}).feasible:
            accepted.add(tuple(sorted(roster.items())))
    assert accepted and set(found) == accepted


def test_a_stalled_search_hands_the_roster_to_the_whole_model_which_proves_the_optimum(
    tiny: Instance,
) -> None:
    model = build(tiny)
    start: Roster = {"A": {1: "E", 2: "E"}, "B": {d: "E" for d in (0, 1, 2, 3)}}
    assert check(tiny, start).feasible
    optimum = _brute_force_optimum(tiny)
    assert check(tiny, start).objective > optimum
    search = _Search(tiny, _Fixer(model), start, check(tiny, start).objective, 1, random.Random(0))
    # no patience: the neighbourhoods stop after one failure and the whole model takes over
    search.patience = 0
    search.run(time.monotonic() + 5, portfolio=2, round_seconds=2)
    verdict = check(tiny, search.best)
    assert verdict.feasible and verdict.objective == search.best_obj == optimum
    assert search.optimal and search.bound == optimum
