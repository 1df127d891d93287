"""The user-notice panel of the console case page: what legal sees and decides, inline refusals."""

from __future__ import annotations

from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.db import utcnow
from legal.flows import create_case
from notice.helpers import USER_EMAIL, audit_actions, notices, permitted_subpoena, work

ORDER_ENDS = "2027-06-30"


def _panel(client, case_id: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/console/cases/{case_id}/notices")
    assert response.status_code == 200, response.text
    return response.text


def _post(client, csrf: str, notice_id: int, action: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/notices/{notice_id}/{action}",
        data=fields,
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )


def test_the_case_page_loads_the_panel_with_htmx(client, analyst, legal) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, permitted_subpoena())
    sign_in(client, legal.user.email)
    page = client.get(f"/console/cases/{case['id']}")
    assert page.status_code == 200
    assert f'hx-get="/console/cases/{case["id"]}/notices"' in page.text
    assert 'hx-trigger="load"' in page.text


def test_legal_withholds_a_notice_with_a_reason(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory, settings, mailbox
) -> None:
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    csrf = sign_in(client, legal.user.email)
    panel = _panel(client, case["id"])
    assert "Due: a draft waits for a decision" in panel
    assert USER_EMAIL in panel
    assert "A legal request about your account" in panel
    assert "Withhold notice" in panel and "Send notice" in panel

    # No reason: the panel says which field is wrong, and nothing changed.
    empty = _post(client, csrf, notice["id"], "withhold", reason="  ")
    assert empty.status_code == 422
    assert "Not done:" in empty.text and "reason: give the reason" in empty.text
    assert notices(client, analyst, case["id"])[0]["status"] == "drafted"

    done = _post(client, csrf, notice["id"], "withhold", reason="the user is the suspect's minor")
    assert done.status_code == 200, done.text
    assert "Notice withheld." in done.text
    assert 'data-status="withheld"' in done.text
    assert "the user is the suspect&#39;s minor" in done.text
    assert legal.user.name in done.text
    work(factory, settings, utcnow())
    assert mailbox.messages == []
    assert audit_actions(factory, notice["id"])[-1] == "notice.withhold"


def test_sending_under_an_order_is_refused_inline_naming_the_order(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory
) -> None:
    order = {"present": True, "expires_on": ORDER_ENDS}
    case = create_case(client, analyst, permitted_subpoena(nondisclosure_order=order))
    [notice] = notices(client, analyst, case["id"])
    csrf = sign_in(client, legal.user.email)
    panel = _panel(client, case["id"])
    assert "Held: a non-disclosure order forbids telling the user" in panel
    assert f"In force until {ORDER_ENDS}" in panel

    refused = _post(client, csrf, notice["id"], "send")
    assert refused.status_code == 409
    assert "non-disclosure order" in refused.text
    assert case["reference"] in refused.text and ORDER_ENDS in refused.text
    assert notices(client, analyst, case["id"])[0]["status"] == "held"
    with factory() as session:
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.action == "notice.send.refused")
        ).scalars()
        assert list(actions) == ["notice.send.refused"]

    released = _post(client, csrf, notice["id"], "release", reason="the court lifted the order")
    assert released.status_code == 200, released.text
    assert "Hold released." in released.text
    assert "the court lifted the order" in released.text


def test_a_notice_without_an_address_asks_for_one_and_edits_are_kept(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory, settings, mailbox
) -> None:
    record = permitted_subpoena(targets=[{"identifier_type": "username", "value": "night.owl"}])
    case = create_case(client, analyst, record)
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    csrf = sign_in(client, legal.user.email)
    assert "needs an address" in _panel(client, case["id"])

    edited = _post(
        client, csrf, notice["id"], "edit", subject="About your account", body="Plain words."
    )
    assert edited.status_code == 200, edited.text
    assert "About your account" in edited.text and "Plain words." in edited.text

    bad = _post(client, csrf, notice["id"], "send", recipient="not-an-address")
    assert bad.status_code == 422
    assert "recipient:" in bad.text
    sent = _post(client, csrf, notice["id"], "send", recipient="owl@example.com")
    assert sent.status_code == 200, sent.text
    assert "Approved: waiting for the mail relay" in sent.text
    work(factory, settings, utcnow())
    [message] = mailbox.to("owl@example.com")
    assert message["Subject"] == "About your account"
    assert "Sent to the user" in _panel(client, case["id"])


def test_analysts_read_only_and_every_post_needs_the_csrf_token(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory, settings
) -> None:
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    [notice] = notices(client, analyst, case["id"])
    csrf = sign_in(client, analyst.user.email)
    panel = _panel(client, case["id"])
    assert "Due: a draft waits for a decision" in panel
    assert "<form" not in panel
    assert "Legal or a lead decides on notices." in panel
    refused = _post(client, csrf, notice["id"], "withhold", reason="I would rather not")
    assert refused.status_code == 403
    assert "notice.decide" in refused.text

    sign_in(client, legal.user.email)
    forged = client.post(f"/console/notices/{notice['id']}/withhold", data={"reason": "forged"})
    assert forged.status_code == 403
    assert "security token" in forged.text
    assert notices(client, analyst, case["id"])[0]["status"] == "drafted"

    # Without htmx a decision goes back to the case page.
    plain = client.post(
        f"/console/notices/{notice['id']}/withhold",
        data={
            "reason": "not in the user's interest",
            "csrf_token": sign_in(client, legal.user.email),
        },
        follow_redirects=False,
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/console/cases/{case['id']}#notices"
