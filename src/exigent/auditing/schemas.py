"""The audit log as the API reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditEventRead(BaseModel):
    seq: int = Field(description="the event's place in the chain")
    at: datetime
    actor_id: int | None
    actor: str = Field(description="the account's email, or a system actor's name")
    actor_name: str | None
    action: str
    kind: str = Field(description="read, change or refused")
    object_type: str
    object_id: str | None
    case_id: int | None
    case_reference: str | None
    detail: dict[str, Any]
    before_digest: str | None
    after_digest: str | None
    prev_hash: str
    hash: str


class AuditEventPage(BaseModel):
    items: list[AuditEventRead]
    next_cursor: str | None = Field(description="pass as `cursor` for older events; null at end")


class AuditCheckRead(BaseModel):
    id: int
    actor: str
    started_at: datetime
    finished_at: datetime | None
    events_checked: int
    intact: bool | None = Field(description="null while running or when it could not finish")
    broken_seq: int | None
    reason: str | None


class ChainStatusRead(BaseModel):
    events: int = Field(description="events on the chain now")
    last: AuditCheckRead | None = Field(description="the last finished verification")
    running: AuditCheckRead | None
    written_since: int | None = Field(description="events after the last intact verification")
