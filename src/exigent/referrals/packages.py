"""Referral packages to the police and EU authorities: built and sealed by production, one per
chosen recipient, sent by the channel it takes, and held.

Each recipient goes through the same steps as a production (fix the scope and the facts,
build the files outside any transaction, record the package), then is sent: through the
portal when its agency has an officer account there, else by email with the sealed package
attached, to the address the recipient row holds from an independent source. A recipient
already sent is never sent again; a failed one is tried again on the next send.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for, merged
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Request, Requester
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import Conflict, ExigentError
from exigent.files import FileStore
from exigent.legal.models import Decision
from exigent.legal.notify import timeline_entry
from exigent.legal.versions import current_policy
from exigent.notifications.email import MailNotSent, compose, send
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production import service as production
from exigent.production.build import run_build
from exigent.production.custody import custody
from exigent.production.delivery import link_for_account, mail_link
from exigent.production.models import Production, ProductionStatus
from exigent.referrals import holds
from exigent.referrals.assessment import cite
from exigent.referrals.assessments import WORDS, latest_assessment, referral_of
from exigent.referrals.models import (
    RecipientKind,
    RecipientStatus,
    Referral,
    ReferralRecipient,
)
from exigent.referrals.service import schedule_follow_up

log = logging.getLogger(__name__)

# NCMEC takes a CyberTipline report, not a package (`exigent.referrals` cybertipline).
PACKAGE_KINDS = frozenset(
    {
        RecipientKind.police,
        RecipientKind.ntoc,
        RecipientKind.eu_member_state,
        RecipientKind.europol,
        RecipientKind.other,
    }
)
SENDABLE = frozenset({RecipientStatus.chosen, RecipientStatus.failed})


@dataclass(frozen=True)
class Sent:
    recipient_id: int
    name: str
    ok: bool
    said: str


def pending_recipients(session: Session, referral_id: int) -> list[ReferralRecipient]:
    """The chosen (or failed) recipients a package goes to."""
    return list(
        session.execute(
            select(ReferralRecipient)
            .where(
                ReferralRecipient.referral_id == referral_id,
                ReferralRecipient.kind.in_([str(k) for k in PACKAGE_KINDS]),
                ReferralRecipient.status.in_([str(s) for s in SENDABLE]),
            )
            .order_by(ReferralRecipient.rank, ReferralRecipient.id)
        ).scalars()
    )


def send_packages(
    factory: sessionmaker[Session],
    *,
    user: User,
    request_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    now: datetime | None = None,
) -> list[Sent]:
    """Build, seal and send a package to every chosen recipient of an approved referral."""
    with factory() as session:
        user = merged(session, user)
        request, referral = referral_of(session, user, request_id)
        require_or_refuse(
            user, Permission.production_deliver, action="referral.send", request_id=request.id
        )
        waiting = [r.id for r in pending_recipients(session, referral.id)]
        if not waiting:
            raise Conflict(
                f"case {request.reference} has no chosen police or EU recipient waiting for a "
                "package; choose one in the recipients panel"
            )
    return [
        _send_one(
            factory,
            user=user,
            request_id=request_id,
            recipient_id=rid,
            settings=settings,
            adapter=adapter,
            now=now,
        )
        for rid in waiting
    ]


def _send_one(
    factory: sessionmaker[Session],
    *,
    user: User,
    request_id: int,
    recipient_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    now: datetime | None,
) -> Sent:
    with factory() as session:
        user = merged(session, user)
        recipient = session.execute(
            select(ReferralRecipient).where(ReferralRecipient.id == recipient_id).with_for_update()
        ).scalar_one()
        if recipient.status not in SENDABLE or _in_flight(session, recipient):
            # A second press while the first is still building or has sent: never twice.
            return Sent(recipient_id, recipient.name, False, "already sent or being sent")
        made, prepared = production.prepare(
            session, user=user, request_id=request_id, settings=settings, adapter=adapter, now=now
        )
        prepared.facts.update(referral_facts(session, request_id, recipient, made))
        recipient.production_id = made.id
        name = recipient.name
        session.commit()
        production_id = made.id
    try:
        result = run_build(prepared, adapter, FileStore(settings.file_store))
    except Exception as exc:
        if not isinstance(exc, ExigentError):
            log.exception("referral package %s could not be built", production_id)
        reason = production.failure_reason(exc)
        with factory() as session:
            user = merged(session, user)
            production.record_failed(session, user=user, production_id=production_id, error=reason)
            _mark(
                session, user, request_id, recipient_id, None, f"package not built: {reason}", now
            )
            session.commit()
        return Sent(recipient_id, name, False, f"package not built: {reason}")
    with factory() as session:
        user = merged(session, user)
        production.record_built(session, user=user, production_id=production_id, result=result)
        session.commit()
        channel, error = _deliver(session, user, recipient_id, production_id, settings, now)
        _mark(session, user, request_id, recipient_id, channel, error, now)
        session.commit()
    if error is None:
        holds.hold_for_recipient(
            factory,
            user=user,
            request_id=request_id,
            recipient_id=recipient_id,
            settings=settings,
            adapter=adapter,
            now=now,
        )
        _follow_up(factory, request_id, now)
        return Sent(recipient_id, name, True, f"sent by {channel}")
    return Sent(recipient_id, name, False, error)


def _in_flight(session: Session, recipient: ReferralRecipient) -> bool:
    """Whether the recipient's package is being built by another send right now."""
    if recipient.production_id is None or recipient.status == RecipientStatus.failed:
        return False
    made = session.get(Production, recipient.production_id)
    return made is not None and made.status == ProductionStatus.building


