"""Each dashboard panel as one table: the page shows it beside its chart, the CSV download is
the same rows, so what is read and what is downloaded never differ."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from exigent.analytics.clocks import BreachedCase, SlaRow, Spread
from exigent.analytics.fraud import FraudFigures
from exigent.analytics.models import FactOutcome
from exigent.analytics.queries import Backlog, VolumeSeries
from exigent.analytics.workload import Figures, WorkloadReport
from exigent.analytics.workload_rules import ALL_LENSES, Lens
from exigent.web.labels import label


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    # What the chart draws, as Chart.js data (labels and datasets); None for tables only.
    chart: dict[str, Any] | None = None
    chart_type: str = "bar"
    notes: list[str] = field(default_factory=list)
    # The few figures a reader wants first, shown above the chart: (what, value in words).
    figures: list[tuple[str, str]] = field(default_factory=list)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.header)
        for row in self.rows:
            writer.writerow(["" if v is None else v for v in row])
        return out.getvalue()


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def volume_table(found: VolumeSeries) -> Table:
    labels = [s.date().isoformat() for s in found.starts]
    return Table(
        name="volume",
        title=f"Cases received per {found.bucket}, by {found.dimension.replace('_', ' ')}",
        header=[f"{found.bucket} starting (UTC)", *found.series, "total"],
        rows=[
            [
                label,
                *(counts[i] for counts in found.series.values()),
                sum(counts[i] for counts in found.series.values()),
            ]
            for i, label in enumerate(labels)
        ],
        chart={
            "labels": labels,
            "datasets": [{"label": label(k), "data": v} for k, v in found.series.items()],
            "stacked": True,
        },
    )


def backlog_table(found: Backlog) -> Table:
    return Table(
        name="backlog",
        title="Open cases now, by age",
        header=["age", "open cases"],
        rows=[[band, count] for band, count in found.bands],
        chart={
            "labels": [band for band, _ in found.bands],
            "datasets": [{"label": "open cases", "data": [c for _, c in found.bands]}],
        },
    )


def sla_table(rows: list[SlaRow]) -> Table:
    clocks = sorted({r.clock for r in rows}, key=["acknowledge", "decide"].index)
    priorities = sorted({r.priority for r in rows})
    by = {(r.priority, r.clock): r for r in rows}
    return Table(
        name="sla",
        title="Clocks met, per priority",
        header=["priority", "clock", "met", "breached", "still running", "attainment %"],
        rows=[
            [
                r.priority,
                r.clock,
                r.met,
                r.breached,
                r.running,
                None if r.attainment is None else round(r.attainment * 100, 1),
            ]
            for r in rows
        ],
        chart={
            "labels": priorities,
            "datasets": [
                {
                    "label": f"{clock} met %",
                    "data": [
                        None if (a := by[(p, clock)].attainment) is None else round(a * 100, 1)
                        for p in priorities
                    ],
                }
                for clock in clocks
            ],
            "percent": True,
        },
    )


def times_table(spreads: list[Spread]) -> Table:
    return Table(
        name="times",
        title="Time from receipt to each step (hours)",
        header=["step", "cases", "median h", "p90 h", "worst h"],
        rows=[
            [
                s.step,
                s.count,
                _hours(s.median_seconds),
                _hours(s.p90_seconds),
                _hours(s.worst_seconds),
            ]
            for s in spreads
        ],
        chart={
            "labels": [s.step for s in spreads],
            "datasets": [
                {"label": "median", "data": [_hours(s.median_seconds) for s in spreads]},
                {"label": "p90", "data": [_hours(s.p90_seconds) for s in spreads]},
                {"label": "worst", "data": [_hours(s.worst_seconds) for s in spreads]},
            ],
            "unit": "hours",
        },
    )


def outcomes_table(found: dict[str, dict[str, int]], by: str) -> Table:
    outcomes = [o.value for o in FactOutcome if any(o.value in v for v in found.values())]
    return Table(
        name=f"outcomes-{by}",
        title=f"Outcomes per {by}",
        header=[by, *outcomes, "total"],
        rows=[[key, *(v.get(o, 0) for o in outcomes), sum(v.values())] for key, v in found.items()],
        chart={
            "labels": [label(k) if by == "kind" else k for k in found],
            "datasets": [
                {"label": label(o), "data": [v.get(o, 0) for v in found.values()]} for o in outcomes
            ],
            "stacked": True,
        },
    )


# How a case was caught, as the fraud panel says it (`facts.CAUGHT_WAYS`).
CAUGHT_WORDS = {
    "callback_denied": "a callback the agency denied",
    "rejected_fraud": "rejected as fraud",
    "requester_marked": "requester marked fraudulent",
    "agency_marked": "agency marked fraudulent",
}
# Signals on the chart: the most frequent, so the bars stay readable on a phone.
CHART_SIGNALS = 10


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "none yet"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _many(count: int, one: str, more: str) -> str:
    return f"{count} {one if count == 1 else more}"


def fraud_table(found: FraudFigures) -> Table:
    caught_by = [(CAUGHT_WORDS.get(how, how), n) for how, n in found.caught_by.items()]
    rows: list[list[Any]] = [
        ["attempts (flagged high or critical risk, or caught)", found.attempts],
        ["flagged high or critical risk", found.flagged],
        ["caught as an impostor's", found.caught],
        ["caught that the risk score had flagged", found.caught_flagged],
        *[[f"caught first by {how}", n] for how, n in caught_by],
        *[[f"signal on caught cases: {code}", n] for code, n in found.signals.items()],
        ["time to catch, median h", _hours(found.catch_median_seconds)],
        ["time to catch, p90 h", _hours(found.catch_p90_seconds)],
        ["time to catch, worst h", _hours(found.catch_worst_seconds)],
        ["requesters marked fraudulent", found.requesters_marked],
        ["agencies marked fraudulent", found.agencies_marked],
        ["agencies named by a caught impostor", found.agencies_impersonated],
    ]
    shown = list(found.signals.items())[:CHART_SIGNALS]
    return Table(
        name="fraud",
        title="Fraud attempts and how they were caught",
        header=["figure", "value"],
        rows=rows,
        chart={
            "labels": [label(code) for code, _ in shown],
            "datasets": [
                {"label": "caught cases the signal fired on", "data": [n for _, n in shown]}
            ],
            "horizontal": True,
        }
        if shown
        else None,
        figures=[
            ("Impostors caught", str(found.caught)),
            *[(f"Caught by {how}", str(n)) for how, n in caught_by],
            (
                "Flagged high or critical risk",
                f"{found.flagged} ({found.caught_flagged} of them caught)",
            ),
            (
                "Time to catch",
                f"median {_duration(found.catch_median_seconds)}, "
                f"worst {_duration(found.catch_worst_seconds)}",
            ),
            (
                "Marked fraudulent",
                f"{_many(found.requesters_marked, 'requester', 'requesters')}, "
                f"{_many(found.agencies_marked, 'agency', 'agencies')}",
            ),
        ]
        if found.attempts
        else [],
    )


def breaches_table(cases: list[BreachedCase]) -> Table:
    return Table(
        name="breaches",
        title="Breached cases",
        header=["case", "kind", "priority", "received (UTC)", "due (UTC)", "done (UTC)"],
        rows=[
            [
                c.request_id,
                c.kind,
                c.priority,
                c.received_at.isoformat(),
                c.due_at.isoformat(),
                c.done_at.isoformat() if c.done_at else None,
            ]
            for c in cases
        ],
    )


# The workload columns, each with the family of figures it belongs to (who may see it by name).
CASE_COLUMNS = ["assigned", "decided", "open now"]
SHARED_COLUMNS: list[tuple[str, Lens]] = [
    ("case actions", Lens.cases),
    ("case actions after hours", Lens.cases),
    ("exposures", Lens.exposure),
    ("exposure minutes", Lens.exposure),
    ("severe", Lens.exposure),
    ("moderate", Lens.exposure),
    ("light", Lens.exposure),
    ("pages", Lens.shifts),
    ("pages acknowledged", Lens.shifts),
    ("median minutes to acknowledge", Lens.shifts),
    ("pages after hours", Lens.shifts),
    ("hours on shift", Lens.shifts),
]


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _shared(f: Figures, shown: frozenset[Lens]) -> list[Any]:
    values = [
        f.case_actions,
        f.case_actions_after_hours,
        f.exposures,
        _minutes(f.exposure_seconds),
        f.severe,
        f.moderate,
        f.light,
        f.pages,
        f.pages_acknowledged,
        _minutes(f.ack_median_seconds),
        f.pages_after_hours,
        round(f.shift_minutes / 60, 1),
    ]
    return [
        v if lens in shown else None for v, (_, lens) in zip(values, SHARED_COLUMNS, strict=True)
    ]


def _cases(f: Figures, shown: frozenset[Lens]) -> list[Any]:
    return [f.assigned, f.decided, f.open_now] if Lens.cases in shown else [None] * 3


def workload_team_table(found: WorkloadReport) -> Table:
    """The team's totals, one figure a line: they name nobody, so every reader has them."""
    team = found.team
    values = [*_cases(team, ALL_LENSES), *_shared(team, ALL_LENSES)]
    names = [*CASE_COLUMNS, *(name for name, _ in SHARED_COLUMNS)]
    return Table(
        name="workload-team",
        title="Team totals",
        header=["figure", "value"],
        rows=[[name, value] for name, value in zip(names, values, strict=True)],
    )


