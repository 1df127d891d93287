"""The roster planner's CP-SAT model: one Boolean per person, day and shift type.

Only shifts a person could work become variables: a skill the shift serves, a start inside
their window and inside the period, no overlap with their time off. Coverage of an hour is
the sum of the variables of the shifts that cover it. Every soft cost is kept per person so
the result can show each person their own share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ortools.sat.python import cp_model

from exigent.staffing.planner_candidates import Candidate, candidates, target_minutes
from exigent.staffing.planning import PlanningProblem

LinearTerms = list[cp_model.LinearExprT]


@dataclass
class PersonTerms:
    """One person's soft costs, kept apart so the result can break the objective down."""

    preference: LinearTerms = field(default_factory=list)
    fairness: LinearTerms = field(default_factory=list)
    exposure: LinearTerms = field(default_factory=list)
    change: LinearTerms = field(default_factory=list)
    hours: LinearTerms = field(default_factory=list)


@dataclass
class Model:
    cp: cp_model.CpModel
    problem: PlanningProblem
    cands: list[Candidate]
    x: list[cp_model.IntVar]
    shortfall: dict[tuple[int, str], cp_model.IntVar]
    terms: list[PersonTerms]
    objective: LinearTerms = field(default_factory=list)


def _any(cp: cp_model.CpModel, literals: Sequence[cp_model.IntVar]) -> cp_model.IntVar | int:
    """A Boolean true when any of `literals` is; 0 when there are none."""
    if not literals:
        return 0
    if len(literals) == 1:
        return literals[0]
    flag = cp.new_bool_var("")
    cp.add_max_equality(flag, literals)
    return flag


def _at_most_in_a_row(
    cp: cp_model.CpModel, flags: Sequence[cp_model.IntVar | int], longest: int
) -> None:
    for first in range(len(flags) - longest):
        cp.add(sum(flags[first : first + longest + 1]) <= longest)


def _slots(model: Model, mine: list[int]) -> list[tuple[int, int, int, cp_model.IntVar]]:
    """(start, end, day, flag) per distinct time a person could work, whatever the role.

    The shifts of one time clash with each other anyway, so they share one flag (at most
    one of them is worked), and the rules between shifts only look at the flags.
    """
    cands, x = model.cands, model.x
    grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in mine:
        grouped[cands[i].start, cands[i].end].append(i)
    out = []
    for (start, end), members in sorted(grouped.items()):
        if len(members) == 1:
            flag = x[members[0]]
        else:
            flag = model.cp.new_bool_var("")
            model.cp.add(sum(x[i] for i in members) == flag)
        out.append((start, end, cands[members[0]].day, flag))
    return out


def _rest_and_overlap(model: Model, slots: list[tuple[int, int, int, cp_model.IntVar]]) -> None:
    """No two shifts closer than the minimum rest: at most one per stretch that needs it.

    Shift a blocks [a.start, a.end + rest). Two shifts clash exactly when their blocks
    meet, and blocks that meet always share the later one's start, so one at-most-one
    per start is the whole rule.
    """
    rest = model.problem.min_rest_minutes
    reach = max((end - start for start, end, _d, _f in slots), default=0) + rest
    for at, (begin, _end, _day, flag) in enumerate(slots):
        clash = [flag]
        for start, end, _d, other in reversed(slots[:at]):
            if start <= begin - reach:
                break
            if begin < end + rest:
                clash.append(other)
        if len(clash) > 1:
            model.cp.add_at_most_one(clash)


