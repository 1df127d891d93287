"""The demo's policy history: counsel has changed the shipped policy a few times over the past
weeks, so the policy page has versions to compare and the approval queue holds decisions
drafted under an earlier version (most still approvable as drafted, a few needing a re-check).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.legal.models import PolicyVersion
from exigent.legal.versions import change_policy, current_policy

Edit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class PolicyChange:
    ago: timedelta
    reason: str
    edit: Edit


def _court_orders_lose_location(document: dict[str, Any]) -> None:
    document["kinds"]["court_order"]["categories"]["location"] = "N"


def _holds_decided_in_twelve_hours(document: dict[str, Any]) -> None:
    document["sla"]["P2"]["decide"] = {"minutes": 720}


def _counsel_first_for_content_and_metadata(document: dict[str, Any]) -> None:
    document["kinds"]["court_order"]["categories"]["message_metadata"] = "L"
    document["kinds"]["search_warrant"]["categories"]["content"] = "L"


HISTORY = [
    PolicyChange(
        timedelta(days=12),
        "Carpenter v. United States: stored location history needs a warrant, so a 2703(d) "
        "order no longer reaches it.",
        _court_orders_lose_location,
    ),
    PolicyChange(
        timedelta(days=5),
        "Preservation requests are decided within 12 hours, after two holds lapsed in Q3.",
        _holds_decided_in_twelve_hours,
    ),
    PolicyChange(
        timedelta(hours=36),
        "Audit finding 2025-14: content under a warrant and message metadata under a 2703(d) "
        "order go to counsel first (particularity review).",
        _counsel_first_for_content_and_metadata,
    ),
]


def date_the_shipped_version(session: Session, at: datetime) -> None:
    """Version 1 is seeded on first use, stamped now; the demo's team has had it since `at`."""
    current_policy(session)
    session.execute(update(PolicyVersion).where(PolicyVersion.version == 1).values(created_at=at))


def due_changes(now: datetime) -> list[tuple[datetime, PolicyChange]]:
    """The history's changes with the moment each was made, oldest first."""
    return [(now - change.ago, change) for change in HISTORY]


def make_change(session: Session, legal: User, change: PolicyChange, at: datetime) -> None:
    """Counsel saves the next version, as the policy editor would."""
    document = copy.deepcopy(current_policy(session).policy.model_dump(mode="json"))
    change.edit(document)
    change_policy(session, user=legal, document=document, reason=change.reason, now=at)
