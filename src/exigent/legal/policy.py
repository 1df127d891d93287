"""The policy tables as data: what each request kind may obtain, required elements, clocks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Verdict = Literal["P", "N", "L"]


class Route(StrEnum):
    disclose_review = "disclose_review"
    legal_review = "legal_review"
    request_info = "request_info"
    preserve_only = "preserve_only"
    reject = "reject"


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class KindRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    route: Route
    categories: dict[str, Verdict]


class RequiredElements(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: list[str]
    by_kind: dict[str, list[str]]
    not_required_for_preservation: list[str]


class ObligationRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    preservation_days: int = Field(gt=0)
    nondisclosure_review_days: int = Field(gt=0)
    emergency_user_notice_days: int = Field(gt=0)


class Clock(BaseModel):
    """A span either of wall-clock minutes or of business days (Mon-Fri)."""

    model_config = ConfigDict(extra="forbid")
    minutes: int | None = Field(default=None, gt=0)
    business_days: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def exactly_one_unit(self) -> Clock:
        if (self.minutes is None) == (self.business_days is None):
            raise ValueError("a clock has either minutes or business_days")
        return self

    def due_from(self, start: datetime) -> datetime:
        """The instant this clock runs out when started at `start` (business days in start's zone)."""
        if self.minutes is not None:
            return start + timedelta(minutes=self.minutes)
        assert self.business_days is not None
        due = start
        remaining = self.business_days
        while remaining:
            due += timedelta(days=1)
            if due.weekday() < 5:
                remaining -= 1
        return due


class SlaClocks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    acknowledge: Clock
    decide: Clock


class Policy(BaseModel):
    """One version of the disclosure policy. Counsel edits it; the engine only reads it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    categories: list[str]
    kinds: dict[str, KindRule]
    us_countries: list[str]
    max_preservation_extensions: int = Field(ge=0)
    required_elements: RequiredElements
    obligations: ObligationRules
    priorities: dict[str, Priority]
    sla: dict[Priority, SlaClocks]
    sla_warning_fraction: float = Field(gt=0, lt=1)

    @model_validator(mode="after")
    def tables_are_complete(self) -> Policy:
        for kind, rule in self.kinds.items():
            missing = set(self.categories) - set(rule.categories)
            if missing:
                raise ValueError(f"kinds.{kind}.categories lacks {sorted(missing)}")
            if kind not in self.priorities:
                raise ValueError(f"priorities lacks {kind}")
        for priority in Priority:
            if priority not in self.sla:
                raise ValueError(f"sla lacks {priority}")
        return self


def load_policy(document: dict[str, Any]) -> Policy:
    return Policy.model_validate(document)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    text = resources.files(__package__).joinpath("default_policy.json").read_text("utf-8")
    return load_policy(json.loads(text))
