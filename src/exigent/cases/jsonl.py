"""Reading intake records from JSON Lines, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from exigent.cases.schemas import IntakeRecord
from exigent.errors import BadInput, describe_validation_error

# Errors pydantic reports for the line as a whole; the json module words them for people.
_WHOLE_LINE_ERRORS = frozenset({"json_invalid", "model_type"})


def _lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def parse_intake_line(number: int, line: str) -> IntakeRecord:
    """One JSONL line as an intake record; BadInput names the line and the field."""
    try:
        # Parsing and validating in one pass (pydantic-core) is the fast path for good lines.
        return IntakeRecord.model_validate_json(line)
    except ValidationError as exc:
        errors = exc.errors()
        if errors and errors[0]["type"] in _WHOLE_LINE_ERRORS and not errors[0]["loc"]:
            return _parse_slowly(number, line)
        first = describe_validation_error(exc)[0]
        raise BadInput(f"line {number}: {first['field']}: {first['problem']}") from exc


def _parse_slowly(number: int, line: str) -> IntakeRecord:
    """The json module's path, for lines pydantic refuses whole: it words the problem."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadInput(f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise BadInput(f"line {number}: expected a JSON object, got {type(data).__name__}")
    try:
        return IntakeRecord.model_validate(data)
    except ValidationError as exc:
        first = describe_validation_error(exc)[0]
        raise BadInput(f"line {number}: {first['field']}: {first['problem']}") from exc


def read_intake_file(path: Path) -> list[IntakeRecord]:
    """Every record of the file, or BadInput for the first bad line: nothing is judged half-way."""
    try:
        with path.open(encoding="utf-8") as stream:
            return [parse_intake_line(number, line) for number, line in _lines(stream)]
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
