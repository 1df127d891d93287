"""The EU orders' tables: the order and its certificate, its clocks, what it acts on, and
the messages to the authority.

An order is a case like any other (a `Request` of an EU kind, with its SLA clocks, decision
and approvals); these tables hold what only an order has.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.db import Base, EnumText, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class OrderStatus(StrEnum):
    # Arrived by email: the analyst has yet to confirm the certificate's fields.
    awaiting_confirmation = "awaiting_confirmation"
    received = "received"
    # Many items being removed by the worker, one at a time; executed when the last is.
    removing = "removing"
    executed = "executed"
    # It could not be executed (Annex III / 2021/784 Art. 3(7)-(8)); the clock waits.
    obstructed = "obstructed"
    refused = "refused"


class ClockStatus(StrEnum):
    running = "running"
    met = "met"
    paused = "paused"  # an obstacle stops a removal order's hour until it ends


class Obstacle(StrEnum):
    """Why an order could not be executed (2023/1543 Art. 10(5)-(7); 2021/784 Art. 3(7)-(8))."""

    force_majeure = "force_majeure"
    de_facto_impossibility = "de_facto_impossibility"
    manifest_errors = "manifest_errors"
    missing_information = "missing_information"


class MessageKind(StrEnum):
    receipt = "receipt"  # the order was received
    execution = "execution"  # it was executed, and when
    cannot_execute = "cannot_execute"  # why it could not be, and what is needed
    content_provider = "content_provider"  # the removed content's provider is told (Art. 11)


class MessageStatus(StrEnum):
    draft = "draft"
    queued = "queued"  # in the outbox: the worker hands it to the relay
    sent = "sent"
    failed = "failed"  # the relay refused it; the worker tries again


class EuOrderRecord(Base):
    """One order from an EU authority, beside its case."""

    __tablename__ = "eu_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[OrderStatus] = mapped_column(EnumText(OrderStatus, 24))
    issuing_state: Mapped[str | None] = mapped_column(String(2))
    authority_email: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the authority was told of receipt, and when effect was given (transparency).
    receipt_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    effect_given_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    effect_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    obstacle: Mapped[Obstacle | None] = mapped_column(EnumText(Obstacle, 32))
    obstacle_detail: Mapped[str | None] = mapped_column(Text)
    obstacle_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Whether the authority confirmed that a production request follows (2023/1543 Art. 11).
    production_follows_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    clocks: Mapped[list[EuOrderClock]] = relationship(
        back_populates="order", order_by="EuOrderClock.id"
    )
    items: Mapped[list[EuOrderContent]] = relationship(
        back_populates="order", order_by="EuOrderContent.id"
    )


class EuOrderClock(Base):
    """A legal deadline of the order: run from receipt, met, or paused by an obstacle."""

    __tablename__ = "eu_order_clocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("eu_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[ClockStatus] = mapped_column(EnumText(ClockStatus, 16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    order: Mapped[EuOrderRecord] = relationship(back_populates="clocks")


class EuOrderContent(Base):
    """One item a removal order or an order to act names, and what became of it."""

    __tablename__ = "eu_order_content"
    __table_args__ = (UniqueConstraint("order_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("eu_orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    locator: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # What the platform knows it as, once found; its answer to the restriction.
    content_ref: Mapped[str | None] = mapped_column(String(200))
    not_found: Mapped[bool] = mapped_column(default=False)
    restricted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    restriction: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hold_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("preservation_holds.id"))

    order: Mapped[EuOrderRecord] = relationship(back_populates="items")


class EuOrderMessage(Base):
    """A message to the authority (or the content's provider): drafted, edited, sent."""

    __tablename__ = "eu_order_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("eu_orders.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(EnumText(MessageKind, 24))
    status: Mapped[MessageStatus] = mapped_column(EnumText(MessageStatus, 16))
    to_address: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    obstacle: Mapped[Obstacle | None] = mapped_column(EnumText(Obstacle, 32))
    drafted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
