"""What the legal-basis engine says about one request: the `exigent legal-check` line."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from exigent.legal.policy import Priority, Route
from exigent.requests.schemas import DataCategory


class CategoryRuling(StrEnum):
    permitted = "permitted"
    not_permitted = "not_permitted"
    legal_review = "legal_review"


class ObligationKind(StrEnum):
    preservation_expires = "preservation_expires"
    user_notice_review = "user_notice_review"
    nondisclosure_review = "nondisclosure_review"
    user_notice_before_disclosure = "user_notice_before_disclosure"


class Obligation(BaseModel):
    """A deadline the request starts; `due` is an instant, or a date when an order gives a date."""

    model_config = ConfigDict(frozen=True)
    kind: ObligationKind
    due: AwareDatetime | date


class LegalCheck(BaseModel):
    """The legal basis of one request under one policy, before anyone decides on it."""

    model_config = ConfigDict(frozen=True)
    id: str | None
    route: Route
    categories: dict[DataCategory, CategoryRuling]
    missing_elements: list[str]
    obligations: list[Obligation]
    priority: Priority
