"""`exigent demo`: a believable team's database, from real agencies and invented people."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.progress import Progress
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor, record_event
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.cases import service
from exigent.cases.models import Request, Requester, Target, TrustStatus
from exigent.cases.requesters import requester_id_for_email
from exigent.cases.schemas import IntakeRecord
from exigent.config import get_settings
from exigent.db import make_engine, make_session_factory
from exigent.demo import texts
from exigent.demo.media import attach_demo_media, seed_exposure
from exigent.directory.models import Agency, AgencyDomain
from exigent.directory.service import import_directory
from exigent.files import FileStore
from exigent.intake import intake
from exigent.legal import decisions
from exigent.legal.checks import latest_check
from exigent.legal.decisions import ItemDraft
from exigent.legal.models import Outcome
from exigent.legal.policy import default_policy
from exigent.migrate import upgrade
from exigent.officers.service import DEMO_TOTP_SECRET, attach_demo_account
from exigent.platform_data.seed import seed_platform_store
from exigent.verification.models import CallbackOutcome
from exigent.verification.service import CallbackResult, create_callback, record_outcome
from exigent.workflow.approval import approval_checks, approval_guard
from exigent.workflow.judging import AFTER_JUDGING

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
KIND_WEIGHTS = {
    "emergency": 30,
    "subpoena": 25,
    "court_order": 10,
    "search_warrant": 12,
    "preservation": 12,
    "preservation_extension": 3,
    "consent": 3,
    "real_time": 2,
    "other": 3,
}
LIVE_CASES = 300
# Where a live case has got to, and how often; each path follows the lifecycle's moves.
PATHS: list[tuple[list[str], int]] = [
    ([], 20),
    (["triaged"], 15),
    (["triaged", "verifying"], 15),
    (["triaged", "verifying", "under_review"], 15),
    (["triaged", "verifying", "under_review", "awaiting_approval"], 10),
    (["triaged", "need_info"], 5),
    (
        [
            "triaged",
            "verifying",
            "under_review",
            "awaiting_approval",
            "approved",
            "producing",
            "delivered",
            "closed",
        ],
        12,
    ),
    (["triaged", "preserved"], 4),
    (["triaged", "rejected"], 4),
]

# Demo cases are approved through the same checks as real ones.
APPROVAL = approval_guard(approval_checks())


def demo_password(handle: str) -> str:
    return f"{handle}-demo-2026"


def seed_demo(
    *,
    scale: int = 0,
    reset: bool = False,
    seed: int = 7,
    platform_accounts: int = 300,
    platform_records: int = 400,
) -> list[str]:
    """Migrate, seed what is missing, add `scale` historical cases; return the login lines."""
    settings = get_settings()
    if settings.environment == "production":
        raise SystemExit("refusing to seed demo data into a production database")
    url = settings.database_url
    if reset:
        _reset(url)
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    rng = random.Random(seed)
    with factory() as session:
        if session.execute(select(func.count()).select_from(Agency)).scalar_one() == 0:
            counts = import_directory(session, actor=SEEDER)
            session.commit()
            print(f"directory: {counts['agencies']} agencies, {counts['domains']} domains")
        if session.execute(select(User).where(User.email == f"lead@{DEMO_DOMAIN}")).first() is None:
            _seed_people_and_cases(session, rng)
            session.commit()
    if scale:
        seed_history(factory, scale, rng)
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.platform_store}{suffix}").unlink(missing_ok=True)
    # The platform's own (synthetic) user data, so approved demo cases have data to produce.

    print(
        seed_platform_store(
            settings,
            factory,
            accounts=platform_accounts,
            records_per_account=platform_records,
        )
    )
    return login_lines()


def login_lines() -> list[str]:
    accounts = [(str(role), handle) for role, handle, _, _ in STAFF] + [("officer", "officer")]
    lines = [
        f"{role:<11}{handle + '@' + DEMO_DOMAIN:<26}password {demo_password(handle)}"
        for role, handle in accounts
    ]
    lines[-1] += f"   (law-enforcement portal; authenticator key {DEMO_TOTP_SECRET})"
    return lines


def _reset(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _seed_people_and_cases(session: Session, rng: random.Random) -> None:
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
    agencies = _agencies_with_domains(session, rng, 60)
    _place_demo_officer(session, officer, agencies)
    now = datetime.now(UTC)
    with Progress(transient=True) as progress:
        task = progress.add_task("demo cases", total=LIVE_CASES)
        for number in range(LIVE_CASES):
            record = _live_record(rng, agencies, now, number)
            submitter = officer if record.received_via == "portal" else staff["analyst"]
            case, _ = intake.intake(
                session,
                user=submitter,
                record=record,
                raw=record.model_dump_json(by_alias=True),
                policy=default_policy(),
                now=record.received_at,
            )
            _advance(session, rng, case, staff, record.received_at, now)
            progress.advance(task)
    media = attach_demo_media(
        session, user=staff["analyst"], store=FileStore(get_settings().file_store)
    )
    team = [staff[h] for h in ("analyst", "analyst2", "lead", "legal")]
    seed_exposure(session, rng, team, media)


def _place_demo_officer(
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


def _agencies_with_domains(
    session: Session, rng: random.Random, count: int
) -> list[tuple[str, str, str]]:
    rows = (
        session.execute(
            select(Agency.name, Agency.state, AgencyDomain.domain)
            .join(AgencyDomain, AgencyDomain.agency_id == Agency.id)
            .where(AgencyDomain.source == "homepage")
            .order_by(AgencyDomain.id)
            .limit(2000)
        )
        .tuples()
        .all()
    )
    return [(n, s or "", d) for n, s, d in rng.sample(list(rows), min(count, len(rows)))]


def _live_record(
    rng: random.Random, agencies: list[tuple[str, str, str]], now: datetime, number: int
) -> IntakeRecord:
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    agency, state, domain = rng.choice(agencies)
    first, last, title = texts.person(rng)
    # Emergencies are hours old at most; process arrives over the past weeks.
    age = (
        timedelta(minutes=rng.randint(1, 90))
        if kind == "emergency"
        else timedelta(hours=rng.randint(1, 24 * 20))
    )
    received = (now - age).astimezone(UTC)
    record: dict[str, Any] = {
        "id": f"DEMO-{number:05d}",
        "kind": kind,
        "received_via": rng.choice(["portal", "portal", "api", "email", "phone"]),
        "received_at": received.isoformat(),
        "requester": {
            "name": f"{first} {last}",
            "title": title,
            "badge_number": str(rng.randint(100, 9999)),
            "email": f"{first[0].lower()}{last.lower()}@{domain}",
            "phone": f"+1{rng.randint(201, 989)}555{rng.randint(1000, 9999)}",
            "agency_name": agency,
            "agency_country": "US",
            "agency_state": state,
            "supervisor_name": f"Lt. {rng.choice(texts.LAST)}",
            "is_government": True,
        },
        "case_number": f"{received:%y}-{rng.randint(10000, 99999)}",
        "targets": [
            {"identifier_type": "username", "value": texts.username(rng)}
            for _ in range(rng.choice([1, 1, 1, 2]))
        ],
        "data_requested": _categories(rng, kind),
        "legal_authority": texts.AUTHORITY[kind],
    }
    if kind == "emergency":
        nature = rng.choice(list(texts.FACTS))
        record["emergency"] = {
            "nature": nature,
            "facts": texts.facts(rng, nature, f"{received:%H:%M}"),
            "persons_at_risk": "1",
            "why_no_legal_process": "There is no time for process.",
            "how_data_helps": rng.choice(texts.HOW_HELPS),
        }
        record["attestation"] = {"signed": True, "signed_at": received.isoformat()}
    else:
        record["offense"] = rng.choice(texts.OFFENSES[kind])
        start = (received - timedelta(days=rng.randint(30, 365))).date()
        record["date_range"] = {"start": start.isoformat(), "end": received.date().isoformat()}
        record["documents"] = [
            {
                "sha256": f"{rng.getrandbits(256):064x}",
                "filename": f"{kind}-{record['case_number']}.pdf",
                "media_type": "application/pdf",
            }
        ]
    return IntakeRecord.model_validate(record)


def _categories(rng: random.Random, kind: str) -> list[str]:
    if kind == "subpoena":
        return ["subscriber_info"]
    if kind == "emergency":
        return rng.sample(["subscriber_info", "account_activity", "location"], 2)
    pool = [
        "subscriber_info",
        "account_activity",
        "connections",
        "message_metadata",
        "location",
        "content",
    ]
    return rng.sample(pool, rng.randint(1, 4))


def _advance(
    session: Session,
    rng: random.Random,
    case: Request,
    staff: dict[str, User],
    received: datetime,
    now: datetime,
) -> None:
    # Older cases have mostly been worked; a few stale ones show what a breach looks like.
    paths = PATHS if now - received < timedelta(days=2) or rng.random() < 0.1 else PATHS[3:]
    path = rng.choices([p for p, _ in paths], weights=[w for _, w in paths])[0]
    moments = sorted(received + (now - received) * rng.random() for _ in path)
    if path and rng.random() < 0.8:
        service.assign(
            session,
            user=staff["lead"],
            request_id=case.id,
            assignee_id=staff[rng.choice(["analyst", "analyst2"])].id,
            now=moments[0],
        )
    for status, moment in zip(path, moments, strict=True):
        # Submitting the analyst's decision is what moves a case to awaiting approval.
        if status == "awaiting_approval":
            if not _decide(session, case, staff, moment):
                return
            continue
        user = staff["lead"] if status == "approved" else staff["analyst"]
        reason = "Demo: " + status.replace("_", " ")
        service.transition(
            session,
            user=user,
            request_id=case.id,
            to=status,
            reason=reason,
            now=moment,
            guard=APPROVAL,
        )


def _decide(session: Session, case: Request, staff: dict[str, User], moment: datetime) -> bool:
    """The analyst's submitted decision, so the lead has something to approve."""
    check = latest_check(session, case.id)
    session.expire(case, ["targets"])
    requester = case.requester
    may_disclose = requester is not None and requester.status in (
        TrustStatus.unverified,
        TrustStatus.verified,
    )
    items = [
        ItemDraft(
            target_id=target.id,
            category=category,
            outcome=Outcome.disclose
            if may_disclose and ruling == "permitted"
            else Outcome.withhold,
            reason="Demo: within the scope of the request",
        )
        for target in case.targets
        for category, ruling in (check.categories if check else {}).items()
    ]
    if not items:
        return False
    if any(i.outcome is Outcome.disclose for i in items):
        _confirm_by_callback(session, case, staff["analyst"], moment)
    analyst = staff["analyst"]
    rationale = "Demo: good-faith belief of danger of death or serious physical injury."
    decisions.draft(
        session,
        user=analyst,
        request_id=case.id,
        rationale=rationale,
        emergency_attested=True,
        items=items,
        now=moment,
        after_judging=AFTER_JUDGING,
    )
    decisions.submit(session, user=analyst, request_id=case.id, now=moment)
    return True


