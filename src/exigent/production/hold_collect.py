"""The file-only middle of a preservation hold: the target accounts' data into the file store.

Kept apart from the hold's rows, like a production's collection (`build.py`): it reads up to
millions of records from the platform and runs outside any database transaction, so the
case's tables (on SQLite, the one write lock) stay free meanwhile. It needs only the adapter,
the file store and what to keep, fixed beforehand in a `HoldPlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from exigent.files import FileStore
from exigent.platform_data.adapter import PlatformAdapter, iso
from exigent.production.snapshots import write_snapshot


@dataclass(frozen=True)
class PlannedTarget:
    target_id: int
    identifier_type: str
    value: str

    @property
    def label(self) -> str:
        return f"{self.identifier_type}:{self.value}"


@dataclass(frozen=True)
class HoldPlan:
    """What a new hold keeps, read from the case before any platform data is."""

    request_id: int
    received_at: datetime
    categories: tuple[str, ...]
    targets: tuple[PlannedTarget, ...]

    @property
    def cutoff(self) -> str:
        return iso(self.received_at)


@dataclass(frozen=True)
class Taken:
    """One dataset of one account, stored: what its snapshot row and custody event say."""

    # None when no case target led to it (content an order named, `content_hold.py`).
    target_id: int | None
    target_label: str
    account_id: str
    dataset: str
    category: str
    sha256: str
    size_bytes: int
    records: int


@dataclass
class Collected:
    taken: list[Taken] = field(default_factory=list)
    # Targets the platform has no account for, by label.
    missing: list[str] = field(default_factory=list)
    # Targets whose account gives an age under 13 on the day of the hold (COPPA).
    children: dict[int, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(t.records for t in self.taken)


def collect_hold(
    plan: HoldPlan, adapter: PlatformAdapter, store: FileStore, today: date
) -> Collected:
    """Snapshot each target's datasets of the planned categories as of the request."""
    # Ranged datasets stop at the request's second; the rest describe the account as it stands.
    end = iso(plan.received_at + timedelta(seconds=1))
    collected = Collected()
    for target in plan.targets:
        account = adapter.find_account(target.identifier_type, target.value)
        if account is None:
            collected.missing.append(target.label)
            continue
        age = account.age_on(today)
        if age is not None and age < 13:
            collected.children[target.target_id] = age
        for dataset in adapter.datasets():
            if dataset.category not in plan.categories:
                continue
            rows = adapter.stream(account, dataset.name, end=end if dataset.ranged else None)
            sha, size, count = write_snapshot(store, rows)
            collected.taken.append(
                Taken(
                    target_id=target.target_id,
                    target_label=target.label,
                    account_id=account.account_id,
                    dataset=dataset.name,
                    category=dataset.category,
                    sha256=sha,
                    size_bytes=size,
                    records=count,
                )
            )
    return collected
