"""A referral's own rows: opening it on a new case, its outcomes and its follow-up. Never commits.

The case itself (clocks, legal check, score, paging) is made by intake; `exigent.intake`
joins the two. What is here knows only the referral tables and the policy's referral rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.models import Request
from exigent.cases.service import load_for
from exigent.deadlines import schedule
from exigent.errors import BadInput
from exigent.legal.notify import timeline_entry
from exigent.legal.policy import Priority, ReferralRules
from exigent.legal.versions import current_policy
from exigent.referrals.models import (
    ContentKind,
    Outcome,
    RaisedVia,
    Referral,
    ReferralContent,
    ReferralOutcome,
    ReferralRecipient,
)
from exigent.referrals.schemas import EscalationIn, OutcomeIn

FOLLOW_UP = "referral_follow_up"
# What the team still has to ask about: every outcome but these settles the referral.
OPEN_OUTCOMES = frozenset({Outcome.unknown})


def referral_priority(rules: ReferralRules, harm_type: str, imminent: bool) -> Priority:
    """The policy's priority: imminent harm is one priority whatever the harm, else by harm."""
    if imminent:
        return rules.imminent_priority
    return rules.priority_by_harm.get(str(harm_type), rules.imminent_priority)


@dataclass(frozen=True)
class StoredFile:
    """A captured file already in the file store."""

    sha256: str
    size_bytes: int


def open_referral(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    escalation: EscalationIn,
    raised_via: RaisedVia,
    raised_by_id: int | None,
    stored: dict[int, StoredFile],
    now: datetime,
) -> Referral:
    """The referral of a just-made case and its content (`stored`: captured files by position)."""
    known = escalation.location
    location = known.model_dump(mode="json", exclude_none=True) if known else {}
    referral = Referral(
        request_id=request_id,
        harm_type=escalation.harm_type,
        imminent=escalation.imminent,
        raised_via=raised_via,
        reporting_team=escalation.reporting_team,
        source_reference=escalation.source_reference or None,
        summary=escalation.summary,
        location=location,
        offence_country=escalation.offence_country,
        suspect_country=escalation.suspect_country,
        victim_country=escalation.victim_country,
        age_years=escalation.age_years,
        age_note=escalation.age_note or None,
        raised_by_id=raised_by_id,
        created_at=now,
    )
    for position, item in enumerate(escalation.content):
        file = stored.get(position)
        referral.content.append(
            ReferralContent(
                position=position,
                kind=item.kind,
                value=item.value,
                file_sha256=file.sha256 if file else None,
                media_type=item.media_type if item.kind is ContentKind.media else None,
                size_bytes=file.size_bytes if file else None,
                published_at=item.published_at,
                published_offset_minutes=item.offset_minutes,
                description=item.description,
            )
        )
    session.add(referral)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="referral.raise",
        object_type="referral",
        object_id=referral.id,
        after=escalation.as_submitted(),
        detail={"request_id": request_id, "raised_via": str(raised_via)},
        at=now,
    )
    return referral


def referral_for(session: Session, request_id: int) -> Referral | None:
    return session.execute(
        select(Referral).where(Referral.request_id == request_id)
    ).scalar_one_or_none()


def schedule_follow_up(session: Session, referral: Referral, now: datetime) -> datetime:
    """Ask the recipient again in the policy's `follow_up_days`; a later call moves the date
    (the earlier deadline then finds itself superseded and does nothing)."""
    days = current_policy(session).policy.referrals.follow_up_days
    due = now + timedelta(days=days)
    referral.follow_up_due_at = due
    schedule(
        session,
        kind=FOLLOW_UP,
        due_at=due,
        request_id=referral.request_id,
        data={"referral_id": referral.id, "due_at": due.isoformat()},
    )
    return due


def outcomes_of(session: Session, referral_id: int) -> list[ReferralOutcome]:
    return list(
        session.scalars(
            select(ReferralOutcome)
            .where(ReferralOutcome.referral_id == referral_id)
            .order_by(ReferralOutcome.learned_at.desc(), ReferralOutcome.id.desc())
        )
    )


def recipients_of(session: Session, referral_id: int) -> list[ReferralRecipient]:
    return list(
        session.scalars(
            select(ReferralRecipient)
            .where(ReferralRecipient.referral_id == referral_id)
            .order_by(ReferralRecipient.rank, ReferralRecipient.id)
        )
    )


def has_final_outcome(session: Session, referral_id: int) -> bool:
    return any(o.outcome not in OPEN_OUTCOMES for o in outcomes_of(session, referral_id))


def record_outcome(
    session: Session, *, user: User, request_id: int, given: OutcomeIn, now: datetime
) -> ReferralOutcome:
    """What became of the referral, as a recipient said; `unknown` means ask again later."""
    require(user, Permission.referral_raise)
    case = load_for(session, user, request_id, for_update=True)
    referral = referral_for(session, case.id)
    if referral is None:
        raise BadInput(f"{case.reference} is not a referral", field="request")
    recipient = None
    if given.recipient_id is not None:
        recipient = session.get(ReferralRecipient, given.recipient_id)
        if recipient is None or recipient.referral_id != referral.id:
            raise BadInput(
                f"recipient_id: {given.recipient_id} is not a recipient of this referral",
                field="recipient_id",
            )
    row = ReferralOutcome(
        referral_id=referral.id,
        recipient_id=given.recipient_id,
        outcome=given.outcome,
        note=given.note or None,
        learned_at=given.learned_at,
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(row)
    session.flush()
    if given.outcome in OPEN_OUTCOMES:
        schedule_follow_up(session, referral, now)
    else:
        referral.follow_up_due_at = None  # settled: nothing left to ask
    actor = actor_for(user)
    told_by = f" ({recipient.name})" if recipient else ""
    timeline_entry(
        session,
        request_id=case.id,
        actor=actor,
        kind="referral_outcome",
        at=now,
        body=f"Outcome recorded: {given.outcome.value.replace('_', ' ')}{told_by}."
        + (f" {given.note}" if given.note else ""),
        data={"outcome_id": row.id, "outcome": str(given.outcome)},
    )
    record_event(
        session,
        actor=actor,
        action="referral.outcome",
        object_type="referral",
        object_id=referral.id,
        after=given.model_dump(mode="json"),
        detail={"request_id": case.id, "outcome_id": row.id},
        at=now,
    )
    return row


def referral_case(session: Session, referral: Referral) -> Request | None:
    return session.get(Request, referral.request_id)
