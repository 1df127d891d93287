"""Registering, confirming by the mailed link, the authenticator, sign-in and lockout."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from exigent.audit.models import AuditEvent
from exigent.auth.accounts import PortalAccount, PortalToken
from exigent.auth.models import RecoveryCode, User
from exigent.db import utcnow
from mail_relay import MailRelay
from portal.conftest import (
    PASSWORD,
    Portal,
    confirm,
    csrf_of,
    enrol,
    link_from,
    register,
    sign_in,
)


def actions(factory) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_registration_mails_a_link_that_confirms_once(client: TestClient, mailbox: MailRelay):
    response = register(client)
    assert response.status_code == 200
    assert "We sent a confirmation link to" in response.text
    link = link_from(mailbox, "dwhitfield@chicagopolice.org")
    assert link.startswith("http://testserver/portal/confirm/")

    opened = client.get(link.replace("http://testserver", ""))
    assert "Confirm my email" in opened.text  # opening alone (a mail scanner) changes nothing

    confirmed = confirm(client, link)
    assert confirmed.status_code == 200
    assert "Set up your authenticator app" in confirmed.text

    again = confirm(client, link)
    assert again.status_code == 409
    assert "already been used" in again.text


def test_an_expired_link_says_so_and_a_new_one_works(client, mailbox, factory):
    register(client)
    link = link_from(mailbox, "dwhitfield@chicagopolice.org")
    with factory() as session:
        session.execute(update(PortalToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        session.commit()
    expired = confirm(client, link)
    assert expired.status_code == 409
    assert "expired" in expired.text
    page = client.get("/portal/sign-in")
    resent = client.post(
        "/portal/confirm/resend",
        data={"email": "dwhitfield@chicagopolice.org", "csrf_token": csrf_of(page.text)},
    )
    assert resent.status_code == 200
    new_link = link_from(mailbox, "dwhitfield@chicagopolice.org")
    assert new_link != link
    assert confirm(client, new_link).status_code == 200


def test_free_mail_is_refused_with_a_clear_message(client, mailbox, factory):
    response = register(client, email="detective.dana@gmail.com")
    assert response.status_code == 422
    assert "gmail.com is a free-mail provider" in response.text
    assert 'aria-invalid="true"' in response.text
    assert mailbox.messages == []
    with factory() as session:
        assert session.execute(select(User)).first() is None


def test_lookalike_and_unknown_domains_are_accepted_but_flagged(client, mailbox, factory):
    assert register(client).status_code == 200
    assert register(client, email="dana@chicag0police.org", name="Dana Look").status_code == 200
    assert register(client, email="dana@police.example.gov", name="Dana New").status_code == 200
    with factory() as session:
        standings = dict(
            session.execute(
                select(User.email, PortalAccount.domain_standing).join(
                    PortalAccount, PortalAccount.user_id == User.id
                )
            ).all()
        )
    assert standings == {
        "dwhitfield@chicagopolice.org": "listed",
        "dana@chicag0police.org": "lookalike",
        "dana@police.example.gov": "unlisted",
    }


def test_bad_fields_are_named_next_to_the_field(client):
    response = register(client, phone="555", password="short", name="")
    assert response.status_code == 422
    assert "Enter your full name." in response.text
    assert "is not a phone number we can dial" in response.text
    assert "at least 12 characters" in response.text


def test_sign_in_needs_a_confirmed_email(client, mailbox):
    register(client)
    response = sign_in(client, "dwhitfield@chicagopolice.org", PASSWORD, "")
    assert response.status_code == 403
    assert "Confirm your email first" in response.text
    assert "Send me a new link" in response.text


def test_totp_is_required_and_a_wrong_code_is_refused(client, portal: Portal, factory):
    client.cookies.clear()
    missing = sign_in(client, portal.email, PASSWORD, "")
    assert missing.status_code == 422
    assert "enter the 6-digit code" in missing.text
    wrong_code = str((int(portal.code()) + 1) % 1_000_000).zfill(6)
    wrong = sign_in(client, portal.email, PASSWORD, wrong_code)
    assert wrong.status_code == 401
    assert "this code is wrong" in wrong.text
    assert client.get("/portal/home", follow_redirects=False).status_code == 303

    ok = sign_in(client, portal.email, PASSWORD, portal.code())
    assert ok.status_code == 200
    assert "My requests" in ok.text
    # The same code cannot be used twice.
    client.cookies.clear()
    replay = sign_in(client, portal.email, PASSWORD, portal.code())
    assert replay.status_code == 401
    assert "portal.sign_in_failed" in actions(factory)
    assert "portal.sign_in" in actions(factory)


def test_a_recovery_code_works_once(client, portal: Portal, factory):
    client.cookies.clear()
    code = portal.recovery_codes[0]
    assert sign_in(client, portal.email, PASSWORD, code).status_code == 200
    client.cookies.clear()
    assert sign_in(client, portal.email, PASSWORD, code).status_code == 401
    with factory() as session:
        hashes = list(session.execute(select(RecoveryCode.code_hash)).scalars())
    assert code not in hashes and len(hashes) == 8


def test_five_failures_from_one_place_make_it_wait_and_say_how_long(client, portal: Portal):
    client.cookies.clear()
    for _ in range(4):
        assert sign_in(client, portal.email, "wrong password!!", "").status_code == 401
    slowed = sign_in(client, portal.email, "wrong password!!", "")
    assert slowed.status_code == 429
    assert "wait 30 seconds" in slowed.text and slowed.headers["Retry-After"] == "30"
    # Even the right password and code wait for the delay to end.
    still = sign_in(client, portal.email, PASSWORD, portal.code())
    assert still.status_code == 429


def test_the_secret_is_stored_sealed_and_never_shown_again(client, portal: Portal, factory):
    with factory() as session:
        sealed = session.execute(select(PortalAccount.totp_secret)).scalar_one()
    assert sealed and portal.secret not in sealed
    again = client.get("/portal/totp", follow_redirects=False)
    assert again.status_code == 303
    assert portal.secret not in client.get("/portal/home").text


def test_a_form_without_its_csrf_token_is_refused(client, portal: Portal):
    response = client.post("/portal/requests/new/emergency", data={"idempotency_key": "k"})
    assert response.status_code == 403
    assert "reload the page" in response.text
    anonymous = TestClient(client.app)
    refused = anonymous.post("/portal/register", data={"email": "x@y.gov"})
    assert refused.status_code == 403


def test_unknown_pages_say_what_to_do_next(client, portal: Portal):
    response = client.get("/portal/requests/999999")
    assert response.status_code == 404
    assert "What to do next" in response.text
    assert "What to do next" in client.get("/portal/nowhere").text


def test_enrolment_needs_a_matching_code(client, mailbox):
    register(client)
    confirm(client, link_from(mailbox, "dwhitfield@chicagopolice.org"))
    page = client.get("/portal/totp")
    response = client.post(
        "/portal/totp", data={"code": "000000", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 422
    assert "that code does not match" in response.text
    # Until the app is set up, the portal sends the officer back to set it up.
    assert client.get("/portal/home", follow_redirects=False).headers["location"] == "/portal/totp"
    secret, codes = enrol(client)
    assert len(codes) == 8 and pyotp.TOTP(secret).now()


def test_a_second_registration_of_one_address_tells_only_the_mailbox(client, mailbox, factory):
    first = register(client)
    assert first.status_code == 200
    again = register(client, name="Someone Else")
    # A stranger sees what a new registration sees; the mailbox learns it already has one.
    assert again.status_code == 200 and "Check your email" in again.text
    notice = mailbox.to("dwhitfield@chicagopolice.org")[-1].get_content()
    assert "already has an account" in notice
    with factory() as session:
        assert session.execute(select(PortalAccount)).scalars().all()[0].user.name != "Someone Else"
        assert len(session.execute(select(PortalAccount)).scalars().all()) == 1


def test_resending_at_once_does_not_flood_the_mailbox(client, mailbox):
    register(client)
    page = client.get("/portal/sign-in")
    for _ in range(3):
        client.post(
            "/portal/confirm/resend",
            data={"email": "dwhitfield@chicagopolice.org", "csrf_token": csrf_of(page.text)},
        )
    assert len(mailbox.to("dwhitfield@chicagopolice.org")) == 1


def test_overlong_fields_are_named_not_stored(client, factory):
    response = register(client, agency_state="Illinois State", name="D" * 201)
    assert response.status_code == 422
    assert response.text.count("Keep this under") == 2
    with factory() as session:
        assert session.execute(select(User)).first() is None


def test_a_password_alone_cannot_set_up_the_authenticator(client, mailbox):
    register(client)
    confirm(client, link_from(mailbox, "dwhitfield@chicagopolice.org"))
    client.cookies.clear()
    response = sign_in(client, "dwhitfield@chicagopolice.org", PASSWORD, "")
    assert response.status_code == 403
    assert "can only be set up from a link we email" in response.text
    assert client.get("/portal/totp", follow_redirects=False).status_code == 303
    page = client.get("/portal/sign-in")
    client.post(
        "/portal/confirm/resend",
        data={"email": "dwhitfield@chicagopolice.org", "csrf_token": csrf_of(page.text)},
    )
    assert len(mailbox.to("dwhitfield@chicagopolice.org")) == 2
    opened = confirm(client, link_from(mailbox, "dwhitfield@chicagopolice.org"))
    assert "Set up your authenticator app" in opened.text
