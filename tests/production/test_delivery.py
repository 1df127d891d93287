"""Delivery links: only the requester's own account, only until expiry, only the newest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from exigent.db import utcnow
from exigent.production.models import DeliveryLink
from factories import emergency_record
from legal.flows import audit_actions
from production.flows import approved_case, produce


def _delivered(client, analyst, lead, officer, factory):  # type: ignore[no-untyped-def]
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    production = produce(client, analyst, case["id"]).json()
    issued = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    )
    assert issued.status_code == 201, issued.text
    return case, production, issued.json()


def _outcomes(client, analyst, production_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    rows = client.get(
        f"/api/v1/productions/{production_id}/downloads", headers=analyst.headers
    ).json()
    return [r["outcome"] for r in rows]


def test_only_the_requesters_account_can_download_and_every_try_is_logged(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, other_officer, factory, mailbox
):
    case, production, issued = _delivered(client, analyst, lead, officer, factory)
    assert issued["token"].startswith("exd_")
    assert issued["mailed_to"] == officer.user.email and issued["mail_error"] is None
    (mail,) = mailbox.to(officer.user.email)
    body = mail.get_content()
    assert issued["url"] in body
    assert production["manifest_sha256"] in body
    status = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()
    assert status["status"] == "delivered"

    stranger = client.get(issued["url"], headers=other_officer.headers)
    assert stranger.status_code == 403
    assert "another account" in stranger.json()["error"]
    staff = client.get(issued["url"], headers=analyst.headers)
    assert staff.status_code == 403
    granted = client.get(issued["url"], headers=officer.headers, params={})
    assert granted.status_code == 200
    assert granted.headers["content-type"] == "application/zip"
    assert _outcomes(client, analyst, production["id"]) == [
        "wrong_account",
        "wrong_account",
        "downloaded",
    ]
    attempts = client.get(
        f"/api/v1/productions/{production['id']}/downloads", headers=analyst.headers
    ).json()
    assert all(a["ip"] for a in attempts)
    custody = client.get(f"/api/v1/requests/{case['id']}/custody", headers=analyst.headers)
    events = [e["event"] for e in custody.json()]
    assert events == [
        "collection_started",
        "collected",
        "packaged",
        "link_issued",
        "download_refused",
        "download_refused",
        "downloaded",
    ]
    downloaded = custody.json()[-1]
    assert downloaded["sha256"] == production["manifest_sha256"]
    assert downloaded["detail"]["user"] == officer.user.email
    assert "custody.download_refused" in audit_actions(factory)


def test_an_expired_link_is_gone(client, analyst, lead, officer, factory):  # type: ignore[no-untyped-def]
    _, production, issued = _delivered(client, analyst, lead, officer, factory)
    with factory() as session:
        session.execute(update(DeliveryLink).values(expires_at=utcnow() - timedelta(minutes=1)))
        session.commit()
    response = client.get(issued["url"], headers=officer.headers)
    assert response.status_code == 410
    assert "expired" in response.json()["error"]
    assert _outcomes(client, analyst, production["id"]) == ["expired"]


def test_redelivery_revokes_the_old_link(client, analyst, lead, officer, factory):  # type: ignore[no-untyped-def]
    _, production, first = _delivered(client, analyst, lead, officer, factory)
    assert client.get(first["url"], headers=officer.headers).status_code == 200
    second = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    )
    assert second.status_code == 201
    assert second.json()["token"] != first["token"]
    replayed = client.get(first["url"], headers=officer.headers)
    assert replayed.status_code == 410
    assert "revoked" in replayed.json()["error"]
    assert client.get(second.json()["url"], headers=officer.headers).status_code == 200
    links = client.get(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    ).json()
    assert [link["revoked_at"] is not None for link in links] == [True, False]
    assert _outcomes(client, analyst, production["id"]) == ["downloaded", "revoked", "downloaded"]


def test_a_requester_cannot_issue_links_or_build(client, analyst, lead, officer, factory):  # type: ignore[no-untyped-def]
    case, production, _ = _delivered(client, analyst, lead, officer, factory)
    issued = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=officer.headers
    )
    assert issued.status_code == 403
    assert produce(client, officer, case["id"]).status_code == 403
    unknown = client.get("/api/v1/deliveries/exd_notarealtoken0000", headers=officer.headers)
    assert unknown.status_code == 404
