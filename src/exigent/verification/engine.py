"""The fraud-risk assessment of intake records: run every signal check, score, explain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from exigent.cases.schemas import IntakeRecord
from exigent.verification import (
    agency_signals,
    contact_signals,
    content_signals,
    history_signals,
    identity_signals,
)
from exigent.verification.context import Context, Finding
from exigent.verification.directory_index import DirectoryIndex, default_directory
from exigent.verification.history import InMemoryHistory, PastRequest, RequestHistory
from exigent.verification.schemas import AssessmentRead, SignalRead
from exigent.verification.scoring import (
    Weights,
    default_weights,
    score,
    verification_required,
)

Check = Callable[[Context], list[Finding]]

CHECKS: tuple[Check, ...] = (
    identity_signals.domain_signals,
    identity_signals.email_signals,
    agency_signals.agency_signals,
    contact_signals.callback_signals,
    content_signals.legal_signals,
    content_signals.pressure_signals,
    content_signals.facts_signals,
    content_signals.scope_signals,
    history_signals.requester_signals,
    history_signals.velocity_signals,
    history_signals.template_signals,
)


@dataclass
class Assessor:
    """Assesses records against one directory index and one weights table."""

    directory: DirectoryIndex = field(default_factory=default_directory)
    weights: Weights = field(default_factory=default_weights)

    def context(self, record: IntakeRecord, history: RequestHistory) -> Context:
        return Context(record=record, directory=self.directory, history=history)

    def assess(self, record: IntakeRecord, history: RequestHistory) -> AssessmentRead:
        """The assessment of one record, seeing `history` as everything received before it."""
        return self.assess_context(self.context(record, history))

    def assess_context(self, ctx: Context) -> AssessmentRead:
        findings = [finding for check in CHECKS for finding in check(ctx)]
        total, scored = score(findings, self.weights)
        # Built without re-validation: every value here was produced by this module.
        return AssessmentRead.model_construct(
            id=ctx.record.id,
            risk_score=total,
            risk_level=self.weights.level(total),
            verification_required=verification_required(total, scored, self.weights),
            signals=[
                SignalRead.model_construct(code=s.code, weight=s.weight, detail=s.detail)
                for s in scored
            ],
        )


def past_request(ctx: Context, fallback_id: str) -> PastRequest:
    """What history keeps of an assessed record."""
    record = ctx.record
    return PastRequest(
        request_id=record.id or fallback_id,
        received_at=record.received_at,
        requester_email=ctx.requester_email,
        requester_name=record.requester.name,
        agency_domain=ctx.domain,
        case_number=record.case_number,
        targets=ctx.targets,
        sending_ip=record.email.received_ip if record.email else None,
    )


def assess_in_arrival_order(
    records: Sequence[IntakeRecord],
    *,
    assessor: Assessor | None = None,
    history: InMemoryHistory | None = None,
) -> list[AssessmentRead]:
    """Assess in order of `received_at`, each seeing the earlier ones; results in input order."""
    assessor = assessor or Assessor()
    history = history if history is not None else InMemoryHistory()
    order = sorted(range(len(records)), key=lambda index: records[index].received_at)
    results: list[AssessmentRead | None] = [None] * len(records)
    for index in order:
        ctx = assessor.context(records[index], history)
        results[index] = assessor.assess_context(ctx)
        history.add(past_request(ctx, f"record-{index + 1}"), ctx.fingerprint)
    return [result for result in results if result is not None]
