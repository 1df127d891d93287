"""An outage drill: a real server under intake load while its PostgreSQL stops and starts.

`run_drill` starts a throwaway cluster, migrates it, serves Exigent on it as `exigent serve`
does, keeps a few clients submitting emergencies over keep-alive connections and a probe
polling /api/v1/health, stops PostgreSQL for a while, starts it again, and returns every
answer, every health reading, what the server logged meanwhile and which cases the database
holds afterwards. tests/test_database_outage.py checks the result; bench/outage.py prints it.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text

from exigent.audit.service import Actor
from exigent.auth.models import Role
from exigent.auth.service import create_user, issue_api_token
from exigent.cases.models import Request
from exigent.db import make_engine, make_session_factory
from exigent.migrate import upgrade
from factories import emergency_record
from net import free_port
from pg_cluster import ThrowawayPostgres

EXIGENT = Path(sys.executable).parent / "exigent"
INTAKE = "/api/v1/requests"
HEALTH = "/api/v1/health"
# uvicorn's access log lines; everything else the server says is counted.
ACCESS_LINE = re.compile(r'^INFO: +\S+ - "')
# A client waits no longer than this after a 503, so that its idle connection is not the one
# the server's keep-alive timeout (5 s) closes.
LONGEST_WAIT = 2.0


@dataclass(frozen=True)
class Answer:
    client: int
    at: float
    status: int
    retry_after: str | None
    connection: str | None  # the response's Connection header ("close" would end it)
    local_address: Any  # the client's end of the TCP connection that carried it
    case_id: int | None


@dataclass(frozen=True)
class Reading:
    at: float
    status: int
    database: str | None


@dataclass
class DrillResult:
    down_at: float = 0.0
    up_at: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    health: list[Reading] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    stored_ids: set[int] = field(default_factory=set)

    def count(self, predicate: Callable[[Answer], bool]) -> int:
        return sum(1 for answer in self.answers if predicate(answer))

    @property
    def acknowledged(self) -> set[int]:
        return {a.case_id for a in self.answers if a.status in (200, 201) and a.case_id}

    def moved_after_503(self) -> list[Answer]:
        """503s whose client's next request went over another connection."""
        moved = []
        for client in {a.client for a in self.answers}:
            mine = [a for a in self.answers if a.client == client]
            for answer, following in itertools.pairwise(mine):
                if answer.status == 503 and following.local_address != answer.local_address:
                    moved.append(answer)
        return moved

    def outage_lines(self) -> list[str]:
        return [line for line in self.log_lines if "database" in line.lower()]


def run_drill(
    *,
    outage_seconds: float,
    clients: int = 4,
    before_seconds: float = 2.0,
    after_seconds: float = 4.0,
    report: Callable[[str], None] = lambda _: None,
) -> DrillResult:
    """Load, stop PostgreSQL for `outage_seconds`, start it, load on; see the module doc."""
    postgres = ThrowawayPostgres()
    work = Path(tempfile.mkdtemp(prefix="exigent-drill-"))
    try:
        postgres.start()
        url = _database(postgres.admin_url)
        report("migrating the throwaway cluster")
        token = _migrated_with_token(url)
        result = DrillResult()
        with _Server(url, work) as server:
            _drive(
                server,
                token,
                postgres,
                result,
                clients,
                report=report,
                timing=(before_seconds, outage_seconds, after_seconds),
            )
        result.stored_ids = _stored_ids(url)
        return result
    finally:
        postgres.remove()
        shutil.rmtree(work, ignore_errors=True)


def _drive(
    server: _Server,
    token: str,
    postgres: ThrowawayPostgres,
    result: DrillResult,
    clients: int,
    *,
    timing: tuple[float, float, float],
    report: Callable[[str], None],
) -> None:
    before, outage, after = timing
    stop = threading.Event()
    threads = [
        threading.Thread(target=_submit, args=(server.base, token, n, stop, result.answers))
        for n in range(clients)
    ] + [threading.Thread(target=_probe, args=(server.base, stop, result.health))]
    log_start = server.log_size()
    for thread in threads:
        thread.start()
    try:
        time.sleep(before)
        report(f"stopping PostgreSQL for {outage:g} s under load from {clients} clients")
        result.down_at = time.monotonic()
        postgres.stop()
        time.sleep(max(0.0, outage - (time.monotonic() - result.down_at)))
        postgres.start()
        result.up_at = time.monotonic()
        report("PostgreSQL is back; loading on")
        time.sleep(after)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    result.log_lines = server.log_since(log_start)


