"""Narratives for demo cases, written the way officers write them."""

from __future__ import annotations

import random

FIRST = [
    "Dana",
    "Marcus",
    "Priya",
    "Luis",
    "Keisha",
    "Tom",
    "Aisha",
    "Brian",
    "Mei",
    "Carlos",
    "Jordan",
    "Sarah",
    "Darnell",
    "Emily",
    "Raj",
    "Nicole",
    "Owen",
    "Fatima",
    "Greg",
    "Ana",
]
LAST = [
    "Whitfield",
    "Okafor",
    "Nguyen",
    "Ramirez",
    "Brooks",
    "Keller",
    "Haddad",
    "Sullivan",
    "Chen",
    "Morales",
    "Patel",
    "Foster",
    "Jensen",
    "Walsh",
    "Ibrahim",
    "Kowalski",
]
TITLES = ["Officer", "Detective", "Sergeant", "Deputy", "Investigator", "Lieutenant"]

FACTS = {
    "suicide_self_harm": [
        "At {time} the user posted a note saying goodbye to family and a photo of a bottle of "
        "pills. Family called 911; the user is not answering the phone and is not at home.",
        "A friend reported the user live-streamed holding a handgun and said tonight is the "
        "night. Patrol checked the last known address; vehicle gone.",
    ],
    "child_safety": [
        "A 13-year-old girl left home at {time} to meet an adult she met through the platform. "
        "Messages seen by her mother arrange a meeting at an unknown location.",
        "An adult account is sending sexual images to a 12-year-old and has asked to meet "
        "tonight. Parents reported it at {time}.",
    ],
    "kidnapping": [
        "The victim was forced into a vehicle at {time}; the suspect is messaging family "
        "demanding money through the platform.",
    ],
    "violent_threat": [
        "The user posted that he will shoot staff at a named high school tomorrow morning, "
        "with a photo of a rifle. Posted at {time}.",
        "The user threatened to kill his former partner and posted her home address at {time}.",
    ],
    "terrorism": [
        "The account posted a manifesto and a plan to attack a public gathering this weekend; "
        "a device was described in detail.",
    ],
    "other_life_threat": [
        "A hiker posted from a trail at {time} that he is injured and lost; no cell contact "
        "since. Weather is turning.",
    ],
}

HOW_HELPS = [
    "Recent login IP addresses and any stored location will let units locate the person.",
    "Subscriber details and the last IP identify the residence for a welfare check.",
]

OFFENSES = {
    "subpoena": ["Identity theft", "Fraud by wire", "Harassment", "Stalking"],
    "court_order": ["Stalking", "Extortion", "Distribution of controlled substances"],
    "search_warrant": ["Homicide", "Sexual exploitation of a minor", "Armed robbery"],
    "preservation": ["Homicide", "Aggravated assault", "Child exploitation"],
    "preservation_extension": ["Homicide", "Aggravated assault"],
    "consent": ["Missing person (account holder consents)"],
    "real_time": ["Kidnapping"],
    "other": ["Civil matter"],
}

AUTHORITY = {
    "emergency": "18 U.S.C. 2702(b)(8) and 2702(c)(4)",
    "subpoena": "18 U.S.C. 2703(c)(2); grand jury subpoena",
    "court_order": "18 U.S.C. 2703(d) order",
    "search_warrant": "18 U.S.C. 2703(a) and (b); state search warrant",
    "preservation": "18 U.S.C. 2703(f)",
    "preservation_extension": "18 U.S.C. 2703(f)",
    "consent": "Written consent of the account holder",
    "real_time": "18 U.S.C. 3123 pen register order",
    "other": "",
}


def person(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return first, last, rng.choice(TITLES)


def username(rng: random.Random) -> str:
    words = ["night", "owl", "blue", "river", "ghost", "sunny", "mad", "real", "xo", "lil"]
    return f"{rng.choice(words)}.{rng.choice(words)}{rng.randint(1, 999)}"


def facts(rng: random.Random, nature: str, time: str) -> str:
    return rng.choice(FACTS[nature]).format(time=time)


# One area code per state, so a demo officer's number is in their agency's state as a real
# officer's is (a number elsewhere is a fraud signal: callback_region_mismatch).
AREA_CODES = {
    "AL": 205, "AK": 907, "AZ": 602, "AR": 501, "CA": 213, "CO": 303, "CT": 203, "DE": 302,
    "DC": 202, "FL": 305, "GA": 404, "HI": 808, "ID": 208, "IL": 312, "IN": 317, "IA": 515,
    "KS": 316, "KY": 502, "LA": 504, "ME": 207, "MD": 410, "MA": 617, "MI": 313, "MN": 612,
    "MS": 601, "MO": 314, "MT": 406, "NE": 402, "NV": 702, "NH": 603, "NJ": 201, "NM": 505,
    "NY": 212, "NC": 704, "ND": 701, "OH": 216, "OK": 405, "OR": 503, "PA": 215, "RI": 401,
    "SC": 803, "SD": 605, "TN": 615, "TX": 214, "UT": 801, "VT": 802, "VA": 804, "WA": 206,
    "WV": 304, "WI": 414, "WY": 307,
}  # fmt: skip
WHO_REPORTED = ["her mother", "his sister", "a teacher", "a neighbour", "his partner", "a friend"]


def local_phone(rng: random.Random, state: str | None) -> str:
    """A 555 number in the state's area code (any US one when the state is unknown)."""
    area = AREA_CODES.get(state or "") or rng.choice(list(AREA_CODES.values()))
    return f"+1{area}555{rng.randint(1000, 9999)}"


def reported_by(rng: random.Random, agency: str) -> str:
    """Who brought the case to the agency: each case's own words, so two officers' requests
    are not the same text (which the fraud check reads as a template)."""
    return (
        f"Reported to {agency} by {rng.choice(WHO_REPORTED)}, "
        f"{rng.choice(FIRST)} {rng.choice(LAST)}, who is cooperating."
    )
