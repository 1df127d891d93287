"""Neighbourhoods for the large-neighbourhood search: which (employee, day) cells of the best
roster one attempt may change. Each takes the instance, the best roster, a random source and
a size between 0 and 1 that the search adapts, and returns the free cells.

They are tuned to rostering: a few employees over the whole horizon (moves shifts between
people), all employees over a window of days (repairs cover), the days around a cover miss,
the days around a miss together with the days around a surplus (moves a shift from one to
the other), the employees able to take a missed shift, the days around an unmet request,
half the staff over a window, the employees whose requests cost most, two weekends with
the days around them, and an employee who leaves weekend days unworked with the weekends
they could trade.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable

from exigent.staffing.benchmark_format import Cover, Instance
from exigent.staffing.checker import Roster
from exigent.staffing.solver import Cell

Neighbourhood = Callable[[Instance, Roster, random.Random, float], set[Cell]]


def _some_employees(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    emps = [e.id for e in inst.employees]
    chosen = rng.sample(emps, min(len(emps), max(2, round(len(emps) * size))))
    return {(e, d) for e in chosen for d in range(inst.horizon)}


def _window_of_days(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    width = min(inst.horizon, max(2, round(inst.horizon * size)))
    start = rng.randrange(0, inst.horizon - width + 1)
    return {(e.id, d) for e in inst.employees for d in range(start, start + width)}


def _costly_employees(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """Employees whose unmet requests cost most, weighted draw, plus random company."""
    cost = {e.id: 1 for e in inst.employees}
    for r in inst.on_requests:
        if roster.get(r.employee, {}).get(r.day) != r.shift:
            cost[r.employee] += r.weight
    for r in inst.off_requests:
        if roster.get(r.employee, {}).get(r.day) == r.shift:
            cost[r.employee] += r.weight
    count = min(len(cost), max(2, round(len(cost) * size)))
    chosen: set[str] = set()
    pool = dict(cost)
    while len(chosen) < count:
        emp = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.add(emp)
        del pool[emp]
    return {(e, d) for e in chosen for d in range(inst.horizon)}


def _employees_in_window(
    inst: Instance, roster: Roster, rng: random.Random, size: float
) -> set[Cell]:
    """Half the employees over a window twice as wide as `size` would give alone."""
    emps = [e.id for e in inst.employees]
    chosen = rng.sample(emps, min(len(emps), max(2, len(emps) // 2)))
    width = min(inst.horizon, max(3, round(inst.horizon * size * 2)))
    start = rng.randrange(0, inst.horizon - width + 1)
    return {(e, d) for e in chosen for d in range(start, start + width)}


def _around_a_gap(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """All employees over days around a cover miss, and two employees over the whole horizon
    who could take or give up the shift: for a cover short of staff, one of them could work
    one more of its shift, since cover the others cannot give is cover only they can."""
    staffed = Counter(shift_day for days in roster.values() for shift_day in days.items())
    gaps = [c for c in inst.covers if staffed[c.day, c.shift] != c.requirement]
    if not gaps:
        return _window_of_days(inst, roster, rng, size)
    gap = rng.choice(gaps)
    width = min(inst.horizon, max(2, round(inst.horizon * size)))
    start = min(max(0, gap.day - rng.randrange(width)), inst.horizon - width)
    emps = rng.sample([e.id for e in inst.employees], min(2, len(inst.employees)))
    spare = _spare_hands(inst, roster, {gap.shift})
    if staffed[gap.day, gap.shift] < gap.requirement and spare:
        emps[0] = rng.choice(spare)
    return {(e.id, d) for e in inst.employees for d in range(start, start + width)} | {
        (e, d) for e in emps for d in range(inst.horizon)
    }


def _misses(inst: Instance, roster: Roster) -> tuple[list[Cover], list[Cover]]:
    """Covers staffed below and above their requirement."""
    staffed = Counter(shift_day for days in roster.values() for shift_day in days.items())
    under = [c for c in inst.covers if staffed[c.day, c.shift] < c.requirement]
    over = [c for c in inst.covers if staffed[c.day, c.shift] > c.requirement]
    return under, over


def _window(inst: Instance, day: int, width: int, rng: random.Random) -> range:
    start = min(max(0, day - rng.randrange(width)), inst.horizon - width)
    return range(start, start + width)


def _gap_and_surplus(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """All employees over two short windows, one around a cover miss and one around a cover
    staffed above its need, so anyone may move a shift from the surplus to the gap without
    changing how much they work."""
    under, over = _misses(inst, roster)
    if not under:
        return _window_of_days(inst, roster, rng, size)
    gap = rng.choices(under, weights=[c.under_weight for c in under])[0]
    width = min(inst.horizon, max(2, round(inst.horizon * size / 2)))
    days = set(_window(inst, gap.day, width, rng))
    other = rng.choice(over).day if over else rng.randrange(inst.horizon)
    days |= set(_window(inst, other, width, rng))
    return {(e.id, d) for e in inst.employees for d in days}


def _gap_employees(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """Whole horizon for employees who could take a missed shift (allowed it and off that
    day) and for some who work the day anyway, so the shift can be rebuilt around them."""
    under, _ = _misses(inst, roster)
    if not under:
        return _some_employees(inst, roster, rng, size)
    gap = rng.choices(under, weights=[c.under_weight for c in under])[0]
    count = min(len(inst.employees), max(3, round(len(inst.employees) * size)))
    able = [
        e.id
        for e in inst.employees
        if e.max_shifts.get(gap.shift, 0) > 0 and gap.day not in e.days_off
    ]
    idle = [e for e in able if gap.day not in roster.get(e, {})]
    busy = [e for e in able if gap.day in roster.get(e, {})]
    rng.shuffle(idle)
    rng.shuffle(busy)
    chosen = idle[: max(1, count // 2)]
    chosen += busy[: count - len(chosen)]
    return {(e, d) for e in chosen for d in range(inst.horizon)}


def _around_a_request(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """All employees over days around an unmet request (drawn by weight), and the employee
    who made it over the whole horizon: someone else takes the shift they asked not to work,
    or gives up the one they asked for."""
    unmet = [r for r in inst.on_requests if roster.get(r.employee, {}).get(r.day) != r.shift]
    unmet += [r for r in inst.off_requests if roster.get(r.employee, {}).get(r.day) == r.shift]
    if not unmet:
        return _window_of_days(inst, roster, rng, size)
    request = rng.choices(unmet, weights=[r.weight for r in unmet])[0]
    width = min(inst.horizon, max(2, round(inst.horizon * size)))
    days = _window(inst, request.day, width, rng)
    return {(e.id, d) for e in inst.employees for d in days} | {
        (request.employee, d) for d in range(inst.horizon)
    }


def _spare_hands(inst: Instance, roster: Roster, shifts: set[str]) -> list[str]:
    """Employees who could work one more of some of `shifts` without passing their limits
    for that shift or their total minutes."""
    minutes = {s.id: s.minutes for s in inst.shifts}
    spare = []
    for emp in inst.employees:
        days = roster.get(emp.id, {})
        worked = sum(minutes[s] for s in days.values())
        counts = Counter(days.values())
        if any(
            counts[s] < emp.max_shifts.get(s, 0) and worked + minutes[s] <= emp.max_minutes
            for s in shifts
        ):
            spare.append(emp.id)
    return spare


def _around_weekends(inst: Instance, weekends: Iterable[int], pad: int) -> set[int]:
    """The days of some weekends, each with `pad` days either side."""
    days: set[int] = set()
    for w in weekends:
        sat, sun = inst.weekends[w]
        days |= set(range(max(0, sat - pad), min(inst.horizon, sun + pad + 1)))
    return days


def _two_weekends(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """All employees over two weekends and the days either side of each, and one employee
    who could work more of a missed shift over the whole horizon. Most staff may work only
    some weekends, so covering one weekend better means someone gives up another: no single
    window of days can make that move, and a whole employee is too big to solve."""
    if len(inst.weekends) < 2:
        return _window_of_days(inst, roster, rng, size)
    under, _ = _misses(inst, roster)
    short = Counter(c.day for c in under)
    weights = [1 + short[sat] + short[sun] for sat, sun in inst.weekends]
    first = rng.choices(range(len(inst.weekends)), weights=weights)[0]
    second = rng.choice([w for w in range(len(inst.weekends)) if w != first])
    # a size of 0.15 gives Thursday to Tuesday around each weekend
    days = _around_weekends(inst, (first, second), max(1, min(4, round(size * 14))))
    free = {(e.id, d) for e in inst.employees for d in days}
    spare = _spare_hands(inst, roster, {c.shift for c in under})
    if spare:
        hand = rng.choice(spare)
        free |= {(hand, d) for d in range(inst.horizon)}
    return free


def _weekend_days_left(inst: Instance, roster: Roster) -> dict[str, list[int]]:
    """Employees who work fewer weekend days than their weekend limit allows, with the
    weekends they work a single day of: a weekend worked on one day uses up a whole weekend
    of the limit for half the cover."""
    left = {}
    for emp in inst.employees:
        days = roster.get(emp.id, {})
        worked = [(sat in days) + (sun in days) for sat, sun in inst.weekends]
        if sum(worked) < 2 * min(emp.max_weekends, len(inst.weekends)):
            left[emp.id] = [w for w, count in enumerate(worked) if count == 1]
    return left


# weekend days the staff may work, against the weekend cover asked, below which weekends are
# scarce: 0.78 on Instance10, 0.99 on Instance7, 1.01 on Instance8, 1.56 on Instance9
SCARCE = 1.2


def weekends_scarce(inst: Instance, roster: Roster) -> bool:
    """Whether the staff's weekend limits leave them few weekend days beyond what the weekend
    covers ask: only then does a roster's cover hang on who works which weekend."""
    weekend = {day for sat_sun in inst.weekends for day in sat_sun}
    need = sum(c.requirement for c in inst.covers if c.day in weekend)
    allowed = sum(min(len(weekend - emp.days_off), 2 * emp.max_weekends) for emp in inst.employees)
    return allowed < need * SCARCE


