"""Submitting through the portal, what is missing, answering questions, what officers see."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from exigent.cases.models import Document, Request
from portal.conftest import Portal, csrf_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def emergency_form(**overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "idempotency_key": "k-1",
        "emergency_nature": "suicide_self_harm",
        "emergency_facts": "The user posted a goodbye note and a photo of pills at 01:40.",
        "emergency_persons_at_risk": "The account holder, believed 19",
        "emergency_why_no_legal_process": "A warrant takes hours; the risk is now.",
        "emergency_how_data_helps": "Recent sign-in IPs locate the home for a welfare check.",
        "target_type": ["username"],
        "target_value": ["night.owl.77"],
        "data_requested": ["subscriber_info", "account_activity"],
        "date_start": "2026-11-20",
        "date_end": "2026-11-24",
        "case_number": "26-00042",
        "attestation": "yes",
    }
    form.update(overrides)
    return form


def submit(client: TestClient, kind: str, form: dict[str, object], files=None):  # type: ignore[no-untyped-def]
    page = client.get(f"/portal/requests/new/{kind}")
    assert page.status_code == 200, page.text
    data = {**form, "csrf_token": csrf_of(page.text)}
    return client.post(
        f"/portal/requests/new/{kind}", data=data, files=files, follow_redirects=False
    )


def case_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    match = re.match(r"/portal/requests/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_an_emergency_becomes_a_p0_case_received_via_portal(client, portal: Portal, factory):
    response = submit(client, "emergency", emergency_form())
    number = case_id(response)
    page = client.get(response.headers["location"])
    assert "Request received." in page.text
    assert "Emergencies are worked on at once" in page.text
    with factory() as session:
        case = session.get(Request, number)
        assert case.priority == "P0"
        assert case.received_via == "portal"
        assert case.record["requester"]["email"] == portal.email
        assert case.record["attestation"]["signed"] is True
        assert case.record["emergency"]["nature"] == "suicide_self_harm"
    home = client.get("/portal/home")
    assert case.reference in home.text
    assert "Received" in home.text
    assert "Your account awaits verification" in home.text


def test_a_double_click_makes_one_case(client, portal: Portal, factory):
    first = case_id(submit(client, "emergency", emergency_form()))
    second = case_id(submit(client, "emergency", emergency_form()))
    assert first == second
    with factory() as session:
        assert len(session.execute(select(Request.id)).all()) == 1


def test_missing_elements_are_listed_live_in_plain_words(client, portal: Portal):
    page = client.get("/portal/requests/new/emergency")
    assert "Still missing" in page.text
    assert "The facts that show the emergency" in page.text
    form = emergency_form(emergency_facts="", attestation="")
    check = client.post(
        "/portal/requests/check/emergency",
        data=form,
        headers={"X-CSRF-Token": csrf_of(page.text), "HX-Request": "true"},
    )
    assert check.status_code == 200
    assert "Still missing (2)" in check.text
    assert "The facts that show the emergency" in check.text
    assert "Your signed attestation" in check.text
    complete = client.post(
        "/portal/requests/check/emergency",
        data=emergency_form(),
        headers={"X-CSRF-Token": csrf_of(page.text)},
    )
    assert "Everything we need is there." in complete.text


def test_an_incomplete_emergency_is_never_blocked(client, portal: Portal, factory):
    number = case_id(submit(client, "emergency", emergency_form(emergency_facts="")))
    with factory() as session:
        assert session.get(Request, number).priority == "P0"


def test_a_bad_date_range_is_named_next_to_the_field(client, portal: Portal, factory):
    response = submit(
        client, "emergency", emergency_form(date_start="2026-11-24", date_end="2026-11-01")
    )
    assert response.status_code == 422
    assert "start must not be after end" in response.text
    assert 'id="date_end-error"' in response.text
    assert "night.owl.77" in response.text  # what the officer typed is kept
    with factory() as session:
        assert session.execute(select(Request.id)).first() is None


def test_a_subpoena_carries_its_uploaded_document(client, portal: Portal, factory):
    form = {
        "idempotency_key": "k-sub",
        "target_type": ["email"],
        "target_value": ["someone@example.com"],
        "data_requested": ["subscriber_info"],
        "date_start": "2026-01-01",
        "date_end": "2026-06-30",
        "legal_authority": "18 U.S.C. 2703(c)(2)",
    }
    files = [("documents", ("subpoena.pdf", PDF, "application/pdf"))]
    number = case_id(submit(client, "subpoena", form, files))
    with factory() as session:
        case = session.get(Request, number)
        assert case.priority == "P3"
        [document] = session.execute(select(Document)).scalars()
        assert document.stored and document.size_bytes == len(PDF)
        assert case.record["documents"][0]["filename"] == "subpoena.pdf"
    page = client.get(f"/portal/requests/{number}")
    assert "subpoena.pdf" in page.text


def test_a_file_that_is_not_what_it_says_is_refused(client, portal: Portal, factory):
    files = [("documents", ("subpoena.pdf", b"MZ not a pdf", "application/pdf"))]
    form = {"idempotency_key": "k-bad", "target_type": ["username"], "target_value": ["x"]}
    response = submit(client, "subpoena", form, files)
    assert response.status_code == 422
    assert "subpoena.pdf" in response.text and 'id="documents-error"' in response.text
    with factory() as session:
        assert session.execute(select(Request.id)).first() is None


def staff_asks(client, analyst, number: int) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/requests/{number}/transitions",
        json={"to": "triaged"},
        headers=analyst.headers,
    )
    assert response.status_code == 200, response.text
    response = client.post(
        f"/api/v1/requests/{number}/request-info",
        json={"message": "Which school does she attend?"},
        headers=analyst.headers,
    )
    assert response.status_code == 200, response.text


def test_need_info_is_asked_and_the_answer_moves_the_case_back(
    client, portal: Portal, analyst, factory
):
    number = case_id(submit(client, "emergency", emergency_form(emergency_how_data_helps="")))
    staff_asks(client, analyst, number)
    page = client.get(f"/portal/requests/{number}")
    assert "We need more information from you" in page.text
    assert "how the data you ask for will help resolve the emergency" in page.text
    assert "Which school does she attend?" in page.text
    answer = client.post(
        f"/portal/requests/{number}/answer",
        data={
            "csrf_token": csrf_of(page.text),
            "emergency_how_data_helps": "The IP tells us which house to go to.",
            "message": "Lincoln High School.",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with factory() as session:
        case = session.get(Request, number)
        assert case.status == "triaged"
        assert case.record["emergency"]["how_data_helps"].startswith("The IP tells us")
    after = client.get(f"/portal/requests/{number}")
    assert "Lincoln High School." in after.text
    assert "We need more information from you</h2>" not in after.text
    view = client.get(f"/api/v1/requests/{number}/legal", headers=analyst.headers).json()
    assert view["missing_elements"] == []


def test_internal_notes_risk_and_signals_are_never_shown(client, portal: Portal, analyst):
    number = case_id(submit(client, "emergency", emergency_form()))
    client.post(
        f"/api/v1/requests/{number}/notes",
        json={"body": "INTERNAL: caller sounded scripted", "visible_to_requester": False},
        headers=analyst.headers,
    )
    client.post(
        f"/api/v1/requests/{number}/notes",
        json={"body": "We are on it; expect a call.", "visible_to_requester": True},
        headers=analyst.headers,
    )
    page = client.get(f"/portal/requests/{number}")
    assert "We are on it; expect a call." in page.text
    assert "INTERNAL" not in page.text
    for word in ("risk", "signal", "score", "P0", "decide", "breach"):
        assert word not in page.text.lower().replace("at risk", "")


def test_a_message_from_the_officer_reaches_the_case(client, portal: Portal, analyst):
    number = case_id(submit(client, "emergency", emergency_form()))
    page = client.get(f"/portal/requests/{number}")
    sent = client.post(
        f"/portal/requests/{number}/messages",
        data={"csrf_token": csrf_of(page.text), "message": "Call me on my cell, any time."},
        follow_redirects=False,
    )
    # Back to the case page, saying so beside the messages; the address holds no message.
    assert sent.status_code == 303
    assert (
        sent.headers["location"] == f"/portal/requests/{number}?done=message&at=messages#messages"
    )
    assert "Message sent to the response team." in client.get(sent.headers["location"]).text
    timeline = client.get(f"/api/v1/requests/{number}/timeline", headers=analyst.headers).json()
    assert any(e["body"] == "Call me on my cell, any time." for e in timeline)


def test_another_officers_case_is_not_found(client, portal: Portal, make_account, factory):
    from exigent.auth.models import Role

    other = make_account(Role.requester, "someone@elsewhere.example.gov")
    created = client.post(
        "/api/v1/requests",
        json={
            "kind": "other",
            "received_via": "api",
            "received_at": "2026-11-24T02:10:00-05:00",
            "requester": {"email": "someone@elsewhere.example.gov"},
        },
        headers=other.headers,
    )
    assert created.status_code == 201, created.text
    response = client.get(f"/portal/requests/{created.json()['id']}")
    assert response.status_code == 404


KIND_PRIORITY = {
    "emergency": "P0",
    "subpoena": "P3",
    "court_order": "P3",
    "search_warrant": "P3",
    "preservation": "P2",
    "preservation_extension": "P2",
    "consent": "P3",
    "real_time": "P3",
    "other": "P3",
}


def test_every_kind_has_a_form_that_makes_a_case(client, portal: Portal, factory):
    for number, (kind, priority) in enumerate(KIND_PRIORITY.items()):
        form = {
            "idempotency_key": f"every-{kind}",
            "target_type": ["username"],
            "target_value": [f"user.{number}"],
            "case_number": f"26-{number}",
        }
        created = case_id(submit(client, kind, form))
        with factory() as session:
            case = session.get(Request, created)
            assert (case.kind, case.priority, case.received_via) == (kind, priority, "portal")


def test_a_missing_document_is_answered_with_an_upload(client, portal: Portal, analyst, factory):
    form = {
        "idempotency_key": "k-nodoc",
        "target_type": ["username"],
        "target_value": ["night.owl.77"],
        "data_requested": ["subscriber_info"],
        "date_start": "2026-01-01",
        "date_end": "2026-03-31",
        "legal_authority": "18 U.S.C. 2703(c)(2)",
    }
    number = case_id(submit(client, "subpoena", form))
    staff_asks(client, analyst, number)
    page = client.get(f"/portal/requests/{number}")
    assert "Copy of the legal process" in page.text
    answer = client.post(
        f"/portal/requests/{number}/answer",
        data={"csrf_token": csrf_of(page.text)},
        files=[("documents", ("subpoena.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    view = client.get(f"/api/v1/requests/{number}/legal", headers=analyst.headers).json()
    assert view["missing_elements"] == []
    with factory() as session:
        assert session.get(Request, number).status == "triaged"
        [document] = session.execute(select(Document)).scalars()
        assert document.stored and document.filename == "subpoena.pdf"


def test_an_empty_answer_is_named(client, portal: Portal, analyst):
    number = case_id(submit(client, "emergency", emergency_form(emergency_how_data_helps="")))
    staff_asks(client, analyst, number)
    page = client.get(f"/portal/requests/{number}")
    response = client.post(
        f"/portal/requests/{number}/answer", data={"csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 422
    assert "Write your answer, or add what we asked for." in response.text
