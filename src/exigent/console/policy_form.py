"""The policy editor's form and the policy document, both ways: every cell of the policy page
is one form field named by its path in the document (`kinds.court_order.categories.location`),
so a problem the policy's validation names lands next to the cell it is about.

Lists of field paths and countries are typed comma-separated; a clock is an amount and a unit;
the SLA warning is typed as a percentage. What the form does not carry (the category list) is
taken from the version being edited.
"""

from __future__ import annotations

import copy
import re
from typing import Any

VERDICTS = ("P", "L", "N")
UNITS = ("minutes", "business_days")
OBLIGATIONS = ("preservation_days", "nondisclosure_review_days", "emergency_user_notice_days")
ELEMENT_LISTS = ("required_elements.all", "required_elements.not_required_for_preservation")
Form = dict[str, list[str]]


def editor_values(document: dict[str, Any]) -> dict[str, Any]:
    """What each field of the editor shows for `document`."""
    values: dict[str, Any] = {"name": document["name"]}
    for kind, rule in document["kinds"].items():
        for category, verdict in rule["categories"].items():
            values[f"kinds.{kind}.categories.{category}"] = verdict
        values[f"kinds.{kind}.route"] = rule["route"]
        values[f"priorities.{kind}"] = document["priorities"].get(kind, "")
        by_kind = document["required_elements"]["by_kind"].get(kind, [])
        values[f"required_elements.by_kind.{kind}"] = ", ".join(by_kind)
    for priority, clocks in document["sla"].items():
        for which in ("acknowledge", "decide"):
            clock = clocks[which]
            unit = "minutes" if clock.get("minutes") is not None else "business_days"
            values[f"sla.{priority}.{which}"] = str(clock[unit])
            values[f"sla.{priority}.{which}.unit"] = unit
    values["sla_warning_fraction"] = str(round(document["sla_warning_fraction"] * 100))
    for name in ELEMENT_LISTS:
        values[name] = ", ".join(document["required_elements"][name.split(".")[1]])
    for name in OBLIGATIONS:
        values[f"obligations.{name}"] = str(document["obligations"][name])
    values["max_preservation_extensions"] = str(document["max_preservation_extensions"])
    values["us_countries"] = ", ".join(document["us_countries"])
    values["non_government_not_permitted"] = list(document["non_government_not_permitted"])
    return values


class _Reader:
    """Reads the form into a copy of the base document, noting each problem by field."""

    def __init__(self, form: Form, base: dict[str, Any]) -> None:
        self.form = form
        self.document = copy.deepcopy(base)
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str | None:
        values = self.form.get(name)
        return None if values is None else values[0].strip()

    def choice(self, name: str, allowed: tuple[str, ...], words: str) -> str | None:
        value = self.text(name)
        if value is not None and value not in allowed:
            self.errors[name] = f"{name}: choose {words}"
            return None
        return value

    def whole(self, name: str, *, least: int) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        if not value.lstrip("-").isdigit():
            self.errors[name] = (
                f"{name}: {value!r} is not a whole number" if value else (f"{name}: give a number")
            )
            return None
        number = int(value)
        if number < least or number > 2**31 - 1:
            self.errors[name] = f"{name}: give a whole number of at least {least}"
            return None
        return number

    def items(self, name: str) -> list[str] | None:
        value = self.text(name)
        if value is None:
            return None
        return [part.strip() for part in value.split(",") if part.strip()]


def document_from_form(
    form: Form, base: dict[str, Any], *, routes: tuple[str, ...], priorities: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The edited document (the base with every field the form carries), and the problems
    found before the policy's own validation looks at it, by field."""
    read = _Reader(form, base)
    document = read.document
    if (name := read.text("name")) is not None:
        document["name"] = name
    _kinds(read, routes, priorities)
    _clocks(read)
    _lists_and_numbers(read)
    return document, read.errors


def _kinds(read: _Reader, routes: tuple[str, ...], priorities: tuple[str, ...]) -> None:
    document = read.document
    by_kind = document["required_elements"]["by_kind"]
    for kind, rule in document["kinds"].items():
        for category in rule["categories"]:
            name = f"kinds.{kind}.categories.{category}"
            verdict = read.choice(name, VERDICTS, "permitted, legal review or not permitted")
            if verdict is not None:
                rule["categories"][category] = verdict
        if (route := read.choice(f"kinds.{kind}.route", routes, "a route")) is not None:
            rule["route"] = route
        name = f"priorities.{kind}"
        if (priority := read.choice(name, priorities, ", ".join(priorities))) is not None:
            document["priorities"][kind] = priority
        elements = read.items(f"required_elements.by_kind.{kind}")
        # A kind without its own elements stays absent rather than becoming an empty list, so
        # an untouched form is the very document it was made from.
        if elements is not None and (elements or kind in by_kind):
            by_kind[kind] = elements


def _clocks(read: _Reader) -> None:
    for priority, clocks in read.document["sla"].items():
        for which in ("acknowledge", "decide"):
            name = f"sla.{priority}.{which}"
            amount = read.whole(name, least=1)
            unit = read.choice(f"{name}.unit", UNITS, "minutes or business days")
            if amount is None and read.text(name) is None:
                continue
            if amount is not None and unit is not None:
                clocks[which] = {unit: amount}
    percent = read.whole("sla_warning_fraction", least=1)
    if percent is not None:
        if percent >= 100:
            read.errors["sla_warning_fraction"] = (
                "sla_warning_fraction: warn before the clock runs out (1 to 99 %)"
            )
        else:
            read.document["sla_warning_fraction"] = percent / 100


def _lists_and_numbers(read: _Reader) -> None:
    document = read.document
    for name in ELEMENT_LISTS:
        if (paths := read.items(name)) is not None:
            document["required_elements"][name.split(".")[1]] = paths
    for name in OBLIGATIONS:
        if (days := read.whole(f"obligations.{name}", least=1)) is not None:
            document["obligations"][name] = days
    if (extensions := read.whole("max_preservation_extensions", least=0)) is not None:
        document["max_preservation_extensions"] = extensions
    if (countries := read.items("us_countries")) is not None:
        document["us_countries"] = countries
    # Checkboxes send nothing when none is ticked: the form marks that the group was shown.
    if "non_government_not_permitted.shown" in read.form:
        document["non_government_not_permitted"] = list(
            read.form.get("non_government_not_permitted", [])
        )


def field_for(problem_field: str, names: set[str]) -> str | None:
    """The editor field a validation problem is about: the longest field name its document
    path starts with (`sla.P0.acknowledge.minutes` -> `sla.P0.acknowledge`)."""
    path = problem_field.removeprefix("policy.").removeprefix("policy")
    parts = path.split(".") if path else []
    while parts:
        candidate = ".".join(parts)
        if candidate in names:
            return candidate
        parts.pop()
    return None


def place_problem(field: str, message: str, values: dict[str, Any]) -> str | None:
    """Where a validation problem belongs in the editor: the field it names, else the field
    holding the value a table-wide rule quotes (`required_elements names 'x', ...`)."""
    found = field_for(field, set(values))
    if found is not None:
        return found
    quoted = re.search(r"names '([^']+)'", message)
    if quoted:
        for name, value in values.items():
            if isinstance(value, str) and quoted.group(1) in [v.strip() for v in value.split(",")]:
                return name
    return None
