"""What became of referrals, counted for analytics: outcomes by harm type and recipient kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.referrals.models import Referral, ReferralOutcome, ReferralRecipient

# An outcome learned without naming who told the team (or before anyone was told).
NO_RECIPIENT = "none"


@dataclass(frozen=True)
class OutcomeCount:
    harm_type: str
    recipient_kind: str
    outcome: str
    count: int


def outcome_counts(session: Session, *, since: datetime, until: datetime) -> list[OutcomeCount]:
    """Outcomes learned from `since` (inclusive) to `until` (exclusive), counted by harm type,
    recipient kind and outcome; each referral's latest word only, so an `unknown` later
    settled as `person_safe` counts once, as safe."""
    latest = (
        select(
            ReferralOutcome.id,
            func.row_number()
            .over(
                partition_by=ReferralOutcome.referral_id,
                order_by=(ReferralOutcome.learned_at.desc(), ReferralOutcome.id.desc()),
            )
            .label("rank"),
        )
        .where(ReferralOutcome.learned_at >= since, ReferralOutcome.learned_at < until)
        .subquery()
    )
    kind = ReferralRecipient.kind
    rows = session.execute(
        select(Referral.harm_type, kind, ReferralOutcome.outcome, func.count())
        .select_from(ReferralOutcome)
        .join(latest, (latest.c.id == ReferralOutcome.id) & (latest.c.rank == 1))
        .join(Referral, Referral.id == ReferralOutcome.referral_id)
        .outerjoin(ReferralRecipient, ReferralRecipient.id == ReferralOutcome.recipient_id)
        .group_by(Referral.harm_type, kind, ReferralOutcome.outcome)
    )
    counted = [
        OutcomeCount(str(harm), str(recipient or NO_RECIPIENT), str(outcome), int(count))
        for harm, recipient, outcome, count in rows
    ]
    # Sorted here: where a missing recipient sorts differs between databases.
    return sorted(counted, key=lambda c: (c.harm_type, c.recipient_kind, c.outcome))
