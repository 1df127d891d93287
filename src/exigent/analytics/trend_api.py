"""JSON routes of where the time goes and of surges: the figures the console pages show."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from exigent.analytics import trend_queries
from exigent.analytics.trend_schemas import SurgesRead, TimeSpentRead
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.db import utcnow
from exigent.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


def _analyst_of_the_team(user: CurrentUser) -> User:
    require(user, Permission.analytics_read)
    return user


Viewer = Annotated[User, Depends(_analyst_of_the_team)]


@router.get("/time", response_model=TimeSpentRead)
def time_spent(
    session: SessionDep,
    user: Viewer,
    start: Annotated[date | None, Query(description="first UTC day")] = None,
    end: Annotated[date | None, Query(description="last UTC day, included")] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    priority: Annotated[str | None, Query(max_length=2)] = None,
) -> TimeSpentRead:
    """Median and p90 time per status and whom it waits on, per kind and priority, for the
    cases received in the period (UTC), beside the period before of the same length."""
    return trend_queries.time_read(
        session, start=start, end=end, kind=kind, priority=priority, now=utcnow()
    )


@router.get("/surges", response_model=SurgesRead)
def surges(
    session: SessionDep,
    user: Viewer,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> SurgesRead:
    """Surge alerts opened in the last `days` days, with the cases behind each."""
    return trend_queries.surges_read(session, days=days, now=utcnow())
