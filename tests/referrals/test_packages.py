"""Referral packages to police and EU authorities: sealed by production, sent by portal or
email, preserved once per kind of recipient, and the calls made to them logged."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.cases.models import Requester
from exigent.directory.models import Agency
from exigent.legal.models import Decision
from exigent.production.models import (
    DeliveryLink,
    PreservationHold,
    Production,
    ProductionStatus,
)
from exigent.production.package import verify
from exigent.referrals.models import (
    RecipientKind,
    RecipientStatus,
    ReferralCall,
    ReferralHold,
    ReferralRecipient,
)
from referrals.decision_flows import approved_referral, panel, post
from referrals.referral_cases import POLICE, RecipientSpec, make_referral

EUROPOL = RecipientSpec(
    RecipientKind.europol, "Europol EC3 duty desk", "o24@europol.example", "+31703025000",
    country="NL",
)  # fmt: skip


def _send(client, lead, case_id: int) -> str:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    csrf = sign_in(client, lead.user.email)
    return post(client, f"/console/cases/{case_id}/referral/send", csrf, {})


def _letter_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def test_a_package_goes_by_email_with_its_sealed_zip_and_reads_as_a_referral(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, mailbox, tmp_path
):
    case_id = make_referral(client, analyst, factory)
    approved_referral(client, analyst, lead, case_id)
    html = _send(client, lead, case_id)
    assert "Springfield Police Department: sent by email." in html
    [message] = mailbox.to("tips@spd.example")
    assert "Referral" in message["Subject"] and "imminent risk" in message["Subject"]
    [attachment] = [p for p in message.iter_attachments()]
    archive = zipfile.ZipFile(io.BytesIO(attachment.get_content()))
    names = archive.namelist()
    folder = names[0].split("/")[0]
    archive.extractall(tmp_path / "got")
    # The sealed package arrives whole: every file the manifest lists, the seal intact.
    with factory() as session:
        made = session.execute(select(Production)).scalar_one()
        recipient = session.execute(select(ReferralRecipient)).scalar_one()
    assert verify(tmp_path / "got" / folder, seal=made.manifest_sha256).intact
    assert recipient.status == RecipientStatus.sent and recipient.channel == "email"
    assert recipient.production_id == made.id and recipient.last_error is None
    text = _letter_text(archive.read(f"{folder}/cover_letter.pdf"), tmp_path)
    squeezed = " ".join(text.split())
    assert "Referral of an imminent risk" in squeezed
    assert "In response to your" not in squeezed
    # The content with its time of publication in its own zone (UTC-6: 02:55Z is 20:55).
    assert "post:99120431" in squeezed and "2026-11-23 20:55" in squeezed
    assert "(UTC-06:00)" in squeezed and "2026-11-24 02:55" in squeezed
    # Why the team suspects an offence: the assessment's reason and the analyst's summary.
    assert "a specific threat, the means and a time frame" in squeezed
    assert "shoot his former manager at the depot" in squeezed
    assert "18 U.S.C. 2702(b)(8)" in squeezed and "18 U.S.C. 2702(c)(4)" in squeezed
    # Nobody asked: the period is the team's, never "the date range of the request".
    assert "Period covered" in squeezed and "raised the referral" in squeezed
    assert "of the request" not in squeezed and "Date range" not in squeezed
    # What identifies and locates the user, from the platform through the approved scope.
    assert "username:night.owl.77" in squeezed and "Information that identifies" in squeezed
    assert "Location" in squeezed and "Subscriber information" in squeezed
    manifest = archive.read(f"{folder}/manifest.json").decode()
    assert '"kind": "referral"' in manifest and '"published_local"' in manifest
    timeline = client.get(f"/api/v1/requests/{case_id}/timeline", headers=lead.headers).json()
    assert any(e["kind"] == "referral_sent" for e in timeline)
    # Sent once: a second press has nothing left to send.
    html = _send(client, lead, case_id)
    assert "no chosen police or EU recipient waiting" in html
    assert len(mailbox.to("tips@spd.example")) == 1


def test_an_agency_with_an_officer_in_the_portal_gets_it_there(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, make_account, mailbox
):
    officer = make_account(Role.requester, "d.whitfield@spd.example")
    with factory() as session:
        agency = Agency(name="Springfield Police Department", state="IL", source="staff")
        session.add(agency)
        session.flush()
        session.execute(
            update(Requester)
            .where(Requester.id == officer.user.requester_id)
            .values(agency_id=agency.id)
        )
        session.commit()
        agency_id = agency.id
    spec = RecipientSpec(RecipientKind.police, "Springfield Police Department",
                         "tips@spd.example", agency_id=agency_id)  # fmt: skip
    case_id = make_referral(client, analyst, factory, recipients=(spec,))
    approved_referral(client, analyst, lead, case_id)
    html = _send(client, lead, case_id)
    assert "sent by portal" in html
    with factory() as session:
        link = session.execute(select(DeliveryLink)).scalar_one()
        assert link.recipient_id == officer.user.id
    # The officer is told by mail that it waits in the portal; no package goes by mail.
    assert not mailbox.to("tips@spd.example")
    [notice] = mailbox.to("d.whitfield@spd.example")
    assert not list(notice.iter_attachments())
    deliveries = client.get("/api/v1/requests", headers=officer.headers)
    assert deliveries.status_code == 200


def test_a_send_that_fails_says_why_and_is_tried_again(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, mailbox
):
    no_mail = RecipientSpec(RecipientKind.ntoc, "FBI National Threat Operations Center", None)
    case_id = make_referral(client, analyst, factory, recipients=(no_mail,))
    approved_referral(client, analyst, lead, case_id)
    html = _send(client, lead, case_id)
    assert "no portal account and no independently sourced email address" in html
    with factory() as session:
        recipient = session.execute(select(ReferralRecipient)).scalar_one()
        assert recipient.status == RecipientStatus.failed
        assert "no independently sourced email" in (recipient.last_error or "")
        assert session.execute(select(ReferralHold)).first() is None
        recipient.email = "ntoc@fbi.example"
        session.commit()
    html = _send(client, lead, case_id)
    assert "FBI National Threat Operations Center: sent by email." in html
    assert len(mailbox.to("ntoc@fbi.example")) == 1


def test_each_kind_of_recipient_keeps_one_hold_for_its_policy_days(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, mailbox
):
    second_police = RecipientSpec(RecipientKind.police, "Sangamon County Sheriff",
                                  "desk@sangamon.example")  # fmt: skip
    case_id = make_referral(client, analyst, factory, recipients=(POLICE, second_police, EUROPOL))
    approved_referral(client, analyst, lead, case_id)
    html = _send(client, lead, case_id)
    assert html.count("sent by email") == 3
    with factory() as session:
        kept = session.execute(select(ReferralHold).order_by(ReferralHold.id)).scalars().all()
        assert [(str(h.recipient_kind), h.days) for h in kept] == [
            ("police", 90),
            ("europol", 180),
        ]
        for row in kept:
            hold = session.get(PreservationHold, row.hold_id)
            assert hold is not None and hold.status == "active"
            assert hold.expires_at - row.created_at == timedelta(days=row.days)
        assert len(session.execute(select(PreservationHold)).all()) == 2
    assert 'data-hold-kind="europol"' in panel(client, case_id)


def test_a_call_is_logged_with_the_recipients_own_number_by_default(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
):
    case_id = make_referral(client, analyst, factory)
    csrf = sign_in(client, analyst.user.email)
    with factory() as session:
        recipient_id = session.execute(select(ReferralRecipient.id)).scalar_one()
    path = f"/console/cases/{case_id}/referral/calls"
    html = post(client, path, csrf, {"recipient_id": str(recipient_id), "summary": ""})
    assert "summary: say what was said" in html
    html = post(
        client,
        path,
        csrf,
        {"recipient_id": str(recipient_id), "number": "555-0100", "summary": "x"},
    )
    assert "is not an E.164 number" in html
    html = post(
        client,
        path,
        csrf,
        {
            "recipient_id": str(recipient_id),
            "called_at": "2026-11-24T03:20",
            "spoke_with": "Sgt. Ann Cole, watch commander",
            "their_reference": "SPD-26-118204",
            "summary": "Told of the threat; a unit is going to the address now.",
        },
    )
    assert "Call 1 logged." in html and "SPD-26-118204" in html
    with factory() as session:
        call = session.execute(select(ReferralCall)).scalar_one()
        assert call.number == "+12175550100"
        assert call.called_at.isoformat().startswith("2026-11-24T03:20")
    timeline = client.get(f"/api/v1/requests/{case_id}/timeline", headers=analyst.headers).json()
    assert any(e["kind"] == "referral_call" and "Sgt. Ann Cole" in e["body"] for e in timeline)


def test_roles_without_the_right_cannot_assess_send_or_call(  # type: ignore[no-untyped-def]
    client, analyst, factory, make_account
):
    case_id = make_referral(client, analyst, factory)
    auditor = make_account(Role.auditor)
    csrf = sign_in(client, auditor.user.email)
    html = panel(client, case_id)
    assert "Save assessment" not in html and "Log call" not in html
    html = post(client, f"/console/cases/{case_id}/referral/assessment", csrf, {})
    assert "does not allow decision.draft" in html
    html = post(client, f"/console/cases/{case_id}/referral/send", csrf, {})
    assert "does not allow production.deliver" in html


def test_a_recipient_whose_package_is_being_built_is_not_sent_again(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, mailbox
):
    case_id = make_referral(client, analyst, factory)
    approved_referral(client, analyst, lead, case_id)
    # As if another press of Send were building this recipient's package right now.
    with factory() as session:
        production = Production(
            request_id=case_id,
            decision_id=session.execute(select(Decision.id)).scalar_one(),
            status=ProductionStatus.building,
            adapter="demo",
            scope={},
            withheld=[],
            counts=[],
            record_count=0,
            created_by_id=lead.user.id,
        )
        session.add(production)
        session.flush()
        session.execute(update(ReferralRecipient).values(production_id=production.id))
        session.commit()
    html = _send(client, lead, case_id)
    assert "already sent or being sent" in html
    assert not mailbox.to("tips@spd.example")
