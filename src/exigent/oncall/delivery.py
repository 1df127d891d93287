"""The one step that sends a page's message through a contact method.

Paging calls `deliver`; what sends is a `Sender`, the channels of `oncall.transports` unless a
bench or test swaps it. Keeping the seam to one function means the escalation never knows
which channel it talks to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from exigent.config import Settings
from exigent.oncall import transports
from exigent.oncall.channels import Delivery, Message
from exigent.oncall.models import ContactMethod

Sender = Callable[[Session, ContactMethod, Message, Settings, datetime], Delivery]

_sender: list[Sender] = [transports.send_to]


def use_sender(sender: Sender) -> Sender:
    """Send through `sender` from now on (tests, the bench); returns the one it replaces."""
    previous = _sender[0]
    _sender[0] = sender
    return previous


def deliver(
    session: Session, method: ContactMethod, message: Message, settings: Settings, now: datetime
) -> Delivery:
    """One attempt; whatever goes wrong is a failed `Delivery`, never an exception, so one
    broken channel cannot stop the escalation."""
    try:
        delivery = _sender[0](session, method, message, settings, now)
    except Exception as exc:  # a channel's bug must not silence the page
        delivery = Delivery(ok=False, detail=f"{type(exc).__name__}: {exc}"[:500], retry=True)
        method.last_used_at, method.last_ok, method.last_detail = now, False, delivery.detail
    return delivery
