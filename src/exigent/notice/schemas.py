"""Wire models for user notices."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exigent.notice.models import NoticeStatus


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    target_id: int | None
    target_label: str
    basis: str
    status: NoticeStatus
    due_at: datetime | None
    recipient: str | None
    needs_address: bool
    subject: str | None
    body: str | None
    order_present: bool
    order_expires_on: date | None
    order_source: str | None
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    drafted_at: datetime | None
    queued_at: datetime | None
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


class NoticeAction(StrEnum):
    send = "send"
    withhold = "withhold"
    edit = "edit"
    hold = "hold"
    release = "release"
    resend = "resend"


class NoticeDecisionIn(BaseModel):
    """One decision on a notice; which fields count depends on the action."""

    model_config = ConfigDict(extra="forbid")

    action: NoticeAction
    reason: str | None = Field(default=None, max_length=4000)
    subject: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=20000)
    # The user's address when the case does not give one (send, resend).
    recipient: str | None = Field(default=None, max_length=320)
    # For `hold`: when the non-disclosure order ends (None: no expiry given).
    order_expires_on: date | None = None

    @field_validator("reason", "subject", "body", "recipient")
    @classmethod
    def no_nul_characters(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value