def _person_rules(model: Model, p: int, mine: list[int]) -> dict[str, list]:
    """The hard rules of one person; returns their per-day flags and counts for soft rules."""
    cp, problem, cands, x = model.cp, model.problem, model.cands, model.x
    person = problem.people[p]
    slots = _slots(model, mine)
    _rest_and_overlap(model, slots)
    by_day: dict[int, list[int]] = defaultdict(list)
    for i in mine:
        by_day[cands[i].day].append(i)
    slots_by_day: dict[int, list] = defaultdict(list)
    for _start, _end, day, flag in slots:
        slots_by_day[day].append(flag)
    for i in mine:
        banned = cands[i].shift.forbidden_successors
        for j in by_day.get(cands[i].day + 1, []):
            # a succession the rest rule already forbids needs no clause of its own
            too_close = cands[j].start < cands[i].end + problem.min_rest_minutes
            if cands[j].shift.code in banned and not too_close:
                cp.add_bool_or([x[i].Not(), x[j].Not()])
    worked = [_any(cp, slots_by_day.get(d, [])) for d in range(problem.days)]
    _at_most_in_a_row(cp, worked, person.max_consecutive_days)
    nights = [i for i in mine if cands[i].shift.night]
    night_flags = [
        _any(cp, [x[i] for i in by_day.get(d, []) if cands[i].shift.night])
        for d in range(problem.days)
    ]
    _at_most_in_a_row(cp, night_flags, person.max_consecutive_nights)
    cp.add(sum(x[i] for i in nights) <= person.max_nights)
    weekends: dict[date, list] = defaultdict(list)
    for i in mine:
        if (saturday := cands[i].weekend) is not None:
            weekends[saturday].append(x[i])
    weekend_flags = [_any(cp, flags) for flags in weekends.values()]
    cp.add(sum(weekend_flags) <= person.max_weekends)
    target, tolerance = target_minutes(problem, person)
    minutes = sum(x[i] * cands[i].shift.minutes for i in mine)
    cp.add(minutes <= target + tolerance)
    floor = max(0, target - tolerance)
    short = cp.new_int_var(0, floor, f"short_minutes_{p}")
    cp.add(minutes + short >= floor)
    # within the tolerance, the contract is still the aim: each minute away costs a little
    away = cp.new_int_var(0, max(target, tolerance), f"off_contract_{p}")
    cp.add(minutes - target <= away)
    cp.add(target - minutes <= away)
    weights = problem.weights
    model.terms[p].hours += [weights.hours_shortfall * short, weights.off_contract * away]
    return {
        "worked": worked,
        "nights": [x[i] for i in nights],
        "weekends": weekend_flags,
        "holidays": [x[i] for i in mine if cands[i].local_date in person.holidays],
    }


def _coverage(model: Model) -> None:
    """Each requirement met, or its shortfall paid for at the coverage weight."""
    need: dict[tuple[int, str], int] = {}
    for req in model.problem.requirements:
        if 0 <= req.hour < model.problem.hours and req.minimum > 0:
            key = (req.hour, req.skill)
            need[key] = max(need.get(key, 0), req.minimum)
    serving: dict[tuple[int, str], list] = defaultdict(list)
    for i, cand in enumerate(model.cands):
        for hour in cand.hours:
            for skill in cand.skills:
                if (hour, skill) in need:
                    serving[hour, skill].append(model.x[i])
    weight = model.problem.weights.coverage_shortfall
    for (hour, skill), minimum in need.items():
        short = model.cp.new_int_var(0, minimum, f"short_{hour}_{skill}")
        model.cp.add(sum(serving[hour, skill]) + short >= minimum)
        model.shortfall[hour, skill] = short
        model.objective.append(weight * short)


def _preferences(model: Model, p: int, mine: list[int], worked: list) -> None:
    cands, x = model.cands, model.x
    weight = model.problem.weights.preference
    for pref in model.problem.people[p].preferences:
        cost = weight * pref.weight
        on_day = [i for i in mine if pref.day is None or cands[i].day == pref.day]
        if pref.shift is None and pref.day is not None:
            # a day wanted at work costs when off, a day wanted off costs when worked
            flag = worked[pref.day] if 0 <= pref.day < len(worked) else 0
            model.terms[p].preference.append(cost * (1 - flag) if pref.wanted else cost * flag)
        elif pref.shift is not None and pref.wanted:
            # a shift wanted: every other shift on the day (or any day) costs
            others = [x[i] for i in on_day if cands[i].shift.code != pref.shift]
            model.terms[p].preference.append(cost * sum(others))
        elif pref.shift is not None:
            matching = [x[i] for i in on_day if cands[i].shift.code == pref.shift]
            model.terms[p].preference.append(cost * sum(matching))