def _submit(base: str, token: str, client: int, stop: threading.Event, out: list[Answer]) -> None:
    """One client: submit, and after a 503 wait as told and send the same record again."""
    local: list[Any] = [None]

    def note_connection(response: httpx.Response) -> None:
        # Read before the body: a connection the server closes is gone after it.
        stream = response.extensions.get("network_stream")
        local[0] = stream.get_extra_info("client_addr") if stream is not None else None

    headers = {"Authorization": f"Bearer {token}"}
    number = 0
    record = None
    with httpx.Client(
        base_url=base, headers=headers, timeout=60, event_hooks={"response": [note_connection]}
    ) as http:
        while not stop.is_set():
            if record is None:
                number += 1
                record = emergency_record(id=f"drill-{client}-{number}")
            try:
                response = http.post(INTAKE, json=record)
            except httpx.TransportError:
                out.append(Answer(client, time.monotonic(), 0, None, None, None, None))
                time.sleep(0.2)
                continue
            out.append(_answer(client, response, local[0]))
            if response.status_code == 503:
                time.sleep(min(LONGEST_WAIT, float(response.headers.get("Retry-After") or 1)))
            else:
                record = None


def _answer(client: int, response: httpx.Response, local_address: Any) -> Answer:
    case_id = None
    if response.status_code in (200, 201):
        case_id = response.json()["id"]
    return Answer(
        client=client,
        at=time.monotonic(),
        status=response.status_code,
        retry_after=response.headers.get("Retry-After"),
        connection=response.headers.get("Connection"),
        local_address=local_address,
        case_id=case_id,
    )


def _probe(base: str, stop: threading.Event, out: list[Reading]) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        while not stop.is_set():
            try:
                response = http.get(HEALTH)
                database = response.json().get("database")
                out.append(Reading(time.monotonic(), response.status_code, database))
            except (httpx.TransportError, ValueError):
                out.append(Reading(time.monotonic(), 0, None))
            stop.wait(0.2)


class _Server:
    """`exigent serve` on the database, with its embedded deadline worker, logging to files."""

    def __init__(self, url: str, work: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.errors = work / "server.err"
        env = {
            **os.environ,
            "EXIGENT_DATABASE_URL": url,
            "EXIGENT_FILE_STORE": str(work / "files"),
            "EXIGENT_CACHE_DIR": str(work / "cache"),
            "EXIGENT_PLATFORM_STORE": str(work / "platform.db"),
            "PYTHONUNBUFFERED": "1",
        }
        with (work / "server.out").open("wb") as out, self.errors.open("wb") as err:
            self.process = subprocess.Popen(
                [str(EXIGENT), "serve", "--port", str(self.port)], env=env, stdout=out, stderr=err
            )

    def __enter__(self) -> _Server:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"exigent serve exited: {self.errors.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + HEALTH, timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("exigent serve did not answer within 120 s")

    def __exit__(self, *_: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_size(self) -> int:
        return self.errors.stat().st_size

    def log_since(self, offset: int) -> list[str]:
        with self.errors.open("rb") as stream:
            stream.seek(offset)
            lines = stream.read().decode("utf-8", "replace").splitlines()
        return [line for line in lines if line.strip() and not ACCESS_LINE.match(line)]


def _database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "exigent"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/exigent"


def _migrated_with_token(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        user = create_user(
            session,
            actor=Actor.system("drill"),
            email="drill@exigent.test",
            name="Drill",
            role=Role.analyst,
        )
        token = issue_api_token(session, actor=Actor.system("drill"), user=user, name="drill")
        session.commit()
    engine.dispose()
    return token


def _stored_ids(url: str) -> set[int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        ids = set(connection.execute(select(Request.id)).scalars())
    engine.dispose()
    return ids
