"""The channels themselves: email over SMTP, and Slack, signed webhooks and PagerDuty over HTTP.

Each `send` makes one attempt with short timeouts and follows no redirect (a redirect could
carry a page to a host the allowed list never saw); what the far end answered becomes a
`Delivery`. Retrying is the caller's: `backoff` and `MAX_ATTEMPTS_PER_METHOD` say how.

What the far end answered is shown to whoever configured the method, so a `Delivery` keeps
only the status line, never the body or the socket error's text: a test message must not
become a way to read what a service inside the network says, or to tell its failures apart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

import httpx
from sqlalchemy.orm import Session

from exigent.config import Settings
from exigent.db import utcnow
from exigent.notifications import email
from exigent.oncall.addresses import url_problem
from exigent.oncall.channels import Action, Channel, Delivery, Message
from exigent.oncall.models import ChannelKind, ContactMethod

HTTP_TIMEOUT = httpx.Timeout(5.0, connect=3.0)
# Built once: loading the trust store takes tens of milliseconds, longer than a local send.
TLS = httpx.create_ssl_context()
# Three tries per method, then the page moves to the person's next method.
MAX_ATTEMPTS_PER_METHOD = 3
BACKOFF_FIRST = timedelta(seconds=5)
BACKOFF_CAP = timedelta(seconds=120)
# A receiver refuses a signature older than this (documented in docs/architecture.md).
SIGNATURE_TOLERANCE = timedelta(minutes=5)
DETAIL_MAX = 300


def backoff(attempt: int) -> timedelta:
    """How long to wait before try `attempt + 1` after try `attempt` failed: 5 s, 15 s, 45 s..."""
    return min(BACKOFF_FIRST * 3 ** max(attempt - 1, 0), BACKOFF_CAP)


def _links(message: Message) -> list[str]:
    return [link for link in (message.link, message.acknowledge_link) if link]


def _lines(message: Message) -> str:
    lines = [message.text]
    if message.link:
        lines.append(f"Open the case: {message.link}")
    if message.acknowledge_link:
        lines.append(f"Acknowledge: {message.acknowledge_link}")
    return "\n\n".join(lines)


def _post(url: str, body: bytes, headers: dict[str, str]) -> Delivery:
    """One POST; any 2xx is delivered, a 429 or 5xx or no answer may succeed later."""
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT, follow_redirects=False, verify=TLS) as client:
            answer = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        return Delivery(ok=False, detail="no answer within the timeout", retry=True)
    except httpx.HTTPError:
        return Delivery(ok=False, detail="could not connect or the connection failed", retry=True)
    said = f"{answer.status_code} {_reason(answer.status_code)}"
    if answer.is_success:
        return Delivery(ok=True, detail=said, status=answer.status_code)
    retry = answer.status_code == 429 or answer.status_code >= 500
    return Delivery(ok=False, detail=said, retry=retry, status=answer.status_code)


def _reason(status: int) -> str:
    """The standard phrase for `status`, not the far end's own (it could carry anything)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "(non-standard status)"


