"""Domain errors that carry their HTTP status; one handler in app.py renders them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError


class ExigentError(Exception):
    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.detail = detail


class NotFound(ExigentError):
    status_code = 404


class Forbidden(ExigentError):
    status_code = 403


class Unauthorized(ExigentError):
    status_code = 401


class Conflict(ExigentError):
    status_code = 409


class BadInput(ExigentError):
    status_code = 422


class PayloadTooLarge(ExigentError):
    status_code = 413


class ServiceUnavailable(ExigentError):
    """Briefly unable to answer (the database is out of reach): the caller should retry."""

    status_code = 503


class FieldValueError(ValueError):
    """A model's own check that names the field at fault inside the model; pydantic alone
    would name only the model."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def field_path(loc: tuple[int | str, ...]) -> str:
    """`("requester", "phone")` -> `requester.phone`; list indexes as `targets[0]`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(record)"


def describe_problems(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Each problem as {field, problem}, in words an officer or an integrator can act on."""
    problems = []
    for item in items:
        loc = tuple(p for p in item.get("loc", ()) if p != "body")
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, FieldValueError):
            loc = (*loc, *cause.field.split("."))
        message = str(item.get("msg", "is invalid")).removeprefix("Value error, ")
        if item.get("type") == "extra_forbidden":
            message = "is not a field of the intake record"
        problems.append({"field": field_path(loc), "problem": message})
    return problems


def describe_validation_error(error: ValidationError) -> list[dict[str, str]]:
    return describe_problems(error.errors())
