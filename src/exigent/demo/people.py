"""The demo's people: the team's staff accounts and an officer with a verified portal account,
and the lines that tell someone trying the demo how to sign in as each of them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.cases.models import Requester
from exigent.cases.requesters import requester_id_for_email
from exigent.config import get_settings
from exigent.directory.models import AgencyDomain
from exigent.officers.demo import DEMO_TOTP_SECRET, attach_demo_account

SEEDER = Actor.system("demo-seed")
DEMO_DOMAIN = "exigent.demo"
STAFF = [
    (Role.analyst, "analyst", "Alex Moreno", "America/New_York"),
    (Role.analyst, "analyst2", "Sam Okoye", "Europe/Dublin"),
    (Role.lead, "lead", "Jamie Chen", "America/Los_Angeles"),
    (Role.legal, "legal", "Robin Adler", "America/New_York"),
    (Role.leadership, "leadership", "Morgan Price", "America/New_York"),
    (Role.scheduler, "scheduler", "Kim Larsen", "Europe/Dublin"),
    (Role.auditor, "auditor", "Pat Quinn", "UTC"),
    (Role.admin, "admin", "Chris Vega", "UTC"),
]


def demo_password(handle: str) -> str:
    return f"{handle}-demo-2026"


def login_lines() -> list[str]:
    accounts = [(str(role), handle) for role, handle, _, _ in STAFF] + [("officer", "officer")]
    lines = [
        f"{role:<11}{handle + '@' + DEMO_DOMAIN:<26}password {demo_password(handle)}"
        for role, handle in accounts
    ]
    lines[-1] += f"   (law-enforcement portal; authenticator key {DEMO_TOTP_SECRET})"
    return lines


def seed_people(session: Session) -> tuple[dict[str, User], User]:
    """The staff accounts by handle, and the officer."""
    staff = {
        handle: create_user(
            session,
            actor=SEEDER,
            email=f"{handle}@{DEMO_DOMAIN}",
            name=name,
            role=role,
            password=demo_password(handle),
            timezone=zone,
            us_data_cleared=True,
        )
        for role, handle, name, zone in STAFF
    }
    officer = create_user(
        session,
        actor=SEEDER,
        email=f"officer@{DEMO_DOMAIN}",
        name="Officer Dana Whitfield",
        role=Role.requester,
        password=demo_password("officer"),
        requester_id=requester_id_for_email(session, f"officer@{DEMO_DOMAIN}", datetime.now(UTC)),
    )
    attach_demo_account(
        session,
        user=officer,
        agency_name="Springfield Police Department",
        secret_key=get_settings().secret_key,
        now=datetime.now(UTC),
    )
    return staff, officer


def place_demo_officer(
    session: Session, officer: User, agencies: list[tuple[str, str, str]]
) -> None:
    """The demo officer's account was verified by staff: their requester belongs to an agency
    of the directory, which is whom callbacks about their cases go to."""
    if not agencies or officer.requester_id is None:
        return
    _, _, domain = agencies[0]
    agency_id = session.execute(
        select(AgencyDomain.agency_id).where(AgencyDomain.domain == domain)
    ).scalar_one()
    requester = session.get(Requester, officer.requester_id)
    if requester is not None:
        requester.agency_id = agency_id
        session.flush()
