"""Each way an outsider took over a verified officer's identity, or a colleague stood in for
the second person, reproduced and refused."""

from __future__ import annotations

from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select

from console.helpers import post_login
from exigent.auth.models import Role
from exigent.cases.models import Requester, TimelineEvent
from factories import emergency_record, subpoena_record
from legal.flows import (
    approve,
    create_case,
    items_for,
    legal_view,
    put_decision,
    ready_for_approval,
    submit,
    to_review,
)
from mail_relay import MailRelay
from portal.conftest import PASSWORD as PORTAL_PASSWORD
from portal.conftest import confirm, link_from, register, sign_up

VICTIM = "dwhitfield@springfieldpd.org"  # the requester of factories.emergency_record


def _verify_requester(client: TestClient, lead: Any, requester_id: int) -> None:
    marked = client.post(
        f"/api/v1/directory/requesters/{requester_id}/status",
        json={"status": "verified", "reason": "called the agency's listed number"},
        headers=lead.headers,
    )
    assert marked.status_code == 200, marked.text


def test_an_officers_password_opens_neither_staff_door(client, mailbox: MailRelay) -> None:  # type: ignore[no-untyped-def]
    sign_up(client, mailbox)
    client.cookies.clear()
    form = post_login(client, email="dwhitfield@chicagopolice.org", password=PORTAL_PASSWORD)
    assert form.status_code == 403 and not client.cookies.get("exigent_session")
    api = client.post(
        "/api/v1/auth/login",
        json={"email": "dwhitfield@chicagopolice.org", "password": PORTAL_PASSWORD},
    )
    assert api.status_code == 403 and not client.cookies.get("exigent_session")
    assert client.get("/portal/home", follow_redirects=False).status_code in (303, 401)
    assert client.get("/api/v1/requests").status_code == 401


def test_a_staff_session_is_not_a_portal_session(client, lead) -> None:  # type: ignore[no-untyped-def]
    post_login(client, email=lead.user.email, password="correct horse battery staple")
    assert client.get("/portal/totp").status_code == 403
    assert client.get("/portal/home").status_code == 403


def test_thirty_wrong_staff_passwords_slow_the_guesser_down(client, analyst) -> None:  # type: ignore[no-untyped-def]
    answers = [
        post_login(client, email=analyst.user.email, password=f"guess {n}").status_code
        for n in range(30)
    ]
    assert answers[:4] == [401] * 4 and set(answers[5:]) == {429}
    right = post_login(client, email=analyst.user.email, password="correct horse battery staple")
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert not client.cookies.get("exigent_session")


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(factory, analyst) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from exigent.auth import service
    from exigent.auth.throttle import Throttled
    from exigent.db import utcnow
    from exigent.errors import Unauthorized

    now = utcnow()
    with factory() as session:
        for n in range(30):
            try:
                service.log_in(
                    session,
                    email=analyst.user.email,
                    password=f"x{n}",
                    hours=1,
                    address="198.51.100.7",
                    now=now,
                )
            except (Unauthorized, Throttled):
                session.commit()
        # Half a minute later the owner, on their own machine, signs in.
        token, web_session = service.log_in(
            session,
            email=analyst.user.email,
            password="correct horse battery staple",
            hours=1,
            address="203.0.113.9",
            now=now + timedelta(seconds=31),
        )
        assert token and web_session.user_id == analyst.user.id
        # An unknown address gets the very answer a wrong password does.
        try:
            service.log_in(session, email="nobody@example.test", password="x", hours=1, now=now)
        except Unauthorized as exc:
            assert exc.message == "email or password is wrong"


def test_staff_with_an_authenticator_must_give_its_code(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    from exigent.auth import second_factor
    from exigent.auth.models import User

    key = client.app.state.settings.secret_key
    with factory() as session:
        user = session.get(User, analyst.user.id)
        secret = second_factor.enrolment_secret(user, secret_key=key)
        second_factor.complete_enrolment(
            session,
            holder=user,
            user_id=user.id,
            code=pyotp.TOTP(secret).now(),
            secret_key=key,
            now=__import__("exigent.db").db.utcnow(),
        )
        session.commit()
    without = post_login(client, email=analyst.user.email, password="correct horse battery staple")
    assert without.status_code == 422 and "6-digit code" in without.text
    wrong = post_login(
        client, email=analyst.user.email, password="correct horse battery staple", code="000000"
    )
    assert wrong.status_code == 401
    import time

    ok = post_login(
        client,
        email=analyst.user.email,
        password="correct horse battery staple",
        code=pyotp.TOTP(secret).at(time.time() + 30),
    )
    assert ok.status_code == 303


def test_registering_a_verified_requesters_address_inherits_nothing(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, mailbox: MailRelay
) -> None:
    cases = [create_case(client, analyst) for _ in range(3)]
    requester_id = cases[0]["requester_id"]
    _verify_requester(client, lead, requester_id)
    with TestClient(client.app) as impostor:
        # No authenticator can be put on the account before the mailbox confirms it.
        registered = register(impostor, email=VICTIM, name="Mallory", phone="+1 312 555 0199")
        assert registered.status_code == 200, registered.text
        assert impostor.get("/portal/totp", follow_redirects=False).status_code in (303, 401)
        assert post_login(impostor, email=VICTIM, password=PORTAL_PASSWORD).status_code == 403
        # Even with the mailbox: signed in, the account sees none of the requester's cases.
        assert confirm(impostor, link_from(mailbox, VICTIM)).status_code == 200
        page = impostor.get("/portal/totp")
        secret = page.text.split('id="secret">', 1)[1].split("<", 1)[0].replace(" ", "")
        from portal.conftest import csrf_of, sign_in

        impostor.post(
            "/portal/totp",
            data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)},
        )
        import time

        signed = sign_in(impostor, VICTIM, PORTAL_PASSWORD, pyotp.TOTP(secret).at(time.time() + 30))
        assert signed.status_code == 200, signed.text
        home = impostor.get("/portal/home").text
        for case in cases:
            assert f"EXG-{case['id']:07d}" not in home
        assert impostor.get(f"/portal/requests/{cases[0]['id']}").status_code == 404
    with factory() as session:
        requester = session.get(Requester, requester_id)
        assert requester is not None and requester.name != "Mallory"
        assert requester.phone != "+13125550199" and requester.status == "verified"


