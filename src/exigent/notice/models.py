"""One notice per case target: its status, the order that holds it, its text and its delivery."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from exigent.db import Base, EnumText, UtcDateTime, utcnow
from exigent.legal.schemas import ObligationKind

BigId = BigInteger().with_variant(Integer, "sqlite")


class NoticeStatus(StrEnum):
    # Owed later (an emergency's notice waits until the emergency has passed).
    pending = "pending"
    # A non-disclosure order forbids telling the user.
    held = "held"
    # Due: a draft waits for legal or a lead to decide.
    drafted = "drafted"
    # Approved to send; the outbox delivers it after the decision is committed.
    queued = "queued"
    # The relay refused or could not be reached; retried with backoff.
    failed = "failed"
    sent = "sent"
    withheld = "withheld"
    # The request no longer calls for notice to this target (record changed, target removed).
    cancelled = "cancelled"


class UserNotice(Base):
    """The notice owed to the user behind one target of a case."""

    __tablename__ = "user_notices"
    __table_args__ = (UniqueConstraint("request_id", "target_label"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    # Kept as text too: a target removed by a later record update must still be readable here.
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    target_label: Mapped[str] = mapped_column(String(340))
    # The obligation that calls for the notice (user_notice_review, nondisclosure_review, ...).
    basis: Mapped[ObligationKind] = mapped_column(EnumText(ObligationKind, 40))
    status: Mapped[NoticeStatus] = mapped_column(EnumText(NoticeStatus, 16))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recipient: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    # The non-disclosure order that holds the notice, and where we learned of it.
    order_present: Mapped[bool] = mapped_column(Boolean, default=False)
    order_expires_on: Mapped[date | None] = mapped_column(Date)
    # The first moment of the expiry date in the requester's offset; None: no expiry given.
    order_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    order_source: Mapped[str | None] = mapped_column(String(200))
    # The latest decision: who, when, and the reason given (withheld, held, edited).
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    drafted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Bumped each time the notice is queued: an outbox row of an older round does nothing.
    send_round: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def needs_address(self) -> bool:
        return self.recipient is None
