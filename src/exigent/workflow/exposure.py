"""Exposure handed down to the roster planner: staffing may not read the wellbeing domain.

The planner wants each person's exposure to harmful content as a number from 0 to 1; here
it is the seconds of revealed content in the last `EXPOSURE_DAYS` days against
`HIGH_EXPOSURE_SECONDS`, above which a person counts as fully exposed. A heavy end-of-shift
check-in (and off-hours worked) adds to it (`wellbeing.checkins.load_seconds`): what a shift
cost a person is not only what they revealed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.wellbeing.checkins import recent_load
from exigent.wellbeing.models import ExposureEvent

EXPOSURE_DAYS = 14
# Two hours of harmful content in a fortnight: the planner's "fully exposed".
HIGH_EXPOSURE_SECONDS = 2 * 3600


def recent_exposure(session: Session, now: datetime) -> dict[int, float]:
    """Each person's exposure (0..1) in the `EXPOSURE_DAYS` days before `now`."""
    rows = session.execute(
        select(ExposureEvent.user_id, func.sum(ExposureEvent.seconds))
        .where(ExposureEvent.revealed_at >= now - timedelta(days=EXPOSURE_DAYS))
        .group_by(ExposureEvent.user_id)
    )
    since = now - timedelta(days=EXPOSURE_DAYS)
    load = {user_id: float(seconds or 0) for user_id, seconds in rows}
    for user_id, seconds in recent_load(session, since=since).items():
        load[user_id] = load.get(user_id, 0.0) + seconds
    return {user_id: min(1.0, seconds / HIGH_EXPOSURE_SECONDS) for user_id, seconds in load.items()}
