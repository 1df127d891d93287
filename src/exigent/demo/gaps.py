"""Demo cases with gaps a real night brings, so a newcomer sees how Exigent says so: an
emergency whose target account was mistyped (the platform has no such account), and an empty
emergency from the demo officer whose attachment was refused, taken all the same.

Seeded after the demo platform store, which adds an account for every username target: the
mistyped target is an email address, so no later run of `exigent demo` makes it exist.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.accounts import PortalAccount
from exigent.auth.models import User
from exigent.cases import service
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord
from exigent.config import Settings
from exigent.files import FileStore
from exigent.intake import intake
from exigent.legal.policy import default_policy
from exigent.legal.targets import look_up_targets
from exigent.portal import cases as portal_cases
from exigent.portal.cases import Upload

MISTYPED_ID = "DEMO-GAP-MISTYPED"
EMPTY_KEY = "demo-empty-emergency"
GUIDE = (
    "Demo: the requester typed the target's email address wrong, and the platform has no such "
    "account (see Targets). Building a production is refused with the target's name; ask the "
    "requester for the right address and update the record."
)


class _Form(dict[str, Any]):
    """An empty portal form: every field left blank."""

    def getlist(self, key: str, /) -> list[Any]:
        return []


def _mistyped(received: datetime) -> IntakeRecord:
    return IntakeRecord.model_validate(
        {
            "id": MISTYPED_ID,
            "kind": "emergency",
            "received_via": "email",
            "received_at": received.isoformat(),
            "requester": {
                "name": "Priya Natarajan",
                "title": "Detective",
                "badge_number": "3307",
                "email": "pnatarajan@chicagopolice.org",
                "phone": "+13125550177",
                "agency_name": "Chicago Police Department",
                "agency_country": "US",
                "agency_state": "IL",
                "supervisor_name": "Sgt. Alan Cho",
                "supervisor_phone": "+13125550178",
                "is_government": True,
            },
            "case_number": "JC-26-40211",
            "emergency": {
                "nature": "violent_threat",
                "facts": "A caller said the account holder threatened to shoot a coworker at "
                "07:00 today and posted a photo of a handgun.",
                "persons_at_risk": "Coworkers at a warehouse on the South Side",
                "why_no_legal_process": "The threat is for this morning.",
                "how_data_helps": "The sign-in IPs show where the account holder is now.",
            },
            "targets": [{"identifier_type": "email", "value": "dray.mcallister@exmaple.com"}],
            "data_requested": ["subscriber_info", "location"],
            "legal_authority": "18 U.S.C. 2702(b)(8), 2702(c)(4)",
            "attestation": {"signed": True, "signed_at": received.isoformat()},
        }
    )


def seed_gap_cases(
    factory: sessionmaker[Session], settings: Settings, staff_email: str, officer_email: str
) -> None:
    """Both cases, once: the mistyped one triaged (which looks its target up)."""
    with factory() as session:
        if session.execute(select(Request.id).where(Request.external_id == MISTYPED_ID)).first():
            return
        analyst = session.execute(select(User).where(User.email == staff_email)).scalar_one()
        officer = session.execute(select(User).where(User.email == officer_email)).scalar_one()
        now = datetime.now(UTC)
        _seed_mistyped(session, settings, analyst, now - timedelta(minutes=9))
        _seed_empty(session, settings, officer, now - timedelta(minutes=4))
        session.commit()


def _seed_mistyped(session: Session, settings: Settings, analyst: User, at: datetime) -> None:
    record = _mistyped(at)
    case, _ = intake.intake(
        session,
        user=analyst,
        record=record,
        raw=record.model_dump_json(by_alias=True),
        policy=default_policy(),
        now=at,
    )
    later = at + timedelta(minutes=2)
    service.transition(
        session, user=analyst, request_id=case.id, to="triaged", reason="Demo", now=later
    )
    look_up_targets(session, settings=settings, user=analyst, request=case, now=later)
    service.add_note(
        session,
        user=analyst,
        request_id=case.id,
        body=GUIDE,
        visible_to_requester=False,
        now=later,
    )


def _seed_empty(session: Session, settings: Settings, officer: User, at: datetime) -> None:
    account = session.execute(
        select(PortalAccount).where(PortalAccount.user_id == officer.id)
    ).scalar_one()
    # Bytes that are not the PDF they claim to be: the portal refuses the file, not the case.
    upload = Upload("bodycam-0140.pdf", "application/pdf", io.BytesIO(b"MZ\x90\x00 not a pdf"))
    portal_cases.submit(
        session,
        user=officer,
        account=account,
        kind="emergency",
        form=_Form(),
        idempotency_key=EMPTY_KEY,
        uploads=[upload],
        store=FileStore(settings.file_store),
        max_bytes=settings.max_upload_bytes,
        policy=default_policy(),
        now=at,
    )
