"""Outcome counts for analytics, by harm type and recipient kind over a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from exigent.referrals.models import (
    HarmType,
    Outcome,
    RaisedVia,
    RecipientKind,
    Referral,
    ReferralOutcome,
    ReferralRecipient,
)
from exigent.referrals.queries import OutcomeCount, outcome_counts
from factories import emergency_record
from legal.flows import create_case

DAY = datetime(2026, 11, 10, 12, tzinfo=UTC)


def _referral(db: Session, request_id: int, harm: HarmType) -> Referral:
    referral = Referral(
        request_id=request_id, harm_type=harm, raised_via=RaisedVia.api, reporting_team="Mod"
    )
    db.add(referral)
    db.flush()
    return referral


def _outcome(
    db: Session, referral: Referral, outcome: Outcome, at: datetime, by: int, recipient=None
):  # type: ignore[no-untyped-def]
    db.add(
        ReferralOutcome(
            referral_id=referral.id,
            recipient_id=recipient.id if recipient else None,
            outcome=outcome,
            learned_at=at,
            recorded_by_id=by,
        )
    )


def test_outcomes_are_counted_by_harm_and_recipient_kind_latest_word_only(client, analyst, db):
    cases = [create_case(client, analyst, emergency_record())["id"] for _ in range(4)]
    who = analyst.user.id
    suicide = _referral(db, cases[0], HarmType.suicide_self_harm)
    police = ReferralRecipient(referral_id=suicide.id, kind=RecipientKind.police, name="PD")
    db.add(police)
    db.flush()
    _outcome(db, suicide, Outcome.unknown, DAY, who, police)
    _outcome(db, suicide, Outcome.welfare_check_done, DAY + timedelta(days=2), who, police)
    second = _referral(db, cases[1], HarmType.suicide_self_harm)
    police2 = ReferralRecipient(referral_id=second.id, kind=RecipientKind.police, name="PD2")
    db.add(police2)
    db.flush()
    _outcome(db, second, Outcome.welfare_check_done, DAY + timedelta(days=1), who, police2)
    csam = _referral(db, cases[2], HarmType.child_sexual_exploitation)
    ncmec = ReferralRecipient(referral_id=csam.id, kind=RecipientKind.ncmec, name="NCMEC")
    db.add(ncmec)
    db.flush()
    _outcome(db, csam, Outcome.arrest, DAY + timedelta(days=3), who, ncmec)
    threat = _referral(db, cases[3], HarmType.violent_threat)
    _outcome(db, threat, Outcome.no_action, DAY + timedelta(days=1), who)
    # Outside the period: not counted.
    _outcome(db, threat, Outcome.arrest, DAY + timedelta(days=40), who)
    db.commit()

    counts = outcome_counts(db, since=DAY, until=DAY + timedelta(days=30))

    assert counts == [
        OutcomeCount("child_sexual_exploitation", "ncmec", "arrest", 1),
        OutcomeCount("suicide_self_harm", "police", "welfare_check_done", 2),
        OutcomeCount("violent_threat", "none", "no_action", 1),
    ]
    assert outcome_counts(db, since=DAY + timedelta(days=35), until=DAY + timedelta(days=50)) == [
        OutcomeCount("violent_threat", "none", "arrest", 1)
    ]
