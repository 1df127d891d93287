"""A hand-made week-long instance small enough to reason about and brute-force."""

from __future__ import annotations

TINY = """\
SECTION_HORIZON
7

SECTION_SHIFTS
E,480,
L,480,E

SECTION_STAFF
A,E=3|L=3,2400,960,3,2,2,1
B,E=4|L=1,2880,960,4,1,1,1

SECTION_DAYS_OFF
A,0

SECTION_SHIFT_ON_REQUESTS
A,2,E,2

SECTION_SHIFT_OFF_REQUESTS
B,4,L,3

SECTION_COVER
0,E,1,100,1
1,E,1,100,1
2,E,1,100,1
3,L,1,100,1
4,L,1,100,1
5,E,1,100,1
6,E,1,100,1
"""