def workload_people_table(found: WorkloadReport) -> Table:
    """Each person the reader may see: their own row whole, others' as their role allows."""
    header = ["person", *CASE_COLUMNS, *(name for name, _ in SHARED_COLUMNS)]
    return Table(
        name="workload-people",
        title="Per person",
        header=header,
        rows=[
            [p.name, *_cases(p.figures, p.shown), *_shared(p.figures, p.shown)]
            for p in found.people
        ],
        notes=["A dash: nothing to count, or a figure that is not yours to see by name."],
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def workload_shifts_table(found: WorkloadReport) -> Table:
    """The same figures per shift group, with each group's share of the team's severe
    exposure, pages and after-hours work: no names, and small groups only to those who may
    see each person's figures."""
    team = found.team
    header = [
        "shift",
        "people",
        *(name for name, _ in SHARED_COLUMNS),
        "% of severe exposure",
        "% of pages",
        "% of hours on shift",
    ]
    rows = []
    for s in found.shifts:
        f, shown = s.figures, s.shown
        shares = [
            _share(f.severe, team.severe) if Lens.exposure in shown else None,
            _share(f.pages, team.pages) if Lens.shifts in shown else None,
            _share(f.shift_minutes, team.shift_minutes) if Lens.shifts in shown else None,
        ]
        rows.append([s.group, len(f.people), *_shared(f, shown), *shares])
    labels = [s.group for s in found.shifts]
    return Table(
        name="workload-shifts",
        title="Per shift",
        header=header,
        rows=rows,
        chart={
            "labels": labels,
            "datasets": [
                {"label": name, "data": [r[index] for r in rows]}
                for index, name in (
                    (-3, "% of severe exposure"),
                    (-2, "% of pages"),
                    (-1, "% of hours on shift"),
                )
            ],
            "percent": True,
        }
        if rows
        else None,
    )
