"""Who may read and decide notices, and bad input named."""

from __future__ import annotations

from exigent.db import utcnow
from legal.flows import create_case
from notice.helpers import decide, notices, permitted_subpoena, work


def test_analysts_read_and_only_legal_or_lead_decide(client, analyst, officer, legal, lead):
    case = create_case(client, analyst, permitted_subpoena())
    [notice] = notices(client, analyst, case["id"])
    assert client.get(f"/api/v1/notices/{notice['id']}", headers=analyst.headers).status_code == 200
    refused = decide(client, analyst, notice["id"], action="withhold", reason="no")
    assert refused.status_code == 403
    assert "notice.decide" in refused.json()["error"]
    officer_list = client.get(f"/api/v1/requests/{case['id']}/notices", headers=officer.headers)
    assert officer_list.status_code == 403
    officer_read = client.get(f"/api/v1/notices/{notice['id']}", headers=officer.headers)
    assert officer_read.status_code == 403
    assert decide(client, lead, notice["id"], action="withhold", reason="x").status_code == 200


def test_bad_decisions_are_named_and_change_nothing(client, analyst, legal, factory, settings):
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])

    unknown = decide(client, legal, notice["id"], action="explode")
    assert unknown.status_code == 422
    assert "action" in unknown.text

    no_reason = decide(client, legal, notice["id"], action="withhold", reason="  ")
    assert no_reason.status_code == 422
    assert no_reason.json()["error"].startswith("reason:")

    bad_address = decide(client, legal, notice["id"], action="send", recipient="not-an-email")
    assert bad_address.status_code == 422
    assert bad_address.json()["error"].startswith("recipient:")

    empty_edit = decide(client, legal, notice["id"], action="edit")
    assert empty_edit.status_code == 422
    assert "body" in empty_edit.json()["error"]

    past_order = decide(
        client, legal, notice["id"], action="hold", reason="order", order_expires_on="2020-01-01"
    )
    assert past_order.status_code == 422
    assert past_order.json()["error"].startswith("order_expires_on:")

    extra = decide(client, legal, notice["id"], action="send", colour="red")
    assert extra.status_code == 422
    assert "colour" in extra.text

    missing = client.post(
        "/api/v1/notices/999999/decision", json={"action": "send"}, headers=legal.headers
    )
    assert missing.status_code == 404

    [after] = notices(client, analyst, case["id"])
    assert after["status"] == "drafted"
    assert after["decided_at"] is None


def test_a_sent_notice_cannot_be_withheld(client, analyst, legal, factory, settings, mailbox):
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    decide(client, legal, notice["id"], action="send")
    work(factory, settings, utcnow())
    late = decide(client, legal, notice["id"], action="withhold", reason="too late")
    assert late.status_code == 409
    assert "is sent" in late.json()["error"]
