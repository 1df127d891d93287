"""Each person's ways of being reached: added, changed, ordered, tested and removed.

A person keeps their own; a scheduler or an admin (`contacts.manage`) keeps anyone's. Another
person's method reads as not found, so its existence is not told. Every change is audited
without the target's secret. Nothing here commits.

A test message goes out at once from a web request, so each person may send only a few in a
sliding window (counted from the audit log, exact across processes): otherwise one person
could flood a receiver, or time a stream of tests against hosts on the allowed list. A person
keeps a bounded number of methods; a page tries them in order and a long list only delays it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.audit.models import AuditEvent
from exigent.audit.service import record_event
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict, ExigentError, Forbidden, NotFound
from exigent.legal.notify import notify
from exigent.oncall.addresses import checked_target
from exigent.oncall.channels import Delivery, Message, Severity
from exigent.oncall.models import ChannelKind, ContactMethod
from exigent.oncall.transports import send_to

SECRET_MIN = 16
LABEL_MAX = 80
METHODS_MAX = 10
TESTS_PER_WINDOW = 5
TEST_WINDOW = timedelta(minutes=10)


class TooManyTests(ExigentError):
    status_code = 429


@dataclass(frozen=True)
class Added:
    method: ContactMethod
    # A webhook's signing secret Exigent generated: shown once, on the answer to the add.
    generated_secret: str | None


def owner(session: Session, actor: User, user_id: int | None) -> User:
    """Whose methods the actor is looking at: their own, or (a manager) anyone's on staff."""
    if user_id is None or user_id == actor.id:
        return actor
    if not user_can(actor, Permission.contacts_manage):
        raise Forbidden("only a scheduler or an admin keeps another person's contact methods")
    person = session.get(User, user_id)
    if person is None or person.role is Role.requester:
        raise NotFound(f"no staff member {user_id}")
    return person


def methods_of(session: Session, user_id: int) -> list[ContactMethod]:
    """A person's methods in the order a page tries them."""
    return list(
        session.scalars(
            select(ContactMethod)
            .where(ContactMethod.user_id == user_id)
            .order_by(ContactMethod.position, ContactMethod.id)
        )
    )


def method(session: Session, actor: User, method_id: int) -> ContactMethod:
    """One method the actor may keep; anyone else's is not found."""
    found = session.get(ContactMethod, method_id)
    if found is None or (
        found.user_id != actor.id and not user_can(actor, Permission.contacts_manage)
    ):
        raise NotFound(f"no contact method {method_id}")
    return found


def _label(label: str) -> str:
    label = label.strip()
    if len(label) > LABEL_MAX:
        raise BadInput(f"label: at most {LABEL_MAX} characters", field="label")
    return label


def _secret(kind: ChannelKind, secret: str | None) -> tuple[str | None, str | None]:
    """The secret to keep and the one to show once (when Exigent made it)."""
    if kind is not ChannelKind.webhook:
        return None, None
    secret = (secret or "").strip()
    if not secret:
        made = secrets.token_urlsafe(32)
        return made, made
    if len(secret) < SECRET_MIN or len(secret) > 128:
        raise BadInput(
            f"secret: between {SECRET_MIN} and 128 characters, or blank to have one made",
            field="secret",
        )
    return secret, None


def _audited_target(found: ContactMethod) -> str:
    """The target as the audit log keeps it: a webhook URL's path is often its credential
    (a Slack incoming webhook's is), so only the scheme and host; never a routing key."""
    if found.kind is ChannelKind.email:
        return found.target
    if found.kind is ChannelKind.pagerduty:
        return "(routing key)"
    parts = urlsplit(found.target)
    return f"{parts.scheme}://{parts.hostname}/…"


def _seen(found: ContactMethod) -> dict[str, object]:
    """What the audit log keeps of a method: never its secret."""
    return {
        "user_id": found.user_id,
        "kind": str(found.kind),
        "label": found.label,
        "target": _audited_target(found),
        "position": found.position,
        "enabled": found.enabled,
    }


TOLD = {
    "added": "added a contact method to your list",
    "changed": "changed one of your contact methods",
    "moved": "changed the order of your contact methods",
    "removed": "removed one of your contact methods",
}


def _tell_owner(session: Session, actor: User, action: str, found: ContactMethod) -> None:
    """A manager's change to someone's methods decides where that person's pages go: they
    are told at once, so nobody's pages can be quietly turned somewhere else."""
    if found.user_id == actor.id or action not in TOLD:
        return
    what = found.label or str(found.kind)
    notify(
        session,
        user_id=found.user_id,
        request_id=None,
        body=f"{actor.name} {TOLD[action]} ({what}); check them at /oncall/contacts.",
        at=utcnow(),
    )