def _weekend_swap(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """An employee with weekend days to spare over the whole horizon, and everyone over a
    weekend they work one day of and over a short weekend they do not work, with the days
    around each. When weekend cover is short, the roster's misses are the weekend days its
    staff leave unworked, and this frees the move that works one of them: the employee gives
    up the lone day and works both days of the other weekend, while the others rearrange
    around both."""
    under, _ = _misses(inst, roster)
    left = _weekend_days_left(inst, roster)
    if len(inst.weekends) < 2 or not under or not left:
        return _two_weekends(inst, roster, rng, size)
    emp = rng.choice(list(left))
    days = roster.get(emp, {})
    lone = left[emp] or [w for w, (sat, sun) in enumerate(inst.weekends) if sat in days]
    short = Counter(c.day for c in under)
    idle = [
        w
        for w, (sat, sun) in enumerate(inst.weekends)
        if sat not in days and sun not in days and short[sat] + short[sun]
    ]
    first = rng.choice(lone) if lone else rng.randrange(len(inst.weekends))
    others = [w for w in idle if w != first] or [w for w in range(len(inst.weekends)) if w != first]
    second = rng.choice(others)
    # the employee's runs of work and rest must shift around both weekends: from Instance10's
    # stalls, two days either side never removed the miss and three did in 6 of 8 draws
    window = _around_weekends(inst, (first, second), max(3, min(5, round(size * 20))))
    return {(e.id, d) for e in inst.employees for d in window} | {
        (emp, d) for d in range(inst.horizon)
    }


def _every_weekend(inst: Instance, roster: Roster, rng: random.Random, size: float) -> set[Cell]:
    """All employees over every weekend and the Friday and Monday around it, or over the
    weekend days alone while that is all the search can solve: who works which weekend is
    decided for everyone at once, which from a poor roster removes many cover misses."""
    if not inst.weekends:
        return _window_of_days(inst, roster, rng, size)
    days = _around_weekends(inst, range(len(inst.weekends)), 1 if size >= 0.1 else 0)
    return {(e.id, d) for e in inst.employees for d in days}


# deterministic seconds a neighbourhood needs at least to be worth solving: from Instance10's
# stalls the weekend swap removed the miss in 6 of 8 draws with 1.5, and in none with 0.5
WORK_FLOOR = {"weekend swap": 1.5}

# neighbourhoods drawn only where the instance has the trouble they are made for: on
# Instance9, whose staff may work 184 weekend days where the covers ask 118, the weekend swap
# took 2.2-2.8 s an attempt and 40 % of the search's time
APPLIES: dict[str, Callable[[Instance, Roster], bool]] = {"weekend swap": weekends_scarce}

NEIGHBOURHOODS: dict[str, Neighbourhood] = {
    "request": _around_a_request,
    "surplus": _gap_and_surplus,
    "able": _gap_employees,
    "gap": _around_a_gap,
    "employees": _some_employees,
    "days": _window_of_days,
    "costly": _costly_employees,
    "mixed": _employees_in_window,
    "weekends": _two_weekends,
    "all weekends": _every_weekend,
    "weekend swap": _weekend_swap,
}
