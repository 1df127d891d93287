"""Narrative fingerprints for spotting reused request text, however it was reworded.

A copied template keeps its story and swaps the details: the account, the names, the times,
the ages and the town change, words are replaced by synonyms, sentences are shuffled. So a
narrative is reduced to the stems of its content words, with names, numbers and targets blanked
and common synonyms folded together, and its pairs of neighbouring content words are summarised
as a MinHash signature. Signatures estimate Jaccard similarity without keeping the text, and
their bands index the history for locality-sensitive lookup (`history.py`): a lookup reads a
few buckets, never the whole history.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from zlib import crc32

import numpy as np
import Stemmer
from datasketch import MinHash

NUM_PERM = 64
# 16 bands of 4 rows: a pair at Jaccard 0.6 shares a band with probability ~0.9, at 0.3 ~0.12,
# so candidates are mostly real reuses and each is then scored on the full signature.
BANDS = 16
ROWS = NUM_PERM // BANDS
_SEED = 1
SCHEME = "affine32"

_TOKEN = re.compile(r"[a-z][a-z']*[a-z]|\d[\d:/.,-]*|@|[.;!?](?=\s|$)|\n")
# A capitalised word after a lower-case word, a digit or a comma: inside a sentence.
_SENTENCE_END = frozenset(".;!?\n")
SHINGLE_WORDS = 3  # the triples below are built for this length
_INNER_CAPITAL = re.compile(r"(?<=[a-z0-9,] )[A-Z][\w'.-]*")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NUMBER_WORDS = _word_set(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred first second third am pm hrs hr hours h"
)
# Function words carry no content; dropping them makes "the user of the account" and
# "the account's user" meet on the same words.
STOPWORDS = _word_set(
    "a an the and or but if of at by for with about against between into through during "
    "before after above below to from up down in out on off over under again further then "
    "once here there when where why how all any both each few more most other some such no "
    "nor not only own same so than too very s t can will just don should now is are was were "
    "be been being have has had having do does did doing i me my we our ours us you your "
    "yours he him his she her hers it its they them their theirs what which who whom this "
    "that these those am would could may might must shall also has been currently"
)
# Words a rewording swaps for each other in this trade; each group folds to its first stem.
_SYNONYM_GROUPS = (
    "suspect subject offender perpetrator",
    "victim complainant",
    "approximately around about roughly",
    "female woman lady",
    "male man guy",
    "photo picture image",
    "relative family parent",
    "kill murder harm hurt",
    "abduct kidnap take taken",
    "child minor kid juvenile youth girl boy",
    "firearm gun weapon handgun pistol rifle",
    "locate find track",
    "messag text dm chat",
    "account profil usernam user handl",
    "urgent immedi quick prompt asap",
    "believ think",
    "threaten threat",
    "tonight evening night today",
    "report advis stat inform told tell",
    "credibl reliabl",
    "investig look",
    "depart agenc offic unit",
    "post publish upload",
)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


_STEMS: dict[str, str] = {}
STEM_CACHE = 50_000


def stems_of(words: list[str]) -> list[str]:
    """English stems of words, remembered: a request's vocabulary is mostly the trade's, and
    a look-up costs a fraction of stemming."""
    if len(_STEMS) > STEM_CACHE:
        _STEMS.clear()  # names and handles would otherwise grow it without end
    unknown = [word for word in words if word not in _STEMS]
    if unknown:
        _STEMS.update(zip(unknown, _stemmer().stemWords(unknown), strict=True))
    return [_STEMS[word] for word in words]


@cache
def _synonyms() -> dict[str, str]:
    stem = _stemmer().stemWord
    canon: dict[str, str] = {}
    for group in _SYNONYM_GROUPS:
        words = [stem(word) for word in group.split()]
        for word in words:
            canon.setdefault(word, words[0])
    return canon


@cache
def _permutations() -> np.ndarray:
    # Generated once: every signature must use the same permutations to be comparable.
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=SCHEME).permutations


_local = threading.local()


def _minhash() -> MinHash:
    # One MinHash per thread, cleared for each narrative: building one parses its permutations,
    # which costs more than hashing a narrative's word triples. crc32, not hash(): Python salts
    # string hashes per process, and the same records must get the same judgement every run.
    minhash: MinHash | None = getattr(_local, "minhash", None)
    if minhash is None:
        minhash = _local.minhash = MinHash(
            num_perm=NUM_PERM, hashfunc=crc32, permutations=_permutations(), scheme=SCHEME
        )
    return minhash


@dataclass(frozen=True, slots=True, eq=False)
class TextFingerprint:
    """A narrative's MinHash signature and the band keys that index it, and the hashes of
    its content words (a reworded copy keeps most of its distinctive words, though few of
    its word runs). Hashes, not words: history keeps no text."""

    signature: np.ndarray
    bands: tuple[bytes, ...]
    words: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.signature.size


EMPTY = TextFingerprint(np.zeros(0, dtype=np.uint32), ())


def _blank_values(text: str, targets: Iterable[str]) -> str:
    """The text with targets (also as an email's local part or a phone's digits) blanked."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer
        lowered, text = text, text
    for target in targets:
        value = target.strip().lstrip("@").lower()
        # The whole value first, then an email's local part: a fixed order, since blanking
        # the part first would leave the domain behind in some runs and not in others.
        local = value.partition("@")[0]
        for form in (value,) if local == value else (value, local):
            if len(form) < 3 or form not in lowered:
                continue
            pieces = lowered.split(form)
            starts = [0]
            for piece in pieces[:-1]:
                starts.append(starts[-1] + len(piece) + len(form))
            # Cut the original text where the lower-case copy matched, keeping its capitals.
            text = " target ".join(
                text[start : start + len(piece)]
                for start, piece in zip(starts, pieces, strict=True)
            )
            lowered = text.lower()
    return text


