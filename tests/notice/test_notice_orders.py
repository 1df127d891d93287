"""Non-disclosure orders hold the notice; their end brings it back; emergencies wait 90 days."""

from __future__ import annotations

from datetime import timedelta

from exigent.db import utcnow
from factories import emergency_record
from legal.flows import create_case
from notice.helpers import (
    RECEIVED,
    audit_actions,
    decide,
    notice_timeline,
    notices,
    permitted_subpoena,
    work,
)

ORDER_ENDS = "2027-06-30"


def test_no_notice_while_an_order_is_in_force(client, analyst, legal, factory, settings, mailbox):
    order = {"present": True, "expires_on": ORDER_ENDS}
    case = create_case(client, analyst, permitted_subpoena(nondisclosure_order=order))
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "held"
    assert notice["order_expires_on"] == ORDER_ENDS
    assert notice["order_source"] == "stated in the request"

    refused = decide(client, legal, notice["id"], action="send")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert "non-disclosure order" in error
    assert case["reference"] in error and ORDER_ENDS in error
    work(factory, settings, utcnow())
    assert mailbox.messages == []
    actions = audit_actions(factory, notice["id"])
    assert actions == ["notice.hold"]
    # The refused attempt is on the audit log of the case.
    from sqlalchemy import select

    from exigent.audit.models import AuditEvent

    with factory() as session:
        refusals = session.execute(
            select(AuditEvent).where(AuditEvent.action == "notice.send.refused")
        ).scalars()
        assert [e.object_id for e in refusals] == [str(case["id"])]


def test_order_expiry_brings_the_notice_back_for_review(
    client, analyst, legal, factory, settings, mailbox
):
    order = {"present": True, "expires_on": ORDER_ENDS}
    case = create_case(client, analyst, permitted_subpoena(nondisclosure_order=order))
    # The day before the order ends nothing moves (expiry is midnight in the requester's -05:00).
    work(factory, settings, RECEIVED.replace(year=2027, month=6, day=29))
    assert notices(client, analyst, case["id"])[0]["status"] == "held"
    assert client.get("/api/v1/notifications", headers=legal.headers).json() == []

    work(factory, settings, RECEIVED.replace(year=2027, month=6, day=30, hour=1))
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "drafted"
    assert notice["body"]
    assert any(
        f"expired on {ORDER_ENDS}" in entry for entry in notice_timeline(factory, case["id"])
    )
    [note] = client.get("/api/v1/notifications", headers=legal.headers).json()
    assert note["request_id"] == case["id"]
    assert "back for review" in note["body"]
    assert "notice.review_order_expired" in audit_actions(factory, notice["id"])


def test_an_order_without_expiry_is_reviewed_after_a_year(
    client, analyst, legal, factory, settings
):
    case = create_case(client, analyst, permitted_subpoena(nondisclosure_order={"present": True}))
    work(factory, settings, RECEIVED + timedelta(days=364))
    assert client.get("/api/v1/notifications", headers=legal.headers).json() == []
    work(factory, settings, RECEIVED + timedelta(days=366))
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "held"
    [note] = client.get("/api/v1/notifications", headers=legal.headers).json()
    assert "gave no expiry" in note["body"]
    released = decide(
        client, legal, notice["id"], action="release", reason="the court lifted the order"
    )
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "drafted"
    assert audit_actions(factory, notice["id"])[-2:] == [
        "notice.review_order_review",
        "notice.release",
    ]


def test_staff_can_hold_a_notice_for_an_order_received_separately(
    client, analyst, legal, factory, settings, mailbox
):
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    assert decide(client, legal, notice["id"], action="send").status_code == 200
    held = decide(
        client,
        legal,
        notice["id"],
        action="hold",
        reason="2705(b) order served by fax",
        order_expires_on="2027-03-01",
    )
    assert held.status_code == 200, held.text
    assert held.json()["status"] == "held"
    assert held.json()["order_source"] == f"recorded by {legal.user.name}"
    # The queued send is void: nothing leaves.
    work(factory, settings, utcnow() + timedelta(minutes=5))
    assert mailbox.messages == []
    work(factory, settings, RECEIVED.replace(year=2027, month=3, day=2))
    assert notices(client, analyst, case["id"])[0]["status"] == "drafted"


def test_an_order_added_to_the_record_holds_the_notice(client, officer, analyst, factory):
    case = create_case(client, officer, permitted_subpoena())
    assert notices(client, analyst, case["id"])[0]["status"] == "pending"
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={"nondisclosure_order": {"present": True, "expires_on": ORDER_ENDS}},
        headers=officer.headers,
    )
    assert response.status_code == 200, response.text
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "held"
    assert notice["basis"] == "user_notice_review"
    assert audit_actions(factory, notice["id"]) == ["notice.hold"]


def test_an_emergency_notice_is_due_90_days_after(client, analyst, factory, settings):
    case = create_case(client, analyst, emergency_record())
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "pending"
    assert notice["basis"] == "user_notice_review"
    assert notice["needs_address"] is True
    work(factory, settings, RECEIVED + timedelta(days=89))
    assert notices(client, analyst, case["id"])[0]["status"] == "pending"
    work(factory, settings, RECEIVED + timedelta(days=90, minutes=1))
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "drafted"
    assert "an emergency request" in notice["body"]


def test_a_subpoena_without_permission_owes_no_notice(client, analyst):
    case = create_case(client, analyst, permitted_subpoena(user_notice_permitted=False))
    assert notices(client, analyst, case["id"]) == []


def test_a_hold_staff_recorded_survives_a_record_change(
    client, officer, analyst, legal, factory, settings
):
    case = create_case(client, officer, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    held = decide(client, legal, notice["id"], action="hold", reason="order served by fax")
    assert held.status_code == 200, held.text
    response = client.patch(
        f"/api/v1/requests/{case['id']}/record",
        json={"offense": "18 U.S.C. 875(c)"},
        headers=officer.headers,
    )
    assert response.status_code == 200, response.text
    [notice] = notices(client, analyst, case["id"])
    assert notice["status"] == "held"
    assert notice["order_source"] == f"recorded by {legal.user.name}"
