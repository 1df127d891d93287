"""Independent checker: recomputes every hard rule and the objective from a roster.

It deliberately shares nothing with the solver but the parsed instance, so a modelling
mistake in the solver shows up as a disagreement here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from exigent.staffing.benchmark_format import Employee, Instance

# employee -> day -> shift; a missing day is a day off
Roster = dict[str, dict[int, str]]


@dataclass
class Verdict:
    objective: int
    violations: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.violations


def _runs(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """(start, length) of each maximal run of `value`."""
    runs, start = [], None
    for day, flag in enumerate([*worked, not value]):
        if flag == value and start is None:
            start = day
        elif flag != value and start is not None:
            runs.append((start, day - start))
            start = None
    return runs


def _employee_violations(inst: Instance, emp: Employee, days: dict[int, str]) -> list[str]:
    out = []
    minutes = {s.id: s.minutes for s in inst.shifts}
    banned = {s.id: s.cannot_follow for s in inst.shifts}
    for day, shift in days.items():
        if shift not in minutes or not 0 <= day < inst.horizon:
            out.append(f"{emp.id}: unknown shift {shift!r} or day {day}")
            return out
        if day in emp.days_off:
            out.append(f"{emp.id}: works on day off {day}")
        if day + 1 in days and days[day + 1] in banned[shift]:
            out.append(f"{emp.id}: {days[day + 1]} on day {day + 1} may not follow {shift}")
    for shift, count in Counter(days.values()).items():
        if count > emp.max_shifts.get(shift, 0):
            out.append(f"{emp.id}: {count} {shift} shifts, max {emp.max_shifts.get(shift, 0)}")
    total = sum(minutes[s] for s in days.values())
    if not emp.min_minutes <= total <= emp.max_minutes:
        out.append(f"{emp.id}: {total} minutes outside [{emp.min_minutes}, {emp.max_minutes}]")
    worked = [d in days for d in range(inst.horizon)]
    last = inst.horizon
    for start, length in _runs(worked, True):
        if length > emp.max_consecutive:
            out.append(f"{emp.id}: {length} consecutive shifts from day {start}")
        # a run touching either end of the horizon may continue outside it
        if length < emp.min_consecutive and start > 0 and start + length < last:
            out.append(f"{emp.id}: only {length} consecutive shifts from day {start}")
    for start, length in _runs(worked, False):
        if length < emp.min_consecutive_off and start > 0 and start + length < last:
            out.append(f"{emp.id}: only {length} consecutive days off from day {start}")
    weekends = sum(1 for sat, sun in inst.weekends if worked[sat] or worked[sun])
    if weekends > emp.max_weekends:
        out.append(f"{emp.id}: {weekends} weekends worked, max {emp.max_weekends}")
    return out


def objective(inst: Instance, roster: Roster) -> int:
    total = 0
    for req in inst.on_requests:
        if roster.get(req.employee, {}).get(req.day) != req.shift:
            total += req.weight
    for req in inst.off_requests:
        if roster.get(req.employee, {}).get(req.day) == req.shift:
            total += req.weight
    staffed = Counter((day, shift) for days in roster.values() for day, shift in days.items())
    for cover in inst.covers:
        have = staffed[(cover.day, cover.shift)]
        total += cover.under_weight * max(0, cover.requirement - have)
        total += cover.over_weight * max(0, have - cover.requirement)
    return total


def check(inst: Instance, roster: Roster) -> Verdict:
    known = {e.id for e in inst.employees}
    violations = [f"unknown employee {e!r}" for e in roster if e not in known]
    for emp in inst.employees:
        violations += _employee_violations(inst, emp, roster.get(emp.id, {}))
    return Verdict(objective(inst, roster), violations)


def read_roster_csv(text: str) -> Roster:
    lines = text.strip().splitlines()
    if not lines or lines[0].strip() != "employee,day,shift":
        raise ValueError("roster CSV must start with the header employee,day,shift")
    roster: Roster = {}
    for number, line in enumerate(lines[1:], start=2):
        employee, day, shift = (p.strip() for p in line.split(","))
        days = roster.setdefault(employee, {})
        if int(day) in days:
            raise ValueError(f"line {number}: {employee} has two shifts on day {day}")
        days[int(day)] = shift
    return roster
