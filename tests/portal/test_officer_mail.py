"""The officer hears by email that staff wrote on their case, never what they wrote."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exigent.audit.models import AuditEvent
from exigent.db import utcnow
from exigent.deadlines import run_due
from exigent.workflow.jobs import deadline_handlers
from factories import subpoena_record
from legal.flows import create_case, move
from net import free_port

QUESTION = "Which account handle did the victim use on 12 November?"
NOTE = "We found two accounts; the second one belongs to the suspect's sister."


def _work(factory, settings, now) -> int:  # type: ignore[no-untyped-def]
    return run_due(factory, deadline_handlers(), now=now, limit=1000, settings=settings)


def _note(client, account, case_id: int, body: str, visible: bool):  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/requests/{case_id}/notes",
        json={"body": body, "visible_to_requester": visible},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text


def test_a_question_mails_the_submitting_officer_a_link_not_the_question(  # type: ignore[no-untyped-def]
    client, officer, analyst, factory, settings, mailbox
) -> None:
    case = create_case(client, officer, subpoena_record())
    assert move(client, analyst, case["id"], "need_info", QUESTION).status_code == 200
    # Nothing leaves before the worker picks up the committed move.
    assert mailbox.to(officer.user.email) == []
    _work(factory, settings, utcnow())

    [message] = mailbox.to(officer.user.email)
    assert case["reference"] in message["Subject"]
    text = message.get_content()
    assert f"{settings.base_url}/portal/requests/{case['id']}" in text
    assert "a question for you" in text
    assert QUESTION not in text and "victim" not in text
    # Once only.
    _work(factory, settings, utcnow() + timedelta(hours=1))
    assert len(mailbox.to(officer.user.email)) == 1


def test_visible_notes_mail_the_requester_internal_notes_do_not(  # type: ignore[no-untyped-def]
    client, analyst, factory, settings, mailbox
) -> None:
    # Entered by staff: there is no portal account, so the requester's own address is used.
    record = subpoena_record()
    requester_email = record["requester"]["email"]
    case = create_case(client, analyst, record)
    _note(client, analyst, case["id"], "internal: check the badge", visible=False)
    _work(factory, settings, utcnow())
    assert mailbox.to(requester_email) == []

    _note(client, analyst, case["id"], NOTE, visible=True)
    _work(factory, settings, utcnow())
    [message] = mailbox.to(requester_email)
    text = message.get_content()
    assert "a new message for you" in text
    assert "sister" not in text and "accounts" not in text


def test_an_officer_writing_on_their_own_case_gets_no_mail(  # type: ignore[no-untyped-def]
    client, officer, factory, settings, mailbox
) -> None:
    case = create_case(client, officer, subpoena_record())
    _note(client, officer, case["id"], "Attached the warrant again.", visible=True)
    _work(factory, settings, utcnow())
    assert mailbox.messages == []


def test_relay_down_then_up_mails_exactly_once(  # type: ignore[no-untyped-def]
    client, officer, analyst, factory, settings, mailbox
) -> None:
    case = create_case(client, officer, subpoena_record())
    assert move(client, analyst, case["id"], "need_info", QUESTION).status_code == 200
    down = settings.model_copy(update={"smtp_port": free_port()})
    now = utcnow()
    _work(factory, down, now)
    _work(factory, down, now + timedelta(minutes=2))
    assert mailbox.messages == []
    # Not before its backoff, even with the relay back.
    _work(factory, settings, now + timedelta(minutes=2, seconds=10))
    assert mailbox.messages == []

    _work(factory, settings, now + timedelta(hours=1))
    _work(factory, settings, now + timedelta(hours=3))
    assert len(mailbox.to(officer.user.email)) == 1
    with factory() as session:
        actions = list(
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("portal.message_mail%"))
                .order_by(AuditEvent.seq)
            ).scalars()
        )
    assert actions == [
        "portal.message_mail_failed",
        "portal.message_mail_failed",
        "portal.message_mail_sent",
    ]
