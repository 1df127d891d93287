"""The transparency report as CSV, in the layouts platforms publish: TikTok's (one row per
country) and Google's (one row per country and type of legal process).

Whether preservation requests count toward a total is a stated rule: each layout has the
default its publisher uses (TikTok counts them, Google does not), and settings or the person
generating the report may choose otherwise; the report says which rule it used.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from exigent.analytics.transparency import CountryFigures, Figures, Tally
from exigent.errors import BadInput


class Layout(StrEnum):
    tiktok = "tiktok"
    google = "google"


PRESERVATION_IN_TOTALS_BY_DEFAULT = {Layout.tiktok: True, Layout.google: False}
# 50 U.S.C. 1874(a): national security process may be reported only in bands.
NATIONAL_SECURITY_BANDS = (0, 250, 500)

TIKTOK_HEADER = [
    "Country/Region",
    "Total requests",
    "Legal requests",
    "Accounts specified",
    "Share with some data disclosed",
    "Preservation requests",
    "Preservation accounts",
    "Emergency requests",
    "Emergency accounts",
    "Emergency share with some data disclosed",
]
# Exactly the header of Google's published file.
GOOGLE_HEADER = [
    "Period Ending",
    "Country/Region",
    "CLDR Territory Code",
    "Legal Process",
    "User Data Requests",
    "Percentage disclosed",
    "Accounts",
]
GOOGLE_EMERGENCY = "Emergency Disclosure Requests"
GOOGLE_PRESERVATION = "Preservation Requests"
GOOGLE_OTHER_LEGAL = "Other Legal Requests"
# Google breaks US legal process down by instrument; elsewhere all of it is one line. A
# real-time order may be a pen register or a wiretap, which the case does not tell apart, so
# it is reported with the other court orders.
GOOGLE_US_KINDS = {
    "subpoena": "Subpoenas",
    "search_warrant": "Search Warrants",
    "court_order": "Other Court Orders",
    "real_time": "Other Court Orders",
}


@dataclass(frozen=True)
class ReportRules:
    """How a report counts: its layout, whether preservation counts toward totals, and the
    band national security process is reported in (0: not reported)."""

    layout: Layout
    preservation_in_totals: bool
    national_security_band: int = 0

    def statements(self) -> list[str]:
        """What the report says about how it counted."""
        preservation = (
            "Preservation requests count toward the total requests."
            if self.preservation_in_totals
            else "Preservation requests are reported separately and do not count toward totals."
        )
        return [
            "A request counts in the period in which it was received, in UTC.",
            "Every request received counts, including requests later withdrawn or rejected.",
            preservation,
            national_security_statement(self.national_security_band),
        ]


def rules_for(
    layout: Layout, *, preservation_in_totals: bool | None = None, national_security_band: int = 0
) -> ReportRules:
    """The layout's rules, with its publisher's preservation rule unless one is chosen."""
    if national_security_band not in NATIONAL_SECURITY_BANDS:
        raise BadInput(f"national_security_band: must be one of {NATIONAL_SECURITY_BANDS}")
    return ReportRules(
        layout=layout,
        preservation_in_totals=(
            PRESERVATION_IN_TOTALS_BY_DEFAULT[layout]
            if preservation_in_totals is None
            else preservation_in_totals
        ),
        national_security_band=national_security_band,
    )


def national_security_statement(band: int) -> str:
    if not band:
        return "National security requests are not reported."
    # Exigent receives no national security process, so the count is always the lowest band.
    return f"National security requests (all types combined, US only): 0-{band - 1}."


@lru_cache(maxsize=1)
def territory_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code to the CLDR English short name Google's reports use."""
    path = Path(__file__).resolve().parent / "territories.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def territory_name(code: str) -> str:
    if code == "ZZ":
        return "Unknown"
    return territory_names().get(code, code)


def _fraction(tally: Tally) -> str:
    share = tally.share
    return "" if share is None else f"{share:.2f}"


def _percent(tally: Tally) -> str:
    share = tally.share
    return "" if share is None else str(round(share * 100))


def tiktok_rows(figures: Figures, rules: ReportRules) -> list[list[str]]:
    rows: list[list[str]] = []
    for country in sorted(figures.countries, key=lambda c: territory_name(c.country)):
        total = country.total(preservation_in_totals=rules.preservation_in_totals)
        rows.append(
            [
                territory_name(country.country),
                str(total.requests),
                str(country.legal.requests),
                str(total.accounts),
                _fraction(total),
                str(country.preservation.requests),
                str(country.preservation.accounts),
                str(country.emergency.requests),
                str(country.emergency.accounts),
                _fraction(country.emergency),
            ]
        )
    return rows


def _google_lines(country: CountryFigures) -> list[tuple[str, Tally, bool]]:
    """(legal process, tally, whether a share is published) for one country."""
    lines: list[tuple[str, Tally, bool]] = []
    if country.country == "US":
        named: dict[str, Tally] = {}
        for kind, tally in country.legal_by_kind.items():
            named.setdefault(GOOGLE_US_KINDS.get(kind, GOOGLE_OTHER_LEGAL), Tally()).add(tally)
        lines += [(name, tally, True) for name, tally in named.items()]
    elif country.legal.requests:
        lines.append((GOOGLE_OTHER_LEGAL, country.legal, True))
    if country.emergency.requests:
        lines.append((GOOGLE_EMERGENCY, country.emergency, True))
    if country.preservation.requests:
        lines.append((GOOGLE_PRESERVATION, country.preservation, False))
    return sorted(lines, key=lambda line: line[0])


def google_rows(figures: Figures, rules: ReportRules) -> list[list[str]]:
    rows: list[list[str]] = []
    for country in sorted(figures.countries, key=lambda c: territory_name(c.country)):
        for process, tally, with_share in _google_lines(country):
            rows.append(
                [
                    figures.period.ending_on,
                    territory_name(country.country),
                    "" if country.country == "ZZ" else country.country,
                    process,
                    str(tally.requests),
                    _percent(tally) if with_share else "",
                    str(tally.accounts),
                ]
            )
    return rows


def render_csv(figures: Figures, rules: ReportRules) -> bytes:
    """The report in its layout: UTF-8, a header line, `\\n` line ends, as published."""
    header, rows = (
        (TIKTOK_HEADER, tiktok_rows(figures, rules))
        if rules.layout is Layout.tiktok
        else (GOOGLE_HEADER, google_rows(figures, rules))
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
