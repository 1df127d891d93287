"""Reading a production, its links, its downloads or a case's holds is on the audit record,
under the account that read it: over the API, on the console's panel and in the portal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import User
from factories import emergency_record
from legal.flows import approve, items_for, legal_view, put_decision, submit, to_review
from legal.flows import verify_requester as verify_by_callback
from portal.conftest import PASSWORD, Portal, confirm, enrol, link_from, register
from portal.conftest import sign_in as portal_sign_in
from portal.test_requests import case_id, emergency_form
from portal.test_requests import submit as portal_submit
from production.flows import approved_case, produce


def _events(factory, action: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        ).scalars()
        return [
            {
                "actor": e.actor,
                "actor_id": e.actor_id,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "detail": e.detail,
            }
            for e in rows
        ]


def _delivered(client, analyst, lead, officer, factory):  # type: ignore[no-untyped-def]
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    production = produce(client, analyst, case["id"]).json()
    issued = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    )
    assert issued.status_code == 201, issued.text
    return case, production, issued.json()


@pytest.mark.parametrize(
    ("suffix", "part"),
    [
        ("", "production"),
        ("/manifest", "manifest"),
        ("/cover-letter", "cover_letter"),
        ("/deliveries", "deliveries"),
        ("/downloads", "downloads"),
    ],
)
def test_each_read_of_a_production_is_audited_under_the_reader(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, suffix: str, part: str
):
    case, production, _ = _delivered(client, analyst, lead, officer, factory)
    assert _events(factory, "production.read") == []
    response = client.get(f"/api/v1/productions/{production['id']}{suffix}", headers=lead.headers)
    assert response.status_code == 200, response.text
    (event,) = _events(factory, "production.read")
    assert event["actor"] == lead.user.email and event["actor_id"] == lead.user.id
    assert event["object_type"] == "production" and event["object_id"] == str(production["id"])
    assert event["detail"] == {"request_id": case["id"], "part": part}


def test_listing_productions_and_holds_is_audited_with_what_was_shown(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory
):
    case, production, _ = _delivered(client, analyst, lead, officer, factory)
    hold = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    listed = client.get(f"/api/v1/requests/{case['id']}/productions", headers=lead.headers)
    assert listed.status_code == 200
    holds = client.get(f"/api/v1/requests/{case['id']}/holds", headers=lead.headers)
    assert holds.status_code == 200
    (productions_read,) = _events(factory, "production.list")
    assert productions_read["actor"] == lead.user.email
    assert productions_read["object_id"] == str(case["id"])
    assert productions_read["detail"] == {"ids": [production["id"]]}
    (holds_read,) = _events(factory, "preservation.list")
    assert holds_read["actor"] == lead.user.email
    assert holds_read["detail"] == {"ids": [hold["id"]]}


def test_a_download_by_token_is_audited_under_the_officer(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory
):
    _, production, issued = _delivered(client, analyst, lead, officer, factory)
    assert client.get(issued["url"], headers=officer.headers).status_code == 200
    (event,) = _events(factory, "custody.downloaded")
    assert event["actor"] == officer.user.email and event["actor_id"] == officer.user.id
    assert event["object_id"] == str(production["id"])


def test_the_console_panel_audits_the_productions_and_holds_it_shows(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory
):
    case, production, _ = _delivered(client, analyst, lead, officer, factory)
    sign_in(client, lead.user.email)
    panel = client.get(f"/console/cases/{case['id']}/production")
    assert panel.status_code == 200
    (shown,) = _events(factory, "production.list")
    assert shown["actor"] == lead.user.email and shown["detail"] == {"ids": [production["id"]]}
    (holds,) = _events(factory, "preservation.list")
    assert holds["actor"] == lead.user.email and holds["detail"] == {"ids": []}


def test_a_panel_with_nothing_disclosed_offers_no_build(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
):
    withheld = {"subscriber_info": "withhold", "account_activity": "withhold"}
    case = approved_case(client, analyst, lead, factory, emergency_record(), outcomes=withheld)
    sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case['id']}/production").text
    assert "there is nothing to produce" in panel
    assert "Build production" not in panel


@pytest.fixture
def portal(client, mailbox) -> Portal:  # type: ignore[no-untyped-def]
    """An officer signed in to the portal in `client` (confirmed, TOTP set up)."""
    assert register(client).status_code == 200
    email = "dwhitfield@chicagopolice.org"
    assert confirm(client, link_from(mailbox, email)).status_code == 200
    secret, codes = enrol(client)
    home = client.get("/portal/home")
    if home.status_code != 200 or home.url.path != "/portal/home":
        # Setting up the app may end the mailed link's session: sign in with a recovery code.
        assert portal_sign_in(client, email, PASSWORD, codes.pop()).status_code == 200
    return Portal(email=email, secret=secret, recovery_codes=codes)


def test_the_portal_audits_deliveries_under_the_signed_in_account(  # type: ignore[no-untyped-def]
    client, portal: Portal, analyst, lead, factory
):
    # A requester email typed into the form is not who acts: the signed-in account is.
    form = emergency_form(requester_email="someone.else@elsewhere.example")
    number = case_id(portal_submit(client, "emergency", form))
    to_review(client, analyst, number)
    items = items_for(legal_view(client, analyst, number))
    assert put_decision(client, analyst, number, items).status_code == 200
    assert submit(client, analyst, number).status_code == 200
    verify_by_callback(client, analyst, factory, number)
    assert approve(client, lead, number).status_code == 200
    production = client.post(
        f"/api/v1/requests/{number}/productions", json={}, headers=analyst.headers
    ).json()
    issued = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    ).json()
    with factory() as session:
        account = session.execute(select(User).where(User.email == portal.email)).scalar_one()
        account_id = account.id

    home = client.get("/portal/home")
    link = re.search(r'href="(/portal/deliveries/(\d+)/download)"', home.text)
    assert link, home.text
    assert client.get(f"/portal/requests/{number}").status_code == 200
    assert client.get(link.group(1)).status_code == 200

    listed = _events(factory, "delivery.list")
    assert len(listed) == 2  # the home page and the case page
    for event in listed:
        assert event["actor"] == portal.email and event["actor_id"] == account_id
        assert event["detail"] == {"ids": [issued["id"]], "production_ids": [production["id"]]}
    (downloaded,) = _events(factory, "custody.downloaded")
    assert downloaded["actor"] == portal.email and downloaded["actor_id"] == account_id
    (created,) = _events(factory, "request.create")
    assert created["actor"] == portal.email
    with factory() as session:
        actors = set(session.execute(select(AuditEvent.actor)).scalars())
    assert "someone.else@elsewhere.example" not in actors
