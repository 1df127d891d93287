"""Demo contact methods: everyone on the team can be reached by email; a few also by Slack or
a signed webhook pointing at loopback ports where nothing listens, so "Send a test message"
shows how a failure reads. Tom Becker's only method is switched off, so readiness still
names him as unreachable while he is on shift."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.oncall.models import ChannelKind, ContactMethod

# Loopback ports nothing in the demo listens on: a test message there fails gracefully.
SLACK_URL = "http://127.0.0.1:9901/demo-slack/ert-oncall"
WEBHOOK_URL = "http://127.0.0.1:9902/demo-webhook/pager"
WEBHOOK_SECRET = "demo-signing-secret-not-for-production"
EXTRA = {
    "lead": [
        (ChannelKind.slack, "#ert-oncall (demo: nothing listens here)", SLACK_URL),
        (ChannelKind.webhook, "Pager bridge (demo: nothing listens here)", WEBHOOK_URL),
    ],
    "analyst": [(ChannelKind.slack, "#ert-oncall (demo: nothing listens here)", SLACK_URL)],
    "scheduler": [(ChannelKind.webhook, "Rota bot (demo: nothing listens here)", WEBHOOK_URL)],
}


def seed_contacts(session: Session, now: datetime) -> None:
    staff = session.scalars(select(User).where(User.role != Role.requester).order_by(User.id))
    for user in staff:
        handle = user.email.split("@", 1)[0]
        methods = [(ChannelKind.email, "Work email", user.email), *EXTRA.get(handle, [])]
        for position, (kind, label, target) in enumerate(methods):
            session.add(
                ContactMethod(
                    user_id=user.id,
                    kind=kind,
                    label=label,
                    target=target,
                    secret=WEBHOOK_SECRET if kind is ChannelKind.webhook else None,
                    position=position,
                    enabled=user.name != "Tom Becker",
                )
            )
    _tried_once(session, now)
    session.flush()


def _tried_once(session: Session, now: datetime) -> None:
    """One Slack method (Alex Moreno's) shows yesterday's failed test, as the page says it."""
    session.flush()
    slack = session.scalars(
        select(ContactMethod).where(ContactMethod.target == SLACK_URL).order_by(ContactMethod.id)
    ).first()
    if slack is not None:
        slack.last_used_at = now - timedelta(days=1)
        slack.last_ok = False
        slack.last_detail = "could not connect: [Errno 111] Connection refused"
