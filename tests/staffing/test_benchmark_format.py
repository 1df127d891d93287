import pytest

from exigent.staffing.benchmark_format import InstanceError, parse_instance
from staffing.tiny_instance import TINY


def test_parses_shifts_staff_requests_and_cover() -> None:
    inst = parse_instance(TINY)
    assert inst.horizon == 7
    assert [s.id for s in inst.shifts] == ["E", "L"]
    assert inst.shifts[1].cannot_follow == frozenset({"E"})
    a = inst.employees[0]
    assert (a.max_shifts, a.max_minutes, a.min_minutes) == ({"E": 3, "L": 3}, 2400, 960)
    assert (a.max_consecutive, a.min_consecutive, a.min_consecutive_off, a.max_weekends) == (
        3,
        2,
        2,
        1,
    )
    assert a.days_off == frozenset({0})
    assert inst.weekends == [(5, 6)]
    assert len(inst.covers) == 7 and inst.off_requests[0].weight == 3


def test_missing_section_is_named() -> None:
    text = TINY.replace("SECTION_COVER", "SECTION_COVERAGE")
    with pytest.raises(InstanceError, match="missing section SECTION_COVER"):
        parse_instance(text)


def test_bad_number_names_section_field_and_line() -> None:
    text = TINY.replace("A,E=3|L=3,2400,960", "A,E=3|L=3,2400,lots")
    with pytest.raises(InstanceError, match=r"SECTION_STAFF line 9: MinTotalMinutes .*'lots'"):
        parse_instance(text)


def test_unknown_shift_in_cover_names_line() -> None:
    text = TINY.replace("3,L,1,100,1", "3,N,1,100,1")
    with pytest.raises(InstanceError, match=r"SECTION_COVER line 25: unknown ShiftID 'N'"):
        parse_instance(text)
