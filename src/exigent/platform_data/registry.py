"""The platform adapters Exigent knows, by the name `EXIGENT_PLATFORM_ADAPTER` gives.

A company's own adapter is one more entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from exigent.config import Settings
from exigent.platform_data.adapter import AdapterUnavailable, PlatformAdapter
from exigent.platform_data.demo import demo_adapter

AdapterFactory = Callable[[Settings], PlatformAdapter]
ADAPTERS: dict[str, AdapterFactory] = {"demo": demo_adapter}


@contextmanager
def open_adapter(settings: Settings) -> Iterator[PlatformAdapter]:
    """The configured adapter for one piece of work, closed when it is done."""
    adapter = get_adapter(settings)
    try:
        yield adapter
    finally:
        adapter.close()


def get_adapter(settings: Settings) -> PlatformAdapter:
    """The adapter the settings name (`EXIGENT_PLATFORM_ADAPTER`, `demo` by default)."""
    factory = ADAPTERS.get(settings.platform_adapter)
    if factory is None:
        known = ", ".join(sorted(ADAPTERS))
        raise AdapterUnavailable(
            f"platform adapter {settings.platform_adapter!r} is not installed (known: {known})"
        )
    return factory(settings)
