"""Workload, exposure, pages and after-hours work per person and per shift, for a period.

Cases assigned, decided and still open come from the fact rows (`queries.workload`), counted
by the case's receipt like every dashboard figure. The rest is read from the operations' own
rows, by when it happened in the period: exposure by its reveal, a page by the first message
sent to the person, a case action by its timeline entry, hours on shift by the overlap of each
shift with the period. Each moment is placed on or off its person's shifts by
`workload_rules.Roster`, and who sees which figures of whom by `workload_rules.named_lenses`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from exigent.analytics import queries
from exigent.analytics.filters import Filters
from exigent.analytics.workload_rules import (
    ALL_LENSES,
    CROWD_MIN,
    ROSTER_MARGIN,
    Lens,
    Roster,
    RosterShift,
    home_zone,
    named_lenses,
    severity,
)
from exigent.auth.models import Role, User
from exigent.cases.models import TimelineEvent
from exigent.oncall.models import Alert, DeliveryAttempt
from exigent.staffing.models import Shift, ShiftType
from exigent.wellbeing.models import ExposureEvent


@dataclass
class Figures:
    """One row's counts; a person's, a shift group's or the team's."""

    assigned: int = 0
    decided: int = 0
    open_now: int = 0
    case_actions: int = 0
    case_actions_after_hours: int = 0
    exposures: int = 0
    exposure_seconds: int = 0
    severe: int = 0
    moderate: int = 0
    light: int = 0
    pages: int = 0
    pages_acknowledged: int = 0
    pages_after_hours: int = 0
    shift_minutes: int = 0
    ack_seconds: list[int] = field(default_factory=list)
    people: set[int] = field(default_factory=set)

    @property
    def ack_median_seconds(self) -> int | None:
        return round(statistics.median(self.ack_seconds)) if self.ack_seconds else None

    def add_exposure(self, seconds: int) -> None:
        self.exposures += 1
        self.exposure_seconds += seconds
        band = severity(seconds)
        setattr(self, band, getattr(self, band) + 1)


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    figures: Figures
    # The families of figures the reader may see on this row; the others are withheld.
    shown: frozenset[Lens]


@dataclass(frozen=True)
class ShiftRow:
    group: str
    figures: Figures
    shown: frozenset[Lens]


@dataclass(frozen=True)
class WorkloadReport:
    team: Figures
    people: list[PersonRow]
    shifts: list[ShiftRow]
    # What the reader sees by name of other people (their own row is always whole).
    named: frozenset[Lens]


class _Tally:
    """Figures gathered per person and per shift group, and the team's total."""

    def __init__(self) -> None:
        self.team = Figures()
        self.people: dict[int, Figures] = defaultdict(Figures)
        self.groups: dict[str, Figures] = defaultdict(Figures)

    def rows(self, user_id: int, group: str | None) -> list[Figures]:
        found = [self.team, self.people[user_id]]
        if group is not None:
            found.append(self.groups[group])
            self.groups[group].people.add(user_id)
        self.team.people.add(user_id)
        return found


def workload_report(session: Session, filters: Filters, *, reader: User) -> WorkloadReport:
    """Every workload figure of the period, and the rows `reader` may see."""
    tally = _Tally()
    shifts = roster_rows(session, filters)
    roster = Roster(shifts, _zones(session))
    _count_cases(session, filters, tally)
    _count_shift_hours(shifts, filters, roster, tally)
    _count_case_actions(session, filters, roster, tally)
    _count_exposure(session, filters, roster, tally)
    _count_pages(session, filters, roster, tally)
    named = named_lenses(reader)
    return WorkloadReport(
        team=tally.team,
        people=_people_rows(session, tally, reader, named),
        shifts=[
            ShiftRow(group, figures, ALL_LENSES if len(figures.people) >= CROWD_MIN else named)
            for group, figures in sorted(tally.groups.items())
        ],
        named=named,
    )


def _people_rows(
    session: Session, tally: _Tally, reader: User, named: frozenset[Lens]
) -> list[PersonRow]:
    shown = [u for u in tally.people if u == reader.id or named]
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(shown))).all())
    rows = [
        PersonRow(
            user_id=u,
            name=names.get(u, f"#{u}"),
            figures=tally.people[u],
            shown=ALL_LENSES if u == reader.id else named,
        )
        for u in shown
    ]
    return sorted(rows, key=lambda r: r.name)


def _person_filter(filters: Filters, column: Any) -> list[ColumnElement[bool]]:
    """The team-member filter: one person's figures only."""
    return [] if filters.assignee_id is None else [column == filters.assignee_id]


def roster_rows(session: Session, filters: Filters) -> list[RosterShift]:
    """Every shift within a day of the period, with its type's name."""
    rows = session.execute(
        select(Shift.user_id, Shift.starts_at, Shift.ends_at, ShiftType.name)
        .outerjoin(ShiftType, ShiftType.id == Shift.shift_type_id)
        .where(
            Shift.starts_at < filters.until + ROSTER_MARGIN,
            Shift.ends_at > filters.since - ROSTER_MARGIN,
            *_person_filter(filters, Shift.user_id),
        )
    ).all()
    return [RosterShift(u, s, e, n) for u, s, e, n in rows]


