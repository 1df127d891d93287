"""Coverage requirements on a zone's clock follow its daylight saving time; gaps are counted."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from exigent.staffing.coverage import WEEKDAYS, by_day, gaps, needed, rostered
from exigent.staffing.models import CoverageRequirement, Shift


def _legal_hours() -> CoverageRequirement:
    return CoverageRequirement(
        template="t",
        skill="legal_process",
        minimum=1,
        zone="America/New_York",
        weekdays=WEEKDAYS,
        start=time(8),
        end=time(20),
    )


def _utc_hours(need: dict[tuple[datetime, str], int], on: datetime) -> list[int]:
    return sorted(h.hour for (h, _), _m in need.items() if h.date() == on.date())


def test_eastern_office_hours_move_in_utc_with_daylight_saving() -> None:
    winter = datetime(2026, 1, 14, tzinfo=UTC)  # a Wednesday, EST (UTC-5)
    summer = datetime(2026, 7, 15, tzinfo=UTC)  # a Wednesday, EDT (UTC-4)
    req = [_legal_hours()]
    # 08:00-20:00 EST is 13:00-01:00 UTC (00:00 today is yesterday's last hour).
    assert _utc_hours(needed(req, winter, winter + timedelta(days=1)), winter) == [
        0,
        *range(13, 24),
    ]
    # 08:00-20:00 EDT is 12:00-00:00 UTC.
    assert _utc_hours(needed(req, summer, summer + timedelta(days=1)), summer) == list(
        range(12, 24)
    )


def test_a_weekend_needs_no_legal_process() -> None:
    saturday = datetime(2026, 1, 17, tzinfo=UTC)
    assert (
        needed([_legal_hours()], saturday + timedelta(hours=6), saturday + timedelta(hours=30))
        == {}
    )


def test_gaps_count_hours_a_shift_does_not_cover_whole() -> None:
    day = datetime(2026, 1, 14, tzinfo=UTC)
    req = CoverageRequirement(
        template="t",
        skill="emergency",
        minimum=1,
        zone="UTC",
        weekdays=list(range(7)),
        start=time(0),
        end=time(0),
    )
    # 08:30 to 16:30: the hours 09-15 are covered whole; 08 and 16 are not.
    shift = Shift(
        user_id=1,
        starts_at=day + timedelta(hours=8, minutes=30),
        ends_at=day + timedelta(hours=16, minutes=30),
        skills=["emergency"],
    )
    until = day + timedelta(days=1)
    found = gaps(needed([req], day, until), rostered([shift], day, until))
    assert len(found) == 24 - 7
    assert {g.hour.hour for g in found} >= {8, 16}
    table = by_day(found, day, 1, ["emergency"])
    assert table["emergency"][0].hours_short == 17 and table["emergency"][0].worst == 1
