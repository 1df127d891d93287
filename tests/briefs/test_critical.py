"""Critical-event briefs: drafted from a case in one click, edited, sent to the distribution
lists by email, kept on the case and audited; sent without a click on a confirmed fraud."""

from __future__ import annotations

import re

from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.briefs.models import CriticalBrief, DistributionList
from exigent.cases.models import Target, TimelineEvent
from exigent.deadlines import run_due
from exigent.legal.models import TargetAge
from exigent.workflow.jobs import deadline_handlers
from legal.flows import approve, create_case, link_agency, ready_for_approval


def _lists(client, make_account) -> None:  # type: ignore[no-untyped-def]
    """An administrator sets up legal's list (a staff member and an outside address)."""
    counsel = make_account(Role.legal, "counsel@example.test")
    admin = make_account(Role.admin, "admin@example.test")
    browser = type(client)(client.app)
    assert post_login(browser, email=admin.user.email, password=PASSWORD).status_code == 303
    page = browser.get("/briefs/lists")
    assert page.status_code == 200
    saved = browser.post(
        "/briefs/lists",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "Legal",
            "events": ["manual", "fraud_confirmed"],
            "member_ids": [str(counsel.user.id)],
            "emails": "General.Counsel@outside-firm.example\n",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    bad = browser.post(
        "/briefs/lists",
        data={"csrf_token": csrf_of(page.text), "name": "Oops", "emails": "not an address"},
    )
    assert (
        bad.status_code == 422 and "emails: &#39;not an address&#39; is not an address" in bad.text
    )


def test_a_lead_drafts_edits_and_sends_a_brief_that_stays_on_the_case(
    client, factory, analyst, lead, make_account, mailbox
) -> None:  # type: ignore[no-untyped-def]
    _lists(client, make_account)
    case = create_case(client, analyst)
    assert post_login(client, email=lead.user.email, password=PASSWORD).status_code == 303
    assert (
        f'href="/briefs/cases/{case["id"]}/new"' in client.get(f"/console/cases/{case['id']}").text
    )
    draft = client.get(f"/briefs/cases/{case['id']}/new")
    assert draft.status_code == 200
    for part in ("What happened:", "Disclosed or refused, and why:", "Risk signals:", "Clocks:"):
        assert part in draft.text
    assert "goodbye note" in draft.text  # the facts as the officer stated them
    with factory() as session:
        legal_list = session.scalars(select(DistributionList)).one()
    csrf = csrf_of(draft.text)
    empty = client.post(
        f"/briefs/cases/{case['id']}",
        data={"csrf_token": csrf, "subject": "Brief", "body": "Edited text"},
    )
    assert empty.status_code == 422 and "choose at least one distribution list" in empty.text
    assert mailbox.messages == []
    sent = client.post(
        f"/briefs/cases/{case['id']}",
        data={
            "csrf_token": csrf,
            "subject": "Self-harm EDR: disclosure tonight",
            "body": "Edited by the lead: we disclose subscriber info within the hour.",
            "list_ids": [str(legal_list.id)],
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    shown = client.get(sent.headers["location"])
    assert "Edited by the lead" in shown.text and "Brief sent" in shown.text
    assert {str(m["To"]) for m in mailbox.messages} == {
        "counsel@example.test",
        "general.counsel@outside-firm.example",
    }
    assert all(m["Subject"] == "Self-harm EDR: disclosure tonight" for m in mailbox.messages)
    with factory() as session:
        brief = session.scalars(select(CriticalBrief)).one()
        assert brief.sent_by_id == lead.user.id and not brief.automatic
        assert [d["ok"] for d in brief.deliveries] == [True, True]
        entry = session.scalars(
            select(TimelineEvent).where(
                TimelineEvent.request_id == case["id"], TimelineEvent.kind == "critical_brief"
            )
        ).one()
        assert "2 of 2 delivered" in (entry.body or "")
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "brief.sent")).one()
        assert audit.actor_id == lead.user.id


def test_an_analyst_may_not_send_a_brief(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    assert post_login(client, email=analyst.user.email, password=PASSWORD).status_code == 303
    assert client.get(f"/briefs/cases/{case['id']}/new").status_code == 403
    assert "Brief legal and leadership" not in client.get(f"/console/cases/{case['id']}").text


def test_a_confirmed_fraud_briefs_legal_without_a_click(
    client, factory, settings, analyst, make_account, mailbox
) -> None:  # type: ignore[no-untyped-def]
    _lists(client, make_account)
    case = create_case(client, analyst)
    link_agency(factory, case["id"])
    task = client.post(f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers)
    assert task.status_code == 201, task.text
    denied = client.post(
        f"/api/v1/callbacks/{task.json()['id']}/outcome",
        json={"outcome": "denied", "answered_by": "Records desk: no such detective"},
        headers=analyst.headers,
    )
    assert denied.status_code == 200, denied.text
    run_due(factory, deadline_handlers(), settings=settings)
    # Only the fraud: the case's breached P0 clocks go to no list here.
    (brief,) = mailbox.to("counsel@example.test")
    assert re.match(r"\[P0\] Fraudulent request confirmed: EXG-\d{7}", str(brief["Subject"]))
    assert "Risk signals:" in brief.get_content()
    with factory() as session:
        row = session.scalars(select(CriticalBrief)).one()
        assert row.automatic and row.sent_by_id is None and row.event == "fraud_confirmed"
    assert post_login(client, email="counsel@example.test", password=PASSWORD).status_code == 303
    assert "sent automatically" in client.get(f"/briefs/critical/{row.id}").text
    run_due(factory, deadline_handlers(), settings=settings)
    assert len(mailbox.to("counsel@example.test")) == 1


def test_a_breached_p0_clock_briefs_leadership_once_per_clock(
    client, factory, settings, analyst, make_account, mailbox
) -> None:  # type: ignore[no-untyped-def]
    chief = make_account(Role.leadership, "chief@example.test")
    with factory() as session:
        session.add(
            DistributionList(name="Leadership", events=["p0_breach"], member_ids=[chief.user.id])
        )
        session.commit()
    create_case(client, analyst)  # received on 24 November: both clocks long breached
    run_due(factory, deadline_handlers(), settings=settings)
    run_due(factory, deadline_handlers(), settings=settings)
    subjects = sorted(str(m["Subject"]) for m in mailbox.to("chief@example.test"))
    assert len(subjects) == 2 and all("P0 clock breached" in s for s in subjects)
    with factory() as session:
        assert all(b.automatic for b in session.scalars(select(CriticalBrief)))


def test_an_emergency_disclosure_about_a_child_briefs_legal_on_approval(
    client, factory, settings, analyst, lead, make_account, mailbox
) -> None:  # type: ignore[no-untyped-def]
    counsel = make_account(Role.legal, "counsel@example.test")
    with factory() as session:
        session.add(
            DistributionList(
                name="Legal", events=["child_disclosure"], member_ids=[counsel.user.id]
            )
        )
        session.commit()
    case = ready_for_approval(client, analyst, factory)
    with factory() as session:
        target = session.scalars(select(Target).where(Target.request_id == case["id"])).one()
        session.add(TargetAge(target_id=target.id, request_id=case["id"], age=15, source="school"))
        session.commit()
    assert approve(client, lead, case["id"]).status_code == 200
    run_due(factory, deadline_handlers(), settings=settings)
    (brief,) = mailbox.to("counsel@example.test")
    assert "Emergency disclosure involving a child" in str(brief["Subject"])
    assert "known ages under 18: 15" in brief.get_content()
