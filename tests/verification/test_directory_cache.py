"""The directory index is cached as a pickle; a damaged cache is rebuilt, not trusted."""

from __future__ import annotations

from pathlib import Path

from exigent.verification.directory_index import (
    AgencyRef,
    DirectoryEntry,
    cache_key,
    default_directory,
    load_directory_index,
    with_entries,
)


def test_cache_round_trip_and_damaged_cache(tmp_path: Path) -> None:
    built = load_directory_index(tmp_path)
    cached = tmp_path / f"directory-index-{cache_key()}.pickle"
    assert cached.is_file()
    loaded = load_directory_index(tmp_path)
    assert loaded.domains.keys() == built.domains.keys()
    cached.write_bytes(b"not a pickle")
    assert load_directory_index(tmp_path).domains.keys() == built.domains.keys()


def test_entries_layer_on_top_without_changing_the_base() -> None:
    base = default_directory()
    ref = AgencyRef("Metropolitan Police Service", None, "GB", "police", "staff")
    listed = next(iter(base.domains))
    merged = with_entries(
        base,
        [
            DirectoryEntry("met.police.example.uk", ref),
            DirectoryEntry(listed, None, fraudulent=True),
        ],
    )
    assert merged.facts("met.police.example.uk").foreign_country == "GB"
    assert not merged.facts(listed).agencies and base.facts(listed).agencies
    assert "met.police.example.uk" in merged.lookalikes.hosts
    assert "met.police.example.uk" not in base.lookalikes.hosts
