"""Where the directory's agencies are: a lat/lon bucket index over the FBI agency list.

The FBI Crime Data Explorer list (shipped with the directory) gives each agency its ORI, type,
county and coordinates; the `agencies` table gives the same agency (by ORI) its independently
sourced phone number. The FBI's coordinates are often a county's centre, shared by every town
of the county (45% of city agencies share theirs with another), so where the PDAP list has the
same agency (same name and state) its own coordinates are used instead.

The FBI list also geocodes some agencies wrongly: Indiana's and Idaho's Franklin County
sheriffs stand in Columbus, Ohio, where Ohio's does. An agency further than `COUNTY_SPREAD_KM`
from the middle (median) of its own county's agencies is left out of the index: its point says
nothing about where its jurisdiction is.

The index is built once per process (about 18,000 agencies, a second or two), so a case asks
a few dozen buckets, not every agency.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from exigent.directory.sources import iter_fbi_agencies, iter_pdap_agencies

EARTH_KM = 6371.0088
# A bucket is 0.15 degrees square (about 17 km north-south): small enough that a dense metro
# area's bucket holds a few dozen agencies, large enough that a search within 80 km asks a few
# hundred buckets at most.
CELL_DEG = 0.15
# How far an agency may stand from the median of its county's agencies (3 or more of them) and
# still be believed: half the width of the largest counties of the West, where a county's
# towns sit far apart, but far less than a wrong state or a wrong county's centre.
COUNTY_SPREAD_KM = 100.0
# The suffixes a city's police department carries after the city's name.
POLICE_SUFFIXES = (
    " police department",
    " police dept",
    " police",
    " department of public safety",
    " public safety department",
    " city police department",
)


@dataclass(frozen=True, slots=True)
class AgencyPoint:
    """One agency of the FBI list, where it stands."""

    ori: str
    name: str
    agency_type: str
    county: str | None
    state: str
    latitude: float
    longitude: float

    def county_label(self) -> str | None:
        return f"{self.counties()[0].title()} County" if self.county else None

    def counties(self) -> list[str]:
        """The counties it serves, upper case: a city over a county line names each one
        ("DELAWARE; FAIRFIELD; FRANKLIN")."""
        if not self.county:
            return []
        return [c.strip().upper() for c in self.county.split(";") if c.strip()]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


class GridIndex:
    """Agencies bucketed by 0.15-degree cell; nearest-first search ring by ring."""

    def __init__(self, points: Iterable[AgencyPoint]) -> None:
        self.cells: dict[tuple[int, int], list[AgencyPoint]] = {}
        for point in points:
            self.cells.setdefault(_cell(point.latitude, point.longitude), []).append(point)

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self.cells.values())

    def nearest(
        self, lat: float, lon: float, *, k: int = 3, max_km: float = 100.0
    ) -> list[tuple[float, AgencyPoint]]:
        """Up to `k` agencies within `max_km`, nearest first, with their distance."""
        row, col = _cell(lat, lon)
        # The narrowest a ring can be in km: a cell's east-west width at the poleward edge.
        edge = min(89.0, abs(lat) + CELL_DEG)
        ring_km = CELL_DEG * 111.19 * max(0.05, math.cos(math.radians(edge)))
        found: list[tuple[float, AgencyPoint]] = []
        ring = 0
        while True:
            for cell in _ring_cells(row, col, ring):
                for point in self.cells.get(cell, ()):
                    d = distance_km(lat, lon, point.latitude, point.longitude)
                    if d <= max_km:
                        found.append((d, point))
            # Anything in ring r+1 is at least r ring-widths away.
            reach = ring * ring_km
            found.sort(key=lambda pair: pair[0])
            if (len(found) >= k and found[k - 1][0] <= reach) or reach > max_km:
                return found[:k]
            ring += 1


def _ring_cells(row: int, col: int, ring: int) -> Iterable[tuple[int, int]]:
    if ring == 0:
        yield row, col
        return
    for dc in range(-ring, ring + 1):
        yield row - ring, col + dc
        yield row + ring, col + dc
    for dr in range(-ring + 1, ring):
        yield row + dr, col - ring
        yield row + dr, col + ring


def city_of(name: str) -> str | None:
    """The city a municipal police department is named after ("Springfield Police Department")."""
    lowered = name.lower()
    for suffix in POLICE_SUFFIXES:
        if lowered.endswith(suffix):
            return lowered[: -len(suffix)].strip() or None
    return None


def misplaced(points: Iterable[AgencyPoint]) -> set[str]:
    """The ORIs of agencies standing implausibly far from the other agencies of their county
    (`COUNTY_SPREAD_KM` from the county's median point, counties of 3 agencies or more)."""
    by_county: dict[tuple[str, str], list[AgencyPoint]] = {}
    for p in points:
        if p.counties():
            by_county.setdefault((p.state, p.counties()[0]), []).append(p)
    wrong: set[str] = set()
    for group in by_county.values():
        if len(group) < 3:
            continue
        lat = statistics.median(p.latitude for p in group)
        lon = statistics.median(p.longitude for p in group)
        for p in group:
            if distance_km(lat, lon, p.latitude, p.longitude) > COUNTY_SPREAD_KM:
                wrong.add(p.ori)
    return wrong


class AgencyIndex:
    """The agencies by kind of jurisdiction, and the sheriff of each county."""

    def __init__(self, points: Iterable[AgencyPoint]) -> None:
        given = list(points)
        # Agencies the FBI list places far from their own county are not believed.
        self.misplaced = misplaced(given)
        rows = [p for p in given if p.ori not in self.misplaced]
        self.cities = GridIndex(p for p in rows if p.agency_type == "City")
        self.counties = GridIndex(p for p in rows if p.agency_type == "County")
        self.state_police = GridIndex(p for p in rows if p.agency_type == "State Police")
        # Every agency carries its county: the ones nearby say which county a point is in.
        self.anywhere = GridIndex(p for p in rows if p.county)
        self.states = {p.state for p in rows}
        self.sheriffs: dict[tuple[str, str], AgencyPoint] = {}
        for p in rows:
            if p.agency_type == "County" and p.county:
                self.sheriffs.setdefault((p.state, p.counties()[0]), p)
        # Points the list gives to more than one city police: a county's centre or a shared
        # building, which says little about where each city is.
        spots: dict[tuple[float, float], int] = {}
        for p in rows:
            if p.agency_type == "City":
                spots[(p.latitude, p.longitude)] = spots.get((p.latitude, p.longitude), 0) + 1
        self.shared_spots = {spot for spot, n in spots.items() if n > 1}
        self.by_city: dict[tuple[str, str], AgencyPoint] = {}
        for p in rows:
            city = city_of(p.name) if p.agency_type == "City" else None
            if city:
                self.by_city.setdefault((p.state, city), p)

    def city_police(self, city: str, state: str) -> AgencyPoint | None:
        return self.by_city.get((state.upper(), city.strip().lower()))


def _name_key(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def pdap_positions(path: Path | None = None) -> dict[tuple[str, str], tuple[float, float]]:
    """PDAP's coordinates by (state, normalised name), for names PDAP places only once."""
    seen: dict[tuple[str, str], tuple[float, float] | None] = {}
    for a in iter_pdap_agencies(path):
        if a.latitude is None or a.longitude is None or not a.state or a.defunct_year:
            continue
        key = (a.state.upper(), _name_key(a.submitted_name or a.name))
        seen[key] = None if key in seen else (a.latitude, a.longitude)
    return {k: v for k, v in seen.items() if v is not None}


def points_from(path: Path | None = None, pdap: Path | None = None) -> list[AgencyPoint]:
    """The agencies of the FBI list that have coordinates, PDAP's where it has them."""
    better = pdap_positions(pdap)
    points = []
    for a in iter_fbi_agencies(path):
        if a.latitude is None or a.longitude is None or not a.ori:
            continue
        lat, lon = better.get((a.state.upper(), _name_key(a.name)), (a.latitude, a.longitude))
        points.append(
            AgencyPoint(
                ori=a.ori,
                name=a.name,
                agency_type=a.agency_type,
                county=a.county.split(",")[0].strip() if a.county else None,
                state=a.state,
                latitude=lat,
                longitude=lon,
            )
        )
    return points


@lru_cache(maxsize=1)
def shipped_index() -> AgencyIndex:
    """The index over the shipped FBI list, built on first use."""
    return AgencyIndex(points_from())
