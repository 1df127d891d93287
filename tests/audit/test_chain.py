"""The audit chain: every write and read leaves a link, and any tampering is named."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from exigent.audit.models import AuditEvent
from exigent.audit.service import verify_chain
from exigent.cli import app
from factories import emergency_record


def make_history(client, officer, analyst) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        case = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
        client.get(f"/api/v1/requests/{case.json()['id']}", headers=analyst.headers)


def test_untouched_chain_verifies(client, officer, analyst, db):
    make_history(client, officer, analyst)
    checked, broken = verify_chain(db)
    assert broken is None
    assert checked >= 8


def test_modified_row_is_named(client, officer, analyst, db):
    make_history(client, officer, analyst)
    db.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(actor="someone@else"))
    db.commit()
    _, broken = verify_chain(db)
    assert broken is not None and broken.seq == 5
    assert "changed" in broken.reason


def test_deleted_row_is_named(client, officer, analyst, db):
    make_history(client, officer, analyst)
    db.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    db.commit()
    _, broken = verify_chain(db)
    assert broken is not None and broken.seq == 4


def test_deleted_tail_is_detected(client, officer, analyst, db):
    make_history(client, officer, analyst)
    last = db.execute(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).scalars().first()
    db.execute(delete(AuditEvent).where(AuditEvent.seq == last))
    db.commit()
    _, broken = verify_chain(db)
    assert broken is not None and broken.seq == last


def test_reordered_rows_are_detected(client, officer, analyst, db):
    make_history(client, officer, analyst)
    a = db.get(AuditEvent, 3)
    b = db.get(AuditEvent, 6)
    assert a is not None and b is not None
    fields = ("at", "actor", "action", "object_id", "detail", "prev_hash", "hash")
    swapped = {f: getattr(b, f) for f in fields}, {f: getattr(a, f) for f in fields}
    db.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(**swapped[0]))
    db.execute(update(AuditEvent).where(AuditEvent.seq == 6).values(**swapped[1]))
    db.commit()
    _, broken = verify_chain(db)
    assert broken is not None and broken.seq == 3


def test_cli_exits_non_zero_naming_the_broken_link(
    client, officer, analyst, db, settings, monkeypatch
):
    make_history(client, officer, analyst)
    monkeypatch.setenv("EXIGENT_DATABASE_URL", settings.database_url)
    from exigent.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    db.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(action="request.nothing"))
    db.commit()
    bad = runner.invoke(app, ["audit", "verify"])
    get_settings.cache_clear()
    assert bad.exit_code == 1
    assert "event 2" in bad.output
