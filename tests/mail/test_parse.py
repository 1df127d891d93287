"""The email parser reads what a message states and reports what it could not read."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from exigent.mail.parse import parse_message

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_first_external_hop_skips_private_relays() -> None:
    message = EmailMessage()
    message["Received"] = "from relay (relay [10.1.2.3]) by mx.platform.example"
    message["Received"] = "from out.agency.example (out [203.0.113.9]) by relay"
    message["From"] = "a@agency.example"
    message.set_content("hello")
    parsed = parse_message(message.as_bytes(), now=NOW)
    assert parsed.record["email"]["received_ip"] is None  # 203.0.113.0/24 is documentation
    message.replace_header("Received", "from relay (relay [10.1.2.3]) by mx")
    message["Received"] = "from out (out [40.107.1.2]) by relay"
    assert parse_message(message.as_bytes(), now=NOW).record["email"]["received_ip"] == (
        "40.107.1.2"
    )


def test_forwarded_message_is_flagged() -> None:
    inner = EmailMessage()
    inner["From"] = "Officer <officer@agency.example>"
    inner["Subject"] = "Preservation request"
    inner.set_content("Please preserve the account @target.one, case # PR-2291.")
    outer = EmailMessage()
    outer["From"] = "intake-desk@platform.example"
    outer["Subject"] = "Fwd: Preservation request"
    outer.set_content("See below.")
    outer.add_attachment(inner)
    parsed = parse_message(outer.as_bytes(), now=NOW)
    assert parsed.forwarded
    assert parsed.record["kind"] == "preservation"


def test_future_or_missing_date_becomes_now() -> None:
    message = EmailMessage()
    message["From"] = "a@agency.example"
    message["Date"] = "Tue, 24 Nov 2099 02:10:00 -0500"
    message.set_content("x")
    assert parse_message(message.as_bytes(), now=NOW).record["received_at"] == NOW.isoformat()


def test_empty_bytes_do_not_crash() -> None:
    parsed = parse_message(b"", now=NOW)
    assert parsed.record["kind"] == "other"
    assert "no sender address in From" in parsed.problems
