"""Telling PagerDuty that a page was answered in Exigent, so its incident follows.

Whoever was reached through a PagerDuty method holds an incident there under the page's
`dedup_key`; an acknowledgement or resolution in Exigent (link, console, API) sends the same
`event_action` with that key. The send is a deadline row woken at once, so the person
acknowledging never waits on PagerDuty, and a failure that may pass is retried by a row of its
own with the channels' backoff. An answer that came from PagerDuty's webhook is not echoed back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.config import Settings, get_settings
from exigent.deadlines import schedule
from exigent.oncall.channels import Action, Message
from exigent.oncall.delivery import deliver
from exigent.oncall.models import Alert, ChannelKind, ContactMethod, DeliveryAttempt
from exigent.oncall.paging import FALLBACK_STEP, timeline
from exigent.oncall.transports import MAX_ATTEMPTS_PER_METHOD, backoff

FOLLOW = "oncall_pagerduty_follow"
# The step an attempt is recorded under, so the trail tells a follow-up from a page.
FOLLOW_STEPS = {Action.acknowledge: -2, Action.resolve: -3}
ANSWERS = {"acknowledge": Action.acknowledge, "resolve": Action.resolve}


def follow(session: Session, alert: Alert, action: Action, *, via: str, now: datetime) -> None:
    """Schedule the follow-up of an answer given in Exigent; nothing if PagerDuty gave it."""
    if via == "pagerduty":
        return  # PagerDuty already knows: echoing it back would answer it to itself
    for method_id in _reached_by_pagerduty(session, alert.id):
        schedule(
            session,
            kind=FOLLOW,
            due_at=now,
            request_id=alert.request_id,
            data={
                "alert_id": alert.id,
                "method_id": method_id,
                "action": str(action),
                "attempt": 1,
            },
            wake=True,
        )


def _reached_by_pagerduty(session: Session, alert_id: int) -> list[int]:
    """The PagerDuty methods a trigger got through to (an incident exists only there)."""
    return sorted(
        set(
            session.scalars(
                select(DeliveryAttempt.contact_method_id).where(
                    DeliveryAttempt.alert_id == alert_id,
                    DeliveryAttempt.channel == str(ChannelKind.pagerduty),
                    DeliveryAttempt.delivered.is_(True),
                    DeliveryAttempt.step >= FALLBACK_STEP,
                    DeliveryAttempt.contact_method_id.is_not(None),
                )
            )
        )
    )


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def fire_follow(session: Session, data: dict[str, object], now: datetime) -> str:
    """One attempt to send PagerDuty an acknowledge or resolve; a retry later if it may pass."""
    alert = session.get(Alert, int(str(data["alert_id"])))
    method = session.get(ContactMethod, int(str(data["method_id"])))
    action = ANSWERS.get(str(data["action"]))
    if alert is None or method is None or action is None:
        return "cancelled"  # the method was removed since: nobody left to tell
    attempt = int(str(data["attempt"]))
    message = Message(subject="", text="", dedup_key=alert.dedup_key, action=action)
    delivery = deliver(session, method, message, _settings(session), now)
    session.add(
        DeliveryAttempt(
            alert_id=alert.id,
            user_id=method.user_id,
            contact_method_id=method.id,
            channel=str(method.kind),
            step=FOLLOW_STEPS[action],
            attempt=attempt,
            at=now,
            delivered=delivery.ok,
            detail=f"{action}: {delivery.detail}"[:2000],
        )
    )
    label = method.label or str(method.kind)
    if delivery.ok:
        timeline(session, alert, now, "page_followed", f"PagerDuty ({label}) told: {action}.")
        return "fired"
    if delivery.retry and attempt < MAX_ATTEMPTS_PER_METHOD:
        schedule(
            session,
            kind=FOLLOW,
            due_at=now + backoff(attempt),
            request_id=alert.request_id,
            data={**data, "attempt": attempt + 1},
        )
        return "fired"
    timeline(
        session,
        alert,
        now,
        "page_follow_failed",
        f"PagerDuty ({label}) could not be told: {action} ({delivery.detail}).",
    )
    return "fired"
