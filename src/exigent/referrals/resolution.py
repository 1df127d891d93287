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

from exigent.referrals.agency_index import AgencyIndex, AgencyPoint, city_of, distance_km
from exigent.referrals.eu import EuFacts, EuProposal, resolve_eu
from exigent.referrals.models import HarmType, RecipientKind

# A station this close is the city's own police for a point: most US incorporated places are
# a few kilometres across.
CITY_KM = 4.0
# Beyond this no agency is "the one with jurisdiction" with any confidence.
REACH_KM = 80.0
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


def county_at(index: AgencyIndex, lat: float, lon: float) -> tuple[str, str] | None:
    """(state, county) most agencies near the point belong to, nearer ones weighing more."""
    votes: dict[tuple[str, str], float] = {}
    for d, agency in index.anywhere.nearest(lat, lon, k=8, max_km=REACH_KM):
        assert agency.county
        key = (agency.state, agency.county.upper())
        votes[key] = votes.get(key, 0.0) + 1.0 / (1.0 + d)
    return max(votes, key=lambda k: votes[k]) if votes else None


def _police(agency: AgencyPoint, d: float, reasons: list[str]) -> Proposal:
    return Proposal(RecipientKind.police, agency.name, reasons, agency.ori, "US", round(d, 1))


def resolve_us(index: AgencyIndex, p: Position, where: str) -> list[Proposal]:
    """Agencies of the right type nearest `p`, in the order to try them."""
    lat, lon = p.latitude, p.longitude
    city = index.cities.nearest(lat, lon, k=2, max_km=REACH_KM)
    county = county_at(index, lat, lon)
    proposals: list[Proposal] = []
    inside = bool(city) and city[0][0] <= CITY_KM
    if inside:
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
    proposals.extend(_neighbouring_sheriff(index, p, where, sheriff))
    if not inside and city:
        d, agency = city[0]
        proposals.append(_police(agency, d, [where, f"Nearest municipal police, {d:.1f} km away"]))
    for d, agency in index.state_police.nearest(lat, lon, k=1, max_km=REACH_KM * 2):
        proposals.append(_police(agency, d, [where, f"State police, nearest post {d:.1f} km away"]))
    return [p for p in proposals if p.distance_km is not None and p.distance_km <= REACH_KM * 2]


def _neighbouring_sheriff(
    index: AgencyIndex, p: Position, where: str, sheriff: AgencyPoint | None
) -> list[Proposal]:
    """The sheriff whose station is nearest, when it is another county's: near a county line
    the agencies around a point and the nearest station can disagree, and the analyst decides."""
    near = index.counties.nearest(p.latitude, p.longitude, k=1, max_km=REACH_KM)
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
    police = resolve_us(index, position, where)
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
