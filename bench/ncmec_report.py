"""Escalation received -> CyberTipline report finished, against a local CyberTipline.

For each database (SQLite, and a scratch PostgreSQL database on 127.0.0.1:5432), with the real
deadline worker running in the process as `exigent serve` runs it and the local fake
CyberTipline of the tests on 127.0.0.1 (it validates every document against the XSD):
`--reports` child-exploitation escalations arrive one after another, the next `--interval`
seconds after the previous one was filed (the rate reached is printed); each is written
as a referral case (intake, the referral row, one captured file) and committed, and its
report is filed at once (the analyst's confirmation is taken as given: human steps excluded),
which preserves the reported account for a year. The worker then opens the report, uploads
the file, sends its details and finishes it. Measured per report: escalation committed ->
the filing's finish recorded. Prints p50, p99 and max seconds, and checks that every report
finished exactly once at the fake.
Usage: uv run python bench/ncmec_report.py [--reports 200] [--interval 0.5] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).parent))

from _server import drop_database, fresh_database

from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.config import Settings
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.deadlines import Worker
from exigent.demo.cybertipline import Media, demo_image, write_referral
from exigent.files import FileStore
from exigent.migrate import upgrade
from exigent.platform_data.generate import generate_one
from exigent.platform_data.registry import open_adapter
from exigent.referrals.cybertipline.models import CyberTiplineFiling, FilingStatus, IncidentKind
from exigent.referrals.cybertipline.service import Confirmation, file_report
from exigent.referrals.models import ContentKind, HarmType, Referral, ReferralContent
from exigent.workflow.jobs import deadline_handlers
from fake_cybertipline import PASSWORD, USERNAME, FakeCyberTipline


def _analyst(factory: sessionmaker[Session]) -> User:
    with factory() as session:
        user = create_user(
            session,
            actor=Actor.system("bench"),
            email="bench.analyst@exigent.bench",
            name="Bench Analyst",
            role=Role.analyst,
        )
        session.commit()
        session.expunge(user)
        return user


def _escalate(
    factory: sessionmaker[Session], settings: Settings, analyst: User, n: int
) -> tuple[int, datetime]:
    """One escalation written and committed; its case id and the moment it was committed."""
    with factory() as session:
        case, _ = write_referral(
            session,
            user=session.get(User, analyst.id),  # type: ignore[arg-type]
            harm_type=HarmType.child_sexual_exploitation,
            targets=[("username", f"bench.user.{n % 20}")],
            summary="Bench escalation.",
            now=utcnow(),
            store=FileStore(settings.file_store),
            media=[Media(f"capture-{n}.jpg", demo_image(f"bench-{n}"))],
            age_years=13,
        )
        session.commit()
        return case.id, utcnow()


def _file(factory: sessionmaker[Session], settings: Settings, analyst: User, case_id: int) -> int:
    with factory() as session:
        media = tuple(
            session.execute(
                select(ReferralContent.id)
                .join(Referral, Referral.id == ReferralContent.referral_id)
                .where(Referral.request_id == case_id, ReferralContent.kind == ContentKind.media)
            ).scalars()
        )
    with open_adapter(settings) as adapter:
        return file_report(
            factory,
            user=analyst,
            request_id=case_id,
            confirmation=Confirmation(
                incident_type=IncidentKind.online_enticement,
                incident_at=utcnow() - timedelta(hours=1),
                victim={"age": 13},
                content_ids=media,
            ),
            settings=settings,
            adapter=adapter,
        )


def _wait_finished(factory: sessionmaker[Session], expected: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with factory() as session:
            done = session.execute(
                select(func.count())
                .select_from(CyberTiplineFiling)
                .where(CyberTiplineFiling.status != FilingStatus.in_progress)
            ).scalar_one()
        if done >= expected:
            return
        time.sleep(0.2)
    raise RuntimeError(f"only some of {expected} reports finished within {limit:.0f} s")


def run(backend: str, reports: int, interval: float, workdir: Path) -> dict[str, float]:
    url = fresh_database(backend, workdir)
    store = workdir / f"platform-{backend}.db"
    for n in range(20):
        generate_one(store, username=f"bench.user.{n}", records=200, days=30, seed=n)
    try:
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with FakeCyberTipline() as ncmec:
            settings = Settings(
                database_url=url,
                file_store=workdir / f"files-{backend}",
                platform_store=store,
                ncmec_api_url=ncmec.url,
                ncmec_username=USERNAME,
                ncmec_password=SecretStr(PASSWORD),
                ncmec_timeout_seconds=10,
            )
            analyst = _analyst(factory)
            worker = Worker(factory, deadline_handlers(), poll_seconds=1.0, settings=settings)
            worker.listen(url)
            worker.start_in_background()
            received: dict[int, datetime] = {}
            started = time.monotonic()
            try:
                for n in range(reports):
                    case_id, at = _escalate(factory, settings, analyst, n)
                    filing_id = _file(factory, settings, analyst, case_id)
                    received[filing_id] = at
                    time.sleep(interval)
                arrivals = reports / (time.monotonic() - started)
                _wait_finished(factory, reports, limit=600)
            finally:
                worker.stop()
            with factory() as session:
                finished = dict(
                    session.execute(
                        select(CyberTiplineFiling.id, CyberTiplineFiling.finished_at).where(
                            CyberTiplineFiling.status == FilingStatus.finished
                        )
                    ).all()
                )
            assert len(finished) == reports, f"{reports - len(finished)} reports did not finish"
            assert len(ncmec.finished()) == reports, "a report was finished twice or not at all"
            assert ncmec.rejected == [], ncmec.rejected[:3]
        engine.dispose()
    finally:
        drop_database(url)
    seconds = sorted((finished[i].astimezone(UTC) - received[i]).total_seconds() for i in received)
    return {
        "p50": statistics.median(seconds),
        "p99": seconds[max(0, round(0.99 * len(seconds)) - 1)],
        "max": seconds[-1],
        "per_second": arrivals,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite"] if args.skip_postgres else ["sqlite", "postgresql"]
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            figures = run(backend, args.reports, args.interval, Path(tmp))
            print(
                f"{backend:10} {args.reports} reports ({figures['per_second']:.2f} escalations/s), "
                "escalation committed -> report finished: "
                f"p50 {figures['p50']:.3f} s, p99 {figures['p99']:.3f} s, "
                f"max {figures['max']:.3f} s"
            )


if __name__ == "__main__":
    main()
