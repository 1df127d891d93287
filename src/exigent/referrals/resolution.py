"""Who to tell, from a referral's facts: the rules, without the database.

US: the law-enforcement agency with jurisdiction where the person is. A point within reach of
a city's police (its station within `CITY_KM`) is taken to be inside that city: its municipal
police first, then the county's sheriff, then the nearest state police. Elsewhere the sheriff
of the county comes first. The county is the one most agencies nearby belong to (every agency
of the FBI list carries its county), weighted by nearness. Nothing within `REACH_KM`, or no
position at all: the FBI's National Threat Operations Center.

EU: the Member State concerned, or Europol (`eu.py`). Child sexual exploitation: NCMEC first,
then, when harm is imminent, the police as above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from exigent.referrals.agency_index import (
    AgencyIndex,
    AgencyPoint,
    GridIndex,
    city_of,
    distance_km,
)
from exigent.referrals.eu import EuFacts, EuProposal, resolve_eu
from exigent.referrals.models import HarmType, RecipientKind

# A station this close is the city's own police for a point: most US incorporated places are
# a few kilometres across.
CITY_KM = 4.0
# Beyond this no agency is "the one with jurisdiction" with any confidence.
REACH_KM = 80.0
# A state line this near lets the other state's agencies be proposed too.
BORDER_KM = 8.0
# A city the referral names is believed when the point is this near its police station and the
# station's point is shared with other cities (often a county's centre), or an IP area is
# this near (an IP area is often the next town, 2 to 25 km off).
NAMED_CITY_KM = 10.0
NAMED_CITY_KM_IP = 30.0
# Positions older than this are used only when nothing fresher exists, and say so.
FRESH = timedelta(hours=72)
# Trustworthy sources of a point, in order; an IP address's area is coarse.
PRECISE_SOURCES = ("referral", "gps", "wifi")

IP_CAVEAT = "An IP area is only town-level: confirm where the person is before relying on it"
NTOC_NAME = "FBI National Threat Operations Center (NTOC)"
NTOC_PHONE = "1-800-225-5324"  # 1-800-CALL-FBI
NTOC_WEB = "tips.fbi.gov"
NCMEC_NAME = "NCMEC CyberTipline"
NCMEC_PHONE = "1-800-843-5678"  # 1-800-THE-LOST
NCMEC_WEB = "report.cybertip.org"


@dataclass(frozen=True)
class Position:
    """Where the person was seen, by which source, and when."""

    latitude: float
    longitude: float
    source: str
    seen_at: datetime | None = None


@dataclass
class Proposal:
    """One recipient the facts point to, with the sentences that say why."""

    kind: RecipientKind
    name: str
    reasons: list[str]
    ori: str | None = None
    country: str | None = None
    distance_km: float | None = None
    phone: str | None = None
    email: str | None = None
    # The directory's row for the agency, once looked up by ORI.
    agency_id: int | None = None
    # A US agency's state.
    state: str | None = None


@dataclass
class Facts:
    """What a referral says about where the person is and what is happening."""

    harm_type: HarmType
    imminent: bool
    eu: EuFacts
    positions: list[Position] = field(default_factory=list)
    city: str | None = None
    region: str | None = None
    # Sentences about facts that were looked for and not found (the platform was down...).
    notes: list[str] = field(default_factory=list)


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "time unknown"


def best_position(positions: list[Position], now: datetime) -> Position | None:
    """The freshest trustworthy position: a precise fresh one, else a fresh IP area, else the
    newest of any."""

    def age(p: Position) -> timedelta:
        return now - p.seen_at if p.seen_at else timedelta.max

    fresh = [p for p in positions if age(p) <= FRESH]
    for pool in ([p for p in fresh if p.source in PRECISE_SOURCES], fresh, positions):
        if pool:
            return min(pool, key=age)
    return None


def place_name(index: AgencyIndex, lat: float, lon: float) -> str:
    """A point in words: the nearest city with police, or its county."""
    near = index.cities.nearest(lat, lon, k=1, max_km=25)
    if near and (city := city_of(near[0][1].name)):
        return f"{city.title()}, {near[0][1].state}"
    county = county_at(index, lat, lon)
    if county:
        return f"{county[1].title()} County, {county[0]}"
    return f"{lat:.3f}, {lon:.3f}"


def describe(index: AgencyIndex, p: Position, now: datetime) -> str:
    """The position as a fact the analyst reads."""
    stale = "" if p.seen_at and now - p.seen_at <= FRESH else ", older than 72 hours"
    area = place_name(index, p.latitude, p.longitude)
    if p.source == "ip":
        return f"Last login IP area {area} ({when(p.seen_at)}{stale})"
    if p.source == "referral":
        return f"Location given in the referral near {area} ({when(p.seen_at)}{stale})"
    if p.source == "city":
        return f"Referral names the city {area}"
    return f"Location history ({p.source}) near {area} ({when(p.seen_at)}{stale})"


def county_at(
    index: AgencyIndex, lat: float, lon: float, state: str | None = None
) -> tuple[str, str] | None:
    """(state, county) most agencies near the point belong to, nearer ones weighing more; an
    agency serving several counties splits its vote. Only `state`'s agencies vote when given."""
    votes: dict[tuple[str, str], float] = {}
    for d, agency in index.anywhere.nearest(lat, lon, k=8, max_km=REACH_KM):
        if state and agency.state != state:
            continue
        counties = agency.counties()
        for county in counties:
            key = (agency.state, county)
            votes[key] = votes.get(key, 0.0) + 1.0 / (1.0 + d) / len(counties)
    return max(votes, key=lambda k: votes[k]) if votes else None


