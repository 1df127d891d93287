"""A quick roster to start the solver from: keep what stands, fill gaps, then fill hours.

The solver finds its first roster far sooner from a complete hint than from nothing, and
a re-plan that starts from the current roster (less what became impossible) already
changes only what it must. Every hard rule is kept here; soft ones only steer the choice.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from exigent.staffing.planner_candidates import Candidate, target_minutes
from exigent.staffing.planner_explain import requirement_map
from exigent.staffing.planning import Person, PlanningProblem


@dataclass
class _Week:
    """What one person has been given so far."""

    person: Person
    ceiling: int  # most minutes they may work
    target: int
    banned: dict[str, frozenset[str]]  # shift code -> codes that may not follow it
    starts: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, code)
    days: dict[int, str] = field(default_factory=dict)
    nights: set[int] = field(default_factory=set)
    weekends: set[date] = field(default_factory=set)
    minutes: int = 0


def _run(days: set[int] | dict[int, str], day: int) -> int:
    """Length of the run of consecutive days through `day` if it were worked too."""
    before = 0
    while day - before - 1 in days:
        before += 1
    after = 0
    while day + after + 1 in days:
        after += 1
    return before + 1 + after


def _fits(problem: PlanningProblem, week: _Week, cand: Candidate) -> bool:
    person, shift, banned = week.person, cand.shift, week.banned
    if week.minutes + shift.minutes > week.ceiling or cand.day in week.days:
        return False
    rest = problem.min_rest_minutes
    at = bisect_left(week.starts, (cand.start, cand.end, ""))
    if at > 0 and week.starts[at - 1][1] + rest > cand.start:
        return False
    if at < len(week.starts) and cand.end + rest > week.starts[at][0]:
        return False
    before, after = week.days.get(cand.day - 1), week.days.get(cand.day + 1)
    if before is not None and shift.code in banned[before]:
        return False
    if after is not None and after in shift.forbidden_successors:
        return False
    if _run(week.days, cand.day) > person.max_consecutive_days:
        return False
    if shift.night and (
        len(week.nights) >= person.max_nights
        or _run(week.nights, cand.day) > person.max_consecutive_nights
    ):
        return False
    weekend = cand.weekend
    return not (
        weekend is not None
        and weekend not in week.weekends
        and len(week.weekends) >= person.max_weekends
    )


def _give(week: _Week, cand: Candidate) -> None:
    insort(week.starts, (cand.start, cand.end, cand.shift.code))
    week.days[cand.day] = cand.shift.code
    week.minutes += cand.shift.minutes
    if cand.shift.night:
        week.nights.add(cand.day)
    if cand.weekend is not None:
        week.weekends.add(cand.weekend)


def _soft_cost(problem: PlanningProblem, week: _Week, cand: Candidate) -> float:
    """Roughly what the objective would charge for this shift, to break ties."""
    person, weights = week.person, problem.weights
    cost = 0.0
    if cand.emergency:
        cost += weights.exposure * person.exposure
        block = person.recovery_block(problem)
        start = problem.period_start + timedelta(minutes=cand.start)
        if block is not None and block[0] <= start < block[1]:
            cost += weights.recovery
    for pref in person.preferences:
        on_day = pref.day is None or pref.day == cand.day
        if not pref.wanted and on_day and pref.shift in (None, cand.shift.code):
            cost += weights.preference * pref.weight
    cost += weights.fairness * (cand.shift.night + (cand.weekend is not None))
    return cost


def starting_roster(problem: PlanningProblem, cands: list[Candidate]) -> set[int]:
    """Indices into `cands` of a roster that breaks no hard rule."""
    weeks = []
    banned = {s.code: s.forbidden_successors for s in problem.shift_types}
    for person in problem.people:
        target, tolerance = target_minutes(problem, person)
        weeks.append(_Week(person, target + tolerance, target, banned))
    chosen: set[int] = set()
    ids = {person.id: p for p, person in enumerate(problem.people)}
    current = {(ids.get(a.person), a.day, a.shift) for a in problem.current}
    for i, cand in enumerate(cands):
        key = (cand.person, cand.day, cand.shift.code)
        if key in current and _fits(problem, weeks[cand.person], cand):
            _give(weeks[cand.person], cand)
            chosen.add(i)
    _cover(problem, cands, weeks, chosen)
    _fill_hours(problem, cands, weeks, chosen)
    return chosen


def _cover(
    problem: PlanningProblem, cands: list[Candidate], weeks: list[_Week], chosen: set[int]
) -> None:
    """Hour by hour, give the shift that covers most of what is still missing."""
    missing = dict(requirement_map(problem))
    for i in chosen:
        for hour in cands[i].hours:
            for skill in cands[i].skills:
                if missing.get((hour, skill), 0) > 0:
                    missing[hour, skill] -= 1
    covering: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, cand in enumerate(cands):
        for hour in cand.hours:
            for skill in cand.skills:
                if (hour, skill) in missing:
                    covering[hour, skill].append(i)
    # the scarcest first: an hour few can cover must not find them all used up
    for key in sorted(missing, key=lambda k: (len(covering[k]), k)):
        while missing[key] > 0:
            best, best_score = None, float("-inf")
            for i in covering[key]:
                cand, week = cands[i], weeks[cands[i].person]
                if i in chosen or not _fits(problem, week, cand):
                    continue
                gain = sum(
                    1
                    for hour in cand.hours
                    for skill in cand.skills
                    if missing.get((hour, skill), 0) > 0
                )
                room = (week.target - week.minutes) / max(1, week.target)
                score = 100 * gain + 50 * room - _soft_cost(problem, week, cand)
                if score > best_score:
                    best, best_score = i, score
            if best is None:
                break
            _give(weeks[cands[best].person], cands[best])
            chosen.add(best)
            for hour in cands[best].hours:
                for skill in cands[best].skills:
                    if missing.get((hour, skill), 0) > 0:
                        missing[hour, skill] -= 1


def _fill_hours(
    problem: PlanningProblem, cands: list[Candidate], weeks: list[_Week], chosen: set[int]
) -> None:
    """Bring everyone up to their contracted minutes with their cheapest shifts."""
    mine: dict[int, list[int]] = defaultdict(list)
    for i, cand in enumerate(cands):
        mine[cand.person].append(i)
    for p, week in enumerate(weeks):
        options = sorted(mine[p], key=lambda i: _soft_cost(problem, week, cands[i]))
        for i in options:
            if week.minutes + cands[i].shift.minutes > week.target:
                continue
            if i not in chosen and _fits(problem, week, cands[i]):
                _give(week, cands[i])
                chosen.add(i)
