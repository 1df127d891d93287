"""A stand-in sender until the channels of `oncall.transports` are wired into `delivery`.

Webhook and Slack-compatible methods get the message as JSON by HTTP POST; email goes by the
configured SMTP relay. PagerDuty is left to the real transports. Replace `delivery._sender`'s
default with `transports.send_to` and delete this module.
"""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy.orm import Session

from exigent.config import Settings
from exigent.notifications import email
from exigent.oncall.channels import Delivery, Message
from exigent.oncall.models import ChannelKind, ContactMethod

TIMEOUT_SECONDS = 5.0


def send_to(
    session: Session, method: ContactMethod, message: Message, settings: Settings, now: datetime
) -> Delivery:
    if method.kind in (ChannelKind.webhook, ChannelKind.slack):
        return _post(method.target, message)
    if method.kind is ChannelKind.email:
        try:
            email.send(
                settings,
                email.compose(
                    settings, to=method.target, subject=message.subject, text=_text(message)
                ),
            )
        except email.MailNotSent as exc:
            return Delivery(ok=False, detail=exc.message, retry=True)
        return Delivery(ok=True, detail="accepted by the mail relay")
    return Delivery(ok=False, detail=f"no {method.kind} channel yet", retry=False)


def _text(message: Message) -> str:
    lines = [message.text]
    if message.link:
        lines.append(f"Open the case: {message.link}")
    if message.acknowledge_link:
        lines.append(f"Acknowledge: {message.acknowledge_link}")
    return "\n\n".join(lines)


def _post(url: str, message: Message) -> Delivery:
    body = {
        "text": f"{message.subject}\n{_text(message)}",
        "subject": message.subject,
        "severity": str(message.severity),
        "dedup_key": message.dedup_key,
        "action": str(message.action),
        "link": message.link,
        "acknowledge_link": message.acknowledge_link,
    }
    try:
        answer = httpx.post(url, json=body, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return Delivery(ok=False, detail=f"could not reach {url}: {type(exc).__name__}", retry=True)
    if answer.is_success:
        return Delivery(ok=True, detail=f"answered {answer.status_code}", status=answer.status_code)
    retry = answer.status_code == 429 or answer.status_code >= 500
    return Delivery(
        ok=False, detail=f"answered {answer.status_code}", retry=retry, status=answer.status_code
    )
