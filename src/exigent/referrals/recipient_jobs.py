"""Proposing a new referral's recipients in the worker, moments after the case is opened.

The proposal asks the platform for the user's location history, which may be slow or down; an
escalation is acknowledged without waiting for it, and the analyst finds the proposals on the
case when they open it (or proposes again from the panel).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.cases.models import Request
from exigent.config import Settings, get_settings
from exigent.deadlines import Deadline, Handler, schedule
from exigent.platform_data.adapter import AdapterUnavailable
from exigent.platform_data.registry import get_adapter
from exigent.referrals.models import Referral
from exigent.referrals.recipients import propose_recipients, recipients_of

PROPOSE = "referral_propose"
RESOLVER = Actor.system("recipient resolver")


def schedule_proposal(session: Session, referral: Referral, now: datetime) -> None:
    """Propose this referral's recipients as soon as the caller's transaction commits."""
    schedule(
        session,
        kind=PROPOSE,
        due_at=now,
        request_id=referral.request_id,
        data={"referral_id": referral.id},
        wake=True,
    )


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def propose(session: Session, deadline: Deadline, now: datetime) -> str:
    referral = session.get(Referral, int(deadline.data["referral_id"]))
    if referral is None:
        return "met"
    # The case's row first, as every writer that also appends to the audit chain takes it:
    # a CyberTipline step on the same case takes the two in that order, and the reverse
    # order deadlocks with it on PostgreSQL.
    session.get(Request, referral.request_id, with_for_update=True, populate_existing=True)
    if recipients_of(session, referral.id):
        return "met"  # someone proposed or chose from the panel first
    try:
        adapter = get_adapter(_settings(session))
    except AdapterUnavailable as exc:
        note = f"Platform location history unavailable: {exc.message}"
        propose_recipients(session, referral, None, now, actor=RESOLVER, notes=[note])
        return "fired"
    try:
        propose_recipients(session, referral, adapter, now, actor=RESOLVER)
    finally:
        adapter.close()
    return "fired"


def handlers() -> dict[str, Handler]:
    return {PROPOSE: propose}
