"""Content safeguards: revealing an item is logged, and its seconds counted as exposure.

The viewer shows every item blurred, greyscale and muted; one click reveals one item. The
browser reports the seconds when the item is hidden again or the page is left; the server
never counts more than the time since the reveal, so a wrong clock cannot inflate it, and
an item never hidden counts up to `MAX_REVEAL_SECONDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for, require
from exigent.cases.models import Document, Request
from exigent.cases.service import load_for
from exigent.db import utcnow
from exigent.errors import Conflict, Forbidden, NotFound
from exigent.wellbeing.models import ExposureEvent

# An item left revealed (tab closed without a beacon) counts at most this long.
MAX_REVEAL_SECONDS = 15 * 60
UNLABELLED = "unclassified"
MEDIA_PREFIXES = ("image/", "video/", "audio/")


def is_media(document: Document) -> bool:
    return document.media_type.startswith(MEDIA_PREFIXES)


def harm_category(request: Request) -> str:
    """The harm the content is likely to show: the emergency's nature, when the case has one."""
    return request.emergency_nature or UNLABELLED


def shift_day(user: User, at: datetime) -> date:
    """The day of the person's shift: their own calendar day (rosters will bring real shifts)."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return at.astimezone(zone).date()


def reveal(
    session: Session, *, user: User, document_id: int, now: datetime | None = None
) -> ExposureEvent:
    """One item revealed by one person: logged, audited, and its clock started."""
    now = now or utcnow()
    require(user, Permission.request_read_all)
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"no document {document_id} that you can see")
    request = load_for(session, user, document.request_id)
    event = ExposureEvent(
        user_id=user.id,
        request_id=request.id,
        document_id=document.id,
        harm_category=harm_category(request),
        revealed_at=now,
        seconds=0,
        shift_on=shift_day(user, now),
    )
    session.add(event)
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="content.reveal",
        object_type="document",
        object_id=document.id,
        after={"exposure_id": event.id, "harm_category": event.harm_category},
        detail={"request_id": request.id},
        at=now,
    )
    return event


def hide(
    session: Session,
    *,
    user: User,
    exposure_id: int,
    seconds: float,
    now: datetime | None = None,
) -> ExposureEvent:
    """The item is hidden again (or the page left): keep the seconds, capped by the server."""
    now = now or utcnow()
    event = session.get(ExposureEvent, exposure_id)
    if event is None or event.user_id != user.id:
        raise NotFound(f"no reveal {exposure_id} of yours")
    if event.hidden_at is not None:
        raise Conflict(f"reveal {exposure_id} was already hidden after {event.seconds} s")
    elapsed = (now - event.revealed_at).total_seconds()
    event.seconds = round(max(0.0, min(seconds, elapsed, MAX_REVEAL_SECONDS)))
    event.hidden_at = now
    session.flush()
    return event


@dataclass(frozen=True)
class CategoryTotal:
    harm_category: str
    seconds: int
    items: int


def counted_seconds(event: ExposureEvent, now: datetime) -> int:
    """A reveal still open counts the time since it began, up to the cap."""
    if event.hidden_at is not None:
        return event.seconds
    return int(min((now - event.revealed_at).total_seconds(), MAX_REVEAL_SECONDS))


def my_exposure(
    session: Session, *, user: User, day: date | None = None, now: datetime | None = None
) -> tuple[date, list[CategoryTotal], list[ExposureEvent]]:
    """The person's own exposure on one shift day (default: today), by harm category."""
    now = now or utcnow()
    day = day or shift_day(user, now)
    events = list(
        session.execute(
            select(ExposureEvent)
            .where(ExposureEvent.user_id == user.id, ExposureEvent.shift_on == day)
            .order_by(ExposureEvent.revealed_at)
        ).scalars()
    )
    totals: dict[str, list[int]] = {}
    for event in events:
        total = totals.setdefault(event.harm_category, [0, 0])
        total[0] += counted_seconds(event, now)
        total[1] += 1
    return (
        day,
        [CategoryTotal(k, v[0], v[1]) for k, v in sorted(totals.items(), key=lambda i: -i[1][0])],
        events,
    )


@dataclass(frozen=True)
class PersonTotal:
    user_id: int
    name: str
    by_category: dict[str, int]

    @property
    def seconds(self) -> int:
        return sum(self.by_category.values())


def team_exposure(session: Session, *, user: User, since: date, until: date) -> list[PersonTotal]:
    """Seconds of revealed media per person and harm category, for leads (aggregates only)."""
    # The people who run shifts and rosters: leads, schedulers and admins.
    if not user_can(user, Permission.exposure_read_team):
        raise Forbidden(
            f"the team's exposure is for leads, schedulers and admins; you are {user.role}"
        )
    rows = session.execute(
        select(
            ExposureEvent.user_id,
            User.name,
            ExposureEvent.harm_category,
            func.sum(ExposureEvent.seconds),
        )
        .join(User, User.id == ExposureEvent.user_id)
        .where(ExposureEvent.shift_on >= since, ExposureEvent.shift_on <= until)
        .group_by(ExposureEvent.user_id, User.name, ExposureEvent.harm_category)
    ).all()
    people: dict[int, PersonTotal] = {}
    for user_id, name, category, seconds in rows:
        person = people.setdefault(user_id, PersonTotal(user_id, name, {}))
        person.by_category[category] = int(seconds or 0)
    return sorted(people.values(), key=lambda p: -p.seconds)


def default_window(now: datetime, days: int = 7) -> tuple[date, date]:
    today = now.date()
    return today - timedelta(days=days - 1), today
