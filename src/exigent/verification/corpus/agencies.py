"""Real US agencies (FBI list joined with PDAP homepages) and the split each belongs to.

An agency's mail domain is the host of its homepage, which is how most small departments
really write: a city or county site, a `...pd.org`, a `.us` locality domain. Agencies with
no homepage in any directory get an invented but plausible municipal domain, as happens
in reality for departments without a web site.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from exigent.directory.sources import iter_agency_homepages, iter_fbi_agencies
from exigent.verification.corpus.foreign import FOREIGN_FORCES, ForeignForce
from exigent.verification.directory_index import default_directory
from exigent.verification.domains import domain_country

# Share of agencies trained on; the rest are only ever scored (held out).
TRAIN_SHARE = 0.75

# Hosts that are pages on someone else's site (social networks, aggregators, associations):
# they say nothing about where the agency's mail comes from.
THIRD_PARTY_HOSTS = re.compile(
    r"facebook|countyoffice|mapquest|twitter|instagram|youtube|wix|squarespace|blogspot|"
    r"weebly|godaddy|wordpress|crimewatch|sheriffs\.org|chiefs\.org|squarehook|yelp|"
    r"linkedin|nextdoor|google|municode|civicplus|local\.wv\.gov|koco\.com|poa\.org"
)

STATE_ZONES = {
    "AL": "America/Chicago",
    "AK": "America/Anchorage",
    "AZ": "America/Phoenix",
    "AR": "America/Chicago",
    "CA": "America/Los_Angeles",
    "CO": "America/Denver",
    "CT": "America/New_York",
    "DE": "America/New_York",
    "DC": "America/New_York",
    "FL": "America/New_York",
    "GA": "America/New_York",
    "HI": "Pacific/Honolulu",
    "ID": "America/Boise",
    "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago",
    "KS": "America/Chicago",
    "KY": "America/New_York",
    "LA": "America/Chicago",
    "ME": "America/New_York",
    "MD": "America/New_York",
    "MA": "America/New_York",
    "MI": "America/Detroit",
    "MN": "America/Chicago",
    "MS": "America/Chicago",
    "MO": "America/Chicago",
    "MT": "America/Denver",
    "NE": "America/Chicago",
    "NV": "America/Los_Angeles",
    "NH": "America/New_York",
    "NJ": "America/New_York",
    "NM": "America/Denver",
    "NY": "America/New_York",
    "NC": "America/New_York",
    "ND": "America/Chicago",
    "OH": "America/New_York",
    "OK": "America/Chicago",
    "OR": "America/Los_Angeles",
    "PA": "America/New_York",
    "RI": "America/New_York",
    "SC": "America/New_York",
    "SD": "America/Chicago",
    "TN": "America/Chicago",
    "TX": "America/Chicago",
    "UT": "America/Denver",
    "VT": "America/New_York",
    "VA": "America/New_York",
    "WA": "America/Los_Angeles",
    "WV": "America/New_York",
    "WI": "America/Chicago",
    "WY": "America/Denver",
    "PR": "America/Puerto_Rico",
    "GU": "Pacific/Guam",
    "VI": "America/St_Thomas",
}

_AGENCY_WORDS = re.compile(r"police|pd|sheriff|so\b|marshal|public ?safety|dps|constable")
_NAME_SUFFIX = re.compile(
    r"\s+(police department|police dept\.?|police|sheriff'?s? (office|department)|"
    r"department of public safety|public safety department|marshal'?s? office|"
    r"county police department|university police department|tribal police)\b.*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency a request can come from (or claim to come from)."""

    key: str  # ORI for US agencies, a stable slug for foreign forces
    name: str
    country: str
    state: str | None
    county: str | None
    place: str  # the town, county or region the narratives name
    kind: str  # City, County, State Police, University or College, Tribal, foreign, ...
    domain: str
    listed: bool  # the domain is in a public directory (False: invented, no web site)
    zone: str
    foreign: ForeignForce | None = field(default=None)

    @property
    def initials(self) -> str:
        words = re.findall(r"[A-Za-z]+", self.name.replace("'s", ""))
        skip = {"of", "the", "and", "de", "du"}
        return "".join(w[0] for w in words if w.lower() not in skip).upper()[:6] or "PD"

    @property
    def is_umbrella(self) -> bool:
        """The domain is the city's or county's, not the department's own."""
        return not _AGENCY_WORDS.search(self.domain.split(".")[0])


def split_of(agency: Agency) -> str:
    """`train` or `heldout`, fixed forever by a hash of the agency's key (ORI or slug)."""
    digest = hashlib.sha256(f"exigent-corpus:{agency.key}".encode()).digest()
    share = int.from_bytes(digest[:4], "big") / 2**32
    return "train" if share < TRAIN_SHARE else "heldout"


