"""An in-memory index of the agency directories: which domains are whose, loaded once."""

from __future__ import annotations

import gc
import hashlib
import pickle
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from exigent.caches import load_or_build
from exigent.config import get_settings
from exigent.directory import sources
from exigent.verification.agency_names import AgencyList, ListedAgency, parse_agency_name
from exigent.verification.domains import GOVERNMENT_SUFFIXES, parents, split_host, strip_www
from exigent.verification.lookalike import LookalikeIndex

# Homepages on these hosts are pages on somebody else's site, not the agency's own domain.
THIRD_PARTY_HOSTS = frozenset(
    {
        "facebook.com",
        "twitter.com",
        "x.com",
        "instagram.com",
        "youtube.com",
        "linkedin.com",
        "wikipedia.org",
        "google.com",
        "blogspot.com",
        "wordpress.com",
        "wixsite.com",
        "squarespace.com",
        "weebly.com",
        "nextdoor.com",
        "mapquest.com",
        "yelp.com",
        "countyoffice.org",
        "crimewatchpa.com",
        "odmp.org",
        "municode.com",
        "tiktok.com",
    }
)

# Second-level labels many countries reserve for government bodies (gov.br, gouv.fr, go.th...).
FOREIGN_GOVERNMENT_LABELS = frozenset({"gov", "gob", "gouv", "go", "govt", "gc", "gv", "admin"})


def agency_key(name: str) -> str:
    """A forgiving key for an agency name: the place it serves and its role, read the way
    the FBI-list matching reads them (case, punctuation and abbreviations folded)."""
    parsed = parse_agency_name(name)
    return " ".join(part for part in (parsed.place, parsed.role) if part)


@dataclass(frozen=True, slots=True)
class AgencyRef:
    """Who a directory says uses a domain."""

    name: str
    state: str | None
    country: str
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What the directories know about one mail domain."""

    domain: str
    agencies: tuple[AgencyRef, ...] = ()
    free_mail: bool = False
    disposable: bool = False
    foreign_country: str | None = None
    foreign_agency: str | None = None
    # A foreign government suffix (gov.br, go.th) without a curated entry: a hint, not a listing.
    foreign_government_suffix: str | None = None

    @property
    def listed(self) -> bool:
        return bool(self.agencies) or self.foreign_country is not None

    def states(self) -> frozenset[str]:
        return frozenset(ref.state for ref in self.agencies if ref.state)


@dataclass
class DirectoryIndex:
    """Known agency domains, agency names, free-mail and foreign police domains."""

    domains: dict[str, list[AgencyRef]] = field(default_factory=dict)
    agencies_by_key: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    free_mail: frozenset[str] = frozenset()
    disposable_mail: frozenset[str] = frozenset()
    foreign: dict[str, sources.ForeignPoliceDomain] = field(default_factory=dict)
    lookalikes: LookalikeIndex = field(default_factory=LookalikeIndex)
    agency_list: AgencyList = field(default_factory=lambda: AgencyList({}, {}))

    def facts(self, host: str) -> DomainFacts:
        """The directories' facts on a mail domain (a parent domain counts: mail.x.gov is x.gov)."""
        host = strip_www(host.lower())
        agencies: list[AgencyRef] = []
        for candidate in parents(host):
            agencies.extend(self.domains.get(candidate, ()))
            if agencies:
                break
        foreign = self.foreign_match(host)
        registered = split_host(host).registered
        # A domain a directory gives to an agency is that agency's, whatever a list of
        # mailbox providers says (such lists are long and sometimes wrong).
        providers = () if agencies or foreign else (registered, host)
        return DomainFacts(
            domain=host,
            agencies=tuple(agencies),
            free_mail=any(name in self.free_mail for name in providers),
            disposable=any(name in self.disposable_mail for name in providers),
            foreign_country=foreign.country if foreign else None,
            foreign_agency=foreign.agency if foreign else None,
            foreign_government_suffix=foreign_government_country(host),
        )

    def foreign_match(self, host: str) -> sources.ForeignPoliceDomain | None:
        """The curated foreign police or government entry a domain falls under, if any."""
        labels = host.split(".")
        for index in range(len(labels)):
            entry = self.foreign.get(".".join(labels[index:]))
            if entry is not None:
                return entry
        return None

    def agency_domains(self, name: str | None, state: str | None) -> list[str]:
        """Homepage domains the directories give for an agency of this name in this state."""
        if not name or not state:
            return []
        return self.agencies_by_key.get((agency_key(name), state.upper()), [])

    def agency_known(self, name: str | None, state: str | None) -> bool:
        if not name or not state:
            return False
        return (agency_key(name), state.upper()) in self.agencies_by_key

    def listed_agency(
        self, name: str | None, state: str | None
    ) -> tuple[ListedAgency, bool] | None:
        """The FBI-listed agency a claimed name and state mean (and whether only a near
        spelling matched), or None."""
        if not name or not state:
            return None
        return self.agency_list.match(name, state)