def content_words(text: str, targets: Iterable[str] = ()) -> list[str]:
    """Stems of the content words, with names, numbers and targets blanked, synonyms folded."""
    text = _blank_values(text, targets)
    # A capitalised word inside a sentence is a name or a place: the part a template swaps.
    # A field written in capitals throughout has no such tell, and is left as it is.
    text = "\n".join(
        part if part.isupper() else _INNER_CAPITAL.sub(" @ ", part) for part in text.split("\n")
    )
    words = [
        "|"
        if token in _SENTENCE_END
        else "#"
        if token[0].isdigit() or token in _NUMBER_WORDS
        else token
        for token in _TOKEN.findall(text.lower())
        if token not in STOPWORDS
    ]
    canon = _synonyms()
    return [canon.get(stem, stem) for stem in stems_of(words)]


def fingerprint(texts: Iterable[str | None], targets: Iterable[str] = ()) -> TextFingerprint:
    """Fingerprint the given narrative fields."""
    shingles: set[bytes] = set()
    words: list[str] = []
    # The fields are read as one text: each ends a sentence, so no triple spans two fields.
    joined = "\n".join(text for text in texts if text)
    if joined:
        words = [word for word in content_words(joined, targets) if word not in ("#", "@")]
        # Word triples within a sentence: shuffling the sentences leaves them all intact.
        for sentence in " ".join(words).split("|"):
            parts = sentence.split()
            if 0 < len(parts) < SHINGLE_WORDS:
                shingles.add(" ".join(parts).encode())
            # Zipping shifted copies builds the same triples as a slice per position, faster.
            shingles.update(
                f"{a} {b} {c}".encode()
                for a, b, c in zip(parts, parts[1:], parts[2:], strict=False)
            )
    if len(shingles) < 4:
        return EMPTY  # too little text to tell a template from a coincidence
    minhash = _minhash()
    minhash.clear()
    minhash.update_batch(shingles)
    signature = minhash.hashvalues.copy()
    bands = tuple(
        band.to_bytes(1, "little") + signature[band * ROWS : (band + 1) * ROWS].tobytes()
        for band in range(BANDS)
    )
    hashed = frozenset(crc32(word.encode()) for word in words if word != "|")
    return TextFingerprint(signature, bands, hashed)


def jaccard(first: TextFingerprint, second: TextFingerprint) -> float:
    """The estimated share of word pairs the two narratives have in common (0..1)."""
    if first.empty or second.empty:
        return 0.0
    return float(np.count_nonzero(first.signature == second.signature)) / NUM_PERM


def similarity_to_many(first: TextFingerprint, signatures: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of `first` to each row of stacked signatures."""
    if first.empty or not len(signatures):
        return np.zeros(len(signatures))
    return np.count_nonzero(signatures == first.signature, axis=1) / NUM_PERM
