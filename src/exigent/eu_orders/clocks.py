"""An order's legal clocks: started from the legal check's obligations, each with a warning
and a breach deadline; met when the duty is done; a removal order's hour paused by an
obstacle and started again, a full hour, when the obstacle ends (2021/784 Art. 3(7)-(8))."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.deadlines import Deadline, schedule
from exigent.eu_orders.models import ClockStatus, EuOrderClock, EuOrderRecord
from exigent.legal.schemas import ORDER_CLOCK_KINDS, Obligation, ObligationKind

WARNING, BREACH = "eu_clock_warning", "eu_clock_breach"
# Clocks that run out at the end of a period rather than demand an act by then: the
# authority's side or a hold's length. They are shown, and warn, but nothing is "breached".
PERIODS = frozenset(
    {
        ObligationKind.eu_preservation_expires,
        ObligationKind.eu_enforcing_period_ends,
        ObligationKind.eu_validation_due,
    }
)


def start_clocks(
    session: Session,
    order: EuOrderRecord,
    obligations: list[Obligation],
    *,
    warning_fraction: float,
    now: datetime,
) -> list[EuOrderClock]:
    """A clock per order obligation of the legal check, with its deadlines."""
    started = []
    for obligation in obligations:
        if obligation.kind not in ORDER_CLOCK_KINDS:
            continue
        due = obligation.due
        assert isinstance(due, datetime)  # the order's clocks are instants, never dates
        clock = EuOrderClock(
            order_id=order.id,
            kind=str(obligation.kind),
            status=ClockStatus.running,
            started_at=order.received_at,
            due_at=due,
        )
        session.add(clock)
        session.flush()
        _schedule(session, order, clock, warning_fraction, now)
        started.append(clock)
    return started


def _schedule(
    session: Session,
    order: EuOrderRecord,
    clock: EuOrderClock,
    warning_fraction: float,
    now: datetime,
) -> None:
    span = clock.due_at - clock.started_at
    warn_at = clock.started_at + span * warning_fraction
    data = {"clock_id": clock.id, "clock": clock.kind, "due_at": clock.due_at.isoformat()}
    schedule(
        session,
        kind=WARNING,
        due_at=max(warn_at, now),
        request_id=order.request_id,
        data=data,
        wake=warn_at <= now,
    )
    schedule(session, kind=BREACH, due_at=clock.due_at, request_id=order.request_id, data=data)


def clock_of(order: EuOrderRecord, kind: ObligationKind) -> EuOrderClock | None:
    return next((c for c in order.clocks if c.kind == kind), None)


def meet(order: EuOrderRecord, kind: ObligationKind, now: datetime) -> EuOrderClock | None:
    """The duty is done: the clock stops and its pending deadlines will find it met."""
    clock = clock_of(order, kind)
    if clock is not None and clock.status is not ClockStatus.met:
        clock.status, clock.met_at = ClockStatus.met, now
    return clock


def pause(order: EuOrderRecord, kind: ObligationKind, now: datetime) -> EuOrderClock | None:
    """An obstacle the provider cannot help stops the clock until it ends."""
    clock = clock_of(order, kind)
    if clock is not None and clock.status is ClockStatus.running:
        clock.status, clock.paused_at = ClockStatus.paused, now
    return clock


def restart(
    session: Session,
    order: EuOrderRecord,
    kind: ObligationKind,
    span: timedelta,
    *,
    warning_fraction: float,
    now: datetime,
) -> EuOrderClock | None:
    """The obstacle ended: the clock runs its whole span again from now (Art. 3(7)-(8))."""
    clock = clock_of(order, kind)
    if clock is None or clock.status is ClockStatus.met:
        return clock
    clock.status, clock.paused_at, clock.breached_at = ClockStatus.running, None, None
    clock.started_at, clock.due_at = now, now + span
    session.flush()
    _schedule(session, order, clock, warning_fraction, now)
    return clock


def move_due(
    session: Session,
    order: EuOrderRecord,
    kind: ObligationKind,
    due_at: datetime,
    *,
    warning_fraction: float,
    now: datetime,
) -> EuOrderClock | None:
    """A period the authority lengthened (a preservation order extended, Art. 11)."""
    clock = clock_of(order, kind)
    if clock is None:
        return None
    clock.due_at, clock.status, clock.met_at = due_at, ClockStatus.running, None
    session.flush()
    _schedule(session, order, clock, warning_fraction, now)
    return clock


def pending(session: Session, clock: EuOrderClock) -> list[Deadline]:
    """The clock's deadlines not yet fired."""
    rows = session.scalars(
        select(Deadline).where(
            Deadline.request_id == clock.order.request_id,
            Deadline.kind.in_((WARNING, BREACH)),
            Deadline.fired_at.is_(None),
        )
    )
    return [row for row in rows if row.data.get("clock_id") == clock.id]
