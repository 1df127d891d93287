"""On call's tables: the ways to reach each person."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
