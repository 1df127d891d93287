"""Look-alike detection of agency domains: typo, homoglyph (incl. IDN), added word, TLD swap,
subdomain trick. The ideas are dnstwist's permutation families, turned around: instead of
generating every permutation of every known domain, each known label is indexed once by its
homoglyph skeleton and by its first and last letters, so a lookup is a few dict probes and
an edit-distance scan of one small bucket.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import dnstwist
from confusable_homoglyphs import categories, confusables
from rapidfuzz import process
from rapidfuzz.distance import OSA

from exigent.verification.domains import (
    GOVERNMENT_SUFFIXES,
    is_domain_shaped,
    split_host,
    split_host_private,
    to_unicode,
)

MIN_LABEL = 6  # shorter labels collide by chance too often to call a near miss an imitation
MIN_TYPO_LABEL = 7
ENDS = 3
AGENCY_NAME_LABEL = 7  # a subdomain label this long that names a US agency is an imitation
LONG_LABEL = 13  # from here two edits are still a deliberate imitation, not a different name
# How US agencies name their role inside a label: amadorsheriff, parkerpd, hawleypolice.
ROLE_WORDS = ("police", "sheriff")
SHORT_ROLE_WORDS = ("pd", "so")
# Words impostors bolt onto a real agency name: parkerpd-cid.com, tattnallcountyga-gov.com.
AFFIXES = (
    "police",
    "sheriff",
    "pd",
    "so",
    "dept",
    "department",
    "cid",
    "gov",
    "govt",
    "leo",
    "le",
    "secure",
    "mail",
    "portal",
    "records",
    "official",
    "us",
    "usa",
    "online",
    "law",
    "enforcement",
    "lawenforcement",
    "legal",
    "request",
    "requests",
    "edr",
    "unit",
    "office",
)


class LookalikeKind(StrEnum):
    typo = "typo"
    homoglyph = "homoglyph"
    added_word = "added_word"
    tld_swap = "tld_swap"
    subdomain = "subdomain"


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A domain that imitates one or more known domains."""

    kind: LookalikeKind
    imitated: tuple[str, ...]
    how: str
    idn: bool = False


def _unicode_to_latin() -> dict[str, str]:
    table: dict[str, str] = {}
    for latin, glyphs in dnstwist.Fuzzer.glyphs_unicode.items():
        for glyph in glyphs:
            if len(glyph) == 1 and latin.isascii():
                table.setdefault(glyph, latin)
    for latin, cyrillic in dnstwist.Fuzzer.latin_to_cyrillic.items():
        table.setdefault(cyrillic, latin)
    return table


_UNICODE_TO_LATIN = _unicode_to_latin()
# Folds applied to both sides before an equality test, so `0`/`o`, `1`/`l`/`i`, `rn`/`m`,
# `vv`/`w` and `q`/`g` (dnstwist's ASCII glyph pairs) compare equal.
_SKELETON_FOLDS = (
    ("rn", "m"),
    ("vv", "w"),
    ("0", "o"),
    ("1", "l"),
    ("i", "l"),
    ("q", "g"),
    ("3", "e"),
    ("5", "s"),
    ("$", "s"),
    ("@", "a"),
)


