"""What the engine may ask about earlier requests, and an in-memory answer to it.

The engine only reads history through `RequestHistory`; the CLI feeds an `InMemoryHistory`
with the file's earlier records, and a database-backed implementation can answer the same
questions from stored requests and verification outcomes.
"""

from __future__ import annotations

from bisect import bisect_left, insort_right
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import numpy as np

from exigent.verification.reworded import REWORDED_THRESHOLD, RewordedIndex
from exigent.verification.text import NUM_PERM, TextFingerprint, similarity_to_many


class VerificationOutcome(StrEnum):
    """What a second-level verification (callback) concluded about a request."""

    verified = "verified"
    failed = "failed"
    fraud = "fraud"


@dataclass(frozen=True, slots=True)
class PastRequest:
    """The facts of an earlier request that later judgements rely on."""

    request_id: str
    received_at: datetime
    requester_email: str | None
    requester_name: str | None
    agency_domain: str | None
    case_number: str | None
    targets: frozenset[str]
    sending_ip: str | None = None
    outcome: VerificationOutcome | None = None


@dataclass(frozen=True, slots=True)
class TextMatch:
    """An earlier request whose narrative is nearly the same text."""

    request: PastRequest
    similarity: float


@dataclass(frozen=True, slots=True)
class Marks:
    """Verification outcomes on record for a requester or an agency domain."""

    verified: int = 0
    failed: int = 0
    fraud: int = 0


