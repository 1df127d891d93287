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
