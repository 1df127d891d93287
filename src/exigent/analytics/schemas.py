"""The dashboards' JSON answers (`/api/v1/analytics/...`), one model per panel."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class PeriodRead(BaseModel):
    """The period the figures cover: cases received in [since, until), in UTC."""

    period: str
    since: datetime
    until: datetime
    counted_by: str = Field(
        default="received_at in UTC", description="A case counts in the period of its receipt."
    )
    kind: str | None = None
    priority: str | None = None
    country: str | None = None
    agency_id: int | None = None
    assignee_id: int | None = None


class VolumeRead(BaseModel):
    filters: PeriodRead
    dimension: str = Field(description="kind, country, agency_type or channel")
    bucket: str = Field(description="day or week; each bucket starts at the time listed")
    bucket_starts: list[datetime]
    series: dict[str, list[int]] = Field(description="each value's count per bucket")
    total: int


class AgeBandRead(BaseModel):
    band: str
    open_cases: int


class BacklogRead(BaseModel):
    filters: PeriodRead
    as_of: datetime
    open_cases: int
    age_bands: list[AgeBandRead]
    by_priority: dict[str, int]


class SlaRowRead(BaseModel):
    priority: str
    clock: str = Field(description="acknowledge or decide")
    met: int
    breached: int
    running: int
    attainment: float | None = Field(description="met / (met + breached); null if neither")


class SpreadRead(BaseModel):
    step: str = Field(description="acknowledge, decide or deliver")
    count: int
    median_seconds: int | None
    p90_seconds: int | None
    worst_seconds: int | None


class SlaRead(BaseModel):
    filters: PeriodRead
    as_of: datetime
    clocks: list[SlaRowRead]
    times: list[SpreadRead]


class BreachedCaseRead(BaseModel):
    request_id: int
    kind: str
    priority: str
    received_at: datetime
    due_at: datetime
    done_at: datetime | None


class BreachesRead(BaseModel):
    filters: PeriodRead
    clock: str
    total: int
    cases: list[BreachedCaseRead] = Field(description="the oldest breached cases, up to 500")


class OutcomesRead(BaseModel):
    filters: PeriodRead
    by: str = Field(description="kind or country")
    outcomes: dict[str, dict[str, int]]


class FraudRead(BaseModel):
    filters: PeriodRead
    attempts: int = Field(description="cases assessed at high or critical risk, or caught")
    flagged: int = Field(description="cases assessed at high or critical risk")
    caught: int = Field(description="cases caught as an impostor's")
    caught_flagged: int = Field(description="caught cases the risk score had flagged")
    caught_by: dict[str, int] = Field(
        description="caught cases by the first way they were caught: callback_denied, "
        "rejected_fraud (a rejection with reason code fraud), requester_marked, agency_marked"
    )
    signals: dict[str, int] = Field(description="signals that fired on the caught cases")
    catch_median_seconds: int | None
    catch_p90_seconds: int | None
    catch_worst_seconds: int | None
    requesters_marked: int = Field(description="requesters of caught cases standing fraudulent")
    agencies_marked: int = Field(description="agencies of caught cases standing fraudulent")
    agencies_impersonated: int = Field(description="agencies named by caught cases")


class WorkloadFiguresRead(BaseModel):
    """One row's figures; null where the caller may not see it by name, or where it does not
    apply (cases assigned are counted per person, not per shift)."""

    assigned: int | None = Field(None, description="cases received in the period and assigned")
    decided: int | None = None
    open_now: int | None = None
    case_actions: int | None = Field(None, description="timeline entries written in the period")
    case_actions_after_hours: int | None = None
    exposures: int | None = Field(None, description="items of harmful content revealed")
    exposure_seconds: int | None = None
    severe: int | None = Field(None, description="reveals of 10 minutes or more")
    moderate: int | None = Field(None, description="reveals of 2 to 10 minutes")
    light: int | None = Field(None, description="reveals under 2 minutes")
    pages: int | None = Field(None, description="alerts the person was paged for")
    pages_acknowledged: int | None = None
    ack_median_seconds: int | None = None
    pages_after_hours: int | None = None
    shift_minutes: int | None = Field(None, description="rostered minutes within the period")


class WorkloadPersonRead(WorkloadFiguresRead):
    user_id: int
    name: str


class WorkloadShiftRead(WorkloadFiguresRead):
    shift: str = Field(description="a shift type, or the time-of-day band of work off shift")
    people: int


class WorkloadRead(BaseModel):
    filters: PeriodRead
    after_hours_rule: str
    named: list[str] = Field(
        description="the families of figures (cases, exposure, shifts) the caller sees of "
        "other people by name; their own row is always whole"
    )
    team: WorkloadFiguresRead
    people: list[WorkloadPersonRead] = Field(
        description="the caller's own row, and others' only as their role allows"
    )
    shifts: list[WorkloadShiftRead]
