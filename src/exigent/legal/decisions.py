"""Decisions: drafted per target and requested category, submitted, signed off, approved.

Drafting refuses what the policy does not permit; approval is in `approval.py`, shared with
the lifecycle, so there is exactly one way to approve a disclosure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import refuse, require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status, route_to
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord, RequestKind
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict
from exigent.legal.approval import (
    current_decision,
    mark_decided,
    needs_legal_sign_off,
    record_approval,
)
from exigent.legal.checks import AfterJudging, judge_case, latest_check
from exigent.legal.models import (
    DISCLOSING,
    ApprovalKind,
    Decision,
    DecisionHand,
    DecisionItem,
    DecisionStatus,
    LegalCheckRecord,
    Outcome,
)
from exigent.legal.notify import timeline_entry
from exigent.legal.schemas import CategoryRuling
from exigent.legal.versions import current_policy

# Once a case is approved or beyond, its decision is history, not a draft.
SETTLED = frozenset(
    {
        Status.approved,
        Status.producing,
        Status.delivered,
        Status.closed,
        Status.rejected,
        Status.withdrawn,
    }
)


@dataclass(frozen=True)
class DraftStart:
    """What the draft form shows first for one target and category."""

    outcome: str
    reason: str
    # Why the earlier decision's choice is not kept (its ruling changed), for the drafter.
    changed: str | None = None


def draft_basis(session: Session, request_id: int) -> Decision | None:
    """The case's newest decision of any status: a new draft starts from it."""
    return session.execute(
        select(Decision)
        .where(Decision.request_id == request_id)
        .order_by(Decision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def draft_start(
    session: Session, request: Request, check: LegalCheckRecord, basis: Decision | None
) -> dict[str, DraftStart]:
    """Per `target:category`, what a draft starts from: the basis decision's choice where its
    category is ruled as it was then, else the ruling's default (a withdrawn decision is not
    retyped, but what the new policy changed is chosen afresh)."""
    then = session.get(LegalCheckRecord, basis.legal_check_id) if basis else None
    rulings_then = then.categories if then else {}
    earlier = {(i.target_id, str(i.category)): i for i in basis.items} if basis else {}
    start = {}
    for target in request.targets:
        for category, ruling in check.categories.items():
            default = "disclose" if ruling == CategoryRuling.permitted else "withhold"
            item = earlier.get((target.id, category))
            if item is None:
                chosen = DraftStart(default, "")
            elif rulings_then.get(category) == ruling:
                chosen = DraftStart(str(item.outcome), item.reason)
            else:
                was = str(rulings_then.get(category, "not requested")).replace("_", " ")
                chosen = DraftStart(
                    default, "", f"was {item.outcome} when {was}; now {ruling.replace('_', ' ')}"
                )
            start[f"{target.id}:{category}"] = chosen
    return start


@dataclass(frozen=True)
class ItemDraft:
    target_id: int
    category: str
    outcome: Outcome
    reason: str


def ensure_check(
    session: Session,
    user: User,
    request: Request,
    now: datetime,
    after_judging: Sequence[AfterJudging],
) -> LegalCheckRecord:
    """The case's current legal check; a case from before the engine ran is judged now."""
    check = latest_check(session, request.id)
    if check is None:
        record = IntakeRecord.model_validate(request.record)
        check = judge_case(
            session,
            request=request,
            record=record,
            actor=actor_for(user),
            now=now,
            after_judging=after_judging,
        )
    return check


def draft(
    session: Session,
    *,
    user: User,
    request_id: int,
    rationale: str,
    emergency_attested: bool,
    items: list[ItemDraft],
    after_judging: Sequence[AfterJudging],
    legal_bases: Sequence[str] = (),
    now: datetime | None = None,
) -> Decision:
    """Write (or rewrite) the case's draft decision; refuses categories the policy forbids."""
    now = now or utcnow()
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.decision_draft, action="decision.draft", request_id=request.id
    )
    if request.status in SETTLED:
        raise Conflict(f"the case is {request.status}; its decision can no longer change")
    check = ensure_check(session, user, request, now, after_judging)
    labels = _check_items(user, request, check, items)
    bases = _check_bases(session, request, legal_bases, items)
    _check_rationale(request, rationale, emergency_attested, bases)
    decision = _open_draft(session, user, request, check, now)
    decision.rationale = rationale.strip()
    decision.emergency_attested = emergency_attested
    decision.legal_bases = bases
    # Old items go first: the new set may reuse a (target, category) pair the unique key guards.
    decision.items.clear()
    session.flush()
    _add_hand(decision, user, now)
    decision.items.extend(
        DecisionItem(
            target_id=item.target_id,
            target_label=labels[item.target_id],
            category=item.category,
            outcome=item.outcome,
            reason=item.reason.strip(),
        )
        for item in items
    )
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="decision.draft",
        object_type="decision",
        object_id=decision.id,
        after=_snapshot(decision),
        detail={"request_id": request.id},
        at=now,
    )
    return decision


