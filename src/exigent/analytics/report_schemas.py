"""What the transparency reports' API takes and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from exigent.analytics.report_layouts import Layout
from exigent.analytics.reports import ReportFormat


class TransparencyReportCreate(BaseModel):
    """A report to generate: a half-year (`2026H1`) or the first and last days, in UTC."""

    model_config = ConfigDict(extra="forbid")

    period: str | None = Field(default=None, max_length=7, examples=["2026H1"])
    first_day: date | None = None
    last_day: date | None = None
    layout: Layout = Layout.tiktok
    format: ReportFormat = ReportFormat.csv
    # Unset: the setting, or else the layout's publisher's rule (TikTok yes, Google no).
    preservation_in_totals: bool | None = None


class TransparencyReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    period: str
    period_since: datetime
    period_until: datetime
    layout: str
    format: str
    preservation_in_totals: bool
    national_security_band: int
    query: dict[str, Any]
    code_version: str
    generated_by: str
    generated_at: datetime
    sha256: str
    size_bytes: int
    media_type: str
    filename: str


class ReproductionRead(BaseModel):
    """A kept report rendered again from today's data: the same bytes, or not."""

    report_id: int
    kept_sha256: str
    regenerated_sha256: str
    same_bytes: bool
