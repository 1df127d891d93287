"""Coverage of a roster, the reasons behind each gap, and the hour-of-week heatmap.

The reasons are worked out from the roster as it stands: for everyone with the skill who
is not covering the hour, the first thing that keeps them from it (time off, another shift,
the rest rule, their hours, a limit on days, nights or weekends, their start window).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from exigent.staffing.planner_candidates import Candidate, candidates, target_minutes
from exigent.staffing.planning import Assignment, Gap, Person, PlanningProblem

NAMED = 5  # names listed per reason before "and N more"


@dataclass(frozen=True)
class HeatCell:
    """One hour of the week (UTC, Monday 00:00 = 0) and skill, over the whole period."""

    hour_of_week: int
    skill: str
    required: int  # person-hours required, summed over the period's weeks
    rostered: int  # person-hours rostered with the skill, capped at nothing
    short_hours: int  # hours of the period at this hour of week left short


def _served(problem: PlanningProblem, a: Assignment) -> frozenset[str]:
    people = {p.id: p for p in problem.people}
    shifts = {s.code: s for s in problem.shift_types}
    person, shift = people.get(a.person), shifts.get(a.shift)
    return person.skills & shift.skills if person and shift else frozenset()


def _hours(problem: PlanningProblem, a: Assignment) -> range:
    first = (a.start - problem.period_start).total_seconds() / 3600
    last = (a.end - problem.period_start).total_seconds() / 3600
    return range(max(0, -int(-first // 1)), min(problem.hours, int(last // 1)))


def coverage(problem: PlanningProblem, assignments: Iterable[Assignment]) -> Counter:
    """People on shift per (hour, skill) they serve."""
    counts: Counter = Counter()
    for a in assignments:
        served = _served(problem, a)
        for hour in _hours(problem, a):
            for skill in served:
                counts[hour, skill] += 1
    return counts


def requirement_map(problem: PlanningProblem) -> dict[tuple[int, str], int]:
    """The minimum per (hour, skill); the largest wins where requirements overlap."""
    need: dict[tuple[int, str], int] = {}
    for req in problem.requirements:
        if 0 <= req.hour < problem.hours and req.minimum > 0:
            key = (req.hour, req.skill)
            need[key] = max(need.get(key, 0), req.minimum)
    return need


def heatmap(problem: PlanningProblem, assignments: Iterable[Assignment]) -> list[HeatCell]:
    """Required against rostered per hour of the week and skill, for every required skill."""
    need, have = requirement_map(problem), coverage(problem, assignments)
    offset = problem.period_start.weekday() * 24 + problem.period_start.hour
    skills = sorted({skill for _hour, skill in need})
    cells: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for hour in range(problem.hours):
        for skill in skills:
            cell = cells[(hour + offset) % 168, skill]
            required, rostered = need.get((hour, skill), 0), have[hour, skill]
            cell[0] += required
            cell[1] += rostered
            cell[2] += rostered < required
    return [HeatCell(how, skill, *cells[how, skill]) for how in range(168) for skill in skills]


def _names(people: list[Person]) -> str:
    shown = ", ".join(p.name for p in people[:NAMED])
    more = len(people) - NAMED
    return f"{shown} and {more} more" if more > 0 else shown


class _Roster:
    """What each person is given, indexed for the questions a gap asks."""

    def __init__(self, problem: PlanningProblem, assignments: Iterable[Assignment]) -> None:
        self.problem = problem
        self.by_person: dict[str, list[Assignment]] = defaultdict(list)
        for a in assignments:
            self.by_person[a.person].append(a)
        self.shifts = shifts = {s.code: s for s in problem.shift_types}
        self.minutes = {
            pid: sum(shifts[a.shift].minutes for a in mine if a.shift in shifts)
            for pid, mine in self.by_person.items()
        }

    def why_not(self, person: Person, options: list[Candidate]) -> str:
        """The rule that keeps `person` from every shift in `options` (the nearest to free)."""
        if not options:
            return "no shift they may work covers this hour"
        mine = self.by_person.get(person.id, [])
        reasons = [self._blocked_by(person, cand, mine) for cand in options]
        return min(reasons, key=_REASON_ORDER.index)

    def _blocked_by(self, person: Person, cand: Candidate, mine: list[Assignment]) -> str:
        start = self.problem.period_start
        rest = timedelta(minutes=self.problem.min_rest_minutes)
        begin = start + timedelta(minutes=cand.start)
        end = start + timedelta(minutes=cand.end)
        if any(a.start < end + rest and begin < a.end + rest for a in mine):
            return "rest rule"
        by_day = {a.day: a.shift for a in mine}
        before = self.shifts.get(by_day.get(cand.day - 1, ""))
        after = by_day.get(cand.day + 1)
        if (before and cand.shift.code in before.forbidden_successors) or (
            after in cand.shift.forbidden_successors
        ):
            return "shift succession"
        target, tolerance = target_minutes(self.problem, person)
        if self.minutes.get(person.id, 0) + cand.shift.minutes > target + tolerance:
            return "contracted hours"
        if cand.shift.night:
            nights = {a.day for a in mine if self.shifts[a.shift].night}
            if len(nights) >= person.max_nights:
                return "maximum nights"
            if _run_with(nights, cand.day) > person.max_consecutive_nights:
                return "nights in a row"
        if _run_with(set(by_day), cand.day) > person.max_consecutive_days:
            return "days in a row"
        if cand.weekend is not None:
            zone = ZoneInfo(person.zone)
            weekends = {_saturday(a.start.astimezone(zone).date()) for a in mine}
            weekends.discard(None)
            if cand.weekend not in weekends and len(weekends) >= person.max_weekends:
                return "maximum weekends"
        return "free but not rostered"


def _saturday(on: date) -> date | None:
    return on - timedelta(days=on.weekday() - 5) if on.weekday() >= 5 else None


def _run_with(days: set[int], day: int) -> int:
    """Length of the run of consecutive days through `day` once it is worked too."""
    run, d = 1, day - 1
    while d in days:
        run, d = run + 1, d - 1
    d = day + 1
    while d in days:
        run, d = run + 1, d + 1
    return run


_REASON_ORDER = [
    "free but not rostered",
    "maximum weekends",
    "days in a row",
    "nights in a row",
    "maximum nights",
    "contracted hours",
    "shift succession",
    "rest rule",
    "no shift they may work covers this hour",
]


def _explain(
    problem: PlanningProblem,
    roster: _Roster,
    options: dict[tuple[str, int, str], list[Candidate]],
    hour: int,
    skill: str,
    serving: set[str],
    required: int,
) -> tuple[str, ...]:
    at = problem.hour_start(hour)
    skilled = [p for p in problem.people if skill in p.skills]
    reasons: list[str] = []
    if not skilled:
        return (f"nobody has the skill {skill}",)
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in skilled:
        if person.id in serving:
            continue
        leave = next(
            (t for t in person.time_off if t.start < at + timedelta(hours=1) and at < t.end), None
        )
        if leave is not None:
            groups[f"off ({leave.reason})"].append(person)
            continue
        busy = roster.by_person.get(person.id, [])
        if any(a.start <= at and at + timedelta(hours=1) <= a.end for a in busy):
            groups["on another queue"].append(person)
            continue
        groups[roster.why_not(person, options.get((person.id, hour, skill), []))].append(person)
    if len(skilled) < required:
        reasons.append(f"only {len(skilled)} people have the skill {skill}")
    for reason, people in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        reasons.append(f"{reason}: {_names(people)}")
    return tuple(reasons)


def explain_gaps(problem: PlanningProblem, assignments: tuple[Assignment, ...]) -> tuple[Gap, ...]:
    """Every hour and skill left below its minimum, with what kept people from it."""
    need, have = requirement_map(problem), coverage(problem, assignments)
    short = sorted(key for key, minimum in need.items() if have[key] < minimum)
    if not short:
        return ()
    roster = _Roster(problem, assignments)
    options: dict[tuple[str, int, str], list[Candidate]] = defaultdict(list)
    for cand in candidates(problem):
        person = problem.people[cand.person]
        for hour in cand.hours:
            for skill in cand.skills:
                options[person.id, hour, skill].append(cand)
    on_shift: dict[tuple[int, str], set[str]] = defaultdict(set)
    for a in assignments:
        for hour in _hours(problem, a):
            for skill in _served(problem, a):
                on_shift[hour, skill].add(a.person)
    return tuple(
        Gap(
            hour=hour,
            at=problem.hour_start(hour),
            skill=skill,
            required=need[hour, skill],
            rostered=have[hour, skill],
            reasons=_explain(
                problem, roster, options, hour, skill, on_shift[hour, skill], need[hour, skill]
            ),
        )
        for hour, skill in short
    )
