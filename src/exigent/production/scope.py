"""What a production may collect: the one place that decides, and the one check everything
else goes through.

The scope comes from the case's approved decision alone: its disclosed (or partly disclosed)
items name the targets and categories, and the request's date range bounds the time. A case
that is not approved has no scope (409). `Scope.authorize` is called before any record is
read for a production; asking for anything else raises `OutOfScope`, naming what was asked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.cases.schemas import RequestKind
from exigent.errors import Conflict, ExigentError
from exigent.legal.models import DISCLOSING, Decision, DecisionStatus

# A case may be produced from once approved, and produced again (a new package) later.
PRODUCIBLE = frozenset({Status.approved, Status.producing, Status.delivered})
# Without a date range in the request (an emergency may give none), the production covers
# only the days just before it arrived: the minimum, as emergency disclosure demands.
DEFAULT_RANGE_DAYS = 30


class OutOfScope(ExigentError):
    status_code = 403


@dataclass(frozen=True)
class ScopeItem:
    target_id: int
    target_label: str
    identifier_type: str
    value: str
    category: str
    outcome: str
    reason: str


@dataclass(frozen=True)
class Scope:
    request_id: int
    decision_id: int
    start: date
    end: date
    range_source: str
    items: tuple[ScopeItem, ...]
    withheld: tuple[ScopeItem, ...]

    @property
    def bounds(self) -> tuple[str, str]:
        """The range in the seam's time format: start inclusive, end exclusive (the day after)."""
        return f"{self.start.isoformat()}T00:00:00Z", f"{self.end + timedelta(days=1)}T00:00:00Z"

    def categories_for(self, target_id: int) -> list[str]:
        return [i.category for i in self.items if i.target_id == target_id]

    def authorize(
        self, target_id: int, category: str, start: str | None = None, end: str | None = None
    ) -> tuple[str, str]:
        """Refuse anything outside the approved targets x categories x range; returns the
        range to read (the approved one unless a narrower one was asked for)."""
        allowed = {(i.target_id, i.category) for i in self.items}
        if (target_id, category) not in allowed:
            labels = {i.target_id: i.target_label for i in self.items + self.withheld}
            who = labels.get(target_id, f"target {target_id}")
            approved = ", ".join(self.categories_for(target_id)) or "nothing"
            raise OutOfScope(
                f"{category} of {who} is outside the approved scope of case "
                f"{self.request_id} (approved for {who}: {approved})",
                target_id=target_id,
                category=category,
            )
        low, high = self.bounds
        if (start is not None and start < low) or (end is not None and end > high):
            raise OutOfScope(
                f"the range {start or low} to {end or high} reaches outside the approved range "
                f"{self.start} to {self.end}",
                category=category,
            )
        return start or low, end or high

    def as_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "decision_id": self.decision_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "range_source": self.range_source,
            "items": [asdict(i) for i in self.items],
            "withheld": [asdict(i) for i in self.withheld],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scope:
        return cls(
            request_id=data["request_id"],
            decision_id=data["decision_id"],
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            range_source=data["range_source"],
            items=tuple(ScopeItem(**i) for i in data["items"]),
            withheld=tuple(ScopeItem(**i) for i in data["withheld"]),
        )


def approved_decision(session: Session, request_id: int) -> Decision | None:
    return session.execute(
        select(Decision)
        .where(Decision.request_id == request_id, Decision.status == DecisionStatus.approved)
        .order_by(Decision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def approved_scope(session: Session, request: Request) -> Scope:
    """The scope of the case's approved decision; 409 when the case is not approved."""
    if request.status not in PRODUCIBLE:
        raise Conflict(
            f"case {request.reference} is {request.status}, not approved: nothing may be "
            "collected until a second person approves its decision",
            status=str(request.status),
        )
    decision = approved_decision(session, request.id)
    if decision is None:
        raise Conflict(f"case {request.reference} has no approved decision to produce from")
    targets = {t.id: t for t in request.targets}
    disclosed, withheld = [], []
    for item in decision.items:
        target = targets.get(item.target_id) if item.target_id is not None else None
        identifier_type, _, value = item.target_label.partition(":")
        scoped = ScopeItem(
            target_id=item.target_id or 0,
            target_label=item.target_label,
            identifier_type=target.identifier_type if target else identifier_type,
            value=target.value if target else value,
            category=item.category,
            outcome=str(item.outcome),
            reason=item.reason,
        )
        # A target removed from the record since the decision is not produced.
        if item.outcome in DISCLOSING and target is not None:
            disclosed.append(scoped)
        else:
            withheld.append(scoped)
    start, end, source = _date_range(request)
    return Scope(
        request_id=request.id,
        decision_id=decision.id,
        start=start,
        end=end,
        range_source=source,
        items=tuple(disclosed),
        withheld=tuple(withheld),
    )


def _date_range(request: Request) -> tuple[date, date, str]:
    asked = request.record.get("date_range") or {}
    received = request.received_at.date()
    start = date.fromisoformat(asked["start"]) if asked.get("start") else None
    end = date.fromisoformat(asked["end"]) if asked.get("end") else None
    if request.kind == RequestKind.referral:
        return _referral_range(start, end, received)
    if start and end:
        return start, end, "the date range of the request"
    if start:
        return start, received, "from the request's start date to the day it was received"
    end = end or received
    return (
        end - timedelta(days=DEFAULT_RANGE_DAYS),
        end,
        f"no date range was given: the {DEFAULT_RANGE_DAYS} days before the request",
    )


def _referral_range(start: date | None, end: date | None, raised: date) -> tuple[date, date, str]:
    """A referral was asked for by nobody: the period is the team's own, said as such."""
    if start and end:
        return start, end, "the period the team chose when it raised the referral"
    end = end or raised
    start = start or end - timedelta(days=DEFAULT_RANGE_DAYS)
    return start, end, f"the {(end - start).days} days up to the day the team raised the referral"