def _confirm_by_callback(session: Session, case: Request, analyst: User, moment: datetime) -> None:
    """Verify as the team does: call the agency's published number and have it confirmed."""
    if case.agency_id is None:
        return
    agency = session.get(Agency, case.agency_id)
    if agency is None:
        return
    if not agency.verified_phone:
        agency.verified_phone = f"+1{(agency.id * 7919) % 800 + 200}5550{agency.id % 100:02d}"
        agency.phone_source = "agency website (demo)"
    callback = create_callback(session, user=analyst, request_id=case.id, now=moment)
    result = CallbackResult(
        outcome=CallbackOutcome.confirmed,
        answered_by="Desk sergeant",
        supervisor_confirmed=True,
        notes="Demo: officer and supervisor confirmed the request.",
    )
    record_outcome(session, user=analyst, callback_id=callback.id, result=result, now=moment)


HISTORY_BATCH = 5000


def seed_history(
    factory: sessionmaker[Session], count: int, rng: random.Random, *, open_cases: int = 0
) -> None:
    """Add `count` closed historical cases in bulk (no per-row audit: one event records it)."""
    with factory() as session:
        requester_ids = list(session.execute(text("SELECT id FROM requesters")).scalars())
        agency_ids = [
            agency_id
            for agency_id in session.execute(select(AgencyDomain.agency_id).limit(5000)).scalars()
            if agency_id is not None
        ]
        start_id = (session.execute(select(func.max(Request.id))).scalar() or 0) + 1
        session.rollback()
    now = datetime.now(UTC)
    with Progress() as progress:
        task = progress.add_task("historical cases", total=count)
        for offset in range(0, count, HISTORY_BATCH):
            size = min(HISTORY_BATCH, count - offset)
            requests, targets = _history_batch(
                rng, start_id + offset, size, now, requester_ids, agency_ids
            )
            _reopen_tail(requests, count - open_cases - offset, now, rng)
            with factory() as session:
                session.execute(insert(Request), requests)
                session.execute(insert(Target), targets)
                session.commit()
            progress.advance(task, size)
    with factory() as session:
        _advance_sequences(session)
        record_event(
            session,
            actor=SEEDER,
            action="demo.history",
            object_type="request",
            detail={"count": count, "first_id": start_id},
        )
        session.commit()


