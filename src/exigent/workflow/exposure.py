"""Exposure handed down to the roster: staffing may not read the wellbeing domain.

The roster wants each person's exposure to harmful content as a number from 0 to 1; here
it is the seconds of revealed content in the last `EXPOSURE_DAYS` days against
`HIGH_EXPOSURE_SECONDS`, above which a person counts as fully exposed. A heavy end-of-shift
check-in (and off-hours worked) adds to it (`wellbeing.checkins.recent_load`): what a shift
cost a person is not only what they revealed. A severe exposure is one item watched for
`SEVERE_SECONDS` or more at a stretch; the roster keeps the person off emergency work for a
recovery block after the last one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.staffing.exposure import ExposureFigures
from exigent.wellbeing.checkins import recent_load
from exigent.wellbeing.models import ExposureEvent

EXPOSURE_DAYS = 14
# Two hours of harmful content in a fortnight: the planner's "fully exposed".
HIGH_EXPOSURE_SECONDS = 2 * 3600
# Ten minutes on one item: long enough that the person needs a break from emergencies.
SEVERE_SECONDS = 10 * 60


def recent_exposure(session: Session, now: datetime) -> ExposureFigures:
    """Each person's exposure (0..1) and last severe exposure in the `EXPOSURE_DAYS` days
    before `now`."""
    since = now - timedelta(days=EXPOSURE_DAYS)
    totals = session.execute(
        select(ExposureEvent.user_id, func.sum(ExposureEvent.seconds))
        .where(ExposureEvent.revealed_at >= since)
        .group_by(ExposureEvent.user_id)
    ).all()
    severe = session.execute(
        select(ExposureEvent.user_id, func.max(ExposureEvent.revealed_at))
        .where(ExposureEvent.revealed_at >= since, ExposureEvent.seconds >= SEVERE_SECONDS)
        .group_by(ExposureEvent.user_id)
    ).all()
    load = {user_id: float(seconds or 0) for user_id, seconds in totals}
    for user_id, seconds in recent_load(session, since=since).items():
        load[user_id] = load.get(user_id, 0.0) + seconds
    return ExposureFigures(
        level={u: min(1.0, s / HIGH_EXPOSURE_SECONDS) for u, s in load.items()},
        severe_at={u: at for u, at in severe if at is not None},
    )
