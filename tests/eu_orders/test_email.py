"""An order that arrives by email with its certificate as a PDF becomes an order case whose
fields the analyst confirms before it counts as received and confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from eu_orders.flows import clock, order_of, post
from mail.test_email_intake import upload

URL = "https://platform.example/p/00002t"


def removal_mail() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Referat ST 14 <tco-removal@bka.bund.de>"
    message["To"] = "lawenforcement@platform.example"
    message["Subject"] = "Removal order under Regulation (EU) 2021/784 - ST14-TCO-2026-0917"
    message["Date"] = format_datetime(datetime.now(UTC) - timedelta(minutes=6))
    message["Message-ID"] = "<tco-0917@bka.bund.de>"
    message.set_content(
        "Please find attached a removal order (Annex I) for terrorist content at\n"
        f"{URL}\nto be executed within one hour of receipt.\n\nBundeskriminalamt\n"
    )
    message.add_attachment(
        b"%PDF-1.4 removal order", maintype="application", subtype="pdf", filename="order.pdf"
    )
    return message


def test_a_removal_order_by_email_keeps_its_hour_until_the_analyst_confirms_it(
    client, analyst
) -> None:  # type: ignore[no-untyped-def]
    response = upload(client, analyst, removal_mail().as_bytes())
    assert response.status_code == 201, response.text
    case = response.json()
    assert (case["kind"], case["priority"]) == ("eu_removal_order", "P0")
    order = order_of(client, analyst, case["id"])
    assert order["status"] == "awaiting_confirmation"
    assert order["certificate"]["issuing_state"] == "DE"
    assert [c["locator"] for c in order["content"]] == [URL]
    assert clock(order, "eu_execute_by")["status"] == "running"
    # Not executed, nor sent, before the fields are confirmed.
    assert post(client, analyst, f"/requests/{case['id']}/eu-order/execute").status_code == 409

    certificate = {
        **order["certificate"],
        "issuing_authority": {
            "name": "Bundeskriminalamt, Referat ST 14",
            "email": "tco-removal@bka.bund.de",
            "file_number": "ST14-TCO-2026-0917",
        },
        "reasons": "Video inciting attacks.",
    }
    confirmed = post(
        client, analyst, f"/requests/{case['id']}/eu-order/confirm", {"eu_order": certificate}
    )
    assert confirmed.status_code == 200, confirmed.text
    order = confirmed.json()
    assert order["status"] == "received"
    assert order["missing_elements"] == []
    due = datetime.fromisoformat(clock(order, "eu_execute_by")["due_at"])
    assert due == datetime.fromisoformat(order["received_at"]) + timedelta(hours=1)
