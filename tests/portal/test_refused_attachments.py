"""An emergency whose attachment the server refuses is still taken; the officer and the team
are told which file was left off and why. Portal form pages never answer with JSON."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.cases.models import Document, Request
from exigent.config import Settings
from portal.conftest import Portal, csrf_of
from portal.test_requests import PDF, case_id, emergency_form, submit

MB = 1024 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The limit as shipped (25 MB), so a 30 MB file is a real one."""
    return settings.model_copy(update={"max_upload_bytes": 25 * MB})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_30_mb_attachment_is_left_off_and_the_emergency_is_sent(  # type: ignore[no-untyped-def]
    client, portal: Portal, analyst, factory
):
    files = [
        ("documents", ("bodycam.pdf", b"%PDF-1.4\n" + b"0" * (30 * MB), "application/pdf")),
        ("documents", ("note.pdf", PDF, "application/pdf")),
    ]
    response = submit(client, "emergency", emergency_form(), files)
    number = case_id(response)  # a redirect to the case: the emergency was taken
    page = client.get(response.headers["location"])
    assert page.headers["content-type"].startswith("text/html")
    text = _text(page.text)
    assert "Request received." in text and "EXG-" in text
    assert "Sent without its attachment." in text
    assert "bodycam.pdf : larger than the 25 MB limit" in text
    with factory() as session:
        case = session.get(Request, number)
        assert case is not None and case.priority == "P0"
        names = session.execute(select(Document.filename)).scalars().all()
        assert names == ["note.pdf"]  # the file that passed is attached
        refused = session.execute(
            select(AuditEvent).where(AuditEvent.action == "document.refused")
        ).scalar_one()
        assert refused.detail["filename"] == "bodycam.pdf"

    client.cookies.clear()
    sign_in(client, analyst.user.email)
    staff = _text(client.get(f"/console/cases/{number}").text)
    assert "Attachment refused" in staff
    assert "Not attached: bodycam.pdf, larger than the 25 MB limit" in staff
    assert "Attachment bodycam.pdf was not attached: larger than the 25 MB limit" in staff


def test_a_file_of_the_wrong_type_is_left_off_an_emergency_but_refuses_a_subpoena(  # type: ignore[no-untyped-def]
    client, portal: Portal, factory
):
    files = [("documents", ("warrant.pdf", b"MZ not a pdf", "application/pdf"))]
    response = submit(client, "emergency", emergency_form(), files)
    page = _text(client.get(response.headers["location"]).text)
    assert "Sent without its attachment." in page and "warrant.pdf" in page

    form = {"idempotency_key": "k-sub", "target_type": ["username"], "target_value": ["x"]}
    refused = submit(client, "subpoena", form, files)
    assert refused.status_code == 422 and "warrant.pdf" in refused.text
    with factory() as session:
        assert len(session.execute(select(Request.id)).all()) == 1


def test_the_form_states_the_limit_before_upload(client, portal: Portal):  # type: ignore[no-untyped-def]
    page = client.get("/portal/requests/new/emergency")
    assert "Up to 25 MB each" in page.text
    assert f'data-max-bytes="{25 * MB}"' in page.text


@pytest.mark.parametrize(
    "headers, body",
    [
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x\r\nbroken"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"csrf_token=wrong"),
        ({"Content-Type": "application/json"}, b'{"emergency_nature": 1}'),
    ],
)
def test_no_error_of_the_portal_form_answers_json(  # type: ignore[no-untyped-def]
    client, portal: Portal, headers: dict[str, str], body: bytes
):
    for path in ("/portal/requests/new/emergency", "/portal/requests/check/emergency"):
        response = client.post(path, content=body, headers=headers, follow_redirects=False)
        assert response.status_code >= 400 or response.status_code == 303
        if response.status_code != 303:
            assert response.headers["content-type"].startswith("text/html"), response.text
            assert not response.text.lstrip().startswith("{")


def test_files_past_what_a_request_can_carry_are_said_on_a_page(  # type: ignore[no-untyped-def]
    client, portal: Portal, settings: Settings
):
    page = client.get("/portal/requests/new/emergency")
    data = {**emergency_form(), "csrf_token": csrf_of(page.text)}
    huge = b"0" * (settings.max_upload_bytes * 4 + 2 * MB)
    response = client.post(
        "/portal/requests/new/emergency",
        data=data,
        files=[("documents", ("huge.pdf", huge, "application/pdf"))],
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "it was not sent" in _text(response.text)
