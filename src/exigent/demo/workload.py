"""The demo's past three weeks of operations for the workload page: a night shift worked by
three people in Los Angeles with the heavy content it brought, reveals by people on their day
shifts, and pages answered on shift and at night at home, so leadership's per-shift figures
and a lead's per-person rows both have a story to tell."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import Document, Priority, Request
from exigent.demo.people import DEMO_DOMAIN
from exigent.oncall.models import Alert, AlertStatus, ChannelKind, DeliveryAttempt
from exigent.staffing.models import Shift, ShiftSource, ShiftType
from exigent.wellbeing.models import ExposureEvent
from exigent.wellbeing.service import shift_day

NIGHT_CREW = ("diego.ramirez", "tom.becker", "priya.shah")
# Days ago each night was worked (the crew covered two nights for a colleague's leave).
NIGHTS_AGO = (4, 11)
PAGES = 14


def seed_workload(
    session: Session, staff: dict[str, User], documents: list[Document], now: datetime
) -> None:
    # Its own stream, so the history seeded after it stays the same with or without it.
    rng = random.Random(18)
    if not documents:
        return
    crew = [_user(session, handle) for handle in NIGHT_CREW]
    night = session.scalars(select(ShiftType).where(ShiftType.code == "N")).first()
    if night is None or None in crew:
        return
    people = [u for u in crew if u is not None]
    shifts = _night_shifts(session, people, night, now)
    for shift in shifts:
        _reveals(session, rng, shift.user_id, documents, shift.starts_at, shift.ends_at, heavy=True)
    on_days = list(session.scalars(select(Shift).where(Shift.starts_at < now - timedelta(hours=8))))
    for shift in rng.sample(on_days, min(12, len(on_days))):
        if shift.starts_at > now - timedelta(days=21):
            _reveals(session, rng, shift.user_id, documents, shift.starts_at, shift.ends_at)
    _pages(session, rng, [*shifts, *on_days], staff, now)
    session.flush()


def _user(session: Session, handle: str) -> User | None:
    return session.scalars(select(User).where(User.email == f"{handle}@{DEMO_DOMAIN}")).first()


def _night_shifts(
    session: Session, crew: list[User], night: ShiftType, now: datetime
) -> list[Shift]:
    """22:00-06:00 in Los Angeles on the nights listed, for each of the crew."""
    shifts = []
    for ago in NIGHTS_AGO:
        for person in crew:
            local = now.astimezone(_zone(person)) - timedelta(days=ago)
            start = local.replace(hour=22, minute=0, second=0, microsecond=0)
            shift = Shift(
                user_id=person.id,
                shift_type_id=night.id,
                starts_at=start.astimezone(now.tzinfo),
                ends_at=(start + timedelta(minutes=night.minutes)).astimezone(now.tzinfo),
                skills=["emergency"],
                source=ShiftSource.override,
            )
            session.add(shift)
            shifts.append(shift)
    session.flush()
    return shifts


def _zone(person: User) -> ZoneInfo:
    return ZoneInfo(person.timezone or "UTC")


def _reveals(
    session: Session,
    rng: random.Random,
    user_id: int,
    documents: list[Document],
    start: datetime,
    end: datetime,
    *,
    heavy: bool = False,
) -> None:
    """A few items revealed during a shift; nights bring the long, severe ones."""
    person = session.get(User, user_id)
    if person is None:
        return
    span = int((end - start).total_seconds())
    for _ in range(rng.randint(2, 5)):
        document = rng.choice(documents)
        revealed = start + timedelta(seconds=rng.randint(0, span - 900))
        seconds = rng.choice([660, 780, 240, 90]) if heavy else rng.choice([20, 45, 150, 300, 640])
        request = session.get(Request, document.request_id)
        session.add(
            ExposureEvent(
                user_id=user_id,
                request_id=document.request_id,
                document_id=document.id,
                harm_category=(request.emergency_nature if request else None) or "unclassified",
                revealed_at=revealed,
                hidden_at=revealed + timedelta(seconds=seconds),
                seconds=seconds,
                shift_on=shift_day(person, revealed),
            )
        )


def _pages(
    session: Session, rng: random.Random, shifts: list[Shift], staff: dict[str, User], now: datetime
) -> None:
    """Pages over the past three weeks: most to someone on shift, some at night at home."""
    cases = list(
        session.scalars(
            select(Request).where(Request.priority.in_([Priority.P0, Priority.P1])).limit(40)
        )
    )
    recent = [
        s for s in shifts if now - timedelta(days=21) < s.starts_at < now - timedelta(hours=9)
    ]
    if not cases or not recent:
        return
    for index in range(PAGES):
        shift = rng.choice(recent)
        if index % 4 == 3:
            # Off shift: the shift's holder paged at home, six hours after it ended.
            at = shift.ends_at + timedelta(hours=6, minutes=rng.randint(0, 50))
        else:
            span = int((shift.ends_at - shift.starts_at).total_seconds())
            at = shift.starts_at + timedelta(seconds=rng.randint(600, span - 600))
        # Every fifth page goes unanswered and escalates to the demo's lead.
        backup = staff["lead"].id if index % 5 == 4 else None
        _page(session, rng, rng.choice(cases), shift.user_id, at, backup=backup)


def _page(
    session: Session,
    rng: random.Random,
    case: Request,
    user_id: int,
    at: datetime,
    *,
    backup: int | None,
) -> None:
    """One page to `user_id`; with a `backup`, it times out and the backup acknowledges it."""
    wait = rng.randint(60, 14 * 60)
    acknowledged = at + timedelta(seconds=wait + (15 * 60 if backup else 0))
    answered_by = backup or user_id
    alert = Alert(
        trigger="p0_new",
        summary=f"New {case.priority} case {case.reference} ({case.emergency_nature or case.kind})",
        severity="critical",
        request_id=case.id,
        dedup_key=f"p0_new:{case.id}:{at.isoformat()}",
        open_key=None,
        status=AlertStatus.resolved,
        opened_at=at,
        steps=2 if backup else 1,
        acknowledged_at=acknowledged,
        acknowledged_by_id=answered_by,
        acknowledged_via="link",
        resolved_at=acknowledged + timedelta(minutes=30),
        resolved_by_id=answered_by,
    )
    session.add(alert)
    session.flush()
    trail = [(user_id, at + timedelta(seconds=1), 1)]
    if backup:
        trail.append((backup, at + timedelta(minutes=15), 2))
    for who, sent, step in trail:
        session.add(
            DeliveryAttempt(
                alert_id=alert.id,
                user_id=who,
                channel=str(ChannelKind.email),
                step=step,
                attempt=1,
                at=sent,
                delivered=True,
                detail="accepted by the mail relay",
            )
        )
