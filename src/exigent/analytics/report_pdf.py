"""The transparency report as a PDF: HTML from a Jinja2 template with its charts drawn
offline (altair, rendered to SVG by vl-convert), printed by WeasyPrint.

The PDF carries nothing that changes between runs (no generation time, no random file
identifier), so the same figures always print to the same bytes: a kept report can be
regenerated and compared by its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from exigent.analytics.report_layouts import ReportRules, territory_name
from exigent.analytics.transparency import CODE_VERSION, CountryFigures, Figures, Tally

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_COUNTRIES = 12
FONT = "DejaVu Sans"
COLOURS = {"Legal process": "#1f4e79", "Emergency": "#c0392b", "Preservation": "#7f8c8d"}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )


def _percent(tally: Tally) -> str:
    share = tally.share
    return "\N{EN DASH}" if share is None else f"{share:.0%}"


def _busiest(figures: Figures, rules: ReportRules) -> list[CountryFigures]:
    def volume(c: CountryFigures) -> int:
        return c.total(preservation_in_totals=True).requests

    ranked = sorted(figures.countries, key=lambda c: (-volume(c), c.country))
    return ranked[:CHART_COUNTRIES]


def _svg_data_uri(spec: dict[str, Any]) -> str:
    import vl_convert as vlc  # heavy: only when printing

    svg: str = vlc.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _chart_config() -> dict[str, Any]:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 10, "titleFontSize": 10, "grid": False},
        "legend": {"labelFontSize": 10, "titleFontSize": 10, "orient": "top"},
    }


def volume_chart(figures: Figures, rules: ReportRules) -> str | None:
    """Requests by country and class, the busiest countries first."""
    import altair as alt

    rows = [
        {"country": territory_name(c.country), "class": name, "requests": tally.requests}
        for c in _busiest(figures, rules)
        for name, tally in (
            ("Legal process", c.legal),
            ("Emergency", c.emergency),
            ("Preservation", c.preservation),
        )
        if tally.requests
    ]
    if not rows:
        return None
    order = [territory_name(c.country) for c in _busiest(figures, rules)]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort=order, title=None),
            x=alt.X("requests:Q", title="Requests received", stack="zero"),
            color=alt.Color(
                "class:N",
                title=None,
                scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
            ),
            order=alt.Order("class:N"),
        )
        .properties(width=440, height=max(60, 18 * len(order)))
    )
    spec = chart.to_dict()
    spec["config"] = _chart_config()
    return _svg_data_uri(spec)


def share_chart(figures: Figures, rules: ReportRules) -> str | None:
    """The share of legal and emergency requests with some data produced, by country."""
    import altair as alt

    rows = [
        {"country": territory_name(c.country), "class": name, "share": tally.share}
        for c in _busiest(figures, rules)
        for name, tally in (("Legal process", c.legal), ("Emergency", c.emergency))
        if tally.share is not None
    ]
    if not rows:
        return None
    order = [territory_name(c.country) for c in _busiest(figures, rules)]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort=order, title=None),
            yOffset=alt.YOffset("class:N"),
            x=alt.X(
                "share:Q",
                title="Share with some data produced",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "class:N",
                title=None,
                scale=alt.Scale(
                    domain=["Legal process", "Emergency"],
                    range=[COLOURS["Legal process"], COLOURS["Emergency"]],
                ),
            ),
        )
        .properties(width=440, height=max(60, 26 * len(order)))
    )
    spec = chart.to_dict()
    spec["config"] = _chart_config()
    return _svg_data_uri(spec)


def _country_rows(figures: Figures, rules: ReportRules) -> list[dict[str, Any]]:
    rows = []
    for c in sorted(figures.countries, key=lambda c: territory_name(c.country)):
        total = c.total(preservation_in_totals=rules.preservation_in_totals)
        rows.append(
            {
                "name": territory_name(c.country),
                "code": c.country,
                "legal": c.legal,
                "legal_share": _percent(c.legal),
                "emergency": c.emergency,
                "emergency_share": _percent(c.emergency),
                "preservation": c.preservation,
                "total": total,
                "total_share": _percent(total),
                "nondisclosure": c.nondisclosure,
            }
        )
    return rows


def render_html(figures: Figures, rules: ReportRules) -> str:
    world = figures.totals()
    total = world.total(preservation_in_totals=rules.preservation_in_totals)
    return (
        _environment()
        .get_template("analytics/report_pdf.html")
        .render(
            period=figures.period,
            rules=rules,
            statements=rules.statements(),
            world=world,
            total=total,
            total_share=_percent(total),
            legal_share=_percent(world.legal),
            emergency_share=_percent(world.emergency),
            countries=_country_rows(figures, rules),
            dsa=[
                {**vars(row), "member_state_name": territory_name(row.member_state)}
                for row in figures.dsa
            ],
            volume_chart=volume_chart(figures, rules),
            share_chart=share_chart(figures, rules),
            chart_countries=CHART_COUNTRIES,
            code_version=CODE_VERSION,
        )
    )


def render_pdf(figures: Figures, rules: ReportRules) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only when printing

    html = render_html(figures, rules)
    # The file identifier is derived from the content, not drawn at random, so that the same
    # report prints to the same bytes.
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    pdf: bytes = HTML(string=html).write_pdf(pdf_identifier=identifier)
    return pdf