def _audit(
    session: Session, actor: User, action: str, found: ContactMethod, **detail: object
) -> None:
    _tell_owner(session, actor, action, found)
    record_event(
        session,
        actor=actor_for(actor),
        action=f"oncall.contact_{action}",
        object_type="contact_method",
        object_id=found.id,
        after=None if action == "removed" else _seen(found),
        # The log keeps only a digest of `after`; the detail is what a reader sees.
        detail={**_seen(found), **detail},
    )


def add(
    session: Session,
    *,
    actor: User,
    person: User,
    kind: ChannelKind,
    target: str,
    settings: Settings,
    label: str = "",
    secret: str | None = None,
) -> Added:
    """A new method, tried after the person's others."""
    cleaned = checked_target(kind, target, settings)
    kept_already = session.scalar(
        select(func.count(ContactMethod.id)).where(ContactMethod.user_id == person.id)
    )
    if (kept_already or 0) >= METHODS_MAX:
        raise Conflict(
            f"kind: at most {METHODS_MAX} contact methods a person; remove one first",
            field="kind",
        )
    kept, shown = _secret(kind, secret)
    last = session.scalar(
        select(func.max(ContactMethod.position)).where(ContactMethod.user_id == person.id)
    )
    found = ContactMethod(
        user_id=person.id,
        kind=kind,
        label=_label(label),
        target=cleaned,
        secret=kept,
        position=(last + 1) if last is not None else 0,
        enabled=True,
    )
    session.add(found)
    session.flush()
    _audit(session, actor, "added", found)
    return Added(found, shown)


def change(
    session: Session,
    *,
    actor: User,
    found: ContactMethod,
    settings: Settings,
    label: str | None = None,
    target: str | None = None,
    enabled: bool | None = None,
    secret: str | None = None,
) -> ContactMethod:
    """Change what was given; a new secret replaces the old one (it is never shown back)."""
    changed = []
    if label is not None:
        found.label = _label(label)
        changed.append("label")
    if target is not None:
        found.target = checked_target(found.kind, target, settings)
        changed.append("target")
    if enabled is not None:
        found.enabled = enabled
        changed.append("enabled")
    if secret is not None and found.kind is ChannelKind.webhook and secret.strip():
        found.secret, _ = _secret(found.kind, secret)
        changed.append("secret")
    session.flush()
    if changed:
        _audit(session, actor, "changed", found, changed=changed)
    return found


def move(session: Session, *, actor: User, found: ContactMethod, up: bool) -> None:
    """Swap the method with its neighbour above or below; at either end nothing moves."""
    ordered = methods_of(session, found.user_id)
    at = ordered.index(found)
    to = at - 1 if up else at + 1
    if not 0 <= to < len(ordered):
        return
    ordered[at], ordered[to] = ordered[to], ordered[at]
    for position, each in enumerate(ordered):
        each.position = position
    session.flush()
    _audit(session, actor, "moved", found, direction="up" if up else "down")


def remove(session: Session, *, actor: User, found: ContactMethod) -> None:
    _audit(session, actor, "removed", found)
    session.delete(found)
    session.flush()


def _within_test_allowance(session: Session, actor: User, now: datetime) -> None:
    sent = session.scalar(
        select(func.count(AuditEvent.seq)).where(
            AuditEvent.action == "oncall.contact_tested",
            AuditEvent.actor_id == actor.id,
            AuditEvent.at > now - TEST_WINDOW,
        )
    )
    if (sent or 0) >= TESTS_PER_WINDOW:
        minutes = int(TEST_WINDOW.total_seconds() // 60)
        raise TooManyTests(
            f"at most {TESTS_PER_WINDOW} test messages in {minutes} minutes; "
            "try again in a few minutes"
        )


def test(
    session: Session, *, actor: User, found: ContactMethod, settings: Settings, now: datetime
) -> Delivery:
    """Send a test message at once and keep what the far end answered on the method."""
    _within_test_allowance(session, actor, now)
    owner_name = session.get(User, found.user_id)
    message = Message(
        subject="Exigent test message",
        text=(
            f"A test sent by {actor.name} to check that pages reach "
            f"{owner_name.name if owner_name else 'this person'} this way. Nothing to do."
        ),
        severity=Severity.info,
        dedup_key=f"exigent-test-{found.id}-{int(now.timestamp())}",
        link=f"{settings.base_url.rstrip('/')}/oncall/contacts",
    )
    delivery = send_to(session, found, message, settings, now)
    _audit(session, actor, "tested", found, ok=delivery.ok, answer=delivery.detail)
    return delivery
