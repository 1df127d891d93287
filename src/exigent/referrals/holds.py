"""Every referral sent is preserved: one hold per referral and kind of recipient, never two,
kept for the policy's `referrals.hold_days` of that kind from the day it was sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.service import merged
from exigent.cases import service as cases
from exigent.config import Settings
from exigent.db import begin_read_only, utcnow
from exigent.files import FileStore
from exigent.legal.versions import current_policy
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production import preservation
from exigent.production.hold_collect import collect_hold
from exigent.referrals.models import RecipientKind, Referral, ReferralHold, ReferralRecipient


def hold_of(session: Session, referral_id: int, kind: RecipientKind) -> ReferralHold | None:
    return session.execute(
        select(ReferralHold).where(
            ReferralHold.referral_id == referral_id, ReferralHold.recipient_kind == kind
        )
    ).scalar_one_or_none()


def holds_of(session: Session, referral_id: int) -> list[ReferralHold]:
    return list(
        session.execute(
            select(ReferralHold)
            .where(ReferralHold.referral_id == referral_id)
            .order_by(ReferralHold.id)
        ).scalars()
    )


def hold_for_recipient(
    factory: sessionmaker[Session],
    *,
    user: User,
    request_id: int,
    recipient_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    now: datetime | None = None,
) -> int:
    """The hold kept for the recipient's kind on this referral, placed if there is none yet;
    returns the hold's id. Collected outside any transaction, as every hold is."""
    now = now or utcnow()
    with factory() as session:
        begin_read_only(session)
        user = merged(session, user)
        request = cases.load_for(session, user, request_id)
        recipient = session.get(ReferralRecipient, recipient_id)
        assert recipient is not None
        kind = RecipientKind(recipient.kind)
        existing = hold_of(session, recipient.referral_id, kind)
        if existing is not None:
            return existing.hold_id
        plan = preservation.plan_for(request)
    collected = collect_hold(plan, adapter, FileStore(settings.file_store), now.date())
    with factory() as session:
        user = merged(session, user)
        request = cases.load_for(session, user, request_id)
        referral = session.execute(
            select(Referral).where(Referral.request_id == request.id)
        ).scalar_one()
        existing = hold_of(session, referral.id, kind)
        if existing is not None:  # placed by a send that ran meanwhile
            return existing.hold_id
        days = current_policy(session).policy.referrals.hold_days[str(kind)]
        hold = preservation.record_new_hold(
            session,
            user=user,
            request=request,
            plan=plan,
            collected=collected,
            settings=settings,
            expires_at=now + timedelta(days=days),
            now=now,
        )
        session.add(
            ReferralHold(
                referral_id=referral.id,
                recipient_kind=kind,
                hold_id=hold.id,
                days=days,
                created_at=now,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # Two sends to the same kind at once: the first hold stands, this one never was.
            session.rollback()
            found = hold_of(session, referral.id, kind)
            assert found is not None
            return found.hold_id
        return hold.id
