"""Each staff rule's encoding, on one-employee instances where that rule alone decides the
optimum: the solver must match an exhaustive search judged by the independent checker."""

import itertools

import pytest

from exigent.staffing.benchmark_format import Instance, parse_instance
from exigent.staffing.checker import check
from exigent.staffing.lns import solve


def _instance(staff: str, horizon: int = 7, shifts: str = "D,480,", covers: str = "") -> Instance:
    covers = covers or "\n".join(f"{d},D,1,100,1" for d in range(horizon))
    text = (
        f"SECTION_HORIZON\n{horizon}\n\nSECTION_SHIFTS\n{shifts}\n\nSECTION_STAFF\n{staff}\n\n"
        "SECTION_DAYS_OFF\n\nSECTION_SHIFT_ON_REQUESTS\n\nSECTION_SHIFT_OFF_REQUESTS\n\n"
        f"SECTION_COVER\n{covers}\n"
    )
    return parse_instance(text, name="rule")


def _exhaustive(inst: Instance) -> int:
    (emp,) = inst.employees
    options = [None, *(s.id for s in inst.shifts)]
    best = None
    for days in itertools.product(options, repeat=inst.horizon):
        roster = {emp.id: {d: s for d, s in enumerate(days) if s is not None}}
        verdict = check(inst, roster)
        if verdict.feasible and (best is None or verdict.objective < best):
            best = verdict.objective
    assert best is not None
    return best


CASES = {
    # ID, MaxShifts, MaxMinutes, MinMinutes, MaxRun, MinRun, MinDaysOff, MaxWeekends
    "longest run of 3 leaves one day a week uncovered": ("A,D=7,9999,0,3,1,1,1", 7, 100),
    "two days off in a row after every run": ("A,D=14,9999,0,2,1,2,2", 14, 600),
    "runs of at least 3 between days off": ("A,D=7,9999,0,3,3,1,1", 7, 100),
    "one weekend in two": ("A,D=14,9999,0,14,1,1,1", 14, 200),
    "fewer minutes than the cover needs": ("A,D=7,2400,0,7,1,1,1", 7, 200),
}


@pytest.mark.parametrize(("staff", "horizon", "expected"), CASES.values(), ids=list(CASES))
def test_rule_binds_and_solver_finds_the_exhaustive_optimum(
    staff: str, horizon: int, expected: int
) -> None:
    inst = _instance(staff, horizon)
    assert _exhaustive(inst) == expected
    result = solve(inst, seconds=5, workers=1)
    assert result.roster is not None and check(inst, result.roster).feasible
    assert result.objective == result.lower_bound == expected


def test_forbidden_succession_binds() -> None:
    # late on even days, early on odd days; a late shift may not be followed by an early one,
    # so one of each of the pairs (0, 1), (2, 3), (4, 5) goes uncovered
    covers = "\n".join(f"{d},{'L' if d % 2 == 0 else 'E'},1,100,1" for d in range(7))
    inst = _instance("A,E=7|L=7,9999,0,7,1,1,1", 7, "E,480,\nL,480,E", covers)
    assert _exhaustive(inst) == 300
    result = solve(inst, seconds=5, workers=1)
    assert result.roster is not None and check(inst, result.roster).feasible
    assert result.objective == result.lower_bound == 300
