"""Removed content kept for review: the item and its account's related data, in the file store.

Regulation (EU) 2021/784 Art. 6 has a provider keep content it removed under a removal order,
and the related data, for six months (longer when an authority or court asks), so the removal
can be reviewed and terrorist offences investigated. This is a preservation hold like any
other: the same gzip JSON Lines snapshots, content-addressed, recorded on the case by
`preservation.record_content_hold`, released at expiry by the same deadline worker. What is
new is what it keeps: the content's own record, the account's subscriber record and its
account activity (who posted it and from where), all as of the moment given, and a manifest
naming each snapshot with its SHA-256, whose own SHA-256 stands for the whole.

Like `hold_collect.py`, this writes files only and runs with no database transaction open.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from exigent.files import FileStore
from exigent.platform_data.adapter import Content, PlatformAdapter, Restriction, iso
from exigent.production.hold_collect import Collected, Taken
from exigent.production.snapshots import write_snapshot

KEEP_MONTHS = 6
# The content's own record, kept as one row of a dataset no platform adapter lists (so a
# production never mistakes it for one of the account's datasets).
REMOVED_CONTENT = "removed_content"
CONTENT_FIELDS = ("at", "content_id", "kind", "url", "account_id", "username", "text")
# Who posted it and from where: what a review or an investigation of the removal needs first.
RELATED_CATEGORIES = ("subscriber_info", "account_activity")
MANIFEST_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class PreservedContent:
    """A removed item's snapshots and the manifest that names them."""

    content: Content
    as_of: datetime
    collected: Collected
    manifest_sha256: str
    manifest_size: int

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.category for t in self.collected.taken))


def keep_until(removed_at: datetime, *, months: int = KEEP_MONTHS) -> datetime:
    """When the six months of Art. 6(2) end for content removed at `removed_at`."""
    return removed_at + relativedelta(months=months)


def preserve_content(
    content: Content,
    adapter: PlatformAdapter,
    store: FileStore,
    *,
    as_of: datetime,
    restrictions: Sequence[Restriction] = (),
    now: datetime,
) -> PreservedContent:
    """Snapshot `content` and its account's related data as of `as_of` (the removal)."""
    collected = Collected()
    label = f"content:{content.content_id}"
    written = write_snapshot(store, [_content_row(content)])
    collected.taken.append(_taken(label, content.account_id, REMOVED_CONTENT, "content", written))
    account = adapter.find_account("username", content.username)
    if account is None:
        # The account is gone already: the content alone is what there is to keep.
        collected.missing.append(f"username:{content.username}")
    else:
        end = iso(as_of + timedelta(seconds=1))
        for dataset in adapter.datasets():
            if dataset.category not in RELATED_CATEGORIES:
                continue
            rows = adapter.stream(account, dataset.name, end=end if dataset.ranged else None)
            written = write_snapshot(store, rows)
            collected.taken.append(
                _taken(label, account.account_id, dataset.name, dataset.category, written)
            )
    manifest = _manifest(content, as_of, restrictions, collected, now)
    sha, size, _ = store.put_stream(io.BytesIO(manifest), max_bytes=MANIFEST_LIMIT)
    return PreservedContent(content, as_of, collected, manifest_sha256=sha, manifest_size=size)


def read_manifest(store: FileStore, sha256: str) -> dict[str, object]:
    with store.open(sha256) as handle:
        manifest: dict[str, object] = json.load(handle)
    return manifest


def _taken(
    label: str, account_id: str, dataset: str, category: str, written: tuple[str, int, int]
) -> Taken:
    sha256, size_bytes, records = written
    # No case target: the content is what the order named, not an account.
    return Taken(
        target_id=None,
        target_label=label,
        account_id=account_id,
        dataset=dataset,
        category=category,
        sha256=sha256,
        size_bytes=size_bytes,
        records=records,
    )


def _content_row(content: Content) -> tuple[str, ...]:
    return (content.published_at, content.content_id, content.kind, content.url,
            content.account_id, content.username, content.text)  # fmt: skip


def _manifest(
    content: Content,
    as_of: datetime,
    restrictions: Sequence[Restriction],
    collected: Collected,
    now: datetime,
) -> bytes:
    """What was kept and why, in a stable form: the same keeping gives the same digest."""
    body = {
        "purpose": "Regulation (EU) 2021/784 Art. 6: removed content and related data",
        "content": asdict(content),
        "restrictions": [asdict(r) for r in restrictions],
        "as_of": iso(as_of),
        "preserved_at": iso(now),
        "keep_until": iso(keep_until(as_of)),
        "content_fields": list(CONTENT_FIELDS),
        "account_not_found": collected.missing,
        "snapshots": [
            {
                "dataset": t.dataset,
                "category": t.category,
                "account_id": t.account_id,
                "sha256": t.sha256,
                "size_bytes": t.size_bytes,
                "records": t.records,
                "format": "gzip JSON Lines",
            }
            for t in collected.taken
        ],
    }
    return (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
