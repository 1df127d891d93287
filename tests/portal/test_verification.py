"""Staff verify, suspend or mark officers' portal accounts fraudulent, audited."""

from __future__ import annotations

from sqlalchemy import select

from exigent.audit.models import AuditEvent
from exigent.cases.models import Requester
from exigent.directory.models import VerificationMark
from portal.conftest import PASSWORD, Portal, sign_in


def account_id(client, lead) -> int:  # type: ignore[no-untyped-def]
    [row] = client.get("/api/v1/portal/accounts", headers=lead.headers).json()
    return int(row["id"])


def test_staff_see_accounts_waiting_with_their_domain_standing(client, portal: Portal, lead):
    response = client.get("/api/v1/portal/accounts", headers=lead.headers)
    assert response.status_code == 200
    [row] = response.json()
    assert row["email"] == portal.email
    assert row["status"] == "unverified"
    assert row["domain_standing"] == "listed"
    assert row["email_confirmed"] and row["second_factor"]


def test_only_leads_and_admins_verify(client, portal: Portal, analyst, lead):
    number = account_id(client, lead)
    response = client.post(
        f"/api/v1/portal/accounts/{number}/status",
        json={"status": "verified", "reason": "called"},
        headers=analyst.headers,
    )
    assert response.status_code == 403
    assert "a lead can" in response.json()["error"]


def test_verifying_is_audited_and_lifts_the_waiting_notice(client, portal: Portal, lead, factory):
    assert "awaits verification" in client.get("/portal/home").text
    number = account_id(client, lead)
    response = client.post(
        f"/api/v1/portal/accounts/{number}/status",
        json={"status": "verified", "reason": "Called CPD desk +13125550000 (directory); Sgt Ito"},
        headers=lead.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "verified"
    assert "awaits verification" not in client.get("/portal/home").text
    with factory() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor).order_by(AuditEvent.seq)
        ).all()
        assert ("portal.account_status", lead.user.email) in events
        assert ("directory.requester_status", lead.user.email) in events


def test_fraudulent_mark_stops_sign_in_and_feeds_history(client, portal: Portal, lead, factory):
    number = account_id(client, lead)
    response = client.post(
        f"/api/v1/portal/accounts/{number}/status",
        json={"status": "fraudulent", "reason": "Agency denies any such officer"},
        headers=lead.headers,
    )
    assert response.status_code == 200
    assert response.json()["can_sign_in"] is False
    # The session ended with the mark.
    assert client.get("/portal/home", follow_redirects=False).status_code == 303
    client.cookies.clear()
    refused = sign_in(client, portal.email, PASSWORD, portal.code())
    assert refused.status_code == 403
    assert "suspended" in refused.text
    with factory() as session:
        requester = session.execute(select(Requester)).scalar_one()
        assert requester.status == "fraudulent"
        [mark] = session.execute(select(VerificationMark)).scalars()
        assert (mark.subject_type, mark.status) == ("requester", "fraudulent")


def test_a_mark_needs_a_reason_and_a_known_status(client, portal: Portal, lead):
    number = account_id(client, lead)
    url = f"/api/v1/portal/accounts/{number}/status"
    bad = client.post(url, json={"status": "trusted", "reason": "x"}, headers=lead.headers)
    assert bad.status_code == 422
    assert bad.json()["error"].startswith("status:")
    blank = client.post(url, json={"status": "verified", "reason": " "}, headers=lead.headers)
    assert blank.status_code == 422
    assert blank.json()["error"].startswith("reason:")


def test_the_staff_page_lists_and_marks_accounts(client, portal: Portal, lead, factory):
    page = client.get("/portal/staff/accounts", headers=lead.headers)
    assert page.status_code == 200
    assert portal.email in page.text
    assert "in a directory" in page.text
    number = account_id(client, lead)
    row = client.post(
        f"/portal/staff/accounts/{number}/status",
        data={"status": "suspended", "reason": "Agency asks us to hold this account"},
        headers=lead.headers,
    )
    assert row.status_code == 200
    assert "suspended" in row.text and "cannot sign in" in row.text
    refused = client.get("/portal/staff/accounts", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401
    assert "Sign in to the staff console" in refused.text


def test_a_disclosure_to_an_unverified_portal_account_waits(client, portal: Portal, analyst, lead):
    from legal.flows import approve, items_for, legal_view, put_decision, submit, to_review
    from portal.test_requests import case_id, emergency_form
    from portal.test_requests import submit as submit_form

    number = case_id(submit_form(client, "emergency", emergency_form()))
    to_review(client, analyst, number)
    view = legal_view(client, analyst, number)
    assert put_decision(client, analyst, number, items_for(view)).status_code == 200
    assert submit(client, analyst, number).status_code == 200
    refused = approve(client, lead, number)
    assert refused.status_code in (403, 409)
    assert "dwhitfield@chicagopolice.org is unverified" in refused.json()["error"]


def test_a_requester_marked_fraudulent_elsewhere_is_shut_out(client, portal: Portal, lead, factory):
    """A denial on callback (or the directory API) marks the requester, not the account."""
    with factory() as session:
        requester = session.execute(select(Requester)).scalar_one()
        requester.status = "fraudulent"
        session.commit()
    shut = client.get("/portal/home")
    assert shut.status_code == 403
    assert "suspended" in shut.text
    client.cookies.clear()
    assert sign_in(client, portal.email, PASSWORD, portal.code()).status_code == 403
