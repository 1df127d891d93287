"""The certificate of an order from an EU authority, as the intake record carries it.

The fields follow the forms the regulations prescribe: the EPOC and EPOC-PR certificates of
Regulation (EU) 2023/1543 (Annexes I and II), the removal order of Regulation (EU) 2021/784
(its Annex I) and the minimum content of DSA orders (Regulation (EU) 2022/2065, Arts. 9(2)
and 10(2)). What the law fixes (who is a Member State, what a deadline section means) is
checked here; what counsel may tune (which authority may issue what, the clocks) is policy.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from exigent.cases.base import Strict
from exigent.errors import FieldValueError

ShortText = Annotated[str, StringConstraints(max_length=500)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
OffenceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,60}$")]

# The 27 Member States, as ISO 3166-1 alpha-2 (Greece is GR, not the EU's own "EL").
_MEMBER_STATES = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU_MEMBER_STATES = frozenset(_MEMBER_STATES.split())
# Denmark takes no part in the e-Evidence and terrorist-content regulations (each says so in
# its recitals on Denmark's position); the DSA binds all 27.
NOT_BOUND_BY_JUSTICE_MEASURES = frozenset({"DK"})


class EuOrderKind(StrEnum):
    """The kinds of request that are orders from EU authorities (the RequestKind values)."""

    eu_production_order = "eu_production_order"
    eu_preservation_order = "eu_preservation_order"
    eu_removal_order = "eu_removal_order"
    dsa_order_to_act = "dsa_order_to_act"
    dsa_information_order = "dsa_information_order"


# The kinds whose certificate names its issuing state under 2023/1543 or 2021/784.
JUSTICE_KINDS = frozenset(
    {
        EuOrderKind.eu_production_order,
        EuOrderKind.eu_preservation_order,
        EuOrderKind.eu_removal_order,
    }
)
# The e-Evidence orders: they carry a deadline section and data categories.
EPOC_KINDS = frozenset({EuOrderKind.eu_production_order, EuOrderKind.eu_preservation_order})
# The orders that act on content rather than on data about a user.
CONTENT_KINDS = frozenset({EuOrderKind.eu_removal_order, EuOrderKind.dsa_order_to_act})


class AuthorityRole(StrEnum):
    """Who an authority is, as 2023/1543 Art. 4 distinguishes them."""

    judge = "judge"
    court = "court"
    investigating_judge = "investigating_judge"
    prosecutor = "prosecutor"
    # Police, an administrative body or a competent authority under 2021/784 Art. 12 or
    # DSA Art. 49: may issue only what the policy says, and for e-Evidence only validated.
    other_competent_authority = "other_competent_authority"


class DeadlineSection(StrEnum):
    """Section B of the EPOC certificate: 10 days, or 8 hours in an emergency (Art. 10)."""

    standard = "standard"
    emergency = "emergency"


class EpocCategory(StrEnum):
    """The data categories of 2023/1543 Art. 3(9)-(12)."""

    subscriber_data = "subscriber_data"
    identification_data = "identification_data"
    traffic_data = "traffic_data"
    content_data = "content_data"


def _member_state(value: str | None, *, justice: bool = False) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if code not in EU_MEMBER_STATES:
        raise ValueError(f"{value.strip()!r} is not an EU Member State (ISO 3166-1 alpha-2)")
    if justice and code in NOT_BOUND_BY_JUSTICE_MEASURES:
        raise ValueError(f"{code} is not bound by Regulations (EU) 2023/1543 and 2021/784")
    return code


class Authority(Strict):
    """An issuing or validating authority: who it is and how the provider reaches it."""

    name: ShortText | None = None
    role: AuthorityRole | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: ShortText | None = None
    file_number: ShortText | None = None


class ContentLocator(Strict):
    """One item to act on: its exact locator (a URL) and why it is illegal."""

    locator: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    reason: Text | None = None


class DataPeriod(Strict):
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def start_not_after_end(self) -> DataPeriod:
        if self.start and self.end and self.start > self.end:
            raise ValueError("start must not be after end")
        return self


class EuOrder(Strict):
    """The facts of the certificate an EU authority sent with its order."""

    issuing_state: str | None = None
    issuing_authority: Authority | None = None
    validating_authority: Authority | None = None
    # The service provider's designated establishment or legal representative it went to.
    addressee: ShortText | None = None
    deadline_section: DeadlineSection | None = None
    emergency_grounds: Text | None = None
    # An earlier deadline the certificate sets for procedural reasons (Annex I, section B).
    earlier_deadline_at: AwareDatetime | None = None
    data_categories: list[EpocCategory] = Field(default_factory=list)
    data_period: DataPeriod | None = None
    grounds: Text | None = None
    offence: ShortText | None = None
    # What limits an order for traffic or content data (2023/1543 Art. 5(4)): the offence's
    # maximum custodial sentence in the issuing State, in years, and whether it is an offence
    # the regulation lists (an id of the policy's `eu_orders.serious_offences.listed`).
    offence_max_sentence_years: Annotated[float, Field(ge=0, le=100)] | None = None
    listed_offence: OffenceId | None = None
    # Whether the provider may tell the person whose data is sought (2023/1543 Art. 13).
    person_may_be_told: bool | None = None
    # Where the person lives and the state notified of the order (2023/1543 Art. 8).
    person_residence_state: str | None = None
    enforcing_state: str | None = None
    # For a removal order or an order to act: what to act on, and why.
    content: list[ContentLocator] = Field(default_factory=list, max_length=500)
    reasons: Text | None = None
    # Whether the content's provider may be told of the removal (2021/784 Art. 11(3)).
    content_provider_may_be_told: bool | None = None
    # For a preservation order: days to keep, if the certificate asks for fewer than the law.
    preservation_days: Annotated[int, Field(gt=0, le=3650)] | None = None

    @field_validator("issuing_state", "person_residence_state", "enforcing_state")
    @classmethod
    def states_are_member_states(cls, value: str | None) -> str | None:
        return _member_state(value)

    @field_validator("data_categories")
    @classmethod
    def categories_unique(cls, value: list[EpocCategory]) -> list[EpocCategory]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def deadline_section_agrees(self) -> EuOrder:
        grounds = (self.emergency_grounds or "").strip()
        if self.deadline_section is DeadlineSection.emergency and not grounds:
            raise _field_error("emergency_grounds", "an emergency order must state its grounds")
        if self.deadline_section is not DeadlineSection.emergency and grounds:
            raise _field_error(
                "deadline_section", "emergency grounds are given but the section is not emergency"
            )
        if self.deadline_section is DeadlineSection.emergency and self.earlier_deadline_at:
            raise _field_error(
                "earlier_deadline_at", "an emergency order has the 8-hour deadline, not another"
            )
        return self


def _field_error(field: str, problem: str) -> FieldValueError:
    return FieldValueError(field, problem)


def check_order_for_kind(kind: str, order: EuOrder | None) -> None:
    """What the certificate must agree with in the kind of order it came with."""
    if order is None:
        return
    if kind in JUSTICE_KINDS and order.issuing_state:
        _member_state(order.issuing_state, justice=True)
    if kind not in EPOC_KINDS:
        if order.deadline_section is not None:
            raise _field_error("deadline_section", f"a {kind} has no deadline section")
        if order.data_categories:
            raise _field_error("data_categories", f"a {kind} names no e-Evidence data categories")
    if kind not in EPOC_KINDS:
        for name in ("offence_max_sentence_years", "listed_offence"):
            if getattr(order, name) is not None:
                raise _field_error(name, f"a {kind} is not limited by the offence's sentence")
    if kind not in CONTENT_KINDS and order.content:
        raise _field_error("content", f"a {kind} acts on no content")