def referral_facts(
    session: Session, request_id: int, recipient: ReferralRecipient, made: Production
) -> dict[str, Any]:
    """What the manifest and the cover letter say of the referral beyond a production's facts."""
    referral = session.execute(
        select(Referral).where(Referral.request_id == request_id)
    ).scalar_one()
    assessment = latest_assessment(session, referral.id)
    decision = session.get(Decision, made.decision_id)
    policy = current_policy(session).policy
    bases = list(decision.legal_bases) if decision else []
    return {
        "kind_label": "referral",
        "legal_basis": "; ".join(cite(policy, bases)) or "none recorded",
        "referral": {
            "harm_type": str(referral.harm_type),
            "imminent": referral.imminent,
            "recipient": {
                "name": recipient.name,
                "kind": str(recipient.kind),
                "country": recipient.country,
                "email": recipient.email,
                "phone": recipient.phone,
            },
            "reporting_team": referral.reporting_team,
            "summary": referral.summary,
            "location": dict(referral.location or {}),
            "age_years": referral.age_years,
            "age_note": referral.age_note,
            "content": [_content(c) for c in referral.content],
            "suspicion": assessment.reason if assessment else "",
            "recommendation": WORDS[assessment.recommendation] if assessment else "",
            "override_reason": assessment.override_reason if assessment else None,
            "analyst_summary": (assessment.notes or "") if assessment else "",
            "assessment_id": assessment.id if assessment else None,
            "legal_bases": [
                {"id": b, "citation": c.split(": ", 1)[0], "label": c.split(": ", 1)[-1]}
                for b, c in zip(bases, cite(policy, bases), strict=True)
            ],
        },
    }


def _content(item: Any) -> dict[str, Any]:
    """One piece of content, its publication time in UTC and in the author's own zone."""
    published = item.published_at
    local = None
    if published is not None:
        offset = item.published_offset_minutes or 0
        sign = "+" if offset >= 0 else "-"
        hours, minutes = divmod(abs(offset), 60)
        at = published + timedelta(minutes=offset)
        local = f"{at:%Y-%m-%d %H:%M} (UTC{sign}{hours:02d}:{minutes:02d})"
    return {
        "kind": str(item.kind),
        "value": item.value,
        "description": item.description,
        "sha256": item.file_sha256,
        "published_utc": f"{published:%Y-%m-%d %H:%M} UTC" if published else None,
        "published_local": local,
    }