def state_at(index: AgencyIndex, lat: float, lon: float) -> str | None:
    """The US state most agencies near the point belong to, nearer ones weighing more."""
    votes: dict[str, float] = {}
    for d, agency in index.anywhere.nearest(lat, lon, k=8, max_km=REACH_KM):
        votes[agency.state] = votes.get(agency.state, 0.0) + 1.0 / (1.0 + d)
    return max(votes, key=lambda k: votes[k]) if votes else None


@dataclass(frozen=True)
class Place:
    """Where the point is taken to be: its state, how that was found, and the city the
    referral names when the point agrees with it."""

    state: str | None
    how: str
    named_city: AgencyPoint | None = None

    def allows(self, index: AgencyIndex, lat: float, lon: float, other: str) -> bool:
        """An agency of `other` state may be proposed: the point's own state, or a state whose
        line is within `BORDER_KM` (two of its agencies, at different points, stand that near)."""
        return self.state is None or other == self.state or near_line(index, lat, lon, other)


def near_line(index: AgencyIndex, lat: float, lon: float, state: str) -> bool:
    spots = {
        (a.latitude, a.longitude)
        for _, a in index.anywhere.nearest(lat, lon, k=12, max_km=BORDER_KM)
        if a.state == state
    }
    return len(spots) >= 2


def place_of(index: AgencyIndex, p: Position, facts: Facts | None) -> Place:
    """The point's state: the region the referral names when the point is only an IP area or
    a city (an IP area is often over a state line), else the agencies around the point."""
    region = (facts.region or "").strip().upper() if facts else ""
    known = region if region in index.states else None
    state: str | None
    if known and p.source in ("ip", "city"):
        state, how = known, "the region the referral names"
    else:
        state, how = state_at(index, p.latitude, p.longitude), "the agencies around the point"
    named = None
    if facts and facts.city and known and p.source != "city":
        city = index.city_police(facts.city, known)
        reach = _named_reach(index, p, city) if city else 0.0
        if city and distance_km(p.latitude, p.longitude, city.latitude, city.longitude) <= reach:
            named = city
    return Place(state, how, named)


def _named_reach(index: AgencyIndex, p: Position, city: AgencyPoint) -> float:
    """How near the point must be to a named city's station for the name to be believed: an IP
    area is often the next town; a precise point must be inside the city (`CITY_KM`) unless the
    list puts the city at a point it shares with others (a county's centre)."""
    if p.source == "ip":
        return NAMED_CITY_KM_IP
    return NAMED_CITY_KM if (city.latitude, city.longitude) in index.shared_spots else CITY_KM


def _police(agency: AgencyPoint, d: float, reasons: list[str]) -> Proposal:
    kind = RecipientKind.police
    return Proposal(kind, agency.name, reasons, agency.ori, "US", round(d, 1), state=agency.state)


def _nearest_allowed(
    grid: GridIndex, place: Place, index: AgencyIndex, p: Position, max_km: float
) -> list[tuple[float, AgencyPoint]]:
    found = grid.nearest(p.latitude, p.longitude, k=6, max_km=max_km)
    return [(d, a) for d, a in found if place.allows(index, p.latitude, p.longitude, a.state)]


def resolve_us(
    index: AgencyIndex, p: Position, where: str, facts: Facts | None = None
) -> list[Proposal]:
    """Agencies of the right type nearest `p`, in the order to try them."""
    lat, lon = p.latitude, p.longitude
    place = place_of(index, p, facts)
    city = _nearest_allowed(index.cities, place, index, p, REACH_KM)
    county = county_at(index, lat, lon, place.state)
    proposals: list[Proposal] = []
    if place.named_city is not None:
        named = place.named_city
        d = distance_km(lat, lon, named.latitude, named.longitude)
        said = f"The referral names the city {facts.city if facts else ''}, {named.state}: "
        proposals.append(_police(named, d, [where, f"{said}its police station is {d:.1f} km away"]))
    inside = place.named_city is not None or (bool(city) and city[0][0] <= CITY_KM)
    if city and city[0][0] <= CITY_KM:
        d, agency = city[0]
        said = (
            "Municipal police of the city the referral names"
            if p.source == "city"
            else f"Nearest municipal police within {d:.1f} km"
        )
        proposals.append(_police(agency, d, [where, said]))
    sheriff = index.sheriffs.get(county) if county else None
    if sheriff is not None and county is not None:
        d = distance_km(lat, lon, sheriff.latitude, sheriff.longitude)
        why = [where, f"County sheriff for {county[1].title()} County"]
        if not inside:
            why.append(f"No city police within {CITY_KM:.0f} km: the point is outside a city")
        proposals.append(_police(sheriff, d, why))
    proposals.extend(_neighbouring_sheriff(index, p, where, sheriff, place))
    if not inside and city:
        d, agency = city[0]
        proposals.append(_police(agency, d, [where, f"Nearest municipal police, {d:.1f} km away"]))
    for d, agency in _nearest_allowed(index.state_police, place, index, p, REACH_KM * 2)[:1]:
        proposals.append(_police(agency, d, [where, f"State police, nearest post {d:.1f} km away"]))
    return _with_state_reason(_once(proposals), place)


