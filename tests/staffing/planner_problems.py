"""Small planning problems whose right answer can be worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, time

from exigent.staffing.planning import Person, PlanningProblem, Requirement, ShiftType

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
EMERGENCY = frozenset({"emergency"})

# three 8-hour shifts on the Dublin clock that cover the day; a night may not be followed
# by an early the next day (the rest rule forbids it too)
EARLY = ShiftType("E06", 480, EMERGENCY, local_start=time(6))
LATE = ShiftType("E14", 480, EMERGENCY, local_start=time(14))
NIGHT = ShiftType(
    "E22", 480, EMERGENCY, local_start=time(22), night=True, forbidden_successors=frozenset({"E06"})
)


def person(pid: str, **overrides: object) -> Person:
    """Someone in Dublin who could work any shift, with hours that never force one."""
    fields: dict = {
        "id": pid,
        "name": pid.title(),
        "zone": "Europe/Dublin",
        "skills": EMERGENCY,
        "contracted_minutes_per_week": 0,
        "tolerance_minutes_per_week": 7 * 720,  # up to 12 hours a day
        "max_nights": 7,
        "max_weekends": 2,
    }
    fields.update(overrides)
    return Person(**fields)


def every_hour(days: int, skill: str = "emergency", minimum: int = 1) -> tuple[Requirement, ...]:
    return tuple(Requirement(h, skill, minimum) for h in range(days * 24))


def hours(first: int, last: int, skill: str = "emergency", minimum: int = 1) -> tuple:
    """Requirements for the period's hours first..last-1."""
    return tuple(Requirement(h, skill, minimum) for h in range(first, last))


def problem(people: tuple[Person, ...], requirements: tuple, days: int = 2, **kw: object):
    return PlanningProblem(
        period_start=kw.pop("period_start", MONDAY),  # type: ignore[arg-type]
        days=days,
        people=people,
        shift_types=kw.pop("shift_types", (EARLY, LATE, NIGHT)),  # type: ignore[arg-type]
        requirements=requirements,
        **kw,  # type: ignore[arg-type]
    )
