"""PagerDuty's V3 webhooks coming back: an incident acknowledged or resolved there.

PagerDuty signs the raw body with HMAC-SHA256 and the subscription's secret and sends
`X-PagerDuty-Signature: v1=<hex>`, several comma-separated while a secret is rotated; one
matching signature is enough. The incident's `incident_key` is the `dedup_key` our page sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from exigent.errors import BadInput, Forbidden

ANSWERS = frozenset({"incident.acknowledged", "incident.resolved"})


def sign(secret: str, body: bytes) -> str:
    """The header value PagerDuty would send for `body` (tests and the bench sign with it)."""
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str | None, body: bytes, header: str | None) -> None:
    """403 unless one of the header's v1 signatures matches the body."""
    if not secret:
        # Not configured: nothing can prove it came from PagerDuty, so nothing is accepted.
        raise Forbidden("the PagerDuty webhook has no secret configured; nothing is accepted")
    expected = sign(secret, body)
    offered = [part.strip() for part in (header or "").split(",") if part.strip()]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise Forbidden("the PagerDuty signature does not match this body")


@dataclass(frozen=True)
class Answer:
    event_type: str
    dedup_key: str
    agent: str


def parse(body: bytes) -> Answer | None:
    """The acknowledgement or resolution in a webhook body; None for any other event."""
    try:
        payload: Any = json.loads(body)
        event = payload["event"]
        event_type = str(event["event_type"])
        data = event.get("data") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BadInput("body: not a PagerDuty V3 webhook event", field="body") from None
    if event_type not in ANSWERS or not isinstance(data, dict):
        return None
    key = data.get("incident_key") or data.get("dedup_key")
    if not isinstance(key, str) or not key:
        return None
    agent = event.get("agent") or {}
    who = agent.get("summary") or agent.get("id") or "" if isinstance(agent, dict) else ""
    return Answer(event_type, key, str(who))
