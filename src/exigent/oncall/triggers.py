"""What opens a page: events handed down from lower domains, and new cases at intake.

Each trigger is a row (`paging_triggers`): enabled or not, and which policy it follows. An
event whose name no enabled row carries opens nothing, so a domain adds a trigger (a TERREG
order, an NCMEC report clock) by adding a row and publishing events of that name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from exigent.cases.models import Priority, Request
from exigent.notifications.events import Event
from exigent.oncall.assignment import assign_new_emergency
from exigent.oncall.models import Alert
from exigent.oncall.paging import open_page
from exigent.oncall.policies import trigger_named

NEW_P0 = "p0_new"
FRAUD_CRITICAL = "fraud_critical"


def dedup_key(name: str, request_id: int | None, detail: str = "") -> str:
    """Stable for one case and one reason, so repeats fold into the page already open."""
    return ":".join(part for part in (name, str(request_id or "-"), detail) if part)


def page_for(session: Session, event: Event) -> Alert | None:
    """Open (or find) the page an event calls for, if its trigger is enabled."""
    rule = trigger_named(session, event.name)
    if rule is None or not rule.enabled:
        return None
    detail = str(event.data.get("clock", "") or event.data.get("key", ""))
    return open_page(
        session,
        trigger=event.name,
        summary=event.summary or rule.label or event.name,
        request_id=event.request_id,
        severity=rule.severity,
        dedup_key=dedup_key(event.name, event.request_id, detail),
        now=event.at,
    )


def on_event(session: Session, event: Event) -> None:
    page_for(session, event)


def after_intake(
    session: Session, cases: Sequence[Request], risk_levels: Sequence[str | None], now: datetime
) -> None:
    """New cases: a P0 is assigned and paged at once; a critical fraud score is paged
    (None: a case with no fraud score, such as a referral)."""
    p0 = trigger_named(session, NEW_P0)
    for case, risk in zip(cases, risk_levels, strict=True):
        if case.priority is Priority.P0 and p0 is not None and p0.enabled:
            assign_new_emergency(session, case, now)
            page_for(
                session,
                Event(
                    NEW_P0,
                    now,
                    case.id,
                    f"New P0 emergency {case.reference} ({case.emergency_nature or case.kind})",
                ),
            )
        if risk == "critical":
            page_for(
                session,
                Event(FRAUD_CRITICAL, now, case.id, f"Critical fraud risk on {case.reference}"),
            )
