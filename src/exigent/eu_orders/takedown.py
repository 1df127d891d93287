"""The one place EU orders reach the platform's content: find an item by its locator and
withhold it in the EU, through the adapter's content control (`platform_data`).

Restricting is idempotent by reference (the case's reference and the item's position), so
an order executed twice, or retried after a crash, restricts each item once.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

from exigent.errors import ExigentError
from exigent.files import FileStore
from exigent.platform_data.adapter import PlatformAdapter

EU_REGIONS = ("EU",)
MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024


class TakedownUnavailable(ExigentError):
    """The configured platform adapter cannot find or restrict content."""

    status_code = 503


@runtime_checkable
class _ContentControl(Protocol):
    def find_content(self, locator: str) -> Any: ...

    def restrict_content(
        self, content: Any, *, regions: Sequence[str], reference: str, reason: str
    ) -> Any: ...


@dataclass(frozen=True)
class Found:
    """An item as the platform knows it, kept with the order (and preserved when removed)."""

    content_id: str
    account_id: str
    username: str
    url: str
    kind: str
    published_at: str
    text: str


def _control(adapter: PlatformAdapter) -> _ContentControl:
    if not isinstance(adapter, _ContentControl):
        raise TakedownUnavailable("the platform adapter cannot find or restrict content")
    return adapter


def find(adapter: PlatformAdapter, locator: str) -> tuple[Found, Any] | None:
    """The item a locator names, or None when the platform has no such item."""
    content = _control(adapter).find_content(locator)
    if content is None:
        return None
    found = Found(
        content_id=str(content.content_id),
        account_id=str(content.account_id),
        username=str(content.username),
        url=str(content.url),
        kind=str(content.kind),
        published_at=str(content.published_at),
        text=str(content.text),
    )
    return found, content


def restrict(
    adapter: PlatformAdapter, content: Any, *, reference: str, reason: str
) -> dict[str, Any]:
    """Withhold the item in every Member State; the restriction as the platform recorded it."""
    restriction = _control(adapter).restrict_content(
        content, regions=EU_REGIONS, reference=reference, reason=reason
    )
    return {
        "content_id": str(restriction.content_id),
        "regions": list(restriction.regions),
        "reference": str(restriction.reference),
        "restricted_at": str(restriction.restricted_at),
    }


def snapshot(store: FileStore, found: Found) -> tuple[str, int]:
    """The removed item as found, into the file store (2021/784 Art. 6); (sha256, size)."""
    data = json.dumps(asdict(found), sort_keys=True, ensure_ascii=False).encode()
    sha256, size, _ = store.put_stream(io.BytesIO(data), max_bytes=MAX_SNAPSHOT_BYTES)
    return sha256, size
