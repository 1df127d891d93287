"""Paging: how fast a new emergency reaches the first person, how late escalations fire, and
whether 1,000 pages due together with one channel failing all go out, none twice.

For each database (SQLite with the worker inside the process, as `exigent serve` runs it;
PostgreSQL with two `exigent worker` processes woken by LISTEN/NOTIFY):
1. 200 emergencies go through intake one by one (one commit each); a local webhook receiver
   on 127.0.0.1 notes when the first page for each arrives: p50 and p99 of commit -> received.
2. Level 1 times out after a minute: the second level's steps fire; p99 of fired minus due.
3. 1,000 pages opened in one transaction, due at once; the first person's webhook answers 503
   (retried with backoff, then the next level): every page is delivered to someone, and no
   person gets one page twice in one step.
Usage: uv run python bench/paging.py [--emergencies 200] [--burst 1000] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.cases.schemas import IntakeRecord
from exigent.config import Settings
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.deadlines import Deadline, Worker
from exigent.intake.intake import intake
from exigent.legal.versions import current_policy
from exigent.migrate import upgrade
from exigent.oncall.models import (
    Alert,
    ChannelKind,
    ContactMethod,
    DeliveryAttempt,
    EscalationPolicy,
)
from exigent.oncall.paging import open_page
from exigent.oncall.policies import ensure_defaults
from exigent.staffing.models import Shift
from exigent.workflow.events import wire_events
from exigent.workflow.jobs import deadline_handlers
from factories import emergency_record
from oncall.receiver import Receiver, webhook_receiver

PG_ADMIN = os.environ.get(
    "EXIGENT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BENCH = Actor.system("bench")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _world(factory: sessionmaker[Session], receiver: Receiver) -> User:
    """An emergency analyst and a lead on shift; the officer who sends the emergencies."""
    now = utcnow()
    with factory() as session:
        ensure_defaults(session, now=now)
        policy = session.scalars(
            select(EscalationPolicy).where(EscalationPolicy.name == "Emergencies")
        ).one()
        policy.levels[0].timeout_minutes = 1
        for handle, skills, role in (
            ("ana", ["emergency"], Role.analyst),
            ("lee", ["lead"], Role.lead),
        ):
            user = create_user(
                session,
                actor=BENCH,
                email=f"{handle}@bench.test",
                name=handle.title(),
                role=role,
                password="bench-password-1234",
            )
            session.add(
                Shift(
                    user_id=user.id,
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(hours=8),
                    skills=skills,
                )
            )
            session.add(
                ContactMethod(
                    user_id=user.id,
                    kind=ChannelKind.webhook,
                    label="hook",
                    target=receiver.url(f"/{handle}"),
                    secret="s",
                    position=0,
                )
            )
        officer = create_user(
            session,
            actor=BENCH,
            email="officer@bench.test",
            name="Officer",
            role=Role.requester,
            password="bench-password-1234",
        )
        session.commit()
        session.expunge(officer)
        return officer


def _first_pages(
    factory: sessionmaker[Session], receiver: Receiver, officer: User, count: int
) -> list[float]:
    """Commit -> received (s) for each emergency's first page."""
    committed: dict[str, float] = {}
    with factory() as session:
        policy = current_policy(session).policy
        user = session.get(User, officer.id)
        assert user is not None
        session.commit()
        for _ in range(count):
            record = emergency_record(received_at=utcnow().isoformat())
            case, _created = intake(
                session,
                user=user,
                record=IntakeRecord.model_validate(record),
                raw=json.dumps(record),
                policy=policy,
            )
            reference = case.reference
            session.commit()
            committed[reference] = time.monotonic()
            time.sleep(0.02)
    waited = time.monotonic() + 120
    while len(receiver.at("/ana")) < count and time.monotonic() < waited:
        time.sleep(0.1)
    took = []
    for received in receiver.at("/ana"):
        for reference, at in committed.items():
            if reference in received.body.get("subject", ""):
                took.append(received.at - at)
                break
    return took


def _escalation_error(factory: sessionmaker[Session], expected: int) -> list[float]:
    """Fired minus due (s) of every second-level step, once they have all fired."""
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        with factory() as session:
            rows = session.scalars(
                select(Deadline).where(
                    Deadline.kind == "oncall_step", Deadline.fired_at.is_not(None)
                )
            ).all()
            second = [d for d in rows if int(d.data.get("step", 0)) == 2 and d.outcome == "fired"]
            if len(second) >= expected:
                return [(d.fired_at - d.due_at).total_seconds() for d in second if d.fired_at]
        time.sleep(2)
    return []


