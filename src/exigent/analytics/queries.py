"""The dashboards' counts: volume, backlog, outcomes and workload, over the narrow fact rows.

Every statement here is plain SQL that SQLite and PostgreSQL answer alike (no date functions:
a bar is a CASE over the bucket boundaries, computed in Python in UTC), scoped by `Filters`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from exigent.analytics.filters import Filters
from exigent.analytics.models import CaseFact
from exigent.auth.models import Role, User
from exigent.directory.models import Agency
from exigent.errors import Forbidden

F = CaseFact
# What volume can be split by: the fact column behind each.
DIMENSIONS: dict[str, Any] = {
    "kind": F.kind,
    "country": F.country,
    "agency_type": F.agency_type,
    "channel": F.channel,
}
# The backlog's age bands: (label, lower bound in days); each band runs up to the next.
AGE_BANDS = (
    ("under 1 day", 0),
    ("1-3 days", 1),
    ("3-7 days", 3),
    ("7-30 days", 7),
    ("30+ days", 30),
)
UNKNOWN = "unknown"
# The filter's agency list: the busiest in the period (any other by its id in the URL).
AGENCY_CHOICES = 40


def scoped(filters: Filters, *, period: bool = True) -> list[ColumnElement[bool]]:
    """The WHERE of every dashboard figure: received in the period, and the filters set."""
    where: list[ColumnElement[bool]] = []
    if period:
        where += [F.received_at >= filters.since, F.received_at < filters.until]
    if filters.kind is not None:
        where.append(F.kind == filters.kind)
    if filters.priority is not None:
        where.append(F.priority == filters.priority)
    if filters.country is not None:
        where.append(F.country == filters.country)
    if filters.agency_id is not None:
        where.append(F.agency_id == filters.agency_id)
    if filters.assignee_id is not None:
        where.append(F.assignee_id == filters.assignee_id)
    return where


def _bucket_of(column: Any, starts: list[datetime]) -> Any:
    """The index of the bucket a timestamp falls in: CASEs nested as a binary search over the
    boundaries, so each row costs about five comparisons rather than one per bucket."""
    if len(starts) <= 1:
        return literal(0)
    return _search(column, starts, 0, len(starts))


def _search(column: Any, starts: list[datetime], low: int, high: int) -> Any:
    """The bucket among starts[low:high] of a timestamp known to be in one of them."""
    if high - low == 1:
        return literal(low)
    middle = (low + high) // 2
    return case(
        (column < starts[middle], _search(column, starts, low, middle)),
        else_=_search(column, starts, middle, high),
    )


@dataclass(frozen=True)
class VolumeSeries:
    dimension: str
    bucket: str
    starts: list[datetime]
    # Each value of the dimension and its count per bucket, biggest total first.
    series: dict[str, list[int]]

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.series.values())


def volume(session: Session, filters: Filters, dimension: str) -> VolumeSeries:
    """Cases received per bucket, split by `dimension` (kind, country, agency type, channel)."""
    column = DIMENSIONS[dimension]
    starts = filters.bucket_starts()
    bucket = _bucket_of(F.received_at, starts).label("bucket")
    rows = session.execute(
        select(bucket, column, func.count()).where(*scoped(filters)).group_by(bucket, column)
    ).all()
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(starts))
    for index, value, count in rows:
        series[value or UNKNOWN][int(index)] += count
    ordered = dict(sorted(series.items(), key=lambda item: (-sum(item[1]), item[0])))
    return VolumeSeries(dimension=dimension, bucket=filters.bucket, starts=starts, series=ordered)


@dataclass(frozen=True)
class Backlog:
    open_cases: int
    # Each age band's label and how many open cases are that old.
    bands: list[tuple[str, int]]
    by_priority: dict[str, int]


def backlog(session: Session, filters: Filters, now: datetime) -> Backlog:
    """The cases open now (whenever received, within the other filters) and how old they are."""
    where = [*scoped(filters, period=False), F.is_open.is_(True)]
    whens = [
        (F.received_at > now - timedelta(days=lower), index - 1)
        for index, (_, lower) in enumerate(AGE_BANDS)
        if index > 0
    ]
    band = case(*whens, else_=len(AGE_BANDS) - 1).label("band")
    counts = [0] * len(AGE_BANDS)
    by_priority: dict[str, int] = {}
    for index, priority, count in session.execute(
        select(band, F.priority, func.count()).where(*where).group_by(band, F.priority)
    ):
        counts[int(index)] += count
        by_priority[priority] = by_priority.get(priority, 0) + count
    return Backlog(
        open_cases=sum(counts),
        bands=[(label, counts[i]) for i, (label, _) in enumerate(AGE_BANDS)],
        by_priority=dict(sorted(by_priority.items())),
    )


def outcomes(session: Session, filters: Filters, by: str) -> dict[str, dict[str, int]]:
    """What cases came to (produced, nothing produced, rejected, ...) per kind or per country."""
    column = F.kind if by == "kind" else F.country
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for key, outcome, count in session.execute(
        select(column, F.outcome, func.count()).where(*scoped(filters)).group_by(column, F.outcome)
    ):
        table[key][str(outcome)] = count
    return dict(sorted(table.items()))


def sees_everyones_workload(user: User) -> bool:
    """A lead runs the shift and answers for each person's load; others see only their own."""
    return user.role == Role.lead


def workload_counts(session: Session, filters: Filters) -> list[tuple[int, int, int, int]]:
    """Per person: cases assigned in the period, those decided and those still open."""
    decided = func.sum(case((F.decided_at.is_not(None), 1), else_=0))
    still_open = func.sum(case((F.is_open.is_(True), 1), else_=0))
    rows = session.execute(
        select(F.assignee_id, func.count(), decided, still_open)
        .where(*scoped(filters), F.assignee_id.is_not(None))
        .group_by(F.assignee_id)
    ).all()
    return [(int(r[0]), int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows]


def check_assignee_filter(user: User, filters: Filters) -> None:
    """One person's figures are theirs and their lead's to see, as the workload rows are."""
    if filters.assignee_id is None or filters.assignee_id == user.id:
        return
    if not sees_everyones_workload(user):
        raise Forbidden("assignee: only a lead may filter by another person's cases")


@dataclass(frozen=True)
class Choices:
    agencies: list[tuple[int, str]]
    assignees: list[tuple[int, str]]


def filter_choices(session: Session, filters: Filters, *, user: User) -> Choices:
    """The agencies with the most cases in the period, and the people the reader may pick."""
    busiest = (
        select(F.agency_id, func.count().label("n"))
        .where(*scoped(filters), F.agency_id.is_not(None))
        .group_by(F.agency_id)
        .order_by(func.count().desc())
        .limit(AGENCY_CHOICES)
        .subquery()
    )
    agencies = session.execute(
        select(Agency.id, Agency.name).join(busiest, busiest.c.agency_id == Agency.id)
    ).all()
    people = select(User.id, User.name).where(User.role != Role.requester)
    if not sees_everyones_workload(user):
        people = people.where(User.id == user.id)
    assignees = session.execute(people.order_by(User.name)).all()
    return Choices(
        agencies=sorted(((a, n) for a, n in agencies), key=lambda pair: pair[1]),
        assignees=[(u, n) for u, n in assignees],
    )
