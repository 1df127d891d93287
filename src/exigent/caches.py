"""Data built once from packaged files and kept as a pickle under the cache directory.

What is costly to build (the fraud checks' directory index, the numbering plan's places) is
built by the first process and loaded by later ones in a fraction of the time. Each cache is
a family of files `<family>-<key>.pickle`, where the key changes with what the data was built
from; a missing, stale or unreadable file is rebuilt, never trusted, and replaces the others
of its family. A read-only disk costs speed, not correctness.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def cache_path(cache_dir: Path, family: str, key: str) -> Path:
    return cache_dir / f"{family}-{key}.pickle"


def load_or_build(
    cache_dir: Path | None, family: str, key: str, kind: type[T], build: Callable[[], T]
) -> T:
    """The `kind` cached under `cache_dir` for `key`, or `build()`'s, then cached."""
    path = cache_path(cache_dir, family, key) if cache_dir else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as stream:
                value = pickle.load(stream)
            if isinstance(value, kind):
                return value
        except Exception:  # a damaged cache is rebuilt, never trusted
            log.warning("cache %s unreadable; rebuilding", path)
    value = build()
    if path is not None:
        _save(value, path, family)
    return value


def _save(value: object, path: Path, family: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{family}-*.pickle"):
            stale.unlink(missing_ok=True)
        # Written aside and renamed, so a process reading at the same time sees all or nothing.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{family}-")
        with os.fdopen(fd, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only disk costs speed, not correctness
        log.warning("cannot cache %s at %s: %s", family, path, exc)