def _burst(factory: sessionmaker[Session], receiver: Receiver, count: int) -> dict[str, int]:
    with factory() as session:
        session.execute(update(Alert).values(status="resolved", open_key=None))
        for method in session.scalars(
            select(ContactMethod).where(ContactMethod.target.like("%/ana"))
        ):
            method.target = receiver.failing("/ana-down", 503)
        session.commit()
        now = utcnow()
        for i in range(count):
            open_page(
                session,
                trigger="p0_new",
                summary=f"Burst page {i}",
                request_id=None,
                severity="critical",
                dedup_key=f"burst:{i}",
                now=now,
            )
        session.commit()
        first = session.scalar(select(func.min(Alert.id)).where(Alert.dedup_key.like("burst:%")))
    deadline = time.monotonic() + 240
    result: dict[str, int] = {}
    while time.monotonic() < deadline:
        with factory() as session:
            attempts = session.execute(
                select(
                    DeliveryAttempt.alert_id,
                    DeliveryAttempt.user_id,
                    DeliveryAttempt.step,
                    DeliveryAttempt.delivered,
                ).where(DeliveryAttempt.alert_id >= first)
            ).all()
        delivered = {a for a, _, _, ok in attempts if ok}
        twice = Counter((a, u, s) for a, u, s, ok in attempts if ok)
        result = {
            "pages": count,
            "delivered": len(delivered),
            "failed_attempts": sum(1 for *_, ok in attempts if not ok),
            "delivered_twice": sum(1 for n in twice.values() if n > 1),
        }
        if len(delivered) >= count:
            break
        time.sleep(2)
    return result


def _run(label: str, url: str, settings: Settings, args: argparse.Namespace, workers: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    wire_events()
    with webhook_receiver() as receiver:
        officer = _world(factory, receiver)
        processes: list[subprocess.Popen[bytes]] = []
        worker: Worker | None = None
        if workers:
            env = {
                **os.environ,
                "EXIGENT_DATABASE_URL": url,
                "EXIGENT_WORKER_POLL_SECONDS": "5",
                "EXIGENT_ONCALL_WEBHOOK_HOSTS": "[]",
            }
            exigent = str(Path(sys.executable).parent / "exigent")
            processes = [
                subprocess.Popen(
                    [exigent, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
                )
                for _ in range(workers)
            ]
            # Measure from a running start: each worker says so once its imports are done.
            for process in processes:
                assert process.stdout is not None
                process.stdout.readline()
            time.sleep(2)  # and its LISTEN connection is open
        else:
            worker = Worker(factory, deadline_handlers(), 5.0, settings)
            worker.start_in_background()
        try:
            took = _first_pages(factory, receiver, officer, args.emergencies)
            if args.verbose:
                print(" ".join(f"{t * 1000:.0f}" for t in took))
            print(
                f"{label}: P0 committed -> first page received, {len(took)} of {args.emergencies}: "
                f"p50 {_ms(statistics.median(took))}, p99 {_ms(_pct(took, 0.99))}, "
                f"max {_ms(max(took))}"
            )
            errors = _escalation_error(factory, args.emergencies)
            if errors:
                print(
                    f"{label}: escalation timing error (fired - due), {len(errors)} level-2 steps: "
                    f"p50 {_ms(statistics.median(errors))}, p99 {_ms(_pct(errors, 0.99))}"
                )
            burst = _burst(factory, receiver, args.burst)
            print(
                f"{label}: {args.burst} pages due at once, the first person's webhook failing: "
                f"{burst}"
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=20)
            if worker is not None:
                worker.stop()
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emergencies", type=int, default=200)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="every latency, in order")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/paging.db"
            settings = Settings(database_url=url, file_store=Path(folder) / "files")
            _run("SQLite, embedded worker", url, settings, args, workers=0)
    if args.skip_postgres:
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "exigent_bench_paging" WITH (FORCE)'))
        connection.execute(text('CREATE DATABASE "exigent_bench_paging"'))
    url = (
        make_url(PG_ADMIN)
        .set(database="exigent_bench_paging")
        .render_as_string(hide_password=False)
    )
    try:
        _run(
            "PostgreSQL, two exigent worker processes",
            url,
            Settings(database_url=url),
            args,
            workers=2,
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "exigent_bench_paging" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
