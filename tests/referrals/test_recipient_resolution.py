"""Who to tell, from the facts alone: the rules over the shipped agency directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from exigent.errors import BadInput
from exigent.referrals.agency_index import (
    AgencyIndex,
    AgencyPoint,
    GridIndex,
    distance_km,
    shipped_index,
)
from exigent.referrals.eu import EuFacts, country_code
from exigent.referrals.models import HarmType, RecipientKind
from exigent.referrals.resolution import IP_CAVEAT, Facts, Position, best_position, resolve

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
NO_EU = EuFacts(None, None, None, None)
SPRINGFIELD_IL = (39.7817, -89.6501)
# Farmland of Christian County, Illinois: no city police within 4 km.
RURAL_IL = (39.65, -89.45)


def facts(*positions: Position, harm: HarmType = HarmType.violent_threat, **kw: object) -> Facts:
    eu = kw.pop("eu", NO_EU)
    return Facts(harm, bool(kw.pop("imminent", True)), eu, list(positions), **kw)  # type: ignore[arg-type]


def test_a_point_in_a_city_goes_to_its_police_then_sheriff_then_state_police() -> None:
    found = resolve(
        facts(Position(*SPRINGFIELD_IL, "ip", NOW - timedelta(hours=2))), shipped_index(), NOW
    )
    assert [p.name for p in found] == [
        "Springfield Police Department",
        "Sangamon County Sheriff's Office",
        "Illinois State Police",
    ]
    first = found[0]
    assert first.kind is RecipientKind.police and first.ori == "IL0840200"
    assert first.reasons[0] == "Last login IP area Springfield, IL (2026-12-06 10:00 UTC)"
    assert first.reasons[1].startswith("Nearest municipal police within ")
    assert found[1].reasons[1] == "County sheriff for Sangamon County"
    assert found[0].reasons[-1] == IP_CAVEAT
    assert first.distance_km is not None and first.distance_km < 6


def test_a_rural_point_goes_to_the_county_sheriff_first() -> None:
    found = resolve(facts(Position(*RURAL_IL, "gps", NOW)), shipped_index(), NOW)
    assert found[0].name == "Christian County Sheriff's Office"
    assert "No city police within 4 km: the point is outside a city" in found[0].reasons
    assert {p.kind for p in found} == {RecipientKind.police}


def test_no_location_falls_back_to_the_fbi_threat_operations_center() -> None:
    found = resolve(facts(), shipped_index(), NOW)
    assert [p.kind for p in found] == [RecipientKind.ntoc]
    assert found[0].phone == "1-800-225-5324"
    assert found[0].reasons[0] == "No location known for the user"
    assert "tips.fbi.gov" in found[0].reasons[1]


def test_a_point_at_sea_falls_back_to_ntoc() -> None:
    found = resolve(facts(Position(36.0, -40.0, "gps", NOW)), shipped_index(), NOW)
    assert [p.kind for p in found] == [RecipientKind.ntoc]
    assert "no agency within 80 km" in found[0].reasons[0]


def test_the_fresh_precise_position_beats_an_ip_area_and_an_old_fix() -> None:
    gps_old = Position(*RURAL_IL, "gps", NOW - timedelta(days=9))
    ip_new = Position(*SPRINGFIELD_IL, "ip", NOW - timedelta(hours=1))
    wifi = Position(40.0, -89.0, "wifi", NOW - timedelta(hours=5))
    assert best_position([gps_old, ip_new, wifi], NOW) is wifi
    assert best_position([gps_old, ip_new], NOW) is ip_new
    assert best_position([gps_old], NOW) is gps_old


def test_a_city_named_in_the_referral_finds_its_police() -> None:
    found = resolve(facts(city="Springfield", region="IL"), shipped_index(), NOW)
    assert found[0].name == "Springfield Police Department"
    assert found[0].reasons == [
        "Referral names the city Springfield, IL",
        "Municipal police of the city the referral names",
    ]


def test_eu_offence_country_is_the_member_state_concerned() -> None:
    eu = EuFacts("FR", None, "DE", None)
    found = resolve(facts(eu=eu), shipped_index(), NOW)
    assert [(p.kind, p.country) for p in found] == [
        (RecipientKind.eu_member_state, "FR"),
        (RecipientKind.eu_member_state, "DE"),
    ]
    assert found[0].reasons[0] == "The offence is happening in France (offence country FR)"
    # No official contact was found for France: the row says so rather than guessing one.
    assert "to be confirmed" in found[0].reasons[-1]
    assert found[0].email is None


def test_eu_victim_and_suspect_in_different_states_go_to_europol() -> None:
    found = resolve(facts(eu=EuFacts(None, "FR", "DE", None)), shipped_index(), NOW)
    assert found[0].kind is RecipientKind.europol
    assert "Germany and France" in found[0].reasons[0]
    assert [p.country for p in found[1:]] == ["FR", "DE"]


def test_eu_location_only_with_nothing_else_names_that_state_and_nothing_goes_to_europol() -> None:
    found = resolve(facts(eu=EuFacts(None, None, None, "IE")), shipped_index(), NOW)
    assert [(p.kind, p.country) for p in found] == [(RecipientKind.eu_member_state, "IE")]


def test_an_unknown_member_state_code_is_refused_naming_the_field() -> None:
    with pytest.raises(BadInput) as refused:
        country_code("offence_country", "XX")
    assert refused.value.message.startswith("offence_country: 'XX' is not a known Member State")
    assert country_code("victim_country", "el") == "GR"
    assert country_code("suspect_country", " ") is None


def test_child_exploitation_goes_to_ncmec_first_and_the_police_when_imminent() -> None:
    point = Position(*SPRINGFIELD_IL, "gps", NOW)
    cse = HarmType.child_sexual_exploitation
    imminent = resolve(facts(point, harm=cse, imminent=True), shipped_index(), NOW)
    assert [p.kind for p in imminent][:2] == [RecipientKind.ncmec, RecipientKind.police]
    assert imminent[1].name == "Springfield Police Department"
    later = resolve(facts(point, harm=cse, imminent=False), shipped_index(), NOW)
    assert [p.kind for p in later] == [RecipientKind.ncmec]


def test_the_grid_finds_the_same_nearest_agencies_as_a_full_scan() -> None:
    index = shipped_index()
    everyone = [p for bucket in index.anywhere.cells.values() for p in bucket]
    for lat, lon in [SPRINGFIELD_IL, RURAL_IL, (61.2, -149.9), (21.3, -157.8), (47.6, -122.3)]:
        near = [(distance_km(lat, lon, p.latitude, p.longitude), p) for p in everyone]
        scan = [p for d, p in sorted(near, key=lambda pair: pair[0]) if d <= 500][:5]
        found = [p for _, p in index.anywhere.nearest(lat, lon, k=5, max_km=500)]
        assert found == scan


def test_a_small_index_built_from_points() -> None:
    a = AgencyPoint("X1", "Alpha Police Department", "City", "ONE", "ZZ", 10.0, 10.0)
    s = AgencyPoint("X2", "One County Sheriff", "County", "ONE", "ZZ", 10.3, 10.3)
    index = AgencyIndex([a, s])
    assert len(GridIndex([a, s])) == 2
    assert index.city_police("alpha", "zz") is a
    found = resolve(facts(Position(10.01, 10.01, "gps", NOW)), index, NOW)
    assert [p.ori for p in found] == ["X1", "X2"]


def test_near_a_county_line_the_nearer_station_of_the_other_county_is_proposed_too() -> None:
    index = AgencyIndex(
        [
            AgencyPoint("A0", "Ay County Sheriff", "County", "AY", "ZZ", 10.0, 10.0),
            AgencyPoint("A1", "First Police Department", "City", "AY", "ZZ", 10.2, 10.2),
            AgencyPoint("A2", "Second Police Department", "City", "AY", "ZZ", 10.2, 10.21),
            AgencyPoint("B0", "Bee County Sheriff", "County", "BEE", "ZZ", 10.3, 10.3),
        ]
    )
    found = resolve(facts(Position(10.25, 10.25, "gps", NOW)), index, NOW)
    assert [p.ori for p in found][:3] == ["A0", "B0", "A2"]
    assert found[0].reasons[1] == "County sheriff for Ay County"
    assert found[1].reasons[1].startswith("Nearest sheriff's station, 7.8 km away, is Bee County's")
