"""Parser for shift-scheduling benchmark instances (schedulingbenchmarks.org format).

The result is a tree of frozen dataclasses so the solver, the checker and later the ERT
roster can share one description of the problem without sharing code paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class InstanceError(ValueError):
    """Bad benchmark input; the message names the section, field and line."""


@dataclass(frozen=True)
class Shift:
    id: str
    minutes: int
    cannot_follow: frozenset[str]  # shift IDs that may not be worked the next day


@dataclass(frozen=True)
class Employee:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_consecutive_off: int
    max_weekends: int
    days_off: frozenset[int]


@dataclass(frozen=True)
class Request:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Instance:
    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    employees: tuple[Employee, ...]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    covers: tuple[Cover, ...]

    @property
    def weekends(self) -> list[tuple[int, int]]:
        """(Saturday, Sunday) day indexes; every instance starts on a Monday."""
        return [(d, d + 1) for d in range(5, self.horizon - 1, 7)]


Line = tuple[int, str]


def sections(text: str) -> dict[str, list[Line]]:
    """Each section's data lines with their line numbers, comments and blank lines left out."""
    found: dict[str, list[Line]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            found[current] = []
        elif current is None:
            raise InstanceError(f"line {number}: data before any SECTION_ header")
        else:
            found[current].append((number, line))
    missing = [name for name in SECTIONS if name not in found]
    if missing:
        raise InstanceError(f"missing section {missing[0]}")
    return found


def _int(value: str, section: str, field: str, number: int, minimum: int = 0) -> int:
    try:
        result = int(value.strip())
    except ValueError:
        raise InstanceError(
            f"{section} line {number}: {field} must be a whole number, got {value.strip()!r}"
        ) from None
    if result < minimum:
        raise InstanceError(f"{section} line {number}: {field} must be at least {minimum}")
    return result


def _fields(line: Line, section: str, count: int, names: str) -> list[str]:
    number, text = line
    parts = text.split(",")
    if len(parts) < count:
        raise InstanceError(f"{section} line {number}: expected {count} fields ({names})")
    return parts


def _shifts(lines: list[Line]) -> tuple[Shift, ...]:
    section = "SECTION_SHIFTS"
    shifts = []
    for line in lines:
        parts = _fields(line, section, 2, "ShiftID, Length")
        number = line[0]
        follow = parts[2] if len(parts) > 2 else ""
        banned = frozenset(s.strip() for s in follow.split("|") if s.strip())
        shifts.append(Shift(parts[0].strip(), _int(parts[1], section, "Length", number, 1), banned))
    if not shifts:
        raise InstanceError(f"{section}: no shifts")
    return tuple(shifts)


def _max_shifts(value: str, number: int, shift_ids: set[str]) -> dict[str, int]:
    section = "SECTION_STAFF"
    limits = {}
    for item in value.split("|"):
        if "=" not in item:
            raise InstanceError(f"{section} line {number}: MaxShifts item {item!r} is not ID=N")
        shift, limit = item.split("=", 1)
        if shift.strip() not in shift_ids:
            raise InstanceError(f"{section} line {number}: MaxShifts names unknown shift {shift!r}")
        limits[shift.strip()] = _int(limit, section, "MaxShifts", number)
    return limits


def _staff(
    lines: list[Line], shift_ids: set[str], days_off: dict[str, set[int]]
) -> tuple[Employee, ...]:
    section = "SECTION_STAFF"
    names = (
        "MaxTotalMinutes",
        "MinTotalMinutes",
        "MaxConsecutiveShifts",
        "MinConsecutiveShifts",
        "MinConsecutiveDaysOff",
        "MaxWeekends",
    )
    staff = []
    for line in lines:
        number = line[0]
        parts = _fields(line, section, 8, "ID, MaxShifts, " + ", ".join(names))
        ints = [_int(v, section, n, number) for v, n in zip(parts[2:8], names, strict=True)]
        employee_id = parts[0].strip()
        staff.append(
            Employee(
                employee_id,
                _max_shifts(parts[1], number, shift_ids),
                max_minutes=ints[0],
                max_consecutive=ints[2],
                min_minutes=ints[1],
                min_consecutive=ints[3],
                min_consecutive_off=ints[4],
                max_weekends=ints[5],
                days_off=frozenset(days_off.get(employee_id, set())),
            )
        )
    return tuple(staff)


def _days_off(lines: list[Line], horizon: int) -> dict[str, set[int]]:
    section = "SECTION_DAYS_OFF"
    result: dict[str, set[int]] = {}
    for number, text in lines:
        parts = text.split(",")
        days = {_int(p, section, "DayIndex", number) for p in parts[1:] if p.strip()}
        if any(d >= horizon for d in days):
            raise InstanceError(f"{section} line {number}: DayIndex beyond the horizon")
        result.setdefault(parts[0].strip(), set()).update(days)
    return result


def _requests(lines: list[Line], section: str, ctx: _Context) -> tuple[Request, ...]:
    requests = []
    for line in lines:
        number = line[0]
        parts = _fields(line, section, 4, "EmployeeID, Day, ShiftID, Weight")
        request = Request(
            parts[0].strip(),
            _int(parts[1], section, "Day", number),
            parts[2].strip(),
            _int(parts[3], section, "Weight", number),
        )
        ctx.check(section, number, request.day, request.shift, request.employee)
        requests.append(request)
    return tuple(requests)


def _covers(lines: list[Line], ctx: _Context) -> tuple[Cover, ...]:
    section = "SECTION_COVER"
    covers = []
    for line in lines:
        number = line[0]
        parts = _fields(
            line, section, 5, "Day, ShiftID, Requirement, Weight for under, Weight for over"
        )
        cover = Cover(
            _int(parts[0], section, "Day", number),
            parts[1].strip(),
            _int(parts[2], section, "Requirement", number),
            _int(parts[3], section, "Weight for under", number),
            _int(parts[4], section, "Weight for over", number),
        )
        ctx.check(section, number, cover.day, cover.shift, None)
        covers.append(cover)
    return tuple(covers)


@dataclass(frozen=True)
class _Context:
    horizon: int
    shift_ids: set[str]
    employee_ids: set[str]

    def check(self, section: str, number: int, day: int, shift: str, employee: str | None) -> None:
        if day >= self.horizon:
            raise InstanceError(f"{section} line {number}: Day {day} is beyond the horizon")
        if shift not in self.shift_ids:
            raise InstanceError(f"{section} line {number}: unknown ShiftID {shift!r}")
        if employee is not None and employee not in self.employee_ids:
            raise InstanceError(f"{section} line {number}: unknown EmployeeID {employee!r}")


def parse_instance(text: str, name: str = "instance") -> Instance:
    parts = sections(text)
    horizon_lines = parts["SECTION_HORIZON"]
    if not horizon_lines:
        raise InstanceError("SECTION_HORIZON: no horizon length")
    number, value = horizon_lines[0]
    horizon = _int(value, "SECTION_HORIZON", "horizon length", number, 1)
    shifts = _shifts(parts["SECTION_SHIFTS"])
    shift_ids = {s.id for s in shifts}
    days_off = _days_off(parts["SECTION_DAYS_OFF"], horizon)
    staff = _staff(parts["SECTION_STAFF"], shift_ids, days_off)
    ctx = _Context(horizon, shift_ids, {e.id for e in staff})
    return Instance(
        name=name,
        horizon=horizon,
        shifts=shifts,
        employees=staff,
        on_requests=_requests(parts["SECTION_SHIFT_ON_REQUESTS"], "SECTION_SHIFT_ON_REQUESTS", ctx),
        off_requests=_requests(
            parts["SECTION_SHIFT_OFF_REQUESTS"], "SECTION_SHIFT_OFF_REQUESTS", ctx
        ),
        covers=_covers(parts["SECTION_COVER"], ctx),
    )


def read_instance(path: Path) -> Instance:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InstanceError(f"cannot read {path}: {exc.strerror}") from None
    return parse_instance(text, name=path.stem)
