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
from exigent.staffing.solver import employee_rules, one_value_a_day, request_costs, shift_vars

# one employee's model is tiny on most instances, but a year of thirty shift types is not:
# each employee gets an equal share of what is left of the budget, at most EMPLOYEE_SECONDS
# and at least EMPLOYEE_FLOOR, which is enough for a roster that keeps their rules, if not
# the best one
EMPLOYEE_SECONDS = 2.0
EMPLOYEE_FLOOR = 0.25


def _cover_terms(inst: Instance, emp: Employee, x: dict, others: Counter) -> list:
    """What one more person on each cover is worth, given how many others already work it."""
    terms = []
    for c in inst.covers:
        var = x.get((emp.id, c.day, c.shift))
        if var is None:
            continue
        short = others[c.day, c.shift] < c.requirement
        terms.append((-c.under_weight if short else c.over_weight) * var)
    return terms


def best_for(
    inst: Instance, emp: Employee, others: Counter, seconds: float = EMPLOYEE_SECONDS
) -> dict[int, str] | None:
    """The employee's best days given how many others work each (day, shift), or the best
    found in `seconds`; None if the employee's own rules cannot all hold or no roster that
    keeps them was found in time."""
    cp = cp_model.CpModel()
    x = shift_vars(inst, emp, cp, "x")
    off = {(emp.id, d): cp.new_bool_var(f"off_{d}") for d in range(inst.horizon)}
    one_value_a_day(cp, inst, emp.id, x, off)
    employee_rules(cp, inst, emp, x, off)
    cp.minimize(sum(request_costs(inst, x)[emp.id] + _cover_terms(inst, emp, x, others)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    if solver.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {day: shift for (_, day, shift), var in x.items() if solver.boolean_value(var)}


def greedy_roster(inst: Instance, rounds: int, seconds: float, seed: int) -> Roster | None:
    """`rounds` passes of best responses, stopping early when `seconds` run out or a pass
    changes nothing; None if some employee's rules cannot hold on their own. The first pass
    always gives everyone a roster, each employee within their share of the time left."""
    deadline = time.monotonic() + seconds
    rng = random.Random(seed)
    roster: Roster = {}
    staffed: Counter = Counter()
    for round_ in range(rounds):
        order = list(inst.employees)
        rng.shuffle(order)
        changed = False
        for done, emp in enumerate(order):
            remaining = deadline - time.monotonic()
            if round_ and remaining <= 0:
                return roster
            share = min(EMPLOYEE_SECONDS, max(EMPLOYEE_FLOOR, remaining / (len(order) - done)))
            mine = roster.get(emp.id, {})
            staffed.subtract(mine.items())
            days = best_for(inst, emp, staffed, share)
            if days is None and not round_ and share < EMPLOYEE_SECONDS:
                # their share ran out before any roster: give them the full time once, so only
                # rules that cannot hold (or a pathological instance) end the greedy start
                days = best_for(inst, emp, staffed, EMPLOYEE_SECONDS)
            if days is None and round_:
                # out of time for a better one: the roster from the last pass still holds
                days = mine
            elif days is None:
                return None
            changed |= days != mine
            roster[emp.id] = days
            staffed.update(days.items())
        if not changed or time.monotonic() > deadline:
            break
    return roster