def portal_officer(session: Session, agency_id: int | None) -> User | None:
    """An active officer account of the recipient's agency in the portal, if it has one."""
    if agency_id is None:
        return None
    return session.execute(
        select(User)
        .join(Requester, Requester.id == User.requester_id)
        .where(
            User.role == Role.requester,
            User.is_active.is_(True),
            Requester.agency_id == agency_id,
        )
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()


def _deliver(
    session: Session,
    user: User,
    recipient_id: int,
    production_id: int,
    settings: Settings,
    now: datetime | None,
) -> tuple[str | None, str | None]:
    """Send the sealed package; returns (channel, error or None)."""
    now = now or utcnow()
    recipient = session.get(ReferralRecipient, recipient_id)
    made = session.get(Production, production_id)
    assert recipient is not None and made is not None
    officer = portal_officer(session, recipient.agency_id)
    if officer is not None:
        link, token = link_for_account(
            session,
            production=made,
            recipient=officer,
            user=user,
            settings=settings,
            now=now,
            note={"referral": True},
        )
        session.commit()
        # Mailed once the link is committed; the portal lists it whether or not mail goes.
        _, mail_error = mail_link(session, settings, link, token)
        if mail_error:
            log.warning("referral link mail failed: %s", mail_error)
        return "portal", None
    if not recipient.email:
        return None, (
            f"{recipient.name} has no portal account and no independently sourced email "
            "address: add one, or tell them by phone and log the call"
        )
    return "email", _email_package(session, user, settings, recipient, made)


def package_zip(directory: Path) -> bytes:
    """The sealed package's files as one zip, as the recipient receives them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            archive.write(path, f"{directory.name}/{path.relative_to(directory)}")
    return buffer.getvalue()


def _email_package(
    session: Session,
    user: User,
    settings: Settings,
    recipient: ReferralRecipient,
    made: Production,
) -> str | None:
    request = session.get(Request, made.request_id)
    assert request is not None and made.package_path
    reference = production.production_reference(request, made.id)
    text = (
        f"{settings.platform_name}'s Emergency Response Team refers to you a risk it found on "
        f"its platform (our reference {reference}). The attached package holds the cover "
        "letter (why we suspect an offence, the content and when it was published, the legal "
        "basis), the information that identifies and locates the user, and a manifest.\n\n"
        f"The package's seal (SHA-256 of manifest.json, also printed on the cover letter): "
        f"{made.manifest_sha256}\n\nPlease reply to this address or call us quoting "
        f"{request.reference}.\n"
    )
    message = compose(
        settings,
        to=str(recipient.email),
        subject=f"Referral {reference} from {settings.platform_name}: imminent risk",
        text=text,
    )
    message.add_attachment(
        package_zip(Path(made.package_path)),
        maintype="application",
        subtype="zip",
        filename=f"{reference}.zip",
    )
    try:
        send(settings, message)
    except MailNotSent as exc:
        return exc.message
    custody(
        session,
        request_id=made.request_id,
        production_id=made.id,
        actor=actor_for(user),
        event="mailed",
        at=utcnow(),
        sha256=made.manifest_sha256,
        detail={"to": recipient.email, "referral": True},
    )
    return None


def _mark(
    session: Session,
    user: User,
    request_id: int,
    recipient_id: int,
    channel: str | None,
    error: str | None,
    now: datetime | None,
) -> None:
    """The recipient's status after a send, on the timeline and in the audit log."""
    now = now or utcnow()
    recipient = session.get(ReferralRecipient, recipient_id)
    assert recipient is not None
    recipient.channel = channel
    recipient.last_error = error
    if error is None:
        recipient.status = RecipientStatus.sent
        recipient.sent_at = now
        body = f"Referral package sent to {recipient.name} by {channel}."
    else:
        recipient.status = RecipientStatus.failed
        body = f"Referral package to {recipient.name} not sent: {error}"
    actor = actor_for(user)
    timeline_entry(
        session,
        request_id=request_id,
        actor=actor,
        kind="referral_sent" if error is None else "referral_failed",
        at=now,
        body=body,
        data={"recipient_id": recipient.id, "production_id": recipient.production_id},
    )
    record_event(
        session,
        actor=actor,
        action="referral.send",
        object_type="referral_recipient",
        object_id=recipient.id,
        after={"status": str(recipient.status), "channel": channel, "error": error},
        detail={"request_id": request_id, "production_id": recipient.production_id},
        at=now,
    )
    request = session.get(Request, request_id)
    if error is None and request is not None and can_move(request.status, Status.delivered):
        cases.transition(
            session,
            user=user,
            request_id=request_id,
            to=Status.delivered,
            reason=f"Referral package sent to {recipient.name} by {channel}.",
            now=now,
        )


def _follow_up(factory: sessionmaker[Session], request_id: int, now: datetime | None) -> None:
    """Start the outcomes' clock: the team asks the recipient what became of the referral."""
    with factory() as session:
        referral = session.execute(
            select(Referral).where(Referral.request_id == request_id)
        ).scalar_one()
        schedule_follow_up(session, referral, now or utcnow())
        session.commit()
