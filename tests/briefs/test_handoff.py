"""The hand-off brief as a shift meets it: sent at the change by email on each newcomer's
clock, shown in the console, acknowledged by the incoming lead, or escalated once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from briefs.handoff_world import build, load
from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.briefs.models import Handoff
from exigent.db import utcnow
from exigent.deadlines import Deadline, run_due
from exigent.legal.models import Notification
from exigent.oncall.models import Alert
from exigent.production.models import HoldStatus, PreservationHold
from exigent.staffing.models import Shift
from exigent.workflow.jobs import deadline_handlers
from legal.flows import create_case


def _fire(factory, settings, at) -> None:  # type: ignore[no-untyped-def]
    run_due(factory, deadline_handlers(), now=at, settings=settings)


def _escalations(factory) -> list[Notification]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(
            session.scalars(select(Notification).where(Notification.body.contains("hand-off")))
        )


def test_newcomers_get_the_brief_by_email_on_their_own_clock(
    client, factory, settings, analyst, mailbox
) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    with factory() as session:
        world = build(session, utcnow())
        expires = world.at + timedelta(hours=3)
        session.add(
            PreservationHold(
                request_id=case["id"],
                status=HoldStatus.active,
                categories=["subscriber_info"],
                as_of=world.at - timedelta(days=89),
                expires_at=expires,
            )
        )
        session.commit()
    _fire(factory, settings, world.at)
    ref = f"EXG-{case['id']:07d}"
    (to_lead,) = mailbox.to("lou@example.test")
    (to_analyst,) = mailbox.to("ada@example.test")
    assert not mailbox.to("olly@example.test")
    lead_text, analyst_text = to_lead.get_content(), to_analyst.get_content()
    # The P0 received 02:10 New York time on 24 November must be decided within the hour.
    assert f"{ref} P0 emergency" in lead_text
    assert "decide by Tue 24 Nov 03:10 EST" in lead_text
    assert "decide by Tue 24 Nov 09:10 CET" in analyst_text
    assert "(America/New_York)" in lead_text and "(Europe/Berlin)" in analyst_text
    # The hold runs out three hours into the shift: said on each reader's clock.
    new_york = expires.astimezone(ZoneInfo("America/New_York")).strftime("%a %d %b %H:%M %Z")
    assert f"{ref}: preservation hold expires {new_york}" in lead_text
    with factory() as session:
        handoff = load(session, world.handoff_id)
        assert handoff.sent_at == world.at
        assert [d["ok"] for d in handoff.content["deliveries"]] == [True, True]


def test_the_outgoing_leads_notes_reach_the_next_shift_and_close_at_the_hand_over(
    client, factory, settings, mailbox
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session, utcnow())
    assert post_login(client, email="olly@example.test", password=PASSWORD).status_code == 303
    page = client.get(f"/briefs/handoff/{world.handoff_id}")
    assert page.status_code == 200 and 'data-handoff-state="planned"' in page.text
    saved = client.post(
        f"/briefs/handoff/{world.handoff_id}/notes",
        data={"csrf_token": csrf_of(page.text), "notes": "Call back Springfield PD at 09:00."},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("?done=notes&at=notes#notes")
    _fire(factory, settings, world.at)
    assert "Call back Springfield PD at 09:00." in mailbox.to("lou@example.test")[0].get_content()
    late = client.post(
        f"/briefs/handoff/{world.handoff_id}/notes",
        data={"csrf_token": csrf_of(page.text), "notes": "Too late"},
    )
    assert late.status_code == 409 and "notes: this brief was already sent" in late.text


def test_acknowledging_stops_the_escalation(client, factory, settings, mailbox) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session, utcnow())
    _fire(factory, settings, world.at)
    assert post_login(client, email="lou@example.test", password=PASSWORD).status_code == 303
    page = client.get("/briefs/handoff")
    assert 'data-handoff-state="waiting"' in page.text
    done = client.post(
        f"/briefs/handoff/{world.handoff_id}/acknowledge",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "acknowledged" in client.get(done.headers["location"]).text
    _fire(factory, settings, world.at + timedelta(minutes=settings.handoff_ack_minutes + 1))
    assert _escalations(factory) == []
    with factory() as session:
        chase = session.scalars(select(Deadline).where(Deadline.kind == "handoff_unacknowledged"))
        assert [d.outcome for d in chase] == ["met"]
        actions = session.scalars(select(AuditEvent.action)).all()
        assert "handoff.acknowledged" in actions and "handoff.escalated" not in actions


def test_without_an_acknowledgement_the_leads_are_told_once(
    client, factory, settings, mailbox
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session, utcnow())
    _fire(factory, settings, world.at)
    _fire(factory, settings, world.at + timedelta(minutes=settings.handoff_ack_minutes - 1))
    assert _escalations(factory) == []
    _fire(factory, settings, world.at + timedelta(minutes=settings.handoff_ack_minutes))
    _fire(factory, settings, world.at + timedelta(hours=3))
    # No policy set for the trigger: paging's fallback tells every lead, once.
    told = sorted(n.user_id for n in _escalations(factory))
    assert told == sorted([world.outgoing.id, world.lead.id, world.other_lead.id])
    with factory() as session:
        (page,) = session.scalars(select(Alert)).all()
        assert page.trigger == "handoff_unacknowledged" and page.status == "open"


def test_only_the_incoming_lead_acknowledges(client, factory, settings, mailbox) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session, utcnow())
    _fire(factory, settings, world.at)
    assert post_login(client, email="kit@example.test", password=PASSWORD).status_code == 303
    page = client.get(f"/briefs/handoff/{world.handoff_id}")
    refused = client.post(
        f"/briefs/handoff/{world.handoff_id}/acknowledge", data={"csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 403
    with factory() as session:
        assert load(session, world.handoff_id).acknowledged_at is None


def test_a_hand_over_the_roster_no_longer_has_sends_nothing(
    client, factory, settings, mailbox
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session, utcnow())
        session.query(Shift).filter(Shift.starts_at == world.at).delete()
        session.commit()
    _fire(factory, settings, world.at)
    assert mailbox.messages == []
    with factory() as session:
        assert session.get(Handoff, world.handoff_id) is None
        (send,) = session.scalars(select(Deadline).where(Deadline.kind == "handoff_send"))
        assert send.outcome == "cancelled"


def test_reading_the_hand_off_page_writes_nothing(client, factory, lead) -> None:  # type: ignore[no-untyped-def]
    assert post_login(client, email=lead.user.email, password=PASSWORD).status_code == 303

    def counts() -> tuple[int, int, int]:
        with factory() as session:
            return (
                len(session.scalars(select(Deadline.id)).all()),
                len(session.scalars(select(Handoff.id)).all()),
                len(session.scalars(select(AuditEvent.seq)).all()),
            )

    before = counts()
    page = client.get("/briefs/handoff")
    assert page.status_code == 200
    assert "No hand-off is planned" in page.text
    assert counts() == before
    with factory() as session:
        world = build(session, utcnow())
        session.commit()
    before = counts()
    page = client.get("/briefs/handoff")
    assert "No hand-over has happened yet." in page.text
    assert f"/briefs/handoff/{world.handoff_id}" in page.text
    assert counts() == before
