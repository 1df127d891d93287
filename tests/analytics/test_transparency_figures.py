"""The transparency report's figures agree with a count over the raw case rows, on both
databases: per country and class, with a withdrawn case, a case withheld, and a case received
late on 30 June in Chicago that is already 1 July in UTC."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from analytics.transparency_cases import make_half_year, raw_for
from eu_orders.records import eu_record
from exigent.analytics.facts import rebuild_facts
from exigent.analytics.report_layouts import (
    GOOGLE_HEADER,
    Layout,
    render_csv,
    rules_for,
)
from exigent.analytics.transparency import build_figures, chosen_period, half_year
from exigent.cases.models import Request
from exigent.errors import BadInput
from exigent.eu_orders.models import EuOrderRecord
from legal.flows import create_case

CLASSES = ("legal", "emergency", "preservation")


@pytest.fixture
def half_year_cases(client, analyst, lead, factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return make_half_year(client, analyst, lead, factory)


def test_every_figure_matches_a_count_over_the_raw_rows(half_year_cases, factory) -> None:  # type: ignore[no-untyped-def]
    for label in ("2026H1", "2026H2"):
        period = half_year(label)
        with factory() as session:
            figures = build_figures(session, period)
            raw = raw_for(session, period)
        assert sorted(c.country for c in figures.countries) == sorted(raw)
        for country in figures.countries:
            expected = raw[country.country]
            for name in CLASSES:
                tally = getattr(country, name)
                assert tally.requests == expected.requests[name], (label, country.country, name)
                assert tally.accounts == expected.accounts[name], (label, country.country, name)
                assert tally.some_data == expected.some_data[name], (label, country.country, name)
            assert country.nondisclosure == expected.nondisclosure


def test_a_rebuild_of_the_facts_gives_the_same_figures(half_year_cases, factory) -> None:  # type: ignore[no-untyped-def]
    # The figures above read the rows the upkeep wrote as each case moved; the backfill that
    # `exigent analytics rebuild` runs must agree with them and with the raw count.
    period = half_year("2026H1")
    with factory() as session:
        kept = build_figures(session, period)
        cases = session.scalar(select(func.count()).select_from(Request))
        assert rebuild_facts(session) == cases == len(half_year_cases)
        rebuilt = build_figures(session, period)
        session.rollback()
    assert rebuilt == kept
    assert sum(c.legal.requests for c in rebuilt.countries) == 4


def test_the_half_year_is_that_of_receipt_in_utc(half_year_cases, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        first = build_figures(session, half_year("2026H1"))
        second = build_figures(session, half_year("2026H2"))
    us_first = next(c for c in first.countries if c.country == "US")
    [us_second] = second.countries
    # Subpoena with data and the one received at 23:30 on 30 June in Chicago (04:30 UTC, 1 July).
    assert us_first.legal.requests == 2
    assert us_second.country == "US" and us_second.legal.requests == 1


def test_what_each_country_asked_and_got(half_year_cases, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        figures = build_figures(session, half_year("2026H1"))
    countries = {c.country: c for c in figures.countries}
    us, gb, de = countries["US"], countries["GB"], countries["DE"]
    assert (us.legal.requests, us.legal.accounts, us.legal.some_data) == (2, 3, 1)
    assert (us.emergency.requests, us.emergency.some_data, us.emergency.share) == (1, 1, 1.0)
    assert (us.preservation.requests, us.preservation.accounts) == (1, 3)
    assert (gb.legal.requests, gb.legal.some_data, gb.nondisclosure) == (1, 0, 1)
    # A withdrawn request was still received: it counts, with nothing produced.
    assert (de.legal.requests, de.legal.some_data, de.legal.share) == (1, 0, 0.0)


def _rows(output: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output.decode("utf-8"))))


@pytest.mark.parametrize("preservation_in_totals", [True, False])
def test_tiktok_totals_follow_the_stated_preservation_rule(
    half_year_cases, factory, preservation_in_totals: bool
) -> None:  # type: ignore[no-untyped-def]
    period = half_year("2026H1")
    rules = rules_for(Layout.tiktok, preservation_in_totals=preservation_in_totals)
    with factory() as session:
        output = render_csv(build_figures(session, period), rules)
        raw = raw_for(session, period)
    rows = {row["Country/Region"]: row for row in _rows(output)}
    us, counted = rows["United States"], raw["US"]
    classes = CLASSES if preservation_in_totals else ("legal", "emergency")
    total = sum(counted.requests[c] for c in classes)
    assert int(us["Total requests"]) == total
    assert int(us["Accounts specified"]) == sum(counted.accounts[c] for c in classes)
    produced = sum(counted.some_data[c] for c in classes)
    assert us["Share with some data disclosed"] == f"{produced / total:.2f}"
    assert int(us["Legal requests"]) == counted.requests["legal"]
    assert int(us["Preservation requests"]) == counted.requests["preservation"]
    assert int(us["Preservation accounts"]) == counted.accounts["preservation"]
    assert int(us["Emergency requests"]) == counted.requests["emergency"]
    assert us["Emergency share with some data disclosed"] == "1.00"
    assert list(rows) == ["Germany", "United Kingdom", "United States"]
    statement = "count toward the total" if preservation_in_totals else "do not count toward"
    assert any(statement in s for s in rules.statements())


def test_the_layouts_default_to_their_publishers_preservation_rule() -> None:
    assert rules_for(Layout.tiktok).preservation_in_totals is True
    assert rules_for(Layout.google).preservation_in_totals is False


def test_google_layout_has_the_published_header_and_lines(half_year_cases, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        output = render_csv(build_figures(session, half_year("2026H1")), rules_for(Layout.google))
    header = output.decode().splitlines()[0]
    assert header == (
        "Period Ending,Country/Region,CLDR Territory Code,Legal Process,"
        "User Data Requests,Percentage disclosed,Accounts"
    )
    assert header.split(",") == GOOGLE_HEADER
    lines = {(r["Country/Region"], r["Legal Process"]): r for r in _rows(output)}
    assert set(lines) == {
        ("Germany", "Other Legal Requests"),
        ("United Kingdom", "Other Legal Requests"),
        ("United States", "Subpoenas"),
        ("United States", "Search Warrants"),
        ("United States", "Emergency Disclosure Requests"),
        ("United States", "Preservation Requests"),
    }
    subpoenas = lines[("United States", "Subpoenas")]
    assert subpoenas["Period Ending"] == "2026-06-30"
    assert subpoenas["CLDR Territory Code"] == "US"
    assert (subpoenas["User Data Requests"], subpoenas["Percentage disclosed"]) == ("1", "100")
    assert subpoenas["Accounts"] == "2"
    assert lines[("United States", "Search Warrants")]["Percentage disclosed"] == "0"
    # As published: a preservation line gives no share disclosed.
    assert lines[("United States", "Preservation Requests")]["Percentage disclosed"] == ""


def test_a_period_that_is_not_a_half_year_is_refused_naming_the_field() -> None:
    for bad in ("2026H3", "2026", "H1-2026", "26H1"):
        with pytest.raises(BadInput, match=r"^period: "):
            half_year(bad)
    for first, last, field in (
        (date(2026, 3, 1), None, "last_day"),
        (None, date(2026, 3, 1), "first_day"),
        (date(2026, 3, 2), date(2026, 3, 1), "last_day"),
        (date(9999, 12, 31), date(9999, 12, 31), "first_day"),
    ):
        with pytest.raises(BadInput, match=rf"^{field}: "):
            chosen_period(None, first, last)
    assert half_year("2026H2").since == datetime(2026, 7, 1, tzinfo=UTC)
    assert half_year("2026H2").until == datetime(2027, 1, 1, tzinfo=UTC)


def _dsa_order(client, analyst, factory, kind, state, offence, receipt_h, effect_h):  # type: ignore[no-untyped-def]
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    record = eu_record(kind, received_at=received.isoformat(), eu_order__issuing_state=state)
    record["eu_order"]["offence"] = offence
    record["requester"]["agency_country"] = state
    case = create_case(client, analyst, record)
    with factory() as session:
        session.execute(
            update(EuOrderRecord)
            .where(EuOrderRecord.request_id == case["id"])
            .values(
                received_at=received,
                receipt_told_at=received + timedelta(hours=receipt_h) if receipt_h else None,
                effect_given_at=received + timedelta(hours=effect_h) if effect_h else None,
            )
        )
        session.commit()


def test_dsa_orders_by_member_state_and_content_with_median_times(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    terror = "Terrorist content"
    for receipt_h, effect_h in ((1, 10), (2, 20), (4, None)):
        _dsa_order(client, analyst, factory, "dsa_order_to_act", "DE", terror, receipt_h, effect_h)
    _dsa_order(client, analyst, factory, "dsa_information_order", "FR", "Fraud", 3, 30)
    with factory() as session:
        rows = build_figures(session, half_year("2026H1")).dsa
    by_key = {(r.article, r.member_state, r.content_type): r for r in rows}
    assert set(by_key) == {("Art. 9", "DE", terror), ("Art. 10", "FR", "Fraud")}
    act = by_key[("Art. 9", "DE", terror)]
    assert act.orders == 3
    assert act.median_hours_to_confirm_receipt == 2.0
    # One order not yet given effect has no time to give effect; the median is of the others.
    assert act.median_hours_to_give_effect == 15.0
    info = by_key[("Art. 10", "FR", "Fraud")]
    assert (info.orders, info.median_hours_to_give_effect) == (1, 30.0)
