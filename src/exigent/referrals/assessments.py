"""A referral's assessment and its call log: saved, audited and on the case's timeline.

The services never commit; the route does, after the last write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.cases.schemas import E164
from exigent.db import utcnow
from exigent.errors import BadInput, NotFound
from exigent.legal.notify import timeline_entry
from exigent.referrals.assessment import CHECKLIST, KEYS, Advice, advise, parse_answers
from exigent.referrals.models import (
    Recommendation,
    Referral,
    ReferralCall,
    ReferralRecipient,
    ThreatAssessment,
)

WORDS = {
    Recommendation.refer_now: "refer now",
    Recommendation.monitor: "monitor",
    Recommendation.no_action: "no action",
}


def referral_of(session: Session, user: User, request_id: int) -> tuple[Request, Referral]:
    """The case (404 unless the user may read it) and its referral row."""
    request = cases.load_for(session, user, request_id)
    referral = session.execute(
        select(Referral).where(Referral.request_id == request.id)
    ).scalar_one_or_none()
    if referral is None:
        raise NotFound(f"case {request.reference} is not a referral")
    return request, referral


def assessments_of(session: Session, referral_id: int) -> list[ThreatAssessment]:
    """Every assessment of a referral, newest first: the first one counts."""
    return list(
        session.execute(
            select(ThreatAssessment)
            .where(ThreatAssessment.referral_id == referral_id)
            .order_by(ThreatAssessment.id.desc())
        ).scalars()
    )


def latest_assessment(session: Session, referral_id: int) -> ThreatAssessment | None:
    found = assessments_of(session, referral_id)
    return found[0] if found else None


@dataclass(frozen=True)
class AssessmentInput:
    """The checklist as the analyst filled it in."""

    answers: Mapping[str, str]
    notes: Mapping[str, str]
    # Another recommendation than the checklist's, with why; empty to keep the checklist's.
    chosen: str = ""
    override_reason: str = ""
    summary: str = ""


def preview(referral: Referral, form: AssessmentInput) -> Advice:
    """What the checklist recommends for these answers, before anything is saved."""
    try:
        answers = parse_answers(form.answers)
    except ValueError as exc:
        raise BadInput(str(exc), field=str(exc).split(":")[0]) from None
    return advise(referral.harm_type, answers)


def save_assessment(
    session: Session,
    *,
    user: User,
    request_id: int,
    form: AssessmentInput,
    now: datetime | None = None,
) -> ThreatAssessment:
    """Save the checklist and its recommendation; another recommendation needs a reason."""
    now = now or utcnow()
    request, referral = referral_of(session, user, request_id)
    require_or_refuse(
        user, Permission.decision_draft, action="referral.assess", request_id=request.id
    )
    advice = preview(referral, form)
    chosen = _chosen(form, advice)
    answers = parse_answers(form.answers)
    stored = {
        key: {"answer": str(answers[key]), "note": (form.notes.get(key) or "").strip()[:1000]}
        for key in KEYS
    }
    overridden = chosen != advice.recommendation
    assessment = ThreatAssessment(
        referral_id=referral.id,
        assessor_id=user.id,
        answers=stored,
        recommendation=chosen,
        suggested=advice.recommendation,
        reason=advice.reason,
        override_reason=form.override_reason.strip() if overridden else None,
        legal_bases=[],
        notes=form.summary.strip() or None,
        created_at=now,
    )
    session.add(assessment)
    session.flush()
    actor = actor_for(user)
    body = f"Threat assessment {assessment.id}: {WORDS[chosen]}. {advice.reason}"
    if overridden:
        body = (
            f"Threat assessment {assessment.id}: {WORDS[chosen]}, not the checklist's "
            f"{WORDS[advice.recommendation]}, because: {assessment.override_reason}"
        )
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="threat_assessment",
        at=now,
        body=body,
        data={"assessment_id": assessment.id, "recommendation": str(chosen)},
    )
    record_event(
        session,
        actor=actor,
        action="referral.assess",
        object_type="threat_assessment",
        object_id=assessment.id,
        after={
            "answers": stored,
            "recommendation": str(chosen),
            "suggested": str(advice.recommendation),
            "override_reason": assessment.override_reason,
        },
        detail={"request_id": request.id, "referral_id": referral.id},
        at=now,
    )
    return assessment


def _chosen(form: AssessmentInput, advice: Advice) -> Recommendation:
    if not form.chosen or form.chosen == advice.recommendation:
        return advice.recommendation
    if form.chosen not in Recommendation.__members__:
        raise BadInput(
            f"chosen: choose refer_now, monitor or no_action (not {form.chosen!r})",
            field="chosen",
        )
    if not form.override_reason.strip():
        raise BadInput(
            f"override_reason: say why you choose {WORDS[Recommendation(form.chosen)]} when the "
            f"checklist recommends {WORDS[advice.recommendation]}",
            field="override_reason",
        )
    return Recommendation(form.chosen)


def stands_for_referral(assessment: ThreatAssessment | None) -> str | None:
    """Why the latest assessment does not support telling anyone (None when it does)."""
    if assessment is None:
        return "no threat assessment is saved: complete the checklist in the assessment panel"
    if assessment.recommendation != Recommendation.refer_now:
        return (
            f"the latest threat assessment ({assessment.id}) recommends "
            f"{WORDS[assessment.recommendation]}, not refer now"
        )
    return None


QUESTIONS = {item.key: item.question for item in CHECKLIST}


@dataclass(frozen=True)
class CallInput:
    recipient_id: int
    called_at: datetime
    number: str
    spoke_with: str
    their_reference: str
    summary: str


def recipients_of(session: Session, referral_id: int) -> list[ReferralRecipient]:
    return list(
        session.execute(
            select(ReferralRecipient)
            .where(ReferralRecipient.referral_id == referral_id)
            .order_by(ReferralRecipient.rank, ReferralRecipient.id)
        ).scalars()
    )


def calls_of(session: Session, referral_id: int) -> list[ReferralCall]:
    return list(
        session.execute(
            select(ReferralCall)
            .join(ReferralRecipient, ReferralRecipient.id == ReferralCall.recipient_id)
            .where(ReferralRecipient.referral_id == referral_id)
            .order_by(ReferralCall.called_at.desc(), ReferralCall.id.desc())
        ).scalars()
    )


def log_call(
    session: Session,
    *,
    user: User,
    request_id: int,
    call: CallInput,
    now: datetime | None = None,
) -> ReferralCall:
    """Log a phone call to one of the referral's recipients; the number defaults to theirs."""
    now = now or utcnow()
    request, referral = referral_of(session, user, request_id)
    require_or_refuse(
        user, Permission.production_deliver, action="referral.call", request_id=request.id
    )
    recipient = session.get(ReferralRecipient, call.recipient_id)
    if recipient is None or recipient.referral_id != referral.id:
        raise BadInput("recipient_id: not a recipient of this referral", field="recipient_id")
    number = call.number.strip() or (recipient.phone or "")
    if not E164.match(number):
        raise BadInput(
            "number: an E.164 number such as +14155550123 (the recipient has none on file)"
            if not number
            else f"number: {number!r} is not an E.164 number such as +14155550123",
            field="number",
        )
    if call.called_at > now:
        raise BadInput("called_at: a call cannot be logged in the future", field="called_at")
    if not call.summary.strip():
        raise BadInput("summary: say what was said", field="summary")
    row = ReferralCall(
        recipient_id=recipient.id,
        called_at=call.called_at,
        number=number,
        spoke_with=call.spoke_with.strip()[:300] or None,
        their_reference=call.their_reference.strip()[:200] or None,
        summary=call.summary.strip(),
        logged_by_id=user.id,
    )
    session.add(row)
    session.flush()
    actor = actor_for(user)
    who = f", spoke with {row.spoke_with}" if row.spoke_with else ""
    ref = f", their reference {row.their_reference}" if row.their_reference else ""
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="referral_call",
        at=now,
        body=f"Called {recipient.name} on {number} at {call.called_at:%Y-%m-%d %H:%M} UTC"
        f"{who}{ref}: {row.summary}",
        data={"call_id": row.id, "recipient_id": recipient.id},
    )
    record_event(
        session,
        actor=actor,
        action="referral.call",
        object_type="referral_call",
        object_id=row.id,
        after={
            "recipient_id": recipient.id,
            "number": number,
            "spoke_with": row.spoke_with,
            "their_reference": row.their_reference,
        },
        detail={"request_id": request.id, "referral_id": referral.id},
        at=now,
    )
    return row