@lru_cache(maxsize=65_536)
def _latin_for(char: str) -> str:
    if char in _UNICODE_TO_LATIN:
        return _UNICODE_TO_LATIN[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base.isascii() and base:
        return base.lower()
    # Unicode's confusables (UTS #39), for the character as written and in its other case:
    # Cherokee and some Greek letters are listed only as capitals.
    for variant in dict.fromkeys((char, char.upper(), char.lower())):
        found = confusables.is_confusable(variant, greedy=True, preferred_aliases=["latin"])
        for entry in found or []:
            for homoglyph in entry.get("homoglyphs", []):
                candidate = homoglyph.get("c", "")
                if candidate.isascii() and candidate.isalnum():
                    return candidate.lower()
    return char


def domain_scripts(host: str) -> frozenset[str]:
    """The scripts of a host's letters as displayed (digits and hyphens belong to none)."""
    scripts: set[str] = set()
    for label in to_unicode(host).split("."):
        if not label.isascii():
            scripts |= categories.unique_aliases(label) - {"COMMON", "INHERITED"}
    return frozenset(scripts)


def mixed_script_label(host: str) -> tuple[str, list[str]] | None:
    """The first label of a host (as displayed) whose letters come from more than one script,
    with those scripts; a real name is written in one."""
    for label in to_unicode(host).split("."):
        if label.isascii():
            continue
        scripts = categories.unique_aliases(label) - {"COMMON", "INHERITED"}
        if len(scripts) > 1:
            return label, sorted(script.title() for script in scripts)
    return None


@lru_cache(maxsize=65_536)
def ascii_fold(label: str) -> str:
    """The label as a reader would read it in Latin letters, without hyphens."""
    text = unicodedata.normalize("NFKC", label.lower())
    if not text.isascii():
        text = "".join(c if c.isascii() else _latin_for(c) for c in text)
    return text.replace("-", "")


@lru_cache(maxsize=65_536)
def skeleton(label: str) -> str:
    """The label with look-alike characters folded together (for equality tests only)."""
    text = ascii_fold(label)
    for old, new in _SKELETON_FOLDS:
        text = text.replace(old, new)
    return text


@dataclass
class LookalikeIndex:
    """Known registered domains indexed by label, skeleton and one-character deletions."""

    hosts: set[str] = field(default_factory=set)
    by_label: dict[str, list[str]] = field(default_factory=dict)
    by_fold: dict[str, list[str]] = field(default_factory=dict)
    by_skeleton: dict[str, list[str]] = field(default_factory=dict)
    by_ends: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    # Labels of US agency domains only, long enough to be a name (`cloverdale`, `parkerpd`):
    # generic words (`police`, `polizei`) that foreign forces use as labels are left out, so
    # police.someville.org is not taken for an imitation of police.be.
    by_agency_label: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, domains: list[str], agency_domains: Iterable[str] = ()) -> LookalikeIndex:
        """Index every known domain once; `agency_domains` (US agencies') also by name."""
        index = cls()
        by_agency_label: dict[str, list[str]] = defaultdict(list)
        for domain in agency_domains:
            label = split_host(domain).label
            if len(label) >= AGENCY_NAME_LABEL:
                by_agency_label[label].append(domain)
        index.by_agency_label = dict(by_agency_label)
        by_label: dict[str, list[str]] = defaultdict(list)
        by_fold: dict[str, list[str]] = defaultdict(list)
        by_skeleton: dict[str, list[str]] = defaultdict(list)
        by_ends: dict[tuple[str, int], list[str]] = defaultdict(list)
        for domain in domains:
            index.hosts.add(domain)
            label = split_host(domain).label
            if len(label) < MIN_LABEL:
                continue
            by_label[label].append(domain)
            folded = ascii_fold(label)
            by_fold[folded].append(domain)
            by_skeleton[skeleton(label)].append(domain)
            if len(folded) >= MIN_TYPO_LABEL - 2 and len(by_fold[folded]) == 1:
                for key in _end_keys(folded):
                    by_ends[key].append(folded)
        index.by_label = dict(by_label)
        index.by_fold = dict(by_fold)
        index.by_skeleton = dict(by_skeleton)
        index.by_ends = dict(by_ends)
        return index

    def with_domains(self, domains: Iterable[str]) -> LookalikeIndex:
        """A copy that also knows `domains`; this index is left as it was."""
        added = list(domains)
        extra = LookalikeIndex.build(added, agency_domains=added)
        merged = LookalikeIndex(hosts=self.hosts | extra.hosts)
        for name in ("by_label", "by_fold", "by_skeleton", "by_ends", "by_agency_label"):
            mine, theirs = getattr(self, name), getattr(extra, name)
            combined = dict(mine)
            for key, values in theirs.items():
                if name == "by_ends":  # a folded label is listed once, when first indexed
                    values = [value for value in values if value not in self.by_fold]
                combined[key] = [*mine.get(key, ()), *values]
            setattr(merged, name, combined)
        return merged

    def known(self, host: str) -> bool:
        """True when the host or one of its parents is itself a known domain."""
        labels = host.split(".")
        return any(".".join(labels[i:]) in self.hosts for i in range(len(labels) - 1))

    def match(self, host: str) -> Lookalike | None:
        """The strongest imitation this unknown host makes of a known domain, if any."""
        host = host.lower().strip(".")
        if self.known(host):
            return None
        parts = split_host(host)
        private = split_host_private(host)
        sold_privately = private.suffix != parts.suffix
        if sold_privately:
            # parkerpd.us.com: the name bought is `parkerpd`, under us.com, not `us` under .com.
            parts = private
        label = to_unicode(parts.label)
        idn = not label.isascii() or parts.label.startswith("xn--")
        for check in (
            self._subdomain,
            self._same_label,
            self._homoglyph,
            self._added_word,
            self._typo,
        ):
            found = check(parts.subdomain_labels, label, parts.suffix, idn)
            if found is not None:
                return found
        return _government_costume(parts.subdomain_labels, label, parts.suffix, sold_privately)

    def _subdomain(
        self, sub: tuple[str, ...], label: str, suffix: str, idn: bool
    ) -> Lookalike | None:
        # A real agency domain placed in front of somebody else's: parkerpd.com.relay.org,
        # amadorsheriff.org.edr.com.au, or an agency's name as a subdomain of another one.
        owner = f"{label}.{suffix}"
        # The registered label may finish the imitation: cloverdale.net.herokuapp.com.
        names = (*sub, label)
        for start in range(len(sub)):
            for end in range(len(names), start, -1):
                candidate = ".".join(names[start:end])
                if candidate in self.hosts:
                    return Lookalike(
                        LookalikeKind.subdomain,
                        (candidate,),
                        f"puts {candidate} in front of {owner}",
                    )
        for start in range(len(sub)):
            for end in range(len(sub), start + 1, -1):
                shown = ".".join(sub[start:end])
                if is_domain_shaped(shown):
                    return Lookalike(
                        LookalikeKind.subdomain,
                        (shown,),
                        f"a domain-shaped prefix {shown} in front of {owner}",
                    )
        for part in sub:
            known = self.by_agency_label.get(part)
            if known:
                return Lookalike(
                    LookalikeKind.subdomain,
                    tuple(known[:5]),
                    f"puts {part}, the name of {known[0]}, in front of {owner}",
                )
        for part in sub:
            if _agency_like(part, label):
                return Lookalike(
                    LookalikeKind.subdomain,
                    (part,),
                    f"an agency-like name {part} in front of {owner}, which is not an agency's",
                )
        return None

    def _same_label(
        self, sub: tuple[str, ...], label: str, suffix: str, idn: bool
    ) -> Lookalike | None:
        if idn or len(label) < MIN_LABEL:
            return None
        found = self.by_label.get(label)
        if not found:
            return None
        return Lookalike(
            LookalikeKind.tld_swap, tuple(found[:5]), f"same name as {found[0]} under .{suffix}"
        )

    def _homoglyph(
        self, sub: tuple[str, ...], label: str, suffix: str, idn: bool
    ) -> Lookalike | None:
        folded = ascii_fold(label)
        if len(folded) < MIN_LABEL:
            return None
        found = self.by_fold.get(folded) if idn else None
        if not found:
            found = self.by_skeleton.get(skeleton(label))
        if not found:
            return None
        what = "internationalised (punycode) characters" if idn else "look-alike characters"
        return Lookalike(
            LookalikeKind.homoglyph, tuple(found[:5]), f"{what} imitating {found[0]}", idn=idn
        )

    def _added_word(
        self, sub: tuple[str, ...], label: str, suffix: str, idn: bool
    ) -> Lookalike | None:
        for base, word in _affix_splits(label):
            found = self.by_label.get(base) or self.by_skeleton.get(skeleton(base))
            if found:
                return Lookalike(
                    LookalikeKind.added_word,
                    tuple(found[:5]),
                    f"adds '{word}' to {found[0]}",
                    idn=idn,
                )
        return None

    def _typo(self, sub: tuple[str, ...], label: str, suffix: str, idn: bool) -> Lookalike | None:
        folded = ascii_fold(label)
        if len(folded) < MIN_TYPO_LABEL:
            return None
        limit = 2 if len(folded) >= LONG_LABEL else 1
        best: tuple[int, str] | None = None
        for length in range(len(folded) - limit, len(folded) + limit + 1):
            for end in (folded[:ENDS], folded[-ENDS:]):
                bucket = self.by_ends.get((end, length))
                if not bucket:
                    continue
                for candidate, distance, _ in process.extract(
                    folded, bucket, scorer=OSA.distance, score_cutoff=limit, limit=3
                ):
                    if _is_extension(folded, candidate):
                        continue
                    if candidate != folded and (best is None or (distance, candidate) < best):
                        best = (int(distance), candidate)
        if best is None:
            return None
        found = self.by_fold[best[1]]
        edits = "one character" if best[0] == 1 else "two characters"
        return Lookalike(
            LookalikeKind.typo, tuple(found[:5]), f"{edits} away from {found[0]}", idn=idn
        )


