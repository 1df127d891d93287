"""The legal bases a referral's decision is offered: every basis of the policy, the ones the
harm and the recipients point to ticked first, and the assessment the good-faith belief is
drawn from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.cases.models import Request
from exigent.legal.versions import current_policy
from exigent.referrals import assessments as assessing
from exigent.referrals.assessment import cite, propose_bases, recipient_kinds_from_facts
from exigent.referrals.models import RecipientStatus, Referral, ThreatAssessment


@dataclass(frozen=True)
class Basis:
    id: str
    text: str
    proposed: bool


@dataclass(frozen=True)
class DecisionBases:
    bases: list[Basis]
    assessment: ThreatAssessment | None

    @property
    def proposed(self) -> list[str]:
        return [b.id for b in self.bases if b.proposed]


def proposed_ids(session: Session, referral: Referral, advice: Any = None) -> list[str]:
    """The policy's legal bases for this harm and the recipients chosen (or the facts)."""
    recipients = assessing.recipients_of(session, referral.id)
    live = [r for r in recipients if r.status != RecipientStatus.withdrawn]
    chosen = [r for r in live if r.status != RecipientStatus.proposed] or live
    kinds = {str(r.kind) for r in chosen} or {
        str(k)
        for k in recipient_kinds_from_facts(
            referral.harm_type,
            [
                referral.offence_country,
                referral.suspect_country,
                referral.victim_country,
                (referral.location or {}).get("country"),
            ],
            advice,
        )
    }
    return propose_bases(current_policy(session).policy, referral.harm_type, kinds)


def decision_bases(session: Session, request: Request) -> DecisionBases | None:
    """What a referral's decision form offers; None for any other case."""
    referral = session.execute(
        select(Referral).where(Referral.request_id == request.id)
    ).scalar_one_or_none()
    if referral is None:
        return None
    policy = current_policy(session).policy
    proposed = set(proposed_ids(session, referral))
    ids = list(policy.referrals.legal_bases)
    return DecisionBases(
        bases=[
            Basis(b, text, b in proposed) for b, text in zip(ids, cite(policy, ids), strict=True)
        ],
        assessment=assessing.latest_assessment(session, referral.id),
    )
