"""Wire models of EU orders: the order as read, and what staff send to act on it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from exigent.cases.base import Strict
from exigent.cases.eu_certificate import EuOrder
from exigent.eu_orders.models import Obstacle


class ClockRead(BaseModel):
    kind: str
    status: str
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    paused_at: datetime | None
    breached_at: datetime | None


class ContentRead(BaseModel):
    position: int
    locator: str
    reason: str | None
    content_ref: str | None
    not_found: bool
    restricted_at: datetime | None
    hold_id: int | None


class MessageRead(BaseModel):
    id: int
    kind: str
    status: str
    to_address: str | None
    subject: str
    body: str
    obstacle: str | None
    drafted_at: datetime
    sent_at: datetime | None
    last_error: str | None


class EuOrderRead(BaseModel):
    request_id: int
    reference: str
    kind: str
    status: str
    certificate: dict[str, Any]
    issuing_state: str | None
    authority_email: str | None
    received_at: datetime
    confirmed_at: datetime | None
    receipt_told_at: datetime | None
    effect_given_at: datetime | None
    effect_told_at: datetime | None
    obstacle: str | None
    obstacle_detail: str | None
    production_follows_at: datetime | None
    missing_elements: list[str]
    # Why a requested category is not permitted, where the certificate's offence is the cause.
    category_reasons: dict[str, str] = Field(default_factory=dict)
    sources: str | None
    clocks: list[ClockRead]
    content: list[ContentRead]
    messages: list[MessageRead]
    problems: list[dict[str, str]] = Field(default_factory=list)


class ConfirmIn(Strict):
    eu_order: EuOrder


class ObstacleIn(Strict):
    obstacle: Obstacle
    detail: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class PreservationIn(Strict):
    # True: the authority confirmed a request for production follows; False: it extended
    # the order by 30 days (2023/1543 Art. 11(1)).
    production_follows: bool


class MessageIn(Strict):
    subject: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    to_address: Annotated[str, StringConstraints(min_length=3, max_length=500)]


class OrderFigures(BaseModel):
    """One order's times, for the DSA transparency report."""

    request_id: int
    reference: str
    kind: str
    issuing_state: str | None
    received_at: datetime
    receipt_told_at: datetime | None
    effect_given_at: datetime | None
    effect_told_at: datetime | None
    status: str
