"""SLA clocks: priority and due times at intake, and the deadlines that warn and breach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exigent.legal.policy import Policy, Priority

ACKNOWLEDGE, DECIDE = "acknowledge", "decide"
WARNING, BREACH = "warning", "breach"


@dataclass(frozen=True)
class Clocks:
    priority: Priority
    acknowledge_due_at: datetime
    decide_due_at: datetime


def clocks_for(
    policy: Policy, kind: str, received_at: datetime, *, priority: Priority | None = None
) -> Clocks:
    """Priority and due times; business-day clocks count in the requester's own offset.

    `priority`, when given, is one the policy set by other facts than the kind (a referral's
    by its harm type and imminence, `Policy.referrals`)."""
    priority = priority or policy.priorities[kind]
    sla = policy.sla[priority]
    return Clocks(
        priority=priority,
        acknowledge_due_at=sla.acknowledge.due_from(received_at),
        decide_due_at=sla.decide.due_from(received_at),
    )


def deadline_kind(clock: str, stage: str) -> str:
    return f"sla_{clock}_{stage}"


def sla_deadline_rows(
    request_id: int, policy: Policy, received_at: datetime, clocks: Clocks
) -> list[dict[str, Any]]:
    """Four deadlines per case: a warning at the policy's fraction and a breach, per clock."""
    rows = []
    for clock, due in ((ACKNOWLEDGE, clocks.acknowledge_due_at), (DECIDE, clocks.decide_due_at)):
        warn_at = received_at + (due - received_at) * policy.sla_warning_fraction
        data = {"clock": clock, "due_at": due.isoformat()}
        for stage, at in ((WARNING, warn_at), (BREACH, due)):
            rows.append(
                {
                    "kind": deadline_kind(clock, stage),
                    "due_at": at,
                    "request_id": request_id,
                    "data": data,
                    "attempts": 0,
                }
            )
    return rows
