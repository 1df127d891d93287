"""Solve loop: a first CP-SAT run, then large-neighbourhood search that frees a few employees
or a window of days and re-solves with everything else fixed."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from exigent.staffing.benchmark_format import Instance
from exigent.staffing.checker import Roster
from exigent.staffing.solver import Model, build, roster_from


@dataclass
class Result:
    roster: Roster | None
    objective: int | None
    lower_bound: int
    optimal: bool


def _params(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _hint(model: Model, roster: Roster) -> None:
    model.cp.clear_hints()
    for (emp, day, shift), var in model.x.items():
        model.cp.add_hint(var, roster.get(emp, {}).get(day) == shift)


def _neighbourhood(inst: Instance, rng: random.Random, size: float) -> set[tuple[str, int]]:
    """Cells (employee, day) left free; everything else is fixed to the incumbent."""
    emps = [e.id for e in inst.employees]
    if rng.random() < 0.5:
        chosen = rng.sample(emps, max(1, round(len(emps) * size)))
        return {(e, d) for e in chosen for d in range(inst.horizon)}
    width = max(7, round(inst.horizon * size * 2))
    start = rng.randrange(0, max(1, inst.horizon - width + 1))
    chosen = rng.sample(emps, max(2, round(len(emps) * min(1.0, size * 3))))
    return {(e, d) for e in chosen for d in range(start, start + width)}


def solve(inst: Instance, seconds: float, workers: int = 2, seed: int = 0) -> Result:
    deadline = time.monotonic() + seconds
    model = build(inst)
    solver = _params(seconds * 0.75, workers, seed)
    status = solver.solve(model.cp)
    bound = int(solver.best_objective_bound) if status != cp_model.UNKNOWN else 0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(None, None, bound, status == cp_model.INFEASIBLE)
    best, best_obj = roster_from(model, solver), int(solver.objective_value)
    if status == cp_model.OPTIMAL:
        return Result(best, best_obj, best_obj, True)
    rng, size = random.Random(seed), 0.15
    while time.monotonic() < deadline - 0.2 and best_obj > bound:
        free = _neighbourhood(inst, rng, size)
        sub = build(inst)
        for (emp, day, shift), var in sub.x.items():
            if (emp, day) not in free:
                sub.cp.add(var == int(best.get(emp, {}).get(day) == shift))
        _hint(sub, best)
        sub.cp.add(sub.objective <= best_obj)
        left = deadline - time.monotonic()
        sub_solver = _params(min(left, 5.0), workers, rng.randrange(1 << 20))
        st = sub_solver.solve(sub.cp)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = int(sub_solver.objective_value)
            if value <= best_obj:
                best, best_obj = roster_from(sub, sub_solver), value
            # a neighbourhood solved to optimality is too small: grow it, else shrink it
            size = min(0.6, size * 1.1) if st == cp_model.OPTIMAL else max(0.05, size * 0.9)
        else:
            size = max(0.05, size * 0.9)
    return Result(best, best_obj, bound, best_obj == bound)
