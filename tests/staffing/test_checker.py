"""Hand-made rosters of the tiny instance, each breaking one hard rule."""

import pytest

from exigent.staffing.benchmark_format import Instance
from exigent.staffing.checker import Roster, check

# Feasible, but nobody can take day 4's late shift (A would work 4 in a row, B asked it off).
GOOD: Roster = {"A": {1: "E", 2: "E", 3: "L"}, "B": {0: "E", 5: "E", 6: "E"}}


def test_good_roster_is_feasible_with_its_objective(tiny: Instance) -> None:
    verdict = check(tiny, GOOD)
    assert verdict.violations == []
    assert verdict.objective == 100  # day 4 late shift one short


def test_objective_counts_requests_and_cover(tiny: Instance) -> None:
    roster: Roster = {"A": {1: "E", 2: "L", 3: "L"}, "B": {0: "E", 4: "L", 5: "E", 6: "E"}}
    # A's on-request (day 2 E) unmet: 2; B's off-request (day 4 L) violated: 3;
    # day 2 E uncovered: 100 (day 2 L has no cover line, so no excess weight)
    assert check(tiny, roster).objective == 2 + 3 + 100


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ({"A": {0: "E", 1: "E", 2: "E"}}, "works on day off 0"),
        ({"A": {1: "L", 2: "E", 3: "E"}}, "E on day 2 may not follow L"),
        ({"A": {1: "E", 2: "E", 3: "E", 5: "E", 6: "E"}}, "shifts, max 3"),
        ({"A": {1: "E", 2: "E", 3: "L", 4: "L", 5: "L", 6: "L"}}, "minutes outside"),
        ({"A": {1: "E"}}, "minutes outside"),
        ({"B": {0: "E", 1: "E", 2: "E", 3: "E", 4: "L"}}, "5 consecutive shifts"),
        ({"A": {1: "E", 2: "E", 4: "L"}}, "only 1 consecutive shifts from day 4"),
        ({"A": {1: "E", 2: "E", 4: "L", 5: "L"}}, "only 1 consecutive days off from day 3"),
        ({"C": {1: "E"}}, "unknown employee 'C'"),
    ],
)
def test_each_rule_is_caught(tiny: Instance, roster: Roster, message: str) -> None:
    full = {**GOOD, **roster}
    assert any(message in v for v in check(tiny, full).violations), check(tiny, full).violations


def test_two_weekends_caught(tiny: Instance) -> None:
    inst = tiny
    # a two-week copy: B works both weekends
    from dataclasses import replace

    two_weeks = replace(inst, horizon=14)
    roster: Roster = {"A": {1: "E", 2: "E"}, "B": {5: "E", 6: "E", 12: "E", 13: "E"}}
    assert any("2 weekends worked, max 1" in v for v in check(two_weeks, roster).violations)
