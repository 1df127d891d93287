"""Clocks that jump, the independent checker and the coverage heatmap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from exigent.staffing.plan_checker import check_plan
from exigent.staffing.planner import plan
from exigent.staffing.planner_explain import heatmap
from exigent.staffing.planning import Assignment, PlanningError, ShiftType, local_requirements
from staffing.planner_problems import EARLY, EMERGENCY, MONDAY, NIGHT, hours, person, problem

# Ireland moves its clocks from 01:00 GMT to 02:00 IST on Sunday 29 March 2026
DST_MONDAY = datetime(2026, 3, 23, tzinfo=UTC)


def test_a_local_shift_keeps_its_clock_time_and_length_across_the_spring_change() -> None:
    saturday, sunday = 5, 6
    assert EARLY.start_for("Europe/Dublin", DST_MONDAY, saturday).hour == 6
    assert EARLY.start_for("Europe/Dublin", DST_MONDAY, sunday).hour == 5  # 06:00 IST
    night = NIGHT.start_for("Europe/Dublin", DST_MONDAY, saturday)
    assert night == datetime(2026, 3, 28, 22, tzinfo=UTC)
    # eight hours elapsed: it ends at 06:00 UTC, which the Irish clock shows as 07:00
    ends = night + timedelta(minutes=NIGHT.minutes)
    assert (ends.hour, ends.astimezone(ZoneInfo("Europe/Dublin")).hour) == (6, 7)
    # 01:30 does not exist that night: the shift starts when 01:30 GMT would have been
    gap = ShiftType("E0130", 480, EMERGENCY, local_start=time(1, 30))
    assert gap.start_for("Europe/Dublin", DST_MONDAY, sunday) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


def test_a_week_across_the_change_is_covered_on_the_local_clock() -> None:
    needed = local_requirements(
        period_start=DST_MONDAY,
        days=7,
        skill="emergency",
        minimum=1,
        zone="Europe/Dublin",
        start=time(6),
        end=time(14),
    )
    assert {r.hour for r in needed if r.hour >= 6 * 24} == set(range(6 * 24 + 5, 6 * 24 + 13))
    asked = problem((person("alex"), person("bo")), needed, days=7, period_start=DST_MONDAY)
    result = plan(asked, seconds=5)
    assert result.gaps == ()
    sunday = [a for a in result.assignments if a.day == 6]
    assert [(a.start.hour, a.end - a.start) for a in sunday] == [(5, timedelta(hours=8))]
    assert check_plan(asked, result) == []


def test_the_checker_catches_a_roster_that_breaks_the_rules() -> None:
    asked = problem((person("alex"),), hours(14, 22) + hours(30, 38))
    result = plan(asked, seconds=5)
    assert check_plan(asked, result) == []
    late_start, early_start = MONDAY + timedelta(hours=14), MONDAY + timedelta(hours=30)
    late = Assignment("alex", 0, "E14", late_start, late_start + timedelta(hours=8))
    early = Assignment("alex", 1, "E06", early_start, early_start + timedelta(hours=8))
    both = replace(result, assignments=(late, early), gaps=())
    assert check_plan(asked, both) == ["alex: only 8:00:00 rest before day 1"]
    unreported = replace(result, gaps=())
    assert any("gap not reported" in p for p in check_plan(asked, unreported))
    moved = replace(late, start=late.start + timedelta(hours=1))
    assert "alex: E14 on day 0 has the wrong times" in check_plan(
        asked, replace(result, assignments=(moved,))
    )
    stranger = replace(result, assignments=(replace(late, person="zed"),))
    assert "unknown person 'zed'" in check_plan(asked, stranger)


def test_the_heatmap_sets_rostered_against_required_per_hour_of_week() -> None:
    asked = problem((person("alex"),), hours(6, 14, minimum=2), days=7)
    result = plan(asked, seconds=5)
    cells = {(c.hour_of_week, c.skill): c for c in heatmap(asked, result.assignments)}
    assert len(cells) == 168  # one skill required
    monday_seven = cells[7, "emergency"]
    assert (monday_seven.required, monday_seven.rostered, monday_seven.short_hours) == (2, 1, 1)
    assert (cells[20, "emergency"].required, cells[20, "emergency"].short_hours) == (0, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period_start": datetime(2026, 3, 2, 9, 30, tzinfo=UTC)}, "period_start:"),
        ({"period_start": datetime(2026, 3, 2)}, "is not a whole hour in UTC"),
        ({"days": 0}, "days: 0 is outside 1..42"),
        (
            {"people": (person("alex", zone="Europe/Atlantis"),)},
            "people[0].zone: 'Europe/Atlantis' is not an IANA time zone",
        ),
        ({"people": (person("alex"), person("alex"))}, "people: a person id appears twice"),
        (
            {"shift_types": (ShiftType("X", 480, EMERGENCY),)},
            "shift_types[0]: give exactly one of local_start and utc_start_minute",
        ),
    ],
)
def test_a_problem_the_planner_cannot_read_is_refused_naming_the_field(
    change: dict, message: str
) -> None:
    asked = problem((person("alex"),), hours(6, 14))
    with pytest.raises(PlanningError) as refused:
        replace(asked, **change)
    assert message in str(refused.value)