def _once(proposals: list[Proposal]) -> list[Proposal]:
    """Each agency once, at its first rank; none beyond twice the reach."""
    seen: set[str | None] = set()
    kept = []
    for q in proposals:
        if q.ori in seen or q.distance_km is None or q.distance_km > REACH_KM * 2:
            continue
        seen.add(q.ori)
        kept.append(q)
    return kept


def _with_state_reason(proposals: list[Proposal], place: Place) -> list[Proposal]:
    if place.state is None:
        return proposals
    for q in proposals:
        if q.state and q.state != place.state:
            q.reasons.append(
                f"A {q.state} agency: the point is in {place.state} by {place.how}, "
                f"but {q.state}'s line is within {BORDER_KM:.0f} km"
            )
        else:
            q.reasons.append(
                f"The point is in {place.state} by {place.how}: other states' agencies are "
                f"proposed only within {BORDER_KM:.0f} km of their state line"
            )
    return proposals


def _neighbouring_sheriff(
    index: AgencyIndex, p: Position, where: str, sheriff: AgencyPoint | None, place: Place
) -> list[Proposal]:
    """The sheriff whose station is nearest, when it is another county's: near a county line
    the agencies around a point and the nearest station can disagree, and the analyst decides."""
    near = _nearest_allowed(index.counties, place, index, p, REACH_KM)
    if not near or (sheriff is not None and near[0][1].ori == sheriff.ori):
        return []
    d, other = near[0]
    county = other.county_label() or "a neighbouring county"
    why = [
        where,
        f"Nearest sheriff's station, {d:.1f} km away, is {county}'s: the point may be there",
    ]
    return [_police(other, d, why)]


def ntoc(reason: str) -> Proposal:
    return Proposal(
        RecipientKind.ntoc,
        NTOC_NAME,
        [reason, f"Call {NTOC_PHONE} (1-800-CALL-FBI) or report at {NTOC_WEB}"],
        country="US",
        phone=NTOC_PHONE,
    )


def ncmec(facts: Facts) -> Proposal:
    why = ["Child sexual exploitation: US providers report to NCMEC (18 U.S.C. 2258A)"]
    if facts.imminent:
        why.append("Harm is imminent: the police are told as well")
    return Proposal(RecipientKind.ncmec, NCMEC_NAME, why, country="US", phone=NCMEC_PHONE)


def city_position(index: AgencyIndex, facts: Facts) -> Position | None:
    if not facts.city or not facts.region:
        return None
    agency = index.city_police(facts.city, facts.region)
    if agency is None:
        return None
    return Position(agency.latitude, agency.longitude, "city")


def resolve(facts: Facts, index: AgencyIndex, now: datetime) -> list[Proposal]:
    """Every recipient the facts point to, in the order to tell them."""
    first: list[Proposal] = []
    if facts.harm_type is HarmType.child_sexual_exploitation:
        first.append(ncmec(facts))
        if not facts.imminent:
            return first
    if facts.eu.is_eu():
        return first + [_eu(p) for p in resolve_eu(facts.eu)]
    country = facts.eu.location_country
    if country and country != "US":
        return [*first, ntoc(f"No rule for a user in {country}: the FBI passes it on abroad")]
    position = best_position(facts.positions, now) or city_position(index, facts)
    if position is None:
        return [*first, ntoc("No location known for the user")]
    where = describe(index, position, now)
    police = resolve_us(index, position, where, facts)
    if not police:
        return [*first, ntoc(f"{where}: no agency within {REACH_KM:.0f} km")]
    if position.source == "ip":
        # An IP address places a user within tens of kilometres: often the next town's.
        for p in police:
            p.reasons.append(IP_CAVEAT)
    return first + police


def _eu(p: EuProposal) -> Proposal:
    kind = RecipientKind.europol if p.europol else RecipientKind.eu_member_state
    country = None if p.europol else p.target.code
    contact = p.target.contact
    email = contact if "@" in contact else None
    reasons = [*p.reasons, f"Published contact: {contact}"] if contact and not email else p.reasons
    return Proposal(kind, p.target.authority, reasons, country=country, email=email)
