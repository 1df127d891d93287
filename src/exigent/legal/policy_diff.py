"""What changed between two policy documents, cell by cell, in the words of the policy page.

Pure: two documents in, a list of changed cells out. A cell is a leaf of the document (a
verdict, a route, a clock, a list of fields); a clock (`{"minutes": 15}`) counts as one cell so
that a change of unit reads as one change, not two half-changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VERDICT_WORDS = {"P": "permitted", "N": "not permitted", "L": "legal review"}
SECTION_WORDS = {
    "name": "name",
    "categories": "categories",
    "kinds": "what each kind may obtain",
    "us_countries": "US countries",
    "non_government_not_permitted": "never for a non-government requester",
    "max_preservation_extensions": "preservation extensions",
    "required_elements": "required elements",
    "obligations": "obligations",
    "priorities": "priorities",
    "sla": "SLA clocks",
    "sla_warning_fraction": "SLA warning",
}
MISSING = object()


@dataclass(frozen=True)
class CellChange:
    """One cell of the policy that differs: where it is, and what it said before and after."""

    path: str  # the document path, e.g. "kinds.court_order.categories.location"
    section: str  # the table it belongs to, e.g. "kinds"
    row: str  # e.g. "court_order" (empty for a single value such as the name)
    column: str  # e.g. "location", "route", "acknowledge" (empty for a single value)
    before: str  # in words; "—" when the cell did not exist
    after: str

    @property
    def section_words(self) -> str:
        return SECTION_WORDS.get(self.section, self.section.replace("_", " "))

    @property
    def is_verdict(self) -> bool:
        """A kind-by-category cell: the ones that decide what a decision may disclose."""
        return self.section == "kinds" and self.path.split(".")[2:3] == ["categories"]

    def describe(self) -> str:
        """One line for people, e.g. `court order · location: legal review → not permitted`."""
        where = " · ".join(part.replace("_", " ") for part in (self.row, self.column) if part)
        return f"{where or self.section_words}: {self.before} → {self.after}"


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> list[CellChange]:
    """Every cell that differs between two policy documents, in the document's order."""
    old, new = _cells(before), _cells(after)
    paths = list(old) + [path for path in new if path not in old]
    return [
        _change(path, old.get(path, MISSING), new.get(path, MISSING))
        for path in paths
        if old.get(path, MISSING) != new.get(path, MISSING)
    ]


def _cells(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for key, value in document.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and not _is_clock(value):
            cells.update(_cells(value, f"{path}."))
        else:
            cells[path] = value
    return cells


def _is_clock(value: dict[str, Any]) -> bool:
    return bool(value) and set(value) <= {"minutes", "business_days"}


def _change(path: str, before: Any, after: Any) -> CellChange:
    parts = path.split(".")
    section = parts[0]
    rest = [part for part in parts[1:] if part != "categories" or section != "kinds"]
    row = rest[0] if rest else ""
    column = ".".join(rest[1:])
    if section == "priorities":
        column = "priority"
    return CellChange(
        path=path,
        section=section,
        row=row,
        column=column,
        before=in_words(path, before),
        after=in_words(path, after),
    )


def in_words(path: str, value: Any) -> str:
    """A cell's value as the policy page shows it."""
    if value is MISSING or value is None:
        return "—"
    if path.startswith("kinds.") and ".categories." in path:
        return VERDICT_WORDS.get(str(value), str(value))
    if isinstance(value, dict) and _is_clock(value):
        return clock_words(value)
    if path == "sla_warning_fraction":
        return f"{round(float(value) * 100)} %"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value).replace("_", " ") if path.endswith(".route") else str(value)


def clock_words(clock: dict[str, Any]) -> str:
    minutes = clock.get("minutes")
    if minutes is not None:
        return f"{minutes // 60} h" if minutes >= 60 and minutes % 60 == 0 else f"{minutes} min"
    days = clock.get("business_days")
    return f"{days} business day{'' if days == 1 else 's'}"
