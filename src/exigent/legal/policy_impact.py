"""How one policy version bears on work done under another: the rule for approving a decision
drafted under an older version, and what a proposed change would do to open work.

The rule. A decision drafted under version v may be approved while version w is current when
judging its case under w changes nothing the decision relies on: the ruling of every category
it discloses, and, for anything disclosed on compulsory process, that the process is complete
(no element newly required, no route that stops disclosure). What it withholds may be judged
differently: withholding is always allowed. The decision stays recorded under v. When
something did change, the case is judged again (`rechecks`) and the decision drafted again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.cases import queries as case_queries
from exigent.cases.lifecycle import OPEN_STATUSES, Status
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord, RequestKind
from exigent.cases.service import record_list
from exigent.legal.engine import judge
from exigent.legal.models import DISCLOSING, Decision, DecisionStatus, LegalCheckRecord
from exigent.legal.policy import Policy
from exigent.legal.policy_diff import CellChange, diff_documents
from exigent.legal.versions import current_policy, validated_policy, version_document

# A disclosure needs what the request's route asks for; an emergency never waits for paper.
NOT_DISCLOSING_ROUTES = frozenset({"request_info", "reject", "preserve_only"})
# Cases whose answer is not yet given: a change of policy still bears on them.
UNDECIDED = frozenset(
    OPEN_STATUSES - {Status.approved, Status.producing, Status.delivered, Status.closed}
)
OPEN_DECISIONS = (DecisionStatus.draft, DecisionStatus.submitted)
RULING_WORDS = {
    "permitted": "permitted",
    "not_permitted": "not permitted",
    "legal_review": "legal review",
    None: "not requested",
}


class Judged(Protocol):
    """A legal check, stored (`LegalCheckRecord`) or just worked out (`LegalCheck`)."""

    @property
    def route(self) -> Any: ...
    @property
    def categories(self) -> Mapping[Any, Any]: ...
    @property
    def missing_elements(self) -> list[str]: ...


def _rulings(check: Judged) -> dict[str, str]:
    return {str(category): str(ruling) for category, ruling in check.categories.items()}


def disclosed_categories(decision: Decision) -> list[str]:
    return sorted({str(item.category) for item in decision.items if item.outcome in DISCLOSING})


def what_changes(
    *, kind: str, decision: Decision, drafted: Judged | None, judged: Judged
) -> list[str]:
    """What judging the case as `judged` changes about what `decision` (drafted on `drafted`)
    discloses, one line each; empty when it may be approved as drafted."""
    disclosed = disclosed_categories(decision)
    if not disclosed:
        return []
    before = _rulings(drafted) if drafted is not None else {}
    after = _rulings(judged)
    reasons = [
        f"{category.replace('_', ' ')}: {RULING_WORDS.get(before.get(category), '?')} → "
        f"{RULING_WORDS.get(after.get(category), '?')}"
        for category in disclosed
        if before.get(category) != after.get(category)
    ]
    if kind == RequestKind.emergency:
        return reasons
    was_missing = set(drafted.missing_elements) if drafted is not None else set()
    newly_missing = sorted(set(judged.missing_elements) - was_missing)
    if newly_missing:
        reasons.append(f"now required and missing: {', '.join(newly_missing)}")
    old_route = str(drafted.route) if drafted else ""
    new_route = str(judged.route)
    if new_route in NOT_DISCLOSING_ROUTES and new_route != old_route and not newly_missing:
        reasons.append(f"route: {old_route.replace('_', ' ')} → {new_route.replace('_', ' ')}")
    return reasons


def check_differences(before: Judged | None, after: Judged) -> list[str]:
    """How two judgements of one case differ, one line each (route, rulings, elements)."""
    if before is None:
        return ["judged for the first time"]
    lines = []
    if str(before.route) != str(after.route):
        lines.append(
            f"route: {str(before.route).replace('_', ' ')} → {str(after.route).replace('_', ' ')}"
        )
    old, new = _rulings(before), _rulings(after)
    for category in sorted(set(old) | set(new)):
        if old.get(category) != new.get(category):
            lines.append(
                f"{category.replace('_', ' ')}: {RULING_WORDS.get(old.get(category), '?')} → "
                f"{RULING_WORDS.get(new.get(category), '?')}"
            )
    added = sorted(set(after.missing_elements) - set(before.missing_elements))
    removed = sorted(set(before.missing_elements) - set(after.missing_elements))
    if added:
        lines.append(f"now missing: {', '.join(added)}")
    if removed:
        lines.append(f"no longer required: {', '.join(removed)}")
    return lines


UNREADABLE = "its request record cannot be read as an intake record; complete it first"


def readable_record(request: Request) -> IntakeRecord | None:
    """The case's record, or None for one stored before it was whole (it cannot be judged)."""
    try:
        return IntakeRecord.model_validate(request.record)
    except ValidationError:
        return None


def _judge_record(request: Request, policy: Policy) -> Judged | None:
    record = readable_record(request)
    return None if record is None else judge(record, policy)


def _changes(
    request: Request, decision: Decision, drafted: Judged | None, policy: Policy
) -> list[str]:
    judged = _judge_record(request, policy)
    if judged is None:
        return [UNREADABLE]
    return what_changes(kind=request.kind, decision=decision, drafted=drafted, judged=judged)


def changes_since_drafted(session: Session, request: Request, decision: Decision) -> list[str]:
    """What the current policy changes about what `decision` discloses (empty: approvable as
    drafted, under the version it was drafted under)."""
    current = current_policy(session)
    if decision.policy_version == current.version:
        return []
    drafted = session.get(LegalCheckRecord, decision.legal_check_id)
    return _changes(request, decision, drafted, current.policy)


