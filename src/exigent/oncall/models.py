"""On call's tables: the ways to reach each person, escalation policies, triggers and pages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exigent.db import Base, EnumText, UtcDateTime, utcnow


class ChannelKind(StrEnum):
    email = "email"
    slack = "slack"  # a Slack-compatible incoming webhook
    webhook = "webhook"  # a generic webhook, body signed with HMAC-SHA256 and a timestamp
    pagerduty = "pagerduty"  # PagerDuty Events API v2


class ContactMethod(Base):
    """One way to reach one person; a page tries a person's methods in `position` order."""

    __tablename__ = "contact_methods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ChannelKind] = mapped_column(EnumText(ChannelKind, 16))
    label: Mapped[str] = mapped_column(String(80), default="")
    # The address for email, the webhook URL for slack and webhook, the routing key for
    # PagerDuty.
    target: Mapped[str] = mapped_column(String(500))
    # The webhook's signing secret; never shown again after it is set.
    secret: Mapped[str | None] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The last test message or page sent through it, and what the far end answered.
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_ok: Mapped[bool | None] = mapped_column(Boolean)
    last_detail: Mapped[str | None] = mapped_column(Text)


class TargetKind(StrEnum):
    skill = "skill"  # everyone on shift now with the skill named in `target`
    lead = "lead"  # the shift lead: whoever is on shift now with the `lead` skill
    person = "person"  # one named person (`target` is their email)
    head = "head"  # the head of the team: the configured person, else leadership


class EscalationPolicy(Base):
    """Who is paged, in which order, and how long each level has to acknowledge."""

    __tablename__ = "escalation_policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    # How many times the whole list of levels is walked before only the fallback is left.
    repeat_count: Mapped[int] = mapped_column(Integer, default=1)
    # "Notify if nobody is on call": never silence.
    fallback_kind: Mapped[TargetKind] = mapped_column(EnumText(TargetKind, 16))
    fallback_target: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    levels: Mapped[list[EscalationLevel]] = relationship(
        order_by="EscalationLevel.position", lazy="selectin", cascade="all, delete-orphan"
    )


class EscalationLevel(Base):
    __tablename__ = "escalation_levels"
    __table_args__ = (UniqueConstraint("policy_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("escalation_policies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    target_kind: Mapped[TargetKind] = mapped_column(EnumText(TargetKind, 16))
    target: Mapped[str] = mapped_column(String(200), default="")
    timeout_minutes: Mapped[int] = mapped_column(Integer, default=15)


class PagingTrigger(Base):
    """What opens a page, and which policy it follows. Text names, not an enum: another
    domain adds its own triggers (a TERREG order, an NCMEC report clock) as rows and
    publishes events of the same name."""

    __tablename__ = "paging_triggers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(48), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_policies.id"))
    severity: Mapped[str] = mapped_column(String(16), default="critical")


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class Alert(Base):
    """A page: one reason to reach someone, walked through its policy until acknowledged."""

    __tablename__ = "oncall_alerts"
    __table_args__ = (Index("ix_oncall_alerts_status", "status", "opened_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trigger: Mapped[str] = mapped_column(String(48))
    summary: Mapped[str] = mapped_column(String(500))
    severity: Mapped[str] = mapped_column(String(16), default="critical")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_policies.id"))
    dedup_key: Mapped[str] = mapped_column(String(200))
    # The dedup key while the page is open, null once acknowledged or resolved: unique, so
    # two triggers racing to open the same page make one (NULLs never clash).
    open_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[AlertStatus] = mapped_column(EnumText(AlertStatus, 16), default=AlertStatus.open)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # How many escalation steps have fired: step s pages level s % levels of round
    # s // levels. A step row fires only as the next step, so a stale one (escalated early,
    # or after an acknowledgement) does nothing.
    steps: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_via: Mapped[str | None] = mapped_column(String(24))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DeliveryAttempt(Base):
    """One try to reach one person through one contact method, and what came of it."""

    __tablename__ = "oncall_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("oncall_alerts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    contact_method_id: Mapped[int | None] = mapped_column(ForeignKey("contact_methods.id"))
    channel: Mapped[str] = mapped_column(String(16))
    # The escalation step it belongs to (`Alert.steps`); -1 for the fallback.
    step: Mapped[int] = mapped_column(Integer, default=0)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")


class AckLink(Base):
    """A one-time link in a message that acknowledges its page; only its sha256 is kept."""

    __tablename__ = "oncall_ack_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("oncall_alerts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
