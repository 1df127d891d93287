"""`exigent demo`: a believable team's database, from real agencies and invented people.

The parts are seeded by their own modules: the people (`people`), the live cases worked
through the lifecycle (`cases`, from the records of `records`), bulk history (`history`),
media and exposure (`media`).
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from exigent.analytics.facts_cli import backfill_facts
from exigent.analytics.upkeep import install as keep_facts_current
from exigent.auth.models import User
from exigent.config import get_settings
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.demo.audit_trail import seed_audit_trail, verify_demo_chain
from exigent.demo.briefs import seed_briefs
from exigent.demo.cases import seed_live_cases
from exigent.demo.clocks import settle_past_clocks
from exigent.demo.contacts import seed_contacts
from exigent.demo.cybertipline import seed_cybertipline
from exigent.demo.drafts import seed_draft
from exigent.demo.eu_orders import seed_eu_orders
from exigent.demo.gaps import seed_gap_cases
from exigent.demo.history import DEFAULT_HISTORY, seed_history
from exigent.demo.media import attach_demo_media, seed_exposure
from exigent.demo.paging import seed_paging
from exigent.demo.people import DEMO_DOMAIN, SEEDER, login_lines, place_demo_officer, seed_people
from exigent.demo.records import LIVE_DAYS, agencies_with_domains
from exigent.demo.referral_decisions import seed_referral_decisions, send_demo_referrals
from exigent.demo.referrals import seed_referrals
from exigent.demo.roster import seed_roster
from exigent.demo.surges import seed_surge
from exigent.demo.unlisted import seed_unlisted_cases
from exigent.demo.workload import seed_workload
from exigent.directory.models import Agency
from exigent.directory.service import import_directory
from exigent.files import FileStore
from exigent.migrate import upgrade
from exigent.platform_data.seed import seed_platform_store


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
    backfill_facts(url)
    keep_facts_current()
    factory = make_session_factory(make_engine(url))
    rng = random.Random(seed)
    with factory() as session:
        if session.execute(select(func.count()).select_from(Agency)).scalar_one() == 0:
            counts = import_directory(session, actor=SEEDER)
            session.commit()
            print(f"directory: {counts['agencies']} agencies, {counts['domains']} domains")
        fresh = (
            session.execute(select(User).where(User.email == f"lead@{DEMO_DOMAIN}")).first() is None
        )
        if fresh:
            _seed_people_and_cases(session, rng)
            session.commit()
    seed_draft(factory)
    if scale or fresh:
        # Months of history by default, so dashboards and reports have something to show.
        # The default history ends where the live cases begin; a larger one runs up to today.
        ending = timedelta(0) if scale else timedelta(days=LIVE_DAYS)
        seed_history(factory, scale or DEFAULT_HISTORY, rng, ending=ending)
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
    # After the store, so the mistyped target stays unknown to the platform.
    seed_gap_cases(factory, settings, f"analyst@{DEMO_DOMAIN}", f"officer@{DEMO_DOMAIN}")
    seed_cybertipline(factory, settings, f"analyst@{DEMO_DOMAIN}", utcnow())
    send_demo_referrals(factory, settings, f"lead@{DEMO_DOMAIN}")
    seed_eu_orders(factory, settings, f"analyst@{DEMO_DOMAIN}", f"lead@{DEMO_DOMAIN}", utcnow())
    seed_surge(factory, f"officer@{DEMO_DOMAIN}", utcnow())
    verify_demo_chain(factory, f"auditor@{DEMO_DOMAIN}")
    return login_lines()


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
    staff, officer = seed_people(session)
    agencies = agencies_with_domains(session, rng, 60)
    place_demo_officer(session, officer, agencies)
    seed_live_cases(session, rng, staff, officer, agencies)
    seed_unlisted_cases(session, staff)
    seed_referrals(session, staff, FileStore(get_settings().file_store), utcnow())
    seed_referral_decisions(session, staff, officer)
    settle_past_clocks(session, utcnow())
    media = attach_demo_media(
        session, user=staff["analyst"], store=FileStore(get_settings().file_store)
    )
    team = [staff[h] for h in ("analyst", "analyst2", "lead", "legal")]
    seed_exposure(session, rng, team, media)
    seed_audit_trail(session, rng, staff)
    seed_roster(session, staff, utcnow())
    seed_contacts(session, utcnow())
    seed_briefs(session, staff, utcnow())
    seed_paging(session, staff, utcnow())
    seed_workload(session, staff, media, utcnow())
