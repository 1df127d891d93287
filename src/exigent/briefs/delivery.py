"""How a critical brief reaches its lists: each staff member through their own contact methods
in order (the first that delivers wins), each extra address by email; one result per recipient.

PagerDuty methods are left out: a brief informs, it is not an incident anyone must acknowledge.
A member with no other enabled method gets the brief at their account's address, never silence.

Sending happens before anything is written, and a method's last result is noted only after
every far end has answered, so the database's write lock is not held while they answer. A hand
sent brief waits in its request: the whole send is bounded by `SEND_BUDGET` (each HTTP attempt
by the channels' own 5 s timeout), and a recipient not reached in time is recorded as not tried.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.briefs.models import DistributionList
from exigent.config import Settings
from exigent.oncall.channels import Channel, Delivery, Message
from exigent.oncall.models import ChannelKind, ContactMethod
from exigent.oncall.transports import EmailChannel, channel_for, note

# Seconds a send may take in all before the recipients left are given up on.
SEND_BUDGET = 30.0
NOT_TRIED = "not tried: sending the brief ran out of time"


@dataclass
class Recipient:
    """Who the brief shows as reached (`to`) and the ways to reach them, in order."""

    to: str
    methods: list[ContactMethod] = field(default_factory=list)


def recipients(session: Session, lists: list[DistributionList]) -> list[Recipient]:
    """The active members of `lists` with their usable methods, then the extra addresses."""
    member_ids = sorted({m for dl in lists for m in dl.member_ids})
    users = list(
        session.scalars(
            select(User).where(User.id.in_(member_ids), User.is_active.is_(True)).order_by(User.id)
        )
    )
    methods: dict[int, list[ContactMethod]] = {}
    for method in session.scalars(
        select(ContactMethod)
        .where(
            ContactMethod.user_id.in_(member_ids),
            ContactMethod.enabled.is_(True),
            ContactMethod.kind != ChannelKind.pagerduty,
        )
        .order_by(ContactMethod.position, ContactMethod.id)
    ):
        methods.setdefault(method.user_id, []).append(method)
    found = [Recipient(to=u.email.lower(), methods=methods.get(u.id, [])) for u in users]
    # An extra address a member is already reached at is not sent the brief twice.
    seen = {r.to for r in found} | {
        m.target.strip().lower() for r in found for m in r.methods if m.kind == ChannelKind.email
    }
    extras = [a.strip().lower() for dl in lists for a in dl.emails if a.strip()]
    found += [Recipient(to=a) for a in dict.fromkeys(extras) if a not in seen]
    return found


def _ways(
    recipient: Recipient, settings: Settings
) -> list[tuple[str, Channel, ContactMethod | None]]:
    if not recipient.methods:
        return [("email", EmailChannel(to=recipient.to, settings=settings), None)]
    return [(m.label or str(m.kind), channel_for(m, settings), m) for m in recipient.methods]


def _reach(
    recipient: Recipient,
    message: Message,
    settings: Settings,
    noted: list[tuple[ContactMethod, Delivery]],
) -> dict[str, object]:
    tried: list[str] = []
    for label, channel, method in _ways(recipient, settings):
        delivery = channel.send(message)
        if method is not None:
            noted.append((method, delivery))
        # What failed before the method that delivered stays in view: someone should fix it.
        tried.append(f"{label}: {delivery.detail}")
        if delivery.ok:
            return {"to": recipient.to, "ok": True, "detail": "; ".join(tried)}
    return {"to": recipient.to, "ok": False, "detail": "; ".join(tried)}


def deliver(
    session: Session,
    found: list[Recipient],
    message: Message,
    settings: Settings,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> list[dict[str, object]]:
    """Reach each of `found` in turn within the budget; then note each method's result."""
    started = clock()
    deliveries: list[dict[str, object]] = []
    noted: list[tuple[ContactMethod, Delivery]] = []
    for recipient in found:
        if clock() - started > SEND_BUDGET:
            deliveries.append({"to": recipient.to, "ok": False, "detail": NOT_TRIED})
            continue
        deliveries.append(_reach(recipient, message, settings, noted))
    for method, delivery in noted:
        note(method, delivery, now)
    session.flush()
    return deliveries