class RequestHistory(Protocol):
    """Questions the engine asks about requests received before `before`."""

    def by_requester(
        self, email: str, *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        """Earlier requests from this requester address."""
        ...

    def by_domain(
        self, domain: str, *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        """Earlier requests from any address at this agency domain."""
        ...

    def by_targets(
        self, targets: Iterable[str], *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        """Earlier requests naming any of these target identifiers."""
        ...

    def similar_texts(
        self, fingerprint: TextFingerprint, *, before: datetime, threshold: float
    ) -> Sequence[TextMatch]:
        """Earlier requests whose narrative is at least `threshold` similar, best first."""
        ...

    def marks_for_requester(self, email: str, *, before: datetime) -> Marks:
        """Verification outcomes on record for this requester."""
        ...

    def marks_for_domain(self, domain: str, *, before: datetime) -> Marks:
        """Verification outcomes on record for anyone at this domain."""
        ...


def normalise_target(value: str) -> str:
    return value.strip().lstrip("@").lower()


# Each signature band remembers only its most recent requests: a standard form used all the
# time would otherwise make every lookup read a long bucket, and a template that is being
# reused right now still shows up among the latest users of its wording.
BAND_POSTINGS = 8


@dataclass
class InMemoryHistory:
    """History held in memory: the earlier records of one file, or a test's hand-built past.

    Every index keeps its requests in order of `received_at`, so a question about a window of
    time costs a binary search, not a scan: a requester with thousands of earlier requests is
    judged as fast as a newcomer.
    """

    # Only the signature of each narrative, never its text: 512 bytes a request.
    # Signatures are rows of one growing matrix, so a lookup compares all its candidates at once.
    _signatures: np.ndarray = field(default_factory=lambda: np.zeros((256, NUM_PERM), np.uint32))
    _signature_row: dict[str, int] = field(default_factory=dict)
    _by_requester: dict[str, list[PastRequest]] = field(default_factory=lambda: defaultdict(list))
    _by_domain: dict[str, list[PastRequest]] = field(default_factory=lambda: defaultdict(list))
    _by_target: dict[str, list[PastRequest]] = field(default_factory=lambda: defaultdict(list))
    # Only requests with a verification outcome: few, and all that marks are counted from.
    _marked_requester: dict[str, list[PastRequest]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _marked_domain: dict[str, list[PastRequest]] = field(default_factory=lambda: defaultdict(list))
    _by_band: dict[int, deque[str]] = field(
        default_factory=lambda: defaultdict(lambda: deque(maxlen=BAND_POSTINGS))
    )
    _by_id: dict[str, PastRequest] = field(default_factory=dict)
    _reworded: RewordedIndex = field(default_factory=RewordedIndex)

    def add(self, request: PastRequest, fingerprint: TextFingerprint | None = None) -> None:
        """Remember a request (and its narrative) for later judgements."""
        self._by_id[request.request_id] = request
        for bucket in self._buckets(request):
            _insert_in_order(bucket, request)
        if fingerprint is not None and not fingerprint.empty:
            self._reworded.add(request.request_id, fingerprint.words)
            self._store_signature(request.request_id, fingerprint)
            # The index is per process, so the process's own (salted) hash of a band will do.
            for band in fingerprint.bands:
                self._by_band[hash(band)].append(request.request_id)

    def _store_signature(self, request_id: str, fingerprint: TextFingerprint) -> None:
        row = self._signature_row.setdefault(request_id, len(self._signature_row))
        if row >= len(self._signatures):
            grown = np.zeros((2 * len(self._signatures), NUM_PERM), np.uint32)
            grown[: len(self._signatures)] = self._signatures
            self._signatures = grown
        self._signatures[row] = fingerprint.signature

    def mark(self, request_id: str, outcome: VerificationOutcome | None) -> None:
        """Record the outcome of verifying an earlier request."""
        old = self._by_id[request_id]
        if old.outcome == outcome:
            return
        new = replace(old, outcome=outcome)
        for bucket in self._buckets(old):
            _remove(bucket, old)
        for bucket in self._buckets(new):
            _insert_in_order(bucket, new)
        self._by_id[request_id] = new

    def _buckets(self, request: PastRequest) -> list[list[PastRequest]]:
        buckets = [self._by_target[target] for target in request.targets]
        email, domain = _low(request.requester_email), _low(request.agency_domain)
        if email:
            buckets.append(self._by_requester[email])
        if domain:
            buckets.append(self._by_domain[domain])
        if request.outcome is not None:
            if email:
                buckets.append(self._marked_requester[email])
            if domain:
                buckets.append(self._marked_domain[domain])
        return buckets

    def by_requester(
        self, email: str, *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        return _window(self._by_requester.get(email.lower(), []), before, since)

    def by_domain(
        self, domain: str, *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        return _window(self._by_domain.get(domain.lower(), []), before, since)

    def by_targets(
        self, targets: Iterable[str], *, before: datetime, since: datetime | None = None
    ) -> Sequence[PastRequest]:
        seen: dict[str, PastRequest] = {}
        for target in targets:
            bucket = self._by_target.get(normalise_target(target), [])
            for request in _window(bucket, before, since):
                seen.setdefault(request.request_id, request)
        return sorted(seen.values(), key=_received)

    def similar_texts(
        self, fingerprint: TextFingerprint, *, before: datetime, threshold: float
    ) -> Sequence[TextMatch]:
        """Copies (at least `threshold` of the word runs shared) and reworded copies (most of
        the distinctive words shared), best first."""
        copies = self._copies(fingerprint, before, threshold)
        # Word runs settle most copies; the slower reading of words is for the reworded ones.
        matches = copies or self._reworded_copy(fingerprint, before)
        return sorted(
            matches, key=lambda m: (-m.similarity, m.request.received_at, m.request.request_id)
        )

    def _reworded_copy(self, fingerprint: TextFingerprint, before: datetime) -> list[TextMatch]:
        """The most promising earlier reworded copy, if one is found."""
        for request_id, similarity in self._reworded.candidates(fingerprint.words):
            request = self._by_id[request_id]
            if similarity >= REWORDED_THRESHOLD and request.received_at < before:
                return [TextMatch(request, similarity)]
        return []

    def _copies(
        self, fingerprint: TextFingerprint, before: datetime, threshold: float
    ) -> list[TextMatch]:
        candidates = {
            request_id
            for band in fingerprint.bands
            for request_id in self._by_band.get(hash(band), ())
        }
        earlier = [i for i in candidates if self._by_id[i].received_at < before]
        if not earlier:
            return []
        # One vectorised comparison of all candidate signatures, not one call per candidate.
        rows = [self._signature_row[request_id] for request_id in earlier]
        similarities = similarity_to_many(fingerprint, self._signatures[rows])
        return [
            TextMatch(self._by_id[request_id], float(similarity))
            for request_id, similarity in zip(earlier, similarities, strict=True)
            if similarity >= threshold
        ]

    def marks_for_requester(self, email: str, *, before: datetime) -> Marks:
        return _marks(_window(self._marked_requester.get(email.lower(), []), before, None))

    def marks_for_domain(self, domain: str, *, before: datetime) -> Marks:
        return _marks(_window(self._marked_domain.get(domain.lower(), []), before, None))


def _low(value: str | None) -> str:
    return (value or "").lower()


def _received(request: PastRequest) -> datetime:
    return request.received_at


def _insert_in_order(bucket: list[PastRequest], request: PastRequest) -> None:
    # Requests nearly always arrive in order: appending is the common case.
    if not bucket or bucket[-1].received_at <= request.received_at:
        bucket.append(request)
    else:
        insort_right(bucket, request, key=_received)


def _remove(bucket: list[PastRequest], request: PastRequest) -> None:
    position = bisect_left(bucket, request.received_at, key=_received)
    while position < len(bucket) and bucket[position].received_at == request.received_at:
        if bucket[position].request_id == request.request_id:
            del bucket[position]
            return
        position += 1


def _window(
    requests: Sequence[PastRequest], before: datetime, since: datetime | None
) -> Sequence[PastRequest]:
    """The requests received in [since, before), from a list in order of `received_at`."""
    low = 0 if since is None else bisect_left(requests, since, key=_received)
    high = bisect_left(requests, before, key=_received)
    return requests[low:high]


def _marks(requests: Iterable[PastRequest]) -> Marks:
    verified = failed = fraud = 0
    for request in requests:
        if request.outcome is VerificationOutcome.verified:
            verified += 1
        elif request.outcome is VerificationOutcome.failed:
            failed += 1
        elif request.outcome is VerificationOutcome.fraud:
            fraud += 1
    return Marks(verified=verified, failed=failed, fraud=fraud)