def test_a_typed_requester_lends_an_officer_no_standing(
    client, officer, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    genuine = create_case(client, analyst)  # the victim's own request, by email
    _verify_requester(client, lead, genuine["requester_id"])
    borrowed = create_case(client, officer)  # typed the victim as requester.email
    assert borrowed["requester_id"] != genuine["requester_id"]
    with factory() as session:
        kinds = session.execute(
            select(TimelineEvent.kind).where(TimelineEvent.request_id == borrowed["id"])
        ).scalars()
        assert "requester_mismatch" in set(kinds)
    to_review(client, analyst, borrowed["id"])
    view = legal_view(client, analyst, borrowed["id"])
    assert put_decision(client, analyst, borrowed["id"], items_for(view)).status_code == 200
    assert submit(client, analyst, borrowed["id"]).status_code == 200
    refused = approve(client, lead, borrowed["id"])
    assert refused.status_code == 409 and "disclosure cannot be approved" in refused.text


def test_barring_a_requester_shuts_the_account_out_at_once(client, officer, lead) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, officer, emergency_record())
    assert client.get("/api/v1/requests", headers=officer.headers).status_code == 200
    barred = client.post(
        f"/api/v1/directory/requesters/{case['requester_id']}/status",
        json={"status": "fraudulent", "reason": "agency says no such officer"},
        headers=lead.headers,
    )
    assert barred.status_code == 200
    assert client.get("/api/v1/requests", headers=officer.headers).status_code == 401
    again = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    assert again.status_code == 401
    login = client.post(
        "/api/v1/auth/login",
        json={"email": officer.user.email, "password": "correct horse battery staple"},
    )
    assert login.status_code in (401, 403)


def test_no_one_with_a_hand_in_the_decision_approves_it(
    client, analyst, lead, factory, make_account
) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    # The lead edits the analyst's draft; the analyst submits it: the lead had a hand.
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    assert put_decision(client, lead, case["id"], items_for(view)).status_code == 200
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    assert submit(client, analyst, case["id"]).status_code == 200
    refused = approve(client, lead, case["id"])
    assert refused.status_code == 403 and "edited" in refused.json()["error"]


def test_legal_sign_off_and_approval_are_two_people(client, analyst, factory, make_account) -> None:  # type: ignore[no-untyped-def]
    legal = make_account(Role.legal)
    record = emergency_record(data_requested=["content"])
    case = ready_for_approval(client, analyst, factory, record)
    signed = client.post(
        f"/api/v1/requests/{case['id']}/decision/sign-off", json={}, headers=legal.headers
    )
    assert signed.status_code == 200, signed.text
    refused = approve(client, legal, case["id"])
    assert refused.status_code == 403 and "signed this decision off" in refused.json()["error"]


def test_a_warrant_without_its_document_discloses_nothing(client, analyst, lead, factory) -> None:  # type: ignore[no-untyped-def]
    record = subpoena_record(
        kind="search_warrant", documents=[], data_requested=["content", "location"]
    )
    case = ready_for_approval(client, analyst, factory, record)
    refused = approve(client, lead, case["id"])
    assert refused.status_code == 409
    assert "legal process is incomplete" in refused.json()["error"]
    assert "documents" in refused.json()["error"]


def test_an_analyst_cannot_vouch_for_a_requester(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    refused = client.post(
        f"/api/v1/directory/requesters/{case['requester_id']}/status",
        json={"status": "verified", "reason": "trust me"},
        headers=analyst.headers,
    )
    assert refused.status_code == 403
    _verify_requester(client, lead, case["requester_id"])


def test_a_drafters_own_mark_does_not_pass_the_gate(client, lead, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    from exigent.cases.models import Request
    from exigent.verification.service import verification_status

    case = create_case(client, analyst, subpoena_record())
    _verify_requester(client, lead, case["requester_id"])
    with factory() as session:
        request = session.get(Request, case["id"])
        passed, why = verification_status(session, request, frozenset({lead.user.id}))
    assert passed is False and "wrote this decision" in why
