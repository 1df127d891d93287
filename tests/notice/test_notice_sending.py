"""A permitted notice is drafted, decided, and sent by the outbox after the decision."""

from __future__ import annotations

from datetime import timedelta

from exigent.db import utcnow
from legal.flows import create_case
from net import free_port
from notice.helpers import (
    USER_EMAIL,
    audit_actions,
    decide,
    notice_timeline,
    notices,
    permitted_subpoena,
    work,
)


def test_permitted_notice_is_drafted_in_plain_words_and_sent(
    client, analyst, legal, factory, settings, mailbox
):
    case = create_case(client, analyst, permitted_subpoena())
    secret = "Internal: the officer sounded unsure, check the badge again"
    note = client.post(
        f"/api/v1/requests/{case['id']}/notes", json={"body": secret}, headers=analyst.headers
    )
    assert note.status_code == 201
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "pending"
    assert notice["basis"] == "user_notice_before_disclosure"
    assert notice["recipient"] == USER_EMAIL
    assert notice["needs_address"] is False

    # Notice before disclosure is due at once: the worker drafts it for legal.
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "drafted"
    body = notice["body"]
    assert "a subpoena from Springfield Police Department" in body
    assert "basic account information" in body
    assert "2026-11-24" in body
    assert "We have not provided any of your data" in body
    assert case["reference"] in body
    assert secret not in body and "Dana Whitfield" not in body
    legal_inbox = client.get("/api/v1/notifications", headers=legal.headers).json()
    assert any("user notice" in n["body"] for n in legal_inbox)

    response = decide(client, legal, notice["id"], action="send", reason="notice permitted")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "queued"
    # Nothing leaves before the worker picks up the committed decision.
    assert mailbox.messages == []

    work(factory, settings, utcnow())
    [message] = mailbox.to(USER_EMAIL)
    assert message["Subject"] == "A legal request about your account"
    assert "Springfield Police Department" in message.get_content()
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "sent"
    assert notice["sent_at"] is not None
    assert notice["decided_by"] == legal.user.name

    # Running the worker again sends nothing more.
    work(factory, settings, utcnow() + timedelta(days=1))
    assert len(mailbox.to(USER_EMAIL)) == 1
    assert audit_actions(factory, notice["id"]) == [
        "notice.review_due",
        "notice.send_approved",
        "notice.sent",
    ]
    timeline = notice_timeline(factory, case["id"])
    assert any("approved to send" in entry for entry in timeline)
    assert any(f"sent to {USER_EMAIL}" in entry for entry in timeline)


def test_relay_down_then_up_delivers_exactly_once(
    client, analyst, legal, factory, settings, mailbox
):
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    assert decide(client, legal, notice["id"], action="send").status_code == 200

    down = settings.model_copy(update={"smtp_port": free_port()})
    now = utcnow()
    work(factory, down, now)
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "failed"
    assert "SMTP relay" in notice["last_error"]
    assert notice["attempts"] == 1
    assert notice["next_attempt_at"] is not None
    # Not retried before its backoff, even with the relay back.
    work(factory, settings, now + timedelta(seconds=10))
    assert mailbox.messages == []

    work(factory, down, now + timedelta(minutes=2))
    [notice] = notices(client, analyst, case["id"])
    assert notice["attempts"] == 2

    work(factory, settings, now + timedelta(hours=2))
    work(factory, settings, now + timedelta(hours=4))
    assert len(mailbox.to(USER_EMAIL)) == 1
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "sent"
    assert notice["attempts"] == 3
    assert notice["last_error"] is None
    assert audit_actions(factory, notice["id"])[-3:] == [
        "notice.send_failed",
        "notice.send_failed",
        "notice.sent",
    ]


def test_withheld_notice_never_leaves_even_if_it_was_queued(
    client, analyst, legal, factory, settings, mailbox
):
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    assert decide(client, legal, notice["id"], action="send").status_code == 200
    response = decide(
        client, legal, notice["id"], action="withhold", reason="the user is the suspect's minor"
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withheld"
    assert response.json()["reason"] == "the user is the suspect's minor"
    work(factory, settings, utcnow() + timedelta(minutes=5))
    assert mailbox.messages == []
    assert audit_actions(factory, notice["id"])[-1] == "notice.withhold"


def test_edited_text_is_what_is_sent_and_a_resend_goes_again(
    client, analyst, lead, factory, settings, mailbox
):
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    edited = decide(client, lead, notice["id"], action="edit", body="Plain words from legal.")
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "Plain words from legal."
    assert decide(client, lead, notice["id"], action="send").status_code == 200
    work(factory, settings, utcnow())
    [message] = mailbox.to(USER_EMAIL)
    assert message.get_content().strip() == "Plain words from legal."
    assert decide(client, lead, notice["id"], action="resend", reason="bounced").status_code == 200
    work(factory, settings, utcnow())
    assert len(mailbox.to(USER_EMAIL)) == 2
    assert "notice.resend" in audit_actions(factory, notice["id"])


def test_a_username_target_needs_an_address_before_sending(
    client, analyst, legal, factory, settings, mailbox
):
    record = permitted_subpoena(targets=[{"identifier_type": "username", "value": "night.owl.77"}])
    case = create_case(client, analyst, record)
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    assert notice["needs_address"] is True
    refused = decide(client, legal, notice["id"], action="send")
    assert refused.status_code == 409
    assert "needs an address" in refused.json()["error"]
    assert "recipient" in refused.json()["error"]
    given = decide(client, legal, notice["id"], action="send", recipient="Owl@Example.com")
    assert given.status_code == 200, given.text
    work(factory, settings, utcnow())
    assert len(mailbox.to("Owl@example.com")) == 1


def test_the_draft_says_what_an_approved_decision_disclosed(
    client, analyst, lead, factory, settings
):
    from legal.flows import approve, ready_for_approval
    from notice.helpers import RECEIVED

    case = ready_for_approval(client, analyst, factory)
    assert approve(client, lead, case["id"]).status_code == 200
    work(factory, settings, RECEIVED + timedelta(days=91))
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "drafted"
    body = notice["body"]
    provided = body.split("We provided:", 1)[1]
    assert "basic account information" in provided
    assert "account activity" in provided
    assert "We have not provided" not in body
    # What the analysts wrote about the case never reaches the user.
    assert "Good-faith belief" not in body


def test_disclosure_waits_for_the_notice_the_process_permits(
    client, analyst, lead, legal, factory, settings, mailbox
):
    from legal.flows import approve, ready_for_approval

    record = permitted_subpoena(
        targets=[{"identifier_type": "email", "value": USER_EMAIL}],
    )
    case = ready_for_approval(client, analyst, factory, record)
    work(factory, settings, utcnow())
    refused = approve(client, lead, case["id"])
    assert refused.status_code == 409
    assert "before the user is notified" in refused.json()["error"]
    assert "is drafted" in refused.json()["error"]

    [notice] = notices(client, analyst, case["id"])
    assert decide(client, legal, notice["id"], action="send").status_code == 200
    # Queued is not yet told: still waiting.
    assert approve(client, lead, case["id"]).status_code == 409
    work(factory, settings, utcnow())
    assert len(mailbox.to(USER_EMAIL)) == 1
    approved = approve(client, lead, case["id"])
    assert approved.status_code == 200, approved.text
