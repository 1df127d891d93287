"""The directory's forms as typed (agency details, a number with its source), read into the
schemas, with each problem keyed `<form>.<field>` so a page shows it beside its field.

Used by the directory's own pages and by the case page's agency panel."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from exigent.directory.models import PhoneSource
from exigent.directory.schemas import AgencyDetails, PhoneCreate
from exigent.errors import BadInput, ExigentError

M = TypeVar("M", bound=BaseModel)

# What each kind of source is, as the form offers it.
KIND_CHOICES = [
    (str(PhoneSource.agency_website), "The agency's own website"),
    (str(PhoneSource.directory), "An official directory or list (a state POST list, say)"),
    (str(PhoneSource.prior_callback), "An earlier callback the agency confirmed"),
]
# What the agency's page says after a change, named by the `done` of its redirect.
DONE = {
    "created": "Agency added to the directory.",
    "edited": "Agency details saved.",
    "standing": "Standing recorded.",
    "domain": "Domain added.",
    "phone": "Number added.",
    "dialled": "Callbacks now dial this number.",
    "retired": "Number retired.",
}
DETAIL_FIELDS = ("name", "agency_type", "country", "state", "ori", "homepage_url", "notes")
PHONE_FIELDS = ("number", "label", "source_kind", "source")


def _blank_is_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def validated(model: type[M], data: dict[str, Any], form: str) -> M:
    """`data` as `model`, or BadInput naming each field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadInput(
            f"{form}: correct the fields marked", problems=_problems(exc, form)
        ) from None


def _problems(exc: ValidationError, form: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in exc.errors():
        field = ".".join(str(p) for p in item.get("loc", ())) or form
        message = str(item.get("msg", "is invalid")).removeprefix("Value error, ")
        if item.get("type") == "string_too_short":
            message = "is required" if not item.get("input") else message
        found.setdefault(f"{form}.{field}", f"{field.replace('_', ' ')}: {message}")
    return found


def details_of(typed: dict[str, str], form: str) -> tuple[AgencyDetails | None, dict[str, str]]:
    """The agency fields of a form, blank ones as none."""
    data = {k: _blank_is_none(typed.get(k)) for k in DETAIL_FIELDS}
    data["name"] = (typed.get("name") or "").strip()
    data["country"] = (typed.get("country") or "US").strip() or "US"
    try:
        return validated(AgencyDetails, data, form), {}
    except BadInput as exc:
        return None, exc.detail["problems"]


def phone_of(
    typed: dict[str, str], form: str, *, dialled: bool
) -> tuple[PhoneCreate | None, dict[str, str]]:
    """The number fields of a form; its source is required, in words."""
    data: dict[str, Any] = {k: (typed.get(k) or "").strip() for k in PHONE_FIELDS}
    data["label"] = data["label"] or None
    data["use_for_callbacks"] = dialled
    problems: dict[str, str] = {}
    if not data["number"]:
        problems[f"{form}.number"] = "number: give the agency's number"
    if data["source_kind"] not in {k for k, _ in KIND_CHOICES}:
        problems[f"{form}.source_kind"] = "source kind: say where the number was found"
    if len(data["source"]) < 3:
        problems[f"{form}.source"] = (
            "source: name the page or list it came from and who looked it up"
        )
    if problems:
        return None, problems
    try:
        return validated(PhoneCreate, data, form), {}
    except BadInput as exc:
        return None, exc.detail["problems"]


def field_errors(exc: ExigentError, form: str) -> dict[str, str]:
    """A service's or a form's problem beside the field it names, else above the form."""
    problems = exc.detail.get("problems")
    if isinstance(problems, dict) and problems:
        return {form: exc.message.split(": ", 1)[-1], **problems}
    field = exc.detail.get("field")
    if field:
        return {f"{form}.{field}": exc.message}
    return {form: exc.message}