# Labels that say "government" in a host: in front of a commercial domain, or as the
# commercial second level a name is sold under (us.com, us.org), they are a costume.
_GOVERNMENT_LABELS = frozenset({"gov", "govt", "gouv", "gob", "mil", "us"})


def _government_costume(
    sub: tuple[str, ...], label: str, suffix: str, sold_privately: bool
) -> Lookalike | None:
    """A commercial domain dressed as a government one: `gov.example.net`, or a name bought
    under `us.org` (a second level its registry sells to anyone, listed in the public suffix
    list's private section), which is not the .us locality namespace."""
    ending = suffix.rsplit(".", 1)[-1]
    if ending in GOVERNMENT_SUFFIXES:
        return None
    owner = f"{label}.{suffix}"
    if sold_privately and suffix.split(".")[0] in _GOVERNMENT_LABELS:
        return Lookalike(
            LookalikeKind.subdomain,
            (suffix,),
            f"{owner} is a name sold under {suffix}, a commercial domain that reads as "
            f"a government one",
        )
    for part in sub:
        if part in _GOVERNMENT_LABELS:
            return Lookalike(
                LookalikeKind.subdomain,
                (part,),
                f"a government-looking label '{part}' in front of {owner}, which is not a "
                f"government domain",
            )
    return None


