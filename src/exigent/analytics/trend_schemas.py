"""Wire models of the time-spent and surge figures."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class StepRead(BaseModel):
    kind: str
    priority: str
    status: str
    waiting_on: str = Field(description="team, requester, approver, production or legal")
    cases: int
    median_seconds: float
    p90_seconds: float
    total_seconds: float
    previous_cases: int
    previous_median_seconds: float | None
    previous_p90_seconds: float | None


class TimeSpentRead(BaseModel):
    """Cases counted by `received_at` in UTC, from `start` (inclusive) to `end` (exclusive),
    against the period of the same length before it."""

    start: datetime
    end: datetime
    previous_start: datetime
    steps: list[StepRead]
    slowest: list[StepRead]
    hours_waiting_on: dict[str, float]


class SurgeAlertRead(BaseModel):
    id: int
    kind: str
    harm: str
    opened_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    window_hours: int
    observed: int
    expected: float
    p_value: float
    peak: int
    top_source: str
    request_ids: list[int]


class SurgesRead(BaseModel):
    """Surges opened in the last `days` days, newest first; cases count by `received_at` in
    UTC. An alert needs a p-value below `p_value` (the chance of at least the window's count
    under the seasonal baseline) and at least `min_cases` cases in the window."""

    days: int
    window_hours: int
    p_value: float
    min_cases: int
    alerts: list[SurgeAlertRead]
