"""Building a sealed package, streaming, and verifying one.

Layout of a package directory:

    data/<target>/<dataset>.csv and .json   the records, one pair per target and dataset
    manifest.json                            every data file with its SHA-256, size and records
    cover_letter.pdf                         the letter, which prints the manifest's SHA-256
    SHA256SUMS                               sha256sum-style digests of manifest and letter

The manifest's SHA-256 is the package's seal: Exigent stores it, the cover letter prints it,
and `exigent production verify PATH --seal SHA` checks a package against it. Records pass
through once: each row is written to both files while both are hashed, so memory stays flat
whatever the size of the production.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from exigent.production.collect import Plan, ScopedCollector, Unit

FORMAT = "exigent-production/1"
MANIFEST = "manifest.json"
LETTER = "cover_letter.pdf"
SUMS = "SHA256SUMS"
BUFFER = 1024 * 1024
BATCH = 2000


class HashingWriter(io.RawIOBase):
    """A file that hashes every byte written to it."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.digest.update(view)
        self.size += view.nbytes
        self._file.write(view)
        return view.nbytes

    def close(self) -> None:
        if not self.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        super().close()


@dataclass
class FileEntry:
    path: str
    sha256: str
    bytes: int
    records: int | None = None
    target: str | None = None
    category: str | None = None
    dataset: str | None = None
    format: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class BuildResult:
    directory: Path
    files: list[FileEntry] = field(default_factory=list)
    counts: list[dict[str, Any]] = field(default_factory=list)
    manifest_sha256: str = ""
    letter_sha256: str = ""
    # Target id -> age, for account holders the platform records as children under 13.
    children: dict[int, int] = field(default_factory=dict)

    @property
    def record_count(self) -> int:
        return sum(int(c["records"]) for c in self.counts)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@+-]+", "_", text).strip("_") or "target"


def _write_unit(collector: ScopedCollector, unit: Unit, folder: Path, base: str) -> list[FileEntry]:
    """Stream one dataset into its CSV and JSON files; returns both entries."""
    fields = unit.dataset.fields
    folder.mkdir(parents=True, exist_ok=True)
    csv_raw = HashingWriter(folder / f"{unit.dataset.name}.csv")
    json_raw = HashingWriter(folder / f"{unit.dataset.name}.json")
    records = 0
    with (
        io.TextIOWrapper(
            io.BufferedWriter(csv_raw, BUFFER), encoding="utf-8", newline=""
        ) as csv_text,
        io.TextIOWrapper(io.BufferedWriter(json_raw, BUFFER), encoding="utf-8") as json_text,
    ):
        writer = csv.writer(csv_text)
        writer.writerow(fields)
        encode = json_records(fields)
        json_text.write('{"fields":' + json.dumps(list(fields)) + ',"records":[')
        rows = collector.rows(unit.item.target_id, unit.item.category, unit.dataset.name)
        batch: list[Any] = []
        separator = "\n"
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                records += _flush(batch, writer, json_text, encode, separator)
                separator = ",\n"
        if batch:
            records += _flush(batch, writer, json_text, encode, separator)
        json_text.write("\n]}\n")
    common: dict[str, Any] = {
        "records": records,
        "target": unit.item.target_label,
        "category": unit.item.category,
        "dataset": unit.dataset.name,
    }
    return [
        FileEntry(
            f"{base}/{unit.dataset.name}.csv",
            csv_raw.digest.hexdigest(),
            csv_raw.size,
            format="csv",
            **common,
        ),
        FileEntry(
            f"{base}/{unit.dataset.name}.json",
            json_raw.digest.hexdigest(),
            json_raw.size,
            format="json",
            **common,
        ),
    ]


def json_records(fields: tuple[str, ...]) -> Callable[[list[Any]], str]:
    """Rows to JSON objects, one per line, exactly as `json.dumps` writes them, faster.

    A template with the keys already encoded and one C-level escape per text value is about
    three times quicker than building a dict and encoding it for every row, which is what
    keeps a million-record production within its time budget.
    """
    template = "{" + ",".join(encode_basestring(f) + ":%s" for f in fields) + "}"
    other = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def encode(rows: list[Any]) -> str:
        return ",\n".join(
            [
                template
                % tuple(
                    [
                        encode_basestring(v)
                        if v.__class__ is str
                        else "null"
                        if v is None
                        else repr(v)
                        if v.__class__ is int or v.__class__ is float
                        else other(v)
                        for v in row
                    ]
                )
                for row in rows
            ]
        )

    return encode


def _flush(
    batch: list[Any],
    writer: Any,
    json_text: io.TextIOWrapper,
    encode: Callable[[list[Any]], str],
    separator: str,
) -> int:
    writer.writerows(batch)
    json_text.write(separator + encode(batch))
    count = len(batch)
    batch.clear()
    return count


