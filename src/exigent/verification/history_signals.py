"""Signals from earlier requests: first contact, past outcomes, bursts, reused text."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import lru_cache

from exigent.verification.context import Context, Finding
from exigent.verification.history import PastRequest, VerificationOutcome

BURST_WINDOW = timedelta(hours=2)
BURST_SIZE = 3  # this request and two more in the window
UNRELATED_WINDOW = timedelta(hours=24)
# Estimated Jaccard of content-word triples: stock sentences every agency writes put unrelated
# genuine narratives at 0.5-0.8; a copied story with its details swapped stays above 0.85.
TEMPLATE_THRESHOLD = 0.85
TARGET_WINDOW = timedelta(days=7)
NETWORK_HISTORY = 50  # the agency's recent mail; old provider changes do not matter


def requester_signals(ctx: Context) -> list[Finding]:
    """Whether the requester and the agency domain have a record, good or bad."""
    email, received = ctx.requester_email, ctx.record.received_at
    if not email:
        return [Finding("requester_email_missing", "no requester address to check or call back")]
    findings: list[Finding] = []
    earlier = ctx.history.by_requester(email, before=received)
    marks = ctx.history.marks_for_requester(email, before=received)
    if not earlier:
        findings.append(
            Finding(
                "requester_first_seen", f"first request from {email}: never verified by callback"
            )
        )
    elif marks.verified and not (marks.failed or marks.fraud):
        findings.append(
            Finding(
                "requester_previously_verified",
                f"{email} passed callback verification {marks.verified} time(s)",
            )
        )
    else:
        findings.append(
            Finding(
                "requester_not_verified",
                f"{len(earlier)} earlier request(s) from {email}, none verified by callback",
            )
        )
    if marks.failed or marks.fraud:
        findings.append(
            Finding(
                "requester_failed_verification",
                f"{email} failed verification {marks.failed + marks.fraud} time(s)",
            )
        )
    findings += _domain_history(ctx)
    return findings


def _domain_history(ctx: Context) -> list[Finding]:
    domain, received = ctx.domain, ctx.record.received_at
    if not domain or (ctx.domain_facts and ctx.domain_facts.free_mail):
        return []
    findings: list[Finding] = []
    earlier = ctx.history.by_domain(domain, before=received)
    if not earlier:
        findings.append(Finding("domain_first_seen", f"no earlier request from {domain}"))
    marks = ctx.history.marks_for_domain(domain, before=received)
    if marks.fraud or marks.failed:
        findings.append(
            Finding(
                "domain_failed_verification",
                f"requests from {domain} failed verification {marks.fraud + marks.failed} time(s)",
            )
        )
    findings += _network_change(ctx, earlier)
    return findings


@lru_cache(maxsize=65_536)
def _network(ip: str | None) -> str | None:
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    prefix = 16 if address.version == 4 else 32
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _network_change(ctx: Context, earlier: Sequence[PastRequest]) -> list[Finding]:
    # An agency's mail leaves through the same provider; a known domain suddenly sending from
    # an unrelated network is how a forged or relayed message looks.
    current = _network(ctx.record.email.received_ip if ctx.record.email else None)
    recent = earlier[-NETWORK_HISTORY:]
    seen = {net for net in (_network(request.sending_ip) for request in recent) if net}
    if current is None or len(seen) < 2 or current in seen:
        return []
    return [
        Finding(
            "sending_network_changed",
            f"{ctx.domain} mail came from {len(seen)} known networks before, never from {current}",
        )
    ]


def velocity_signals(ctx: Context) -> list[Finding]:
    """Bursts of requests and one requester reaching for unrelated targets."""
    email, received = ctx.requester_email, ctx.record.received_at
    if not email:
        return []
    findings: list[Finding] = []
    recent = ctx.history.by_requester(email, before=received, since=received - UNRELATED_WINDOW)
    other_cases = [request for request in recent if not _same_case(ctx, request)]
    in_burst = [r for r in other_cases if r.received_at >= received - BURST_WINDOW]
    if len(in_burst) + 1 >= BURST_SIZE:
        findings.append(
            Finding(
                "request_burst",
                f"{len(in_burst) + 1} requests on different cases from {email} "
                f"within {int(BURST_WINDOW.total_seconds() // 3600)} hours",
            )
        )
    unrelated = [request for request in other_cases if not (request.targets & ctx.targets)]
    if unrelated:
        findings.append(
            Finding(
                "unrelated_targets",
                f"{email} asked about {len(unrelated)} unrelated target set(s) on "
                f"other cases in the last 24 hours",
            )
        )
    findings += _target_history(ctx)
    return findings


def _same_case(ctx: Context, request: PastRequest) -> bool:
    case = (ctx.record.case_number or "").strip().lower()
    return bool(case) and case == (request.case_number or "").strip().lower()


def _target_history(ctx: Context) -> list[Finding]:
    received = ctx.record.received_at
    earlier = ctx.history.by_targets(ctx.targets, before=received, since=received - TARGET_WINDOW)
    flagged = [
        r for r in earlier if r.outcome in (VerificationOutcome.fraud, VerificationOutcome.failed)
    ]
    if flagged:
        return [
            Finding(
                "target_in_fraudulent_request",
                f"a target was named in request {flagged[0].request_id}, which failed verification",
            )
        ]
    return []


def template_signals(ctx: Context) -> list[Finding]:
    """Narratives copied from other requesters' requests or from known fraud."""
    received = ctx.record.received_at
    matches = ctx.history.similar_texts(
        ctx.fingerprint, before=received, threshold=TEMPLATE_THRESHOLD
    )
    findings: list[Finding] = []
    fraud = [
        m
        for m in matches
        if m.request.outcome in (VerificationOutcome.fraud, VerificationOutcome.failed)
    ]
    if fraud:
        findings.append(
            Finding(
                "template_of_fraud",
                f"text {fraud[0].similarity:.0%} similar to request "
                f"{fraud[0].request.request_id}, which failed verification",
            )
        )
    same_sender = _sender_matcher(ctx)
    others = [m for m in matches if not same_sender(m.request)]
    if others:
        sources = {m.request.agency_domain or m.request.requester_email for m in others}
        findings.append(
            Finding(
                "template_reuse",
                f"text {others[0].similarity:.0%} similar to request "
                f"{others[0].request.request_id} from "
                f"{others[0].request.agency_domain or 'another sender'} "
                f"({len(sources)} other agency(ies) used it before)",
            )
        )
    return findings


def _sender_matcher(ctx: Context) -> Callable[[PastRequest], bool]:
    """Whether an earlier request came from this request's own sender (the record's side is
    read once, since a reused text is compared with many earlier requests)."""
    # An officer's follow-up reuses their own words, and an agency's standard form is written
    # by all its officers alike; only a free-mail domain says nothing about who wrote it.
    email = (ctx.requester_email or "").lower()
    free_mail = bool(ctx.domain_facts and ctx.domain_facts.free_mail)
    domain = "" if free_mail else (ctx.domain or "").lower()

    def same(request: PastRequest) -> bool:
        if email and email == (request.requester_email or "").lower():
            return True
        return bool(domain) and domain == (request.agency_domain or "").lower()

    return same
