"""A case as the API shows it, built from its row."""

from __future__ import annotations

from exigent.cases.lifecycle import allowed_next
from exigent.cases.models import Request as Case
from exigent.cases.schemas import RequestRead, RequestSummary, TargetRead


def summary(case: Case) -> RequestSummary:
    return RequestSummary.model_validate(case, from_attributes=True)


def read_model(case: Case, targets: list[TargetRead] | None = None) -> RequestRead:
    """The case as the API shows it; `targets` spares a query when the caller has them."""
    if targets is None:
        targets = [
            TargetRead(identifier_type=t.identifier_type, value=t.value) for t in case.targets
        ]
    return RequestRead(
        **summary(case).model_dump(),
        requester_id=case.requester_id,
        agency_id=case.agency_id,
        allowed_transitions=[str(s) for s in allowed_next(case.status)],
        targets=targets,
        record=case.record,
        needs_completion=case.needs_completion,
        policy_version=case.policy_version,
        coppa=bool(case.coppa),
    )