# A referral relying on these discloses on the drafter's good-faith belief of an emergency.
GOOD_FAITH_BASES = frozenset({"2702b8", "2702c4"})


def _check_bases(
    session: Session, request: Request, chosen: Sequence[str], items: list[ItemDraft]
) -> list[str]:
    """The legal bases a referral's disclosure relies on: known to the policy, and at least
    one when anything is disclosed. Other kinds rely on their process and take none."""
    bases = list(dict.fromkeys(b.strip() for b in chosen if b.strip()))
    if request.kind != RequestKind.referral:
        if bases:
            raise BadInput(
                "legal_bases: only a referral records its legal bases on the decision",
                field="legal_bases",
            )
        return []
    known = current_policy(session).policy.referrals.legal_bases
    unknown = [b for b in bases if b not in known]
    if unknown:
        raise BadInput(
            f"legal_bases: {', '.join(unknown)} is not a legal basis of the policy "
            f"({', '.join(known)})",
            field="legal_bases",
        )
    if not bases and any(item.outcome in DISCLOSING for item in items):
        raise BadInput(
            "legal_bases: a referral discloses only on a legal basis; confirm at least one "
            "(18 U.S.C. 2702(b)(8)/(c)(4), 2258A, DSA Art. 18, 2021/784 Art. 14(5))",
            field="legal_bases",
        )
    return bases


def _check_rationale(
    request: Request, rationale: str, emergency_attested: bool, bases: Sequence[str] = ()
) -> None:
    if not rationale.strip():
        raise BadInput("rationale: required; write why each outcome is right", field="rationale")
    if GOOD_FAITH_BASES & set(bases) and not emergency_attested:
        raise BadInput(
            "emergency_attested: required for a referral relying on 18 U.S.C. 2702(b)(8) or "
            "(c)(4): attest the good-faith belief, from the threat assessment, that an "
            "emergency involving danger of death or serious physical injury requires "
            "disclosure without delay",
            field="emergency_attested",
        )
    if request.kind == RequestKind.emergency and not emergency_attested:
        raise BadInput(
            "emergency_attested: required for an emergency: attest the good-faith belief that "
            "an emergency involving danger of death or serious physical injury requires "
            "disclosure without delay (18 U.S.C. 2702(b)(8), (c)(4))",
            field="emergency_attested",
        )


def _check_items(
    user: User, request: Request, check: LegalCheckRecord, items: list[ItemDraft]
) -> dict[int, str]:
    """Validate each item; returns each target's label. Forbidden categories are refused."""
    # An order that acts on content (a removal order) names no account and asks for no data:
    # its decision is to execute it, in the rationale, with nothing to disclose or withhold.
    if not items and check.categories:
        raise BadInput("items: at least one target and category", field="items")
    targets = {t.id: f"{t.identifier_type}:{t.value}" for t in request.targets}
    seen: set[tuple[int, str]] = set()
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if item.target_id not in targets:
            raise BadInput(f"{where}.target_id: {item.target_id} is not a target of this case")
        if item.category not in check.categories:
            requested = ", ".join(check.categories) or "nothing"
            raise BadInput(f"{where}.category: {item.category} was not requested ({requested})")
        if (item.target_id, item.category) in seen:
            raise BadInput(f"{where}: a second item for the same target and category")
        seen.add((item.target_id, item.category))
        if not item.reason.strip():
            raise BadInput(f"{where}.reason: required")
        ruling = check.categories[item.category]
        if item.outcome in DISCLOSING and ruling == CategoryRuling.not_permitted:
            raise refuse(
                user,
                f"{where}: {item.category} is not permitted for this {request.kind} under policy "
                f"version {check.policy_version}; it can only be withheld",
                status_code=403,
                action="decision.draft",
                request_id=request.id,
                category=item.category,
                outcome=str(item.outcome),
            )
    return targets


def _open_draft(
    session: Session, user: User, request: Request, check: LegalCheckRecord, now: datetime
) -> Decision:
    """The draft to write into: the current one, or a new one superseding a decided one."""
    current = current_decision(session, request.id)
    if current is not None and current.status == DecisionStatus.draft:
        current.drafted_by_id = user.id
        current.policy_version = check.policy_version
        current.legal_check_id = check.id
        current.updated_at = now
        return current
    if current is not None and current.status == DecisionStatus.submitted:
        # Withdrawn from approval by the new draft; approved and rejected ones stay as history.
        current.status = DecisionStatus.superseded
        current.updated_at = now
    decision = Decision(
        request_id=request.id,
        drafted_by_id=user.id,
        rationale="",
        status=DecisionStatus.draft,
        policy_version=check.policy_version,
        legal_check_id=check.id,
        created_at=now,
        updated_at=now,
    )
    session.add(decision)
    return decision


