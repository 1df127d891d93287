"""Events that a lower layer announces and a higher one acts on, without importing it.

Legal's SLA clocks, verification's fraud signals and delivery failures happen in domains that
sit below on call; they `publish` an event here, and whoever the application registered at
start-up (`subscribe`, called by the workflow's wiring) acts on it in the same transaction.
An event nobody listens to is dropped: announcing never fails the work that announces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Event:
    """Something that happened: its `name` (`sla_warning`, `fraud_critical`, ...), the case
    it concerns, when, and what a listener needs to say about it."""

    name: str
    at: datetime
    request_id: int | None = None
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Session, Event], None]
# Subscribed under this name, a subscriber hears every event (on call's triggers are rows).
EVERY = "*"
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Call `subscriber` for every event called `name`; registering it twice calls it once."""
    listeners = _subscribers.setdefault(name, [])
    if subscriber not in listeners:
        listeners.append(subscriber)


def publish(session: Session, event: Event) -> None:
    """Hand `event` to its subscribers, in the caller's transaction."""
    for subscriber in (*_subscribers.get(event.name, ()), *_subscribers.get(EVERY, ())):
        subscriber(session, event)


def subscribers(name: str) -> tuple[Subscriber, ...]:
    return tuple(_subscribers.get(name, ()))
