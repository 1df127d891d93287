"""Reworded copies of a narrative: texts that share most of their distinctive words.

A template passed between impostors is reworded each time (synonyms, sentences reordered,
names and numbers swapped), which breaks most of its runs of words but keeps most of its
words. Words every request uses ("location", "account", "warrant") say nothing; a word few
earlier requests used says much. So each word weighs 1 / (1 + the number of earlier requests
that used it), and two texts are reworded copies when the words they share carry most of the
weight of the words either uses (a weighted Jaccard). The rarest words of a text find the
candidates through an inverted index, so a look-up reads a few short lists, never the whole
history. Words are kept as hashes: the index holds no text.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from heapq import nsmallest

# Share of the combined weight two texts must have in common to count as one text reworded.
# Genuine narratives about the same kind of emergency share the trade's words, which weigh
# little; a copy shares the story's own words.
REWORDED_THRESHOLD = 0.85
# The rarest words of a text that are looked up, and how many of them a candidate must share.
RARE_LOOKUPS = 10
MIN_SHARED_RARE = 3
# Each word remembers its most recent requests only; a word so common that this cuts its
# list short is no use for finding copies anyway.
WORD_POSTINGS = 16
# Candidates compared in full, the ones sharing the most rare words first.
CANDIDATES = 4
# A text needs this many distinct words before its word set says who wrote it.
MIN_WORDS = 12


@dataclass
class RewordedIndex:
    """Document frequencies, rare-word postings and word sets of the requests seen so far."""

    _frequency: Counter[int] = field(default_factory=Counter)
    _postings: dict[int, list[str]] = field(default_factory=dict)
    # Packed 32-bit hashes, about 250 bytes a request: a year's mirror of 50,000 requests
    # adds about 16 MB with the postings and frequencies.
    _words: dict[str, array[int]] = field(default_factory=dict)

    def add(self, request_id: str, words: frozenset[int]) -> None:
        if len(words) < MIN_WORDS or request_id in self._words:
            return
        self._words[request_id] = array("I", words)
        self._frequency.update(words)
        for word in words:
            postings = self._postings.setdefault(word, [])
            postings.append(request_id)
            if len(postings) > WORD_POSTINGS:
                del postings[0]

    def candidates(self, words: frozenset[int]) -> Iterator[tuple[str, float]]:
        """Earlier requests sharing several of the text's rarest words, with their weighted
        similarity to it, most promising first."""
        if len(words) < MIN_WORDS:
            return
        frequency = self._frequency
        rare = nsmallest(
            RARE_LOOKUPS,
            (word for word in words if word in frequency),
            key=frequency.__getitem__,
        )
        shared = Counter(request_id for word in rare for request_id in self._postings.get(word, ()))
        for request_id, count in shared.most_common(CANDIDATES):
            if count < MIN_SHARED_RARE:
                return
            yield request_id, self.similarity(words, frozenset(self._words[request_id]))

    def similarity(self, first: frozenset[int], second: frozenset[int]) -> float:
        """Weighted Jaccard of two word sets, each word weighing 1 / (1 + its frequency)."""
        count = self._frequency.get
        common = sum([1.0 / (1 + count(word, 0)) for word in first & second])
        if not common:
            return 0.0
        total = sum([1.0 / (1 + count(word, 0)) for word in first | second])
        return common / total