def foreign_government_country(host: str) -> str | None:
    """The country of a foreign government suffix such as gov.br or go.th, if the host has one."""
    suffix_labels = split_host(host).suffix.split(".")
    if len(suffix_labels) == 2 and suffix_labels[0] in FOREIGN_GOVERNMENT_LABELS:
        country = suffix_labels[1].upper()
        return "GB" if country == "UK" else country
    return None


def _shared_third_party_hosts(homepages: list[tuple[str, str]]) -> set[str]:
    # A commercial domain that hosts pages for many agencies in many states is a platform
    # (a directory site, a web builder), not any one agency's own domain.
    states_by_domain: dict[str, set[str]] = defaultdict(set)
    count_by_domain: dict[str, int] = defaultdict(int)
    for domain, state in homepages:
        states_by_domain[domain].add(state)
        count_by_domain[domain] += 1
    return {
        domain
        for domain, states in states_by_domain.items()
        if len(states) >= 3
        and count_by_domain[domain] >= 5
        and split_host(domain).suffix.split(".")[-1] not in GOVERNMENT_SUFFIXES
    }


def _add(index: dict[str, list[AgencyRef]], domain: str, ref: AgencyRef) -> None:
    refs = index.setdefault(domain, [])
    if ref not in refs:
        refs.append(ref)


def _homepage_refs(directory_dir: Path | None) -> list[tuple[str, AgencyRef, str]]:
    """(registered domain, agency, key) for every agency homepage of PDAP and the FBI join."""
    found: list[tuple[str, AgencyRef, str]] = []
    pdap_path = directory_dir / "pdap-agencies.csv" if directory_dir else None
    for agency in sources.iter_pdap_agencies(pdap_path):
        if not agency.homepage_host or not agency.state:
            continue
        ref = AgencyRef(agency.submitted_name, agency.state, "US", agency.jurisdiction_type, "pdap")
        found.append((split_host(agency.homepage_host).registered, ref, agency.submitted_name))
    join_path = directory_dir / "fbi-x-pdap-homepages.csv" if directory_dir else None
    for homepage in sources.iter_agency_homepages(join_path):
        ref = AgencyRef(homepage.name, homepage.state, "US", homepage.agency_type, "fbi+pdap")
        found.append((split_host(homepage.homepage_host).registered, ref, homepage.name))
    return found


def build_directory_index(directory_dir: Path | None = None) -> DirectoryIndex:
    """Build the index from the directory files (the packaged copies unless a folder is given)."""
    index = DirectoryIndex()
    dotgov_path = directory_dir / "dotgov-current-full.csv" if directory_dir else None
    for row in sources.iter_dotgov(dotgov_path):
        federal = row.domain_type.startswith("Federal")
        ref = AgencyRef(
            row.organization, None if federal else row.state, "US", row.domain_type, "dotgov"
        )
        _add(index.domains, row.domain, ref)
    homepages = _homepage_refs(directory_dir)
    shared = _shared_third_party_hosts([(domain, ref.state or "") for domain, ref, _ in homepages])
    for domain, ref, name in homepages:
        if domain in THIRD_PARTY_HOSTS or domain in shared:
            continue
        _add(index.domains, domain, ref)
        key = (agency_key(name), ref.state or "")
        if domain not in index.agencies_by_key.setdefault(key, []):
            index.agencies_by_key[key].append(domain)
    fbi_path = directory_dir / "fbi-agencies.csv" if directory_dir else None
    pdap_path = directory_dir / "pdap-agencies.csv" if directory_dir else None
    listed: list[ListedAgency] = []
    for agency in sources.iter_fbi_agencies(fbi_path):
        index.agencies_by_key.setdefault((agency_key(agency.name), agency.state), [])
        listed.append(
            ListedAgency(agency.ori, agency.name, agency.state, agency.agency_type, agency.county)
        )
    # PDAP knows agencies the FBI list lacks (campus, school and small-town police); they
    # come after the FBI's, so a name both know is reported with its ORI.
    for pdap in sources.iter_pdap_agencies(pdap_path):
        if pdap.state and pdap.defunct_year is None:
            listed.append(
                ListedAgency("", pdap.submitted_name, pdap.state, pdap.jurisdiction_type, None)
            )
    index.agency_list = AgencyList.build(listed)
    curated_free_mail = sources.free_mail_domains()
    index.free_mail = curated_free_mail | sources.listed_free_mail_domains()
    index.disposable_mail = sources.disposable_mail_domains()
    index.foreign = {entry.domain: entry for entry in sources.iter_foreign_police()}
    # Only the curated, well-known providers are worth imitating; the long lists' obscure
    # domains would only make chance near-misses.
    index.lookalikes = LookalikeIndex.build(
        list(index.domains) + list(index.foreign) + sorted(curated_free_mail),
        agency_domains=list(index.domains),
    )
    return index


