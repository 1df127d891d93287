"""The ERT roster planner: builds the least-bad roster for a period and says why it falls short.

`plan(problem)` never raises for a problem no roster can meet: coverage it cannot give is
paid for in the objective and reported as gaps with their reasons, and contracted hours it
cannot reach show as `minutes_short` on the person's score.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from ortools.sat.python import cp_model

from exigent.staffing.planner_explain import explain_gaps
from exigent.staffing.planner_model import Model, build, target_minutes
from exigent.staffing.planner_start import starting_roster
from exigent.staffing.planning import (
    Assignment,
    PersonScore,
    PlanningProblem,
    PlanResult,
    PlanStatus,
    Progress,
)

ProgressCallback = Callable[[Progress], None]


def _assignments(model: Model, value: Callable[[cp_model.IntVar], bool]) -> tuple[Assignment, ...]:
    start = model.problem.period_start
    out = []
    for var, cand in zip(model.x, model.cands, strict=True):
        if value(var):
            out.append(
                Assignment(
                    person=model.problem.people[cand.person].id,
                    day=cand.day,
                    shift=cand.shift.code,
                    start=start + timedelta(minutes=cand.start),
                    end=start + timedelta(minutes=cand.end),
                )
            )
    return tuple(sorted(out, key=lambda a: (a.start, a.person)))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Hands each better roster to the caller while the solver keeps looking."""

    def __init__(self, model: Model, progress: ProgressCallback | None, started: float) -> None:
        super().__init__()
        self.model, self.progress, self.started = model, progress, started
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.progress is None:
            return
        self.progress(
            Progress(
                objective=round(self.objective_value),
                bound=round(self.best_objective_bound),
                seconds=time.perf_counter() - self.started,
                solutions=self.solutions,
                assignments=_assignments(self.model, self.boolean_value),
            )
        )


def _changed(problem: PlanningProblem, assignments: tuple[Assignment, ...]) -> dict[str, int]:
    """Shifts added plus shifts removed against the current roster, per person."""
    before = {(a.person, a.day, a.shift) for a in problem.current}
    after = {(a.person, a.day, a.shift) for a in assignments}
    out: dict[str, int] = {}
    for person, _day, _shift in before ^ after:
        out[person] = out.get(person, 0) + 1
    return out


def _scores(
    model: Model, solver: cp_model.CpSolver, assignments: tuple[Assignment, ...]
) -> tuple[PersonScore, ...]:
    problem, out = model.problem, []
    changes = _changed(problem, assignments) if problem.current else {}
    mine: dict[int, list[int]] = {}
    for i, cand in enumerate(model.cands):
        if solver.boolean_value(model.x[i]):
            mine.setdefault(cand.person, []).append(i)
    for p, person in enumerate(problem.people):
        worked = [model.cands[i] for i in mine.get(p, [])]
        terms = model.terms[p]
        target, tolerance = target_minutes(problem, person)
        minutes = sum(c.shift.minutes for c in worked)
        out.append(
            PersonScore(
                person=person.id,
                minutes=minutes,
                target_minutes=target,
                minutes_short=max(0, target - tolerance - minutes),
                nights=sum(c.shift.night for c in worked),
                weekends=len({c.weekend for c in worked if c.weekend is not None}),
                holidays=sum(c.local_date in person.holidays for c in worked),
                emergency_shifts=sum(c.emergency for c in worked),
                preference_cost=int(solver.value(sum(terms.preference))),
                fairness_cost=int(solver.value(sum(terms.fairness))),
                exposure_cost=int(solver.value(sum(terms.exposure))),
                changes=changes.get(person.id, 0),
            )
        )
    return tuple(out)


def _hint(model: Model, chosen: set[int]) -> int | None:
    """Hint every variable with the starting roster's values, not only the shifts.

    CP-SAT turns a complete hint into its first solution at once; given only the shifts it
    has to complete the rest itself, which on a month of hours it often fails to do. So the
    starting roster is fixed in a copy of the model, whose solve only propagates.
    """
    fixed = model.cp.clone()
    for i, var in enumerate(model.x):
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == int(i in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for i, var in enumerate(model.x):
            model.cp.add_hint(var, i in chosen)
        return None
    values = solver.response_proto.solution
    hint = model.cp.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
    return round(solver.objective_value)


_STATUS = {cp_model.OPTIMAL: PlanStatus.optimal, cp_model.FEASIBLE: PlanStatus.feasible}


def plan(
    problem: PlanningProblem,
    *,
    seconds: float = 30.0,
    workers: int = 2,
    gap_limit: float = 0.0,
    progress: ProgressCallback | None = None,
    seed: int = 0,
) -> PlanResult:
    """The best roster found within `seconds`, or the first within `gap_limit` of its bound."""
    started = time.perf_counter()
    model = build(problem)
    chosen = starting_roster(problem, model.cands)
    chosen_vars = {model.x[i].index for i in chosen}
    first = _hint(model, chosen)
    if progress is not None and first is not None:
        # the starting roster breaks no hard rule: show it while the solver improves on it
        progress(
            Progress(
                objective=first,
                bound=0,
                seconds=time.perf_counter() - started,
                solutions=0,
                assignments=_assignments(model, lambda var: var.index in chosen_vars),
            )
        )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = gap_limit
    solver.parameters.random_seed = seed
    watcher = _Watcher(model, progress, started)
    code = solver.solve(model.cp, watcher)
    status = _STATUS.get(code, PlanStatus.unknown)
    if status is PlanStatus.unknown:
        # time ran out before the solver had a roster: the starting one keeps every hard rule
        start = _assignments(model, lambda var: var.index in chosen_vars)
        return PlanResult(
            assignments=start,
            gaps=explain_gaps(problem, start),
            scores=(),
            objective=first if first is not None else 0,
            bound=round(solver.best_objective_bound),
            status=status,
            changed=sum(_changed(problem, start).values()),
            seconds=time.perf_counter() - started,
        )
    assignments = _assignments(model, solver.boolean_value)
    return PlanResult(
        assignments=assignments,
        gaps=explain_gaps(problem, assignments),
        scores=_scores(model, solver, assignments),
        objective=round(solver.objective_value),
        bound=round(solver.best_objective_bound),
        status=status,
        changed=sum(_changed(problem, assignments).values()),
        seconds=time.perf_counter() - started,
    )
