"""The demo's CyberTipline reports: one finished, one that cannot reach NCMEC.

Both are child-exploitation referrals written as the escalation intake writes them (a case of
kind `referral` taken in through intake, its `Referral` row and captured content). The
finished report's steps are recorded with the answers a CyberTipline gives (demo report and
file ids, no server involved). The second is filed through the real client and worker against
`UNREACHABLE_URL`, a loopback port where nothing listens, so its panel shows the retries and
then the failure in words; with `EXIGENT_NCMEC_API_URL` unset at serve time, its next try says
the CyberTipline is not configured.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor
from exigent.auth.models import User
from exigent.cases.models import Request, Target
from exigent.cases.schemas import IntakeRecord
from exigent.config import Settings
from exigent.deadlines import Deadline
from exigent.files import FileStore
from exigent.intake import intake
from exigent.legal.notify import timeline_entry
from exigent.legal.versions import current_policy
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

# Demo only: no CyberTipline listens on this loopback port (9 is the discard service's).
UNREACHABLE_URL = "http://127.0.0.1:9/ispws"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Media:
    name: str
    data: bytes
    media_type: str = "image/jpeg"
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
) -> tuple[Request, Referral]:
    """A referral case as the escalation intake writes it: the case, the referral, content."""
    record = IntakeRecord.model_validate(
        {
            "id": f"ESC-{now:%Y%m%d%H%M%S}-{next(_ids)}",
            "kind": "referral",
            "received_via": "internal",
            "received_at": now.isoformat(),
            "targets": [{"identifier_type": k, "value": v} for k, v in targets],
        }
    )
    case, _ = intake.intake(
        session,
        user=user,
        record=record,
        raw=record.model_dump_json(by_alias=True),
        policy=current_policy(session).policy,
        now=now,
    )
    referral = Referral(
        request_id=case.id,
        harm_type=harm_type,
        imminent=False,
        raised_via=RaisedVia.console,
        reporting_team="Child Safety Investigations",
        summary=summary,
        age_years=age_years,
        raised_by_id=user.id,
        created_at=now,
    )
    for item in media or []:
        sha, size, _ = store.put_stream(io.BytesIO(item.data), max_bytes=50 * 1024 * 1024)
        referral.content.append(
            ReferralContent(
                position=len(referral.content),
                kind=ContentKind.media,
                value=item.name,
                file_sha256=sha,
                media_type=item.media_type,
                size_bytes=size,
                published_at=now - timedelta(hours=3),
                published_offset_minutes=-300,
                description=item.description,
            )
        )
    for url in urls or []:
        referral.content.append(
            ReferralContent(
                position=len(referral.content),
                kind=ContentKind.url,
                value=url,
                published_at=now - timedelta(hours=4),
                published_offset_minutes=-300,
            )
        )
    session.add(referral)
    session.flush()
    return case, referral


def demo_image(label: str) -> bytes:
    """Stand-in bytes for a captured file: never real imagery, in the demo or the tests."""
    return b"EXIGENT-DEMO-PLACEHOLDER " + hashlib.sha256(label.encode()).hexdigest().encode()


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
            media=[Media("chat-capture-1.jpg", demo_image("a"), description="Chat capture")],
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
            media=[Media("dm-capture.png", demo_image("b"), "image/png")],
            age_years=14,
        )
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
