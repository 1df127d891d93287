"""A first roster built one employee at a time, each given the best roster for them alone.

Each employee in turn, in a random order, gets the roster that is best for the whole
instance while everyone else's shifts stay as they are: their own rules hold, their own
requests count, and each shift they could take is worth its cover's under-cover weight
while the cover is short and costs its over-cover weight once it is full. A few rounds of
this take a second or two and end far nearer the optimum than the solver's first roster on
the whole model, which knows nothing of cover when it stops.

Every roster it returns satisfies every staff rule, because each employee's rules are the
whole model's rules for that employee.
"""

from __future__ import annotations

import random
import time
from collections import Counter

from ortools.sat.python import cp_model

from exigent.staffing.benchmark_format import Employee, Instance
from exigent.staffing.checker import Roster
from exigent.staffing.solver import employee_rules

# one employee's model is tiny; this only guards against a pathological instance
EMPLOYEE_SECONDS = 2.0


def _request_terms(inst: Instance, emp: Employee, x: dict) -> list:
    mine = emp.id
    on = [r for r in inst.on_requests if r.employee == mine]
    terms = [r.weight * (1 - x[mine, r.day, r.shift]) for r in on]
    terms += [r.weight * x[mine, r.day, r.shift] for r in inst.off_requests if r.employee == mine]
    return terms


def _cover_terms(inst: Instance, emp: Employee, x: dict, others: Counter) -> list:
    """What one more person on each cover is worth, given how many others already work it."""
    terms = []
    for c in inst.covers:
        short = others[c.day, c.shift] < c.requirement
        terms.append((-c.under_weight if short else c.over_weight) * x[emp.id, c.day, c.shift])
    return terms


def best_for(inst: Instance, emp: Employee, others: Counter) -> dict[int, str] | None:
    """The employee's best days given how many others work each (day, shift); None if the
    employee's own rules cannot all hold."""
    cp = cp_model.CpModel()
    x = {
        (emp.id, d, s.id): cp.new_bool_var(f"x_{d}_{s.id}")
        for d in range(inst.horizon)
        for s in inst.shifts
    }
    off = {(emp.id, d): cp.new_bool_var(f"off_{d}") for d in range(inst.horizon)}
    for (_, day), rest in off.items():
        cp.add_exactly_one([rest, *(x[emp.id, day, s.id] for s in inst.shifts)])
    employee_rules(cp, inst, emp, x, off)
    cp.minimize(sum(_request_terms(inst, emp, x) + _cover_terms(inst, emp, x, others)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = EMPLOYEE_SECONDS
    if solver.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {day: shift for (_, day, shift), var in x.items() if solver.boolean_value(var)}


def greedy_roster(inst: Instance, rounds: int, seconds: float, seed: int) -> Roster | None:
    """`rounds` passes of best responses, stopping early when `seconds` run out or a pass
    changes nothing; None if some employee's rules cannot hold on their own."""
    deadline = time.monotonic() + seconds
    rng = random.Random(seed)
    roster: Roster = {}
    staffed: Counter = Counter()
    for _ in range(rounds):
        order = list(inst.employees)
        rng.shuffle(order)
        changed = False
        for emp in order:
            mine = roster.get(emp.id, {})
            staffed.subtract(mine.items())
            days = best_for(inst, emp, staffed)
            if days is None:
                return None
            changed |= days != mine
            roster[emp.id] = days
            staffed.update(days.items())
        if not changed or time.monotonic() > deadline:
            break
    return roster
