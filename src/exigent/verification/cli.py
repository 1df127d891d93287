"""`exigent assess FILE`: one fraud-risk assessment per intake record, in input order."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from exigent.cases.jsonl import read_intake_file
from exigent.cases.schemas import IntakeRecord
from exigent.db import make_engine, make_session_factory
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import DatabaseHistory, snapshot_history
from exigent.verification.directory_index import DirectoryIndex
from exigent.verification.engine import Assessor, assess_in_arrival_order
from exigent.verification.history import InMemoryHistory
from exigent.verification.scoring import Weights, default_weights
from exigent.verification.weight_sets import current_weights


@contextmanager
def batch_gc() -> Iterator[None]:
    """Keep the cycle collector out of a batch that creates no cycles.

    Assessing allocates many short-lived objects while a large directory index and the file's
    records stay alive; every full collection would walk all of them again (a quarter of the
    run). Reference counting still frees what the batch drops; the collector resumes after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_assess(
    path: Path,
    out: TextIO,
    *,
    assessor: Assessor | None = None,
    history: InMemoryHistory | None = None,
) -> None:
    """Read the whole file first (bad input: BadInput, nothing written), then assess and write.

    `history` holds what came before the file (the database's requests); the file's records
    are added to it as they are judged.
    """
    with batch_gc():
        records = read_intake_file(path)
    write_assessments(records, out, assessor=assessor, history=history)


def write_assessments(
    records: list[IntakeRecord],
    out: TextIO,
    *,
    assessor: Assessor | None = None,
    history: InMemoryHistory | None = None,
) -> None:
    """Assess in order of arrival and write one JSON line per record, in input order."""
    with batch_gc():
        results = assess_in_arrival_order(records, assessor=assessor, history=history)
        lines = [assessment.model_dump_json() for assessment in results]
    out.write("".join(f"{line}\n" for line in lines))


def run_assess_with_database(path: Path, out: TextIO, database_url: str) -> None:
    """`run_assess` seeing the database's history and directory entries, when there is one."""
    with batch_gc():
        records = read_intake_file(path)  # bad input is reported before the database is read
    loaded = _database_view(database_url)
    if loaded is None:
        write_assessments(records, out)
        return
    directory, history, weights = loaded
    assessor = Assessor(directory=directory, weights=weights)
    write_assessments(records, out, assessor=assessor, history=history)


def _database_view(database_url: str) -> tuple[DirectoryIndex, DatabaseHistory, Weights] | None:
    """The database's directory, a private copy of its history and its current weights;
    None without a database (the shipped weights file is used then)."""
    if not _database_exists(database_url):
        return None
    engine = make_engine(database_url)
    try:
        tables = inspect(engine)
        if not tables.has_table("requests"):
            return None
        stored_weights = tables.has_table("risk_weight_sets")
        with make_session_factory(engine)() as session, batch_gc():
            directory = directory_for(session)
            history = snapshot_history(session, directory)
            weights = current_weights(session, seed=False) if stored_weights else default_weights()
            session.rollback()
        return directory, history, weights
    except SQLAlchemyError:
        return None  # an unreachable database leaves the file's own history
    finally:
        engine.dispose()


def _database_exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return True
    database = parsed.database or ""
    return database not in ("", ":memory:") and Path(database).is_file()
