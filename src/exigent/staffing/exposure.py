"""Exposure to harmful content as the roster sees it, handed down from above.

Exposure belongs to the wellbeing domain, which staffing may not import: the application
hands down an `ExposureSource` (`workflow.exposure.recent_exposure`) and the planner, the
swap checks and the person page read its figures. The rules the budget sets, for a person
whose exposure is high or who had a severe exposure, are the planner's (`planning.
ExposureBudget`), so a swap is refused for the same reasons a draft avoids it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exigent.staffing.planning import ExposureBudget


@dataclass(frozen=True)
class ExposureFigures:
    """Each person's exposure (0..1) of late, and when they last had a severe exposure."""

    level: Mapping[int, float] = field(default_factory=dict)
    severe_at: Mapping[int, datetime] = field(default_factory=dict)

    def recovering_until(self, user_id: int, budget: ExposureBudget) -> datetime | None:
        """The end of the person's recovery block after their last severe exposure, if any."""
        severe = self.severe_at.get(user_id)
        return severe + timedelta(days=budget.recovery_days) if severe else None


ExposureSource = Callable[[Session, datetime], ExposureFigures]


def no_exposure(_session: Session, _now: datetime) -> ExposureFigures:
    """For a caller without the wellbeing domain at hand: nobody counts as exposed."""
    return ExposureFigures()
