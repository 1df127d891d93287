"""Who to tell: time per case and accuracy of recipient resolution over 10,000 generated users.

    uv run python bench/recipients.py [--users 10000] [--seed 7] [--named 0.0]
        [--database URL --referral ID [--proposals 1000]]

Users and their ground truth are generated from the shipped FBI agency list (18,000 agencies
with coordinates and county), then each user's facts go through `resolution.resolve`, the
function `propose_recipients` calls, over the index it uses. Nothing is installed and no
database is needed: the only database work of a proposal is one indexed look-up of the
proposed agencies' numbers by ORI.

Who the users are (the mix is fixed; places are weighted by agency density, because an agency
is drawn uniformly and the user is put near it):
- 55% in a city: a City agency is drawn and the user stands in its city. A city's area is
  modelled as a disc of 2.5 km around its station (a typical small US city); the truth is that
  city's municipal police.
- 25% rural, in no city: a County agency (sheriff) is drawn and the user stands 8 to 35 km
  from it at a random bearing, redrawn while within 4 km of any city station. The county that
  contains the point is modelled by the sheriffs' stations of the state: the county whose
  sheriff's station is nearest (a Voronoi model of county borders). The truth is that county's
  sheriff. The resolver does not use this rule: it asks which county the agencies around the
  point belong to (every agency carries its county), so the two can disagree near borders.
- 4% at sea, in no county (boxes of the Gulf of Mexico, the Atlantic and the Pacific more than
  150 km offshore) and 4% with no location at all: the truth is the FBI's NTOC.
- 12% in the EU, with random offence, victim, suspect and location countries (some missing,
  some conflicting); the truth is DSA Art. 18 read as the data file's rule (offence country,
  else victim, else suspect, else location; Europol when victim and suspect differ and no
  offence country is known, or nothing is known). These cases time the EU path; their
  accuracy is the rule checked against itself, so it is reported apart.

What the resolver sees is not the true point: 60% of users give a GPS fix (30 m error), 15% a
wifi fix (150 m) and 25% only a login IP area (2 to 25 km off, a typical city-level IP
geolocation error). Top-1: the first proposal is the truth; top-3: the truth is among the
first three. The fallback rate is the share of cases whose first proposal is NTOC.

`--named` is the share of US users whose referral names a city and state (the escalation's
`location.city` and `location.region`), as a moderator writes what the user said: a city user
names their own city; a rural user names the nearest town with police (within 30 km), which
is not where they are. The default, 0, is the mix the first figures were measured on.

The FBI list places some agencies far from their own county (Indiana's Franklin County
sheriff stands in Columbus, Ohio); the resolver ignores them (`AgencyIndex.misplaced`). The
generator is unchanged and still puts users at those agencies' points with them as the truth;
the "truth placed plausibly" line leaves those users out, since no position can be in the
jurisdiction of an agency whose point is in another county or state.

With `--database` (a migrated database with the directory imported, e.g. the demo's) and the
id of a referral in it, the bench also times whole proposals: `propose_recipients` with the
directory look-up, the rows, the audit event and the timeline entry, committed, each with the
next generated user's position as the referral's location (each replaces the last).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import exigent.models  # noqa: F401  (every table, for the foreign keys of a proposal's rows)
from exigent.db import make_engine, make_session_factory
from exigent.referrals.agency_index import (
    AgencyIndex,
    AgencyPoint,
    GridIndex,
    city_of,
    points_from,
)
from exigent.referrals.eu import EuFacts, contacts
from exigent.referrals.models import HarmType, RecipientKind, Referral
from exigent.referrals.recipients import propose_recipients
from exigent.referrals.resolution import Facts, Position, Proposal, resolve

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
CITY_AREA_KM = 2.5
SEA_BOXES = [
    ((24.0, 26.0), (-91.0, -88.0)),
    ((31.0, 36.0), (-70.0, -66.0)),
    ((32.0, 38.0), (-131.0, -127.0)),
]
MIX = [("city", 0.55), ("rural", 0.25), ("sea", 0.04), ("none", 0.04), ("eu", 0.12)]


@dataclass
class Case:
    segment: str
    facts: Facts
    truth: str  # an ORI, "ntoc", "europol" or a Member State code
    source: str


def offset(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    dlat = km / 111.19 * math.cos(bearing)
    dlon = km / (111.19 * max(0.05, math.cos(math.radians(lat)))) * math.sin(bearing)
    return lat + dlat, lon + dlon


def observe(rng: random.Random, lat: float, lon: float) -> Position:
    roll = rng.random()
    seen = NOW - timedelta(minutes=rng.randint(1, 600))
    if roll < 0.60:
        return Position(
            *offset(lat, lon, abs(rng.gauss(0, 0.03)), rng.uniform(0, 6.3)), "gps", seen
        )
    if roll < 0.75:
        return Position(
            *offset(lat, lon, abs(rng.gauss(0, 0.15)), rng.uniform(0, 6.3)), "wifi", seen
        )
    return Position(*offset(lat, lon, rng.uniform(2, 25), rng.uniform(0, 6.3)), "ip", seen)


class Generator:
    def __init__(self, points: list[AgencyPoint], seed: int, named: float = 0.0) -> None:
        self.rng = random.Random(seed)
        self.named = named
        self.cities = [p for p in points if p.agency_type == "City"]
        self.sheriffs = [p for p in points if p.agency_type == "County" and p.county]
        self.city_grid = GridIndex(self.cities)
        self.sheriffs_by_state: dict[str, GridIndex] = {}
        for state in {p.state for p in self.sheriffs}:
            self.sheriffs_by_state[state] = GridIndex(p for p in self.sheriffs if p.state == state)
        self.eu_codes = sorted(contacts().states)

    def case(self) -> Case:
        roll, total = self.rng.random(), 0.0
        for segment, share in MIX:
            total += share
            if roll < total:
                return getattr(self, segment)()
        return self.city()

    def _us(
        self, segment: str, lat: float, lon: float, truth: str, town: AgencyPoint | None = None
    ) -> Case:
        p = observe(self.rng, lat, lon)
        facts = Facts(HarmType.violent_threat, True, EuFacts(None, None, None, "US"), [p])
        if town and self.named and self.rng.random() < self.named and (name := city_of(town.name)):
            facts.city, facts.region = name.title(), town.state
        return Case(segment, facts, truth, p.source)

    def city(self) -> Case:
        home = self.rng.choice(self.cities)
        km = CITY_AREA_KM * math.sqrt(self.rng.random())  # uniform over the disc
        lat, lon = offset(home.latitude, home.longitude, km, self.rng.uniform(0, 6.3))
        return self._us("city", lat, lon, home.ori, home)

    def rural(self) -> Case:
        while True:
            sheriff = self.rng.choice(self.sheriffs)
            lat, lon = offset(
                sheriff.latitude,
                sheriff.longitude,
                self.rng.uniform(8, 35),
                self.rng.uniform(0, 6.3),
            )
            if self.city_grid.nearest(lat, lon, k=1, max_km=4.0):
                continue
            county_seat = self.sheriffs_by_state[sheriff.state].nearest(lat, lon, k=1, max_km=500)
            truth = county_seat[0][1].ori if county_seat else sheriff.ori
            town = self.city_grid.nearest(lat, lon, k=1, max_km=30.0)
            return self._us("rural", lat, lon, truth, town[0][1] if town else None)

    def sea(self) -> Case:
        (la, lb), (oa, ob) = self.rng.choice(SEA_BOXES)
        return self._us("sea", self.rng.uniform(la, lb), self.rng.uniform(oa, ob), "ntoc")

    def none(self) -> Case:
        facts = Facts(HarmType.violent_threat, True, EuFacts(None, None, None, None), [])
        return Case("none", facts, "ntoc", "none")

    def eu(self) -> Case:
        pick = lambda chance: self.rng.choice(self.eu_codes) if self.rng.random() < chance else None  # noqa: E731
        offence, victim, suspect, where = pick(0.4), pick(0.5), pick(0.5), pick(0.5)
        # A user is known to be in the EU only by one of these facts.
        where = where if offence or victim or suspect else pick(1.0)
        if offence:
            truth = offence
        elif victim and suspect and victim != suspect:
            truth = "europol"
        else:
            truth = victim or suspect or where
        facts = Facts(HarmType.violent_threat, True, EuFacts(offence, victim, suspect, where), [])
        return Case("eu", facts, truth, "facts")


def label(p: Proposal) -> str:
    if p.kind is RecipientKind.police:
        return p.ori or p.name
    if p.kind is RecipientKind.eu_member_state:
        return p.country or p.name
    return str(p.kind)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--named", type=float, default=0.0, help="share naming a city")
    parser.add_argument("--database", help="a database URL with the directory imported")
    parser.add_argument("--referral", type=int, help="the id of a referral in that database")
    parser.add_argument("--proposals", type=int, default=1000)
    args = parser.parse_args()

    started = time.perf_counter()
    points = points_from()
    index = AgencyIndex(points)
    built = time.perf_counter() - started
    generator = Generator(points, args.seed, args.named)
    cases = [generator.case() for _ in range(args.users)]

    times: list[float] = []
    results: list[tuple[Case, list[str]]] = []
    for case in cases:
        t0 = time.perf_counter()
        proposals = resolve(case.facts, index, NOW)
        times.append((time.perf_counter() - t0) * 1000)
        results.append((case, [label(p) for p in proposals]))

    def score(rows: list[tuple[Case, list[str]]]) -> str:
        if not rows:
            return "n=0"
        top1 = sum(1 for c, got in rows if got[:1] == [c.truth]) / len(rows)
        top3 = sum(1 for c, got in rows if c.truth in got[:3]) / len(rows)
        return f"n={len(rows):5d}  top-1 {top1:6.1%}  top-3 {top3:6.1%}"

    us = [r for r in results if r[0].segment != "eu"]
    # Cities whose station the directory puts at the very same point as another city's: no
    # position can tell them apart, whatever the resolver does.
    spots = Counter((p.latitude, p.longitude) for p in generator.cities)
    twins = {p.ori for p in generator.cities if spots[(p.latitude, p.longitude)] > 1}
    fallback = sum(1 for _, got in results if got[:1] == ["ntoc"]) / len(results)
    located = [r for r in us if r[0].segment in ("city", "rural")]
    wrong_fallback = sum(1 for _, got in located if got[:1] == ["ntoc"]) / max(1, len(located))
    lines = [
        f"agencies indexed: {len(points)} in {built * 1000:.0f} ms (once per process)",
        f"users: {len(results)}  seed {args.seed}  naming a city: {args.named:.0%}",
        f"time per case: p50 {statistics.median(times):.3f} ms  "
        f"p99 {pct(times, 0.99):.3f} ms  max {max(times):.3f} ms",
        f"US (city, rural, sea, none)   {score(us)}",
    ]
    for segment in ("city", "rural", "sea", "none"):
        lines.append(f"  {segment:26s}  {score([r for r in us if r[0].segment == segment])}")
    plausible = [r for r in us if r[0].truth not in index.misplaced]
    lines.append(f"  {'truth placed plausibly':26s}  {score(plausible)}")
    named = [r for r in located if r[0].facts.city]
    if named:
        lines.append(f"  {'city or rural, city named':26s}  {score(named)}")
    apart = [r for r in us if r[0].segment == "city" and r[0].truth not in twins]
    lines.append(f"  {'city, own coordinates':26s}  {score(apart)}")
    apart_gps = [r for r in apart if r[0].source == "gps"]
    lines.append(f"  {'city, own coordinates, gps':26s}  {score(apart_gps)}")
    for source in ("gps", "wifi", "ip"):
        seen = [r for r in located if r[0].source == source]
        lines.append(f"  {'city or rural, by ' + source:26s}  {score(seen)}")
    lines.append(
        f"EU (rule against itself)      {score([r for r in results if r[0].segment == 'eu'])}"
    )
    lines.append(
        f"fallback to NTOC: {fallback:.1%} of all cases; "
        f"{wrong_fallback:.2%} of users in a city or county"
    )
    if args.database and args.referral:
        located_cases = [c for c in cases if c.facts.positions][: args.proposals]
        full = whole_proposals(args.database, args.referral, located_cases, index)
        lines.append(
            f"whole proposal with the database ({len(full)} committed): "
            f"p50 {statistics.median(full):.1f} ms  p99 {pct(full, 0.99):.1f} ms"
        )
    print("\n".join(lines))


def whole_proposals(
    url: str, referral_id: int, cases: list[Case], index: AgencyIndex
) -> list[float]:
    """Milliseconds per committed `propose_recipients` on one referral of the database."""
    factory = make_session_factory(make_engine(url))
    took: list[float] = []
    with factory() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise SystemExit(f"no referral {referral_id} in {url}")
        saved = dict(referral.location or {})
        for case in cases:
            p = case.facts.positions[0]
            referral.location = {"latitude": p.latitude, "longitude": p.longitude}
            t0 = time.perf_counter()
            propose_recipients(session, referral, None, NOW, index=index)
            session.commit()
            took.append((time.perf_counter() - t0) * 1000)
        referral.location = saved
        propose_recipients(session, referral, None, NOW, index=index)
        session.commit()
    return took


if __name__ == "__main__":
    main()
