"""Independent check of a planned roster against every hard rule of its problem.

It shares nothing with the planner's model but the problem's dataclasses: times are
worked out again from the shift types and zones, so a modelling mistake in the planner
shows up here as a violation. Gaps and hours short are not violations when the result
reports them truthfully.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from exigent.staffing.planning import Assignment, Person, PlanningProblem, PlanResult, ShiftType


def _expected_start(
    problem: PlanningProblem, person: Person, shift: ShiftType, day: int
) -> datetime:
    on = problem.period_start.date() + timedelta(days=day)
    if shift.local_start is not None:
        wall = datetime.combine(on, shift.local_start, tzinfo=ZoneInfo(person.zone))
        return wall.astimezone(UTC)
    return datetime.combine(on, time(), tzinfo=UTC) + timedelta(minutes=shift.utc_start_minute or 0)


def _longest_run(days: set[int]) -> tuple[int, int]:
    """(length, first day) of the longest run of consecutive days."""
    best = (0, 0)
    for d in sorted(days):
        if d - 1 in days:
            continue
        length = 1
        while d + length in days:
            length += 1
        best = max(best, (length, d))
    return best


def _shift_violations(problem: PlanningProblem, person: Person, a: Assignment) -> list[str]:
    out = []
    shifts = {s.code: s for s in problem.shift_types}
    shift = shifts.get(a.shift)
    if shift is None:
        return [f"{person.id}: unknown shift {a.shift!r}"]
    if not 0 <= a.day < problem.days:
        out.append(f"{person.id}: day {a.day} outside the period")
    start = _expected_start(problem, person, shift, a.day)
    if a.start != start or a.end - a.start != timedelta(minutes=shift.minutes):
        out.append(f"{person.id}: {a.shift} on day {a.day} has the wrong times")
    period_end = problem.period_start + timedelta(days=problem.days)
    if not problem.period_start <= a.start < period_end:
        out.append(f"{person.id}: {a.shift} on day {a.day} starts outside the period")
    if not shift.skills & person.skills:
        out.append(f"{person.id}: has none of the skills {a.shift} serves")
    for leave in person.time_off:
        if leave.start < a.end and a.start < leave.end:
            out.append(f"{person.id}: {a.shift} on day {a.day} during {leave.reason}")
    clock = a.start.astimezone(ZoneInfo(person.zone)).time()
    if (person.earliest_start and clock < person.earliest_start) or (
        person.latest_start and clock > person.latest_start
    ):
        out.append(f"{person.id}: {a.shift} on day {a.day} starts at {clock}, outside their window")
    return out


def _between_shifts(problem: PlanningProblem, person: Person, mine: list[Assignment]) -> list[str]:
    out = []
    shifts = {s.code: s for s in problem.shift_types}
    rest = timedelta(minutes=problem.min_rest_minutes)
    ordered = sorted(mine, key=lambda a: a.start)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            out.append(f"{person.id}: {before.shift} and {after.shift} overlap")
        elif after.start - before.end < rest:
            out.append(f"{person.id}: only {after.start - before.end} rest before day {after.day}")
    by_day = {a.day: a.shift for a in mine}
    for day, code in by_day.items():
        follower = by_day.get(day + 1)
        if code in shifts and follower in shifts[code].forbidden_successors:
            out.append(f"{person.id}: {follower} on day {day + 1} may not follow {code}")
    return out


def _limits(problem: PlanningProblem, person: Person, mine: list[Assignment]) -> list[str]:
    out = []
    shifts = {s.code: s for s in problem.shift_types}
    days = {a.day for a in mine}
    run, first = _longest_run(days)
    if run > person.max_consecutive_days:
        out.append(f"{person.id}: {run} days in a row from day {first}")
    nights = {a.day for a in mine if shifts[a.shift].night}
    run, first = _longest_run(nights)
    if run > person.max_consecutive_nights:
        out.append(f"{person.id}: {run} nights in a row from day {first}")
    if len(nights) > person.max_nights:
        out.append(f"{person.id}: {len(nights)} nights, max {person.max_nights}")
    tz = ZoneInfo(person.zone)
    weekends: set[date] = set()
    for a in mine:
        on = a.start.astimezone(tz).date()
        if on.weekday() >= 5:
            weekends.add(on - timedelta(days=on.weekday() - 5))
    if len(weekends) > person.max_weekends:
        out.append(f"{person.id}: {len(weekends)} weekends, max {person.max_weekends}")
    return out


def _hours(
    problem: PlanningProblem, person: Person, mine: list[Assignment], short: int
) -> list[str]:
    """Worked minutes within the contract's tolerance, less time off, or reported short."""
    period = timedelta(days=problem.days)
    end = problem.period_start + period
    off = sum(
        (
            max(timedelta(), min(t.end, end) - max(t.start, problem.period_start))
            for t in person.time_off
        ),
        timedelta(),
    )
    available = int(max(timedelta(), period - off).total_seconds()) // 60
    target = person.contracted_minutes_per_week * available // (7 * 24 * 60)
    tolerance = person.tolerance_minutes_per_week * problem.days // 7
    worked = sum(int((a.end - a.start).total_seconds() // 60) for a in mine)
    out = []
    if worked > target + tolerance:
        out.append(f"{person.id}: {worked} minutes, more than {target} + {tolerance}")
    if short != max(0, target - tolerance - worked):
        out.append(f"{person.id}: {worked} minutes worked, {short} reported short of {target}")
    return out


def _coverage(problem: PlanningProblem, result: PlanResult) -> list[str]:
    need: dict[tuple[int, str], int] = {}
    for req in problem.requirements:
        if 0 <= req.hour < problem.days * 24:
            need[req.hour, req.skill] = max(need.get((req.hour, req.skill), 0), req.minimum)
    people = {p.id: p for p in problem.people}
    shifts = {s.code: s for s in problem.shift_types}
    have: Counter = Counter()
    for a in result.assignments:
        served = people[a.person].skills & shifts[a.shift].skills
        first = (a.start - problem.period_start) / timedelta(hours=1)
        last = (a.end - problem.period_start) / timedelta(hours=1)
        for h in range(max(0, math.ceil(first)), min(problem.days * 24, math.floor(last))):
            for skill in served:
                have[h, skill] += 1
    reported = {(g.hour, g.skill): g for g in result.gaps}
    out = []
    for key, minimum in sorted(need.items()):
        gap = reported.get(key)
        if have[key] < minimum and (gap is None or gap.rostered != have[key] or not gap.reasons):
            out.append(f"hour {key[0]} {key[1]}: {have[key]} of {minimum}, gap not reported")
        if have[key] >= minimum and gap is not None:
            out.append(f"hour {key[0]} {key[1]}: reported as a gap but covered")
    return out


def check_plan(problem: PlanningProblem, result: PlanResult) -> list[str]:
    """Every hard rule the roster breaks, and every figure it misreports; empty when sound."""
    people = {p.id: p for p in problem.people}
    shorts = {s.person: s.minutes_short for s in result.scores}
    mine: dict[str, list[Assignment]] = defaultdict(list)
    out = []
    for a in result.assignments:
        if a.person not in people:
            out.append(f"unknown person {a.person!r}")
        else:
            mine[a.person].append(a)
    for person in problem.people:
        given = mine.get(person.id, [])
        for a in given:
            out += _shift_violations(problem, person, a)
        if out:
            continue
        out += _between_shifts(problem, person, given)
        out += _limits(problem, person, given)
        if result.scores:
            out += _hours(problem, person, given, shorts.get(person.id, 0))
    if not out:
        out += _coverage(problem, result)
    before = {(a.person, a.day, a.shift) for a in problem.current}
    after = {(a.person, a.day, a.shift) for a in result.assignments}
    if problem.current and len(before ^ after) != result.changed:
        out.append(f"{result.changed} shifts reported changed, {len(before ^ after)} did")
    return out
