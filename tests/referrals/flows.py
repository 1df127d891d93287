"""Referral cases raised through the escalation intake, and the worker, for the CyberTipline
tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import run_due
from exigent.demo.cybertipline import Media, demo_image, write_referral
from exigent.files import FileStore
from exigent.platform_data.registry import open_adapter
from exigent.referrals.cybertipline.models import (
    CyberTiplineFiling,
    IncidentKind,
)
from exigent.referrals.cybertipline.service import Confirmation, file_report
from exigent.referrals.models import ContentKind, HarmType, Referral, ReferralContent
from exigent.workflow.jobs import deadline_handlers


def referral_case(
    factory: sessionmaker[Session],
    settings: Settings,
    user: User,
    *,
    harm_type: HarmType = HarmType.child_sexual_exploitation,
    files: int = 2,
) -> int:
    with factory() as session:
        case, _ = write_referral(
            session,
            user=session.get(User, user.id),  # type: ignore[arg-type]
            harm_type=harm_type,
            targets=[("username", "night.owl.77"), ("username", "gone.account")],
            summary="Sexual messages to a 12-year-old user.",
            now=utcnow() - timedelta(minutes=1),
            store=FileStore(settings.file_store),
            media=[Media(f"capture-{i}.png", demo_image(str(i))) for i in range(files)],
            urls=["https://platform.example/p/1"],
            age_years=12,
        )
        session.commit()
    # The worker proposes the recipients moments after, as it does for every escalation.
    run_due(factory, deadline_handlers(), now=utcnow(), settings=settings)
    return case.id


def media_ids(factory: sessionmaker[Session], case_id: int) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            session.execute(
                select(ReferralContent.id)
                .join(Referral, Referral.id == ReferralContent.referral_id)
                .where(Referral.request_id == case_id, ReferralContent.kind == ContentKind.media)
                .order_by(ReferralContent.position)
            ).scalars()
        )


def confirm(factory: sessionmaker[Session], case_id: int, **overrides: object) -> Confirmation:
    values: dict[str, object] = {
        "incident_type": IncidentKind.online_enticement,
        "incident_at": utcnow() - timedelta(hours=1),
        "escalate_reason": "A meeting is arranged for tonight.",
        "victim": {"age": 12, "first_name": "", "note": "Age from the account's birth date."},
        "content_ids": media_ids(factory, case_id),
    }
    values.update(overrides)
    return Confirmation(**values)  # type: ignore[arg-type]


def file(
    factory: sessionmaker[Session],
    settings: Settings,
    user: User,
    case_id: int,
    **overrides: object,
) -> int:
    with open_adapter(settings) as adapter:
        return file_report(
            factory,
            user=user,
            request_id=case_id,
            confirmation=confirm(factory, case_id, **overrides),
            settings=settings,
            adapter=adapter,
        )


def work(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    rounds: int = 12,
    limit: int = 100,
    start: datetime | None = None,
) -> None:
    """The worker, run at moments far enough apart for every backoff to have passed."""
    moment = start or utcnow()
    for _ in range(rounds):
        if run_due(factory, deadline_handlers(), now=moment, limit=limit, settings=settings) == 0:
            return
        moment += timedelta(minutes=10)


def filing(factory: sessionmaker[Session], filing_id: int) -> CyberTiplineFiling:
    with factory() as session:
        found = session.get(CyberTiplineFiling, filing_id)
        assert found is not None
        _ = found.steps
        session.expunge_all()
        return found
