"""The ledger: nights, weekends and public holidays each person worked in earlier periods.

Counted from the shifts on record in the `LEDGER_WEEKS` weeks before a date, on the person's
own clock: a night is a shift of a night type, a weekend counts once whether one or both of
its days were worked, a holiday is a public holiday of the person's country. The planner
weighs fairness against it, capped (`planning.LEDGER_CAP`) so an old imbalance does not
dominate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.staffing.clock import in_zone
from exigent.staffing.models import ShiftType, StaffProfile
from exigent.staffing.people import public_holidays
from exigent.staffing.planning import Ledger
from exigent.staffing.shifts import shifts_of

LEDGER_WEEKS = 12


def ledger_of(session: Session, person: User, profile: StaffProfile, before: date) -> Ledger:
    """What `person` worked in the `LEDGER_WEEKS` weeks before `before` (UTC midnight)."""
    until = datetime.combine(before, time(), tzinfo=UTC)
    since = until - timedelta(weeks=LEDGER_WEEKS)
    nights = {k.id for k in session.scalars(select(ShiftType).where(ShiftType.night.is_(True)))}
    worked = [s for s in shifts_of(session, person.id, since, until) if s.starts_at >= since]
    days = {in_zone(s.starts_at, person.timezone).date() for s in worked}
    off_days = public_holidays(profile.country, since.date(), before) if days else {}
    weekends = {d - timedelta(days=d.weekday()) for d in days if d.weekday() >= 5}
    return Ledger(
        nights=sum(1 for s in worked if s.shift_type_id in nights),
        weekends=len(weekends),
        holidays=sum(1 for d in days if d in off_days),
    )
