"""Wire models for productions, delivery links, custody and preservation holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from exigent.cases.schemas import DataCategory


class ProductionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Fewer categories than approved, when only part is to be produced now; never more.
    categories: list[DataCategory] | None = Field(default=None, min_length=1)


class ProductionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    request_id: int
    decision_id: int
    status: str
    adapter: str
    scope: dict[str, Any]
    withheld: list[dict[str, Any]]
    counts: list[dict[str, Any]]
    record_count: int
    # The package's place on the server is never shown: the manifest, the letter and the
    # download are reached through their routes.
    manifest_sha256: str | None
    cover_letter_sha256: str | None
    error: str | None
    created_at: datetime
    built_at: datetime | None


class DeliveryLinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    production_id: int
    recipient_id: int
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


class DeliveryIssued(DeliveryLinkRead):
    # Shown once: only its SHA-256 is kept.
    token: str
    url: str
    # The link goes to the recipient's portal address; a failed mail says why.
    mailed_to: str
    mail_error: str | None


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class DownloadAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    link_id: int
    user_id: int
    at: datetime
    ip: str | None
    user_agent: str | None
    outcome: str


class CustodyEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    request_id: int
    production_id: int | None
    hold_id: int | None
    at: datetime
    event: str
    actor: str
    sha256: str | None
    detail: dict[str, Any]


class SnapshotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    target_label: str
    dataset: str
    category: str
    records: int
    sha256: str
    cutoff: str


class HoldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    request_id: int
    status: str
    categories: list[str]
    as_of: datetime
    expires_at: datetime
    extensions: int
    released_at: datetime | None
    release_reason: str | None
    snapshots: list[SnapshotRead] = []


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)
