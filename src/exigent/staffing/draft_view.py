"""What the draft roster's page reads: progress, the heatmap by hour of week, the roster grid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.staffing.draft_models import DraftStatus, RosterDraft
from exigent.staffing.drafting import period_start

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REASONS_SHOWN = 3


@dataclass
class HeatCell:
    """One hour of the week for one skill: person-hours asked and given over the period."""

    day: int  # 0 Monday, UTC
    hour: int
    required: int
    rostered: int
    short_hours: int
    reasons: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.short_hours:
            return "short"
        return "ok" if self.required else "none"

    @property
    def title(self) -> str:
        when = f"{DAY_NAMES[self.day]} {self.hour:02d}:00 UTC"
        if not self.required:
            return f"{when}: nothing required, {self.rostered} person-hours rostered"
        text = f"{when}: {self.rostered} of {self.required} person-hours"
        if self.short_hours:
            text += f", {self.short_hours} hour(s) short"
        return text + ("; " + "; ".join(self.reasons) if self.reasons else "")


@dataclass
class DraftView:
    draft: RosterDraft
    names: dict[str, str]
    heat: dict[str, list[list[HeatCell]]]  # skill -> 7 days x 24 hours
    days: list[date]
    grid: list[tuple[str, list[str]]]  # (name, shift codes per day)
    short_hours: int

    @property
    def working(self) -> bool:
        return self.draft.status in (DraftStatus.queued, DraftStatus.running)

    @property
    def gap_percent(self) -> float | None:
        """How far the best roster may be from the best possible, as the solver proved it."""
        best, bound = self.draft.best_objective, self.draft.bound
        if best is None or bound is None or not best:
            return None
        return max(0.0, 100.0 * (best - bound) / best)


def _reasons(draft: RosterDraft) -> dict[tuple[int, str], list[str]]:
    """Each gap's reasons, folded onto its hour of the week."""
    offset = draft.starts_on.weekday() * 24
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for gap in draft.gaps:
        reasons = found[(offset + int(gap["hour"])) % 168, gap["skill"]]
        for reason in gap["reasons"]:
            if reason not in reasons and len(reasons) < REASONS_SHOWN:
                reasons.append(reason)
    return found


def _heat(draft: RosterDraft) -> dict[str, list[list[HeatCell]]]:
    reasons = _reasons(draft)
    table: dict[str, list[list[HeatCell]]] = {}
    for cell in draft.heatmap:
        how, skill = int(cell["hour_of_week"]), str(cell["skill"])
        rows = table.setdefault(skill, [[] for _ in range(7)])
        rows[how // 24].append(
            HeatCell(
                day=how // 24,
                hour=how % 24,
                required=int(cell["required"]),
                rostered=int(cell["rostered"]),
                short_hours=int(cell["short_hours"]),
                reasons=reasons.get((how, skill), []),
            )
        )
    for rows in table.values():
        for row in rows:
            row.sort(key=lambda c: c.hour)
    return table


def _names(session: Session, draft: RosterDraft) -> dict[str, str]:
    ids = {int(row["person"]) for row in draft.roster} | {int(s["person"]) for s in draft.scores}
    users = list(session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    return {str(u.id): u.name for u in users}


def _grid(draft: RosterDraft, names: dict[str, str]) -> list[tuple[str, list[str]]]:
    start = period_start(draft.starts_on)
    codes: dict[str, list[str]] = {}
    for row in draft.roster:
        day = (datetime.fromisoformat(row["start"]) - start) // timedelta(days=1)
        if 0 <= day < draft.days:
            cells = codes.setdefault(row["person"], [""] * draft.days)
            cells[day] = (cells[day] + " " + row["shift"]).strip()
    return sorted(((names.get(p, p), cells) for p, cells in codes.items()), key=lambda r: r[0])


def draft_view(session: Session, draft: RosterDraft) -> DraftView:
    names = _names(session, draft)
    return DraftView(
        draft=draft,
        names=names,
        heat=_heat(draft),
        days=[draft.starts_on + timedelta(days=i) for i in range(draft.days)],
        grid=_grid(draft, names),
        short_hours=sum(int(c["short_hours"]) for c in draft.heatmap),
    )
