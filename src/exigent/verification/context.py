"""What every signal check reads: the record, its derived facts, the directory and history."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from exigent.cases.schemas import IntakeRecord
from exigent.verification.auth import AuthResults, parse_authentication_results
from exigent.verification.directory_index import DirectoryIndex, DomainFacts
from exigent.verification.domains import email_address, email_domain
from exigent.verification.history import RequestHistory, normalise_target
from exigent.verification.text import TextFingerprint, fingerprint

US_TERRITORIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})


@dataclass(frozen=True, slots=True)
class Finding:
    """A signal that fired: its code (weight comes from the weights table) and why."""

    code: str
    detail: str


@dataclass
class Context:
    """One record under assessment with everything the checks need, computed once."""

    record: IntakeRecord
    directory: DirectoryIndex
    history: RequestHistory

    @cached_property
    def requester_email(self) -> str | None:
        return email_address(self.record.requester.email)

    @cached_property
    def domain(self) -> str | None:
        return email_domain(self.record.requester.email)

    @cached_property
    def domain_facts(self) -> DomainFacts | None:
        return self.directory.facts(self.domain) if self.domain else None

    @cached_property
    def country(self) -> str:
        return (self.record.requester.agency_country or "US").upper()

    @cached_property
    def is_us(self) -> bool:
        return self.country in US_TERRITORIES

    @cached_property
    def state(self) -> str | None:
        state = self.record.requester.agency_state
        return state.strip().upper() if state and state.strip() else None

    @cached_property
    def auth(self) -> AuthResults:
        headers = self.record.email
        return parse_authentication_results(headers.authentication_results if headers else None)

    @cached_property
    def targets(self) -> frozenset[str]:
        return frozenset(normalise_target(target.value) for target in self.record.targets)

    @cached_property
    def narrative(self) -> str:
        """The free text an officer wrote, as one lower-case string."""
        emergency = self.record.emergency
        parts = [self.record.legal_authority, self.record.offense]
        if emergency is not None:
            parts += [
                emergency.facts,
                emergency.persons_at_risk,
                emergency.why_no_legal_process,
                emergency.how_data_helps,
            ]
        return "\n".join(part for part in parts if part).lower()

    @cached_property
    def facts_text(self) -> str:
        emergency = self.record.emergency
        return (emergency.facts or "") if emergency else ""

    @cached_property
    def fingerprint(self) -> TextFingerprint:
        emergency = self.record.emergency
        texts = (
            [emergency.facts, emergency.how_data_helps, emergency.why_no_legal_process]
            if (emergency)
            else [self.record.legal_authority, self.record.offense]
        )
        return fingerprint(texts, (target.value for target in self.record.targets))
