"""A +1 number's place: the same answer as phonenumbers' geocoder, from a small cache."""

from __future__ import annotations

import random
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import geocoder

from exigent.verification import places
from exigent.verification.contact_signals import phone_region


def _sample_numbers() -> list[phonenumbers.PhoneNumber]:
    """Valid numbers across every North American area code, a few subscribers each."""
    rng = random.Random(2026)
    out = []
    for area in range(200, 1000):
        for _ in range(3):
            text = f"+1{area}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
            parsed = phonenumbers.parse(text, None)
            if phonenumbers.is_valid_number(parsed) or area in (800, 888):
                out.append(parsed)
    return out


def test_the_place_is_the_geocoders_for_every_area_code() -> None:
    numbers = _sample_numbers()
    assert len(numbers) > 1000
    for number in numbers:
        expected = geocoder.description_for_number(number, "en")
        assert places.nanp_description(number) == expected, number


def test_a_us_number_gives_its_state() -> None:
    assert phone_region("+12125550123")[:2] == ("US", "NY")
    assert phone_region("+13125550123")[:2] == ("US", "IL")
    assert phone_region("+18005550123")[:2] == ("US", None)


def test_the_cache_is_read_again_without_the_geocoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = places.load_places(tmp_path)
    assert first.prefixes["1212"] == "New York, NY"
    assert first.regions["BM"] == "Bermuda"
    [cached] = tmp_path.glob("nanp-places-*.pickle")

    def geocoder_loaded() -> places.NanpPlaces:
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(places, "_from_geocoder", geocoder_loaded)
    assert places.load_places(tmp_path) == first
    assert cached.exists()


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    places.load_places(tmp_path)
    [cached] = tmp_path.glob("nanp-places-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert places.load_places(tmp_path).prefixes["1212"] == "New York, NY"
    assert cached.read_bytes() != b"not a pickle"


def test_a_number_outside_north_america_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\+44"):
        places.nanp_description(phonenumbers.parse("+442079460000", None))
