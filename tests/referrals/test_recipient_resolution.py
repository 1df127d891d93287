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
    assert found[0].reasons[:2] == [
        "Referral names the city Springfield, IL",
        "Municipal police of the city the referral names",
    ]
    assert found[0].reasons[2].startswith("The point is in IL by the region the referral names")


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


# Downtown Columbus, Ohio: the FBI list also puts Indiana's and Idaho's Franklin County
# sheriffs here, beside Ohio's.
COLUMBUS_OH = (39.9612, -82.9988)


def test_columbus_ohio_gets_only_ohio_agencies() -> None:
    index = shipped_index()
    # Indiana's is far from its county's other agencies; Idaho's county has too few to tell,
    # so only the state rule keeps it out.
    assert "IN0240000" in index.misplaced and "ID0210000" not in index.misplaced
    for source in ("gps", "ip"):
        found = resolve(facts(Position(*COLUMBUS_OH, source, NOW)), index, NOW)
        assert [p.ori for p in found][:2] == ["OHCOP0000", "OH0250000"], source
        assert {p.state for p in found} == {"OH"}
        assert not {"IN0240000", "ID0210000"} & {p.ori for p in found}
        # The state rule is the police row's own last reason; an IP area adds its caveat.
        own = [r for r in found[0].reasons if r != IP_CAVEAT]
        assert own[-1] == (
            "The point is in OH by the agencies around the point: other states' agencies are "
            "proposed only within 8 km of their state line"
        )


def _state_line_index(extra: list[AgencyPoint]) -> AgencyIndex:
    """Two states side by side at longitude 10.5: ZZ to the west, YY to the east."""
    return AgencyIndex(
        [
            AgencyPoint("Z0", "Zed County Sheriff", "County", "ZED", "ZZ", 10.0, 10.2),
            AgencyPoint("Z1", "Zeta Police Department", "City", "ZED", "ZZ", 10.0, 10.3),
            AgencyPoint("Z2", "Zulu Police Department", "City", "ZED", "ZZ", 10.02, 10.35),
            AgencyPoint("Y0", "Why County Sheriff", "County", "WHY", "YY", 10.0, 10.7),
            *extra,
        ]
    )


def test_another_state_agency_is_proposed_only_near_its_state_line() -> None:
    # A YY city police misplaced among ZZ's: without YY agencies near, the line is far.
    stray = AgencyPoint("Y9", "Yonder Police Department", "City", "WHY", "YY", 10.0, 10.301)
    found = resolve(facts(Position(10.0, 10.3, "gps", NOW)), _state_line_index([stray]), NOW)
    assert "Y9" not in {p.ori for p in found} and "Y0" not in {p.ori for p in found}
    assert {p.state for p in found} == {"ZZ"}

    # Near the line, where two YY agencies stand within 8 km, YY's sheriff may be proposed.
    near = [
        AgencyPoint("Z3", "Zinc Police Department", "City", "ZED", "ZZ", 10.0, 10.44),
        AgencyPoint("Z4", "Zoo Police Department", "City", "ZED", "ZZ", 10.0, 10.45),
        AgencyPoint("Y1", "Yew Police Department", "City", "WHY", "YY", 10.0, 10.52),
        AgencyPoint("Y2", "Yak Police Department", "City", "WHY", "YY", 10.01, 10.52),
    ]
    found = resolve(facts(Position(10.0, 10.46, "gps", NOW)), _state_line_index(near), NOW)
    assert found[0].ori == "Z4"
    assert found[0].reasons[-1].startswith("The point is in ZZ by the agencies around the point")
    yy = [p for p in found if p.state == "YY"]
    assert yy and all("YY's line is within 8 km" in p.reasons[-1] for p in yy)


def test_an_agency_far_from_the_rest_of_its_county_is_not_believed() -> None:
    county = [
        AgencyPoint(f"C{i}", f"Town{i} Police Department", "City", "CEE", "ZZ", 10 + i / 50, 10.0)
        for i in range(3)
    ]
    lost = AgencyPoint("C9", "Cee County Sheriff", "County", "CEE", "ZZ", 14.0, 10.0)
    index = AgencyIndex([*county, lost])
    assert index.misplaced == {"C9"}
    found = resolve(facts(Position(14.0, 10.0, "gps", NOW)), index, NOW)
    assert [p.kind for p in found] == [RecipientKind.ntoc]


def test_the_region_named_in_the_referral_sets_the_state_of_an_ip_area() -> None:
    index = _state_line_index([])
    # An IP area deep in ZZ, but the referral says the user is in YY.
    found = resolve(facts(Position(10.0, 10.1, "ip", NOW), region="YY"), index, NOW)
    assert found[0].ori == "Y0"
    assert {p.state for p in found} == {"YY"}
    assert found[0].reasons[-2].startswith("The point is in YY by the region the referral names")
    assert found[0].reasons[-1] == IP_CAVEAT


def test_a_city_named_in_the_referral_goes_first_when_the_point_agrees() -> None:
    found = resolve(
        facts(Position(10.0, 10.36, "ip", NOW), city="Zeta", region="ZZ"),
        _state_line_index([]),
        NOW,
    )
    assert found[0].ori == "Z1"
    assert found[0].reasons[1] == (
        "The referral names the city Zeta, ZZ: its police station is 6.6 km away"
    )
    # Too far from the point for the name to be believed: the point decides.
    far = resolve(
        facts(Position(10.0, 11.5, "gps", NOW), city="Zeta", region="ZZ"),
        _state_line_index([]),
        NOW,
    )
    assert far[0].ori != "Z1"


def test_a_precise_point_believes_a_named_city_afar_only_at_a_shared_point() -> None:
    # Zeta's station at 10.3; the GPS fix 6.6 km east is outside Zeta by its own point.
    point = Position(10.0, 10.36, "gps", NOW)
    own = resolve(facts(point, city="Zeta", region="ZZ"), _state_line_index([]), NOW)
    assert own[0].ori != "Z1"
    # When the list puts Zeta at a point it shares with another city (a county's centre), the
    # point says little about Zeta's extent and the name is believed within 10 km.
    twin = AgencyPoint("Z5", "Zest Police Department", "City", "ZED", "ZZ", 10.0, 10.3)
    shared = resolve(facts(point, city="Zeta", region="ZZ"), _state_line_index([twin]), NOW)
    assert shared[0].ori == "Z1"
