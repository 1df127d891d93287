"""The recipients of a referral case: proposed from its facts and the platform's positions,
chosen, withdrawn or picked by hand on the case's panel, each step audited and on the timeline."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.cases.models import Request, TimelineEvent
from exigent.cases.schemas import RequestKind
from exigent.config import Settings
from exigent.directory.models import Agency
from exigent.errors import BadInput
from exigent.platform_data.adapter import Account, Availability, Dataset, Row
from exigent.referrals.models import (
    HarmType,
    RaisedVia,
    RecipientKind,
    RecipientStatus,
    Referral,
    ReferralCall,
    ReferralRecipient,
)
from exigent.referrals.recipients import propose_recipients
from legal.flows import create_case

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """No platform store: the panel's proposals stand on the referral's own facts."""
    return settings.model_copy(update={"platform_store": tmp_path / "no-platform.db"})


class PlatformStub:
    """The platform's side of the seam: one account with a location history."""

    name = "stub"

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.asked: list[tuple[str, str]] = []

    def datasets(self) -> Sequence[Dataset]:
        return ()

    def find_account(self, identifier_type: str, value: str) -> Account | None:
        self.asked.append((identifier_type, value))
        return Account("42", value, None, "2020-01-01T00:00:00Z")

    def availability(self, account: Account, categories: Sequence[str]) -> list[Availability]:
        return []

    def stream(self, account: Account, dataset: str, **_: Any) -> Iterator[Row]:
        assert dataset == "locations"
        yield from self.rows

    def close(self) -> None:
        pass


def _referral_case(client: Any, factory: Any, analyst: Any, **facts: Any) -> tuple[int, int]:
    case = create_case(client, analyst)
    with factory() as session:
        request = session.get(Request, case["id"])
        request.kind = RequestKind.referral
        referral = Referral(
            request_id=case["id"],
            harm_type=facts.pop("harm_type", HarmType.violent_threat),
            imminent=True,
            raised_via=RaisedVia.console,
            reporting_team="Trust & Safety",
            summary="Post says they will hurt someone tonight",
            location=facts.pop("location", {}),
            **facts,
        )
        session.add(referral)
        session.add(
            Agency(
                name="Springfield Police Department",
                ori="IL0840200",
                state="IL",
                source="fbi",
                verified_phone="+12175550100",
                phone_source="the department's own website",
            )
        )
        session.commit()
        return case["id"], referral.id


def test_proposal_uses_the_freshest_platform_position_and_the_directory_number(
    client: Any, factory: Any, analyst: Any
) -> None:
    case_id, referral_id = _referral_case(client, factory, analyst)
    stub = PlatformStub(
        [
            ("2026-12-01T08:00:00Z", 39.65, -89.45, 10, "gps"),
            ("2026-12-06T10:00:00Z", 39.7817, -89.6501, 5000, "ip"),
        ]
    )
    with factory() as session:
        referral = session.get(Referral, referral_id)
        rows = propose_recipients(session, referral, stub, NOW)
        session.commit()
        assert stub.asked  # the case's target was looked up on the platform
        first = rows[0]
        assert (first.name, first.rank, first.status) == (
            "Springfield Police Department",
            1,
            RecipientStatus.proposed,
        )
        assert first.phone == "+12175550100" and first.agency_id is not None
        assert first.reasons[0] == "Last login IP area Springfield, IL (2026-12-06 10:00 UTC)"
        assert "Phone +12175550100 from the department's own website" in first.reasons
        # The sheriff is not in this directory: no number is made up for it.
        assert rows[1].phone is None
        assert "Not in our directory yet" in rows[1].reasons[-1]
        timeline = session.execute(
            select(TimelineEvent.body).where(TimelineEvent.request_id == case_id)
        ).scalars()
        assert any(b and b.startswith("Recipients proposed: 1. Springfield") for b in timeline)
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        assert "referral.recipients_proposed" in actions


def test_proposing_again_replaces_proposals_but_keeps_the_chosen_one(
    client: Any, factory: Any, analyst: Any
) -> None:
    _, referral_id = _referral_case(
        client, factory, analyst, location={"latitude": 39.7817, "longitude": -89.6501}
    )
    with factory() as session:
        referral = session.get(Referral, referral_id)
        rows = propose_recipients(session, referral, None, NOW)
        rows[0].status = RecipientStatus.chosen
        session.commit()
        referral.location = {}
        propose_recipients(session, referral, None, NOW + timedelta(minutes=5))
        session.commit()
        left = session.execute(
            select(ReferralRecipient.kind, ReferralRecipient.status).where(
                ReferralRecipient.referral_id == referral_id
            )
        ).all()
        assert sorted(left) == [
            (RecipientKind.ntoc, RecipientStatus.proposed),
            (RecipientKind.police, RecipientStatus.chosen),
        ]


def test_an_unknown_member_state_stops_the_proposal_naming_the_field(
    client: Any, factory: Any, analyst: Any
) -> None:
    _, referral_id = _referral_case(client, factory, analyst, victim_country="QQ")
    with factory() as session:
        referral = session.get(Referral, referral_id)
        with pytest.raises(BadInput, match=r"^victim_country: 'QQ' is not a known Member State"):
            propose_recipients(session, referral, None, NOW)


def _form(page: str, action: str) -> bool:
    return f'action="{action}"' in page