def _agency_like(part: str, owner_label: str) -> bool:
    """A subdomain label that reads as a named agency (`amadorsheriff`, `cape-carteret-pd`):
    a role word and a place name of four letters or more. A bare `police.` or `sheriff.` host,
    or one naming the owner's own place, is how a town names its own hosts."""
    plain = part.replace("-", "")
    places = [plain.removesuffix(role) for role in ROLE_WORDS]
    places += [plain.removeprefix(role) for role in ROLE_WORDS]
    # `pd` and `so` end too many words (picasso) to count unless written apart.
    words = part.split("-")
    if len(words) > 1 and words[-1] in SHORT_ROLE_WORDS:
        places.append("".join(words[:-1]))
    return any(place != plain and len(place) >= 4 and place not in owner_label for place in places)


def _is_extension(first: str, second: str) -> bool:
    # "sawyercountywi" vs "sawyercounty": a longer official name (state code appended), which
    # agencies really register; a typo changes letters inside the name.
    short, long = sorted((first, second), key=len)
    return len(long) - len(short) >= 2 and (long.startswith(short) or long.endswith(short))


def _end_keys(folded: str) -> tuple[tuple[str, int], tuple[str, int]]:
    # One or two edits rarely touch both the first and the last few letters, so every near
    # miss shares a bucket (same start or same end, same length) with what it imitates.
    return (folded[:ENDS], len(folded)), (folded[-ENDS:], len(folded))


def _affix_splits(label: str) -> list[tuple[str, str]]:
    """(base, added word) readings of a label: hyphen-separated words and known affixes."""
    splits: list[tuple[str, str]] = []
    words = label.split("-")
    if len(words) >= 2:
        splits.append(("-".join(words[:-1]), words[-1]))
        splits.append(("-".join(words[1:]), words[0]))
        splits.append(("".join(words[:-1]), words[-1]))
        splits.append(("".join(words[1:]), words[0]))
    plain = label.replace("-", "")
    for affix in AFFIXES:
        if plain.endswith(affix) and len(plain) - len(affix) >= MIN_LABEL:
            splits.append((plain[: -len(affix)], affix))
        if plain.startswith(affix) and len(plain) - len(affix) >= MIN_LABEL:
            splits.append((plain[len(affix) :], affix))
    return [(base, word) for base, word in splits if len(base.replace("-", "")) >= MIN_LABEL]
