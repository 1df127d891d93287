"""Narrative building blocks: the scene of an incident, times, places, and writing styles.

A narrative is a handful of sentences chosen from many templates with slots filled from a
`Scene`; a style then renders it the way different officers really write (plain report,
terse, a dispatcher's ALL CAPS, first person, a timeline, a structured form).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime

# Style reserved for the held-out split, so heldout measures new ways of writing.
HELDOUT_STYLES = frozenset({"form"})
STYLES = ("plain", "plain", "plain", "terse", "caps", "first_person", "timeline", "form")

RELATIONS = (
    "mother",
    "father",
    "sister",
    "brother",
    "grandmother",
    "aunt",
    "best friend",
    "roommate",
    "coworker",
    "girlfriend",
    "boyfriend",
    "stepfather",
    "neighbour",
    "school counselor",
    "teacher",
    "ex-wife",
    "cousin",
    "pastor",
    "case worker",
)
STREETS = (
    "Main St",
    "Oak St",
    "Elm Dr",
    "Park Ave",
    "Lincoln Blvd",
    "Cedar Ln",
    "Highway 50",
    "County Road 12",
    "Mill Creek Rd",
    "Washington St",
    "Pine Ridge Rd",
    "Church St",
    "Lakeview Dr",
    "3rd St",
    "Maple Ave",
    "Route 9",
    "Riverside Dr",
    "Jefferson Ave",
    "Old Mill Rd",
    "Sunset Blvd",
    "2nd Ave",
    "Hickory Ln",
    "Walnut St",
    "Bridge St",
    "Market St",
    "Prospect Ave",
    "Fairview Rd",
    "State Route 31",
    "Depot St",
)
VEHICLES = (
    "black Kia Optima",
    "silver Honda Civic",
    "white Ford F-150",
    "red Toyota Corolla",
    "blue Dodge Charger",
    "gray Nissan Altima",
    "maroon Buick LaCrosse",
    "white Hyundai Elantra",
    "green Jeep Cherokee",
    "black Chevrolet Tahoe",
    "tan Toyota Camry",
    "silver Chevy Malibu",
    "dark blue Ford Escape",
    "white Chrysler minivan",
    "black Ram 1500 pickup",
    "gold Honda Accord",
    "red Mazda 3",
    "gray Subaru Outback",
)
COLOURS = (
    "black",
    "gray",
    "white",
    "navy",
    "red",
    "green",
    "tan",
    "maroon",
    "blue",
    "camouflage",
    "yellow",
    "pink",
    "olive",
)
TOPS = (
    "hoodie",
    "t-shirt",
    "flannel shirt",
    "coat",
    "sweatshirt",
    "puffer jacket",
    "denim jacket",
    "work shirt",
    "tank top",
)
BOTTOMS = ("jeans", "sweatpants", "shorts", "pants", "leggings", "cargo pants", "joggers")
HAIR = ("dark", "black", "brown", "blond", "red", "gray", "shaved", "curly brown")
BUILDS = ("thin", "medium", "heavy", "athletic", "slim", "stocky")
VENUES = (
    "a gas station",
    "a fast-food restaurant",
    "the bus station",
    "a park near the school",
    "a motel near the interstate",
    "a shopping center",
    "a convenience store",
    "the public library",
    "a truck stop",
    "the county fairgrounds",
    "a skate park",
)
CROWDS = (
    "a high school",
    "a community college campus",
    "a church",
    "a grocery store",
    "a distribution warehouse",
    "a rally downtown",
    "a festival this weekend",
    "a pride event",
    "a middle school",
    "a shopping mall",
    "a concert venue",
    "a city council meeting",
    "a hospital emergency department",
)


@dataclass
class Scene:
    """The concrete facts one narrative is written from."""

    rng: random.Random
    when: datetime
    place: str
    handle: str  # how the narrative names the target account
    age: int
    female: bool
    relation: str = ""
    street: str = ""
    vehicle: str = ""
    clothing: str = ""
    description: str = ""
    initials: str = ""
    incident_time: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, rng: random.Random, when: datetime, place: str, handle: str, age: int | None = None
    ) -> Scene:
        female = rng.random() < 0.5
        scene = cls(rng, when, place, handle, age or rng.randint(13, 68), female)
        # Teachers report children; ex-wives and coworkers report adults.
        young = (
            "school counselor",
            "teacher",
            "mother",
            "father",
            "grandmother",
            "aunt",
            "best friend",
            "stepfather",
            "brother",
            "sister",
            "cousin",
        )
        scene.relation = rng.choice(young if scene.age < 18 else (*RELATIONS[:-3], "pastor"))
        if scene.age >= 22 and scene.relation in ("school counselor", "teacher", "stepfather"):
            scene.relation = "sister"
        scene.street = rng.choice(STREETS)
        scene.vehicle = rng.choice(VEHICLES)
        scene.clothing = (
            f"a {rng.choice(COLOURS)} {rng.choice(TOPS)} and "
            f"{rng.choice(COLOURS)} {rng.choice(BOTTOMS)}"
        )
        feet, inches = rng.choice(
            (
                (5, rng.randint(0, 11)),
                (5, rng.randint(0, 11)),
                (6, rng.randint(0, 4)),
                (4, rng.randint(10, 11)),
            )
        )
        scene.description = (
            f"{feet}'{inches}\", {rng.choice(BUILDS)} build, {rng.choice(HAIR)} hair"
        )
        scene.initials = f"{chr(65 + rng.randint(0, 25))}.{chr(65 + rng.randint(0, 25))}."
        scene.incident_time = clock(rng, hours_before(rng, when))
        # Drawn once so every sentence of the narrative names the same place and crowd.
        scene.extra.update(
            tonight=rng.choice(("tonight", "this evening", "before morning", "today")),
            venue=rng.choice(VENUES),
            crowd=rng.choice(CROWDS),
            direction=rng.choice(("north", "south", "east", "west")),
            number=str(rng.randint(100000, 9999999)),
            address=f"{rng.randint(100, 9999)} {scene.street}, {place}",
            amount=rng.choice(("$5,000", "$20,000", "$2,500", "$10,000", "a car")),
            hours=str(rng.randint(2, 72)),
        )
        return scene

    def slots(self) -> dict[str, str]:
        he, his, him = ("she", "her", "her") if self.female else ("he", "his", "him")
        noun = (
            ("woman" if self.female else "man")
            if self.age >= 18
            else ("girl" if self.female else "boy")
        )
        return {
            "he": he,
            "He": he.capitalize(),
            "his": his,
            "His": his.capitalize(),
            "him": him,
            "noun": noun,
            "age": str(self.age),
            "sex": "F" if self.female else "M",
            "place": self.place,
            "handle": self.handle,
            "relation": self.relation,
            "Relation": self.relation.capitalize(),
            "street": self.street,
            "vehicle": self.vehicle,
            "clothing": self.clothing,
            "description": self.description,
            "initials": self.initials,
            "time": self.incident_time,
            "date": self.when.strftime("%m/%d/%Y"),
            **self.extra,
        }


def hours_before(rng: random.Random, when: datetime) -> datetime:
    from datetime import timedelta

    return when - timedelta(minutes=rng.randint(20, 14 * 60))


def clock(rng: random.Random, moment: datetime) -> str:
    """A time of day the way reports write it."""
    h, m = moment.hour, moment.minute
    twelve = f"{(h % 12) or 12}:{m:02d} {'AM' if h < 12 else 'PM'}"
    return rng.choice(
        (
            f"{h:02d}:{m:02d}",
            f"{h:02d}{m:02d} hrs",
            twelve,
            f"{h:02d}{m:02d} hours",
            f"{h:02d}{m:02d} h",
            twelve,
        )
    )


def fill(template: str, slots: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: slots.get(m.group(1), m.group(0)), template)


def compose(
    rng: random.Random,
    scene: Scene,
    opener: tuple[str, ...],
    details: tuple[str, ...],
    closers: tuple[str, ...],
    n_details: tuple[int, int],
) -> list[str]:
    slots = scene.slots()
    picked = rng.sample(details, k=min(len(details), rng.randint(*n_details)))
    sentences = [fill(rng.choice(opener), slots)] + [fill(d, slots) for d in picked]
    if closers and rng.random() < 0.75:
        sentences.append(fill(rng.choice(closers), slots))
    return [s[0].upper() + s[1:] for s in sentences]


def render(rng: random.Random, sentences: list[str], style: str, when: datetime) -> str:
    """One style of writing for the same facts."""
    if style == "terse":
        short = (_terse(s) for s in sentences[: rng.randint(2, 4)])
        return " ".join(s[0].upper() + s[1:] for s in short if s)
    if style == "caps":
        return " ".join(sentences).upper()
    if style == "first_person":
        lead = rng.choice(
            (
                "I am the investigating officer on this case. ",
                "I am the on-duty detective handling this call. ",
                "I was dispatched to this incident and am requesting this myself. ",
                "",
            )
        )
        return lead + " ".join(_first_person(s) for s in sentences)
    if style == "timeline":
        stamp = when.strftime("%m/%d")
        return " ".join(f"[{stamp}] {s}" if i == 0 else f"- {s}" for i, s in enumerate(sentences))
    if style == "form":
        head, *rest = sentences
        body = " ".join(rest[:-1]) if len(rest) > 1 else " ".join(rest)
        tail = rest[-1] if len(rest) > 1 else "Immediate risk to life."
        return f"SUMMARY: {head} DETAILS: {body} ASSESSMENT: {tail}"
    return " ".join(sentences)


_TERSE = (
    (r"\bapproximately\b", "approx."),
    (r"\bThe\b ", ""),
    (r"\bhas been\b", "was"),
    (r"\byears? old\b", "y/o"),
    (r"\bwithout success\b", "neg. result"),
    (r"\bresidence\b", "res."),
    (r"\binformation\b", "info"),
)


def _terse(sentence: str) -> str:
    for pattern, repl in _TERSE:
        sentence = re.sub(pattern, repl, sentence)
    return sentence.replace("..", ".")


def _first_person(sentence: str) -> str:
    sentence = re.sub(r"\bOur investigators believe\b", "I believe", sentence)
    sentence = re.sub(r"\bInvestigators believe\b", "I believe", sentence)
    sentence = re.sub(r"\bWe believe\b", "I believe", sentence)
    sentence = re.sub(r"\bwe need\b", "I need", sentence)
    return re.sub(r"\bWe have\b", "I have", sentence)