def test_the_panel_proposes_chooses_withdraws_and_adds_another(
    client: Any, factory: Any, make_account: Any
) -> None:
    analyst = make_account(Role.analyst)
    case_id, referral_id = _referral_case(
        client,
        factory,
        analyst,
        location={"latitude": 39.7817, "longitude": -89.6501, "seen_at": "2026-12-06T11:00:00Z"},
    )
    csrf = sign_in(client, analyst.user.email)
    base = f"/console/cases/{case_id}/referral/recipients"
    empty = client.get(base)
    assert empty.status_code == 200 and "No recipients proposed yet" in empty.text

    page = client.post(base + "/propose", data={"csrf_token": csrf}).text
    assert "data-done" in page and "Springfield Police Department" in page
    assert "Location given in the referral near Springfield, IL" in page
    assert "+12175550100" in page and "km</dd>" in page
    assert "Platform location history unavailable: the demo platform store" in page
    ids = [int(i) for i in re.findall(r'data-recipient="(\d+)"', page)]
    assert _form(page, f"{base}/{ids[0]}/choose")

    chosen = client.post(f"{base}/{ids[0]}/choose", data={"csrf_token": csrf}).text
    assert "Chosen: Springfield Police Department." in chosen
    assert f"by {analyst.user.name}" in chosen
    again = client.post(f"{base}/{ids[0]}/choose", data={"csrf_token": csrf}).text
    assert "is chosen, not proposed: it cannot be chosen (409)" in again

    withdrawn = client.post(f"{base}/{ids[1]}/withdraw", data={"csrf_token": csrf}).text
    assert "Withdrawn:" in withdrawn and f'data-withdrawn="{ids[1]}"' in withdrawn

    found = client.get(base + "/search", params={"q": "Springfield", "state": "IL"}).text
    assert "data-search-results" in found
    with factory() as session:
        agency_id = session.execute(select(Agency.id).where(Agency.ori == "IL0840200")).scalar_one()
    dup = client.post(base + "/agency", data={"csrf_token": csrf, "agency_id": str(agency_id)})
    assert "is already on the list (chosen) (422)" in dup.text

    bad = client.post(base + "/other", data={"csrf_token": csrf, "name": "Garda", "phone": "abc"})
    assert "phone: digits, spaces" in bad.text
    added = client.post(
        base + "/other",
        data={
            "csrf_token": csrf,
            "name": "Garda National Cyber Crime Bureau",
            "phone": "+353 1 666 0000",
            "email": "",
        },
    ).text
    assert "Chosen: Garda National Cyber Crime Bureau (entered by hand)." in added
    assert '<span class="badge">Other authority</span>' in added
    assert '<span class="badge">Police</span>' in added

    with factory() as session:
        rows = session.execute(
            select(ReferralRecipient).where(ReferralRecipient.referral_id == referral_id)
        ).scalars()
        by_status = {(r.kind, r.status) for r in rows}
        assert (RecipientKind.other, RecipientStatus.chosen) in by_status
        assert (RecipientKind.police, RecipientStatus.withdrawn) in by_status
        bodies = (
            session.execute(select(TimelineEvent.body).where(TimelineEvent.request_id == case_id))
            .scalars()
            .all()
        )
        assert "Recipient chosen: Springfield Police Department" in bodies
        assert "Recipient chosen: Garda National Cyber Crime Bureau" in bodies
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        for action in (
            "referral.recipients_proposed",
            "referral.recipient_chosen",
            "referral.recipient_withdrawn",
            "referral.recipient_added",
        ):
            assert action in actions


def test_the_panel_names_kinds_in_words_under_the_case_page_heading(
    client: Any, factory: Any, make_account: Any
) -> None:
    analyst = make_account(Role.analyst)
    case_id, _ = _referral_case(client, factory, analyst, offence_country="FR")
    csrf = sign_in(client, analyst.user.email)
    base = f"/console/cases/{case_id}/referral/recipients"
    page = client.post(base + "/propose", data={"csrf_token": csrf}).text
    assert '<span class="badge">EU Member State</span>' in page
    assert '<span class="badge">Proposed</span>' in page
    assert "Eu member state" not in page and ">proposed<" not in page
    # The case page's section says "Who to tell" once; the panel adds no heading of its own.
    assert "Who to tell" not in page and "<h3" not in page.split("data-recipient")[0]
    case_page = client.get(f"/console/cases/{case_id}").text
    assert case_page.count("Who to tell") == 1


def test_a_case_without_referral_facts_says_so(client: Any, make_account: Any) -> None:
    analyst = make_account(Role.analyst)
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}/referral/recipients")
    assert page.status_code == 200 and "data-no-referral" in page.text


def test_roles_without_the_permission_are_refused(client: Any, make_account: Any) -> None:
    analyst = make_account(Role.analyst)
    case = create_case(client, analyst)
    auditor = make_account(Role.auditor)
    sign_in(client, auditor.user.email)
    page = client.get(f"/console/cases/{case['id']}/referral/recipients")
    assert page.status_code == 403


def test_a_proposal_a_call_was_logged_against_is_withdrawn_not_dropped(
    client: Any, factory: Any, analyst: Any
) -> None:
    _, referral_id = _referral_case(
        client, factory, analyst, location={"latitude": 39.7817, "longitude": -89.6501}
    )
    with factory() as session:
        referral = session.get(Referral, referral_id)
        first = propose_recipients(session, referral, None, NOW)[0]
        session.add(
            ReferralCall(
                recipient_id=first.id,
                called_at=NOW,
                number="+12175550100",
                summary="Dispatcher took the details",
                logged_by_id=analyst.user.id,
            )
        )
        session.commit()
        propose_recipients(session, referral, None, NOW + timedelta(minutes=1))
        session.commit()
        kept = session.get(ReferralRecipient, first.id)
        assert kept is not None and kept.status is RecipientStatus.withdrawn