def _add_hand(decision: Decision, user: User, now: datetime) -> None:
    """Remember everyone who wrote or submitted the decision: none of them may approve it."""
    if all(hand.user_id != user.id for hand in decision.hands):
        decision.hands.append(DecisionHand(user_id=user.id, first_at=now))


def _snapshot(decision: Decision) -> dict[str, object]:
    return {
        "rationale": decision.rationale,
        "emergency_attested": decision.emergency_attested,
        "legal_bases": list(decision.legal_bases or []),
        "policy_version": decision.policy_version,
        "items": [
            {"target": i.target_label, "category": i.category, "outcome": str(i.outcome)}
            for i in decision.items
        ],
    }


def submit(
    session: Session, *, user: User, request_id: int, now: datetime | None = None
) -> Decision:
    """Hand the draft to a second person; the case moves to awaiting approval when it can."""
    now = now or utcnow()
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.decision_draft, action="decision.submit", request_id=request.id
    )
    decision = current_decision(session, request.id)
    if decision is None or decision.status != DecisionStatus.draft:
        raise Conflict("there is no draft decision to submit on this case")
    _check_complete(session, request, decision)
    route = route_to(request.status, Status.awaiting_approval)
    if route is None:
        raise Conflict(
            f"the case is {request.status}; a decision can be submitted only while the case "
            "is in review"
        )
    _add_hand(decision, user, now)
    decision.status = DecisionStatus.submitted
    decision.submitted_at = decision.updated_at = now
    session.flush()
    actor = actor_for(user)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="decision_submitted",
        at=now,
        body=f"Decision {decision.id} submitted for approval.",
        data={
            "decision_id": decision.id,
            "needs_legal_sign_off": needs_legal_sign_off(session, decision),
        },
    )
    record_event(
        session,
        actor=actor,
        action="decision.submit",
        object_type="decision",
        object_id=decision.id,
        after=_snapshot(decision),
        detail={"request_id": request.id},
        at=now,
    )
    # Each step is a move of its own: on the timeline, audited, checked against the lifecycle.
    for step in route:
        cases.transition(
            session,
            user=user,
            request_id=request.id,
            to=step,
            reason=f"Decision {decision.id} submitted for approval.",
            now=now,
        )
    return decision


def _check_complete(session: Session, request: Request, decision: Decision) -> None:
    """Every target needs an outcome for every requested category."""
    check = session.get(LegalCheckRecord, decision.legal_check_id)
    categories = list(check.categories) if check else []
    covered = {(i.target_id, i.category) for i in decision.items}
    missing = [
        f"{t.identifier_type}:{t.value} / {c}"
        for t in request.targets
        for c in categories
        if (t.id, c) not in covered
    ]
    if missing:
        raise BadInput(f"items: no outcome yet for {', '.join(missing)}", field="items")


def sign_off(
    session: Session, *, user: User, request_id: int, note: str | None, now: datetime | None = None
) -> Decision:
    """Legal's sign-off on the categories the policy sends to legal review."""
    now = now or utcnow()
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.decision_sign_off, action="decision.legal_sign_off", request_id=request.id
    )
    decision = current_decision(session, request.id)
    if decision is None or decision.status != DecisionStatus.submitted:
        raise Conflict("there is no submitted decision to sign off on this case")
    if user.id in decision.hand_ids:
        raise refuse(
            user,
            "legal sign-off must come from someone who did not draft, edit or submit the decision",
            status_code=403,
            action="decision.legal_sign_off",
            request_id=request.id,
        )
    record_approval(session, user, request, decision, ApprovalKind.legal_sign_off, note, now)
    return decision


def approve(
    session: Session,
    *,
    user: User,
    request_id: int,
    note: str | None,
    guard: cases.MoveGuard,
    now: datetime | None = None,
) -> Request:
    """Approve by moving the case to `approved`: `guard` runs every approval check."""
    return cases.transition(
        session,
        user=user,
        request_id=request_id,
        to=Status.approved,
        reason=note,
        now=now,
        guard=guard,
    )


def reject(
    session: Session, *, user: User, request_id: int, note: str, now: datetime | None = None
) -> Decision:
    """Send the decision back; the case returns to review when it was awaiting approval."""
    now = now or utcnow()
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.disclosure_approve, action="decision.reject", request_id=request.id
    )
    if not note.strip():
        raise BadInput("note: say why the decision is sent back", field="note")
    decision = current_decision(session, request.id)
    if decision is None or decision.status != DecisionStatus.submitted:
        raise Conflict("there is no submitted decision to reject on this case")
    mark_decided(session, decision, DecisionStatus.rejected, now)
    record_approval(session, user, request, decision, ApprovalKind.rejection, note, now)
    if request.status is Status.awaiting_approval:
        cases.transition(
            session, user=user, request_id=request.id, to=Status.under_review, reason=note, now=now
        )
    return decision
