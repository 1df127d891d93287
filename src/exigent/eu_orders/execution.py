"""Giving effect to an order, only once a second person approved the decision: content is
withheld in the EU through the takedown seam and kept six months (2021/784 Arts. 3, 6); data
is produced and preserved through the existing production and holds, which this records.
Never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.errors import Conflict
from exigent.eu_orders import clocks, messages, takedown
from exigent.eu_orders.models import (
    ClockStatus,
    EuOrderContent,
    EuOrderRecord,
    MessageKind,
    Obstacle,
    OrderStatus,
)
from exigent.eu_orders.service import hold_follows_order, report_obstacle
from exigent.files import FileStore
from exigent.legal.notify import timeline_entry
from exigent.legal.policy import Policy
from exigent.legal.schemas import ObligationKind
from exigent.platform_data.adapter import AdapterUnavailable, Content, PlatformAdapter, Restriction
from exigent.production.content_hold import PreservedContent, keep_until
from exigent.production.models import Production, ProductionStatus
from exigent.production.preservation import active_hold, record_content_hold

# The decision was approved by a second person: only then may anything be given effect.
DECIDED = frozenset({Status.approved, Status.producing, Status.delivered, Status.preserved})
CONTENT_KINDS = frozenset({"eu_removal_order", "dsa_order_to_act"})
PRODUCTION_KINDS = frozenset({"eu_production_order", "dsa_information_order"})


@dataclass
class Executed:
    """What an attempt achieved: the order executed, or the problems naming their field."""

    order: EuOrderRecord
    problems: list[dict[str, str]] = field(default_factory=list)


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
        outcome = _take_down(session, request, order, user, adapter, settings, policy, now)
        if outcome.problems:
            return outcome
        given = now
    elif order.kind in PRODUCTION_KINDS:
        given = _production_built(session, request)
    else:
        given = _held(session, request)
        hold_follows_order(session, request, order, settings=settings, actor=actor, now=now)
    _executed(session, request, order, actor, user.id, given, now)
    return Executed(order)


def _check_may_execute(request: Request, order: EuOrderRecord, now: datetime) -> None:
    if order.status is OrderStatus.awaiting_confirmation:
        raise Conflict("confirm the certificate's fields against the order received first")
    if order.status is OrderStatus.executed:
        raise Conflict(f"the order was executed on {order.effect_given_at:%Y-%m-%d %H:%M} UTC")
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
    """Withhold each item in the EU and keep it six months; an item the platform does not
    have is a manifest error, a platform that cannot act a de facto impossibility: the
    authority is told (the message is drafted), naming the locator, and the hour waits."""
    store = FileStore(settings.file_store)
    problems: list[dict[str, str]] = []
    obstacle = Obstacle.manifest_errors
    for item in order.items:
        if item.restricted_at is not None:
            continue
        where = f"eu_order.content[{item.position}].locator"
        try:
            content = takedown.find(adapter, item.locator)
            if content is None:
                item.not_found = True
                problems.append({"field": where, "problem": f"no content at {item.locator}"})
                continue
            restriction = takedown.restrict(
                adapter,
                content,
                reference=f"{request.reference}/{item.position}",
                reason=item.reason or "removal order",
            )
            kept = takedown.keep(adapter, store, content, restriction, removed_at=now, now=now)
            address = takedown.provider_address(adapter, content)
        except AdapterUnavailable as exc:
            obstacle = Obstacle.de_facto_impossibility
            problems.append(
                {"field": where, "problem": f"the platform could not act: {exc.message}"}
            )
            continue
        _record_removal(
            session, request, user, settings, policy, item, content, restriction, kept, now
        )
        item.restriction = {**item.restriction, "provider_address": address}
    if problems:
        report_obstacle(
            session,
            request=request,
            order=order,
            obstacle=obstacle,
            detail="\n".join(_for_the_authority(p) for p in problems),
            actor=actor_for(user),
            user_id=user.id,
            now=now,
        )
    return Executed(order, problems)


def _for_the_authority(problem: dict[str, str]) -> str:
    """A problem in the authority's words: the item of its order, not our field path."""
    position = int(problem["field"].split("[", 1)[1].split("]", 1)[0])
    return f"Item {position + 1} of the order: {problem['problem']}."


def _record_removal(
    session: Session,
    request: Request,
    user: User,
    settings: Settings,
    policy: Policy,
    item: EuOrderContent,
    content: Content,
    restriction: Restriction,
    kept: PreservedContent,
    now: datetime,
) -> None:
    """The item as removed, and its hold: six months, or the policy's longer period."""
    days = policy.eu_orders.clocks.removed_content_hold_days
    hold = record_content_hold(
        session,
        user=user,
        request=request,
        preserved=kept,
        settings=settings,
        now=now,
        expires_at=max(keep_until(now), now + timedelta(days=days)),
    )
    item.not_found, item.content_ref, item.restricted_at = False, content.content_id, now
    item.restriction = {
        "regions": list(restriction.regions),
        "reference": restriction.reference,
        "restricted_at": restriction.restricted_at,
        "manifest_sha256": kept.manifest_sha256,
    }
    item.hold_id = hold.id


def _by_provider(order: EuOrderRecord) -> dict[str, list[str]]:
    """The removed items by the address the platform has for their provider; "" collects
    those it has none for, which the analyst addresses."""
    found: dict[str, list[str]] = {}
    for item in order.items:
        if item.restricted_at is not None:
            address = str(item.restriction.get("provider_address") or "")
            found.setdefault(address, []).append(item.locator)
    return found


def _executed(
    session: Session,
    request: Request,
    order: EuOrderRecord,
    actor: Actor,
    user_id: int,
    given: datetime,
    now: datetime,
) -> None:
    order.status, order.effect_given_at = OrderStatus.executed, given
    order.obstacle = order.obstacle_since = None
    clocks.meet(order, ObligationKind.eu_execute_by, now)
    messages.draft(
        session,
        order=order,
        request=request,
        kind=MessageKind.execution,
        actor=actor,
        user_id=user_id,
        now=now,
    )
    certificate = request.record.get("eu_order") or {}
    if order.kind in CONTENT_KINDS and certificate.get("content_provider_may_be_told") is not False:
        for address, locators in _by_provider(order).items():
            messages.draft(
                session,
                order=order,
                request=request,
                kind=MessageKind.content_provider,
                actor=actor,
                user_id=user_id,
                now=now,
                to_address=address,
                locators=locators,
            )
    body = f"The order was executed: effect given on {given:%Y-%m-%d %H:%M:%S} UTC."
    timeline_entry(
        session, request_id=request.id, actor=actor, kind="eu_executed", at=now, body=body
    )
    record_event(
        session,
        actor=actor,
        action="eu_order.execute",
        object_type="request",
        object_id=request.id,
        detail={"kind": order.kind, "effect_given_at": given.isoformat()},
        at=now,
    )
