"""Preserved rows on disk: gzip JSON Lines in the content-addressed store, written streaming."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from exigent.files import FileStore
from exigent.platform_data.adapter import Row


class _Hashing:
    """A binary sink that hashes what passes through it on the way to a file."""

    def __init__(self, handle: object) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)  # type: ignore[attr-defined]

    def flush(self) -> None:
        self.handle.flush()  # type: ignore[attr-defined]


def write_snapshot(store: FileStore, rows: Iterable[Row]) -> tuple[str, int, int]:
    """Store the rows; returns (sha256 of the stored bytes, their size, rows written)."""
    store.root.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=store.root, prefix=".snapshot-")
    count = 0
    try:
        with os.fdopen(fd, "wb") as raw:
            sink = _Hashing(raw)
            with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=5, mtime=0) as packed:
                batch: list[str] = []
                for row in rows:
                    batch.append(json.dumps(row, ensure_ascii=False))
                    count += 1
                    if len(batch) >= 5000:
                        packed.write(("\n".join(batch) + "\n").encode())
                        batch.clear()
                if batch:
                    packed.write(("\n".join(batch) + "\n").encode())
            raw.flush()
            os.fsync(raw.fileno())
        sha = sink.digest.hexdigest()
        final = store.path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_name, final)
        return sha, sink.size, count
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def read_snapshot(
    store: FileStore, sha256: str, *, start: str | None, end: str | None
) -> Iterator[Row]:
    """Preserved rows with start <= at < end (no bounds for an unranged dataset), in order."""
    with gzip.open(store.path_for(sha256), "rt", encoding="utf-8") as lines:
        for line in lines:
            row = tuple(json.loads(line))
            if end is not None and row[0] >= end:
                return
            if start is None or row[0] >= start:
                yield row
