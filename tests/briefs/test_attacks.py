"""Briefs under attack: a line break in a brief's subject, markup in its body and in hand-off
notes, notes overwritten by a lead who is not handing over, and lists and briefs reached by
those who may not."""

from __future__ import annotations

from sqlalchemy import select

from briefs.handoff_world import build, load
from briefs.test_critical import _lists
from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.briefs.models import CriticalBrief, DistributionList
from exigent.db import utcnow
from legal.flows import create_case

MARKUP = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_a_line_break_in_a_brief_subject_neither_adds_a_header_nor_fails_the_send(
    client, factory, analyst, lead, make_account, mailbox
) -> None:  # type: ignore[no-untyped-def]
    _lists(client, make_account)
    case = create_case(client, analyst)
    assert post_login(client, email=lead.user.email, password=PASSWORD).status_code == 303
    draft = client.get(f"/briefs/cases/{case['id']}/new")
    with factory() as session:
        legal_list = session.scalars(select(DistributionList)).one()
    sent = client.post(
        f"/briefs/cases/{case['id']}",
        data={
            "csrf_token": csrf_of(draft.text),
            "subject": "Disclosure tonight\r\nBcc: spy@evil.example",
            "body": f"Body {MARKUP}",
            "list_ids": [str(legal_list.id)],
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert mailbox.messages and all(m["Bcc"] is None for m in mailbox.messages)
    assert {str(m["Subject"]) for m in mailbox.messages} == {
        "Disclosure tonight Bcc: spy@evil.example"
    }
    shown = client.get(sent.headers["location"]).text
    assert MARKUP not in shown and "&lt;script&gt;alert(2)&lt;/script&gt;" in shown


def test_only_the_outgoing_lead_writes_the_hand_off_notes(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session, utcnow())
    assert post_login(client, email="olly@example.test", password=PASSWORD).status_code == 303
    page = client.get(f"/briefs/handoff/{world.handoff_id}")
    client.post(
        f"/briefs/handoff/{world.handoff_id}/notes",
        data={"csrf_token": csrf_of(page.text), "notes": f"Call Springfield PD {MARKUP}"},
    )
    shown = client.get(f"/briefs/handoff/{world.handoff_id}").text
    assert "Call Springfield PD" in shown and MARKUP not in shown
    for intruder in ("kit@example.test", "lou@example.test"):
        assert post_login(client, email=intruder, password=PASSWORD).status_code == 303
        page = client.get(f"/briefs/handoff/{world.handoff_id}")
        answer = client.post(
            f"/briefs/handoff/{world.handoff_id}/notes",
            data={"csrf_token": csrf_of(page.text), "notes": "Nothing to do tonight."},
        )
        assert answer.status_code == 403, (intruder, answer.status_code)
    with factory() as session:
        assert load(session, world.handoff_id).notes.startswith("Call Springfield PD")


def test_lists_and_sent_briefs_are_refused_to_those_without_the_permission(
    client, analyst, lead, make_account
) -> None:  # type: ignore[no-untyped-def]
    _lists(client, make_account)
    assert post_login(client, email=lead.user.email, password=PASSWORD).status_code == 303
    assert client.get("/briefs/lists").status_code == 403
    page = client.get("/console")
    edited = client.post(
        "/briefs/lists", data={"csrf_token": csrf_of(page.text), "name": "Mine", "emails": ""}
    )
    assert edited.status_code == 403
    assert post_login(client, email=analyst.user.email, password=PASSWORD).status_code == 303
    case = create_case(client, analyst)
    assert client.get(f"/briefs/cases/{case['id']}/new").status_code == 403


def test_a_brief_is_not_sent_without_the_csrf_token(
    client, factory, analyst, lead, make_account, mailbox
) -> None:  # type: ignore[no-untyped-def]
    _lists(client, make_account)
    case = create_case(client, analyst)
    assert post_login(client, email=lead.user.email, password=PASSWORD).status_code == 303
    with factory() as session:
        legal_list = session.scalars(select(DistributionList)).one()
    forged = client.post(
        f"/briefs/cases/{case['id']}",
        data={"subject": "x", "body": "y", "list_ids": [str(legal_list.id)]},
    )
    assert forged.status_code == 403
    assert mailbox.messages == []
    with factory() as session:
        assert session.scalars(select(CriticalBrief)).all() == []
