"""The CyberTipline filing's deadline handler: the next step of a filing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.deadlines import Deadline, Handler
from exigent.referrals.cybertipline.steps import STEP, fire_step


def _step(session: Session, deadline: Deadline, now: datetime) -> str:
    return fire_step(session, dict(deadline.data), now)


def handlers() -> dict[str, Handler]:
    return {STEP: _step}
