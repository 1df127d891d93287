"""Referral cases written as the tests need them: a case of kind referral (through the intake
API), its referral row, content and chosen recipients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from exigent.referrals.models import (
    ContentKind,
    HarmType,
    RaisedVia,
    RecipientKind,
    RecipientStatus,
    Referral,
    ReferralContent,
    ReferralRecipient,
)
from factories import emergency_record
from legal.flows import create_case, to_review


def referral_record(**overrides: Any) -> dict[str, Any]:
    """What the team found, as a case record: no requester, raised inside the platform."""
    record = emergency_record(
        kind="referral",
        received_via="internal",
        # What identifies and locates the user.
        data_requested=["subscriber_info", "account_activity", "location"],
    )
    for key in ("requester", "case_number", "legal_authority", "attestation"):
        record.pop(key)
    record.update(overrides)
    return record


@dataclass(frozen=True)
class RecipientSpec:
    kind: RecipientKind
    name: str
    email: str | None = None
    phone: str | None = "+12175550100"
    agency_id: int | None = None
    country: str | None = "US"
    status: RecipientStatus = RecipientStatus.chosen


POLICE = RecipientSpec(RecipientKind.police, "Springfield Police Department", "tips@spd.example")


def make_referral(  # type: ignore[no-untyped-def]
    client,
    account,
    factory,
    *,
    harm_type: HarmType = HarmType.violent_threat,
    recipients: tuple[RecipientSpec, ...] = (POLICE,),
    review: bool = True,
) -> int:
    """A referral case in review with one published post and `recipients` chosen."""
    case = create_case(client, account, referral_record())
    if review:
        to_review(client, account, case["id"])
    with factory() as session:
        referral = Referral(
            request_id=case["id"],
            harm_type=harm_type,
            imminent=True,
            raised_via=RaisedVia.console,
            reporting_team="Trust & Safety, violent extremism",
            source_reference="MOD-55120",
            summary="The user posted that he will shoot his former manager at the depot "
            "tomorrow morning, with a photo of a rifle.",
            location={"country": "US", "region": "IL", "city": "Springfield"},
            age_years=34,
        )
        referral.content.append(
            ReferralContent(
                position=0,
                kind=ContentKind.content_id,
                value="post:99120431",
                published_at=datetime(2026, 11, 24, 2, 55, tzinfo=UTC),
                published_offset_minutes=-360,
                description="Post naming the manager and the depot, with a rifle photo",
            )
        )
        session.add(referral)
        session.flush()
        for rank, spec in enumerate(recipients):
            session.add(
                ReferralRecipient(
                    referral_id=referral.id,
                    kind=spec.kind,
                    status=spec.status,
                    name=spec.name,
                    email=spec.email,
                    phone=spec.phone,
                    agency_id=spec.agency_id,
                    country=spec.country,
                    reasons=["chosen in the test"],
                    rank=rank,
                )
            )
        session.commit()
    return int(case["id"])
