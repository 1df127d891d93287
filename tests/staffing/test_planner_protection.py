"""The planner's fairness weighs a capped ledger, and a severe exposure inside the period
keeps the emergency queue away from the person for the recovery block after it."""

from __future__ import annotations

from datetime import timedelta

from exigent.staffing.plan_checker import check_plan
from exigent.staffing.planner import plan
from exigent.staffing.planning import Ledger, PlanResult, Preference, TimeOff
from staffing.planner_problems import MONDAY, hours, person, problem


def _shifts(result: PlanResult, pid: str) -> list[tuple[int, str]]:
    return sorted((a.day, a.shift) for a in result.assignments if a.person == pid)


def _nights_for(ledger_cap: int) -> PlanResult:
    # Alex worked many nights long ago; Bo a few; Cy none and would rather not.
    team = (
        person("alex", ledger=Ledger(nights=30)),
        person("bo", ledger=Ledger(nights=4)),
        person("cy", preferences=(Preference(wanted=False, shift="E22"),)),
    )
    asked = problem(team, hours(22, 30) + hours(46, 54), ledger_cap=ledger_cap)
    result = plan(asked, seconds=5)
    assert check_plan(asked, result) == []
    return result


def test_an_old_imbalance_in_the_ledger_is_capped_so_it_does_not_decide_the_nights() -> None:
    # Uncapped, Alex's thirty nights lift the team's mean so high that Bo looks owed nights.
    uncapped = _nights_for(ledger_cap=100)
    assert _shifts(uncapped, "bo") == [(0, "E22"), (1, "E22")]
    # Capped at six, Bo's four are above the mean: the nights go to Cy, who has had none.
    capped = _nights_for(ledger_cap=6)
    assert _shifts(capped, "cy") == [(0, "E22"), (1, "E22")]
    assert _shifts(capped, "bo") == []


def test_a_severe_exposure_inside_the_period_blocks_emergency_work_after_it() -> None:
    # Bo is off Monday and Tuesday and would rather not work Wednesday or Thursday either;
    # Alex could do all four days, but a severe exposure early on Wednesday starts a block.
    leave = TimeOff(MONDAY, MONDAY + timedelta(days=2), "leave")
    bo = person(
        "bo",
        time_off=(leave,),
        preferences=(Preference(wanted=False, day=2), Preference(wanted=False, day=3)),
    )
    days = hours(6, 14) + hours(30, 38) + hours(54, 62) + hours(78, 86)
    free = problem((person("alex"), bo), days, days=4)
    assert _shifts(plan(free, seconds=5), "alex") == [(d, "E06") for d in range(4)]
    severe = MONDAY + timedelta(days=2, hours=1)
    asked = problem((person("alex", severe_exposure_at=severe), bo), days, days=4)
    result = plan(asked, seconds=5)
    assert _shifts(result, "alex") == [(0, "E06"), (1, "E06")]
    assert _shifts(result, "bo") == [(2, "E06"), (3, "E06")]
    assert check_plan(asked, result) == []
