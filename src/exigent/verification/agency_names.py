"""Agency names read the way officers write them: the place an agency serves and its role.

"Cape Carteret PD", "Cape Carteret Police Dept." and "Town of Cape Carteret Police" all
name the place `cape carteret` with the role `police`; "Amador County Sheriff's Office" and
"Amador County Sheriff" name `amador county` with the role `sheriff`. Matching on (place,
role, state) forgives the many ways one agency is written without matching a different one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from exigent.verification.places import STATE_NAMES

_NOISE = re.compile(r"[^a-z0-9 ]+")
_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "ft": "fort",
    "mt": "mount",
    "twp": "township",
    "boro": "borough",
    "co": "county",
    "cnty": "county",
    "dept": "department",
    "dep": "department",
    "pd": "police",
    "so": "sheriff",
    "sheriffs": "sheriff",
    "univ": "university",
    "u": "university",
}
# Multi-word ways of saying the role, longest first, folded to one role word.
_ROLE_PHRASES = (
    ("department of public safety", "police"),
    ("public safety department", "police"),
    ("public safety", "police"),
    ("police department", "police"),
    ("police services", "police"),
    ("police service", "police"),
    ("police force", "police"),
    ("sheriff department", "sheriff"),
    ("sheriff office", "sheriff"),
)
ROLES = frozenset({"police", "sheriff"})
# Words that say what kind of body an agency is rather than where it is.
_FILLER = frozenset({"the", "of", "office", "department", "and", "agency", "law", "enforcement"})
# Kinds of municipality: "Town of Cape Carteret", "Camden Village", "Florence Township".
MUNICIPAL = frozenset({"city", "town", "village", "township", "borough", "county", "parish"})


@dataclass(frozen=True, slots=True)
class AgencyName:
    """The place an agency serves (words) and its role (police, sheriff or none given)."""

    place: str
    role: str | None

    @property
    def core(self) -> str:
        """The place without its municipality kind: `cape carteret` of `town of cape carteret`."""
        words = [word for word in self.place.split() if word not in MUNICIPAL]
        return " ".join(words) or self.place

    @property
    def compact(self) -> str:
        """The core place as one run of letters, as it appears inside a domain label."""
        return self.core.replace(" ", "")


@lru_cache(maxsize=65_536)
def parse_agency_name(name: str) -> AgencyName:
    """The place and role of an agency name, with case, punctuation and abbreviations folded."""
    text = _NOISE.sub(" ", name.lower().replace("'s", "").replace("'", ""))
    words = [_ABBREVIATIONS.get(word, word) for word in text.split()]
    text = " ".join(words)
    for phrase, folded in _ROLE_PHRASES:
        text = re.sub(rf"\b{phrase}\b", folded, text)
    words = text.split()
    roles = [word for word in words if word in ROLES]
    place_words = [word for word in words if word not in ROLES and word not in _FILLER]
    # A county's sheriff may also be written with "police" in it; the sheriff is the role.
    role: str | None = "sheriff" if "sheriff" in roles else ("police" if roles else None)
    return AgencyName(" ".join(place_words), role)


def acronyms(name: str) -> set[str]:
    """The initials an agency's name may be written as, with and without the kind of
    municipality (New York City Police Department: nycpd and nypd)."""
    words = [
        word
        for word in _NOISE.sub(" ", name.lower().replace("'s", "")).split()
        if word not in ("of", "the", "and")
    ]
    full = "".join(word[0] for word in words)
    local = "".join(word[0] for word in words if word not in MUNICIPAL)
    return {initials for initials in (full, local) if len(initials) >= 3}


def without_state(name: AgencyName, state: str) -> AgencyName:
    """The name without its state written in (`City of Knoxville, TN`, `Lee County Arkansas
    Sheriff`): directories give the state apart from the name."""
    state_words = {state.lower(), *STATE_NAMES.get(state, "").lower().split()}
    words = name.place.split()
    kept = [word for word in words if word not in state_words]
    if not kept or len(kept) == len(words):
        return name
    return AgencyName(" ".join(kept), name.role)


def roles_compatible(first: str | None, second: str | None) -> bool:
    """A sheriff is not a police department; a name without a role fits either."""
    return first is None or second is None or first == second


@dataclass(frozen=True, slots=True)
class ListedAgency:
    """An agency of the FBI list: its ORI, its name as listed and its kind."""

    ori: str
    name: str
    state: str
    agency_type: str
    county: str | None


@dataclass
class AgencyList:
    """The FBI agency list indexed by (state, place) and (state, core place)."""

    by_place: dict[tuple[str, str], list[ListedAgency]]
    places_by_state: dict[str, list[str]]
    # Initials officers write for their agency: NYPD, LAPD, LASD.
    by_acronym: dict[tuple[str, str], list[ListedAgency]] = field(default_factory=dict)
    # Answers already given: one request asks about its agency several times.
    _answers: dict[tuple[str, str], tuple[ListedAgency, bool] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def build(cls, agencies: list[ListedAgency]) -> AgencyList:
        by_place: dict[tuple[str, str], list[ListedAgency]] = {}
        for agency in agencies:
            parsed = parse_agency_name(agency.name)
            for key in {parsed.place, parsed.core}:
                if key:
                    by_place.setdefault((agency.state, key), []).append(agency)
        places: dict[str, list[str]] = {}
        for state, place in by_place:
            places.setdefault(state, []).append(place)
        by_acronym: dict[tuple[str, str], list[ListedAgency]] = {}
        for agency in agencies:
            for acronym in acronyms(agency.name):
                by_acronym.setdefault((agency.state, acronym), []).append(agency)
        return cls(by_place, places, by_acronym)

    def match(self, name: str, state: str) -> tuple[ListedAgency, bool] | None:
        """The listed agency this name and state mean, and whether only a near spelling
        matched; None when the list has no such agency."""
        key = (name, state.upper())
        if key not in self._answers:
            if len(self._answers) > 50_000:
                self._answers.clear()
            self._answers[key] = self._match(name, state.upper())
        return self._answers[key]

    def _match(self, name: str, state: str) -> tuple[ListedAgency, bool] | None:
        written = name.strip().replace(".", "")
        if written.isalpha() and written.isupper() and 3 <= len(written) <= 6:
            by_initials = self.by_acronym.get((state, written.lower()))
            if by_initials:
                return by_initials[0], True
        claimed = without_state(parse_agency_name(name), state)
        for key in (claimed.place, claimed.core):
            found = self._with_role(self.by_place.get((state, key), ()), claimed.role)
            if found is not None:
                return found, False
        near = process.extractOne(
            claimed.place,
            self.places_by_state.get(state, ()),
            scorer=OSA.distance,
            score_cutoff=near_miss_edits(claimed.place),
        )
        if near is not None:
            found = self._with_role(self.by_place[(state, near[0])], claimed.role)
            if found is not None:
                return found, True
        return None

    @staticmethod
    def _with_role(listed: Sequence[ListedAgency], role: str | None) -> ListedAgency | None:
        same = [a for a in listed if parse_agency_name(a.name).role == role]
        fitting = same or [
            a for a in listed if roles_compatible(parse_agency_name(a.name).role, role)
        ]
        return fitting[0] if fitting else None


def same_agency(claimed: str, listed: str) -> bool:
    """Whether two names plausibly name one agency (same place, compatible roles)."""
    first, second = parse_agency_name(claimed), parse_agency_name(listed)
    if not roles_compatible(first.role, second.role):
        return False
    if first.core == second.core or first.place == second.place:
        return True
    return OSA.distance(first.core, second.core) <= near_miss_edits(first.core)


def near_miss_edits(place: str) -> int:
    """Edits a misspelt place may carry: none for short names (Erie/Eric are two towns), one
    typo or swapped pair for most, two for long names."""
    if len(place) < 5:
        return 0
    return 1 if len(place) < 14 else 2
