"""On call's deadline handlers: escalation steps, retries of a contact method, and telling
PagerDuty of an answer given in Exigent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.deadlines import Deadline, Handler
from exigent.oncall.pagerduty_follow import FOLLOW, fire_follow
from exigent.oncall.paging import CONTACT, STEP, fire_contact, fire_step


def _step(session: Session, deadline: Deadline, now: datetime) -> str:
    return fire_step(session, int(deadline.data["alert_id"]), int(deadline.data["step"]), now)


def _contact(session: Session, deadline: Deadline, now: datetime) -> str:
    return fire_contact(session, {k: int(v) for k, v in deadline.data.items()}, now)


def _follow(session: Session, deadline: Deadline, now: datetime) -> str:
    return fire_follow(session, dict(deadline.data), now)


def handlers() -> dict[str, Handler]:
    return {STEP: _step, CONTACT: _contact, FOLLOW: _follow}
