"""Removing the content an order names: each item withheld in the EU and kept six months
(2021/784 Arts. 3, 6), through the takedown seam. Never commits.

A few items are removed while the analyst waits. More run in the worker, one item per
deadline and transaction, so the case row is locked only while one item's copy is written
and the order's panel shows each item as it goes; the order is executed when the last item
is, and effect was given when that last item was disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.deadlines import Deadline, schedule
from exigent.eu_orders import takedown
from exigent.eu_orders.effect import executed
from exigent.eu_orders.models import EuOrderContent, EuOrderRecord, Obstacle, OrderStatus
from exigent.eu_orders.service import report_obstacle
from exigent.files import FileStore
from exigent.legal.notify import timeline_entry
from exigent.legal.policy import Policy
from exigent.legal.versions import current_policy
from exigent.platform_data.adapter import AdapterUnavailable, Content, PlatformAdapter, Restriction
from exigent.platform_data.registry import open_adapter
from exigent.production.content_hold import PreservedContent, keep_until
from exigent.production.preservation import record_content_hold

# Up to this many items the analyst waits (a few seconds); more go to the worker.
AT_ONCE = 5
REMOVE_KIND = "eu_remove_content"


@dataclass(frozen=True)
class Problem:
    """Why one item could not be removed, naming its field, and what kind of obstacle it is."""

    field: str
    problem: str
    obstacle: Obstacle

    def said(self) -> dict[str, str]:
        return {"field": self.field, "problem": self.problem}


def pending(order: EuOrderRecord) -> list[EuOrderContent]:
    """The items not yet withheld, in the order's order."""
    return sorted((i for i in order.items if i.restricted_at is None), key=lambda i: i.position)


def in_the_worker(order: EuOrderRecord) -> bool:
    return len(pending(order)) > AT_ONCE


def remove_item(
    session: Session,
    *,
    request: Request,
    item: EuOrderContent,
    user: User,
    adapter: PlatformAdapter,
    settings: Settings,
    policy: Policy,
    now: datetime,
) -> Problem | None:
    """Withhold one item in the EU and keep it; an item the platform does not have is a
    manifest error, a platform that cannot act a de facto impossibility."""
    where = f"eu_order.content[{item.position}].locator"
    try:
        content = takedown.find(adapter, item.locator)
        if content is None:
            item.not_found = True
            return Problem(where, f"no content at {item.locator}", Obstacle.manifest_errors)
        restriction = takedown.restrict(
            adapter,
            content,
            reference=f"{request.reference}/{item.position}",
            reason=item.reason or "removal order",
        )
        store = FileStore(settings.file_store)
        kept = takedown.keep(adapter, store, content, restriction, removed_at=now, now=now)
    except AdapterUnavailable as exc:
        said = f"the platform could not act: {exc.message}"
        return Problem(where, said, Obstacle.de_facto_impossibility)
    address = takedown.provider_address(adapter, content)
    _record_removal(session, request, user, policy, settings, item, content, restriction, kept, now)
    item.restriction = {**item.restriction, "provider_address": address}
    return None


def settle(
    session: Session,
    *,
    request: Request,
    order: EuOrderRecord,
    user: User,
    problems: list[Problem],
    now: datetime,
) -> list[dict[str, str]]:
    """Every item was tried: the order is executed, effect given when the last item was
    disabled; or the authority is told what stood in the way (drafted) and the hour waits."""
    if problems:
        impossible = any(p.obstacle is Obstacle.de_facto_impossibility for p in problems)
        report_obstacle(
            session,
            request=request,
            order=order,
            obstacle=Obstacle.de_facto_impossibility if impossible else Obstacle.manifest_errors,
            detail="\n".join(_for_the_authority(p) for p in problems),
            actor=actor_for(user),
            user_id=user.id,
            now=now,
        )
        return [p.said() for p in problems]
    given = max((i.restricted_at for i in order.items if i.restricted_at), default=now)
    executed(session, request, order, actor_for(user), user.id, given, now)
    return []


def start_in_worker(
    session: Session, *, request: Request, order: EuOrderRecord, user: User, now: datetime
) -> None:
    """Hand the removal to the worker: the page answers at once and shows the progress."""
    count = len(pending(order))
    order.status = OrderStatus.removing
    _schedule_step(session, order, user.id, -1, [], now)
    body = f"Removal of {count} items started; each is disabled in the EU in turn."
    actor = actor_for(user)
    timeline_entry(
        session, request_id=request.id, actor=actor, kind="eu_removal_started", at=now, body=body
    )
    record_event(
        session,
        actor=actor,
        action="eu_order.removal_started",
        object_type="request",
        object_id=request.id,
        detail={"items": count},
        at=now,
    )


def remove_next(session: Session, deadline: Deadline, now: datetime) -> str:
    """The worker's step: the next item of an order being removed, in its own transaction;
    the last step executes the order or reports what stood in the way."""
    order = session.get(EuOrderRecord, int(deadline.data["order_id"]))
    user = session.get(User, int(deadline.data["user_id"]))
    if order is None or user is None or order.status is not OrderStatus.removing:
        return "met"
    # The case row is locked before anything is written to its audit chain.
    request = cases.load_for(session, user, order.request_id, for_update=True)
    session.refresh(order)
    if order.status is not OrderStatus.removing:
        return "met"  # an analyst stopped it meanwhile (an obstacle reported)
    after = int(deadline.data["after"])
    problems = [_problem(p) for p in deadline.data.get("problems") or []]
    item = _after(order, after)
    if item is not None:
        settings: Settings = session.info["settings"]
        with open_adapter(settings) as adapter:
            problem = remove_item(
                session,
                request=request,
                item=item,
                user=user,
                adapter=adapter,
                settings=settings,
                policy=current_policy(session).policy,
                now=now,
            )
        problems += [problem] if problem else []
        if _after(order, item.position) is not None:
            _schedule_step(session, order, user.id, item.position, problems, now)
            return "fired"
    settle(session, request=request, order=order, user=user, problems=problems, now=now)
    return "fired"


def _after(order: EuOrderRecord, position: int) -> EuOrderContent | None:
    return next((i for i in pending(order) if i.position > position), None)


def _problem(said: dict[str, str]) -> Problem:
    return Problem(said["field"], said["problem"], Obstacle(said["obstacle"]))


def _schedule_step(
    session: Session,
    order: EuOrderRecord,
    user_id: int,
    after: int,
    problems: list[Problem],
    now: datetime,
) -> None:
    schedule(
        session,
        kind=REMOVE_KIND,
        due_at=now,
        request_id=order.request_id,
        data={
            "order_id": order.id,
            "user_id": user_id,
            "after": after,
            "problems": [{**p.said(), "obstacle": str(p.obstacle)} for p in problems],
        },
        wake=True,
    )


def _for_the_authority(problem: Problem) -> str:
    """A problem in the authority's words: the item of its order, not our field path."""
    position = int(problem.field.split("[", 1)[1].split("]", 1)[0])
    return f"Item {position + 1} of the order: {problem.problem}."


def _record_removal(
    session: Session,
    request: Request,
    user: User,
    policy: Policy,
    settings: Settings,
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
