"""The certificate's fields as a form (the portal's order form and the console's confirmation
page share them): form values to the intake record's `eu_order`, and back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from exigent.cases.eu_certificate import AuthorityRole, DeadlineSection, EpocCategory
from exigent.legal.eu_policy import SeriousOffences
from exigent.legal.policy import Policy

ROLES = list(AuthorityRole)
SECTIONS = list(DeadlineSection)
CATEGORIES = list(EpocCategory)
AUTHORITY_FIELDS = ("name", "role", "email", "phone", "address", "file_number")
TEXT_FIELDS = (
    "issuing_state",
    "addressee",
    "deadline_section",
    "emergency_grounds",
    "earlier_deadline_at",
    "grounds",
    "offence",
    "listed_offence",
    "person_residence_state",
    "enforcing_state",
    "reasons",
)
CHOICES = ("person_may_be_told", "content_provider_may_be_told")


class FormLike(Protocol):
    def get(self, key: str, /) -> Any: ...


def form_field(path: str) -> str:
    """The form field a problem's path names: `eu_order.issuing_authority.role` is
    `issuing_authority_role`, `eu_order.content[2].locator` is `content`."""
    path = re.sub(r"\[\d+\].*$", "", path.removeprefix("eu_order."))
    return path.replace("data_period.", "period_").replace(".", "_")


def _text(form: FormLike, name: str) -> str | None:
    value = str(form.get(name) or "").strip()
    return value or None


def _authority(form: FormLike, prefix: str) -> dict[str, str] | None:
    found = {f: v for f in AUTHORITY_FIELDS if (v := _text(form, f"{prefix}_{f}"))}
    return found or None


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _number(text: str) -> float | str:
    """A number as typed (a decimal comma too); anything else is left for the model to refuse."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def serious_offences(policy: Policy) -> SeriousOffences:
    """The sentence threshold and the offences Art. 5(4) lists, as the policy has them."""
    return policy.eu_orders.serious_offences


def certificate_from_form(form: FormLike, categories: list[str]) -> dict[str, Any]:
    """The certificate as the intake record carries it; blanks are left out."""
    certificate: dict[str, Any] = {n: v for n in TEXT_FIELDS if (v := _text(form, n))}
    for prefix in ("issuing_authority", "validating_authority"):
        if authority := _authority(form, prefix):
            certificate[prefix] = authority
    if categories:
        certificate["data_categories"] = categories
    period = {k: v for k in ("start", "end") if (v := _text(form, f"period_{k}"))}
    if period:
        certificate["data_period"] = period
    for name in CHOICES:
        if (choice := _yes_no(_text(form, name))) is not None:
            certificate[name] = choice
    lines = [line.strip() for line in str(form.get("content") or "").splitlines()]
    if locators := [line for line in lines if line]:
        certificate["content"] = [{"locator": locator} for locator in locators]
    if years := _text(form, "offence_max_sentence_years"):
        certificate["offence_max_sentence_years"] = _number(years)
    if days := _text(form, "preservation_days"):
        certificate["preservation_days"] = int(days) if days.isdigit() else days
    return certificate


def form_from_certificate(certificate: Mapping[str, Any]) -> dict[str, Any]:
    """Form values that show a stored certificate again."""
    values: dict[str, Any] = {n: certificate.get(n) or "" for n in TEXT_FIELDS}
    for prefix in ("issuing_authority", "validating_authority"):
        authority = certificate.get(prefix) or {}
        for field in AUTHORITY_FIELDS:
            values[f"{prefix}_{field}"] = authority.get(field) or ""
    period = certificate.get("data_period") or {}
    values["period_start"], values["period_end"] = period.get("start", ""), period.get("end", "")
    for name in CHOICES:
        flag = certificate.get(name)
        values[name] = "" if flag is None else ("yes" if flag else "no")
    values["content"] = "\n".join(i.get("locator", "") for i in certificate.get("content") or [])
    values["data_categories"] = list(certificate.get("data_categories") or [])
    values["preservation_days"] = str(certificate.get("preservation_days") or "")
    years = certificate.get("offence_max_sentence_years")
    # A number shows without a trailing ".0"; what was typed and refused shows as typed.
    shown = f"{years:g}" if isinstance(years, int | float) else str(years or "")
    values["offence_max_sentence_years"] = "" if years is None else shown
    return values
