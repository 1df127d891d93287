"""Time zones and shift times: the one place that turns a local clock into UTC.

The rules, stated once (docs/architecture.md, "Staffing"; tested in tests/staffing):
- A shift starts at its local start on the person's own clock and lasts its length in
  elapsed time. A 22:00 shift of 8 hours across the spring change ends at 07:00 on the
  clock (8 hours worked), across the autumn change at 05:00 (8 hours worked).
- A local start inside the spring gap is read with the offset before the gap (Python's
  `fold=0`): 02:30 in New York on the spring Sunday starts at 07:30 UTC, shown as 03:30.
  A local start that happens twice in autumn takes the first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from exigent.errors import BadInput


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The IANA zone `name`, or a 422 naming `field` when it does not exist."""
    if not name or name not in _known_zones():
        raise BadInput(
            f"{field}: {name!r} is not an IANA time zone (e.g. Europe/Dublin)", field=field
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"{field}: {name!r} is not an IANA time zone", field=field) from None


_ZONES: frozenset[str] = frozenset()


def _known_zones() -> frozenset[str]:
    global _ZONES
    if not _ZONES:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


def local_start(on: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of `at` on `on` in `zone_name` (gaps and folds as the module says)."""
    return datetime.combine(on, at, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def shift_times(on: date, at: time, minutes: int, zone_name: str) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a shift starting at `at` local on `on`, `minutes` elapsed long."""
    start = local_start(on, at, zone_name)
    return start, start + timedelta(minutes=minutes)


def in_zone(moment: datetime, zone_name: str) -> datetime:
    """`moment` on the clock of `zone_name`."""
    return moment.astimezone(ZoneInfo(zone_name))


def wall_hours(start: datetime, end: datetime, zone_name: str) -> float:
    """What the clock on the wall says a shift lasted (differs from elapsed across a change)."""
    here = ZoneInfo(zone_name)
    a = start.astimezone(here).replace(tzinfo=None)
    b = end.astimezone(here).replace(tzinfo=None)
    return (b - a).total_seconds() / 3600


def hours_between(start: datetime, end: datetime) -> list[datetime]:
    """The whole UTC hours from `start` (rounded down) to `end`, each as its first instant."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = []
    at = first
    while at < end:
        hours.append(at)
        at += timedelta(hours=1)
    return hours
