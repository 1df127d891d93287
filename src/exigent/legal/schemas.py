"""What the legal-basis engine says about one request: the `exigent legal-check` line."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from exigent.cases.schemas import DataCategory
from exigent.db import MAX_ID
from exigent.legal.models import DecisionStatus, Outcome
from exigent.legal.policy import Priority, Route


class CategoryRuling(StrEnum):
    permitted = "permitted"
    not_permitted = "not_permitted"
    legal_review = "legal_review"


class ObligationKind(StrEnum):
    preservation_expires = "preservation_expires"
    user_notice_review = "user_notice_review"
    nondisclosure_review = "nondisclosure_review"
    user_notice_before_disclosure = "user_notice_before_disclosure"
    # The clocks of orders from EU authorities (exigent.legal.eu), kept by `eu_orders`.
    eu_execute_by = "eu_execute_by"
    eu_preservation_expires = "eu_preservation_expires"
    eu_validation_due = "eu_validation_due"
    eu_enforcing_period_ends = "eu_enforcing_period_ends"
    eu_inform_receipt = "eu_inform_receipt"
    eu_inform_effect = "eu_inform_effect"


# The order clocks are scheduled and stopped by the EU orders domain, which knows when the
# order was executed or the authority told; legal's generic obligation deadlines skip them.
ORDER_CLOCK_KINDS = frozenset(
    {
        ObligationKind.eu_execute_by,
        ObligationKind.eu_preservation_expires,
        ObligationKind.eu_validation_due,
        ObligationKind.eu_enforcing_period_ends,
        ObligationKind.eu_inform_receipt,
        ObligationKind.eu_inform_effect,
    }
)


class Obligation(BaseModel):
    """A deadline the request starts; `due` is an instant, or a date when an order gives a date."""

    model_config = ConfigDict(frozen=True)
    kind: ObligationKind
    due: AwareDatetime | date


class LegalCheck(BaseModel):
    """The legal basis of one request under one policy, before anyone decides on it."""

    model_config = ConfigDict(frozen=True)
    id: str | None
    route: Route
    categories: dict[DataCategory, CategoryRuling]
    missing_elements: list[str]
    obligations: list[Obligation]
    priority: Priority


# Wire models of the legal routes


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail on storing.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(_no_nul)
Reason = Annotated[str, StringConstraints(max_length=20_000), NoNul]


class WireIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


VersionNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]


class PolicyChange(WireIn):
    policy: dict[str, Any] = Field(description="the full policy document (as GET /policy shows)")
    reason: Annotated[str, StringConstraints(min_length=1, max_length=5000), NoNul]
    based_on: VersionNumber | None = Field(
        default=None,
        description="the version this change was reviewed against (POST /policy/impact); "
        "refused with 409 when another version was saved since",
    )


class PolicyProposal(WireIn):
    policy: dict[str, Any] = Field(description="the full proposed policy document")


class PolicyCellRead(BaseModel):
    """One cell of the policy that differs between two documents, in words."""

    path: str
    section: str
    row: str
    column: str
    before: str
    after: str


class PolicyDiffRead(BaseModel):
    from_version: int
    to_version: int
    changes: list[PolicyCellRead]


class OpenDecisionRead(BaseModel):
    request_id: int
    reference: str
    kind: str
    case_status: str
    decision_id: int
    decision_status: str
    policy_version: int
    changes: list[str] = Field(
        description="what the policy changes about what the decision discloses; empty when "
        "it can be approved as drafted"
    )
    already_needed: bool = Field(
        default=False,
        description="in an impact: the current version already sends it back for a re-check",
    )


class CaseChangeRead(BaseModel):
    request_id: int
    reference: str
    kind: str
    policy_version: int | None
    changes: list[str]


class PolicyImpactRead(BaseModel):
    """What saving a proposed policy would change, before it is saved."""

    base_version: int
    changes: list[PolicyCellRead]
    open_cases: int
    cases_judged_differently: list[CaseChangeRead]
    approvable_as_drafted: list[OpenDecisionRead]
    need_recheck: list[OpenDecisionRead]


class RecheckedRead(BaseModel):
    request_id: int
    reference: str
    from_version: int | None
    to_version: int
    differences: list[str]
    decision_id: int | None
    decision_changes: list[str]
    withdrawn: bool


class BulkRecheckRead(BaseModel):
    policy_version: int
    rechecked: list[RecheckedRead]


class PolicyVersionSummary(BaseModel):
    version: int
    reason: str
    created_by: str
    created_at: datetime


class PolicyVersionRead(PolicyVersionSummary):
    document: dict[str, Any]


class CaseTargetRead(BaseModel):
    id: int
    identifier_type: str
    value: str
    known_age: int | None


class LegalCheckRead(BaseModel):
    request_id: int
    targets: list[CaseTargetRead]
    route: Route
    categories: dict[str, CategoryRuling]
    missing_elements: list[str]
    obligations: list[dict[str, str]]
    priority: Priority
    policy_version: int
    current_policy_version: int
    judged_at: datetime
    coppa: bool
    coppa_reasons: list[str]
    # Why a category is not permitted where the EU order's offence is the cause (Art. 5(4)).
    category_reasons: dict[str, str] = Field(default_factory=dict)


class ObligationRead(BaseModel):
    id: int
    kind: str
    obligation: str
    due: str
    due_at: datetime
    fired_at: datetime | None
    outcome: str | None


class DecisionItemIn(WireIn):
    target_id: int = Field(ge=1, le=MAX_ID)
    category: DataCategory
    outcome: Outcome
    reason: Reason


class DecisionIn(WireIn):
    rationale: Reason
    emergency_attested: bool = Field(
        default=False,
        description="for an emergency: the drafter attests the good-faith belief that an "
        "emergency involving danger of death or serious physical injury requires disclosure "
        "without delay",
    )
    items: list[DecisionItemIn] = Field(max_length=3000)
    legal_bases: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list,
        max_length=20,
        description="for a referral: the policy's legal bases the disclosure relies on "
        "(2702b8, 2702c4, 2258A, dsa_art18, tco_art14_5)",
    )


class DecisionItemRead(BaseModel):
    target_id: int | None
    target_label: str
    category: str
    outcome: str
    reason: str


class ApprovalRead(BaseModel):
    user_id: int
    role: str
    kind: str
    note: str | None
    created_at: datetime


class DecisionRead(BaseModel):
    id: int
    request_id: int
    status: DecisionStatus
    drafted_by_id: int
    rationale: str
    emergency_attested: bool
    legal_bases: list[str] = []
    policy_version: int
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    items: list[DecisionItemRead]
    approvals: list[ApprovalRead]
    needs_legal_sign_off: list[str]


class NoteIn(WireIn):
    note: Reason | None = None


class RejectIn(WireIn):
    note: Annotated[str, StringConstraints(min_length=1, max_length=20_000), NoNul]


class RequestInfoIn(WireIn):
    message: Reason | None = Field(default=None, description="added below the list")


class TargetAgeIn(WireIn):
    age: int = Field(ge=0, le=130)
    source: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]


class NotificationRead(BaseModel):
    id: int
    request_id: int | None
    body: str
    created_at: datetime
    read_at: datetime | None