@cache
def default_directory() -> DirectoryIndex:
    """The index of the packaged directories, loaded on first use and kept for the process."""
    return load_directory_index(get_settings().cache_dir)


# What the cached index depends on: the data files and the code that turns them into it.
_CACHE_INPUTS = (
    sources.DOTGOV_FILE,
    sources.FBI_AGENCIES_FILE,
    sources.AGENCY_HOMEPAGES_FILE,
    sources.PDAP_AGENCIES_FILE,
    sources.FOREIGN_POLICE_FILE,
    sources.FREE_MAIL_FILE,
    *sources.MAIL_PROVIDER_LIST_FILES,
    Path(sources.__file__),
    Path(__file__),
    Path(__file__).with_name("lookalike.py"),
    Path(__file__).with_name("domains.py"),
    Path(__file__).with_name("agency_names.py"),
)


def cache_key() -> str:
    """A digest of the inputs' names, sizes and modification times, and the Python version."""
    stats = [(str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in _CACHE_INPUTS]
    text = repr((sys.version_info[:2], pickle.HIGHEST_PROTOCOL, stats))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def load_directory_index(cache_dir: Path | None) -> DirectoryIndex:
    """The packaged directories' index from a pickle under `cache_dir`, built and saved if the
    cache is missing, stale or unreadable (building takes seconds, loading a fraction)."""
    with _collector_paused():
        return load_or_build(
            cache_dir, "directory-index", cache_key(), DirectoryIndex, build_directory_index
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Building or unpickling creates a few hundred thousand objects and no garbage; the cycle
    # collector would walk them all several times over (most of the load time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """A domain the database knows: an agency's domain as staff or an import recorded it."""

    domain: str
    agency: AgencyRef | None
    fraudulent: bool = False


def with_entries(base: DirectoryIndex, entries: Iterable[DirectoryEntry]) -> DirectoryIndex:
    """The base index plus the database's entries; a domain of an agency marked fraudulent is
    no longer listed, so it is judged like any unknown domain. The base is left untouched."""
    domains = dict(base.domains)
    foreign = dict(base.foreign)
    agencies_by_key = dict(base.agencies_by_key)
    added: list[str] = []
    for entry in entries:
        domain = strip_www(entry.domain.lower().strip("."))
        if entry.fraudulent:
            domains.pop(domain, None)
            foreign.pop(domain, None)
            continue
        ref = entry.agency
        if ref is None:
            continue
        if ref.country not in ("US", ""):
            foreign.setdefault(domain, sources.ForeignPoliceDomain(domain, ref.country, ref.name))
        else:
            refs = list(domains.get(domain, ()))
            if ref not in refs:
                domains[domain] = [*refs, ref]
        if ref.state:
            key = (agency_key(ref.name), ref.state)
            agencies_by_key[key] = list(dict.fromkeys([*agencies_by_key.get(key, []), domain]))
        if domain not in base.lookalikes.hosts:
            added.append(domain)
    return DirectoryIndex(
        domains=domains,
        agencies_by_key=agencies_by_key,
        free_mail=base.free_mail,
        disposable_mail=base.disposable_mail,
        foreign=foreign,
        lookalikes=base.lookalikes.with_domains(added) if added else base.lookalikes,
        agency_list=base.agency_list,
    )
