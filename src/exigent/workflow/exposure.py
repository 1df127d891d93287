"""Exposure handed down to the roster planner: staffing may not read the wellbeing domain.

The planner wants each person's exposure to harmful content as a number from 0 to 1; here
it is the seconds of revealed content in the last `EXPOSURE_DAYS` days against
`HIGH_EXPOSURE_SECONDS`, above which a person counts as fully exposed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    return {user_id: min(1.0, (seconds or 0) / HIGH_EXPOSURE_SECONDS) for user_id, seconds in rows}
