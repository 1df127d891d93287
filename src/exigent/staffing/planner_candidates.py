"""The shifts each person could be given in a planning period, before the rules between
shifts apply, and the hours their contract asks for.

Kept apart from the CP-SAT model (`planner_model`) so that what reads a plan (the heatmap,
the explanations) does not load the solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from exigent.staffing.planning import EMERGENCY, Person, PlanningProblem, ShiftType


@dataclass(frozen=True)
class Candidate:
    """A shift a person could be given: its place in the period in minutes and hours."""

    person: int  # index into problem.people
    day: int
    shift: ShiftType
    start: int  # minutes after the period start
    end: int
    local_date: date
    skills: frozenset[str]  # what they would serve: the shift's skills they have

    @property
    def hours(self) -> range:
        """The period's hours this shift covers whole."""
        return range(-(-self.start // 60), self.end // 60)

    @property
    def weekend(self) -> date | None:
        """The Saturday of the weekend this shift starts in, on the person's clock."""
        weekday = self.local_date.weekday()
        return self.local_date - timedelta(days=weekday - 5) if weekday >= 5 else None

    @property
    def emergency(self) -> bool:
        return EMERGENCY in self.skills


def target_minutes(problem: PlanningProblem, person: Person) -> tuple[int, int]:
    """The contracted minutes for the period, less time off, and the tolerance either side."""
    period = problem.days * 24 * 60
    end = problem.period_start + timedelta(minutes=period)
    off = 0
    for leave in person.time_off:
        overlap = min(leave.end, end) - max(leave.start, problem.period_start)
        off += max(0, int(overlap.total_seconds() // 60))
    off = min(off, period)
    week = 7 * 24 * 60
    target = person.contracted_minutes_per_week * (period - off) // week
    tolerance = person.tolerance_minutes_per_week * problem.days // 7
    return target, tolerance


def _start_allowed(person: Person, local: datetime) -> bool:
    clock = local.time()
    if person.earliest_start is not None and clock < person.earliest_start:
        return False
    return person.latest_start is None or clock <= person.latest_start


def candidates(problem: PlanningProblem) -> list[Candidate]:
    """Every shift each person could be given before the rules between shifts apply."""
    out = []
    period_end = problem.period_start + timedelta(hours=problem.hours)
    for index, person in enumerate(problem.people):
        tz = ZoneInfo(person.zone)
        for day in range(problem.days):
            for shift in problem.shift_types:
                serves = shift.skills & person.skills
                start = shift.start_for(person.zone, problem.period_start, day)
                end = start + timedelta(minutes=shift.minutes)
                if not serves or not problem.period_start <= start < period_end:
                    continue
                local = start.astimezone(tz)
                if not _start_allowed(person, local):
                    continue
                if any(t.start < end and start < t.end for t in person.time_off):
                    continue
                offset = int((start - problem.period_start).total_seconds() // 60)
                out.append(
                    Candidate(
                        index, day, shift, offset, offset + shift.minutes, local.date(), serves
                    )
                )
    return out
