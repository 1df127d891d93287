"""The preservation an NCMEC report brings: a year's hold of the reported accounts' data.

18 U.S.C. 2258A(h), as amended in 2024, treats a CyberTipline report as a request to preserve
its contents for one year. The hold is an ordinary preservation hold (snapshots in the file
store, custody events, a reminder and a release by the worker), placed when the report is
first filed and kept for the policy's `referrals.hold_days["ncmec"]` days; a case that
already has a hold keeps that one, lengthened to the year if it would end sooner.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.cases.models import Request
from exigent.cases.schemas import DataCategory
from exigent.config import Settings
from exigent.deadlines import schedule
from exigent.legal.notify import timeline_entry
from exigent.legal.versions import current_policy
from exigent.production.custody import custody
from exigent.production.hold_collect import Collected, HoldPlan, PlannedTarget
from exigent.production.models import HoldStatus, PreservationHold, PreservationSnapshot
from exigent.production.preservation import RELEASE, REMINDER, active_hold

HOLD_LABEL = "NCMEC report (18 U.S.C. 2258A(h))"


def hold_plan(case: Request, now: datetime) -> HoldPlan:
    """Every category of every target account, as of the moment of the report."""
    return HoldPlan(
        request_id=case.id,
        received_at=now,
        categories=tuple(str(c) for c in DataCategory),
        targets=tuple(PlannedTarget(t.id, t.identifier_type, t.value) for t in case.targets),
    )


def hold_days(session: Session) -> int:
    return current_policy(session).policy.referrals.hold_days.get("ncmec", 365)


def keep_for_report(
    session: Session,
    *,
    user: User,
    case: Request,
    plan: HoldPlan,
    collected: Collected | None,
    settings: Settings,
    now: datetime,
) -> PreservationHold:
    """The case's hold, kept at least `hold_days` from now; a new one from `collected`."""
    until = now + timedelta(days=hold_days(session))
    existing = active_hold(session, case.id)
    if existing is not None:
        if existing.expires_at < until:
            existing.expires_at = until
            # The earlier reminder and release name the old expiry and are skipped when due.
            _schedule(session, existing, settings)
        _note(session, user, case, existing, now, "kept until", 0)
        return existing
    hold = PreservationHold(
        request_id=case.id,
        status=HoldStatus.active,
        categories=list(plan.categories),
        as_of=now,
        expires_at=until,
        extensions=0,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(hold)
    session.flush()
    taken = collected.taken if collected else []
    for item in taken:
        session.add(
            PreservationSnapshot(
                hold_id=hold.id,
                target_id=item.target_id,
                target_label=item.target_label,
                account_id=item.account_id,
                dataset=item.dataset,
                category=item.category,
                sha256=item.sha256,
                size_bytes=item.size_bytes,
                records=item.records,
                cutoff=plan.cutoff,
                taken_at=now,
            )
        )
        custody(
            session,
            request_id=case.id,
            hold_id=hold.id,
            actor=actor_for(user),
            event="preserved",
            at=now,
            sha256=item.sha256,
            detail={"target": item.target_label, "dataset": item.dataset, "reason": HOLD_LABEL},
        )
    _schedule(session, hold, settings)
    _note(session, user, case, hold, now, "placed until", collected.records if collected else 0)
    return hold


def _schedule(session: Session, hold: PreservationHold, settings: Settings) -> None:
    data = {"hold_id": hold.id, "expires_at": hold.expires_at.isoformat()}
    reminder_at = hold.expires_at - timedelta(days=settings.preservation_reminder_days)
    schedule(session, kind=REMINDER, due_at=reminder_at, request_id=hold.request_id, data=data)
    schedule(session, kind=RELEASE, due_at=hold.expires_at, request_id=hold.request_id, data=data)


def _note(
    session: Session,
    user: User,
    case: Request,
    hold: PreservationHold,
    now: datetime,
    verb: str,
    records: int,
) -> None:
    timeline_entry(
        session,
        request_id=case.id,
        actor=actor_for(user),
        kind="preservation_hold",
        at=now,
        body=f"Preservation hold {hold.id}, {HOLD_LABEL}: {verb} {hold.expires_at:%Y-%m-%d}"
        + (f" ({records} records kept as of {now:%Y-%m-%d %H:%M} UTC)." if records else "."),
        data={"hold_id": hold.id, "reason": HOLD_LABEL},
    )
