"""Demo emergencies the directory cannot place, so a newcomer can walk the path that verifies
them: a task force the directory lacks (add it with a number found independently), and a
city police department writing from a domain no directory lists (find it and link it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases import service
from exigent.cases.schemas import IntakeRecord
from exigent.intake import intake
from exigent.legal.policy import default_policy

GUIDE = (
    "Demo: intake could not link this case to an agency of the directory, so it cannot be "
    "called back, verified or approved yet. In the Verification panel, {step}, then open a "
    "callback task on the directory's number. Any valid number stands in for the one you "
    "would look up (for example +1 312 555 0199); never the number in the request."
)


def _record(number: int, received: datetime, requester: dict[str, Any], **extra: Any) -> Any:
    record: dict[str, Any] = {
        "id": f"DEMO-UNLISTED-{number}",
        "kind": "emergency",
        "received_via": "email",
        "received_at": received.isoformat(),
        "requester": {"agency_country": "US", "is_government": True, **requester},
        "targets": [{"identifier_type": "username", "value": extra.pop("target")}],
        "data_requested": ["subscriber_info", "location"],
        "legal_authority": "18 U.S.C. 2702(b)(8), 2702(c)(4)",
        "attestation": {"signed": True, "signed_at": received.isoformat()},
        **extra,
    }
    return IntakeRecord.model_validate(record)


def _task_force(received: datetime) -> IntakeRecord:
    return _record(
        1,
        received,
        {
            "name": "Marta Kowalski",
            "title": "Special Agent",
            "badge_number": "TF-218",
            "email": "m.kowalski@lakeshoretf.org",
            "phone": "+13125550143",
            "agency_name": "Lakeshore Regional Drug Task Force",
            "agency_state": "IL",
            "supervisor_name": "Cmdr. Ray Dutton",
            "supervisor_phone": "+13125550144",
        },
        case_number="LRDTF-26-0412",
        target="lakeside.rider.09",
        emergency={
            "nature": "kidnapping",
            "facts": (
                "A 16-year-old was forced into a car outside a bus station at 21:10; the "
                "suspect used this account to arrange the meeting an hour before."
            ),
            "persons_at_risk": "One minor, 16",
            "why_no_legal_process": "The child is missing now; a warrant takes hours.",
            "how_data_helps": "Recent sign-in locations show where the suspect's phone is.",
        },
    )


def _city_police(received: datetime) -> IntakeRecord:
    return _record(
        2,
        received,
        {
            "name": "Luis Ortega",
            "title": "Detective",
            "badge_number": "5120",
            "email": "lortega@springfieldpolice.net",
            "phone": "+14135550187",
            "agency_name": "Springfield Police Department",
            "agency_state": "MA",
            "supervisor_name": "Sgt. Ellen Brooks",
            "supervisor_phone": "+14135550188",
        },
        case_number="26-118734",
        target="quiet.harbor.22",
        emergency={
            "nature": "suicide_self_harm",
            "facts": (
                "The user messaged a friend a goodbye and a photo of a bridge railing at "
                "22:30; the friend called 911 and we cannot find the user."
            ),
            "persons_at_risk": "The account holder, about 20",
            "why_no_legal_process": "The risk is immediate.",
            "how_data_helps": "The last sign-in IP may show where the user is.",
        },
    )


def seed_unlisted_cases(session: Session, staff: dict[str, User]) -> None:
    """Both cases, triaged and assigned to the first analyst, with a note on what to do."""
    now = datetime.now(UTC)
    cases = [
        (_task_force(now - timedelta(minutes=18)), "add the task force with its number"),
        (
            _city_police(now - timedelta(minutes=41)),
            "find the department in Massachusetts, link it and add its number",
        ),
    ]
    analyst = staff["analyst"]
    for record, step in cases:
        case, _ = intake.intake(
            session,
            user=analyst,
            record=record,
            raw=record.model_dump_json(by_alias=True),
            policy=default_policy(),
            now=record.received_at,
        )
        at = record.received_at + timedelta(minutes=3)
        service.assign(
            session, user=staff["lead"], request_id=case.id, assignee_id=analyst.id, now=at
        )
        service.transition(
            session, user=analyst, request_id=case.id, to="triaged", reason="Demo", now=at
        )
        service.add_note(
            session,
            user=analyst,
            request_id=case.id,
            body=GUIDE.format(step=step),
            visible_to_requester=False,
            now=at,
        )
