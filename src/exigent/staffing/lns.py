"""Solve loop: a greedy first roster, then large-neighbourhood search taking turns with the
whole model's portfolio, then the whole model again, hinted with the best roster, to prove a
lower bound.

The first roster comes from `construct.py` (each employee in turn given their best roster
against the others' cover), or from the whole model when that cannot give one. The model is
built once. Each attempt copies its proto, fixes every cell outside a chosen neighbourhood
(`neighbourhoods.py`) to the incumbent by narrowing variable domains (so presolve removes
them), hints the incumbent, and re-solves with the full linear relaxation for a short,
deterministic amount of work. Two neighbourhoods are solved side by side, one per core,
without waiting for each other, each drawing the next neighbourhood at random, as often as
the seconds its attempts take allow for a like share of the time; each neighbourhood grows
while it is solved to optimality and shrinks while it is not. When the neighbourhoods
stall, the whole model's own portfolio searches from the best roster for a while and hands
back every roster it finds; then the neighbourhoods resume from its best.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from exigent.staffing.benchmark_format import Instance
from exigent.staffing.checker import Roster, check, objective
from exigent.staffing.construct import greedy_roster
from exigent.staffing.neighbourhoods import APPLIES, NEIGHBOURHOODS, WORK_FLOOR
from exigent.staffing.solver import Cell, Model, build, roster_from

# share of the time budget the whole model gets for a first roster when the greedy start
# cannot give one
FIRST_SHARE = 0.5
# passes of the greedy start, and the share of the time budget it may take at most; measured
# on Instance8, passes after the third gain little
GREEDY_ROUNDS = 3
GREEDY_SHARE = 0.1
# share kept at the end for the whole model to prove a lower bound from the best roster
PROOF_SHARE = 0.05
# the whole model's first look from the first roster: it proves a small instance optimal at
# once and on a large one descends fast from a poor first roster; measured, a third of this
# or three times it both end worse
FIRST_LOOK = 0.05
# work per neighbourhood, in the solver's deterministic seconds so a busy machine does not
# make the neighbourhoods look harder than they are
ROUND_WORK = 0.2
MAX_WORK = 8.0
# when STALL_ATTEMPTS neighbourhoods have been solved since the best roster last gained
# STALL_GAIN of its objective, the whole model's own portfolio takes both cores for
# PORTFOLIO_SHARE of the time budget, hinted with the best roster: its violation local search
# makes the wide moves ours cannot (on Instance5 it removed a cover miss by changing 80 cells
# of ten employees, where our search had stalled for 40 s), its max_lp worker raises the
# bound, and each roster it finds becomes the incumbent at once. Eight workers on two cores,
# because the portfolio's helpers only run beside enough full workers; with three none of
# them found that move.
PORTFOLIO_WORKERS = 8
PORTFOLIO_SHARE = 0.35
VIOLATION_LS = 2
STALL_ATTEMPTS = 40
STALL_GAIN = 0.005


@dataclass
class Result:
    roster: Roster | None
    objective: int | None
    lower_bound: int
    optimal: bool


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


@dataclass
class _Fixer:
    """Copies of the model with all but some cells fixed to a roster."""

    model: Model
    cells: dict[Cell, list[tuple[int, str | None]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (emp, day, shift), var in self.model.x.items():
            self.cells.setdefault((emp, day), []).append((var.index, shift))
        for cell, var in self.model.off.items():
            self.cells[cell].append((var.index, None))

    def copy(self, roster: Roster, free: set[Cell]) -> cp_model.CpModel:
        sub = self.model.cp.clone()
        variables = sub.proto.variables
        hint_vars, hint_values = [], []
        for (emp, day), options in self.cells.items():
            worked = roster.get(emp, {}).get(day)
            keep = (emp, day) not in free
            for index, shift in options:
                value = int(worked == shift)
                hint_vars.append(index)
                hint_values.append(value)
                if keep:
                    domain = variables[index].domain
                    domain[0] = value
                    domain[1] = value
        sub.proto.solution_hint.vars.extend(hint_vars)
        sub.proto.solution_hint.values.extend(hint_values)
        return sub


@dataclass
class _Search:
    """`lanes` threads, each solving one neighbourhood of the current incumbent after
    another with a single solver worker. They do not wait for each other, so a quick
    neighbourhood never leaves a core idle while a slow one finishes."""

    inst: Instance
    fixer: _Fixer
    best: Roster
    best_obj: int
    lanes: int
    rng: random.Random
    size: dict[str, float] = field(default_factory=lambda: dict.fromkeys(NEIGHBOURHOODS, 0.15))
    work: float = ROUND_WORK
    lock: threading.Lock = field(default_factory=threading.Lock)
    bound: int = 0
    optimal: bool = False
    patience: int | None = None
    idle: int = 0  # neighbourhoods solved since the best roster last improved by STALL_GAIN
    mark: int = 0  # the best objective when `idle` was last reset
    spent: dict[str, list[float]] = field(default_factory=dict)  # attempts, seconds

    def _next(self) -> tuple[str, Roster, set[Cell], int, float]:
        with self.lock:
            names = [
                n for n in NEIGHBOURHOODS if n not in APPLIES or APPLIES[n](self.inst, self.best)
            ]
            name = self.rng.choices(names, weights=self._weights(names))[0]
            free = NEIGHBOURHOODS[name](self.inst, self.best, self.rng, self.size[name])
            work = max(self.work, WORK_FLOOR.get(name, 0.0))
            return name, self.best, free, self.rng.randrange(1 << 20), work

    def _weights(self, names: list[str]) -> list[float]:
        """Each neighbourhood's share of draws, inverse to the seconds an attempt of it has
        taken, so each gets a like share of the time; one given a floor of work is drawn
        as often as the others at their median, since its floor is what its move needs."""
        rates = {}
        for name in names:
            tries, seconds = self.spent.get(name, (0, 0.0))
            rates[name] = tries / seconds if tries and seconds else 1.0 / ROUND_WORK
        usual = statistics.median(
            [r for n, r in rates.items() if n not in WORK_FLOOR] or [1.0 / ROUND_WORK]
        )
        return [usual if n in WORK_FLOOR else rates[n] for n in names]

    def _attempt(self, until: float) -> None:
        began = time.monotonic()
        name, start, free, seed, work = self._next()
        sub = self.fixer.copy(start, free)
        solver = _solver(until - time.monotonic(), 1, seed)
        # the full linear relaxation proves small neighbourhoods optimal several times faster
        solver.parameters.linearization_level = 2
        solver.parameters.max_deterministic_time = work
        status = solver.solve(sub)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        roster = roster_from(self.fixer.model, solver) if found else None
        # the roster's own objective, not the solver's: once in a run of Instance2 the two
        # differed by a point, and the command reported an objective its roster did not have
        value = objective(self.inst, roster) if roster is not None else None
        with self.lock:
            tally = self.spent.setdefault(name, [0, 0.0])
            tally[0] += 1
            tally[1] += time.monotonic() - began
            improved = value is not None and value < self.best_obj
            self._count_idle()
            # equal objectives are accepted too: drifting over a plateau finds its exits
            if roster is not None and value is not None and value <= self.best_obj:
                self.best, self.best_obj = roster, value
            # a neighbourhood solved to optimality was too easy: grow it, else shrink it
            if status == cp_model.OPTIMAL:
                self.size[name] = min(0.7, self.size[name] * 1.15)
            else:
                self.size[name] = max(0.03, self.size[name] * 0.85)
            # a stalled search gets more work per neighbourhood to climb out of a local optimum
            self.work = ROUND_WORK if improved else min(MAX_WORK, self.work * 1.07)

    def _count_idle(self) -> None:
        """Only a real gain resets the count: steps of a point or two on requests while a
        cover miss stays would otherwise keep the search on a plateau it cannot leave."""
        if self.best_obj <= self.mark * (1 - STALL_GAIN):
            self.idle, self.mark = 0, self.best_obj
        else:
            self.idle += 1

    def _lane(self, until: float) -> None:
        while time.monotonic() < until - 0.05 and not self.optimal:
            if self.patience is not None and self.idle > self.patience:
                return
            self._attempt(until)

    def offer(self, roster: Roster) -> None:
        """Takes a roster from elsewhere as the incumbent if the checker finds it better."""
        verdict = check(self.inst, roster)
        with self.lock:
            if verdict.feasible and verdict.objective < self.best_obj:
                self.best, self.best_obj = roster, verdict.objective
                self._count_idle()

    def _portfolio(self, until: float, workers: int) -> None:
        """The whole model, hinted with the incumbent, for one round or until `until`."""
        solver = _solver(until - time.monotonic(), workers, self.rng.randrange(1 << 20))
        solver.parameters.num_violation_ls = VIOLATION_LS
        status = solver.solve(self.fixer.copy(self.best, set(self.fixer.cells)), _Offers(self))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.bound = max(self.bound, int(solver.best_objective_bound))
            self.optimal = self.best_obj <= self.bound

    def _neighbourhoods(self, until: float) -> None:
        self.idle, self.mark = 0, self.best_obj
        with ThreadPoolExecutor(max_workers=self.lanes) as pool:
            for future in [pool.submit(self._lane, until) for _ in range(self.lanes)]:
                future.result()

    def run(self, until: float, portfolio: int = 0, round_seconds: float = 0.0) -> None:
        """Neighbourhoods until `patience` of them in a row fail to improve the best roster,
        then, with `portfolio` workers, a round of the whole model; again until `until`.
        Patience counts neighbourhoods, not seconds, so a busy machine does not make the
        search look stalled."""
        while time.monotonic() < until - 0.1 and not self.optimal:
            self._neighbourhoods(until)
            if portfolio and time.monotonic() < until - 0.5 and not self.optimal:
                self._portfolio(min(until, time.monotonic() + round_seconds), portfolio)


class _Offers(cp_model.CpSolverSolutionCallback):
    """Hands every roster the whole model finds to the search as it is found.

    The portfolio's workers call back from their own threads and a later solution can
    replace the one being read, so a roster read here may not be the one whose objective
    was reported; the search therefore takes it on the checker's word alone."""

    def __init__(self, search: _Search) -> None:
        super().__init__()
        self.search = search

    def on_solution_callback(self) -> None:
        if self.objective_value < self.search.best_obj:
            self.search.offer(roster_from(self.search.fixer.model, self))