def _history_batch(
    rng: random.Random,
    first_id: int,
    size: int,
    now: datetime,
    requester_ids: list[int],
    agency_ids: list[int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    policy = default_policy()
    requests, targets = [], []
    for request_id in range(first_id, first_id + size):
        kind = rng.choices(kinds, weights=weights)[0]
        received = now - timedelta(days=30 + rng.random() * 1065)
        priority = policy.priorities[kind]
        sla = policy.sla[priority]
        decided = received + timedelta(minutes=rng.randint(5, 60 * 24 * 5))
        user = texts.username(rng)
        record = {
            "kind": kind,
            "received_via": "portal",
            "received_at": received.isoformat(),
            "targets": [{"identifier_type": "username", "value": user}],
        }
        requests.append(
            {
                "id": request_id,
                "submission_digest": f"{request_id:064x}",
                "kind": kind,
                "received_via": "portal",
                "received_at": received,
                "received_offset_minutes": 0,
                "status": "closed",
                "priority": priority,
                "requester_id": rng.choice(requester_ids) if requester_ids else None,
                "agency_id": rng.choice(agency_ids) if agency_ids else None,
                "record": record,
                "raw_submission": json.dumps(record),
                "needs_completion": False,
                "acknowledge_due_at": sla.acknowledge.due_from(received),
                "decide_due_at": sla.decide.due_from(received),
                "acknowledged_at": decided,
                "decided_at": decided,
                "closed_at": decided + timedelta(days=1),
                "created_at": received,
                "updated_at": decided,
                "version": 1,
            }
        )
        targets.append(
            {"request_id": request_id, "position": 0, "identifier_type": "username", "value": user}
        )
    return requests, targets


def _reopen_tail(
    requests: list[dict[str, Any]], first_open: int, now: datetime, rng: random.Random
) -> None:
    """Make the batch's rows from index `first_open` on into open, recent cases (a backlog)."""
    for row in requests[max(first_open, 0) :]:
        received = now - timedelta(hours=rng.randint(1, 24 * 14))
        row.update(
            status=rng.choice(["triaged", "verifying", "under_review"]),
            received_at=received,
            acknowledged_at=received,
            decided_at=None,
            closed_at=None,
            decide_due_at=received + timedelta(days=rng.randint(1, 14)),
        )


def _advance_sequences(session: Session) -> None:
    """Explicit ids do not move PostgreSQL's sequences; move them past the highest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("requests", "targets"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
