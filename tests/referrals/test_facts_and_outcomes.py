"""A referral case's facts panel, its outcomes and the follow-up that reminds the team to ask."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.cases.models import Request, TimelineEvent
from exigent.db import utcnow
from exigent.deadlines import Deadline, run_due
from exigent.legal.models import Notification
from exigent.referrals.models import RecipientKind, Referral, ReferralOutcome, ReferralRecipient
from exigent.referrals.service import schedule_follow_up
from exigent.staffing.models import Shift
from exigent.workflow.jobs import deadline_handlers
from referrals.helpers import escalation, moderation_token


def _raise(client, factory, **changes) -> int:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/escalations", json=escalation(**changes), headers=moderation_token(factory)
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_case_page_loads_the_facts_panel_with_what_the_team_found(client, factory, analyst):
    case_id = _raise(client, factory)
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case_id}")
    assert f'hx-get="/console/cases/{case_id}/referral/facts"' in page.text
    panel = client.get(f"/console/cases/{case_id}/referral/facts")
    assert panel.status_code == 200
    html = panel.text
    assert 'data-harm="suicide_self_harm"' in html and "data-imminent" in html
    assert "Trust &amp; Safety moderation, EMEA" in html and "MOD-2026-77001" in html
    assert "by the moderation system (API)" in html
    assert "quiet.river.19" in html and "Columbus, Ohio, US" in html and "last login IP" in html
    assert "16 years" in html and "says she is in 11th grade" in html
    assert "https://platform.example/p/9912345" in html and "post:9912345" in html
    assert "(UTC+01:00 local)" in html
    # The captured picture sits behind the reveal safeguard, like the case's media.
    assert "data-viewer-item" in html and "data-reveal" in html
    assert "Posted a goodbye note" in html
    assert "No outcome recorded yet." in html
    with factory() as session:
        reads = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "request.read", AuditEvent.object_id == str(case_id)
            )
        ).all()
        assert reads


def test_an_outcome_is_recorded_by_whom_and_when_audited_and_on_the_timeline(
    client, factory, analyst
):
    case_id = _raise(client, factory)
    with factory() as session:
        referral = session.scalars(select(Referral)).one()
        police = ReferralRecipient(
            referral_id=referral.id, kind=RecipientKind.police, name="Columbus Division of Police"
        )
        session.add(police)
        session.commit()
        police_id = police.id
    csrf = sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case_id}/referral/facts").text
    assert "Columbus Division of Police" in panel
    learned = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        f"/console/cases/{case_id}/referral/outcomes",
        data={
            "outcome": "welfare_check_done",
            "recipient_id": str(police_id),
            "note": "Officers visited; she is with her mother.",
            "learned_at": learned,
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200, answer.text
    assert "Outcome recorded: welfare check done." in answer.text
    assert 'data-outcome="welfare_check_done"' in answer.text
    assert "Test analyst" in answer.text
    with factory() as session:
        row = session.scalars(select(ReferralOutcome)).one()
        assert row.recorded_by_id == analyst.user.id and row.recipient_id == police_id
        assert row.learned_at.strftime("%Y-%m-%dT%H:%M") == learned
        assert session.scalar(
            select(TimelineEvent.body).where(TimelineEvent.kind == "referral_outcome")
        ).startswith("Outcome recorded: welfare check done (Columbus Division of Police).")
        assert session.scalar(select(AuditEvent.seq).where(AuditEvent.action == "referral.outcome"))


def test_a_bad_outcome_is_refused_inline_and_nothing_is_recorded(client, factory, analyst):
    case_id = _raise(client, factory)
    csrf = sign_in(client, analyst.user.email)
    path = f"/console/cases/{case_id}/referral/outcomes"
    for data, said in [
        ({"outcome": "rescued", "learned_at": "2026-12-01T10:00"}, "outcome:"),
        ({"outcome": "arrest", "learned_at": ""}, "learned_at:"),
        (
            {"outcome": "arrest", "learned_at": "2026-12-01T10:00", "recipient_id": "999"},
            "recipient_id:",
        ),
    ]:
        answer = client.post(path, data=data, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 200
        assert 'data-error="outcome"' in answer.text and said in answer.text, answer.text
    with factory() as session:
        assert session.scalars(select(ReferralOutcome)).first() is None


def test_a_follow_up_fires_without_a_final_outcome_notifies_and_schedules_the_next(
    client, factory, make_account
):
    analyst = make_account(Role.analyst)
    lead = make_account(Role.lead)
    case_id = _raise(client, factory)
    now = utcnow()
    with factory() as session:
        case = session.get(Request, case_id)
        assert case is not None
        case.assignee_id = analyst.user.id
        session.add(
            Shift(
                user_id=lead.user.id,
                starts_at=now,
                ends_at=now + timedelta(days=30),
                skills=["lead"],
            )
        )
        referral = session.scalars(select(Referral)).one()
        # What the sending of a referral calls when a recipient is first told.
        due = schedule_follow_up(session, referral, now)
        session.commit()
    assert due == now + timedelta(days=3)
    csrf = sign_in(client, analyst.user.email)
    assert (
        due.strftime("%Y-%m-%d %H:%M UTC")
        in client.get(f"/console/cases/{case_id}/referral/facts").text
    )
    run_due(factory, deadline_handlers(), now=due - timedelta(minutes=1))
    with factory() as session:
        assert session.scalars(select(Notification)).first() is None
    run_due(factory, deadline_handlers(), now=due + timedelta(seconds=1))
    with factory() as session:
        told = sorted(n.user_id for n in session.scalars(select(Notification)))
        assert told == sorted([analyst.user.id, lead.user.id])
        entry = session.scalars(
            select(TimelineEvent).where(TimelineEvent.kind == "referral_follow_up")
        ).one()
        assert "no recipient has said what became of it" in entry.body
        referral = session.scalars(select(Referral)).one()
        assert referral.follow_up_due_at is not None and referral.follow_up_due_at > due
        waiting = session.scalars(
            select(Deadline).where(
                Deadline.kind == "referral_follow_up", Deadline.fired_at.is_(None)
            )
        ).all()
        assert [d.due_at for d in waiting] == [referral.follow_up_due_at]
    # A final outcome settles it: the next follow-up finds nothing to ask.
    answer = client.post(
        f"/console/cases/{case_id}/referral/outcomes",
        data={"outcome": "person_safe", "learned_at": utcnow().strftime("%Y-%m-%dT%H:%M")},
        headers={"X-CSRF-Token": csrf},
    )
    assert "Outcome recorded: person safe." in answer.text
    run_due(factory, deadline_handlers(), now=due + timedelta(days=4))
    with factory() as session:
        assert len(session.scalars(select(Notification)).all()) == 2
        assert session.scalars(select(Referral)).one().follow_up_due_at is None


def test_an_unknown_outcome_schedules_a_follow_up(client, factory, analyst):
    case_id = _raise(client, factory)
    csrf = sign_in(client, analyst.user.email)
    answer = client.post(
        f"/console/cases/{case_id}/referral/outcomes",
        data={"outcome": "unknown", "learned_at": utcnow().strftime("%Y-%m-%dT%H:%M")},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200
    with factory() as session:
        referral = session.scalars(select(Referral)).one()
        assert referral.follow_up_due_at is not None
        assert (
            session.scalar(select(Deadline.id).where(Deadline.kind == "referral_follow_up"))
            is not None
        )


def test_the_queue_shows_referrals_and_filters_by_their_kind(client, factory, analyst):
    from factories import emergency_record
    from legal.flows import create_case

    referral_id = _raise(client, factory)
    other = create_case(client, analyst, emergency_record())["id"]
    sign_in(client, analyst.user.email)
    queue = client.get("/console").text
    assert 'name="kind" value="referral"' in queue and "Proactive referral" in queue
    only = client.get("/console?kind=referral").text
    assert f'data-case-id="{referral_id}"' in only and f'data-case-id="{other}"' not in only
    home = client.get("/console/home").text
    assert 'href="/console/escalations/new"' in home
