"""Hand-overs found in a roster: clock changes and people in several zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from exigent.briefs.handovers import handovers
from exigent.staffing.clock import shift_times
from exigent.staffing.models import Shift


def _shift(user_id: int, on: date, start: time, hours: int, zone: str, skills: list[str]) -> Shift:
    starts, ends = shift_times(on, start, hours * 60, zone)
    return Shift(user_id=user_id, starts_at=starts, ends_at=ends, skills=skills)


def test_a_new_york_lead_hands_over_an_hour_earlier_in_utc_after_the_spring_change() -> None:
    # US clocks go forward on Sunday 8 March 2026, Europe's on 29 March.
    shifts = []
    for day in (date(2026, 3, 7), date(2026, 3, 9)):
        shifts.append(_shift(1, day, time(8), 8, "Europe/Berlin", ["emergency"]))
        shifts.append(_shift(2, day, time(8), 8, "America/New_York", ["emergency", "lead"]))
    found = handovers(shifts, datetime(2026, 3, 6, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC))
    assert [(h.at, h.incoming_ids, h.incoming_lead_ids) for h in found] == [
        (datetime(2026, 3, 7, 7, tzinfo=UTC), [1], []),
        (datetime(2026, 3, 7, 13, tzinfo=UTC), [2], [2]),
        (datetime(2026, 3, 9, 7, tzinfo=UTC), [1], []),
        # 08:00 EDT is 12:00 UTC: the hand-over moved with New York's clock, Berlin's did not.
        (datetime(2026, 3, 9, 12, tzinfo=UTC), [2], [2]),
    ]
    assert found[1].until == datetime(2026, 3, 7, 21, tzinfo=UTC)


def test_back_to_back_shifts_are_no_hand_over_and_leaving_alone_needs_no_brief() -> None:
    on = date(2026, 6, 1)
    shifts = [
        _shift(1, on, time(0), 8, "UTC", ["emergency", "lead"]),
        # The same person straight on: still on shift, nobody new.
        _shift(1, on, time(8), 8, "UTC", ["emergency", "lead"]),
        _shift(2, on, time(0), 12, "UTC", ["emergency"]),
        _shift(3, on, time(16), 8, "Asia/Tokyo", ["emergency", "lead"]),
    ]
    found = handovers(shifts, datetime(2026, 5, 31, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC))
    # 00:00 UTC: 1 and 2 come on; 12:00 UTC: 2 leaves alone (no brief); 16:00 Tokyo is 07:00
    # UTC, where 3 joins; 16:00 UTC: 1 leaves, nobody comes.
    assert [(h.at.hour, h.incoming_ids, h.outgoing_ids) for h in found] == [
        (0, [1, 2], []),
        (7, [3], []),
    ]
    assert found[1].incoming_lead_ids == [3]
