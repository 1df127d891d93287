"""The policy table for orders from EU authorities: who may issue what, and the clocks.

Defaults follow the regulations (named beside each value in `default_policy.json`); counsel
may tighten the targets the law leaves open ("without undue delay").
"""

from __future__ import annotations

import json
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from exigent.cases.eu_certificate import AuthorityRole, EpocCategory
from exigent.cases.models import Priority
from exigent.cases.schemas import DataCategory


class EpocCategoryRule(BaseModel):
    """One e-Evidence data category: what it covers of the product's taxonomy and who may
    issue an order for it alone, or validate one another authority issued (2023/1543 Art. 4)."""

    model_config = ConfigDict(extra="forbid")
    covers: list[DataCategory]
    issuers: list[AuthorityRole]
    validators: list[AuthorityRole]
    # Whether an emergency order may be issued without prior validation, to be validated
    # afterwards (Art. 4(5)).
    emergency_without_prior_validation: bool = False


class SeriousOffences(BaseModel):
    """The offences for which traffic and content data may be ordered (2023/1543 Art. 5(4)):
    a maximum custodial sentence of at least the threshold in the issuing State, or an offence
    the regulation lists (its id and the provision it rests on)."""

    model_config = ConfigDict(extra="forbid")
    categories: list[EpocCategory]
    min_max_sentence_years: float = Field(gt=0)
    sentence_source: str
    listed: dict[str, str]


def _shipped_serious_offences() -> SeriousOffences:
    # A policy saved before this table existed takes the regulation's own rule.
    text = resources.files("exigent.legal").joinpath("default_policy.json").read_text("utf-8")
    return SeriousOffences.model_validate(json.loads(text)["eu_orders"]["serious_offences"])


class EuClocks(BaseModel):
    """The legal deadlines and the team's targets, in minutes from receipt."""

    model_config = ConfigDict(extra="forbid")
    removal_minutes: int = Field(gt=0)
    production_minutes: int = Field(gt=0)
    production_emergency_minutes: int = Field(gt=0)
    preservation_days: int = Field(gt=0)
    preservation_extension_days: int = Field(gt=0)
    preservation_after_confirmation_days: int = Field(gt=0)
    ex_post_validation_minutes: int = Field(gt=0)
    enforcing_authority_minutes: int = Field(gt=0)
    enforcing_authority_emergency_minutes: int = Field(gt=0)
    inform_receipt_minutes: int = Field(gt=0)
    inform_effect_minutes: int = Field(gt=0)
    removal_report_minutes: int = Field(gt=0)
    removed_content_hold_days: int = Field(gt=0)


class EuOrderRules(BaseModel):
    """Who may issue orders, what they cover, and their clocks."""

    model_config = ConfigDict(extra="forbid")
    epoc_categories: dict[EpocCategory, EpocCategoryRule]
    serious_offences: SeriousOffences = Field(default_factory=_shipped_serious_offences)
    # A European Preservation Order, for any category (Art. 4(3)).
    preservation_issuers: list[AuthorityRole]
    preservation_validators: list[AuthorityRole]
    # An emergency order's priority, above its kind's own.
    emergency_priority: Priority
    clocks: EuClocks
    # The articles each kind rests on, shown with the policy and in answers to the authority.
    sources: dict[str, str]

    @model_validator(mode="after")
    def every_category_has_a_rule(self) -> EuOrderRules:
        missing = set(EpocCategory) - set(self.epoc_categories)
        if missing:
            raise ValueError(f"eu_orders.epoc_categories lacks {sorted(missing)}")
        return self
