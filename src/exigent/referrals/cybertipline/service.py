"""Filing a CyberTipline report from a referral, and retracting it before it is finished.

Filing needs no second person's approval: reporting apparent child sexual exploitation is a
duty (18 U.S.C. 2258A), not a disclosure the team decides on; who filed is recorded. The
platform is read before any write (the reported accounts' facts and the year's preservation),
then the filing, its steps, the hold and the worker's first deadline commit together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for, merged
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.db import begin_read_only, utcnow
from exigent.errors import Conflict, ExigentError
from exigent.files import FileStore
from exigent.legal.notify import timeline_entry
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production.hold_collect import Collected, HoldPlan, collect_hold
from exigent.production.preservation import active_hold
from exigent.referrals.cybertipline.build import account_facts
from exigent.referrals.cybertipline.client import CyberTiplineClient, NotConfigured
from exigent.referrals.cybertipline.codes import Verdict
from exigent.referrals.cybertipline.hold import hold_plan, keep_for_report
from exigent.referrals.cybertipline.models import (
    CyberTiplineFiling,
    CyberTiplineStep,
    FilingStatus,
    IncidentKind,
    StepKind,
)
from exigent.referrals.cybertipline.steps import schedule_step
from exigent.referrals.models import ContentKind, HarmType, Referral


@dataclass(frozen=True)
class Confirmation:
    """What the analyst confirms before the report goes."""

    incident_type: IncidentKind
    incident_at: datetime
    escalate_reason: str | None = None
    victim: dict[str, Any] = field(default_factory=dict)
    content_ids: tuple[int, ...] = ()


def referral_of(session: Session, request_id: int) -> Referral | None:
    return session.execute(
        select(Referral).where(Referral.request_id == request_id)
    ).scalar_one_or_none()


def filings_of(session: Session, request_id: int) -> list[CyberTiplineFiling]:
    """The case's filings, newest first."""
    return list(
        session.execute(
            select(CyberTiplineFiling)
            .where(CyberTiplineFiling.request_id == request_id)
            .order_by(CyberTiplineFiling.id.desc())
        ).scalars()
    )


def _live(session: Session, request_id: int) -> CyberTiplineFiling | None:
    """The filing under way or finished; a failed or retracted one may be filed again."""
    for filing in filings_of(session, request_id):
        if filing.status in (FilingStatus.in_progress, FilingStatus.finished):
            return filing
    return None


def _checked(
    session: Session, user: User, request_id: int, *, write: bool = True
) -> tuple[Request, Referral]:
    case = cases.load_for(session, user, request_id, for_update=write)
    require_or_refuse(user, Permission.ncmec_report, action="cybertipline.file", request_id=case.id)
    referral = referral_of(session, case.id)
    if referral is None or referral.harm_type is not HarmType.child_sexual_exploitation:
        raise Conflict(
            f"case {case.reference} is not a referral of child sexual exploitation: no "
            "CyberTipline report is due"
        )
    live = _live(session, case.id)
    if live is not None:
        state = "was finished" if live.status is FilingStatus.finished else "is under way"
        raise Conflict(f"a CyberTipline report of case {case.reference} {state} (filing {live.id})")
    return case, referral


def _media_ids(referral: Referral, confirmation: Confirmation) -> list[int]:
    media = {c.id for c in referral.content if c.kind is ContentKind.media}
    unknown = [i for i in confirmation.content_ids if i not in media]
    if unknown:
        raise ExigentError(
            f"files: {unknown[0]} is not a captured file of this referral", status_code=422
        )
    return [c.id for c in referral.content if c.id in confirmation.content_ids]


def file_report(
    factory: sessionmaker[Session],
    *,
    user: User,
    request_id: int,
    confirmation: Confirmation,
    settings: Settings,
    adapter: PlatformAdapter,
    now: datetime | None = None,
) -> int:
    """Record the filing and its steps, preserve the accounts, start the worker; its id."""
    now = now or utcnow()
    with factory() as session:
        begin_read_only(session)
        case, referral = _checked(session, merged(session, user), request_id, write=False)
        _media_ids(referral, confirmation)
        plan = hold_plan(case, now)
        targets = [(str(t.identifier_type), t.value) for t in case.targets]
    reported = [account_facts(adapter, kind, value) for kind, value in targets]
    collected = _collect(factory, plan, adapter, settings, now)
    with factory() as session:
        filer = merged(session, user)
        case, referral = _checked(session, filer, request_id)
        if hold_plan(case, now) != plan:
            raise Conflict(
                f"case {case.reference} changed while it was being preserved; file again"
            )
        filing = CyberTiplineFiling(
            referral_id=referral.id,
            request_id=case.id,
            incident_type=confirmation.incident_type,
            incident_at=confirmation.incident_at,
            escalate_reason=confirmation.escalate_reason,
            victim=confirmation.victim,
            content_ids=_media_ids(referral, confirmation),
            reported=reported,
            filed_by_id=filer.id,
            filed_at=now,
        )
        filing.steps = _steps(filing.content_ids)
        session.add(filing)
        hold = keep_for_report(
            session,
            user=filer,
            case=case,
            plan=plan,
            collected=collected,
            settings=settings,
            now=now,
        )
        filing.hold_id = hold.id
        session.flush()
        _filed(session, filer, case, filing, now)
        schedule_step(session, filing, now)
        session.commit()
        return filing.id


