"""The demo's CyberTipline reports: one finished, one that cannot reach NCMEC.

Both are child-exploitation referrals raised through the escalation intake from the console
form (not imminent: P1 by the policy), acknowledged and in the analyst's hands, their clocks
already past settled as the rest of the demo's are. The
finished report's steps are recorded with the answers a CyberTipline gives (demo report and
file ids, no server involved). The second is filed through the real client and worker against
`UNREACHABLE_URL`, a loopback port where nothing listens, so its panel shows the retries and
then the failure in words; with `EXIGENT_NCMEC_API_URL` unset at serve time, its next try says
the CyberTipline is not configured.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor
from exigent.auth.models import User
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request, Target
from exigent.config import Settings
from exigent.deadlines import Deadline
from exigent.demo.clocks import settle_past_clocks
from exigent.demo.media import png
from exigent.files import FileStore
from exigent.intake.escalations import raise_escalation
from exigent.legal.notify import timeline_entry
from exigent.platform_data.registry import open_adapter
from exigent.referrals.cybertipline.client import Answer
from exigent.referrals.cybertipline.codes import Verdict
from exigent.referrals.cybertipline.models import CyberTiplineFiling, IncidentKind
from exigent.referrals.cybertipline.service import Confirmation, file_report
from exigent.referrals.cybertipline.steps import STEP, fire_step, next_step, record_answer
from exigent.referrals.models import (
    ContentKind,
    HarmType,
    RaisedVia,
    Referral,
    ReferralContent,
)
from exigent.referrals.schemas import EscalationIn

# Demo only: no CyberTipline listens on this loopback port (9 is the discard service's).
UNREACHABLE_URL = "http://127.0.0.1:9/ispws"
# Where the demo's reported users post from, so the reports state local times of publication.
EASTERN = timezone(timedelta(hours=-5))


@dataclass(frozen=True)
class Media:
    name: str
    data: bytes
    media_type: str = "image/png"
    description: str | None = None


def write_referral(
    session: Session,
    *,
    user: User,
    harm_type: HarmType,
    targets: list[tuple[str, str]],
    summary: str,
    now: datetime,
    store: FileStore,
    media: list[Media] | None = None,
    urls: list[str] | None = None,
    age_years: int | None = None,
    imminent: bool = False,
) -> tuple[Request, Referral]:
    """A referral raised through the escalation intake, from the console form: its clocks and
    priority from the policy, its recipients proposed by the worker."""
    content: list[dict[str, Any]] = [
        {
            "kind": "media",
            "value": item.name,
            "media_type": item.media_type,
            "data_base64": base64.b64encode(item.data).decode(),
            "published_at": (now - timedelta(hours=3)).astimezone(EASTERN).isoformat(),
            "description": item.description,
        }
        for item in media or []
    ] + [
        {
            "kind": "url",
            "value": url,
            "published_at": (now - timedelta(hours=4)).astimezone(EASTERN).isoformat(),
        }
        for url in urls or []
    ]
    escalation = EscalationIn.model_validate(
        {
            "harm_type": harm_type,
            "imminent": imminent,
            "reporting_team": "Child Safety Investigations",
            "content": content,
            "accounts": [{"identifier_type": k, "value": v} for k, v in targets],
            "summary": summary,
            "age_years": age_years,
        }
    )
    raised = raise_escalation(
        session,
        user=user,
        escalation=escalation,
        raised_via=RaisedVia.console,
        store=store,
        max_file_bytes=50 * 1024 * 1024,
        now=now,
    )
    return raised.case, raised.referral


def demo_image(label: str) -> bytes:
    """Stand-in for a captured file: an abstract picture, never real imagery, in the demo or
    the tests (a real PNG, so intake's check of the bytes against the media type passes)."""
    hue = int.from_bytes(hashlib.sha256(label.encode()).digest()[:2], "big") / 10_000
    return png(48, 32, hue)


def seed_cybertipline(
    factory: sessionmaker[Session], settings: Settings, analyst_email: str, now: datetime
) -> None:
    """Two child-exploitation referrals, one report finished and one failing to connect."""
    store = FileStore(settings.file_store)
    with factory() as session:
        if session.execute(select(CyberTiplineFiling.id).limit(1)).first() is not None:
            return  # seeded before
        analyst = _user(session, analyst_email)
        # Accounts the demo platform store holds, so the reports carry their facts.
        known = [
            *session.execute(
                select(Target.value)
                .where(Target.identifier_type == "username")
                .distinct()
                .order_by(Target.value)
                .limit(2)
            ).scalars(),
            "night.owl.77",
            "little.fox9",
        ]
        first, _ = write_referral(
            session,
            user=analyst,
            harm_type=HarmType.child_sexual_exploitation,
            targets=[("username", known[0])],
            summary="An adult account sent a 12-year-old user sexual messages and asked to meet.",
            now=now - timedelta(hours=5),
            store=store,
            media=[Media("chat-capture-1.png", demo_image("a"), description="Chat capture")],
            urls=["https://platform.example/p/8812345"],
            age_years=12,
        )
        second, _ = write_referral(
            session,
            user=analyst,
            harm_type=HarmType.child_sexual_exploitation,
            targets=[("username", known[1])],
            summary="A user was offered money for images by an account since suspended.",
            now=now - timedelta(hours=1),
            store=store,
            media=[Media("dm-capture.png", demo_image("b"))],
            age_years=14,
        )
        for case in (first, second):
            # Worked since it came in: acknowledged within its clock, in the analyst's hands.
            case.status = Status.under_review
            case.acknowledged_at = case.received_at + timedelta(minutes=6)
            case.assignee_id = analyst.id
        # Reporting it was the decision: the first's decide clock stopped when it was filed.
        first.decided_at = now - timedelta(hours=4, minutes=5)
        # Raised before the demo began: what their clocks passed since is history, not a page.
        settle_past_clocks(session, now, request_ids=[first.id, second.id])
        session.commit()
        analyst_id, ids = analyst.id, (first.id, second.id)
    with factory() as session:
        filer = session.get(User, analyst_id)
        assert filer is not None
        session.expunge(filer)
    _finished(factory, settings, filer, ids[0], now - timedelta(hours=4))
    _unreachable(factory, settings, filer, ids[1], now - timedelta(minutes=20))


def _user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def _file(
    factory: sessionmaker[Session],
    settings: Settings,
    analyst: User,
    case_id: int,
    at: datetime,
    escalate: str | None,
) -> int:
    with factory() as session:
        content = [
            c.id
            for c in session.query(ReferralContent)
            .join(Referral, Referral.id == ReferralContent.referral_id)
            .filter(Referral.request_id == case_id, ReferralContent.kind == ContentKind.media)
        ]
    with open_adapter(settings) as adapter:
        return file_report(
            factory,
            user=analyst,
            request_id=case_id,
            confirmation=Confirmation(
                incident_type=IncidentKind.online_enticement,
                incident_at=at - timedelta(hours=2),
                escalate_reason=escalate,
                victim={"age": 12, "note": "Age from the account's birth date."},
                content_ids=tuple(content),
            ),
            settings=settings,
            adapter=adapter,
            now=at,
        )


def _finished(
    factory: sessionmaker[Session], settings: Settings, analyst: User, case_id: int, at: datetime
) -> None:
    filing_id = _file(factory, settings, analyst, case_id, at, "An in-person meeting is planned.")
    with factory() as session:
        filing = session.get(CyberTiplineFiling, filing_id)
        assert filing is not None
        moment = at
        while (step := next_step(filing)) is not None:
            moment += timedelta(seconds=2)
            answer = Answer(
                Verdict.ok,
                "accepted",
                code=0,
                report_id=70_100_000 + filing.id,
                file_id=f"demo-file-{step.id}",
            )
            record_answer(session, filing, step, answer, moment)
        session.commit()


def _unreachable(
    factory: sessionmaker[Session], settings: Settings, analyst: User, case_id: int, at: datetime
) -> None:
    """Three tries against a port where nothing listens, each as the worker makes it."""
    _file(factory, settings, analyst, case_id, at, None)
    unreachable = settings.model_copy(update={"ncmec_api_url": UNREACHABLE_URL})
    with factory() as session:
        timeline_entry(
            session,
            request_id=case_id,
            actor=Actor.system("demo"),
            kind="note",
            at=at,
            body=f"Demo: this report is sent to {UNREACHABLE_URL}, a loopback port where no "
            "CyberTipline listens, to show how a filing that cannot reach NCMEC is retried "
            "and then stopped.",
        )
        session.commit()
    for _ in range(3):
        with factory() as session:
            session.info["settings"] = unreachable
            deadline = session.execute(
                select(Deadline)
                .where(
                    Deadline.kind == STEP,
                    Deadline.request_id == case_id,
                    Deadline.fired_at.is_(None),
                )
                .order_by(Deadline.due_at)
                .limit(1)
            ).scalar_one_or_none()
            if deadline is None:
                return
            deadline.outcome = fire_step(session, dict(deadline.data), deadline.due_at)
            deadline.fired_at = deadline.due_at
            session.commit()
