"""Officers, supervisors, badge numbers, mailbox names and phone numbers.

Phone numbers are drawn from area codes that really serve the agency's state (looked up
with `phonenumbers`' geocoder, so the table is not hand-kept) and checked for validity.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import geocoder

from exigent.verification.corpus.agencies import Agency

_FIRST_NAMES_TEXT = (
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel  "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy  "
    "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin  "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry  "
    "Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter  "
    "Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan  "
    "Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy  "
    "Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene Luis Carlos Miguel Hector  "
    "Jamal Darnell Malik Andre DeShawn Tremaine Hung Minh Raj Sanjay Omar Tariq Marcus Dustin  "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty  "
    "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah  "
    "Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma  "
    "Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria  "
    "Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina  "
    "Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria  "
    "Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace Amber  "
    "Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris Kayla  "
    "Alexis Lori Marie Keisha Latoya Tamika Ebony Ximena Lucia Guadalupe Mei Priya Aisha Erin  "
    "Crystal Vanessa Jasmine Tiffany Monique Rosa Yolanda"
)
FIRST_NAMES = tuple(_FIRST_NAMES_TEXT.split())

_LAST_NAMES_TEXT = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez  "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White  "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres  "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts  "
    "Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales  "
    "Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos  "
    "Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes  "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry  "
    "Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons  "
    "Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West  "
    "Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro  "
    "Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry  "
    "Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez  "
    "Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd  "
    "Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols  "
    "Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kowalski Nowak Yazzie Begay Tsosie  "
    "Okafor Mensah Haddad Nakamura Yamamoto Singh Kaur O'Brien O'Connor McCarthy Lindqvist  "
    "Novak Dubois Becker Hoffmann Byrne Delgado Espinoza"
)
LAST_NAMES = tuple(_LAST_NAMES_TEXT.split())

US_TITLES = {
    "City": (
        "Officer",
        "Patrol Officer",
        "Detective",
        "Sergeant",
        "Detective Sergeant",
        "Corporal",
        "Lieutenant",
        "Investigator",
        "Criminal Investigator",
        "Master Officer",
        "Senior Patrol Officer",
        "Police Officer II",
        "Detective Lieutenant",
    ),
    "County": (
        "Deputy",
        "Deputy Sheriff",
        "Detective",
        "Sergeant",
        "Investigator",
        "Criminal Investigator",
        "Lieutenant",
        "Corporal",
        "Chief Deputy",
        "Senior Deputy",
        "Detective Sergeant",
    ),
    "State Police": (
        "Trooper",
        "Trooper First Class",
        "Sergeant",
        "Special Agent",
        "Investigator",
        "Detective",
        "Senior Trooper",
    ),
    "University or College": (
        "Officer",
        "Detective",
        "Sergeant",
        "Investigator",
        "Corporal",
        "Lieutenant",
    ),
    "Tribal": ("Officer", "Criminal Investigator", "Sergeant", "Lieutenant", "Detective"),
}
CHIEF_TITLES = (
    "Police Chief",
    "Chief of Police",
    "Town Marshal",
    "Sheriff",
    "Chief Deputy",
    "Undersheriff",
    "Police Captain",
    "Deputy Chief",
)
SUPERVISOR_RANKS = ("Sgt.", "Lt.", "Capt.", "Sergeant", "Lieutenant", "")


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str
    title: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def last_slug(self) -> str:
        """The surname as it appears in a mailbox name (no spaces or apostrophes)."""
        return self.last.lower().replace("'", "").replace(" ", "")


def person(rng: random.Random, titles: tuple[str, ...]) -> Person:
    return Person(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(titles))


# Officers of forces abroad mostly carry their country's names.
LOCAL_NAMES = {
    "DE": (
        "Jonas Lukas Katrin Anna Markus Stefan Julia Tobias Sabine Felix",
        "Schmidt Mueller Schneider Fischer Weber Wagner Becker Hoffmann Koch Richter",
    ),
    "FR": (
        "Camille Julien Nicolas Claire Mathieu Sophie Antoine Elodie Thomas Manon",
        "Martin Bernard Dubois Durand Lefebvre Moreau Laurent Simon Michel Garnier",
    ),
    "ES": (
        "Javier Lucia Carlos Marta Alejandro Laura Pablo Elena Sergio Carmen",
        "Garcia Fernandez Lopez Martinez Sanchez Perez Gomez Ruiz Diaz Moreno",
    ),
    "IT": (
        "Marco Giulia Luca Francesca Alessandro Chiara Matteo Sara Davide Elena",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco",
    ),
    "NL": (
        "Daan Sanne Bram Lotte Thijs Eva Joost Femke Ruben Anouk",
        "de Jong,Jansen,de Vries,van Dijk,Bakker,Visser,Smit,Meijer,de Boer,Mulder",
    ),
    "SE": (
        "Erik Anna Lars Karin Johan Maria Anders Emma Mikael Sara",
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Berg",
    ),
    "NO": (
        "Ole Ingrid Lars Kari Jon Silje Per Marte Henrik Nora",
        "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Berg",
    ),
    "DK": (
        "Mads Mette Rasmus Louise Frederik Camilla Jesper Sofie Anders Line",
        "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sorensen Rasmussen Madsen",
    ),
    "PL": (
        "Piotr Anna Tomasz Katarzyna Krzysztof Magdalena Pawel Agnieszka Marcin Ewa",
        "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski "
        "Wozniak",
    ),
}


def officer(rng: random.Random, agency: Agency) -> Person:
    if agency.foreign is not None:
        local = LOCAL_NAMES.get(agency.country)
        if local and rng.random() < 0.8:
            firsts = local[0].split()
            lasts = local[1].split(",") if "," in local[1] else local[1].split()
            last = rng.choice(lasts)
            return Person(rng.choice(firsts), last, rng.choice(agency.foreign.ranks))
        return person(rng, agency.foreign.ranks)
    return person(rng, US_TITLES.get(agency.kind, US_TITLES["City"]))


def badge_number(rng: random.Random) -> str | None:
    shapes = (
        lambda: str(rng.randint(100, 9999)),
        lambda: f"#{rng.randint(100, 9999)}",
        lambda: str(rng.randint(10000, 99999)),
        lambda: f"{rng.choice('KLSD')}{rng.randint(10, 999)}",
        lambda: f"{rng.randint(1, 9)}{rng.randint(100, 999)}-{rng.choice('ABCP')}",
        lambda: f"ID {rng.randint(1000, 9999)}",
        lambda: None,
    )
    return rng.choice(shapes)()


def mailbox(rng: random.Random, who: Person) -> str:
    """The local part agencies commonly give their staff."""
    f, last = who.first.lower(), who.last_slug
    shapes = (
        f"{f}.{last}",
        f"{f[0]}{last}",
        f"{f[0]}.{last}",
        f"{last}.{f}",
        f"{f}_{last}",
        f"{last}{f[0]}",
        f"{f}{last}",
        f"{f[0]}{last}{rng.randint(1, 99)}",
        f"{f}.{last}{rng.randint(1, 9)}",
    )
    return rng.choice(shapes)


@cache
def area_codes_by_state() -> dict[str, tuple[str, ...]]:
    """Geographic NANP area codes per US state, from phonenumbers' own geocoding data."""
    from exigent.verification.corpus.agencies import STATE_ZONES

    names = _state_names()
    found: dict[str, list[str]] = {}
    for npa in range(201, 990):
        number = phonenumbers.parse(f"+1{npa}2{npa % 100:02d}0123")
        if not phonenumbers.is_valid_number(number):
            continue
        if phonenumbers.region_code_for_number(number) != "US":
            continue
        place = geocoder.description_for_number(number, "en")
        state = place.rsplit(", ", 1)[-1] if ", " in place else names.get(place)
        if state in STATE_ZONES:
            found.setdefault(state, []).append(str(npa))
    return {state: tuple(codes) for state, codes in found.items()}


