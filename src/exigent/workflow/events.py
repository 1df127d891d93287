"""The subscribers to case events, wired at start-up by the app and the worker."""

from __future__ import annotations

from exigent.briefs import automatic


def wire_events() -> None:
    """Subscribe every domain that acts on case events (idempotent)."""
    automatic.subscribe()
