"""A small registry of events, so a lower layer can cause work in a higher one.

The legal and verification domains (and the SLA handlers) publish what happened on a case; a
domain above them (briefs, paging) subscribes at start-up. The publisher never imports the
subscriber, and a subscriber runs in the publisher's transaction, so what it writes (a
deadline row, usually) stands or falls with the event itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Subscriber = Callable[..., None]

# Published with `request_id` and `now`.
# An emergency disclosure (no compulsory process) approved for a target known to be under 18.
CHILD_DISCLOSURE = "child_disclosure"
# The agency denied the request on callback: someone posed as police.
FRAUD_CONFIRMED = "fraud_confirmed"
# A P0 case's acknowledge or decide clock breached.
P0_BREACH = "p0_breach"

_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(kind: str, fn: Subscriber) -> None:
    """Call `fn(session, **data)` on each `publish(session, kind, **data)`; once per `fn`."""
    listeners = _subscribers.setdefault(kind, [])
    if fn not in listeners:
        listeners.append(fn)


def publish(session: Session, kind: str, **data: Any) -> None:
    for fn in list(_subscribers.get(kind, ())):
        fn(session, **data)
