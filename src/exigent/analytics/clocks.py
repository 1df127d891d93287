"""The clocks in aggregate: SLA attainment per priority, how long each step took, and the
cases that breached.

A clock is met when its step happened by its due time, breached when the step happened after
it or has not happened and the due time is past, and still running otherwise; attainment is
met / (met + breached). Percentiles are exact, by nearest rank (the value at rank
ceil(p x n) of the sorted times): `percentile_disc` on PostgreSQL; on SQLite ranked in Python
from one `group_concat` text per step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from exigent.analytics.filters import Filters
from exigent.analytics.models import CaseFact
from exigent.analytics.queries import scoped

F = CaseFact
# Each clock: when its step happened and when it was due.
CLOCKS: dict[str, tuple[Any, Any]] = {
    "acknowledge": (F.acknowledged_at, F.acknowledge_due_at),
    "decide": (F.decided_at, F.decide_due_at),
}
# Time from receipt to each step, in seconds.
STEPS: dict[str, Any] = {
    "acknowledge": F.acknowledge_seconds,
    "decide": F.decide_seconds,
    "deliver": F.deliver_seconds,
}
BREACH_LIST_LIMIT = 500
SORT_MEMORY = "32MB"


def breached(clock: str, now: datetime) -> ColumnElement[bool]:
    done, due = CLOCKS[clock]
    return or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now))


def _met(clock: str) -> ColumnElement[bool]:
    done, due = CLOCKS[clock]
    return and_(done.is_not(None), done <= due)


@dataclass(frozen=True)
class SlaRow:
    priority: str
    clock: str
    met: int
    breached: int
    running: int

    @property
    def attainment(self) -> float | None:
        """The share met of the clocks that have an answer; None while none has."""
        settled = self.met + self.breached
        return round(self.met / settled, 4) if settled else None


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def sla(session: Session, filters: Filters, now: datetime) -> list[SlaRow]:
    """Met, breached and still running, per priority and clock, for cases received in the period.

    Both clocks are counted in one pass over the period's rows."""
    counted = [
        count for clock in CLOCKS for count in (_count(_met(clock)), _count(breached(clock, now)))
    ]
    rows = []
    for priority, total, *counts in session.execute(
        select(F.priority, func.count(), *counted).where(*scoped(filters)).group_by(F.priority)
    ):
        for index, clock in enumerate(CLOCKS):
            met_count, late_count = int(counts[2 * index] or 0), int(counts[2 * index + 1] or 0)
            rows.append(
                SlaRow(
                    priority=priority,
                    clock=clock,
                    met=met_count,
                    breached=late_count,
                    running=total - met_count - late_count,
                )
            )
    rows.sort(key=lambda r: (r.priority, list(CLOCKS).index(r.clock)))
    return rows


@dataclass(frozen=True)
class Spread:
    step: str
    count: int
    median_seconds: int | None
    p90_seconds: int | None
    worst_seconds: int | None


def _at_rank(values: list[int], share: float) -> int:
    """The value at rank ceil(share x n) of the sorted values (nearest rank)."""
    return values[math.ceil(share * len(values)) - 1]


def _spread(step: str, values: list[int]) -> Spread:
    if not values:
        return Spread(step, 0, None, None, None)
    values.sort()
    return Spread(
        step=step,
        count=len(values),
        median_seconds=_at_rank(values, 0.5),
        p90_seconds=_at_rank(values, 0.9),
        worst_seconds=values[-1],
    )


def spreads(session: Session, filters: Filters) -> list[Spread]:
    """Median, 90th percentile and worst time from receipt to each step, exact."""
    if session.get_bind().dialect.name == "postgresql":
        return _spreads_in_postgresql(session, filters)
    # SQLite has no percentile aggregate: each step's times in the period come back as one
    # text (a single pass over the covering period index) and are ranked here. One value a
    # row through the driver cost more than the 300 ms budget at a half-year's 170,000 rows.
    texts = session.execute(
        select(*(func.group_concat(column) for column in STEPS.values())).where(*scoped(filters))
    ).one()
    return [
        _spread(step, list(map(int, text.split(","))) if text else [])
        for step, text in zip(STEPS, texts, strict=True)
    ]


def _spreads_in_postgresql(session: Session, filters: Filters) -> list[Spread]:
    """PostgreSQL ranks in the database: `percentile_disc(p)` is the value at rank
    ceil(p x n) of the non-null values, the same nearest rank as `_at_rank`."""
    figures = [
        figure
        for column in STEPS.values()
        for figure in (
            func.count(column),
            func.percentile_disc(0.5).within_group(column),
            func.percentile_disc(0.9).within_group(column),
            func.max(column),
        )
    ]
    # A half-year at a million cases is some 170,000 times per step: sorted in memory with
    # this much, on disk with the default 4 MB (twice as slow). For this transaction only.
    session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))
    row = session.execute(select(*figures).where(*scoped(filters))).one()
    spreads = []
    for index, step in enumerate(STEPS):
        count, median, p90, worst = row[4 * index : 4 * index + 4]
        spreads.append(
            Spread(step, count, *(None if v is None else int(v) for v in (median, p90, worst)))
            if count
            else Spread(step, 0, None, None, None)
        )
    return spreads


@dataclass(frozen=True)
class BreachedCase:
    request_id: int
    kind: str
    priority: str
    received_at: datetime
    due_at: datetime
    # When the step happened; None when it still has not.
    done_at: datetime | None


def breach_counts(session: Session, filters: Filters, now: datetime) -> dict[str, int]:
    """How many cases received in the period breached each clock, in one pass."""
    counts = session.execute(
        select(*(_count(breached(clock, now)) for clock in CLOCKS)).where(*scoped(filters))
    ).one()
    return {clock: int(count or 0) for clock, count in zip(CLOCKS, counts, strict=True)}


def breaches(
    session: Session, filters: Filters, now: datetime, clock: str
) -> tuple[int, list[BreachedCase]]:
    """How many cases breached `clock`, and the oldest of them (up to a page's worth)."""
    done, due = CLOCKS[clock]
    where = [*scoped(filters), breached(clock, now)]
    total = session.execute(select(func.count()).where(*where)).scalar_one()
    rows = session.execute(
        select(F.request_id, F.kind, F.priority, F.received_at, due, done)
        .where(*where)
        .order_by(F.received_at, F.request_id)
        .limit(BREACH_LIST_LIMIT)
    ).all()
    return total, [BreachedCase(*row) for row in rows]
