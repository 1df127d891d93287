"""Shift times across daylight saving changes: a shift lasts its elapsed length."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from exigent.errors import BadInput
from exigent.staffing.clock import in_zone, shift_times, wall_hours, zone

NIGHT = time(22, 0)
EIGHT_HOURS = 8 * 60


@pytest.mark.parametrize(
    ("zone_name", "night_of", "ends_on_clock", "wall"),
    [
        # Spring forward: the clock skips an hour, so 8 hours worked end at 07:00.
        ("America/New_York", date(2026, 3, 7), time(7, 0), 9.0),
        ("Europe/Berlin", date(2026, 3, 28), time(7, 0), 9.0),
        # Fall back: the clock repeats an hour, so 8 hours worked end at 05:00.
        ("America/New_York", date(2026, 10, 31), time(5, 0), 7.0),
        ("Europe/Berlin", date(2026, 10, 24), time(5, 0), 7.0),
        # An ordinary night: 06:00.
        ("America/New_York", date(2026, 6, 6), time(6, 0), 8.0),
    ],
)
def test_a_night_across_a_clock_change_lasts_eight_elapsed_hours(
    zone_name: str, night_of: date, ends_on_clock: time, wall: float
) -> None:
    start, end = shift_times(night_of, NIGHT, EIGHT_HOURS, zone_name)
    assert (end - start).total_seconds() == 8 * 3600
    assert in_zone(start, zone_name).time() == NIGHT
    assert in_zone(end, zone_name).time() == ends_on_clock
    assert wall_hours(start, end, zone_name) == wall


def test_a_start_inside_the_spring_gap_takes_the_offset_before_it() -> None:
    # 02:30 does not exist in New York on 8 March 2026: read as EST, it is 07:30 UTC.
    start, _ = shift_times(date(2026, 3, 8), time(2, 30), 60, "America/New_York")
    assert start == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert in_zone(start, "America/New_York").time() == time(3, 30)


def test_a_start_that_happens_twice_takes_the_first() -> None:
    start, _ = shift_times(date(2026, 11, 1), time(1, 30), 60, "America/New_York")
    assert start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT


def test_a_zone_that_does_not_exist_is_refused_naming_the_field() -> None:
    with pytest.raises(BadInput) as refused:
        zone("Mars/Olympus_Mons", field="timezone")
    assert refused.value.message.startswith("timezone: 'Mars/Olympus_Mons' is not an IANA")
    assert zone("Asia/Singapore").key == "Asia/Singapore"
