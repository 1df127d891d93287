"""Who is on call now and next, for each level of an escalation policy, from the roster.

Published shifts say who is on duty and with which skills. An override (a shift put in
someone's hands by a scheduler) stands in for the rotation: while an override with a skill
runs, its holders answer for that skill and the rotation's holders of it do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from exigent.auth.models import Role, User
from exigent.oncall.models import EscalationLevel, EscalationPolicy, PagingTrigger, TargetKind
from exigent.staffing.models import Shift, ShiftSource

LEAD_SKILL = "lead"
# How far ahead "next" looks for the next shift with a skill.
LOOK_AHEAD = timedelta(days=8)
# The trigger whose policy the header and `oncall now` show.
HEADLINE_TRIGGER = "p0_new"


@dataclass(frozen=True)
class OnCall:
    """One person answering for a level: their shift's start and end (UTC) and their zone."""

    user_id: int
    name: str
    email: str
    zone: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True)
class LevelOnCall:
    position: int
    target_kind: TargetKind
    target: str
    timeout_minutes: int
    now: list[OnCall] = field(default_factory=list)
    next: list[OnCall] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the header names the level: the skill, or the role the level stands for."""
        match self.target_kind:
            case TargetKind.skill:
                return self.target
            case TargetKind.lead:
                return "lead"
            case TargetKind.person:
                return "named"
            case TargetKind.head:
                return "head"


def _skill_of(kind: TargetKind, target: str) -> str | None:
    if kind is TargetKind.skill:
        return target
    if kind is TargetKind.lead:
        return LEAD_SKILL
    return None


@dataclass(frozen=True)
class Roster:
    """The shifts running at `at` or starting within `LOOK_AHEAD`, with their holders."""

    at: datetime
    rows: Sequence[tuple[Shift, User]]

    def holding(self, skill: str) -> list[OnCall]:
        """Everyone on shift with `skill` at `at`; an override's holders replace the rest."""
        running = [
            (s, u)
            for s, u in self.rows
            if skill in s.skills and s.starts_at <= self.at < s.ends_at and u.is_active
        ]
        return _people(_overrides_first(running))

    def next_holding(self, skill: str) -> list[OnCall]:
        """Whoever starts the next shift with `skill` after `at`."""
        coming = [
            (s, u)
            for s, u in self.rows
            if skill in s.skills and s.starts_at > self.at and u.is_active
        ]
        if not coming:
            return []
        first = min(s.starts_at for s, _ in coming)
        return _people(_overrides_first([(s, u) for s, u in coming if s.starts_at == first]))


def _overrides_first(rows: list[tuple[Shift, User]]) -> list[tuple[Shift, User]]:
    overrides = [(s, u) for s, u in rows if s.source is ShiftSource.override]
    return overrides or rows


def _people(rows: list[tuple[Shift, User]]) -> list[OnCall]:
    seen: dict[int, OnCall] = {}
    for shift, user in sorted(rows, key=lambda r: (r[0].starts_at, r[1].name)):
        seen.setdefault(
            user.id,
            OnCall(user.id, user.name, user.email, user.timezone, shift.starts_at, shift.ends_at),
        )
    return list(seen.values())


def roster_at(session: Session, at: datetime, *, ahead: timedelta = LOOK_AHEAD) -> Roster:
    """One query: the shifts that matter for now and next."""
    rows = session.execute(
        select(Shift, User)
        .join(User, User.id == Shift.user_id)
        .where(Shift.ends_at > at, Shift.starts_at <= at + ahead)
    ).all()
    return Roster(at, [(shift, user) for shift, user in rows])


def head_of_team(session: Session, head_email: str | None) -> list[OnCall]:
    """The configured head of the team; without one, everyone active in leadership."""
    statement = select(User).where(User.is_active.is_(True))
    if head_email:
        statement = statement.where(User.email == head_email.strip().lower())
    else:
        statement = statement.where(User.role == Role.leadership)
    return [OnCall(u.id, u.name, u.email, u.timezone) for u in session.scalars(statement)]


def named_person(session: Session, email: str) -> list[OnCall]:
    user = session.scalar(
        select(User).where(User.email == email.strip().lower(), User.is_active.is_(True))
    )
    return [] if user is None else [OnCall(user.id, user.name, user.email, user.timezone)]


def answering(
    session: Session,
    roster: Roster,
    kind: TargetKind,
    target: str,
    *,
    head_email: str | None,
    upcoming: bool = False,
) -> list[OnCall]:
    """Who a target names at the roster's moment (or, `upcoming`, at the next hand-over)."""
    skill = _skill_of(kind, target)
    if skill is not None:
        return roster.next_holding(skill) if upcoming else roster.holding(skill)
    if kind is TargetKind.person:
        return named_person(session, target)
    return head_of_team(session, head_email)


def headline_policy(session: Session) -> EscalationPolicy | None:
    """The policy a new emergency follows: the one the header and `oncall now` show."""
    # One statement with its levels: the header reads this on every page.
    policy = (
        session.scalars(
            select(EscalationPolicy)
            .join(PagingTrigger, PagingTrigger.policy_id == EscalationPolicy.id)
            .where(PagingTrigger.name == HEADLINE_TRIGGER)
            .options(joinedload(EscalationPolicy.levels))
        )
        .unique()
        .first()
    )
    return (
        policy
        or session.scalars(
            select(EscalationPolicy)
            .order_by(EscalationPolicy.id)
            .limit(1)
            .options(selectinload(EscalationPolicy.levels))
        ).first()
    )


def levels_on_call(
    session: Session,
    at: datetime,
    *,
    head_email: str | None,
    policy: EscalationPolicy | None = None,
) -> list[LevelOnCall]:
    """For each level of `policy` (the headline one by default): who now, who next."""
    policy = policy or headline_policy(session)
    if policy is None:
        return []
    roster = roster_at(session, at)
    return [_level(session, roster, level, head_email) for level in policy.levels]


def _level(
    session: Session, roster: Roster, level: EscalationLevel, head_email: str | None
) -> LevelOnCall:
    def who(upcoming: bool) -> list[OnCall]:
        return answering(
            session,
            roster,
            level.target_kind,
            level.target,
            head_email=head_email,
            upcoming=upcoming,
        )

    return LevelOnCall(
        position=level.position,
        target_kind=level.target_kind,
        target=level.target,
        timeout_minutes=level.timeout_minutes,
        now=who(False),
        next=who(True),
    )


def header_line(session: Session, at: datetime, *, head_email: str | None) -> str | None:
    """ "On call: A (emergency), B (lead)" for the console's header; None without a policy.

    Only the roster's levels (skills and the lead): two queries, read on every page.
    """
    policy = headline_policy(session)
    if policy is None:
        return None
    roster = roster_at(session, at, ahead=timedelta(0))
    parts: list[str] = []
    for level in policy.levels:
        skill = _skill_of(level.target_kind, level.target)
        if skill is None:
            continue
        label = "lead" if level.target_kind is TargetKind.lead else skill
        names = [person.name for person in roster.holding(skill)]
        parts.append(f"{', '.join(names) if names else 'nobody'} ({label})")
    return ", ".join(parts) if parts else None