def _prove(
    inst: Instance,
    fixer: _Fixer,
    best: Roster,
    best_obj: int,
    seconds: float,
    workers: int,
    seed: int,
) -> tuple[Roster, int, int]:
    """The whole model from the incumbent: a lower bound, and on small instances the optimum."""
    solver = _solver(seconds, workers, seed)
    status = solver.solve(fixer.copy(best, set(fixer.cells)))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return best, best_obj, int(solver.best_objective_bound) if status != cp_model.UNKNOWN else 0
    roster = roster_from(fixer.model, solver)
    value = objective(inst, roster)
    if value < best_obj:
        best, best_obj = roster, value
    return best, best_obj, int(solver.best_objective_bound)


def _solver_start(model: Model, seconds: float, workers: int, seed: int) -> Result:
    """The whole model's first roster, or why there is none."""
    solver = _solver(seconds, workers, seed)
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(model.cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = int(solver.best_objective_bound) if status != cp_model.UNKNOWN else 0
        return Result(None, None, bound, status == cp_model.INFEASIBLE)
    return Result(roster_from(model, solver), int(solver.objective_value), 0, False)


def solve(inst: Instance, seconds: float, workers: int = 2, seed: int = 0) -> Result:
    deadline = time.monotonic() + seconds
    model = build(inst)
    roster = greedy_roster(inst, GREEDY_ROUNDS, seconds * GREEDY_SHARE, seed)
    if roster is None:
        # some employee's own rules fail alone or took too long: the whole model decides
        first = _solver_start(model, seconds * FIRST_SHARE, workers, seed)
        if first.roster is None or first.objective is None:
            return first
        roster = first.roster
    fixer = _Fixer(model)
    search = _Search(inst, fixer, roster, objective(inst, roster), workers, random.Random(seed))
    # small instances are proved optimal outright in a moment
    best, best_obj, bound = _prove(
        inst, fixer, search.best, search.best_obj, seconds * FIRST_LOOK, workers, seed
    )
    if best_obj == bound:
        return Result(best, best_obj, bound, True)
    search.best, search.best_obj = best, best_obj
    proving = deadline - seconds * PROOF_SHARE
    if workers > 1 and PORTFOLIO_WORKERS:
        search.patience = STALL_ATTEMPTS
        search.run(proving, PORTFOLIO_WORKERS, seconds * PORTFOLIO_SHARE)
    else:
        search.run(proving)
    bound = max(bound, search.bound)
    if search.optimal:
        return Result(search.best, search.best_obj, bound, True)
    best, best_obj, last_bound = _prove(
        inst, fixer, search.best, search.best_obj, deadline - time.monotonic(), workers, seed
    )
    bound = max(bound, last_bound)
    return Result(best, best_obj, bound, best_obj == bound)
