"""The engine on every case: judge at intake and on every record change, store the result,
turn its obligations into deadlines and keep the COPPA flag current."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord
from exigent.deadlines import Deadline
from exigent.legal.coppa import coppa_reasons, stated_child
from exigent.legal.engine import judge
from exigent.legal.models import LegalCheckRecord
from exigent.legal.schemas import ORDER_CLOCK_KINDS, LegalCheck, Obligation
from exigent.legal.versions import current_policy

OBLIGATION_PREFIX = "obligation_"


def obligation_deadline_kind(kind: str) -> str:
    """`preservation_expires` -> `obligation_preservation_expires`."""
    return f"{OBLIGATION_PREFIX}{kind}"


class AfterJudging(Protocol):
    """What another domain does once a case is judged (notice keeps the user notices in step
    with the obligations); the application assembles these (`exigent.workflow.judging`)."""

    def __call__(
        self,
        session: Session,
        *,
        request: Request,
        record: IntakeRecord,
        obligations: list[Obligation],
        actor: Actor,
        now: datetime,
        first: bool,
    ) -> None: ...


def judge_case(
    session: Session,
    *,
    request: Request,
    record: IntakeRecord,
    actor: Actor,
    now: datetime,
    after_judging: Sequence[AfterJudging],
    prejudged: tuple[int, LegalCheck] | None = None,
) -> LegalCheckRecord:
    """Judge the case under the current policy, store the check and (re)schedule obligations.

    `prejudged` is (policy version, check) worked out before the write began; it is used when
    that version is still the current one.
    """
    current = current_policy(session)
    if prejudged is not None and prejudged[0] == current.version:
        check = prejudged[1]
    else:
        check = judge(record, current.policy)
    row = LegalCheckRecord(**check_row(request.id, current.version, check, now))
    session.add(row)
    # A case judged for the first time (intake, the hot path) has no ages or deadlines yet.
    first = request.policy_version is None
    request.policy_version = current.version
    request.coppa = (
        stated_child(record) if first else bool(coppa_reasons(session, request.id, record))
    )
    schedule_obligations(
        session, request=request, obligations=check.obligations, now=now, first=first
    )
    for follow in after_judging:
        follow(
            session,
            request=request,
            record=record,
            obligations=check.obligations,
            actor=actor,
            now=now,
            first=first,
        )
    if first:
        # At intake `request.create` already records the record, and the check is a pure
        # function of it and the policy version stored on the case: no event of its own.
        return row
    session.flush()
    record_event(
        session,
        actor=actor,
        action="legal.judge",
        object_type="request",
        object_id=request.id,
        after={
            "route": row.route,
            "categories": row.categories,
            "policy_version": row.policy_version,
        },
        at=now,
    )
    return row


def check_row(
    request_id: int, policy_version: int, check: LegalCheck, now: datetime
) -> dict[str, Any]:
    """The stored form of a judgement."""
    return {
        "request_id": request_id,
        "policy_version": policy_version,
        "route": str(check.route),
        "categories": {str(k): str(v) for k, v in check.categories.items()},
        "missing_elements": list(check.missing_elements),
        "obligations": [{"kind": str(o.kind), "due": o.due.isoformat()} for o in check.obligations],
        "priority": str(check.priority),
        "judged_at": now,
    }


def latest_check(session: Session, request_id: int) -> LegalCheckRecord | None:
    return session.execute(
        select(LegalCheckRecord)
        .where(LegalCheckRecord.request_id == request_id)
        .order_by(LegalCheckRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def due_instant(due: datetime | date, offset_minutes: int) -> datetime:
    """When a due fires: an instant as is; a date at its first moment in the requester's offset."""
    if isinstance(due, datetime):
        return due.astimezone(UTC)
    zone = timezone(timedelta(minutes=offset_minutes))
    return datetime.combine(due, time(0), tzinfo=zone).astimezone(UTC)


def schedule_obligations(
    session: Session,
    *,
    request: Request,
    obligations: list[Obligation],
    now: datetime,
    first: bool = False,
) -> None:
    """Replace the case's pending obligation deadlines with `obligations`.

    Pending rows are cancelled, not deleted, so the history shows what was once owed; an
    obligation that already fired with the same due is not scheduled again.
    """
    pending = (
        Deadline.request_id == request.id,
        Deadline.kind.startswith(OBLIGATION_PREFIX),
        Deadline.fired_at.is_(None),
    )
    fired: set[tuple[str, str]] = set()
    if not first:
        session.execute(
            update(Deadline)
            .where(*pending)
            .values(fired_at=now, outcome="cancelled")
            .execution_options(synchronize_session=False)
        )
        fired = _fired_obligations(session, request.id)
    rows = obligation_rows(
        request.id, request.received_offset_minutes, obligations, now, already_fired=fired
    )
    if rows:
        session.execute(insert(Deadline), rows)


def obligation_rows(
    request_id: int,
    offset_minutes: int,
    obligations: list[Obligation],
    now: datetime,
    *,
    already_fired: set[tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """A deadline per obligation, but for one that already fired with the same due."""
    rows: list[dict[str, Any]] = []
    for obligation in obligations:
        if obligation.kind in ORDER_CLOCK_KINDS:
            continue  # an EU order's clock is kept by its own domain (`eu_orders.clocks`)
        kind = obligation_deadline_kind(obligation.kind)
        due = obligation.due.isoformat()
        if already_fired and (kind, due) in already_fired:
            continue
        rows.append(
            {
                "kind": kind,
                "due_at": due_instant(obligation.due, offset_minutes),
                "request_id": request_id,
                "data": {"obligation": str(obligation.kind), "due": due},
                "attempts": 0,
                "created_at": now,
            }
        )
    return rows


def _fired_obligations(session: Session, request_id: int) -> set[tuple[str, str]]:
    rows = session.execute(
        select(Deadline.kind, Deadline.data).where(
            Deadline.request_id == request_id,
            Deadline.kind.startswith(OBLIGATION_PREFIX),
            Deadline.outcome == "fired",
        )
    ).all()
    return {(row.kind, str(row.data.get("due"))) for row in rows}


def obligation_deadlines(session: Session, request_id: int) -> list[Deadline]:
    """Every obligation deadline of the case, pending and past, in due order."""
    return list(
        session.execute(
            select(Deadline)
            .where(
                Deadline.request_id == request_id,
                Deadline.kind.startswith(OBLIGATION_PREFIX),
            )
            .order_by(Deadline.due_at, Deadline.id)
        ).scalars()
    )
