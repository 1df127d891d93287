"""Direct CP-SAT model of a benchmark instance: one Boolean per employee, day and shift."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from exigent.staffing.benchmark_format import Employee, Instance
from exigent.staffing.checker import Roster


@dataclass
class Model:
    cp: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar]
    objective: cp_model.LinearExpr


def _employee_rules(cp: cp_model.CpModel, inst: Instance, emp: Employee, x: dict) -> None:
    horizon, shifts = inst.horizon, inst.shifts
    work = []
    for d in range(horizon):
        w = cp.new_bool_var(f"w_{emp.id}_{d}")
        cp.add(w == sum(x[emp.id, d, s.id] for s in shifts))
        if d in emp.days_off:
            cp.add(w == 0)
        work.append(w)
    for s in shifts:
        cp.add(sum(x[emp.id, d, s.id] for d in range(horizon)) <= emp.max_shifts.get(s.id, 0))
        for d in range(horizon - 1):
            for t in s.cannot_follow:
                cp.add_bool_or([x[emp.id, d, s.id].Not(), x[emp.id, d + 1, t].Not()])
    minutes = sum(x[emp.id, d, s.id] * s.minutes for d in range(horizon) for s in shifts)
    cp.add(minutes <= emp.max_minutes)
    cp.add(minutes >= emp.min_minutes)
    longest = emp.max_consecutive
    for d in range(horizon - longest):
        cp.add(sum(work[d : d + longest + 1]) <= longest)
    _forbid_short_runs(cp, work, emp.min_consecutive, worked=True)
    _forbid_short_runs(cp, work, emp.min_consecutive_off, worked=False)
    weekend_vars = []
    for sat, sun in inst.weekends:
        wk = cp.new_bool_var(f"wk_{emp.id}_{sat}")
        cp.add_max_equality(wk, [work[sat], work[sun]])
        weekend_vars.append(wk)
    cp.add(sum(weekend_vars) <= emp.max_weekends)


def _forbid_short_runs(cp: cp_model.CpModel, work: list, minimum: int, worked: bool) -> None:
    """No inner run of `worked` days shorter than `minimum` (runs at the horizon ends are free)."""
    horizon = len(work)
    for length in range(1, minimum):
        for start in range(1, horizon - length):
            inside = [work[d] if worked else work[d].Not() for d in range(start, start + length)]
            before = work[start - 1] if not worked else work[start - 1].Not()
            after = work[start + length] if not worked else work[start + length].Not()
            # not (before-border and inside and after-border)
            cp.add_bool_or([before.Not(), after.Not(), *[v.Not() for v in inside]])


def build(inst: Instance) -> Model:
    cp = cp_model.CpModel()
    x = {
        (e.id, d, s.id): cp.new_bool_var(f"x_{e.id}_{d}_{s.id}")
        for e in inst.employees
        for d in range(inst.horizon)
        for s in inst.shifts
    }
    for emp in inst.employees:
        _employee_rules(cp, inst, emp, x)
    terms = []
    for r in inst.on_requests:
        terms.append(r.weight * (1 - x[r.employee, r.day, r.shift]))
    for r in inst.off_requests:
        terms.append(r.weight * x[r.employee, r.day, r.shift])
    for c in inst.covers:
        staffed = sum(x[e.id, c.day, c.shift] for e in inst.employees)
        n = len(inst.employees)
        under = cp.new_int_var(0, c.requirement, f"under_{c.day}_{c.shift}")
        over = cp.new_int_var(0, n, f"over_{c.day}_{c.shift}")
        cp.add(staffed + under - over == c.requirement)
        terms += [c.under_weight * under, c.over_weight * over]
    objective = cp_model.LinearExpr.sum(terms)
    cp.minimize(objective)
    return Model(cp, x, objective)


def roster_from(model: Model, solver: cp_model.CpSolver) -> Roster:
    roster: Roster = {}
    for (emp, day, shift), var in model.x.items():
        if solver.boolean_value(var):
            roster.setdefault(emp, {})[day] = shift
    return roster
