"""Email intake: real-shaped messages become cases; nothing crashes, nothing is lost."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from exigent.cases.models import Document, Request, TimelineEvent
from exigent.config import Settings
from exigent.mail.cli import poll_maildir

AUTH = (
    "mx.platform.example; dkim=pass header.i=@springfieldpd.org; spf=pass "
    "smtp.mailfrom=dwhitfield@springfieldpd.org; dmarc=pass header.from=springfieldpd.org"
)


def edr_message(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.get("From", "Det. Dana Whitfield <dwhitfield@springfieldpd.org>")
    message["To"] = "lawenforcement@platform.example"
    message["Subject"] = headers.get("Subject", "EMERGENCY disclosure request - imminent danger")
    message["Date"] = "Tue, 24 Nov 2026 02:10:00 -0500"
    message["Message-ID"] = "<abc123@springfieldpd.org>"
    message["Authentication-Results"] = AUTH
    message["Received"] = (
        "from mail.springfieldpd.org (mail.springfieldpd.org [40.107.1.2]) by "
        "mx.platform.example with ESMTPS; Tue, 24 Nov 2026 07:10:02 +0000"
    )
    message["Received"] = "from inner (inner [10.0.0.5]) by mail.springfieldpd.org"
    if "Reply-To" in headers:
        message["Reply-To"] = headers["Reply-To"]
    message.set_content(
        "The user @night.owl.77 posted a goodbye note and a photo of pills at 01:40 tonight.\n"
        "Case No: 26-00412. We need subscriber info to locate her.\n\n"
        "Det. Dana Whitfield\nSpringfield Police Department\n(217) 555-0143\n"
    )
    return message


def upload(client: TestClient, account: Any, raw: bytes) -> Any:
    return client.post(
        "/api/v1/intake/eml",
        files={"file": ("message.eml", raw, "message/rfc822")},
        headers=account.headers,
    )


def test_a_plain_edr_email_becomes_a_case_to_complete(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    message = edr_message(**{"Reply-To": "dana.w@proton.me"})
    message.add_attachment(
        b"%PDF-1.4 form", maintype="application", subtype="pdf", filename="edr.pdf"
    )
    response = upload(client, analyst, message.as_bytes())
    assert response.status_code == 201, response.text
    case = response.json()
    record = case["record"]
    assert case["kind"] == "emergency" and case["needs_completion"] is True
    assert case["received_via"] == "email"
    assert record["requester"]["email"] == "dwhitfield@springfieldpd.org"
    assert record["requester"]["phone"] == "+12175550143"
    assert record["case_number"] == "26-00412"
    assert {"identifier_type": "username", "value": "night.owl.77"} in record["targets"]
    assert record["email"]["received_ip"] == "40.107.1.2"
    assert record["email"]["reply_to"] == "dana.w@proton.me"
    assert "dkim=pass" in record["email"]["authentication_results"]
    with factory() as session:
        documents = (
            session.execute(select(Document).where(Document.request_id == case["id"]))
            .scalars()
            .all()
        )
    assert {d.filename for d in documents} == {"message.eml", "edr.pdf"}
    assert all(d.stored for d in documents)
    risk = client.get(f"/api/v1/requests/{case['id']}/risk", headers=analyst.headers).json()
    assert "reply_to_free_mail" in {s["code"] for s in risk["signals"]}
    again = upload(client, analyst, message.as_bytes())
    assert again.status_code == 200 and again.json()["id"] == case["id"]


def test_subpoena_and_html_only_messages(client, analyst) -> None:  # type: ignore[no-untyped-def]
    message = EmailMessage()
    message["From"] = "clerk@county.example.gov"
    message["Subject"] = "Grand jury subpoena for account records"
    message.set_content(
        "<p>Please find attached a <b>subpoena</b> for user@mail.example</p>", subtype="html"
    )
    case = upload(client, analyst, message.as_bytes()).json()
    assert case["kind"] == "subpoena"
    assert {"identifier_type": "email", "value": "user@mail.example"} in case["record"]["targets"]


def test_garbage_is_kept_and_queued_for_a_person(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    raw = b"\xff\xfe From: \x80\x81 broken\r\nSubject: =?utf-8?b?!!!?=\r\n\r\n\x00\x01 truncated"
    response = upload(client, analyst, raw)
    assert response.status_code == 201, response.text
    case = response.json()
    assert case["kind"] == "other" and case["needs_completion"] is True
    with factory() as session:
        notes = (
            session.execute(
                select(TimelineEvent.body).where(
                    TimelineEvent.request_id == case["id"], TimelineEvent.kind == "note"
                )
            )
            .scalars()
            .all()
        )
    assert any("Could not read everything" in note for note in notes)


def test_idn_sender_and_non_utf8_headers_do_not_crash(client, analyst) -> None:  # type: ignore[no-untyped-def]
    raw = (
        "From: =?iso-8859-1?q?Off=E9cier?= <chief@pol\u00edce-springfield.example>\r\n"
        "Subject: \xe9mergence\r\nDate: not a date\r\n\r\nPlease call me.\r\n"
    ).encode("latin-1", "replace")
    response = upload(client, analyst, raw)
    assert response.status_code == 201, response.text


def test_oversized_message_is_refused_whole(client, analyst) -> None:  # type: ignore[no-untyped-def]
    response = upload(client, analyst, b"From: a@b.example\r\n\r\n" + b"x" * (1024 * 1024 + 10))
    assert response.status_code == 413


def test_maildir_poll_takes_in_and_moves_messages(
    settings: Settings, factory, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "Maildir"
    (root / "new").mkdir(parents=True)
    (root / "new" / "1.eml").write_bytes(edr_message().as_bytes())
    lines: list[str] = []
    assert poll_maildir(factory, settings, root, lines.append, once=True) == 0
    assert not list((root / "new").iterdir()) and len(list((root / "cur").iterdir())) == 1
    with factory() as session:
        assert session.execute(select(Request.received_via)).scalars().all() == ["email"]
    assert "EXG-" in lines[0]
