"""The reads behind the time-spent and surge screens, shared by the JSON and HTML routes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.analytics.models import SurgeAlert
from exigent.analytics.surges import SurgeSettings
from exigent.analytics.time_spent import Step, TimeSpent, default_period, time_spent
from exigent.analytics.trend_schemas import (
    StepRead,
    SurgeAlertRead,
    SurgesRead,
    TimeSpentRead,
)
from exigent.cases.models import Priority
from exigent.cases.schemas import RequestKind
from exigent.errors import BadInput

MAX_DAYS = 366
# Cases are no older than the team's records and no later than the next century; outside,
# a date is a typing slip, and the period before it could not even be computed.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def period(start: date | None, end: date | None, now: datetime) -> tuple[datetime, datetime]:
    """The UTC period from `start` to `end` (both days included); the last 30 days unless
    given. A period that ends before it starts, or is longer than a year, names its field."""
    if start is None and end is None:
        return default_period(now)
    for name, day in (("start", start), ("end", end)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise BadInput(f"{name}: must be between {EARLIEST} and {LATEST}", field=name)
    last = end or now.date()
    first = start or last - timedelta(days=29)
    if first > last:
        raise BadInput("start: must be on or before end", field="start")
    if (last - first).days >= MAX_DAYS:
        raise BadInput(f"end: a period is at most {MAX_DAYS} days", field="end")
    begin = datetime.combine(first, time(), tzinfo=now.tzinfo)
    return begin, datetime.combine(last, time(), tzinfo=now.tzinfo) + timedelta(days=1)


def check_filters(kind: str | None, priority: str | None) -> None:
    if kind and kind not in {k.value for k in RequestKind}:
        raise BadInput(f"kind: unknown kind {kind!r}", field="kind")
    if priority and priority not in {p.value for p in Priority}:
        raise BadInput(f"priority: unknown priority {priority!r}", field="priority")


def _step(step: Step) -> StepRead:
    return StepRead(
        kind=step.kind,
        priority=step.priority,
        status=step.status,
        waiting_on=str(step.waiting_on),
        cases=step.cases,
        median_seconds=step.median_seconds,
        p90_seconds=step.p90_seconds,
        total_seconds=step.total_seconds,
        previous_cases=step.previous_cases,
        previous_median_seconds=step.previous_median_seconds,
        previous_p90_seconds=step.previous_p90_seconds,
    )


def time_read(
    session: Session,
    *,
    start: date | None,
    end: date | None,
    kind: str | None,
    priority: str | None,
    now: datetime,
) -> TimeSpentRead:
    check_filters(kind, priority)
    first, last = period(start, end, now)
    found: TimeSpent = time_spent(
        session, start=first, end=last, now=now, kind=kind or None, priority=priority or None
    )
    return TimeSpentRead(
        start=found.start,
        end=found.end,
        previous_start=found.previous_start,
        steps=[_step(s) for s in found.steps],
        slowest=[_step(s) for s in found.slowest()],
        hours_waiting_on={str(k): round(v, 2) for k, v in found.by_waiting_on().items()},
    )


def surges_read(session: Session, *, days: int, now: datetime) -> SurgesRead:
    settings = SurgeSettings()
    alerts = session.scalars(
        select(SurgeAlert)
        .where(SurgeAlert.opened_at >= now - timedelta(days=days))
        .order_by(SurgeAlert.opened_at.desc(), SurgeAlert.id.desc())
    )
    return SurgesRead(
        days=days,
        window_hours=settings.window_hours,
        p_value=settings.p_value,
        min_cases=settings.min_cases,
        alerts=[SurgeAlertRead.model_validate(a, from_attributes=True) for a in alerts],
    )


def as_csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


STEP_COLUMNS = [
    "kind",
    "priority",
    "status",
    "waiting_on",
    "cases",
    "median_seconds",
    "p90_seconds",
    "total_seconds",
    "previous_cases",
    "previous_median_seconds",
    "previous_p90_seconds",
]
ALERT_COLUMNS = [
    "id",
    "kind",
    "harm",
    "opened_at",
    "last_seen_at",
    "ended_at",
    "observed",
    "expected",
    "p_value",
    "peak",
    "top_source",
    "cases",
]


def steps_csv(read: TimeSpentRead) -> str:
    return as_csv(STEP_COLUMNS, ([getattr(s, c) for c in STEP_COLUMNS] for s in read.steps))


def alerts_csv(read: SurgesRead) -> str:
    return as_csv(
        ALERT_COLUMNS,
        (
            [getattr(a, c) for c in ALERT_COLUMNS[:-1]] + [" ".join(map(str, a.request_ids))]
            for a in read.alerts
        ),
    )
