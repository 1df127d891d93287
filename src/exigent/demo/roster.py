"""The demo's roster: twenty people in four time zones handing the day over like the sun.

Each region works a day shift on its own clock (Singapore, then Dublin, then Los Angeles,
with New York overlapping both), five people per region taking turns five days on and two
off. Four weeks around today are published; one person has asked for time off, the
scheduler filed a sick call for another, one has offered a shift and two propose a swap, so
the scheduler's home has work waiting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.demo.people import DEMO_DOMAIN, SEEDER
from exigent.staffing.coverage import template_rows
from exigent.staffing.jobs import ensure_scheduled
from exigent.staffing.models import (
    ShiftType,
    StaffProfile,
    Swap,
    SwapKind,
    SwapStatus,
    TimeOff,
    TimeOffStatus,
)
from exigent.staffing.people import request_time_off
from exigent.staffing.shifts import Layer, rotation_shifts, shifts_of
from exigent.staffing.swaps import exchange_problems

# (name, zone, country, skills); the first four regions' existing staff join these.
TEAM = {
    "Asia/Singapore": [
        ("Wei Ling Tan", "SG", ["emergency", "lead", "lang:zh"]),
        ("Arjun Nair", "SG", ["emergency", "ncmec", "lang:hi"]),
        ("Siti Rahman", "SG", ["emergency", "ncmec", "lang:ms"]),
        ("Daniel Koh", "SG", ["emergency", "lead"]),
        ("Mei Chua", "SG", ["emergency", "lang:zh"]),
    ],
    "Europe/Dublin": [
        ("Aoife Byrne", "IE", ["emergency", "lead", "lang:ga"]),
        ("Liam Walsh", "IE", ["emergency", "ncmec"]),
        ("Marta Nowak", "IE", ["emergency", "lang:pl", "lang:de"]),
        ("Claire Dubois", "IE", ["emergency", "ncmec", "lang:fr"]),
    ],
    "America/Los_Angeles": [
        ("Diego Ramirez", "US", ["emergency", "ncmec", "lang:es"]),
        ("Hannah Lee", "US", ["emergency", "lead", "lang:ko"]),
        ("Tom Becker", "US", ["emergency"]),
        ("Priya Shah", "US", ["emergency", "ncmec"]),
    ],
    "America/New_York": [
        ("Grace Kim", "US", ["emergency", "legal_process", "lead"]),
        ("Luis Ortega", "US", ["emergency", "legal_process", "lang:es"]),
        ("Nora Fields", "US", ["legal_process"]),
    ],
}
# The demo's own accounts (they sign in) and their places on the roster.
EXISTING = {
    "analyst2": ("IE", ["emergency", "ncmec"]),
    "lead": ("US", ["emergency", "lead", "ncmec"]),
    "analyst": ("US", ["emergency", "legal_process", "lang:es"]),
    "legal": ("US", ["legal_process"]),
}
SHIFT_TYPES = [
    # Day shifts hand over between regions; the late one is New York's overlap.
    ("D", "Day", time(8), 8 * 60, False, ["N"]),
    ("L", "Late", time(9), 8 * 60, False, []),
    ("N", "Night", time(22), 8 * 60, True, ["D", "L"]),
]


def _handle(name: str) -> str:
    return name.lower().replace(" ", ".")


def seed_roster(session: Session, staff: dict[str, User], now: datetime) -> None:
    """Profiles, coverage, shift types, four weeks of roster and the requests waiting."""
    people = _people(session, staff)
    kinds = {}
    for code, name, start, minutes, night, forbidden in SHIFT_TYPES:
        kinds[code] = ShiftType(
            code=code,
            name=name,
            local_start=start,
            minutes=minutes,
            night=night,
            forbidden_successors=forbidden,
        )
        session.add(kinds[code])
    session.add_all(template_rows("follow_the_sun"))
    session.flush()
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=today.weekday() + 7)
    last = first + timedelta(days=27)
    by_id = {u.id: (u, p) for u, p in people}
    for zone in TEAM:
        members = [u.id for u, _ in people if u.timezone == zone]
        kind = kinds["L" if zone == "America/New_York" else "D"]
        layer = Layer(members=members, shift_type=kind, anchor=first)
        session.add_all(rotation_shifts(layer, first=first, last=last, people=by_id))
    session.flush()
    _waiting_work(session, staff, people, today, now)
    ensure_scheduled(session, now)


def _people(session: Session, staff: dict[str, User]) -> list[tuple[User, StaffProfile]]:
    people = []
    for handle, (country, skills) in EXISTING.items():
        people.append((staff[handle], _profile(session, staff[handle], country, skills)))
    for zone, members in TEAM.items():
        for name, country, skills in members:
            lead = "lead" in skills
            user = create_user(
                session,
                actor=SEEDER,
                email=f"{_handle(name)}@{DEMO_DOMAIN}",
                name=name,
                role=Role.lead if lead else Role.analyst,
                timezone=zone,
                us_data_cleared=country == "US",
            )
            people.append((user, _profile(session, user, country, skills)))
    session.flush()
    return people


def _profile(session: Session, user: User, country: str, skills: list[str]) -> StaffProfile:
    # Tom Becker has no phone on file: readiness names him while he is on shift.
    phone = None if user.name == "Tom Becker" else f"+1555{user.id:07d}"
    profile = StaffProfile(
        user_id=user.id,
        country=country,
        skills=sorted(skills),
        contracted_minutes_per_week=40 * 60,
        max_nights=6,
        max_weekends=2,
        earliest_start=time(7),
        latest_start=time(10),
        phone=phone,
    )
    session.add(profile)
    return profile


def _waiting_work(
    session: Session,
    staff: dict[str, User],
    people: list[tuple[User, StaffProfile]],
    today: date,
    now: datetime,
) -> None:
    """A time off request, an open offer and a proposed swap for the scheduler."""
    from_on = today + timedelta(days=8)
    session.add(
        TimeOff(
            user_id=staff["analyst2"].id,
            starts_on=from_on,
            ends_on=from_on + timedelta(days=2),
            reason="Family wedding",
            status=TimeOffStatus.requested,
            created_at=now - timedelta(hours=5),
        )
    )
    session.add(
        TimeOff(
            user_id=staff["lead"].id,
            starts_on=today + timedelta(days=20),
            ends_on=today + timedelta(days=24),
            reason="Annual leave",
            status=TimeOffStatus.approved,
            decided_by_id=staff["scheduler"].id,
            decided_at=now - timedelta(days=3),
            created_at=now - timedelta(days=6),
        )
    )
    # Filed by the scheduler for someone who called in sick; it waits for a decision too.
    sick = next(u for u, _ in people if u.name == "Tom Becker")
    request_time_off(
        session,
        actor=staff["scheduler"],
        user_id=sick.id,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=2),
        reason="Called in sick (filed by the scheduler)",
        now=now - timedelta(hours=3),
    )
    _offer_and_swap(session, staff, people, now)


def _offer_and_swap(
    session: Session, staff: dict[str, User], people: list[tuple[User, StaffProfile]], now: datetime
) -> None:
    soon = now + timedelta(days=2)
    mine = shifts_of(session, staff["analyst"].id, soon, soon + timedelta(days=7))
    if mine:
        session.add(
            Swap(
                kind=SwapKind.offer,
                status=SwapStatus.open,
                shift_id=mine[0].id,
                from_user_id=staff["analyst"].id,
                filed_by_id=staff["analyst"].id,
                note="Dentist in the afternoon",
                created_at=now - timedelta(hours=2),
            )
        )
    dublin = [
        u for u, _ in people if u.timezone == "Europe/Dublin" and u.id != staff["analyst2"].id
    ]
    giver, taker = staff["analyst2"], dublin[1]
    given = shifts_of(session, giver.id, soon, soon + timedelta(days=7))
    taken = {
        s.starts_at.date() for s in shifts_of(session, taker.id, soon, soon + timedelta(days=7))
    }
    back = [
        s
        for s in shifts_of(session, taker.id, soon, soon + timedelta(days=7))
        if s.starts_at.date() not in {g.starts_at.date() for g in given}
    ]
    free = [g for g in given if g.starts_at.date() not in taken]
    # The first trade the rules accept, so the scheduler's Accept goes through.
    for shift, returned in ((g, b) for g in free for b in back):
        proposal = Swap(
            kind=SwapKind.swap,
            status=SwapStatus.proposed,
            shift_id=shift.id,
            from_user_id=giver.id,
            to_user_id=taker.id,
            return_shift_id=returned.id,
            filed_by_id=giver.id,
            note="Trading days for a school event",
            created_at=now - timedelta(hours=1),
        )
        if not exchange_problems(session, proposal):
            session.add(proposal)
            return
