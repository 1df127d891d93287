"""Demo referrals at each step of their decision: one awaiting a second person's approval, one
approved and sent to the police through the portal with the call logged, and one in the EU
whose analyst chose to refer against the checklist's advice.

The cases are raised through the escalation intake, as the moderation system raises them, and
worked through the same services as real ones; the package is sent after the demo platform
store exists, since it is built from the platform's data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.cases import service as cases
from exigent.cases.models import Request, Requester
from exigent.config import Settings, get_settings
from exigent.demo.cases import APPROVAL
from exigent.directory.models import Agency
from exigent.files import FileStore
from exigent.intake.escalations import raise_escalation
from exigent.legal import decisions
from exigent.legal.checks import latest_check
from exigent.legal.models import Outcome
from exigent.platform_data.registry import open_adapter
from exigent.referrals import assessments as referrals
from exigent.referrals import packages
from exigent.referrals.models import (
    HarmType,
    RaisedVia,
    RecipientKind,
    RecipientStatus,
    Referral,
    ReferralRecipient,
)
from exigent.referrals.schemas import EscalationIn
from exigent.workflow.judging import AFTER_JUDGING

AWAITING = "DEMO-REF-AWAITING"
SENT = "DEMO-REF-SENT"
EU = "DEMO-REF-EU"
REFER = {"specific_threat": "yes", "means": "yes", "time_frame": "yes"}


def _open(
    session: Session, analyst: User, key: str, at: datetime, **fields: Any
) -> tuple[int, Referral]:
    """Raise the escalation through the intake from the console form (with `key` to find it
    again), then triage it and start its review."""
    content = fields.pop("content")
    escalation = EscalationIn.model_validate(
        {
            **fields,
            "imminent": True,
            "content": [
                {
                    "kind": "content_id",
                    "value": value,
                    "published_at": published.astimezone(timezone(timedelta(minutes=offset))),
                    "description": description,
                }
                for value, published, offset, description in content
            ],
        }
    )
    raised = raise_escalation(
        session,
        user=analyst,
        escalation=escalation,
        raised_via=RaisedVia.console,
        store=FileStore(get_settings().file_store),
        max_file_bytes=1024 * 1024,
        idempotency_key=key,
        now=at,
    )
    raised.case.assignee_id = analyst.id  # the analyst who raised it works it
    session.flush()
    for step in ("triaged", "under_review"):
        at += timedelta(minutes=2)
        cases.transition(
            session,
            user=analyst,
            request_id=raised.case.id,
            to=step,
            reason="Demo referral",
            now=at,
        )
    return raised.case.id, raised.referral


def _recipient(session: Session, referral: Referral, **fields: Any) -> None:
    session.add(ReferralRecipient(referral_id=referral.id, status=RecipientStatus.chosen, **fields))
    session.flush()


def _assess(
    session: Session, user: User, case_id: int, answers: dict[str, str], **extra: str
) -> None:
    referrals.save_assessment(
        session,
        user=user,
        request_id=case_id,
        form=referrals.AssessmentInput(answers=answers, notes={}, **extra),
    )


def _decide(session: Session, analyst: User, case_id: int, bases: list[str]) -> None:
    case = session.get(Request, case_id)
    check = latest_check(session, case_id)
    assert case is not None and check is not None
    items = [
        decisions.ItemDraft(
            target_id=target.id,
            category=category,
            outcome=Outcome.disclose if ruling == "permitted" else Outcome.withhold,
            reason="to find and reach the person at risk"
            if ruling == "permitted"
            else "not needed to locate the person",
        )
        for target in case.targets
        for category, ruling in check.categories.items()
    ]
    decisions.draft(
        session,
        user=analyst,
        request_id=case_id,
        rationale="An imminent threat to life found on the platform: the police need the "
        "account's subscriber details and recent locations to reach the person tonight.",
        emergency_attested=True,
        items=items,
        after_judging=AFTER_JUDGING,
        legal_bases=bases,
    )
    decisions.submit(session, user=analyst, request_id=case_id)


def seed_referral_decisions(session: Session, staff: dict[str, User], officer: User) -> None:
    """The three referrals, assessed and decided as far as each has got."""
    if session.execute(select(Request.id).where(Request.idempotency_key == AWAITING)).first():
        return
    analyst, lead = staff["analyst"], staff["lead"]
    now = datetime.now(UTC)
    _awaiting(session, analyst, now - timedelta(minutes=50))
    _approved(session, analyst, lead, officer, now - timedelta(hours=3))
    _in_the_eu(session, analyst, staff.get("analyst2", analyst), now - timedelta(hours=1))


def _awaiting(session: Session, analyst: User, at: datetime) -> None:
    case_id, referral = _open(
        session,
        analyst,
        AWAITING,
        at,
        accounts=[{"identifier_type": "username", "value": "depot.rage.88"}],
        harm_type=HarmType.violent_threat,
        reporting_team="Trust & Safety, violent speech",
        source_reference="MOD-55120",
        summary="The user posted that he will shoot his former manager at the Decatur depot "
        "tomorrow at 06:00, with a photo of a rifle on his bed.",
        location={"country": "US", "region": "IL", "city": "Decatur", "source": "last login IP"},
        age_years=34,
        content=[
            ("post:99120431", at - timedelta(hours=2), -360, "The threat, naming the manager"),
            ("media:55120-1.jpg", at - timedelta(hours=2), -360, "The rifle photo"),
        ],
    )
    _recipient(
        session,
        referral,
        kind=RecipientKind.police,
        name="Decatur Police Department",
        country="US",
        phone="+12174244711",
        email="records@decatur-pd.example",
        reasons=["The last login IP places the user in Decatur, IL"],
    )
    _assess(session, analyst, case_id, REFER, summary="He names the manager, the place, a time.")
    _decide(session, analyst, case_id, ["2702b8", "2702c4"])


def _approved(session: Session, analyst: User, lead: User, officer: User, at: datetime) -> None:
    requester = session.get(Requester, officer.requester_id) if officer.requester_id else None
    agency = session.get(Agency, requester.agency_id) if requester and requester.agency_id else None
    case_id, referral = _open(
        session,
        analyst,
        SENT,
        at,
        accounts=[{"identifier_type": "username", "value": "quiet.harbor.21"}],
        harm_type=HarmType.suicide_self_harm,
        reporting_team="Trust & Safety, self-harm",
        source_reference="MOD-55188",
        summary="A live post says goodbye to her family, shows a bottle of pills and says "
        "'by midnight it will be over'.",
        location={"country": "US", "region": "IL", "source": "location history"},
        age_years=22,
        content=[("post:99188002", at - timedelta(minutes=40), -360, "The goodbye post")],
    )
    _recipient(
        session,
        referral,
        kind=RecipientKind.police,
        name=agency.name if agency else "Springfield Police Department",
        agency_id=agency.id if agency else None,
        country="US",
        phone=(agency.verified_phone if agency else None) or "+12177885353",
        reasons=["The agency with jurisdiction over the last known location"],
    )
    _assess(
        session,
        analyst,
        case_id,
        {**REFER, "identifiable_victim": "yes"},
        summary="She says when and how; she has the pills at hand.",
    )
    _decide(session, analyst, case_id, ["2702b8", "2702c4"])
    decisions.approve(
        session, user=lead, request_id=case_id, note="Refer now.", guard=APPROVAL, now=at
    )


def _in_the_eu(session: Session, analyst: User, second: User, at: datetime) -> None:
    case_id, referral = _open(
        session,
        analyst,
        EU,
        at,
        accounts=[{"identifier_type": "username", "value": "nordlicht.k"}],
        harm_type=HarmType.terrorism,
        reporting_team="Trust & Safety, violent extremism",
        source_reference="MOD-55203",
        summary="A channel post calls for an attack on a named synagogue in Hamburg 'this "
        "Saturday' and asks who will join.",
        offence_country="DE",
        location={"country": "DE", "city": "Hamburg", "source": "last login IP"},
        content=[("post:99203317", at - timedelta(hours=5), 60, "The call to attack")],
    )
    _recipient(
        session,
        referral,
        kind=RecipientKind.eu_member_state,
        name="Bundeskriminalamt (BKA), Germany",
        country="DE",
        phone="+4961155-0",
        email="referrals@bka.example",
        reasons=["The offence is planned in Hamburg, Germany"],
    )
    _assess(session, analyst, case_id, {"specific_threat": "yes", "time_frame": "yes"})
    _assess(
        session,
        second,
        case_id,
        {"specific_threat": "yes", "time_frame": "yes"},
        chosen="refer_now",
        override_reason="A named place and day for an attack on a place of worship: the means "
        "are unknown, but the BKA must weigh that, not us.",
        summary="A call to attack a named synagogue this Saturday.",
    )


def send_demo_referrals(
    factory: sessionmaker[Session], settings: Settings, staff_email: str
) -> None:
    """Send the approved referral's package (once) and log the call that followed it."""
    with factory() as session:
        case_id = session.execute(
            select(Request.id).where(Request.idempotency_key == SENT)
        ).scalar_one_or_none()
        lead = session.execute(select(User).where(User.email == staff_email)).scalar_one()
        if case_id is None:
            return
        referral = session.execute(
            select(Referral).where(Referral.request_id == case_id)
        ).scalar_one()
        if not packages.pending_recipients(session, referral.id):
            return
    with open_adapter(settings) as adapter:
        packages.send_packages(
            factory, user=lead, request_id=case_id, settings=settings, adapter=adapter
        )
    with factory() as session:
        [recipient] = referrals.recipients_of(session, referral.id)
        referrals.log_call(
            session,
            user=lead,
            request_id=case_id,
            call=referrals.CallInput(
                recipient_id=recipient.id,
                called_at=datetime.now(UTC) - timedelta(minutes=5),
                number="",
                spoke_with="Sgt. Ann Cole, watch commander",
                their_reference="CAD-26-118204",
                summary="Told of the post; a unit is on its way for a welfare check. The "
                "package is in their portal.",
            ),
        )
        session.commit()