# Open work under a policy


@dataclass(frozen=True)
class OpenDecision:
    """An open decision, and what a policy would change about what it discloses."""

    request_id: int
    reference: str
    kind: str
    case_status: str
    decision_id: int
    decision_status: str
    policy_version: int
    changes: list[str]
    # The current version already stops it being approved as drafted: the edit under review
    # is not what sends it back (set by `policy_impact` only).
    already_needed: bool = False


@dataclass(frozen=True)
class CaseChange:
    """An open case that a policy would judge differently from the current version."""

    request_id: int
    reference: str
    kind: str
    policy_version: int | None
    changes: list[str]


@dataclass(frozen=True)
class Standing:
    """Open decisions under `policy`: those it leaves approvable and those it does not."""

    approvable: list[OpenDecision]
    need_recheck: list[OpenDecision]

    @property
    def newly_blocked(self) -> list[OpenDecision]:
        """Decisions approvable as drafted now that the proposed version would send back."""
        return [d for d in self.need_recheck if not d.already_needed]

    @property
    def already_blocked(self) -> list[OpenDecision]:
        return [d for d in self.need_recheck if d.already_needed]

    @property
    def request_ids(self) -> list[int]:
        return [d.request_id for d in [*self.need_recheck, *self.approvable]]


def _open_decisions(user: User, older_than: int | None) -> Select[Decision, Request]:
    readable = case_queries.readable_requests(user).subquery()
    statement = (
        select(Decision, Request)
        .join(Request, Request.id == Decision.request_id)
        .join(readable, readable.c.id == Request.id)
        .where(
            Decision.status.in_(OPEN_DECISIONS),
            Request.status.in_(sorted(UNDECIDED)),
        )
        .order_by(Request.id)
    )
    if older_than is not None:
        statement = statement.where(Decision.policy_version < older_than)
    return statement


def standing_under(
    session: Session, user: User, policy: Policy, *, older_than: int | None = None
) -> Standing:
    """Each open decision the user may read, judged as `policy` would judge its case; with
    `older_than`, only decisions drafted under an earlier version than that."""
    approvable: list[OpenDecision] = []
    need_recheck: list[OpenDecision] = []
    rows = session.execute(_open_decisions(user, older_than)).all()
    drafted = _checks(session, [decision.legal_check_id for decision, _ in rows])
    for decision, request in rows:
        changes = _changes(request, decision, drafted.get(decision.legal_check_id), policy)
        entry = OpenDecision(
            request_id=request.id,
            reference=request.reference,
            kind=str(request.kind),
            case_status=str(request.status),
            decision_id=decision.id,
            decision_status=str(decision.status),
            policy_version=decision.policy_version,
            changes=changes,
        )
        (need_recheck if changes else approvable).append(entry)
    return Standing(approvable=approvable, need_recheck=need_recheck)


def _checks(session: Session, ids: Iterable[int]) -> dict[int, LegalCheckRecord]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(LegalCheckRecord).where(LegalCheckRecord.id.in_(wanted)))
    return {row.id: row for row in rows.scalars()}


def undecided_cases(user: User) -> Select[Request]:
    """Open cases the user may read whose answer is not given yet, oldest first."""
    return (
        case_queries.readable_requests(user)
        .where(Request.status.in_(sorted(UNDECIDED)))
        .order_by(Request.id)
    )


def judged_differently(
    session: Session, user: User, current: Policy, proposed: Policy
) -> tuple[int, list[CaseChange]]:
    """How many undecided open cases there are, and those `proposed` judges unlike `current`."""
    cases = list(session.execute(undecided_cases(user)).scalars())
    changed = []
    for case in cases:
        now, then = _judge_record(case, current), _judge_record(case, proposed)
        if now is not None and then is not None and now != then:
            changed.append(
                CaseChange(
                    request_id=case.id,
                    reference=case.reference,
                    kind=str(case.kind),
                    policy_version=case.policy_version,
                    changes=check_differences(now, then) or ["obligations"],
                )
            )
    return len(cases), changed


@dataclass(frozen=True)
class PolicyImpact:
    """What saving a proposed policy would change: its cells, and the open work it touches."""

    base_version: int
    document: dict[str, Any]
    cells: list[CellChange]
    open_cases: int
    cases_changed: list[CaseChange]
    standing: Standing


def policy_impact(session: Session, *, user: User, document: dict[str, Any]) -> PolicyImpact:
    """Before saving (legal only): the cells a proposed document changes against the current
    version, the open cases it would judge differently, and the open decisions it would leave
    approvable as drafted or send back for a re-check. The cases shown are audited as read."""
    require_or_refuse(user, Permission.policy_edit, action="policy.preview", request_id=None)
    proposed = validated_policy(document)
    normalised = proposed.model_dump(mode="json")
    current = current_policy(session)
    base = version_document(session, current.version)
    open_cases, changed = judged_differently(session, user, current.policy, proposed)
    blocked_now = {
        d.decision_id for d in standing_under(session, user, current.policy).need_recheck
    }
    after = standing_under(session, user, proposed)
    standing = Standing(
        approvable=after.approvable,
        need_recheck=[
            replace(d, already_needed=d.decision_id in blocked_now) for d in after.need_recheck
        ],
    )
    shown = sorted({c.request_id for c in changed} | set(standing.request_ids))
    if shown:
        record_list(session, user, shown)
    return PolicyImpact(
        base_version=current.version,
        document=normalised,
        cells=diff_documents(base, normalised),
        open_cases=open_cases,
        cases_changed=changed,
        standing=standing,
    )
