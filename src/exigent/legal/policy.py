"""The policy tables as data: what each request kind may obtain, required elements, clocks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from exigent.cases.models import Priority
from exigent.cases.schemas import EU_ORDER_KINDS, DataCategory, IntakeRecord, RequestKind
from exigent.legal.eu_policy import EuOrderRules

Verdict = Literal["P", "N", "L"]


class Route(StrEnum):
    disclose_review = "disclose_review"
    legal_review = "legal_review"
    request_info = "request_info"
    preserve_only = "preserve_only"
    reject = "reject"


class KindRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    route: Route
    categories: dict[str, Verdict]


class RequiredElements(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: list[str]
    by_kind: dict[str, list[str]]
    not_required_for_preservation: list[str]
    # Elements of `all` a kind does without (a removal order names content, not accounts).
    not_required_by_kind: dict[str, list[str]] = Field(default_factory=dict)


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
        """The instant this clock runs out if started at `start` (business days in its zone)."""
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


class LegalBasis(BaseModel):
    """A law a referral may rely on, and the recipients it reaches."""

    model_config = ConfigDict(extra="forbid")
    label: str
    citation: str
    # Recipient kinds (police, ntoc, ncmec, eu_member_state, europol, other) it applies to.
    recipient_kinds: list[str]
    # The harm types it is limited to (terrorism for 2021/784); empty for any harm.
    harm_types: list[str] = Field(default_factory=list)


class ReferralRules(BaseModel):
    """How a risk the team found itself is prioritised, held and followed up."""

    model_config = ConfigDict(extra="forbid")
    # An imminent threat to life is P0 whatever its harm type (DOMAIN.md); otherwise the
    # harm type decides (an NCMEC report or a DSA Art. 18 notice is P1).
    imminent_priority: Priority = Priority.P0
    priority_by_harm: dict[str, Priority]
    follow_up_days: int = Field(gt=0)
    # Preservation days by recipient kind; an NCMEC report is held a year (2258A(h)).
    hold_days: dict[str, int]
    legal_bases: dict[str, LegalBasis]

    @field_validator("hold_days")
    @classmethod
    def holds_are_positive(cls, value: dict[str, int]) -> dict[str, int]:
        for kind, days in value.items():
            if days <= 0:
                raise ValueError(f"hold_days.{kind} must be a positive number of days")
        return value


def _default_document() -> dict[str, Any]:
    text = resources.files("exigent.legal").joinpath("default_policy.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _default_referral_rules() -> dict[str, Any]:
    return dict(_default_document()["referrals"])


def _default_eu_order_rules() -> EuOrderRules:
    return EuOrderRules.model_validate(_default_document()["eu_orders"])


class Policy(BaseModel):
    """One version of the disclosure policy. Counsel edits it; the engine only reads it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    categories: list[str]
    kinds: dict[str, KindRule]
    us_countries: list[str]
    # What a non-government requester can never obtain (civil process never reaches content);
    # every other category goes to legal review. The default keeps earlier policy documents,
    # written before this table existed, loading with the rule DOMAIN.md states.
    non_government_not_permitted: list[str] = Field(default_factory=lambda: ["content"])
    max_preservation_extensions: int = Field(ge=0)
    required_elements: RequiredElements
    obligations: ObligationRules
    priorities: dict[str, Priority]
    sla: dict[Priority, SlaClocks]
    sla_warning_fraction: float = Field(gt=0, lt=1)
    # Earlier policy versions, written before referrals, take the shipped rules.
    referrals: ReferralRules = Field(
        default_factory=lambda: ReferralRules.model_validate(_default_referral_rules())
    )
    # Earlier versions, written before orders from EU authorities, take the shipped rules.
    eu_orders: EuOrderRules = Field(default_factory=_default_eu_order_rules)

    @model_validator(mode="before")
    @classmethod
    def referrals_default_to_emergency(cls, data: Any) -> Any:
        # Policy versions saved before the team opened referral cases lack the kind; such a
        # case is judged as the voluntary emergency disclosure it is (2702(b)(8), (c)(4)).
        if isinstance(data, dict) and isinstance(data.get("kinds"), dict):
            kinds = data["kinds"]
            if "referral" not in kinds and "emergency" in kinds:
                data = {**data, "kinds": {**kinds, "referral": kinds["emergency"]}}
            priorities = data.get("priorities")
            if isinstance(priorities, dict) and "referral" not in priorities:
                data = {**data, "priorities": {**priorities, "referral": "P0"}}
            data = _with_default_eu_kinds(data)
        return data

    @field_validator("us_countries")
    @classmethod
    def countries_upper_case(cls, value: list[str]) -> list[str]:
        return [country.strip().upper() for country in value]

    @model_validator(mode="after")
    def tables_are_complete(self) -> Policy:
        # The engine looks up every kind and category of the intake schema; a gap in a table
        # edited by counsel must fail when the policy loads, not when a request arrives.
        if set(self.categories) != set(DataCategory):
            raise ValueError(f"categories must be exactly {sorted(DataCategory)}")
        if not set(self.non_government_not_permitted) <= set(self.categories):
            raise ValueError("non_government_not_permitted names an unknown category")
        for request_kind in RequestKind:
            if request_kind not in self.kinds:
                raise ValueError(f"kinds lacks {request_kind}")
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

    @model_validator(mode="after")
    def required_elements_name_intake_fields(self) -> Policy:
        known = intake_field_paths()
        rules = self.required_elements
        for path in [*rules.all, *(p for paths in rules.by_kind.values() for p in paths)]:
            if path not in known:
                raise ValueError(f"required_elements names {path!r}, not a field of the intake")
        return self


