"""Where a North American number is, from the numbering plan's own place names, kept small.

phonenumbers' geocoder loads the place names of every country in every language (19 MB of
tables, from half a second to seconds), yet a US number's state needs only the English
names of the +1 prefixes. Those are taken from the geocoder once, cached beside the
directory index, and looked up as the geocoder looks them up: the longest prefix of the
number that has a name.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

from exigent.caches import load_or_build
from exigent.config import get_settings

NANP = 1

# Names by which the numbering plan (and officers) call US states and territories.
US_STATES = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "Washington State": "WA",
    "Washington D.C.": "DC",
    "Washington, D.C.": "DC",
    "District of Columbia": "DC",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
    "Puerto Rico": "PR",
    "Guam": "GU",
    "U.S. Virgin Islands": "VI",
    "American Samoa": "AS",
    "Northern Mariana Islands": "MP",
}
STATE_CODES = frozenset(US_STATES.values())
# Each state's usual name (the first of its spellings above).
STATE_NAMES = {code: name for name, code in reversed(US_STATES.items())}


@dataclass(frozen=True)
class NanpPlaces:
    """English names of the +1 prefixes that have one, and of the +1 regions."""

    prefixes: dict[str, str]
    regions: dict[str, str]


def _from_geocoder() -> NanpPlaces:
    # The whole geocoder is heavy (see the module's docstring): it loads only when the
    # cache is missing or stale.
    from phonenumbers.geodata import GEOCODE_DATA
    from phonenumbers.geodata.locale import LOCALE_DATA

    prefix = str(NANP)
    prefixes = {
        key: names["en"]
        for key, names in GEOCODE_DATA.items()
        if key.startswith(prefix) and "en" in names
    }
    regions = {}
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[NANP]:
        names = LOCALE_DATA.get(region, {})
        name = names.get("en", "")
        if name.startswith("*"):  # "*aa": the name is held under another language's entry
            name = names.get(name[1:], "")
        regions[region] = name
    return NanpPlaces(prefixes, regions)


def _cache_key() -> str:
    """What the cached places were built from: the numbering data's and Python's versions."""
    return f"{phonenumbers.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"


def load_places(cache_dir: Path | None) -> NanpPlaces:
    """The +1 prefixes' and regions' English names, from the cache under `cache_dir` when it
    holds them for this version of the numbering data, otherwise from the geocoder (and
    cached)."""
    return load_or_build(cache_dir, "nanp-places", _cache_key(), NanpPlaces, _from_geocoder)


@cache
def nanp_places() -> NanpPlaces:
    """The place names for this process, loaded on first use."""
    return load_places(get_settings().cache_dir)


def nanp_description(number: PhoneNumber) -> str:
    """The English place of a +1 number ("New Jersey", "Jersey City, NJ", "Bermuda"), or "";
    what `geocoder.description_for_number(number, "en")` gives."""
    if number.country_code != NANP:
        raise ValueError(f"+{number.country_code} is not a North American number")
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return ""
    places = nanp_places()
    if phonenumbers.is_number_type_geographical(kind, number.country_code):
        digits = phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
        for length in range(len(digits), 0, -1):
            name = places.prefixes.get(digits[:length])
            if name is not None:
                return name
    return _region_name(number, places)


def _region_name(number: PhoneNumber, places: NanpPlaces) -> str:
    """The name of the one +1 region where the number is valid; "" if several or none."""
    valid = [
        region
        for region in places.regions
        if phonenumbers.is_valid_number_for_region(number, region)
    ]
    return places.regions[valid[0]] if len(valid) == 1 else ""
