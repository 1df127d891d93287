"""The audit log's filters as people type them (page form, API query) and as the log reads
them (`audit.queries.LogFilter`); a bad value is refused naming its field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from exigent.audit.queries import KINDS, LogFilter, kind_of
from exigent.cases.models import format_reference, parse_reference
from exigent.db import MAX_ID
from exigent.errors import BadInput

ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
FIELDS = ("case", "actor", "action", "kind", "since", "until")


@dataclass(frozen=True)
class Typed:
    """What the person asked for, as typed (kept in the form), and what the log reads."""

    values: dict[str, str]
    log_filter: LogFilter
    case_id: int | None

    @property
    def query(self) -> dict[str, str]:
        """The non-empty filters, for links to the next page."""
        return {name: value for name, value in self.values.items() if value}


def parse(params: Mapping[str, str], known_actions: Callable[[], list[str]]) -> Typed:
    """`params` as a filter; `known_actions` is asked only when a family or kind needs it."""
    values = {name: (params.get(name) or "").strip() for name in FIELDS}
    case_id = _case(values["case"])
    actor = values["actor"].lower() or None
    if actor is not None and len(actor) > 320:
        raise BadInput("actor: at most 320 characters (an email or a system name)", field="actor")
    since = _moment(values["since"], "since", end_of_day=False)
    until = _moment(values["until"], "until", end_of_day=True)
    if since is not None and until is not None and until <= since:
        raise BadInput("until: must be later than since", field="until")
    log_filter = LogFilter(
        case_id=case_id,
        actor=actor,
        actions=_actions(values["action"], values["kind"], known_actions),
        since=since,
        until=until,
    )
    if case_id is not None:
        values["case"] = format_reference(case_id)
    # As the form's date-and-time fields show them (a day given alone, as its bounds).
    values["since"], values["until"] = _shown(since), _shown(until)
    return Typed(values=values, log_filter=log_filter, case_id=case_id)


def _case(value: str) -> int | None:
    if not value:
        return None
    number = parse_reference(value)
    if number is None or not 1 <= number <= MAX_ID:
        raise BadInput(f"case: {value!r} is not a case reference like EXG-0001234", field="case")
    return number


def _actions(
    action: str, kind: str, known_actions: Callable[[], list[str]]
) -> tuple[str, ...] | None:
    """None for every action; else the actions to show (a family `request.*` is every known
    action under `request.`)."""
    if kind and kind not in KINDS:
        raise BadInput(f"kind: one of {', '.join(KINDS)}, or empty for all", field="kind")
    family = action.endswith(".*")
    stem = action.removesuffix(".*")
    if action and (len(action) > 64 or not ACTION.fullmatch(stem)):
        raise BadInput(
            f"action: {action!r} is not an action like request.read or a family like request.*",
            field="action",
        )
    if not family and not kind:
        return (action,) if action else None
    names = known_actions()
    if family:
        names = [name for name in names if name.startswith(stem + ".")]
    elif action:
        names = [name for name in names if name == action]
    if kind:
        names = [name for name in names if kind_of(name) == kind]
    return tuple(names)


def _shown(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


def _moment(value: str, field: str, *, end_of_day: bool) -> datetime | None:
    """A time in UTC: a date (its start; for `until`, the end of that day) or a date and time
    (an offset, if given, is honoured)."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = datetime.combine(datetime.fromisoformat(value).date(), time(), tzinfo=UTC)
            return day + timedelta(days=1) if end_of_day else day
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(
            f"{field}: {value!r} is not a date (2026-12-01) or a time (2026-12-01T14:30), UTC",
            field=field,
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