def _fairness(model: Model, counts: list[dict[str, list]]) -> None:
    """Nights, weekends and holidays above the team's mean (ledger included) cost each.

    dev_p >= (ledger_p + count_p) - mean, written times n so it stays integral.
    """
    problem, weight = model.problem, model.problem.weights.fairness
    for kind in ("nights", "weekends", "holidays"):
        team = [p for p, c in enumerate(counts) if c[kind]]
        if len(team) < 2:
            continue
        ledgers = {
            p: min(getattr(problem.people[p].ledger, kind), problem.ledger_cap) for p in team
        }
        total = sum(ledgers.values()) + sum(sum(counts[p][kind]) for p in team)
        n = len(team)
        for p in team:
            above = model.cp.new_int_var(0, problem.days + ledgers[p], f"{kind}_above_{p}")
            model.cp.add(n * above >= n * (ledgers[p] + sum(counts[p][kind])) - total)
            model.terms[p].fairness.append(weight * above)


def _starts_in(problem: PlanningProblem, cand: Candidate, block: tuple[datetime, datetime]) -> bool:
    start = problem.period_start + timedelta(minutes=cand.start)
    return block[0] <= start < block[1]


def _exposure(model: Model, p: int, mine: list[int]) -> None:
    """Emergency work moves away from the exposed and waits for the recovering."""
    problem, cands, x = model.problem, model.cands, model.x
    person, budget, weights = problem.people[p], problem.exposure, problem.weights
    emergency = [i for i in mine if cands[i].emergency]
    if not emergency:
        return
    per_shift = round(weights.exposure * person.exposure)
    if per_shift:
        model.terms[p].exposure.append(per_shift * sum(x[i] for i in emergency))
    block = person.recovery_block(problem)
    if block is not None:
        inside = [x[i] for i in emergency if _starts_in(problem, cands[i], block)]
        if inside:
            model.terms[p].exposure.append(weights.recovery * sum(inside))
    if person.exposure >= budget.high:
        longest = budget.max_consecutive_emergency
        days: dict[int, list] = defaultdict(list)
        for i in emergency:
            days[cands[i].day].append(x[i])
        flags = [_any(model.cp, days.get(d, [])) for d in range(problem.days)]
        for first in range(problem.days - longest):
            run = flags[first : first + longest + 1]
            if all(isinstance(f, int) for f in run):
                continue
            beyond = model.cp.new_bool_var(f"emergency_run_{p}_{first}")
            model.cp.add(sum(run) - longest <= beyond)
            model.terms[p].exposure.append(weights.exposed_consecutive * beyond)


def _warm_start(model: Model) -> None:
    """Charge for every shift added to the current roster or taken from it."""
    problem = model.problem
    ids = {person.id: p for p, person in enumerate(problem.people)}
    current = {(ids.get(a.person), a.day, a.shift) for a in problem.current}
    weight = problem.weights.change
    for i, cand in enumerate(model.cands):
        kept = (cand.person, cand.day, cand.shift.code) in current
        if problem.current:
            term = weight * (1 - model.x[i]) if kept else weight * model.x[i]
            model.terms[cand.person].change.append(term)


def build(problem: PlanningProblem) -> Model:
    cp = cp_model.CpModel()
    cands = candidates(problem)
    x = [cp.new_bool_var(f"x_{problem.people[c.person].id}_{c.day}_{c.shift.code}") for c in cands]
    model = Model(cp, problem, cands, x, {}, [PersonTerms() for _ in problem.people])
    owned: dict[int, list[int]] = defaultdict(list)
    for i, cand in enumerate(cands):
        owned[cand.person].append(i)
    counts = []
    for p in range(len(problem.people)):
        mine = owned.get(p, [])
        facts = _person_rules(model, p, mine)
        _preferences(model, p, mine, facts["worked"])
        _exposure(model, p, mine)
        counts.append(facts)
    _fairness(model, counts)
    _coverage(model)
    _warm_start(model)
    for terms in model.terms:
        for part in (terms.preference, terms.fairness, terms.exposure, terms.change, terms.hours):
            model.objective.extend(part)
    cp.minimize(cp_model.LinearExpr.sum(model.objective))
    return model
