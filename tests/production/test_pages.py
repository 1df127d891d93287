"""The case page's production panel and the portal's downloads, as a browser's requests see them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from console.helpers import sign_in
from exigent.db import utcnow
from exigent.production.models import CustodyEvent, DeliveryLink, DownloadAttempt
from exigent.production.package import verify
from factories import emergency_record
from legal.flows import (
    approve,
    create_case,
    items_for,
    legal_view,
    put_decision,
    submit,
    to_review,
    verify_requester,
)
from portal.conftest import Portal, sign_up
from portal.test_requests import case_id, emergency_form
from portal.test_requests import submit as portal_submit
from production.flows import approved_case


@pytest.fixture
def portal(client, mailbox) -> Portal:  # type: ignore[no-untyped-def]
    """An officer signed in to the portal in `client` (confirmed, TOTP set up)."""
    return sign_up(client, mailbox)


def _panel(client, case_number: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/console/cases/{case_number}/production")
    assert response.status_code == 200, response.text
    return response.text


def _post(client, path: str, csrf: str, **data: str):  # type: ignore[no-untyped-def]
    response = client.post(path, data=data, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.text
    return response.text


def test_the_case_page_loads_the_panel_and_a_case_not_approved_cannot_be_built(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case = create_case(client, analyst, emergency_record())
    csrf = sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}")
    assert f'hx-get="/console/cases/{case["id"]}/production"' in page.text
    assert 'hx-trigger="load"' in page.text
    assert "not approved" in _panel(client, case["id"])
    refused = _post(client, f"/console/cases/{case['id']}/production/build", csrf)
    assert 'data-error="build"' in refused
    assert "not approved" in refused and "(409)" in refused
    assert "No production yet." in refused


def test_build_deliver_and_custody_from_the_panel(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, mailbox
):
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    csrf = sign_in(client, analyst.user.email)
    panel = _panel(client, case["id"])
    assert "username:night.owl.77" in panel and "2026-11-20" in panel
    assert "Build production" in panel

    built = _post(client, f"/console/cases/{case['id']}/production/build", csrf)
    assert "built:" in built
    seal = re.search(r"data-seal>([0-9a-f]{64})<", built)
    assert seal, built
    assert "Deliver to requester" in built
    assert "Collection started" in built and "Collected" in built

    production_id = int(re.search(r'data-production="(\d+)"', built).group(1))  # type: ignore[union-attr]
    delivered = _post(client, f"/console/productions/{production_id}/deliver", csrf)
    assert f"link mailed to {officer.user.email}" in delivered
    assert "live" in delivered and "Re-deliver (new link)" in delivered
    (mail,) = mailbox.to(officer.user.email)
    assert seal.group(1) in mail.get_content()

    again = _post(client, f"/console/productions/{production_id}/deliver", csrf)
    assert "revoked" in again and "re-delivered" in again
    assert len(mailbox.to(officer.user.email)) == 2


def test_a_post_without_its_token_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory
):
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    sign_in(client, analyst.user.email)
    response = client.post(f"/console/cases/{case['id']}/production/build")
    assert response.status_code == 403
    assert "security token" in response.text
    assert "No production yet." in _panel(client, case["id"])


def test_a_hold_is_placed_extended_once_and_released(client, analyst, lead, officer, factory):  # type: ignore[no-untyped-def]
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    csrf = sign_in(client, analyst.user.email)
    placed = _post(client, f"/console/cases/{case['id']}/holds", csrf)
    assert "placed until" in placed
    hold = int(re.search(r'data-hold="(\d+)"', placed).group(1))  # type: ignore[union-attr]
    assert "Reminder" in placed
    extended = _post(client, f"/console/holds/{hold}/extend", csrf)
    assert "extended until" in extended and "(extended once)" in extended
    refused = _post(client, f"/console/holds/{hold}/extend", csrf)
    assert f'data-error="hold-{hold}"' in refused
    assert "already extended 1 time(s); the policy allows 1 (409)" in refused
    released = _post(client, f"/console/holds/{hold}/release", csrf, reason="case closed")
    assert "released" in released and "case closed" in released
    assert "Place preservation hold" in released


def test_the_officer_downloads_from_the_portal_and_sees_only_their_own(  # type: ignore[no-untyped-def]
    client, portal: Portal, analyst, lead, factory, mailbox, tmp_path: Path
):
    home = client.get("/portal/home")
    assert "Nothing has been delivered to you yet." in home.text
    number = case_id(portal_submit(client, "emergency", emergency_form()))
    # The team works the case over the API (bearer tokens; the client's cookie is the officer's).
    to_review(client, analyst, number)
    items = items_for(legal_view(client, analyst, number))
    for item in items:
        item["outcome"] = "disclose"
    assert put_decision(client, analyst, number, items).status_code == 200
    assert submit(client, analyst, number).status_code == 200
    verify_requester(client, analyst, factory, number)
    assert approve(client, lead, number).status_code == 200
    production = client.post(
        f"/api/v1/requests/{number}/productions", json={}, headers=analyst.headers
    ).json()
    issued = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    ).json()

    home = client.get("/portal/home")
    assert production["manifest_sha256"] in home.text
    link = re.search(r'href="(/portal/deliveries/(\d+)/download)"', home.text)
    assert link and int(link.group(2)) == issued["id"]
    case_page = client.get(f"/portal/requests/{number}")
    assert link.group(1) in case_page.text

    zipped = client.get(link.group(1))
    assert zipped.status_code == 200
    assert zipped.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(zipped.content)).extractall(tmp_path / "zip")
    (folder,) = list((tmp_path / "zip").iterdir())
    assert verify(folder, seal=production["manifest_sha256"]).intact
    with factory() as session:
        attempt = session.execute(select(DownloadAttempt)).scalar_one()
        assert attempt.outcome == "downloaded" and attempt.ip
        events = session.execute(select(CustodyEvent.event)).scalars().all()
        assert "downloaded" in events

    # A re-delivery revokes the first link: the portal says so and offers the new one.
    client.post(f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers)
    home = client.get("/portal/home")
    assert "Revoked" in home.text and "Replaced by a newer link." in home.text
    assert client.get(link.group(1)).status_code == 410
    assert client.get("/portal/deliveries/999999/download").status_code == 404
    # An expired link says so, and what to do; its download is refused (410) and logged.
    with factory() as session:
        session.execute(
            update(DeliveryLink)
            .where(DeliveryLink.id == issued["id"] + 1)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        session.commit()
    home = client.get("/portal/home")
    assert "Expired" in home.text and "Ask the response team to deliver it again" in home.text
    assert client.get(f"/portal/deliveries/{issued['id'] + 1}/download").status_code == 410

    # Another officer sees none of it, and their try at this officer's link is a logged 404.
    with TestClient(client.app) as other:
        sign_up(other, mailbox, email="jdoe@chicagopolice.org", name="J Doe")
        home = other.get("/portal/home")
        assert "Nothing has been delivered to you yet." in home.text
        assert production["manifest_sha256"] not in home.text
        newest = issued["id"] + 1
        assert other.get(f"/portal/deliveries/{newest}/download").status_code == 404
    with factory() as session:
        outcomes = session.execute(select(DownloadAttempt.outcome)).scalars().all()
        assert outcomes[-1] == "wrong_account"


def test_the_console_links_portal_accounts_for_leads_only(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, analyst.user.email)
    assert "/portal/staff/accounts" not in client.get("/console").text
    client.cookies.clear()
    sign_in(client, lead.user.email)
    assert '<a href="/portal/staff/accounts">Portal accounts</a>' in client.get("/console").text