def _mail_domain(host: str) -> str:
    host = host.lower().strip(".")
    for prefix in ("www.", "www2.", "web.", "police.", "pd.", "sheriff.", "site."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    return host


def place_of(name: str, county: str | None) -> str:
    """The town (or county) an agency serves, from its name."""
    base = _NAME_SUFFIX.sub("", name.split(",")[0]).strip(" -\u2013,")
    base = re.sub(r"\s+(city|town|village|township|borough)$", "", base, flags=re.I)
    if not base and county:
        return county.title()
    return base or name


@cache
def us_agencies() -> tuple[Agency, ...]:
    """Every US agency usable as a requester, with its mail domain (real or invented)."""
    facts = {row.ori: row for row in iter_fbi_agencies()}
    homepages = list(iter_agency_homepages())
    shared = Counter(_mail_domain(row.homepage_host) for row in homepages)
    agencies: list[Agency] = []
    with_home: set[str] = set()
    names_seen: set[tuple[str, str]] = set()
    for row in homepages:
        domain = _mail_domain(row.homepage_host)
        fact = facts.get(row.ori)
        # A domain several agencies list is someone else's page, or would put one mail
        # domain in both splits; either way it cannot stand for one agency.
        if fact is None or THIRD_PARTY_HOSTS.search(domain) or shared[domain] > 1:
            continue
        # A US agency's homepage under another country's ending is a directory's mistake
        # (Selby, South Dakota linked to North Yorkshire's police), not a mailbox it uses.
        if domain_country(domain) is not None:
            continue
        if (fact.name, fact.state) in names_seen:
            continue
        names_seen.add((fact.name, fact.state))
        if row.state not in STATE_ZONES or "." not in domain:
            continue
        with_home.add(row.ori)
        agencies.append(_us_agency(fact, domain, listed=True))
    rng = random.Random(20250901)
    directory = default_directory()
    # Every domain the detector knows (.gov registry, homepages) plus the homepages shared by
    # several agencies, which the directory leaves out.
    known = set(shared) | set(directory.domains)
    # A department whose homepage some directory knows is not one without a web site, even
    # where that homepage could not stand for it alone (a shared city page): it mails from
    # its own domain, never from an invented one.
    with_home |= {row.ori for row in homepages}
    for ori, fact in sorted(facts.items()):
        if ori in with_home or fact.state not in STATE_ZONES:
            continue
        if directory.agency_domains(fact.name, fact.state):
            continue
        if fact.agency_type not in ("City", "County") or rng.random() > 0.25:
            continue
        if (fact.name, fact.state) in names_seen:
            continue
        names_seen.add((fact.name, fact.state))
        domain = invented_domain(fact.name, fact.state, rng)
        # An invented domain must really be in no directory, and belong to one agency only.
        if domain in known:
            continue
        known.add(domain)
        agencies.append(_us_agency(fact, domain, False))
    return tuple(agencies)


def _us_agency(fact: object, domain: str, listed: bool) -> Agency:
    from exigent.directory.sources import FbiAgency

    assert isinstance(fact, FbiAgency)
    county = fact.county.title() if fact.county else None
    return Agency(
        key=fact.ori,
        name=" ".join(fact.name.split()),
        country="US",
        state=fact.state,
        county=county,
        place=place_of(fact.name, county),
        kind=fact.agency_type,
        domain=domain,
        listed=listed,
        zone=STATE_ZONES[fact.state],
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def invented_domain(name: str, state: str, rng: random.Random) -> str:
    """A municipal domain a department without a web site might really use."""
    place = _slug(place_of(name, None)) or "town"
    st = state.lower()
    if "sheriff" in name.lower() or "county" in name.lower():
        county = _slug(re.sub(r"county.*$", "", name, flags=re.I)) or place
        options = [
            f"{county}county{st}.org",
            f"{county}countysheriff.org",
            f"co.{county}.{st}.us",
            f"{county}so.net",
            f"{county}county.us",
            f"{county}sheriff{st}.com",
            f"{county}countysheriff.net",
        ]
    else:
        options = [
            f"townof{place}.org",
            f"{place}pd.net",
            f"{place}pd.org",
            f"cityof{place}{st}.org",
            f"ci.{place}.{st}.us",
            f"{place}police.org",
            f"villageof{place}.org",
            f"{place}-{st}.us",
            f"townof{place}{st}.com",
            f"{place}borough.org",
            f"{place}township.org",
            f"{place}police{st}.com",
        ]
    return rng.choice(options)


def foreign_agencies() -> tuple[Agency, ...]:
    return tuple(
        Agency(
            key=f"foreign:{_slug(force.name)}",
            name=force.name,
            country=force.country,
            state=None,
            county=None,
            place=force.place,
            kind="foreign",
            domain=force.domain,
            listed=True,
            zone=force.zone,
            foreign=force,
        )
        for force in FOREIGN_FORCES
    )


@dataclass(frozen=True, slots=True)
class AgencyPool:
    """The agencies of one split, grouped the ways the patterns pick them."""

    listed: tuple[Agency, ...]
    unlisted: tuple[Agency, ...]
    umbrella: tuple[Agency, ...]
    foreign: tuple[Agency, ...]
    by_state: dict[str, tuple[Agency, ...]]


@cache
def pool_for(split: str) -> AgencyPool:
    us = [a for a in us_agencies() if split_of(a) == split]
    foreign = tuple(a for a in foreign_agencies() if split_of(a) == split)
    by_state: dict[str, list[Agency]] = {}
    for agency in us:
        if agency.listed:
            by_state.setdefault(agency.state or "", []).append(agency)
    return AgencyPool(
        listed=tuple(a for a in us if a.listed),
        unlisted=tuple(a for a in us if not a.listed),
        umbrella=tuple(a for a in us if a.listed and a.is_umbrella),
        foreign=foreign,
        by_state={k: tuple(v) for k, v in by_state.items()},
    )