def _with_default_eu_kinds(data: dict[str, Any]) -> dict[str, Any]:
    """A version saved before orders from EU authorities gets their shipped rows, so it still
    loads (every kind must have its row) and judges such an order as the default does."""
    kinds, priorities = data["kinds"], data.get("priorities")
    if all(kind in kinds for kind in EU_ORDER_KINDS) or not isinstance(priorities, dict):
        return data
    shipped = _default_document()
    added = [kind for kind in EU_ORDER_KINDS if kind not in kinds]
    data = {
        **data,
        "kinds": {**kinds, **{k: shipped["kinds"][k] for k in added}},
        "priorities": {**priorities, **{k: shipped["priorities"][k] for k in added}},
    }
    rules = data.get("required_elements")
    if isinstance(rules, dict) and isinstance(rules.get("by_kind"), dict):
        default_rules = shipped["required_elements"]
        data["required_elements"] = {
            **rules,
            "by_kind": {
                **rules["by_kind"],
                **{k: default_rules["by_kind"][k] for k in added if k not in rules["by_kind"]},
            },
            "not_required_by_kind": {
                **default_rules["not_required_by_kind"],
                **rules.get("not_required_by_kind", {}),
            },
        }
    return data


def intake_field_paths() -> frozenset[str]:
    """Every field path of the intake record, e.g. `requester.phone` or
    `eu_order.issuing_authority.role`; a list counts as a whole, never by its entries."""
    paths: set[str] = set()
    _add_paths(paths, "", IntakeRecord)
    return frozenset(paths)


def _add_paths(paths: set[str], prefix: str, model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.add(path)
        if get_origin(field.annotation) is list:
            continue  # an element is the list as a whole, never a field of one entry
        for part in (field.annotation, *get_args(field.annotation)):
            if isinstance(part, type) and issubclass(part, BaseModel):
                _add_paths(paths, f"{path}.", part)


def load_policy(document: dict[str, Any]) -> Policy:
    return Policy.model_validate(document)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    text = resources.files(__package__).joinpath("default_policy.json").read_text("utf-8")
    return load_policy(json.loads(text))
