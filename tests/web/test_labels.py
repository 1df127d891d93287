"""People read words, never the stored names: every enum has a label, and the main pages show
no snake_case value or field path in their visible text."""

from __future__ import annotations

import re
from enum import StrEnum
from html.parser import HTMLParser

import pytest

from console.helpers import sign_in
from exigent.auth.accounts import DomainStanding, TokenPurpose
from exigent.auth.models import Door, Proof, Role
from exigent.cases.eu_certificate import AuthorityRole, DeadlineSection, EpocCategory
from exigent.cases.lifecycle import RejectionReason, Status
from exigent.cases.models import Priority, TrustStatus
from exigent.cases.schemas import (
    DataCategory,
    EmergencyNature,
    IdentifierType,
    ReceivedVia,
    RequestKind,
)
from exigent.directory.models import MarkSubject, PhoneSource
from exigent.eu_orders.models import ClockStatus, MessageKind, MessageStatus, Obstacle, OrderStatus
from exigent.legal.cases import PLAIN_WORDS
from exigent.legal.models import ApprovalKind, DecisionStatus, Outcome
from exigent.legal.policy import Route
from exigent.legal.schemas import CategoryRuling, ObligationKind
from exigent.notice.models import NoticeStatus
from exigent.notice.schemas import NoticeAction
from exigent.production.models import DownloadOutcome, HoldStatus, ProductionStatus
from exigent.referrals.models import Outcome as ReferralOutcome
from exigent.referrals.models import RecipientKind, RecipientStatus
from exigent.verification.history import VerificationOutcome
from exigent.verification.lookalike import LookalikeKind
from exigent.verification.models import CallbackOutcome
from exigent.verification.scoring import RiskLevel
from exigent.web.labels import FIELDS, LABELS, action_label, label
from legal.flows import create_case
from portal.conftest import sign_up
from portal.test_requests import case_id, emergency_form, submit

SHOWN_ENUMS: tuple[type[StrEnum], ...] = (
    Status,
    RejectionReason,
    RequestKind,
    ReceivedVia,
    EmergencyNature,
    IdentifierType,
    DataCategory,
    Priority,
    TrustStatus,
    DomainStanding,
    TokenPurpose,
    Role,
    Door,
    Proof,
    CategoryRuling,
    ObligationKind,
    Route,
    DecisionStatus,
    Outcome,
    ApprovalKind,
    ProductionStatus,
    DownloadOutcome,
    HoldStatus,
    PhoneSource,
    MarkSubject,
    NoticeAction,
    NoticeStatus,
    VerificationOutcome,
    RiskLevel,
    CallbackOutcome,
    LookalikeKind,
    RecipientKind,
    RecipientStatus,
    ReferralOutcome,
    AuthorityRole,
    DeadlineSection,
    EpocCategory,
    OrderStatus,
    ClockStatus,
    Obstacle,
    MessageKind,
    MessageStatus,
)
RAW = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+_[a-z_]+\b")


@pytest.mark.parametrize("enum", SHOWN_ENUMS, ids=lambda e: e.__name__)
def test_every_value_people_see_has_words_of_its_own(enum: type[StrEnum]) -> None:
    for member in enum:
        assert member.value in LABELS, f"{enum.__name__}.{member.name} has no label"
        assert not RAW.search(label(member)), label(member)
        assert label(member)[:1].isupper()


def test_a_referral_recipient_reads_as_the_authority_it_is() -> None:
    assert label(RecipientKind.eu_member_state) == "EU Member State"
    assert label(RecipientKind.ntoc) == "FBI NTOC"
    assert label(RecipientKind.ncmec) == "NCMEC"
    assert label(RecipientKind.other) == "Other authority"
    # The same stored word of another enum keeps its own words.
    assert label(RequestKind.other) == "Other"
    assert label(RecipientStatus.proposed) == "Proposed"


def test_every_field_an_officer_is_asked_for_has_a_name() -> None:
    for path in PLAIN_WORDS:
        assert path in FIELDS, path
    assert label("attestation.signed") == "Signed attestation"


def test_audit_actions_read_as_words() -> None:
    assert action_label("request.create") == "Case: create"
    assert action_label("decision.approve.refused") == "Decision: approve (refused)"
    assert not RAW.search(action_label("request.update_record"))


# Not read as the page's words: code, and a textarea holding a document being edited.
HIDDEN = ("script", "style", "template", "textarea")


class _VisibleText(HTMLParser):
    """The text a person reads: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def raw_names(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    return set(RAW.findall(" ".join(parser.parts)))


def test_console_pages_show_no_raw_names(client, analyst, make_account) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    for path in ("/console", f"/console/cases/{case['id']}", "/console/find?q=EXG", "/wellbeing"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not raw_names(page.text), f"{path}: {sorted(raw_names(page.text))}"


def test_policy_pages_show_no_raw_names(client, make_account) -> None:  # type: ignore[no-untyped-def]
    legal = make_account(Role.legal)
    sign_in(client, legal.user.email)
    for path in ("/console/policy", "/console/policy/edit"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not raw_names(page.text), f"{path}: {sorted(raw_names(page.text))}"


def test_portal_pages_show_no_raw_names(client, mailbox) -> None:  # type: ignore[no-untyped-def]
    sign_up(client, mailbox)
    number = case_id(submit(client, "emergency", emergency_form(case_number="")))
    for path in ("/portal/home", f"/portal/requests/{number}", "/portal/requests/new/emergency"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not raw_names(page.text), f"{path}: {sorted(raw_names(page.text))}"
