"""Direct CP-SAT model of a benchmark instance: one Boolean per employee, day and shift the
employee may work.

Each (employee, day) cell takes exactly one value: a shift or `off`. The staff rules are
written as clauses and short sums the solver propagates well: sliding windows for the
longest run, one clause per forbidden short run, one clause per forbidden succession.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from exigent.staffing.benchmark_format import Employee, Instance
from exigent.staffing.checker import Roster

Cell = tuple[str, int]  # (employee, day)


@dataclass
class Model:
    cp: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar]
    objective: cp_model.LinearExpr
    off: dict[Cell, cp_model.IntVar] = field(default_factory=dict)


def may_work(emp: Employee, shift: str) -> bool:
    """Whether the employee may work the shift at all. A shift they may not has no variable:
    on a year of thirty shift types, each employee allowed a few, that took the model from
    4.2 GB to 344 MB and its build from 163 s to 9 s."""
    return emp.max_shifts.get(shift, 0) > 0


def shift_vars(inst: Instance, emp: Employee, cp: cp_model.CpModel, prefix: str) -> dict:
    """One Boolean per day and shift the employee may work, keyed (employee, day, shift)."""
    return {
        (emp.id, d, s.id): cp.new_bool_var(f"{prefix}_{d}_{s.id}")
        for d in range(inst.horizon)
        for s in inst.shifts
        if may_work(emp, s.id)
    }


def one_value_a_day(cp: cp_model.CpModel, inst: Instance, emp_id: str, x: dict, off: dict) -> None:
    """Each of the employee's days is off or exactly one shift they may work."""
    for day in range(inst.horizon):
        shifts = (x[key] for s in inst.shifts if (key := (emp_id, day, s.id)) in x)
        cp.add_exactly_one([off[emp_id, day], *shifts])


def employee_rules(cp: cp_model.CpModel, inst: Instance, emp: Employee, x: dict, off: dict) -> None:
    horizon, shifts = inst.horizon, inst.shifts
    work = [off[emp.id, d].Not() for d in range(horizon)]
    for d in emp.days_off:
        cp.add(off[emp.id, d] == 1)
    mine = [s for s in shifts if may_work(emp, s.id)]
    for s in mine:
        if emp.max_shifts[s.id] < horizon:
            cp.add(sum(x[emp.id, d, s.id] for d in range(horizon)) <= emp.max_shifts[s.id])
        for t in s.cannot_follow:
            if not may_work(emp, t):
                continue
            for d in range(horizon - 1):
                cp.add_bool_or([x[emp.id, d, s.id].Not(), x[emp.id, d + 1, t].Not()])
    minutes = sum(x[emp.id, d, s.id] * s.minutes for d in range(horizon) for s in mine)
    cp.add_linear_constraint(minutes, emp.min_minutes, emp.max_minutes)
    longest = emp.max_consecutive
    for d in range(horizon - longest):
        # of any longest+1 days in a row, at least one is off
        cp.add_bool_or([off[emp.id, e] for e in range(d, d + longest + 1)])
    _forbid_short_runs(cp, work, emp.min_consecutive)
    _forbid_short_runs(cp, [w.Not() for w in work], emp.min_consecutive_off)
    _weekends(cp, inst, emp, work)
    _implied_limits(cp, inst, emp, off)