def _slack_escaped(text: str) -> str:
    """`text` as literal Slack mrkdwn: `<!channel>`, `<@U123>` and `<url|label>` need `<`,
    and Slack reads `&lt;` back as a plain `<`, so case text can neither notify a whole channel
    nor dress a link up as something else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _refused(url: str, settings: Settings) -> Delivery | None:
    """A URL that the allowed list no longer admits is never called (the list may shrink)."""
    problem = url_problem(url, settings)
    if problem:
        return Delivery(ok=False, detail=f"not sent: the URL {problem}", retry=False)
    return None


@dataclass(frozen=True)
class EmailChannel:
    to: str
    settings: Settings

    def send(self, message: Message) -> Delivery:
        mail = email.compose(
            self.settings, to=self.to, subject=message.subject, text=_lines(message)
        )
        try:
            message_id = email.send(self.settings, mail)
        except email.MailNotSent as exc:
            # The relay is ours: if it is down or refused, a later try may get through.
            return Delivery(ok=False, detail=exc.message[:DETAIL_MAX], retry=True)
        return Delivery(ok=True, detail=f"accepted by the mail relay as {message_id}")


@dataclass(frozen=True)
class SlackChannel:
    """A Slack-compatible incoming webhook: `text` for every client, blocks for Slack's own."""

    url: str
    settings: Settings

    def send(self, message: Message) -> Delivery:
        refused = _refused(self.url, self.settings)
        if refused:
            return refused
        text = f"*{_slack_escaped(message.subject)}*\n{_slack_escaped(_lines(message))}"
        body = {
            "text": text,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        }
        return _post(self.url, json.dumps(body).encode(), {"Content-Type": "application/json"})


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Exigent-Signature` value: HMAC-SHA256 of "{timestamp}.{body}" under `secret`."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, now: datetime
) -> bool:
    """A receiver's check: the signature matches and the timestamp is under 5 minutes old."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now.timestamp() - sent) > SIGNATURE_TOLERANCE.total_seconds():
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


@dataclass(frozen=True)
class WebhookChannel:
    """A generic webhook: the message as JSON, signed so the receiver knows it is ours."""

    url: str
    secret: str
    settings: Settings

    def send(self, message: Message) -> Delivery:
        refused = _refused(self.url, self.settings)
        if refused:
            return refused
        now = utcnow()
        body = json.dumps(
            {
                "subject": message.subject,
                "text": message.text,
                "severity": str(message.severity),
                "dedup_key": message.dedup_key,
                "action": str(message.action),
                "links": _links(message),
                "source": message.source,
                "sent_at": now.isoformat(),
            }
        ).encode()
        timestamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json",
            "X-Exigent-Timestamp": str(timestamp),
            "X-Exigent-Signature": sign(self.secret, timestamp, body),
        }
        return _post(self.url, body, headers)


@dataclass(frozen=True)
class PagerDutyChannel:
    """PagerDuty Events API v2: 202 accepted; 400 is a bad event (never retried)."""

    routing_key: str
    settings: Settings

    def event(self, message: Message) -> dict[str, Any]:
        event: dict[str, Any] = {
            "routing_key": self.routing_key,
            "event_action": str(message.action),
            "dedup_key": message.dedup_key,
        }
        if message.action is Action.trigger:
            event["payload"] = {
                # PagerDuty cuts a summary at 1024 characters.
                "summary": message.subject[:1024],
                "source": message.source,
                "severity": str(message.severity),
                "custom_details": {"text": message.text},
            }
            event["links"] = [{"href": link} for link in _links(message)]
        if not message.dedup_key:
            del event["dedup_key"]
        return event

    def send(self, message: Message) -> Delivery:
        url = self.settings.pagerduty_events_url
        refused = _refused(url, self.settings)
        if refused:
            return refused
        body = json.dumps(self.event(message)).encode()
        delivery = _post(url, body, {"Content-Type": "application/json"})
        if delivery.ok and delivery.status != 202:
            # Only 202 means PagerDuty took the event; another 2xx is not its answer.
            return Delivery(ok=False, detail=delivery.detail, retry=False, status=delivery.status)
        return delivery


def channel_for(method: ContactMethod, settings: Settings) -> Channel:
    """The channel that reaches `method`."""
    match method.kind:
        case ChannelKind.email:
            return EmailChannel(to=method.target, settings=settings)
        case ChannelKind.slack:
            return SlackChannel(url=method.target, settings=settings)
        case ChannelKind.webhook:
            return WebhookChannel(url=method.target, secret=method.secret or "", settings=settings)
        case ChannelKind.pagerduty:
            return PagerDutyChannel(routing_key=method.target, settings=settings)
    raise ValueError(f"no channel for {method.kind!r}")


def send_to(
    session: Session, method: ContactMethod, message: Message, settings: Settings, now: datetime
) -> Delivery:
    """Send through `method` once and note what the far end said on it (the caller commits)."""
    delivery = channel_for(method, settings).send(message)
    note(method, delivery, now)
    session.flush()
    return delivery


def note(method: ContactMethod, delivery: Delivery, now: datetime) -> None:
    """Keep on `method` what its last send found (a caller that sends several before writing
    anything, so as not to hold the write lock while far ends answer, notes them after)."""
    method.last_used_at = now
    method.last_ok = delivery.ok
    method.last_detail = delivery.detail[:DETAIL_MAX]
