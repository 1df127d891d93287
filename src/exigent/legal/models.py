"""Policy versions, legal checks of cases, decisions with their approvals, notifications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.auth.models import Role
from exigent.cases.models import Priority
from exigent.cases.schemas import DataCategory
from exigent.db import Base, EnumText, UtcDateTime, utcnow
from exigent.legal.policy import Route
from exigent.versions import VersionColumns

BigId = BigInteger().with_variant(Integer, "sqlite")


class PolicyVersion(VersionColumns, Base):
    """One version of the disclosure policy; rows are only ever added, never edited."""

    __tablename__ = "policy_versions"


class LegalCheckRecord(Base):
    """What the engine said about a case under one policy version; the newest row is current."""

    __tablename__ = "legal_checks"
    __table_args__ = (Index("ix_legal_checks_request_current", "request_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    policy_version: Mapped[int] = mapped_column(Integer)
    route: Mapped[Route] = mapped_column(EnumText(Route, 24))
    categories: Mapped[dict[str, str]] = mapped_column(JSON)
    missing_elements: Mapped[list[str]] = mapped_column(JSON)
    obligations: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    priority: Mapped[Priority] = mapped_column(EnumText(Priority, 2))
    judged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DecisionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    # Replaced by a newer draft, or made moot when the record changed under it.
    superseded = "superseded"


class Outcome(StrEnum):
    disclose = "disclose"
    withhold = "withhold"
    partial = "partial"


DISCLOSING = frozenset({Outcome.disclose, Outcome.partial})


class Decision(Base):
    """An analyst's answer to a case: per target and category, with a written rationale."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rationale: Mapped[str] = mapped_column(Text)
    # The drafter's explicit statement of the good-faith emergency belief (2702(b)(8)).
    emergency_attested: Mapped[bool] = mapped_column(Boolean, default=False)
    # The laws a referral's disclosure relies on, confirmed by the drafter, as policy ids
    # (`Policy.referrals.legal_bases`: "2702b8", "dsa_art18", ...); empty for a request.
    legal_bases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    status: Mapped[DecisionStatus] = mapped_column(
        EnumText(DecisionStatus, 16), default=DecisionStatus.draft
    )
    policy_version: Mapped[int] = mapped_column(Integer)
    legal_check_id: Mapped[int] = mapped_column(ForeignKey("legal_checks.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    items: Mapped[list[DecisionItem]] = relationship(
        order_by="DecisionItem.id", lazy="selectin", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[Approval]] = relationship(order_by="Approval.id", lazy="selectin")
    hands: Mapped[list[DecisionHand]] = relationship(order_by="DecisionHand.id", lazy="selectin")

    @property
    def hand_ids(self) -> set[int]:
        """Everyone who drafted, edited or submitted this decision."""
        return {hand.user_id for hand in self.hands} | {self.drafted_by_id}


class DecisionHand(Base):
    """Someone who had a hand in writing a decision: none of them may approve it."""

    __tablename__ = "decision_hands"
    __table_args__ = (UniqueConstraint("decision_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    first_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DecisionItem(Base):
    __tablename__ = "decision_items"
    __table_args__ = (UniqueConstraint("decision_id", "target_id", "category"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    # Kept as text too: a target removed by a later record update must still be readable here.
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    target_label: Mapped[str] = mapped_column(String(340))
    category: Mapped[DataCategory] = mapped_column(EnumText(DataCategory, 32))
    outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome, 16))
    reason: Mapped[str] = mapped_column(Text)


class ApprovalKind(StrEnum):
    legal_sign_off = "legal_sign_off"
    approval = "approval"
    rejection = "rejection"


class Approval(Base):
    """A second person's word on a decision: legal's sign-off, an approval or a rejection."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The approver's role when they approved: a later change of role does not rewrite it.
    role: Mapped[Role] = mapped_column(EnumText(Role, 20))
    kind: Mapped[ApprovalKind] = mapped_column(EnumText(ApprovalKind, 20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TargetAge(Base):
    """A target's age as staff learned it; the newest row per target counts."""

    __tablename__ = "target_ages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    age: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Notification(Base):
    """A message for one user inside Exigent; email, chat and pager channels build on it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