def _implied_limits(cp: cp_model.CpModel, inst: Instance, emp: Employee, off: dict) -> None:
    """Sums the rules above imply but the linear relaxation cannot see, since it sees the
    clauses one at a time; with them it bounds how much each employee can work, and so how
    much cover the staff can give, which is what most of the objective is."""
    horizon = inst.horizon
    work = [1 - off[emp.id, d] for d in range(horizon)]
    # a window of longest + rest days holds at most one full run of work, and the days off
    # around it count at least `rest` even when the run is cut by the window's edges
    longest, rest = emp.max_consecutive, max(1, emp.min_consecutive_off)
    width = longest + rest
    for d in range(horizon - width + 1):
        cp.add(sum(work[d : d + width]) <= longest)
    if emp.max_weekends < len(inst.weekends):
        weekend_days = [day for weekend in inst.weekends for day in weekend]
        cp.add(sum(work[d] for d in weekend_days) <= 2 * emp.max_weekends)
    allowed = [s.minutes for s in inst.shifts if emp.max_shifts.get(s.id, 0) > 0]
    if allowed:
        most = emp.max_minutes // min(allowed)
        fewest = -(-emp.min_minutes // max(allowed))
        cp.add_linear_constraint(sum(work), fewest, min(most, horizon))


def _weekends(cp: cp_model.CpModel, inst: Instance, emp: Employee, work: list) -> None:
    if emp.max_weekends >= len(inst.weekends):
        return
    weekend_vars = []
    for sat, sun in inst.weekends:
        wk = cp.new_bool_var(f"wk_{emp.id}_{sat}")
        # wk is exactly "works Saturday or Sunday"
        cp.add_implication(work[sat], wk)
        cp.add_implication(work[sun], wk)
        cp.add_bool_or([work[sat], work[sun], wk.Not()])
        weekend_vars.append(wk)
    cp.add(sum(weekend_vars) <= emp.max_weekends)


def _forbid_short_runs(cp: cp_model.CpModel, on: list, minimum: int) -> None:
    """No inner run of `on` days shorter than `minimum`; runs touching a horizon end are free
    because they may continue outside it."""
    horizon = len(on)
    for length in range(1, minimum):
        for start in range(1, horizon - length):
            inside = on[start : start + length]
            # not (off before, on throughout, off after)
            cp.add_bool_or([on[start - 1], on[start + length], *[v.Not() for v in inside]])


def _cover_terms(cp: cp_model.CpModel, inst: Instance, x: dict) -> list:
    terms = []
    staff = len(inst.employees)
    for c in inst.covers:
        staffed = sum(x[e.id, c.day, c.shift] for e in inst.employees if may_work(e, c.shift))
        under = cp.new_int_var(0, c.requirement, f"under_{c.day}_{c.shift}")
        over = cp.new_int_var(0, max(0, staff - c.requirement), f"over_{c.day}_{c.shift}")
        cp.add(staffed + under - over == c.requirement)
        terms += [c.under_weight * under, c.over_weight * over]
    return terms


def request_costs(inst: Instance, x: dict) -> dict[str, list]:
    """Each employee's request terms over the variables in `x`: the whole model's, or one
    employee's alone in the greedy start."""
    costs: dict[str, list] = {e.id: [] for e in inst.employees}
    for r in inst.on_requests:
        # a request for a shift the employee may not work is never met
        var = x.get((r.employee, r.day, r.shift))
        costs[r.employee].append(r.weight * (1 - var) if var is not None else r.weight)
    for r in inst.off_requests:
        var = x.get((r.employee, r.day, r.shift))
        if var is not None:
            costs[r.employee].append(r.weight * var)
    return costs


def build(inst: Instance) -> Model:
    cp = cp_model.CpModel()
    x = {
        key: var
        for e in inst.employees
        for key, var in shift_vars(inst, e, cp, f"x_{e.id}").items()
    }
    off = {
        (e.id, d): cp.new_bool_var(f"off_{e.id}_{d}")
        for e in inst.employees
        for d in range(inst.horizon)
    }
    for emp in inst.employees:
        one_value_a_day(cp, inst, emp.id, x, off)
    for emp in inst.employees:
        employee_rules(cp, inst, emp, x, off)
    terms = [t for per_employee in request_costs(inst, x).values() for t in per_employee]
    objective = cp_model.LinearExpr.sum(terms + _cover_terms(cp, inst, x))
    cp.minimize(objective)
    return Model(cp, x, objective, off)


def roster_from(
    model: Model, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback
) -> Roster:
    roster: Roster = {}
    for (emp, day, shift), var in model.x.items():
        if solver.boolean_value(var):
            roster.setdefault(emp, {})[day] = shift
    return roster
