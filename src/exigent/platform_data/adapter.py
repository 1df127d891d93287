"""The seam between Exigent and the platform's own user data.

Exigent never reads the platform's warehouse directly: an adapter answers which data of an
account exists (per category, with its date range) and streams its records. The built-in
`demo` adapter serves a synthetic store; a company plugs in its own by adding its factory to
`platform_data/registry.py` under a name and setting `EXIGENT_PLATFORM_ADAPTER`.

An adapter may also offer `ContentControl`: finding a post, comment or media item by its
locator and restricting access to it in some regions (an EU removal order disables access in
every Member State). It is a separate capability, asked for with `content_control(adapter)`,
because a platform can answer for its data long before it lets Exigent act on its content.

Times cross this seam as ISO 8601 UTC text (`2026-11-20T13:04:05Z`): it sorts as it reads,
costs nothing to write into CSV or JSON, and a range bound is a plain string comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol, runtime_checkable

from exigent.errors import BadInput, ExigentError

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


# Regulation (EU) 2021/784 Art. 3(3): removal "in all Member States"; the region "EU" means them.
EU = "EU"
EU_MEMBER_STATES = frozenset(
    ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
     "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
)  # fmt: skip


@dataclass(frozen=True)
class Content:
    """A post, comment or media item as the adapter found it."""

    content_id: str
    account_id: str
    username: str
    # The item's canonical address on the platform, whatever locator found it.
    url: str
    kind: str
    published_at: str
    # The text of a post or comment; for a media item, a summary of the file (type, digest).
    text: str


@dataclass(frozen=True)
class Restriction:
    """Access to one content item withheld in some regions under one order (its reference)."""

    content_id: str
    regions: tuple[str, ...]
    reference: str
    reason: str
    restricted_at: str
    lifted_at: str | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def covers(self, country: str) -> bool:
        """Whether a viewer in `country` (ISO 3166-1 alpha-2) is refused the content now."""
        country = country.upper()
        in_eu = EU in self.regions and country in EU_MEMBER_STATES
        return self.active and (country in self.regions or in_eu)


@runtime_checkable
class ContentControl(Protocol):
    """Finding content by its locator and restricting access to it, where a platform allows."""

    def find_content(self, locator: str) -> Content | None:
        """The item a locator names: its URL in any form the platform uses, or its id."""
        ...

    def restrict_content(
        self, content: Content, *, regions: Sequence[str], reference: str, reason: str
    ) -> Restriction:
        """Withhold the item in `regions`; the same reference again gives the same
        restriction, so an order executed twice restricts once."""
        ...

    def lift_restriction(self, content: Content, *, reference: str) -> Restriction | None:
        """Give access back under `reference`; None when that reference restricted nothing."""
        ...

    def restriction_of(self, content: Content) -> list[Restriction]:
        """Every restriction of the item, lifted ones included, oldest first."""
        ...

    def provider_address(self, content: Content) -> str | None:
        """The email address of the account that provided the item, where the platform has
        one: its provider is told of a removal there (Regulation (EU) 2021/784, Art. 11)."""
        ...


def content_control(adapter: PlatformAdapter) -> ContentControl | None:
    """The adapter's content control, or None when the platform does not offer one."""
    return adapter if isinstance(adapter, ContentControl) else None


def normalise_regions(regions: Sequence[str]) -> tuple[str, ...]:
    """Upper-case ISO 3166-1 alpha-2 codes or "EU", each once, in the order given."""
    if isinstance(regions, str):
        regions = [regions]
    # EU texts write Greece as EL; the ISO code is GR.
    codes = (r.strip().upper() for r in regions)
    found = tuple(dict.fromkeys("GR" if c == "EL" else c for c in codes))
    bad = [r for r in found if r != EU and not (len(r) == 2 and r.isascii() and r.isalpha())]
    if not found or bad:
        said = ", ".join(repr(r) for r in bad) or "none given"
        raise BadInput(
            f"regions: give ISO 3166-1 alpha-2 country codes or EU ({said})", field="regions"
        )
    return found
