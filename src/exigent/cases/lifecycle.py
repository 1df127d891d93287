"""The case lifecycle: every status and every allowed move, in one table.

received -> triaged -> verifying -> under_review -> awaiting_approval -> approved
         -> producing -> delivered -> closed
side paths: need_info (waiting on the requester), preserved (a hold, nothing disclosed),
rejected, withdrawn (by the requester); each of those ends in closed.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    received = "received"
    triaged = "triaged"
    verifying = "verifying"
    under_review = "under_review"
    need_info = "need_info"
    awaiting_approval = "awaiting_approval"
    approved = "approved"
    producing = "producing"
    delivered = "delivered"
    preserved = "preserved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    closed = "closed"


class RejectionReason(StrEnum):
    """Why a case was rejected, from a short list so rejections can be counted by reason; the
    free-text reason beside it says the rest. `fraud` is what the fraud figures count."""

    fraud = "fraud"  # not a genuine request: someone posing as law enforcement
    not_an_emergency = "not_an_emergency"
    deficient_process = "deficient_process"
    overbroad = "overbroad"
    wrong_provider = "wrong_provider"
    other = "other"


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.received: frozenset({S.triaged, S.need_info, S.rejected, S.withdrawn}),
    S.triaged: frozenset(
        {S.verifying, S.under_review, S.need_info, S.preserved, S.rejected, S.withdrawn}
    ),
    S.verifying: frozenset({S.under_review, S.need_info, S.rejected, S.withdrawn}),
    S.under_review: frozenset(
        {S.verifying, S.awaiting_approval, S.need_info, S.preserved, S.rejected, S.withdrawn}
    ),
    S.need_info: frozenset({S.triaged, S.verifying, S.under_review, S.rejected, S.withdrawn}),
    # Sent back to review when the approver disagrees; approval itself is a second person's.
    S.awaiting_approval: frozenset({S.approved, S.under_review, S.rejected, S.withdrawn}),
    S.approved: frozenset({S.producing, S.under_review}),
    S.producing: frozenset({S.delivered, S.approved}),
    S.delivered: frozenset({S.closed}),
    # A hold can be followed by compulsory process on the same case.
    S.preserved: frozenset({S.under_review, S.closed}),
    S.rejected: frozenset({S.closed}),
    S.withdrawn: frozenset({S.closed}),
    S.closed: frozenset(),
}

OPEN_STATUSES = frozenset(s for s in Status if s not in {S.closed, S.rejected, S.withdrawn})
# Reaching any of these meets the "decide" clock: the team has given its answer.
DECIDED_STATUSES = frozenset(
    {
        S.awaiting_approval,
        S.approved,
        S.producing,
        S.delivered,
        S.preserved,
        S.rejected,
        S.withdrawn,
        S.closed,
    }
)
# Leaving "received" (or being assigned) meets the "acknowledge" clock.
ACKNOWLEDGED_STATUSES = frozenset(s for s in Status if s is not S.received)


def allowed_next(current: Status) -> list[Status]:
    return sorted(TRANSITIONS[current])


def can_move(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


# Where a walk forward may start, and the steps it may pass on the way (never a side path
# such as need_info, which waits on the requester).
WALK_STARTS = frozenset(
    {S.received, S.triaged, S.verifying, S.need_info, S.under_review, S.preserved}
)
WALK_STEPS = frozenset({S.triaged, S.verifying, S.under_review})


def route_to(current: Status, target: Status) -> list[Status] | None:
    """The fewest moves from `current` to `target` through the review stage, or None.

    Used when one action implies several moves (submitting a decision from `triaged` passes
    `under_review`): each step is a real, allowed move, so each is recorded on its own.
    """
    if current is target:
        return []
    if current not in WALK_STARTS:
        return None
    paths: dict[Status, list[Status]] = {current: []}
    frontier = [current]
    while frontier:
        nxt = []
        for status in frontier:
            for step in sorted(TRANSITIONS[status]):
                if step in paths or (step is not target and step not in WALK_STEPS):
                    continue
                paths[step] = [*paths[status], step]
                if step is target:
                    return paths[step]
                nxt.append(step)
        frontier = nxt
    return None


# The usual way forward from a status when it is one plain move, offered first on the case
# page. Statuses without one wait on something other than a move: need_info on the requester,
# under_review and awaiting_approval on a decision, approved on a production, preserved on the
# legal process that follows.
USUAL_NEXT: dict[Status, Status] = {
    S.received: S.triaged,
    S.triaged: S.verifying,
    S.verifying: S.under_review,
    S.producing: S.delivered,
    S.delivered: S.closed,
    S.rejected: S.closed,
    S.withdrawn: S.closed,
}


def usual_next(current: Status, *, verified: bool = False) -> Status | None:
    """The move most cases make next from `current`; a case already verified skips verifying."""
    target = USUAL_NEXT.get(current)
    if target is S.verifying and verified:
        target = S.under_review
    return target if target is not None and can_move(current, target) else None
