"""Narrative fingerprints for spotting reused request text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from zlib import crc32

SHINGLE_WORDS = 3
# Keep one shingle in SAMPLE_EVERY (chosen by hash, so every text keeps the same ones): the
# Jaccard estimate stays close while the index and each lookup shrink by that factor.
SAMPLE_EVERY = 3
_WORD = re.compile(r"[a-z]+|\d+")


@dataclass(frozen=True, slots=True)
class TextFingerprint:
    """The set of hashed word shingles of a narrative, with names and numbers blanked out."""

    shingles: frozenset[int]


def _normalised_words(text: str, targets: Iterable[str]) -> list[str]:
    lowered = text.lower()
    # A copied template keeps its wording but swaps the account, the times and the ages,
    # so those are blanked before comparing.
    for target in targets:
        value = target.strip().lstrip("@").lower()
        if len(value) >= 3:
            lowered = lowered.replace(value, " target ")
    return ["0" if word.isdigit() else word for word in _WORD.findall(lowered)]


def fingerprint(texts: Iterable[str | None], targets: Iterable[str] = ()) -> TextFingerprint:
    """Fingerprint the given narrative fields."""
    target_list = list(targets)
    words: list[str] = []
    for text in texts:
        if text:
            words.extend(_normalised_words(text, target_list))
            words.append("|")
    # Zipping shifted copies builds the same word tuples as a slice per position, faster.
    shifted = [words[offset:] for offset in range(SHINGLE_WORDS)]
    # crc32, not hash(): Python salts string hashes per process, and the same records must get
    # the same judgement on every run and in every worker.
    shingles = {crc32(" ".join(shingle).encode()) for shingle in zip(*shifted, strict=False)}
    return TextFingerprint(frozenset(s for s in shingles if s % SAMPLE_EVERY == 0))


def jaccard(first: TextFingerprint, second: TextFingerprint) -> float:
    """Shared shingles over all shingles of the two narratives (0..1)."""
    if not first.shingles or not second.shingles:
        return 0.0
    shared = len(first.shingles & second.shingles)
    return shared / (len(first.shingles) + len(second.shingles) - shared)
