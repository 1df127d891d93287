"""The roster planner on problems small enough to know the right answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from exigent.staffing.plan_checker import check_plan
from exigent.staffing.planner import plan
from exigent.staffing.planning import Ledger, PlanResult, Progress, TimeOff
from staffing.planner_problems import MONDAY, every_hour, hours, person, problem


def _shifts(result: PlanResult, pid: str) -> list[tuple[int, str]]:
    return sorted((a.day, a.shift) for a in result.assignments if a.person == pid)


def test_rest_rule_keeps_a_late_and_the_next_early_apart() -> None:
    # a late (14-22) on Monday and an early (06-14) on Tuesday leave 8 hours between them
    asked = problem((person("alex"),), hours(14, 22) + hours(30, 38))
    result = plan(asked, seconds=5)
    assert len(result.assignments) == 1
    assert len(result.gaps) == 8
    assert all(any("rest rule: Alex" in r for r in gap.reasons) for gap in result.gaps)
    assert check_plan(asked, result) == []


def test_time_off_is_never_rostered_and_names_who_is_off() -> None:
    leave = TimeOff(MONDAY + timedelta(days=1), MONDAY + timedelta(days=2), "annual leave")
    asked = problem((person("alex"), person("bo", time_off=(leave,))), hours(30, 38, minimum=2))
    result = plan(asked, seconds=5)
    assert [a.person for a in result.assignments] == ["alex"]
    assert len(result.gaps) == 8
    assert result.gaps[0].rostered == 1
    assert "off (annual leave): Bo" in result.gaps[0].reasons
    assert check_plan(asked, result) == []


def test_an_impossible_requirement_gives_the_least_bad_roster_and_says_why() -> None:
    asked = problem(
        (person("alex"), person("bo")),
        hours(6, 14, minimum=3) + hours(14, 16, skill="ncmec"),
    )
    result = plan(asked, seconds=5)
    emergency = [g for g in result.gaps if g.skill == "emergency"]
    assert [g.rostered for g in emergency] == [2] * 8  # both rostered, one still missing
    assert "only 2 people have the skill emergency" in emergency[0].reasons
    ncmec = [g for g in result.gaps if g.skill == "ncmec"]
    assert [g.reasons for g in ncmec] == [("nobody has the skill ncmec",)] * 2
    assert check_plan(asked, result) == []


def test_emergency_work_moves_away_from_the_exposed() -> None:
    # one early a day, Monday to Thursday; either could do all four
    asked = problem(
        (person("alex", exposure=0.9), person("bo", exposure=0.0)),
        hours(6, 14) + hours(30, 38) + hours(54, 62) + hours(78, 86),
        days=4,
    )
    result = plan(asked, seconds=5)
    scores = {s.person: s for s in result.scores}
    assert scores["alex"].emergency_shifts == 0
    assert scores["bo"].emergency_shifts == 4
    assert result.gaps == ()


def test_a_recovering_person_gets_a_block_without_emergency_work() -> None:
    # Bo is off Wednesday and Thursday, so Alex must do those; Monday and Tuesday go to Bo
    leave = TimeOff(MONDAY + timedelta(days=2), MONDAY + timedelta(days=4), "sick leave")
    asked = problem(
        (person("alex", recovering=True), person("bo", time_off=(leave,))),
        hours(6, 14) + hours(30, 38) + hours(54, 62) + hours(78, 86),
        days=4,
    )
    result = plan(asked, seconds=5)
    assert _shifts(result, "alex") == [(2, "E06"), (3, "E06")]
    assert _shifts(result, "bo") == [(0, "E06"), (1, "E06")]


def test_the_highly_exposed_are_kept_from_long_runs_of_emergency_work() -> None:
    # everyone is needed every day; Cy, less exposed, takes the long run instead of Alex
    asked = problem(
        (person("alex", exposure=0.9), person("cy", exposure=0.3)),
        hours(6, 14) + hours(30, 38) + hours(54, 62) + hours(78, 86),
        days=4,
    )
    result = plan(asked, seconds=5)
    assert _shifts(result, "alex") == []
    exposed = problem(
        (person("alex", exposure=0.9), person("cy", exposure=0.9)),
        hours(6, 14, minimum=2) + hours(30, 38, minimum=2) + hours(54, 62) + hours(78, 86),
        days=4,
    )
    # two must work Monday and Tuesday; the runs of three or more are split between them
    result = plan(exposed, seconds=5)
    runs = [len(_shifts(result, pid)) for pid in ("alex", "cy")]
    assert sorted(runs) == [3, 3]
    assert all(s.exposure_cost > 0 for s in result.scores)


def test_nights_go_to_whoever_has_had_fewer_before() -> None:
    asked = problem(
        (person("alex", ledger=Ledger(nights=6)), person("bo", ledger=Ledger(nights=0))),
        hours(22, 30),
    )
    result = plan(asked, seconds=5)
    assert _shifts(result, "bo") == [(0, "E22")]
    assert _shifts(result, "alex") == []


def test_a_replan_after_sick_leave_changes_only_what_it_must() -> None:
    team = tuple(person(pid) for pid in ("alex", "bo", "cy", "dara", "eli", "femi"))
    asked = problem(team, every_hour(7), days=7)
    first = plan(asked, seconds=3)
    assert first.gaps[0].hour < 6 and all(g.hour < 6 for g in first.gaps)  # before any shift
    busiest = max(team, key=lambda p: len(_shifts(first, p.id)))
    sick = TimeOff(MONDAY + timedelta(days=2), MONDAY + timedelta(days=5), "sick leave")
    lost = [
        a
        for a in first.assignments
        if a.person == busiest.id and a.start < sick.end and sick.start < a.end
    ]
    assert lost
    staff = tuple(replace(p, time_off=(sick,)) if p is busiest else p for p in team)
    again = plan(replace(asked, people=staff, current=first.assignments), seconds=3)
    assert [(g.hour, g.skill) for g in again.gaps] == [(g.hour, g.skill) for g in first.gaps]
    # each lost shift is taken over by someone else, and little else moves; planned afresh,
    # much more would
    assert again.changed <= 2 * len(lost) + 2
    cold = plan(replace(asked, people=staff), seconds=3)
    before = {(a.person, a.day, a.shift) for a in first.assignments}
    assert len(before ^ {(a.person, a.day, a.shift) for a in cold.assignments}) > again.changed
    assert not [
        a
        for a in again.assignments
        if a.person == busiest.id and a.start < sick.end and sick.start < a.end
    ]
    assert check_plan(replace(asked, people=staff, current=first.assignments), again) == []


def test_progress_reports_better_rosters_as_they_are_found() -> None:
    seen: list[Progress] = []
    asked = problem(tuple(person(p) for p in ("alex", "bo", "cy")), every_hour(3), days=3)
    result = plan(asked, seconds=5, progress=seen.append)
    assert seen and seen[0].assignments
    assert [p.objective for p in seen] == sorted((p.objective for p in seen), reverse=True)
    assert seen[-1].objective == result.objective


def test_a_gap_names_the_limit_that_made_it() -> None:
    # Alex may work two days in a row and one night; Monday to Wednesday earlies, two nights
    asked = problem(
        (person("alex", max_consecutive_days=2, max_nights=1),),
        hours(6, 14) + hours(30, 38) + hours(54, 62),
        days=3,
    )
    result = plan(asked, seconds=5)
    assert len(result.assignments) == 2
    assert result.gaps[0].reasons == ("days in a row: Alex",)
    nights = problem((person("alex", max_nights=1),), hours(22, 30) + hours(46, 54), days=3)
    result = plan(nights, seconds=5)
    assert [g.reasons for g in result.gaps] == [("maximum nights: Alex",)] * 8
    assert check_plan(nights, result) == []
