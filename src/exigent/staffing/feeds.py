"""Calendar feeds: a secret address per person (and one for the team) serving iCalendar.

Only the token's sha256 is stored; issuing a new address revokes the old one, so a leaked
address is closed by re-issuing it from "My shifts".
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for, require
from exigent.errors import Forbidden, NotFound
from exigent.staffing.models import CalendarFeed, Shift
from exigent.staffing.shifts import shifts_between, shifts_of

PAST = timedelta(days=14)
AHEAD = timedelta(days=60)
# Calendar apps poll; the audit log gets one entry per feed per hour with the reads counted.
AUDIT_EVERY = timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_feeds(session: Session, owner: User) -> list[CalendarFeed]:
    return list(
        session.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.owner_id == owner.id, CalendarFeed.revoked_at.is_(None))
            .order_by(CalendarFeed.team)
        )
    )


def issue(session: Session, *, actor: User, team: bool, now: datetime) -> str:
    """A new secret address (the old one of its kind stops working); the token, shown once."""
    require(actor, Permission.shifts_own)
    if team and not user_can(actor, Permission.roster_read):
        raise Forbidden("the team's calendar is for those who read the roster")
    revoke(session, actor=actor, team=team, now=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(owner_id=actor.id, team=team, token_hash=token_hash(token), created_at=now)
    session.add(feed)
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="calendar_feed.issue",
        object_type="calendar_feed",
        object_id=feed.id,
        after={"team": team},
    )
    return token


def revoke(session: Session, *, actor: User, team: bool, now: datetime) -> int:
    """Close the actor's address of this kind; how many were closed."""
    closed = 0
    for feed in live_feeds(session, actor):
        if feed.team == team:
            feed.revoked_at = now
            closed += 1
            record_event(
                session,
                actor=actor_for(actor),
                action="calendar_feed.revoke",
                object_type="calendar_feed",
                object_id=feed.id,
            )
    return closed


def calendar(session: Session, *, token: str, now: datetime) -> bytes:
    """The feed behind `token`: its owner's shifts in their zone, or the team's."""
    feed = session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None)
        )
    ).first()
    owner = session.get(User, feed.owner_id) if feed else None
    # A revoked address and an owner who lost access answer like one that never existed.
    if feed is None or owner is None or not user_can(owner, Permission.shifts_own):
        raise NotFound("no calendar at this address")
    if feed.team and not user_can(owner, Permission.roster_read):
        raise NotFound("no calendar at this address")
    since, until = now - PAST, now + AHEAD
    if feed.team:
        shifts = shifts_between(session, since, until)
        title = "ERT roster"
    else:
        shifts = shifts_of(session, owner.id, since, until)
        title = f"My shifts ({owner.name})"
    names = {
        u.id: u
        for u in session.scalars(select(User).where(User.id.in_({s.user_id for s in shifts})))
    }
    _audit_read(session, feed, shifts=len(shifts), now=now)
    return render(shifts, names, owner=owner, title=title, now=now)


def _audit_read(session: Session, feed: CalendarFeed, *, shifts: int, now: datetime) -> None:
    """At most one audit entry per feed per `AUDIT_EVERY`, counting the reads it stands for
    (this one and those since the last entry)."""
    reads = (feed.reads_unaudited or 0) + 1
    if feed.read_audited_at is not None and now - feed.read_audited_at < AUDIT_EVERY:
        feed.reads_unaudited = reads
        return
    record_event(
        session,
        actor=Actor.system("calendar-feed"),
        action="calendar_feed.read",
        object_type="calendar_feed",
        object_id=feed.id,
        detail={"shifts": shifts, "reads": reads},
        at=now,
    )
    feed.reads_unaudited = 0
    feed.read_audited_at = now


def render(
    shifts: list[Shift], people: dict[int, User], *, owner: User, title: str, now: datetime
) -> bytes:
    """iCalendar text; each shift in its holder's own zone (the owner's for a team feed's
    header), so a calendar app shows the local hours across daylight saving changes."""
    cal = Calendar()
    cal.add("prodid", "-//Exigent//Roster//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", owner.timezone)
    for shift in shifts:
        person = people.get(shift.user_id)
        zone = ZoneInfo(person.timezone if person else "UTC")
        event = Event()
        event.add("uid", f"shift-{shift.id}@exigent")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at.astimezone(zone))
        event.add("dtend", shift.ends_at.astimezone(zone))
        skills = ", ".join(shift.skills) or "on shift"
        event.add("summary", f"{person.name if person else 'Shift'}: {skills}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
