"""JSON routes of the dashboards: every figure the pages show, with the same filters. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from exigent.analytics import clocks, queries
from exigent.analytics.filters import Filters
from exigent.analytics.fraud import fraud
from exigent.analytics.params import FiltersDep
from exigent.analytics.schemas import (
    AgeBandRead,
    BacklogRead,
    BreachedCaseRead,
    BreachesRead,
    FraudRead,
    OutcomesRead,
    PeriodRead,
    SlaRead,
    SlaRowRead,
    SpreadRead,
    VolumeRead,
    WorkloadFiguresRead,
    WorkloadPersonRead,
    WorkloadRead,
    WorkloadShiftRead,
)
from exigent.analytics.workload import figures_read, workload_report
from exigent.analytics.workload_rules import AFTER_HOURS_RULE, ALL_LENSES
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.db import utcnow
from exigent.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


def _holder(permission: Permission) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        require(user, permission)
        return user

    return check


Analyst = Annotated[User, Depends(_holder(Permission.analytics_read))]
# Everyone on the roster reads their own workload; `workload.workload_report` scopes the names.
Rostered = Annotated[User, Depends(_holder(Permission.shifts_own))]
Dimension = Literal["kind", "country", "agency_type", "channel"]
Clock = Literal["acknowledge", "decide"]


def period_read(filters: Filters) -> PeriodRead:
    return PeriodRead(
        period=filters.period,
        since=filters.since,
        until=filters.until,
        kind=filters.kind,
        priority=filters.priority,
        country=filters.country,
        agency_id=filters.agency_id,
        assignee_id=filters.assignee_id,
    )


@router.get("/volume", response_model=VolumeRead)
def volume(
    session: SessionDep,
    user: Analyst,
    filters: FiltersDep,
    by: Annotated[Dimension, Query()] = "kind",
) -> VolumeRead:
    """Cases received per day or week, split by kind, country, agency type or channel."""
    found = queries.volume(session, filters, by)
    return VolumeRead(
        filters=period_read(filters),
        dimension=by,
        bucket=found.bucket,
        bucket_starts=found.starts,
        series=found.series,
        total=found.total,
    )


@router.get("/backlog", response_model=BacklogRead)
def backlog(session: SessionDep, user: Analyst, filters: FiltersDep) -> BacklogRead:
    """The cases open now, whenever received, by age band and priority."""
    now = utcnow()
    found = queries.backlog(session, filters, now)
    return BacklogRead(
        filters=period_read(filters),
        as_of=now,
        open_cases=found.open_cases,
        age_bands=[AgeBandRead(band=b, open_cases=n) for b, n in found.bands],
        by_priority=found.by_priority,
    )


@router.get("/sla", response_model=SlaRead)
def sla(session: SessionDep, user: Analyst, filters: FiltersDep) -> SlaRead:
    """Clocks met and breached per priority, and the spread of time to each step."""
    now = utcnow()
    return SlaRead(
        filters=period_read(filters),
        as_of=now,
        clocks=[
            SlaRowRead(
                priority=r.priority,
                clock=r.clock,
                met=r.met,
                breached=r.breached,
                running=r.running,
                attainment=r.attainment,
            )
            for r in clocks.sla(session, filters, now)
        ],
        times=[SpreadRead(**vars(s)) for s in clocks.spreads(session, filters)],
    )


@router.get("/breaches", response_model=BreachesRead)
def breaches(
    session: SessionDep,
    user: Analyst,
    filters: FiltersDep,
    clock: Annotated[Clock, Query()] = "acknowledge",
) -> BreachesRead:
    """The cases that breached a clock, oldest first."""
    total, cases = clocks.breaches(session, filters, utcnow(), clock)
    return BreachesRead(
        filters=period_read(filters),
        clock=clock,
        total=total,
        cases=[BreachedCaseRead(**vars(c)) for c in cases],
    )


@router.get("/outcomes", response_model=OutcomesRead)
def outcomes(
    session: SessionDep,
    user: Analyst,
    filters: FiltersDep,
    by: Annotated[Literal["kind", "country"], Query()] = "kind",
) -> OutcomesRead:
    """What cases came to, per kind or per country."""
    return OutcomesRead(
        filters=period_read(filters), by=by, outcomes=queries.outcomes(session, filters, by)
    )


@router.get("/fraud", response_model=FraudRead)
def fraud_figures(session: SessionDep, user: Analyst, filters: FiltersDep) -> FraudRead:
    """Fraud attempts, how they were caught and how fast."""
    return FraudRead(filters=period_read(filters), **vars(fraud(session, filters)))


@router.get("/workload", response_model=WorkloadRead)
def workload(session: SessionDep, user: Rostered, filters: FiltersDep) -> WorkloadRead:
    """Cases, exposure, pages, hours on shift and after-hours work: the team's total, per
    shift, and per person only as the role allows."""
    queries.check_assignee_filter(user, filters)
    found = workload_report(session, filters, reader=user)
    return WorkloadRead(
        filters=period_read(filters),
        after_hours_rule=AFTER_HOURS_RULE,
        named=sorted(found.named),
        team=WorkloadFiguresRead(**figures_read(found.team, ALL_LENSES, cases=True)),
        people=[
            WorkloadPersonRead(
                user_id=p.user_id, name=p.name, **figures_read(p.figures, p.shown, cases=True)
            )
            for p in found.people
        ],
        shifts=[
            WorkloadShiftRead(
                shift=s.group,
                people=len(s.figures.people),
                **figures_read(s.figures, s.shown, cases=False),
            )
            for s in found.shifts
        ],
    )
