"""End-of-shift check-ins: how heavy the shift was and the off-hours it took, told freely.

A named check-in feeds the person's own wellbeing page and, when heavy, their exposure figure
for the roster; an anonymous one keeps no user id, no note and no time of day (only the UTC
date), so it can only ever count in the team's aggregates. It is not written to the audit log
either: an audit event names its actor, which would undo the anonymity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for, require
from exigent.errors import BadInput, Forbidden
from exigent.wellbeing.models import CheckIn
from exigent.wellbeing.service import shift_day

# 1 light, 2 steady, 3 demanding, 4 heavy, 5 very heavy (the words are the templates').
EFFORTS = range(1, 6)
HEAVY = 4
MAX_OFF_HOURS_MINUTES = 24 * 60
NOTE_MAX = 1000
# What a heavy shift adds to the roster's exposure figure: half an hour of harmful content
# for each step above "demanding", and a quarter of the off-hours worked.
SECONDS_PER_HEAVY_STEP = 30 * 60
OFF_HOURS_SHARE = 0.25
# The team's totals are shown from this many check-ins: fewer, and one person's could be
# read off them (the lead knows who was on shift).
CROWD_MIN = 3


def check_in(
    session: Session,
    *,
    actor: User,
    effort: int,
    off_hours_minutes: int,
    note: str,
    anonymous: bool,
    now: datetime,
) -> CheckIn:
    require(actor, Permission.shifts_own)
    if effort not in EFFORTS:
        raise BadInput("effort: choose from 1 (light) to 5 (very heavy)", field="effort")
    if not 0 <= off_hours_minutes <= MAX_OFF_HOURS_MINUTES:
        raise BadInput(
            f"off_hours_minutes: between 0 and {MAX_OFF_HOURS_MINUTES}", field="off_hours_minutes"
        )
    note = note.strip()
    if anonymous and note:
        raise BadInput(
            "note: an anonymous check-in keeps no note (words can name their writer); "
            "leave it empty or check in with your name",
            field="note",
        )
    row = CheckIn(
        user_id=None if anonymous else actor.id,
        effort=effort,
        off_hours_minutes=off_hours_minutes,
        note=note[:NOTE_MAX] or None,
        shift_on=now.astimezone(UTC).date() if anonymous else shift_day(actor, now),
    )
    session.add(row)
    session.flush()
    if not anonymous:
        record_event(
            session,
            actor=actor_for(actor),
            action="wellbeing.check_in",
            # No row id: named and anonymous check-ins share one id sequence, so the gaps
            # between audited ids would date each anonymous check-in to the minute.
            object_type="check_in",
            after={"effort": effort, "off_hours_minutes": off_hours_minutes},
            at=now,
        )
    return row


def mine(session: Session, *, user: User, since: date) -> list[CheckIn]:
    """The person's own named check-ins since `since`, newest first."""
    return list(
        session.scalars(
            select(CheckIn)
            .where(CheckIn.user_id == user.id, CheckIn.shift_on >= since)
            .order_by(CheckIn.shift_on.desc(), CheckIn.id.desc())
        )
    )


@dataclass(frozen=True)
class TeamCheckIns:
    count: int
    anonymous: int
    average_effort: float | None
    heavy: int
    off_hours_minutes: int


def team(session: Session, *, user: User, since: date, until: date) -> TeamCheckIns:
    """Named and anonymous check-ins together, as totals only, for those who see the team's."""
    if not user_can(user, Permission.exposure_read_team):
        raise Forbidden(
            f"the team's check-ins are for leads, schedulers and admins; you are {user.role}"
        )
    window = (CheckIn.shift_on >= since, CheckIn.shift_on <= until)
    count, anonymous, average, heavy, off_hours = session.execute(
        select(
            func.count(CheckIn.id),
            func.count(CheckIn.id).filter(CheckIn.user_id.is_(None)),
            func.avg(CheckIn.effort),
            func.count(CheckIn.id).filter(CheckIn.effort >= HEAVY),
            func.coalesce(func.sum(CheckIn.off_hours_minutes), 0),
        ).where(*window)
    ).one()
    return TeamCheckIns(
        count=int(count),
        anonymous=int(anonymous),
        average_effort=round(float(average), 1) if average is not None else None,
        heavy=int(heavy),
        off_hours_minutes=int(off_hours),
    )


def load_seconds(effort: int, off_hours_minutes: int) -> float:
    """What one named check-in adds to the person's exposure figure, in seconds."""
    steps = max(0, effort - (HEAVY - 1))
    return steps * SECONDS_PER_HEAVY_STEP + off_hours_minutes * 60 * OFF_HOURS_SHARE


def recent_load(session: Session, *, since: datetime) -> dict[int, float]:
    """Each person's check-in load since `since` (named check-ins only)."""
    rows = session.execute(
        select(CheckIn.user_id, CheckIn.effort, CheckIn.off_hours_minutes).where(
            CheckIn.user_id.is_not(None), CheckIn.shift_on >= since.date()
        )
    )
    found: dict[int, float] = {}
    for user_id, effort, minutes in rows:
        if user_id is None:
            continue
        found[user_id] = found.get(user_id, 0.0) + load_seconds(effort, minutes)
    return found