def _collect(
    factory: sessionmaker[Session],
    plan: HoldPlan,
    adapter: PlatformAdapter,
    settings: Settings,
    now: datetime,
) -> Collected | None:
    """The accounts' data into the file store, unless the case already has a hold to keep."""
    with factory() as session:
        begin_read_only(session)
        if active_hold(session, plan.request_id) is not None:
            return None
    return collect_hold(plan, adapter, FileStore(settings.file_store), now.date())


def _steps(content_ids: list[int]) -> list[CyberTiplineStep]:
    steps = [CyberTiplineStep(position=0, kind=StepKind.open)]
    for content_id in content_ids:
        steps.append(
            CyberTiplineStep(position=len(steps), kind=StepKind.upload, content_id=content_id)
        )
        steps.append(
            CyberTiplineStep(position=len(steps), kind=StepKind.file_info, content_id=content_id)
        )
    steps.append(CyberTiplineStep(position=len(steps), kind=StepKind.finish))
    return steps


def _filed(
    session: Session, user: User, case: Request, filing: CyberTiplineFiling, now: datetime
) -> None:
    files = len(filing.content_ids)
    timeline_entry(
        session,
        request_id=case.id,
        actor=actor_for(user),
        kind="cybertipline_filed",
        at=now,
        body=f"CyberTipline report filed by {user.name}: {filing.incident_type}, "
        f"{files} file{'s' if files != 1 else ''} to upload"
        + (", escalated to high priority" if filing.escalate_reason else "")
        + ". It is sent to NCMEC now.",
        data={"filing_id": filing.id},
    )
    record_event(
        session,
        actor=actor_for(user),
        action="cybertipline.file",
        object_type="cybertipline_filing",
        object_id=filing.id,
        after={
            "incident_type": str(filing.incident_type),
            "incident_at": filing.incident_at.isoformat(),
            "escalate": bool(filing.escalate_reason),
            "content_ids": filing.content_ids,
        },
        detail={"request_id": case.id},
        at=now,
    )


def retract(
    session: Session,
    *,
    user: User,
    request_id: int,
    settings: Settings,
    now: datetime | None = None,
) -> str:
    """Withdraw the filing under way; refused once NCMEC holds the report as finished."""
    now = now or utcnow()
    case = cases.load_for(session, user, request_id, for_update=True)
    require_or_refuse(
        user, Permission.ncmec_report, action="cybertipline.retract", request_id=case.id
    )
    filing = _locked_live(session, case)
    if filing.status is FilingStatus.finished:
        raise Conflict(
            f"CyberTipline report {filing.ncmec_report_id} was finished: NCMEC holds it as filed "
            "and it can no longer be retracted"
        )
    said = _tell_ncmec(filing, settings)
    if said is None:
        raise Conflict(
            f"NCMEC already held report {filing.ncmec_report_id} as finished: it can no longer "
            "be retracted (the report is filed)"
        )
    filing.status, filing.retracted_by_id, filing.retracted_at = (
        FilingStatus.retracted,
        user.id,
        now,
    )
    timeline_entry(
        session,
        request_id=case.id,
        actor=actor_for(user),
        kind="cybertipline_retracted",
        at=now,
        body=f"CyberTipline report retracted by {user.name} before it was finished. {said}",
        data={"filing_id": filing.id, "ncmec_report_id": filing.ncmec_report_id},
    )
    record_event(
        session,
        actor=actor_for(user),
        action="cybertipline.retract",
        object_type="cybertipline_filing",
        object_id=filing.id,
        after={"status": str(filing.status)},
        detail={"request_id": case.id},
        at=now,
    )
    return f"Retracted. {said}"


def _locked_live(session: Session, case: Request) -> CyberTiplineFiling:
    live = _live(session, case.id)
    if live is None:
        raise Conflict(f"case {case.reference} has no CyberTipline report under way")
    # The worker holds this row while a step is in flight: the retraction waits for it.
    session.refresh(live, with_for_update=True)
    return live


def _tell_ncmec(filing: CyberTiplineFiling, settings: Settings) -> str | None:
    """What NCMEC was told, in words; None if NCMEC says the report was already finished."""
    if filing.ncmec_report_id is None:
        return "No report had been opened at NCMEC yet."
    try:
        with CyberTiplineClient(settings) as client:
            answer = client.retract(filing.ncmec_report_id)
    except NotConfigured as exc:
        return f"NCMEC could not be told ({exc.message}); its open report is never finished."
    if answer.ok:
        return f"NCMEC retracted report {filing.ncmec_report_id}."
    if answer.verdict is Verdict.already_finished:
        return None
    # An open report that is never finished is never filed: stopping here is enough.
    return (
        f"NCMEC could not be told ({answer.detail}); its open report {filing.ncmec_report_id} "
        "is never finished and lapses."
    )