def _zones(session: Session) -> dict[int, ZoneInfo]:
    """Each staff member's home clock."""
    rows = session.execute(select(User.id, User.timezone).where(User.role != Role.requester))
    return {u: home_zone(z) for u, z in rows.all()}


def _count_cases(session: Session, filters: Filters, tally: _Tally) -> None:
    found = queries.workload_counts(session, filters)
    for user_id, assigned, decided, open_now in found:
        for figures in (tally.team, tally.people[user_id]):
            figures.assigned += assigned
            figures.decided += decided
            figures.open_now += open_now
        tally.team.people.add(user_id)


def _count_shift_hours(
    shifts: list[RosterShift], filters: Filters, roster: Roster, tally: _Tally
) -> None:
    for shift in shifts:
        start, end = max(shift.starts_at, filters.since), min(shift.ends_at, filters.until)
        if end <= start:
            continue
        minutes = round((end - start).total_seconds() / 60)
        for figures in tally.rows(shift.user_id, roster.group_of(shift)):
            figures.shift_minutes += minutes


def _in_period(filters: Filters, column: Any) -> list[ColumnElement[bool]]:
    return [column >= filters.since, column < filters.until]


def _count_case_actions(session: Session, filters: Filters, roster: Roster, tally: _Tally) -> None:
    """Timeline entries written by staff (officers write some too, on their own cases)."""
    T = TimelineEvent
    for user_id, at in session.execute(
        select(T.actor_id, T.at)
        .join(User, User.id == T.actor_id)
        .where(User.role != Role.requester, *_in_period(filters, T.at))
        .where(*_person_filter(filters, T.actor_id))
    ):
        if user_id is None:
            continue
        place = roster.place(user_id, at)
        for figures in tally.rows(user_id, place.group):
            figures.case_actions += 1
            figures.case_actions_after_hours += place.after_hours


def _count_exposure(session: Session, filters: Filters, roster: Roster, tally: _Tally) -> None:
    E = ExposureEvent
    for user_id, at, seconds in session.execute(
        select(E.user_id, E.revealed_at, E.seconds).where(
            *_in_period(filters, E.revealed_at), *_person_filter(filters, E.user_id)
        )
    ):
        for figures in tally.rows(user_id, roster.place(user_id, at).group):
            figures.add_exposure(int(seconds or 0))


def _count_pages(session: Session, filters: Filters, roster: Roster, tally: _Tally) -> None:
    """A page counts once per person, when the first message of the alert went to them."""
    D = DeliveryAttempt
    first = func.min(D.at)
    paged = session.execute(
        select(D.alert_id, D.user_id, first)
        .where(D.user_id.is_not(None), *_person_filter(filters, D.user_id))
        .group_by(D.alert_id, D.user_id)
        .having(first >= filters.since, first < filters.until)
    ).all()
    acks = _acknowledgements(session, {alert_id for alert_id, _, _ in paged})
    for alert_id, user_id, at in paged:
        if user_id is None:
            continue
        place = roster.place(user_id, at)
        acknowledged_at = acks.get((alert_id, user_id))
        for figures in tally.rows(user_id, place.group):
            figures.pages += 1
            figures.pages_after_hours += place.after_hours
            if acknowledged_at is not None:
                figures.pages_acknowledged += 1
                figures.ack_seconds.append(max(0, round((acknowledged_at - at).total_seconds())))


def _acknowledgements(session: Session, alert_ids: set[int]) -> dict[tuple[int, int], datetime]:
    """Who acknowledged each alert, and when."""
    if not alert_ids:
        return {}
    rows = session.execute(
        select(Alert.id, Alert.acknowledged_by_id, Alert.acknowledged_at).where(
            Alert.id.in_(alert_ids), Alert.acknowledged_by_id.is_not(None)
        )
    ).all()
    return {(a, u): at for a, u, at in rows if u is not None and at is not None}


LENS_FIELDS = {
    Lens.cases: ("case_actions", "case_actions_after_hours"),
    Lens.exposure: ("exposures", "exposure_seconds", "severe", "moderate", "light"),
    Lens.shifts: (
        "pages",
        "pages_acknowledged",
        "ack_median_seconds",
        "pages_after_hours",
        "shift_minutes",
    ),
}


def figures_read(figures: Figures, shown: frozenset[Lens], *, cases: bool) -> dict[str, object]:
    """A row's figures by name, only those `shown`; the case counts where they apply."""
    out: dict[str, object] = {
        name: getattr(figures, name) for lens in shown for name in LENS_FIELDS[lens]
    }
    if cases and Lens.cases in shown:
        out |= {
            "assigned": figures.assigned,
            "decided": figures.decided,
            "open_now": figures.open_now,
        }
    return out