def build(
    root: Path,
    name: str,
    *,
    collector: ScopedCollector,
    plan: Plan,
    facts: dict[str, Any],
    render_letter: Callable[[dict[str, Any]], bytes],
) -> BuildResult:
    """Build the package in a scratch folder and move it into place only when complete."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / name
    scratch = root / f".{name}.building"
    shutil.rmtree(scratch, ignore_errors=True)
    if final.exists():
        raise FileExistsError(f"package {final} already exists")
    result = BuildResult(directory=final)
    try:
        # Made here, not by the first data file: a target with no account on the platform
        # writes none, and its package is still the letter saying so.
        scratch.mkdir()
        for unit in plan.units:
            base = f"data/{slug(unit.item.target_label)}"
            entries = _write_unit(collector, unit, scratch / base, base)
            result.files.extend(entries)
            result.counts.append(
                {
                    "target": unit.item.target_label,
                    "target_id": unit.item.target_id,
                    "account_id": unit.account.account_id,
                    "category": unit.item.category,
                    "dataset": unit.dataset.name,
                    "records": entries[0].records,
                    "preserved": (unit.account.account_id, unit.dataset.name)
                    in collector.used_preserved,
                }
            )
        manifest = {
            "format": FORMAT,
            **facts,
            "record_count": result.record_count,
            "files": [f.as_json() for f in result.files],
        }
        manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
        (scratch / MANIFEST).write_bytes(manifest_bytes)
        result.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
        letter = render_letter(
            {
                **facts,
                "manifest_sha256": result.manifest_sha256,
                "counts": result.counts,
                "record_count": result.record_count,
            }
        )
        (scratch / LETTER).write_bytes(letter)
        result.letter_sha256 = hashlib.sha256(letter).hexdigest()
        (scratch / SUMS).write_text(
            f"{result.manifest_sha256}  {MANIFEST}\n{result.letter_sha256}  {LETTER}\n"
        )
        os.replace(scratch, final)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return result


# Verifying


@dataclass(frozen=True)
class Problem:
    path: str
    what: str  # altered, missing, unexpected, unreadable, seal


class _Source:
    """A package as a directory or as the zip a requester downloaded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        self.prefix = ""
        if self.zip is not None:
            names = [n for n in self.zip.namelist() if n.endswith(MANIFEST)]
            if names:
                self.prefix = min(names, key=len)[: -len(MANIFEST)]

    def names(self) -> set[str]:
        if self.zip is not None:
            return {
                n[len(self.prefix) :]
                for n in self.zip.namelist()
                if n.startswith(self.prefix) and not n.endswith("/")
            }
        return {p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()}

    def chunks(self, name: str) -> Iterator[bytes]:
        handle = self.zip.open(self.prefix + name) if self.zip else (self.path / name).open("rb")
        with handle:
            while chunk := handle.read(BUFFER):
                yield chunk

    def digest(self, name: str) -> tuple[str, int]:
        sha, size = hashlib.sha256(), 0
        for chunk in self.chunks(name):
            sha.update(chunk)
            size += len(chunk)
        return sha.hexdigest(), size

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))


@dataclass
class Verification:
    seal: str | None
    checked: int
    problems: list[Problem]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(path: Path, *, seal: str | None = None) -> Verification:
    """Check every file of a package against its manifest; name each one that is wrong."""
    if not path.exists():
        return Verification(None, 0, [Problem(str(path), "missing")])
    source = _Source(path)
    present = source.names()
    problems: list[Problem] = []
    expected: dict[str, tuple[str, int | None]] = {}
    if SUMS in present:
        for line in source.read(SUMS).decode("utf-8", "replace").splitlines():
            sha, _, name = line.partition("  ")
            if name:
                expected[name.strip()] = (sha.strip(), None)
    else:
        problems.append(Problem(SUMS, "missing"))
    manifest_sha = None
    if MANIFEST in present:
        raw = source.read(MANIFEST)
        manifest_sha = hashlib.sha256(raw).hexdigest()
        try:
            manifest = json.loads(raw)
            files = manifest["files"]
        except (ValueError, KeyError, TypeError):
            problems.append(Problem(MANIFEST, "unreadable"))
            files = []
        for entry in files:
            expected[str(entry["path"])] = (str(entry["sha256"]), int(entry["bytes"]))
    else:
        problems.append(Problem(MANIFEST, "missing"))
    if seal is not None and manifest_sha is not None and manifest_sha != seal.lower():
        problems.append(Problem(MANIFEST, f"seal: manifest SHA-256 is {manifest_sha}, not {seal}"))
    checked = 0
    for name, (sha, size) in sorted(expected.items()):
        if name not in present:
            if not any(p.path == name for p in problems):
                problems.append(Problem(name, "missing"))
            continue
        actual, actual_size = source.digest(name)
        checked += 1
        if actual != sha or (size is not None and actual_size != size):
            problems.append(Problem(name, "altered"))
    for name in sorted(present - set(expected) - {SUMS}):
        problems.append(Problem(name, "unexpected"))
    return Verification(manifest_sha, checked, problems)


# Streaming a package as one zip (a download never builds the archive in memory or on disk)


class _Spool(io.RawIOBase):
    """An unseekable sink the zip writer fills and the response drains."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def zip_stream(directory: Path, folder: str) -> Iterator[bytes]:
    """The package's files in a zip under `folder/`, produced chunk by chunk."""
    spool = _Spool()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = f"{folder}/{path.relative_to(directory).as_posix()}"
            with path.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
                while chunk := source.read(BUFFER):
                    target.write(chunk)
                    if spool.position and spool.parts:
                        yield spool.drain()
            yield spool.drain()
    yield spool.drain()
