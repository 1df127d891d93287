"""The one small interface every way of reaching a person implements.

A channel makes one attempt and says what happened; it never sleeps or retries itself. The
caller (paging, a test message) decides about retries from `Delivery.retry`, so a retry is a
deadline row that survives a restart rather than a thread asleep in a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    trigger = "trigger"
    acknowledge = "acknowledge"
    resolve = "resolve"


class Severity(StrEnum):
    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Message:
    """What is sent, whatever the channel: a channel renders it in its own format."""

    subject: str
    text: str
    severity: Severity = Severity.critical
    # Stable for one case and one reason, so a receiver (PagerDuty) folds repeats into one
    # incident and an acknowledge or resolve finds it.
    dedup_key: str = ""
    action: Action = Action.trigger
    # Where the reader acts: the case page, and a one-time link that acknowledges the page.
    link: str | None = None
    acknowledge_link: str | None = None
    source: str = "exigent"


@dataclass(frozen=True)
class Delivery:
    """What one attempt found. `retry` says whether trying again later may succeed."""

    ok: bool
    detail: str
    retry: bool = False
    status: int | None = None


class Channel(Protocol):
    def send(self, message: Message) -> Delivery: ...
