"""On call's wire models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PersonOnCall(BaseModel):
    user_id: int
    name: str
    email: str
    zone: str
    shift_starts_at: datetime | None
    shift_ends_at: datetime | None


class LevelRead(BaseModel):
    position: int
    target_kind: str
    target: str
    label: str
    timeout_minutes: int
    now: list[PersonOnCall]
    next: list[PersonOnCall]


class OnCallNow(BaseModel):
    at: datetime
    policy: str | None
    levels: list[LevelRead]


class DeliveryRead(BaseModel):
    user_id: int | None
    channel: str
    step: int
    attempt: int
    at: datetime
    delivered: bool
    detail: str


class AlertRead(BaseModel):
    id: int
    trigger: str
    summary: str
    severity: str
    status: str
    request_id: int | None
    dedup_key: str
    opened_at: datetime
    steps: int
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None
    acknowledged_via: str | None
    resolved_at: datetime | None
    deliveries: list[DeliveryRead]


class WebhookAnswer(BaseModel):
    matched: bool
    alert_id: int | None = None
