"""The file-only middle of a production: collect through the scope and write the package.

Kept apart from the services so a worker (or the benchmark) can run it without importing the
rest of Exigent: it needs only the adapter, the file system and the facts fixed beforehand.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from exigent.errors import ExigentError
from exigent.files import FileStore
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production import letter
from exigent.production.collect import Preserved, ScopedCollector, Unit, plan
from exigent.production.package import BuildResult, build
from exigent.production.scope import Scope


class TargetNotFound(ExigentError):
    status_code = 409


@dataclass(frozen=True)
class Prepared:
    """Everything the file-only build step needs, fixed in the database beforehand."""

    production_id: int
    scope: Scope
    preserved: dict[tuple[str, str], Preserved]
    facts: dict[str, Any]
    root: Path


def run_build(prepared: Prepared, adapter: PlatformAdapter, store: FileStore) -> BuildResult:
    """Collect and package; touches only the platform's data and the file system."""
    scope = prepared.scope
    found = plan(adapter, scope)
    if found.not_found:
        # Checked before the production was written; an account gone since then stops here,
        # before any file is made.
        missing = ", ".join(sorted({n.target_label for n in found.not_found}))
        raise TargetNotFound(f"{missing}: no such account on the platform")
    today = date.today()
    minors = sorted(
        {
            u.item.target_label
            for u in found.units
            if (age := u.account.age_on(today)) is not None and age < 13
        }
    )
    collector = ScopedCollector(adapter, scope, store=store, preserved=prepared.preserved)
    facts = {
        **prepared.facts,
        "not_found": sorted({n.target_label for n in found.not_found}),
        "minors": minors,
    }
    result = build(
        prepared.root,
        # The id alone could meet a folder left by an earlier database (a demo reset).
        f"{prepared.production_id}-{secrets.token_hex(4)}",
        collector=collector,
        plan=found,
        facts=facts,
        render_letter=letter.render_pdf,
    )
    result.children = children_by_target(found.units, today)
    return result


def children_by_target(units: list[Unit], today: date) -> dict[int, int]:
    """Targets whose platform account gives a birth date under 13 years ago (COPPA)."""
    ages = {u.item.target_id: u.account.age_on(today) for u in units}
    return {target: age for target, age in ages.items() if age is not None and age < 13}
