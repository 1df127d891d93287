"""A new referral's recipients are proposed by the worker, without holding up the escalation."""

from __future__ import annotations

from sqlalchemy import select

from exigent.cases.models import TimelineEvent
from exigent.db import utcnow
from exigent.deadlines import Deadline, run_due
from exigent.referrals.models import RecipientKind, RecipientStatus, Referral, ReferralRecipient
from exigent.referrals.recipient_jobs import PROPOSE, schedule_proposal
from exigent.workflow.jobs import deadline_handlers
from referrals.helpers import escalation, moderation_token


def _raise(client, factory, **changes) -> int:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/escalations", json=escalation(**changes), headers=moderation_token(factory)
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _recipients(factory, case_id: int) -> list[ReferralRecipient]:  # type: ignore[no-untyped-def]
    with factory() as session:
        referral = session.scalars(select(Referral).where(Referral.request_id == case_id)).one()
        return list(
            session.scalars(
                select(ReferralRecipient)
                .where(ReferralRecipient.referral_id == referral.id)
                .order_by(ReferralRecipient.rank)
            )
        )


def test_an_escalation_is_answered_before_its_recipients_and_the_worker_proposes_them(
    client, factory
):
    case_id = _raise(client, factory)
    assert _recipients(factory, case_id) == []
    with factory() as session:
        waiting = session.scalars(select(Deadline).where(Deadline.kind == PROPOSE)).all()
        assert [d.request_id for d in waiting] == [case_id]

    run_due(factory, deadline_handlers(), now=utcnow())

    proposed = _recipients(factory, case_id)
    assert proposed, "the worker proposed no one"
    assert {r.status for r in proposed} == {RecipientStatus.proposed}
    # A user last seen in Columbus, Ohio is proposed to police there, each with its reasons.
    assert proposed[0].kind is RecipientKind.police
    assert all(r.reasons for r in proposed)
    with factory() as session:
        entries = session.scalars(
            select(TimelineEvent).where(
                TimelineEvent.request_id == case_id, TimelineEvent.kind == "referral_recipients"
            )
        ).all()
        assert entries and "Recipients proposed: 1." in (entries[0].body or "")


def test_child_exploitation_is_proposed_to_ncmec_first(client, factory):
    case_id = _raise(client, factory, harm_type="child_sexual_exploitation")
    run_due(factory, deadline_handlers(), now=utcnow())
    assert _recipients(factory, case_id)[0].kind is RecipientKind.ncmec


def test_the_worker_leaves_a_referral_alone_once_the_analyst_has_proposed(client, factory):
    case_id = _raise(client, factory)
    run_due(factory, deadline_handlers(), now=utcnow())
    first = [(r.id, r.name) for r in _recipients(factory, case_id)]
    with factory() as session:
        referral = session.scalars(select(Referral).where(Referral.request_id == case_id)).one()
        schedule_proposal(session, referral, utcnow())
        session.commit()
    run_due(factory, deadline_handlers(), now=utcnow())
    assert [(r.id, r.name) for r in _recipients(factory, case_id)] == first
