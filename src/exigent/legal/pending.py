"""Decisions waiting for a second person: which cases a given approver may approve now.

The navigation shows the count on every staff page and the queue filters by the same
condition, so the number and the list it leads to never disagree.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.cases import queries as case_queries
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.legal.models import Approval, Decision, DecisionHand, DecisionStatus


def awaiting_approval_by(user: User) -> ColumnElement[bool]:
    """A case awaiting approval whose submitted decision `user` had no hand in (drafting,
    editing, submitting) and has not already signed off or approved."""
    decision = Decision.__table__
    had_hand = exists().where(
        DecisionHand.decision_id == decision.c.id, DecisionHand.user_id == user.id
    )
    gave_word = exists().where(Approval.decision_id == decision.c.id, Approval.user_id == user.id)
    open_for_user = exists().where(
        decision.c.request_id == Request.id,
        decision.c.status == DecisionStatus.submitted,
        decision.c.drafted_by_id != user.id,
        ~had_hand,
        ~gave_word,
    )
    return and_(Request.status == Status.awaiting_approval, open_for_user)


def pending_approvals(session: Session, user: User) -> int | None:
    """How many cases wait for `user`'s approval; None for a role that cannot approve.

    One count: `ix_requests_queue` (status first) finds the cases awaiting approval, a few
    dozen at most; each looks up its decisions by `ix_decisions_request_id`, then the
    decision's hands and approvals by their `decision_id` indexes.
    """
    if not user_can(user, Permission.disclosure_approve):
        return None
    scoped = case_queries.readable_requests(user).where(awaiting_approval_by(user))
    statement = select(func.count()).select_from(scoped.subquery())
    return int(session.execute(statement).scalar_one())
