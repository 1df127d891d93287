"""A case from an agency the directory lacks: found or added from the case, linked, scored
again, called back on the directory's number and verified; each step audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exigent.audit.models import AuditEvent
from exigent.auth.models import User
from exigent.cases.models import Request, TimelineEvent, TrustStatus, format_reference
from exigent.directory import numbers
from exigent.directory.models import Agency, AgencyPhone, MarkSubject, VerificationMark
from exigent.directory.schemas import AgencyDetails, DomainCreate, PhoneCreate
from exigent.directory.service import add_domain
from exigent.errors import BadInput, Conflict, Forbidden
from exigent.verification import linking
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import history_lock, shared_history
from exigent.verification.models import CallbackOutcome, RiskAssessment
from exigent.verification.service import (
    CallbackResult,
    create_callback,
    record_outcome,
    verification_status,
)
from legal.flows import create_case

LIST_NUMBER = "+12175557000"


def details(**changes: Any) -> AgencyDetails:
    values = {
        "name": "Lakeshore Regional Drug Task Force",
        "agency_type": "Task force",
        "country": "US",
        "state": "IL",
        "ori": None,
        "homepage_url": "https://lakeshoretf.example.org",
        "notes": None,
    }
    return AgencyDetails.model_validate({**values, **changes})


def phone(number: str = "(217) 555-7000", **changes: Any) -> PhoneCreate:
    return PhoneCreate.model_validate(
        {
            "number": number,
            "source_kind": "directory",
            "source": "Illinois POST agency list, looked up by the analyst",
            **changes,
        }
    )


def staff(session: Session, account: Any) -> User:
    user = session.get(User, account.user.id)
    assert user is not None
    return user


def fbi_agency(session: Session, **changes: Any) -> Agency:
    agency = Agency(
        name="Springfield Police Department",
        agency_type="City",
        country="US",
        state="IL",
        ori="IL0840200",
        source="fbi",
        **changes,
    )
    session.add(agency)
    session.flush()
    return agency


def actions(session: Session) -> list[str]:
    return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def timeline(session: Session, case_id: int) -> dict[str, str]:
    rows = session.execute(
        select(TimelineEvent.kind, TimelineEvent.body).where(TimelineEvent.request_id == case_id)
    )
    return {kind: body or "" for kind, body in rows}


def test_linking_a_found_agency_relinks_the_case_and_scores_it_again(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    with factory() as session:
        assert session.get(Request, case["id"]).agency_id is None
        agency = fbi_agency(session)
        linked = linking.link_agency(
            session, user=staff(session, analyst), request_id=case["id"], agency_id=agency.id
        )
        session.commit()
        assert linked.risk_before is not None
        assert linked.risk_after.id != linked.risk_before.id
        assert session.get(Request, case["id"]).agency_id == agency.id
        scored = session.execute(
            select(func.count()).where(RiskAssessment.request_id == case["id"])
        ).scalar_one()
        assert scored == 2
        entries = timeline(session, case["id"])
        assert "Springfield Police Department (IL, US, ORI IL0840200)" in entries["agency_linked"]
        assert "it has no callback number yet" in entries["agency_linked"]
        assert entries["risk_assessed"].startswith("Risk assessed again (linked to Springfield")
        assert {"request.agency_link", "verification.reassess"} <= set(actions(session))
        mark = session.execute(
            select(VerificationMark).where(
                VerificationMark.subject_type == MarkSubject.request_agency
            )
        ).scalar_one()
        assert (mark.subject_id, mark.status) == (case["id"], str(agency.id))


def test_every_process_history_moves_a_relinked_case(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    reference = format_reference(case["id"])
    with factory() as session:
        with history_lock():
            before = shared_history(session, directory_for(session))
            assert before._agency_of[reference] is None
        agency = fbi_agency(session)
        linking.link_agency(
            session, user=staff(session, analyst), request_id=case["id"], agency_id=agency.id
        )
        session.commit()
        with history_lock():
            after = shared_history(session, directory_for(session))
        assert after._agency_of[reference] == agency.id
        assert reference in after._by_agency_id[agency.id]


def test_an_agency_added_from_the_case_is_called_back_and_verifies_it(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    with factory() as session:
        user = staff(session, analyst)
        linked = linking.add_agency(
            session, user=user, request_id=case["id"], details=details(), phone=phone()
        )
        session.commit()
        agency = linked.agency
        assert agency.verified_phone == LIST_NUMBER
        assert agency.phone_source == (
            "official directory or list: Illinois POST agency list, looked up by the analyst"
        )
        row = session.execute(select(AgencyPhone)).scalar_one()
        assert (row.request_id, row.added_by_id) == (case["id"], user.id)
        assert verification_status(session, session.get(Request, case["id"]))[0] is False

        callback = create_callback(session, user=user, request_id=case["id"])
        assert callback.number_dialled == LIST_NUMBER  # not the request's +12175550143
        result = CallbackResult(
            outcome=CallbackOutcome.confirmed,
            answered_by="Sgt. Alvarez, task force desk",
            supervisor_confirmed=True,
            notes=None,
        )
        record_outcome(session, user=user, callback_id=callback.id, result=result)
        session.commit()
        passed, why = verification_status(session, session.get(Request, case["id"]))
        assert passed, why
        assert "+12175557000 (official directory or list" in why
        done = actions(session)
        for action in (
            "directory.agency_create",
            "directory.phone_add",
            "directory.callback_number",
            "request.agency_link",
            "verification.reassess",
        ):
            assert action in done


@pytest.mark.parametrize(
    ("number", "whose"),
    [("+1 217 555 0143", "the requester's"), ("217-555-0100", "the supervisor's")],
)
def test_a_number_the_request_gave_is_refused(client, analyst, factory, number, whose) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    with factory() as session:
        with pytest.raises(BadInput) as refused:
            linking.add_agency(
                session,
                user=staff(session, analyst),
                request_id=case["id"],
                details=details(),
                phone=phone(number),
            )
        assert refused.value.detail["field"] == "number"
        assert f"is {whose} number as given in the request" in refused.value.message
        session.rollback()
        assert session.execute(select(func.count()).select_from(Agency)).scalar_one() == 0


def test_the_agency_is_settled_once_a_callback_is_open_or_answered(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    with factory() as session:
        user = staff(session, analyst)
        linking.add_agency(
            session, user=user, request_id=case["id"], details=details(), phone=phone()
        )
        other = fbi_agency(session)
        callback = create_callback(session, user=user, request_id=case["id"])
        session.commit()
        with pytest.raises(Conflict, match="is open; record its outcome"):
            linking.link_agency(session, user=user, request_id=case["id"], agency_id=other.id)
        session.rollback()
        result = CallbackResult(CallbackOutcome.denied, "Desk sergeant", False, None)
        record_outcome(session, user=user, callback_id=callback.id, result=result)
        session.commit()
        with pytest.raises(Conflict, match="already denied the request"):
            linking.link_agency(session, user=user, request_id=case["id"], agency_id=other.id)


def test_a_barred_agency_cannot_be_linked(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    with factory() as session:
        agency = fbi_agency(session, status=TrustStatus.fraudulent)
        session.commit()
        with pytest.raises(Conflict, match="is marked fraudulent"):
            linking.link_agency(
                session, user=staff(session, analyst), request_id=case["id"], agency_id=agency.id
            )


def test_assessing_again_sees_a_domain_a_lead_added(client, analyst, lead, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    with factory() as session:
        agency = fbi_agency(session)
        first = linking.link_agency(
            session, user=staff(session, analyst), request_id=case["id"], agency_id=agency.id
        )
        assert {"domain_unlisted", "domain_unlisted_known_agency"} & {
            s["code"] for s in first.risk_after.signals
        }
        data = DomainCreate(
            domain="springfieldpd.org", agency_id=agency.id, source_note="city's contact page"
        )
        add_domain(session, user=staff(session, lead), data=data)
        session.commit()
        again = linking.reassess(session, user=staff(session, analyst), request_id=case["id"])
        session.commit()
        assert not {"domain_unlisted", "domain_unlisted_known_agency"} & {
            s["code"] for s in again.signals
        }
        assert again.score < first.risk_after.score


def test_an_analyst_adds_a_first_number_but_never_replaces_one(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    with factory() as session:
        user = staff(session, analyst)
        agency = fbi_agency(session)
        linking.link_agency(session, user=user, request_id=case["id"], agency_id=agency.id)
        added = linking.add_number(session, user=user, request_id=case["id"], phone=phone())
        session.commit()
        assert session.get(Agency, agency.id).verified_phone == added.number == LIST_NUMBER
        assert (
            "callback number +12175557000 added" in timeline(session, case["id"])["agency_number"]
        )
        with pytest.raises(Conflict, match="a lead changes it"):
            linking.add_number(
                session, user=user, request_id=case["id"], phone=phone("+12175557999")
            )
        session.rollback()
        with pytest.raises(Forbidden):
            numbers.add_phone(session, user=user, agency_id=agency.id, data=phone("+12175557999"))
