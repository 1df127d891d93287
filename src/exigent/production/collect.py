"""Collection: reading the platform's records for a production, and only through the scope.

`ScopedCollector.rows` is the only way a production reads records: it asks the scope first,
then reads preserved rows (data kept by a hold on the case, as of the request) and the live
store for whatever the snapshot does not cover.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from exigent.files import FileStore
from exigent.platform_data.adapter import Account, Dataset, PlatformAdapter, Row
from exigent.production.scope import OutOfScope, Scope, ScopeItem
from exigent.production.snapshots import read_snapshot


@dataclass(frozen=True)
class Preserved:
    """A snapshot a hold on the case keeps for one account and dataset."""

    hold_id: int
    account_id: str
    dataset: str
    sha256: str
    cutoff: str


@dataclass(frozen=True)
class Unit:
    """One dataset of one target account to produce."""

    item: ScopeItem
    account: Account
    dataset: Dataset


@dataclass(frozen=True)
class Plan:
    units: list[Unit]
    # Targets the platform has no account for: said on the cover letter, nothing produced.
    not_found: list[ScopeItem]


def plan(adapter: PlatformAdapter, scope: Scope) -> Plan:
    """Every (target account, dataset) the approved scope covers, in a stable order."""
    units: list[Unit] = []
    not_found: list[ScopeItem] = []
    accounts: dict[int, Account | None] = {}
    for item in scope.items:
        if item.target_id not in accounts:
            accounts[item.target_id] = adapter.find_account(item.identifier_type, item.value)
        account = accounts[item.target_id]
        if account is None:
            not_found.append(item)
            continue
        units.extend(
            Unit(item, account, dataset)
            for dataset in adapter.datasets()
            if dataset.category == item.category
        )
    return Plan(units, not_found)


class ScopedCollector:
    """Reads records for one production; refuses anything its scope does not allow."""

    def __init__(
        self,
        adapter: PlatformAdapter,
        scope: Scope,
        *,
        store: FileStore,
        preserved: Mapping[tuple[str, str], Preserved] | None = None,
    ) -> None:
        self.adapter = adapter
        self.scope = scope
        self.store = store
        self.preserved = dict(preserved or {})
        self.datasets = {d.name: d for d in adapter.datasets()}
        # Which units drew on preserved data, for the custody record and the cover letter.
        self.used_preserved: set[tuple[str, str]] = set()
        self._accounts: dict[int, Account | None] = {}

    def rows(
        self,
        target_id: int,
        category: str,
        dataset: str,
        *,
        start: str | None = None,
        end: str | None = None,
    ) -> Iterator[Row]:
        low, high = self.scope.authorize(target_id, category, start, end)
        found = self.datasets.get(dataset)
        if found is None or found.category != category:
            raise OutOfScope(f"dataset {dataset} is not part of {category}", category=category)
        account = self._account(target_id)
        kept = self.preserved.get((account.account_id, dataset))
        if not found.ranged:
            yield from self._unranged(account, dataset, kept)
            return
        after = None
        if kept is not None:
            self.used_preserved.add((account.account_id, dataset))
            yield from read_snapshot(self.store, kept.sha256, start=low, end=min(high, _next(kept)))
            after = kept.cutoff
        yield from self.adapter.stream(account, dataset, start=low, end=high, after=after)

    def _account(self, target_id: int) -> Account:
        """The target's account as the scope names it: a caller cannot point elsewhere."""
        if target_id not in self._accounts:
            item = next(i for i in self.scope.items if i.target_id == target_id)
            self._accounts[target_id] = self.adapter.find_account(item.identifier_type, item.value)
        account = self._accounts[target_id]
        if account is None:
            raise OutOfScope(f"target {target_id} has no account on the platform")
        return account

    def _unranged(self, account: Account, dataset: str, kept: Preserved | None) -> Iterator[Row]:
        """The record as preserved, then as it stands now if it has changed since."""
        seen: set[Row] = set()
        if kept is not None:
            self.used_preserved.add((account.account_id, dataset))
            for row in read_snapshot(self.store, kept.sha256, start=None, end=None):
                seen.add(row)
                yield row
        for row in self.adapter.stream(account, dataset):
            if tuple(row) not in seen:
                yield row


def _next(kept: Preserved) -> str:
    """Just past the cutoff, so a row stamped exactly at the cutoff comes from the snapshot."""
    return kept.cutoff + "\x00"
