"""The one place EU orders reach the platform's content, through the adapter's content
control (`platform_data.adapter.ContentControl`): find an item by its locator, withhold it in
every Member State, and keep it with its related data for review (`production.content_hold`).

Restricting is idempotent by reference (the case's reference and the item's position), so an
order executed twice, or retried after a crash, restricts each item once.
"""

from __future__ import annotations

from datetime import datetime

from exigent.files import FileStore
from exigent.platform_data.adapter import (
    AdapterUnavailable,
    Content,
    ContentControl,
    PlatformAdapter,
    Restriction,
    content_control,
)
from exigent.production.content_hold import PreservedContent, preserve_content

EU_REGIONS = ("EU",)


def _control(adapter: PlatformAdapter) -> ContentControl:
    control = content_control(adapter)
    if control is None:
        raise AdapterUnavailable("the platform adapter cannot find or restrict content")
    return control


def find(adapter: PlatformAdapter, locator: str) -> Content | None:
    """The item a locator names, or None when the platform has no such item."""
    return _control(adapter).find_content(locator)


def restrict(
    adapter: PlatformAdapter, content: Content, *, reference: str, reason: str
) -> Restriction:
    """Withhold the item in every Member State (2021/784 Art. 3(3); DSA Art. 9)."""
    return _control(adapter).restrict_content(
        content, regions=EU_REGIONS, reference=reference, reason=reason
    )


def provider_address(adapter: PlatformAdapter, content: Content) -> str | None:
    """Where the platform reaches the item's provider, for the notice of Art. 11; None when
    it has no address or cannot say now: the removal stands, and the analyst addresses it."""
    try:
        return _control(adapter).provider_address(content)
    except AdapterUnavailable:
        return None


def keep(
    adapter: PlatformAdapter,
    store: FileStore,
    content: Content,
    restriction: Restriction,
    *,
    removed_at: datetime,
    now: datetime,
) -> PreservedContent:
    """The removed item and its account's related data, as of the removal (Art. 6)."""
    return preserve_content(
        content, adapter, store, as_of=removed_at, restrictions=[restriction], now=now
    )
