"""Removed content and its account's related data kept in the file store, named by a manifest
whose SHA-256 stands for the whole (Regulation (EU) 2021/784 Art. 6)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from exigent.files import FileStore
from exigent.platform_data.demo import DemoAdapter
from exigent.platform_data.generate import generate_one
from exigent.production.content_hold import keep_until, preserve_content, read_manifest
from exigent.production.snapshots import read_snapshot

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
REMOVED = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def test_the_manifest_names_every_snapshot_with_its_digest(tmp_path: Path) -> None:
    path = tmp_path / "platform.db"
    generate_one(path, username="night.owl.77", records=600, now=NOW, days=30)
    adapter = DemoAdapter(path, clock=lambda: REMOVED)
    content = adapter.content.stand_ins(limit=1)[0]
    restriction = adapter.restrict_content(
        content, regions=["EU"], reference="FR-2026-0042", reason="terrorist content"
    )
    store = FileStore(tmp_path / "files")

    kept = preserve_content(
        content, adapter, store, as_of=REMOVED, restrictions=[restriction], now=NOW
    )

    raw = store.path_for(kept.manifest_sha256).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == kept.manifest_sha256
    assert len(raw) == kept.manifest_size
    manifest = read_manifest(store, kept.manifest_sha256)
    assert manifest["content"]["url"] == content.url  # type: ignore[index]
    assert manifest["restrictions"][0]["reference"] == "FR-2026-0042"  # type: ignore[index]
    assert manifest["keep_until"] == "2027-05-10T12:00:00Z"
    assert keep_until(REMOVED) == datetime(2027, 5, 10, 12, 0, tzinfo=UTC)
    snapshots = {s["dataset"]: s for s in manifest["snapshots"]}  # type: ignore[attr-defined]
    assert set(snapshots) == {"removed_content", "subscriber", "logins"}
    for entry in snapshots.values():
        stored = store.path_for(entry["sha256"]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == entry["sha256"]
        assert len(stored) == entry["size_bytes"]

    # The content's own record, as it was.
    (row,) = read_snapshot(store, snapshots["removed_content"]["sha256"], start=None, end=None)
    assert row[1:4] == (content.content_id, content.kind, content.url)
    assert "no real material" in row[-1]
    # The account's logins up to the removal, none after it.
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    logins = list(read_snapshot(store, snapshots["logins"]["sha256"], start=None, end=None))
    expected = [r for r in adapter.stream(account, "logins") if r[0] <= "2026-11-10T12:00:00Z"]
    assert logins == expected and snapshots["logins"]["records"] == len(expected) > 0


def test_content_whose_account_is_gone_is_still_kept(tmp_path: Path) -> None:
    path = tmp_path / "platform.db"
    generate_one(path, username="night.owl.77", records=100, now=NOW, days=30)
    adapter = DemoAdapter(path)
    content = adapter.content.stand_ins(limit=1)[0]
    adapter.connection.execute("UPDATE accounts SET username = 'renamed.since'")
    store = FileStore(tmp_path / "files")

    kept = preserve_content(content, adapter, store, as_of=REMOVED, now=NOW)

    manifest = read_manifest(store, kept.manifest_sha256)
    assert [s["dataset"] for s in manifest["snapshots"]] == ["removed_content"]  # type: ignore[attr-defined]
    assert manifest["account_not_found"] == ["username:night.owl.77"]
