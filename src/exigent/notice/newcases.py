"""Notice's rows for cases made at intake: the notices each case owes, the deadline that
reviews each, and the record of a notice held by an order. Intake inserts them with every
other row of the batch (`intake/newcases.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exigent.audit.service import Actor, Event
from exigent.cases.schemas import IntakeRecord
from exigent.cases.service import timeline_row
from exigent.legal.schemas import Obligation
from exigent.notice.models import UserNotice
from exigent.notice.service import DUE_KIND, state
from exigent.notice.sync import HELD, new_notice_row, owed_notice, terms_for


@dataclass(frozen=True)
class PlannedNotice:
    row: dict[str, Any]  # a `user_notices` row without its id
    review_at: datetime
    review_why: str


def planned_notices(
    case_id: int,
    record: IntakeRecord,
    obligations: list[Obligation],
    targets: list[tuple[int, str, str]],
    offset_minutes: int,
    now: datetime,
) -> list[PlannedNotice]:
    """One notice per target when the process permits notice, none otherwise."""
    owed = owed_notice(obligations)
    if owed is None:
        return []
    terms = terms_for(record, owed, offset_minutes, now)
    return [
        PlannedNotice(
            new_notice_row(case_id, target, owed, terms, now), terms.review_at, terms.review_why
        )
        for target in targets
    ]


def review_deadline_row(planned: PlannedNotice, notice_id: int, now: datetime) -> dict[str, Any]:
    """The deadline that reviews the notice when its terms say (release of a hold, say)."""
    return {
        "kind": DUE_KIND,
        "due_at": planned.review_at,
        "request_id": planned.row["request_id"],
        "data": {"notice_id": notice_id, "why": planned.review_why},
        "attempts": 0,
        "created_at": now,
    }


def hold_entry(notice: UserNotice, actor: Actor, now: datetime) -> dict[str, Any]:
    """The timeline row of a notice held by a non-disclosure order from the start."""
    return timeline_row(
        notice.request_id,
        actor,
        "user_notice",
        now,
        body=f"User notice to {notice.target_label}: {HELD}",
        data={"notice_id": notice.id, "action": "hold", "status": str(notice.status)},
    )


def hold_event(notice: UserNotice, actor: Actor, now: datetime) -> Event:
    """The audit event of the same hold."""
    return Event(
        actor=actor,
        action="notice.hold",
        object_type="user_notice",
        object_id=notice.id,
        after=state(notice),
        detail={"request_id": notice.request_id, "target": notice.target_label},
        at=now,
    )
