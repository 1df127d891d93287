"""Giving effect to an order, only once a second person approved the decision: content is
withheld in the EU and kept six months (2021/784 Arts. 3, 6; `removal.py`, in the worker
when the order names many items); data is produced and preserved through the existing
production and holds, which this records. Never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.errors import Conflict
from exigent.eu_orders import clocks, removal
from exigent.eu_orders.effect import CONTENT_KINDS, executed
from exigent.eu_orders.models import (
    ClockStatus,
    EuOrderRecord,
    OrderStatus,
)
from exigent.eu_orders.service import hold_follows_order
from exigent.legal.policy import Policy
from exigent.legal.schemas import ObligationKind
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production.models import Production, ProductionStatus
from exigent.production.preservation import active_hold

# The decision was approved by a second person: only then may anything be given effect.
DECIDED = frozenset({Status.approved, Status.producing, Status.delivered, Status.preserved})
PRODUCTION_KINDS = frozenset({"eu_production_order", "dsa_information_order"})


@dataclass
class Executed:
    """What an attempt achieved: the order executed, or the problems naming their field."""

    order: EuOrderRecord
    problems: list[dict[str, str]] = field(default_factory=list)
    # The removal went to the worker: the panel shows its progress.
    in_the_worker: bool = False


def execute(
    session: Session,
    *,
    request: Request,
    order: EuOrderRecord,
    user: User,
    adapter: PlatformAdapter,
    settings: Settings,
    policy: Policy,
    now: datetime,
) -> Executed:
    """Give effect to the order as its kind calls for, once it may be."""
    require(user, Permission.production_build)
    _check_may_execute(request, order, now)
    actor = actor_for(user)
    if order.kind in CONTENT_KINDS:
        return _take_down(session, request, order, user, adapter, settings, policy, now)
    if order.kind in PRODUCTION_KINDS:
        given = _production_built(session, request)
    else:
        given = _held(session, request)
        hold_follows_order(session, request, order, settings=settings, actor=actor, now=now)
    executed(session, request, order, actor, user.id, given, now)
    return Executed(order)


def _take_down(
    session: Session,
    request: Request,
    order: EuOrderRecord,
    user: User,
    adapter: PlatformAdapter,
    settings: Settings,
    policy: Policy,
    now: datetime,
) -> Executed:
    """A few items removed now, while the analyst waits; more by the worker."""
    if removal.in_the_worker(order):
        removal.start_in_worker(session, request=request, order=order, user=user, now=now)
        return Executed(order, in_the_worker=True)
    problems: list[removal.Problem] = []
    for item in removal.pending(order):
        problem = removal.remove_item(
            session,
            request=request,
            item=item,
            user=user,
            adapter=adapter,
            settings=settings,
            policy=policy,
            now=now,
        )
        problems += [problem] if problem else []
    said = removal.settle(
        session, request=request, order=order, user=user, problems=problems, now=now
    )
    return Executed(order, said)


def _check_may_execute(request: Request, order: EuOrderRecord, now: datetime) -> None:
    if order.status is OrderStatus.awaiting_confirmation:
        raise Conflict("confirm the certificate's fields against the order received first")
    if order.status is OrderStatus.executed:
        raise Conflict(f"the order was executed on {order.effect_given_at:%Y-%m-%d %H:%M} UTC")
    if order.status is OrderStatus.removing:
        done = sum(1 for i in order.items if i.restricted_at is not None)
        raise Conflict(f"the removal is under way: {done} of {len(order.items)} items disabled")
    if request.status not in DECIDED:
        raise Conflict(
            "the order can be executed only after its decision is approved by a second person "
            f"(the case is {request.status})"
        )
    period = clocks.clock_of(order, ObligationKind.eu_enforcing_period_ends)
    if period is not None and period.status is ClockStatus.running and period.due_at > now:
        raise Conflict(
            "the enforcing state's authority may raise grounds for refusal until "
            f"{period.due_at:%Y-%m-%d %H:%M} UTC (Regulation (EU) 2023/1543, Art. 12); "
            "production waits until then"
        )


def _production_built(session: Session, request: Request) -> datetime:
    built = session.scalars(
        select(Production)
        .where(Production.request_id == request.id, Production.status == ProductionStatus.built)
        .order_by(Production.id)
    ).first()
    if built is None or built.built_at is None:
        raise Conflict("build the production first; the order is executed when it is built")
    return built.built_at


def _held(session: Session, request: Request) -> datetime:
    hold = active_hold(session, request.id)
    if hold is None:
        raise Conflict("place the preservation hold first; the order is executed by it")
    return hold.created_at
