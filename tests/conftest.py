"""Fixtures: every database test runs once on SQLite and once on a real PostgreSQL server.

The schema is built by the real migrations once per test process; each test then starts from
empty tables (SQLite: a fresh copy of a migrated file; PostgreSQL: TRUNCATE), so tests are
independent and run in parallel under xdist, each worker with its own database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from exigent.app import create_app
from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user, issue_api_token
from exigent.cases.requesters import requester_id_for_email
from exigent.config import Settings
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.migrate import upgrade
from exigent.models import Base
from mail_relay import MailRelay

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "correct horse battery staple"


def _worker() -> str:
    """This process's database suffix: unique per run, so two runs at once never collide."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
    return f"{run}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin_url = os.environ.get("EXIGENT_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"exigent_test_{_worker()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - a broken environment, said plainly
        raise RuntimeError(
            f"PostgreSQL is not reachable at {admin_url}: start it (scripts/test does) or set "
            "EXIGENT_TEST_POSTGRES_URL"
        ) from exc
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "exigent.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    yield url


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(
            text(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}')")
        )
    engine.dispose()


@pytest.fixture(scope="session")
def _mail_relay() -> Iterator[MailRelay]:
    relay = MailRelay()
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def mailbox(_mail_relay: MailRelay) -> MailRelay:
    """The local SMTP relay every test's settings point at, emptied for this test."""
    _mail_relay.clear()
    return _mail_relay


@pytest.fixture
def settings(database_url: str, tmp_path: Path, _mail_relay: MailRelay) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        file_store=tmp_path / "files",
        # Never the developer's demo store in ./var: a test sees the platform a clean clone sees.
        platform_store=tmp_path / "platform.db",
        max_upload_bytes=1024 * 1024,
        embedded_worker=False,
        smtp_port=_mail_relay.port,
        # Pages never leave the machine: no real chat host is allowed, and PagerDuty events
        # go to a loopback port nothing listens on unless a test points them at a fake.
        oncall_webhook_hosts=[".allowed.test"],
        pagerduty_events_url="http://127.0.0.1:9/v2/enqueue",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


@dataclass
class Account:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_account(factory: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    def make(role: Role, email: str | None = None) -> Account:
        with factory() as session:
            user = create_user(
                session,
                actor=Actor.system("tests"),
                email=email or f"{role}@example.test",
                name=f"Test {role}",
                role=role,
                password=PASSWORD,
                # An officer made here is vouched for, as an administrator's would be.
                requester_id=(
                    requester_id_for_email(session, email or f"{role}@example.test", utcnow())
                    if role == Role.requester
                    else None
                ),
            )
            token = issue_api_token(session, actor=Actor.system("tests"), user=user, name="t")
            session.commit()
            session.refresh(user)
            session.expunge(user)
            return Account(user=user, token=token)

    return make


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, run_worker=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def analyst(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account(Role.analyst)  # type: ignore[no-any-return]


@pytest.fixture
def lead(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account(Role.lead)  # type: ignore[no-any-return]


@pytest.fixture
def officer(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account(Role.requester, "officer@police.example.gov")  # type: ignore[no-any-return]
