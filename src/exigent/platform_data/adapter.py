"""The seam between Exigent and the platform's own user data.

Exigent never reads the platform's warehouse directly: an adapter answers which data of an
account exists (per category, with its date range) and streams its records. The built-in
`demo` adapter serves a synthetic store; a company plugs in its own by adding its factory to
`platform_data/registry.py` under a name and setting `EXIGENT_PLATFORM_ADAPTER`.

Times cross this seam as ISO 8601 UTC text (`2026-11-20T13:04:05Z`): it sorts as it reads,
costs nothing to write into CSV or JSON, and a range bound is a plain string comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from exigent.errors import ExigentError

IDENTIFIER_TYPES = ("username", "user_id", "email", "phone")
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Dataset:
    """One kind of record: its category, its columns (the first is always `at`)."""

    name: str
    category: str
    fields: tuple[str, ...]
    description: str
    # False for a record that describes the account as it stands (subscriber details): it
    # has no time of its own to filter on, and is produced whole when its category is.
    ranged: bool = True


@dataclass(frozen=True)
class Account:
    """A platform account as the adapter found it."""

    account_id: str
    username: str
    birth_date: date | None
    created_at: str

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class Availability:
    """How much of one dataset exists for an account, and the times it spans."""

    dataset: str
    category: str
    records: int
    first_at: str | None
    last_at: str | None


class PlatformAdapter(Protocol):
    """What Exigent needs from the platform; nothing else crosses the seam."""

    name: str

    def datasets(self) -> Sequence[Dataset]: ...

    def find_account(self, identifier_type: str, value: str) -> Account | None: ...

    def availability(self, account: Account, categories: Sequence[str]) -> list[Availability]: ...

    def stream(
        self,
        account: Account,
        dataset: str,
        *,
        start: str | None = None,
        end: str | None = None,
        after: str | None = None,
    ) -> Iterator[Row]:
        """Rows of `dataset` for `account` with start <= at < end (and at > after), in time
        order; each row has the dataset's fields in order."""
        ...

    def close(self) -> None: ...


def iso(moment: datetime) -> str:
    """The seam's time format for an aware datetime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AdapterUnavailable(ExigentError):
    status_code = 503