def _state_names() -> dict[str, str]:
    from exigent.directory.sources import iter_fbi_agencies

    names = {row.state_name: row.state for row in iter_fbi_agencies()}
    # The geocoder names the capital's codes (202, 771) by the city, not the district.
    names["Washington D.C."] = "DC"
    return names


TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")


def nanp_number(rng: random.Random, npa: str) -> str:
    for _ in range(20):
        candidate = f"+1{npa}{rng.randint(2, 9)}{rng.randint(0, 99):02d}{rng.randint(0, 9999):04d}"
        if candidate[5:7] == "11":
            continue
        if npa in TOLL_FREE or phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate
    return f"+1{npa}555{rng.randint(1000, 9999)}"


def state_number(rng: random.Random, state: str, exchange: str | None = None) -> str:
    """A number in one of the state's area codes; `exchange` keeps a desk line's prefix."""
    codes = area_codes_by_state().get(state) or ("202",)
    if exchange:
        return f"{exchange}{rng.randint(0, 9999):04d}"
    return nanp_number(rng, rng.choice(codes))


def foreign_number(rng: random.Random, prefixes: tuple[str, ...], length: int) -> str:
    prefix = rng.choice(prefixes)
    for _ in range(20):
        rest = "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) + 1))
        candidate = prefix + rest
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
                return candidate
        except phonenumbers.NumberParseException:
            continue
    return candidate


def agency_numbers(rng: random.Random, agency: Agency) -> tuple[str, str]:
    """The officer's number and the supervisor's, usually on the same exchange."""
    if agency.foreign is not None:
        f = agency.foreign
        return foreign_number(rng, f.phone_prefixes, f.phone_length), foreign_number(
            rng, f.phone_prefixes, f.phone_length
        )
    own = state_number(rng, agency.state or "")
    if rng.random() < 0.7:
        return own, state_number(rng, agency.state or "", exchange=own[:8])
    return own, state_number(rng, agency.state or "")
